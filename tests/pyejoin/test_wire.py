"""Tests of the wire vocabulary and the request builders (pyejoin.wire).

What a whole request looks like on the wire is tested through the client, against a
stand-in for the gateway (test_client.py).
"""

from __future__ import annotations

import pytest

from pyejoin import Command, CommandOp, PortAddress, RedialMode
from pyejoin.wire import ports_text, sim_number_index


def addr(text: str) -> PortAddress:
    """Read a port address the way the gateway writes it."""
    return PortAddress.parse(text)


def test_ports_text_passes_strings_and_drops_slots_for_whole_ports() -> None:
    """A ready string is kept; addresses become a compact expression."""
    assert ports_text("all") == "all"
    assert ports_text([addr("1A"), addr("2B"), addr("3")]) == "1A,2B,3"
    assert ports_text([addr("1A"), addr("1B"), addr("2C")], whole_ports=True) == "1-2"
    with pytest.raises(ValueError, match="at least one port"):
        ports_text([])


@pytest.mark.parametrize(
    ("address", "slots", "index"),
    [("1A", 4, 0), ("1D", 4, 3), ("2A", 4, 4), ("32.04", 4, 127), ("3.08", 8, 23)],
)
def test_sim_number_index(address: str, slots: int, index: int) -> None:
    """The index is (port - 1) * slots + (slot - 1)."""
    assert sim_number_index(addr(address), slots) == index


@pytest.mark.parametrize(("address", "slots"), [("3", 4), ("1E", 4), ("2.02", 1)])
def test_sim_number_index_refuses_non_slots(address: str, slots: int) -> None:
    """A whole port or a slot past the port's slot count has no index."""
    with pytest.raises(ValueError, match="is not a SIM slot"):
        sim_number_index(addr(address), slots)


def test_command_as_json_names_only_what_is_set() -> None:
    """Unset fields stay out of the command; the mode is sent as a number."""
    assert Command(op=CommandOp.SAVE).as_json() == {"op": "save"}
    assert Command(
        op=CommandOp.REDIAL, ports="1-4", mode=RedialMode.FAST, delay=0
    ).as_json() == {"op": "redial", "ports": "1-4", "mode": 1, "delay": 0}
