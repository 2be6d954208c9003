"""Which gateway a report or a status read comes from."""

from __future__ import annotations

import pytest

from custom_components.ejoin.connection import other_gateway_mac
from custom_components.ejoin.pyejoin import parse_report

from .helpers import GATEWAY_MAC


@pytest.mark.parametrize(
    ("mac", "other"),
    [
        ("00-30-F1-01-02-03", ""),
        ("0030f1010203", ""),
        ("00-30-F1-0A-0B-0C", "00:30:f1:0a:0b:0c"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_report_names_another_gateway_in_any_notation(
    mac: str | None, other: str
) -> None:
    """A report's MAC reads the same in any notation; naming none means this gateway."""
    report = {"type": "dev-status", "status": []}
    if mac is not None:
        report["mac"] = mac

    assert other_gateway_mac(parse_report(report), GATEWAY_MAC) == other
