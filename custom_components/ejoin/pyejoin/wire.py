"""The gateway's wire vocabulary, and the requests built from it.

Every name the gateway puts on the wire lives here: the keys of each report type and of
a port object (with the :class:`.PortState` fields each carries), the endpoints and
their reply codes, the command operations, and the queries and bodies of requests. The
client sends what the builders at the end of this module return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from functools import lru_cache
import json
from typing import Any, Final
from urllib.parse import quote

from .models import SmsTask
from .port_state import COUNTER_PERIODS
from .ports import PortAddress, ports_expression

# --- reports ---------------------------------------------------------------------------

PORT_KEYS: Final = frozenset(
    {
        "port", "sim", "seq", "st", "status", "active", "inserted", "slot_active",
        "led", "bal", "opr", "sig", "sn", "imei", "imsi", "iccid",
        "tot_dur", "mon_dur", "day_dur", "mcn_tot", "mcn_mon", "mcn_day",
        "mtn_tot", "mtn_mon", "mtn_day", "smsctl_tot", "smsctl_mon", "smsctl_day",
        "dataflow_tot", "dataflow_day", "dataflow_24hours", "dataflow_1hour",
        "dataflow_last", "dataflow_url",
    }
)  # fmt: skip
DEV_STATUS_KEYS: Final = frozenset(
    {
        "type",
        "seq",
        "expires",
        "mac",
        "ip",
        "ver",
        "max-ports",
        "max-slot",
        "max-slots",
        "status",
    }
)
RECV_SMS_KEYS: Final = frozenset({"type", "sms_num", "sms", "sim_src"})
SENT_SMS_KEYS: Final = frozenset(
    {
        "type", "mac", "sim_src", "port", "seq", "sms_tid", "src_type", "src_ip",
        "src_port", "status", "time", "dur", "recver", "receiver", "smsc", "charset", "data",
    }
)  # fmt: skip
CDR_KEYS: Final = frozenset(
    {
        "type", "mac", "ip", "sip_usr", "cid", "cdir", "caller", "callee", "begin",
        "alert", "answer", "update", "end", "reason", "gw_reason",
    }
)  # fmt: skip
CDR_ONLY_KEYS: Final = CDR_KEYS - PORT_KEYS
STATUS_REPORT_KEYS: Final = frozenset({"type", "rpt_num", "rpts"})
ENVELOPE_HEADERS: Final = frozenset({"sender", "receiver", "smsc", "scts"})
# The values of an SMS row, by the names its problems are described with.
SMS_ROW_KEYS: Final = ("flag", "port", "time", "from", "to", "content")

# Port object fields: wire key and attribute name, grouped by how they are read.
PORT_TEXTS: Final = (
    ("sim", "sim"),
    ("sn", "sim_number"),
    ("imei", "imei"),
    ("imsi", "imsi"),
    ("iccid", "iccid"),
)
# "seq" is not read: it counts every object a gateway sends, so it says nothing of the
# port, and would make every object differ from the port's last one.
PORT_INTEGERS: Final = (("led", "led"), ("sig", "signal"))
PORT_FLAGS: Final = (
    ("active", "active"),
    ("inserted", "inserted"),
    ("slot_active", "slot_active"),
)
DATA_NUMBERS: Final = (
    ("dataflow_tot", "total"),
    ("dataflow_day", "day"),
    ("dataflow_24hours", "last_24_hours"),
    ("dataflow_1hour", "last_hour"),
    ("dataflow_last", "last_session"),
)
PORT_COUNTERS: Final = (
    ("call_minutes", ("tot_dur", "mon_dur", "day_dur")),
    ("call_numbers", ("mcn_tot", "mcn_mon", "mcn_day")),
    ("talk_numbers", ("mtn_tot", "mtn_mon", "mtn_day")),
    ("sms_sent", ("smsctl_tot", "smsctl_mon", "smsctl_day")),
)


# Which PortState fields each wire key of a port object carries (port_state.PORT_FIELDS).
WIRE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "st": ("status_code", "status_text"),
    **{key: (name,) for key, name in PORT_TEXTS + PORT_INTEGERS + PORT_FLAGS},
    "opr": ("operator",),
    "bal": ("balance",),
    **{key: (f"data.{name}",) for key, name in DATA_NUMBERS},
    "dataflow_url": ("data.last_url",),
    **{
        key: (f"{group}.{period}",)
        for group, keys in PORT_COUNTERS
        for key, period in zip(keys, COUNTER_PERIODS, strict=True)
    },
}


@lru_cache(maxsize=256)
def carried_fields(keys: tuple[str, ...]) -> frozenset[str]:
    """Name the fields a port object with these keys carries; memoised by its keys.

    The status is under ``st``, or under ``status`` in the proxy firmware's
    ``port-status`` (never both).
    """
    status_key = "st" if "st" in keys else "status"
    return frozenset(
        name
        for key in keys
        for name in WIRE_FIELDS.get("st" if key == status_key else key, ())
    )


# --- endpoints and replies ---------------------------------------------------------------

STATUS_PATH: Final = "goip_get_status.html"
COMMAND_PATH: Final = "goip_send_cmd.html"
SEND_SMS_PATH: Final = "goip_post_sms.html"
READ_SMS_PATH: Final = "goip_get_sms.html"
TASKS_PATH: Final = "goip_get_tasks.html"
PAUSE_SMS_PATH: Final = "goip_pause_sms.html"
RESUME_SMS_PATH: Final = "goip_resume_sms.html"
REMOVE_SMS_PATH: Final = "goip_remove_sms.html"
TASKS_VERSION: Final = "1.1"  # the version of the task list goip_get_tasks.html speaks
DATA_SERVICE: Final = "data_service_enable"  # 0/1; proxy firmware: per port, name(n)
JSON_CONTENT_TYPE: Final = "application/json;charset=utf-8"
TEXT_CONTENT_TYPE: Final = "text/plain;charset=utf-8"
SUCCESS_CODES: Final = frozenset({0, 200})
AUTH_TASK_CODES: Final = frozenset({1, 14})  # "Invalid User", "Unauthorized"
# Reply codes that refuse the login whatever the reason says: 14 and the HTTP ones.
AUTH_REPLY_CODES: Final = frozenset({14, 401, 403})


class CommandOp(StrEnum):
    """Operations of ``goip_send_cmd.html``."""

    LOCK = "lock"
    UNLOCK = "unlock"
    SWITCH = "switch"
    RESET = "reset"
    REDIAL = "redial"
    SAVE = "save"
    REBOOT = "reboot"
    LED_ON = "ledon"
    LED_OFF = "ledoff"


class RedialMode(IntEnum):
    """How a port redials."""

    FLIGHT = 0  # the SIM re-registers; the public IP usually changes
    FAST = 1  # the data session is redialled without re-registering


# --- requests ----------------------------------------------------------------------------

type Ports = str | Iterable[PortAddress]
"""Ports of a command: ``"all"``, a ready ``ports`` string, or addresses."""


@dataclass(frozen=True, kw_only=True)
class Command:
    """One operation on some ports, as one entry of a command request."""

    op: CommandOp
    ports: str | None = None
    mode: RedialMode | None = None
    delay: int | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the command as the gateway's JSON names it."""
        body: dict[str, Any] = {"op": str(self.op)}
        if self.ports is not None:
            body["ports"] = self.ports
        if self.mode is not None:
            body["mode"] = int(self.mode)
        if self.delay is not None:
            body["delay"] = self.delay
        return body


@dataclass(frozen=True, kw_only=True)
class Request:
    """One request to the gateway, without the credentials the client puts first.

    A query value of None is sent as a bare name (``op=get&sms_url``). A request with
    a body is a POST, one without a GET.
    """

    path: str
    query: tuple[tuple[str, str | None], ...] = ()
    body: bytes | None = None
    content_type: str | None = None


def ports_text(ports: Ports, *, whole_ports: bool = False) -> str:
    """Turn a ports argument into the gateway's ``ports`` string.

    ``whole_ports`` drops slots (``reset`` acts on the module, not on a SIM).
    """
    if isinstance(ports, str):
        if not ports.strip():
            raise ValueError("a command needs at least one port")
        return ports.strip()
    addresses = [address.port_only if whole_ports else address for address in ports]
    if not addresses:
        raise ValueError("a command needs at least one port")
    return ports_expression(addresses)


def sim_number_index(address: PortAddress, slots_per_port: int) -> int:
    """Index of a SIM in ``sim_number(n)``: ``(port - 1) * slots + (slot - 1)``."""
    if address.slot is None or not 1 <= address.slot <= slots_per_port:
        raise ValueError(f"{address} is not a SIM slot of a {slots_per_port}-slot port")
    return (address.port - 1) * slots_per_port + address.slot - 1


def _json_request(path: str, body: Mapping[str, Any]) -> Request:
    """Build a POST of a JSON body."""
    return Request(
        path=path,
        # UTF-8 on the wire, as "chs": "utf8" promises, not \u escapes.
        body=json.dumps(body, ensure_ascii=False).encode(),
        content_type=JSON_CONTENT_TYPE,
    )


def status_request(
    *,
    report_url: str | None = None,
    period: int | None = None,
    all_sims: bool | None = None,
) -> Request:
    """Ask for the status; optionally say where and how often to report."""
    query: list[tuple[str, str | None]] = []
    if report_url is not None:
        query.append(("url", report_url))
    if period is not None:
        query.append(("period", str(period)))
    if all_sims is not None:
        query.append(("all_sims", "1" if all_sims else "0"))
    return Request(path=STATUS_PATH, query=tuple(query))


def command_request(commands: Sequence[Command]) -> Request:
    """Run commands in one request (``multiple`` when there are several)."""
    if not commands:
        raise ValueError("no command to send")
    if len(commands) == 1:
        body = {"type": "command", **commands[0].as_json()}
    else:
        body = {
            "type": "command",
            "op": "multiple",
            "ops": [command.as_json() for command in commands],
        }
    return _json_request(COMMAND_PATH, body)


def get_request(names: Sequence[str]) -> Request:
    """Read parameters with ``op=get``: their names are bare query names."""
    if not names:
        raise ValueError("name at least one parameter")
    return Request(
        path=COMMAND_PATH, query=(("op", "get"), *((name, None) for name in names))
    )


def set_request(values: Mapping[str, str | int]) -> Request:
    """Change parameters with ``op=set``, the values in the query."""
    if not values:
        raise ValueError("name at least one parameter")
    return Request(
        path=COMMAND_PATH,
        query=(("op", "set"), *((name, str(value)) for name, value in values.items())),
    )


def sim_numbers_request(
    numbers: Mapping[PortAddress, str], slots_per_port: int
) -> Request:
    """Store the phone numbers of SIMs: ``op=set`` with ``sim_number(n)=`` in the body."""
    if not numbers:
        raise ValueError("no SIM number to set")
    # A text/plain body, not a form: "+" stays "+" (quote only what would split it).
    body = "&".join(
        f"sim_number({sim_number_index(address, slots_per_port)})="
        + quote(number, safe="+")
        for address, number in numbers.items()
    )
    return Request(
        path=COMMAND_PATH,
        query=(("op", "set"),),
        body=body.encode(),
        content_type=TEXT_CONTENT_TYPE,
    )


def _task_json(task: SmsTask) -> dict[str, Any]:
    """One SMS task as the gateway's JSON names it."""
    body: dict[str, Any] = {
        "tid": task.task_id,
        "to": ",".join(task.recipients),
        "sms": task.text,
        "chs": "utf8",
        "smstype": 0,
        "intvl": str(task.interval_ms),
        "tmo": task.timeout_s,
        "sdr": 1,
        "fdr": 1,
        "dr": 1 if task.delivery_report else 0,
    }
    if task.ports:
        body["from"] = task.ports
    return body


def send_sms_request(
    tasks: Sequence[SmsTask],
    *,
    status_report_url: str | None = None,
    sms_url: str | None = None,
) -> Request:
    """Hand SMS tasks to the gateway."""
    if not tasks:
        raise ValueError("no SMS task to send")
    if any(not task.recipients for task in tasks):
        raise ValueError("an SMS task needs at least one recipient")
    body: dict[str, Any] = {
        "type": "send-sms",
        "task_num": len(tasks),
        "tasks": [_task_json(task) for task in tasks],
    }
    if status_report_url is not None:
        body["sr_url"] = status_report_url
    if sms_url is not None:
        body["sms_url"] = sms_url
    return _json_request(SEND_SMS_PATH, body)


def read_sms_request(*, start: int, count: int, delete: bool) -> Request:
    """Read stored SMS from position ``start`` (``count`` 0 = all that follow)."""
    return Request(
        path=READ_SMS_PATH,
        query=(
            ("sms_id", str(start)),
            ("sms_num", str(count)),
            ("sms_del", "1" if delete else "0"),
        ),
    )


def data_service_request(
    ports: Iterable[PortAddress] | None, *, enabled: bool
) -> Request:
    """Turn mobile data on or off: for the whole gateway, or port by port.

    ``data_service_enable(n)`` addresses port ``n + 1``, as every array parameter
    counts from 0; slots are ignored.
    """
    value = 1 if enabled else 0
    if ports is None:
        return set_request({DATA_SERVICE: value})
    numbers = sorted({address.port for address in ports})
    if not numbers:
        raise ValueError("a command needs at least one port")
    return set_request({f"{DATA_SERVICE}({number - 1})": value for number in numbers})


def sms_tasks_request(port: int, *, start: int, count: int, with_text: bool) -> Request:
    """List one port's unfinished SMS tasks, ``count`` from position ``start`` (0 first)."""
    if port < 1 or start < 0 or count < 1:
        raise ValueError("name a port from 1, a start from 0 and a count from 1")
    return Request(
        path=TASKS_PATH,
        query=(
            ("version", TASKS_VERSION),
            ("port", str(port)),
            ("pos", str(start)),
            ("num", str(count)),
            ("has_content", "1" if with_text else "0"),
        ),
    )


def task_ids_request(path: str, task_ids: Iterable[int] | None) -> Request:
    """Pause, resume or remove SMS tasks (the page says which); None: every task."""
    if task_ids is None:
        return _json_request(path, {})  # no tids: all of them
    ids = list(task_ids)
    if not ids:
        raise ValueError("name at least one task (or None for every task)")
    return _json_request(path, {"tids": ids})
