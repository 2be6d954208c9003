"""SMS tasks handed to one gateway: their ids, what each held, and how each stands.

The gateway refuses a task id it saw before, even after a restart, with code 13
("Duplicated task id"). So no id is given twice, and a task whose hand-over was not
answered can be handed over again under its own id without anyone getting it twice.
To know such a task when it comes back (sent again by the user, with the id the action
answered), each id is remembered with a fingerprint of the message (never its text),
whether the gateway took it, and when it was issued: at most ``TASKS_KEPT`` of them,
for at most ``TASK_MAX_AGE``. The storage is written only when something changed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
import time
from typing import Final, TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN

TASKS_KEPT: Final = 1000
TASK_MAX_AGE: Final = timedelta(days=7)


class TaskState(StrEnum):
    """How a task handed to the gateway stands."""

    PENDING = "pending"  # handed over, not answered (yet): the gateway may have it
    ACCEPTED = "accepted"  # the gateway took it
    FAILED = "failed"  # the gateway refused it, or it never reached the gateway


@dataclass(frozen=True, kw_only=True)
class IssuedTask:
    """A task id given out: the message's fingerprint, its state, when (Unix s)."""

    fingerprint: str
    state: TaskState
    issued_at: float


class StoredTask(TypedDict):
    """An issued task as stored."""

    fingerprint: str
    state: str
    at: float


class StoredTasks(TypedDict, total=False):
    """What is stored (older versions hold only ``next``)."""

    next: int
    tasks: dict[str, StoredTask]


class TaskIds:
    """SMS task ids, unique per gateway also across restarts, and what each was for."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Keep the next id and the issued tasks in storage under the entry's id."""
        self._store: Store[StoredTasks] = Store(hass, 1, f"{DOMAIN}.{entry_id}.tasks")
        self._loaded = False
        self._next = 0
        self._tasks: dict[int, IssuedTask] = {}  # the oldest first
        # Two SMS sent at once must not share an id, nor overwrite each other's record.
        self._lock = asyncio.Lock()

    async def issue(self, fingerprint: str) -> int:
        """Return a new id for the message with this fingerprint, recorded as pending.

        Written to storage before the task is handed over, so that it is known when it
        comes back, even after a restart.
        """
        async with self._lock:
            task_id = await self._take_id()
            self._tasks[task_id] = IssuedTask(
                fingerprint=fingerprint, state=TaskState.PENDING, issued_at=time.time()
            )
            self._forget_old()
            await self._save()
            return task_id

    async def get(self, task_id: int) -> IssuedTask | None:
        """Return what was issued under this id, unless never or too long ago."""
        async with self._lock:
            await self._load()
            task = self._tasks.get(task_id)
            if task is None or _too_old(task, time.time()):
                return None
            return task

    async def settle(self, task_id: int, state: TaskState) -> None:
        """Record what became of a pending task; one settled already stays as it is."""
        async with self._lock:
            await self._load()
            task = self._tasks.get(task_id)
            if (
                task is None
                or task.state is not TaskState.PENDING
                or state == task.state
            ):
                return
            self._tasks[task_id] = IssuedTask(
                fingerprint=task.fingerprint, state=state, issued_at=task.issued_at
            )
            await self._save()

    async def async_remove(self) -> None:
        """Delete what is stored (the entry is removed)."""
        await self._store.async_remove()

    async def _take_id(self) -> int:
        """Take the next id (the lock is held)."""
        await self._load()
        task_id = self._next
        self._next += 1
        return task_id

    async def _load(self) -> None:
        """Read the storage, once (the lock is held)."""
        if self._loaded:
            return
        stored = await self._store.async_load() or StoredTasks()
        # Without a stored id (first use, or storage lost), start from the clock:
        # larger than any id used before, within the gateway's 32 bits.
        self._next = stored.get("next") or int(time.time()) % 2_000_000_000
        tasks: list[tuple[int, IssuedTask]] = []
        for key, item in (stored.get("tasks") or {}).items():
            try:
                task = IssuedTask(
                    fingerprint=str(item["fingerprint"]),
                    state=TaskState(item["state"]),
                    issued_at=float(item["at"]),
                )
                tasks.append((int(key), task))
            except (KeyError, TypeError, ValueError):
                continue  # a record this version cannot read is one forgotten
        self._tasks = dict(sorted(tasks, key=lambda pair: pair[1].issued_at))
        self._loaded = True

    def _forget_old(self) -> None:
        """Forget the tasks issued too long ago, and the oldest beyond the count."""
        now = time.time()
        for task_id in [
            key for key, task in self._tasks.items() if _too_old(task, now)
        ]:
            del self._tasks[task_id]
        while len(self._tasks) > TASKS_KEPT:
            del self._tasks[next(iter(self._tasks))]

    async def _save(self) -> None:
        """Write the next id and the issued tasks."""
        await self._store.async_save(
            StoredTasks(
                next=self._next,
                tasks={
                    str(task_id): StoredTask(
                        fingerprint=task.fingerprint,
                        state=task.state.value,
                        at=task.issued_at,
                    )
                    for task_id, task in self._tasks.items()
                },
            )
        )


def _too_old(task: IssuedTask, now: float) -> bool:
    """Whether a task was issued longer ago than tasks are remembered."""
    return now - task.issued_at > TASK_MAX_AGE.total_seconds()
