"""What the "SIM gateways" panel and the port grid card show: views of the gateways.

A port's view holds what its entities show, read the same way (``port_values`` and the
sensors' descriptions), and what the panel needs to act on it: the port's device and
its entities by key. A kept SMS's view names the gateway it came to. Views are built
from loaded entries only; ``farm_watch.py`` follows their changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypedDict

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import CONF_CURRENCY, DOMAIN
from .identifiers import device_id_of, port_identifier, port_of_identifier
from .port_values import signal_dbm, status_option
from .pyejoin import PortState, PortStatus
from .runtime import EjoinConfigEntry
from .sensor_descriptions import PORT_SENSORS
from .sms.recent import KeptSms


class PortView(TypedDict):
    """One port as the panel shows it (see the WebSocket API's contract)."""

    port: int
    device_id: str | None
    slot: int | None
    status: str | None
    status_code: int | None
    registered: bool
    signal: int | None
    operator: str | None
    balance: float | None
    data_today: float | None
    locked: bool
    redialing: bool
    available: bool
    public_ip: str | None
    entities: dict[str, str]


class GatewayValues(TypedDict):
    """A gateway's own values that the panel shows beside its ports."""

    available: bool
    registered_ports: int
    firmware: str | None


class GatewayView(GatewayValues):
    """One gateway and every port it has reported."""

    entry_id: str
    title: str
    device_id: str | None
    currency: str | None
    ports: list[PortView]


class MessageView(TypedDict):
    """A kept received SMS, with the gateway it came to."""

    id: str
    entry_id: str
    gateway: str
    port: int | None
    slot: int | None
    sender: str | None
    recipient: str | None
    text: str
    received_at: str | None
    recovered: bool


def _sensor_value(key: str) -> Callable[[PortState], Any]:
    """Return how the port sensor of this key reads its value."""
    return next(sensor.value_fn for sensor in PORT_SENSORS if sensor.key == key)


_OPERATOR = _sensor_value("operator")
_BALANCE = _sensor_value("balance")
_DATA_TODAY = _sensor_value("data_today")
_SLOT = _sensor_value("active_slot")


def loaded_entries(
    hass: HomeAssistant, entry_id: str | None = None
) -> list[EjoinConfigEntry]:
    """Return the loaded gateways, in the order they were added (or the one asked)."""
    return [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED
        and (entry_id is None or entry.entry_id == entry_id)
    ]


def gateway_values(entry: EjoinConfigEntry) -> GatewayValues:
    """Return the gateway's availability, registered ports and firmware."""
    gateway = entry.runtime_data.gateway
    return GatewayValues(
        available=gateway.available,
        registered_ports=gateway.registered_ports,
        firmware=gateway.firmware,
    )


def gateway_view(hass: HomeAssistant, entry: EjoinConfigEntry) -> GatewayView:
    """Describe a loaded gateway and every port it has reported, by port number."""
    gateway = entry.runtime_data.gateway
    return GatewayView(
        entry_id=entry.entry_id,
        title=entry.title,
        device_id=device_id_of(hass, entry.entry_id, gateway.mac),
        currency=entry.options.get(CONF_CURRENCY) or None,
        ports=port_views(hass, entry, gateway.ports),
        **gateway_values(entry),
    )


def port_views(
    hass: HomeAssistant, entry: EjoinConfigEntry, ports: Iterable[int]
) -> list[PortView]:
    """Describe these ports of a loaded gateway (those it has reported), sorted."""
    runtime = entry.runtime_data
    gateway = runtime.gateway
    wanted = sorted(port for port in set(ports) if port in gateway.ports)
    devices = _port_devices(hass, entry.entry_id, gateway.mac)
    entities = _port_entities(hass, entry.entry_id, gateway.mac)
    public_ips = runtime.public_ips.data if runtime.public_ips is not None else None
    views: list[PortView] = []
    for port in wanted:
        state = gateway.ports[port]
        views.append(
            PortView(
                port=port,
                device_id=devices.get(port),
                slot=_SLOT(state),
                status=status_option(state),
                status_code=state.status_code,
                registered=state.registered,
                # The modem's scale, shown when the signal sensor shows a reading.
                signal=None
                if signal_dbm(state) is None
                else min(state.signal or 0, 31),
                operator=_OPERATOR(state),
                balance=_BALANCE(state),
                data_today=_DATA_TODAY(state),
                locked=state.status_code == PortStatus.USER_LOCKED,
                redialing=port in runtime.redial.redialing,
                available=gateway.available,
                public_ip=None
                if public_ips is None
                else public_ips.public_ips.get(port),
                entities=entities.get(port, {}),
            )
        )
    return views


def message_view(entry: EjoinConfigEntry, kept: KeptSms) -> MessageView:
    """Describe a kept SMS of a gateway, naming the gateway."""
    return MessageView(
        id=kept["id"],
        entry_id=entry.entry_id,
        gateway=entry.title,
        port=kept["port"],
        slot=kept["slot"],
        sender=kept["sender"],
        recipient=kept["recipient"],
        text=kept["text"],
        received_at=kept["received_at"],
        recovered=kept["recovered"],
    )


def kept_messages(
    entries: Iterable[EjoinConfigEntry], limit: int | None = None
) -> list[MessageView]:
    """Return the SMS the gateways keep, newest first (the ``limit`` newest)."""
    kept = [
        (message["kept_at"], entry, message)
        for entry in entries
        for message in entry.runtime_data.recent_sms.messages()
    ]
    kept.sort(key=lambda item: item[0], reverse=True)
    return [message_view(entry, message) for _, entry, message in kept[:limit]]


def _port_devices(hass: HomeAssistant, entry_id: str, mac: str) -> dict[int, str]:
    """Return the device id of each port of the gateway that has a device."""
    found: dict[int, str] = {}
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id):
        for domain, identifier in device.identifiers:
            port = port_of_identifier(identifier) if domain == DOMAIN else None
            if port is not None and identifier == port_identifier(mac, port):
                found[port] = device.id
    return found


def _port_entities(
    hass: HomeAssistant, entry_id: str, mac: str
) -> dict[int, dict[str, str]]:
    """Return each port's enabled entities, by their description's key.

    A port entity's unique id is ``<mac>_<port>_<key>`` (see identifiers.py).
    """
    found: dict[int, dict[str, str]] = {}
    prefix = f"{mac}_"
    for item in er.async_entries_for_config_entry(er.async_get(hass), entry_id):
        if item.disabled_by is not None or not item.unique_id.startswith(prefix):
            continue
        port, _, key = item.unique_id.removeprefix(prefix).partition("_")
        if port.isdigit() and key:
            found.setdefault(int(port), {})[key] = item.entity_id
    return found
