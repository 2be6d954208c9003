"""SMS task ids: the gateway refuses a task id it saw before, even after a restart."""

from __future__ import annotations

import asyncio
import time

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN


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
            if self._next is None:
                stored = await self._store.async_load() or {}
                # Without a stored id (first use, or storage lost), start from the
                # clock: larger than any id used before, within the gateway's 32 bits.
                self._next = stored.get("next") or int(time.time()) % 2_000_000_000
            task_id = self._next
            self._next += 1
            await self._store.async_save({"next": self._next})
            return task_id

    async def async_remove(self) -> None:
        """Delete the stored id (the entry is removed)."""
        await self._store.async_remove()
