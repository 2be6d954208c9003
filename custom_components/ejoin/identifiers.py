"""How the integration names a gateway's devices and entities, and finds them again.

A gateway is known by its MAC address; each port is a device of its own, linked to the
gateway's, named ``<mac>_port_<n>``. Unique ids of entities follow the same scheme.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo

from .bus import EventOrigin
from .const import DOMAIN, MANUFACTURER
from .pyejoin import PortAddress

_PORT_SEPARATOR = "_port_"
# Home Assistant 2026.8 links a device to its parent by the parent's device id
# (via_device_id) and deprecates the (domain, identifier) form that older releases use.
_LINK_BY_DEVICE_ID = "via_device_id" in DeviceInfo.__annotations__


def port_identifier(mac: str, port: int) -> str:
    """Name a port device in the device registry."""
    return f"{mac}{_PORT_SEPARATOR}{port}"


def port_of_identifier(identifier: str) -> int | None:
    """Return the port a device identifier names, or None for a gateway's identifier."""
    _, separator, port = identifier.rpartition(_PORT_SEPARATOR)
    return int(port) if separator and port.isdigit() else None


def port_devices(hass: HomeAssistant, entry_id: str, mac: str) -> set[int]:
    """Return the ports of the gateway with this MAC that the entry has devices for."""
    ports: set[int] = set()
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id):
        for domain, identifier in device.identifiers:
            port = port_of_identifier(identifier) if domain == DOMAIN else None
            if port is not None and identifier == port_identifier(mac, port):
                ports.add(port)
    return ports


def gateway_unique_id(mac: str, key: str) -> str:
    """Return the unique id of one of the gateway's own entities."""
    return f"{mac}_{key}"


def port_unique_id(mac: str, port: int, key: str) -> str:
    """Return the unique id of one of a port's entities."""
    return f"{mac}_{port}_{key}"


def device_id_of(hass: HomeAssistant, entry_id: str, identifier: str) -> str | None:
    """Return the id of the entry's device with this identifier, if it is registered."""
    registry = dr.async_get(hass)
    # Home Assistant 2026.x scopes identifiers to a config entry and deprecates the
    # registry-wide lookup, which is all that 2025.4 has.
    by_identifier = getattr(registry, "async_get_device_by_identifier", None)
    if by_identifier is not None:
        device: dr.DeviceEntry | None = by_identifier((DOMAIN, identifier), entry_id)
    else:
        device = registry.async_get_device(identifiers={(DOMAIN, identifier)})
    return None if device is None else device.id


def device_entry_ids(device: dr.DeviceEntry) -> set[str]:
    """Return the config entries a device belongs to.

    Home Assistant 2026.x gives a device one config entry and deprecates the set.
    """
    if (single := getattr(device, "config_entry_id", None)) is not None:
        return {single}
    return set(device.config_entries)


def gateway_device_info(
    *, mac: str, name: str, ports: int, firmware: str | None, web_interface: str
) -> DeviceInfo:
    """Describe the gateway itself."""
    return DeviceInfo(
        identifiers={(DOMAIN, mac)},
        connections={(dr.CONNECTION_NETWORK_MAC, mac)},
        manufacturer=MANUFACTURER,
        model=f"{ports}-port SIM gateway",
        name=name,
        sw_version=firmware,
        configuration_url=web_interface,
    )


def port_device_info(
    *, mac: str, port: int, gateway_name: str, gateway_device_id: str
) -> DeviceInfo:
    """Describe one port of a gateway, as a device linked to the gateway's.

    Its name starts with the gateway's: "Port 3" alone would be the same for every
    gateway, and so would the entity ids Home Assistant makes from it.
    """
    info = DeviceInfo(
        identifiers={(DOMAIN, port_identifier(mac, port))},
        manufacturer=MANUFACTURER,
        model="Modem port",
        translation_key="port",
        translation_placeholders={"gateway": gateway_name, "port": str(port)},
    )
    if _LINK_BY_DEVICE_ID:
        info["via_device_id"] = gateway_device_id  # type: ignore[typeddict-unknown-key]
    else:
        info["via_device"] = (DOMAIN, mac)
    return info


class DeviceIds:
    """Finds the devices that events name, of one entry's gateway."""

    def __init__(self, hass: HomeAssistant, entry_id: str, mac: str) -> None:
        """Look in the entry's devices of the gateway with this MAC address."""
        self._hass = hass
        self._entry_id = entry_id
        self._mac = mac

    def gateway(self) -> str | None:
        """Return the gateway's device id."""
        return device_id_of(self._hass, self._entry_id, self._mac)

    def origin(self, address: PortAddress | None) -> EventOrigin:
        """Return the gateway's and the port's device ids, and the port and slot."""
        port = (
            None
            if address is None
            else device_id_of(
                self._hass, self._entry_id, port_identifier(self._mac, address.port)
            )
        )
        return EventOrigin(
            gateway_device_id=self.gateway(),
            device_id=port,
            port=None if address is None else address.port,
            slot=None if address is None else address.slot,
        )
