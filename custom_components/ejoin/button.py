"""Buttons: redial, reset or identify a port; reboot the gateway or save its configuration."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later

from .commands import addresses, async_redial, async_request
from .const import LOGGER
from .entity import EjoinGatewayEntity, EjoinPortEntity, async_add_port_entities
from .pyejoin import EjoinClient, EjoinError
from .runtime import EjoinConfigEntry

PARALLEL_UPDATES = 1  # one command at a time per gateway

# How long a port's LED blinks when it is identified: long enough to find it in a rack.
IDENTIFY_SECONDS = 5


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
# Named by its device class ("Identify"), as core's identify buttons are.
IDENTIFY = ButtonEntityDescription(
    key="identify",
    device_class=ButtonDeviceClass.IDENTIFY,
    entity_category=EntityCategory.CONFIG,
)
GATEWAY_BUTTONS = (
    EjoinGatewayButtonDescription(
        key="reboot",
        translation_key="reboot",
        device_class=ButtonDeviceClass.RESTART,
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
            *(
                EjoinPortButton(entry, port, description)
                for description in PORT_BUTTONS
            ),
            EjoinIdentifyButton(entry, port, IDENTIFY),
        ],
    )


class EjoinPortButton(EjoinPortEntity, ButtonEntity):
    """Redial or reset one port."""

    reads: frozenset[str] = frozenset()  # only whether the gateway is heard

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


class EjoinIdentifyButton(EjoinPortEntity, ButtonEntity):
    """Blink the port's LED for a few seconds, to find the port in the rack."""

    reads: frozenset[str] = frozenset()

    _stop_timer: CALLBACK_TYPE | None = None

    async def async_press(self) -> None:
        """Start the LED blinking (again); it stops ``IDENTIFY_SECONDS`` later."""
        await async_request(
            self.hass,
            self.entry,
            lambda client: client.set_led(addresses([self.port]), on=True),
        )
        if self._stop_timer is not None:
            self._stop_timer()
        self._stop_timer = async_call_later(
            self.hass, IDENTIFY_SECONDS, self._async_time_is_up
        )

    async def _async_time_is_up(self, _now: datetime) -> None:
        self._stop_timer = None
        await self._async_led_off(self.entry.runtime_data.client)

    async def _async_led_off(self, client: EjoinClient) -> None:
        """Stop the LED blinking; nobody waits for it, so a failure is logged."""
        try:
            await client.set_led(addresses([self.port]), on=False)
        except EjoinError as err:
            LOGGER.warning(
                "The LED of port %s of gateway %s may still blink: %s",
                self.port,
                self.entry.title,
                err,
            )

    async def async_will_remove_from_hass(self) -> None:
        """Stop a blinking LED now, rather than leave it blinking for good."""
        if self._stop_timer is not None:
            self._stop_timer()
            self._stop_timer = None
            # In the background: an unload must not wait for a gateway that is gone.
            self.hass.async_create_background_task(
                self._async_led_off(self.entry.runtime_data.client),
                f"ejoin identify off {self.entry.entry_id} {self.port}",
            )
        await super().async_will_remove_from_hass()


class EjoinGatewayButton(EjoinGatewayEntity, ButtonEntity):
    """Reboot the gateway, or save its configuration."""

    entity_description: EjoinGatewayButtonDescription

    async def async_press(self) -> None:
        """Send the command."""
        await async_request(self.hass, self.entry, self.entity_description.press_fn)
