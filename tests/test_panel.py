"""The "SIM gateways" panel and the port grid card's module, in Home Assistant's frontend.

The panel is in the sidebar, for administrators, while an enabled gateway has the
``show_panel`` option on (and stays through a reload); the card's module is loaded on
every page while a gateway is enabled; the frontend files are served, under URLs that change with each release.
The frontend is set up from an empty folder: its own files are not needed here.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.components.frontend import (
    DATA_EXTRA_MODULE_URL,
    EVENT_PANELS_UPDATED,
)
from homeassistant.config_entries import ConfigEntryDisabler
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.ejoin.const import CONF_SHOW_PANEL
from ejoin_simulator import Simulator

from .helpers import SECOND_MAC, entry_for, set_up_entry

FRONTEND = Path(__file__).resolve().parent.parent / "custom_components/ejoin/frontend"
VERSION = "0.2.0"


def url_of(name: str) -> str:
    """Return the URL a module is loaded from: the release and the file's hash."""
    digest = hashlib.sha256((FRONTEND / name).read_bytes()).hexdigest()[:8]
    return f"/ejoin_frontend/{name}?v={VERSION}-{digest}"


PANEL: dict[str, Any] = {
    "component_name": "custom",
    "icon": "mdi:sim",
    "title": "SIM gateways",
    "url_path": "ejoin",
    "require_admin": True,
    "config": {
        "_panel_custom": {
            "name": "ejoin-panel",
            "module_url": url_of("ejoin-panel.js"),
            "embed_iframe": False,
            "trust_external": False,
        }
    },
}


@pytest.fixture
async def frontend(hass: HomeAssistant, tmp_path: Path) -> None:
    """Set Home Assistant's frontend up before the gateways, as at start-up."""
    (tmp_path / "hass_frontend").mkdir()
    assert await async_setup_component(
        hass, "frontend", {"frontend": {"development_repo": str(tmp_path)}}
    )


@pytest.fixture
async def entry(
    frontend: None, hass: HomeAssistant, simulator: Simulator
) -> MockConfigEntry:
    """Set the gateway up, with the frontend there."""
    return await set_up_entry(hass, simulator, entry_for(simulator))


async def panels(ws_client: Any) -> dict[str, Any]:
    """Return the panels the frontend lists for the client's user."""
    await ws_client.send_json_auto_id({"type": "get_panels"})
    reply = await ws_client.receive_json()
    assert reply["success"], reply
    found: dict[str, Any] = reply["result"]
    return found


def our_panel(listed: dict[str, Any]) -> dict[str, Any] | None:
    """Return the SIM gateways panel as listed, only the fields both releases have."""
    panel = listed.get("ejoin")
    if panel is None:
        return None
    custom = panel["config"]["_panel_custom"]
    expected = PANEL["config"]["_panel_custom"]
    return {
        **{key: panel[key] for key in PANEL},
        "config": {"_panel_custom": {key: custom[key] for key in expected}},
    }


def card_loaded(hass: HomeAssistant) -> bool:
    """Whether every page loads the card's module."""
    return url_of("ejoin-card.js") in hass.data[DATA_EXTRA_MODULE_URL].urls


async def set_options(
    hass: HomeAssistant, entry: MockConfigEntry, **options: Any
) -> None:
    """Change an entry's options: it is set up again with them."""
    hass.config_entries.async_update_entry(entry, options={**entry.options, **options})
    await hass.async_block_till_done(wait_background_tasks=True)


async def disable(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Disable an entry, as its menu's "Disable" does."""
    assert await hass.config_entries.async_set_disabled_by(
        entry.entry_id, ConfigEntryDisabler.USER
    )
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_the_panel_is_in_the_administrators_sidebar(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    """Administrators see "SIM gateways"; other users do not."""
    admin = await hass_ws_client(hass)
    user = await hass_ws_client(hass, hass_read_only_access_token)

    assert our_panel(await panels(admin)) == PANEL
    assert our_panel(await panels(user)) is None


async def test_the_panel_follows_the_option_and_the_enabled_gateways(
    hass: HomeAssistant,
    simulator: Simulator,
    second: Simulator,
    entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Shown while one loaded gateway has it on, whatever the others say."""
    other = await set_up_entry(
        hass,
        second,
        entry_for(
            second,
            unique_id=SECOND_MAC,
            webhook_id="ejoin_second",
            options={CONF_SHOW_PANEL: False},
        ),
    )
    admin = await hass_ws_client(hass)
    assert our_panel(await panels(admin)) == PANEL

    await set_options(hass, entry, **{CONF_SHOW_PANEL: False})
    assert our_panel(await panels(admin)) is None
    await set_options(hass, other, **{CONF_SHOW_PANEL: True})
    assert our_panel(await panels(admin)) == PANEL
    await disable(hass, other)
    assert our_panel(await panels(admin)) is None
    await set_options(hass, entry, **{CONF_SHOW_PANEL: True})
    assert our_panel(await panels(admin)) == PANEL


async def test_the_card_is_loaded_while_a_gateway_is_enabled(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The card's module, on every page; without an enabled gateway, neither it nor the panel."""
    await set_options(hass, entry, **{CONF_SHOW_PANEL: False})
    assert card_loaded(hass)  # the card does not need the panel

    await disable(hass, entry)
    assert not card_loaded(hass)

    assert await hass.config_entries.async_set_disabled_by(entry.entry_id, None)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert card_loaded(hass)


async def test_a_reload_leaves_the_panel_and_the_card_in_place(
    hass: HomeAssistant, entry: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    """The entry unloads for a moment; the open panel must not vanish meanwhile."""
    admin = await hass_ws_client(hass)
    changed = async_capture_events(hass, EVENT_PANELS_UPDATED)

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert changed == []
    assert our_panel(await panels(admin)) == PANEL
    assert card_loaded(hass)


async def test_a_removed_gateway_takes_the_panel_and_the_card_with_it(
    hass: HomeAssistant, entry: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    """With no gateway left, the sidebar and the dashboards are as before."""
    admin = await hass_ws_client(hass)

    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert our_panel(await panels(admin)) is None
    assert not card_loaded(hass)


@pytest.mark.usefixtures("entry")
async def test_the_frontend_files_are_served_fresh(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """Each module, at its versioned URL, and what it imports; never cached for long."""
    client = await hass_client_no_auth()

    for url in (url_of("ejoin-panel.js"), url_of("ejoin-card.js")):
        response = await client.get(url)
        assert response.status == 200, url
        name = url.split("/")[-1].split("?")[0]
        assert await response.read() == (FRONTEND / name).read_bytes()
        assert "max-age" not in response.headers.get("Cache-Control", "")
    response = await client.get("/ejoin_frontend/ejoin-grid.js")
    assert response.status == 200
    assert (await client.get("/ejoin_frontend/nothing.js")).status == 404


async def test_a_missing_frontend_file_is_told_and_the_gateway_still_works(
    hass: HomeAssistant,
    frontend: None,
    simulator: Simulator,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A broken install: the log says so; the gateway and its entities still load."""
    empty = tmp_path / "no_files"
    empty.mkdir()
    caplog.set_level(logging.WARNING)

    with patch("custom_components.ejoin.panel.FRONTEND_DIR", empty):
        entry = await set_up_entry(hass, simulator, entry_for(simulator))

    assert entry.runtime_data.gateway.ports
    warned = [
        record.getMessage()
        for record in caplog.records
        if record.name == "custom_components.ejoin"
    ]
    assert warned == [
        f"The frontend file {name} cannot be read (No such file or directory): "
        "reinstall the integration to have its panel and card"
        for name in ("ejoin-panel.js", "ejoin-card.js")
    ]
