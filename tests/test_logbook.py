"""The logbook: received SMS and finished calls as sentences about the port."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import mock_component
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.ejoin import logbook
from custom_components.ejoin.const import DOMAIN
from ejoin_simulator import Simulator

from .helpers import (
    from_this_gateway,
    gateway_device,
    load_fixture,
    port_device,
    post,
    set_up,
)

SMS_RECEIVED = "ejoin_sms_received"
SMS_SENT = "ejoin_sms_sent"
CALL = "ejoin_call"

type Describe = Callable[[Event[dict[str, Any]]], dict[str, str]]


@pytest.fixture
def mock_recorder_before_hass(recorder_db_url: str) -> None:
    """Prepare the recorder's database before Home Assistant starts, as recorder_mock needs."""


@pytest.fixture
def describe(hass: HomeAssistant) -> dict[str, Describe]:
    """Return the logbook's describers of the integration, by event type."""
    found: dict[str, Describe] = {}

    def collect(domain: str, event_type: str, describer: Describe) -> None:
        assert domain == DOMAIN
        found[event_type] = describer

    logbook.async_describe_events(hass, collect)
    assert set(found) == {SMS_RECEIVED, SMS_SENT, CALL}
    return found


def sms(**data: Any) -> dict[str, Any]:
    """Build the data of an SMS event on port 3, with changes."""
    return {
        "port": 3,
        "slot": 1,
        "sender": "+79161234567",
        "recipient": "+79031112233",
        "text": "Your code is 4821",
        "received_at": "2024-05-01T09:45:00+00:00",
        "recovered": False,
        "smsc": None,
        **data,
    }


def sent_sms(**data: Any) -> dict[str, Any]:
    """Build the data of an SMS sent from port 3, with changes."""
    return {
        "port": 3,
        "slot": 1,
        "task_id": 1027,
        "recipient": "+79031112233",
        "result": "sent",
        "ok": True,
        "status_code": 0,
        "reason": None,
        "sent_at": "2024-05-01T09:45:00+00:00",
        **data,
    }


def call(**data: Any) -> dict[str, Any]:
    """Build the data of an answered incoming call event on port 3, with changes."""
    return {
        "port": 3,
        "slot": 1,
        "call_id": "call-1",
        "direction": "incoming",
        "caller": "+79161234567",
        "callee": "+79031112233",
        "answered": True,
        "duration": 65,
        "started_at": "2024-05-01T09:45:00+00:00",
        "answered_at": "2024-05-01T09:45:05+00:00",
        "ended_at": "2024-05-01T09:46:10+00:00",
        "hangup_code": 201,
        "hangup_reason": "Caller Hangup",
        **data,
    }


# --- the sentences ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "data", "message"),
    [
        (SMS_RECEIVED, sms(), "received an SMS from +79161234567"),
        (
            SMS_RECEIVED,
            sms(recovered=True),
            (
                "received an SMS from +79161234567 "
                "(read from the gateway's store after a gap)"
            ),
        ),
        (SMS_RECEIVED, sms(sender="Vodafone"), "received an SMS from Vodafone"),
        (SMS_RECEIVED, sms(sender=None), "received an SMS from an unknown sender"),
        (CALL, call(), "had a call from +79161234567 for 1 min 5 s"),
        (CALL, call(duration=42), "had a call from +79161234567 for 42 s"),
        (CALL, call(duration=60), "had a call from +79161234567 for 1 min 0 s"),
        (CALL, call(duration=3725), "had a call from +79161234567 for 1 h 2 min"),
        (CALL, call(duration=7200), "had a call from +79161234567 for 2 h 0 min"),
        (
            CALL,
            call(answered=False, duration=0, answered_at=None),
            "missed a call from +79161234567",
        ),
        (
            CALL,
            call(caller=None, answered=False, duration=0),
            "missed a call from an unknown number",
        ),
        (
            CALL,
            call(direction="outgoing", caller="4004", duration=42),
            "called +79031112233 for 42 s",
        ),
        (
            CALL,
            call(direction="outgoing", caller="4004", duration=185),
            "called +79031112233 for 3 min 5 s",
        ),
        (
            CALL,
            call(direction="outgoing", caller="4004", answered=False, duration=0),
            "called +79031112233, unanswered",
        ),
        (
            CALL,
            call(direction="outgoing", callee=None, answered=False, duration=0),
            "called an unknown number, unanswered",
        ),
    ],
)
@pytest.mark.usefixtures("entry")
async def test_sms_and_calls_read_as_sentences_about_the_port(
    hass: HomeAssistant,
    client: TestClient,
    describe: dict[str, Describe],
    *,
    event_type: str,
    data: dict[str, Any],
    message: str,
) -> None:
    """Each SMS and call reads as what happened on the port, never the SMS text."""
    data = {
        "gateway_device_id": gateway_device(hass),
        "device_id": port_device(hass, 3),
        **data,
    }

    entry = describe[event_type](Event(event_type, data))

    assert entry == {"name": "Ejoin 127.0.0.1 Port 3", "message": message}


@pytest.mark.parametrize(
    ("port_device_is", "gateway_device_is", "name"),
    [
        ("known", "known", "Ejoin 127.0.0.1 Port 3"),
        ("renamed", "known", "Front door SIM"),
        ("missing", "known", "Ejoin 127.0.0.1"),
        ("gone", "known", "Ejoin 127.0.0.1"),
        ("missing", "renamed", "SMS gateway"),
        ("missing", "missing", "Ejoin port 3"),
        ("gone", "gone", "Ejoin port 3"),
    ],
)
@pytest.mark.usefixtures("entry")
async def test_the_entry_is_named_after_the_port_else_the_gateway(
    hass: HomeAssistant,
    client: TestClient,
    describe: dict[str, Describe],
    *,
    port_device_is: str,
    gateway_device_is: str,
    name: str,
) -> None:
    """The port's (renamed) device, else the gateway's device, else "Ejoin port N"."""
    registry = dr.async_get(hass)
    ids = {"port": port_device(hass, 3), "gateway": gateway_device(hass)}
    for device, renamed in (("port", "Front door SIM"), ("gateway", "SMS gateway")):
        how = port_device_is if device == "port" else gateway_device_is
        if how == "renamed":
            registry.async_update_device(ids[device], name_by_user=renamed)
        elif how != "known":
            ids[device] = "no-such-device" if how == "gone" else None
    data = {"gateway_device_id": ids["gateway"], "device_id": ids["port"]}

    for event_type, event_data in ((SMS_RECEIVED, sms()), (CALL, call())):
        entry = describe[event_type](Event(event_type, {**event_data, **data}))
        assert entry["name"] == name


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (sent_sms(), "Ejoin 127.0.0.1 Port 3", "sent an SMS to +79031112233"),
        (
            sent_sms(result="failed", ok=False, status_code=6, reason="Timeout"),
            "Ejoin 127.0.0.1 Port 3",
            "could not send an SMS to +79031112233: Timeout",
        ),
        (
            sent_sms(
                port=None,
                slot=None,
                result="not_confirmed",
                ok=None,
                status_code=None,
                reason="gateway 127.0.0.1:80 did not answer /goip_post_sms.html",
                sent_at=None,
            ),
            "Ejoin 127.0.0.1",
            (
                "did not confirm taking an SMS to +79031112233 (task 1027); it is "
                "sent at most once, and handed over again a few times unless Home "
                "Assistant restarts or reloads the gateway first"
            ),
        ),
        (
            sent_sms(result="failed", ok=False, reason=None, recipient=None),
            "Ejoin 127.0.0.1 Port 3",
            "could not send an SMS to an unknown number: failed",
        ),
        # Recorded before the result was told: the logbook reads it from "ok".
        (
            {**sent_sms(), "result": None},
            "Ejoin 127.0.0.1 Port 3",
            "sent an SMS to +79031112233",
        ),
        (
            {**sent_sms(ok=False, reason="Timeout"), "result": None},
            "Ejoin 127.0.0.1 Port 3",
            "could not send an SMS to +79031112233: Timeout",
        ),
    ],
    ids=["sent", "failed", "not_confirmed", "unknown", "old_sent", "old_failed"],
)
@pytest.mark.usefixtures("entry")
async def test_sent_sms_read_as_what_became_of_them(
    hass: HomeAssistant,
    client: TestClient,
    describe: dict[str, Describe],
    *,
    data: dict[str, Any],
    name: str,
    message: str,
) -> None:
    """Sent, failed with why, or not confirmed (told of the gateway: no port yet)."""
    data = {
        "gateway_device_id": gateway_device(hass),
        "device_id": None if data["port"] is None else port_device(hass, 3),
        **data,
    }

    entry = describe[SMS_SENT](Event(SMS_SENT, data))

    assert entry == {"name": name, "message": message}


# --- end to end ---------------------------------------------------------------------------


async def test_the_port_page_logbook_shows_its_sms_and_calls(
    recorder_mock: Any,
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: Any,
    hass_ws_client: Any,
) -> None:
    """An SMS and a call pushed by the gateway show in the logbook of the port's page."""
    mock_component(hass, "frontend")  # its panels only; the package is not installed
    # Views are added before the test server starts, as Home Assistant does.
    for domain in ("websocket_api", "logbook"):
        assert await async_setup_component(hass, domain, {})
    await set_up(hass, simulator)
    client = await hass_client_no_auth()
    start = dt_util.utcnow()
    text = base64.b64encode(b"Your code is 4821").decode()
    sms_row = [0, "3.01", 1714556700, "+79161234567", "+79031112233", text]
    other_port = [0, "5.01", 1714556700, "+79160000000", "+79031112244", text]
    seed = from_this_gateway(load_fixture("cdr_seed"))
    answered = seed["begin"] + 5
    reports = [
        {"type": "recv-sms", "sms_num": 2, "sms": [sms_row, other_port]},
        {
            **seed,
            "port": "3.01",
            "cdir": "MO",
            "caller": "+79161234567",
            "answer": answered,
            "end": answered + 65,
        },
    ]

    for report in reports:
        assert await post(hass, client, report) == (200, "OK")
    await async_wait_recording_done(hass)
    websocket = await hass_ws_client(hass)
    await websocket.send_json(
        {
            "id": 1,
            "type": "logbook/get_events",
            "start_time": start.isoformat(),
            "device_ids": [port_device(hass, 3)],
        }
    )
    response = await websocket.receive_json()

    assert response["success"]
    assert [
        (entry["domain"], entry["name"], entry["message"])
        for entry in response["result"]
    ] == [
        (DOMAIN, "Ejoin 127.0.0.1 Port 3", "received an SMS from +79161234567"),
        (
            DOMAIN,
            "Ejoin 127.0.0.1 Port 3",
            "had a call from +79161234567 for 1 min 5 s",
        ),
    ]
