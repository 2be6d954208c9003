"""SMS task ids: unique across restarts, each remembered with its message's fingerprint."""

from __future__ import annotations

from datetime import timedelta
import time
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
import pytest

from custom_components.ejoin.const import DOMAIN
from custom_components.ejoin.sms import task_ids as module
from custom_components.ejoin.sms.task_ids import IssuedTask, TaskIds, TaskState

ENTRY_ID = "tasks_test"
KEY = f"{DOMAIN}.{ENTRY_ID}.tasks"


def stored(hass_storage: dict[str, Any]) -> dict[str, Any]:
    """Return what the task ids wrote to storage."""
    data: dict[str, Any] = hass_storage[KEY]["data"]
    return data


async def test_an_issued_task_is_stored_before_it_is_handed_over(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """The id, the fingerprint, pending, and when: read back after a restart."""
    hass_storage[KEY] = {"version": 1, "key": KEY, "data": {"next": 5000}}
    ids = TaskIds(hass, ENTRY_ID)
    now = time.time()

    task_id = await ids.issue("fingerprint-1")

    assert task_id == 5000
    assert stored(hass_storage) == {
        "next": 5001,
        "tasks": {
            "5000": {"fingerprint": "fingerprint-1", "state": "pending", "at": now}
        },
    }
    await ids.settle(task_id, TaskState.ACCEPTED)
    assert stored(hass_storage)["tasks"]["5000"]["state"] == "accepted"
    after_restart = TaskIds(hass, ENTRY_ID)
    assert await after_restart.get(5000) == IssuedTask(
        fingerprint="fingerprint-1", state=TaskState.ACCEPTED, issued_at=now
    )
    assert await after_restart.get(4999) is None
    assert await after_restart.issue("fingerprint-2") == 5001


async def test_storage_is_written_only_when_something_changed(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Reading, settling again, or settling a settled or unknown task writes nothing."""
    ids = TaskIds(hass, ENTRY_ID)
    task_id = await ids.issue("fingerprint")
    writes: list[Any] = []
    saving = Store.async_save

    async def save(store: Store[Any], data: Any) -> None:
        """Count the write, then write."""
        writes.append(data)
        await saving(store, data)

    with patch.object(Store, "async_save", save):
        await ids.get(task_id)
        await ids.settle(task_id, TaskState.PENDING)
        await ids.settle(task_id, TaskState.ACCEPTED)
        await ids.settle(task_id, TaskState.ACCEPTED)
        await ids.settle(task_id, TaskState.FAILED)  # settled: it stays accepted
        await ids.settle(task_id + 1, TaskState.FAILED)

    assert len(writes) == 1
    assert (await ids.get(task_id)) is not None
    assert stored(hass_storage)["tasks"][str(task_id)]["state"] == "accepted"


async def test_tasks_are_remembered_for_a_week_and_up_to_a_count(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An older task is unknown, and forgotten at the next issue; so are the oldest."""
    monkeypatch.setattr(module, "TASKS_KEPT", 3)
    ids = TaskIds(hass, ENTRY_ID)
    old = await ids.issue("old")
    freezer.tick(timedelta(days=7, seconds=1))
    assert await ids.get(old) is None

    issued = [await ids.issue(f"message {index}") for index in range(4)]

    assert sorted(stored(hass_storage)["tasks"]) == [str(n) for n in issued[1:]]
    assert await ids.get(issued[0]) is None
    assert [(await ids.get(n)) is not None for n in issued[1:]] == [True] * 3
    assert stored(hass_storage)["next"] == issued[-1] + 1


async def test_an_unreadable_record_is_one_forgotten(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A record this version cannot read does not stop the others from loading."""
    good = {"fingerprint": "f", "state": "accepted", "at": time.time()}
    hass_storage[KEY] = {
        "version": 1,
        "key": KEY,
        "data": {
            "next": 10,
            "tasks": {
                "7": good,
                "8": {**good, "state": "lost"},
                "nine": good,
                "6": {"fingerprint": "f"},
            },
        },
    }
    ids = TaskIds(hass, ENTRY_ID)

    assert await ids.get(7) == IssuedTask(
        fingerprint="f", state=TaskState.ACCEPTED, issued_at=good["at"]
    )
    assert [await ids.get(n) for n in (6, 8)] == [None, None]
    assert await ids.issue("f") == 10
    assert list(stored(hass_storage)["tasks"]) == ["7", "10"]
