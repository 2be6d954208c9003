"""Tests of an entry's life: silence and return, polling, repairs, removal, old ports.

Time moves with ``freezer`` and ``async_fire_time_changed``: the report watch runs once
per report period (60 s here), so each step below is one period.
"""

from __future__ import annotations

from datetime import timedelta
from ipaddress import ip_address
import logging
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.ejoin.const import CONF_LOCAL_ONLY, CONF_REPORT_URL, DOMAIN
from ejoin_simulator import Gateway, Simulator

from .helpers import (
    FIRMWARE,
    GATEWAY_MAC,
    GATEWAY_MAC_DASHED,
    PASSWORD,
    WEBHOOK_ID,
    dev_status,
    entry_for,
    gateway_device,
    integration_states,
    port_device,
    port_report,
    post,
    sent,
    set_up_entry,
)

PERIOD = 60  # the report period of the test entries
UNREACHABLE = "http://127.0.0.1:9"  # nothing listens on the discard port
SILENT = "has not been heard"
BACK = "is reporting again"
STATUS = "sensor.port_1_status"
SIGNAL = "sensor.port_1_signal_strength"
REBOOT = "button.ejoin_127_0_0_1_reboot"


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, periods: int = 1
) -> None:
    """Let report periods pass, one at a time, with everything they start finished."""
    for _ in range(periods):
        freezer.tick(timedelta(seconds=PERIOD))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)


# Read from the proxy firmware on their own schedule, so they fail with those reads.
POLLED = ("_public_ip", "_data_received", "_data_sent")


def reported(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """Return the entry's entities that show what the gateway reports."""
    return {
        entity_id
        for entity_id in integration_states(hass, entry)
        if not entity_id.endswith(POLLED)
    }


def unavailable(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """Return the entry's entities that show what the gateway reports, if unavailable."""
    return {
        entity_id
        for entity_id in reported(hass, entry)
        if hass.states.get(entity_id).state == STATE_UNAVAILABLE
    }


def messages(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    """Return the integration's log lines that contain ``text``."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.ejoin") and text in record.message
    ]


def issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Return the entry's "pushes missing" repair issue, if it is raised."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"pushes_missing_{entry.entry_id}"
    )


def status_reads(simulator: Simulator) -> list[list[tuple[str, str]]]:
    """Return the query (without credentials) of each status read the gateway got."""
    return [
        query
        for _, path, query, _ in sent(simulator)
        if path == "/goip_get_status.html"
    ]


# --- availability -------------------------------------------------------------------


async def test_a_silent_gateway_becomes_unavailable_and_returns(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Three report periods without a word: every entity unavailable, one line each way.

    The gateway says `"expires": 60000` (the vendor's own example, which would be
    more than 16 hours in seconds): that does not make it look alive any longer.
    """
    everything = reported(hass, entry)
    assert entry.runtime_data.gateway.expires == 60000  # from the set-up's status read
    simulator.offline = True

    await advance(hass, freezer, 2)  # 120 s
    freezer.tick(timedelta(seconds=PERIOD - 1))  # 179 s
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert unavailable(hass, entry) == set()
    assert messages(caplog, SILENT) == []

    freezer.tick(timedelta(seconds=1))  # 180 s: three periods since the set-up
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert unavailable(hass, entry) == everything
    assert {STATUS, SIGNAL, REBOOT} <= everything
    assert messages(caplog, SILENT) == [
        (
            f"Gateway {GATEWAY_MAC} has not been heard for 180 s; its entities are "
            "unavailable"
        )
    ]
    freezer.tick(timedelta(seconds=PERIOD - 1))  # back in step with the periods
    assert issue(hass, entry) is None  # the gateway is gone, not its pushes

    await advance(hass, freezer, 5)
    assert len(messages(caplog, SILENT)) == 1  # said once, not every period

    # The gateway answers again: the next status read brings everything back.
    simulator.offline = False
    await advance(hass, freezer)
    assert unavailable(hass, entry) == set()
    assert hass.states.get(STATUS).state == "registered"
    assert messages(caplog, BACK) == [f"Gateway {GATEWAY_MAC} is reporting again"]


async def test_a_push_brings_a_silent_gateway_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A report pushed by a gateway that was gone makes its entities available at once."""
    simulator.offline = True
    await advance(hass, freezer, 10)
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE

    assert (await post(hass, client, port_report(simulator, 2)))[0] == 200

    assert unavailable(hass, entry) == set()
    assert hass.states.get(STATUS).state == "registered"
    assert len(messages(caplog, BACK)) == 1


@pytest.mark.parametrize("expires", [60000, 600, 180, -1, 0])
async def test_silence_is_judged_by_the_report_period_whatever_expires_says(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
    expires: int,
) -> None:
    """Whatever `expires` a gateway announces, three periods of silence are enough.

    Its unit is doubtful (the vendor's example says 60000, its table 180 s), so it never
    stretches how long a silent gateway counts as available.
    """
    await advance(hass, freezer)  # 60 s after the set-up, a report comes
    report = {**dev_status(simulator), "expires": expires}
    assert (await post(hass, client, report))[0] == 200
    simulator.offline = True

    await advance(hass, freezer, 2)  # 180 s: two periods of silence
    assert hass.states.get(STATUS).state == "registered"
    await advance(hass, freezer)  # 240 s: three periods since the report
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE


# --- reading the status while pushes are missing ---------------------------------------


async def test_missing_pushes_are_made_up_by_reading_the_status(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    entry: MockConfigEntry,
) -> None:
    """Without pushes the status is read every period, so the entities stay fresh."""
    await advance(hass, freezer)  # 60 s: a push could still come
    assert status_reads(simulator) == []

    simulator.gateway.ports[1].sim.signal = 7
    await advance(hass, freezer)  # 120 s: more than a period and a half
    # The entry was set up with the gateway left alone, so the read changes nothing.
    assert status_reads(simulator) == [[]]
    assert hass.states.get(SIGNAL).state == "-99"  # dBm, from 7 of 31

    await advance(hass, freezer, 10)
    assert len(status_reads(simulator)) == 11
    assert unavailable(hass, entry) == set()


async def test_reading_the_status_points_a_forgetful_gateway_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    live: MockConfigEntry,
) -> None:
    """A gateway that lost its report URL is given it again with the next status read."""
    report_url = live.data[CONF_REPORT_URL]
    assert simulator.gateway.report_url == report_url
    # As after a factory reset: the gateway no longer pushes anywhere.
    simulator.gateway.report_url = None
    simulator.gateway.report_period = 0
    simulator._restart_period()  # its periodic push stops

    await advance(hass, freezer, 2)

    assert status_reads(simulator) == [
        [("url", report_url), ("period", "60"), ("all_sims", "0")]
    ]
    assert (simulator.gateway.report_url, simulator.gateway.report_period) == (
        report_url,
        60,
    )
    assert unavailable(hass, live) == set()


async def test_rejected_credentials_on_a_status_read_ask_for_new_ones(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A password changed on the gateway starts re-authentication, not a stream of errors."""
    simulator.password = "changed on the gateway"

    await advance(hass, freezer, 2)

    flows = entry.async_get_active_flows(hass, {SOURCE_REAUTH})
    assert len(list(flows)) == 1
    assert messages(caplog, "rejected the credentials") == [
        f"Gateway {GATEWAY_MAC} rejected the credentials; asking for new ones"
    ]
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)


# --- the repair issue ---------------------------------------------------------------


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
    assert issue(hass, unreachable) is None

    await advance(hass, freezer)
    raised = issue(hass, unreachable)
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
    assert issue(hass, unreachable) is None


async def test_the_repair_flow_points_the_gateway_at_another_url(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    client: TestClient,
    unreachable: MockConfigEntry,
) -> None:
    """Fixing the issue saves a reachable URL, re-points the gateway, and clears it."""
    await advance(hass, freezer, 4)
    assert issue(hass, unreachable) is not None
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
    assert issue(hass, unreachable) is None


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
    assert issue(hass, unreachable) is None

    result = await flows.async_configure(
        result["flow_id"], {CONF_REPORT_URL: f"{UNREACHABLE}/x"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_removed"


# --- options: local-only webhook ----------------------------------------------------


@pytest.mark.parametrize(("local_only", "applied"), [(True, False), (False, True)])
async def test_reports_from_outside_the_network_only_when_allowed(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    local_only: bool,
    applied: bool,
) -> None:
    """The webhook takes reports from outside the local network only if turned off."""
    entry = await set_up_entry(
        hass, simulator, entry_for(simulator, options={CONF_LOCAL_ONLY: local_only})
    )
    with patch(
        "homeassistant.components.webhook.ip_address",
        return_value=ip_address("203.0.113.7"),
    ):
        status, _ = await post(
            hass, client, port_report(simulator, 1, status="4", st=4)
        )

    assert status == 200  # Home Assistant does not tell outsiders what it refused
    assert (hass.states.get(STATUS).state != "registered") is applied
    assert entry.state is ConfigEntryState.LOADED


# --- removal ------------------------------------------------------------------------


async def test_removing_the_entry_stops_the_gateways_reports(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """After removal the gateway pushes nothing more to Home Assistant."""
    assert simulator.gateway.report_url is not None
    assert simulator.gateway.sms_url is not None

    assert await hass.config_entries.async_remove(live.entry_id)
    await hass.async_block_till_done()

    assert (simulator.gateway.report_url, simulator.gateway.report_period) == (None, 0)
    assert simulator.gateway.sms_url is None
    assert status_reads(simulator)[-1] == [("url", ""), ("period", "0")]


async def test_removing_an_entry_of_a_gateway_set_up_by_hand_leaves_it_alone(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """The user pointed the gateway themselves: removal sends it nothing."""
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert sent(simulator) == []


async def test_removal_succeeds_when_the_gateway_is_gone(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A gateway that does not answer does not keep the entry; the log says what to do."""
    simulator.offline = True

    assert await hass.config_entries.async_remove(live.entry_id)
    await hass.async_block_till_done()

    assert hass.config_entries.async_get_entry(live.entry_id) is None
    assert [
        message
        for message in messages(caplog, "stop reporting")
        if message.startswith(
            "Could not tell gateway Ejoin 127.0.0.1 to stop reporting to Home Assistant"
        )
        and message.endswith("clear its report and SMS URLs in its web interface")
    ]
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)


# --- ports that disappear -----------------------------------------------------------


async def test_ports_that_disappeared_can_be_removed(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    """A smaller gateway's old port devices can be deleted; its live ones cannot."""
    assert await async_setup_component(hass, "config", {})
    # The gateway comes back from a module swap with 4 ports instead of 8.
    simulator.gateway = Gateway.create(
        ports=4, slots=4, mac=GATEWAY_MAC_DASHED, firmware=FIRMWARE
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    registry = dr.async_get(hass)
    websocket = await hass_ws_client(hass)

    async def remove(device_id: str) -> dict[str, Any]:
        await websocket.send_json_auto_id(
            {
                "type": "config/device_registry/remove_config_entry",
                "config_entry_id": entry.entry_id,
                "device_id": device_id,
            }
        )
        answer: dict[str, Any] = await websocket.receive_json()
        return answer

    old_port = port_device(hass, 8)
    assert (await remove(old_port))["success"]
    assert registry.async_get(old_port) is None

    for kept in (port_device(hass, 4), gateway_device(hass)):
        answer = await remove(kept)
        assert not answer["success"]
        assert registry.async_get(kept) is not None


async def test_logs_name_the_gateway_but_never_the_password(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Going silent and coming back is logged at the right levels, without secrets."""
    caplog.set_level(logging.DEBUG, logger="custom_components.ejoin")
    simulator.offline = True
    await advance(hass, freezer, 10)
    simulator.offline = False
    await advance(hass, freezer)

    levels = {
        record.levelname
        for record in caplog.records
        if SILENT in record.getMessage() or BACK in record.getMessage()
    }
    assert levels == {"WARNING", "INFO"}
    assert any(record.levelname == "DEBUG" for record in caplog.records)
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)


async def test_a_gateway_back_and_silent_again_is_unavailable_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    entry: MockConfigEntry,
) -> None:
    """After it came back, a gateway that falls silent again is said gone on time.

    Three periods after its last word, as the first time.
    """
    simulator.offline = True
    await advance(hass, freezer, 3)  # 180 s: gone
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE
    simulator.offline = False
    await advance(hass, freezer)  # 240 s: the status read brings it back
    assert hass.states.get(STATUS).state == "registered"

    simulator.offline = True
    await advance(hass, freezer, 2)  # 360 s: two periods after its last word
    assert hass.states.get(STATUS).state == "registered"
    await advance(hass, freezer)  # 420 s: three periods after it
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE
