"""Actions on the gateway's SMS task queue: list, pause, resume and remove tasks.

The gateway lists a port's unfinished tasks page by page, without their progress;
the progress comes from its status reports, which the integration follows. Task ids
are the gateway's own: pausing, resuming or removing acts on the targeted gateways.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
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
from .const import DOMAIN
from .pyejoin import EjoinClient, QueuedSmsTask, TaskStatus
from .runtime import EjoinConfigEntry
from .targets import gateway_targets, resolve_targets

ATTR_TASK_IDS = "task_ids"
# Tasks asked for in one request, and the most listed for one port.
PAGE = 20
MOST_PER_PORT = 200

LIST_SCHEMA = vol.Schema(cv.ENTITY_SERVICE_FIELDS)
TASKS_SCHEMA = vol.Schema(
    {
        **cv.ENTITY_SERVICE_FIELDS,
        # Left out: every task of the gateway, as the gateway takes it.
        vol.Optional(ATTR_TASK_IDS): vol.All(
            cv.ensure_list,
            [vol.All(vol.Coerce(int), vol.Range(min=1, max=2**32 - 1))],
            vol.Length(min=1),
        ),
    }
)

type TaskAction = Callable[
    [EjoinClient, Iterable[int] | None], Awaitable[tuple[TaskStatus, ...]]
]


async def _queued_tasks(client: EjoinClient, port: int) -> list[QueuedSmsTask]:
    """Read one port's unfinished tasks, page by page (without their texts)."""
    tasks: list[QueuedSmsTask] = []
    while len(tasks) < MOST_PER_PORT:
        queue = await client.get_sms_tasks(port, start=len(tasks), count=PAGE)
        tasks += queue.tasks
        if not queue.tasks or len(tasks) >= queue.total:
            break
    return tasks


def _task_row(
    entry: EjoinConfigEntry, port: int, task: QueuedSmsTask
) -> dict[str, JsonValueType]:
    """One listed task: where it is and how far it got (no numbers, no text)."""
    progress = entry.runtime_data.sent_sms.progress(task.task_id)
    row: dict[str, JsonValueType] = {
        "gateway": entry.runtime_data.gateway.mac,
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
        for target in resolve_targets(hass, call.data):
            for port in sorted(target.all_ports()):
                tasks = await async_request(
                    hass, target.entry, partial(_queued_tasks, port=port)
                )
                rows += [_task_row(target.entry, port, task) for task in tasks]
        return {"tasks": rows}

    def on_tasks(act: TaskAction) -> Callable[[ServiceCall], Any]:
        async def handle(call: ServiceCall) -> ServiceResponse:
            task_ids: list[int] | None = call.data.get(ATTR_TASK_IDS)
            rows: list[JsonValueType] = []
            for target in gateway_targets(hass, call.data, call.service):
                results = await async_request(
                    hass, target.entry, lambda client: act(client, task_ids)
                )
                rows += [
                    {
                        "gateway": target.entry.runtime_data.gateway.mac,
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
    for service, act in (
        ("pause_sms_tasks", EjoinClient.pause_sms_tasks),
        ("resume_sms_tasks", EjoinClient.resume_sms_tasks),
        ("remove_sms_tasks", EjoinClient.remove_sms_tasks),
    ):
        register(
            DOMAIN,
            service,
            on_tasks(act),
            schema=TASKS_SCHEMA,
            supports_response=SupportsResponse.OPTIONAL,
        )
