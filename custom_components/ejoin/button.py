"""Buttons: redial or reset a port; reboot the gateway or save its configuration."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import EjoinConfigEntry
from .entity import EjoinGatewayEntity, EjoinPortEntity
from .pyejoin import EjoinClient, PortAddress
from .services import async_redial, async_run_command

PARALLEL_UPDATES = 1  # one command at a time per gateway


@dataclass(frozen=True, kw_only=True)
class EjoinGatewayButtonDescription(ButtonEntityDescription):
    """A gateway button: the command it sends."""

    press_fn: Callable[[EjoinClient], Awaitable[None]]


PORT_BUTTONS = (
    ButtonEntityDescription(key="redial", translation_key="redial"),
    ButtonEntityDescription(
        key="reset", translation_key="reset", entity_category=EntityCategory.CONFIG
    ),
)
GATEWAY_BUTTONS = (
    EjoinGatewayButtonDescription(
        key="reboot",
        translation_key="reboot",
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda client: client.reboot(),
    ),
    EjoinGatewayButtonDescription(
        key="save_config",
        translation_key="save_config",
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda client: client.save(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the gateway's buttons and each port's, including ports that appear later."""
    gateway = entry.runtime_data.gateway
    async_add_entities(
        EjoinGatewayButton(entry, description) for description in GATEWAY_BUTTONS
    )

    @callback
    def add_ports(ports: list[int]) -> None:
        async_add_entities(
            EjoinPortButton(entry, port, description)
            for port in ports
            for description in PORT_BUTTONS
        )

    add_ports(sorted(gateway.ports))
    entry.async_on_unload(gateway.listen_new_ports(add_ports))


class EjoinPortButton(EjoinPortEntity, ButtonEntity):
    """Redial or reset one port."""

    def __init__(
        self, entry: EjoinConfigEntry, port: int, description: ButtonEntityDescription
    ) -> None:
        """Remember the entry, to reach its client."""
        super().__init__(entry.runtime_data.gateway, port, description)
        self._entry = entry

    async def async_press(self) -> None:
        """Send the command for this port."""
        if self.entity_description.key == "redial":
            await async_redial(self._entry, {self.port})
        else:
            await async_run_command(
                self._entry, lambda client: client.reset([PortAddress(port=self.port)])
            )


class EjoinGatewayButton(EjoinGatewayEntity, ButtonEntity):
    """Reboot the gateway, or save its configuration."""

    entity_description: EjoinGatewayButtonDescription

    def __init__(
        self, entry: EjoinConfigEntry, description: EjoinGatewayButtonDescription
    ) -> None:
        """Remember the entry, to reach its client."""
        super().__init__(entry, description)
        self._entry = entry

    async def async_press(self) -> None:
        """Send the command."""
        await async_run_command(self._entry, self.entity_description.press_fn)
