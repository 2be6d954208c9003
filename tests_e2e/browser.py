"""Headless Chromium for the browser tests: the page, login, and screenshots by step.

Playwright's Python package drives Debian's chromium (no browser download). Every
step of a test leaves a screenshot in the module's artifacts folder; a failing step
leaves ``failure-<step>.png`` too, and the browser's console is kept in ``browser.log``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import contextlib
from pathlib import Path
import re
import shutil
import struct

from playwright.async_api import (
    ConsoleMessage,
    Error,
    Page,
    ViewportSize,
    async_playwright,
    expect,
)

from .conftest import OWNER_PASSWORD, OWNER_USERNAME, Stack

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# This machine has no internet: without these Chromium keeps trying to reach Google,
# and its connections are refused.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
WAIT_MS = 30_000  # for every click, fill and expectation
PNG = b"\x89PNG\r\n\x1a\n"


@contextlib.asynccontextmanager
async def open_page(stack: Stack) -> AsyncIterator[Page]:
    """Open a 1280 x 900 page in headless Chromium; log its console to browser.log."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        log = (stack.artifacts / "browser.log").open("a", encoding="utf-8")
        try:
            context = await browser.new_context(viewport=VIEWPORT, locale="en-US")
            context.set_default_timeout(WAIT_MS)
            expect.set_options(timeout=WAIT_MS)
            page = await context.new_page()

            def console(message: ConsoleMessage) -> None:
                log.write(f"{message.type}: {message.text}\n")

            def crashed(error: Error) -> None:
                log.write(f"pageerror: {error}\n")

            page.on("console", console)
            page.on("pageerror", crashed)
            yield page
        finally:
            await browser.close()
            log.close()


async def log_in(page: Page, url: str) -> None:
    """Log in as the owner through Home Assistant's login form."""
    await page.goto(url)
    await page.get_by_label("Username").fill(OWNER_USERNAME)
    await page.get_by_label("Password", exact=True).fill(OWNER_PASSWORD)
    await expect(page.get_by_label("Username")).to_have_value(OWNER_USERNAME)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(r"/lovelace/"))


class Steps:
    """Name the steps of a test; screenshot the page at each, and where one fails."""

    def __init__(self, page: Page, folder: Path) -> None:
        """Write screenshots of ``page`` into ``folder``."""
        self.page = page
        self.folder = folder
        self.shots: list[Path] = []

    @contextlib.asynccontextmanager
    async def step(self, name: str) -> AsyncIterator[None]:
        """Run one step; if it fails, keep ``failure-<name>.png`` and re-raise."""
        try:
            yield
        except BaseException:
            with contextlib.suppress(Error):
                await self.page.screenshot(
                    path=self.folder / f"failure-{name}.png", timeout=5_000
                )
            raise

    async def shot(self, name: str) -> Path:
        """Keep a screenshot of the page as it is now: ``NN-<name>.png``."""
        path = self.folder / f"{len(self.shots) + 1:02d}-{name}.png"
        # Finished animations: a floating label caught half-way looks like a bug.
        await self.page.screenshot(path=path, animations="disabled")
        self.shots.append(path)
        return path


def png_size(data: bytes) -> tuple[int, int]:
    """Return the width and height a PNG's header gives."""
    width, height = struct.unpack(">II", data[16:24])
    return width, height
