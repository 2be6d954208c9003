"""The Ejoin SIM gateway integration: multi-port GSM/4G gateways that push reports by webhook."""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    Platform,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.typing import ConfigType

from .const import (
    CONF_ALL_SIMS,
    CONF_CONFIGURE_GATEWAY,
    CONF_LOCAL_ONLY,
    CONF_REPORT_PERIOD,
    CONF_REPORT_URL,
    CONF_WEBHOOK_ID,
    DEFAULT_REPORT_PERIOD,
    DOMAIN,
    LOGGER,
    REQUEST_TIMEOUT,
)
from .coordinator import EjoinConfigEntry, EjoinGateway, EjoinRuntimeData, TaskIds
from .entity import gateway_device_info, port_of_identifier
from .events import EjoinEvents
from .inbox import SmsInbox
from .proxy import async_setup_proxy
from .pyejoin import EjoinAuthenticationError, EjoinClient, EjoinError
from .services import async_setup_services
from .watch import ReportWatch, pushes_missing_issue_id
from .webhook import async_register_webhook, async_unregister_webhook

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
    """Register the actions, once for every gateway."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: EjoinConfigEntry) -> bool:
    """Open the webhook, point the gateway at it, and seed the state from its answer."""
    client = EjoinClient(
        entry.data[CONF_HOST],
        port=entry.data[CONF_PORT],
        username=entry.data[CONF_USERNAME],
        password=entry.data[CONF_PASSWORD],
        session=async_get_clientsession(hass),
        timeout=REQUEST_TIMEOUT,
    )
    all_sims = entry.options.get(CONF_ALL_SIMS, False)
    gateway = EjoinGateway(hass, mac=entry.unique_id or "", all_sims=all_sims)
    webhook_id = entry.data[CONF_WEBHOOK_ID]
    report_url = entry.data[CONF_REPORT_URL]
    period = entry.options.get(CONF_REPORT_PERIOD, DEFAULT_REPORT_PERIOD)
    inbox = SmsInbox(hass, entry.entry_id)
    await inbox.async_load()  # before the first push, which it must recognise
    events = EjoinEvents(hass, entry, gateway, client, inbox)
    entry.async_on_unload(events.listen())

    # The webhook exists before the gateway learns its URL: it may push at once.
    async_register_webhook(
        hass,
        webhook_id,
        entry.title,
        gateway,
        local_only=entry.options.get(CONF_LOCAL_ONLY, True),
    )
    try:
        if entry.data[CONF_CONFIGURE_GATEWAY]:
            status = await client.get_status(
                report_url=report_url, period=period, all_sims=all_sims
            )
        else:
            status = await client.get_status()
    except EjoinAuthenticationError as err:
        async_unregister_webhook(hass, webhook_id)
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except EjoinError as err:
        async_unregister_webhook(hass, webhook_id)
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"error": str(err)},
        ) from err
    if not gateway.is_mine(status):
        async_unregister_webhook(hass, webhook_id)
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="wrong_gateway",
            translation_placeholders={"host": entry.data[CONF_HOST]},
        )
    if entry.data[CONF_CONFIGURE_GATEWAY]:
        try:
            await client.keep_sms_url(report_url)
        except EjoinError as err:
            LOGGER.warning(
                "Gateway %s did not take (or keep) the SMS forwarding URL: %s",
                gateway.mac,
                err,
            )

    gateway.apply(status)
    entry.runtime_data = EjoinRuntimeData(
        client=client,
        gateway=gateway,
        task_ids=TaskIds(hass, entry.entry_id),
        inbox=inbox,
        events=events,
    )
    proxy = await async_setup_proxy(hass, entry, client)
    if proxy is not None:
        entry.runtime_data.proxy = proxy

        def read_new_addresses() -> None:
            entry.async_create_task(hass, proxy.async_request_refresh())

        entry.async_on_unload(gateway.listen_redial_done(read_new_addresses))
    # The gateway's device first: every port device names it as its via_device.
    gateway.device_id = (
        dr.async_get(hass)
        .async_get_or_create(
            config_entry_id=entry.entry_id, **gateway_device_info(entry)
        )
        .id
    )
    entry.async_on_unload(lambda: async_unregister_webhook(hass, webhook_id))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(async_reload_entry))

    # Read the SMS the gateway stored while nobody listened, now and every period:
    # a push that did not arrive is recovered, marked as such, never fired twice.
    @callback
    def read_sms_store(_now: datetime | None = None) -> None:
        events.schedule_catch_up()

    read_sms_store()
    entry.async_on_unload(
        async_track_time_interval(hass, read_sms_store, timedelta(seconds=period))
    )
    configure = entry.data[CONF_CONFIGURE_GATEWAY]
    watch = ReportWatch(
        hass,
        entry,
        gateway,
        client,
        period=period,
        report_url=report_url if configure else None,
        all_sims=all_sims,
    )
    entry.async_on_unload(watch.start())
    return True


async def async_reload_entry(hass: HomeAssistant, entry: EjoinConfigEntry) -> None:
    """Apply changed options: set the entry up again (the gateway is re-pointed too)."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: EjoinConfigEntry) -> bool:
    """Unload the platforms; the webhook goes with the entry's unload callbacks."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    # What was seen must be on disk before the entry is set up again.
    await entry.runtime_data.inbox.async_flush()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: EjoinConfigEntry) -> None:
    """Tell the gateway to stop reporting here; delete what the entry stored."""
    await SmsInbox(hass, entry.entry_id).async_remove()
    await TaskIds(hass, entry.entry_id).async_remove()
    ir.async_delete_issue(hass, DOMAIN, pushes_missing_issue_id(entry.entry_id))
    if not entry.data[CONF_CONFIGURE_GATEWAY]:
        return  # the user set the gateway up by hand; leave it as it is
    client = EjoinClient(
        entry.data[CONF_HOST],
        port=entry.data[CONF_PORT],
        username=entry.data[CONF_USERNAME],
        password=entry.data[CONF_PASSWORD],
        session=async_get_clientsession(hass),
        timeout=REQUEST_TIMEOUT,
    )
    try:
        await client.stop_reports()
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
