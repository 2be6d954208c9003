"""The repair issue of a gateway whose pushes cannot arrive, and the flow that fixes it."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.const import CONF_REPORT_URL, DOMAIN
from ejoin_simulator import Simulator

from .helpers import (
    WEBHOOK_ID,
    advance,
    entry_for,
    port_report,
    post,
    pushes_missing_issue,
    set_up_entry,
    unavailable,
)

UNREACHABLE = "http://127.0.0.1:9"  # nothing listens on the discard port


@pytest.fixture
async def unreachable(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> MockConfigEntry:
    """Set up an entry whose report URL the gateway cannot reach."""
    assert await async_setup_component(hass, "repairs", {})
    entry = entry_for(simulator, client=client)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry,
        data={
            **entry.data,
            CONF_REPORT_URL: f"{UNREACHABLE}/api/webhook/{WEBHOOK_ID}",
        },
    )
    return await set_up_entry(hass, simulator, entry)


async def test_a_repair_issue_says_when_pushes_cannot_arrive(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    client: TestClient,
    unreachable: MockConfigEntry,
) -> None:
    """The gateway answers but its pushes never come: a repair issue, gone with a push."""
    await advance(hass, freezer, 3)  # three times the gateway's expires (60 s)
    assert pushes_missing_issue(hass, unreachable) is None

    await advance(hass, freezer)
    raised = pushes_missing_issue(hass, unreachable)
    assert raised is not None
    assert raised.is_fixable
    assert raised.severity is ir.IssueSeverity.WARNING
    assert raised.translation_key == "pushes_missing"
    # Only the address: the path holds the webhook id, which must stay secret.
    assert raised.translation_placeholders == {
        "gateway": "Ejoin 127.0.0.1",
        "address": UNREACHABLE,
    }
    assert unavailable(hass, unreachable) == set()  # the status reads keep them fresh

    # A push arrives after all (say, the network was fixed): the issue goes away.
    assert (await post(hass, client, port_report(simulator, 1)))[0] == 200
    assert pushes_missing_issue(hass, unreachable) is None

    # The pushes stop again: the issue comes back, and goes with the next push again.
    await advance(hass, freezer, 4)
    assert pushes_missing_issue(hass, unreachable) is not None
    assert (await post(hass, client, port_report(simulator, 1)))[0] == 200
    assert pushes_missing_issue(hass, unreachable) is None


async def test_no_repair_issue_when_the_gateway_stops_answering(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    unreachable: MockConfigEntry,
) -> None:
    """A gateway that answered once and then went silent makes no case for the issue.

    Its pushes are missing because it is gone, not because they cannot reach Home
    Assistant: a new report URL would not help, and the entities say it is unavailable.
    """
    await advance(hass, freezer, 2)  # the status is read: the gateway answers
    simulator.offline = True

    await advance(hass, freezer, 3)

    assert pushes_missing_issue(hass, unreachable) is None
    assert unavailable(hass, unreachable) != set()


async def test_the_repair_flow_points_the_gateway_at_another_url(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    client: TestClient,
    unreachable: MockConfigEntry,
) -> None:
    """Fixing the issue saves a reachable URL, re-points the gateway, and clears it."""
    await advance(hass, freezer, 4)
    assert pushes_missing_issue(hass, unreachable) is not None
    flows = hass.data["repairs"]["flow_manager"]

    result: Any = await flows.async_init(
        DOMAIN, data={"issue_id": f"pushes_missing_{unreachable.entry_id}"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "url"
    assert result["description_placeholders"] == {
        "gateway": "Ejoin 127.0.0.1",
        "address": UNREACHABLE,
    }
    result = await flows.async_configure(
        result["flow_id"], {CONF_REPORT_URL: "not a url"}
    )
    assert result["errors"] == {CONF_REPORT_URL: "invalid_url"}

    reachable = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    result = await flows.async_configure(
        result["flow_id"], {CONF_REPORT_URL: f" {reachable} "}
    )
    await hass.async_block_till_done(wait_background_tasks=True)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert unreachable.data[CONF_REPORT_URL] == reachable
    assert unreachable.state is ConfigEntryState.LOADED
    assert simulator.gateway.report_url == reachable
    assert pushes_missing_issue(hass, unreachable) is None


async def test_the_repair_flow_of_a_removed_entry_ends(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    unreachable: MockConfigEntry,
) -> None:
    """An issue whose entry is gone cannot be fixed; the flow says so and stops."""
    await advance(hass, freezer, 4)
    flows = hass.data["repairs"]["flow_manager"]
    result: Any = await flows.async_init(
        DOMAIN, data={"issue_id": f"pushes_missing_{unreachable.entry_id}"}
    )
    assert await hass.config_entries.async_remove(unreachable.entry_id)
    await hass.async_block_till_done()
    assert pushes_missing_issue(hass, unreachable) is None

    result = await flows.async_configure(
        result["flow_id"], {CONF_REPORT_URL: f"{UNREACHABLE}/x"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_removed"
