"""The SIM slot select of each port: switch a port to another slot, shown as reported."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from ejoin_simulator import Gateway, Simulator

from .helpers import (
    EACH_FIRMWARE,
    FIRMWARE,
    GATEWAY_MAC_DASHED,
    act,
    check_error,
    check_unreachable,
    command,
    devices,
    entity_id,
    entry_for,
    port_report,
    post,
    running,
    sent,
    set_up_entry,
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
    """The SIM slot select of every port of the 8-port, 4-slot gateway."""
    async with set_up_platform(hass, simulator, Platform.SELECT) as entry:
        assert snapshot_of_states(hass, entry.entry_id) == snapshot


async def test_slot_select_sends_a_switch(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Choosing slot 3 on port 1 sends a switch to 1C; the select waits for the report."""
    select = hass.states.get(entity_id(hass, "active_slot_select", 1, "select"))
    assert select is not None
    assert select.state == "1"
    assert select.attributes["options"] == ["1", "2", "3", "4"]

    await use(hass, "select", "select_option", "active_slot_select", 1, option="3")

    assert sent(simulator) == [command("switch", "1C")]
    assert state(hass, "select.ejoin_127_0_0_1_port_1_active_sim_slot") == "1"


async def test_slot_select_shows_the_new_sim(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """With pushes flowing, port 2 on slot 3 shows slot 3's SIM: ICCID, number, slot."""
    entity_registry.async_update_entity(
        "sensor.ejoin_127_0_0_1_port_2_iccid", disabled_by=None
    )
    assert await hass.config_entries.async_reload(live.entry_id)
    await hass.async_block_till_done()
    simulator.request_log.clear()
    model = simulator.gateway.ports[2]
    first, third = model.slots[1], model.slots[3]
    assert first is not None
    assert third is not None
    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_iccid") == first.iccid

    await use(hass, "select", "select_option", "active_slot_select", 2, option="3")
    await wait_for(
        lambda: (
            state(hass, "sensor.ejoin_127_0_0_1_port_2_iccid") == third.iccid
            and state(hass, "sensor.ejoin_127_0_0_1_port_2_status") == "registered"
        ),
        "slot 3's SIM registered",
    )

    assert state(hass, "select.ejoin_127_0_0_1_port_2_active_sim_slot") == "3"
    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_sim_number") == third.number
    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_active_sim_slot") == "3"
    assert sent(simulator) == [command("switch", "2C")]


async def test_slot_select_of_a_port_reported_without_slot_is_unknown(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    client: TestClient,
) -> None:
    """A new port reported by its bare number ("9") has no known active slot.

    A port known by its slot keeps it when a report names the bare number. (Only a
    report that names the gateway adds a port.)
    """
    report = {
        "type": "port-status",
        "mac": GATEWAY_MAC_DASHED,
        "port": "9",
        "st": 3,
        "imei": "1",
    }

    assert await post(hass, client, report) == (200, "OK")
    assert await post(hass, client, port_report(simulator, 3, port="3")) == (200, "OK")

    assert state(hass, "select.ejoin_127_0_0_1_port_9_active_sim_slot") == STATE_UNKNOWN
    assert state(hass, "switch.ejoin_127_0_0_1_port_9_locked") == "off"
    assert state(hass, "select.ejoin_127_0_0_1_port_3_active_sim_slot") == "1"


async def test_slot_select_of_an_offline_gateway_fails(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Choosing a slot with the gateway offline raises gateway_unreachable."""
    simulator.offline = True

    with pytest.raises(HomeAssistantError) as raised:
        await use(hass, "select", "select_option", "active_slot_select", 1, option="2")

    check_unreachable(raised.value, simulator)
    assert state(hass, "select.ejoin_127_0_0_1_port_1_active_sim_slot") == "1"


@pytest.mark.usefixtures("socket_enabled")
async def test_a_one_slot_gateway_has_no_slot_select(hass: HomeAssistant) -> None:
    """A gateway with one SIM slot per port gets no select, and no switch to slot 2."""
    gateway = Gateway.create(
        ports=2, slots=1, mac=GATEWAY_MAC_DASHED, firmware=FIRMWARE
    )
    async with running(gateway) as simulator:
        entry = await set_up_entry(hass, simulator, entry_for(simulator))
        selects = [
            item.entity_id
            for item in er.async_entries_for_config_entry(
                er.async_get(hass), entry.entry_id
            )
            if item.domain == "select"
        ]

        with pytest.raises(ServiceValidationError) as raised:
            await act(hass, "switch_sim", {"device_id": devices(hass, (1,)), "slot": 2})

        assert selects == []
        assert state(hass, "switch.ejoin_127_0_0_1_port_2_locked") == "off"
        check_error(
            raised.value,
            "no_such_slot",
            "There is no SIM slot 2: the gateway has 1 per port",
            {"slot": "2", "slots": "1"},
        )
        assert sent(simulator) == []
