"""Tests of reading port objects and of the PortMemory (pyejoin.port_objects)."""

from __future__ import annotations

from collections.abc import Callable
import copy
from dataclasses import fields
import json
import operator
from typing import Any

import pytest

from pyejoin import (
    DeviceStatusReport,
    PortMemory,
    PortState,
    PortStatus,
    PortStatusReport,
    ReportProblem,
    parse_report,
)
from pyejoin.port_state import Operator

from .payloads import (
    addr,
    assert_problems,
    parse_fixture,
    port_status,
)

# --- odd port objects and fields ------------------------------------------------------


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
        ReportProblem(item="status[3] port", reason="not a port address"),
        ReportProblem(item="port 2A bal", reason="not a number"),
    )
    assert sorted(problem.detail for problem in report.problems)[-2:] == [
        "status[2]: has no port",
        "status[3] port: not a port address: '0.01'",
    ]
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
        ReportProblem(item="port 11A bal", reason="not a number"),
    )
    assert report.problems[0].value == "'abc'"
    assert report.port == PortState(
        address=addr(11, 1),
        status_code=3,
        operator=Operator(code="46000", name="CHINA MOBILE"),
        signal=24,
        imei="353689536000116",
    )


@pytest.mark.parametrize(
    ("st", "code", "text", "reason", "shown"),
    [
        ("OK", None, "OK", "no status code", "'OK'"),
        (True, None, None, "not text", "True"),
        ([3], None, None, "not text", "[3]"),
    ],
)
def test_unreadable_status(
    st: Any, code: int | None, text: str | None, reason: str, shown: str
) -> None:
    """A status without a code is a problem; the port is kept."""
    report = port_status({"port": "1A", "st": st, "sig": 10})

    assert report.port is not None
    assert report.port.status_code == code
    assert report.port.status_text == text
    assert report.port.status is None
    assert report.port.signal == 10
    assert report.problems == (ReportProblem(item="port 1A st", reason=reason),)
    assert report.problems[0].value == shown


@pytest.mark.parametrize(
    ("field", "value", "reason", "shown"),
    [
        ("bal", True, "not a number", "True"),
        ("bal", "NaN", "not a finite number", "'NaN'"),
        ("bal", [1], "not a number", "[1]"),
        ("bal", float("inf"), "not a finite number", "inf"),
        ("sig", "strong", "not a whole number", "'strong'"),
        ("sig", 2.5, "not a whole number", "2.5"),
        ("sig", False, "not a number", "False"),
        ("led", {"n": 1}, "not a whole number", "{'n': 1}"),
        ("active", "2", "not 0 or 1", "'2'"),
        ("imei", ["3536"], "not text", "['3536']"),
        ("sn", False, "not text", "False"),
        ("opr", {"code": 46000}, "not text", "{'code': 46000}"),
        ("tot_dur", "/5", "not a used/limit counter", "'/5'"),
        ("tot_dur", "x/5", "not a whole number", "'x'"),
        ("tot_dur", [1], "not a whole number", "[1]"),
        ("dataflow_tot", "lots", "not a number", "'lots'"),
        ("dataflow_url", ["http://x"], "not text", "['http://x']"),
    ],
)
def test_bad_port_field(field: str, value: Any, reason: str, shown: str) -> None:
    """One bad field is None with a problem naming it (not its value); the port is kept.

    The value, shortened, is kept apart for a debug log.
    """
    report = port_status({"port": "1A", "st": 3, "sig": 12, field: value})

    assert report.port is not None
    assert report.port.status is PortStatus.REGISTERED
    if field != "sig":
        assert report.port.signal == 12
    assert report.problems == (ReportProblem(item=f"port 1A {field}", reason=reason),)
    assert report.problems[0].value == shown


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


# --- the memory of a gateway's port objects -------------------------------------------


def dev_status(**port_changes: Any) -> dict[str, Any]:
    """Build a small dev-status; keyword arguments change the first port object."""
    report: dict[str, Any] = {
        "type": "dev-status",
        "mac": "00-30-f1-01-02-03",
        "max-ports": 2,
        "max-slot": 4,
        "status": [
            {"port": "1A", "st": 3, "sig": 20, "bal": "1.50", "opr": "46000 CM"},
            {"port": "2A", "st": 1, "bal": "abc"},
        ],
    }
    report["status"][0].update(port_changes)
    return report


def with_seq(report: dict[str, Any], first: int) -> dict[str, Any]:
    """Give the objects of a dev-status seq numbers from ``first``, as a gateway does."""
    for number, port_object in enumerate(report["status"], start=first):
        port_object["seq"] = number
    return report


def ports_of(report: object) -> tuple[PortState, ...]:
    """Return the ports of a dev-status report."""
    assert isinstance(report, DeviceStatusReport)
    return report.ports


def test_unchanged_ports_are_the_same_objects() -> None:
    """A resent, unchanged port object yields the very same PortState (and its problems)."""
    memory = PortMemory()
    first = parse_report(json.dumps(dev_status()), memory)
    second = parse_report(json.dumps(dev_status()).encode(), memory)

    assert ports_of(second)[0] is ports_of(first)[0]
    assert ports_of(second)[1] is ports_of(first)[1]
    assert [str(problem) for problem in second.problems] == [
        "port 2A bal: not a number"
    ]


def test_changed_port_is_read_again() -> None:
    """A port whose object changed is read again; the others are reused."""
    memory = PortMemory()
    first = ports_of(parse_report(dev_status(), memory))
    second = ports_of(parse_report(dev_status(sig=7), memory))

    assert second[0] is not first[0]
    assert second[0].signal == 7
    assert second[1] is first[1]


def test_memory_serves_port_status_reports_too() -> None:
    """A port-status for a port is compared with that port's last object."""
    memory = PortMemory()
    body = {"type": "port-status", "port": "3B", "st": "3 OK"}
    first = parse_report(dict(body), memory)
    second = parse_report(dict(body), memory)

    assert isinstance(first, PortStatusReport)
    assert isinstance(second, PortStatusReport)
    assert second.port is first.port
    assert first.port is not None
    assert (first.port.status_code, first.port.status_text) == (3, "OK")


def test_memory_is_bounded() -> None:
    """A device that invents port after port cannot make the memory grow without end."""
    memory = PortMemory(limit=3)
    for port in range(1, 11):
        parse_report({"type": "port-status", "port": str(port), "st": 3}, memory)

    assert len(memory._last) <= 3


@pytest.mark.parametrize(
    "large",
    [{"sn": "9" * 100_000}, {"imsi": ["4600"] * 10}, {f"k{n}": n for n in range(70)}],
    ids=["a long value", "a list", "many keys"],
)
def test_memory_keeps_no_port_object_larger_than_a_gateways(
    large: dict[str, Any],
) -> None:
    """An object no gateway sends (a stranger's) is read every time, never kept.

    What the memory keeps stays of a gateway's size, whatever is posted.
    """
    memory = PortMemory()
    first = ports_of(parse_report(dev_status(**large), memory))
    second = ports_of(parse_report(dev_status(**large), memory))

    assert second[0] is not first[0]
    assert second[0] == first[0]
    assert second[1] is first[1]  # the gateway's own object is still kept


def test_results_match_with_and_without_memory() -> None:
    """Reading with a memory gives exactly what reading without one gives."""
    memory = PortMemory()
    body = dev_status()
    parse_report(copy.deepcopy(body), memory)

    assert parse_report(copy.deepcopy(body), memory) == parse_report(
        copy.deepcopy(body)
    )


def test_parsed_port_equals_one_built_by_its_constructor() -> None:
    """The parser's fast construction gives the same object the dataclass constructor does."""
    report = parse_report(dev_status())
    parsed = ports_of(report)[0]

    rebuilt = PortState(
        **{field.name: getattr(parsed, field.name) for field in fields(PortState)}
    )

    assert parsed == rebuilt
    assert vars(parsed) == vars(rebuilt)


def test_objects_that_differ_only_in_seq_are_not_read_again(
    loads: Callable[[bytes | str], Any],
) -> None:
    """Every object a gateway sends has a new seq: that alone is no change of the port."""
    memory = PortMemory()
    first = parse_report(
        json.dumps(with_seq(dev_status(), 1)).encode(), memory, loads=loads
    )
    second = parse_report(
        json.dumps(with_seq(dev_status(), 3)).encode(), memory, loads=loads
    )
    third = parse_report(json.dumps(dev_status()).encode(), memory, loads=loads)

    assert all(map(operator.is_, ports_of(second), ports_of(first)))
    assert all(map(operator.is_, ports_of(third), ports_of(first)))
    assert second.problems == first.problems == third.problems


def test_a_changed_value_with_a_new_seq_is_read_again(
    loads: Callable[[bytes | str], Any],
) -> None:
    """A changed value is read anew, whatever the seq; the unchanged object is reused."""
    memory = PortMemory()
    first = ports_of(
        parse_report(json.dumps(with_seq(dev_status(), 1)), memory, loads=loads)
    )
    second = ports_of(
        parse_report(json.dumps(with_seq(dev_status(sig=7), 3)), memory, loads=loads)
    )

    assert second[0] is not first[0]
    assert (first[0].signal, second[0].signal) == (20, 7)
    assert second[1] is first[1]


def test_the_memory_never_changes_what_the_caller_passed() -> None:
    """A decoded body passed in is left as it was; the memory compares with its own copy."""
    memory = PortMemory()
    bodies = [with_seq(dev_status(), 1), with_seq(dev_status(), 3), dev_status()]
    port_statuses = [
        {"type": "port-status", "port": "3B", "seq": seq} for seq in (1, 2)
    ]
    originals = copy.deepcopy([bodies, port_statuses])

    reports = [parse_report(body, memory) for body in bodies + port_statuses]

    assert [bodies, port_statuses] == originals
    assert ports_of(reports[2])[0] is ports_of(reports[0])[0]
    assert isinstance(reports[4], PortStatusReport)
    assert isinstance(reports[3], PortStatusReport)
    assert reports[4].port is reports[3].port


def test_a_port_object_no_longer_has_a_sequence() -> None:
    """The seq of a port object is neither a field nor an unknown key."""
    report = port_status({"port": "1A", "st": 3, "seq": 41})

    assert report.port is not None
    assert "sequence" not in vars(report.port)
    assert report.port.unknown_keys == frozenset()
    assert report.unknown_keys == frozenset()
