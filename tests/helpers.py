"""Helpers of the integration tests: the simulated gateway, set-up, reports, states, actions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
import contextlib
import copy
from datetime import timedelta
import json
import logging
from pathlib import Path
import time
from typing import Any
from unittest.mock import patch
from urllib.parse import quote, quote_plus

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.json import JSONEncoder
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.ejoin.const import (
    CONF_ALL_SIMS,
    CONF_CONFIGURE_GATEWAY,
    CONF_REPORT_PERIOD,
    CONF_REPORT_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
    REDIAL_JITTER,
)
from ejoin_simulator import Gateway, Simulator

GATEWAY_MAC = "00:30:f1:01:02:03"
SECOND_MAC = "00:30:f1:0a:0b:0c"  # a second gateway, where a test needs two
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
type Expected = dict[tuple[int | None, str], str]  # (port, key): state

# Every action, with what it needs besides its targets.
ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("redial", {}),
    ("lock_port", {}),
    ("unlock_port", {}),
    ("reset_port", {}),
    ("switch_sim", {"slot": 2}),
    ("reboot", {}),
    ("save_config", {}),
    ("get_public_ip", {}),
    ("send_sms", {"numbers": "+1555", "message": "Hi"}),
]
# Every form in which real gateways refuse a login (the simulator's ``bad_login``).
BAD_LOGINS = ["html", "401", "json", "redirect"]
PERIOD = 60  # the report period of the test entries

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
    hass: HomeAssistant,
    simulator: Simulator,
    *,
    all_sims: bool = False,
    options: dict[str, Any] | None = None,
) -> MockConfigEntry:
    """Set the integration up against the simulator, as the config flow leaves it."""
    entry = config_entry_for(simulator, all_sims=all_sims, options=options)
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
    simulator: Simulator,
    *,
    configure: bool = True,
    all_sims: bool = False,
    options: dict[str, Any] | None = None,
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
        options={
            CONF_REPORT_PERIOD: PERIOD,
            CONF_ALL_SIMS: all_sims,
            **(options or {}),
        },
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
    # Home Assistant does at start-up; notify brings repairs, which adds some, and this
    # integration the WebSocket API and its panel's files.
    for domain in ("webhook", "notify", DOMAIN):
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


# --- commands, entity services and their errors ----------------------------------------


def command(op: str, ports: str | None = None, **extra: Any) -> Sent:
    """Return the command request the gateway should receive."""
    body: dict[str, Any] = {"type": "command", "op": op}
    if ports is not None:
        body["ports"] = ports
    return (*COMMAND, {**body, **extra})


async def press(hass: HomeAssistant, key: str, port: int | None = None) -> None:
    """Press a button of the gateway (port None) or of a port."""
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": entity_id(hass, key, port, "button")},
        blocking=True,
    )


async def use(
    hass: HomeAssistant, platform: str, service: str, key: str, port: int, **data: Any
) -> None:
    """Call a service of a port's entity of some platform."""
    await hass.services.async_call(
        platform,
        service,
        {"entity_id": entity_id(hass, key, port, platform), **data},
        blocking=True,
    )


def check_unreachable(err: HomeAssistantError, simulator: Simulator) -> None:
    """Check the error of a gateway that does not answer: gateway_unreachable, no password."""
    assert type(err) is HomeAssistantError
    error = err.translation_placeholders["error"]
    assert error.startswith(f"cannot talk to gateway 127.0.0.1:{simulator.port}: ")
    check_error(
        err,
        "gateway_unreachable",
        f"The gateway did not answer: {error}",
        {"error": error},
    )


class FakeClock:
    """A monotonic clock the redial checks read, moved by hand."""

    def __init__(self) -> None:
        """Start at an arbitrary point."""
        self.now = 1000.0

    def monotonic(self) -> float:
        """Return the current reading."""
        return self.now


def redial_clock(hass: HomeAssistant, *, jitter: str = "max") -> FakeClock:
    """Give every gateway's redial rules a hand-moved clock and a fixed jitter.

    The jitter is its largest (``max``) or none.
    """
    clock = FakeClock()
    for entry in hass.config_entries.async_entries(DOMAIN):
        policy = entry.runtime_data.redial
        policy.clock = clock.monotonic
        policy.jitter = (lambda: REDIAL_JITTER) if jitter == "max" else (lambda: 0.0)
    return clock


# --- time, logs and the watch -------------------------------------------------------------


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, periods: int = 1
) -> None:
    """Let report periods pass, one at a time, with everything they start finished."""
    for _ in range(periods):
        freezer.tick(timedelta(seconds=PERIOD))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)


async def next_period(hass: HomeAssistant) -> None:
    """Let one report period pass: the SMS store is read again."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=PERIOD + 1))
    await hass.async_block_till_done(wait_background_tasks=True)


# What the integration logs when a gateway falls silent, and when it is heard again.
SILENT = "has not been heard"
BACK = "is reporting again"


def messages(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    """Return the integration's log lines that contain ``text``."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.ejoin") and text in record.message
    ]


def warnings_of_the_integration(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the integration's warnings captured so far."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "custom_components.ejoin"
        and record.levelno == logging.WARNING
    ]


def status_reads(simulator: Simulator) -> list[list[tuple[str, str]]]:
    """Return the query (without credentials) of each status read the gateway got."""
    return [
        query
        for _, path, query, _ in sent(simulator)
        if path == "/goip_get_status.html"
    ]


# Read from the proxy firmware on their own schedule, so they fail with those reads.
POLLED = ("_public_ip", "_data_received", "_data_sent")


def reported(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """Return the entry's entities that show what the gateway reports."""
    return {
        entity_id
        for entity_id in integration_states(hass, entry)
        if not entity_id.endswith(POLLED)
    }


def unavailable(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """Return the entry's entities that show what the gateway reports, if unavailable."""
    return {
        entity_id
        for entity_id in reported(hass, entry)
        if state(hass, entity_id) == STATE_UNAVAILABLE
    }


def pushes_missing_issue(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ir.IssueEntry | None:
    """Return the entry's "pushes missing" repair issue, if it is raised."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"pushes_missing_{entry.entry_id}"
    )


# --- a snapshot per platform --------------------------------------------------------------


@contextlib.asynccontextmanager
async def set_up_platform(
    hass: HomeAssistant,
    simulator: Simulator,
    platform: Platform,
    *,
    options: dict[str, Any] | None = None,
) -> AsyncIterator[MockConfigEntry]:
    """Set the gateway up, every SIM reported, with one platform and all its entities.

    As core integrations' platform tests do, only that platform is loaded; every entity
    disabled by default is enabled.
    """
    with patch("custom_components.ejoin.PLATFORMS", [platform]):
        entry = await set_up(hass, simulator, all_sims=True, options=options)
        await enable_all_entities(hass, entry)
        items = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        assert {item.domain for item in items} == {platform.value}
        yield entry


def snapshot_of_states(hass: HomeAssistant, entry_id: str) -> dict[str, Any]:
    """Every entity of the entry as state and JSON attributes, without the report time.

    States only: the registry entries hold fields that newer Home Assistant releases
    add, which would make the snapshot differ between the versions under test.
    """
    registry = er.async_get(hass)
    shown: dict[str, Any] = {}
    for item in sorted(
        er.async_entries_for_config_entry(registry, entry_id),
        key=lambda item: item.entity_id,
    ):
        found = hass.states.get(item.entity_id)
        assert found is not None, f"{item.entity_id} has no state"
        shown[item.entity_id] = {
            "state": "<time of the last report>"
            if item.unique_id == f"{GATEWAY_MAC}_last_report"
            else same_number_text(found.state),
            "attributes": json.loads(
                json.dumps(dict(found.attributes), cls=JSONEncoder, sort_keys=True)
            ),
        }
    return shown


def same_number_text(state: str) -> str:
    """Write a number the same way for both Home Assistant versions under test.

    A converted unit is rounded to a precision the newer release writes shorter
    ("0.0" where 2025.4 writes "0.000000"); the value is the same.
    """
    try:
        return repr(float(state))
    except ValueError:
        return state
