"""Add an Ejoin gateway from the UI: log in, then choose where it reports to."""

from __future__ import annotations

from collections.abc import Mapping
from string import hexdigits
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import DOMAIN as HOMEASSISTANT_DOMAIN, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.network import NoURLAvailableError
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

from .connection import client_for
from .const import (
    CONF_ALL_SIMS,
    CONF_CONFIGURE_GATEWAY,
    CONF_REPORT_PERIOD,
    CONF_REPORT_URL,
    CONF_WEBHOOK_ID,
    DEFAULT_PORT,
    DEFAULT_REPORT_PERIOD,
    DOMAIN,
    LOGGER,
    MIN_REPORT_PERIOD,
)
from .options_flow import EjoinOptionsFlow
from .pyejoin import DeviceStatusReport, EjoinAuthenticationError, EjoinError
from .report_url import is_report_url
from .runtime import EjoinConfigEntry

USER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): TextSelector(),
        vol.Required(CONF_PORT, default=DEFAULT_PORT): NumberSelector(
            NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX)
        ),
        vol.Required(CONF_USERNAME, default="root"): TextSelector(),
        vol.Required(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        ),
    }
)


def report_schema(default_url: str) -> vol.Schema:
    """Ask where the gateway posts its reports, and how."""
    return vol.Schema(
        {
            vol.Required(CONF_REPORT_URL, default=default_url): TextSelector(
                TextSelectorConfig(type=TextSelectorType.URL)
            ),
            vol.Required(CONF_CONFIGURE_GATEWAY, default=True): BooleanSelector(),
            vol.Required(
                CONF_REPORT_PERIOD, default=DEFAULT_REPORT_PERIOD
            ): NumberSelector(
                NumberSelectorConfig(
                    min=MIN_REPORT_PERIOD,
                    max=3600,
                    step=1,
                    unit_of_measurement="s",
                    mode=NumberSelectorMode.BOX,
                )
            ),
            vol.Required(CONF_ALL_SIMS, default=False): BooleanSelector(),
        }
    )


REAUTH_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_USERNAME): TextSelector(),
        vol.Required(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        ),
    }
)

RECONFIGURE_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): TextSelector(),
        vol.Required(CONF_PORT): NumberSelector(
            NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX)
        ),
        vol.Required(CONF_USERNAME): TextSelector(),
        # Left empty, the password stays as it is.
        vol.Optional(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        ),
        vol.Required(CONF_REPORT_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
    }
)


def gateway_title(status: DeviceStatusReport) -> str:
    """Name a gateway by size and its MAC's end (on its label): "Ejoin 32-port 9ABC"."""
    tail = "".join(c for c in status.mac or "" if c in hexdigits)[-4:].upper()
    ports = status.max_ports or len(status.ports)
    return f"Ejoin {ports}-port {tail}" if ports else f"Ejoin {tail}"


class EjoinConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up an Ejoin gateway."""

    VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: EjoinConfigEntry) -> EjoinOptionsFlow:
        """Offer the options of an entry."""
        return EjoinOptionsFlow()

    def __init__(self) -> None:
        """Start with nothing known."""
        self._login: dict[str, Any] = {}
        self._status: DeviceStatusReport | None = None
        self._title = "Ejoin"
        self._webhook_id = webhook.async_generate_id()

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how to reach and log in to the gateway, and check that it answers."""
        errors: dict[str, str] = {}
        if user_input is not None:
            login = {**user_input, CONF_PORT: int(user_input[CONF_PORT])}
            login[CONF_HOST] = login[CONF_HOST].strip()
            status = await self._try_status(login, errors)
            if status is not None:
                await self.async_set_unique_id(format_mac(status.mac or ""))
                self._abort_if_unique_id_configured(
                    updates={CONF_HOST: login[CONF_HOST], CONF_PORT: login[CONF_PORT]}
                )
                self._login = login
                self._status = status
                self._title = gateway_title(status)
                return await self.async_step_report()
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                USER_SCHEMA,
                {k: v for k, v in (user_input or {}).items() if k != CONF_PASSWORD},
            ),
            errors=errors,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Ask for new credentials: the gateway rejected the stored ones."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check the new credentials on the same gateway, then set it up again."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            login = {**entry.data, **user_input}
            status = await self._try_status(login, errors)
            if status is not None:
                await self.async_set_unique_id(format_mac(status.mac or ""))
                self._abort_if_unique_id_mismatch(reason="wrong_gateway")
                return self._update_and_reload(entry, user_input)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(
                REAUTH_SCHEMA,
                {CONF_USERNAME: (user_input or entry.data)[CONF_USERNAME]},
            ),
            errors=errors,
            description_placeholders={"gateway": entry.title},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change address, credentials or report URL; devices and entities stay."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            changes = {
                CONF_HOST: user_input[CONF_HOST].strip(),
                CONF_PORT: int(user_input[CONF_PORT]),
                CONF_USERNAME: user_input[CONF_USERNAME],
                CONF_REPORT_URL: user_input[CONF_REPORT_URL].strip(),
            }
            if user_input.get(CONF_PASSWORD):
                changes[CONF_PASSWORD] = user_input[CONF_PASSWORD]
            if not is_report_url(changes[CONF_REPORT_URL]):
                errors[CONF_REPORT_URL] = "invalid_url"
            elif (
                status := await self._try_status({**entry.data, **changes}, errors)
            ) is not None:
                await self.async_set_unique_id(format_mac(status.mac or ""))
                self._abort_if_unique_id_mismatch(reason="wrong_gateway")
                self._settle_reauth(entry)
                return self._update_and_reload(entry, changes)
        current = {k: v for k, v in entry.data.items() if k != CONF_PASSWORD}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                RECONFIGURE_SCHEMA,
                {
                    **current,
                    **{
                        k: v
                        for k, v in (user_input or {}).items()
                        if k != CONF_PASSWORD
                    },
                },
            ),
            errors=errors,
        )

    @callback
    def _update_and_reload(
        self, entry: EjoinConfigEntry, changes: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Save the checked settings and set the entry up again with them, once.

        A set-up entry's update listener (``__init__.py``) reloads it when its data
        changes, so ``async_update_reload_and_abort`` would reload it twice (2026.10
        warns of it). An entry not set up, or whose data did not change, reloads here.
        """
        entries = self.hass.config_entries
        # Read first: the reload the listener starts at once unloads it with the entry.
        listened = bool(entry.update_listeners)
        changed = entries.async_update_entry(entry, data={**entry.data, **changes})
        if not (changed and listened):
            entries.async_schedule_reload(entry.entry_id)
        if self.source == SOURCE_RECONFIGURE:
            return self.async_abort(reason="reconfigure_successful")
        return self.async_abort(reason="reauth_successful")

    @callback
    def _settle_reauth(self, entry: EjoinConfigEntry) -> None:
        """End a pending request for credentials: reconfigure has just checked them."""
        for flow in entry.async_get_active_flows(self.hass, {SOURCE_REAUTH}):
            self.hass.config_entries.flow.async_abort(flow["flow_id"])
            # Newer Home Assistant removes the notice with the flow; 2025.4 does not.
            ir.async_delete_issue(
                self.hass,
                HOMEASSISTANT_DOMAIN,
                f"config_entry_reauth_{DOMAIN}_{entry.entry_id}",
            )

    async def _try_status(
        self, login: Mapping[str, Any], errors: dict[str, str]
    ) -> DeviceStatusReport | None:
        """Read the gateway's status; on failure say why in ``errors``."""
        try:
            status = await self._read_status(login)
        except EjoinAuthenticationError:
            errors["base"] = "invalid_auth"
        except EjoinError:
            errors["base"] = "cannot_connect"
        except Exception:  # noqa: BLE001 - the form must say something, whatever happened
            LOGGER.exception("Unexpected error while contacting the gateway")
            errors["base"] = "unknown"
        else:
            if format_mac(status.mac or ""):
                return status
            errors["base"] = "not_a_gateway"
        return None

    async def async_step_report(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask where the gateway posts its reports, and whether to tell it so now."""
        errors: dict[str, str] = {}
        if user_input is not None:
            report_url = user_input[CONF_REPORT_URL].strip()
            if is_report_url(report_url):
                return self.async_create_entry(
                    title=self._title,
                    data={
                        **self._login,
                        CONF_WEBHOOK_ID: self._webhook_id,
                        CONF_REPORT_URL: report_url,
                        CONF_CONFIGURE_GATEWAY: user_input[CONF_CONFIGURE_GATEWAY],
                    },
                    options={
                        CONF_REPORT_PERIOD: int(user_input[CONF_REPORT_PERIOD]),
                        CONF_ALL_SIMS: user_input[CONF_ALL_SIMS],
                    },
                )
            errors[CONF_REPORT_URL] = "invalid_url"
        try:
            default_url = webhook.async_generate_url(
                self.hass,
                self._webhook_id,
                allow_external=False,
                allow_ip=True,
                prefer_external=False,
            )
        except NoURLAvailableError:
            default_url = ""
        status = self._status
        ports = "" if status is None else str(status.max_ports or len(status.ports))
        return self.async_show_form(
            step_id="report",
            data_schema=self.add_suggested_values_to_schema(
                report_schema(default_url), user_input
            ),
            errors=errors,
            description_placeholders={
                "mac": self.unique_id or "",
                "ports": ports,
                "webhook_path": webhook.async_generate_path(self._webhook_id),
            },
        )

    async def _read_status(self, login: Mapping[str, Any]) -> DeviceStatusReport:
        """Read the gateway's status without changing anything on it."""
        return await client_for(self.hass, login).get_status()
