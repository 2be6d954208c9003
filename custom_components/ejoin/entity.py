"""Base entities: one for the gateway device, one for each port device."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN, MANUFACTURER
from .coordinator import EjoinConfigEntry, EjoinGateway
from .pyejoin import PortState


def gateway_device_info(entry: EjoinConfigEntry) -> DeviceInfo:
    """Describe the gateway itself."""
    gateway = entry.runtime_data.gateway
    return DeviceInfo(
        identifiers={(DOMAIN, gateway.mac)},
        connections={(dr.CONNECTION_NETWORK_MAC, gateway.mac)},
        manufacturer=MANUFACTURER,
        model=f"{gateway.max_ports or len(gateway.ports)}-port SIM gateway",
        name=entry.title,
        sw_version=gateway.firmware,
        configuration_url=f"http://{entry.data[CONF_HOST]}:{entry.data[CONF_PORT]}",
    )


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


_PORT_SEPARATOR = "_port_"


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


def port_device_info(gateway: EjoinGateway, port: int) -> DeviceInfo:
    """Describe one port of the gateway, as a device linked to it."""
    info = DeviceInfo(
        identifiers={(DOMAIN, port_identifier(gateway.mac, port))},
        manufacturer=MANUFACTURER,
        model="Modem port",
        translation_key="port",
        translation_placeholders={"port": str(port)},
    )
    if _LINK_BY_DEVICE_ID and gateway.device_id is not None:
        info["via_device_id"] = gateway.device_id  # type: ignore[typeddict-unknown-key]
    else:
        info["via_device"] = (DOMAIN, gateway.mac)
    return info


class EjoinEntity(Entity):
    """An entity of the Ejoin integration: pushed, never polled.

    It writes its state only when what it shows changed, so that a report that
    changes nothing (most periodic reports) writes nothing.
    """

    _attr_has_entity_name = True
    _attr_should_poll = False
    _written: tuple[Any, ...] | None = None

    def __init__(self, gateway: EjoinGateway, description: EntityDescription) -> None:
        """Remember the gateway and what this entity shows."""
        self.gateway = gateway
        self.entity_description = description

    @property
    def available(self) -> bool:
        """Whether the gateway has been heard recently (see watch.py)."""
        return self.gateway.available

    def shown(self) -> tuple[Any, ...]:
        """Return everything this entity shows: when it changes, the state is written."""
        return (self.available, self.state, self.extra_state_attributes)

    def _update(self) -> None:
        """Write the state if what it shows differs from what was last written."""
        shown = self.shown()
        if shown != self._written:
            self._written = shown
            self.async_write_ha_state()

    async def async_added_to_hass(self) -> None:
        """Start listening, and remember the state written when the entity was added."""
        await super().async_added_to_hass()
        self._written = self.shown()
        self.async_on_remove(self._listen())

    def _listen(self) -> Callable[[], None]:
        raise NotImplementedError


class EjoinGatewayEntity(EjoinEntity):
    """An entity of the gateway device."""

    def __init__(self, entry: EjoinConfigEntry, description: EntityDescription) -> None:
        """Attach the entity to the gateway device."""
        super().__init__(entry.runtime_data.gateway, description)
        self._attr_unique_id = f"{self.gateway.mac}_{description.key}"
        self._attr_device_info = gateway_device_info(entry)

    def _listen(self) -> Callable[[], None]:
        return self.gateway.listen_gateway(self._update)


class EjoinPortEntity(EjoinEntity):
    """An entity of one port device; it shows the SIM active on the port."""

    def __init__(
        self, gateway: EjoinGateway, port: int, description: EntityDescription
    ) -> None:
        """Attach the entity to its port's device."""
        super().__init__(gateway, description)
        self.port = port
        self._attr_unique_id = f"{gateway.mac}_{port}_{description.key}"
        self._attr_device_info = port_device_info(gateway, port)

    @property
    def port_state(self) -> PortState | None:
        """What the gateway last reported for the port's active SIM."""
        return self.gateway.ports.get(self.port)

    def _listen(self) -> Callable[[], None]:
        return self.gateway.listen_port(self.port, self._update)
