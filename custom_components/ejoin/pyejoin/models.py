"""What the gateway reports, as typed objects with clear names.

The wire names (``st``, ``opr``, ``mcn_tot`` …) are mapped to these names in one place,
:mod:`.reports`; nothing else needs to know them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from datetime import datetime

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


class CallDirection(StrEnum):
    """Which way a call went, seen from the gateway's mobile side."""

    # The vendor's document defines "MT" as outgoing and "MO" as incoming.
    OUTGOING = "MT"
    INCOMING = "MO"


@dataclass(frozen=True, kw_only=True)
class ReportProblem:
    """Something in a report that was skipped or could not be read, and why.

    ``key`` names the wire field whose value could not be read, when it was one field.
    """

    item: str
    reason: str
    key: str | None = field(default=None, compare=False)  # derived from the item

    def __str__(self) -> str:
        """Say what was wrong, in one line."""
        return f"{self.item}: {self.reason}"


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
        "sequence",
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
    sequence: int | None = None
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


@dataclass(frozen=True, kw_only=True)
class Report:
    """Common part of every report: its type and what had to be skipped."""

    type: str
    problems: tuple[ReportProblem, ...] = ()
    unknown_keys: frozenset[str] = frozenset()


@dataclass(frozen=True, kw_only=True)
class DeviceStatusReport(Report):
    """``dev-status``: the whole gateway, sent every report period."""

    sequence: int | None = None
    expires: int | None = None
    mac: str | None = None
    ip: str | None = None
    firmware: str | None = None
    max_ports: int | None = None
    max_slots: int | None = None
    ports: tuple[PortState, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PortStatusReport(Report):
    """``port-status``: one port changed. ``port`` is None when it could not be read."""

    port: PortState | None = None


@dataclass(frozen=True, kw_only=True)
class ReceivedSms:
    """A text message the gateway received.

    A message is never dropped for an odd field of its row: what could not be read is
    None (``address``, ``received_at``, ``sender``, ``recipient``).
    """

    address: PortAddress | None
    received_at: datetime | None  # None when the gateway gave no (readable) time
    sender: str | None
    recipient: str | None
    text: str
    smsc: str | None = None
    scts: str | None = None  # the service centre's time stamp, as the envelope gives it
    time_text: str | None = None  # the row's time as sent, when it could not be read


@dataclass(frozen=True, kw_only=True)
class DeliveryReport:
    """The network's report that an SMS sent earlier was (or was not) delivered.

    ``status_code`` is None when the report is not in the ``"<code> <time>"`` form;
    what it said is then kept as ``content``.
    """

    address: PortAddress | None
    received_at: datetime | None
    smsc: str | None
    recipient: str | None
    status_code: int | None
    operator_time: str | None = None
    content: str | None = None  # the report as it came, when it is not in that form
    time_text: str | None = None  # the row's time as sent, when it could not be read

    @property
    def delivered(self) -> bool | None:
        """Whether the network says the message arrived; None when it is not known."""
        return None if self.status_code is None else self.status_code == 0


@dataclass(frozen=True, kw_only=True)
class SmsReceivedReport(Report):
    """``recv-sms``: received messages and delivery reports."""

    remote_sim: bool = False
    messages: tuple[ReceivedSms, ...] = ()
    delivery_reports: tuple[DeliveryReport, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SmsSentReport(Report):
    """``sent-sms``: the gateway sent (or failed to send) one SMS of a task."""

    mac: str | None = None
    address: PortAddress | None = None
    task_id: int | None = None
    status_code: int | None = None
    status_text: str | None = None
    sent_at: datetime | None = None
    duration_ms: int | None = None
    recipient: str | None = None
    smsc: str | None = None
    text: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the gateway reports the SMS as sent."""
        return self.status_code == 0


@dataclass(frozen=True, kw_only=True)
class CallRecord(Report):
    """``cdr``: a call record; sent at the end of a call and every minute during one."""

    mac: str | None = None
    address: PortAddress | None = None
    call_id: str | None = None
    direction: CallDirection | None = None
    caller: str | None = None
    callee: str | None = None
    started_at: datetime | None = None
    alerted_at: datetime | None = None
    answered_at: datetime | None = None
    updated_at: datetime | None = None
    ended_at: datetime | None = None
    hangup_code: int | None = None
    hangup_reason: str | None = None
    module_hangup_code: int | None = None
    module_hangup_reason: str | None = None
    port: PortState | None = None

    @property
    def finished(self) -> bool:
        """Whether the call is over (per-minute updates of a live call are not)."""
        return self.ended_at is not None

    @property
    def duration_seconds(self) -> int:
        """Talk time: from answer to end, 0 for a call that was not answered."""
        if self.answered_at is None or self.ended_at is None:
            return 0
        return max(int((self.ended_at - self.answered_at).total_seconds()), 0)


@dataclass(frozen=True, kw_only=True)
class SentRecipient:
    """A recipient of an SMS task that got its message (``sdr`` row)."""

    index: int
    number: str
    address: PortAddress | None
    sent_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class FailedRecipient:
    """A recipient of an SMS task that did not get its message (``fdr`` row)."""

    index: int
    number: str
    address: PortAddress | None
    failed_at: datetime | None
    reason: str | None = None
    carrier_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class TaskProgress:
    """Progress of one SMS task. Rows hold only what is new since the last report."""

    task_id: int
    sending: int = 0
    sent: int = 0
    failed: int = 0
    unsent: int = 0
    sent_to: tuple[SentRecipient, ...] = ()
    failed_to: tuple[FailedRecipient, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TaskProgressReport(Report):
    """``status-report``: progress of SMS tasks."""

    tasks: tuple[TaskProgress, ...] = ()


@dataclass(frozen=True, kw_only=True)
class UnknownReport(Report):
    """A report of a type this package does not know; the body is kept as it came."""

    body: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class TaskStatus:
    """The gateway's verdict on one SMS task it was given."""

    task_id: int
    code: int
    reason: str

    @property
    def accepted(self) -> bool:
        """Whether the gateway took the task (code 0)."""
        return self.code == 0


@dataclass(frozen=True, kw_only=True)
class StoredSms:
    """A page of the gateway's SMS store, read with ``goip_get_sms.html``."""

    ssrc: str
    next_index: int
    messages: tuple[ReceivedSms, ...] = ()
    delivery_reports: tuple[DeliveryReport, ...] = ()
    problems: tuple[ReportProblem, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SmsTask:
    """One SMS task to hand to the gateway: a text for one or more recipients."""

    task_id: int
    recipients: tuple[str, ...]
    text: str
    ports: str | None = None  # a ports expression; None lets the gateway choose
    delivery_report: bool = False
    interval_ms: int = 0
    timeout_s: int = 30


@dataclass(frozen=True, kw_only=True)
class Statistics:
    """Rows of ``goip_get_sms_stat.html`` or ``goip_get_call_stat.html``, as the gateway sent them."""

    count: int
    rows: tuple[dict[str, Any], ...] = ()
