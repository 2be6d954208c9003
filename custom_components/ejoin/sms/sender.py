"""Sending SMS: one task per message, handed to the gateway so that it goes out once.

The gateway answers a task with a verdict: taken, or refused with a reason (then the
action raises). When no answer comes (the time ran out, or the connection broke after
the task may have reached the gateway) the task is *not confirmed*: the gateway may
send it or not. That is not a failure, or an automation that retries would text the
recipients twice. It fires ``ejoin_sms_sent`` with result "not_confirmed" for each
recipient, and the task is handed over again later under the same id, with the same
body: up to ``len(RETRY_DELAYS)`` times, only while the entry stays loaded (a reload, an
options change or a restart ends the retries; the task stays known by its id). The
gateway refuses an id it has seen (code 13, "Duplicated task id"), so nobody gets the
SMS twice, and that refusal of a task handed over before means it has it. Any other
refusal of a task handed over again says nothing of the first, unanswered hand-over,
which may have been taken: the task stays not confirmed. The user may hand it over
again too, with the task id the action answered. What the gateway then does with it
comes later, pushed to the webhook (see sent.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
import hashlib
from typing import Final, TypedDict

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HassJob, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.event import async_call_later

from ..bus import EventOrigin, sms_not_confirmed_data
from ..const import DOMAIN, EVENT_SMS_SENT, LOGGER
from ..pyejoin import (
    EjoinClient,
    EjoinConnectionError,
    EjoinError,
    EjoinMalformedReplyError,
    EjoinNoAnswerError,
    SmsTask,
    TaskStatus,
)
from .task_ids import TaskIds, TaskState

# Seconds before each new hand-over of a task the gateway did not confirm.
RETRY_DELAYS: Final = (10, 30, 90, 300)
DUPLICATED_TASK_ID: Final = 13  # the gateway's verdict on an id it has seen
# What the send action answers of a task, besides the gateway's own word ("OK").
ALREADY_ACCEPTED: Final = "already_accepted"
NOT_CONFIRMED: Final = "not_confirmed"
# Errors after which the task may have reached the gateway, and been taken.
UNANSWERED = (EjoinNoAnswerError, EjoinMalformedReplyError)


class SentTask(TypedDict):
    """What the send action answers of each task.

    ``accepted`` True with ``status`` the gateway's word ("OK"), or "already_accepted"
    when the gateway had the task already; ``accepted`` None with ``status``
    "not_confirmed" when the gateway did not answer (it may send it or not), or refused
    the task handed over again (it may have taken it the first time).
    """

    task_id: int
    accepted: bool | None
    status: str


@dataclass(frozen=True, kw_only=True)
class SmsMessage:
    """An SMS as the user asks for it: to whom, what, from which ports (None: any)."""

    recipients: tuple[str, ...]
    text: str
    ports: str | None = None
    delivery_report: bool = False

    @property
    def fingerprint(self) -> str:
        """Name the message by its recipients, text and ports (none of them readable)."""
        parts = ["\x1e".join(self.recipients), self.text, self.ports or ""]
        return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()

    def task(self, task_id: int) -> SmsTask:
        """Return the message as the task with this id."""
        return SmsTask(
            task_id=task_id,
            recipients=self.recipients,
            text=self.text,
            ports=self.ports,
            delivery_report=self.delivery_report,
        )


class TaskRetries:
    """A gateway's unconfirmed SMS tasks, each handed over again until it is answered.

    One per set-up entry, kept by its runtime. Each task has one thing waiting for it:
    the timer of its next hand-over, or that hand-over running. It is forgotten as soon
    as the gateway answers, or after the last of ``RETRY_DELAYS``. Nothing outlives the
    entry: its unload stops every task, which stays pending in ``TaskIds`` for the user
    to hand over again with its id.
    """

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Start with no task; stop them all when the entry unloads."""
        self._hass = hass
        self._entry = entry
        # Task id -> what stops its timer, or its hand-over while that runs.
        self._cancels: dict[int, Callable[[], object]] = {}
        entry.async_on_unload(self._stop)

    @property
    def pending(self) -> int:
        """How many tasks wait for a hand-over again, or are being handed over."""
        return len(self._cancels)

    def start(self, task_id: int, hand_over: Callable[[], Awaitable[bool]]) -> None:
        """Call ``hand_over`` later and later until it returns True (answered).

        A task handed over again already keeps its own schedule.
        """
        if task_id not in self._cancels:
            self._wait(task_id, hand_over, iter(RETRY_DELAYS))

    def _wait(
        self,
        task_id: int,
        hand_over: Callable[[], Awaitable[bool]],
        delays: Iterator[int],
    ) -> None:
        """Set the timer of the task's next hand-over; after the last one, give up."""
        if (delay := next(delays, None)) is None:
            self._cancels.pop(task_id, None)
            LOGGER.warning(
                "Gateway %s did not confirm SMS task %s after %s attempts: it may "
                "have sent it or not. Send it again with its task id to find out",
                self._entry.title,
                task_id,
                len(RETRY_DELAYS) + 1,
            )
            return

        @callback
        def run(_now: datetime) -> None:
            self._cancels[task_id] = self._entry.async_create_background_task(
                self._hass,
                self._attempt(task_id, hand_over, delays),
                f"{DOMAIN} SMS task {task_id} again",
            ).cancel

        self._cancels[task_id] = async_call_later(
            self._hass,
            delay,
            HassJob(run, f"{DOMAIN} SMS task again", cancel_on_shutdown=True),
        )

    async def _attempt(
        self,
        task_id: int,
        hand_over: Callable[[], Awaitable[bool]],
        delays: Iterator[int],
    ) -> None:
        """Hand the task over again; unless answered, wait for the next time."""
        if await hand_over():
            self._cancels.pop(task_id, None)
        else:
            self._wait(task_id, hand_over, delays)

    @callback
    def _stop(self) -> None:
        """Stop every task's timer or hand-over (the entry unloads)."""
        for cancel in self._cancels.values():
            cancel()
        self._cancels.clear()


@dataclass(frozen=True, kw_only=True)
class SmsSender:
    """Hands SMS tasks to one gateway, and hands unconfirmed ones over again."""

    hass: HomeAssistant
    entry: ConfigEntry
    client: EjoinClient
    task_ids: TaskIds
    retries: TaskRetries  # the entry's, which outlives this sender
    status_report_url: str  # where the gateway reports each task's progress
    origin: EventOrigin  # the gateway, as the events name it

    async def send(self, message: SmsMessage, task_id: int | None = None) -> SentTask:
        """Hand one SMS task to the gateway; raise if it is refused or not reached.

        With ``task_id`` (one this integration issued for the same message) the task
        is handed over again, or answered "already accepted" when the gateway took it;
        refused then, it is answered "not confirmed", not raised: the first hand-over
        may have been taken.
        Errors that say the task did not reach the gateway (the gateway unreachable,
        the login refused) are raised as they come, for the caller to turn into the
        user's error.
        """
        if not message.recipients:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="no_recipients"
            )
        again = task_id is not None
        if task_id is None:
            task_id = await self.task_ids.issue(message.fingerprint)
        elif await self._known(task_id, message) is TaskState.ACCEPTED:
            return SentTask(task_id=task_id, accepted=True, status=ALREADY_ACCEPTED)
        task = message.task(task_id)
        try:
            status = await self._hand_over(task)
        except UNANSWERED as err:
            self._announce_not_confirmed(task, str(err))
            self.retries.start(task_id, partial(self._hand_over_again, task))
            return SentTask(task_id=task_id, accepted=None, status=NOT_CONFIRMED)
        except EjoinError:
            if not again:  # never reached the gateway; handed over before, it may have
                await self.task_ids.settle(task_id, TaskState.FAILED)
            raise
        if status.accepted or (again and status.code == DUPLICATED_TASK_ID):
            await self.task_ids.settle(task_id, TaskState.ACCEPTED)
            word = status.reason if status.accepted else ALREADY_ACCEPTED
            return SentTask(task_id=task_id, accepted=True, status=word)
        if again:  # the first hand-over, unanswered, may have been taken all the same
            self._warn_refused_again(task_id, _task_reason(status))
            return SentTask(task_id=task_id, accepted=None, status=NOT_CONFIRMED)
        await self.task_ids.settle(task_id, TaskState.FAILED)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="sms_refused",
            translation_placeholders={"reason": _task_reason(status)},
        )

    async def _known(self, task_id: int, message: SmsMessage) -> TaskState:
        """Check that this task id was issued here for this message; return its state."""
        issued = await self.task_ids.get(task_id)
        placeholders = {"task_id": str(task_id)}
        if issued is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_task_id",
                translation_placeholders=placeholders,
            )
        if issued.fingerprint != message.fingerprint:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="task_id_of_another_message",
                translation_placeholders=placeholders,
            )
        if issued.state is TaskState.FAILED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="task_failed",
                translation_placeholders=placeholders,
            )
        return issued.state

    async def _hand_over(self, task: SmsTask) -> TaskStatus:
        """Hand the task to the gateway once; return its verdict on it."""
        # Progress reports come to the webhook, as ejoin_sms_task_progress events.
        statuses = await self.client.send_sms(
            [task], status_report_url=self.status_report_url
        )
        for status in statuses:
            if status.task_id == task.task_id:
                return status
        if len(statuses) == 1:  # one task, one verdict, whatever id it names
            return statuses[0]
        raise EjoinMalformedReplyError("gateway's SMS reply has no verdict on the task")

    async def _hand_over_again(self, task: SmsTask) -> bool:
        """Hand an unconfirmed task over again; True once the gateway answered."""
        issued = await self.task_ids.get(task.task_id)
        if issued is None or issued.state is not TaskState.PENDING:
            return True  # settled meanwhile: the user handed it over again
        try:
            status = await self._hand_over(task)
        except (*UNANSWERED, EjoinConnectionError) as err:
            LOGGER.debug("SMS task %s still not confirmed: %s", task.task_id, err)
            return False
        except EjoinError as err:  # the request refused: of the task, nothing is known
            self._warn_refused_again(task.task_id, str(err))
            return True
        if status.accepted or status.code == DUPLICATED_TASK_ID:
            LOGGER.debug("Gateway %s has SMS task %s", self.entry.title, task.task_id)
            await self.task_ids.settle(task.task_id, TaskState.ACCEPTED)
        else:  # answered, though not about the first hand-over
            self._warn_refused_again(task.task_id, _task_reason(status))
        return True

    def _warn_refused_again(self, task_id: int, reason: str) -> None:
        """Say that a task handed over again was refused, which leaves it unconfirmed.

        Not a failure: the first hand-over, unanswered, may have been taken and sent.
        The task stays pending; the gateway's reports on it say what became of it.
        """
        LOGGER.warning(
            "Gateway %s refused SMS task %s when it was handed over again: %s. It may "
            "have taken the task the first time: its reports will say whether it is sent",
            self.entry.title,
            task_id,
            reason,
        )

    def _announce_not_confirmed(self, task: SmsTask, reason: str) -> None:
        """Fire ``ejoin_sms_sent`` for each recipient of a task the gateway did not answer."""
        for recipient in task.recipients:
            data = sms_not_confirmed_data(
                self.origin, task_id=task.task_id, recipient=recipient, reason=reason
            )
            self.hass.bus.async_fire(EVENT_SMS_SENT, dict(data))


def _task_reason(status: TaskStatus) -> str:
    """Say why the gateway refused a task, with its code."""
    return f"{status.reason or 'refused'} (code {status.code})"
