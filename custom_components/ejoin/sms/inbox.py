"""What the integration has seen of a gateway's SMS, kept across restarts.

An SMS can reach Home Assistant twice: pushed by the gateway and read back from its SMS
store, or pushed again by a gateway that did not get our answer. It can also be missed:
pushed while Home Assistant was restarting. The inbox remembers a fingerprint of every
message it let through and where in the gateway's store reading should go on, so that
each message fires exactly one event.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
import hashlib
import time
from typing import TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import (
    DOMAIN,
    LOGGER,
    SEEN_SMS_LIMIT,
    SMS_STORE_MAX_PAGES,
    SMS_STORE_PAGE,
)
from .pyejoin import DeliveryReport, EjoinClient, ReceivedSms, StoredSms

type SmsItem = ReceivedSms | DeliveryReport

STORAGE_VERSION = 1
# Pushes come in bursts; one write a second at most is enough, and pending writes are
# flushed when the entry unloads and when Home Assistant stops.
SAVE_DELAY = 1.0


class InboxData(TypedDict):
    """The inbox as stored."""

    ssrc: str | None
    position: int | None
    horizon: float | None
    seen: list[tuple[str, float | None]]


def fingerprint(item: SmsItem) -> str:
    """Name a message by what it says, where and when it arrived.

    Only the port number is used: the same row can name its slot differently (``1.01``
    or ``1A``) in a push and in the store. What could not be read counts as empty,
    but for a time, whose text as sent is used.
    """
    if isinstance(item, ReceivedSms):
        parts = ["sms", item.sender or "", item.recipient or "", item.text]
    else:
        parts = [
            "delivery",
            item.smsc or "",
            item.recipient or "",
            str(item.status_code),
            item.operator_time or "",
        ]
        if item.content is not None:  # a report in no known form: what it said
            parts.append(item.content)
    stamp: float | str = (
        item.received_at.timestamp() if item.received_at else item.time_text or ""
    )
    parts += ["" if item.address is None else str(item.address.port), str(stamp)]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=10).hexdigest()


class SmsInbox:
    """The record of seen messages and the reading position in the gateway's store."""

    def __init__(
        self, hass: HomeAssistant, entry_id: str, *, limit: int = SEEN_SMS_LIMIT
    ) -> None:
        """Keep the record in Home Assistant's storage under the entry's id."""
        self._store: Store[InboxData] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.sms"
        )
        self._limit = limit
        self._seen: dict[str, float | None] = {}  # fingerprint -> time, oldest first
        self.ssrc: str | None = None  # the store's identity; it changes on a restart
        self.position: int | None = None  # where the next read starts; None: never read
        # Messages not newer than this were seen and forgotten to keep the record small.
        self.horizon: float | None = None
        self._reading = asyncio.Lock()
        self._problems_logged: set[str] = set()

    async def async_load(self) -> None:
        """Load the record kept by an earlier run (none on the first set-up)."""
        if (data := await self._store.async_load()) is None:
            return
        self.ssrc = data.get("ssrc")
        self.position = data.get("position")
        self.horizon = data.get("horizon")
        self._seen = dict(data.get("seen", []))

    @property
    def remembered(self) -> int:
        """How many messages the record holds."""
        return len(self._seen)

    @property
    def first_read_done(self) -> bool:
        """Whether the store was read once: before that, what it holds is history."""
        return self.position is not None

    def take(self, item: SmsItem) -> bool:
        """Record a message; True when it is new and should fire its event."""
        key = fingerprint(item)
        if key in self._seen:
            return False
        stamp = item.received_at.timestamp() if item.received_at else None
        if self.horizon is not None and stamp is not None and stamp <= self.horizon:
            LOGGER.debug("Skipping an SMS older than every one remembered")
            return False
        self._seen[key] = stamp
        while len(self._seen) > self._limit:
            forgotten = self._seen.pop(next(iter(self._seen)))
            # A gateway clock set in the future must not hide messages arriving now.
            if forgotten is not None and forgotten <= time.time():
                self.horizon = max(self.horizon or forgotten, forgotten)
        self._save()
        return True

    def take_all(self, items: Iterable[SmsItem]) -> list[SmsItem]:
        """Record messages; return those that are new, in order."""
        return [item for item in items if self.take(item)]

    async def async_read(self, client: EjoinClient) -> list[SmsItem]:
        """Read the store from where the last read ended; return messages never seen.

        The first read ever only records what the store holds: messages from before the
        integration was set up must not trigger automations. When the store's ``ssrc``
        changed, the gateway restarted and numbers its store from 1 again.
        """
        async with self._reading:
            start = self.position or 1
            page = await client.read_sms(start=start, count=SMS_STORE_PAGE)
            restarted = bool(self.ssrc and page.ssrc and page.ssrc != self.ssrc)
            emptied = not _rows(page) and page.next_index < start
            if start > 1 and (restarted or emptied):
                LOGGER.info(
                    "The gateway's SMS store was %s; reading it from the start",
                    "renumbered by a restart" if restarted else "emptied",
                )
                start = 1
                page = await client.read_sms(start=start, count=SMS_STORE_PAGE)
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
                page = await client.read_sms(start=start, count=SMS_STORE_PAGE)
            history = not self.first_read_done
            new = self.take_all(items)
            self.ssrc = page.ssrc or self.ssrc
            self.position = position
            self._save()
        if history:
            LOGGER.debug("Recorded %d SMS stored before the set-up as seen", len(new))
            return []
        return new

    def _log_problems(self, page: StoredSms) -> None:
        """Say once per kind what was odd in the store's rows: they are read again."""
        kinds = {problem.key or "row" for problem in page.problems}
        new = kinds - self._problems_logged
        if not new or len(self._problems_logged) >= PROBLEMS_LOGGED:
            return
        self._problems_logged |= new
        LOGGER.warning(
            "Rows of the gateway's SMS store are odd (what could be read was taken): %s",
            "; ".join(str(problem)[:120] for problem in page.problems[:10]),
        )

    async def async_flush(self) -> None:
        """Write the record now (the entry is unloading)."""
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """Delete the record (the entry is removed)."""
        await self._store.async_remove()

    def _save(self) -> None:
        self._store.async_delay_save(self._data, SAVE_DELAY)

    def _data(self) -> InboxData:
        return InboxData(
            ssrc=self.ssrc,
            position=self.position,
            horizon=self.horizon,
            seen=list(self._seen.items()),
        )


def _rows(page: StoredSms) -> list[SmsItem]:
    return [*page.messages, *page.delivery_reports]


# Kinds of odd rows of the SMS store logged (once each); more are not recorded.
PROBLEMS_LOGGED = 64
