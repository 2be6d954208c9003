"""Helpers of the webhook and entity tests: set-up, posting reports, reading states."""

from __future__ import annotations

from collections.abc import Iterable
import copy
import json
from pathlib import Path
import time
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.const import DOMAIN
from ejoin_simulator import Simulator

from .conftest import GATEWAY_MAC, WEBHOOK_ID, config_entry_for

FIXTURES = Path(__file__).parent / "fixtures"
WEBHOOK_URL = f"/api/webhook/{WEBHOOK_ID}"
JSON_TYPE = "application/json;charset=utf-8"
GATEWAY_MAC_DASHED = GATEWAY_MAC.replace(":", "-")  # as the gateway writes it


def load_fixture(name: str) -> dict[str, Any]:
    """Read one of the real-gateway report variants in tests/fixtures."""
    data: dict[str, Any] = json.loads(
        (FIXTURES / f"{name}.json").read_text(encoding="utf-8")
    )
    return data


def from_this_gateway(report: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a fixture report as if the gateway under test had sent it."""
    return {**copy.deepcopy(report), "mac": GATEWAY_MAC_DASHED}


def port_report(simulator: Simulator, number: int, **changes: Any) -> dict[str, Any]:
    """Build the port-status the simulated gateway would send now, with changes."""
    gateway = simulator.gateway
    return {**gateway.port_status(gateway.ports[number], time.monotonic()), **changes}


def dev_status(simulator: Simulator) -> dict[str, Any]:
    """Build the dev-status the simulated gateway would send now."""
    return simulator.gateway.dev_status(time.monotonic())


async def set_up(
    hass: HomeAssistant, simulator: Simulator, *, all_sims: bool = False
) -> MockConfigEntry:
    """Set the integration up against the simulator, as the config flow leaves it."""
    entry = config_entry_for(simulator, all_sims=all_sims)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def enable_all_entities(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Enable every disabled-by-default entity of the entry, then reload it."""
    registry = er.async_get(hass)
    for item in er.async_entries_for_config_entry(registry, entry.entry_id):
        if item.disabled_by is not None:
            registry.async_update_entity(item.entity_id, disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


async def post(
    hass: HomeAssistant,
    client: TestClient,
    body: dict[str, Any] | list[Any] | bytes | str,
    content_type: str | None = JSON_TYPE,
) -> tuple[int, str]:
    """POST a report to the webhook as the gateway does; return status and text."""
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    if content_type is None:
        response = await client.post(
            WEBHOOK_URL, data=data, skip_auto_headers=["Content-Type"]
        )
    else:
        response = await client.post(
            WEBHOOK_URL, data=data, headers={"Content-Type": content_type}
        )
    text = await response.text()
    await hass.async_block_till_done()
    return response.status, text


def entity_id(
    hass: HomeAssistant, key: str, port: int | None = None, platform: str = "sensor"
) -> str:
    """Find an entity of the gateway (port None) or of one port, by its key."""
    unique_id = (
        f"{GATEWAY_MAC}_{key}" if port is None else f"{GATEWAY_MAC}_{port}_{key}"
    )
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert found is not None, f"no {platform} entity {unique_id}"
    return found


def state_of(
    hass: HomeAssistant, key: str, port: int | None = None, platform: str = "sensor"
) -> State:
    """Return the current state of an entity of the gateway or of a port."""
    state = hass.states.get(entity_id(hass, key, port, platform))
    assert state is not None
    return state


def value_of(
    hass: HomeAssistant, key: str, port: int | None = None, platform: str = "sensor"
) -> str:
    """Return the state string of an entity of the gateway or of a port."""
    return state_of(hass, key, port, platform).state


def integration_states(
    hass: HomeAssistant, entry: MockConfigEntry
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return (state, attributes) of every entity of the entry that has a state."""
    registry = er.async_get(hass)
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    for item in er.async_entries_for_config_entry(registry, entry.entry_id):
        if (state := hass.states.get(item.entity_id)) is not None:
            result[item.entity_id] = (state.state, dict(state.attributes))
    return result


def read(
    hass: HomeAssistant, wanted: Iterable[tuple[int | None, str]]
) -> dict[tuple[int | None, str], str]:
    """Read the states of (port, key) pairs; key "registered" is the binary sensor."""
    return {
        (port, key): value_of(
            hass, key, port, "binary_sensor" if key == "registered" else "sensor"
        )
        for port, key in wanted
    }


def device_of(
    hass: HomeAssistant, entry: MockConfigEntry, identifier: str
) -> dr.DeviceEntry:
    """Find the entry's device with this identifier (works on every supported version)."""
    devices = [
        device
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), entry.entry_id
        )
        if (DOMAIN, identifier) in device.identifiers
    ]
    assert len(devices) == 1, f"{len(devices)} devices {identifier}"
    return devices[0]
