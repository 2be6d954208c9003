"""The webhook the gateway pushes its reports to, for as long as its entry exists.

Home Assistant answers 200 to a post for a webhook nobody holds, and the report is
lost. So an entry's webhook is held from its first set-up until the entry is removed,
disabled, or unloaded or failed for good; across a reload or a set-up retry, reports
are held (a bounded few, none for long) and handed to the next set-up in the order
they came, before it reads the gateway's status. A post the holder has no room for
gets 503, with Retry-After.

A body is read only when it can be taken: never a compressed one (415: aiohttp would
unpack it whole, a few kilobytes into a gigabyte), nor one announced larger than the
limit (413); one that keeps coming is cut off after a while (408). One without a
length is read up to the limit, then refused (413). aiohttp itself inflates what of
a compressed body came in the same socket read as the headers before the handler
runs (up to 256 KiB: some 125 MiB measured for 125 KiB); that cannot be helped here.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Final

from aiohttp import hdrs, web
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import format_mac
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import CONF_LOCAL_ONLY, CONF_WEBHOOK_ID, DOMAIN, LOGGER, MAX_REPORT_BYTES
from .ingest import ReportIngest
from .log_limit import LogLimiter

# A body that has not arrived whole within this many seconds is not a gateway's.
READ_TIMEOUT: Final = 30.0
# What is held while the entry is not set up: a few periods of a large gateway.
HELD_REPORTS: Final = 32
HELD_BYTES: Final = MAX_REPORT_BYTES
HELD_FOR: Final = timedelta(hours=1)  # older ones are dropped, not applied
RETRY_AFTER: Final = 30  # seconds, told with a 503
# The states in which an entry will take reports again by itself.
_COMING_BACK: Final = frozenset(
    {
        ConfigEntryState.LOADED,
        ConfigEntryState.SETUP_IN_PROGRESS,
        ConfigEntryState.SETUP_RETRY,
        ConfigEntryState.UNLOAD_IN_PROGRESS,
    }
)
_HOLDERS: HassKey[dict[str, WebhookHolder]] = HassKey(f"{DOMAIN}_webhooks")


@dataclass(frozen=True, kw_only=True)
class HeldReport:
    """A body that came while the entry was not set up."""

    body: bytes
    received_at: datetime


class WebhookHolder:
    """Holds one entry's webhook: hands reports to its ingest, or holds them."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Hold the webhook of ``entry`` (registered by ``register``)."""
        self.hass = hass
        self.entry = entry
        self.webhook_id: str = entry.data[CONF_WEBHOOK_ID]
        self.mac = format_mac(entry.unique_id or "")
        self.held: deque[HeldReport] = deque()
        self.refusals = LogLimiter()  # bodies refused unread, said once an hour
        self._held_bytes = 0
        self._ingest: ReportIngest | None = None
        self._registered: tuple[str, bool] | None = None  # name and local_only
        self._settling: asyncio.Task[None] | None = None
        self._stop_watching: Callable[[], None] | None = entry.async_on_state_change(
            self._entry_changed
        )

    @callback
    def register(self) -> None:
        """Register the webhook, or register it again with the entry's options now."""
        wanted = (self.entry.title, bool(self.entry.options.get(CONF_LOCAL_ONLY, True)))
        if self._registered == wanted:
            return
        if self._registered is not None:
            webhook.async_unregister(self.hass, self.webhook_id)
        webhook.async_register(
            self.hass,
            DOMAIN,
            wanted[0],
            self.webhook_id,
            self.handle,
            allowed_methods=["POST"],
            local_only=wanted[1],
        )
        self._registered = wanted

    @callback
    def release(self) -> None:
        """Give the webhook back: the entry is gone, disabled or failed for good."""
        if self._registered is not None:
            webhook.async_unregister(self.hass, self.webhook_id)
            self._registered = None
        if self.hass.data.get(_HOLDERS, {}).get(self.entry.entry_id) is self:
            del self.hass.data[_HOLDERS][self.entry.entry_id]
        self._ingest = None
        if self.held:
            LOGGER.info(
                "Dropped %d report(s) of gateway %s held while it was not set up",
                len(self.held),
                self.mac,
            )
            self.held.clear()
            self._held_bytes = 0
        if self._settling is not None and self._settling is not asyncio.current_task():
            self._settling.cancel()
        if self._stop_watching is not None:
            # Not while Home Assistant goes through the entry's state listeners.
            self.hass.loop.call_soon(self._stop_watching)
            self._stop_watching = None

    async def take_reports(self, ingest: ReportIngest) -> Callable[[], None]:
        """Hand the held reports to ``ingest`` in order, then every report; return the stop.

        A held report that fails is logged and skipped: one bad report must not fail
        the set-up (and give the webhook back) nor cost the others.
        """
        self._drop_old()
        if self.held:
            LOGGER.debug("Taking %d held reports of %s", len(self.held), self.mac)
        while self.held:
            held = self.held.popleft()
            self._held_bytes -= len(held.body)
            try:
                await ingest.ingest(held.body, received_at=held.received_at)
            except Exception:  # noqa: BLE001 - whatever it was, take the next
                # Not the body: it may hold an SMS or a phone number.
                LOGGER.exception(
                    "Skipped a report of gateway %s held while it was not set up: "
                    "it could not be applied",
                    self.mac,
                )
        self._ingest = ingest

        @callback
        def stop() -> None:
            if self._ingest is ingest:
                self._ingest = None

        return stop

    @callback
    def _entry_changed(self) -> None:
        """Give the webhook back once the entry will not take reports by itself again."""
        entry = self.entry
        if entry.disabled_by is not None or entry.state not in (
            *_COMING_BACK,
            ConfigEntryState.NOT_LOADED,
        ):
            self.release()
        elif entry.state is ConfigEntryState.NOT_LOADED and (
            self._settling is None or self._settling.done()
        ):
            # Unloaded: for good, unless it is reloading. A reload holds the entry's
            # set-up lock from the unload until the set-up is done.
            self._settling = self.hass.async_create_task(
                self._release_unless_set_up_again(), eager_start=False
            )

    async def _release_unless_set_up_again(self) -> None:
        """Once the entry's set-up lock is free, release unless it is set up again."""
        async with self.entry.setup_lock:
            pass
        if self.entry.state not in _COMING_BACK or self.entry.disabled_by is not None:
            self.release()

    # --- posts ---------------------------------------------------------------------

    async def handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Read a posted body within the limits; apply it, or hold it for the set-up."""
        encoding = request.headers.get(hdrs.CONTENT_ENCODING, "").strip().lower()
        if encoding not in ("", "identity"):
            return self._refuse(
                request, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "compressed body refused"
            )
        announced = getattr(request, "content_length", None) or 0
        if announced > MAX_REPORT_BYTES:
            return self._refuse(
                request, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "report too large"
            )
        if self._ingest is None and not self._room_for(announced):
            return self._busy(request)
        body = await self._read(request)
        if isinstance(body, web.Response):
            return body
        if (ingest := self._ingest) is not None:
            result = await ingest.ingest(body)
            return web.Response(status=result.status, text=result.message)
        if not self._room_for(len(body)):
            return self._busy(request)
        self.held.append(HeldReport(body=body, received_at=dt_util.utcnow()))
        self._held_bytes += len(body)
        if self.refusals.allow("holding"):
            LOGGER.info(
                "Holding the reports of gateway %s until it is set up again", self.mac
            )
        return web.Response(
            status=HTTPStatus.ACCEPTED, text="held until the gateway is set up"
        )

    async def _read(self, request: web.Request) -> bytes | web.Response:
        """Read the body to its end, within the size limit and the time limit."""
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(READ_TIMEOUT):
                # read() returns what has arrived so far (a whole report, mostly, in
                # one piece, not copied again): read until the end, or past the limit.
                while chunk := await request.content.read(MAX_REPORT_BYTES + 1 - size):
                    size += len(chunk)
                    if size > MAX_REPORT_BYTES:
                        return self._refuse(
                            request,
                            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                            "report too large",
                        )
                    chunks.append(chunk)
        except TimeoutError:
            return self._refuse(
                request,
                HTTPStatus.REQUEST_TIMEOUT,
                f"body not received within {READ_TIMEOUT:.0f} s",
            )
        except web.RequestPayloadError:
            # The body broke off, or its chunked framing is wrong.
            return self._refuse(
                request, HTTPStatus.BAD_REQUEST, "body could not be read"
            )
        return b"".join(chunks)

    def _room_for(self, size: int) -> bool:
        """Whether a body of ``size`` bytes can be held (old ones are dropped first)."""
        self._drop_old()
        return len(self.held) < HELD_REPORTS and self._held_bytes + size <= HELD_BYTES

    def _drop_old(self) -> None:
        """Drop the reports held for longer than ``HELD_FOR``, and say so."""
        oldest = dt_util.utcnow() - HELD_FOR
        dropped = 0
        while self.held and self.held[0].received_at < oldest:
            self._held_bytes -= len(self.held.popleft().body)
            dropped += 1
        if dropped:
            LOGGER.info(
                "Dropped %d report(s) of gateway %s held for over %d minutes: "
                "it is still not set up",
                dropped,
                self.mac,
                HELD_FOR.total_seconds() // 60,
            )

    def _busy(self, request: web.Request) -> web.Response:
        """Answer a post that can be neither applied nor held: try again later."""
        if self.refusals.allow("busy"):
            LOGGER.warning(
                "Gateway %s is not set up and %d of its reports are held; "
                "answering 503 to more, until it is",
                self.mac,
                len(self.held),
            )
        return _read_no_more(
            request,
            web.Response(
                status=HTTPStatus.SERVICE_UNAVAILABLE,
                text="not set up yet; try again later",
                headers={hdrs.RETRY_AFTER: str(RETRY_AFTER)},
            ),
        )

    def _refuse(
        self, request: web.Request, status: HTTPStatus, reason: str
    ) -> web.Response:
        """Answer a body that is not read (any further)."""
        if self.refusals.allow(int(status)):
            LOGGER.warning("Refused a report for gateway %s: %s", self.mac, reason)
        return _read_no_more(request, web.Response(status=status, text=reason))


def _read_no_more(request: web.Request, response: web.Response) -> web.Response:
    """Have aiohttp parse (and unpack) nothing more of this connection, once answered.

    Otherwise it reads on for a while after the answer, unpacking as it goes. Even so
    it drains the socket, discarding, for its lingering time (10 s) before closing it.
    The answer says so (``Connection: close``): the sender opens another for its next
    post.
    """
    response.force_close()
    if (protocol := getattr(request, "protocol", None)) is not None:
        protocol.close()
    return response


@callback
def async_hold_webhook(hass: HomeAssistant, entry: ConfigEntry) -> WebhookHolder:
    """Hold the entry's webhook from now until the entry is gone (or set it up again)."""
    holders = hass.data.setdefault(_HOLDERS, {})
    if (holder := holders.get(entry.entry_id)) is None:
        holder = holders[entry.entry_id] = WebhookHolder(hass, entry)
    holder.register()
    return holder


async def async_take_reports(
    hass: HomeAssistant, entry: ConfigEntry, ingest: ReportIngest
) -> Callable[[], None]:
    """Hand the entry's reports, held ones first, to ``ingest``; return the stop."""
    return await async_hold_webhook(hass, entry).take_reports(ingest)


@callback
def async_release_webhook(hass: HomeAssistant, entry_id: str) -> None:
    """Give the entry's webhook back (nothing happens if it is given back already)."""
    if (holder := hass.data.get(_HOLDERS, {}).get(entry_id)) is not None:
        holder.release()
