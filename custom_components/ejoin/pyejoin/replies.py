"""Read the gateway's replies to requests.

Replies carry one of two success codes (0, or 200 on the SMS and statistics pages);
anything else is a refusal, told apart as a rejected login or a refused request. Some
firmware answers a rejected login with its web interface's login page instead. The
values an ``op=get`` reply holds come in several shapes, all accepted here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
import re
from typing import Any, Final

from .exceptions import (
    EjoinAuthenticationError,
    EjoinCommandError,
    EjoinMalformedReplyError,
    EjoinMalformedReportError,
)
from .models import (
    DataService,
    DeviceStatusReport,
    QueuedSmsTask,
    ReportProblem,
    SmsTaskQueue,
    StoredSms,
    TaskStatus,
)
from .reports import parse_report
from .sms import parse_sms_rows
from .values import BadValueError, as_code_and_text, as_flag, as_text, read_integer
from .wire import AUTH_REPLY_CODES, AUTH_TASK_CODES, DATA_SERVICE, SUCCESS_CODES

_AUTH_REASON: Final = re.compile(
    r"invalid user|unauthori[sz]ed|authenticat\w* fail|login (fail|required)|denied"
    r"|(wrong|bad|invalid|incorrect) (user|username|password|passwd|credentials)"
    r"|(password|passwd) (error|wrong|incorrect|invalid)",
    re.IGNORECASE,
)
_INDEXED_NAME: Final = re.compile(r"^(?P<name>[A-Za-z_]+)\((?P<index>\d+)\)$")
# The web interface's login page, which some firmware serves (with 200) to a request
# whose credentials it rejects; the API itself only ever answers JSON. A page is one
# with a password field, or a form that says "log in" or "sign in".
_PASSWORD_FIELD: Final = re.compile(
    rb"<input[^>]*type\s*=\s*[\"']?password", re.IGNORECASE
)
_LOGIN_WORDS: Final = re.compile(rb"\b(?:log|sign)\s?-?\s?(?:in|on)\b", re.IGNORECASE)


def is_login_page(content_type: str, body: bytes) -> bool:
    """Whether a reply is the web interface's login page (never a JSON answer)."""
    head = body[:65536]
    if "html" not in content_type.lower() and not head.lstrip().startswith(b"<"):
        return False
    return _PASSWORD_FIELD.search(head) is not None or (
        b"<form" in head.lower() and _LOGIN_WORDS.search(head) is not None
    )


def raise_for_code(reply: Mapping[str, Any], scrub: Callable[[str], str]) -> None:
    """Raise when a reply carries a code other than the two success codes.

    ``scrub`` removes the password from the reason, which may echo the request.
    """
    if "code" not in reply:
        return
    code = read_integer(reply["code"])
    if code in SUCCESS_CODES:
        return
    given = reply.get("reason") or reply.get("desc")
    reason = scrub(str(given or "no reason given"))
    # 14 "Unauthorized" and 1 "Invalid User", as the SMS task codes name them;
    # 1 only without another reason, as it is the first code of any list.
    if (
        _AUTH_REASON.search(reason)
        or code in AUTH_REPLY_CODES
        or (code in AUTH_TASK_CODES and not given)
    ):
        raise EjoinAuthenticationError(
            f"gateway rejected the username or password: {reason}"
        )
    raise EjoinCommandError(code, reason)


def device_status(reply: Mapping[str, Any]) -> DeviceStatusReport:
    """Read the reply to ``goip_get_status.html``, itself a ``dev-status``."""
    data = {key: value for key, value in reply.items() if key not in ("code", "reason")}
    if not data.get("type"):
        data["type"] = "dev-status"
    try:
        report = parse_report(data)
    except EjoinMalformedReportError:
        report = None
    if not isinstance(report, DeviceStatusReport):
        raise EjoinMalformedReplyError(
            "gateway answered the status request with something other than a dev-status"
        )
    return report


def _base_name(name: str) -> str:
    """Fold the spellings the vendor uses for one parameter (Ports_rx_tx, Port_rx_tx …)."""
    folded = name.lower()
    return (
        "port_" + folded.removeprefix("ports_")
        if folded.startswith("ports_")
        else folded
    )


def reply_values(reply: Mapping[str, Any]) -> dict[str, Any]:
    """Return the parameters of an ``op=get`` reply, at its top level or under ``data``.

    Proxy firmware nests them (``{"data": {"port_public_ip": [...]}}``); others answer
    ``{"code": 0, "reason": "OK", "sms_url": "..."}``.
    """
    values = {
        key: value for key, value in reply.items() if key not in ("code", "reason")
    }
    nested = values.get("data")
    if isinstance(nested, Mapping):
        del values["data"]
        values.update(nested)
    return values


def parameter_value(reply: Mapping[str, Any], name: str) -> Any:
    """Return one parameter of an ``op=get`` reply, its name matched without case."""
    wanted = name.lower()
    for key, value in reply_values(reply).items():
        if key.lower() == wanted:
            return value
    return None


def port_values(reply: Mapping[str, Any], name: str) -> dict[int, str]:
    """Read a per-port parameter from an ``op=get`` reply, whatever shape it came in.

    Every shape seen or plausible is accepted, at the top level or under ``data``: a
    list or a comma-separated string in port order, an object keyed by index, or
    ``name(n)`` keys with ``n`` counting from 0. Keys match without regard to case.
    Returns values by port.
    """
    wanted = _base_name(name)
    values: dict[int, str] = {}
    for key, value in reply_values(reply).items():
        indexed = _INDEXED_NAME.match(key)
        if indexed and _base_name(indexed["name"]) == wanted:
            if value is not None and str(value).strip():
                values[int(indexed["index"]) + 1] = str(value).strip()
            continue
        if _base_name(key) != wanted:
            continue
        if isinstance(value, str):
            items: Iterable[tuple[Any, Any]] = enumerate(value.split(","))
        elif isinstance(value, list):
            items = enumerate(value)
        elif isinstance(value, Mapping):
            items = value.items()
        else:
            continue
        for index, item in items:
            if str(index).isdigit() and item is not None and str(item).strip():
                values[int(index) + 1] = str(item).strip()
    return values


def parameters_set(reply: Mapping[str, Any], asked: int) -> int:
    """How many parameters an ``op=set`` reply says were set (``par_set``)."""
    try:
        return int(reply.get("par_set", asked))
    except (TypeError, ValueError):
        return asked


def task_statuses(reply: Mapping[str, Any]) -> tuple[TaskStatus, ...]:
    """Read the gateway's verdict on each SMS task it was handed."""
    rows = reply.get("status")
    if not isinstance(rows, list):
        raise EjoinMalformedReplyError("gateway's SMS reply has no task statuses")
    statuses = []
    for row in rows:
        if not isinstance(row, Mapping):
            raise EjoinMalformedReplyError("gateway's SMS reply has an odd task status")
        code, _, reason = str(row.get("status", "")).strip().partition(" ")
        try:
            statuses.append(
                TaskStatus(
                    task_id=int(row["tid"]), code=int(code), reason=reason.strip()
                )
            )
        except (KeyError, TypeError, ValueError):
            raise EjoinMalformedReplyError(
                "gateway's SMS reply has an odd task status"
            ) from None
    if statuses and all(status.code in AUTH_TASK_CODES for status in statuses):
        raise EjoinAuthenticationError(
            f"gateway rejected the username or password: {statuses[0].reason}"
        )
    return tuple(statuses)


def stored_sms(reply: Mapping[str, Any], start: int) -> StoredSms:
    """Read a page of the gateway's SMS store, asked for from position ``start``."""
    problems: list[ReportProblem] = []
    messages, reports = parse_sms_rows(reply.get("data"), problems)
    next_index = read_integer(reply.get("next_sms", start))
    if next_index is None:
        raise EjoinMalformedReplyError("gateway's SMS store reply has no next_sms")
    return StoredSms(
        ssrc=str(reply.get("ssrc", "")),
        next_index=next_index,
        messages=messages,
        delivery_reports=reports,
        problems=tuple(problems),
    )


def _flag(value: Any) -> bool | None:
    """Read a 0/1 value (or a JSON boolean, maybe written as text); None if neither."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    try:
        return as_flag(value)
    except BadValueError:
        return None


def data_service(reply: Mapping[str, Any]) -> DataService:
    """Read ``data_service_enable`` from an ``op=get`` reply: per port, or one value.

    Per port in every shape :func:`port_values` reads (a list, a comma-separated
    string, an object by index, ``name(n)`` keys); a single 0/1 is the gateway's.
    """
    value = parameter_value(reply, DATA_SERVICE)
    if value is None or isinstance(value, list | Mapping) or "," in str(value):
        ports = {
            port: flag
            for port, text in port_values(reply, DATA_SERVICE).items()
            if (flag := _flag(text)) is not None
        }
        if ports:
            return DataService(ports=ports)
    elif (flag := _flag(value)) is not None:
        return DataService(gateway=flag)
    raise EjoinMalformedReplyError(
        f"gateway's answer holds no readable {DATA_SERVICE} value"
    )


def _text(value: Any) -> str | None:
    """Read a text of a listed task; None when absent or not text."""
    try:
        return as_text(value)
    except BadValueError:
        return None


def _queued_task(
    row: Any, item: str, problems: list[ReportProblem]
) -> QueuedSmsTask | None:
    """Read one task of ``goip_get_tasks.html``; None (and a problem) without a tid."""
    if not isinstance(row, Mapping):
        problems.append(ReportProblem(item=item, reason="not an object"))
        return None
    task_id = read_integer(row.get("tid"))
    if task_id is None:
        problems.append(ReportProblem(item=item, reason="no task id", key="tid"))
        return None
    to = row.get("to")
    numbers = to if isinstance(to, list) else str(to or "").split(",")
    text = row.get("sms")
    return QueuedSmsTask(
        task_id=task_id,
        state=read_integer(row.get("state")),
        ports=_text(row.get("from")),
        recipients=tuple(
            number for given in numbers if (number := _text(given)) is not None
        ),
        charset=_text(row.get("chs")),
        coding=read_integer(row.get("coding")),
        text=text if isinstance(text, str) else None,
    )


def sms_task_queue(reply: Mapping[str, Any], port: int) -> SmsTaskQueue:
    """Read a page of a port's unfinished SMS tasks; rows without a tid are problems."""
    rows = reply.get("tasks", [])
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        raise EjoinMalformedReplyError("gateway's task list is not a list")
    problems: list[ReportProblem] = []
    tasks = tuple(
        task
        for index, row in enumerate(rows)
        if (task := _queued_task(row, f"tasks[{index}]", problems)) is not None
    )
    total = read_integer(reply.get("total_num"))
    return SmsTaskQueue(
        port=port,
        total=len(tasks) if total is None or total < len(tasks) else total,
        tasks=tasks,
        problems=tuple(problems),
    )


def task_results(reply: Mapping[str, Any]) -> tuple[TaskStatus, ...]:
    """Read what became of each task paused, resumed or removed (``results``).

    The shape is undocumented: rows of ``tid`` and a ``status`` of ``"0 OK"`` form
    (or a bare code, or ``code`` and ``reason``) are read; other rows, and a reply
    without ``results``, tell nothing (the request as a whole was not refused).
    """
    rows = reply.get("results")
    if rows is None:
        return ()
    if not isinstance(rows, list):
        raise EjoinMalformedReplyError("gateway's task results are not a list")
    results = []
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        try:
            code, text = as_code_and_text(row.get("status", row.get("code")))
        except BadValueError:
            continue
        task_id = read_integer(row.get("tid"))
        if task_id is not None and code is not None:
            reason = text or _text(row.get("reason")) or ""
            results.append(TaskStatus(task_id=task_id, code=code, reason=reason))
    return tuple(results)
