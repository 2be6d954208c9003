"""Switches: a port's lock, and its mobile data (proxy firmware).

Each shows what the gateway says, not what was asked: the lock as the gateway reports
the port, mobile data as the gateway answers when it is read again after a change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .commands import addresses, async_request
from .entity import EjoinPortEntity, async_add_port_entities
from .mobile_data import MobileData
from .pyejoin import PortStatus
from .runtime import EjoinConfigEntry

PARALLEL_UPDATES = 1  # one command at a time per gateway

LOCKED = SwitchEntityDescription(
    key="locked", translation_key="locked", entity_category=EntityCategory.CONFIG
)
MOBILE_DATA = SwitchEntityDescription(
    key="mobile_data",
    translation_key="mobile_data",
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a lock switch for every port, including ports that appear later.

    A mobile data switch too, for each port the gateway answered for at set-up.
    """
    mobile_data = entry.runtime_data.mobile_data

    def build(port: int) -> list[Entity]:
        entities: list[Entity] = [EjoinLockSwitch(entry, port, LOCKED)]
        if mobile_data is not None and port in mobile_data.ports:
            entities.append(
                EjoinMobileDataSwitch(entry, port, MOBILE_DATA, mobile_data)
            )
        return entities

    async_add_port_entities(entry, async_add_entities, build)


class EjoinLockSwitch(EjoinPortEntity, SwitchEntity):
    """On while the port is locked by the user; switching sends lock or unlock."""

    reads = frozenset({"status_code"})

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


class EjoinMobileDataSwitch(EjoinPortEntity, SwitchEntity):
    """On while the port's mobile data is on; switching sets it, saves it, reads it."""

    reads: frozenset[str] = frozenset()  # its own readings, not the port's reports

    def __init__(
        self,
        entry: EjoinConfigEntry,
        port: int,
        description: SwitchEntityDescription,
        mobile_data: MobileData,
    ) -> None:
        """Show one port of what the gateway answers of its ports' mobile data."""
        super().__init__(entry, port, description)
        self.mobile_data = mobile_data

    @property
    def is_on(self) -> bool | None:
        """Whether the gateway last said the port's mobile data is on."""
        return self.mobile_data.ports.get(self.port)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the port's mobile data on; the switch shows what the gateway then says."""
        await self._switch(enabled=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the port's mobile data off (the port keeps its SIM registered)."""
        await self._switch(enabled=False)

    async def _switch(self, *, enabled: bool) -> None:
        await async_request(
            self.hass,
            self.entry,
            lambda _client: self.mobile_data.async_set(self.port, enabled=enabled),
        )

    def _listen(self) -> Callable[[], None]:
        """Listen to the port (whether the gateway is heard) and to each new reading."""
        stop_port = super()._listen()
        stop_readings = self.mobile_data.changed.add(self._update)

        def stop() -> None:
            stop_port()
            stop_readings()

        return stop
