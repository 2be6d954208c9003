"""Logbook entries for received and sent SMS, and finished calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .bus import CALL_OUTGOING, SMS_RESULT_FAILED, SMS_RESULT_SENT
from .const import DOMAIN, EVENT_CALL, EVENT_SMS_RECEIVED, EVENT_SMS_SENT

type Describe = Callable[[Event[dict[str, Any]]], dict[str, str]]


def duration_text(seconds: int) -> str:
    """Say how long a call lasted: "42 s", "3 min 5 s", "1 h 2 min"."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


def sms_sentence(data: dict[str, Any]) -> str:
    """Describe a received SMS, without its text."""
    sentence = f"received an SMS from {data.get('sender') or 'an unknown sender'}"
    if data.get("recovered"):
        sentence += " (read from the gateway's store after a gap)"
    return sentence


def sent_sentence(data: dict[str, Any]) -> str:
    """Describe what became of a sent SMS, without its text."""
    recipient = data.get("recipient") or "an unknown number"
    result = data.get("result")
    if result is None:  # recorded before results were told apart
        result = SMS_RESULT_SENT if data.get("ok") else SMS_RESULT_FAILED
    if result == SMS_RESULT_SENT:
        return f"sent an SMS to {recipient}"
    if result == SMS_RESULT_FAILED:
        return f"could not send an SMS to {recipient}: {data.get('reason') or 'failed'}"
    return (
        f"did not confirm taking an SMS to {recipient} (task {data.get('task_id')}); "
        "it is sent at most once, and handed over again a few times unless Home "
        "Assistant restarts or reloads the gateway first"
    )


def call_sentence(data: dict[str, Any]) -> str:
    """Describe a finished call: who called whom, and how long it lasted."""
    if data.get("direction") == CALL_OUTGOING:
        callee = data.get("callee") or "an unknown number"
        if not data.get("answered"):
            return f"called {callee}, unanswered"
        return f"called {callee} for {duration_text(data.get('duration') or 0)}"
    caller = data.get("caller") or "an unknown number"
    if not data.get("answered"):
        return f"missed a call from {caller}"
    return f"had a call from {caller} for {duration_text(data.get('duration') or 0)}"


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Describe], None],
) -> None:
    """Describe SMS and call events in the logbook as sentences about the port.

    A sent SMS not confirmed yet has no port: it is told of the gateway.
    """

    def port_name(data: dict[str, Any]) -> str:
        registry = dr.async_get(hass)
        for device_id in (data.get("device_id"), data.get("gateway_device_id")):
            if device_id and (device := registry.async_get(device_id)):
                return device.name_by_user or device.name or "Ejoin gateway"
        return f"Ejoin port {data.get('port')}"

    @callback
    def describe_sms(event: Event[dict[str, Any]]) -> dict[str, str]:
        return {
            LOGBOOK_ENTRY_NAME: port_name(event.data),
            LOGBOOK_ENTRY_MESSAGE: sms_sentence(event.data),
        }

    @callback
    def describe_sent(event: Event[dict[str, Any]]) -> dict[str, str]:
        return {
            LOGBOOK_ENTRY_NAME: port_name(event.data),
            LOGBOOK_ENTRY_MESSAGE: sent_sentence(event.data),
        }

    @callback
    def describe_call(event: Event[dict[str, Any]]) -> dict[str, str]:
        return {
            LOGBOOK_ENTRY_NAME: port_name(event.data),
            LOGBOOK_ENTRY_MESSAGE: call_sentence(event.data),
        }

    async_describe_event(DOMAIN, EVENT_SMS_RECEIVED, describe_sms)
    async_describe_event(DOMAIN, EVENT_SMS_SENT, describe_sent)
    async_describe_event(DOMAIN, EVENT_CALL, describe_call)
