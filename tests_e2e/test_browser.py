"""Home Assistant's web interface in headless Chromium, as a user clicks through it.

Every step leaves a screenshot in ``artifacts/e2e/test_browser/`` (see browser.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import re
from typing import Any

import aiohttp
from playwright.async_api import Page, expect
import pytest

from ejoin_dev.api import HomeAssistantApi

from .browser import PNG, VIEWPORT, WAIT_MS, Steps, open_page, png_size
from .conftest import OWNER_PASSWORD, OWNER_USERNAME, Stack

GATEWAY = (
    "Ejoin 8-port 0203"  # the entry's and the gateway device's name: size, MAC end
)
PORTS = 8  # the simulator's default


@pytest.fixture
async def page(stack: Stack) -> AsyncIterator[Page]:
    """Open a page in headless Chromium (see browser.py)."""
    async with open_page(stack) as page:
        yield page


async def expect_row(page: Page, name: str, state: str | re.Pattern[str]) -> None:
    """Expect the entity row ``name`` to show ``state``, with its icon drawn."""
    row = page.locator("hui-generic-entity-row").filter(
        has=page.get_by_text(name, exact=True)
    )
    await row.scroll_into_view_if_needed()
    await expect(row).to_be_visible()
    await expect(row).to_contain_text(state)
    # Icons arrive after the rows; a screenshot without them looks broken.
    await expect(row.locator("ha-state-icon path").first).to_have_attribute(
        "d", re.compile(r"\S")
    )


async def port_states(api: HomeAssistantApi) -> dict[str, Any]:
    """Wait until every port's status sensor has a state; return those states."""
    entities = [
        f"sensor.ejoin_8_port_0203_port_{port}_status" for port in range(1, PORTS + 1)
    ]
    async with asyncio.timeout(WAIT_MS / 1000):
        while True:
            states = await api.states()
            found = {
                entity: states[entity]["state"]
                for entity in entities
                if entity in states
            }
            if len(found) == PORTS and "unavailable" not in found.values():
                return found
            await asyncio.sleep(0.5)


async def test_add_the_gateway_in_the_web_interface_and_open_its_devices(
    stack: Stack, page: Page, session: aiohttp.ClientSession
) -> None:
    """Log in, add Ejoin with the real form, and see the gateway's and a port's pages.

    Each step is what a person does in the browser: the login form, Settings'
    "Add integration" dialog with the gateway's address and account, the second step
    (where the gateway reports to) as Home Assistant suggests it, and then the device
    pages. The REST API confirms that the entities the form created are there.
    """
    steps = Steps(page, stack.artifacts)
    url = stack.hass.url

    async with steps.step("login"):
        await page.goto(url)
        await page.get_by_label("Username").fill(OWNER_USERNAME)
        await page.get_by_label("Password", exact=True).fill(OWNER_PASSWORD)
        await expect(page.get_by_label("Username")).to_have_value(OWNER_USERNAME)
        await steps.shot("login-form")
        await page.get_by_role("button", name="Log in").click()
        await expect(page).to_have_url(re.compile(r"/lovelace/"))
        await expect(page.get_by_text("Overview").first).to_be_visible()
        await steps.shot("logged-in")

    async with steps.step("add-integration"):
        await page.goto(f"{url}/config/integrations/dashboard")
        await page.get_by_role("button", name="Add integration").click()
        await page.get_by_label("Search for a brand name").fill("Ejoin")
        entry = page.get_by_text("Ejoin SIM gateway", exact=True)
        await expect(entry).to_be_visible()
        await steps.shot("search")
        await entry.click()

    async with steps.step("form"):
        await expect(page.get_by_text("Connect to the Ejoin gateway")).to_be_visible()
        fields = {
            "Host": "127.0.0.1",
            "Port": str(stack.simulator.port),
            "Username": stack.simulator.username,
            "Password": stack.simulator.password,
        }
        for label, value in fields.items():
            await page.get_by_label(label, exact=True).fill(value)
        for label, value in fields.items():
            await expect(page.get_by_label(label, exact=True)).to_have_value(value)
        await steps.shot("form-filled")
        await page.get_by_role("button", name="Submit").click()

    async with steps.step("report-step"):
        # The gateway answered: the second step says what it found.
        await expect(page.get_by_text("Where the gateway reports to")).to_be_visible()
        await expect(page.get_by_text(f"with {PORTS} ports")).to_be_visible()
        await expect(page.get_by_label("Report URL", exact=True)).to_have_value(
            re.compile(r"^http://\S+")
        )
        await steps.shot("report-step")
        await page.get_by_role("button", name="Submit").click()

    async with steps.step("success"):
        await expect(
            page.get_by_text(f"Created configuration for {GATEWAY}.")
        ).to_be_visible()
        await steps.shot("success")
        await page.get_by_role("button", name="Finish").click()
        await expect(page.get_by_text("Created configuration for")).to_be_hidden()
        # Home Assistant shows the new entry on the integration's page.
        await expect(page.get_by_text(GATEWAY, exact=True)).to_be_visible()
        await expect(page.get_by_text(f"{PORTS + 1} devices").first).to_be_visible()
        await steps.shot("integration")

    async with steps.step("rest-api"):
        # What the form created is really there: the entities, over the REST API.
        api = HomeAssistantApi(session, url)
        await api.login(OWNER_USERNAME, OWNER_PASSWORD)
        assert set((await port_states(api)).values()) == {"registered"}

    async with steps.step("gateway-device"):
        await page.goto(f"{url}/config/devices/dashboard")
        await page.get_by_text(GATEWAY, exact=True).first.click()
        await expect(page).to_have_url(re.compile(r"/config/devices/device/\w+"))
        await expect(page.get_by_text(GATEWAY, exact=True).first).to_be_visible()
        await expect(page.get_by_text("8-port SIM gateway")).to_be_visible()
        await expect(page.get_by_text("Connected devices")).to_be_visible()
        await expect_row(page, "Registered ports", str(PORTS))
        await expect_row(page, "Reboot", "Press")
        await steps.shot("gateway-device")

    async with steps.step("port-device"):
        await page.goto(f"{url}/config/devices/dashboard")
        await page.get_by_text(f"{GATEWAY} Port 1", exact=True).first.click()
        await expect(page).to_have_url(re.compile(r"/config/devices/device/\w+"))
        await expect(
            page.get_by_text(f"{GATEWAY} Port 1", exact=True).first
        ).to_be_visible()
        await expect(page.get_by_text("Modem port")).to_be_visible()
        await expect(page.get_by_role("link", name=GATEWAY)).to_be_visible()
        await expect_row(page, "Balance", re.compile(r"\d"))
        await page.get_by_text("Device info").scroll_into_view_if_needed()
        await steps.shot("port-device")
        # Further down, the port's status as the gateway reports it.
        await expect_row(page, "Status", "Registered")
        await steps.shot("port-status")

    assert [shot.name for shot in steps.shots] == [
        "01-login-form.png",
        "02-logged-in.png",
        "03-search.png",
        "04-form-filled.png",
        "05-report-step.png",
        "06-success.png",
        "07-integration.png",
        "08-gateway-device.png",
        "09-port-device.png",
        "10-port-status.png",
    ]
    for shot in steps.shots:
        data = shot.read_bytes()
        assert data.startswith(PNG), shot.name
        assert png_size(data) == (VIEWPORT["width"], VIEWPORT["height"]), shot.name
        assert len(data) > 10_000, shot.name  # a page, not a blank
