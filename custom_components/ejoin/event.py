"""Event entities: the last SMS each port received and its last call.

What they show is private: who wrote and what, who called. Home Assistant's recorder
keeps every state's attributes for days, so by default it keeps none of these; the
option ``record_texts_and_numbers`` lets it keep them all. (The integration's events
on the bus carry them too: the recorder keeps those unless told not to, see README.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .bus import CALL_EVENT_TYPES, SMS_EVENT_TYPES
from .const import CONF_RECORD_TEXTS_AND_NUMBERS
from .entity import EjoinPortEntity, async_add_port_entities
from .runtime import EjoinConfigEntry

PARALLEL_UPDATES = 0  # pushed: nothing to throttle

SMS = EventEntityDescription(
    key="sms", translation_key="sms", event_types=SMS_EVENT_TYPES
)
CALL = EventEntityDescription(
    key="call", translation_key="call", event_types=CALL_EVENT_TYPES
)
# The attributes (of bus.SmsShown and bus.CallShown) that are texts or phone numbers.
PRIVATE_ATTRIBUTES = frozenset({"sender", "recipient", "text", "caller", "callee"})


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an SMS and a call event entity for every port, also ports that appear later."""
    event_class = (
        EjoinRecordedPortEvent
        if entry.options.get(CONF_RECORD_TEXTS_AND_NUMBERS, False)
        else EjoinPortEvent
    )
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port: [event_class(entry, port, SMS), event_class(entry, port, CALL)],
    )


class EjoinPortEvent(EjoinPortEntity, EventEntity):
    """Fires when the port receives an SMS, or when one of its calls ends.

    The recorder keeps no text or phone number it shows (see the module).
    """

    # Read once per class (Entity.__init_subclass__): so a class for each choice.
    _unrecorded_attributes = PRIVATE_ATTRIBUTES
    reads: frozenset[str] = frozenset()  # its events; of the state, availability only

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


class EjoinRecordedPortEvent(EjoinPortEvent):
    """A port's SMS or call event entity whose texts and numbers the recorder keeps."""

    _unrecorded_attributes = frozenset()
