"""Selects: a port's active SIM slot."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EjoinConfigEntry
from .entity import EjoinPortEntity
from .pyejoin import PortAddress
from .services import async_run_command

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
    gateway = entry.runtime_data.gateway
    if (gateway.max_slots or 1) < 2:
        return

    @callback
    def add_ports(ports: list[int]) -> None:
        async_add_entities(EjoinSlotSelect(entry, port) for port in ports)

    add_ports(sorted(gateway.ports))
    entry.async_on_unload(gateway.listen_new_ports(add_ports))


class EjoinSlotSelect(EjoinPortEntity, SelectEntity):
    """The SIM slot a port uses; choosing another switches to it."""

    def __init__(self, entry: EjoinConfigEntry, port: int) -> None:
        """Offer one option per SIM slot of the gateway."""
        super().__init__(entry.runtime_data.gateway, port, ACTIVE_SLOT)
        self._entry = entry
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
        await async_run_command(
            self._entry,
            lambda client: client.switch(
                [PortAddress(port=self.port, slot=int(option))]
            ),
        )
