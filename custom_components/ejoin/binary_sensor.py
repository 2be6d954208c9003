"""Binary sensors: whether each port's SIM is registered on the mobile network."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EjoinConfigEntry
from .entity import EjoinPortEntity

PARALLEL_UPDATES = 0  # pushed: nothing to throttle

REGISTERED = BinarySensorEntityDescription(
    key="registered",
    translation_key="registered",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a registered sensor for every port, including ports that appear later."""
    gateway = entry.runtime_data.gateway

    @callback
    def add_ports(ports: list[int]) -> None:
        async_add_entities(
            EjoinRegisteredSensor(gateway, port, REGISTERED) for port in ports
        )

    add_ports(sorted(gateway.ports))
    entry.async_on_unload(gateway.listen_new_ports(add_ports))


class EjoinRegisteredSensor(EjoinPortEntity, BinarySensorEntity):
    """On while the port's SIM is registered (a call in progress counts)."""

    @property
    def is_on(self) -> bool | None:
        """Whether the SIM is registered."""
        state = self.port_state
        return None if state is None or state.status_code is None else state.registered
