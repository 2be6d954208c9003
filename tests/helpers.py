"""Helpers of the integration tests: the simulated gateway, set-up, reports, states, actions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
import contextlib
import copy
import json
from pathlib import Path
import time
from typing import Any
from urllib.parse import quote, quote_plus

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.const import (
    CONF_ALL_SIMS,
    CONF_CONFIGURE_GATEWAY,
    CONF_REPORT_PERIOD,
    CONF_REPORT_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from ejoin_simulator import Gateway, Simulator

GATEWAY_MAC = "00:30:f1:01:02:03"
WEBHOOK_ID = "ejoin_test_webhook"
PASSWORD = "s3cret p@ss&word"


FIRMWARE = "532-600-999-041-100-000"
COMMAND = ("POST", "/goip_send_cmd.html", [])
SMS = ("POST", "/goip_post_sms.html", [])
PUBLIC_IPS = ("GET", "/goip_send_cmd.html", [("op", "get"), ("port_public_ip", "")])
TRAFFIC = ("GET", "/goip_send_cmd.html", [("op", "get"), ("Ports_rx_tx", "")])

# The simulator of a test runs the proxy ("MultiWAN") firmware, or each firmware in turn.
PROXY_FIRMWARE = pytest.mark.parametrize("simulator", ["proxy"], indirect=True)
EACH_FIRMWARE = pytest.mark.parametrize("simulator", ["sms", "proxy"], indirect=True)

type Sent = tuple[str, str, list[tuple[str, str]], Any]
type Target = tuple[int, ...] | str  # port numbers, or "gateway"

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
    # Also the first read of the SMS store, which the set-up starts in the background.
    await hass.async_block_till_done(wait_background_tasks=True)
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


# --- config entries and the simulated gateway -------------------------------------------


def config_entry_for(
    simulator: Simulator, *, configure: bool = True, all_sims: bool = False
) -> MockConfigEntry:
    """Build the config entry the config flow would create for the simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Ejoin 127.0.0.1",
        unique_id=GATEWAY_MAC,
        data={
            "host": simulator.host,
            "port": simulator.port,
            "username": "root",
            "password": PASSWORD,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
            CONF_REPORT_URL: f"http://127.0.0.1:8123/api/webhook/{WEBHOOK_ID}",
            CONF_CONFIGURE_GATEWAY: configure,
        },
        options={CONF_REPORT_PERIOD: 60, CONF_ALL_SIMS: all_sims},
    )


@contextlib.asynccontextmanager
async def running(gateway: Gateway) -> AsyncIterator[Simulator]:
    """Run a simulated gateway as the `simulator` fixture does, for one test."""
    simulator = Simulator(
        gateway,
        username="root",
        password=PASSWORD,
        command_delay=0.05,
        reboot_seconds=0.2,
        drift_seconds=None,
    )
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()


async def http_client(hass: HomeAssistant, hass_client_no_auth: Any) -> TestClient:
    """Start Home Assistant's test HTTP server (the webhook's) and return its client."""
    # Integrations that add HTTP views must be set up before the server starts, as
    # Home Assistant does at start-up; notify brings repairs, which adds some.
    for domain in ("webhook", "notify"):
        assert await async_setup_component(hass, domain, {})
    client: TestClient = await hass_client_no_auth()
    return client


def entry_for(
    simulator: Simulator,
    *,
    client: TestClient | None = None,
    options: dict[str, Any] | None = None,
    unique_id: str = GATEWAY_MAC,
    webhook_id: str = WEBHOOK_ID,
    title: str = "Ejoin 127.0.0.1",
) -> MockConfigEntry:
    """Build an entry for the simulator; with a client, the gateway pushes to it.

    Without a client the gateway is left alone: it pushes nothing, and the state Home
    Assistant shows changes only through reports a test posts itself.
    """
    base = config_entry_for(simulator, configure=client is not None)
    data = {**base.data, CONF_WEBHOOK_ID: webhook_id}
    if client is not None:
        data[CONF_REPORT_URL] = str(client.make_url(f"/api/webhook/{webhook_id}"))
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=unique_id,
        data=data,
        options={**base.options, **(options or {})},
    )


async def set_up_entry(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> MockConfigEntry:
    """Set an entry up, then forget the requests the set-up made."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    # Also the first read of the SMS store, which the set-up starts in the background.
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.request_log.clear()
    return entry


def sent(simulator: Simulator) -> list[Sent]:
    """Every request the gateway received: method, path, query without credentials, JSON.

    The integration's own reads of the SMS store, which run in the background after
    set-up and every report period, are left out: they are not what an action sent.
    """
    requests: list[Sent] = []
    for request in simulator.request_log:
        if request.path == "/goip_get_sms.html":
            continue
        # A bare name (op=get&sms_url) reads as an empty value, as the gateway takes it.
        query = [(name, value or "") for name, value in request.query]
        assert [name for name, _ in query[:2]] == ["username", "password"]
        body = None
        if request.body:
            assert request.content_type == JSON_TYPE
            body = request.json()
        requests.append((request.method, request.path, query[2:], body))
    return requests


def device_with(hass: HomeAssistant, identifier: str) -> str:
    """Return the id of the one device with this identifier (on every version)."""
    registry = dr.async_get(hass)
    found = [
        device.id
        for entry in hass.config_entries.async_entries(DOMAIN)
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
        if (DOMAIN, identifier) in device.identifiers
    ]
    assert len(found) == 1, f"{len(found)} devices {identifier}"
    return found[0]


def port_device(hass: HomeAssistant, port: int, mac: str = GATEWAY_MAC) -> str:
    """Return the device id of a port of a gateway."""
    return device_with(hass, f"{mac}_port_{port}")


def gateway_device(hass: HomeAssistant, mac: str = GATEWAY_MAC) -> str:
    """Return the device id of a gateway."""
    return device_with(hass, mac)


def devices(hass: HomeAssistant, target: Target, mac: str = GATEWAY_MAC) -> list[str]:
    """Return the device ids of some ports, or of the gateway ("gateway")."""
    if isinstance(target, str):
        return [gateway_device(hass, mac)]
    return [port_device(hass, port, mac) for port in target]


async def act(
    hass: HomeAssistant, service: str, data: dict[str, Any], *, response: bool = False
) -> Any:
    """Call one of the integration's actions and wait for it."""
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=response
    )


def check_error(
    err: HomeAssistantError,
    key: str,
    message: str,
    placeholders: dict[str, str] | None = None,
) -> None:
    """Check an error's translation, its message, and that the password is not in it."""
    assert err.translation_domain == DOMAIN
    assert err.translation_key == key
    assert err.translation_placeholders == placeholders
    assert str(err) == message  # as Home Assistant renders it: no final full stop
    for form in (PASSWORD, quote(PASSWORD, safe=""), quote_plus(PASSWORD)):
        assert form not in str(err)
        assert form not in repr(err.translation_placeholders)


async def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Wait, up to 5 s, for something the gateway's pushes bring about."""
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0.05)
    assert condition(), f"timed out waiting for {what}"


def state(hass: HomeAssistant, entity_id: str) -> str | None:
    """Return an entity's state string, or None when it has none."""
    found = hass.states.get(entity_id)
    return None if found is None else found.state
