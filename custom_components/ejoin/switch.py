"""Switches: a port's lock. Its state is what the gateway reports, not what was asked."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .commands import addresses, async_request
from .entity import EjoinPortEntity, async_add_port_entities
from .pyejoin import PortStatus
from .runtime import EjoinConfigEntry

PARALLEL_UPDATES = 1  # one command at a time per gateway

LOCKED = SwitchEntityDescription(
    key="locked", translation_key="locked", entity_category=EntityCategory.CONFIG
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a lock switch for every port, including ports that appear later."""
    async_add_port_entities(
        entry, async_add_entities, lambda port: [EjoinLockSwitch(entry, port, LOCKED)]
    )


class EjoinLockSwitch(EjoinPortEntity, SwitchEntity):
    """On while the port is locked by the user; switching sends lock or unlock."""

    @property
    def is_on(self) -> bool | None:
        """Whether the gateway reports the port as locked by the user."""
        state = self.port_state
        if state is None or state.status_code is None:
            return None
        return state.status_code == PortStatus.USER_LOCKED

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Lock the port; the switch turns on when the gateway reports it locked."""
        await async_request(
            self.hass, self.entry, lambda client: client.lock(addresses([self.port]))
        )

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Unlock the port."""
        await async_request(
            self.hass, self.entry, lambda client: client.unlock(addresses([self.port]))
        )
