"""Property tests: parse_report never fails in an undocumented way."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import assume, given, strategies as st
import pytest

from pyejoin import (
    CallRecord,
    DeviceStatusReport,
    EjoinMalformedReportError,
    PortStatusReport,
    Report,
    SmsReceivedReport,
    SmsSentReport,
    TaskProgressReport,
    UnknownReport,
    parse_report,
)

from .payloads import PROPERTY_SETTINGS

REPORT_CLASSES: dict[str, type[Report]] = {
    "dev-status": DeviceStatusReport,
    "port-status": PortStatusReport,
    "recv-sms": SmsReceivedReport,
    "sent-sms": SmsSentReport,
    "cdr": CallRecord,
    "status-report": TaskProgressReport,
}


PORT_FIELDS = (
    "port", "sim", "seq", "st", "status", "active", "inserted", "slot_active", "led",
    "bal", "opr", "sig", "sn", "imei", "imsi", "iccid", "tot_dur", "mon_dur",
    "day_dur", "mcn_tot", "mcn_mon", "mcn_day", "mtn_tot", "mtn_mon", "mtn_day",
    "smsctl_tot", "smsctl_mon", "smsctl_day", "dataflow_tot", "dataflow_day",
    "dataflow_24hours", "dataflow_1hour", "dataflow_last", "dataflow_url",
)  # fmt: skip


REPORT_FIELDS = (
    "seq", "expires", "mac", "ip", "ver", "max-ports", "max-slot", "max-slots",
    "status", "sms_num", "sms", "sim_src", "sms_tid", "src_type", "src_ip",
    "src_port", "time", "dur", "recver", "receiver", "smsc", "charset", "data",
    "sip_usr", "cid", "cdir", "caller", "callee", "begin", "alert", "answer",
    "update", "end", "reason", "gw_reason", "rpt_num", "rpts",
)  # fmt: skip


TASK_FIELDS = ("tid", "sending", "sent", "failed", "unsent", "sdr", "fdr")


json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
)


json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=20,
)


small_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=6,
)


def body_of(value: Any, *, as_bytes: bool, ascii_only: bool) -> str | bytes:
    """Serialise a JSON value as a gateway would send it."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    return text.encode() if as_bytes else text


def is_report_body(value: Any) -> bool:
    """Whether a value is a JSON object with a non-blank string type."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("type"), str)
        and bool(value["type"].strip())
    )


@PROPERTY_SETTINGS
@given(value=json_values, as_bytes=st.booleans(), ascii_only=st.booleans())
def test_any_json_value(value: Any, as_bytes: bool, ascii_only: bool) -> None:
    """Any JSON value gives a report if it is an object with a type, else raises."""
    body = body_of(value, as_bytes=as_bytes, ascii_only=ascii_only)

    if is_report_body(value):
        report = parse_report(body)
        assert isinstance(report, Report)
        assert report.type in REPORT_CLASSES or isinstance(report, UnknownReport)
    else:
        with pytest.raises(EjoinMalformedReportError):
            parse_report(body)


@PROPERTY_SETTINGS
@given(
    value=st.dictionaries(st.text(max_size=8), small_values, max_size=4),
    kind=st.sampled_from(sorted(REPORT_CLASSES)).map(str.upper) | st.text(max_size=15),
)
def test_any_object_with_a_text_type(value: dict[str, Any], kind: str) -> None:
    """An object with any non-blank text type is a report; unknown types keep the body."""
    assume(kind.strip())
    value["type"] = kind

    report = parse_report(json.dumps(value))

    expected = REPORT_CLASSES.get(kind.strip().lower(), UnknownReport)
    assert type(report) is expected
    if expected is UnknownReport:
        assert isinstance(report, UnknownReport)
        assert report.type == kind.strip()
        assert report.body == json.loads(json.dumps(value))


@PROPERTY_SETTINGS
@given(body=st.binary(max_size=200))
def test_any_bytes(body: bytes) -> None:
    """Arbitrary bytes give a report or EjoinMalformedReportError, nothing else."""
    try:
        report = parse_report(body)
    except EjoinMalformedReportError:
        return
    assert isinstance(report, Report)


port_objects = st.dictionaries(st.sampled_from(PORT_FIELDS), json_scalars, max_size=8)


task_objects = st.dictionaries(st.sampled_from(TASK_FIELDS), small_values, max_size=5)


field_values = (
    small_values
    | st.lists(port_objects, max_size=3)
    | st.lists(task_objects, max_size=2)
    | st.lists(st.lists(json_scalars, min_size=4, max_size=7), max_size=3)
)


@st.composite
def known_reports(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a report of a known type with real field names and arbitrary values."""
    kind = draw(st.sampled_from(sorted(REPORT_CLASSES)))
    names = st.sampled_from(PORT_FIELDS + REPORT_FIELDS)
    fields = draw(st.dictionaries(names, field_values, max_size=8))
    return {"type": kind, **fields}


@PROPERTY_SETTINGS
@given(value=known_reports(), as_bytes=st.booleans())
def test_known_type_never_raises(value: dict[str, Any], as_bytes: bool) -> None:
    """A known type is never malformed as a whole: a report of its class comes back."""
    body = body_of(value, as_bytes=as_bytes, ascii_only=False)

    report = parse_report(body)

    assert type(report) is REPORT_CLASSES[value["type"]]
    assert report.type == value["type"]
    assert all(problem.item and problem.reason for problem in report.problems)
