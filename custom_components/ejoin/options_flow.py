"""The options of a set-up gateway: how the integration treats it, and the panel.

Changed options reload the entry (its update listener), which applies them all.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.generated.currencies import ACTIVE_CURRENCIES
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import (
    CONF_ALL_SIMS,
    CONF_CURRENCY,
    CONF_DEFAULT_RECIPIENTS,
    CONF_INBOX_SIZE,
    CONF_LOCAL_ONLY,
    CONF_PUBLIC_IP_INTERVAL,
    CONF_RECORD_TEXTS_AND_NUMBERS,
    CONF_REDIAL_INTERVAL,
    CONF_REPORT_PERIOD,
    CONF_SHOW_PANEL,
    DEFAULT_INBOX_SIZE,
    DEFAULT_PUBLIC_IP_INTERVAL,
    DEFAULT_REDIAL_INTERVAL,
    DEFAULT_REPORT_PERIOD,
    DEFAULT_SHOW_PANEL,
    MAX_INBOX_SIZE,
    MIN_REPORT_PERIOD,
)


def options_schema(options: dict[str, Any]) -> vol.Schema:
    """Ask how the integration treats the gateway once it is set up."""
    currency = options.get(CONF_CURRENCY)
    return vol.Schema(
        {
            vol.Required(
                CONF_REPORT_PERIOD,
                default=options.get(CONF_REPORT_PERIOD, DEFAULT_REPORT_PERIOD),
            ): NumberSelector(
                NumberSelectorConfig(
                    min=MIN_REPORT_PERIOD,
                    max=3600,
                    unit_of_measurement="s",
                    mode=NumberSelectorMode.BOX,
                )
            ),
            vol.Required(
                CONF_ALL_SIMS, default=options.get(CONF_ALL_SIMS, False)
            ): BooleanSelector(),
            vol.Required(
                CONF_REDIAL_INTERVAL,
                default=options.get(CONF_REDIAL_INTERVAL, DEFAULT_REDIAL_INTERVAL),
            ): NumberSelector(
                NumberSelectorConfig(
                    min=10,
                    max=86400,
                    unit_of_measurement="s",
                    mode=NumberSelectorMode.BOX,
                )
            ),
            vol.Required(
                CONF_PUBLIC_IP_INTERVAL,
                default=options.get(
                    CONF_PUBLIC_IP_INTERVAL, DEFAULT_PUBLIC_IP_INTERVAL
                ),
            ): NumberSelector(
                NumberSelectorConfig(
                    min=30,
                    max=86400,
                    unit_of_measurement="s",
                    mode=NumberSelectorMode.BOX,
                )
            ),
            vol.Optional(
                CONF_DEFAULT_RECIPIENTS,
                default=options.get(CONF_DEFAULT_RECIPIENTS, []),
            ): TextSelector(
                TextSelectorConfig(type=TextSelectorType.TEL, multiple=True)
            ),
            vol.Required(
                CONF_LOCAL_ONLY, default=options.get(CONF_LOCAL_ONLY, True)
            ): BooleanSelector(),
            # Suggested, not a default: emptied, the balance has no currency again.
            vol.Optional(
                CONF_CURRENCY,
                description={"suggested_value": currency} if currency else None,
            ): TextSelector(),
            vol.Required(
                CONF_RECORD_TEXTS_AND_NUMBERS,
                default=options.get(CONF_RECORD_TEXTS_AND_NUMBERS, False),
            ): BooleanSelector(),
            vol.Required(
                CONF_SHOW_PANEL,
                default=options.get(CONF_SHOW_PANEL, DEFAULT_SHOW_PANEL),
            ): BooleanSelector(),
            vol.Required(
                CONF_INBOX_SIZE,
                default=options.get(CONF_INBOX_SIZE, DEFAULT_INBOX_SIZE),
            ): NumberSelector(
                NumberSelectorConfig(
                    min=0, max=MAX_INBOX_SIZE, step=1, mode=NumberSelectorMode.BOX
                )
            ),
        }
    )


class EjoinOptionsFlow(OptionsFlow):
    """Change how the integration treats a gateway; the entry reloads to apply it."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the options, filled with the current ones."""
        errors: dict[str, str] = {}
        if user_input is not None:
            numbers = [
                number.strip()
                for number in user_input.get(CONF_DEFAULT_RECIPIENTS, [])
                if number.strip()
            ]
            options = {
                **user_input,
                CONF_REPORT_PERIOD: int(user_input[CONF_REPORT_PERIOD]),
                CONF_REDIAL_INTERVAL: int(user_input[CONF_REDIAL_INTERVAL]),
                CONF_PUBLIC_IP_INTERVAL: int(user_input[CONF_PUBLIC_IP_INTERVAL]),
                CONF_INBOX_SIZE: int(user_input[CONF_INBOX_SIZE]),
                CONF_DEFAULT_RECIPIENTS: numbers,
            }
            # An ISO 4217 code, "eur " as EUR; left empty, the balance has none.
            if currency := str(options.pop(CONF_CURRENCY, "")).strip().upper():
                options[CONF_CURRENCY] = currency
            if currency and currency not in ACTIVE_CURRENCIES:  # as cv.currency
                errors[CONF_CURRENCY] = "invalid_currency"
            else:
                return self.async_create_entry(data=options)
        return self.async_show_form(
            step_id="init",
            data_schema=options_schema(
                {**self.config_entry.options, **(user_input or {})}
            ),
            errors=errors,
        )
