"""The simulator's control API (``/_sim/``) over raw HTTP, read back with ``parse_report``."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
import re
from typing import TYPE_CHECKING

import pytest

from custom_components.ejoin.pyejoin import (
    CallDirection,
    CallRecord,
    Counter,
    DataUsage,
    DeliveryReport,
    DeviceStatusReport,
    EjoinClient,
    EjoinConnectionError,
    PortAddress,
    PortStatus,
    PortStatusReport,
    ReceivedSms,
    SmsReceivedReport,
    parse_report,
)

from .conftest import JSON_TYPE, Control, PushReceiver

if TYPE_CHECKING:
    import aiohttp

    from ejoin_simulator import Simulator

SENDER = "+4917612345678"
SMSC = "+8613800100500"
LONG_TEXT = "Ein langer Text über mehrere Teile \u2013 ✓ " * 6

TEXTS = {
    "plain": "Hello from the simulator",
    "unicode": "Grüße aus Köln \u2013 你好 👋",
    "long": LONG_TEXT,
}


def received_at(row: list[object]) -> datetime:
    """Return the time of an SMS store row, as the parser reads it."""
    assert isinstance(row[2], int)
    return datetime.fromtimestamp(row[2], UTC)


def recv_sms(body: dict[str, object]) -> SmsReceivedReport:
    """Parse a recv-sms body and check it was read without problems."""
    report = parse_report(body)
    assert isinstance(report, SmsReceivedReport)
    assert report.problems == ()
    assert report.remote_sim is False
    return report


# --- SMS -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(TEXTS))
async def test_sms_is_pushed_and_stored(
    reporting: EjoinClient, control: Control, receiver: PushReceiver, kind: str
) -> None:
    """The recv-sms decodes to the exact text and sender; the store holds the same row."""
    text = TEXTS[kind]
    answer = await control.post("sms", {"port": 3, "sender": SENDER, "text": text})
    number = (await control.state())["ports"]["3"]["sims"]["1"]["number"]
    push = await receiver.next("recv-sms")
    assert (push.path, push.content_type) == ("/reports", JSON_TYPE)
    assert push.body["sms_num"] == 1
    assert push.body["sms"] == [answer["row"]]
    assert base64.b64decode(answer["row"][5]).decode() == text
    expected = ReceivedSms(
        address=PortAddress(port=3, slot=1),
        received_at=received_at(answer["row"]),
        sender=SENDER,
        recipient=number,
        text=text,
    )
    assert recv_sms(push.body).messages == (expected,)
    assert recv_sms(push.body).delivery_reports == ()
    stored = await reporting.read_sms(start=answer["id"])
    assert stored.messages == (expected,)
    assert stored.next_index == answer["id"] + 1


def test_long_text_is_longer_than_one_sms() -> None:
    """The long case really is past 160 characters, and not plain ASCII."""
    assert len(LONG_TEXT) > 160
    assert not LONG_TEXT.isascii()


async def test_sms_envelope_gives_the_header_fields(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """The envelope form decodes to the message, with sender, receiver, SMSC and SCTS."""
    answer = await control.post(
        "sms",
        {"port": 2, "slot": 3, "sender": SENDER, "text": "Hi\nthere", "envelope": True},
    )
    number = (await control.state())["ports"]["2"]["sims"]["3"]["number"]
    content = base64.b64decode(answer["row"][5]).decode()
    assert content.startswith(f"Sender: {SENDER}\r\nReceiver: {number}\r\n")
    push = await receiver.next("recv-sms")
    [message] = recv_sms(push.body).messages
    assert message.address == PortAddress(port=2, slot=3)
    assert (message.sender, message.recipient, message.text) == (
        SENDER,
        number,
        "Hi\nthere",
    )
    assert message.smsc == SMSC
    assert message.scts is not None
    assert re.fullmatch(r"\d{12}", message.scts)
    assert (await reporting.read_sms(start=answer["id"])).messages == (message,)


async def test_sms_goes_to_the_sms_url_when_set(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """With an SMS URL, recv-sms goes there; other reports still go to the report URL."""
    await reporting.set_sms_url(receiver.url("/sms"))
    await control.post("sms", {"port": 1, "text": "to the SMS URL"})
    push = await receiver.next("recv-sms")
    assert push.path == "/sms"
    assert recv_sms(push.body).messages[0].text == "to the SMS URL"
    await control.post("port", {"port": 1, "signal": 9})
    assert (await receiver.next("port-status")).path == "/reports"


async def test_sms_without_push_is_only_stored(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """push=false stores the SMS for read_sms and pushes nothing."""
    await control.post("sms", {"port": 1, "text": "quiet", "push": False})
    await control.post("port", {"port": 4})
    await receiver.next("port-status")  # pushes go in order: nothing was before it
    assert receiver.of_type("recv-sms") == []
    assert [sms.text for sms in (await reporting.read_sms()).messages] == ["quiet"]


@pytest.mark.parametrize(("code", "delivered"), [(0, True), (34, False)])
async def test_delivery_report_is_a_flag_one_row(
    reporting: EjoinClient,
    control: Control,
    receiver: PushReceiver,
    code: int,
    delivered: bool,
) -> None:
    """A delivery report: flag 1, from the SMSC, to the recipient, "<code> <scts>"."""
    answer = await control.post(
        "delivery-report", {"port": 2, "recipient": "+4915100000009", "code": code}
    )
    row = answer["row"]
    assert row[:5] == [1, "2.01", row[2], SMSC, "+4915100000009"]
    assert re.fullmatch(rf"{code} \d{{12}}", row[5])
    push = await receiver.next("recv-sms")
    assert push.body["sms"] == [row]
    report = recv_sms(push.body)
    expected = DeliveryReport(
        address=PortAddress(port=2, slot=1),
        received_at=received_at(row),
        smsc=SMSC,
        recipient="+4915100000009",
        status_code=code,
        operator_time=row[5].split()[1],
    )
    assert (report.messages, report.delivery_reports) == ((), (expected,))
    assert expected.delivered is delivered
    stored = await reporting.read_sms()
    assert (stored.messages, stored.delivery_reports) == ((), (expected,))


# --- calls ------------------------------------------------------------------------------


async def test_call_pushes_minute_updates_then_the_final_record(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """130 s: two per-minute cdr (end 0), then the final one; counters grow."""
    answer = await control.post(
        "call", {"port": 1, "duration": 130, "caller": "+4930123456"}
    )
    assert answer["updates"] == 2
    number = (await control.state())["ports"]["1"]["sims"]["1"]["number"]
    pushes = [await receiver.next("cdr") for _ in range(3)]
    assert [push.body["end"] for push in pushes[:2]] == [0, 0]
    assert pushes[2].body["end"] > 0
    calls = [parse_report(push.body) for push in pushes]
    for call in calls:
        assert isinstance(call, CallRecord)
        assert call.problems == ()
        assert call.call_id == answer["cid"]
        assert call.address == PortAddress(port=1, slot=1)
        assert call.direction is CallDirection.INCOMING
        assert (call.caller, call.callee) == ("+4930123456", number)
        assert call.answered_at is not None
    first, second, final = calls
    assert isinstance(first, CallRecord)
    assert isinstance(second, CallRecord)
    assert isinstance(final, CallRecord)
    assert first.answered_at is not None
    assert [first.finished, second.finished, final.finished] == [False, False, True]
    assert [
        (call.updated_at - first.answered_at).total_seconds()
        for call in (first, second)
        if call.updated_at is not None
    ] == [60, 120]
    assert final.updated_at is None
    assert final.duration_seconds == 130
    assert (final.hangup_code, final.hangup_reason) == (201, "Caller Hangup")
    report = await reporting.get_status()
    port = report.ports[0]
    assert port.call_minutes.total == Counter(used=3)
    assert port.call_minutes.month == Counter(used=3)
    assert port.call_minutes.day == Counter(used=3)
    assert port.call_numbers.total == Counter(used=1)
    assert port.talk_numbers.total == Counter(used=1)
    assert report.ports[1].call_minutes.total == Counter(used=0)


async def test_unanswered_call_is_one_record_without_minutes(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """Not answered: no updates, one record, 0 s talk time; counted as a call only."""
    answer = await control.post("call", {"port": 2, "duration": 20, "answered": False})
    assert answer["updates"] == 0
    call = parse_report((await receiver.next("cdr")).body)
    assert isinstance(call, CallRecord)
    assert call.finished is True
    assert call.answered_at is None
    assert call.duration_seconds == 0
    assert (call.hangup_code, call.hangup_reason) == (487, "Request Terminated")
    await control.post("port", {"port": 4})
    await receiver.next("port-status")
    assert len(receiver.of_type("cdr")) == 1
    port = (await reporting.get_status()).ports[1]
    assert port.call_minutes.total == Counter(used=0)
    assert port.call_numbers.total == Counter(used=1)
    assert port.talk_numbers.total == Counter(used=0)


# --- port state ---------------------------------------------------------------------------


async def test_port_signal_and_balance_change_and_push(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """Signal 7, balance 1.5 and 12.5 MB on port 3 come in a port-status and the state."""
    assert await control.post(
        "port", {"port": 3, "signal": 7, "balance": 1.5, "data_mb": 12.5}
    ) == {"status": 3}
    push = await receiver.next("port-status")
    assert push.content_type == JSON_TYPE
    assert (push.body["port"], push.body["sig"], push.body["bal"]) == (
        "3.01",
        7,
        "1.50",
    )
    report = parse_report(push.body)
    assert isinstance(report, PortStatusReport)
    assert report.problems == ()
    assert report.port is not None
    assert (report.port.signal, report.port.balance) == (7, 1.5)
    assert report.port.status is PortStatus.REGISTERED
    assert report.port.data == DataUsage(
        total=12.5,
        day=12.5,
        last_24_hours=12.5,
        last_hour=12.5,
        last_session=12.5,
        last_url=report.port.data.last_url,
    )
    assert push.body["dataflow_tot"] == "12.50"
    sim = (await control.state())["ports"]["3"]["sims"]["1"]
    assert (sim["signal"], sim["balance"]) == (7, 1.5)
    status = await reporting.get_status()
    assert (status.ports[2].signal, status.ports[2].balance) == (7, 1.5)


async def test_removed_sim_is_reported_without_sim_fields(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """A port whose active SIM is taken out reports status 0 and only the basic keys."""
    assert await control.post("port", {"port": 4, "remove_sim": 1}) == {"status": 0}
    push = await receiver.next("port-status")
    assert set(push.body) == {"type", "port", "sim", "seq", "st", "imei"}
    assert (push.body["port"], push.body["st"]) == ("4.01", 0)
    status = await reporting.get_status()
    assert status.ports[3].status is PortStatus.NO_SIM
    assert status.ports[3].iccid is None


async def test_control_reboot_answers_and_comes_back(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """/_sim/reboot says how long it takes, then the gateway is back with a new ssrc."""
    ssrc = (await control.state())["ssrc"]
    assert await control.post("reboot") == {"rebooting": True, "seconds": 0.3}
    await receiver.next("dev-status")
    assert (await control.state())["ssrc"] != ssrc
    assert (await reporting.read_sms()).ssrc != ssrc


# --- offline and online -----------------------------------------------------------------


async def test_offline_fails_gateway_endpoints_but_not_control(
    reporting: EjoinClient,
    simulator: Simulator,
    control: Control,
    receiver: PushReceiver,
) -> None:
    """Offline: the client cannot connect; online again pushes a dev-status."""
    assert await control.post("offline") == {"offline": True}
    with pytest.raises(EjoinConnectionError):
        await reporting.get_status()
    with pytest.raises(EjoinConnectionError):
        await reporting.read_sms()
    state = await control.state()
    assert state["offline"] is True
    # An SMS arriving meanwhile is stored, but a gone device pushes nothing.
    await control.post("sms", {"port": 1, "text": "while away"})
    assert await control.post("online") == {"offline": False}
    push = await receiver.next("dev-status")
    assert receiver.of_type("recv-sms") == []  # would have come before the dev-status
    report = parse_report(push.body)
    assert isinstance(report, DeviceStatusReport)
    assert [port.status_code for port in report.ports] == [3, 3, 3, 3]
    assert len((await reporting.get_status()).ports) == 4
    assert [sms.text for sms in (await reporting.read_sms()).messages] == ["while away"]
    assert simulator.offline is False


async def test_control_api_rejects_bad_bodies(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    """A body that is not a JSON object, or an unknown port, is HTTP 400."""
    for body, text in (
        (b"[1]", "expected a JSON object"),
        (b"not json", "expected a JSON object"),
        (b'{"port": 9}', "unknown port 9"),
    ):
        async with session.post(f"{simulator.url}/_sim/port", data=body) as response:
            assert response.status == 400
            assert text in await response.text()
