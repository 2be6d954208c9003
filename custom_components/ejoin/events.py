"""The gateway's SMS, delivery reports, calls and SMS task progress as bus events.

Every received SMS fires ``ejoin_sms_received`` exactly once, whether it was pushed,
pushed twice, or read back from the gateway's SMS store after Home Assistant was away
(the inbox decides). A call fires ``ejoin_call`` once, when it ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
import time
from typing import Any

from homeassistant.core import HomeAssistant, callback

from .const import (
    DOMAIN,
    EVENT_CALL,
    EVENT_SMS_DELIVERY_REPORT,
    EVENT_SMS_RECEIVED,
    EVENT_SMS_SENT,
    EVENT_SMS_TASK_PROGRESS,
    LOGGER,
)
from .coordinator import EjoinConfigEntry, EjoinGateway
from .entity import device_id_of, port_identifier
from .inbox import SmsInbox, SmsItem
from .pyejoin import (
    CallDirection,
    CallRecord,
    DeliveryReport,
    EjoinAuthenticationError,
    EjoinClient,
    EjoinError,
    PortAddress,
    ReceivedSms,
    Report,
    SmsReceivedReport,
    SmsSentReport,
    TaskProgress,
    TaskProgressReport,
)

# What the port's event entities show: SMS received, and calls by how they went.
SMS_RECEIVED = "received"
CALL_INCOMING = "incoming"
CALL_MISSED = "missed"
CALL_OUTGOING = "outgoing"
SMS_EVENT_TYPES = [SMS_RECEIVED]
CALL_EVENT_TYPES = [CALL_INCOMING, CALL_MISSED, CALL_OUTGOING]

# Finished calls and SMS tasks remembered, to recognise a repeated report.
RECENT_LIMIT = 256
# While the SMS store cannot be read, a report from the gateway (it is back) prompts a
# new try, at most this often (seconds).
RETRY_READ_AFTER = 30.0

type PortListener = Callable[[str, dict[str, Any]], None]


@dataclass
class TaskTally:
    """What the status reports of one SMS task said so far (their rows are deltas)."""

    sent_to: dict[int, str] = field(default_factory=dict)  # index -> number
    failed_to: dict[int, dict[str, str | None]] = field(default_factory=dict)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def call_event_type(record: CallRecord) -> str:
    """Say how a call went: an answered or missed incoming call, or an outgoing one."""
    if record.direction is CallDirection.OUTGOING:
        return CALL_OUTGOING
    return CALL_INCOMING if record.answered_at else CALL_MISSED


class EjoinEvents:
    """Turns one gateway's reports into events, each once; keeps its SMS store read."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EjoinConfigEntry,
        gateway: EjoinGateway,
        client: EjoinClient,
        inbox: SmsInbox,
    ) -> None:
        """Prepare; ``listen`` starts taking the gateway's reports."""
        self.hass = hass
        self.entry = entry
        self.gateway = gateway
        self.client = client
        self.inbox = inbox
        self._listeners: dict[tuple[int, str], list[PortListener]] = {}
        self._calls: dict[str, None] = {}
        self._tasks: dict[int, TaskTally] = {}
        self._read_failing = False
        self._last_read_attempt = 0.0
        self._reading: asyncio.Task[None] | None = None

    @callback
    def listen(self) -> Callable[[], None]:
        """Take every report the gateway applies; returns the way to stop."""
        return self.gateway.listen_reports(self.handle)

    @callback
    def listen_port(
        self, port: int, kind: str, heard: PortListener
    ) -> Callable[[], None]:
        """Call ``heard(event_type, attributes)`` on each SMS or call of the port."""
        listeners = self._listeners.setdefault((port, kind), [])
        listeners.append(heard)
        return lambda: listeners.remove(heard)

    # --- reports ------------------------------------------------------------------------

    @callback
    def handle(self, report: Report) -> None:
        """Fire the events a report stands for."""
        if isinstance(report, SmsReceivedReport):
            items: list[SmsItem] = [*report.messages, *report.delivery_reports]
            for item in self.inbox.take_all(items):
                self._fire_sms(item, recovered=False)
        elif isinstance(report, SmsSentReport):
            self._fire_sms_sent(report)
        elif isinstance(report, CallRecord):
            self._fire_call(report)
        elif isinstance(report, TaskProgressReport):
            for task in report.tasks:
                self._fire_task_progress(task)
        if (
            self._read_failing
            and time.monotonic() - self._last_read_attempt > RETRY_READ_AFTER
        ):
            self.schedule_catch_up()  # the gateway talks again: read what was missed

    # --- the SMS store --------------------------------------------------------------------

    @callback
    def schedule_catch_up(self) -> None:
        """Read the gateway's SMS store in the background, unless a read is under way."""
        if self._reading is None or self._reading.done():
            self._reading = self.entry.async_create_background_task(
                self.hass, self.async_catch_up(), f"{DOMAIN} read SMS store"
            )

    async def async_catch_up(self) -> None:
        """Read SMS the gateway stored and we have not seen; fire them as recovered."""
        self._last_read_attempt = time.monotonic()
        try:
            new = await self.inbox.async_read(self.client)
        except EjoinAuthenticationError:
            self._read_failing = True
            self.entry.async_start_reauth(self.hass)
            return
        except EjoinError as err:
            if not self._read_failing:
                LOGGER.warning(
                    "Could not read the SMS store of gateway %s, will try again: %s",
                    self.gateway.mac,
                    err,
                )
            self._read_failing = True
            return
        if self._read_failing:
            LOGGER.info(
                "Reading the SMS store of gateway %s works again", self.gateway.mac
            )
            self._read_failing = False
        if new:
            LOGGER.info(
                "Recovered %d SMS that gateway %s stored while they were not pushed",
                len(new),
                self.gateway.mac,
            )
        for item in new:
            self._fire_sms(item, recovered=True)

    # --- events -----------------------------------------------------------------------------

    def _devices(self, address: PortAddress | None) -> dict[str, Any]:
        """Return the gateway's and the port's device ids, and the port and slot."""
        entry_id = self.entry.entry_id
        port = (
            device_id_of(
                self.hass, entry_id, port_identifier(self.gateway.mac, address.port)
            )
            if address
            else None
        )
        return {
            "gateway_device_id": device_id_of(self.hass, entry_id, self.gateway.mac),
            "device_id": port,
            "port": address.port if address else None,
            "slot": address.slot if address else None,
        }

    def _tell_port(
        self,
        address: PortAddress | None,
        kind: str,
        event_type: str,
        data: dict[str, Any],
    ) -> None:
        if address is None:
            return
        for heard in list(self._listeners.get((address.port, kind), ())):
            heard(event_type, data)

    def _fire_sms(self, item: SmsItem, *, recovered: bool) -> None:
        if isinstance(item, DeliveryReport):
            self.hass.bus.async_fire(
                EVENT_SMS_DELIVERY_REPORT,
                {
                    **self._devices(item.address),
                    "recipient": item.recipient,
                    "delivered": item.delivered,
                    "status_code": item.status_code,
                    "received_at": _time(item.received_at),
                    "operator_time": item.operator_time,
                    "recovered": recovered,
                },
            )
            return
        message: ReceivedSms = item
        shown = {
            "sender": message.sender,
            "recipient": message.recipient,
            "text": message.text,
            "received_at": _time(message.received_at),
            "recovered": recovered,
        }
        self.hass.bus.async_fire(
            EVENT_SMS_RECEIVED,
            {**self._devices(message.address), **shown, "smsc": message.smsc},
        )
        self._tell_port(message.address, "sms", SMS_RECEIVED, shown)

    def _fire_sms_sent(self, report: SmsSentReport) -> None:
        reason = None
        if not report.ok:
            reason = report.status_text or f"code {report.status_code}"
        self.hass.bus.async_fire(
            EVENT_SMS_SENT,
            {
                **self._devices(report.address),
                "task_id": report.task_id,
                "recipient": report.recipient,
                "ok": report.ok,
                "status_code": report.status_code,
                "reason": reason,
                "sent_at": _time(report.sent_at),
            },
        )

    def _fire_call(self, record: CallRecord) -> None:
        if not record.finished:
            return  # a live call's minute-by-minute update
        key = record.call_id or "|".join(
            str(part)
            for part in (
                record.address,
                record.started_at,
                record.caller,
                record.callee,
            )
        )
        if key in self._calls:
            return
        self._remember(self._calls, key, None)
        event_type = call_event_type(record)
        shown = {
            "caller": record.caller,
            "callee": record.callee,
            "answered": record.answered_at is not None,
            "duration": record.duration_seconds,
            "started_at": _time(record.started_at),
            "ended_at": _time(record.ended_at),
            "hangup_reason": record.hangup_reason,
        }
        self.hass.bus.async_fire(
            EVENT_CALL,
            {
                **self._devices(record.address),
                "call_id": record.call_id,
                "direction": CALL_OUTGOING
                if event_type == CALL_OUTGOING
                else CALL_INCOMING,
                **shown,
                "answered_at": _time(record.answered_at),
                "hangup_code": record.hangup_code,
            },
        )
        self._tell_port(record.address, "call", event_type, shown)

    def _fire_task_progress(self, task: TaskProgress) -> None:
        tally = self._tasks.get(task.task_id) or TaskTally()
        self._remember(self._tasks, task.task_id, tally)
        for sent in task.sent_to:
            tally.sent_to[sent.index] = sent.number
        for failed in task.failed_to:
            tally.failed_to[failed.index] = {
                "number": failed.number,
                "reason": failed.reason,
                "carrier_reason": failed.carrier_reason,
            }
        self.hass.bus.async_fire(
            EVENT_SMS_TASK_PROGRESS,
            {
                "gateway_device_id": self._devices(None)["gateway_device_id"],
                "task_id": task.task_id,
                "sending": task.sending,
                # The counts are the task's totals; the rows only what is new, so a
                # count is never below the recipients listed so far.
                "sent": max(task.sent, len(tally.sent_to)),
                "failed": max(task.failed, len(tally.failed_to)),
                "unsent": task.unsent,
                "finished": task.sending == 0 and task.unsent == 0,
                "sent_to": [tally.sent_to[index] for index in sorted(tally.sent_to)],
                "failed_to": [
                    tally.failed_to[index] for index in sorted(tally.failed_to)
                ],
            },
        )

    @staticmethod
    def _remember[K, V](recent: dict[K, V], key: K, value: V) -> None:
        """Keep ``key`` as the newest of a bounded record."""
        recent.pop(key, None)
        recent[key] = value
        while len(recent) > RECENT_LIMIT:
            del recent[next(iter(recent))]
