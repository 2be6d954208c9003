"""The state of one gateway and its ports, as its reports tell it, and who listens.

The model only holds and updates state: it merges each report into what is known
(pyejoin.merge says how) and tells its listeners what changed. Reading reports off
the webhook, polling, redial rules and events live elsewhere and feed or read it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from functools import lru_cache
from operator import is_
from typing import Final

from homeassistant.core import callback
from homeassistant.helpers.device_registry import format_mac
from homeassistant.util import dt as dt_util

from .const import LOGGER
from .pyejoin import (
    ADDRESS,
    PORT_FIELDS,
    CallRecord,
    DeviceStatusReport,
    PortState,
    PortStatusReport,
    Report,
    changed_fields,
    is_another_sim,
    merge_port_state,
    names_working_slot,
    same_slot,
    working_state,
)


class Listeners[**P]:
    """Callbacks told of one kind of change; each ``add`` returns the way to stop."""

    def __init__(self) -> None:
        """Start with nobody listening."""
        self._callbacks: list[Callable[P, None]] = []

    def add(self, listener: Callable[P, None]) -> Callable[[], None]:
        """Call ``listener`` on every change from now on."""
        self._callbacks.append(listener)
        return lambda: self._callbacks.remove(listener)

    def notify(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every listener (a listener may stop listening meanwhile)."""
        for listener in list(self._callbacks):
            listener(*args, **kwargs)

    def __len__(self) -> int:
        """Tell how many listen."""
        return len(self._callbacks)


# What a change names, besides the fields of a port's state (pyejoin's PORT_FIELDS, and
# ADDRESS when the port moved to another slot): a field of one of the port's SIM slots
# (every SIM reported), as "slots.balance", or whether the gateway is heard (every
# entity shows it).
AVAILABLE: Final = "available"
# Gateway-wide values, which the gateway's own entities read.
REGISTERED_PORTS: Final = "registered_ports"
FIRMWARE: Final = "firmware"
LAST_REPORT: Final = "last_report"
_NOTHING: Final[frozenset[str]] = frozenset()


@lru_cache(maxsize=256)
def slot_fields(fields: frozenset[str]) -> frozenset[str]:
    """Name fields of a port's SIM slot as a change tells them: ``slots.balance``."""
    return frozenset(f"slots.{name}" for name in fields)


EVERYTHING: Final = (
    PORT_FIELDS | {ADDRESS, AVAILABLE} | slot_fields(PORT_FIELDS | {ADDRESS})
)


class FieldListeners:
    """Callbacks each told only of changes to the fields it reads.

    A report that changes a port's signal asks the signal sensor what it shows, and
    none of the port's other entities. Every listener is told when the gateway becomes
    available or unavailable, since every entity shows that. Listeners are found by
    field, and called in the order they came.
    """

    def __init__(self) -> None:
        """Start with nobody listening."""
        self._by_field: dict[str, dict[Callable[[], None], int]] = {}
        self._added = 0  # how many came: each listener's place in the order
        self._count = 0

    def add(
        self, listener: Callable[[], None], reads: Collection[str]
    ) -> Callable[[], None]:
        """Call ``listener`` whenever one of the fields it ``reads`` changes.

        Each listener is added once (each entity adds its own bound method).
        """
        fields = frozenset(reads) | {AVAILABLE}
        self._added += 1
        self._count += 1
        for name in fields:
            self._by_field.setdefault(name, {})[listener] = self._added

        def stop() -> None:
            self._count -= 1
            for name in fields:
                del self._by_field[name][listener]

        return stop

    def notify(self, changed: frozenset[str]) -> None:
        """Call every listener that reads one of the ``changed`` fields, once."""
        told: dict[Callable[[], None], int] = {}
        for name in changed:
            if listeners := self._by_field.get(name):
                told.update(listeners)
        for listener in sorted(told, key=told.__getitem__) if len(told) > 1 else told:
            listener()

    def __len__(self) -> int:
        """Tell how many listen."""
        return self._count


class EjoinGateway:
    """One gateway's state: its ports' SIMs, every reported SIM slot, availability."""

    def __init__(self, *, mac: str, all_sims: bool) -> None:
        """Prepare an empty state; the set-up applies the gateway's first dev-status."""
        self.mac = format_mac(mac)
        self.all_sims = (
            all_sims  # every SIM slot is reported, not only the working ones
        )
        self.firmware: str | None = None
        self.max_ports: int | None = None
        self.max_slots: int | None = None
        # The period the gateway announces (diagnostics only: its unit is doubtful).
        self.expires: int | None = None
        self.ports: dict[int, PortState] = {}  # the working SIM's state, by port
        self.slots: dict[int, dict[int, PortState]] = {}  # every slot (all SIMs only)
        self.known_ports: set[int] = set()
        self.last_report: datetime | None = None  # any report, pushed or read
        self.last_push: datetime | None = None  # a report the gateway pushed
        self.available = True  # False once not heard for too long (see watch.py)
        # The port object last merged into each port's (and slot's) state. Gateways
        # resend the same objects every period, which the parser's memory hands back
        # as the very same object: merging it again would change nothing.
        self._merged: dict[int | tuple[int, int], PortState] = {}
        # The port objects of the last dev-status, all of them and by port: a gateway
        # resending them unchanged is seen by identity, without looking into them.
        self._last_objects: tuple[PortState, ...] = ()
        self._port_objects: dict[int, list[PortState]] = {}
        self._registered: set[int] = set()  # ports whose SIM is on the network
        self.port_changed: dict[int, FieldListeners] = {}  # by port
        self.gateway_changed = FieldListeners()  # gateway-wide values
        # After each report: each changed port, with the fields that changed.
        self.ports_changed: Listeners[[Mapping[int, frozenset[str]]]] = Listeners()
        self.ports_added: Listeners[[list[int]]] = Listeners()  # seen the first time
        self.report_applied: Listeners[[Report]] = Listeners()
        self.report_pushed: Listeners[[]] = Listeners()

    @callback
    def listen_port(
        self,
        port: int,
        update: Callable[[], None],
        reads: Collection[str] = EVERYTHING,
    ) -> Callable[[], None]:
        """Call ``update`` when a field it ``reads`` of the port's state changes.

        Fields are those of pyejoin's ``PORT_FIELDS``, ``ADDRESS`` (the slot), and
        those of the port's SIM slots (``slot_fields``); availability is told too.
        """
        return self.port_changed.setdefault(port, FieldListeners()).add(update, reads)

    @property
    def registered_ports(self) -> int:
        """How many ports have a SIM on the network (counted as reports change them)."""
        return len(self._registered)

    # --- reports -----------------------------------------------------------------------

    @callback
    def apply(self, report: Report, *, pushed: bool = False) -> None:
        """Apply a report (``pushed`` by the gateway, or read); tell who listens."""
        changes: dict[int, frozenset[str]] = {}
        registered = len(self._registered)
        firmware = self.firmware
        if isinstance(report, DeviceStatusReport):
            self.expires = report.expires
            self.firmware = report.firmware or self.firmware
            self.max_ports = report.max_ports or self.max_ports
            self.max_slots = report.max_slots or self.max_slots
            changes = self._apply_device_status(report.ports)
        elif isinstance(report, PortStatusReport) and report.port is not None:
            # It may move the port away from what the last dev-status's objects said.
            port = report.port.address.port
            self._last_objects = ()
            self._port_objects.pop(port, None)
            if fields := self._apply_port(port, [report.port], port_status=True):
                changes[port] = fields
        elif isinstance(report, CallRecord) and report.port is not None:
            port = report.port.address.port
            self._last_objects = ()
            self._port_objects.pop(port, None)
            if fields := self._apply_call(report.port):
                changes[port] = fields
        now = dt_util.utcnow()
        self.last_report = now
        if pushed:
            self.last_push = now
        gateway_fields = {LAST_REPORT}
        if len(self._registered) != registered:
            gateway_fields.add(REGISTERED_PORTS)
        if self.firmware != firmware:
            gateway_fields.add(FIRMWARE)
        if not self.available:
            self.available = True
            LOGGER.info("Gateway %s is reporting again", self.mac)
            gateway_fields.add(AVAILABLE)
            changes = dict.fromkeys(self.known_ports | changes.keys(), EVERYTHING)
        self._notify(changes, frozenset(gateway_fields))
        self.report_applied.notify(report)
        if pushed:
            self.report_pushed.notify()

    def _apply_device_status(
        self, objects: tuple[PortState, ...]
    ) -> dict[int, frozenset[str]]:
        """Merge a dev-status's port objects; return each changed port's fields.

        The parser hands back the very objects of last time for port objects the
        gateway resent unchanged, so an unchanged report is told by identity alone.
        """
        last = self._last_objects
        self._last_objects = objects
        if len(last) == len(objects) and all(map(is_, objects, last)):
            return {}
        by_port: dict[int, list[PortState]] = {}
        for state in objects:
            by_port.setdefault(state.address.port, []).append(state)
        changes: dict[int, frozenset[str]] = {}
        for port, states in by_port.items():
            before = self._port_objects.get(port)
            self._port_objects[port] = states
            if (
                before is not None
                and len(before) == len(states)
                and all(map(is_, states, before))
            ):
                continue
            if fields := self._apply_port(port, states, port_status=False):
                changes[port] = fields
        return changes

    def _apply_call(self, update: PortState) -> frozenset[str]:
        """Merge what a call record says of the calling SIM; return what changed.

        A call record never moves the slot nor replaces the SIM: a late record may be
        of the SIM before.
        """
        port = update.address.port
        current = self.ports.get(port)
        if (
            current is None
            or not same_slot(current, update)
            or is_another_sim(current, update)
        ):
            return _NOTHING
        merged, fields = merge_port_state(current, update)
        self._merged[port] = update
        if fields:
            self._set_port(port, merged)
        return fields

    def _apply_port(
        self, port: int, states: list[PortState], *, port_status: bool
    ) -> frozenset[str]:
        """Merge what one report says about one port; return the fields that changed.

        The port's state is that of the SIM it works on (see pyejoin.merge for how
        the slot is chosen). With every slot reported, each slot's state is kept too.
        """
        current = self.ports.get(port)
        if port_status:
            update = states[0]
            working = (
                update
                if names_working_slot(update, current, all_slots_reported=self.all_sims)
                else None
            )
        else:
            working = working_state(states, current)
        changed = _NOTHING  # of the slots
        slots = self.slots.setdefault(port, {}) if self.all_sims else {}
        # The working slot's merge, when the port's state is that slot's very state:
        # merging the same object into the same state again would give the same.
        working_merge: tuple[PortState, frozenset[str]] | None = None
        if self.all_sims:
            for state in states:
                slot = state.address.slot or 0
                if self._merged.get((port, slot)) is state:
                    continue
                before = slots.get(slot)
                merged, fields = merge_port_state(before, state)
                self._merged[port, slot] = state
                if state is working and before is current and current is not None:
                    working_merge = merged, fields
                if fields:
                    slots[slot] = merged
                    changed |= slot_fields(fields)
        if working is None or self._merged.get(port) is working:
            return changed
        self._merged[port] = working
        if working_merge is not None:
            new, fields = working_merge
        elif current is None or same_slot(current, working):
            new, fields = merge_port_state(current, working)
        else:
            # The port works on another slot now: start from what is known of that
            # slot's SIM (every slot reported), else from what the report says (and
            # the modem's own fields it does not carry).
            new = (
                slots.get(working.address.slot or 0)
                or merge_port_state(current, working)[0]
            )
            fields = changed_fields(current, new)
        if fields:
            self._set_port(port, new)
        return fields | changed

    def _set_port(self, port: int, state: PortState) -> None:
        """Keep a port's new state, and count it among the registered or not.

        Every change of ``ports`` goes through here, or the count goes wrong.
        """
        self.ports[port] = state
        if state.registered:
            self._registered.add(port)
        else:
            self._registered.discard(port)

    def _notify(
        self, changes: dict[int, frozenset[str]], gateway_fields: frozenset[str]
    ) -> None:
        """Tell of new ports first (their entities are added), then of every change."""
        new_ports = sorted(changes.keys() - self.known_ports)
        self.known_ports.update(new_ports)
        if new_ports:
            self.ports_added.notify(new_ports)
        for port, fields in changes.items():
            if listeners := self.port_changed.get(port):
                listeners.notify(fields)
        self.gateway_changed.notify(gateway_fields)
        self.ports_changed.notify(changes)

    @callback
    def mark_silent(self, silent_for: float) -> None:
        """Make every entity unavailable: the gateway has not been heard for too long."""
        if not self.available:
            return
        self.available = False
        # Info, once: the quality scale's log-when-unavailable rule.
        LOGGER.info(
            "Gateway %s has not been heard for %d s; its entities are unavailable",
            self.mac,
            silent_for,
        )
        self._notify(
            dict.fromkeys(self.known_ports, EVERYTHING), frozenset({AVAILABLE})
        )
