"""Set up against the simulator: every entity has a value right after set-up."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from ejoin_simulator import Simulator

from .helpers import config_entry_for


async def test_every_entity_has_a_value_right_after_set_up(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    """Every entity, disabled ones included, shows a value before any push arrives."""
    entry = config_entry_for(simulator, all_sims=True)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for registry_entry in er.async_entries_for_config_entry(
        entity_registry, entry.entry_id
    ):
        if registry_entry.disabled_by is not None:
            entity_registry.async_update_entity(
                registry_entry.entity_id, disabled_by=None
            )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED

    registry_entries = er.async_entries_for_config_entry(
        entity_registry, entry.entry_id
    )
    states = {
        item.entity_id: hass.states.get(item.entity_id) for item in registry_entries
    }
    no_value = {
        entity_id: None if state is None else state.state
        for entity_id, state in states.items()
        if state is None
        or (
            state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE)
            # buttons are unknown until pressed, event entities until something happens
            and not entity_id.startswith(("button.", "event."))
        )
    }
    # 8 ports x (28 SIM sensors, SIM slots, registered, 2 buttons, lock, SIM select,
    # SMS and call events) + 3 gateway sensors and 2 buttons; the SMS firmware has no
    # public IP or traffic readings.
    assert len(states) == 8 * 36 + 5
    assert no_value == {}
    port = simulator.gateway.ports[3]
    assert port.sim is not None
    assert hass.states.get("sensor.port_3_iccid").state == port.sim.iccid
    assert hass.states.get("sensor.port_3_sim_slots").state == "4"
