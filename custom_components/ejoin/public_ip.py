"""Public IP and traffic of each port, read from proxy firmware every few minutes.

These come only from ``op=get`` requests (the gateway pushes no report of them). A gateway
whose firmware does not know the parameters gets no such entities and no repeated errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import CONF_PUBLIC_IP_INTERVAL, DEFAULT_PUBLIC_IP_INTERVAL, DOMAIN, LOGGER
from .gateway import EjoinGateway, Listeners
from .pyejoin import (
    EjoinAuthenticationError,
    EjoinClient,
    EjoinCommandError,
    EjoinError,
    EjoinMalformedReplyError,
    Report,
)


@dataclass(frozen=True, kw_only=True)
class PublicIpData:
    """Public IPs and traffic counters, by port number."""

    public_ips: dict[int, str] = field(default_factory=dict)
    traffic: dict[int, tuple[int, int]] = field(default_factory=dict)  # received, sent


def parse_traffic(value: str) -> tuple[int, int] | None:
    """Read a port's ``received/sent`` byte counters; None when it is not in that form."""
    received, slash, sent = value.replace(",", "/").partition("/")
    if not slash:
        return None
    try:
        return int(received.strip()), int(sent.strip())
    except ValueError:
        return None


class PublicIpCoordinator(DataUpdateCoordinator[PublicIpData]):
    """Reads public IPs (and traffic, where the firmware has it) every few minutes."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: EjoinClient
    ) -> None:
        """Poll at the interval of the entry's options."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} public IPs",
            update_interval=timedelta(
                seconds=entry.options.get(
                    CONF_PUBLIC_IP_INTERVAL, DEFAULT_PUBLIC_IP_INTERVAL
                )
            ),
        )
        self.client = client
        self.has_traffic = True
        self._first_reading = True
        # Told of each reading, as the coordinator's listeners are; unlike them, they do
        # not make the coordinator read (the panel follows what the sensors have read).
        self.readings: Listeners[[]] = Listeners()

    @callback
    def async_update_listeners(self) -> None:
        """Tell the sensors of a reading, then those who only follow the readings."""
        super().async_update_listeners()
        self.readings.notify()

    async def _async_update_data(self) -> PublicIpData:
        """Read the public IPs, and the traffic unless the firmware lacks it."""
        try:
            public_ips = await self.client.get_public_ips()
            traffic = await self._read_traffic() if self.has_traffic else {}
        except EjoinAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except EjoinError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="public_ip_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        if not traffic and self._first_reading:
            self.has_traffic = False  # decided once, at the first reading
        self._first_reading = False
        return PublicIpData(public_ips=public_ips, traffic=traffic)

    async def _read_traffic(self) -> dict[int, tuple[int, int]]:
        """Read each port's traffic; none when the firmware does not know it."""
        try:
            raw = await self.client.get_traffic()
        except (EjoinCommandError, EjoinMalformedReplyError):
            return {}
        return {
            port: counters
            for port, value in raw.items()
            if (counters := parse_traffic(value)) is not None
        }


async def async_probe_public_ips(
    hass: HomeAssistant, entry: ConfigEntry, client: EjoinClient
) -> PublicIpCoordinator | None:
    """Start reading public IPs if the gateway knows them; None if it does not."""
    coordinator = PublicIpCoordinator(hass, entry, client)
    try:
        data = await coordinator._async_update_data()  # noqa: SLF001 - probe once, quietly
    except UpdateFailed as err:
        LOGGER.debug("Gateway %s reports no public IPs: %s", entry.title, err)
        return None
    if not data.public_ips:
        LOGGER.debug("Gateway %s reports no public IPs", entry.title)
        return None
    coordinator.async_set_updated_data(data)
    return coordinator


@callback
def refresh_when_heard_again(
    hass: HomeAssistant,
    entry: ConfigEntry,
    gateway: EjoinGateway,
    coordinator: PublicIpCoordinator,
) -> None:
    """Read public IPs at the first report after a silence or a failed reading.

    Otherwise they would stay unavailable (or stale: a gateway that restarted has new
    addresses) until the next scheduled reading, minutes later. The coordinator's
    cool-down keeps a gateway whose pushes come but whose API fails from being asked
    more than every few seconds.
    """
    silent = False

    @callback
    def ports_changed(_changes: Mapping[int, frozenset[str]]) -> None:
        nonlocal silent
        silent = silent or not gateway.available

    @callback
    def heard(_report: Report) -> None:
        nonlocal silent
        failed = not coordinator.last_update_success
        if isinstance(coordinator.last_exception, ConfigEntryAuthFailed):
            return  # new credentials are asked for; do not try the old ones again
        if silent or failed:
            silent = False
            entry.async_create_task(hass, coordinator.async_request_refresh())

    entry.async_on_unload(gateway.ports_changed.add(ports_changed))
    entry.async_on_unload(gateway.report_applied.add(heard))
