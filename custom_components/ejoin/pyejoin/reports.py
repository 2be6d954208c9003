"""Read the reports a gateway pushes, in every variant real gateways send.

:func:`parse_report` is the one entry point. It never fails because one port object or
one SMS row is odd: such an item is skipped (or the odd field left empty) and described
in the report's ``problems``, and the rest of the report is returned. Only a body that
is not a JSON object with a ``type`` raises :class:`EjoinMalformedReportError`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
import json
import math
import re
from typing import Any, Final

from .exceptions import EjoinMalformedReportError
from .merge import field_value
from .models import (
    CallDirection,
    CallRecord,
    Counter,
    CounterPeriods,
    DataUsage,
    DeliveryReport,
    DeviceStatusReport,
    FailedRecipient,
    Operator,
    PortState,
    PortStatusReport,
    ReceivedSms,
    Report,
    ReportProblem,
    SentRecipient,
    SmsReceivedReport,
    SmsSentReport,
    TaskProgress,
    TaskProgressReport,
    UnknownReport,
    build_frozen,
)
from .ports import MAX_PORT, MAX_SLOT, PortAddress

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
_SMS_ROW_KEYS: Final = ("flag", "port", "time", "from", "to", "content")
_NOTHING: Final[frozenset[str]] = frozenset()


class _BadValueError(ValueError):
    """A field whose value cannot be read as what the protocol says it is."""


def _integer(value: Any) -> int | None:
    """Read an integer sent as a number or as a string; empty means absent."""
    if type(value) is int:  # the common case, first
        return value
    if value is None:
        return None
    if isinstance(value, bool):
        raise _BadValueError(f"{value!r} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                number = float("nan")
            if number.is_integer():
                return int(number)
    raise _BadValueError(f"{value!r} is not a whole number")


def read_integer(value: Any) -> int | None:
    """Read a whole number sent as a number or as text; None when absent or not one."""
    try:
        return _integer(value)
    except _BadValueError:
        return None


def _number(value: Any) -> float | None:
    """Read a decimal number sent as a number or as a string; empty means absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _BadValueError(f"{value!r} is not a number")
    if isinstance(value, str) and not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise _BadValueError(f"{value!r} is not a number") from None
    except OverflowError:
        raise _BadValueError(f"{value!r} is too large") from None
    if not math.isfinite(number):
        raise _BadValueError(f"{value!r} is not a finite number")
    return number


def _text(value: Any) -> str | None:
    """Read a string; numbers are taken as their text, empty means absent."""
    if type(value) is str:
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _BadValueError(f"{value!r} is not text")
    text = str(value).strip()
    return text or None


def _flag(value: Any) -> bool | None:
    """Read a 0/1 flag sent as a number, a string or a boolean."""
    if isinstance(value, bool):
        return value
    number = _integer(value)
    if number is None:
        return None
    if number not in (0, 1):
        raise _BadValueError(f"{value!r} is not 0 or 1")
    return number == 1


# Unix seconds beyond this (the year 5138) are milliseconds, as some firmware sends.
_MILLISECONDS_FROM: Final = 100_000_000_000


def _timestamp(value: Any) -> datetime | None:
    """Read Unix seconds (UTC), or milliseconds; 0 means it has not happened."""
    seconds = _integer(value)
    if seconds is None or seconds <= 0:
        return None
    try:
        if seconds >= _MILLISECONDS_FROM:
            return datetime.fromtimestamp(seconds / 1000, UTC)
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise _BadValueError(f"{value!r} is not a time") from None


def _counter(value: Any) -> Counter | None:
    """Read a ``"used/limit"`` counter; a limit of -1 means unlimited."""
    if type(value) is str:
        return _counter_text(value)
    if value is None:
        return None
    used = _integer(value)
    return None if used is None else Counter(used=used)


@lru_cache(maxsize=4096)
def _counter_text(value: str) -> Counter | None:
    """Read a counter sent as text; memoised, as gateways repeat the same few values."""
    if not value.strip():
        return None
    used_text, slash, limit_text = value.partition("/")
    used = _integer(used_text)
    limit = _integer(limit_text) if slash else None
    if used is None:
        raise _BadValueError(f"{value!r} is not a used/limit counter")
    return Counter(used=used, limit=None if limit is None or limit < 0 else limit)


def _code_and_text(value: Any) -> tuple[int | None, str | None]:
    """Split ``"3 OK"``-style values into code and text; a bare 3 or "3" has no text."""
    if value is None:
        return None, None
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    if isinstance(value, float) and value.is_integer():
        return int(value), None
    text = _text(value)
    if text is None:
        return None, None
    head, _, rest = text.partition(" ")
    try:
        return int(head), rest.strip() or None
    except ValueError:
        return None, text


def _operator(value: Any) -> Operator | None:
    """Read ``"46000 CHINA MOBILE"``; ``"0 "`` (not registered) is no operator."""
    return _operator_text(value) if type(value) is str else _operator_text(_text(value))


@lru_cache(maxsize=1024)
def _operator_text(text: str | None) -> Operator | None:
    """Read an operator sent as text; memoised, as every port repeats a few operators."""
    text = text.strip() if text else ""
    if not text:
        return None
    head, _, rest = text.partition(" ")
    if head.isascii() and head.isdigit():
        code = None if int(head) == 0 else head
        name = rest.strip() or None
    else:
        code, name = None, text
    if code is None and name is None:
        return None
    return Operator(code=code, name=name)


class _Fields:
    """Reads one object's fields, noting each bad value as a problem instead of failing."""

    def __init__(
        self, data: Mapping[str, Any], item: str, problems: list[ReportProblem]
    ) -> None:
        self._data = data
        self._item = item
        self._problems = problems

    def read[T](self, key: str, reader: Callable[[Any], T], default: T) -> T:
        """Read one field; on a bad value note the problem and return the default."""
        try:
            return reader(self._data.get(key))
        except _BadValueError as err:
            self._problems.append(
                ReportProblem(item=f"{self._item} {key}", reason=str(err), key=key)
            )
            return default

    def integer(self, key: str) -> int | None:
        """Read an integer field."""
        return self.read(key, _integer, None)

    def count(self, key: str, limit: int) -> int | None:
        """Read a count of ports or slots; one beyond any gateway is a problem."""
        value = self.integer(key)
        if value is not None and not 0 <= value <= limit:
            self._problems.append(
                ReportProblem(
                    item=f"{self._item} {key}", reason=f"{value} is not 0 to {limit}"
                )
            )
            return None
        return value

    def text(self, key: str) -> str | None:
        """Read a text field."""
        return self.read(key, _text, None)

    def timestamp(self, key: str) -> datetime | None:
        """Read a Unix-time field."""
        return self.read(key, _timestamp, None)

    def code_and_text(self, key: str) -> tuple[int | None, str | None]:
        """Read a ``"code text"`` field."""
        no_code: tuple[int | None, str | None] = (None, None)
        return self.read(key, _code_and_text, no_code)


def _address(value: Any) -> PortAddress:
    """Read a port address sent as text or as a bare number."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _BadValueError(f"{value!r} is not a port address")
    return _address_text(str(value))


@lru_cache(maxsize=4096)
def _address_text(text: str) -> PortAddress:
    """Read a port address; memoised, as every report names the same ports again."""
    try:
        return PortAddress.parse(text)
    except ValueError:
        raise _BadValueError(f"{text!r} is not a port address") from None


# Port object fields: wire key and attribute name, grouped by how they are read.
_PORT_TEXTS: Final = (
    ("sim", "sim"),
    ("sn", "sim_number"),
    ("imei", "imei"),
    ("imsi", "imsi"),
    ("iccid", "iccid"),
)
_PORT_INTEGERS: Final = (("seq", "sequence"), ("led", "led"), ("sig", "signal"))
_PORT_FLAGS: Final = (
    ("active", "active"),
    ("inserted", "inserted"),
    ("slot_active", "slot_active"),
)
_DATA_NUMBERS: Final = (
    ("dataflow_tot", "total"),
    ("dataflow_day", "day"),
    ("dataflow_24hours", "last_24_hours"),
    ("dataflow_1hour", "last_hour"),
    ("dataflow_last", "last_session"),
)
_COUNTER_FIELDS: Final = (
    ("call_minutes", ("tot_dur", "mon_dur", "day_dur")),
    ("call_numbers", ("mcn_tot", "mcn_mon", "mcn_day")),
    ("talk_numbers", ("mtn_tot", "mtn_mon", "mtn_day")),
    ("sms_sent", ("smsctl_tot", "smsctl_mon", "smsctl_day")),
)


# Which PortState fields each wire key of a port object carries (models.PORT_FIELDS).
_WIRE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "st": ("status_code", "status_text"),
    **{key: (name,) for key, name in _PORT_TEXTS + _PORT_INTEGERS + _PORT_FLAGS},
    "opr": ("operator",),
    "bal": ("balance",),
    **{key: (f"data.{name}",) for key, name in _DATA_NUMBERS},
    "dataflow_url": ("data.last_url",),
    **{
        key: (f"{group}.{period}",)
        for group, keys in _COUNTER_FIELDS
        for key, period in zip(keys, ("total", "month", "day"), strict=True)
    },
}


@lru_cache(maxsize=256)
def _carried_fields(keys: tuple[str, ...]) -> frozenset[str]:
    """Name the fields a port object with these keys carries; memoised by its keys.

    The status is under ``st``, or under ``status`` in the proxy firmware's
    ``port-status`` (never both).
    """
    status_key = "st" if "st" in keys else "status"
    return frozenset(
        name
        for key in keys
        for name in _WIRE_FIELDS.get("st" if key == status_key else key, ())
    )


def _read_field(
    data: Mapping[str, Any],
    key: str,
    reader: Callable[[Any], Any],
    item: str,
    problems: list[ReportProblem],
) -> Any:
    """Read one field the slow, careful way; a bad value becomes None and a problem."""
    try:
        return reader(data.get(key))
    except _BadValueError as err:
        problems.append(ReportProblem(item=f"{item} {key}", reason=str(err), key=key))
        return None


def _read_number(
    data: Mapping[str, Any], key: str, item: str, problems: list[ReportProblem]
) -> float | None:
    """Read a decimal field, taking the common case (a numeric string) first."""
    raw = data.get(key)
    if type(raw) is str:
        try:
            number = float(raw)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number
    return None if raw is None else _read_field(data, key, _number, item, problems)


def _read_port_fields(
    data: Mapping[str, Any], item: str, problems: list[ReportProblem]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the plain fields of a port object and of its data usage.

    The values nearly always arrive as the expected type, so that case is read inline;
    anything else goes through the careful readers. This loop runs for every port object
    of every report, hundreds of times a minute on a large gateway.
    """
    get = data.get
    port: dict[str, Any] = {}
    for key, name in _PORT_TEXTS:
        raw = get(key)
        if type(raw) is str:
            port[name] = raw.strip() or None
        else:
            port[name] = _read_field(data, key, _text, item, problems)
    for key, name in _PORT_INTEGERS:
        raw = get(key)
        if type(raw) is int:
            port[name] = raw
        else:
            port[name] = _read_field(data, key, _integer, item, problems)
    for key, name in _PORT_FLAGS:
        raw = get(key)
        if type(raw) is int and raw in (0, 1):
            port[name] = raw == 1
        else:
            port[name] = (
                None if raw is None else _read_field(data, key, _flag, item, problems)
            )
    raw = get("opr")
    port["operator"] = (
        _operator_text(raw)
        if type(raw) is str
        else _read_field(data, "opr", _operator, item, problems)
    )
    port["balance"] = _read_number(data, "bal", item, problems)
    usage: dict[str, Any] = {
        name: _read_number(data, key, item, problems) for key, name in _DATA_NUMBERS
    }
    raw = get("dataflow_url")
    usage["last_url"] = (
        raw.strip() or None
        if type(raw) is str
        else _read_field(data, "dataflow_url", _text, item, problems)
    )
    return port, usage


@lru_cache(maxsize=4096)
def _counter_periods(total: Any, month: Any, day: Any) -> CounterPeriods:
    """Read the three ``used/limit`` values of one counter; memoised by their text."""
    return build_frozen(
        CounterPeriods,
        {"total": _counter(total), "month": _counter(month), "day": _counter(day)},
    )


def _read_counters(
    data: Mapping[str, Any],
    keys: tuple[str, str, str],
    item: str,
    problems: list[ReportProblem],
) -> CounterPeriods:
    """Read one counter for total, month and day, noting bad values as problems."""
    get = data.get
    raw = (get(keys[0]), get(keys[1]), get(keys[2]))
    # Only text is memoised: as keys, True, 1 and 1.0 would be the same value.
    total, month, day = raw
    if (
        (total is None or type(total) is str)
        and (month is None or type(month) is str)
        and (day is None or type(day) is str)
    ):
        try:
            return _counter_periods(*raw)
        except _BadValueError:
            pass
    counters = {}
    for name, key, value in zip(("total", "month", "day"), keys, raw, strict=True):
        try:
            counters[name] = _counter(value)
        except _BadValueError as err:
            counters[name] = None
            problems.append(
                ReportProblem(item=f"{item} {key}", reason=str(err), key=key)
            )
    return build_frozen(CounterPeriods, counters)


class PortMemory:
    """The last object seen for each port of one gateway, and what it was read as.

    Gateways resend every port object every report period, nearly all of them unchanged.
    Given a memory, the parser reuses the earlier :class:`PortState` for an object equal
    to the last one of the same port: an unchanged port costs one comparison, and callers
    can tell unchanged ports by identity. (Equal means equal as Python values, where
    ``1 == 1.0 == True``; the gateway never mixes those for one field.)
    """

    def __init__(self, limit: int = 4096) -> None:
        """Remember at most ``limit`` ports (a foreign device could invent any number)."""
        self._limit = limit
        self._last: dict[
            str | int, tuple[Mapping[str, Any], PortState, tuple[ReportProblem, ...]]
        ] = {}

    def recall(
        self, data: Mapping[str, Any]
    ) -> tuple[PortState, tuple[ReportProblem, ...]] | None:
        """Return what an object equal to this one was read as last time, if anything."""
        last = self._last.get(data["port"])
        if last is not None and last[0] == data:
            return last[1], last[2]
        return None

    def remember(
        self,
        data: Mapping[str, Any],
        state: PortState,
        problems: tuple[ReportProblem, ...],
    ) -> None:
        """Keep an object and what it was read as."""
        if len(self._last) >= self._limit and data["port"] not in self._last:
            self._last.clear()
        self._last[data["port"]] = (data, state, problems)


def parse_port(
    data: Any,
    item: str,
    problems: list[ReportProblem],
    memory: PortMemory | None = None,
) -> PortState | None:
    """Read one port object; None (with the reason in ``problems``) when it has no usable port."""
    if memory is not None and type(data) is dict and type(data.get("port")) is str:
        if recalled := memory.recall(data):
            problems.extend(recalled[1])
            return recalled[0]
        found: list[ReportProblem] = []
        state = parse_port(data, item, found)
        problems.extend(found)
        if state is not None:
            memory.remember(data, state, tuple(found))
        return state
    if not isinstance(data, Mapping):
        problems.append(ReportProblem(item=item, reason="not a JSON object"))
        return None
    if data.get("port") is None:
        problems.append(ReportProblem(item=item, reason="has no port"))
        return None
    try:
        address = _address(data["port"])
    except _BadValueError as err:
        problems.append(ReportProblem(item=item, reason=f"port {err}"))
        return None
    return _read_port(data, address, problems)


def _read_port(
    data: Mapping[str, Any], address: PortAddress, problems: list[ReportProblem]
) -> PortState:
    """Read a port object whose address has been read already."""
    item = f"port {data['port']}"
    first_problem = len(problems)
    status_key = "st" if "st" in data else "status"
    try:
        status_code, status_text = _code_and_text(data.get(status_key))
    except _BadValueError as err:
        status_code = status_text = None
        problems.append(
            ReportProblem(item=f"{item} {status_key}", reason=str(err), key=status_key)
        )
    if status_code is None and status_text is not None:
        problems.append(
            ReportProblem(
                item=f"{item} {status_key}",
                reason=f"{status_text!r} has no status code",
                key=status_key,
            )
        )
    values, usage = _read_port_fields(data, item, problems)
    for name, keys in _COUNTER_FIELDS:
        values[name] = _read_counters(data, keys, item, problems)
    values["data"] = build_frozen(DataUsage, usage)
    values["address"] = address
    values["status_code"] = status_code
    values["status_text"] = status_text
    values["unknown_keys"] = (
        _NOTHING
        if data.keys() <= PORT_KEYS
        else frozenset(data.keys() - PORT_KEYS - {"type"})
    )
    carried = _carried_fields(tuple(data))
    if len(problems) > first_problem:
        # A value that could not be read says nothing: what was known stays.
        unreadable = {problem.key for problem in problems[first_problem:]}
        carried = carried - _carried_fields(tuple(key for key in unreadable if key))
    values["carried"] = carried
    return build_frozen(PortState, values)


def clear_memos() -> None:
    """Forget memoised port objects and values (for benchmarks of a first parse)."""
    for memoised in (
        _counter_periods,
        _counter_text,
        _operator_text,
        _address_text,
        _carried_fields,
    ):
        memoised.cache_clear()


def decode_sms_text(content: str) -> tuple[str, bool]:
    """Decode an SMS body: base64 of UTF-8, NULs stripped, CRLF made LF.

    Returns the text and whether it was base64. Content that is not base64 of UTF-8 (some
    firmware sends plain text) is kept as it came rather than lost.
    """
    packed = "".join(content.split())
    try:
        # Correct base64 comes in blocks of four; short words like "OK" are text.
        if len(packed) % 4:
            raise binascii.Error("not whole base64 blocks")
        text = base64.b64decode(packed, validate=True).decode()
        decoded = True
    except ValueError:  # binascii.Error, UnicodeDecodeError, non-ASCII input
        text, decoded = content, False
    return text.replace("\x00", "").replace("\r\n", "\n"), decoded


# A header line of a forwarded envelope: a short name, a colon, a value.
_HEADER_LINE: Final = re.compile(r"^([A-Za-z][A-Za-z0-9 _-]{0,31}):(.*)$")
# A quoted token before the number, as in ``Receiver: "12.01" 16463915790``.
_QUOTED_PREFIX: Final = re.compile(r'^"[^"]*"\s*')


def split_envelope(text: str) -> tuple[dict[str, str], str] | None:
    """Split a forwarded envelope (``Sender:``/``SMSC:``… lines, a blank line, the body).

    Every header line is removed from the text, also one this package does not know;
    the known ones (Sender, Receiver, SMSC, SCTS) are returned by lower-case name. Text
    whose first block has no known header is not an envelope.
    """
    head, separator, body = text.partition("\n\n")
    if not separator:
        return None
    headers: dict[str, str] = {}
    for line in head.split("\n"):
        match = _HEADER_LINE.match(line.strip())
        if match is None:
            return None
        headers[match[1].strip().lower()] = match[2].strip()
    if not headers.keys() & ENVELOPE_HEADERS:
        return None
    return {
        name: value for name, value in headers.items() if name in ENVELOPE_HEADERS
    }, body


def envelope_number(value: str) -> str:
    """Read the number of a ``Sender:`` or ``Receiver:`` line.

    Some firmware puts the receiving port, quoted, before the number
    (``"12.01" 16463915790``); a sender's name may contain spaces and is kept whole.
    """
    return _QUOTED_PREFIX.sub("", value.strip()).strip()


def _delivery_status(content: str) -> tuple[int | None, str | None]:
    """Read a delivery report's ``"<code> <operator time>"``; (None, None) if not so.

    Some firmware sends it base64-encoded like a message, which is tried too.
    """
    for candidate in (content, decode_sms_text(content)[0]):
        try:
            code, operator_time = _code_and_text(candidate)
        except _BadValueError:
            continue
        if code is not None:
            return code, operator_time
    return None, None


def _row_text(value: Any) -> str | None:
    """Read the content of an SMS row: text (a number counts); None if it is not."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return str(value)


def _party(value: Any) -> str:
    """Read a sender or recipient: its text, "" when empty; raise if it is not text.

    The error names the value's type only: a phone number must not reach a log.
    """
    try:
        return _text(value) or ""
    except _BadValueError:
        raise _BadValueError(f"a {type(value).__name__} is not text") from None


def parse_sms_rows(
    rows: Any, problems: list[ReportProblem]
) -> tuple[tuple[ReceivedSms, ...], tuple[DeliveryReport, ...]]:
    """Read ``[flag, port, time, from, to, content]`` rows into messages and delivery reports.

    A row whose content can be read is never dropped for another odd value: that value
    is None (an unreadable flag is taken for an SMS) and described in ``problems``.
    """
    if rows is None:
        return (), ()
    if not isinstance(rows, list):
        problems.append(ReportProblem(item="sms", reason="not a list of rows"))
        return (), ()
    messages: list[ReceivedSms] = []
    reports: list[DeliveryReport] = []
    for index, row in enumerate(rows):
        item = f"sms row {index}"
        if not isinstance(row, list) or len(row) < 6:
            problems.append(ReportProblem(item=item, reason="not a row of 6 values"))
            continue
        raw = _row_text(row[5])
        if raw is None:
            problems.append(
                ReportProblem(
                    item=item,
                    reason=f"content of type {type(row[5]).__name__} is not text",
                    key="content",
                )
            )
            continue
        fields = _Fields(dict(zip(_SMS_ROW_KEYS, row, strict=False)), item, problems)
        is_report = fields.read("flag", _flag, None)
        address = fields.read("port", _address, None)
        first_problem = len(problems)
        received_at = fields.timestamp("time")
        # An unreadable time still tells two messages apart (see the inbox).
        time_text = str(row[2])[:64] if len(problems) > first_problem else None
        sender_text = fields.read("from", _party, None)
        recipient_text = fields.read("to", _party, None)
        if is_report:
            code, operator_time = _delivery_status(raw)
            if code is None:
                problems.append(
                    ReportProblem(
                        item=item,
                        reason="delivery report has no status code; status unknown",
                        key="content",
                    )
                )
            reports.append(
                DeliveryReport(
                    address=address,
                    received_at=received_at,
                    smsc=sender_text,
                    recipient=recipient_text,
                    status_code=code,
                    operator_time=operator_time,
                    content=None if code is not None else raw.strip() or None,
                    time_text=time_text,
                )
            )
            continue
        text, decoded = decode_sms_text(raw)
        if not decoded:
            problems.append(
                ReportProblem(
                    item=item,
                    reason="content is not base64 of UTF-8; kept as sent",
                    key="content",
                )
            )
        smsc = scts = None
        if envelope := split_envelope(text):
            headers, text = envelope
            sender_text = envelope_number(headers.get("sender", "")) or sender_text
            recipient_text = (
                envelope_number(headers.get("receiver", "")) or recipient_text
            )
            smsc, scts = headers.get("smsc") or None, headers.get("scts") or None
        messages.append(
            ReceivedSms(
                address=address,
                received_at=received_at,
                sender=sender_text,
                recipient=recipient_text,
                text=text,
                smsc=smsc,
                scts=scts,
                time_text=time_text,
            )
        )
    return tuple(messages), tuple(reports)


def _parse_dev_status(
    data: Mapping[str, Any], memory: PortMemory | None
) -> DeviceStatusReport:
    problems: list[ReportProblem] = []
    fields = _Fields(data, "dev-status", problems)
    raw_ports = data.get("status")
    ports: list[PortState] = []
    if isinstance(raw_ports, list):
        for index, raw_port in enumerate(raw_ports):
            if port := parse_port(raw_port, f"status[{index}]", problems, memory):
                ports.append(port)
    elif raw_ports is not None:
        problems.append(
            ReportProblem(item="status", reason="not a list of port objects")
        )
    return DeviceStatusReport(
        type="dev-status",
        sequence=fields.integer("seq"),
        expires=fields.integer("expires"),
        mac=fields.text("mac"),
        ip=fields.text("ip"),
        firmware=fields.text("ver"),
        max_ports=fields.count("max-ports", MAX_PORT),
        max_slots=fields.count(
            "max-slot" if "max-slot" in data else "max-slots", MAX_SLOT
        ),
        ports=tuple(ports),
        problems=tuple(problems),
        unknown_keys=frozenset(data) - DEV_STATUS_KEYS,
    )


def _parse_port_status(
    data: Mapping[str, Any], memory: PortMemory | None
) -> PortStatusReport:
    problems: list[ReportProblem] = []
    port = parse_port(data, "port-status", problems, memory)
    return PortStatusReport(
        type="port-status",
        port=port,
        problems=tuple(problems),
        unknown_keys=port.unknown_keys if port else frozenset(),
    )


def _parse_recv_sms(
    data: Mapping[str, Any], memory: PortMemory | None
) -> SmsReceivedReport:
    problems: list[ReportProblem] = []
    fields = _Fields(data, "recv-sms", problems)
    messages, reports = parse_sms_rows(data.get("sms"), problems)
    return SmsReceivedReport(
        type="recv-sms",
        remote_sim=fields.integer("sim_src") == 1,
        messages=messages,
        delivery_reports=reports,
        problems=tuple(problems),
        unknown_keys=frozenset(data) - RECV_SMS_KEYS,
    )


def _parse_sent_sms(
    data: Mapping[str, Any], memory: PortMemory | None
) -> SmsSentReport:
    problems: list[ReportProblem] = []
    fields = _Fields(data, "sent-sms", problems)
    address = fields.read("port", _address, None)
    code, status_text = fields.code_and_text("status")
    raw_text = data.get("data")
    text = raw_text if isinstance(raw_text, str) else fields.text("data")
    if text is not None and (fields.text("charset") or "").upper() == "BASE64":
        text, decoded = decode_sms_text(text)
        if not decoded:
            problems.append(
                ReportProblem(
                    item="sent-sms data", reason="not base64 of UTF-8; kept as sent"
                )
            )
    return SmsSentReport(
        type="sent-sms",
        mac=fields.text("mac"),
        address=address,
        task_id=fields.integer("sms_tid"),
        status_code=code,
        status_text=status_text,
        sent_at=fields.timestamp("time"),
        duration_ms=fields.integer("dur"),
        recipient=fields.text("recver" if "recver" in data else "receiver"),
        smsc=fields.text("smsc"),
        text=text,
        problems=tuple(problems),
        unknown_keys=frozenset(data) - SENT_SMS_KEYS,
    )


def _parse_cdr(data: Mapping[str, Any], memory: PortMemory | None) -> CallRecord:
    problems: list[ReportProblem] = []
    fields = _Fields(data, "cdr", problems)
    sim_fields = {key: value for key, value in data.items() if key not in CDR_ONLY_KEYS}
    port = parse_port(sim_fields, "cdr port", problems) if "port" in data else None
    if port is not None:
        # A call record's SIM fields describe the calling SIM; an empty one says
        # nothing, nor does its balance of "0.00", which the vendor's own example
        # carries whatever the SIM's balance is.
        said = frozenset(
            name
            for name in port.carried
            if field_value(port, name) is not None
            and not (name == "balance" and port.balance == 0)
        )
        port = replace(
            port, balance=None if port.balance == 0 else port.balance, carried=said
        )
    hangup_code, hangup_reason = fields.code_and_text("reason")
    module_code, module_reason = fields.code_and_text("gw_reason")
    direction_text = (fields.text("cdir") or "").upper()
    return CallRecord(
        type="cdr",
        mac=fields.text("mac"),
        address=port.address if port else None,
        call_id=fields.text("cid"),
        direction=CallDirection(direction_text)
        if direction_text in CallDirection
        else None,
        caller=fields.text("caller"),
        callee=fields.text("callee"),
        started_at=fields.timestamp("begin"),
        alerted_at=fields.timestamp("alert"),
        answered_at=fields.timestamp("answer"),
        updated_at=fields.timestamp("update"),
        ended_at=fields.timestamp("end"),
        hangup_code=hangup_code,
        hangup_reason=hangup_reason,
        module_hangup_code=module_code,
        module_hangup_reason=module_reason,
        port=port,
        problems=tuple(problems),
        unknown_keys=frozenset(data) - CDR_KEYS - PORT_KEYS,
    )


def _recipient_row(
    row: Any, item: str
) -> tuple[int, str, PortAddress | None, datetime | None]:
    """Read the first four values of an ``sdr``/``fdr`` row: index, number, port, time."""
    if not isinstance(row, list) or len(row) < 4:
        raise _BadValueError(f"{item} is not a row of at least 4 values")
    index = _integer(row[0])
    number = _text(row[1])
    if index is None or number is None:
        raise _BadValueError(f"{item} has no index or number")
    address = _address(row[2]) if _text(row[2]) else None
    return index, number, address, _timestamp(row[3])


def _parse_task(
    data: Any, item: str, problems: list[ReportProblem]
) -> TaskProgress | None:
    if not isinstance(data, Mapping):
        problems.append(ReportProblem(item=item, reason="not a JSON object"))
        return None
    fields = _Fields(data, item, problems)
    task_id = fields.integer("tid")
    if task_id is None:
        problems.append(ReportProblem(item=item, reason="no task id"))
        return None
    sent_to: list[SentRecipient] = []
    failed_to: list[FailedRecipient] = []
    for key in ("sdr", "fdr"):
        rows = data.get(key) or []
        if not isinstance(rows, list):
            problems.append(
                ReportProblem(item=f"{item} {key}", reason="not a list of rows")
            )
            continue
        for index, row in enumerate(rows):
            row_item = f"{item} {key}[{index}]"
            try:
                number_index, number, address, at = _recipient_row(row, row_item)
                if key == "sdr":
                    sent_to.append(
                        SentRecipient(
                            index=number_index,
                            number=number,
                            address=address,
                            sent_at=at,
                        )
                    )
                else:
                    failed_to.append(
                        FailedRecipient(
                            index=number_index,
                            number=number,
                            address=address,
                            failed_at=at,
                            reason=_text(row[4]) if len(row) > 4 else None,
                            carrier_reason=_text(row[5]) if len(row) > 5 else None,
                        )
                    )
            except _BadValueError as err:
                problems.append(ReportProblem(item=row_item, reason=str(err)))
    return TaskProgress(
        task_id=task_id,
        sending=fields.integer("sending") or 0,
        sent=fields.integer("sent") or 0,
        failed=fields.integer("failed") or 0,
        unsent=fields.integer("unsent") or 0,
        sent_to=tuple(sent_to),
        failed_to=tuple(failed_to),
    )


def _parse_status_report(
    data: Mapping[str, Any], memory: PortMemory | None
) -> TaskProgressReport:
    problems: list[ReportProblem] = []
    raw_tasks = data.get("rpts")
    tasks: list[TaskProgress] = []
    if isinstance(raw_tasks, list):
        for index, raw_task in enumerate(raw_tasks):
            if task := _parse_task(raw_task, f"rpts[{index}]", problems):
                tasks.append(task)
    elif raw_tasks is not None:
        problems.append(ReportProblem(item="rpts", reason="not a list of task reports"))
    return TaskProgressReport(
        type="status-report",
        tasks=tuple(tasks),
        problems=tuple(problems),
        unknown_keys=frozenset(data) - STATUS_REPORT_KEYS,
    )


_PARSERS: Final[dict[str, Callable[[Mapping[str, Any], PortMemory | None], Report]]] = {
    "dev-status": _parse_dev_status,
    "port-status": _parse_port_status,
    "recv-sms": _parse_recv_sms,
    "sent-sms": _parse_sent_sms,
    "cdr": _parse_cdr,
    "status-report": _parse_status_report,
}


def load_json_object(body: bytes | bytearray | str) -> Any:
    """Decode a JSON body as gateways send it (UTF-8, maybe with a BOM or trailing NULs)."""
    if isinstance(body, bytes | bytearray):
        try:
            body = bytes(body).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise EjoinMalformedReportError("body is not UTF-8 text") from None
    try:
        return json.loads(body.strip("\ufeff\x00 \t\r\n"))
    except (ValueError, RecursionError):  # ValueError: also huge integers
        raise EjoinMalformedReportError("body is not JSON") from None


def parse_report(
    body: bytes | bytearray | str | Mapping[str, Any], memory: PortMemory | None = None
) -> Report:
    """Read one pushed report; unknown types come back as :class:`UnknownReport`.

    Pass the gateway's :class:`PortMemory` to skip reading port objects that did not
    change since its last report.
    """
    data = body if isinstance(body, Mapping) else load_json_object(body)
    if not isinstance(data, Mapping):
        raise EjoinMalformedReportError("body is not a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str) or not kind.strip():
        raise EjoinMalformedReportError("body has no report type")
    parser = _PARSERS.get(kind.strip().lower())
    if parser is None:
        return UnknownReport(type=kind.strip(), body=dict(data))
    return parser(data, memory)
