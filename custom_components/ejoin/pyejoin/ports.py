"""Port addresses: which port, which SIM slot, and for remote SIM banks which pool.

Gateways write the same address in several ways, sometimes mixed inside one report:
``"1.01"`` (port.slot), ``"1A"`` (slot as a letter), ``"3"`` (a port alone) and, for
remote SIM banks, ``"12.sp256.101"`` (port.pool.slot).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

# ASCII digits only: int() would also read Arabic-Indic or full-width digits.
_DOTTED = re.compile(r"^([0-9]+)\.([0-9]+)$")
_LETTERED = re.compile(r"^([0-9]+)([A-Za-z])$")
_BARE = re.compile(r"^([0-9]+)$")
_BANKED = re.compile(r"^([0-9]+)\.([A-Za-z]+[0-9]*)\.([0-9]+)$")

# Far above any gateway made (64 ports, slots up to three digits in a SIM bank), yet
# low enough that a report cannot conjure up millions of ports or slots.
MAX_PORT = 512
MAX_SLOT = 999
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class PortNotation(StrEnum):
    """How a gateway writes the slot of an address."""

    DOTTED = "dotted"  # 1.01
    LETTERED = "lettered"  # 1A


@dataclass(frozen=True, kw_only=True)
class PortAddress:
    """A port, optionally narrowed to one SIM slot, optionally of a remote SIM bank pool."""

    port: int
    slot: int | None = None
    bank: str | None = None

    def __post_init__(self) -> None:
        """Refuse addresses no gateway could mean."""
        if not 1 <= self.port <= MAX_PORT:
            raise ValueError(f"port must be 1 to {MAX_PORT}, not {self.port}")
        if self.slot is not None and not 1 <= self.slot <= MAX_SLOT:
            raise ValueError(f"slot must be 1 to {MAX_SLOT}, not {self.slot}")
        if self.bank is not None and self.slot is None:
            raise ValueError("a SIM bank address needs a slot")

    @classmethod
    def parse(cls, text: str) -> PortAddress:
        """Read an address in any of the gateway's notations."""
        value = text.strip()
        # The notations of nearly every report, read without a regular expression.
        if value.isascii():
            head, dot, tail = value.partition(".")
            if head.isdigit():
                if not dot:
                    return cls._checked(int(head), None)
                if tail.isdigit():
                    return cls._checked(int(head), int(tail))
            elif value[:-1].isdigit() and value[-1:].isalpha():
                slot = _LETTERS.index(value[-1].upper()) + 1
                return cls._checked(int(value[:-1]), slot)
        if match := _DOTTED.match(value):
            return cls(port=int(match[1]), slot=int(match[2]))
        if match := _LETTERED.match(value):
            return cls(port=int(match[1]), slot=_LETTERS.index(match[2].upper()) + 1)
        if match := _BARE.match(value):
            return cls(port=int(match[1]))
        if match := _BANKED.match(value):
            return cls(port=int(match[1]), slot=int(match[3]), bank=match[2])
        raise ValueError(f"not a port address: {text!r}")

    @classmethod
    def _checked(cls, port: int, slot: int | None) -> PortAddress:
        """Build an address without a bank, as the constructor does, in a third of its time.

        A first report reads hundreds of addresses; the constructor of a frozen
        dataclass sets each field through ``object.__setattr__``.
        """
        if 1 <= port <= MAX_PORT and (slot is None or 1 <= slot <= MAX_SLOT):
            address = object.__new__(cls)
            address.__dict__.update({"port": port, "slot": slot, "bank": None})
            return address
        return cls(port=port, slot=slot)  # refused, with the constructor's reason

    @property
    def port_only(self) -> PortAddress:
        """The whole port this address belongs to."""
        return PortAddress(port=self.port)

    def format(self, notation: PortNotation = PortNotation.LETTERED) -> str:
        """Write the address the way the gateway expects it.

        Slots past Z, and SIM bank addresses, have only the dotted form.
        """
        if self.slot is None:
            return str(self.port)
        if self.bank is not None:
            return f"{self.port}.{self.bank}.{self.slot:03d}"
        if notation is PortNotation.LETTERED and self.slot <= len(_LETTERS):
            return f"{self.port}{_LETTERS[self.slot - 1]}"
        return f"{self.port}.{self.slot:02d}"

    def __str__(self) -> str:
        """Show the address in the lettered form users see on the gateway's web page."""
        return self.format()


def ports_expression(addresses: Iterable[PortAddress]) -> str:
    """Build the compact ``ports`` string of a command, such as ``"1A,2B,4-32"``.

    Whole ports that follow each other collapse into ranges; addresses with a slot are
    listed one by one. An address with a slot is dropped when its whole port is listed.
    """
    unique = set(addresses)
    whole = sorted({address.port for address in unique if address.slot is None})
    parts: list[tuple[int, int, str]] = [
        (address.port, address.slot or 0, address.format())
        for address in unique
        if address.slot is not None and address.port not in whole
    ]
    runs: list[list[int]] = []
    for port in whole:
        if runs and port == runs[-1][-1] + 1:
            runs[-1].append(port)
        else:
            runs.append([port])
    parts += [
        (run[0], 0, str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
        for run in runs
    ]
    return ",".join(text for _, _, text in sorted(parts))
