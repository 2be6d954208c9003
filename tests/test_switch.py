"""The lock switch of each port: lock and unlock, shown as the gateway reports it."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from ejoin_simulator import Simulator

from .helpers import (
    EACH_FIRMWARE,
    GATEWAY_MAC,
    check_unreachable,
    command,
    entity_id,
    post,
    sent,
    set_up_platform,
    snapshot_of_states,
    state,
    use,
    wait_for,
)


@EACH_FIRMWARE
async def test_snapshot_of_every_entity(
    hass: HomeAssistant, simulator: Simulator, snapshot: SnapshotAssertion
) -> None:
    """The lock switch of every port of the 8-port gateway."""
    async with set_up_platform(hass, simulator, Platform.SWITCH) as entry:
        assert snapshot_of_states(hass, entry.entry_id) == snapshot


async def test_lock_switch_sends_lock_and_unlock(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Turning on locks the port, off unlocks it; the state waits for the gateway's report."""
    switch = entity_id(hass, "locked", 3, "switch")
    assert state(hass, switch) == "off"

    await use(hass, "switch", "turn_on", "locked", 3)
    assert state(hass, switch) == "off"  # no report of the gateway yet
    await use(hass, "switch", "turn_off", "locked", 3)

    assert sent(simulator) == [command("lock", "3"), command("unlock", "3")]


async def test_lock_switch_follows_the_gateway(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """With pushes flowing the switch turns on when port 2 reports locked, off unlocked."""
    await use(hass, "switch", "turn_on", "locked", 2)
    await wait_for(
        lambda: state(hass, "switch.ejoin_127_0_0_1_port_2_locked") == "on", "locked"
    )
    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_status") == "user_locked"
    assert simulator.gateway.ports[2].locked

    await use(hass, "switch", "turn_off", "locked", 2)
    await wait_for(
        lambda: state(hass, "switch.ejoin_127_0_0_1_port_2_locked") == "off", "unlocked"
    )

    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_status") == "registered"
    assert sent(simulator) == [command("lock", "2"), command("unlock", "2")]


async def test_lock_switch_without_a_status_is_unknown(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    client: TestClient,
) -> None:
    """A new port reported without a status code has its lock switch unknown."""
    report = {
        "type": "port-status",
        "mac": GATEWAY_MAC,  # only a report naming the gateway adds a port
        "port": "9.01",
        "sim": "",
        "imei": "1",
    }

    assert await post(hass, client, report) == (200, "OK")

    assert state(hass, "switch.ejoin_127_0_0_1_port_9_locked") == STATE_UNKNOWN
    assert state(hass, "select.ejoin_127_0_0_1_port_9_active_sim_slot") == "1"


@pytest.mark.parametrize("service", ["turn_on", "turn_off"])
async def test_lock_switch_of_an_offline_gateway_fails(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, service: str
) -> None:
    """Turning the switch on or off with the gateway offline raises gateway_unreachable."""
    simulator.offline = True

    with pytest.raises(HomeAssistantError) as raised:
        await use(hass, "switch", service, "locked", 1)

    check_unreachable(raised.value, simulator)
    assert state(hass, "switch.ejoin_127_0_0_1_port_1_locked") == "off"
