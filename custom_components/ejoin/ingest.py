"""How a pushed report is taken: parsed, checked to be this gateway's, and applied.

A report is parsed (with Home Assistant's orjson loader; only a body larger than any
gateway sends in the executor), checked, applied to the gateway model and answered: 200 whenever its usable parts
were applied (how a gateway takes another answer is not documented: it might resend),
400 when nothing of it can be used, 403 when it names another gateway.

Anyone who can reach the webhook can post to it, so a report must show it is this
gateway's before it may add anything: only one that names this gateway's MAC address
adds ports (and so devices and entities). One that names no MAC address, as a
``port-status`` usually does, may update the ports the gateway has reported, and
those the entry has devices for (reports held over a reload come before the first
status read); its other ports are skipped and said so, once an hour at most.

What is odd is logged once an hour at most, each value cut short, and at warning
level never a value at all: an odd value may be a phone number or an SMS. What
strangers may post as they like (other MACs, ports, unknown types) is counted apart
from the gateway's own oddities, and kinds name types and fields, never indexes or
values: however much junk is posted, the gateway's own warnings are still said.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
import logging

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from homeassistant.util.json import json_loads

from .connection import names_gateway, other_gateway_mac
from .const import LOGGER
from .gateway import EjoinGateway
from .log_limit import LogLimiter, cut
from .pyejoin import (
    DeviceStatusReport,
    EjoinMalformedReportError,
    PortMemory,
    PortStatusReport,
    Report,
    SmsReceivedReport,
    UnknownReport,
    parse_report,
    shortened,
)

# Bodies up to this size are parsed in the event loop: a 64-port, 8-slot dev-status
# (300 KB) takes about 1.3 ms, a gateway's first after a start about 7 ms. The executor
# would not spare the loop that time (parsing holds the GIL, which a thread gives back
# every 5 ms at best) and would add the hand-over to every report. Larger bodies (no gateway sends one, a stranger may)
# go to the executor, where a long parse at least lets the loop in between.
INLINE_PARSE_BYTES = 512 * 1024
# The last reports are kept as they came, for diagnostics; a big dev-status only by size.
RAW_REPORTS_KEPT = 10
RAW_REPORT_BYTES_KEPT = 64 * 1024
# At most this many problems, unknown keys and skipped ports are named in a log line.
NAMED_IN_A_LINE = 10


@dataclass(frozen=True, kw_only=True)
class IngestResult:
    """How a report was taken: the webhook's answer."""

    status: int
    message: str


@dataclass(frozen=True, kw_only=True)
class RawReport:
    """A report as it came (None when too large to keep), for diagnostics."""

    received_at: datetime
    body: bytes | None
    size: int


class ReportIngest:
    """Takes one gateway's pushed reports and applies them to its model, in order."""

    def __init__(
        self,
        hass: HomeAssistant,
        gateway: EjoinGateway,
        *,
        port_devices: Iterable[int] = (),
    ) -> None:
        """Feed ``gateway``, whose ``port_devices`` the entry has devices for already."""
        self.hass = hass
        self.gateway = gateway
        # Ports a report that names no MAC may update before the gateway reports them:
        # their devices were made from the gateway's own word, in an earlier set-up.
        self.port_devices = frozenset(port_devices)
        self.memory = PortMemory()
        self.raw_reports: deque[RawReport] = deque(maxlen=RAW_REPORTS_KEPT)
        # Said once an hour at most, each in its own bounded memory, so that what a
        # stranger posts never silences the gateway's own warnings: oddities of the
        # reports taken (warnings), what was skipped of them (debug), and what comes
        # from strangers (other MACs, ports never reported, unknown types).
        self.oddities = LogLimiter()
        self.details = LogLimiter()
        self.strangers = LogLimiter()
        # What must be done with an applied report before it is answered (received
        # SMS are recorded durably, then fired): outside the lock, so that a burst of
        # reports shares its writes.
        self.settle: Callable[[Report], Awaitable[None]] | None = None
        # One report at a time: asyncio.Lock is fair, so they apply in arrival order.
        self._lock = asyncio.Lock()

    async def ingest(
        self, body: bytes, *, received_at: datetime | None = None
    ) -> IngestResult:
        """Parse and apply one pushed report (received now, or when it was held)."""
        self.raw_reports.append(
            RawReport(
                received_at=received_at or dt_util.utcnow(),
                body=body if len(body) <= RAW_REPORT_BYTES_KEPT else None,
                size=len(body),
            )
        )
        async with self._lock:
            try:
                if len(body) <= INLINE_PARSE_BYTES:
                    report = parse_report(body, self.memory, loads=json_loads)
                else:
                    report = await self.hass.async_add_executor_job(
                        partial(parse_report, body, self.memory, loads=json_loads)
                    )
            except EjoinMalformedReportError as err:
                self._log(
                    logging.WARNING,
                    ("malformed", str(err)),  # one of a few fixed reasons
                    self.oddities,
                    "Refused a report from the gateway %s: %s",
                    self.gateway.mac,
                    err,
                )
                return IngestResult(status=400, message=str(err))
            if isinstance(report, UnknownReport):
                self._log(
                    logging.DEBUG,
                    ("unknown type", report.type),
                    self.strangers,
                    "Ignoring reports of unknown type %s from %s",
                    shortened(report.type),
                    self.gateway.mac,
                )
                return IngestResult(status=200, message="unknown report type ignored")
            if not self.is_mine(report):
                return IngestResult(status=403, message="report of another gateway")
            if not _usable(report):
                self._log(
                    logging.WARNING,
                    ("unusable", report.type, *_problem_kinds(report)),
                    self.oddities,
                    "Refused a %s from %s: nothing in it could be read (%s)",
                    report.type,
                    self.gateway.mac,
                    _describe_problems(report),
                )
                return IngestResult(status=400, message="nothing could be read")
            taken = self._known_ports_only(report)
            if taken is None:
                return IngestResult(status=200, message="unknown ports ignored")
            self.gateway.apply(taken, pushed=True)
        if self.settle is not None:
            await self.settle(taken)
        if LOGGER.isEnabledFor(logging.DEBUG):
            self._log_oddities(report)
        return IngestResult(status=200, message="OK")

    def is_mine(self, report: Report) -> bool:
        """Whether a report that names a MAC names this gateway's; log a stranger."""
        mac = other_gateway_mac(report, self.gateway.mac)
        if not mac:
            return True
        if self.strangers.allow(mac):
            LOGGER.warning(
                "Refused a %s from %s on the webhook of gateway %s",
                report.type,
                mac,
                self.gateway.mac,
            )
        return False

    def _known_ports_only(self, report: Report) -> Report | None:
        """Return the report as it may be applied; None when nothing of it may.

        A report that names this gateway's MAC is taken whole. From one that names
        none, only ports the gateway has reported are taken: a port-status of another
        port is skipped, as are such ports of a dev-status.
        """
        if names_gateway(report, self.gateway.mac):
            return report
        skipped: list[int] = []
        taken: Report | None = report
        if isinstance(report, PortStatusReport):  # most reports: look the port up
            port = None if report.port is None else report.port.address.port
            if port is None or port in self.gateway.known_ports:
                return report
            if port not in self.port_devices:
                skipped, taken = [port], None
        elif isinstance(report, DeviceStatusReport):
            known = self.gateway.known_ports | self.port_devices
            kept = tuple(state for state in report.ports if state.address.port in known)
            skipped = sorted(
                {state.address.port for state in report.ports} - set(known)
            )
            if skipped and not kept:
                taken = None
            elif skipped:
                taken = replace(report, ports=kept)
        if skipped:
            self._log(
                logging.WARNING,
                ("ports of no gateway", report.type),
                self.strangers,
                "Skipped port(s) %s of a %s for gateway %s: it names no MAC address, "
                "and only a report that names the gateway's adds ports",
                _ports_text(skipped),
                report.type,
                self.gateway.mac,
            )
        return taken

    def _log_oddities(self, report: Report) -> None:
        """Say at debug level what was skipped and which keys are not known, once."""
        unknown = sorted(_unknown_keys(report))
        if not (report.problems or unknown):
            return
        self._log(
            logging.DEBUG,
            (
                "odd",
                report.type,
                *_problem_kinds(report),
                "unknown keys",
                bool(unknown),
            ),
            self.details,
            "Applied what could be read of a %s from %s; skipped: %s; unknown keys: %s",
            report.type,
            self.gateway.mac,
            "; ".join(
                cut(problem.detail, 160)
                for problem in report.problems[:NAMED_IN_A_LINE]
            )
            or "nothing",
            ", ".join(cut(key) for key in unknown[:NAMED_IN_A_LINE]) or "none",
        )

    def _log(
        self,
        level: int,
        kind: tuple[object, ...],
        limiter: LogLimiter,
        message: str,
        *args: object,
    ) -> None:
        """Log something odd about reports once an hour per kind (few kinds at once)."""
        if LOGGER.isEnabledFor(level) and limiter.allow(level, *kind):
            LOGGER.log(level, message, *args)


def _ports_text(ports: list[int]) -> str:
    """Name a few ports of a list, and how many more there are."""
    named = ", ".join(str(port) for port in ports[:NAMED_IN_A_LINE])
    more = len(ports) - NAMED_IN_A_LINE
    return f"{named} and {more} more" if more > 0 else named


def _problem_kinds(report: Report) -> list[str]:
    """Name the kinds of problems of a report: the wire fields, else the reasons.

    Never the items: they hold row indexes and port addresses, which a stranger can
    vary without end. Fields and reasons are the parser's own few words.
    """
    return sorted({problem.key or problem.reason for problem in report.problems})


def _describe_problems(report: Report) -> str:
    """Describe the first problems of a report in one line, without their values."""
    return (
        "; ".join(cut(str(problem), 120) for problem in report.problems[:10])
        or "nothing"
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
