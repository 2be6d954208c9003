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

CDR_KEYS = [
    "type",
    "port",
    "seq",
    "st",
    "imei",
    "iccid",
    "imsi",
    "bal",
    "mac",
    "ip",
    "sip_usr",
    "cid",
    "cdir",
    "caller",
    "callee",
    "begin",
    "alert",
    "answer",
    "update",
    "end",
    "reason",
    "gw_reason",
]

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
    receiving: EjoinClient, control: Control, receiver: PushReceiver, kind: str
) -> None:
    """The recv-sms decodes to the exact text and sender; the store holds the same row."""
    text = TEXTS[kind]
    answer = await control.post("sms", {"port": 3, "sender": SENDER, "text": text})
    number = (await control.state())["ports"]["3"]["sims"]["1"]["number"]
    push = await receiver.next("recv-sms")
    assert (push.path, push.content_type) == ("/sms", JSON_TYPE)
    assert list(push.body) == ["type", "sms_num", "sim_src", "sms"]
    assert (push.body["sms_num"], push.body["sim_src"]) == (1, 0)
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
    stored = await receiving.read_sms(start=answer["id"])
    assert stored.messages == (expected,)
    assert stored.next_index == answer["id"] + 1


def test_long_text_is_longer_than_one_sms() -> None:
    """The long case really is past 160 characters, and not plain ASCII."""
    assert len(LONG_TEXT) > 160
    assert not LONG_TEXT.isascii()


async def test_sms_envelope_is_what_real_firmware_forwards(
    receiving: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """Sender, Receiver with the quoted port and the number, SMSC, SCTS, then the text."""
    answer = await control.post(
        "sms",
        {"port": 2, "slot": 3, "sender": SENDER, "text": "Hi\nthere", "envelope": True},
    )
    number = (await control.state())["ports"]["2"]["sims"]["3"]["number"]
    row = answer["row"]
    assert row[:2] == [0, "2.03"]
    content = base64.b64decode(row[5]).decode()
    match = re.fullmatch(
        rf"Sender: {re.escape(SENDER)}\r\n"
        rf'Receiver: "2\.03" {re.escape(number)}\r\n'
        rf"SMSC: {re.escape(SMSC)}\r\n"
        r"SCTS: (\d{12})\+32\r\n"
        r"\r\n"
        r"Hi\nthere",
        content,
    )
    assert match is not None, content
    # SCTS is the SMSC's local time, UTC+8 ("+32" quarter hours).
    scts = datetime.strptime(match[1], "%y%m%d%H%M%S").replace(tzinfo=UTC)
    assert abs((scts - received_at(row)).total_seconds() - 8 * 3600) < 5
    push = await receiver.next("recv-sms")
    assert push.body["sms"] == [row]
    [message] = recv_sms(push.body).messages
    assert message.address == PortAddress(port=2, slot=3)
    assert (message.sender, message.text, message.smsc) == (SENDER, "Hi\nthere", SMSC)
    assert (await receiving.read_sms(start=answer["id"])).messages == (message,)


async def test_padded_sms_ends_in_nul_bytes(
    receiving: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """padded: the UTF-8 text, then NUL bytes, then base64, as real firmware sends."""
    text = TEXTS["unicode"]
    answer = await control.post("sms", {"port": 1, "text": text, "padded": True})
    raw = base64.b64decode(answer["row"][5])
    assert raw == text.encode() + b"\x00\x00\x00"
    push = await receiver.next("recv-sms")
    assert push.body["sms"] == [answer["row"]]
    assert [message.text for message in recv_sms(push.body).messages] == [text]


async def test_without_an_sms_url_received_sms_are_only_stored(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """A real gateway forwards SMS only to its SMS URL, never to the report URL."""
    assert (await control.state())["sms_url"] is None
    await control.post("sms", {"port": 1, "text": "kept"})
    await control.post("delivery-report", {"port": 1, "recipient": "+4915100000009"})
    await control.post("port", {"port": 4})
    await receiver.next("port-status")  # pushes go in order: nothing came before it
    assert receiver.summary() == ["port-status -> /reports"]
    stored = await reporting.read_sms()
    assert [sms.text for sms in stored.messages] == ["kept"]
    assert [report.recipient for report in stored.delivery_reports] == [
        "+4915100000009"
    ]


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
    receiving: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """push=false stores the SMS for read_sms and pushes nothing, even with an SMS URL."""
    await control.post("sms", {"port": 1, "text": "quiet", "push": False})
    await control.post("port", {"port": 4})
    await receiver.next("port-status")  # pushes go in order: nothing was before it
    assert receiver.of_type("recv-sms") == []
    assert [sms.text for sms in (await receiving.read_sms()).messages] == ["quiet"]


@pytest.mark.parametrize(("code", "delivered"), [(0, True), (34, False)])
async def test_delivery_report_is_a_flag_one_row(
    receiving: EjoinClient,
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
    assert push.path == "/sms"
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
    stored = await receiving.read_sms()
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
    state = await control.state()
    sim = state["ports"]["1"]["sims"]["1"]
    for push in pushes:  # the status spec's cdr example, key for key
        assert list(push.body) == CDR_KEYS
        assert push.body["bal"] == "0.00"  # as in the example, whatever the balance
        assert (push.body["iccid"], push.body["imsi"], push.body["imei"]) == (
            sim["iccid"],
            sim["imsi"],
            state["ports"]["1"]["imei"],
        )
        assert (push.body["port"], push.body["st"], push.body["mac"]) == (
            "1.01",
            3,
            state["mac"],
        )
    assert sim["balance"] != 0
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
    """Signal 7 and balance 1.5 come in a port-status; 12.5 MB in the next dev-status.

    A port-status has the status spec's shape: no traffic (``dataflow_*``).
    """
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
    assert not [key for key in push.body if key.startswith("dataflow_")]
    sim = (await control.state())["ports"]["3"]["sims"]["1"]
    assert (sim["signal"], sim["balance"]) == (7, 1.5)
    status = await reporting.get_status()
    assert (status.ports[2].signal, status.ports[2].balance) == (7, 1.5)
    assert status.ports[2].data == DataUsage(
        total=12.5,
        day=12.5,
        last_24_hours=12.5,
        last_hour=12.5,
        last_session=12.5,
        last_url=status.ports[2].data.last_url,
    )


async def test_removed_sim_is_reported_without_sim_fields(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """A port whose active SIM is taken out reports status 0 and only the basic keys."""
    assert await control.post("port", {"port": 4, "remove_sim": 1}) == {"status": 0}
    push = await receiver.next("port-status")
    assert list(push.body) == ["type", "port", "sim", "seq", "st", "active", "imei"]
    assert (push.body["port"], push.body["st"], push.body["active"]) == ("4.01", 0, "1")
    status = await reporting.get_status()
    assert status.ports[3].status is PortStatus.NO_SIM
    assert status.ports[3].iccid is None


async def test_inactive_slot_changes_are_pushed_only_under_all_sims(
    reporting: EjoinClient,
    control: Control,
    receiver: PushReceiver,
    simulator: Simulator,
) -> None:
    """A SIM into or out of slot 3 of port 2 (not the working one) pushes nothing..."""
    old = (await control.state())["ports"]["2"]["sims"]["3"]
    await control.post("port", {"port": 2, "remove_sim": 3})
    await control.post("port", {"port": 2, "insert_sim": 3})
    await control.post("port", {"port": 2, "slot": 3, "signal": 9})
    await control.post("port", {"port": 4})
    await receiver.next("port-status")  # the marker; nothing came before it
    assert [push.body["port"] for push in receiver.of_type("port-status")] == ["4.01"]
    new = (await control.state())["ports"]["2"]["sims"]["3"]
    assert (new["iccid"], new["imsi"]) != (old["iccid"], old["imsi"])
    assert simulator.gateway.ports[2].active_slot == 1


async def test_inactive_slot_changes_under_all_sims_push_active_0(
    client: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """...but with all SIMs reported, each pushes that slot's port-status, active "0"."""
    await client.get_status(report_url=receiver.url(), all_sims=True)
    old = (await control.state())["ports"]["2"]["sims"]["3"]
    assert await control.post("port", {"port": 2, "remove_sim": 3}) == {"status": 3}
    removed = await receiver.next("port-status")
    assert removed.body | {"seq": 0} == {
        "type": "port-status",
        "port": "2.03",
        "sim": "",
        "seq": 0,
        "st": 0,
        "active": "0",
        "imei": (await control.state())["ports"]["2"]["imei"],
    }
    assert await control.post("port", {"port": 2, "insert_sim": 3}) == {"status": 3}
    inserted = await receiver.next("port-status")
    new = (await control.state())["ports"]["2"]["sims"]["3"]
    assert (new["iccid"], new["imsi"]) != (old["iccid"], old["imsi"])
    assert list(inserted.body) == [
        "type",
        "port",
        "sim",
        "seq",
        "st",
        "active",
        "imei",
        "iccid",
        "imsi",
        "sn",
        "opr",
        "bal",
        "sig",
        "tot_dur",
        "mon_dur",
        "day_dur",
    ]
    assert (inserted.body["port"], inserted.body["st"], inserted.body["active"]) == (
        "2.03",
        1,
        "0",
    )
    assert (inserted.body["iccid"], inserted.body["imsi"], inserted.body["sn"]) == (
        new["iccid"],
        new["imsi"],
        new["number"],
    )
    assert (inserted.body["opr"], inserted.body["sig"]) == ("0 ", 0)
    report = await client.get_status()
    by_port = {port.address: port for port in report.ports}
    assert by_port[PortAddress(port=2, slot=3)].iccid == new["iccid"]
    assert by_port[PortAddress(port=2, slot=1)].status is PortStatus.REGISTERED


async def test_a_sim_put_into_the_working_slot_registers(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """Out of slot 1 of port 3: status 0; a fresh SIM in: registering (2), then 3."""
    old = (await control.state())["ports"]["3"]["sims"]["1"]
    assert await control.post("port", {"port": 3, "remove_sim": 1}) == {"status": 0}
    assert await control.post("port", {"port": "3.01", "insert_sim": 1}) == {
        "status": 2
    }
    pushes = [await receiver.next("port-status") for _ in range(3)]
    assert [(push.body["port"], push.body["st"]) for push in pushes] == [
        ("3.01", 0),
        ("3.01", 2),
        ("3.01", 3),
    ]
    new = (await control.state())["ports"]["3"]["sims"]["1"]
    assert new["iccid"] != old["iccid"]
    assert pushes[2].body["iccid"] == new["iccid"]


async def test_control_port_refuses_an_unknown_slot(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    """Slot 5 of a 4-slot port is HTTP 400, and nothing changes."""
    for body in ({"port": 1, "insert_sim": 5}, {"port": 1, "slot": 0}):
        async with session.post(f"{simulator.url}/_sim/port", json=body) as response:
            assert response.status == 400
            assert "unknown slot" in await response.text()
    assert simulator.gateway.ports[1].slots[1] is not None


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
