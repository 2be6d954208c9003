"""What the integration fires on Home Assistant's bus: the event types and their data.

Automations, device triggers and the logbook read these events. This module says what
each one holds, and builds it from what the gateway reported; it imports nothing of the
integration's runtime, so that device triggers and the logbook load only this.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal, TypedDict

from .pyejoin import (
    CallDirection,
    CallRecord,
    DeliveryReport,
    ReceivedSms,
    SmsSentReport,
)

# The event types of the ports' event entities: an SMS, and calls by how they went.
SMS_RECEIVED = "received"
CALL_INCOMING = "incoming"
CALL_MISSED = "missed"
CALL_OUTGOING = "outgoing"
SMS_EVENT_TYPES = [SMS_RECEIVED]
CALL_EVENT_TYPES = [CALL_INCOMING, CALL_MISSED, CALL_OUTGOING]

# What ``ejoin_sms_sent`` says became of an SMS: the gateway sent it, or failed to;
# or it did not answer when the SMS was handed to it, so it may send it or not.
SMS_RESULT_SENT: Final = "sent"
SMS_RESULT_FAILED: Final = "failed"
SMS_RESULT_NOT_CONFIRMED: Final = "not_confirmed"
type SmsResult = Literal["sent", "failed", "not_confirmed"]


class EventOrigin(TypedDict):
    """Where an event comes from: the gateway's and the port's devices, port and slot."""

    gateway_device_id: str | None
    device_id: str | None
    port: int | None
    slot: int | None


class SmsShown(TypedDict):
    """What a port's SMS event entity shows of a received SMS."""

    sender: str | None
    recipient: str | None
    text: str
    received_at: str | None
    recovered: bool


class SmsReceivedData(EventOrigin, SmsShown):
    """``ejoin_sms_received``: an SMS arrived on a port."""

    smsc: str | None


class DeliveryReportData(EventOrigin):
    """``ejoin_sms_delivery_report``: the network says whether an SMS arrived."""

    recipient: str | None
    delivered: bool | None
    status_code: int | None
    received_at: str | None
    operator_time: str | None
    recovered: bool


class SmsSentData(EventOrigin):
    """``ejoin_sms_sent``: what became of one SMS of a task, to one recipient.

    ``result`` "sent" (``ok`` True) or "failed" (``ok`` False, with the reason), as the
    gateway reports; or "not_confirmed" (``ok`` None): the gateway did not answer when
    the task was handed to it, so it may send it or not. Home Assistant hands it over
    again under the same task id (the gateway refuses a second copy) a few times, while
    the entry stays loaded; a "sent" or "failed" follows when the gateway reports it.
    """

    task_id: int | None
    recipient: str | None
    result: SmsResult
    ok: bool | None
    status_code: int | None
    reason: str | None
    sent_at: str | None


class FailedRecipientData(TypedDict):
    """A recipient an SMS task could not reach, and why."""

    number: str
    reason: str | None
    carrier_reason: str | None


class TaskProgressData(TypedDict):
    """``ejoin_sms_task_progress``: how far an SMS task is, with every recipient so far."""

    gateway_device_id: str | None
    task_id: int
    sending: int
    sent: int
    failed: int
    unsent: int
    finished: bool
    sent_to: list[str]
    failed_to: list[FailedRecipientData]


class CallShown(TypedDict):
    """What a port's call event entity shows of a finished call."""

    caller: str | None
    callee: str | None
    answered: bool
    duration: int
    started_at: str | None
    ended_at: str | None
    hangup_reason: str | None


class CallData(EventOrigin, CallShown):
    """``ejoin_call``: a call ended (once per call)."""

    call_id: str | None
    direction: str
    answered_at: str | None
    hangup_code: int | None


def iso_time(value: datetime | None) -> str | None:
    """Write a moment as events carry it: ISO 8601, or None."""
    return value.isoformat() if value else None


def sms_shown(message: ReceivedSms, *, recovered: bool) -> SmsShown:
    """Describe a received SMS as its port's event entity shows it."""
    return SmsShown(
        sender=message.sender,
        recipient=message.recipient,
        text=message.text,
        received_at=iso_time(message.received_at),
        recovered=recovered,
    )


def sms_received_data(
    origin: EventOrigin, message: ReceivedSms, *, recovered: bool
) -> SmsReceivedData:
    """Build the data of ``ejoin_sms_received``."""
    return SmsReceivedData(
        **origin, **sms_shown(message, recovered=recovered), smsc=message.smsc
    )


def delivery_report_data(
    origin: EventOrigin, report: DeliveryReport, *, recovered: bool
) -> DeliveryReportData:
    """Build the data of ``ejoin_sms_delivery_report``."""
    return DeliveryReportData(
        **origin,
        recipient=report.recipient,
        delivered=report.delivered,
        status_code=report.status_code,
        received_at=iso_time(report.received_at),
        operator_time=report.operator_time,
        recovered=recovered,
    )


def sms_sent_data(origin: EventOrigin, report: SmsSentReport) -> SmsSentData:
    """Build the data of ``ejoin_sms_sent`` from a ``sent-sms``; a failure says why."""
    reason = None
    if not report.ok:
        reason = report.status_text or f"code {report.status_code}"
    return SmsSentData(
        **origin,
        task_id=report.task_id,
        recipient=report.recipient,
        result=SMS_RESULT_SENT if report.ok else SMS_RESULT_FAILED,
        ok=report.ok,
        status_code=report.status_code,
        reason=reason,
        sent_at=iso_time(report.sent_at),
    )


def sms_not_confirmed_data(
    origin: EventOrigin, *, task_id: int, recipient: str, reason: str
) -> SmsSentData:
    """Build ``ejoin_sms_sent`` for a task handed over and not answered (``reason``: how).

    Only what the gateway itself reports is a failure: a refusal of the task handed over
    again says nothing of the first hand-over, which may have been taken. The gateway
    says neither the port nor the time: it sent nothing (yet).
    """
    return SmsSentData(
        **origin,
        task_id=task_id,
        recipient=recipient,
        result=SMS_RESULT_NOT_CONFIRMED,
        ok=None,
        status_code=None,
        reason=reason,
        sent_at=None,
    )


def call_event_type(record: CallRecord) -> str:
    """Say how a call went: an answered or missed incoming call, or an outgoing one."""
    if record.direction is CallDirection.OUTGOING:
        return CALL_OUTGOING
    return CALL_INCOMING if record.answered_at else CALL_MISSED


def call_shown(record: CallRecord) -> CallShown:
    """Describe a finished call as its port's event entity shows it."""
    return CallShown(
        caller=record.caller,
        callee=record.callee,
        answered=record.answered_at is not None,
        duration=record.duration_seconds,
        started_at=iso_time(record.started_at),
        ended_at=iso_time(record.ended_at),
        hangup_reason=record.hangup_reason,
    )


def call_data(origin: EventOrigin, record: CallRecord) -> CallData:
    """Build the data of ``ejoin_call``."""
    outgoing = record.direction is CallDirection.OUTGOING
    return CallData(
        **origin,
        **call_shown(record),
        call_id=record.call_id,
        direction=CALL_OUTGOING if outgoing else CALL_INCOMING,
        answered_at=iso_time(record.answered_at),
        hangup_code=record.hangup_code,
    )
