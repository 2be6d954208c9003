"""The "SIM gateways" sidebar panel and the port grid card's module, in the frontend.

The frontend files (``frontend/``, plain ES modules) are served under ``STATIC_URL``,
registered once per run. The panel is in the sidebar (of administrators) while at least
one enabled gateway has the ``show_panel`` option on; the card's module is loaded on
every page while any gateway is enabled, so the card is in the dashboard's card picker.
Enabled, not loaded: a gateway's entry unloads for a moment whenever it reloads (an
option changed, a new password), and the panel stays open through that.
Module URLs carry the integration's version and a short hash of the file: a browser
does not keep using a module of an earlier release. The files are served without
long-lived cache headers, so that what the modules import is not stale either.

Without Home Assistant's frontend (which loads first, when it loads at all) there is
no panel and no card, only the files.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import hashlib
from pathlib import Path
from typing import Final

from homeassistant.components import frontend, panel_custom
from homeassistant.components.http import StaticPathConfig
from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.loader import async_get_integration
from homeassistant.util.hass_dict import HassKey

from .const import CONF_SHOW_PANEL, DEFAULT_SHOW_PANEL, DOMAIN, LOGGER

FRONTEND_DIR: Final = Path(__file__).parent / "frontend"
STATIC_URL: Final = "/ejoin_frontend"
PANEL_URL_PATH: Final = "ejoin"  # the panel's address: /ejoin
PANEL_COMPONENT: Final = "ejoin-panel"
PANEL_TITLE: Final = "SIM gateways"
PANEL_ICON: Final = "mdi:sim"
PANEL_MODULE: Final = "ejoin-panel.js"
CARD_MODULE: Final = "ejoin-card.js"


@dataclass
class _Frontend:
    """What this run serves: module URLs, and whether the panel and card are in."""

    urls: dict[str, str]  # module file name -> its versioned URL
    panel: bool = False
    card: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


DATA_FRONTEND: HassKey[_Frontend] = HassKey(f"{DOMAIN}_frontend")


async def async_setup_panel(hass: HomeAssistant) -> None:
    """Serve the frontend files, and follow the gateways to show the panel and card.

    Called by the integration's ``async_setup``: once in a run of Home Assistant.
    """
    integration = await async_get_integration(hass, DOMAIN)
    hashes = await hass.async_add_executor_job(
        _short_hashes, FRONTEND_DIR, (PANEL_MODULE, CARD_MODULE)
    )
    hass.data[DATA_FRONTEND] = _Frontend(
        urls={
            name: f"{STATIC_URL}/{name}?v={integration.version}-{short_hash}"
            for name, short_hash in hashes.items()
        }
    )
    await hass.http.async_register_static_paths(
        [StaticPathConfig(STATIC_URL, str(FRONTEND_DIR), cache_headers=False)]
    )

    @callback
    def entry_changed(_change: ConfigEntryChange, entry: ConfigEntry) -> None:
        if entry.domain == DOMAIN:
            hass.async_create_task(_async_show(hass), f"{DOMAIN} panel")

    # For the whole run, as the static path is.
    async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, entry_changed)


def _short_hashes(folder: Path, names: tuple[str, ...]) -> dict[str, str]:
    """Hash each file's content, shortly; a file that cannot be read is logged."""
    hashes: dict[str, str] = {}
    for name in names:
        try:
            content = (folder / name).read_bytes()
        except OSError as err:
            LOGGER.warning(
                "The frontend file %s cannot be read (%s): reinstall the integration "
                "to have its panel and card",
                name,
                err.strerror,
            )
            content = b""
        hashes[name] = hashlib.sha256(content).hexdigest()[:8]
    return hashes


async def _async_show(hass: HomeAssistant) -> None:
    """Add or remove the panel and the card's module, as the enabled gateways want."""
    shown = hass.data[DATA_FRONTEND]
    async with shown.lock:
        if frontend.DATA_EXTRA_MODULE_URL not in hass.data:
            return  # no frontend (or a stand-in of it): nothing shows them
        # Entries set up and enabled, loaded or not: a reload (which unloads the entry
        # for a moment) must not take the panel from under the user who has it open.
        wanted = hass.config_entries.async_entries(
            DOMAIN, include_ignore=False, include_disabled=False
        )
        panel = any(
            entry.options.get(CONF_SHOW_PANEL, DEFAULT_SHOW_PANEL) for entry in wanted
        )
        if panel and not shown.panel:
            await panel_custom.async_register_panel(
                hass,
                frontend_url_path=PANEL_URL_PATH,
                webcomponent_name=PANEL_COMPONENT,
                sidebar_title=PANEL_TITLE,
                sidebar_icon=PANEL_ICON,
                module_url=shown.urls[PANEL_MODULE],
                require_admin=True,
                config={},
            )
        elif shown.panel and not panel:
            frontend.async_remove_panel(hass, PANEL_URL_PATH)
        shown.panel = panel
        card = bool(wanted)
        if card and not shown.card:
            frontend.add_extra_js_url(hass, shown.urls[CARD_MODULE])
        elif shown.card and not card:
            frontend.remove_extra_js_url(hass, shown.urls[CARD_MODULE])
        shown.card = card
