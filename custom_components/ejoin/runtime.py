"""Everything a set-up gateway needs, built in one place and torn down by one path.

``async_create_runtime`` builds, in this order: the client, the gateway model, the SMS
inbox, what turns reports into events, what takes the webhook's reports (reports held
while the entry was not set up first; before the gateway learns its URL: it may push
at once), the gateway's first status (which points it at the webhook), each port's
mobile data and the public IP readings of proxy firmware, and the gateway's device.
Every piece registers its clean-up with the entry right where it is made; Home
Assistant runs them when the entry unloads, and when its set-up fails with one of Home
Assistant's set-up errors. The webhook itself outlives a reload (see ``webhook.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
import time

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers.event import async_track_time_interval

from .calls import CallEvents
from .connection import (
    AnotherGatewayError,
    async_read_own_status,
    client_for,
)
from .const import (
    CONF_ALL_SIMS,
    CONF_CONFIGURE_GATEWAY,
    CONF_INBOX_SIZE,
    CONF_REDIAL_INTERVAL,
    CONF_REPORT_PERIOD,
    CONF_REPORT_URL,
    CONF_SHOW_PANEL,
    DEFAULT_INBOX_SIZE,
    DEFAULT_REDIAL_INTERVAL,
    DEFAULT_REPORT_PERIOD,
    DEFAULT_SHOW_PANEL,
    DOMAIN,
    LOGGER,
)
from .devices import GatewayDevices
from .gateway import EjoinGateway
from .identifiers import DeviceIds, port_devices
from .ingest import ReportIngest
from .mobile_data import MobileData, async_probe_mobile_data
from .public_ip import (
    PublicIpCoordinator,
    async_probe_public_ips,
    refresh_when_heard_again,
)
from .pyejoin import (
    DeviceStatusReport,
    EjoinAuthenticationError,
    EjoinClient,
    EjoinError,
)
from .redial import OVERDUE_CHECK, RedialPolicy
from .sms.inbox import SmsInbox
from .sms.received import ReceivedSmsEvents
from .sms.recent import RecentSms
from .sms.sender import TaskRetries
from .sms.sent import SentSmsEvents
from .sms.store import SmsStoreReader
from .sms.task_ids import TaskIds
from .watch import ReportWatch
from .webhook import async_take_reports

type EjoinConfigEntry = ConfigEntry[EjoinRuntimeData]


@dataclass(frozen=True, kw_only=True)
class EjoinRuntimeData:
    """What a set-up gateway keeps: its client, its state and what works on them."""

    client: EjoinClient
    gateway: EjoinGateway
    devices: GatewayDevices
    ingest: ReportIngest
    watch: ReportWatch
    redial: RedialPolicy
    inbox: SmsInbox
    recent_sms: RecentSms  # the received SMS the panel's inbox shows
    sms_store: SmsStoreReader
    received_sms: ReceivedSmsEvents
    call_events: CallEvents
    sent_sms: SentSmsEvents
    task_ids: TaskIds
    task_retries: TaskRetries
    public_ips: PublicIpCoordinator | None
    mobile_data: MobileData | None  # proxy firmware: each port's mobile data
    report_period: int

    @callback
    def start(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Start the periodic work, once the entities listen (after the platforms).

        The SMS store is read now, then every report period: an SMS that was not
        pushed is recovered, marked as such, never fired twice. SMS a run cut short
        recorded and may not have announced are announced now. Redials not seen to
        end are looked at twice a minute.
        """

        @callback
        def read_sms_store(_now: datetime | None = None) -> None:
            self.sms_store.schedule()

        entry.async_create_background_task(
            hass, self.received_sms.async_replay(), f"{DOMAIN} replay pending SMS"
        )
        read_sms_store()
        entry.async_on_unload(
            async_track_time_interval(
                hass, read_sms_store, timedelta(seconds=self.report_period)
            )
        )
        entry.async_on_unload(
            async_track_time_interval(hass, self.redial.end_overdue, OVERDUE_CHECK)
        )
        entry.async_on_unload(self.watch.start())


async def async_create_runtime(
    hass: HomeAssistant, entry: ConfigEntry
) -> EjoinRuntimeData:
    """Build what the entry needs; raise Home Assistant's set-up errors if it cannot."""
    client = client_for(hass, entry.data)
    all_sims = bool(entry.options.get(CONF_ALL_SIMS, False))
    period = int(entry.options.get(CONF_REPORT_PERIOD, DEFAULT_REPORT_PERIOD))
    configure = bool(entry.data[CONF_CONFIGURE_GATEWAY])
    report_url: str = entry.data[CONF_REPORT_URL]
    gateway = EjoinGateway(mac=entry.unique_id or "", all_sims=all_sims)
    inbox = SmsInbox(hass, entry.entry_id)
    await inbox.async_load()  # before the first push, which it must recognise
    # A gateway left out of the panel keeps no SMS for it (texts are personal data).
    panel = entry.options.get(CONF_SHOW_PANEL, DEFAULT_SHOW_PANEL)
    recent_sms = RecentSms(
        hass,
        entry.entry_id,
        size=int(entry.options.get(CONF_INBOX_SIZE, DEFAULT_INBOX_SIZE))
        if panel
        else 0,
    )
    await recent_sms.async_load()

    # What turns reports into events listens before the first push can arrive.
    devices = DeviceIds(hass, entry.entry_id, gateway.mac)
    received_sms = ReceivedSmsEvents(hass, inbox, devices, recent_sms)
    sent_sms = SentSmsEvents(hass, devices)
    call_events = CallEvents(hass, devices)
    sms_store = SmsStoreReader(
        hass,
        entry,
        client,
        inbox,
        lambda items: received_sms.async_take(items, recovered=True),
        mac=gateway.mac,
    )
    for listener in (sent_sms.report, call_events.report):
        entry.async_on_unload(gateway.report_applied.add(listener))
    entry.async_on_unload(
        gateway.report_applied.add(lambda _: sms_store.gateway_heard())
    )

    # Held reports come before the first status read: the ports the entry has devices
    # for (made from the gateway's own word) may be updated by a report without a MAC.
    ingest = ReportIngest(
        hass, gateway, port_devices=port_devices(hass, entry.entry_id, gateway.mac)
    )
    ingest.settle = received_sms.async_report  # answered once recorded and fired
    # Reports held while the entry was not set up are taken first, in order.
    entry.async_on_unload(await async_take_reports(hass, entry, ingest))

    status = await _first_status(
        client, gateway, report_url=report_url if configure else None, period=period
    )
    if configure:
        try:
            await client.keep_sms_url(report_url)
        except EjoinError as err:
            LOGGER.warning(
                "Gateway %s did not take (or keep) the SMS forwarding URL: %s",
                gateway.mac,
                err,
            )
    gateway.apply(status)
    mobile_data = await async_probe_mobile_data(client, entry.title)
    public_ips = await async_probe_public_ips(hass, entry, client)

    # The gateway's device first: every port device names it as its via_device.
    gateway_devices = GatewayDevices(hass, entry, gateway)
    entry.async_on_unload(gateway_devices.listen())
    redial = RedialPolicy(
        gateway,
        interval=float(
            entry.options.get(CONF_REDIAL_INTERVAL, DEFAULT_REDIAL_INTERVAL)
        ),
        clock=time.monotonic,
    )
    entry.async_on_unload(redial.listen())
    if public_ips is not None:

        @callback
        def read_new_addresses() -> None:
            entry.async_create_task(hass, public_ips.async_request_refresh())

        entry.async_on_unload(redial.done.add(read_new_addresses))
        refresh_when_heard_again(hass, entry, gateway, public_ips)
    watch = ReportWatch(
        hass,
        entry,
        gateway,
        client,
        period=period,
        report_url=report_url if configure else None,
        all_sims=all_sims,
    )
    return EjoinRuntimeData(
        client=client,
        gateway=gateway,
        devices=gateway_devices,
        ingest=ingest,
        watch=watch,
        redial=redial,
        inbox=inbox,
        recent_sms=recent_sms,
        sms_store=sms_store,
        received_sms=received_sms,
        call_events=call_events,
        task_ids=TaskIds(hass, entry.entry_id),
        task_retries=TaskRetries(hass, entry),
        sent_sms=sent_sms,
        public_ips=public_ips,
        mobile_data=mobile_data,
        report_period=period,
    )


async def _first_status(
    client: EjoinClient, gateway: EjoinGateway, *, report_url: str | None, period: int
) -> DeviceStatusReport:
    """Read the gateway's status (pointing it at ``report_url``, unless None)."""
    try:
        return await async_read_own_status(
            client,
            gateway.mac,
            report_url=report_url,
            period=period,
            all_sims=gateway.all_sims,
        )
    except AnotherGatewayError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="wrong_gateway",
            translation_placeholders={"host": client.host},
        ) from err
    except EjoinAuthenticationError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except EjoinError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"error": str(err)},
        ) from err
