"""Read the port objects of ``dev-status``, ``port-status`` and ``cdr`` reports.

A port object describes one port, or one SIM slot of a port. An object without a usable
``port`` is skipped; an odd value elsewhere is left empty and noted as a problem, and
the field it was in is then not carried (see :mod:`.merge`). A :class:`PortMemory` lets
the objects a gateway resends unchanged be read once. An object whose values are all
plain (nearly every one) is read by a plan made once for its shape (see
:mod:`.port_readers`); any other the careful way, field by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .models import ReportProblem
from .port_readers import read_plain
from .port_state import DataUsage, PortState, build_frozen
from .ports import PortAddress
from .values import (
    BadValueError,
    address_text,
    as_address,
    as_code_and_text,
    problem_of,
    read_counters,
    read_port_fields,
    shortened,
)
from .wire import PORT_COUNTERS, PORT_KEYS, carried_fields

_NOTHING: Final[frozenset[str]] = frozenset()


# What "seq" is when an object has none.
_ABSENT: Final = object()


class PortMemory:
    """The last object seen for each port of one gateway, and what it was read as.

    Gateways resend every port object every report period, nearly all of them unchanged
    but for ``seq``, which counts every object sent. Given a memory, the parser reuses
    the earlier :class:`PortState` for an object equal to the last one of the same port
    but for ``seq``: an unchanged port costs one comparison, and callers can tell
    unchanged ports by identity. (Equal means equal as Python values, where
    ``1 == 1.0 == True``; the gateway never mixes those for one field.)
    """

    def __init__(self, limit: int = 4096) -> None:
        """Remember at most ``limit`` ports (a foreign device could invent any number)."""
        self._limit = limit
        # By port: the memory's own copy of the last object, what it was read as and
        # its problems. The copy's "seq" is set to each new object's before comparing.
        self._last: dict[
            str, tuple[dict[str, Any], PortState, tuple[ReportProblem, ...]]
        ] = {}

    def recall(
        self, data: Mapping[str, Any]
    ) -> tuple[PortState, tuple[ReportProblem, ...]] | None:
        """Return what an object equal to this one but for ``seq`` was read as, if any.

        ``data["port"]`` must be text. This runs for every port object of every report.
        """
        last = self._last.get(data["port"])
        if last is None:
            return None
        kept = last[0]
        seq = data.get("seq", _ABSENT)
        if seq is _ABSENT:
            kept.pop("seq", None)
        else:
            kept["seq"] = seq
        return (last[1], last[2]) if kept == data else None

    def remember(
        self,
        data: Mapping[str, Any],
        state: PortState,
        problems: tuple[ReportProblem, ...],
        *,
        owned: bool,
        size: int | None = None,
    ) -> None:
        """Keep an object and what it was read as, unless it is larger than a gateway's.

        An object the parser decoded itself (``owned``) is kept as it is; one the caller
        passed is copied, as the memory changes its ``seq``. A gateway's port objects
        hold some forty short values; one far larger (a stranger's post) is read every
        time rather than kept. ``size``: the characters of its values, when the reader
        counted them on its way (and it has no more keys than a gateway's).
        """
        port = data["port"]
        if not (_small(data, state) if size is None else size <= _CHARACTERS_KEPT):
            self._last.pop(port, None)
            return
        if len(self._last) >= self._limit and port not in self._last:
            self._last.clear()
        kept = data if owned and type(data) is dict else dict(data)
        self._last[port] = (kept, state, problems)


# The largest port object a memory keeps: a gateway's hold some forty short values.
_KEYS_KEPT: Final = 64
_CHARACTERS_KEPT: Final = 2048
_FLAT: Final = frozenset({str, int, float, bool, type(None)})


def _small(data: Mapping[str, Any], state: PortState) -> bool:
    """Whether a port object is of a gateway's size: few keys, short flat values.

    No gateway nests a list or an object in one. Measured by C-level calls only, and
    the keys only when some are unknown (the known ones are short): this runs for
    every object read.
    """
    values = data.values()
    if len(data) > _KEYS_KEPT or not _FLAT.issuperset(map(type, values)):
        return False
    # The text of a flat value is about as long as it (a text is its own text).
    size = sum(map(len, map(str, values)))
    if state.unknown_keys:
        size += sum(map(len, data))
    return size <= _CHARACTERS_KEPT


def parse_ports(
    objects: list[Any],
    problems: list[ReportProblem],
    memory: PortMemory | None,
    *,
    owned: bool,
) -> list[PortState]:
    """Read the port objects of a ``dev-status``, skipping those that cannot be read.

    With a memory, an object equal to its port's last one but for ``seq`` is not read
    again. ``owned``: the parser decoded the objects itself, and may keep them.
    """
    ports: list[PortState] = []
    append = ports.append
    # The memory's recall, inlined: this loop runs for each of hundreds of objects.
    last = memory._last if memory is not None else {}  # noqa: SLF001
    for index, data in enumerate(objects):
        if type(data) is dict:
            port = data.get("port")
            if type(port) is str:
                if (remembered := last.get(port)) is not None:
                    kept = remembered[0]
                    seq = data.get("seq", _ABSENT)
                    if seq is _ABSENT:
                        kept.pop("seq", None)
                    else:
                        kept["seq"] = seq
                    if kept == data:
                        append(remembered[1])
                        if remembered[2]:
                            problems.extend(remembered[2])
                        continue
                if state := _read_plain(data, port, memory, owned=owned):
                    append(state)
                    continue
        if state := parse_port(
            data, f"status[{index}]", problems, memory, owned=owned, recalled=False
        ):
            append(state)
    return ports


def parse_port(
    data: Any,
    item: str,
    problems: list[ReportProblem],
    memory: PortMemory | None = None,
    *,
    owned: bool = False,
    recalled: bool = True,
) -> PortState | None:
    """Read one port object; None (with the reason in ``problems``) when it has no usable port.

    With a memory, what an object equal to its port's last one but for ``seq`` was read
    as is returned; ``owned``: the parser decoded the object itself, and may keep it.
    ``recalled`` False: the memory was asked already (by :func:`parse_ports`).
    """
    if type(data) is dict and type(port := data.get("port")) is str:
        # The common case first: a JSON object named by text, remembered or plain.
        if recalled and memory is not None and (known := memory.recall(data)):
            problems.extend(known[1])
            return known[0]
        if state := _read_plain(data, port, memory, owned=owned):
            return state
        recalled = False
    if not isinstance(data, Mapping):
        problems.append(ReportProblem(item=item, reason="not a JSON object"))
        return None
    port = data.get("port")
    if port is None:
        problems.append(ReportProblem(item=item, reason="has no port"))
        return None
    if type(data) is not dict or type(port) is not str:
        memory = None  # only JSON objects named by text are remembered
    if recalled and memory is not None and (known := memory.recall(data)):
        problems.extend(known[1])
        return known[0]
    try:
        address = as_address(port)
    except BadValueError as err:
        problems.append(problem_of(f"{item} port", None, err))
        return None
    first_problem = len(problems)
    state = _read_port(data, address, problems)
    if memory is not None:
        memory.remember(data, state, tuple(problems[first_problem:]), owned=owned)
    return state


def _read_plain(
    data: dict[str, Any], port: str, memory: PortMemory | None, *, owned: bool
) -> PortState | None:
    """Read a plain object (nearly every one) by the plan of its keys, else None.

    None also when its port is not an address: the careful reader then reads the
    object, noting each problem.
    """
    try:
        address = address_text(port)
    except BadValueError:
        return None
    planned = read_plain(data, address)
    if planned is None:
        return None
    if memory is not None:
        memory.remember(data, planned[0], (), owned=owned, size=planned[1])
    return planned[0]


def _read_port(
    data: Mapping[str, Any], address: PortAddress, problems: list[ReportProblem]
) -> PortState:
    """Read a port object whose address has been read already, field by field."""
    item = f"port {data['port']}"
    first_problem = len(problems)
    status_key = "st" if "st" in data else "status"
    try:
        status_code, status_text = as_code_and_text(data.get(status_key))
    except BadValueError as err:
        status_code = status_text = None
        problems.append(problem_of(f"{item} {status_key}", status_key, err))
    if status_code is None and status_text is not None:
        problems.append(
            ReportProblem(
                item=f"{item} {status_key}",
                reason="no status code",
                key=status_key,
                value=shortened(status_text),
            )
        )
    values, usage = read_port_fields(data, item, problems)
    for name, keys in PORT_COUNTERS:
        values[name] = read_counters(data, keys, item, problems)
    values["data"] = build_frozen(DataUsage, usage)
    values["address"] = address
    values["status_code"] = status_code
    values["status_text"] = status_text
    values["unknown_keys"] = (
        _NOTHING
        if data.keys() <= PORT_KEYS
        else frozenset(data.keys() - PORT_KEYS - {"type"})
    )
    carried = carried_fields(tuple(data))
    if len(problems) > first_problem:
        # A value that could not be read says nothing: what was known stays.
        unreadable = {problem.key for problem in problems[first_problem:]}
        carried = carried - carried_fields(tuple(key for key in unreadable if key))
    values["carried"] = carried
    return build_frozen(PortState, values)
