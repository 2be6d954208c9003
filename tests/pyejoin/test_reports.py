"""Tests for reading the reports an Ejoin gateway pushes (pyejoin.reports)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.ejoin.pyejoin import (
    CallDirection,
    CallRecord,
    Counter,
    CounterPeriods,
    DataUsage,
    DeliveryReport,
    DeviceStatusReport,
    EjoinMalformedReportError,
    FailedRecipient,
    Operator,
    PortAddress,
    PortState,
    PortStatus,
    PortStatusReport,
    ReceivedSms,
    Report,
    ReportProblem,
    SentRecipient,
    SmsReceivedReport,
    SmsSentReport,
    TaskProgress,
    TaskProgressReport,
    TaskStatus,
    UnknownReport,
    decode_sms_text,
    parse_report,
    reports,
    split_envelope,
)
from custom_components.ejoin.pyejoin.reports import clear_memos, read_integer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_text(name: str) -> str:
    """Return a fixture file as text."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_bytes(name: str) -> bytes:
    """Return a fixture file as the bytes a gateway would POST."""
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> dict[str, Any]:
    """Return a fixture file as a decoded JSON object."""
    return json.loads(fixture_text(name))


def parse_fixture[T: Report](name: str, kind: type[T], *, as_bytes: bool = False) -> T:
    """Parse a fixture and check the report class it gives."""
    report = parse_report(fixture_bytes(name) if as_bytes else fixture_text(name))
    assert type(report) is kind
    return report


def utc(*parts: int) -> datetime:
    """Build an aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)


def addr(port: int, slot: int | None = None, bank: str | None = None) -> PortAddress:
    """Build a port address."""
    return PortAddress(port=port, slot=slot, bank=bank)


def b64(text: str) -> str:
    """Encode text as the gateway does: base64 of UTF-8."""
    return base64.b64encode(text.encode()).decode()


def assert_problems(report: Report, *expected: ReportProblem) -> None:
    """Check a report's problems, in any order (the order of fields is not promised)."""
    assert sorted(report.problems, key=str) == sorted(expected, key=str)


def port_status(body: dict[str, Any]) -> PortStatusReport:
    """Parse a port-status body given as a dict (serialised as the gateway would)."""
    report = parse_report(json.dumps({"type": "port-status", **body}))
    assert isinstance(report, PortStatusReport)
    return report


UNLIMITED_ZERO = CounterPeriods(
    total=Counter(used=0), month=Counter(used=0), day=Counter(used=0)
)

# --------------------------------------------------------------------------- seeds


def test_dev_status_seed() -> None:
    """The dev-status example of the status-report document is read completely."""
    report = parse_fixture("dev_status_seed.json", DeviceStatusReport, as_bytes=True)

    assert report.type == "dev-status"
    assert report.sequence == 3
    assert report.expires == 60000
    assert report.mac == "00-30-f1-00-6d-b1"
    assert report.ip == "192.168.1.44"
    assert report.firmware == "532-600-999-041-100-000"
    assert report.max_ports == 32
    assert report.max_slots == 4
    assert report.problems == ()
    assert report.unknown_keys == frozenset()
    assert [port.address for port in report.ports] == [
        addr(1, 2),
        addr(2, 2),
        addr(3, 2),
        addr(32, 2),
    ]
    assert report.ports[0] == PortState(
        address=addr(1, 2),
        status_code=3,
        sequence=11,
        balance=0.0,
        operator=Operator(code="46000", name="CHINA MOBILE"),
        signal=31,
        imei="353689530707903",
        imsi="460000990123698",
        iccid="89860042191782899541",
        call_minutes=CounterPeriods(
            total=Counter(used=1), month=Counter(used=1), day=Counter(used=1)
        ),
    )
    assert report.ports[0].status is PortStatus.REGISTERED
    assert report.ports[0].registered is True
    assert report.ports[1].operator == Operator(code="46001", name="CHINA UNICOM")
    assert report.ports[1].sim_number == "13145678901"
    assert report.ports[1].balance == 12.5
    assert report.ports[1].call_minutes == CounterPeriods(
        total=Counter(used=37), month=Counter(used=12), day=Counter(used=0)
    )
    assert report.ports[2] == PortState(
        address=addr(3, 2), status_code=0, sequence=13, imei="353689530707929"
    )
    assert report.ports[2].status is PortStatus.NO_SIM
    idle = report.ports[3]
    assert idle.status is PortStatus.IDLE_SIM
    assert idle.registered is False
    assert idle.operator is None
    assert idle.signal == 0
    assert idle.call_minutes == UNLIMITED_ZERO


def test_port_status_seed() -> None:
    """The port-status example: card detected, operator name without a code."""
    report = parse_fixture("port_status_seed.json", PortStatusReport)

    assert report.type == "port-status"
    assert report.problems == ()
    assert report.unknown_keys == frozenset()
    assert report.port == PortState(
        address=addr(1, 2),
        status_code=11,
        sequence=1,
        balance=0.0,
        operator=Operator(code=None, name="CHINA MOBILE"),
        signal=0,
        imei="353689530707903",
        call_minutes=UNLIMITED_ZERO,
    )
    assert report.port.status is PortStatus.CARD_DETECTED
    assert report.port.registered is False
    assert report.port.operator.mcc is None
    assert report.port.operator.mnc is None


def test_port_status_proxy_seed() -> None:
    """The proxy document's port-status uses a "status" key with code and text."""
    report = parse_fixture("port_status_proxy_seed.json", PortStatusReport)

    assert report.problems == ()
    assert report.unknown_keys == frozenset()
    port = report.port
    assert port == PortState(
        address=addr(2, 2),
        status_code=3,
        status_text="OK",
        sequence=1,
        balance=100.0,
        operator=Operator(code="46000", name="China Mobile"),
        sim_number="13912345678",
        imei="861234567890123",
        imsi="460001234567890",
        iccid="89860012345678901234",
    )
    assert port.status is PortStatus.REGISTERED
    assert port.registered is True
    assert port.operator.mcc == "460"
    assert port.operator.mnc == "00"


def test_dev_status_proxy_seed() -> None:
    """The proxy document's dev-status: max-slots and lettered ports."""
    report = parse_fixture("dev_status_proxy_seed.json", DeviceStatusReport)

    assert report.problems == ()
    assert report.sequence == 1
    assert report.expires == 180
    assert report.mac == "00-30-f1-01-02-03"
    assert report.ip == "192.168.1.67"
    assert report.firmware is None
    assert report.max_ports == 32
    assert report.max_slots == 4
    assert [port.address for port in report.ports] == [
        addr(1, 1),
        addr(2, 2),
        addr(3, 3),
        addr(32, 4),
    ]
    assert [(p.status_code, p.status_text) for p in report.ports] == [
        (3, "OK"),
        (3, "OK"),
        (2, "Registering"),
        (0, "No SIM"),
    ]
    assert [p.status for p in report.ports] == [
        PortStatus.REGISTERED,
        PortStatus.REGISTERED,
        PortStatus.REGISTERING,
        PortStatus.NO_SIM,
    ]
    assert report.ports[1].balance == 42.18
    assert report.ports[1].operator == Operator(code="46001", name="China Unicom")
    assert report.ports[1].sim_number is None
    registering = report.ports[2]
    assert registering.balance is None
    assert registering.operator is None
    assert registering.imsi == "460005550001111"
    assert report.ports[3] == PortState(
        address=addr(32, 4),
        status_code=0,
        status_text="No SIM",
        sequence=32,
        imei="861234567890990",
    )


def test_recv_sms_seed_keeps_undecodable_content() -> None:
    """The seed's corrupted base64 is kept as sent, with a problem noted."""
    report = parse_fixture("recv_sms_seed.json", SmsReceivedReport, as_bytes=True)
    content = fixture_json("recv_sms_seed.json")["sms"][0][5]

    assert report.remote_sim is False
    assert report.delivery_reports == ()
    assert report.messages == (
        ReceivedSms(
            address=addr(1, 2),
            received_at=utc(2019, 1, 25, 9, 10, 12),
            sender="8613715266978",
            recipient="",
            text=content,
        ),
    )
    assert report.problems == (
        ReportProblem(
            item="sms row 0", reason="content is not base64 of UTF-8; kept as sent"
        ),
    )
    assert str(report.problems[0]) == (
        "sms row 0: content is not base64 of UTF-8; kept as sent"
    )


def test_cdr_seed_finished_call() -> None:
    """The cdr example: an answered call that has ended, with its port state."""
    call = parse_fixture("cdr_seed.json", CallRecord)

    assert call.type == "cdr"
    assert call.problems == ()
    assert call.unknown_keys == frozenset()
    assert call.mac == "00-30-f1-00-6d-b1"
    assert call.address == addr(1, 2)
    assert call.call_id == "YTk5YTkxMzE2OTkxZjIzNjVkNWMwZGI1YThkOTc3NjM."
    assert call.direction is CallDirection.OUTGOING
    assert call.caller == "23"
    assert call.callee == "10086"
    assert call.started_at == utc(2019, 1, 25, 9, 8, 53)
    assert call.alerted_at == utc(2019, 1, 25, 9, 8, 56)
    assert call.answered_at == utc(2019, 1, 25, 9, 8, 56)
    assert call.updated_at is None
    assert call.ended_at == utc(2019, 1, 25, 9, 9, 3)
    assert call.hangup_code == 201
    assert call.hangup_reason == "Caller Hangup"
    assert call.module_hangup_code == 0
    assert call.module_hangup_reason is None
    assert call.finished is True
    assert call.duration_seconds == 7
    assert call.port is not None
    assert call.port.address == addr(1, 2)
    assert call.port.status is PortStatus.REGISTERED
    assert call.port.sequence == 10
    # The record's "0.00" says nothing of the SIM's balance: it is not carried.
    assert call.port.balance is None
    assert "balance" not in call.port.carried
    assert {"status_code", "imei", "iccid", "imsi"} <= call.port.carried
    assert call.port.imei == "353689530707903"
    assert call.port.imsi == "460000990123698"
    assert call.port.iccid == "89860042191782899541"


def test_cdr_port_has_no_unknown_keys() -> None:
    """Fields the cdr parser reads are not unknown keys of the cdr's port."""
    call = parse_fixture("cdr_seed.json", CallRecord)

    assert call.port is not None
    assert call.port.unknown_keys == frozenset()


def test_sent_sms_seed() -> None:
    """The sent-sms example: status "0 " is success, recver is the recipient."""
    report = parse_fixture("sent_sms_seed.json", SmsSentReport, as_bytes=True)

    assert report.type == "sent-sms"
    assert report.problems == ()
    assert report.unknown_keys == frozenset()
    assert report.mac == "00-30-f1-00-6d-b1"
    assert report.address == addr(2, 1)
    assert report.task_id == 2
    assert report.status_code == 0
    assert report.status_text is None
    assert report.ok is True
    assert report.sent_at == utc(2019, 7, 4, 10, 22, 26)
    assert report.duration_ms == 330
    assert report.recipient == "12122222222"
    assert report.smsc is None
    assert report.text == "test sms"


# ------------------------------------------------------------ dev-status variants


@pytest.mark.parametrize(
    ("name", "max_slots", "max_ports"),
    [("dev_status_max_slot.json", 4, 8), ("dev_status_max_slots.json", 4, 16)],
)
def test_max_slot_and_max_slots(name: str, max_slots: int, max_ports: int) -> None:
    """Both spellings of the slot count are read, as numbers or as strings."""
    report = parse_fixture(name, DeviceStatusReport)

    assert report.problems == ()
    assert report.unknown_keys == frozenset()
    assert report.max_slots == max_slots
    assert report.max_ports == max_ports


def test_dev_status_numbers_as_strings() -> None:
    """A dev-status whose numbers are all strings reads them as numbers."""
    report = parse_fixture("dev_status_max_slots.json", DeviceStatusReport)

    assert report.sequence == 7
    assert report.expires == 180
    assert report.ports == (
        PortState(
            address=addr(1, 1),
            status_code=3,
            sequence=1,
            balance=5.0,
            operator=Operator(code="23415", name="vodafone UK"),
            signal=19,
            imei="866123045678919",
        ),
    )


def test_dev_status_mixed_port_notations() -> None:
    """Dotted, lettered, bare and SIM-bank addresses mixed in one report."""
    report = parse_fixture("dev_status_mixed_port_notations.json", DeviceStatusReport)

    assert report.problems == ()
    assert report.max_ports == 16
    assert report.max_slots == 8
    assert [port.address for port in report.ports] == [
        addr(1, 1),
        addr(2, 2),
        addr(3),
        addr(12, 101, "sp256"),
        addr(15, 7),
    ]
    assert [port.status for port in report.ports] == [
        PortStatus.REGISTERED,
        PortStatus.REGISTERED,
        PortStatus.IDLE_SIM,
        PortStatus.REGISTERED,
        PortStatus.CALL_CONNECTED,
    ]
    assert report.ports[4].registered is True
    t_mobile = report.ports[1].operator
    assert t_mobile == Operator(code="310260", name="T-Mobile")
    assert (t_mobile.mcc, t_mobile.mnc) == ("310", "260")
    banked = report.ports[3]
    assert banked.operator == Operator(code="26201", name="Telekom.de")
    assert banked.balance is None
    assert banked.signal == 20


def test_dev_status_sparse_slots() -> None:
    """Only some slots of some ports are reported; each keeps its own address."""
    report = parse_fixture("dev_status_sparse_slots.json", DeviceStatusReport)

    assert report.problems == ()
    assert [(p.address, p.status) for p in report.ports] == [
        (addr(1, 1), PortStatus.REGISTERED),
        (addr(1, 3), PortStatus.IDLE_SIM),
        (addr(2, 4), PortStatus.REGISTERED),
        (addr(7, 2), PortStatus.USER_LOCKED),
    ]
    assert report.ports[2].operator == Operator(code="46011", name="CHINA TELECOM")
    assert report.ports[2].balance == 9.9


def test_dev_status_unknown_top_level_keys() -> None:
    """Extra keys of the report are listed and the known fields still read."""
    report = parse_fixture("dev_status_unknown_keys.json", DeviceStatusReport)

    assert report.problems == ()
    assert report.unknown_keys == frozenset({"model", "uptime", "temp"})
    assert report.sequence == 4
    assert report.max_slots == 1
    assert [port.address for port in report.ports] == [addr(1, 1), addr(2, 1)]
    assert report.ports[0].signal == 29
    assert report.ports[0].operator == Operator(code="46000", name="CHINA MOBILE")


def test_dev_status_unknown_port_keys() -> None:
    """Extra keys of a port object are listed on that port only."""
    report = parse_fixture("dev_status_unknown_keys.json", DeviceStatusReport)

    assert report.ports[0].unknown_keys == frozenset({"nettype", "band", "rssi"})
    assert report.ports[1].unknown_keys == frozenset()


def test_port_status_unknown_keys() -> None:
    """A port-status lists its extra keys, on the report and on the port."""
    report = parse_fixture("port_status_unknown_keys.json", PortStatusReport)

    assert report.problems == ()
    assert report.port is not None
    assert report.port.signal == 22
    assert report.unknown_keys == frozenset({"nettype", "lac", "cellid"})
    assert report.port.unknown_keys == frozenset({"nettype", "lac", "cellid"})


def test_port_unknown_keys_of_a_large_port_object() -> None:
    """A port object with many known fields and extra keys lists the extra keys."""
    body = fixture_json("port_status_counters.json") | {"lac": "2A3F", "band": "B3"}

    report = parse_report(json.dumps(body))

    assert isinstance(report, PortStatusReport)
    assert report.unknown_keys == frozenset({"lac", "band"})
    assert report.port is not None
    assert report.port.unknown_keys == frozenset({"lac", "band"})


def test_dev_status_ports_without_sim() -> None:
    """Ports without a SIM carry only port, sim, seq, st and imei."""
    report = parse_fixture("dev_status_ports_without_sim.json", DeviceStatusReport)

    assert report.problems == ()
    assert report.ports == tuple(
        PortState(
            address=addr(n, 1), status_code=0, sequence=n, imei=f"35368953300000{n}"
        )
        for n in range(1, 5)
    )
    assert {port.status for port in report.ports} == {PortStatus.NO_SIM}


def test_dev_status_expires_minus_one() -> None:
    """An expires of -1 is kept as -1."""
    report = parse_fixture("dev_status_expires_minus_one.json", DeviceStatusReport)

    assert report.problems == ()
    assert report.expires == -1
    assert report.max_ports == 2
    assert report.ports[0].address == addr(1, 1)


def test_dev_status_ports_beyond_max_ports() -> None:
    """Ports numbered above max-ports are kept, not dropped."""
    report = parse_fixture("dev_status_max_ports_smaller.json", DeviceStatusReport)

    assert report.problems == ()
    assert report.max_ports == 8
    assert [port.address for port in report.ports] == [
        addr(1, 1),
        addr(9, 1),
        addr(16, 1),
    ]
    assert report.ports[1].status is PortStatus.REGISTERED
    assert report.ports[2].status is PortStatus.NO_SIM


# ----------------------------------------------------------- port-status variants


@pytest.mark.parametrize(
    ("name", "status_text", "as_bytes"),
    [
        ("port_status_st_int.json", None, False),
        ("port_status_st_string.json", None, True),
        ("port_status_st_code_text.json", "OK", False),
        ("port_status_st_code_text.json", "OK", True),
    ],
)
def test_st_variants(name: str, status_text: str | None, as_bytes: bool) -> None:
    """St as 3, "3" and "3 OK" all give code 3; only the last has a text."""
    report = parse_fixture(name, PortStatusReport, as_bytes=as_bytes)

    assert report.problems == ()
    assert report.port == PortState(
        address=addr(4, 1),
        status_code=3,
        status_text=status_text,
        sequence=fixture_json(name)["seq"],
        balance=3.2,
        operator=Operator(code="46000", name="CHINA MOBILE"),
        signal=27,
        imei="353689536000009",
        imsi="460001987654321",
        iccid="89860012019876543210",
    )
    assert report.port.status is PortStatus.REGISTERED


def test_status_key_instead_of_st() -> None:
    """A port object with "status" instead of "st" is read the same way."""
    report = parse_fixture("port_status_status_key.json", PortStatusReport)

    assert report.problems == ()
    assert report.unknown_keys == frozenset()
    port = report.port
    assert port is not None
    assert port.address == addr(5, 3)
    assert port.status_code == 6
    assert port.status_text == "Register failed"
    assert port.status is PortStatus.REGISTER_FAILED
    assert port.registered is False
    assert port.operator is None
    assert port.balance is None
    assert port.imsi == "460007777777777"


def test_unknown_status_code() -> None:
    """A status code the package does not know is kept but has no enum member."""
    report = parse_fixture("port_status_st_unknown_code.json", PortStatusReport)

    assert report.problems == ()
    assert report.port is not None
    assert report.port.status_code == 21
    assert report.port.status_text == "Reserved"
    assert report.port.status is None
    assert report.port.registered is False


def test_port_numbers_as_strings() -> None:
    """Numbers and flags sent as strings are read as numbers and booleans."""
    report = parse_fixture("port_status_numbers_as_strings.json", PortStatusReport)

    assert report.problems == ()
    assert report.port == PortState(
        address=addr(5, 1),
        status_code=3,
        sim="1",
        sequence=5,
        active=True,
        inserted=True,
        slot_active=False,
        led=1,
        balance=0.0,
        operator=Operator(code="46000", name="CHINA MOBILE"),
        signal=25,
        sim_number="13800138000",
        imei="353689536000058",
        imsi="460000123450005",
        iccid="89860000123450005000",
    )


def test_unregistered_operator() -> None:
    """Opr "0 " (not registered) is no operator at all."""
    report = parse_fixture("port_status_unregistered_opr.json", PortStatusReport)

    assert report.problems == ()
    assert report.port is not None
    assert report.port.operator is None
    assert report.port.status is PortStatus.REGISTERING
    assert report.port.signal == 9
    assert report.port.balance == 0.0


def test_registered_operator() -> None:
    """Opr "46000 CHINA MOBILE" splits into code, name, MCC and MNC."""
    report = parse_fixture("port_status_opr_china_mobile.json", PortStatusReport)

    assert report.problems == ()
    operator = report.port.operator
    assert operator == Operator(code="46000", name="CHINA MOBILE")
    assert operator.mcc == "460"
    assert operator.mnc == "00"


def test_operator_name_only() -> None:
    """An opr without a leading code is all name."""
    report = port_status({"port": "1A", "opr": "Orange F"})

    assert report.port.operator == Operator(code=None, name="Orange F")


def test_operator_code_only() -> None:
    """An opr with only a code has no name."""
    report = port_status({"port": "1A", "opr": "20801"})

    assert report.port.operator == Operator(code="20801", name=None)
    assert report.port.operator.mcc == "208"
    assert report.port.operator.mnc == "01"


def test_counters() -> None:
    """Used/limit counters: -1 is unlimited (limit None), others keep their limit."""
    report = parse_fixture("port_status_counters.json", PortStatusReport)

    assert report.problems == ()
    port = report.port
    assert port.call_minutes == CounterPeriods(
        total=Counter(used=125),
        month=Counter(used=40, limit=600),
        day=Counter(used=5, limit=60),
    )
    assert port.call_numbers == CounterPeriods(
        total=Counter(used=33),
        month=Counter(used=12, limit=300),
        day=Counter(used=3, limit=30),
    )
    assert port.talk_numbers == CounterPeriods(
        total=Counter(used=20),
        month=Counter(used=9, limit=200),
        day=Counter(used=2, limit=20),
    )
    assert port.sms_sent == CounterPeriods(
        total=Counter(used=512),
        month=Counter(used=150, limit=1000),
        day=Counter(used=52, limit=50),
    )
    assert port.call_minutes.total.limit is None
    assert port.call_minutes.total.remaining is None
    assert port.call_minutes.month.remaining == 560
    assert port.sms_sent.day.remaining == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7, Counter(used=7)),
        ("7", Counter(used=7)),
        (" 3 / 10 ", Counter(used=3, limit=10)),
        ("4/", Counter(used=4)),
        ("0/0", Counter(used=0, limit=0)),
        ("", None),
        (None, None),
    ],
)
def test_counter_forms(value: Any, expected: Counter | None) -> None:
    """Counters sent as a bare number, with spaces, without limit, or empty."""
    report = port_status({"port": "1A", "mcn_day": value})

    assert report.problems == ()
    assert report.port.call_numbers == CounterPeriods(day=expected)


def test_dataflow() -> None:
    """Data usage fields, as strings or numbers, and the last URL."""
    report = parse_fixture("port_status_dataflow.json", PortStatusReport)

    assert report.problems == ()
    assert report.port.data == DataUsage(
        total=1532.75,
        day=210.4,
        last_24_hours=305.12,
        last_hour=12.06,
        last_session=0.35,
        last_url="http://api.ipify.org/?format=json",
    )
    assert report.port.address == addr(10, 1)


# -------------------------------------------------------------- recv-sms variants


def test_recv_sms_unicode() -> None:
    """A Unicode message (Cyrillic, emoji, CJK) is decoded from base64 of UTF-8."""
    report = parse_fixture("recv_sms_unicode.json", SmsReceivedReport, as_bytes=True)

    assert report.problems == ()
    assert report.messages == (
        ReceivedSms(
            address=addr(3, 1),
            received_at=utc(2024, 5, 1, 9, 45),
            sender="+79161234567",
            recipient="+79031112233",
            text="Ваш код: 4821. Никому его не сообщайте 🙂 验证码",  # noqa: RUF001
        ),
    )


def test_recv_sms_long_message() -> None:
    """A long message arrives joined; its whole text is decoded."""
    report = parse_fixture("recv_sms_long_multipart.json", SmsReceivedReport)

    assert report.problems == ()
    (message,) = report.messages
    assert message.text == (
        "Dear customer, your monthly bundle has been renewed: 10 GB of data, unlimited "
        "national calls and 500 SMS until 31/05. Your remaining balance is 4.20 EUR. "
        "Reply STOP to opt out of these notifications. Thank you for staying with us!"
    )
    assert len(message.text) > 160
    assert message.sender == "Vodafone"
    assert message.recipient == "+491701234567"
    assert message.address == addr(4, 2)
    assert message.received_at == utc(2024, 5, 1, 10, 40)


def test_recv_sms_envelope() -> None:
    """An envelope's headers fill sender, recipient, SMSC and SCTS; the body is the text."""
    report = parse_fixture("recv_sms_envelope.json", SmsReceivedReport)

    assert report.problems == ()
    assert report.messages == (
        ReceivedSms(
            address=addr(1, 2),
            received_at=utc(2019, 1, 25, 9, 10, 12),
            sender="+8613715266978",
            recipient="+8613800138000",
            text="Your verification code is 552817.\nValid for 5 minutes.",
            smsc="+8613800755500",
            scts="190125171012+32",
        ),
    )


def test_recv_sms_nul_padded() -> None:
    """Trailing NULs are stripped and CRLF becomes LF."""
    report = parse_fixture("recv_sms_nul_padded.json", SmsReceivedReport)

    assert report.problems == ()
    (message,) = report.messages
    assert message.text == "Balance: 12.50 CNY\nData left: 1.2 GB"
    assert message.sender == "10086"
    assert message.recipient == "13912345678"
    assert message.smsc is None
    assert message.scts is None


def test_recv_sms_delivery_report() -> None:
    """A delivery report row: from is the SMSC, content "0 <scts>" means delivered."""
    report = parse_fixture("recv_sms_delivery_report.json", SmsReceivedReport)

    assert report.problems == ()
    assert report.messages == ()
    assert report.delivery_reports == (
        DeliveryReport(
            address=addr(2, 1),
            received_at=utc(2024, 5, 1, 9, 50),
            smsc="+8613800755500",
            recipient="13912345678",
            status_code=0,
            operator_time="240501100958+32",
        ),
    )
    assert report.delivery_reports[0].delivered is True


def test_recv_sms_failed_delivery_report() -> None:
    """A delivery report with a non-zero code is not delivered."""
    report = parse_fixture("recv_sms_delivery_report_failed.json", SmsReceivedReport)

    assert report.problems == ()
    (delivery,) = report.delivery_reports
    assert delivery.status_code == 70
    assert delivery.delivered is False
    assert delivery.operator_time == "240501101502+32"
    assert delivery.recipient == "13912345679"
    assert delivery.received_at == utc(2024, 5, 1, 9, 55)


def test_delivery_report_with_code_only() -> None:
    """A delivery report content of only a code has no operator time."""
    body = {"type": "recv-sms", "sms": [[1, "2.01", 0, "", "139", "0"]]}

    report = parse_report(json.dumps(body))

    assert isinstance(report, SmsReceivedReport)
    assert report.delivery_reports == (
        DeliveryReport(
            address=addr(2, 1),
            received_at=None,
            smsc="",
            recipient="139",
            status_code=0,
        ),
    )


def test_recv_sms_numbers_as_strings() -> None:
    """Flag, timestamp, sms_num and sim_src sent as strings."""
    report = parse_fixture("recv_sms_numbers_as_strings.json", SmsReceivedReport)

    assert report.problems == ()
    assert report.unknown_keys == frozenset()
    assert report.remote_sim is False
    assert report.messages == (
        ReceivedSms(
            address=addr(5, 1),
            received_at=utc(2024, 5, 1, 12, 0),
            sender="+447700900123",
            recipient="+447700900456",
            text="See you at 7pm",
        ),
    )


def test_recv_sms_remote_sim() -> None:
    """A remote SIM bank report: sim_src 1 and port.pool.slot addresses."""
    report = parse_fixture("recv_sms_remote_sim.json", SmsReceivedReport)

    assert report.problems == ()
    assert report.remote_sim is True
    bank_slot = addr(1, 16, "sp128")
    assert report.messages == (
        ReceivedSms(
            address=bank_slot,
            received_at=utc(2024, 5, 1, 12, 3, 20),
            sender="+33612345678",
            recipient="+33698765432",
            text="Bonjour !",
        ),
    )
    assert report.delivery_reports == (
        DeliveryReport(
            address=bank_slot,
            received_at=utc(2024, 5, 1, 12, 3, 30),
            smsc="+33609001390",
            recipient="+33611111111",
            status_code=0,
            operator_time="240501121650+08",
        ),
    )


# ------------------------------------------------------------------ status-report


def test_status_report_sdr_and_fdr() -> None:
    """Task progress with sent (sdr) and failed (fdr) recipient rows."""
    report = parse_fixture("status_report_sdr_fdr.json", TaskProgressReport)

    assert report.type == "status-report"
    assert report.problems == ()
    assert report.unknown_keys == frozenset()
    assert report.tasks == (
        TaskProgress(
            task_id=1027,
            sending=1,
            sent=2,
            failed=1,
            unsent=3,
            sent_to=(
                SentRecipient(
                    index=0,
                    number="+8613912345678",
                    address=addr(1, 1),
                    sent_at=utc(2024, 5, 1, 9, 51, 40),
                ),
                SentRecipient(
                    index=2,
                    number="+8613912345680",
                    address=addr(2, 2),
                    sent_at=utc(2024, 5, 1, 9, 51, 45),
                ),
            ),
            failed_to=(
                FailedRecipient(
                    index=1,
                    number="+8613912345679",
                    address=addr(1, 1),
                    failed_at=utc(2024, 5, 1, 9, 51, 43),
                    reason="5 SIM unregistered",
                    carrier_reason="27 Destination out of service",
                ),
            ),
        ),
        TaskProgress(task_id=1028, sent=4),
    )


def test_status_report_rows_without_port_or_reason() -> None:
    """Recipient rows with an empty port and no reasons are kept."""
    body = {
        "type": "status-report",
        "rpts": [
            {
                "tid": 9,
                "sdr": [[0, "+111", "", 0]],
                "fdr": [[1, "+222", None, 1714557103]],
            }
        ],
    }

    report = parse_report(json.dumps(body))

    assert isinstance(report, TaskProgressReport)
    assert report.problems == ()
    assert report.tasks == (
        TaskProgress(
            task_id=9,
            sent_to=(
                SentRecipient(index=0, number="+111", address=None, sent_at=None),
            ),
            failed_to=(
                FailedRecipient(
                    index=1,
                    number="+222",
                    address=None,
                    failed_at=utc(2024, 5, 1, 9, 51, 43),
                ),
            ),
        ),
    )


def test_status_report_bad_tasks_and_rows() -> None:
    """Bad tasks and rows are skipped and described; good ones are kept."""
    body = {
        "type": "status-report",
        "rpt_num": 5,
        "rpts": [
            "task",
            {"sent": 3},
            {"tid": 1, "sdr": "0,+111", "fdr": {"1": "+222"}},
            {
                "tid": 2,
                "sent": "x",
                "sdr": [[0, "+111"], [None, "+112", "1A", 1], [0, "+113", "0", 1]],
                "fdr": [[1, "+222", "1A", 1, ["5"], ""], [2, "+223", 1, 0, "5 x"]],
            },
        ],
    }

    report = parse_report(json.dumps(body))

    assert isinstance(report, TaskProgressReport)
    assert report.tasks == (
        TaskProgress(task_id=1),
        TaskProgress(
            task_id=2,
            failed_to=(
                FailedRecipient(
                    index=2,
                    number="+223",
                    address=addr(1),
                    failed_at=None,
                    reason="5 x",
                ),
            ),
        ),
    )
    assert_problems(
        report,
        ReportProblem(item="rpts[0]", reason="not a JSON object"),
        ReportProblem(item="rpts[1]", reason="no task id"),
        ReportProblem(item="rpts[2] sdr", reason="not a list of rows"),
        ReportProblem(item="rpts[2] fdr", reason="not a list of rows"),
        ReportProblem(
            item="rpts[3] sdr[0]",
            reason="rpts[3] sdr[0] is not a row of at least 4 values",
        ),
        ReportProblem(
            item="rpts[3] sdr[1]", reason="rpts[3] sdr[1] has no index or number"
        ),
        ReportProblem(item="rpts[3] sdr[2]", reason="'0' is not a port address"),
        ReportProblem(item="rpts[3] fdr[0]", reason="['5'] is not text"),
        ReportProblem(item="rpts[3] sent", reason="'x' is not a whole number"),
    )


def test_status_report_rpts_not_a_list() -> None:
    """Rpts that is not a list gives no tasks and one problem."""
    report = parse_report('{"type": "status-report", "rpts": {"tid": 1}}')

    assert isinstance(report, TaskProgressReport)
    assert report.tasks == ()
    assert report.problems == (
        ReportProblem(item="rpts", reason="not a list of task reports"),
    )


def test_status_report_without_rpts() -> None:
    """A status-report without rpts has no tasks and no problems."""
    report = parse_report('{"type": "status-report", "rpt_num": "0", "x": 1}')

    assert isinstance(report, TaskProgressReport)
    assert report.tasks == ()
    assert report.problems == ()
    assert report.unknown_keys == frozenset({"x"})


# ---------------------------------------------------------------------------- cdr


def test_cdr_during_call() -> None:
    """A per-minute cdr of a live call: no end, an update time, not finished."""
    call = parse_fixture("cdr_in_progress.json", CallRecord)

    assert call.problems == ()
    assert call.direction is CallDirection.INCOMING
    assert call.caller == "13912345678"
    assert call.callee == "4004"
    assert call.started_at == utc(2024, 5, 1, 13, 0)
    assert call.alerted_at == utc(2024, 5, 1, 13, 0, 3)
    assert call.answered_at == utc(2024, 5, 1, 13, 0, 9)
    assert call.updated_at == utc(2024, 5, 1, 13, 1, 9)
    assert call.ended_at is None
    assert call.finished is False
    assert call.duration_seconds == 0
    assert call.hangup_code is None
    assert call.hangup_reason is None
    assert call.module_hangup_code is None
    assert call.module_hangup_reason is None
    assert call.address == addr(4, 1)
    assert call.port.status is PortStatus.CALL_CONNECTED
    assert call.port.balance == 7.35
    assert call.port.signal == 27
    assert call.port.operator == Operator(code="46000", name="CHINA MOBILE")


def test_cdr_finished_unanswered() -> None:
    """A finished call that was never answered lasted 0 s; cdir is case-insensitive."""
    call = parse_fixture("cdr_finished_unanswered.json", CallRecord)

    assert call.problems == ()
    assert call.direction is CallDirection.OUTGOING
    assert call.answered_at is None
    assert call.ended_at == utc(2024, 5, 1, 13, 10, 31)
    assert call.finished is True
    assert call.duration_seconds == 0
    assert call.hangup_code == 487
    assert call.hangup_reason == "Request Terminated"
    assert call.module_hangup_code == 16
    assert call.module_hangup_reason == "Normal call clearing"
    assert call.call_id == "N2Q1ZjE5YmM0ZTNhNDBmZGI2ZjM4ZGE2NjUyYjE5NDE."


def test_cdr_without_port_and_odd_fields() -> None:
    """A cdr without port, with an unknown direction and a bad time."""
    body = {
        "type": "cdr",
        "cdir": "XX",
        "begin": "yesterday",
        "end": 10**17,  # not even in milliseconds
        "caller": 23,
        "extra": True,
    }

    call = parse_report(json.dumps(body))

    assert isinstance(call, CallRecord)
    assert call.port is None
    assert call.address is None
    assert call.direction is None
    assert call.caller == "23"
    assert call.started_at is None
    assert call.ended_at is None
    assert call.unknown_keys == frozenset({"extra"})
    assert_problems(
        call,
        ReportProblem(item="cdr begin", reason="'yesterday' is not a whole number"),
        ReportProblem(item="cdr end", reason="100000000000000000 is not a time"),
    )


def test_cdr_with_bad_port() -> None:
    """A cdr whose port cannot be read keeps the call, without a port."""
    call = parse_report('{"type": "cdr", "port": "x", "cdir": "MO", "end": 5}')

    assert isinstance(call, CallRecord)
    assert call.port is None
    assert call.address is None
    assert call.direction is CallDirection.INCOMING
    assert call.ended_at == utc(1970, 1, 1, 0, 0, 5)
    assert call.problems == (
        ReportProblem(item="cdr port", reason="port 'x' is not a port address"),
    )


# ------------------------------------------------------------------------ sent-sms


def test_sent_sms_failed() -> None:
    """A non-zero status is a failure with its text."""
    report = parse_fixture("sent_sms_failed.json", SmsSentReport)

    assert report.problems == ()
    assert report.status_code == 6
    assert report.status_text == "Timeout"
    assert report.ok is False
    assert report.address == addr(3, 1)
    assert report.task_id == 3
    assert report.recipient == "+8613912345681"
    assert report.smsc == "+8613800755500"
    assert report.duration_ms == 30000
    assert report.sent_at == utc(2024, 5, 1, 13, 26, 40)
    assert report.text == "Reminder: meeting at 10:00"


def test_sent_sms_receiver_key() -> None:
    """The documented "receiver" key is read when "recver" is absent."""
    report = parse_fixture("sent_sms_receiver_key.json", SmsSentReport)

    assert report.problems == ()
    assert report.recipient == "+8613912345682"
    assert report.address == addr(1, 2)
    assert report.status_code == 0
    assert report.status_text == "OK"
    assert report.ok is True
    assert report.text == "Door opened"


def test_sent_sms_base64() -> None:
    """Charset BASE64: the data is decoded to the text that was sent."""
    report = parse_fixture("sent_sms_base64.json", SmsSentReport, as_bytes=True)

    assert report.problems == ()
    assert report.text == "Привет! Встреча в 15:00 ☕"
    assert report.recipient == "+79031112233"
    assert report.ok is True


def test_sent_sms_odd_fields() -> None:
    """Numeric data is taken as text; a bad port and status are problems."""
    body = {
        "type": "sent-sms",
        "port": 0,
        "status": ["0"],
        "data": 12345,
        "time": 0,
        "charset": "utf-8",
        "note": "x",
    }

    report = parse_report(json.dumps(body))

    assert isinstance(report, SmsSentReport)
    assert report.text == "12345"
    assert report.address is None
    assert report.status_code is None
    assert report.ok is False
    assert report.sent_at is None
    assert report.unknown_keys == frozenset({"note"})
    assert_problems(
        report,
        ReportProblem(item="sent-sms port", reason="'0' is not a port address"),
        ReportProblem(item="sent-sms status", reason="['0'] is not text"),
    )


# --------------------------------------------------------------------- unknown type


def test_unknown_report_type() -> None:
    """An unknown type is returned whole as an UnknownReport."""
    report = parse_fixture("unknown_type.json", UnknownReport, as_bytes=True)

    assert report.type == "sim-bank-status"
    assert report.body == fixture_json("unknown_type.json")
    assert report.problems == ()
    assert report.unknown_keys == frozenset()


def test_report_type_is_matched_loosely() -> None:
    """The type is matched ignoring case and surrounding spaces."""
    report = parse_report('{"type": " Port-Status ", "port": "3"}')

    assert isinstance(report, PortStatusReport)
    assert report.type == "port-status"
    assert report.port == PortState(address=addr(3))


def test_unknown_type_is_stripped() -> None:
    """An unknown type keeps its case but loses surrounding spaces."""
    report = parse_report({"type": " Heartbeat ", "n": 1})

    assert isinstance(report, UnknownReport)
    assert report.type == "Heartbeat"
    assert report.body == {"type": " Heartbeat ", "n": 1}


# ----------------------------------------------------- skipped items and problems


def test_malformed_port_objects_are_skipped() -> None:
    """Unreadable port objects are skipped and described; the rest is returned."""
    report = parse_fixture("dev_status_malformed_ports.json", DeviceStatusReport)

    assert report.sequence == 5
    assert report.max_slots == 2
    assert [port.address for port in report.ports] == [
        addr(1, 1),
        addr(2, 1),
        addr(4, 2),
    ]
    assert_problems(
        report,
        ReportProblem(item="status[1]", reason="not a JSON object"),
        ReportProblem(item="status[2]", reason="has no port"),
        ReportProblem(item="status[3]", reason="port '0.01' is not a port address"),
        ReportProblem(item="port 2A bal", reason="'abc' is not a number"),
    )
    bad_balance = report.ports[1]
    assert bad_balance.balance is None
    assert bad_balance.status is PortStatus.REGISTERED
    assert bad_balance.operator == Operator(code="46000", name="CHINA MOBILE")
    assert bad_balance.signal == 15
    assert bad_balance.imei == "353689535000035"


def test_bad_balance_keeps_the_port() -> None:
    """A bad balance is None with a problem; every other field is read."""
    report = parse_fixture("port_status_bad_balance.json", PortStatusReport)

    assert report.problems == (
        ReportProblem(item="port 11A bal", reason="'abc' is not a number"),
    )
    assert report.port == PortState(
        address=addr(11, 1),
        status_code=3,
        sequence=11,
        operator=Operator(code="46000", name="CHINA MOBILE"),
        signal=24,
        imei="353689536000116",
    )


def test_odd_sms_rows_keep_every_readable_text() -> None:
    """A row whose content can be read is kept, whatever else is odd; the rest skipped.

    A bad port leaves the port unknown, a content that is a number is its text, a
    delivery report in no known form has an unknown status, an unreadable flag is
    taken for an SMS. Rows that are not rows of six values cannot be read at all.
    """
    report = parse_fixture("recv_sms_malformed_rows.json", SmsReceivedReport)

    assert [(m.address, m.sender, m.text) for m in report.messages] == [
        (addr(1, 1), "+8613900000001", "first good message"),
        (None, "+8613900000002", "bad port"),
        (addr(1, 1), "+8613900000003", "12345"),
        (addr(1, 1), "+8613900000005", "bad flag"),
        (addr(2, 1), "+8613900000006", "last good message"),
    ]
    assert report.messages[4].received_at == utc(2024, 5, 1, 12, 20, 5)
    assert report.delivery_reports == (
        DeliveryReport(
            address=addr(1, 1),
            received_at=utc(2024, 5, 1, 12, 20, 3),
            smsc="+8613800755500",
            recipient="+8613900000004",
            status_code=None,
            content="delivered",
        ),
    )
    assert report.delivery_reports[0].delivered is None
    assert_problems(
        report,
        ReportProblem(item="sms row 1", reason="not a row of 6 values"),
        ReportProblem(item="sms row 2", reason="not a row of 6 values"),
        ReportProblem(item="sms row 3 port", reason="'x.y' is not a port address"),
        ReportProblem(
            item="sms row 4", reason="content is not base64 of UTF-8; kept as sent"
        ),
        ReportProblem(
            item="sms row 5",
            reason="delivery report has no status code; status unknown",
        ),
        ReportProblem(item="sms row 6 flag", reason="2 is not 0 or 1"),
    )


def test_sms_not_a_list() -> None:
    """A recv-sms whose sms is not a list has no messages and one problem."""
    report = parse_report('{"type": "recv-sms", "sms_num": 1, "sms": "row"}')

    assert isinstance(report, SmsReceivedReport)
    assert report.messages == ()
    assert report.delivery_reports == ()
    assert report.problems == (ReportProblem(item="sms", reason="not a list of rows"),)


def test_recv_sms_without_rows_and_bad_sim_src() -> None:
    """No sms key means no messages; a bad sim_src is a problem, not remote."""
    report = parse_report('{"type": "recv-sms", "sim_src": "remote", "id": 1}')

    assert isinstance(report, SmsReceivedReport)
    assert report.messages == ()
    assert report.remote_sim is False
    assert report.unknown_keys == frozenset({"id"})
    assert report.problems == (
        ReportProblem(item="recv-sms sim_src", reason="'remote' is not a whole number"),
    )


def test_dev_status_status_not_a_list() -> None:
    """A dev-status whose status is not a list has no ports and one problem."""
    report = parse_report('{"type": "dev-status", "seq": 1, "status": {"port": "1"}}')

    assert isinstance(report, DeviceStatusReport)
    assert report.ports == ()
    assert report.sequence == 1
    assert report.problems == (
        ReportProblem(item="status", reason="not a list of port objects"),
    )


def test_dev_status_bad_top_level_field() -> None:
    """A bad top-level field is None with a problem; the ports are kept."""
    report = parse_report(
        json.dumps(
            {"type": "dev-status", "seq": "abc", "mac": ["x"], "status": [{"port": 1}]}
        )
    )

    assert isinstance(report, DeviceStatusReport)
    assert report.sequence is None
    assert report.mac is None
    assert report.ports == (PortState(address=addr(1)),)
    assert_problems(
        report,
        ReportProblem(item="dev-status seq", reason="'abc' is not a whole number"),
        ReportProblem(item="dev-status mac", reason="['x'] is not text"),
    )


def test_port_status_without_port() -> None:
    """A port-status without a port has no port state and one problem."""
    report = parse_report('{"type": "port-status", "st": 3, "sig": 20}')

    assert isinstance(report, PortStatusReport)
    assert report.port is None
    assert report.problems == (ReportProblem(item="port-status", reason="has no port"),)


@pytest.mark.parametrize(
    ("st", "code", "text", "reason"),
    [
        ("OK", None, "OK", "'OK' has no status code"),
        (True, None, None, "True is not text"),
        ([3], None, None, "[3] is not text"),
    ],
)
def test_unreadable_status(
    st: Any, code: int | None, text: str | None, reason: str
) -> None:
    """A status without a code is a problem; the port is kept."""
    report = port_status({"port": "1A", "st": st, "sig": 10})

    assert report.port is not None
    assert report.port.status_code == code
    assert report.port.status_text == text
    assert report.port.status is None
    assert report.port.signal == 10
    assert report.problems == (ReportProblem(item="port 1A st", reason=reason),)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("bal", True, "True is not a number"),
        ("bal", "NaN", "'NaN' is not a finite number"),
        ("bal", [1], "[1] is not a number"),
        ("bal", float("inf"), "inf is not a finite number"),
        ("sig", "strong", "'strong' is not a whole number"),
        ("sig", 2.5, "2.5 is not a whole number"),
        ("sig", False, "False is not a number"),
        ("seq", {"n": 1}, "{'n': 1} is not a whole number"),
        ("active", "2", "'2' is not 0 or 1"),
        ("imei", ["3536"], "['3536'] is not text"),
        ("sn", False, "False is not text"),
        ("opr", {"code": 46000}, "{'code': 46000} is not text"),
        ("tot_dur", "/5", "'/5' is not a used/limit counter"),
        ("tot_dur", "x/5", "'x' is not a whole number"),
        ("tot_dur", [1], "[1] is not a whole number"),
        ("dataflow_tot", "lots", "'lots' is not a number"),
        ("dataflow_url", ["http://x"], "['http://x'] is not text"),
    ],
)
def test_bad_port_field(field: str, value: Any, reason: str) -> None:
    """One bad field is None with a problem naming it; the port is kept."""
    report = port_status({"port": "1A", "st": 3, "sig": 12, field: value})

    assert report.port is not None
    assert report.port.status is PortStatus.REGISTERED
    if field != "sig":
        assert report.port.signal == 12
    assert report.problems == (ReportProblem(item=f"port 1A {field}", reason=reason),)


def test_bad_field_becomes_none() -> None:
    """Each bad field of a port is None, with one problem per field."""
    report = port_status(
        {"port": "1A", "bal": "abc", "sig": "x", "mon_dur": "a/b", "dataflow_day": "?"}
    )

    assert report.port == PortState(address=addr(1, 1))
    assert sorted(problem.item for problem in report.problems) == [
        "port 1A bal",
        "port 1A dataflow_day",
        "port 1A mon_dur",
        "port 1A sig",
    ]


def test_numbers_in_unusual_forms() -> None:
    """Whole numbers as floats or decimal strings, and text sent as numbers."""
    report = port_status(
        {
            "port": 7,
            "seq": "12.0",
            "sig": 21.0,
            "led": " 1 ",
            "bal": 3,
            "active": True,
            "inserted": 0,
            "slot_active": "",
            "sn": 13800138000,
            "imsi": "",
            "dataflow_last": " ",
        }
    )

    assert report.problems == ()
    assert report.port == PortState(
        address=addr(7),
        sequence=12,
        signal=21,
        led=1,
        balance=3.0,
        active=True,
        inserted=False,
        sim_number="13800138000",
    )


def test_int_subclass_from_a_mapping_body() -> None:
    """An int subclass (an IntEnum from Python callers) is read as its value."""
    report = parse_report(
        {"type": "port-status", "port": "1A", "st": 3, "seq": PortStatus.IDLE_SIM}
    )

    assert isinstance(report, PortStatusReport)
    assert report.problems == ()
    assert report.port.sequence == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        ("200", 200),
        (" 7 ", 7),
        ("3.0", 3),
        (None, None),
        ("", None),
        ("OK", None),
        (True, None),
        (2.5, None),
        ([1], None),
    ],
)
def test_read_integer(value: Any, expected: int | None) -> None:
    """Read_integer reads whole numbers and gives None for anything else."""
    assert read_integer(value) == expected


def test_clear_memos_keeps_results() -> None:
    """After the memos are cleared, the same body gives an equal report."""
    before = parse_fixture("port_status_counters.json", PortStatusReport)

    clear_memos()

    assert reports._address_text.cache_info().currsize == 0
    assert reports._counter_periods.cache_info().currsize == 0
    assert parse_fixture("port_status_counters.json", PortStatusReport) == before


def test_port_status_with_a_list_as_port() -> None:
    """A port-status whose port value is a list has no port state."""
    report = parse_report('{"type": "port-status", "port": ["1A"]}')

    assert isinstance(report, PortStatusReport)
    assert report.port is None
    assert report.problems == (
        ReportProblem(item="port-status", reason="port ['1A'] is not a port address"),
    )


def test_huge_balance_from_a_mapping_body() -> None:
    """A balance too large for a float is a problem, not a crash."""
    report = parse_report({"type": "port-status", "port": "1A", "bal": 10**400})

    assert isinstance(report, PortStatusReport)
    assert report.port.balance is None
    assert report.problems == (
        ReportProblem(item="port 1A bal", reason=f"{10**400!r} is too large"),
    )


# ------------------------------------------------------------ whole-body handling


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe{\x00}", "body is not UTF-8 text"),
        (b"<html><body>404</body></html>", "body is not JSON"),
        ("", "body is not JSON"),
        ("{'type': 'dev-status'}", "body is not JSON"),
        ("[" * 100_000 + "]" * 100_000, "body is not JSON"),
        ('[{"type": "dev-status"}]', "body is not a JSON object"),
        ("42", "body is not a JSON object"),
        ('"dev-status"', "body is not a JSON object"),
        ("null", "body is not a JSON object"),
        ('{"seq": 1, "status": []}', "body has no report type"),
        ('{"type": 5}', "body has no report type"),
        ('{"type": null}', "body has no report type"),
        ('{"type": ["dev-status"]}', "body has no report type"),
        ('{"type": "  "}', "body has no report type"),
    ],
)
def test_malformed_bodies_raise(body: bytes | str, message: str) -> None:
    """Only a body that is not a JSON object with a string type raises."""
    with pytest.raises(EjoinMalformedReportError, match=f"^{message}$"):
        parse_report(body)


def test_bom_and_trailing_nuls_are_accepted() -> None:
    """A UTF-8 BOM and trailing NULs around a bytes body are ignored."""
    plain = parse_report(fixture_bytes("dev_status_seed.json"))

    padded = b"\xef\xbb\xbf" + fixture_bytes("dev_status_seed.json") + b"\x00\x00\x00"

    assert parse_report(padded) == plain
    assert parse_report(bytearray(padded)) == plain


def test_trailing_nuls_in_a_text_body_are_accepted() -> None:
    """A str body with trailing NULs and whitespace is accepted."""
    body = fixture_text("sent_sms_seed.json") + "\r\n\x00\x00"

    report = parse_report(body)

    assert isinstance(report, SmsSentReport)
    assert report.text == "test sms"


def test_bom_in_a_text_body_is_accepted() -> None:
    """A str body that still starts with a BOM is accepted like the bytes."""
    report = parse_report("\ufeff" + fixture_text("sent_sms_seed.json"))

    assert isinstance(report, SmsSentReport)
    assert report.text == "test sms"


def test_mapping_body_is_parsed_as_is() -> None:
    """An already decoded JSON object is accepted."""
    report = parse_report(fixture_json("cdr_seed.json"))

    assert report == parse_report(fixture_text("cdr_seed.json"))
    assert isinstance(report, CallRecord)
    assert report.duration_seconds == 7


# ---------------------------------------------------- decode_sms_text, envelopes


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("SGVsbG8=", ("Hello", True)),
        ("SGVsbG8", ("SGVsbG8", False)),  # not whole base64 blocks: kept as sent
        ("OK", ("OK", False)),  # a short word is not base64 of anything
        ("SGVs\r\nbG8=", ("Hello", True)),
        ("", ("", True)),
        ("QQ==", ("A", True)),
        ("not base64!", ("not base64!", False)),
        ("/w==", ("/w==", False)),
        ("A", ("A", False)),
    ],
)
def test_decode_sms_text(content: str, expected: tuple[str, bool]) -> None:
    """Base64 with or without padding or line breaks; anything else kept as sent."""
    assert decode_sms_text(content) == expected


def test_decode_sms_text_strips_nuls_from_plain_text() -> None:
    """Plain text that is not base64 also loses NULs and CRLF."""
    assert decode_sms_text("Hi there\r\nok\x00") == ("Hi there\nok", False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sender: +1\nSMSC: +2\n\nbody\n\nmore",
            ({"sender": "+1", "smsc": "+2"}, "body\n\nmore"),
        ),
        ("sender:+1\nSCTS: 190125\n\n", ({"sender": "+1", "scts": "190125"}, "")),
        ("Hello\n\nWorld", None),
        ("Note: call me\n\nlater", None),
        ("Sender: +1\nbody", None),
        ("\n\nbody", None),
        # A header this package does not know is removed from the text all the same.
        (
            "Sender: +1\nPort: 12.01\nCharset: UCS2\nSCTS: 1\n\nbody",
            ({"sender": "+1", "scts": "1"}, "body"),
        ),
        ("Port: 12.01\nCharset: UCS2\n\nbody", None),  # no known header at all
        ("Sender: +1\nnot a header line\n\nbody", None),
    ],
)
def test_split_envelope(text: str, expected: tuple[dict[str, str], str] | None) -> None:
    """Only header lines the envelope knows, then a blank line, make an envelope."""
    assert split_envelope(text) == expected


def test_message_that_looks_nothing_like_an_envelope() -> None:
    """A message with a blank line but no headers is kept whole."""
    text = "Hello\r\n\r\nSee you"
    body = {
        "type": "recv-sms",
        "sms": [[0, "1.01", 1714566000, "+1", "+2", b64(text)]],
    }

    report = parse_report(json.dumps(body))

    assert isinstance(report, SmsReceivedReport)
    assert report.messages[0].text == "Hello\n\nSee you"
    assert report.messages[0].sender == "+1"
    assert report.messages[0].smsc is None


def test_envelope_with_empty_headers_keeps_row_values() -> None:
    """Empty envelope headers do not replace the row's sender and recipient."""
    text = "Sender: \r\nReceiver: \r\nSMSC: \r\nSCTS: \r\n\r\nhi"
    body = {"type": "recv-sms", "sms": [[0, "1.01", 0, "+1", "+2", b64(text)]]}

    report = parse_report(json.dumps(body))

    assert isinstance(report, SmsReceivedReport)
    assert report.messages == (
        ReceivedSms(
            address=addr(1, 1),
            received_at=None,
            sender="+1",
            recipient="+2",
            text="hi",
        ),
    )


# ----------------------------------------- edge cases from property testing


def test_operator_with_superscript_digits() -> None:
    """An odd opr never breaks the report: it is kept as a name or a problem."""
    report = port_status({"port": "1A", "st": 3, "opr": "² Net"})

    assert report.port is not None
    assert report.port.status is PortStatus.REGISTERED
    assert report.port.operator is None or report.port.operator.code is None


def test_recv_sms_plain_unicode_content() -> None:
    """Plain non-ASCII content is kept as sent with a problem, like other non-base64."""
    body = {"type": "recv-sms", "sms": [[0, "1.01", 1714566000, "+1", "", "Привет"]]}

    report = parse_report(json.dumps(body))

    assert isinstance(report, SmsReceivedReport)
    assert [m.text for m in report.messages] == ["Привет"]
    assert report.problems == (
        ReportProblem(
            item="sms row 0", reason="content is not base64 of UTF-8; kept as sent"
        ),
    )


def test_decode_sms_text_non_ascii() -> None:
    """Non-ASCII content is not base64: kept as sent."""
    assert decode_sms_text("Grüße") == ("Grüße", False)


def test_sent_sms_base64_charset_with_plain_unicode_data() -> None:
    """Data that is not base64 despite the charset is kept as sent."""
    body = {"type": "sent-sms", "status": "0 ", "charset": "BASE64", "data": "Grüße"}

    report = parse_report(json.dumps(body))

    assert isinstance(report, SmsSentReport)
    assert report.text == "Grüße"


def test_huge_integer_in_body() -> None:
    """A body with an enormous integer is refused as malformed, not with ValueError."""
    body = '{"type": "dev-status", "seq": ' + "9" * 5000 + "}"

    with pytest.raises(EjoinMalformedReportError):
        parse_report(body)


def test_boolean_counter_after_numeric_counter() -> None:
    """A boolean counter is always a problem, whatever was parsed before."""
    first = port_status({"port": "1A", "tot_dur": 1})
    assert first.port.call_minutes.total == Counter(used=1)

    second = port_status({"port": "1A", "tot_dur": True})

    assert second.port.call_minutes.total is None
    assert second.problems == (
        ReportProblem(item="port 1A tot_dur", reason="True is not a number"),
    )


# ------------------------------------------------------------ model properties


@pytest.mark.parametrize(
    ("code", "status", "registered"),
    [
        (None, None, False),
        (3, PortStatus.REGISTERED, True),
        (4, PortStatus.CALL_CONNECTED, True),
        (5, PortStatus.NO_BALANCE, False),
        (10, None, False),
        (-1, None, False),
    ],
)
def test_port_state_status(
    code: int | None, status: PortStatus | None, registered: bool
) -> None:
    """Status maps known codes to the enum; registered covers 3 and 4 only."""
    port = PortState(address=addr(1), status_code=code)

    assert port.status is status
    assert port.registered is registered


@pytest.mark.parametrize(
    ("answered", "ended", "seconds"),
    [
        (None, None, 0),
        (utc(2024, 1, 1, 0, 0, 0), None, 0),
        (None, utc(2024, 1, 1, 0, 0, 9), 0),
        (utc(2024, 1, 1, 0, 0, 0), utc(2024, 1, 1, 0, 1, 30), 90),
        (utc(2024, 1, 1, 0, 0, 10), utc(2024, 1, 1, 0, 0, 0), 0),
    ],
)
def test_call_duration(
    answered: datetime | None, ended: datetime | None, seconds: int
) -> None:
    """Talk time runs from answer to end, never negative."""
    call = CallRecord(type="cdr", answered_at=answered, ended_at=ended)

    assert call.duration_seconds == seconds
    assert call.finished is (ended is not None)


def test_task_status_accepted() -> None:
    """A task status is accepted only with code 0."""
    assert TaskStatus(task_id=1, code=0, reason="OK").accepted is True
    assert TaskStatus(task_id=1, code=13, reason="Duplicated Task Id").accepted is False


# --- SMS rows as real firmware sends them: envelopes and odd fields --------------------


def recv_sms(*rows: list[Any]) -> SmsReceivedReport:
    """Parse a recv-sms with these rows."""
    report = parse_report(
        json.dumps({"type": "recv-sms", "sms_num": len(rows), "sms": rows})
    )
    assert isinstance(report, SmsReceivedReport)
    return report


def test_envelope_receiver_with_the_receiving_port() -> None:
    """``Receiver: "12.01" 16463915790`` is the number 16463915790; no header leaks."""
    envelope = (
        "Sender: +14155550100\r\n"
        'Receiver: "12.01" 16463915790\r\n'
        "SMSC: +14155550000\r\n"
        "SCTS: 240501122005+32\r\n"
        "\r\n"
        "Your code is 552817"
    )
    report = recv_sms([0, "12.01", 1714566005, "", "", b64(envelope + "\x00\x00")])

    assert report.messages == (
        ReceivedSms(
            address=addr(12, 1),
            received_at=utc(2024, 5, 1, 12, 20, 5),
            sender="+14155550100",
            recipient="16463915790",
            text="Your code is 552817",
            smsc="+14155550000",
            scts="240501122005+32",
        ),
    )
    assert report.problems == ()


def test_envelope_sender_name_with_spaces_is_kept_whole() -> None:
    """An alphanumeric sender with a space is a name, not a port and a number."""
    report = recv_sms([0, "1.01", 1714566005, "", "", b64("Sender: DHL Express\n\nHi")])
    assert (report.messages[0].sender, report.messages[0].text) == ("DHL Express", "Hi")


@pytest.mark.parametrize(
    ("row", "unknown", "problem"),
    [
        ([0, "1.01", "yesterday", "+1", "+2", b64("odd time")], "time", "time"),
        ([0, "1.01", -5, "+1", "+2", b64("odd time")], "time", None),  # no time
        ([0, "1.01", 1e30, "+1", "+2", b64("odd time")], "time", "time"),
        ([0, "port one", 1714566005, "+1", "+2", b64("odd time")], "port", "port"),
        ([0, None, 1714566005, "+1", "+2", b64("odd time")], "port", "port"),
        ([0, "999.01", 1714566005, "+1", "+2", b64("odd time")], "port", "port"),
        (["SMS", "1.01", 1714566005, "+1", "+2", b64("odd time")], None, "flag"),
        ([0, "1.01", 1714566005, ["+1"], "+2", b64("odd time")], "from", "from"),
        ([0, "1.01", 1714566005, "+1", {"n": 2}, b64("odd time"), "x"], "to", "to"),
    ],
)
def test_an_odd_field_never_drops_a_readable_message(
    row: list[Any], unknown: str | None, problem: str | None
) -> None:
    """The message is kept with the odd field unknown, and the oddity described."""
    report = recv_sms(row)

    assert [message.text for message in report.messages] == ["odd time"]
    message = report.messages[0]
    values = {
        "time": message.received_at,
        "port": message.address,
        "from": message.sender,
        "to": message.recipient,
    }
    assert [name for name, value in values.items() if value is None] == (
        [unknown] if unknown else []
    )
    assert [item.key for item in report.problems] == ([problem] if problem else [])


@pytest.mark.parametrize(
    ("content", "code", "operator_time", "kept"),
    [
        ("0 240501122005", 0, "240501122005", None),
        (b64("0 240501122005"), 0, "240501122005", None),  # encoded like a message
        ("DELIVRD", None, None, "DELIVRD"),
        ("id:42 stat:UNDELIV", None, None, "id:42 stat:UNDELIV"),
        ("", None, None, None),
        (7, 7, None, None),
    ],
)
def test_delivery_reports_in_any_form_are_kept(
    content: Any, code: int | None, operator_time: str | None, kept: str | None
) -> None:
    """A delivery report in another form is still one, with its status unknown."""
    report = recv_sms(
        [1, "1.01", 1714566005, "+8613800755500", "+4915112345678", content]
    )

    assert report.messages == ()
    assert report.delivery_reports == (
        DeliveryReport(
            address=addr(1, 1),
            received_at=utc(2024, 5, 1, 12, 20, 5),
            smsc="+8613800755500",
            recipient="+4915112345678",
            status_code=code,
            operator_time=operator_time,
            content=kept,
        ),
    )
    assert report.delivery_reports[0].delivered == (None if code is None else code == 0)


def test_times_in_milliseconds_are_read() -> None:
    """Some firmware writes Unix time in milliseconds: it is the same moment."""
    report = parse_report(
        json.dumps(
            {
                "type": "recv-sms",
                "sms": [[0, "1.01", 1714566005123, "+1", "+2", b64("ms")]],
            }
        )
    )
    assert isinstance(report, SmsReceivedReport)
    assert report.messages[0].received_at == datetime(
        2024, 5, 1, 12, 20, 5, 123000, tzinfo=UTC
    )
    assert report.problems == ()


def test_an_unreadable_time_is_kept_as_text() -> None:
    """An SMS whose time cannot be read keeps it as sent, to tell repeats apart."""
    report = parse_report(
        json.dumps(
            {
                "type": "recv-sms",
                "sms": [
                    [0, "1.01", "yesterday", "+1", "+2", b64("a")],
                    [0, "1.01", 0, "+1", "+2", b64("b")],
                ],
            }
        )
    )
    assert isinstance(report, SmsReceivedReport)
    assert [(m.received_at, m.time_text) for m in report.messages] == [
        (None, "yesterday"),
        (None, None),  # no time at all is not an unreadable one
    ]
