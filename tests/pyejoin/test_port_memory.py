"""Tests for PortMemory: unchanged port objects are reused, changed ones read again."""

import copy
from dataclasses import fields
import json
from typing import Any

from custom_components.ejoin.pyejoin import (
    DeviceStatusReport,
    PortMemory,
    PortState,
    PortStatusReport,
    parse_report,
)


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
        "port 2A bal: 'abc' is not a number"
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
