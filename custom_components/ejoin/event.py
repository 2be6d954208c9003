"""Event entities: the last SMS each port received and its last call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EjoinConfigEntry
from .entity import EjoinPortEntity
from .events import CALL_EVENT_TYPES, SMS_EVENT_TYPES, EjoinEvents

PARALLEL_UPDATES = 0  # pushed: nothing to throttle

PORT_EVENTS = (
    EventEntityDescription(
        key="sms", translation_key="sms", event_types=SMS_EVENT_TYPES
    ),
    EventEntityDescription(
        key="call", translation_key="call", event_types=CALL_EVENT_TYPES
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an SMS and a call event entity for every port, also ports that appear later."""
    events = entry.runtime_data.events

    @callback
    def add_ports(ports: list[int]) -> None:
        async_add_entities(
            EjoinPortEvent(events, port, description)
            for port in ports
            for description in PORT_EVENTS
        )

    add_ports(sorted(events.gateway.ports))
    entry.async_on_unload(events.gateway.listen_new_ports(add_ports))


class EjoinPortEvent(EjoinPortEntity, EventEntity):
    """Fires when the port receives an SMS, or when one of its calls ends."""

    def __init__(
        self, events: EjoinEvents, port: int, description: EventEntityDescription
    ) -> None:
        """Listen to the port's SMS or calls."""
        super().__init__(events.gateway, port, description)
        self.events = events

    def _listen(self) -> Callable[[], None]:
        stop_events = self.events.listen_port(
            self.port, self.entity_description.key, self._heard
        )
        stop_state = self.gateway.listen_port(self.port, self._update)  # availability

        def stop() -> None:
            stop_events()
            stop_state()

        return stop

    @callback
    def _heard(self, event_type: str, attributes: dict[str, Any]) -> None:
        self._trigger_event(event_type, attributes)
        self.async_write_ha_state()
