"""The webhook the gateway pushes its reports to, and how a report is taken.

A report is read with a size limit, parsed (a large one in the executor, so the event
loop never stalls), checked to be this gateway's, applied to the gateway model, and
answered: 200 whenever its usable parts were applied (how a gateway takes another
answer is not documented: it might resend), 400 when nothing of it can be used.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
import logging

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .connection import other_gateway_mac
from .const import DOMAIN, LOGGER, MAX_REPORT_BYTES
from .gateway import EjoinGateway
from .pyejoin import (
    DeviceStatusReport,
    EjoinMalformedReportError,
    PortMemory,
    PortStatusReport,
    Report,
    SmsReceivedReport,
    UnknownReport,
    parse_report,
)

# Bodies up to this size are parsed in the event loop; larger ones (a big gateway's
# dev-status) in the executor, so that the loop never stalls for several milliseconds.
INLINE_PARSE_BYTES = 16 * 1024
# The last reports are kept as they came, for diagnostics; a big dev-status only by size.
RAW_REPORTS_KEPT = 10
RAW_REPORT_BYTES_KEPT = 64 * 1024
# Distinct oddities of reports logged (once each) per gateway; more are not recorded.
ODDITIES_LOGGED = 256


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

    def __init__(self, hass: HomeAssistant, gateway: EjoinGateway) -> None:
        """Feed ``gateway``."""
        self.hass = hass
        self.gateway = gateway
        self.memory = PortMemory()
        self.raw_reports: deque[RawReport] = deque(maxlen=RAW_REPORTS_KEPT)
        self._foreign_macs: set[str] = set()
        self._oddities_logged: set[tuple[str, ...]] = set()
        # What must be done with an applied report before it is answered (received
        # SMS are recorded durably, then fired): outside the lock, so that a burst of
        # reports shares its writes.
        self.settle: Callable[[Report], Awaitable[None]] | None = None
        # One report at a time: asyncio.Lock is fair, so they apply in arrival order.
        self._lock = asyncio.Lock()

    async def handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Read a posted body, within the size limit, and take it."""
        if (request.content_length or 0) > MAX_REPORT_BYTES:
            return self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "report too large")
        chunks: list[bytes] = []
        size = 0
        try:
            # read() returns what has arrived so far, so read until the end of the body.
            while chunk := await request.content.read(64 * 1024):
                size += len(chunk)
                if size > MAX_REPORT_BYTES:
                    return self._refuse(
                        HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "report too large"
                    )
                chunks.append(chunk)
        except web.RequestPayloadError:
            # A body announced as compressed that does not unpack.
            return self._refuse(HTTPStatus.BAD_REQUEST, "body could not be read")
        result = await self.ingest(b"".join(chunks))
        return web.Response(status=result.status, text=result.message)

    async def ingest(self, body: bytes) -> IngestResult:
        """Parse and apply one pushed report, in arrival order."""
        self.raw_reports.append(
            RawReport(
                received_at=dt_util.utcnow(),
                body=body if len(body) <= RAW_REPORT_BYTES_KEPT else None,
                size=len(body),
            )
        )
        async with self._lock:
            try:
                if len(body) <= INLINE_PARSE_BYTES:
                    report = parse_report(body, self.memory)
                else:
                    report = await self.hass.async_add_executor_job(
                        parse_report, body, self.memory
                    )
            except EjoinMalformedReportError as err:
                LOGGER.warning(
                    "Refused a report from the gateway %s: %s", self.gateway.mac, err
                )
                return IngestResult(status=400, message=str(err))
            if isinstance(report, UnknownReport):
                self._log_once(
                    logging.DEBUG,
                    ("unknown type", report.type),
                    "Ignoring reports of unknown type %r from %s",
                    report.type,
                    self.gateway.mac,
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
                    self.gateway.mac,
                    _describe_problems(report),
                )
                return IngestResult(status=400, message="nothing could be read")
            self.gateway.apply(report, pushed=True)
        if self.settle is not None:
            await self.settle(report)
        if LOGGER.isEnabledFor(logging.DEBUG):
            unknown = sorted(_unknown_keys(report))
            if report.problems or unknown:
                self._log_once(
                    logging.DEBUG,
                    ("odd", report.type, *_problem_kinds(report), "|", *unknown),
                    "Applied what could be read of a %s from %s; skipped: %s; "
                    "unknown keys: %s",
                    report.type,
                    self.gateway.mac,
                    _describe_problems(report),
                    ", ".join(unknown[:20]) or "none",
                )
        return IngestResult(status=200, message="OK")

    def is_mine(self, report: Report) -> bool:
        """Whether a report that names a MAC names this gateway's; log a stranger once."""
        mac = other_gateway_mac(report, self.gateway.mac)
        if not mac:
            return True
        if mac not in self._foreign_macs:
            self._foreign_macs.add(mac)
            LOGGER.warning(
                "Refused a %s from %s on the webhook of gateway %s",
                report.type,
                mac,
                self.gateway.mac,
            )
        return False

    def _log_once(
        self, level: int, kind: tuple[str, ...], message: str, *args: object
    ) -> None:
        """Log something odd about reports once per kind (a bounded number of kinds)."""
        if not LOGGER.isEnabledFor(level) or kind in self._oddities_logged:
            return
        if len(self._oddities_logged) < ODDITIES_LOGGED:
            self._oddities_logged.add(kind)
            LOGGER.log(level, message, *args)

    def _refuse(self, status: HTTPStatus, reason: str) -> web.Response:
        """Answer a body that was not read at all."""
        LOGGER.warning("Refused a report for gateway %s: %s", self.gateway.mac, reason)
        return web.Response(status=status, text=reason)


def async_register_webhook(
    hass: HomeAssistant,
    webhook_id: str,
    name: str,
    ingest: ReportIngest,
    *,
    local_only: bool = True,
) -> None:
    """Receive the gateway's reports at /api/webhook/<webhook_id> (POST only)."""
    webhook.async_register(
        hass,
        DOMAIN,
        name,
        webhook_id,
        ingest.handle,
        allowed_methods=["POST"],
        local_only=local_only,
    )


@callback
def async_unregister_webhook(hass: HomeAssistant, webhook_id: str) -> None:
    """Stop receiving reports at the webhook (nothing happens if it is gone already)."""
    webhook.async_unregister(hass, webhook_id)


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
