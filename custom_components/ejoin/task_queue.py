"""Actions on the gateway's SMS task queue: list, pause, resume and remove tasks.

The gateway lists a port's unfinished tasks page by page, without their progress;
the progress comes from its status reports, which the integration follows. Task ids
are the gateway's own: pausing, resuming or removing acts on the targeted gateways.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable
from functools import partial
from typing import Any

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.util.json import JsonValueType
import voluptuous as vol

from .commands import async_request
from .const import DOMAIN, LOGGER
from .pyejoin import EjoinClient, QueuedSmsTask, TaskStatus
from .runtime import EjoinRuntimeData
from .targets import gateway_targets, port_targets

ATTR_TASK_IDS = "task_ids"
# Tasks asked for in one request, and the most listed for one port.
PAGE = 20
MOST_PER_PORT = 200

LIST_SCHEMA = vol.Schema(cv.ENTITY_SERVICE_FIELDS)
TASK_IDS = vol.All(
    cv.ensure_list,
    [vol.All(vol.Coerce(int), vol.Range(min=1, max=2**32 - 1))],
    vol.Length(min=1),
)
# Left out, the task ids mean every task of the gateway, as the gateway takes it: fine
# for a pause, too much for a removal, which must name its tasks.
TASKS_SCHEMA = vol.Schema(
    {**cv.ENTITY_SERVICE_FIELDS, vol.Optional(ATTR_TASK_IDS): TASK_IDS}
)
REMOVE_SCHEMA = vol.Schema(
    {**cv.ENTITY_SERVICE_FIELDS, vol.Required(ATTR_TASK_IDS): TASK_IDS}
)

type Handler = Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]
type TaskAction = Callable[
    [EjoinClient, Iterable[int] | None], Awaitable[tuple[TaskStatus, ...]]
]


async def _queued_tasks(
    client: EjoinClient, port: int
) -> tuple[list[QueuedSmsTask], int]:
    """Read one port's unfinished tasks, page by page (without their texts).

    Returns them with the number of rows that could not be read. The next page starts
    after every row of the last one, read or not; the queue may move meanwhile, so a
    task can come twice (the caller keeps the first).
    """
    tasks: list[QueuedSmsTask] = []
    unreadable = 0
    start = 0
    while start < MOST_PER_PORT:
        queue = await client.get_sms_tasks(
            port, start=start, count=min(PAGE, MOST_PER_PORT - start)
        )
        rows = len(queue.tasks) + len(queue.problems)
        tasks += queue.tasks
        unreadable += len(queue.problems)
        start += rows
        if rows == 0 or start >= queue.total:
            break
    return tasks, unreadable


def _task_row(
    runtime: EjoinRuntimeData, port: int, task: QueuedSmsTask
) -> dict[str, JsonValueType]:
    """One listed task: where it is and how far it got (no numbers, no text)."""
    progress = runtime.sent_sms.progress(task.task_id)
    row: dict[str, JsonValueType] = {
        "gateway": runtime.gateway.mac,
        "port": port,
        "task_id": task.task_id,
        "paused": task.paused,
        "recipients": len(task.recipients),
    }
    if progress is None:  # no status report of it yet
        row.update(sending=None, sent=None, failed=None, unsent=None)
    else:
        row.update(
            sending=progress["sending"],
            sent=progress["sent"],
            failed=progress["failed"],
            unsent=progress["unsent"],
        )
    return row


@callback
def async_setup_task_queue_services(hass: HomeAssistant) -> None:
    """Register the task queue's actions."""

    async def list_tasks(call: ServiceCall) -> ServiceResponse:
        rows: list[JsonValueType] = []
        for target in port_targets(hass, call.data):
            # Taken before the requests: the entry may be unloaded meanwhile.
            runtime = target.entry.runtime_data
            mac = runtime.gateway.mac
            listed: set[int] = set()
            for port in sorted(target.ports):
                tasks, unreadable = await async_request(
                    hass, target.entry, partial(_queued_tasks, port=port)
                )
                if unreadable:
                    LOGGER.warning(
                        "Gateway %s listed %d SMS tasks of port %d that could not "
                        "be read; they are left out",
                        mac,
                        unreadable,
                        port,
                    )
                for task in tasks:
                    if task.task_id not in listed:  # a task of several ports
                        listed.add(task.task_id)
                        rows.append(_task_row(runtime, port, task))
        return {"tasks": rows}

    def on_tasks(act: TaskAction) -> Handler:
        async def handle(call: ServiceCall) -> ServiceResponse:
            task_ids: list[int] | None = call.data.get(ATTR_TASK_IDS)
            rows: list[JsonValueType] = []
            for target in gateway_targets(hass, call.data, call.service):
                mac = target.entry.runtime_data.gateway.mac
                results = await async_request(
                    hass, target.entry, lambda client: act(client, task_ids)
                )
                rows += [
                    {
                        "gateway": mac,
                        "task_id": result.task_id,
                        "done": result.accepted,
                        "reason": result.reason,
                    }
                    for result in results
                ]
            return {"tasks": rows}

        return handle

    register = hass.services.async_register
    register(
        DOMAIN,
        "get_sms_tasks",
        list_tasks,
        schema=LIST_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    for service, act, schema in (
        ("pause_sms_tasks", EjoinClient.pause_sms_tasks, TASKS_SCHEMA),
        ("resume_sms_tasks", EjoinClient.resume_sms_tasks, TASKS_SCHEMA),
        ("remove_sms_tasks", EjoinClient.remove_sms_tasks, REMOVE_SCHEMA),
    ):
        register(
            DOMAIN,
            service,
            on_tasks(act),
            schema=schema,
            supports_response=SupportsResponse.OPTIONAL,
        )
