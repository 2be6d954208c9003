"""Buttons: redial or reset a port; reboot the gateway or save its configuration."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .commands import addresses, async_redial, async_request
from .entity import EjoinGatewayEntity, EjoinPortEntity, async_add_port_entities
from .pyejoin import EjoinClient
from .runtime import EjoinConfigEntry

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
    async_add_entities(
        EjoinGatewayButton(entry, description) for description in GATEWAY_BUTTONS
    )
    async_add_port_entities(
        entry,
        async_add_entities,
        lambda port: [
            EjoinPortButton(entry, port, description) for description in PORT_BUTTONS
        ],
    )


class EjoinPortButton(EjoinPortEntity, ButtonEntity):
    """Redial or reset one port."""

    async def async_press(self) -> None:
        """Send the command for this port."""
        if self.entity_description.key == "redial":
            await async_redial(self.hass, self.entry, {self.port})
        else:
            await async_request(
                self.hass,
                self.entry,
                lambda client: client.reset(addresses([self.port])),
            )


class EjoinGatewayButton(EjoinGatewayEntity, ButtonEntity):
    """Reboot the gateway, or save its configuration."""

    entity_description: EjoinGatewayButtonDescription

    async def async_press(self) -> None:
        """Send the command."""
        await async_request(self.hass, self.entry, self.entity_description.press_fn)
