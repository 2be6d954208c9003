"""The live state of one gateway: it applies each report and tells entities what changed."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
import logging
import time
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER

if TYPE_CHECKING:
    from .events import EjoinEvents
    from .inbox import SmsInbox
    from .proxy import EjoinProxyCoordinator

from .pyejoin import (
    CallRecord,
    DeviceStatusReport,
    EjoinClient,
    EjoinMalformedReportError,
    PortMemory,
    PortState,
    PortStatusReport,
    Report,
    SmsReceivedReport,
    UnknownReport,
    changed_fields,
    is_another_sim,
    merge_port_state,
    names_working_slot,
    parse_report,
    same_slot,
    working_state,
)

type EjoinConfigEntry = ConfigEntry[EjoinRuntimeData]

# Distinct oddities of reports logged (once each) per gateway; more are not recorded.
ODDITIES_LOGGED = 256


# Bodies up to this size are parsed in the event loop; larger ones (a big gateway's
# dev-status) in the executor, so that the loop never stalls for several milliseconds.
INLINE_PARSE_BYTES = 16 * 1024

# The last reports are kept as they came, for diagnostics; a big dev-status only by size.
RAW_REPORTS_KEPT = 10
RAW_REPORT_BYTES_KEPT = 64 * 1024


class TaskIds:
    """SMS task ids, unique per gateway also across restarts (kept in storage)."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Keep the next id in Home Assistant's storage under the entry's id."""
        self._store: Store[dict[str, int]] = Store(
            hass, 1, f"{DOMAIN}.{entry_id}.tasks"
        )
        self._next: int | None = None
        self._lock = asyncio.Lock()  # two SMS sent at once must not share an id

    async def next(self) -> int:
        """Return an id no earlier task of this gateway had."""
        async with self._lock:
            return await self._take()

    async def async_remove(self) -> None:
        """Delete the stored id (the entry is removed)."""
        await self._store.async_remove()

    async def _take(self) -> int:
        if self._next is None:
            stored = await self._store.async_load() or {}
            # Without a stored id (first use, or storage lost), start from the clock:
            # larger than any id used before, and within the gateway's 32-bit range.
            self._next = stored.get("next") or int(time.time()) % 2_000_000_000
        task_id = self._next
        self._next += 1
        await self._store.async_save({"next": self._next})
        return task_id


@dataclass
class EjoinRuntimeData:
    """What a set-up config entry keeps: the client, the gateway's state, its events."""

    client: EjoinClient
    gateway: EjoinGateway
    task_ids: TaskIds
    inbox: SmsInbox
    events: EjoinEvents
    proxy: EjoinProxyCoordinator | None = None


@dataclass
class RedialWatch:
    """A redialled port: the status it was redialled from, and whether it left it."""

    before: int | None
    started: float  # monotonic time the redial was sent
    left: bool = False


@dataclass(frozen=True, kw_only=True)
class IngestResult:
    """How a report was taken, for the webhook's answer."""

    status: int
    message: str


class EjoinGateway:
    """One gateway's state, fed by reports; entities listen for the ports they show."""

    def __init__(self, hass: HomeAssistant, *, mac: str, all_sims: bool) -> None:
        """Prepare an empty state; the set-up applies the gateway's first dev-status."""
        self.hass = hass
        self.mac = format_mac(mac)
        self.firmware: str | None = None
        self.max_ports: int | None = None
        self.max_slots: int | None = None
        self.all_sims = all_sims
        self.ports: dict[int, PortState] = {}  # the active SIM's state, by port
        self.slots: dict[int, dict[int, PortState]] = {}  # every reported slot, by port
        self.last_report: datetime | None = None  # any report, pushed or read
        self.last_push: datetime | None = None  # a report the gateway pushed
        # The period the gateway announces (diagnostics only: its unit is doubtful).
        self.expires: int | None = None
        # False once the gateway has not been heard for too long (see watch.py).
        self.available = True
        self.raw_reports: deque[tuple[datetime, bytes | None, int]] = deque(
            maxlen=RAW_REPORTS_KEPT
        )
        self.memory = PortMemory()
        # The port object last merged into each port's (and slot's) state. Gateways
        # resend the same objects every period, which the memory reads as the very
        # same object: merging it again would change nothing, so it is skipped.
        self._merged: dict[int | tuple[int, int], PortState] = {}
        self._lock = asyncio.Lock()
        self._port_listeners: dict[int, list[Callable[[], None]]] = {}
        self._gateway_listeners: list[Callable[[], None]] = []
        self._new_port_listeners: list[Callable[[list[int]], None]] = []
        self.known_ports: set[int] = set()
        self.device_id: str | None = None  # the gateway's device, once registered
        self.redial_not_before: dict[int, float] = {}  # port -> monotonic time
        self.redialing: dict[int, RedialWatch] = {}  # redials not completed, by port
        self._redial_listeners: list[Callable[[], None]] = []
        self._report_listeners: list[Callable[[Report], None]] = []
        self._push_listeners: list[Callable[[], None]] = []
        self._foreign_macs: set[str] = set()
        self._oddities_logged: set[tuple[str, ...]] = set()

    # --- listeners -------------------------------------------------------------------

    @callback
    def listen_port(self, port: int, update: Callable[[], None]) -> Callable[[], None]:
        """Call ``update`` whenever the port's state changes; returns the way to stop."""
        self._port_listeners.setdefault(port, []).append(update)
        return lambda: self._port_listeners[port].remove(update)

    @callback
    def listen_gateway(self, update: Callable[[], None]) -> Callable[[], None]:
        """Call ``update`` after every applied report (gateway-wide values)."""
        self._gateway_listeners.append(update)
        return lambda: self._gateway_listeners.remove(update)

    @callback
    def listen_new_ports(
        self, added: Callable[[list[int]], None]
    ) -> Callable[[], None]:
        """Call ``added`` with the numbers of ports seen for the first time."""
        self._new_port_listeners.append(added)
        return lambda: self._new_port_listeners.remove(added)

    @callback
    def listen_redial_done(self, done: Callable[[], None]) -> Callable[[], None]:
        """Call ``done`` when a redialled port reports itself registered again."""
        self._redial_listeners.append(done)
        return lambda: self._redial_listeners.remove(done)

    @callback
    def listen_reports(self, heard: Callable[[Report], None]) -> Callable[[], None]:
        """Call ``heard`` with every applied report (SMS and calls become events)."""
        self._report_listeners.append(heard)
        return lambda: self._report_listeners.remove(heard)

    @callback
    def listen_pushes(self, pushed: Callable[[], None]) -> Callable[[], None]:
        """Call ``pushed`` after each report the gateway pushed (not one we read)."""
        self._push_listeners.append(pushed)
        return lambda: self._push_listeners.remove(pushed)

    # --- reports -----------------------------------------------------------------------

    async def ingest(self, body: bytes) -> IngestResult:
        """Parse and apply one pushed report, in arrival order.

        A report whose usable parts were applied is answered 200, whatever else it
        held (how a gateway takes another answer is not documented: it might resend);
        400 only for a body of which nothing can be used.
        """
        self.raw_reports.append(
            (
                dt_util.utcnow(),
                body if len(body) <= RAW_REPORT_BYTES_KEPT else None,
                len(body),
            )
        )
        async with self._lock:  # asyncio.Lock is fair: reports apply in arrival order
            try:
                if len(body) <= INLINE_PARSE_BYTES:
                    report = parse_report(body, self.memory)
                else:
                    report = await self.hass.async_add_executor_job(
                        parse_report, body, self.memory
                    )
            except EjoinMalformedReportError as err:
                LOGGER.warning(
                    "Refused a report from the gateway %s: %s", self.mac, err
                )
                return IngestResult(status=400, message=str(err))
            if isinstance(report, UnknownReport):
                self._log_once(
                    logging.DEBUG,
                    ("unknown type", report.type),
                    "Ignoring reports of unknown type %r from %s",
                    report.type,
                    self.mac,
                )
                return IngestResult(status=200, message="unknown report type ignored")
            if not self.is_mine(report):
                return IngestResult(status=403, message="report of another gateway")
            if not _usable(report):
                self._log_once(
                    logging.WARNING,
                    ("unusable", report.type, *_problem_kinds(report)),
                    "Refused a %s from %s: nothing in it could be read (%s)",
                    report.type,
                    self.mac,
                    _describe_problems(report),
                )
                return IngestResult(status=400, message="nothing could be read")
            self.last_push = dt_util.utcnow()
            self.apply(report)
            for pushed in list(self._push_listeners):
                pushed()
        if LOGGER.isEnabledFor(logging.DEBUG):
            unknown = sorted(_unknown_keys(report))
            if report.problems or unknown:
                self._log_once(
                    logging.DEBUG,
                    ("odd", report.type, *_problem_kinds(report), "|", *unknown),
                    "Applied what could be read of a %s from %s; skipped: %s; "
                    "unknown keys: %s",
                    report.type,
                    self.mac,
                    _describe_problems(report),
                    ", ".join(unknown[:20]) or "none",
                )
        return IngestResult(status=200, message="OK")

    def _log_once(
        self, level: int, kind: tuple[str, ...], message: str, *args: object
    ) -> None:
        """Log something odd about reports once per kind (a bounded number of kinds)."""
        if not LOGGER.isEnabledFor(level) or kind in self._oddities_logged:
            return
        if len(self._oddities_logged) < ODDITIES_LOGGED:
            self._oddities_logged.add(kind)
            LOGGER.log(level, message, *args)

    def is_mine(self, report: Report) -> bool:
        """Whether a report that names a MAC names this gateway's; log a stranger once."""
        mac = format_mac(getattr(report, "mac", None) or "")
        if not mac or mac == self.mac:
            return True
        if mac not in self._foreign_macs:
            self._foreign_macs.add(mac)
            LOGGER.warning(
                "Refused a %s from %s on the webhook of gateway %s",
                report.type,
                mac,
                self.mac,
            )
        return False

    @callback
    def apply(self, report: Report) -> None:
        """Apply a parsed report to the state, then tell listeners what changed."""
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
        elif isinstance(report, CallRecord) and report.port is not None:
            # A call record carries the calling SIM's fields; it never moves the slot
            # nor replaces the SIM (a late record may be of the SIM before).
            port = report.port.address.port
            current = self.ports.get(port)
            if (
                current is not None
                and same_slot(current, report.port)
                and not is_another_sim(current, report.port)
            ):
                merged, fields = merge_port_state(current, report.port)
                self._merged[port] = report.port
                if fields:
                    self.ports[port] = merged
                    changed.add(port)
        self.last_report = dt_util.utcnow()
        if not self.available:
            self.available = True
            LOGGER.info("Gateway %s is reporting again", self.mac)
            changed |= self.known_ports
        self._notify(changed)
        for heard in list(self._report_listeners):
            heard(report)

    def _apply_port(
        self, port: int, states: list[PortState], *, port_status: bool
    ) -> bool:
        """Merge what one report says about one port; True when anything changed.

        The port's state is that of the SIM it works on (see pyejoin.merge for how
        the slot is chosen). With every slot reported, each slot's state is kept too.
        """
        current = self.ports.get(port)
        if port_status:
            working = (
                states[0]
                if names_working_slot(
                    states[0], current, all_slots_reported=self.all_sims
                )
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

    @callback
    def start_redial(self, ports: Iterable[int]) -> None:
        """Follow ports about to redial until each is back in the state it was in.

        Called before the command is sent: a report of the port leaving that state can
        arrive before the command's answer does.
        """
        now = time.monotonic()
        for port in ports:
            state = self.ports.get(port)
            self.redialing[port] = RedialWatch(
                before=None if state is None else state.status_code, started=now
            )

    @callback
    def forget_redial(self, ports: Iterable[int]) -> None:
        """Stop following ports whose redial was not sent after all."""
        for port in ports:
            self.redialing.pop(port, None)

    @callback
    def end_overdue_redials(self, after: float) -> None:
        """End redials open for longer than ``after`` seconds, as if they were done.

        A port that redials too fast to report it, or never comes back to the state
        it left, must not keep its new public IP unread for ever.
        """
        now = time.monotonic()
        overdue = [
            port
            for port, watch in self.redialing.items()
            if now - watch.started > after
        ]
        for port in overdue:
            del self.redialing[port]
        if overdue:
            for redialled in list(self._redial_listeners):
                redialled()

    def _redial_progress(self, changed: set[int]) -> bool:
        """Follow redialled ports; True when one has completed its redial.

        A redial is over when the port, having left the status it was redialled from,
        reports it again: registered (3) on SMS firmware; on proxy firmware "dial
        successful" (15), after which its new public IP can be read (registered on the
        way does not count). A report of the port before it began to redial does not
        count either.
        """
        finished = False
        for port in changed & self.redialing.keys():
            state = self.ports.get(port)
            if state is None:
                continue
            watch = self.redialing[port]
            if not watch.left:
                watch.left = state.status_code != watch.before
            elif state.status_code == watch.before:
                del self.redialing[port]
                finished = True
        return finished

    def _notify(self, changed: set[int]) -> None:
        new_ports = sorted(changed - self.known_ports)
        self.known_ports.update(new_ports)
        if new_ports:
            for added in list(self._new_port_listeners):
                added(new_ports)
        for port in changed:
            for update in list(self._port_listeners.get(port, ())):
                update()
        if self._redial_progress(changed):
            for redialled in list(self._redial_listeners):
                redialled()
        for update in list(self._gateway_listeners):
            update()

    @callback
    def mark_silent(self, silent_for: float) -> None:
        """Make every entity unavailable: the gateway has not been heard for too long."""
        if not self.available:
            return
        self.available = False
        LOGGER.warning(
            "Gateway %s has not been heard for %d s; its entities are unavailable",
            self.mac,
            silent_for,
        )
        self._notify(set(self.known_ports))

    # --- derived values -----------------------------------------------------------------

    @property
    def registered_ports(self) -> int:
        """How many ports have a SIM registered on the network."""
        return sum(1 for state in self.ports.values() if state.registered)


def _problem_kinds(report: Report) -> list[str]:
    """Name the kinds of problems of a report: the wire fields, else the items."""
    return sorted({problem.key or problem.item for problem in report.problems})


def _describe_problems(report: Report) -> str:
    """Describe the first problems of a report in one line of bounded length."""
    return (
        "; ".join(str(problem)[:120] for problem in report.problems[:10]) or "nothing"
    )


def _unknown_keys(report: Report) -> set[str]:
    """Return the keys a report holds that this integration does not know, anywhere."""
    unknown = set(report.unknown_keys)
    if isinstance(report, DeviceStatusReport):
        for port in report.ports:
            unknown |= port.unknown_keys
    return unknown


def _usable(report: Report) -> bool:
    """Whether anything of a report can be applied (else it is answered 400)."""
    if isinstance(report, PortStatusReport):
        return report.port is not None
    if isinstance(report, SmsReceivedReport):
        return bool(report.messages or report.delivery_reports or not report.problems)
    return True
