"""SMS, delivery reports, sent SMS, task progress and calls as events: each exactly once."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta
import logging
from typing import Any
from unittest.mock import patch

import aiohttp
from aiohttp.test_utils import TestClient
from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.ejoin.pyejoin import EjoinClient, EjoinConnectionError
from ejoin_simulator import Simulator

from .helpers import (
    entry_for,
    from_this_gateway,
    gateway_device,
    load_fixture,
    port_device,
    port_report,
    post,
    set_up_entry,
    wait_for,
)

SMS_RECEIVED = "ejoin_sms_received"
DELIVERY_REPORT = "ejoin_sms_delivery_report"
SMS_SENT = "ejoin_sms_sent"
TASK_PROGRESS = "ejoin_sms_task_progress"
CALL = "ejoin_call"


def sms_report(*rows: list[Any]) -> dict[str, Any]:
    """Build a recv-sms report of these rows."""
    return {"type": "recv-sms", "sms_num": len(rows), "sms": list(rows)}


def sms_row(text: str, *, port: str = "1.01", at: int = 1714556700) -> list[Any]:
    """Build a recv-sms row of an SMS, its text encoded as gateways do."""
    content = base64.b64encode(text.encode()).decode()
    return [0, port, at, "+15550001111", "+15559990000", content]


def texts(events: list[Event]) -> list[str]:
    """Return the texts of captured ejoin_sms_received events, in order."""
    return [event.data["text"] for event in events]


async def next_period(hass: HomeAssistant) -> None:
    """Let one report period pass: the SMS store is read again."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=61))
    await hass.async_block_till_done(wait_background_tasks=True)


async def set_up_live(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> MockConfigEntry:
    """Set the gateway up with pushes reaching Home Assistant."""
    return await set_up_entry(hass, simulator, entry_for(simulator, client=client))


def store_reads(simulator: Simulator) -> list[str]:
    """Return the sms_id each read of the SMS store started from."""
    return [
        request.raw_query.split("sms_id=")[1].split("&")[0]
        for request in simulator.request_log
        if request.path == "/goip_get_sms.html"
    ]


# --- what a pushed report fires ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "port", "slot", "sender", "recipient", "text", "received_at", "smsc"),
    [
        (
            "recv_sms_unicode",
            3,
            1,
            "+79161234567",
            "+79031112233",
            "Ваш код: 4821. Никому его не сообщайте 🙂 验证码",  # noqa: RUF001
            "2024-05-01T09:45:00+00:00",
            None,
        ),
        (
            "recv_sms_long_multipart",
            4,
            2,
            "Vodafone",
            "+491701234567",
            (
                "Dear customer, your monthly bundle has been renewed: 10 GB of data, "
                "unlimited national calls and 500 SMS until 31/05. Your remaining "
                "balance is 4.20 EUR. Reply STOP to opt out of these notifications. "
                "Thank you for staying with us!"
            ),
            "2024-05-01T10:40:00+00:00",
            None,
        ),
        (
            "recv_sms_envelope",
            1,
            2,
            "+8613715266978",
            "+8613800138000",
            "Your verification code is 552817.\nValid for 5 minutes.",
            "2019-01-25T09:10:12+00:00",
            "+8613800755500",
        ),
        (
            "recv_sms_nul_padded",
            2,
            1,
            "10086",
            "13912345678",
            "Balance: 12.50 CNY\nData left: 1.2 GB",
            "2024-05-01T11:30:00+00:00",
            None,
        ),
        (
            "recv_sms_numbers_as_strings",
            5,
            1,
            "+447700900123",
            "+447700900456",
            "See you at 7pm",
            "2024-05-01T12:00:00+00:00",
            None,
        ),
    ],
)
async def test_received_sms_fires_with_its_text_as_written(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    *,
    name: str,
    port: int,
    slot: int,
    sender: str,
    recipient: str,
    text: str,
    received_at: str,
    smsc: str | None,
) -> None:
    """Unicode, long, envelope and NUL-padded SMS fire once, with the text as sent."""
    received = async_capture_events(hass, SMS_RECEIVED)

    assert await post(hass, client, load_fixture(name)) == (200, "OK")

    [event] = received
    assert event.data == {
        "gateway_device_id": gateway_device(hass),
        "device_id": port_device(hass, port),
        "port": port,
        "slot": slot,
        "sender": sender,
        "recipient": recipient,
        "text": text,
        "received_at": received_at,
        "smsc": smsc,
        "recovered": False,
    }
    shown = hass.states.get(f"event.port_{port}_sms")
    assert shown is not None
    assert shown.attributes["event_type"] == "received"
    assert shown.attributes["text"] == text
    assert shown.attributes["sender"] == sender
    assert shown.attributes["recovered"] is False


@pytest.mark.parametrize(
    ("name", "port", "recipient", "delivered", "code", "received_at"),
    [
        (
            "recv_sms_delivery_report",
            2,
            "13912345678",
            True,
            0,
            "2024-05-01T09:50:00+00:00",
        ),
        (
            "recv_sms_delivery_report_failed",
            2,
            "13912345679",
            False,
            70,
            "2024-05-01T09:55:00+00:00",
        ),
    ],
)
async def test_delivery_report_never_fires_sms_received(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    *,
    name: str,
    port: int,
    recipient: str,
    delivered: bool,
    code: int,
    received_at: str,
) -> None:
    """A delivery report fires ejoin_sms_delivery_report only: it is not a message."""
    received = async_capture_events(hass, SMS_RECEIVED)
    reports = async_capture_events(hass, DELIVERY_REPORT)

    assert await post(hass, client, load_fixture(name)) == (200, "OK")

    assert received == []
    [event] = reports
    assert event.data["device_id"] == port_device(hass, port)
    assert event.data["recipient"] == recipient
    assert event.data["delivered"] is delivered
    assert event.data["status_code"] == code
    assert event.data["received_at"] == received_at
    assert event.data["recovered"] is False
    assert hass.states.get(f"event.port_{port}_sms").state == "unknown"


async def test_report_with_an_sms_and_a_delivery_report_fires_one_of_each(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """A remote-SIM report with an SMS and a delivery report: one event of each kind."""
    received = async_capture_events(hass, SMS_RECEIVED)
    reports = async_capture_events(hass, DELIVERY_REPORT)

    assert await post(hass, client, load_fixture("recv_sms_remote_sim")) == (200, "OK")

    assert [(e.data["port"], e.data["slot"], e.data["text"]) for e in received] == [
        (1, 16, "Bonjour !")
    ]
    assert [(e.data["recipient"], e.data["delivered"]) for e in reports] == [
        ("+33611111111", True)
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "sent_sms_failed",
            {
                "port": 3,
                "slot": 1,
                "task_id": 3,
                "recipient": "+8613912345681",
                "ok": False,
                "status_code": 6,
                "reason": "Timeout",
                "sent_at": "2024-05-01T13:26:40+00:00",
            },
        ),
        (
            "sent_sms_receiver_key",
            {
                "port": 1,
                "slot": 2,
                "task_id": 4,
                "recipient": "+8613912345682",
                "ok": True,
                "status_code": 0,
                "reason": None,
                "sent_at": "2024-05-01T13:28:20+00:00",
            },
        ),
    ],
)
async def test_sent_sms_fires_with_its_outcome(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    name: str,
    expected: dict[str, Any],
) -> None:
    """Each sent-sms fires ejoin_sms_sent: task, recipient, and why it failed."""
    sent = async_capture_events(hass, SMS_SENT)

    report = from_this_gateway(load_fixture(name))
    assert await post(hass, client, report) == (200, "OK")

    [event] = sent
    assert event.data == {
        "gateway_device_id": gateway_device(hass),
        "device_id": port_device(hass, expected["port"]),
        **expected,
    }


async def test_task_progress_accumulates_recipients_across_reports(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """Status reports carry only new rows; the events list every recipient so far."""
    progress = async_capture_events(hass, TASK_PROGRESS)
    later = {
        "type": "status-report",
        "rpt_num": 1,
        "rpts": [
            {
                "tid": 1027,
                "sending": 0,
                "sent": 3,
                "failed": 2,
                "unsent": 0,
                "sdr": [[3, "+8613912345681", "1.01", 1714557200]],
                "fdr": [[4, "+8613912345682", "1.01", 1714557201, "6 Timeout", ""]],
            }
        ],
    }

    assert await post(hass, client, load_fixture("status_report_sdr_fdr")) == (
        200,
        "OK",
    )
    assert await post(hass, client, later) == (200, "OK")

    first, other_task, last = (event.data for event in progress)
    unregistered = {
        "number": "+8613912345679",
        "reason": "5 SIM unregistered",
        "carrier_reason": "27 Destination out of service",
    }
    assert first == {
        "gateway_device_id": gateway_device(hass),
        "task_id": 1027,
        "sending": 1,
        "sent": 2,
        "failed": 1,
        "unsent": 3,
        "finished": False,
        "sent_to": ["+8613912345678", "+8613912345680"],
        "failed_to": [unregistered],
    }
    assert other_task["task_id"] == 1028
    assert (other_task["sent"], other_task["finished"]) == (4, True)
    assert last == {
        "gateway_device_id": gateway_device(hass),
        "task_id": 1027,
        "sending": 0,
        "sent": 3,
        "failed": 2,
        "unsent": 0,
        "finished": True,
        "sent_to": ["+8613912345678", "+8613912345680", "+8613912345681"],
        "failed_to": [
            unregistered,
            {"number": "+8613912345682", "reason": "6 Timeout", "carrier_reason": None},
        ],
    }


# --- calls -----------------------------------------------------------------------------


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
    shown = hass.states.get("event.port_4_call")
    assert shown is not None
    assert shown.attributes["event_type"] == "incoming"
    assert shown.attributes["duration"] == 125


@pytest.mark.parametrize(
    ("changes", "event_type", "direction"),
    [
        ({"cdir": "MO", "answer": 0}, "missed", "incoming"),
        ({"cdir": "MT"}, "outgoing", "outgoing"),
    ],
)
async def test_missed_and_outgoing_calls(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    *,
    changes: dict[str, Any],
    event_type: str,
    direction: str,
) -> None:
    """The call entity tells a missed call from an answered one and an outgoing one."""
    calls = async_capture_events(hass, CALL)
    report = {**from_this_gateway(load_fixture("cdr_finished_unanswered")), **changes}

    assert await post(hass, client, report) == (200, "OK")

    [event] = calls
    assert event.data["direction"] == direction
    assert hass.states.get("event.port_4_call").attributes["event_type"] == event_type


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


# --- exactly once ------------------------------------------------------------------------


async def test_the_same_sms_pushed_twice_fires_once(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """A gateway that pushes an SMS again (it missed our answer) fires nothing new."""
    received = async_capture_events(hass, SMS_RECEIVED)
    report = sms_report(sms_row("Gate code 1234"))

    assert await post(hass, client, report) == (200, "OK")
    assert await post(hass, client, report) == (200, "OK")

    assert texts(received) == ["Gate code 1234"]


async def test_500_sms_posted_at_once_fire_500_events(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """A burst of 500 concurrent pushes loses nothing and repeats nothing."""
    received = async_capture_events(hass, SMS_RECEIVED)
    sent = [f"message {number}" for number in range(500)]

    answers = await asyncio.gather(
        *(
            post(hass, client, sms_report(sms_row(text, port=f"{n % 8 + 1}.01")))
            for n, text in enumerate(sent)
        )
    )

    assert set(answers) == {(200, "OK")}
    assert len(received) == 500
    assert sorted(texts(received)) == sorted(sent)


async def test_sms_pushed_and_read_back_fires_once(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """An SMS that is pushed and then found in the store fires one event, not two."""
    received = async_capture_events(hass, SMS_RECEIVED)

    _, row = simulator.gateway.receive_sms(3, 1, "+15550002222", "Parcel at the door")
    simulator.push_sms(row, port=3)
    await wait_for(lambda: len(received) == 1, "the pushed SMS")
    simulator.request_log.clear()
    await next_period(hass)

    assert store_reads(simulator) == ["1", "2"]  # the SMS was read back, and skipped
    assert texts(received) == ["Parcel at the door"]
    assert received[0].data["recovered"] is False


async def test_sms_arriving_while_unloaded_is_recovered_once(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """An SMS pushed while the entry was unloaded fires once when it is back, never again."""
    received = async_capture_events(hass, SMS_RECEIVED)
    assert await hass.config_entries.async_unload(live.entry_id)

    _, row = simulator.gateway.receive_sms(5, 1, "+15550003333", "Alarm: door open")
    pushed = len(simulator.pushes)
    simulator.push_sms(row, port=5)  # Home Assistant answers, nobody takes it
    await wait_for(lambda: len(simulator.pushes) > pushed, "the push")
    await hass.async_block_till_done()

    assert await hass.config_entries.async_setup(live.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert texts(received) == ["Alarm: door open"]
    assert received[0].data["recovered"] is True
    assert received[0].data["device_id"] == port_device(hass, 5)
    assert hass.states.get("event.port_5_sms").attributes["recovered"] is True

    # Set up again (a further restart) and read again: nothing fires twice.
    assert await hass.config_entries.async_reload(live.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await next_period(hass)
    assert texts(received) == ["Alarm: door open"]


async def test_gateway_restart_renumbering_its_store_loses_and_repeats_nothing(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A new ssrc: the store is read from 1 again; old SMS stay quiet, new ones fire."""
    received = async_capture_events(hass, SMS_RECEIVED)
    inbox = simulator.gateway.inbox
    simulator.gateway.receive_sms(1, 1, "+15550004444", "before the restart")
    simulator.gateway.receive_sms(1, 1, "+15550004444", "also before")
    await next_period(hass)
    assert texts(received) == ["before the restart", "also before"]
    simulator.request_log.clear()

    # The gateway restarts: it drops its first message, renumbers the rest from 1
    # and stores a new one (pushed nowhere) under a number already read before.
    del inbox.rows[1]
    inbox.renumber()
    simulator.gateway.ssrc = "after-restart"
    simulator.gateway.receive_sms(1, 1, "+15550004444", "after the restart")
    await next_period(hass)

    assert store_reads(simulator)[:2] == ["3", "1"]  # from where it was, then from 1
    assert texts(received) == ["before the restart", "also before", "after the restart"]
    assert all(event.data["recovered"] for event in received)
    await next_period(hass)
    assert len(received) == 3


async def test_first_set_up_with_a_full_store_fires_nothing(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """Messages stored before the integration was set up are history, not triggers."""
    received = async_capture_events(hass, SMS_RECEIVED)
    for number in range(250):  # more than two pages of the store
        simulator.gateway.receive_sms(number % 8 + 1, 1, "+1555", f"old {number}")

    entry = await set_up_live(hass, simulator, client)
    await next_period(hass)
    assert received == []

    simulator.gateway.receive_sms(2, 1, "+15550005555", "the first new one")
    await next_period(hass)
    assert texts(received) == ["the first new one"]
    assert received[0].data["recovered"] is True
    assert entry.runtime_data.inbox.position == 252


# --- when the store cannot be read ----------------------------------------------------------


async def test_unreadable_store_is_logged_once_and_read_when_the_gateway_is_back(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Failed reads: one warning; a report from the gateway prompts a new read at once."""
    received = async_capture_events(hass, SMS_RECEIVED)
    failing = patch.object(
        EjoinClient, "read_sms", side_effect=EjoinConnectionError("no route to host")
    )
    with failing:
        entry = await set_up_live(hass, simulator, client)
        await next_period(hass)
        await next_period(hass)
    warnings = [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and "SMS store" in record.getMessage()
    ]
    assert warnings == [
        (
            "Could not read the SMS store of gateway 00:30:f1:01:02:03, "
            "will try again: no route to host"
        )
    ]

    simulator.gateway.receive_sms(6, 1, "+15550006666", "sent while unreachable")
    with patch("custom_components.ejoin.sms.store.RETRY_READ_AFTER", 0):
        assert await post(hass, client, port_report(simulator, 6)) == (200, "OK")
        await hass.async_block_till_done(wait_background_tasks=True)

    assert "Reading the SMS store of gateway 00:30:f1:01:02:03 works again" in (
        caplog.text
    )
    # No read had succeeded: what the store holds counts as from before the set-up.
    assert texts(received) == []
    assert entry.runtime_data.inbox.first_read_done


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
    assert len(entry.runtime_data.calls._seen) == 256


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
