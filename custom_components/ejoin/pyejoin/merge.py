"""What a report means for the state of a port: which fields change, which slot works.

Real gateways do not send the complete state of a port each time:

- a ``port-status`` is often partial (the proxy firmware's carries eight fields, no
  signal, no counters, no data usage): a field a report does not carry keeps the value
  last known for the same SIM, while nothing of a previous SIM is kept for a new one;
- with every SIM slot reported, real gateways do not say which slot is in use
  (``active`` is missing); only the SIM the modem works with can be registering,
  registered, in a call or connected, so that tells the working slot;
- ``port`` in a ``port-status`` names the slot the port now works on, unless the
  object says ``active`` 0 (an inactive slot, reported because all SIMs are).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Final

from .port_state import (
    COUNTER_GROUPS,
    ON_NETWORK_STATUSES,
    PORT_FIELDS,
    CounterPeriods,
    DataUsage,
    PortState,
    PortStatus,
    build_frozen,
)

# Not a field of PortState: named in a change when the port's address (its slot) moved.
ADDRESS: Final = "address"

# Fields of the port's modem, not of the SIM in it: they stay when the SIM changes.
MODULE_FIELDS: Final = frozenset({"imei", "led"})

# Only the SIM the modem works with can be in one of these states: on the network,
# registering, or out of balance.
WORKING_STATUSES: Final = ON_NETWORK_STATUSES | {
    PortStatus.REGISTERING,
    PortStatus.NO_BALANCE,
}
# A SIM that sits in a slot without being used.
IDLE_STATUSES: Final = frozenset({PortStatus.IDLE_SIM, PortStatus.CARD_DETECTED})

_GROUP_TYPES: Final[dict[str, type[Any]]] = {
    **dict.fromkeys(COUNTER_GROUPS, CounterPeriods),
    "data": DataUsage,
}
# Each field name: (the group holding it, or None for PortState itself; its attribute).
_PATHS: Final[dict[str, tuple[str | None, str]]] = {
    name: (group, attribute) if separator else (None, name)
    for name in PORT_FIELDS
    for group, separator, attribute in [name.partition(".")]
}
# Each group's attribute names.
_GROUP_FIELDS: Final = {
    group: frozenset(a for g, a in _PATHS.values() if g == group)
    for group in _GROUP_TYPES
}
# How a report's fields of one group are compared: group, attributes, carried whole.
type _GroupPlan = tuple[str, tuple[str, ...], bool]


def field_value(state: PortState, name: str) -> Any:
    """Return the value of one field (a name of ``PORT_FIELDS``) of a port state."""
    group, attribute = _PATHS[name]
    return getattr(state if group is None else getattr(state, group), attribute)


def same_slot(first: PortState, second: PortState) -> bool:
    """Whether two states are of the same SIM slot; a bare port number matches any."""
    if first.address.slot is None or second.address.slot is None:
        return first.address.port == second.address.port
    return first.address == second.address


def is_another_sim(current: PortState, update: PortState) -> bool:
    """Whether a report speaks of another SIM than the one known for the port.

    Another slot, a SIM gone or come, or another ICCID or IMSI.
    """
    if not same_slot(current, update):
        return True
    carried = update.carried
    if (
        "status_code" in carried
        and update.status_code is not None
        and current.status_code is not None
        and (update.status_code == PortStatus.NO_SIM)
        != (current.status_code == PortStatus.NO_SIM)
    ):
        return True
    return any(
        name in carried
        and (new := getattr(update, name)) is not None
        and (old := getattr(current, name)) is not None
        and new != old
        for name in ("iccid", "imsi")
    )


def changed_fields(before: PortState | None, after: PortState) -> frozenset[str]:
    """Name every field (and the address) whose value differs between two states."""
    if before is None:
        return PORT_FIELDS | {ADDRESS}
    changed = {
        name
        for name in PORT_FIELDS
        if field_value(before, name) != field_value(after, name)
    }
    if before.address != after.address:
        changed.add(ADDRESS)
    return frozenset(changed)


def merge_port_state(
    current: PortState | None, update: PortState
) -> tuple[PortState, frozenset[str]]:
    """Lay what a report carries over what is known of the same SIM.

    Returns the new state and the fields that changed (``ADDRESS`` among them when the
    slot moved). A report of another SIM replaces the state: only the modem's fields it
    does not carry are kept. Nothing changed: the current state itself comes back.
    """
    if current is None:
        return update, PORT_FIELDS | {ADDRESS}
    if is_another_sim(current, update):
        kept = {
            name: value
            for name in MODULE_FIELDS - update.carried
            if (value := getattr(current, name)) is not None
        }
        fresh = (
            build_frozen(
                PortState,
                {**update.__dict__, **kept, "carried": update.carried | kept.keys()},
            )
            if kept
            else update
        )
        return fresh, changed_fields(current, fresh)
    changes = _changes(current, update)
    # A bare port number ("3") says less than the slot already known.
    address = current.address if update.address.slot is None else update.address
    if not changes and address == current.address:
        return current, frozenset()
    values = dict(current.__dict__)
    groups: dict[str, dict[str, Any]] = {}
    for name, value in changes.items():
        group, attribute = _PATHS[name]
        if group is None:
            values[attribute] = value
        else:
            groups.setdefault(group, dict(getattr(current, group).__dict__))[
                attribute
            ] = value
    for group, group_values in groups.items():
        values[group] = build_frozen(_GROUP_TYPES[group], group_values)
    values["address"] = address
    values["unknown_keys"] = update.unknown_keys
    values["carried"] = current.carried | update.carried
    changed = frozenset(changes)
    return build_frozen(PortState, values), (
        changed if address == current.address else changed | {ADDRESS}
    )


@lru_cache(maxsize=256)
def _plan(carried: frozenset[str]) -> tuple[tuple[str, ...], tuple[_GroupPlan, ...]]:
    """Sort carried fields into top-level ones and, by group, the grouped ones.

    Memoised by the set: a gateway's port objects carry the same few sets of fields.
    """
    scalars = tuple(sorted(name for name in carried if _PATHS[name][0] is None))
    grouped: dict[str, list[str]] = {}
    for name in sorted(carried):
        group, attribute = _PATHS[name]
        if group is not None:
            grouped.setdefault(group, []).append(attribute)
    return scalars, tuple(
        (group, tuple(attributes), len(attributes) == len(_GROUP_FIELDS[group]))
        for group, attributes in grouped.items()
    )


def _changes(current: PortState, update: PortState) -> dict[str, Any]:
    """Return the carried fields whose value differs, by name, with the new value.

    This runs for every port object of every report: values are compared straight
    from the instances' dictionaries, and a group carried whole (all its counters, or
    all data usage) is compared in one go first.
    """
    scalars, groups = _plan(update.carried)
    known, said = current.__dict__, update.__dict__
    changes = {name: said[name] for name in scalars if said[name] != known[name]}
    for group, attributes, whole in groups:
        known_group, said_group = known[group], said[group]
        if known_group is said_group or (whole and known_group == said_group):
            continue
        known_values, said_values = known_group.__dict__, said_group.__dict__
        for attribute in attributes:
            if said_values[attribute] != known_values[attribute]:
                changes[f"{group}.{attribute}"] = said_values[attribute]
    return changes


def working_rank(state: PortState) -> int:
    """How surely a slot is the one the modem works with: 0 surely, 3 surely not."""
    code = state.status_code
    if code in WORKING_STATUSES:
        return 0
    if code is None or code == PortStatus.NO_SIM:
        return 3
    if code in IDLE_STATUSES:
        return 2
    return 1  # failed, locked, SIM error: the modem tried this SIM


def working_state(
    states: Sequence[PortState], current: PortState | None
) -> PortState | None:
    """Pick, among one report's objects for a port, the one of the slot in use.

    An object flagged ``active`` 1 is it; objects flagged 0 never are. Without flags
    (every real all-SIMs report), the slot whose status only a working SIM can have
    wins; between equals, the slot known to be in use, then the first reported.
    None when every object says it is inactive.
    """
    candidates = [state for state in states if state.active is not False]
    for state in candidates:
        if state.active:
            return state
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda state: (
            working_rank(state),
            current is None or not same_slot(current, state),
        ),
    )


def names_working_slot(
    update: PortState, current: PortState | None, *, all_slots_reported: bool
) -> bool:
    """Whether a ``port-status`` names the slot its port now works on.

    ``port`` is "the current working port and SIM slot", unless the object says
    ``active`` 0. When every slot is reported and the flag is missing, a report of
    another slot is taken for the working slot's only in a state that only a working
    SIM can have: an idle, missing, locked or failed SIM may sit in any slot.
    """
    if update.active is not None:
        return update.active
    if current is None or same_slot(current, update):
        return True
    return not all_slots_reported or working_rank(update) == 0
