"""Selects: a port's active SIM slot."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .commands import addresses, async_request
from .entity import EjoinPortEntity, async_add_port_entities
from .pyejoin import ADDRESS
from .runtime import EjoinConfigEntry

PARALLEL_UPDATES = 1  # one command at a time per gateway

ACTIVE_SLOT = SelectEntityDescription(
    key="active_slot_select",
    translation_key="active_slot",
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a SIM slot select to every port of a gateway with more than one slot."""
    if (entry.runtime_data.gateway.max_slots or 1) < 2:
        return
    async_add_port_entities(
        entry, async_add_entities, lambda port: [EjoinSlotSelect(entry, port)]
    )


class EjoinSlotSelect(EjoinPortEntity, SelectEntity):
    """The SIM slot a port uses; choosing another switches to it."""

    reads = frozenset({ADDRESS})

    def __init__(self, entry: EjoinConfigEntry, port: int) -> None:
        """Offer one option per SIM slot of the gateway."""
        super().__init__(entry, port, ACTIVE_SLOT)
        self._attr_options = [
            str(slot) for slot in range(1, (self.gateway.max_slots or 1) + 1)
        ]

    @property
    def current_option(self) -> str | None:
        """The slot the gateway reports as active."""
        state = self.port_state
        if state is None or state.address.slot is None:
            return None
        return str(state.address.slot)

    async def async_select_option(self, option: str) -> None:
        """Switch the port to the chosen slot; the select follows the gateway's report."""
        slot = int(option)
        await async_request(
            self.hass,
            self.entry,
            lambda client: client.switch(addresses([self.port], slot=slot)),
        )
