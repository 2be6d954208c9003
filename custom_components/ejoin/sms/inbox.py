"""What the integration has seen of a gateway's SMS, kept across restarts.

An SMS can reach Home Assistant twice: pushed by the gateway and read back from its SMS
store, or pushed again by a gateway that did not get our answer. It can also be missed:
pushed while Home Assistant was restarting. The inbox remembers a fingerprint of every
message it let through, and where in the gateway's store reading goes on (see
store.py), so that each message fires exactly one event.
"""

from __future__ import annotations

from collections.abc import Iterable
import hashlib
import time
from typing import TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN, LOGGER, SEEN_SMS_LIMIT
from ..pyejoin import DeliveryReport, ReceivedSms

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
        self.save()
        return True

    def take_all(self, items: Iterable[SmsItem]) -> list[SmsItem]:
        """Record messages; return those that are new, in order."""
        return [item for item in items if self.take(item)]

    def record_read(self, ssrc: str | None, position: int) -> None:
        """Remember where a read of the store ended, and the store's identity then.

        A store that gave no identity keeps the one known before.
        """
        self.ssrc = ssrc or self.ssrc
        self.position = position
        self.save()

    async def async_flush(self) -> None:
        """Write the record now (the entry is unloading)."""
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """Delete the record (the entry is removed)."""
        await self._store.async_remove()

    def save(self) -> None:
        """Write the record soon (writes of a burst are gathered into one)."""
        self._store.async_delay_save(self._data, SAVE_DELAY)

    def _data(self) -> InboxData:
        return InboxData(
            ssrc=self.ssrc,
            position=self.position,
            horizon=self.horizon,
            seen=list(self._seen.items()),
        )
