"""Start a real Home Assistant and a simulated gateway, each a process of its own.

Run with ``scripts/test-e2e`` (which passes ``-p no:homeassistant``: these tests talk
to Home Assistant over the network, not through pytest-homeassistant's fixtures).
Each test module gets its own pair; Home Assistant is onboarded through the REST API
with the owner below, and its log is written next to the module's screenshots.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
import shutil
import socket

import aiohttp
import pytest

from ejoin_dev.api import HomeAssistantApi
from ejoin_dev.hass import HomeAssistantProcess
from ejoin_dev.simulator import SimulatorProcess

OWNER_NAME = "Test Owner"
OWNER_USERNAME = "owner"
OWNER_PASSWORD = "e2e-owner-password"  # a throwaway test account

# Screenshots and logs of the run, kept for a person to look at (not committed).
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "e2e"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Stack:
    """A running Home Assistant with an owner account, and a simulated gateway."""

    hass: HomeAssistantProcess
    simulator: SimulatorProcess
    token: str
    artifacts: Path

    def api(self, session: aiohttp.ClientSession) -> HomeAssistantApi:
        """Return an API client logged in as the owner."""
        api = HomeAssistantApi(session, self.hass.url)
        api.token = self.token
        return api


async def onboard(url: str) -> str:
    """Create the owner account through the onboarding API; return its access token."""
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, url)
        await api.onboard(OWNER_NAME, OWNER_USERNAME, OWNER_PASSWORD)
        assert api.token is not None
        return api.token


@pytest.fixture(scope="module")
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """Run Home Assistant (onboarded) and the simulator for one test module.

    The simulator runs the SMS gateways' firmware, or the one a module asks for with
    ``pytest.mark.parametrize("stack", ["proxy"], indirect=True)``.
    """
    firmware = getattr(request, "param", "sms")
    name = request.module.__name__.rsplit(".", 1)[-1]
    if hasattr(request, "param"):
        name = f"{name}-{firmware}"
    artifacts = ARTIFACTS / name
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    simulator = SimulatorProcess(
        port=free_port(),
        log_path=artifacts / "simulator.log",
        firmware=firmware,
        # Commands finish quickly and nothing drifts, so states can be compared.
        options=(
            "--command-delay",
            "0.5",
            "--reboot-seconds",
            "1",
            "--drift-seconds",
            "0",
        ),
    )
    hass = HomeAssistantProcess(
        tmp_path_factory.mktemp(f"hass-{name}"), port=free_port()
    )
    simulator.start()
    try:
        hass.start()
        try:
            yield Stack(hass, simulator, asyncio.run(onboard(hass.url)), artifacts)
        finally:
            hass.stop()
            shutil.copy(hass.log_path, artifacts / "home-assistant.log")
    finally:
        simulator.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Open an HTTP client session for one test."""
    async with aiohttp.ClientSession() as client:
        yield client
