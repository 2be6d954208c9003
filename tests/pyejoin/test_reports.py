"""Tests of reading the reports a gateway pushes, by report type (pyejoin.reports)."""

from __future__ import annotations

import json

import pytest

from pyejoin import (
    CallDirection,
    CallRecord,
    Counter,
    CounterPeriods,
    DataUsage,
    DeliveryReport,
    DeviceStatusReport,
    EjoinMalformedReportError,
    PortState,
    PortStatus,
    PortStatusReport,
    ReceivedSms,
    ReportProblem,
    SmsReceivedReport,
    SmsSentReport,
    TaskProgress,
    TaskProgressReport,
    UnknownReport,
    parse_report,
)
from pyejoin.models import FailedRecipient, SentRecipient
from pyejoin.port_state import Operator

from .payloads import (
    addr,
    assert_problems,
    fixture_bytes,
    fixture_json,
    fixture_text,
    parse_fixture,
    utc,
)

UNLIMITED_ZERO = CounterPeriods(
    total=Counter(used=0), month=Counter(used=0), day=Counter(used=0)
)


# --- seeds: the vendor's own examples -------------------------------------------------


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
        address=addr(3, 2), status_code=0, imei="353689530707929"
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


# --- dev-status -----------------------------------------------------------------------


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


def test_dev_status_ports_without_sim() -> None:
    """Ports without a SIM carry only port, sim, seq, st and imei."""
    report = parse_fixture("dev_status_ports_without_sim.json", DeviceStatusReport)

    assert report.problems == ()
    assert report.ports == tuple(
        PortState(address=addr(n, 1), status_code=0, imei=f"35368953300000{n}")
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
        ReportProblem(item="dev-status seq", reason="not a whole number"),
        ReportProblem(item="dev-status mac", reason="not text"),
    )
    assert sorted(problem.detail for problem in report.problems) == [
        "dev-status mac: not text: ['x']",
        "dev-status seq: not a whole number: 'abc'",
    ]


# --- port-status ----------------------------------------------------------------------


def test_port_status_unknown_keys() -> None:
    """A port-status lists its extra keys, on the report and on the port."""
    report = parse_fixture("port_status_unknown_keys.json", PortStatusReport)

    assert report.problems == ()
    assert report.port is not None
    assert report.port.signal == 22
    assert report.unknown_keys == frozenset({"nettype", "lac", "cellid"})
    assert report.port.unknown_keys == frozenset({"nettype", "lac", "cellid"})


@pytest.mark.parametrize(
    ("mac", "read"), [("00-30-F1-01-02-03", "00-30-F1-01-02-03"), (None, None)]
)
def test_port_status_naming_its_gateway(mac: str | None, read: str | None) -> None:
    """Some firmware names the gateway in a port-status: its MAC is read, not unknown."""
    body: dict[str, object] = {"type": "port-status", "port": "2B", "st": 3}
    if mac is not None:
        body["mac"] = mac

    report = parse_report(body)

    assert isinstance(report, PortStatusReport)
    assert report.mac == read
    assert report.unknown_keys == frozenset()
    assert report.problems == ()


def test_port_unknown_keys_of_a_large_port_object() -> None:
    """A port object with many known fields and extra keys lists the extra keys."""
    body = fixture_json("port_status_counters.json") | {"lac": "2A3F", "band": "B3"}

    report = parse_report(json.dumps(body))

    assert isinstance(report, PortStatusReport)
    assert report.unknown_keys == frozenset({"lac", "band"})
    assert report.port is not None
    assert report.port.unknown_keys == frozenset({"lac", "band"})


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


def test_port_status_without_port() -> None:
    """A port-status without a port has no port state and one problem."""
    report = parse_report('{"type": "port-status", "st": 3, "sig": 20}')

    assert isinstance(report, PortStatusReport)
    assert report.port is None
    assert report.problems == (ReportProblem(item="port-status", reason="has no port"),)


def test_port_status_with_a_list_as_port() -> None:
    """A port-status whose port value is a list has no port state."""
    report = parse_report('{"type": "port-status", "port": ["1A"]}')

    assert isinstance(report, PortStatusReport)
    assert report.port is None
    assert report.problems == (
        ReportProblem(item="port-status port", reason="not a port address"),
    )


# --- recv-sms (the rows themselves: test_sms.py) --------------------------------------


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


def test_recv_sms_without_rows_and_bad_sim_src() -> None:
    """No sms key means no messages; a bad sim_src is a problem, not remote."""
    report = parse_report('{"type": "recv-sms", "sim_src": "remote", "id": 1}')

    assert isinstance(report, SmsReceivedReport)
    assert report.messages == ()
    assert report.remote_sim is False
    assert report.unknown_keys == frozenset({"id"})
    assert report.problems == (
        ReportProblem(item="recv-sms sim_src", reason="not a whole number"),
    )


# --- status-report --------------------------------------------------------------------


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
        ReportProblem(item="rpts[3] sdr[0]", reason="not a row of at least 4 values"),
        ReportProblem(item="rpts[3] sdr[1]", reason="no index or number"),
        ReportProblem(item="rpts[3] sdr[2]", reason="not a port address"),
        ReportProblem(item="rpts[3] fdr[0]", reason="not text"),
        ReportProblem(item="rpts[3] sent", reason="not a whole number"),
    )
    # The phone numbers of the rows are in no problem, not even as the odd value.
    assert not any("+11" in problem.detail for problem in report.problems)


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


# --- cdr ------------------------------------------------------------------------------


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
        ReportProblem(item="cdr begin", reason="not a whole number"),
        ReportProblem(item="cdr end", reason="not a time"),
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
        ReportProblem(item="cdr port port", reason="not a port address"),
    )


# --- sent-sms -------------------------------------------------------------------------


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
        ReportProblem(item="sent-sms port", reason="not a port address"),
        ReportProblem(item="sent-sms status", reason="not text"),
    )


def test_sent_sms_base64_charset_with_plain_unicode_data() -> None:
    """Data that is not base64 despite the charset is kept as sent."""
    body = {"type": "sent-sms", "status": "0 ", "charset": "BASE64", "data": "Grüße"}

    report = parse_report(json.dumps(body))

    assert isinstance(report, SmsSentReport)
    assert report.text == "Grüße"


# --- unknown types --------------------------------------------------------------------


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


# --- whole bodies ---------------------------------------------------------------------


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


def test_huge_integer_in_body() -> None:
    """A body with an enormous integer is refused as malformed, not with ValueError."""
    body = '{"type": "dev-status", "seq": ' + "9" * 5000 + "}"

    with pytest.raises(EjoinMalformedReportError):
        parse_report(body)
