"""Sending SMS: one task per message, with an id no earlier task had.

The gateway answers each task with a verdict; a refused task raises an error with the
gateway's reason. Its progress comes later, pushed to the webhook (see sent.py).
"""

from __future__ import annotations

from typing import TypedDict

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from ..const import DOMAIN
from ..pyejoin import EjoinClient, SmsTask, TaskStatus
from .task_ids import TaskIds


class SentTask(TypedDict):
    """What the send action answers of each task."""

    task_id: int
    accepted: bool
    status: str


async def async_send_sms(
    client: EjoinClient,
    task_ids: TaskIds,
    *,
    recipients: tuple[str, ...],
    text: str,
    ports: str | None,
    delivery_report: bool,
    status_report_url: str,
) -> list[SentTask]:
    """Hand one SMS task to the gateway (``ports`` None: it chooses); raise if refused.

    Protocol errors (the gateway unreachable, the login refused) are raised as they
    come, for the caller to turn into the user's error.
    """
    if not recipients:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_recipients"
        )
    task = SmsTask(
        task_id=await task_ids.next(),
        recipients=recipients,
        text=text,
        ports=ports,
        delivery_report=delivery_report,
    )
    # Progress reports come to the webhook, as ejoin_sms_task_progress events.
    statuses = await client.send_sms([task], status_report_url=status_report_url)
    refused = [status for status in statuses if not status.accepted]
    if refused:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="sms_refused",
            translation_placeholders={"reason": _task_reason(refused[0])},
        )
    return [
        SentTask(task_id=status.task_id, accepted=status.accepted, status=status.reason)
        for status in statuses
    ]


def _task_reason(status: TaskStatus) -> str:
    """Say why the gateway refused a task, with its code."""
    return f"{status.reason or 'refused'} (code {status.code})"
