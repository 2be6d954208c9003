"""A notify entity per gateway that texts the default recipients from the options."""

from __future__ import annotations

from homeassistant.components.notify import NotifyEntity, NotifyEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_DEFAULT_RECIPIENTS
from .coordinator import EjoinConfigEntry
from .entity import EjoinGatewayEntity
from .services import async_send_sms

PARALLEL_UPDATES = 1  # one SMS task at a time per gateway

SMS = NotifyEntityDescription(key="sms", translation_key="sms")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the notify entity when default recipients are set."""
    if recipients(entry):
        async_add_entities([EjoinSmsNotify(entry)])


def recipients(entry: EjoinConfigEntry) -> list[str]:
    """Return the default recipients from the options (a list or comma-separated text)."""
    value = entry.options.get(CONF_DEFAULT_RECIPIENTS) or []
    if isinstance(value, str):
        value = value.split(",")
    return [number.strip() for number in value if number.strip()]


class EjoinSmsNotify(EjoinGatewayEntity, NotifyEntity):
    """Send an SMS to the default recipients; the gateway picks the port."""

    def __init__(self, entry: EjoinConfigEntry) -> None:
        """Remember the entry, for its recipients and client."""
        super().__init__(entry, SMS)
        self._entry = entry

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the message (title first, on its own line, when there is one)."""
        text = f"{title}\n{message}" if title else message
        await async_send_sms(
            self.hass,
            device_ids=[],
            numbers=recipients(self._entry),
            message=text,
            entry=self._entry,
        )
