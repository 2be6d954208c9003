"""Device triggers: "SMS received" and "call received" on a port, or on any port of a gateway."""

from __future__ import annotations

from typing import Any

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.const import CONF_DEVICE_ID, CONF_DOMAIN, CONF_PLATFORM, CONF_TYPE
from homeassistant.core import CALLBACK_TYPE, Event, HassJob, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType
import voluptuous as vol

from .bus import CALL_INCOMING
from .const import DOMAIN, EVENT_CALL, EVENT_SMS_RECEIVED
from .identifiers import port_of_identifier

SMS_RECEIVED = "sms_received"
CALL_RECEIVED = "call_received"
CONF_SENDER = "sender"
CONF_TEXT_CONTAINS = "text_contains"
CONF_CALLER = "caller"

TRIGGER_EVENTS = {SMS_RECEIVED: EVENT_SMS_RECEIVED, CALL_RECEIVED: EVENT_CALL}
EXTRA_FIELDS: dict[str, dict[vol.Marker, Any]] = {
    SMS_RECEIVED: {
        vol.Optional(CONF_SENDER): cv.string,
        vol.Optional(CONF_TEXT_CONTAINS): cv.string,
    },
    CALL_RECEIVED: {vol.Optional(CONF_CALLER): cv.string},
}

# Each type takes only its own filters: a sender filter on a call trigger is an error,
# not a filter silently ignored.
TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {vol.Required(CONF_TYPE): vol.In(TRIGGER_EVENTS)}, extra=vol.ALLOW_EXTRA
)
TYPE_SCHEMAS = {
    trigger_type: DEVICE_TRIGGER_BASE_SCHEMA.extend(
        {vol.Required(CONF_TYPE): trigger_type, **fields}
    )
    for trigger_type, fields in EXTRA_FIELDS.items()
}


def _ejoin_identifiers(hass: HomeAssistant, device_id: str) -> list[str]:
    """Return the Ejoin identifiers of a device (none for another integration's)."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        return []
    return [identifier for domain, identifier in device.identifiers if domain == DOMAIN]


async def async_validate_trigger_config(
    hass: HomeAssistant, config: ConfigType
) -> ConfigType:
    """Check the trigger names a type it knows and an Ejoin device."""
    config = TRIGGER_SCHEMA(config)
    config = TYPE_SCHEMAS[config[CONF_TYPE]](config)
    if not _ejoin_identifiers(hass, config[CONF_DEVICE_ID]):
        raise InvalidDeviceAutomationConfig(
            f"Device {config[CONF_DEVICE_ID]} is not an Ejoin gateway or port"
        )
    return config


async def async_get_triggers(
    hass: HomeAssistant, device_id: str
) -> list[dict[str, Any]]:
    """Offer both triggers on every gateway and port device."""
    if not _ejoin_identifiers(hass, device_id):
        return []
    return [
        {
            CONF_PLATFORM: "device",
            CONF_DOMAIN: DOMAIN,
            CONF_DEVICE_ID: device_id,
            CONF_TYPE: trigger_type,
        }
        for trigger_type in TRIGGER_EVENTS
    ]


async def async_get_trigger_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """Offer the optional filters: sender and text for SMS, caller for calls."""
    return {"extra_fields": vol.Schema(EXTRA_FIELDS.get(config[CONF_TYPE], {}))}


def same_number(left: str, right: str) -> bool:
    """Compare phone numbers or sender names, ignoring spaces and case."""
    return "".join(left.split()).casefold() == "".join(right.split()).casefold()


def matches(config: ConfigType, data: dict[str, Any]) -> bool:
    """Whether an event's data passes the trigger's filters."""
    if config[CONF_TYPE] == CALL_RECEIVED:
        return data.get("direction") == CALL_INCOMING and (
            CONF_CALLER not in config
            or same_number(config[CONF_CALLER], data.get("caller") or "")
        )
    if CONF_SENDER in config and not same_number(
        config[CONF_SENDER], data.get("sender") or ""
    ):
        return False
    return CONF_TEXT_CONTAINS not in config or (
        config[CONF_TEXT_CONTAINS].casefold() in (data.get("text") or "").casefold()
    )


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Run the automation on each matching SMS or call of the device."""
    device_id: str = config[CONF_DEVICE_ID]
    trigger_type: str = config[CONF_TYPE]
    # A port device matches its own events; a gateway device those of all its ports.
    is_port = any(
        port_of_identifier(identifier) is not None
        for identifier in _ejoin_identifiers(hass, device_id)
    )
    device_key = "device_id" if is_port else "gateway_device_id"
    job = HassJob(action, f"{DOMAIN} device trigger {trigger_info}")

    @callback
    def is_ours(event_data: dict[str, Any]) -> bool:
        return event_data.get(device_key) == device_id and matches(config, event_data)

    @callback
    def run(event: Event[dict[str, Any]]) -> None:
        hass.async_run_hass_job(
            job,
            {
                "trigger": {
                    **trigger_info["trigger_data"],
                    CONF_PLATFORM: "device",
                    CONF_DOMAIN: DOMAIN,
                    CONF_DEVICE_ID: device_id,
                    CONF_TYPE: trigger_type,
                    "event": event,
                    "description": f"{trigger_type.replace('_', ' ')} on {device_id}",
                }
            },
            event.context,
        )

    return hass.bus.async_listen(
        TRIGGER_EVENTS[trigger_type], run, event_filter=is_ours
    )
