"""What the integration has seen of a gateway's SMS, kept across restarts.

An SMS can reach Home Assistant twice: pushed by the gateway and read back from its SMS
store, or pushed again by a gateway that did not get our answer. It can also be missed:
pushed while Home Assistant was restarting. The inbox knows every message by a
fingerprint of what it says and where it arrived, so that each fires exactly one event.

A message is never dropped for its time stamp: a gateway whose clock went back sends
messages older than everything remembered, and they are new all the same. What is
remembered is bounded by count and by how long ago *Home Assistant* first saw each
message (the newest 64 stay whatever their age); forgetting can only make a message
look new again, never hide one.

A new message is recorded as pending and written to disk before its event fires, and
recorded as done (written again) right after; the pending ones of a run that was cut
short fire when the entry is set up again.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any, TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, SEEN_SMS_LIMIT, SEEN_SMS_MAX_AGE
from ..pyejoin import DeliveryReport, ReceivedSms

type SmsItem = ReceivedSms | DeliveryReport

STORAGE_VERSION = 1
# Messages remembered whatever their age (the count and age limits apply above this).
KEEP_NEWEST = 64


class PendingSms(TypedDict):
    """A message recorded before its event fired: the event, ready to fire."""

    event_type: str
    data: dict[str, Any]


class InboxData(TypedDict, total=False):
    """The inbox as stored (older versions lack ``forgot`` and ``pending``)."""

    ssrc: str | None
    position: int | None
    # Fingerprint and when Home Assistant first saw the message (Unix seconds).
    seen: list[tuple[str, float | None]]
    forgot: bool
    pending: dict[str, PendingSms]


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
        self,
        hass: HomeAssistant,
        entry_id: str,
        *,
        limit: int = SEEN_SMS_LIMIT,
        max_age: float = SEEN_SMS_MAX_AGE.total_seconds(),
        keep_newest: int = KEEP_NEWEST,
    ) -> None:
        """Keep the record in Home Assistant's storage under the entry's id."""
        self._store: Store[InboxData] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.sms"
        )
        self._limit = limit
        self._max_age = max_age
        self._keep_newest = keep_newest
        self._seen: dict[str, float] = {}  # fingerprint -> first seen, oldest first
        self._pending: dict[str, PendingSms] = {}
        # Changes made, and how many of them are on disk: the record is written only
        # when it changed, and a write covers every change made before it started.
        self._changes = 0
        self._written = 0
        self._write_lock = asyncio.Lock()
        self.ssrc: str | None = None  # the store's identity; it changes on a restart
        self.position: int | None = None  # where the next read starts; None: never read
        # Whether any message was forgotten: the store's older rows may then be unknown.
        self.forgot = False

    async def async_load(self) -> None:
        """Load the record kept by an earlier run (none on the first set-up)."""
        if (stored := await self._store.async_load()) is None:
            return
        data: dict[str, Any] = dict(stored)
        now = _now()
        self.ssrc = data.get("ssrc")
        self.position = data.get("position")
        # Records of the first release kept the gateway's time of each message and a
        # horizon: their age counts from now, and a horizon means some were forgotten.
        first_release = "horizon" in data
        self._seen = {
            key: now if seen is None or first_release else seen
            for key, seen in data.get("seen", [])
        }
        self.forgot = bool(data.get("forgot") or data.get("horizon"))
        self._pending = dict(data.get("pending", {}))
        self._forget_old(now)

    @property
    def remembered(self) -> int:
        """How many messages the record holds."""
        return len(self._seen)

    @property
    def first_read_done(self) -> bool:
        """Whether the store was read once: before that, what it holds is history."""
        return self.position is not None

    def knows(self, key: str) -> bool:
        """Whether the message of this fingerprint was seen (or is being announced)."""
        return key in self._seen or key in self._pending

    def hold(self, key: str, pending: PendingSms) -> None:
        """Record a new message as pending: its event is about to fire."""
        self._pending[key] = pending
        self._changes += 1

    def pending(self) -> list[tuple[str, PendingSms]]:
        """Return the messages recorded as pending, whose events may not have fired."""
        return list(self._pending.items())

    def done(self, keys: list[str]) -> None:
        """Record that the events of these pending messages fired."""
        for key in keys:
            self._pending.pop(key, None)
        self.remember(keys)

    def remember(self, keys: list[str]) -> None:
        """Record messages as seen, without an event (history, or fired)."""
        now = _now()
        for key in keys:
            if key not in self._seen:
                self._seen[key] = now
                self._changes += 1
        while len(self._seen) > self._limit:
            del self._seen[next(iter(self._seen))]
            self.forgot = True
        self._forget_old(now)

    def record_read(self, ssrc: str | None, position: int) -> None:
        """Remember where a read of the store ended, and the store's identity then.

        A store that gave no identity keeps the one known before.
        """
        ssrc = ssrc or self.ssrc
        if (ssrc, position) != (self.ssrc, self.position):
            self.ssrc, self.position = ssrc, position
            self._changes += 1

    async def async_write(self) -> None:
        """Write the record if it changed; return once every change so far is on disk.

        Callers that come while a write is under way are covered by the next one: a
        burst of SMS shares its writes.
        """
        wanted = self._changes
        async with self._write_lock:
            if self._written >= wanted:
                return
            changes = self._changes
            await self._store.async_save(self._data())
            self._written = changes

    async def async_remove(self) -> None:
        """Delete the record (the entry is removed)."""
        await self._store.async_remove()

    def _forget_old(self, now: float) -> None:
        """Forget messages first seen longer ago than the age limit, but the newest.

        The newest few stay however old: after a long quiet spell they still tell
        which rows of a renumbered store were seen (see store.py).
        """
        while len(self._seen) > self._keep_newest:
            key, seen = next(iter(self._seen.items()))
            if now - seen <= self._max_age:
                return
            del self._seen[key]
            self.forgot = True
            self._changes += 1

    def _data(self) -> InboxData:
        return InboxData(
            ssrc=self.ssrc,
            position=self.position,
            seen=list(self._seen.items()),
            forgot=self.forgot,
            pending=dict(self._pending),
        )


def _now() -> float:
    """Home Assistant's clock, in Unix seconds."""
    return dt_util.utcnow().timestamp()
