"""Read the port objects of ``dev-status``, ``port-status`` and ``cdr`` reports.

A port object describes one port, or one SIM slot of a port. An object without a usable
``port`` is skipped; an odd value elsewhere is left empty and noted as a problem, and
the field it was in is then not carried (see :mod:`.merge`). A :class:`PortMemory` lets
the objects a gateway resends unchanged be read once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .models import ReportProblem
from .port_state import DataUsage, PortState, build_frozen
from .ports import PortAddress
from .values import (
    BadValueError,
    as_address,
    as_code_and_text,
    problem_of,
    read_counters,
    read_port_fields,
    shortened,
)
from .wire import PORT_COUNTERS, PORT_KEYS, carried_fields

_NOTHING: Final[frozenset[str]] = frozenset()


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
        """Keep an object and what it was read as, unless it is larger than a gateway's.

        A gateway's port objects hold some forty short values; one far larger (a
        stranger's post) is read every time rather than kept.
        """
        if not _small(data):
            self._last.pop(data["port"], None)
            return
        if len(self._last) >= self._limit and data["port"] not in self._last:
            self._last.clear()
        self._last[data["port"]] = (data, state, problems)


# The largest port object a memory keeps: a gateway's hold some forty short values.
_KEYS_KEPT: Final = 64
_CHARACTERS_KEPT: Final = 2048


def _small(data: Mapping[str, Any]) -> bool:
    """Whether a port object is of a gateway's size: few keys, short flat values."""
    if len(data) > _KEYS_KEPT:
        return False
    size = 0
    for key, value in data.items():
        if type(value) is str:
            size += len(key) + len(value)
        elif value is None or type(value) in (int, float, bool):
            size += len(key) + 8
        else:
            return False  # a list or an object: no gateway nests in a port object
    return size <= _CHARACTERS_KEPT


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
        address = as_address(data["port"])
    except BadValueError as err:
        problems.append(problem_of(f"{item} port", None, err))
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
