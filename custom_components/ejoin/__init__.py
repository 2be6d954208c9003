"""The Ejoin SIM gateway integration: multi-port GSM/4G gateways that push reports by webhook."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.typing import ConfigType

from .connection import client_for
from .const import CONF_CONFIGURE_GATEWAY, DOMAIN, LOGGER
from .identifiers import port_of_identifier
from .panel import async_setup_panel
from .pyejoin import EjoinError
from .report_url import pushes_missing_issue_id
from .runtime import EjoinConfigEntry, async_create_runtime
from .services import async_setup_services
from .sms.inbox import SmsInbox
from .sms.recent import RecentSms
from .sms.task_ids import TaskIds
from .task_queue import async_setup_task_queue_services
from .webhook import async_hold_webhook, async_release_webhook
from .websocket_api import async_setup_websocket_api

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.NOTIFY,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, the panel's commands and its files, once for every gateway."""
    async_setup_services(hass)
    async_setup_task_queue_services(hass)
    async_setup_websocket_api(hass)
    await async_setup_panel(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: EjoinConfigEntry) -> bool:
    """Point the gateway at its webhook, show its ports, and start watching it."""
    # Reports that come before the set-up is done (or while it is retried) are held.
    async_hold_webhook(hass, entry)
    try:
        entry.runtime_data = await async_create_runtime(hass, entry)
        await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
        entry.runtime_data.start(hass, entry)
    except ConfigEntryNotReady:
        raise  # Home Assistant tries again: the webhook holds reports meanwhile
    except BaseException:
        # Not tried again by itself: give the webhook back (Home Assistant 2025.4 runs
        # the entry's clean-ups only after its own set-up errors).
        async_release_webhook(hass, entry.entry_id)
        raise
    entry.async_on_unload(entry.add_update_listener(async_reload_entry))
    return True


async def async_reload_entry(hass: HomeAssistant, entry: EjoinConfigEntry) -> None:
    """Apply changed options: set the entry up again (the gateway is re-pointed too)."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: EjoinConfigEntry) -> bool:
    """Unload the platforms; the rest goes with the entry's unload callbacks."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    # What was seen (and kept for the panel) must be on disk before the entry is set
    # up again.
    await entry.runtime_data.inbox.async_write()
    await entry.runtime_data.recent_sms.async_write()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: EjoinConfigEntry) -> None:
    """Tell the gateway to stop reporting here; delete what the entry stored."""
    async_release_webhook(hass, entry.entry_id)
    await SmsInbox(hass, entry.entry_id).async_remove()
    await TaskIds(hass, entry.entry_id).async_remove()
    await RecentSms(hass, entry.entry_id, size=0).async_remove()
    ir.async_delete_issue(hass, DOMAIN, pushes_missing_issue_id(entry.entry_id))
    if not entry.data[CONF_CONFIGURE_GATEWAY]:
        return  # the user set the gateway up by hand; leave it as it is
    try:
        await client_for(hass, entry.data).stop_reports()
    except EjoinError as err:
        LOGGER.warning(
            "Could not tell gateway %s to stop reporting to Home Assistant: %s; "
            "clear its report and SMS URLs in its web interface",
            entry.title,
            err,
        )


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: EjoinConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let a port device be removed once the gateway no longer reports the port."""
    gateway = entry.runtime_data.gateway
    ports = [
        port
        for domain, identifier in device.identifiers
        if domain == DOMAIN and (port := port_of_identifier(identifier)) is not None
    ]
    return bool(ports) and not any(port in gateway.ports for port in ports)
