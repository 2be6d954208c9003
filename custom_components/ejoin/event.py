"""Event entities: the last SMS each port received and its last call."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .bus import CALL_EVENT_TYPES, SMS_EVENT_TYPES
from .entity import EjoinPortEntity, async_add_port_entities
from .runtime import EjoinConfigEntry

PARALLEL_UPDATES = 0  # pushed: nothing to throttle

SMS = EventEntityDescription(
    key="sms", translation_key="sms", event_types=SMS_EVENT_TYPES
)
CALL = EventEntityDescription(
    key="call", translation_key="call", event_types=CALL_EVENT_TYPES
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an SMS and a call event entity for every port, also ports that appear later."""
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port: [
            EjoinPortEvent(entry, port, SMS),
            EjoinPortEvent(entry, port, CALL),
        ],
    )


class EjoinPortEvent(EjoinPortEntity, EventEntity):
    """Fires when the port receives an SMS, or when one of its calls ends."""

    def _listen(self) -> Callable[[], None]:
        runtime = self.entry.runtime_data
        source = (
            runtime.received_sms
            if self.entity_description.key == "sms"
            else runtime.call_events
        )
        stop_events = source.listen_port(self.port, self._heard)
        stop_state = super()._listen()  # availability follows the gateway

        def stop() -> None:
            stop_events()
            stop_state()

        return stop

    @callback
    def _heard(self, event_type: str, attributes: Mapping[str, Any]) -> None:
        self._trigger_event(event_type, dict(attributes))
        self.async_write_ha_state()
