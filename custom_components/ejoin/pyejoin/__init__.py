"""Ejoin gateway protocol: reports, port addresses and the HTTP API.

No Home Assistant code lives here; the package could be published on its own, and its
tests run without Home Assistant installed.

Its modules import one way, each only from those before it:
``exceptions``, ``ports`` → ``bodies`` (JSON decoding), ``port_state`` → ``models`` →
``wire`` (the wire names and request builders) → ``values`` (value readers) →
``merge``, ``sms``, ``port_readers`` (plans for reading plain port objects) →
``port_objects`` → ``reports`` (one parser per report type) → ``replies`` →
``transport`` (requests carried, the password kept out of errors) → ``client`` (the
endpoints).

``__all__`` is what a user of the package needs: what the integration imports, and the
types its public functions take or return that the integration does not name.
"""

from .bodies import load_json_object
from .client import EjoinClient
from .exceptions import (
    EjoinAuthenticationError,
    EjoinCommandError,
    EjoinConnectionError,
    EjoinError,
    EjoinMalformedReplyError,
    EjoinMalformedReportError,
    EjoinNoAnswerError,
)
from .merge import (
    ADDRESS,
    changed_fields,
    is_another_sim,
    merge_port_state,
    names_working_slot,
    same_slot,
    working_state,
)
from .models import (
    CallDirection,
    CallRecord,
    DataService,
    DeliveryReport,
    DeviceStatusReport,
    PortStatusReport,
    QueuedSmsTask,
    ReceivedSms,
    Report,
    ReportProblem,
    SmsReceivedReport,
    SmsSentReport,
    SmsTask,
    SmsTaskQueue,
    StoredSms,
    TaskProgress,
    TaskProgressReport,
    TaskStatus,
    UnknownReport,
)
from .port_objects import PortMemory
from .port_state import (
    PORT_FIELDS,
    Counter,
    CounterPeriods,
    DataUsage,
    PortState,
    PortStatus,
)
from .ports import PortAddress, ports_expression
from .reports import parse_report
from .values import shortened
from .wire import Command, CommandOp, RedialMode

__all__ = [
    "ADDRESS",
    "PORT_FIELDS",
    "CallDirection",
    "CallRecord",
    "Command",
    "CommandOp",
    "Counter",
    "CounterPeriods",
    "DataService",
    "DataUsage",
    "DeliveryReport",
    "DeviceStatusReport",
    "EjoinAuthenticationError",
    "EjoinClient",
    "EjoinCommandError",
    "EjoinConnectionError",
    "EjoinError",
    "EjoinMalformedReplyError",
    "EjoinMalformedReportError",
    "EjoinNoAnswerError",
    "PortAddress",
    "PortMemory",
    "PortState",
    "PortStatus",
    "PortStatusReport",
    "QueuedSmsTask",
    "ReceivedSms",
    "RedialMode",
    "Report",
    "ReportProblem",
    "SmsReceivedReport",
    "SmsSentReport",
    "SmsTask",
    "SmsTaskQueue",
    "StoredSms",
    "TaskProgress",
    "TaskProgressReport",
    "TaskStatus",
    "UnknownReport",
    "changed_fields",
    "is_another_sim",
    "load_json_object",
    "merge_port_state",
    "names_working_slot",
    "parse_report",
    "ports_expression",
    "same_slot",
    "shortened",
    "working_state",
]
