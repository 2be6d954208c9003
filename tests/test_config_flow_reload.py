"""Each change made through a flow sets the entry up again exactly once.

The entry's update listener reloads it when its options or data change; a flow that
also reloaded it would set it up twice: the gateway re-pointed twice, every entity
removed and added twice, and on Home Assistant 2026.10 a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

import custom_components.ejoin as integration
from custom_components.ejoin.const import (
    CONF_REPORT_PERIOD,
    CONF_REPORT_URL,
    DOMAIN,
)
from ejoin_simulator import Simulator

from .helpers import PASSWORD, config_entry_for, set_up_entry

NEW_PASSWORD = "n3w p@ss"
NEW_REPORT_URL = "http://192.168.1.20:8123/api/webhook/ejoin_test_webhook"
# What Home Assistant 2026.10 logs of a flow that reloads an entry with an update listener.
DOUBLE_RELOAD_WARNING = "should use it for scheduling a reload"


@pytest.fixture
async def configured(hass: HomeAssistant, simulator: Simulator) -> MockConfigEntry:
    """Set the gateway up as the config flow leaves it."""
    return await set_up_entry(hass, simulator, config_entry_for(simulator))


@pytest.fixture
def set_ups() -> Iterator[AsyncMock]:
    """Count the set-ups of entries from now on (they still run)."""
    with patch.object(
        integration, "async_setup_entry", wraps=integration.async_setup_entry
    ) as counted:
        yield counted


def state_of(entry: MockConfigEntry) -> ConfigEntryState:
    """Return an entry's state now (a call, so type checkers do not keep an old one)."""
    state: ConfigEntryState = entry.state
    return state


async def reauthenticate(
    hass: HomeAssistant, entry: MockConfigEntry, password: str
) -> str:
    """Go through re-authentication with this password; return how it ended."""
    form = await entry.start_reauth_flow(hass)
    assert form["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {CONF_USERNAME: "root", CONF_PASSWORD: password}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    return str(result["reason"])


@pytest.mark.parametrize(
    "password",
    [NEW_PASSWORD, PASSWORD],
    ids=["new_password", "same_password"],
)
async def test_reauth_of_a_set_up_entry_sets_it_up_once(
    hass: HomeAssistant,
    simulator: Simulator,
    configured: MockConfigEntry,
    set_ups: AsyncMock,
    caplog: pytest.LogCaptureFixture,
    password: str,
) -> None:
    """Credentials asked for while the entry runs: one set-up with them.

    Changed credentials reload the entry through its update listener; the same ones
    (the gateway refused them for a while) change nothing, so the flow reloads it.
    """
    simulator.password = password

    assert await reauthenticate(hass, configured, password) == "reauth_successful"

    assert set_ups.await_count == 1
    assert state_of(configured) is ConfigEntryState.LOADED
    assert configured.data[CONF_PASSWORD] == password
    assert DOUBLE_RELOAD_WARNING not in caplog.text


async def test_reauth_of_an_entry_that_failed_sets_it_up_once(
    hass: HomeAssistant, simulator: Simulator, set_ups: AsyncMock
) -> None:
    """An entry whose set-up the gateway refused (no listener yet) is set up once."""
    simulator.password = NEW_PASSWORD
    entry = config_entry_for(simulator)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert state_of(entry) is ConfigEntryState.SETUP_ERROR
    set_ups.reset_mock()

    assert await reauthenticate(hass, entry, NEW_PASSWORD) == "reauth_successful"

    assert set_ups.await_count == 1
    assert state_of(entry) is ConfigEntryState.LOADED


async def test_reconfigure_sets_the_entry_up_once(
    hass: HomeAssistant,
    simulator: Simulator,
    configured: MockConfigEntry,
    set_ups: AsyncMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A new report URL: the entry is set up once, and the gateway pointed there once."""
    simulator.request_log.clear()
    form = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": configured.entry_id}
    )

    result = await hass.config_entries.flow.async_configure(
        form["flow_id"],
        {
            CONF_HOST: simulator.host,
            CONF_PORT: simulator.port,
            CONF_USERNAME: "root",
            CONF_REPORT_URL: NEW_REPORT_URL,
        },
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert set_ups.await_count == 1
    assert state_of(configured) is ConfigEntryState.LOADED
    assert simulator.gateway.report_url == NEW_REPORT_URL
    pointed = [
        request
        for request in simulator.request_log
        if request.path == "/goip_get_status.html" and "url=" in request.raw_query
    ]
    assert len(pointed) == 1
    assert DOUBLE_RELOAD_WARNING not in caplog.text


async def test_new_options_set_the_entry_up_once(
    hass: HomeAssistant,
    simulator: Simulator,
    configured: MockConfigEntry,
    set_ups: AsyncMock,
) -> None:
    """Changed options reload the entry once, through its update listener."""
    form = await hass.config_entries.options.async_init(configured.entry_id)
    options = {
        str(key): key.default()
        for key in form["data_schema"].schema
        if callable(key.default)
    }

    result = await hass.config_entries.options.async_configure(
        form["flow_id"], {**options, CONF_REPORT_PERIOD: 120}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert set_ups.await_count == 1
    assert state_of(configured) is ConfigEntryState.LOADED
    assert simulator.gateway.report_period == 120
