"""Tests for port addresses: every notation gateways use, and the ports strings of commands."""

import re
import string

from hypothesis import given, strategies as st
import pytest

from pyejoin import PortAddress, ports_expression
from pyejoin.ports import PortNotation


@pytest.mark.parametrize(
    ("text", "port", "slot", "bank"),
    [
        ("1.01", 1, 1, None),
        ("32.04", 32, 4, None),
        ("2.2", 2, 2, None),
        ("1A", 1, 1, None),
        ("2b", 2, 2, None),
        ("15G", 15, 7, None),
        ("64Z", 64, 26, None),
        ("3", 3, None, None),
        (" 7 ", 7, None, None),
        ("12.sp256.101", 12, 101, "sp256"),
        ("1.sp128.016", 1, 16, "sp128"),
    ],
)
def test_parse_every_notation(
    text: str, port: int, slot: int | None, bank: str | None
) -> None:
    """Each notation a gateway writes reads as the same port, slot and SIM bank pool."""
    assert PortAddress.parse(text) == PortAddress(port=port, slot=slot, bank=bank)


@pytest.mark.parametrize(
    "text",
    [
        *(
            "",
            "A",
            "1.",
            ".1",
            "1AB",
            "1-3",
            "0",
            "0A",
            "1.00",
            "1.sp1",
            "x.sp1.2",
            "-1",
        ),
        # Beyond any gateway: a report must not conjure up millions of ports or slots.
        *("513", "1.1000", "12.sp256.1000", "99999999999999999999"),
        # Digits of other scripts, which int() would read.
        *("\u0663", "\uff11.\uff10\uff12"),
    ],
)
def test_parse_refuses_what_is_not_an_address(text: str) -> None:
    """Text that names no port is refused with ValueError, not guessed at."""
    with pytest.raises(ValueError, match=r"port|slot"):
        PortAddress.parse(text)


def test_addresses_need_a_slot_to_name_a_bank_pool() -> None:
    """A SIM bank address without a slot cannot exist."""
    with pytest.raises(ValueError, match="needs a slot"):
        PortAddress(port=1, bank="sp1")


@pytest.mark.parametrize(
    ("address", "lettered", "dotted"),
    [
        (PortAddress(port=1, slot=1), "1A", "1.01"),
        (PortAddress(port=15, slot=7), "15G", "15.07"),
        (PortAddress(port=3), "3", "3"),
        (PortAddress(port=2, slot=27), "2.27", "2.27"),
        (PortAddress(port=12, slot=101, bank="sp256"), "12.sp256.101", "12.sp256.101"),
        (PortAddress(port=1, slot=16, bank="sp128"), "1.sp128.016", "1.sp128.016"),
    ],
)
def test_format_in_the_gateways_forms(
    address: PortAddress, lettered: str, dotted: str
) -> None:
    """Addresses are written back as the gateway writes them; slots past Z stay dotted."""
    assert address.format(PortNotation.LETTERED) == lettered
    assert address.format(PortNotation.DOTTED) == dotted
    assert str(address) == lettered


def test_port_only_drops_the_slot() -> None:
    """The whole port of a SIM slot is the port number alone."""
    assert PortAddress.parse("4C").port_only == PortAddress(port=4)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["1A", "2B", *[str(port) for port in range(4, 33)]], "1A,2B,4-32"),
        (["3", "1", "2"], "1-3"),
        (["5", "7"], "5,7"),
        (["2B", "1A", "1B"], "1A,1B,2B"),
        (["1.02", "1B"], "1B"),
        (["4", "4C", "5"], "4-5"),
        (["10", "9", "11", "2.sp1.003"], "2.sp1.003,9-11"),
        (["16.27"], "16.27"),
    ],
)
def test_ports_expression_is_compact(texts: list[str], expected: str) -> None:
    """A set of addresses becomes the shortest ports string: ranges collapsed, no repeats."""
    assert ports_expression(PortAddress.parse(text) for text in texts) == expected


addresses = st.one_of(
    st.builds(PortAddress, port=st.integers(1, 512)),
    st.builds(PortAddress, port=st.integers(1, 512), slot=st.integers(1, 99)),
    st.builds(
        PortAddress,
        port=st.integers(1, 512),
        slot=st.integers(1, 999),
        bank=st.from_regex(r"sp[0-9]{1,4}", fullmatch=True),
    ),
)


@given(address=addresses, notation=st.sampled_from(PortNotation))
def test_notation_round_trips(address: PortAddress, notation: PortNotation) -> None:
    """Any address written in either notation reads back as the same address."""
    assert PortAddress.parse(address.format(notation)) == address


@given(st.sets(addresses, min_size=1, max_size=40))
def test_ports_expression_names_exactly_the_given_ports(
    chosen: set[PortAddress],
) -> None:
    """Expanding a ports string gives back every address, and whole ports cover their slots."""
    expanded: set[PortAddress] = set()
    for part in ports_expression(chosen).split(","):
        first, dash, last = part.partition("-")
        if dash:
            expanded |= {
                PortAddress(port=port) for port in range(int(first), int(last) + 1)
            }
        else:
            expanded.add(PortAddress.parse(part))
    whole = {address.port for address in chosen if address.slot is None}
    assert expanded == {a for a in chosen if a.slot is None or a.port not in whole}


def parse_by_patterns(text: str) -> PortAddress:
    """Read an address with the regular expressions alone, as before the fast path."""
    value = text.strip()
    if match := re.fullmatch(r"([0-9]+)\.([0-9]+)", value):
        return PortAddress(port=int(match[1]), slot=int(match[2]))
    if match := re.fullmatch(r"([0-9]+)([A-Za-z])", value):
        slot = string.ascii_uppercase.index(match[2].upper()) + 1
        return PortAddress(port=int(match[1]), slot=slot)
    if match := re.fullmatch(r"([0-9]+)", value):
        return PortAddress(port=int(match[1]))
    if match := re.fullmatch(r"([0-9]+)\.([A-Za-z]+[0-9]*)\.([0-9]+)", value):
        return PortAddress(port=int(match[1]), slot=int(match[3]), bank=match[2])
    raise ValueError(text)


address_texts = (
    st.from_regex(
        r"\s?[0-9]{1,4}(\.[0-9]{1,4}|[A-Za-z]|\.sp[0-9]{1,3}\.[0-9]{1,4})?\s?",
        fullmatch=True,
    )
    | st.from_regex(r"[0-9²٣.AZaz\s]{0,6}", fullmatch=True)
    | st.text(max_size=8)
)


@given(text=address_texts)
def test_the_fast_parse_reads_as_the_patterns_do(text: str) -> None:
    """Any text reads as the same address, or is refused, with or without the patterns."""
    try:
        expected = parse_by_patterns(text)
    except ValueError:
        with pytest.raises(ValueError, match=r"."):
            PortAddress.parse(text)
    else:
        parsed = PortAddress.parse(text)
        assert parsed == expected
        assert vars(parsed) == vars(expected)
