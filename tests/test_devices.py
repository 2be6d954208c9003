"""Devices and entity ids: unique across gateways, named as the user names the gateway."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.ejoin.const import CONF_CONFIGURE_GATEWAY, DOMAIN
from ejoin_simulator import Simulator

from .helpers import (
    GATEWAY_MAC,
    PASSWORD,
    SECOND_MAC,
    dev_status,
    device_of,
    post,
)


async def add_from_the_ui(hass: HomeAssistant, simulator: Simulator) -> MockConfigEntry:
    """Add the simulated gateway as a user would, keeping every suggestion."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: simulator.host,
            CONF_PORT: simulator.port,
            CONF_USERNAME: "root",
            CONF_PASSWORD: PASSWORD,
        },
    )
    assert result["step_id"] == "report"
    schema: vol.Schema = result["data_schema"]
    choices = {
        str(key): key.default()
        for key in schema.schema
        if key.default is not vol.UNDEFINED
    }
    # No webhook address reachable from the simulator here: leave its settings alone.
    choices[CONF_CONFIGURE_GATEWAY] = False
    result = await hass.config_entries.flow.async_configure(result["flow_id"], choices)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    entry: MockConfigEntry = result["result"]
    return entry


def port_names(hass: HomeAssistant, entry_id: str) -> list[str]:
    """Return the names of the entry's port devices, by port."""
    registry = dr.async_get(hass)
    return sorted(
        device.name or ""
        for device in dr.async_entries_for_config_entry(registry, entry_id)
        if device.via_device_id is not None
    )


async def test_two_gateways_side_by_side_have_their_own_names_and_ids(
    hass: HomeAssistant, simulator: Simulator, second: Simulator
) -> None:
    """Two gateways at one address, both with a port 1: nothing is named twice.

    Both simulators listen on 127.0.0.1: a title made of the address, as before,
    would have been the same for both.
    """
    first = await add_from_the_ui(hass, simulator)
    other = await add_from_the_ui(hass, second)

    assert (first.title, other.title) == ("Ejoin 8-port 0203", "Ejoin 4-port 0B0C")
    assert port_names(hass, other.entry_id) == [
        f"Ejoin 4-port 0B0C Port {port}" for port in range(1, 5)
    ]
    assert port_names(hass, first.entry_id)[0] == "Ejoin 8-port 0203 Port 1"

    entity_ids = [entity.entity_id for entity in er.async_get(hass).entities.values()]
    assert len(entity_ids) == len(set(entity_ids))
    # Home Assistant appends _2 when an id is taken: none is.
    assert [entity_id for entity_id in entity_ids if entity_id.endswith("_2")] == []
    registry = er.async_get(hass)
    statuses = {
        registry.async_get_entity_id("sensor", DOMAIN, f"{mac}_1_status")
        for mac in (GATEWAY_MAC, SECOND_MAC)
    }
    assert statuses == {
        "sensor.ejoin_8_port_0203_port_1_status",
        "sensor.ejoin_4_port_0b0c_port_1_status",
    }
    state = hass.states.get("sensor.ejoin_4_port_0b0c_port_1_status")
    assert state is not None
    assert state.attributes["friendly_name"] == "Ejoin 4-port 0B0C Port 1 Status"


async def test_ports_follow_the_gateway_renamed_by_the_user(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Renaming the gateway's device in the UI renames its ports' devices too."""
    registry = dr.async_get(hass)
    gateway = device_of(hass, entry, GATEWAY_MAC)

    registry.async_update_device(gateway.id, name_by_user="Rack A")
    await hass.async_block_till_done()

    assert port_names(hass, entry.entry_id) == [
        f"Rack A Port {port}" for port in range(1, 9)
    ]
    # Entity ids stay: automations that use them keep working.
    assert hass.states.get("sensor.ejoin_127_0_0_1_port_1_status") is not None

    registry.async_update_device(gateway.id, name_by_user=None)
    await hass.async_block_till_done()
    assert port_names(hass, entry.entry_id)[0] == "Ejoin 127.0.0.1 Port 1"


async def test_the_device_shows_new_firmware_and_size(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    client: TestClient,
) -> None:
    """After a firmware update, the gateway's device shows the new version."""
    gateway = device_of(hass, live, GATEWAY_MAC)
    assert (gateway.sw_version, gateway.model) == (
        simulator.gateway.firmware,
        "8-port SIM gateway",
    )

    report = dev_status(simulator)
    report["ver"] = "551-600-999-044-100-002"
    report["max-ports"] = 16
    assert await post(hass, client, report) == (200, "OK")

    gateway = device_of(hass, live, GATEWAY_MAC)
    assert (gateway.sw_version, gateway.model) == (
        "551-600-999-044-100-002",
        "16-port SIM gateway",
    )
