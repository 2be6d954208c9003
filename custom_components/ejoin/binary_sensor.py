"""Binary sensors: whether each port's SIM is on the mobile network."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import EjoinPortEntity, async_add_port_entities
from .runtime import EjoinConfigEntry

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
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port: [EjoinRegisteredSensor(entry, port, REGISTERED)],
    )


class EjoinRegisteredSensor(EjoinPortEntity, BinarySensorEntity):
    """On while the port's SIM is on the network (a call or data connection counts)."""

    reads = frozenset({"status_code"})

    @property
    def is_on(self) -> bool | None:
        """Whether the SIM is registered."""
        state = self.port_state
        return None if state is None or state.status_code is None else state.registered
