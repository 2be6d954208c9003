"""Reading the gateway's SMS store: messages that were not pushed are found there.

The gateway keeps every SMS it received, numbered from 1 (again from 1 after a restart,
which a new ``ssrc`` tells). The reader goes on where the last read ended, at the
set-up, every report period and as soon as the gateway talks again after a failed
read; what the inbox has not seen is announced as recovered. The first read ever only
records what the store holds: messages from before the set-up are history.

After a restart renumbered the store, the rows are read again from 1. Rows are kept in
the order they arrived, so once the inbox has forgotten messages, the rows before the
first one it still knows are old; the unknown ones after it are new. No time stamp is
compared: a gateway clock that went back hides nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import time

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from ..const import DOMAIN, LOGGER, SMS_STORE_MAX_PAGES, SMS_STORE_PAGE
from ..log_limit import LogLimiter, cut
from ..pyejoin import (
    DeliveryReport,
    EjoinAuthenticationError,
    EjoinClient,
    EjoinError,
    ReceivedSms,
    StoredSms,
)
from .inbox import SmsInbox, SmsItem, fingerprint

# While the store cannot be read, a report from the gateway (it is back) prompts a
# new try, at most this often (seconds).
RETRY_READ_AFTER = 30.0


class SmsStoreReader:
    """Reads one gateway's SMS store in the background and announces what was missed."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: EjoinClient,
        inbox: SmsInbox,
        recovered: Callable[[list[SmsItem]], Awaitable[None]],
        *,
        mac: str,
    ) -> None:
        """Read with ``client``, record in ``inbox``, hand what was missed to ``recovered``."""
        self.hass = hass
        self.mac = mac
        self.entry = entry
        self.client = client
        self.inbox = inbox
        self._recovered = recovered
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._failing = False
        self._last_attempt = 0.0
        self._problems_logged = LogLimiter()  # kinds of odd rows, said once an hour

    @callback
    def gateway_heard(self) -> None:
        """Try the store again if it could not be read: the gateway talks again."""
        if self._failing and time.monotonic() - self._last_attempt > RETRY_READ_AFTER:
            self.schedule()

    @callback
    def schedule(self) -> None:
        """Read the store in the background, unless a read is under way."""
        if self._task is None or self._task.done():
            self._task = self.entry.async_create_background_task(
                self.hass, self.async_catch_up(), f"{DOMAIN} read SMS store"
            )

    async def async_catch_up(self) -> None:
        """Read what the gateway stored and was not seen; announce it as recovered."""
        self._last_attempt = time.monotonic()
        try:
            new = await self.async_read()
        except EjoinAuthenticationError:
            self._failing = True
            self.entry.async_start_reauth(self.hass)
            return
        except EjoinError as err:
            if not self._failing:
                LOGGER.warning(
                    "Could not read the SMS store of gateway %s, will try again: %s",
                    self.mac,
                    err,
                )
            self._failing = True
            return
        if self._failing:
            LOGGER.info("Reading the SMS store of gateway %s works again", self.mac)
            self._failing = False
        if not new:
            await self.inbox.async_write()  # where the read ended, if it moved
            return
        LOGGER.info(
            "Recovered %d SMS that gateway %s stored while they were not pushed",
            len(new),
            self.mac,
        )
        # Recorded as pending in the same write as the position past them: a kill
        # before that write leaves both as they were, and the rows are read again.
        await self._recovered(new)

    async def async_read(self) -> list[SmsItem]:
        """Read the store from where the last read ended; return messages never seen."""
        inbox = self.inbox
        async with self._lock:
            start = inbox.position or 1
            page = await self._page(start)
            restarted = bool(inbox.ssrc and page.ssrc and page.ssrc != inbox.ssrc)
            emptied = not _rows(page) and page.next_index < start
            renumbered = start > 1 and (restarted or emptied)
            if renumbered:
                LOGGER.info(
                    "The gateway's SMS store was %s; reading it from the start",
                    "renumbered by a restart" if restarted else "emptied",
                )
                start = 1
                page = await self._page(start)
            items: list[SmsItem] = []
            position = start
            for _ in range(SMS_STORE_MAX_PAGES):
                self._log_problems(page)
                rows = _rows(page)
                items += rows
                if page.next_index <= start:
                    break  # nothing after this page (or a gateway that says so)
                position = page.next_index
                if not (rows or page.problems):
                    break
                start = position
                page = await self._page(start)
            found = [(fingerprint(item), item) for item in items]
            if not inbox.first_read_done:
                inbox.remember([key for key, _ in found])
                LOGGER.debug("Recorded %d SMS stored before the set-up", len(found))
                found = []
            elif renumbered and inbox.forgot:
                found = _from_first_known(found, inbox)
            # Written with what is recovered (see async_catch_up), not before it.
            inbox.record_read(page.ssrc, position)
        return [item for key, item in found if not inbox.knows(key)]

    async def _page(self, start: int) -> StoredSms:
        """Read one page of the store."""
        return await self.client.read_sms(start=start, count=SMS_STORE_PAGE)

    def _log_problems(self, page: StoredSms) -> None:
        """Say once an hour per kind what was odd in the store's rows (read again).

        The problems name the field, never its value: a row holds phone numbers and
        texts.
        """
        kinds = {problem.key or "row" for problem in page.problems}
        # Every kind is marked as said, not only the first new one.
        new = [kind for kind in sorted(kinds) if self._problems_logged.allow(kind)]
        if not new:
            return
        LOGGER.warning(
            "Rows of the gateway's SMS store are odd (what could be read was taken): %s",
            "; ".join(cut(str(problem), 120) for problem in page.problems[:10]),
        )


def _from_first_known(
    found: list[tuple[str, SmsItem]], inbox: SmsInbox
) -> list[tuple[str, SmsItem]]:
    """Drop the rows before the first one the inbox knows: they were forgotten.

    Rows come in the order they arrived, messages and delivery reports each (a page
    lists its messages first). Without a row known, the store holds only what came
    since (a store emptied by the restart), and every row is kept.
    """
    kept: list[tuple[str, SmsItem]] = []
    for kind in (ReceivedSms, DeliveryReport):
        rows = [(key, item) for key, item in found if isinstance(item, kind)]
        first = next((n for n, (key, _) in enumerate(rows) if inbox.knows(key)), 0)
        kept += rows[first:]
    return kept


def _rows(page: StoredSms) -> list[SmsItem]:
    return [*page.messages, *page.delivery_reports]
