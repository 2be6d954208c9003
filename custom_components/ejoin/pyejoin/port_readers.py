"""Read a plain port object fast, with a reader made once for its keys and value types.

A gateway sends objects with the same keys report after report, each value of the same
type, nearly always the type the protocol gives it. For each tuple of keys and tuple of
value types this module compiles a reader: straight-line code that reads each value
the one way a value of its type is read, with no loop and no test of a type. An object
then costs about what a hand-written reader of its one shape would.

The fast path never decides what an odd value means. A value of another type, a blank
number, a status without a code, any value the careful reader would note as a problem,
makes it give up (None); the caller then reads the object the careful way
(:mod:`.port_objects`), noting every problem. It reads only objects without problems,
and tests check that it gives exactly what the careful reader gives for them.

A reader's source is built from this module's own names and from numbers only, never
from a key or a value of the object, whatever a stranger posts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from math import isfinite
from typing import Any, Final

from .port_state import DataUsage, PortState
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

type PortReader = Callable[[tuple[Any, ...], PortAddress], tuple[PortState, int] | None]
"""Reads an object's values (in the order of its keys) into its state, and counts the
characters of its texts; gives up with None, or with ValueError, OverflowError or
KeyError from a conversion."""

# Objects with more or longer keys get no reader (they are read the careful way): a
# gateway's have some forty short keys, and a stranger's must not fill the readers.
_KEYS_READ: Final = 64
_KEY_CHARACTERS_READ: Final = 1024
# A few shapes of object per gateway (with or without a SIM, dev-status or port-status,
# numbers as numbers or as text): room for many gateways of several firmwares.
_READERS_KEPT: Final = 256

# How the value of each known key is read, and into which field ("data." for one of
# the data usage).
_STATUS: Final = "status"
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
# The expression that reads a value of each kind sent as each type. A pair missing
# here is not plain: the careful reader reads the object. None is always "not said".
_READS: Final[dict[tuple[str, type], str]] = {
    (_TEXT, str): "{v}.strip() or None",
    (_INTEGER, int): "{v}",
    (_INTEGER, str): "int({v}) if {v} else None",
    (_FLAG, int): "FLAGS[{v}]",
    (_FLAG, str): "FLAGS[{v}]",
    (_FLAG, bool): "{v}",
    (_OPERATOR, str): "operator_text({v})",
    (_DECIMAL, str): "float({v}) if {v} else None",
    (_DECIMAL, int): "float({v})",
    (_DECIMAL, float): "{v}",
    (_COUNTER, str): "{v}",
}
# The values of other keys (port, seq, type, unknown ones) are only looked at: they
# must be flat, and count towards the size of the object.
_LOOKED_AT: Final = frozenset({str, int, float, bool, type(None)})
# Whole numbers read or looked at: a gateway's are small; a 4000-digit one is odd.
_LOWEST: Final = -(2**63)
_HIGHEST: Final = 2**63 - 1

_PORT_FIELDS: Final = tuple(PortState.__dataclass_fields__)
_DATA_FIELDS: Final = tuple(DataUsage.__dataclass_fields__)
_NOTHING: Final[frozenset[str]] = frozenset()
_NO_COUNTERS: Final = counter_periods(None, None, None)
_NO_DATA: Final = DataUsage()


@lru_cache(maxsize=1024)
def status_text(text: str) -> tuple[int | None, str | None]:
    """Split a ``"3 OK"`` status sent as text; memoised, as ports repeat a few."""
    return as_code_and_text(text)


# All a reader sees: no builtins, only these.
_HELPERS: Final[dict[str, Any]] = {
    "__builtins__": {},
    "new": object.__new__,
    "set_values": object.__setattr__,
    "PortState": PortState,
    "DataUsage": DataUsage,
    "FLAGS": {0: False, 1: True, "0": False, "1": True, "": None},
    "status_text": status_text,
    "operator_text": operator_text,
    "counter_periods": counter_periods,
    "isfinite": isfinite,
    "float": float,
    "int": int,
    "len": len,
}


def _in_range(value: str) -> str:
    """Write a line that gives up on a whole number far beyond a gateway's."""
    return f"if not {_LOWEST} <= {value} <= {_HIGHEST}: return None"


def _display(values: dict[str, str], names: tuple[str, ...]) -> str:
    """Write a dict display of a dataclass's fields, in their order; None if not given."""
    return (
        "{" + ", ".join(f"{name!r}: {values.get(name, 'None')}" for name in names) + "}"
    )


def _reader_source(keys: tuple[str, ...], types: tuple[type, ...]) -> str | None:
    """Write a reader of values of these keys and types; None if one is not plain.

    The source holds names of this module and numbers only: ``v3`` is the fourth value.
    """
    status_key = "st" if "st" in keys else "status"
    lines: list[str] = []  # each gives up (returns None) or names a value read
    fields: dict[str, str] = {}  # field: its expression
    texts: list[str] = []  # the values that are text, whose characters are counted
    finite: list[str] = []
    counters: dict[str, str] = {}
    for index, (key, kind_of) in enumerate(zip(keys, types, strict=True)):
        value = f"v{index}"
        if kind_of is str:
            texts.append(value)
        if key == status_key:
            kind, name = _STATUS, ""
        elif key in _KINDS:
            kind, name = _KINDS[key]
        else:  # only looked at
            if kind_of not in _LOOKED_AT:
                return None
            if kind_of is int:
                lines.append(_in_range(value))
            continue
        if kind_of is type(None):
            continue  # not said: the field stays None
        if kind == _STATUS:
            if kind_of is int:
                lines.append(_in_range(value))
                fields["status_code"] = value
            elif kind_of is str:
                lines.append(f"code, text = status_text({value})")
                # A status without a code is a problem the careful reader notes.
                lines.append("if code is None and text is not None: return None")
                fields["status_code"], fields["status_text"] = "code", "text"
            else:
                return None
            continue
        expression = _READS.get((kind, kind_of))
        if expression is None:
            return None
        expression = expression.format(v=value)
        if kind == _COUNTER:
            counters[key] = expression
            continue
        # Empty text is "not said" (None) for a number as for any field.
        if kind == _DECIMAL:
            lines.append(f"f{index} = {expression}")
            blank = f"f{index} is None or " if kind_of is str else ""
            finite.append(f"({blank}isfinite(f{index}))")
            expression = f"f{index}"
        elif kind == _INTEGER:
            lines.append(f"i{index} = {expression}")
            blank = f"i{index} is not None and " if kind_of is str else ""
            lines.append(
                f"if {blank}not {_LOWEST} <= i{index} <= {_HIGHEST}: return None"
            )
            expression = f"i{index}"
        fields[name] = expression
    if finite:
        lines.append(f"if not ({' and '.join(finite)}): return None")
    for name, group_keys in PORT_COUNTERS:
        if any(key in counters for key in group_keys):
            periods = ", ".join(counters.get(key, "None") for key in group_keys)
            fields[name] = f"counter_periods({periods})"
    usage = {
        name: fields.pop(f"data.{name}")
        for name in _DATA_FIELDS
        if f"data.{name}" in fields
    }
    if usage:
        lines.append("usage = new(DataUsage)")
        lines.append(f"set_values(usage, '__dict__', {_display(usage, _DATA_FIELDS)})")
        fields["data"] = "usage"
    # The fields not said keep the values of ABSENT (a copy), in the dataclass's order.
    lines.append("said = ABSENT.copy()")
    lines.append("said['address'] = address")
    lines.extend(
        f"said[{name!r}] = {fields[name]}" for name in _PORT_FIELDS if name in fields
    )
    lines.append("state = new(PortState)")
    lines.append("set_values(state, '__dict__', said)")
    lines.append(f"return state, len(''.join(({''.join(f'{v}, ' for v in texts)})))")
    unpacked = "".join(f"v{index}, " for index in range(len(keys)))
    body = "".join(f"    {line}\n" for line in (f"({unpacked}) = values", *lines))
    return f"def read(values, address):\n{body}"


def _new_reader(keys: tuple[str, ...], types: tuple[type, ...]) -> PortReader | None:
    """Compile the reader of objects with these keys and types; None if not plain."""
    source = _reader_source(keys, types)
    if source is None:
        return None
    unknown = frozenset(keys) - PORT_KEYS - {"type"}
    absent = dict.fromkeys(_PORT_FIELDS)
    absent.update(dict.fromkeys((name for name, _ in PORT_COUNTERS), _NO_COUNTERS))
    absent["data"] = _NO_DATA
    absent["unknown_keys"] = unknown or _NOTHING
    absent["carried"] = carried_fields(keys)
    namespace = {**_HELPERS, "ABSENT": absent}
    exec(compile(source, "<port reader>", "exec"), namespace)  # noqa: S102 - see the module
    reader: PortReader = namespace["read"]
    return reader


_READERS: Final[dict[tuple[tuple[str, ...], tuple[type, ...]], PortReader | None]] = {}


def read_plain(
    data: dict[str, Any], address: PortAddress
) -> tuple[PortState, int] | None:
    """Read a port object whose every value is plain; None when one is not.

    Returns the state and how many characters the object's texts hold. ``data`` must
    be a ``dict``: the one mapping whose keys and values are as plain as they look.
    """
    values = tuple(data.values())
    shape = (tuple(data), tuple(map(type, values)))
    reader = _READERS.get(shape)
    if reader is None and shape not in _READERS:
        keys = shape[0]
        if len(keys) > _KEYS_READ or sum(map(len, keys)) > _KEY_CHARACTERS_READ:
            return None
        if len(_READERS) >= _READERS_KEPT:
            _READERS.clear()
        reader = _READERS[shape] = _new_reader(*shape)
    if reader is None:
        return None
    try:
        return reader(values, address)
    # int(), float(), FLAGS[] and counter_periods (BadValueError): not plain after all.
    except (ValueError, OverflowError, KeyError):
        return None


def clear_readers() -> None:
    """Forget the readers and the memoised status texts (for benchmarks of a first parse)."""
    _READERS.clear()
    status_text.cache_clear()
