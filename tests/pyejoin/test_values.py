"""Tests of the value readers, careful and fast (pyejoin.values)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, strategies as st
import pytest

from pyejoin import (
    Counter,
    CounterPeriods,
    PortState,
    PortStatus,
    PortStatusReport,
    ReportProblem,
    parse_report,
    values,
    wire,
)
from pyejoin.port_state import Operator
from pyejoin.reports import clear_memos
from pyejoin.values import read_integer

from .payloads import (
    PROPERTY_SETTINGS,
    addr,
    parse_fixture,
    port_status,
)

# --- readers, through the reports that carry their values -----------------------------


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


def test_operator_with_superscript_digits() -> None:
    """An odd opr never breaks the report: it is kept as a name or a problem."""
    report = port_status({"port": "1A", "st": 3, "opr": "² Net"})

    assert report.port is not None
    assert report.port.status is PortStatus.REGISTERED
    assert report.port.operator is None or report.port.operator.code is None


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


def test_numbers_in_unusual_forms() -> None:
    """Whole numbers as floats or decimal strings, and text sent as numbers."""
    report = port_status(
        {
            "port": 7,
            "seq": "12.0",  # not read: it counts the objects a gateway sends
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
        {"type": "port-status", "port": "1A", "st": 3, "led": PortStatus.IDLE_SIM}
    )

    assert isinstance(report, PortStatusReport)
    assert report.problems == ()
    assert report.port.led == 1


def test_huge_balance_from_a_mapping_body() -> None:
    """A balance too large for a float is a problem, not a crash; it is shown short."""
    report = parse_report({"type": "port-status", "port": "1A", "bal": 10**400})

    assert isinstance(report, PortStatusReport)
    assert report.port.balance is None
    assert report.problems == (ReportProblem(item="port 1A bal", reason="too large"),)
    value = report.problems[0].value
    assert value is not None
    assert value.startswith("1000")
    assert len(value) <= 48


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("bal", "+15550001111" * 300_000, "not a number"),
        ("imsi", ["+15550001111"] * 100_000, "not text"),
        ("iccid", {"a": "b" * 10**6}, "not text"),
    ],
)
def test_a_huge_odd_value_is_kept_short_and_out_of_the_reason(
    key: str, value: Any, reason: str
) -> None:
    """A megabyte-sized odd value: the problem names the field; its value is cut short.

    The reason is what a warning may say; the shortened value is for a debug log.
    """
    report = parse_report({"type": "port-status", "port": "1A", key: value})

    [problem] = report.problems
    assert str(problem) == f"port 1A {key}: {reason}"
    assert problem.value is not None
    assert len(problem.value) <= 48
    assert len(problem.detail) < 100


def test_boolean_counter_after_numeric_counter() -> None:
    """A boolean counter is always a problem, whatever was parsed before."""
    first = port_status({"port": "1A", "tot_dur": 1})
    assert first.port.call_minutes.total == Counter(used=1)

    second = port_status({"port": "1A", "tot_dur": True})

    assert second.port.call_minutes.total is None
    assert second.problems == (
        ReportProblem(item="port 1A tot_dur", reason="not a number"),
    )


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

    assert values.address_text.cache_info().currsize == 0
    assert values.counter_periods.cache_info().currsize == 0
    assert parse_fixture("port_status_counters.json", PortStatusReport) == before


# --- the fast path agrees with the careful readers ------------------------------------

# Values of every kind a field can hold: the expected type in its usual forms (numeric
# text, used/limit counters, operators, 0/1 flags) and values of the wrong type.
field_values = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.from_regex(r"\s?-?[0-9]{1,4}(\.[0-9]{1,3})?\s?", fullmatch=True)
    | st.from_regex(r"\s?-?[0-9]{1,3}\s?(/\s?-?[0-9]{1,3})?\s?", fullmatch=True)
    | st.sampled_from(["0", "1", "", " ", "0 ", "46000 CHINA MOBILE", "nan", "1e999"])
    | st.lists(st.integers(), max_size=2)
)
PLAIN_KEYS = [
    key
    for key, _ in wire.PORT_TEXTS
    + wire.PORT_INTEGERS
    + wire.PORT_FLAGS
    + wire.DATA_NUMBERS
] + ["opr", "bal", "dataflow_url"]
COUNTER_KEYS = ("tot_dur", "mon_dur", "day_dur")


def described(problems: list[ReportProblem]) -> list[tuple[str, str, str | None]]:
    """Every detail of each problem, in order (equality leaves the key out)."""
    return [(problem.item, problem.reason, problem.key) for problem in problems]


def careful_port_fields(
    data: dict[str, Any], problems: list[ReportProblem]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read a port object's plain fields with the careful readers only, one by one."""
    read = values.Fields(data, "port 1A", problems).read

    def each(
        pairs: tuple[tuple[str, str], ...], reader: Callable[[Any], Any]
    ) -> dict[str, Any]:
        return {name: read(key, reader, None) for key, name in pairs}

    port = each(wire.PORT_TEXTS, values.as_text)
    port |= each(wire.PORT_INTEGERS, values.as_integer)
    port |= each(wire.PORT_FLAGS, values.as_flag)
    port["operator"] = read("opr", values.as_operator, None)
    port["balance"] = read("bal", values.as_number, None)
    usage = each(wire.DATA_NUMBERS, values.as_number)
    usage["last_url"] = read("dataflow_url", values.as_text, None)
    return port, usage


@PROPERTY_SETTINGS
@given(data=st.dictionaries(st.sampled_from(PLAIN_KEYS), field_values))
def test_the_fast_path_reads_port_fields_as_the_careful_readers_do(
    data: dict[str, Any],
) -> None:
    """Same values and the same problems, in the same order, for any port object."""
    fast_problems: list[ReportProblem] = []
    careful_problems: list[ReportProblem] = []

    fast = values.read_port_fields(data, "port 1A", fast_problems)
    careful = careful_port_fields(data, careful_problems)

    assert fast == careful
    assert described(fast_problems) == described(careful_problems)


@PROPERTY_SETTINGS
@given(total=field_values, month=field_values, day=field_values)
def test_the_fast_path_reads_counters_as_the_careful_reader_does(
    total: Any, month: Any, day: Any
) -> None:
    """Same counters and the same problems for any three values, memoised or not."""
    data = dict(zip(COUNTER_KEYS, (total, month, day), strict=True))
    fast_problems: list[ReportProblem] = []
    careful_problems: list[ReportProblem] = []
    read = values.Fields(data, "port 1A", careful_problems).read

    fast = values.read_counters(data, COUNTER_KEYS, "port 1A", fast_problems)
    careful = CounterPeriods(
        total=read("tot_dur", values.as_counter, None),
        month=read("mon_dur", values.as_counter, None),
        day=read("day_dur", values.as_counter, None),
    )

    assert fast == careful
    assert described(fast_problems) == described(careful_problems)


def counter_by_careful_readers(value: str) -> Counter | None:
    """Read a counter text with the careful readers alone, as before the fast path."""
    if not value.strip():
        return None
    used_text, slash, limit_text = value.partition("/")
    used = values.as_integer(used_text)
    limit = values.as_integer(limit_text) if slash else None
    if used is None:
        raise values.BadValueError("not a used/limit counter", value)
    return Counter(used=used, limit=None if limit is None or limit < 0 else limit)


@PROPERTY_SETTINGS
@given(value=field_values.filter(lambda value: isinstance(value, str)))
def test_the_fast_counter_reads_as_the_careful_readers_do(value: str) -> None:
    """The same counter, or the same refusal, for any text."""
    try:
        expected: Any = counter_by_careful_readers(value)
    except values.BadValueError as err:
        expected = (err.reason, err.value)
    try:
        counter: Any = values.counter_text(value)
    except values.BadValueError as err:
        counter = (err.reason, err.value)

    assert counter == expected
    assert repr(counter) == repr(expected)
