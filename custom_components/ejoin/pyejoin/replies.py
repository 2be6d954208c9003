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
from .models import DeviceStatusReport, ReportProblem, StoredSms, TaskStatus
from .reports import parse_report
from .sms import parse_sms_rows
from .values import read_integer
from .wire import AUTH_REPLY_CODES, AUTH_TASK_CODES, SUCCESS_CODES

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
