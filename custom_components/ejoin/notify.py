"""A notify entity per gateway that texts the default recipients from the options."""

from __future__ import annotations

from homeassistant.components.notify import NotifyEntity, NotifyEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .commands import async_send, parse_recipients
from .const import CONF_DEFAULT_RECIPIENTS
from .entity import EjoinGatewayEntity
from .runtime import EjoinConfigEntry

PARALLEL_UPDATES = 1  # one SMS task at a time per gateway

SMS = NotifyEntityDescription(key="sms", translation_key="sms")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the notify entity when default recipients are set."""
    if recipients(entry):
        async_add_entities([EjoinSmsNotify(entry, SMS)])


def recipients(entry: EjoinConfigEntry) -> tuple[str, ...]:
    """Return the default recipients from the options (a list or comma-separated text)."""
    return parse_recipients(entry.options.get(CONF_DEFAULT_RECIPIENTS) or [])


class EjoinSmsNotify(EjoinGatewayEntity, NotifyEntity):
    """Send an SMS to the default recipients; the gateway picks the port."""

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the message (title first, on its own line, when there is one)."""
        text = f"{title}\n{message}" if title else message
        await async_send(
            self.hass, self.entry, recipients=recipients(self.entry), text=text
        )
