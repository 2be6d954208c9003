"""The received SMS the panel's inbox shows, kept per gateway across restarts.

Not a history (Home Assistant's recorder is one): the newest ``inbox_size`` messages of
one gateway, newest first, in the order Home Assistant received them. That order does
not depend on the gateway's clock, and a message recovered from the gateway's store
after a restart comes on top, where it is seen. A message is kept when its
``ejoin_sms_received`` fires, a recovered one too; delivery reports are not kept. With
a size of 0 nothing is kept, and what was kept is deleted.

What it keeps are texts and phone numbers: they go to Home Assistant's storage and to
administrators through the panel's WebSocket API, nowhere else (never to the log).
"""

from __future__ import annotations

from typing import Any, TypedDict

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..gateway import Listeners

STORAGE_VERSION = 1
SAVE_DELAY = 10  # seconds: a burst of SMS is written once


class KeptSms(TypedDict):
    """A received SMS as the inbox keeps it."""

    id: str  # the inbox's fingerprint of the message: stable, never two alike
    port: int | None
    slot: int | None
    sender: str | None
    recipient: str | None
    text: str
    received_at: str | None  # the gateway's time stamp, ISO 8601
    recovered: bool  # read from the gateway's store, not pushed
    kept_at: float  # when Home Assistant got it (Unix seconds): orders all gateways


def storage_key(entry_id: str) -> str:
    """Name the Store of one entry's kept SMS."""
    return f"{DOMAIN}.recent_sms.{entry_id}"


class RecentSms:
    """The newest received SMS of one gateway, newest first, bounded by ``size``."""

    def __init__(self, hass: HomeAssistant, entry_id: str, *, size: int) -> None:
        """Keep up to ``size`` messages in Home Assistant's storage under the entry."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, storage_key(entry_id)
        )
        self.size = max(size, 0)
        self._messages: list[KeptSms] = []  # newest first
        self._unsaved = False
        self.added: Listeners[[KeptSms]] = Listeners()  # each message kept

    async def async_load(self) -> None:
        """Load what an earlier run kept; with a size of 0, delete it instead.

        A size made smaller since drops the oldest at once.
        """
        if self.size == 0:
            await self._store.async_remove()
            return
        stored = await self._store.async_load()
        if stored is None:
            return
        messages: list[KeptSms] = list(stored.get("messages", []))
        self._messages = messages[: self.size]
        if len(messages) > self.size:
            self._schedule_save()

    def messages(self, limit: int | None = None) -> list[KeptSms]:
        """Return the kept messages, newest first (the ``limit`` newest, if given)."""
        return list(self._messages[:limit])

    @callback
    def add(self, key: str, data: dict[str, Any]) -> None:
        """Keep the SMS of an ``ejoin_sms_received`` (its ``data``), known by ``key``.

        An SMS kept already (its event fired again after a restart cut the first
        firing short) is not kept twice.
        """
        if self.size == 0 or any(kept["id"] == key for kept in self._messages):
            return
        message = KeptSms(
            id=key,
            port=data.get("port"),
            slot=data.get("slot"),
            sender=data.get("sender"),
            recipient=data.get("recipient"),
            text=data.get("text", ""),
            received_at=data.get("received_at"),
            recovered=bool(data.get("recovered")),
            kept_at=dt_util.utcnow().timestamp(),
        )
        self._messages.insert(0, message)
        del self._messages[self.size :]
        self._schedule_save()
        self.added.notify(message)

    async def async_write(self) -> None:
        """Write now what changed in this run (the entry unloads).

        Then the next set-up reads it, whether or not the delayed write came first.
        """
        if self._unsaved:
            self._unsaved = False
            await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """Delete what was kept (the entry is removed)."""
        await self._store.async_remove()

    def _schedule_save(self) -> None:
        """Write the messages a little later: a burst of SMS is written once."""
        self._unsaved = True
        self._store.async_delay_save(self._data, SAVE_DELAY)

    def _data(self) -> dict[str, Any]:
        """Return what is stored; the Store may call it in another thread.

        It only copies the list: a kept message is never changed.
        """
        return {"messages": list(self._messages)}
