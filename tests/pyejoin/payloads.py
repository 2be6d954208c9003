"""What the protocol tests share: device payloads and builders of bodies and values."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
import json
from pathlib import Path
from typing import Any

from hypothesis import settings

from pyejoin import (
    PortAddress,
    PortStatusReport,
    Report,
    ReportProblem,
    SmsReceivedReport,
    parse_report,
)

# Property tests: many examples, no deadline (CI machines are slow), no example database.
PROPERTY_SETTINGS = settings(max_examples=250, deadline=None, database=None)


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


def recv_sms(*rows: list[Any]) -> SmsReceivedReport:
    """Parse a recv-sms with these rows."""
    report = parse_report(
        json.dumps({"type": "recv-sms", "sms_num": len(rows), "sms": rows})
    )
    assert isinstance(report, SmsReceivedReport)
    return report
