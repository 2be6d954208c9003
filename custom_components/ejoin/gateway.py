"""The state of one gateway and its ports, as its reports tell it, and who listens.

The model only holds and updates state: it merges each report into what is known
(pyejoin.merge says how) and tells its listeners what changed. Reading reports off
the webhook, polling, redial rules and events live elsewhere and feed or read it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from homeassistant.core import callback
from homeassistant.helpers.device_registry import format_mac
from homeassistant.util import dt as dt_util

from .const import LOGGER
from .pyejoin import (
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
        self.port_changed: dict[int, Listeners[[]]] = {}  # by port
        self.ports_changed: Listeners[[set[int]]] = Listeners()  # after each report
        self.ports_added: Listeners[[list[int]]] = Listeners()  # seen the first time
        self.report_applied: Listeners[[Report]] = Listeners()
        self.report_pushed: Listeners[[]] = Listeners()

    @callback
    def listen_port(self, port: int, update: Callable[[], None]) -> Callable[[], None]:
        """Call ``update`` whenever the port's state (or availability) changes."""
        return self.port_changed.setdefault(port, Listeners()).add(update)

    @property
    def registered_ports(self) -> int:
        """How many ports have a SIM on the network."""
        return sum(1 for state in self.ports.values() if state.registered)

    # --- reports -----------------------------------------------------------------------

    @callback
    def apply(self, report: Report, *, pushed: bool = False) -> None:
        """Apply a report (``pushed`` by the gateway, or read); tell who listens."""
        changed: set[int] = set()
        if isinstance(report, DeviceStatusReport):
            self.expires = report.expires
            self.firmware = report.firmware or self.firmware
            self.max_ports = report.max_ports or self.max_ports
            self.max_slots = report.max_slots or self.max_slots
            by_port: dict[int, list[PortState]] = {}
            for state in report.ports:
                by_port.setdefault(state.address.port, []).append(state)
            for port, states in by_port.items():
                if self._apply_port(port, states, port_status=False):
                    changed.add(port)
        elif isinstance(report, PortStatusReport) and report.port is not None:
            port = report.port.address.port
            if self._apply_port(port, [report.port], port_status=True):
                changed.add(port)
        elif (
            isinstance(report, CallRecord)
            and report.port is not None
            and self._apply_call(report.port)
        ):
            changed.add(report.port.address.port)
        now = dt_util.utcnow()
        self.last_report = now
        if pushed:
            self.last_push = now
        if not self.available:
            self.available = True
            LOGGER.info("Gateway %s is reporting again", self.mac)
            changed |= self.known_ports
        self._notify(changed)
        self.report_applied.notify(report)
        if pushed:
            self.report_pushed.notify()

    def _apply_call(self, update: PortState) -> bool:
        """Merge what a call record says of the calling SIM; True when it changed.

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
            return False
        merged, fields = merge_port_state(current, update)
        self._merged[port] = update
        if fields:
            self.ports[port] = merged
        return bool(fields)

    def _apply_port(
        self, port: int, states: list[PortState], *, port_status: bool
    ) -> bool:
        """Merge what one report says about one port; True when anything changed.

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
        changed = False
        slots = self.slots.setdefault(port, {}) if self.all_sims else {}
        if self.all_sims:
            for state in states:
                slot = state.address.slot or 0
                if self._merged.get((port, slot)) is state:
                    continue
                merged, fields = merge_port_state(slots.get(slot), state)
                self._merged[port, slot] = state
                if fields:
                    slots[slot] = merged
                    changed = True
        if working is None or self._merged.get(port) is working:
            return changed
        self._merged[port] = working
        if current is None or same_slot(current, working):
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
            self.ports[port] = new
            changed = True
        return changed

    def _notify(self, changed: set[int]) -> None:
        """Tell of new ports first (their entities are added), then of every change."""
        new_ports = sorted(changed - self.known_ports)
        self.known_ports.update(new_ports)
        if new_ports:
            self.ports_added.notify(new_ports)
        for port in changed:
            if listeners := self.port_changed.get(port):
                listeners.notify()
        self.ports_changed.notify(changed)

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
        self._notify(set(self.known_ports))
