"""Which gateway a report or a status read comes from."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util.json import json_loads
import pytest

from custom_components.ejoin.connection import (
    NOT_A_MAC,
    names_gateway,
    other_gateway_mac,
)
from custom_components.ejoin.pyejoin import parse_report
from ejoin_simulator import Simulator

from .helpers import GATEWAY_MAC, set_up


@pytest.mark.parametrize(
    ("mac", "other"),
    [
        ("00-30-F1-01-02-03", ""),
        ("0030f1010203", ""),
        ("00-30-F1-0A-0B-0C", "00:30:f1:0a:0b:0c"),
        ("", ""),
        (None, ""),
        ("+15550001111", NOT_A_MAC),
        ("zz:zz:zz:zz:zz:zz", NOT_A_MAC),
        ("x" * 1_000_000, NOT_A_MAC),
    ],
)
def test_a_report_names_another_gateway_in_any_notation(
    mac: str | None, other: str
) -> None:
    """A report's MAC reads the same in any notation; naming none means this gateway.

    A "MAC" that is none (a phone number, a stranger's megabyte) names another
    gateway, and is called so rather than repeated.
    """
    report = {"type": "dev-status", "status": []}
    if mac is not None:
        report["mac"] = mac

    assert other_gateway_mac(parse_report(report), GATEWAY_MAC) == other


@pytest.mark.parametrize(
    ("report", "named"),
    [
        ({"type": "dev-status", "mac": "00-30-F1-01-02-03"}, True),
        ({"type": "port-status", "port": "1", "mac": "0030f1010203"}, True),
        ({"type": "dev-status"}, False),
        ({"type": "port-status", "port": "1"}, False),
        ({"type": "recv-sms", "sms": []}, False),
        ({"type": "cdr", "mac": "00-30-F1-0A-0B-0C"}, False),
    ],
)
def test_only_a_report_naming_this_gateway_proves_it_comes_from_it(
    report: dict[str, object], named: bool
) -> None:
    """Only the gateway's own MAC proves a report is its own (and may add ports)."""
    assert names_gateway(parse_report(report), GATEWAY_MAC) is named


async def test_the_gateways_replies_are_read_with_home_assistants_json_loader(
    hass: HomeAssistant, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The status read at set-up goes to Home Assistant's loader (orjson), as bytes."""
    read: list[Any] = []

    def loader(document: bytes | str) -> Any:
        read.append(document)
        return json_loads(document)

    monkeypatch.setattr("custom_components.ejoin.connection.json_loads", loader)

    entry = await set_up(hass, simulator)

    assert read
    assert isinstance(read[0], bytes)
    assert json_loads(read[0])["type"] == "dev-status"  # type: ignore[index]
    assert entry.runtime_data.gateway.ports.keys() == set(range(1, 9))
