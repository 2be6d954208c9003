"""Finished calls fired as ``ejoin_call``: once per call, never every minute of it."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from ejoin_simulator import Simulator

from .helpers import (
    from_this_gateway,
    gateway_device,
    load_fixture,
    port_device,
    post,
    wait_for,
)

CALL = "ejoin_call"


async def test_call_fires_once_when_it_ends_not_every_minute(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """Per-minute call records fire nothing; the final one fires once, even if repeated."""
    calls = async_capture_events(hass, CALL)
    update = from_this_gateway(load_fixture("cdr_in_progress"))
    final = {**update, "update": 0, "end": 1714568534, "reason": "201 Caller Hangup"}

    for report in (update, {**update, "update": 1714568529}, final, final):
        assert await post(hass, client, report) == (200, "OK")

    [event] = calls
    assert event.data == {
        "gateway_device_id": gateway_device(hass),
        "device_id": port_device(hass, 4),
        "port": 4,
        "slot": 1,
        "call_id": "ZTk0ZGQ4YjI1ZWFkNDQ3ZTg1OWMxZjA2ZGY1M2E4OTE.",
        "direction": "incoming",
        "caller": "13912345678",
        "callee": "4004",
        "answered": True,
        "duration": 125,
        "started_at": "2024-05-01T13:00:00+00:00",
        "answered_at": "2024-05-01T13:00:09+00:00",
        "ended_at": "2024-05-01T13:02:14+00:00",
        "hangup_code": 201,
        "hangup_reason": "Caller Hangup",
    }


@pytest.mark.parametrize(
    ("changes", "direction"),
    [({"cdir": "MO", "answer": 0}, "incoming"), ({"cdir": "MT"}, "outgoing")],
    ids=["missed", "outgoing"],
)
async def test_missed_and_outgoing_calls(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    *,
    changes: dict[str, Any],
    direction: str,
) -> None:
    """A missed call is fired as incoming, a call made from the port as outgoing."""
    calls = async_capture_events(hass, CALL)
    report = {**from_this_gateway(load_fixture("cdr_finished_unanswered")), **changes}

    assert await post(hass, client, report) == (200, "OK")

    [event] = calls
    assert event.data["direction"] == direction


async def test_call_through_the_simulator_fires_once(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """A 2.5-minute call pushes two minute updates and an end: one ejoin_call."""
    calls = async_capture_events(hass, CALL)
    number = simulator.gateway.ports[2].sim.number  # type: ignore[union-attr]

    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{simulator.url}/_sim/call",
            json={"port": 2, "duration": 150, "caller": "+15551234567"},
        ) as response,
    ):
        assert (await response.json())["updates"] == 2
    await wait_for(lambda: len(simulator.pushes) >= 3, "the call's three records")
    await hass.async_block_till_done()

    [event] = calls
    assert (event.data["port"], event.data["caller"], event.data["callee"]) == (
        2,
        "+15551234567",
        number,
    )
    assert (event.data["duration"], event.data["answered"]) == (150, True)


async def test_many_calls_each_fire_and_the_record_of_calls_stays_small(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """300 different calls fire 300 events; only the latest 256 are remembered."""
    calls = async_capture_events(hass, CALL)
    base = from_this_gateway(load_fixture("cdr_seed"))

    for number in range(300):
        report = {**base, "cid": f"call-{number}", "caller": f"+1555{number:04d}"}
        assert await post(hass, client, report) == (200, "OK")

    assert len(calls) == 300
    assert len(entry.runtime_data.call_events._seen) == 256


async def test_call_record_without_a_port_still_fires(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """A call record that names no port fires ejoin_call without port or device."""
    calls = async_capture_events(hass, CALL)
    report = {
        key: value
        for key, value in from_this_gateway(load_fixture("cdr_seed")).items()
        if key in {"type", "mac", "cid", "cdir", "caller", "callee", "begin", "end"}
    }

    assert await post(hass, client, report) == (200, "OK")

    [event] = calls
    assert (event.data["port"], event.data["device_id"]) == (None, None)
    assert event.data["gateway_device_id"] == gateway_device(hass)
