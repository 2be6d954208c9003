"""Repair flow: the gateway cannot reach its report URL, so give it another one."""

from __future__ import annotations

from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import CONF_CONFIGURE_GATEWAY, CONF_REPORT_URL
from .report_url import is_report_url, report_address


class ReportUrlRepairFlow(RepairsFlow):
    """Ask for a report URL the gateway can reach, then point the gateway at it."""

    def __init__(self, entry_id: str) -> None:
        """Fix the entry whose gateway's pushes do not arrive."""
        self.entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Start with the form (what the flow starts with is the issue, not input)."""
        return await self.async_step_url()

    async def async_step_url(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Show the current URL; a new one is saved and the entry set up again."""
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is None:
            return self.async_abort(reason="entry_removed")
        errors: dict[str, str] = {}
        if user_input is not None:
            report_url = user_input[CONF_REPORT_URL].strip()
            if is_report_url(report_url):
                # Saving the data reloads the entry, which points the gateway there.
                self.hass.config_entries.async_update_entry(
                    entry,
                    data={
                        **entry.data,
                        CONF_REPORT_URL: report_url,
                        CONF_CONFIGURE_GATEWAY: True,
                    },
                )
                return self.async_create_entry(data={})
            errors[CONF_REPORT_URL] = "invalid_url"
        return self.async_show_form(
            step_id="url",
            data_schema=vol.Schema(
                {
                    vol.Required(
                        CONF_REPORT_URL, default=entry.data[CONF_REPORT_URL]
                    ): TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
                }
            ),
            errors=errors,
            description_placeholders={
                "gateway": entry.title,
                "address": report_address(entry.data[CONF_REPORT_URL]),
            },
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Create the fix flow of a "pushes missing" issue."""
    entry_id = str((data or {}).get("entry_id", ""))
    return ReportUrlRepairFlow(entry_id)
