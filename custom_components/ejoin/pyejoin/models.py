"""What the gateway reports and answers, and the SMS tasks handed to it, as typed objects.

The state of a port, which several reports carry, is in :mod:`.port_state`; the wire
names of every field are mapped to these names in :mod:`.wire` and the readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from .port_state import PortState
    from .ports import PortAddress


class CallDirection(StrEnum):
    """Which way a call went, seen from the gateway's mobile side."""

    # The vendor's document defines "MT" as outgoing and "MO" as incoming.
    OUTGOING = "MT"
    INCOMING = "MO"


@dataclass(frozen=True, kw_only=True)
class ReportProblem:
    """Something in a report that was skipped or could not be read, and why.

    ``key`` names the wire field whose value could not be read, when it was one field.
    ``item`` and ``reason`` never hold the value itself: that may be a phone number, an
    SMS text or a stranger's megabyte, and a problem is logged. ``value`` holds it, cut
    short, for a debug log.
    """

    item: str
    reason: str
    key: str | None = field(default=None, compare=False)  # derived from the item
    value: str | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        """Say what was wrong, in one line, without the value."""
        return f"{self.item}: {self.reason}"

    @property
    def detail(self) -> str:
        """Say what was wrong with the value (shortened), for a debug log only."""
        return str(self) if self.value is None else f"{self}: {self.value}"


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
    """``port-status``: one port changed. ``port`` is None when it could not be read.

    Some firmware names the gateway (``mac``), as a ``dev-status`` does; most does not.
    """

    port: PortState | None = None
    mac: str | None = None


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
    """The gateway's verdict on one SMS task it was given, paused, resumed or removed."""

    task_id: int
    code: int
    reason: str

    @property
    def accepted(self) -> bool:
        """Whether the gateway did as asked with the task (code 0)."""
        return self.code == 0


@dataclass(frozen=True, kw_only=True)
class QueuedSmsTask:
    """An SMS task the gateway has not finished, as ``goip_get_tasks.html`` lists it."""

    task_id: int
    state: int | None  # 0 waiting or sending, 1 paused; None when not said
    ports: str | None  # the task's ``from`` as given; None: the gateway chose
    recipients: tuple[str, ...]
    charset: str | None = None  # "utf8" or "base64", as the task was given
    coding: int | None = None
    text: str | None = None  # as given (base64 with that charset); only when asked for

    @property
    def paused(self) -> bool:
        """Whether the task is paused (suspended): it sends nothing until resumed."""
        return self.state == 1


@dataclass(frozen=True, kw_only=True)
class SmsTaskQueue:
    """A page of one port's unfinished SMS tasks, from ``goip_get_tasks.html``."""

    port: int
    total: int  # the port's unfinished tasks, on every page
    tasks: tuple[QueuedSmsTask, ...] = ()
    problems: tuple[ReportProblem, ...] = ()  # rows that could not be read


@dataclass(frozen=True, kw_only=True)
class DataService:
    """Whether mobile data is on, as the gateway answers ``data_service_enable``.

    Proxy firmware answers for each port (``ports``, by port number, and takes it port
    by port); a firmware that answers one value has it for the whole gateway.
    """

    ports: dict[int, bool] = field(default_factory=dict)
    gateway: bool | None = None

    @property
    def per_port(self) -> bool:
        """Whether the gateway answered port by port."""
        return bool(self.ports)


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
