"""Fixtures shared by the integration's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from unittest.mock import PropertyMock, patch

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.ejoin.const import CONF_ALL_SIMS
from ejoin_simulator import Gateway, Simulator

from .helpers import (
    FIRMWARE,
    SECOND_MAC,
    entry_for,
    http_client,
    running,
    set_up_entry,
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components in every test."""


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, as core's fixture of the same name does.

    For tests of what a value shows, rather than of what a new gateway starts with.
    """
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
async def simulator(
    request: pytest.FixtureRequest, socket_enabled: None
) -> AsyncIterator[Simulator]:
    """Run a simulated 8-port, 4-slot gateway on 127.0.0.1 for one test.

    Its firmware is the SMS gateways' unless the test asks for the proxy firmware's
    with ``@PROXY_FIRMWARE`` (or parametrizes ``simulator`` with both profiles).
    """
    gateway = Gateway.create(
        ports=8,
        slots=4,
        mac="00-30-f1-01-02-03",
        firmware=FIRMWARE,
        profile=getattr(request, "param", "sms"),
    )
    async with running(gateway) as started:
        yield started


@pytest.fixture
async def entry(hass: HomeAssistant, simulator: Simulator) -> MockConfigEntry:
    """Set the 8-port gateway up without pushes; the request log starts empty."""
    return await set_up_entry(hass, simulator, entry_for(simulator))


@pytest.fixture
async def all_sims(hass: HomeAssistant, simulator: Simulator) -> MockConfigEntry:
    """Set the 8-port gateway up reporting every SIM slot, without pushes."""
    simulator.gateway.all_sims = True
    return await set_up_entry(
        hass, simulator, entry_for(simulator, options={CONF_ALL_SIMS: True})
    )


@pytest.fixture
async def client(hass: HomeAssistant, hass_client_no_auth: Any) -> TestClient:
    """Return a client of Home Assistant's HTTP server, to which the gateway can push."""
    return await http_client(hass, hass_client_no_auth)


@pytest.fixture
async def live(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> MockConfigEntry:
    """Set the 8-port gateway up with its pushes reaching Home Assistant."""
    return await set_up_entry(hass, simulator, entry_for(simulator, client=client))


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshot with Home Assistant's extension, whichever plugin's fixture pytest picks.

    Both syrupy and Home Assistant's plugin define ``snapshot``; which one wins differs
    between the Home Assistant versions under test.
    """
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
async def second(socket_enabled: None) -> AsyncIterator[Simulator]:
    """Run a second gateway: 4 ports, 4 SIM slots, another MAC, proxy firmware."""
    gateway = Gateway.create(
        ports=4,
        slots=4,
        mac=SECOND_MAC.replace(":", "-"),
        firmware=FIRMWARE,
        profile="proxy",
        seed=2,
    )
    async with running(gateway) as simulator:
        yield simulator


@pytest.fixture
async def two_entries(
    hass: HomeAssistant, simulator: Simulator, second: Simulator
) -> tuple[MockConfigEntry, MockConfigEntry]:
    """Both gateways set up without pushes; port 2 of the second is locked."""
    second.gateway.ports[2].locked = True
    first = await set_up_entry(hass, simulator, entry_for(simulator))
    other = await set_up_entry(
        hass,
        second,
        entry_for(
            second, unique_id=SECOND_MAC, webhook_id="ejoin_second", title="Second"
        ),
    )
    return first, other
