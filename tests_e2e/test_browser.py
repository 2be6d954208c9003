"""Home Assistant's web interface in headless Chromium, as a user clicks through it.

Playwright's Python package drives Debian's chromium (no browser download). Every
step leaves a screenshot in ``artifacts/e2e/test_browser/``; a failing step leaves
``failure-<step>.png`` too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import contextlib
from pathlib import Path
import shutil

import aiohttp
from playwright.async_api import Page, async_playwright, expect
import pytest

from ejoin_dev.api import HomeAssistantApi

from .conftest import OWNER_PASSWORD, OWNER_USERNAME, Stack

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# This machine has no internet: without these Chromium keeps trying to reach Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 30_000
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def page(stack: Stack) -> AsyncIterator[Page]:
    """Open a 1280 x 900 browser page."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            page.set_default_timeout(WAIT_MS)
            yield page
        finally:
            await browser.close()


class Steps:
    """Name each step; keep its screenshot, and one of the page a step failed on."""

    def __init__(self, page: Page, folder: Path) -> None:
        """Write screenshots of ``page`` into ``folder``."""
        self.page = page
        self.folder = folder
        self.shots: list[Path] = []

    @contextlib.asynccontextmanager
    async def step(self, name: str) -> AsyncIterator[None]:
        """Run one step, then take its screenshot."""
        try:
            yield
        except BaseException:
            await self.page.screenshot(path=self.folder / f"failure-{name}.png")
            raise
        shot = self.folder / f"{len(self.shots) + 1:02d}-{name}.png"
        await self.page.screenshot(path=shot)
        self.shots.append(shot)


async def test_add_the_gateway_in_the_web_interface_and_open_its_devices(
    stack: Stack, page: Page, session: aiohttp.ClientSession
) -> None:
    """Log in, add Ejoin with the real form, and see the gateway's and a port's pages."""
    steps = Steps(page, stack.artifacts)
    url = stack.hass.url

    async with steps.step("login"):
        await page.goto(url)
        await page.get_by_label("Username").fill(OWNER_USERNAME)
        await page.get_by_label("Password", exact=True).fill(OWNER_PASSWORD)
        await page.get_by_role("button", name="Log in").click()
        await page.wait_for_url(f"{url}/lovelace/**")

    async with steps.step("add-integration"):
        await page.goto(f"{url}/config/integrations/dashboard")
        await page.get_by_role("button", name="Add integration").click()
        await page.get_by_label("Search for a brand name").fill("Ejoin")
        await page.get_by_text("Ejoin SIM gateway").click()

    async with steps.step("form-filled"):
        await page.get_by_label("Host").fill("127.0.0.1")
        await page.get_by_label("Port").fill(str(stack.simulator.port))
        await page.get_by_label("Username").fill("root")
        await page.get_by_label("Password", exact=True).fill("root")

    async with steps.step("report-step"):
        await page.get_by_role("button", name="Submit").click()
        await expect(page.get_by_text("Report URL").first).to_be_visible()

    async with steps.step("created"):
        await page.get_by_role("button", name="Submit").click()
        await expect(page.get_by_text("Created configuration")).to_be_visible()
        await page.get_by_role("button", name="Finish").click()

    # What the form created is really there: the entities, over the REST API.
    api = HomeAssistantApi(session, url)
    await api.login(OWNER_USERNAME, OWNER_PASSWORD)
    states = await api.states()
    assert [states[f"sensor.port_{port}_status"]["state"] for port in range(1, 9)] == [
        "registered"
    ] * 8

    async with steps.step("gateway-device"):
        await page.goto(f"{url}/config/devices/dashboard")
        await page.get_by_text("Ejoin 127.0.0.1", exact=True).first.click()
        await expect(page.get_by_text("Registered ports")).to_be_visible()

    async with steps.step("port-device"):
        await page.goto(f"{url}/config/devices/dashboard")
        await page.get_by_text("Port 1", exact=True).first.click()
        await expect(page.get_by_text("Balance").first).to_be_visible()

    assert [shot.name for shot in steps.shots] == [
        "01-login.png",
        "02-add-integration.png",
        "03-form-filled.png",
        "04-report-step.png",
        "05-created.png",
        "06-gateway-device.png",
        "07-port-device.png",
    ]
    for shot in steps.shots:
        data = shot.read_bytes()
        assert data.startswith(PNG), shot.name
        assert len(data) > 10_000, shot.name  # a page, not a blank
