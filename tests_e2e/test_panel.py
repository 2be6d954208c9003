"""The "SIM gateways" panel and the port grid card, in headless Chromium.

Both firmware profiles get their own Home Assistant and simulator. The tests run in
file order on that pair, as a user would: the gateway is added, the panel's grid shows
every port as the simulator has it (in light and dark themes, and on a phone), a SIM
taken out changes its tile without a reload, the port drawer's controls act on the
gateway (a redial gives a proxy port a new public IP), an SMS the simulator receives
appears in the inbox, the send form sends one the simulator's network takes, and the
card shows the grid on a dashboard.

Screenshots land in ``artifacts/e2e/test_panel-<firmware>/``. With
``EJOIN_README_SHOTS=1`` the SMS firmware's grid and inbox are also written to
``docs/images/``, where the README shows them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import os
from pathlib import Path
import re
import shutil
from typing import Any

import aiohttp
from playwright.async_api import Locator, Page, ViewportSize, expect
import pytest

from ejoin_dev.api import HomeAssistantApi

from .browser import Steps, log_in, open_page
from .conftest import Stack
from .helpers import (
    DOMAIN,
    WORKING,
    WORKING_STATE,
    firmware_of,
    simulate,
    simulator_state,
    wait_until,
)

pytestmark = pytest.mark.parametrize("stack", ["sms", "proxy"], indirect=True)

PORTS = range(1, 9)  # the simulator's default: 8 ports
PANEL = "/ejoin"
PHONE: ViewportSize = {"width": 390, "height": 844}
# The Status sensor's option for the codes the simulator reports here.
STATUS_KEYS = {0: "no_sim", 1: "idle_sim", 2: "registering", 3: "registered"} | {
    15: "accessing_network"
}
README_IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
CHANGE_WITHIN = 10  # seconds for a report to reach the open panel
REDIAL_WITHIN = 60  # the redial, then the public IP read again


@pytest.fixture
async def page(stack: Stack) -> AsyncIterator[Page]:
    """Open a page in headless Chromium, logged in as the owner."""
    async with open_page(stack) as page:
        await log_in(page, stack.hass.url)
        yield page


async def gateway_entry(api: HomeAssistantApi, stack: Stack) -> str:
    """Return the Ejoin entry's id; add the simulated gateway first if there is none."""
    entries = await api.request(
        "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
    )
    if entries:
        return str(entries[0]["entry_id"])
    simulator = stack.simulator
    entry = await api.add_gateway(
        "127.0.0.1", simulator.port, simulator.username, simulator.password
    )
    return str(entry["entry_id"])


async def open_panel(page: Page, stack: Stack) -> None:
    """Open the panel from the sidebar, as a user does."""
    await page.goto(f"{stack.hass.url}/lovelace/0")
    await page.get_by_role("option", name="SIM gateways").first.click()
    await expect(page).to_have_url(re.compile(f"{PANEL}$"))


def tile(page: Page, port: int) -> Locator:
    """Return the grid tile of one port."""
    return page.locator(f"ejoin-panel [data-port='{port}']")


async def colour_of(locator: Locator) -> str:
    """Return the colours a tile is drawn in (its background and border)."""
    colours: str = await locator.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return s.backgroundColor + ' ' + s.borderTopColor; }"
    )
    return colours


def keep_for_readme(shot: Path, name: str, stack: Stack) -> None:
    """Write a screenshot where the README shows it, when asked to."""
    if os.environ.get("EJOIN_README_SHOTS") and firmware_of(stack) == "sms":
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, README_IMAGES / name)


async def test_the_grid_shows_every_port_as_the_gateway_reports_it(
    stack: Stack, page: Page, session: aiohttp.ClientSession
) -> None:
    """One tile per port, in the status the simulator reports; light, dark, phone."""
    api = stack.api(session)
    entry_id = await gateway_entry(api, stack)
    model = await simulator_state(session, stack)
    steps = Steps(page, stack.artifacts)

    async with steps.step("grid"):
        await open_panel(page, stack)
        gateway = page.locator(f"ejoin-panel [data-gateway='{entry_id}']")
        await expect(gateway.locator("[data-port]")).to_have_count(len(PORTS))
        for number in PORTS:
            port = model["ports"][str(number)]
            assert port["status"] == WORKING[firmware_of(stack)], port
            shown = tile(page, number)
            await expect(shown).to_have_attribute(
                "data-status", STATUS_KEYS[port["status"]]
            )
            await expect(shown).to_have_attribute("data-tone", "ok")
            sim = port["sims"][str(port["active_slot"])]
            await expect(shown).to_contain_text(f"Port {number}")
            await expect(shown).to_contain_text(sim["operator"])
        await expect(gateway).to_contain_text(f"{len(PORTS)}/{len(PORTS)} registered")
        keep_for_readme(await steps.shot("grid"), "panel-ports.png", stack)

    async with steps.step("filter"):
        filter_select = page.locator("ejoin-panel [data-testid='filter']")
        await filter_select.select_option("not_registered")
        await expect(gateway.locator("[data-port]")).to_have_count(0)
        await filter_select.select_option("all")
        await expect(gateway.locator("[data-port]")).to_have_count(len(PORTS))

    async with steps.step("dark"):
        await page.emulate_media(color_scheme="dark")
        await expect(tile(page, 1)).to_be_visible()
        background = await page.locator("ejoin-panel").evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        red, green, blue = (int(part) for part in re.findall(r"\d+", background)[:3])
        assert red + green + blue < 3 * 96, background  # a dark page
        await steps.shot("grid-dark")
        await page.emulate_media(color_scheme="light")

    async with steps.step("phone"):
        await page.set_viewport_size(PHONE)
        await expect(tile(page, 1)).to_be_visible()
        # Nothing sticks out sideways: the tiles wrap to the phone's width.
        overflow = await page.locator("ejoin-panel").evaluate(
            "e => e.scrollWidth - e.clientWidth"
        )
        assert overflow <= 0, overflow
        box = await tile(page, 1).bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= PHONE["width"], box
        await steps.shot("grid-phone")


async def test_a_port_whose_sim_is_removed_changes_colour_without_a_reload(
    stack: Stack, page: Page, session: aiohttp.ClientSession
) -> None:
    """The simulator takes port 5's SIM out: its tile turns "No SIM" by itself."""
    steps = Steps(page, stack.artifacts)
    await open_panel(page, stack)
    shown = tile(page, 5)
    await expect(shown).to_have_attribute("data-tone", "ok")
    before = await colour_of(shown)
    slot = (await simulator_state(session, stack))["ports"]["5"]["active_slot"]

    await simulate(session, stack, "port", {"port": 5, "remove_sim": slot})

    async with steps.step("sim-removed"):
        await expect(shown).to_have_attribute(
            "data-status", "no_sim", timeout=CHANGE_WITHIN * 1000
        )
        await expect(shown).to_have_attribute("data-tone", "off")
        assert await colour_of(shown) != before
        await expect(shown).to_contain_text("No SIM")
        # The others did not change.
        await expect(tile(page, 4)).to_have_attribute("data-tone", "ok")
        await steps.shot("sim-removed")
    # Put it back for the tests that follow.
    await simulate(session, stack, "port", {"port": 5, "insert_sim": slot})
    await expect(shown).to_have_attribute("data-tone", "ok")


async def test_the_drawer_locks_a_port_and_redials_it(
    stack: Stack, page: Page, session: aiohttp.ClientSession
) -> None:
    """The port drawer's controls act on the gateway.

    Lock and Unlock lock the port (the tile is marked); Redial makes the port dial
    again, and a proxy port comes back with a new public IP, which the drawer shows.
    """
    firmware = firmware_of(stack)
    steps = Steps(page, stack.artifacts)
    await open_panel(page, stack)
    await tile(page, 3).click()
    drawer = page.locator("ejoin-panel [data-testid='drawer']")
    await expect(drawer).to_be_visible()
    await expect(drawer).to_contain_text("Port 3")
    # A row per entity that shows something; the buttons are the controls.
    balance = (await simulator_state(session, stack))["ports"]["3"]
    balance = balance["sims"][str(balance["active_slot"])]["balance"]
    await expect(
        drawer.get_by_role("button", name=re.compile(r"^Balance"))
    ).to_contain_text(re.compile(rf"{balance:.2f}|{balance:g}\b"))
    await expect(
        drawer.get_by_role("button", name=re.compile(r"^Redial:"))
    ).to_have_count(0)
    await steps.shot("drawer")

    async with steps.step("lock"):
        await drawer.get_by_role("button", name="Lock", exact=True).click()

        async def locked() -> bool:
            return bool((await simulator_state(session, stack))["ports"]["3"]["locked"])

        await wait_until(
            locked, bool, within=CHANGE_WITHIN, what="port 3 locked", stack=stack
        )
        await expect(tile(page, 3)).to_have_attribute("data-tone", "locked")
        await expect(tile(page, 3)).to_contain_text("Locked")
        await steps.shot("locked")
        await drawer.get_by_role("button", name="Unlock", exact=True).click()
        await wait_until(
            locked,
            lambda value: not value,
            within=CHANGE_WITHIN,
            what="port 3 unlocked",
            stack=stack,
        )
        await expect(tile(page, 3)).to_have_attribute(
            "data-status", WORKING_STATE[firmware]
        )

    async with steps.step("redial"):
        before = (await simulator_state(session, stack))["ports"]["3"]["public_ip"]
        await drawer.get_by_role("button", name="Redial", exact=True).click()

        async def public_ip() -> str | None:
            port = (await simulator_state(session, stack))["ports"]["3"]
            return port["public_ip"] if port["status"] == WORKING[firmware] else None

        after = await wait_until(
            public_ip,
            lambda value: value is not None and value != before,
            within=REDIAL_WITHIN,
            what="port 3 back with a new public IP",
            stack=stack,
        )
        await expect(tile(page, 3)).to_have_attribute(
            "data-status", WORKING_STATE[firmware], timeout=REDIAL_WITHIN * 1000
        )
        if firmware == "proxy":
            # Read again once the redial ended: the drawer shows the new address.
            await expect(drawer).to_contain_text(
                str(after), timeout=REDIAL_WITHIN * 1000
            )
            await expect(drawer).not_to_contain_text(str(before))
        await steps.shot("redialled")
        await drawer.get_by_role("button", name="Close").click()
        await expect(drawer).to_be_hidden()


async def test_an_sms_the_gateway_receives_appears_in_the_inbox(
    stack: Stack, page: Page, session: aiohttp.ClientSession
) -> None:
    """Pushed ones at once; one read back from the gateway's store is "Recovered"."""
    api = stack.api(session)
    entry_id = await gateway_entry(api, stack)
    steps = Steps(page, stack.artifacts)
    await open_panel(page, stack)
    await page.locator("ejoin-panel").get_by_role("tab", name="Inbox").click()
    rows = page.locator("ejoin-panel [data-testid='sms']")

    async with steps.step("pushed"):
        text = f"Your {firmware_of(stack)} code is 424242"
        await simulate(
            session, stack, "sms", {"port": 2, "sender": "+15550001111", "text": text}
        )
        await expect(rows.first).to_contain_text(text, timeout=CHANGE_WITHIN * 1000)
        await expect(rows.first).to_contain_text("Port 2")
        await expect(rows.first).to_contain_text("+15550001111")
        await expect(rows.first).not_to_contain_text("Recovered")

    async with steps.step("recovered"):
        # Not pushed: Home Assistant finds it in the gateway's store when it reloads.
        missed = "Missed while Home Assistant was away"
        await simulate(
            session,
            stack,
            "sms",
            {"port": 6, "sender": "+15550002222", "text": missed, "push": False},
        )
        await api.request("POST", f"/api/config/config_entries/entry/{entry_id}/reload")
        recovered = rows.filter(has_text=missed)
        await expect(recovered).to_have_count(1, timeout=CHANGE_WITHIN * 1000)
        await expect(recovered).to_contain_text("Recovered")
        await expect(rows.first).to_contain_text(missed)  # the newest first
        keep_for_readme(await steps.shot("inbox"), "panel-inbox.png", stack)

    async with steps.step("search"):
        search = page.locator("ejoin-panel [data-testid='inbox-search']")
        await search.fill("424242")
        await expect(rows).to_have_count(1)
        await expect(rows.first).to_contain_text(text)
        await search.fill("no message says this")
        await expect(rows).to_have_count(0)
        await search.fill("")
        await expect(rows).to_have_count(2)


async def test_the_send_form_sends_an_sms_and_shows_its_progress(
    stack: Stack, page: Page, session: aiohttp.ClientSession
) -> None:
    """The counter tells GSM-7 from UCS-2; the SMS reaches the network; it is delivered."""
    steps = Steps(page, stack.artifacts)
    await open_panel(page, stack)
    panel = page.locator("ejoin-panel")
    await panel.get_by_role("tab", name="Send SMS").click()
    form = page.locator("ejoin-panel [data-testid='send-form']")
    counter = page.locator("ejoin-panel [data-testid='sms-counter']")
    message = form.get_by_label("Message")

    async with steps.step("counter"):
        await message.fill("Привет, ворота открыты")  # Cyrillic: UCS-2
        await expect(counter).to_have_text("22 characters · UCS-2 · 1 SMS")
        await message.fill("x" * 161)
        await expect(counter).to_have_text("161 characters · GSM-7 · 2 SMS")

    async with steps.step("send"):
        text = "The gate is open. [panel]"
        recipient = "+15550009876"
        await form.get_by_label("Port", exact=True).select_option(label="Port 4")
        await form.get_by_label("Recipients").fill(recipient)
        await message.fill(text)
        # "[" and "]" are in GSM-7's extension table: two characters' room each.
        await expect(counter).to_have_text("25 characters · GSM-7 · 1 SMS")
        await form.get_by_label("Delivery report").check()
        await steps.shot("send-form")
        await form.get_by_role("button", name="Send").click()

    async with steps.step("progress"):
        progress = page.locator("ejoin-panel [data-testid='send-progress']")
        await expect(progress).to_contain_text(re.compile(r"Task \d+"))
        await expect(progress).to_contain_text("1 sent")
        await expect(progress).to_contain_text("Delivered")
        await steps.shot("sent")

    async with session.get(f"{stack.simulator.url}/_sim/outbox") as response:
        outbox: list[dict[str, Any]] = await response.json()
    assert [(row["recipient"], row["text"]) for row in outbox] == [(recipient, text)]
    assert outbox[0]["port"].startswith("4"), outbox


async def test_the_card_shows_the_grid_on_a_dashboard(
    stack: Stack, page: Page, session: aiohttp.ClientSession
) -> None:
    """The card is in the card picker's list and shows one gateway's ports."""
    api = stack.api(session)
    entry_id = await gateway_entry(api, stack)
    async with api.websocket() as socket:
        dashboards = await socket.command({"type": "lovelace/dashboards/list"})
        if not any(board["url_path"] == "sim-farm" for board in dashboards):
            await socket.command(
                {
                    "type": "lovelace/dashboards/create",
                    "url_path": "sim-farm",
                    "title": "SIM farm",
                    "mode": "storage",
                }
            )
        card = {"type": "custom:ejoin-port-grid-card", "entry_id": entry_id}
        await socket.command(
            {
                "type": "lovelace/config/save",
                "url_path": "sim-farm",
                "config": {"views": [{"title": "Ports", "cards": [card]}]},
            }
        )
    steps = Steps(page, stack.artifacts)

    async with steps.step("card"):
        await page.goto(f"{stack.hass.url}/sim-farm/0")
        shown = page.locator("ejoin-port-grid-card")
        await expect(shown.locator("[data-port]")).to_have_count(len(PORTS))
        await expect(shown.locator("[data-port='1']")).to_have_attribute(
            "data-status", WORKING_STATE[firmware_of(stack)]
        )
        picker: list[str] = await page.evaluate(
            "() => (window.customCards || []).map(card => card.type)"
        )
        assert "ejoin-port-grid-card" in picker, picker
        await steps.shot("card")
