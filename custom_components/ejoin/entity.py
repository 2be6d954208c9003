"""Base entities: one for the gateway device, one for each port device."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.entity import Entity, EntityDescription

from .gateway import EVERYTHING, EjoinGateway
from .identifiers import gateway_unique_id, port_unique_id
from .pyejoin import PortState
from .runtime import EjoinConfigEntry


class EjoinEntity(Entity):
    """An entity of the Ejoin integration: pushed, never polled.

    It declares what it ``reads`` and is asked what it shows only when one of those
    changed (see gateway.FieldListeners); it writes its state only when what it
    shows changed, so that a report that changes nothing writes nothing.
    """

    _attr_has_entity_name = True
    _attr_should_poll = False
    _written: tuple[Any, ...] | None = None
    # The fields the entity shows: of the port's state for a port's entity, the
    # gateway-wide ones for the gateway's. Whether the gateway is heard is always read.
    reads: frozenset[str] = frozenset()

    def __init__(self, entry: EjoinConfigEntry, description: EntityDescription) -> None:
        """Remember the entry, its gateway, and what this entity shows."""
        self.entry = entry
        self.gateway: EjoinGateway = entry.runtime_data.gateway
        self.entity_description = description

    @property
    def available(self) -> bool:
        """Whether the gateway has been heard recently (see watch.py)."""
        return self.gateway.available

    def shown(self) -> tuple[Any, ...]:
        """Return everything this entity shows: when it changes, the state is written."""
        return (self.available, self.state, self.extra_state_attributes)

    @callback
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
        super().__init__(entry, description)
        gateway = self.gateway
        self._attr_unique_id = gateway_unique_id(gateway.mac, description.key)
        self._attr_device_info = entry.runtime_data.devices.gateway_info()

    def _listen(self) -> Callable[[], None]:
        return self.gateway.gateway_changed.add(self._update, self.reads)


class EjoinPortEntity(EjoinEntity):
    """An entity of one port device; it shows the SIM the port works on."""

    reads = EVERYTHING  # narrowed by each kind of entity

    def __init__(
        self, entry: EjoinConfigEntry, port: int, description: EntityDescription
    ) -> None:
        """Attach the entity to its port's device."""
        super().__init__(entry, description)
        self.port = port
        mac = self.gateway.mac
        self._attr_unique_id = port_unique_id(mac, port, description.key)
        self._attr_device_info = entry.runtime_data.devices.port_info(port)

    @property
    def port_state(self) -> PortState | None:
        """What the gateway last reported for the port's working SIM."""
        return self.gateway.ports.get(self.port)

    def _listen(self) -> Callable[[], None]:
        return self.gateway.listen_port(self.port, self._update, self.reads)


def async_add_port_entities(
    entry: EjoinConfigEntry,
    add_entities: Callable[[Iterable[Entity]], None],
    build: Callable[[int], Iterable[Entity]],
) -> None:
    """Add the entities ``build`` makes for every port, also ports that appear later."""
    gateway = entry.runtime_data.gateway

    @callback
    def add(ports: list[int]) -> None:
        add_entities([entity for port in ports for entity in build(port)])

    add(sorted(gateway.ports))
    entry.async_on_unload(gateway.ports_added.add(add))
