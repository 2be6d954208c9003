"""Read a plain port object fast, with a plan made once for its keys and value types.

A gateway sends objects with the same keys report after report, each value of the same
type, nearly always the type the protocol gives it. For each tuple of keys and tuple of
value types this module makes a plan once: for each value, the one small function that
reads a value of its kind sent as its type, and the field it goes to. Reading an object
is then a walk through its plan, with no test of a key or of a type.

The fast path never decides what an odd value means. A value of another type, a blank
number, a status without a code, any value the careful reader would note as a problem,
makes it give up (None); the caller then reads the object the careful way
(:mod:`.port_objects`), noting every problem. It reads only objects without problems,
and tests check that it gives exactly what the careful reader gives for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from math import isfinite
from operator import itemgetter
from typing import Any, Final

from .port_state import DataUsage, PortState, build_frozen
from .ports import PortAddress
from .values import as_code_and_text, counter_periods, operator_text
from .wire import (
    DATA_NUMBERS,
    PORT_COUNTERS,
    PORT_FLAGS,
    PORT_INTEGERS,
    PORT_KEYS,
    PORT_TEXTS,
    carried_fields,
)

# Objects with more or longer keys get no reader (they are read the careful way): a
# gateway's have some forty short keys, and a stranger's must not fill the readers.
_KEYS_READ: Final = 64
_KEY_CHARACTERS_READ: Final = 1024
# A few shapes of object per gateway (with or without a SIM, dev-status or port-status,
# numbers as numbers or as text): room for many gateways of several firmwares.
_PLANS_KEPT: Final = 256

# How the value of each known key is read, and into which field ("data." for one of
# the data usage).
_TEXT: Final = "text"
_INTEGER: Final = "integer"
_FLAG: Final = "flag"
_OPERATOR: Final = "operator"
_DECIMAL: Final = "decimal"
_COUNTER: Final = "counter"
_KINDS: Final[dict[str, tuple[str, str]]] = {
    **{key: (_TEXT, name) for key, name in PORT_TEXTS},
    **{key: (_INTEGER, name) for key, name in PORT_INTEGERS},
    **{key: (_FLAG, name) for key, name in PORT_FLAGS},
    "opr": (_OPERATOR, "operator"),
    "bal": (_DECIMAL, "balance"),
    **{key: (_DECIMAL, f"data.{name}") for key, name in DATA_NUMBERS},
    "dataflow_url": (_TEXT, "data.last_url"),
    **{key: (_COUNTER, key) for _, keys in PORT_COUNTERS for key in keys},
}
# Whole numbers read or looked at: a gateway's are small; a 4000-digit one is odd.
_LOWEST: Final = -(2**63)
_HIGHEST: Final = 2**63 - 1
_FLAGS: Final[dict[object, bool | None]] = {
    0: False,
    1: True,
    "0": False,
    "1": True,
    "": None,
}


class _NotPlainError(ValueError):
    """A value the careful reader would note as a problem: read the object its way."""


def _whole(value: int) -> int:
    if not _LOWEST <= value <= _HIGHEST:
        raise _NotPlainError
    return value


def _finite(value: float) -> float:
    if not isfinite(value):
        raise _NotPlainError
    return value


# How a value of each kind sent as each type is read; a pair missing here is not
# plain. Empty text is "not said" (None) for a number as for any field.
_READS: Final[dict[tuple[str, type], Callable[[Any], Any]]] = {
    (_TEXT, str): lambda value: value.strip() or None,
    (_INTEGER, int): _whole,
    (_INTEGER, str): lambda value: _whole(int(value)) if value else None,
    (_FLAG, int): _FLAGS.__getitem__,
    (_FLAG, str): _FLAGS.__getitem__,
    (_FLAG, bool): lambda value: value,
    (_OPERATOR, str): operator_text,
    (_DECIMAL, str): lambda value: _finite(float(value)) if value else None,
    (_DECIMAL, int): lambda value: _finite(float(value)),
    (_DECIMAL, float): _finite,
}
# The values of other keys (port, seq, type, unknown ones) are only looked at: they
# must be flat, and count towards the size of the object.
_LOOKED_AT: Final = frozenset({str, int, float, bool, type(None)})

_PORT_FIELDS: Final = tuple(PortState.__dataclass_fields__)
_NOTHING: Final[frozenset[str]] = frozenset()
_NO_COUNTERS: Final = counter_periods(None, None, None)
_NO_DATA: Final = DataUsage()


@lru_cache(maxsize=1024)
def status_text(text: str) -> tuple[int | None, str | None]:
    """Split a ``"3 OK"`` status sent as text; memoised, as ports repeat a few."""
    code, said = as_code_and_text(text)
    if code is None and said is not None:
        raise _NotPlainError  # a status without a code: a problem the careful reader notes
    return code, said


def _status_number(value: int) -> tuple[int, None]:
    return _whole(value), None


_STATUS_READS: Final[dict[type, Callable[[Any], tuple[int | None, str | None]]]] = {
    int: _status_number,
    str: status_text,
}

# One step of a plan: the index of a value, how it is read, the field it goes to.
type _Step = tuple[int, Callable[[Any], Any], str]


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to read objects of one tuple of keys and value types."""

    fields: tuple[_Step, ...]  # fields of PortState
    usage: tuple[_Step, ...]  # fields of its DataUsage
    status: tuple[int, Callable[[Any], tuple[int | None, str | None]]] | None
    # Each counter group: the three texts (total, month, day), None for one not said.
    counters: tuple[tuple[str, Callable[[tuple[Any, ...]], tuple[Any, ...]]], ...]
    whole: tuple[int, ...]  # values only looked at that are whole numbers
    texts: Callable[[tuple[Any, ...]], tuple[str, ...]]  # the values that are text
    absent: dict[str, Any]  # each field's value when the object does not say it

    def read(
        self, values: tuple[Any, ...], address: PortAddress
    ) -> tuple[PortState, int]:
        """Read an object's values; raise ValueError, OverflowError or KeyError when odd."""
        said = self.absent.copy()
        said["address"] = address
        for index in self.whole:
            _whole(values[index])
        for index, read, name in self.fields:
            said[name] = read(values[index])
        if self.status is not None:
            index, read_status = self.status
            said["status_code"], said["status_text"] = read_status(values[index])
        for group, texts in self.counters:
            said[group] = counter_periods(*texts(values))
        if self.usage:
            usage = object.__new__(DataUsage)
            usage.__dict__.update(_NO_DATA.__dict__)
            for index, read, name in self.usage:
                usage.__dict__[name] = read(values[index])
            said["data"] = usage
        return build_frozen(PortState, said), sum(map(len, self.texts(values)))


def _getter(
    indexes: tuple[int | None, ...],
) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """Return what takes these values (None for one not said) out of an object's."""
    if len(indexes) > 1 and None not in indexes:
        return itemgetter(*indexes)  # in one call, as this runs for every object
    return lambda values: tuple(
        None if index is None else values[index] for index in indexes
    )


def _new_plan(keys: tuple[str, ...], types: tuple[type, ...]) -> _Plan | None:
    """Plan the reading of objects with these keys and types; None if one is not plain."""
    status_key = "st" if "st" in keys else "status"
    fields: list[_Step] = []
    usage: list[_Step] = []
    status = None
    counters: dict[str, int] = {}
    whole: list[int] = []
    for index, (key, kind_of) in enumerate(zip(keys, types, strict=True)):
        if key != status_key and key not in _KINDS:  # only looked at
            if kind_of not in _LOOKED_AT:
                return None
            if kind_of is int:
                whole.append(index)
            continue
        if kind_of is type(None):
            continue  # not said: the field stays None
        if key == status_key:
            if kind_of not in _STATUS_READS:
                return None
            status = (index, _STATUS_READS[kind_of])
            continue
        kind, name = _KINDS[key]
        if kind == _COUNTER:
            if kind_of is not str:
                return None
            counters[key] = index
            continue
        read = _READS.get((kind, kind_of))
        if read is None:
            return None
        if name.startswith("data."):
            usage.append((index, read, name.removeprefix("data.")))
        else:
            fields.append((index, read, name))
    absent = dict.fromkeys(_PORT_FIELDS)
    absent.update(dict.fromkeys((name for name, _ in PORT_COUNTERS), _NO_COUNTERS))
    absent["data"] = _NO_DATA
    absent["unknown_keys"] = frozenset(keys) - PORT_KEYS - {"type"} or _NOTHING
    absent["carried"] = carried_fields(keys)
    return _Plan(
        fields=tuple(fields),
        usage=tuple(usage),
        status=status,
        counters=tuple(
            (name, _getter(tuple(counters.get(key) for key in group_keys)))
            for name, group_keys in PORT_COUNTERS
            if any(key in counters for key in group_keys)
        ),
        whole=tuple(whole),
        texts=_getter(tuple(i for i, kind_of in enumerate(types) if kind_of is str)),
        absent=absent,
    )


_PLANS: Final[dict[tuple[tuple[str, ...], tuple[type, ...]], _Plan | None]] = {}


def read_plain(
    data: dict[str, Any], address: PortAddress
) -> tuple[PortState, int] | None:
    """Read a port object whose every value is plain; None when one is not.

    Returns the state and how many characters the object's texts hold. ``data`` must
    be a ``dict``: the one mapping whose keys and values are as plain as they look.
    """
    values = tuple(data.values())
    shape = (tuple(data), tuple(map(type, values)))
    plan = _PLANS.get(shape)
    if plan is None and shape not in _PLANS:
        keys = shape[0]
        if len(keys) > _KEYS_READ or sum(map(len, keys)) > _KEY_CHARACTERS_READ:
            return None
        if len(_PLANS) >= _PLANS_KEPT:
            _PLANS.clear()
        plan = _PLANS[shape] = _new_plan(*shape)
    if plan is None:
        return None
    try:
        return plan.read(values, address)
    # int(), float(), the flags, the status and counter_periods (BadValueError): not
    # plain after all.
    except (ValueError, OverflowError, KeyError):
        return None


def clear_readers() -> None:
    """Forget the plans and the memoised status texts (for benchmarks of a first parse)."""
    _PLANS.clear()
    status_text.cache_clear()
