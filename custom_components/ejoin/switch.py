"""Switches: a port's lock. Its state is what the gateway reports, not what was asked."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EjoinConfigEntry
from .entity import EjoinPortEntity
from .pyejoin import PortAddress, PortStatus
from .services import async_run_command

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
    gateway = entry.runtime_data.gateway

    @callback
    def add_ports(ports: list[int]) -> None:
        async_add_entities(EjoinLockSwitch(entry, port) for port in ports)

    add_ports(sorted(gateway.ports))
    entry.async_on_unload(gateway.listen_new_ports(add_ports))


class EjoinLockSwitch(EjoinPortEntity, SwitchEntity):
    """On while the port is locked by the user; switching sends lock or unlock."""

    def __init__(self, entry: EjoinConfigEntry, port: int) -> None:
        """Remember the entry, to reach its client."""
        super().__init__(entry.runtime_data.gateway, port, LOCKED)
        self._entry = entry

    @property
    def is_on(self) -> bool | None:
        """Whether the gateway reports the port as locked by the user."""
        state = self.port_state
        if state is None or state.status_code is None:
            return None
        return state.status_code == PortStatus.USER_LOCKED

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Lock the port; the switch turns on when the gateway reports it locked."""
        await async_run_command(
            self._entry, lambda client: client.lock([PortAddress(port=self.port)])
        )

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Unlock the port."""
        await async_run_command(
            self._entry, lambda client: client.unlock([PortAddress(port=self.port)])
        )
