"""Read the values of a report: numbers, texts, flags, times, counters, operators, ports.

Each ``as_*`` reader takes one value as it came in the JSON and returns what it means,
None when it is absent or empty, or raises :class:`BadValueError` when it cannot be read;
:class:`Fields` turns that error into a :class:`.ReportProblem` of the report.

The readers at the end read a port object's plain fields for the careful path of
:mod:`.port_objects` (a plain object is read by :mod:`.port_readers`). The value of the
type the protocol gives is read inline; anything else goes through the ``as_*`` readers,
and tests check that both ways agree on any value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
import math
import reprlib
from typing import Any, Final

from .models import ReportProblem
from .port_state import Counter, CounterPeriods, Operator, build_frozen
from .ports import PortAddress
from .wire import DATA_NUMBERS, PORT_FLAGS, PORT_INTEGERS, PORT_TEXTS


class BadValueError(ValueError):
    """A field whose value cannot be read as what the protocol says it is.

    The message says what is wrong ("not a number"), never the value: that may be a
    phone number, or a stranger's megabyte. The value, shortened, is ``value``.
    """

    def __init__(self, reason: str, value: Any = ...) -> None:
        """Say what is wrong; keep the value (if given) shortened."""
        super().__init__(reason)
        self.reason = reason
        self.value = None if value is ... else shortened(value)


_SHORT = reprlib.Repr(
    maxlevel=2, maxdict=4, maxlist=4, maxtuple=4, maxset=4, maxstring=40, maxother=40
)
_SHORT.maxlong = 40


def shortened(value: Any, limit: int = 48) -> str:
    """Return ``repr(value)`` cut to about ``limit`` characters, however large it is."""
    try:
        text = _SHORT.repr(value)
    except Exception:  # noqa: BLE001 - a value that cannot even be shown
        return f"<{type(value).__name__}>"
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def problem_of(item: str, key: str | None, err: BadValueError) -> ReportProblem:
    """Describe a value that could not be read as a problem of the report."""
    return ReportProblem(item=item, reason=err.reason, key=key, value=err.value)


def as_integer(value: Any) -> int | None:
    """Read an integer sent as a number or as a string; empty means absent."""
    if type(value) is int:  # the common case, first
        return value
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadValueError("not a number", value)
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
    raise BadValueError("not a whole number", value)


def read_integer(value: Any) -> int | None:
    """Read a whole number sent as a number or as text; None when absent or not one."""
    try:
        return as_integer(value)
    except BadValueError:
        return None


def as_number(value: Any) -> float | None:
    """Read a decimal number sent as a number or as a string; empty means absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadValueError("not a number", value)
    if isinstance(value, str) and not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadValueError("not a number", value) from None
    except OverflowError:
        raise BadValueError("too large", value) from None
    if not math.isfinite(number):
        raise BadValueError("not a finite number", value)
    return number


def as_text(value: Any) -> str | None:
    """Read a string; numbers are taken as their text, empty means absent."""
    if type(value) is str:
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadValueError("not text", value)
    text = str(value).strip()
    return text or None


def as_flag(value: Any) -> bool | None:
    """Read a 0/1 flag sent as a number, a string or a boolean."""
    if isinstance(value, bool):
        return value
    number = as_integer(value)
    if number is None:
        return None
    if number not in (0, 1):
        raise BadValueError("not 0 or 1", value)
    return number == 1


# Unix seconds beyond this (the year 5138) are milliseconds, as some firmware sends.
_MILLISECONDS_FROM: Final = 100_000_000_000


def as_timestamp(value: Any) -> datetime | None:
    """Read Unix seconds (UTC), or milliseconds; 0 means it has not happened."""
    seconds = as_integer(value)
    if seconds is None or seconds <= 0:
        return None
    try:
        if seconds >= _MILLISECONDS_FROM:
            return datetime.fromtimestamp(seconds / 1000, UTC)
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise BadValueError("not a time", value) from None


def as_counter(value: Any) -> Counter | None:
    """Read a ``"used/limit"`` counter; a limit of -1 means unlimited."""
    if type(value) is str:
        return counter_text(value)
    if value is None:
        return None
    used = as_integer(value)
    return None if used is None else Counter(used=used)


@lru_cache(maxsize=4096)
def counter_text(value: str) -> Counter | None:
    """Read a counter sent as text; memoised, as gateways repeat the same few values."""
    used_text, slash, limit_text = value.partition("/")
    try:  # the common case, "10/-1", without the careful readers
        whole_used = int(used_text)
        whole_limit = int(limit_text) if slash else -1
    except ValueError:
        pass
    else:
        return build_frozen(
            Counter,
            {"used": whole_used, "limit": None if whole_limit < 0 else whole_limit},
        )
    if not value.strip():
        return None
    used = as_integer(used_text)
    limit = as_integer(limit_text) if slash else None
    if used is None:
        raise BadValueError("not a used/limit counter", value)
    return Counter(used=used, limit=None if limit is None or limit < 0 else limit)


def as_code_and_text(value: Any) -> tuple[int | None, str | None]:
    """Split ``"3 OK"``-style values into code and text; a bare 3 or "3" has no text."""
    if value is None:
        return None, None
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    if isinstance(value, float) and value.is_integer():
        return int(value), None
    text = as_text(value)
    if text is None:
        return None, None
    head, _, rest = text.partition(" ")
    try:
        return int(head), rest.strip() or None
    except ValueError:
        return None, text


def as_operator(value: Any) -> Operator | None:
    """Read ``"46000 CHINA MOBILE"``; ``"0 "`` (not registered) is no operator."""
    return operator_text(value) if type(value) is str else operator_text(as_text(value))


@lru_cache(maxsize=1024)
def operator_text(text: str | None) -> Operator | None:
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


class Fields:
    """Reads one object's fields, noting each bad value as a problem instead of failing."""

    def __init__(
        self, data: Mapping[str, Any], item: str, problems: list[ReportProblem]
    ) -> None:
        """Read ``data``, naming its problems after ``item``, into ``problems``."""
        self._data = data
        self._item = item
        self._problems = problems

    def read[T](self, key: str, reader: Callable[[Any], T], default: T) -> T:
        """Read one field; on a bad value note the problem and return the default."""
        try:
            return reader(self._data.get(key))
        except BadValueError as err:
            self._problems.append(problem_of(f"{self._item} {key}", key, err))
            return default

    def integer(self, key: str) -> int | None:
        """Read an integer field."""
        return self.read(key, as_integer, None)

    def count(self, key: str, limit: int) -> int | None:
        """Read a count of ports or slots; one beyond any gateway is a problem."""
        value = self.integer(key)
        if value is not None and not 0 <= value <= limit:
            self._problems.append(
                ReportProblem(
                    item=f"{self._item} {key}",
                    reason=f"not 0 to {limit}",
                    value=shortened(value),
                )
            )
            return None
        return value

    def text(self, key: str) -> str | None:
        """Read a text field."""
        return self.read(key, as_text, None)

    def timestamp(self, key: str) -> datetime | None:
        """Read a Unix-time field."""
        return self.read(key, as_timestamp, None)

    def code_and_text(self, key: str) -> tuple[int | None, str | None]:
        """Read a ``"code text"`` field."""
        no_code: tuple[int | None, str | None] = (None, None)
        return self.read(key, as_code_and_text, no_code)


def as_address(value: Any) -> PortAddress:
    """Read a port address sent as text or as a bare number."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadValueError("not a port address", value)
    return address_text(str(value))


@lru_cache(maxsize=4096)
def address_text(text: str) -> PortAddress:
    """Read a port address; memoised, as every report names the same ports again."""
    try:
        return PortAddress.parse(text)
    except ValueError:
        raise BadValueError("not a port address", text) from None


# --- the fast path for port objects ----------------------------------------------------


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
    except BadValueError as err:
        problems.append(problem_of(f"{item} {key}", key, err))
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
    return None if raw is None else _read_field(data, key, as_number, item, problems)


def read_port_fields(
    data: Mapping[str, Any], item: str, problems: list[ReportProblem]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the plain fields of a port object and of its data usage.

    The values nearly always arrive as the expected type, so that case is read inline;
    anything else goes through the careful readers. This loop runs for every port object
    of every report, hundreds of times a minute on a large gateway.
    """
    get = data.get
    port: dict[str, Any] = {}
    for key, name in PORT_TEXTS:
        raw = get(key)
        if type(raw) is str:
            port[name] = raw.strip() or None
        elif raw is None:
            port[name] = None
        else:
            port[name] = _read_field(data, key, as_text, item, problems)
    for key, name in PORT_INTEGERS:
        raw = get(key)
        if type(raw) is int or raw is None:
            port[name] = raw
        else:
            port[name] = _read_field(data, key, as_integer, item, problems)
    for key, name in PORT_FLAGS:
        raw = get(key)
        if type(raw) is int and raw in (0, 1):
            port[name] = raw == 1
        else:
            port[name] = (
                None if raw is None else _read_field(data, key, as_flag, item, problems)
            )
    raw = get("opr")
    port["operator"] = (
        operator_text(raw)
        if type(raw) is str
        else _read_field(data, "opr", as_operator, item, problems)
    )
    port["balance"] = _read_number(data, "bal", item, problems)
    usage: dict[str, Any] = {
        name: _read_number(data, key, item, problems) for key, name in DATA_NUMBERS
    }
    raw = get("dataflow_url")
    usage["last_url"] = (
        raw.strip() or None
        if type(raw) is str
        else _read_field(data, "dataflow_url", as_text, item, problems)
    )
    return port, usage


@lru_cache(maxsize=4096)
def counter_periods(total: Any, month: Any, day: Any) -> CounterPeriods:
    """Read the three ``used/limit`` values of one counter; memoised by their text."""
    # Text, nearly always: read by counter_text, without as_counter's detour.
    return build_frozen(
        CounterPeriods,
        {
            "total": counter_text(total) if type(total) is str else as_counter(total),
            "month": counter_text(month) if type(month) is str else as_counter(month),
            "day": counter_text(day) if type(day) is str else as_counter(day),
        },
    )


def read_counters(
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
            return counter_periods(*raw)
        except BadValueError:
            pass
    counters = {}
    for name, key, value in zip(("total", "month", "day"), keys, raw, strict=True):
        try:
            counters[name] = as_counter(value)
        except BadValueError as err:
            counters[name] = None
            problems.append(problem_of(f"{item} {key}", key, err))
    return build_frozen(CounterPeriods, counters)
