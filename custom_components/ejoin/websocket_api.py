"""The WebSocket commands of the "SIM gateways" panel and the port grid card.

The farm's commands show what the entities show, to any user (a dashboard card is for
everyone). The inbox, sending and the SMS events carry texts and phone numbers: they
are for administrators only. Sending goes through the ``ejoin.send_sms`` action, so
its checks and its behaviour are the action's, and so is the user's context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from homeassistant.components.websocket_api import async_register_command
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.const import ERR_NOT_FOUND
from homeassistant.components.websocket_api.decorators import (
    async_response,
    require_admin,
    websocket_command,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
import voluptuous as vol

from .const import (
    ATTR_DELIVERY_REPORT,
    ATTR_MESSAGE,
    ATTR_NUMBERS,
    DOMAIN,
    EVENT_SMS_DELIVERY_REPORT,
    EVENT_SMS_SENT,
    EVENT_SMS_TASK_PROGRESS,
    MAX_INBOX_SIZE,
)
from .farm import gateway_view, kept_messages, loaded_entries
from .farm_watch import FarmWatch, InboxWatch
from .identifiers import device_entry_ids
from .runtime import EjoinConfigEntry

ENTRY_ID: Final = "entry_id"
DEVICE_ID: Final = "device_id"
ERR_SEND_FAILED: Final = "send_failed"
# The integration's bus events about SMS sent, as ``ejoin/sms/subscribe`` names them.
SMS_EVENT_KINDS: Final = {
    EVENT_SMS_TASK_PROGRESS: "progress",
    EVENT_SMS_SENT: "sent",
    EVENT_SMS_DELIVERY_REPORT: "delivery",
}


@callback
def async_setup_websocket_api(hass: HomeAssistant) -> None:
    """Register the commands, once for every gateway."""
    for command in (
        ws_farm,
        ws_farm_subscribe,
        ws_inbox,
        ws_inbox_subscribe,
        ws_send_sms,
        ws_sms_subscribe,
    ):
        async_register_command(hass, command)


def _loaded_or_error(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> list[EjoinConfigEntry] | None:
    """Return the loaded gateways asked for; None after telling that one is not."""
    entry_id: str | None = msg.get(ENTRY_ID)
    entries = loaded_entries(hass, entry_id)
    if entry_id is not None and not entries:
        _not_found(connection, msg)
        return None
    return entries


def _known_or_error(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> bool:
    """Whether the gateway asked for (if any) exists; False after telling it does not.

    A subscription may name a gateway that is not loaded yet: it follows it once it is
    (a dashboard opened while Home Assistant starts).
    """
    entry_id: str | None = msg.get(ENTRY_ID)
    if entry_id is None:
        return True
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        _not_found(connection, msg)
        return False
    return True


def _events_of(
    connection: ActiveConnection, msg: dict[str, Any]
) -> Callable[[dict[str, Any]], None]:
    """Return what sends an event of the subscription ``msg`` opened."""

    @callback
    def send(event: dict[str, Any]) -> None:
        connection.send_event(msg["id"], event)

    return send


def _not_found(connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """Tell that the gateway asked for is not set up."""
    connection.send_error(
        msg["id"], ERR_NOT_FOUND, f"No loaded Ejoin gateway {msg[ENTRY_ID]}"
    )


@websocket_command({vol.Required("type"): "ejoin/farm", vol.Optional(ENTRY_ID): str})
@callback
def ws_farm(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Answer the loaded gateways and their ports (or the one asked for)."""
    if (entries := _loaded_or_error(hass, connection, msg)) is not None:
        connection.send_result(
            msg["id"], {"gateways": [gateway_view(hass, entry) for entry in entries]}
        )


@websocket_command(
    {vol.Required("type"): "ejoin/farm/subscribe", vol.Optional(ENTRY_ID): str}
)
@callback
def ws_farm_subscribe(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Send a snapshot of the gateways, then their changes (see farm_watch.py)."""
    if not _known_or_error(hass, connection, msg):
        return

    watch = FarmWatch(hass, msg.get(ENTRY_ID), _events_of(connection, msg))
    connection.send_result(msg["id"])  # the subscription's events follow its result
    connection.subscriptions[msg["id"]] = watch.start()


@websocket_command(
    {
        vol.Required("type"): "ejoin/inbox",
        vol.Optional(ENTRY_ID): str,
        vol.Optional("limit"): vol.All(int, vol.Range(min=1, max=MAX_INBOX_SIZE)),
    }
)
@require_admin
@callback
def ws_inbox(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Answer the SMS the gateways keep, newest first."""
    if (entries := _loaded_or_error(hass, connection, msg)) is not None:
        connection.send_result(
            msg["id"], {"messages": kept_messages(entries, msg.get("limit"))}
        )


@websocket_command(
    {vol.Required("type"): "ejoin/inbox/subscribe", vol.Optional(ENTRY_ID): str}
)
@require_admin
@callback
def ws_inbox_subscribe(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Send each SMS the gateways keep from now on."""
    if not _known_or_error(hass, connection, msg):
        return

    connection.subscriptions[msg["id"]] = InboxWatch(
        hass, msg.get(ENTRY_ID), _events_of(connection, msg)
    ).start()
    connection.send_result(msg["id"])


@websocket_command(
    {
        vol.Required("type"): "ejoin/send_sms",
        vol.Required(DEVICE_ID): str,
        vol.Required(ATTR_NUMBERS): vol.All([str], vol.Length(min=1)),
        vol.Required(ATTR_MESSAGE): vol.All(str, vol.Length(min=1)),
        vol.Optional(ATTR_DELIVERY_REPORT): bool,
    }
)
@require_admin
@async_response
async def ws_send_sms(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Send an SMS from a gateway (automatic port) or a port, by the action.

    The answer is the action's response: the tasks the gateway took.
    """
    data = {
        DEVICE_ID: [msg[DEVICE_ID]],
        ATTR_NUMBERS: msg[ATTR_NUMBERS],
        ATTR_MESSAGE: msg[ATTR_MESSAGE],
    }
    if ATTR_DELIVERY_REPORT in msg:
        data[ATTR_DELIVERY_REPORT] = msg[ATTR_DELIVERY_REPORT]
    try:
        response = await hass.services.async_call(
            DOMAIN,
            "send_sms",
            data,
            blocking=True,
            return_response=True,
            context=connection.context(msg),
        )
    except HomeAssistantError as err:  # refused by the action, or by the gateway
        connection.send_error(msg["id"], ERR_SEND_FAILED, str(err))
        return
    connection.send_result(msg["id"], response)


@websocket_command({vol.Required("type"): "ejoin/sms/subscribe"})
@require_admin
@callback
def ws_sms_subscribe(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Send each SMS task's progress, each SMS sent, and each delivery report."""

    @callback
    def forward(event: Event) -> None:
        connection.send_event(
            msg["id"],
            {
                "kind": SMS_EVENT_KINDS[str(event.event_type)],
                "entry_id": _entry_of_device(hass, event.data.get("gateway_device_id")),
                "data": dict(event.data),
            },
        )

    stops = [hass.bus.async_listen(kind, forward) for kind in SMS_EVENT_KINDS]

    @callback
    def stop() -> None:
        for stop_listening in stops:
            stop_listening()

    connection.subscriptions[msg["id"]] = stop
    connection.send_result(msg["id"])


def _entry_of_device(hass: HomeAssistant, device_id: str | None) -> str | None:
    """Return the gateway entry that a device (an event's gateway) belongs to."""
    device = None if device_id is None else dr.async_get(hass).async_get(device_id)
    if device is None:
        return None
    return next(
        (
            entry_id
            for entry_id in device_entry_ids(device)
            if (entry := hass.config_entries.async_get_entry(entry_id)) is not None
            and entry.domain == DOMAIN
        ),
        None,
    )
