"""Re-authentication and reconfiguration: new credentials or a new address, same gateway.

Every flow runs end to end against the simulated gateway: the flow logs in to it, the
entry is set up again, and the gateway receives the requests with the new settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.ejoin.config_flow import REAUTH_SCHEMA, RECONFIGURE_SCHEMA
from custom_components.ejoin.const import CONF_REPORT_URL, DOMAIN
from ejoin_simulator import Gateway, Simulator
from ejoin_simulator.server import RecordedRequest

from .helpers import (
    FIRMWARE,
    GATEWAY_MAC,
    GATEWAY_MAC_DASHED,
    PASSWORD,
    config_entry_for,
    running,
    set_up_entry,
)

NEW_PASSWORD = "n3w p@ss/word?&=#"
REJECTED = "wr0ng p@ss&word"
OTHER_MAC = "00:30:f1:0a:0b:0c"
NEW_REPORT_URL = "http://192.168.1.20:8123/api/webhook/ejoin_test_webhook"
SECRETS = (PASSWORD, NEW_PASSWORD, REJECTED)
INTEGRATION = Path(__file__).resolve().parent.parent / "custom_components" / DOMAIN


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
async def configured(hass: HomeAssistant, simulator: Simulator) -> MockConfigEntry:
    """Set the gateway up as the config flow leaves it: the gateway is pointed at HA."""
    return await set_up_entry(hass, simulator, config_entry_for(simulator))


@pytest.fixture
async def moved(socket_enabled: None) -> AsyncIterator[Simulator]:
    """Run the same gateway (same MAC) at another port: the gateway got a new address."""
    gateway = Gateway.create(
        ports=8, slots=4, mac=GATEWAY_MAC_DASHED, firmware=FIRMWARE
    )
    async with running(gateway) as started:
        yield started


@pytest.fixture
async def other(socket_enabled: None) -> AsyncIterator[Simulator]:
    """Run another gateway, with another MAC address."""
    gateway = Gateway.create(
        ports=4, slots=1, mac=OTHER_MAC.replace(":", "-"), firmware=FIRMWARE, seed=2
    )
    async with running(gateway) as started:
        yield started


# --- helpers -----------------------------------------------------------------------------


def suggested_values(result: ConfigFlowResult) -> dict[str, Any]:
    """Return the suggested value of every field of a form that has one."""
    schema = result["data_schema"]
    assert isinstance(schema, vol.Schema)
    return {
        str(key): key.description["suggested_value"]
        for key in schema.schema
        if key.description and "suggested_value" in key.description
    }


def reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """Return the ids of the re-authentication flows in progress for an entry."""
    return [
        flow["flow_id"]
        for flow in hass.config_entries.flow.async_progress_by_handler(
            DOMAIN, match_context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}
        )
    ]


async def reauth_form(hass: HomeAssistant, entry: MockConfigEntry) -> ConfigFlowResult:
    """Open the one re-authentication flow in progress for the entry, as the UI does."""
    [flow_id] = reauth_flows(hass, entry)
    result = await hass.config_entries.flow.async_configure(flow_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {}
    return result


async def reconfigure_form(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ConfigFlowResult:
    """Start reconfiguring the entry, as the entry's menu does."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {}
    return result


def reconfiguration(simulator: Simulator, **changes: Any) -> dict[str, Any]:
    """Return what a user types to point the entry at a gateway (no password: kept)."""
    return {
        CONF_HOST: simulator.host,
        CONF_PORT: simulator.port,
        CONF_USERNAME: "root",
        CONF_REPORT_URL: NEW_REPORT_URL,
        **changes,
    }


def query_of(request: RecordedRequest) -> dict[str, str]:
    """Return the decoded query parameters of a request the gateway received."""
    return dict(parse_qsl(request.raw_query, keep_blank_values=True))


def passwords_used(simulator: Simulator) -> set[str]:
    """Return every password the gateway was sent since its log was last cleared."""
    return {query_of(request)["password"] for request in simulator.request_log}


def status_reads(simulator: Simulator) -> list[dict[str, str]]:
    """Return the queries of the status reads the gateway received."""
    return [
        query_of(request)
        for request in simulator.request_log
        if request.path == "/goip_get_status.html"
    ]


def assert_no_secret(texts: Iterable[object], caplog: pytest.LogCaptureFixture) -> None:
    """No password, in any form a URL may carry it, is shown in a flow or logged."""
    shown = [repr(text) for text in texts]
    assert caplog.records  # the flows and set-ups did log: the check is not empty
    logged = [caplog.text, *(record.getMessage() for record in caplog.records)]
    for secret in SECRETS:
        for form in (secret, quote(secret, safe=""), quote(secret), quote_plus(secret)):
            for text in (*shown, *logged):
                assert form not in text


def state_of(entry: MockConfigEntry) -> ConfigEntryState:
    """Return an entry's state now (a call, so type checkers do not keep an old one)."""
    state: ConfigEntryState = entry.state
    return state


def assert_aborted(result: ConfigFlowResult, reason: str) -> None:
    """Check that a flow ended with this reason."""
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


def assert_form_error(
    result: ConfigFlowResult, step_id: str, errors: dict[str, str]
) -> None:
    """Check that a flow shows its form again, with these errors."""
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step_id
    assert result["errors"] == errors


def registry_snapshot(
    hass: HomeAssistant, entry: MockConfigEntry
) -> tuple[
    dict[frozenset[tuple[str, str]], str], dict[str, tuple[str, str, str | None]]
]:
    """Return the entry's devices (identifiers: id) and entities (unique id: ids)."""
    devices = {
        frozenset(device.identifiers): device.id
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), entry.entry_id
        )
    }
    entities = {
        item.unique_id: (item.id, item.entity_id, item.device_id)
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
    }
    return devices, entities


# --- re-authentication -------------------------------------------------------------------


@pytest.mark.parametrize("new_username", ["root", "admin"])
async def test_new_password_on_the_gateway_is_asked_for_and_used(
    hass: HomeAssistant,
    simulator: Simulator,
    configured: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    new_username: str,
) -> None:
    """When the gateway's login changes, the user is asked for it; once given, all works.

    A wrong password or an unreachable gateway keeps the form open with a reason, and
    nothing is stored until the gateway accepts the login.
    """
    before = dict(configured.data)
    simulator.username = new_username
    simulator.password = NEW_PASSWORD

    assert not await hass.config_entries.async_reload(configured.entry_id)
    await hass.async_block_till_done()

    assert state_of(configured) is ConfigEntryState.SETUP_ERROR
    issue_id = f"config_entry_reauth_{DOMAIN}_{configured.entry_id}"
    assert ir.async_get(hass).async_get_issue("homeassistant", issue_id) is not None
    form = await reauth_form(hass, configured)
    assert form["description_placeholders"] is not None
    assert form["description_placeholders"]["gateway"] == "Ejoin 127.0.0.1"
    assert suggested_values(form) == {CONF_USERNAME: "root"}
    results: list[object] = [form]

    wrong = await hass.config_entries.flow.async_configure(
        form["flow_id"], {CONF_USERNAME: new_username, CONF_PASSWORD: REJECTED}
    )
    assert_form_error(wrong, "reauth_confirm", {"base": "invalid_auth"})
    assert CONF_PASSWORD not in suggested_values(wrong)
    results.append(wrong)

    simulator.offline = True
    gone = await hass.config_entries.flow.async_configure(
        form["flow_id"], {CONF_USERNAME: new_username, CONF_PASSWORD: NEW_PASSWORD}
    )
    assert_form_error(gone, "reauth_confirm", {"base": "cannot_connect"})
    assert CONF_PASSWORD not in suggested_values(gone)
    results.append(gone)
    assert dict(configured.data) == before
    simulator.offline = False
    simulator.request_log.clear()

    done = await hass.config_entries.flow.async_configure(
        form["flow_id"], {CONF_USERNAME: new_username, CONF_PASSWORD: NEW_PASSWORD}
    )
    await hass.async_block_till_done()

    assert_aborted(done, "reauth_successful")
    results.append(done)
    assert dict(configured.data) == {
        **before,
        CONF_USERNAME: new_username,
        CONF_PASSWORD: NEW_PASSWORD,
    }
    assert state_of(configured) is ConfigEntryState.LOADED
    assert reauth_flows(hass, configured) == []
    assert ir.async_get(hass).async_get_issue("homeassistant", issue_id) is None
    port_status = hass.states.get("sensor.ejoin_127_0_0_1_port_1_status")
    assert port_status is not None
    assert port_status.state == "registered"
    assert passwords_used(simulator) == {NEW_PASSWORD}
    assert {query_of(request)["username"] for request in simulator.request_log} == {
        new_username
    }
    # The flow's read, the set-up's check that it is this gateway, then the read that
    # points the gateway at Home Assistant.
    reads = status_reads(simulator)
    assert ["url" in read for read in reads] == [False, False, True]
    assert reads[2]["url"] == before[CONF_REPORT_URL]
    assert simulator.gateway.report_url == before[CONF_REPORT_URL]
    assert_no_secret([*results, hass.config_entries.flow.async_progress()], caplog)


@pytest.mark.parametrize("how", ["mac_changed", "other_address"])
async def test_reauth_reaching_another_gateway_changes_nothing(
    hass: HomeAssistant,
    simulator: Simulator,
    other: Simulator,
    caplog: pytest.LogCaptureFixture,
    how: str,
) -> None:
    """Credentials that log in to a different gateway are refused, and nothing is stored.

    Either another gateway now answers at the entry's address, or the entry's address
    leads to another gateway from the start.
    """
    if how == "mac_changed":
        entry = await set_up_entry(hass, simulator, config_entry_for(simulator))
        reached = simulator
        reached.gateway.mac = OTHER_MAC.replace(":", "-")
        expected_state = ConfigEntryState.LOADED
    else:
        entry = config_entry_for(other)
        entry.add_to_hass(hass)
        reached = other
        expected_state = ConfigEntryState.NOT_LOADED
    before = dict(entry.data)
    reached.password = NEW_PASSWORD

    form = await entry.start_reauth_flow(hass)
    assert form["type"] is FlowResultType.FORM
    assert form["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {CONF_USERNAME: "root", CONF_PASSWORD: NEW_PASSWORD}
    )
    await hass.async_block_till_done()

    assert_aborted(result, "wrong_gateway")
    assert dict(entry.data) == before
    assert entry.unique_id == GATEWAY_MAC
    assert state_of(entry) is expected_state
    assert reauth_flows(hass, entry) == []
    # The other gateway was only read, not pointed anywhere.
    assert [read.get("url") for read in status_reads(reached)] == [None]
    assert_no_secret([form, result], caplog)


async def test_action_rejected_by_the_gateway_asks_for_new_credentials(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An action the gateway refuses for its login fails and asks the user to log in again.

    Failing again does not ask twice; after logging in again the action works.
    """
    simulator.password = NEW_PASSWORD
    sms = {"numbers": ["+15550001"], "message": "Hello"}

    for _ in range(2):
        with pytest.raises(HomeAssistantError) as failure:
            await hass.services.async_call(DOMAIN, "send_sms", sms, blocking=True)
        await hass.async_block_till_done()
        assert failure.value.translation_key == "invalid_auth"
        assert len(reauth_flows(hass, entry)) == 1
    assert state_of(entry) is ConfigEntryState.LOADED

    form = await reauth_form(hass, entry)
    done = await hass.config_entries.flow.async_configure(
        form["flow_id"], {CONF_USERNAME: "root", CONF_PASSWORD: NEW_PASSWORD}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert_aborted(done, "reauth_successful")
    assert state_of(entry) is ConfigEntryState.LOADED
    simulator.request_log.clear()

    await hass.services.async_call(DOMAIN, "send_sms", sms, blocking=True)

    assert [request.path for request in simulator.request_log] == [
        "/goip_post_sms.html"
    ]
    assert passwords_used(simulator) == {NEW_PASSWORD}
    assert_no_secret([str(failure.value), repr(failure.value), form, done], caplog)


# --- reconfiguration ---------------------------------------------------------------------


async def test_reconfigure_moves_the_gateway_and_keeps_devices_and_entities(
    hass: HomeAssistant,
    simulator: Simulator,
    moved: Simulator,
    configured: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A gateway at a new address keeps its entry, devices, entities and password.

    The form starts filled with the current settings (never the password); the gateway
    at the new address is pointed at the new report URL, the old address hears nothing.
    """
    before = dict(configured.data)
    devices, entities = registry_snapshot(hass, configured)
    assert len(devices) == 9  # the gateway and its 8 ports
    assert entities

    form = await reconfigure_form(hass, configured)
    assert suggested_values(form) == {
        CONF_HOST: simulator.host,
        CONF_PORT: simulator.port,
        CONF_USERNAME: "root",
        CONF_REPORT_URL: before[CONF_REPORT_URL],
    }
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"],
        reconfiguration(
            moved,
            host=f" {moved.host} ",
            port=float(moved.port),
            report_url=f"  {NEW_REPORT_URL} ",
        ),
    )
    await hass.async_block_till_done()

    assert_aborted(result, "reconfigure_successful")
    assert hass.config_entries.async_entries(DOMAIN) == [configured]
    assert dict(configured.data) == {
        **before,
        CONF_HOST: moved.host,
        CONF_PORT: moved.port,
        CONF_REPORT_URL: NEW_REPORT_URL,
    }
    assert type(configured.data[CONF_PORT]) is int
    assert configured.unique_id == GATEWAY_MAC
    assert state_of(configured) is ConfigEntryState.LOADED
    assert registry_snapshot(hass, configured) == (devices, entities)
    assert hass.states.get("sensor.ejoin_127_0_0_1_port_1_status") is not None
    # The new address got the flow's plain read; each set-up checked that it is this
    # gateway before pointing it at the new report URL.
    reads = status_reads(moved)
    pointing = [number for number, read in enumerate(reads) if "url" in read]
    assert pointing
    assert "url" not in reads[0]
    assert all("url" not in reads[number - 1] for number in pointing)
    assert {reads[number]["url"] for number in pointing} == {NEW_REPORT_URL}
    assert moved.gateway.report_url == NEW_REPORT_URL
    assert passwords_used(moved) == {PASSWORD}
    assert list(simulator.request_log) == []
    assert_no_secret([form, result], caplog)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(None, PASSWORD), ("", PASSWORD), (NEW_PASSWORD, NEW_PASSWORD)],
    ids=["omitted", "empty", "new"],
)
async def test_reconfigure_password_is_kept_unless_one_is_typed(
    hass: HomeAssistant,
    simulator: Simulator,
    configured: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    typed: str | None,
    stored: str,
) -> None:
    """Leaving the password empty keeps the current one; a typed one replaces it."""
    before = dict(configured.data)
    simulator.password = stored
    user_input = reconfiguration(simulator)
    if typed is not None:
        user_input[CONF_PASSWORD] = typed

    form = await reconfigure_form(hass, configured)
    result = await hass.config_entries.flow.async_configure(form["flow_id"], user_input)
    await hass.async_block_till_done()

    assert_aborted(result, "reconfigure_successful")
    assert dict(configured.data) == {
        **before,
        CONF_PASSWORD: stored,
        CONF_REPORT_URL: NEW_REPORT_URL,
    }
    assert state_of(configured) is ConfigEntryState.LOADED
    assert passwords_used(simulator) == {stored}
    assert simulator.gateway.report_url == NEW_REPORT_URL
    assert_no_secret([form, result], caplog)


async def test_reconfigure_reaching_another_gateway_changes_nothing(
    hass: HomeAssistant,
    simulator: Simulator,
    other: Simulator,
    configured: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An address where another gateway answers is refused; the entry stays as it was."""
    before = dict(configured.data)
    devices, entities = registry_snapshot(hass, configured)

    form = await reconfigure_form(hass, configured)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], reconfiguration(other, password=PASSWORD)
    )
    await hass.async_block_till_done()

    assert_aborted(result, "wrong_gateway")
    assert dict(configured.data) == before
    assert state_of(configured) is ConfigEntryState.LOADED
    assert registry_snapshot(hass, configured) == (devices, entities)
    assert [read.get("url") for read in status_reads(other)] == [None]
    assert other.gateway.report_url is None
    assert simulator.gateway.report_url == before[CONF_REPORT_URL]
    assert_no_secret([form, result], caplog)


async def test_reconfigure_errors_keep_the_form_then_it_succeeds(
    hass: HomeAssistant,
    simulator: Simulator,
    configured: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bad report URL, a wrong password or an unreachable gateway each say why.

    The form is shown again with what was typed, never the password; nothing is stored
    until the gateway answers with the new settings.
    """
    before = dict(configured.data)
    form = await reconfigure_form(hass, configured)
    results: list[object] = [form]

    bad_url = reconfiguration(simulator, report_url="ftp://x", password=PASSWORD)
    result = await hass.config_entries.flow.async_configure(form["flow_id"], bad_url)
    assert_form_error(result, "reconfigure", {CONF_REPORT_URL: "invalid_url"})
    assert suggested_values(result) == {
        k: v for k, v in bad_url.items() if k != CONF_PASSWORD
    }
    assert list(simulator.request_log) == []  # the gateway is not asked
    results.append(result)

    wrong = reconfiguration(simulator, password=REJECTED)
    result = await hass.config_entries.flow.async_configure(form["flow_id"], wrong)
    assert_form_error(result, "reconfigure", {"base": "invalid_auth"})
    assert CONF_PASSWORD not in suggested_values(result)
    results.append(result)

    simulator.offline = True
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], reconfiguration(simulator)
    )
    assert_form_error(result, "reconfigure", {"base": "cannot_connect"})
    results.append(result)
    simulator.offline = False
    assert dict(configured.data) == before
    assert state_of(configured) is ConfigEntryState.LOADED

    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], reconfiguration(simulator)
    )
    await hass.async_block_till_done()

    assert_aborted(result, "reconfigure_successful")
    results.append(result)
    assert dict(configured.data) == {**before, CONF_REPORT_URL: NEW_REPORT_URL}
    assert state_of(configured) is ConfigEntryState.LOADED
    assert simulator.gateway.report_url == NEW_REPORT_URL
    assert_no_secret(results, caplog)


async def test_reconfigure_fixes_rejected_credentials(
    hass: HomeAssistant,
    simulator: Simulator,
    configured: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A gateway whose password changed can also be fixed from the reconfigure form."""
    simulator.password = NEW_PASSWORD
    assert not await hass.config_entries.async_reload(configured.entry_id)
    await hass.async_block_till_done()
    assert state_of(configured) is ConfigEntryState.SETUP_ERROR
    assert len(reauth_flows(hass, configured)) == 1
    simulator.request_log.clear()

    form = await reconfigure_form(hass, configured)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], reconfiguration(simulator, password=NEW_PASSWORD)
    )
    await hass.async_block_till_done()

    assert_aborted(result, "reconfigure_successful")
    assert configured.data[CONF_PASSWORD] == NEW_PASSWORD
    assert state_of(configured) is ConfigEntryState.LOADED
    assert passwords_used(simulator) == {NEW_PASSWORD}
    assert simulator.gateway.report_url == NEW_REPORT_URL
    # The request for new credentials is settled too: no flow, no notice left.
    assert reauth_flows(hass, configured) == []
    assert not [
        issue_id
        for (_, issue_id) in ir.async_get(hass).issues
        if configured.entry_id in issue_id
    ]
    assert_no_secret([form, result], caplog)


# --- texts -------------------------------------------------------------------------------


@pytest.mark.parametrize("file_name", ["strings.json", "translations/en.json"])
@pytest.mark.parametrize(
    ("step_id", "schema"),
    [("reauth_confirm", REAUTH_SCHEMA), ("reconfigure", RECONFIGURE_SCHEMA)],
)
def test_both_forms_and_their_outcomes_have_texts(
    file_name: str, step_id: str, schema: vol.Schema
) -> None:
    """Both forms show a title, a description, and a label and help for every field.

    Every error and ending of the two flows is explained in words.
    """
    config = json.loads((INTEGRATION / file_name).read_text(encoding="utf-8"))["config"]
    step = config["step"][step_id]
    fields = {str(key) for key in schema.schema}
    assert step["title"]
    assert step["description"]
    assert set(step["data"]) == fields
    assert set(step["data_description"]) == fields
    assert all(step["data"].values())
    assert all(step["data_description"].values())
    for error in ("invalid_auth", "cannot_connect", "invalid_url", "unknown"):
        assert config["error"][error]
    for reason in ("reauth_successful", "reconfigure_successful", "wrong_gateway"):
        assert config["abort"][reason]
