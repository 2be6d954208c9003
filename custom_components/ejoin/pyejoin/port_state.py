"""The state of one port (or one SIM slot of a port), as typed objects with clear names.

The wire names (``st``, ``opr``, ``mcn_tot`` …) are mapped to these names in one place,
:mod:`.wire`; nothing else needs to know them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .ports import PortAddress


def build_frozen[T](cls: type[T], values: dict[str, Any]) -> T:
    """Create a frozen dataclass instance from a value for every one of its fields.

    The generated ``__init__`` of a frozen dataclass sets each field through
    ``object.__setattr__``, which makes a 23-field port state cost about 10 µs; a report
    of a 64-port, 8-slot gateway holds 512 of them. Filling ``__dict__`` at once gives
    the same object for a tenth of the time. Only the report parser, which always
    supplies every field, uses this; tests compare its results with the constructor.
    """
    instance = object.__new__(cls)
    instance.__dict__.update(values)
    return instance


class PortStatus(IntEnum):
    """The status codes a gateway reports for a port (``st``)."""

    NO_SIM = 0
    IDLE_SIM = 1
    REGISTERING = 2
    REGISTERED = 3
    CALL_CONNECTED = 4
    NO_BALANCE = 5
    REGISTER_FAILED = 6
    LOCKED_BY_DEVICE = 7
    LOCKED_BY_OPERATOR = 8
    SIM_ERROR = 9
    CARD_DETECTED = 11
    USER_LOCKED = 12
    INTER_CALLING = 13
    INTER_CALLING_HOLDING = 14
    ACCESSING_NETWORK = 15  # on proxy firmware: "dial successful", data is up
    MODULE_TIMEOUT = 16


# The SIM is on the mobile network: registered, in a call, or (15) with its data
# connection up, the working state of a data port on proxy firmware.
ON_NETWORK_STATUSES: frozenset[int] = frozenset(
    {
        PortStatus.REGISTERED,
        PortStatus.CALL_CONNECTED,
        PortStatus.INTER_CALLING,
        PortStatus.INTER_CALLING_HOLDING,
        PortStatus.ACCESSING_NETWORK,
    }
)
# Idle on the network: the vendor says to redial only a port in one of these.
REDIALABLE_STATUSES: frozenset[int] = frozenset(
    {PortStatus.REGISTERED, PortStatus.ACCESSING_NETWORK}
)


@dataclass(frozen=True, kw_only=True)
class Counter:
    """A ``"used/limit"`` counter; ``limit`` is None when unlimited (``-1``)."""

    used: int
    limit: int | None = None

    @property
    def remaining(self) -> int | None:
        """What is left before the limit, or None when unlimited."""
        return None if self.limit is None else max(self.limit - self.used, 0)


@dataclass(frozen=True, kw_only=True)
class CounterPeriods:
    """One counter for the running total, this month and today."""

    total: Counter | None = None
    month: Counter | None = None
    day: Counter | None = None


@dataclass(frozen=True, kw_only=True)
class Operator:
    """The mobile network a SIM is registered on."""

    code: str | None = None  # MCC and MNC together, for example "46000"
    name: str | None = None

    @property
    def mcc(self) -> str | None:
        """Mobile country code: the first three digits of the code."""
        return self.code[:3] if self.code else None

    @property
    def mnc(self) -> str | None:
        """Mobile network code: the digits after the country code."""
        return self.code[3:] if self.code else None


@dataclass(frozen=True, kw_only=True)
class DataUsage:
    """Mobile data used by a port, in megabytes."""

    total: float | None = None
    day: float | None = None
    last_24_hours: float | None = None
    last_hour: float | None = None
    last_session: float | None = None
    last_url: str | None = None


COUNTER_GROUPS: Final = ("call_minutes", "call_numbers", "talk_numbers", "sms_sent")
COUNTER_PERIODS: Final = ("total", "month", "day")
DATA_FIELDS: Final = (
    "total",
    "day",
    "last_24_hours",
    "last_hour",
    "last_session",
    "last_url",
)
# Every field a report can say something about, by name: a top-level attribute of
# PortState, or "group.attribute" for one value of a counter group or of data usage.
PORT_FIELDS: Final[frozenset[str]] = frozenset(
    {
        "status_code",
        "status_text",
        "sim",
        "active",
        "inserted",
        "slot_active",
        "led",
        "balance",
        "operator",
        "signal",
        "sim_number",
        "imei",
        "imsi",
        "iccid",
        *(
            f"{group}.{period}"
            for group in COUNTER_GROUPS
            for period in COUNTER_PERIODS
        ),
        *(f"data.{name}" for name in DATA_FIELDS),
    }
)


@dataclass(frozen=True, kw_only=True)
class PortState:
    """Everything a report says about one port (or one SIM slot of a port)."""

    address: PortAddress
    status_code: int | None = None
    status_text: str | None = None
    sim: str | None = None
    active: bool | None = None
    inserted: bool | None = None
    slot_active: bool | None = None
    led: int | None = None
    balance: float | None = None
    operator: Operator | None = None
    signal: int | None = None
    sim_number: str | None = None
    imei: str | None = None
    imsi: str | None = None
    iccid: str | None = None
    call_minutes: CounterPeriods = field(default_factory=CounterPeriods)
    call_numbers: CounterPeriods = field(default_factory=CounterPeriods)
    talk_numbers: CounterPeriods = field(default_factory=CounterPeriods)
    sms_sent: CounterPeriods = field(default_factory=CounterPeriods)
    data: DataUsage = field(default_factory=DataUsage)
    unknown_keys: frozenset[str] = frozenset()
    # The fields the report carried (see PORT_FIELDS): a field it did not carry says
    # nothing, and merging keeps what was known (see merge.py). Built by hand, a state
    # carries every field. Not part of equality: it says how a state was learned.
    carried: frozenset[str] = field(default=PORT_FIELDS, compare=False)

    @property
    def status(self) -> PortStatus | None:
        """The status as a known code, or None when the code is unknown or missing."""
        if self.status_code is None:
            return None
        try:
            return PortStatus(self.status_code)
        except ValueError:
            return None

    @property
    def registered(self) -> bool:
        """Whether the SIM is on the network (a call, or a data connection, counts)."""
        return self.status_code in ON_NETWORK_STATUSES

    @property
    def redialable(self) -> bool:
        """Whether the port is idle on the network, the only state to redial from."""
        return self.status_code in REDIALABLE_STATUSES
