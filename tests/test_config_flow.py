"""The config flow (log in to the gateway, then choose where it reports to) and options."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_address
import json
import logging
from pathlib import Path
import socket
from typing import Any
from unittest.mock import AsyncMock, patch

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.network import NoURLAvailableError, get_url
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.ejoin.const import (
    CONF_ALL_SIMS,
    CONF_CONFIGURE_GATEWAY,
    CONF_CURRENCY,
    CONF_DEFAULT_RECIPIENTS,
    CONF_INBOX_SIZE,
    CONF_LOCAL_ONLY,
    CONF_PUBLIC_IP_INTERVAL,
    CONF_RECORD_TEXTS_AND_NUMBERS,
    CONF_REDIAL_INTERVAL,
    CONF_REPORT_PERIOD,
    CONF_REPORT_URL,
    CONF_SHOW_PANEL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from custom_components.ejoin.options_flow import options_schema
from custom_components.ejoin.pyejoin import DeviceStatusReport
from ejoin_simulator import Simulator

from .helpers import (
    BAD_LOGINS,
    GATEWAY_MAC,
    PASSWORD,
    PROXY_FIRMWARE,
    config_entry_for,
    port_report,
    post,
)

INTERNAL_URL = "http://192.168.1.10:8123"
REJECTED = "not the password"
GET_STATUS = "custom_components.ejoin.connection.EjoinClient.get_status"
GENERATE_URL = "custom_components.ejoin.config_flow.webhook.async_generate_url"
INTEGRATION = Path(__file__).resolve().parent.parent / "custom_components" / DOMAIN
# What a new entry of the 8-port simulator (MAC ...:02:03) is called: no IP address.
TITLE = "Ejoin 8-port 0203"


@pytest.fixture
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Keep the created entry from being set up: these tests are about the flow."""
    with patch("custom_components.ejoin.async_setup_entry", return_value=True) as mock:
        yield mock


@pytest.fixture
async def internal_url(hass: HomeAssistant) -> str:
    """Give Home Assistant an internal URL, which the default report URL is built on."""
    await async_process_ha_core_config(hass, {"internal_url": INTERNAL_URL})
    return INTERNAL_URL


def login_for(simulator: Simulator, **changes: Any) -> dict[str, Any]:
    """Return what a user types in the first step to reach the simulator."""
    return {
        CONF_HOST: simulator.host,
        CONF_PORT: simulator.port,
        CONF_USERNAME: "root",
        CONF_PASSWORD: PASSWORD,
        **changes,
    }


def suggested_values(schema: vol.Schema) -> dict[str, Any]:
    """Return the suggested value of every field of a form's schema that has one."""
    return {
        str(key): key.description["suggested_value"]
        for key in schema.schema
        if key.description and "suggested_value" in key.description
    }


def defaults(schema: vol.Schema) -> dict[str, Any]:
    """Return the default of every field of a form's schema that has one."""
    return {
        str(key): key.default()
        for key in schema.schema
        if key.default is not vol.UNDEFINED
    }


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def start(hass: HomeAssistant) -> ConfigFlowResult:
    """Start a flow from the UI, and check that it asks for the login first."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result


async def to_report_step(hass: HomeAssistant, simulator: Simulator) -> ConfigFlowResult:
    """Log in to the simulator and return the report step's form."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_for(simulator)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "report"
    return result


def assert_user_form_again(
    result: ConfigFlowResult, error: str, user_input: dict[str, Any]
) -> None:
    """Check the login form is shown again with the error, refilled but without password."""
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    suggested = suggested_values(result["data_schema"])
    assert CONF_PASSWORD not in suggested
    assert suggested == {k: v for k, v in user_input.items() if k != CONF_PASSWORD}


async def finish(
    hass: HomeAssistant, result: ConfigFlowResult, **choices: Any
) -> ConfigFlowResult:
    """Accept the report step's defaults, changed by the given choices."""
    user_input = {**defaults(result["data_schema"]), **choices}
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


async def test_user_flow_creates_the_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    mock_setup_entry: AsyncMock,
) -> None:
    """Log in to the simulator, keep the suggested report settings, and get an entry."""
    result = await start(hass)
    assert defaults(result["data_schema"]) == {CONF_PORT: 80, CONF_USERNAME: "root"}
    assert suggested_values(result["data_schema"]) == {}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_for(simulator)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "report"
    assert result["errors"] == {}
    report_defaults = defaults(result["data_schema"])
    report_url = report_defaults[CONF_REPORT_URL]
    assert report_url.startswith(f"{internal_url}/api/webhook/")
    webhook_id = report_url.removeprefix(f"{internal_url}/api/webhook/")
    assert webhook_id
    assert "/" not in webhook_id
    assert report_defaults == {
        CONF_REPORT_URL: report_url,
        CONF_CONFIGURE_GATEWAY: True,
        CONF_REPORT_PERIOD: 60,
        CONF_ALL_SIMS: False,
    }
    assert result["description_placeholders"] == {
        "mac": GATEWAY_MAC,
        "ports": "8",
        "webhook_path": f"/api/webhook/{webhook_id}",
    }

    result = await finish(hass, result)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == TITLE
    assert result["data"] == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_USERNAME: "root",
        CONF_PASSWORD: PASSWORD,
        CONF_WEBHOOK_ID: webhook_id,
        CONF_REPORT_URL: f"{internal_url}/api/webhook/{webhook_id}",
        CONF_CONFIGURE_GATEWAY: True,
    }
    assert result["options"] == {CONF_REPORT_PERIOD: 60, CONF_ALL_SIMS: False}
    assert result["result"].unique_id == GATEWAY_MAC

    entries = hass.config_entries.async_entries(DOMAIN)
    assert len(entries) == 1
    entry = entries[0]
    assert entry is result["result"]
    assert entry.title == TITLE
    assert entry.unique_id == GATEWAY_MAC
    assert entry.data == result["data"]
    assert entry.options == result["options"]
    assert len(mock_setup_entry.mock_calls) == 1

    # The flow only read the status: telling the gateway where to report is set-up's job.
    assert simulator.requests == 1
    assert simulator.gateway.report_url is None
    assert simulator.gateway.report_period == 0
    assert simulator.gateway.all_sims is False


async def test_login_is_normalised(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    mock_setup_entry: AsyncMock,
) -> None:
    """The host loses surrounding spaces and the port (a float from the UI) becomes int."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        login_for(simulator, host=f"  {simulator.host} ", port=float(simulator.port)),
    )
    assert result["step_id"] == "report"

    result = await finish(hass, result)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == TITLE
    assert result["data"][CONF_HOST] == "127.0.0.1"
    assert result["data"][CONF_PORT] == simulator.port
    assert type(result["data"][CONF_PORT]) is int


@pytest.mark.parametrize(
    ("mac", "max_ports", "title"),
    [
        ("00-30-f1-ab-cd-ef", 32, "Ejoin 32-port CDEF"),
        ("0030F10A0B9C", 4, "Ejoin 4-port 0B9C"),
        ("00:30:f1:01:02:03", None, "Ejoin 0203"),  # a size it does not say
    ],
)
async def test_the_title_names_the_gateway_by_size_and_mac(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    mock_setup_entry: AsyncMock,
    mac: str,
    max_ports: int | None,
    title: str,
) -> None:
    """A new entry is called by the gateway's size and the end of its MAC, not its IP.

    The MAC is on the gateway's label and stays when its address changes.
    """
    status = DeviceStatusReport(type="dev-status", mac=mac, max_ports=max_ports)
    with patch(GET_STATUS, return_value=status):
        result = await to_report_step(hass, simulator)

    result = await finish(hass, result)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert simulator.host not in result["title"]


@pytest.mark.parametrize(
    ("typed_url", "stored_url"),
    [
        (
            "http://10.0.0.2:8123/api/webhook/mine",
            "http://10.0.0.2:8123/api/webhook/mine",
        ),
        (
            "  https://ha.example.org/api/webhook/x \n",
            "https://ha.example.org/api/webhook/x",
        ),
        ("http://[fd00::1]:8123/hook", "http://[fd00::1]:8123/hook"),
    ],
)
@pytest.mark.parametrize(
    ("configure", "period", "all_sims"),
    [(False, 300.0, True), (True, 3600, False)],
)
async def test_report_choices_are_stored(
    *,
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    mock_setup_entry: AsyncMock,
    typed_url: str,
    stored_url: str,
    configure: bool,
    period: float,
    all_sims: bool,
) -> None:
    """A typed report URL, manual pointing, the period and all SIMs end up in the entry."""
    result = await to_report_step(hass, simulator)
    webhook_path = result["description_placeholders"]["webhook_path"]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_REPORT_URL: typed_url,
            CONF_CONFIGURE_GATEWAY: configure,
            CONF_REPORT_PERIOD: period,
            CONF_ALL_SIMS: all_sims,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    data = result["data"]
    assert data[CONF_REPORT_URL] == stored_url
    assert data[CONF_CONFIGURE_GATEWAY] is configure
    # The webhook stays the one the flow generated, whatever URL reaches it.
    assert webhook_path == f"/api/webhook/{data[CONF_WEBHOOK_ID]}"
    assert result["options"] == {
        CONF_REPORT_PERIOD: int(period),
        CONF_ALL_SIMS: all_sims,
    }
    assert type(result["options"][CONF_REPORT_PERIOD]) is int
    assert result["options"][CONF_ALL_SIMS] is all_sims
    assert simulator.gateway.report_url is None


@pytest.mark.parametrize("bad_login", BAD_LOGINS)
async def test_wrong_password_then_right(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    mock_setup_entry: AsyncMock,
    bad_login: str,
) -> None:
    """The gateway rejecting the password shows invalid_auth; the right one goes on.

    Whatever form the gateway's refusal takes, the form says the login is wrong.
    """
    simulator.bad_login = bad_login
    result = await start(hass)
    wrong = login_for(simulator, password=REJECTED)

    result = await hass.config_entries.flow.async_configure(result["flow_id"], wrong)

    assert_user_form_again(result, "invalid_auth", wrong)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_for(simulator)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "report"
    result = await finish(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PASSWORD] == PASSWORD


async def test_nothing_listening_then_the_gateway(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    mock_setup_entry: AsyncMock,
) -> None:
    """A port nothing listens on shows cannot_connect; the gateway's port goes on."""
    result = await start(hass)
    unreachable = login_for(simulator, port=closed_port())

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], unreachable
    )

    assert_user_form_again(result, "cannot_connect", unreachable)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_for(simulator)
    )
    assert result["step_id"] == "report"
    result = await finish(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PORT] == simulator.port


async def test_unexpected_error_then_success(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    mock_setup_entry: AsyncMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An exception the client does not expect shows unknown and is logged."""
    result = await start(hass)
    user_input = login_for(simulator)

    with patch(GET_STATUS, side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input
        )

    assert_user_form_again(result, "unknown", user_input)
    assert any(
        record.levelno == logging.ERROR
        and record.exc_info is not None
        and isinstance(record.exc_info[1], RuntimeError)
        for record in caplog.records
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["step_id"] == "report"
    result = await finish(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize("mac", [None, ""])
async def test_status_without_mac_is_not_a_gateway(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    mock_setup_entry: AsyncMock,
    mac: str | None,
) -> None:
    """A device whose status has no MAC is not taken for a gateway."""
    result = await start(hass)
    user_input = login_for(simulator)
    status = DeviceStatusReport(type="dev-status", mac=mac, max_ports=8)

    with patch(GET_STATUS, return_value=status):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input
        )

    assert_user_form_again(result, "not_a_gateway", user_input)
    assert hass.config_entries.async_entries(DOMAIN) == []
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["step_id"] == "report"
    result = await finish(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == GATEWAY_MAC


async def test_password_is_never_suggested_again(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """After an error the login form is refilled with everything but the password."""
    result = await start(hass)
    user_input = login_for(simulator, password=REJECTED)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )

    assert result["errors"] == {"base": "invalid_auth"}
    password_keys = [
        key for key in result["data_schema"].schema if str(key) == CONF_PASSWORD
    ]
    assert len(password_keys) == 1
    assert "suggested_value" not in (password_keys[0].description or {})
    assert REJECTED not in repr(result["data_schema"].schema)
    assert suggested_values(result["data_schema"]) == {
        CONF_HOST: simulator.host,
        CONF_PORT: simulator.port,
        CONF_USERNAME: "root",
    }


@pytest.mark.parametrize(
    "bad_url",
    [
        "ftp://x",
        "not a url",
        "http://",
        "",
        "   ",
        "http:///path",
        "http://[::1",
        "http://ha:99999/x",
        "http://home assistant:8123/x",
        "http://a b/",
        "http://-/",
    ],
)
async def test_invalid_report_url_then_a_valid_one(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    mock_setup_entry: AsyncMock,
    bad_url: str,
) -> None:
    """A report URL the gateway cannot post to is refused on its field."""
    result = await to_report_step(hass, simulator)
    default_url = defaults(result["data_schema"])[CONF_REPORT_URL]
    placeholders = result["description_placeholders"]
    typed = {
        CONF_REPORT_URL: bad_url,
        CONF_CONFIGURE_GATEWAY: False,
        CONF_REPORT_PERIOD: 120,
        CONF_ALL_SIMS: True,
    }

    result = await hass.config_entries.flow.async_configure(result["flow_id"], typed)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "report"
    assert result["errors"] == {CONF_REPORT_URL: "invalid_url"}
    assert result["description_placeholders"] == placeholders
    assert defaults(result["data_schema"])[CONF_REPORT_URL] == default_url
    assert suggested_values(result["data_schema"]) == typed
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**typed, CONF_REPORT_URL: "http://10.1.2.3:8123/hook"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_REPORT_URL] == "http://10.1.2.3:8123/hook"
    assert result["data"][CONF_CONFIGURE_GATEWAY] is False
    assert result["options"] == {CONF_REPORT_PERIOD: 120, CONF_ALL_SIMS: True}


async def test_no_url_for_home_assistant_leaves_the_report_url_empty(
    hass: HomeAssistant, simulator: Simulator, mock_setup_entry: AsyncMock
) -> None:
    """Without any URL of Home Assistant the report URL starts empty; one must be typed."""
    with patch(GENERATE_URL, side_effect=NoURLAvailableError) as generate_url:
        result = await to_report_step(hass, simulator)
    assert generate_url.call_count == 1
    kwargs = generate_url.call_args.kwargs
    assert kwargs["allow_external"] is False
    assert kwargs["prefer_external"] is False
    assert kwargs["allow_ip"] is True

    assert defaults(result["data_schema"])[CONF_REPORT_URL] == ""
    assert result["description_placeholders"]["mac"] == GATEWAY_MAC
    assert result["description_placeholders"]["ports"] == "8"

    with patch(GENERATE_URL, side_effect=NoURLAvailableError):
        result = await finish(hass, result)
        assert result["errors"] == {CONF_REPORT_URL: "invalid_url"}
        assert defaults(result["data_schema"])[CONF_REPORT_URL] == ""
    result = await finish(hass, result, report_url="http://10.0.0.2:8123/x")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_REPORT_URL] == "http://10.0.0.2:8123/x"


async def test_without_internal_url_the_default_is_a_local_address(
    hass: HomeAssistant, simulator: Simulator, mock_setup_entry: AsyncMock
) -> None:
    """Without an internal URL the default is Home Assistant's local one, never external."""
    await async_process_ha_core_config(hass, {"external_url": "https://ha.example.org"})

    result = await to_report_step(hass, simulator)

    # Setting up the integration's dependencies gave Home Assistant a local address.
    local_url = get_url(hass, allow_external=False, allow_ip=True)
    assert not local_url.startswith("https://ha.example.org")
    webhook_path = result["description_placeholders"]["webhook_path"]
    assert (
        defaults(result["data_schema"])[CONF_REPORT_URL] == f"{local_url}{webhook_path}"
    )


async def test_already_configured_updates_the_address(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    mock_setup_entry: AsyncMock,
) -> None:
    """Adding a configured gateway again aborts, and moves the entry to the new address."""
    existing = MockConfigEntry(
        domain=DOMAIN,
        title="Ejoin 192.0.2.7",
        unique_id=GATEWAY_MAC,
        data={
            CONF_HOST: "192.0.2.7",
            CONF_PORT: 80,
            CONF_USERNAME: "root",
            CONF_PASSWORD: "old",
            CONF_WEBHOOK_ID: "old_webhook",
            CONF_REPORT_URL: "http://192.168.1.10:8123/api/webhook/old_webhook",
            CONF_CONFIGURE_GATEWAY: True,
        },
        options={CONF_REPORT_PERIOD: 60, CONF_ALL_SIMS: False},
    )
    existing.add_to_hass(hass)
    result = await start(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login_for(simulator)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert hass.config_entries.async_entries(DOMAIN) == [existing]
    assert existing.data == {
        CONF_HOST: simulator.host,
        CONF_PORT: simulator.port,
        CONF_USERNAME: "root",
        CONF_PASSWORD: "old",
        CONF_WEBHOOK_ID: "old_webhook",
        CONF_REPORT_URL: "http://192.168.1.10:8123/api/webhook/old_webhook",
        CONF_CONFIGURE_GATEWAY: True,
    }
    assert existing.title == "Ejoin 192.0.2.7"
    assert mock_setup_entry.mock_calls == []
    assert simulator.gateway.report_url is None


async def test_second_flow_for_the_same_gateway_aborts(
    hass: HomeAssistant,
    simulator: Simulator,
    internal_url: str,
    mock_setup_entry: AsyncMock,
) -> None:
    """While one flow is adding a gateway, another flow for it aborts."""
    first = await to_report_step(hass, simulator)
    second = await start(hass)

    second = await hass.config_entries.flow.async_configure(
        second["flow_id"], login_for(simulator)
    )

    assert second["type"] is FlowResultType.ABORT
    assert second["reason"] == "already_in_progress"
    first = await finish(hass, first)
    assert first["type"] is FlowResultType.CREATE_ENTRY
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


FLOW_ERRORS = ["cannot_connect", "invalid_auth", "not_a_gateway", "unknown"]


@pytest.mark.parametrize("file_name", ["strings.json", "translations/en.json"])
@pytest.mark.parametrize(
    ("section", "key"),
    [
        *(("error", key) for key in [*FLOW_ERRORS, "invalid_url"]),
        ("abort", "already_configured"),
        ("abort", "already_in_progress"),
    ],
)
def test_every_flow_outcome_has_a_text(file_name: str, section: str, key: str) -> None:
    """Every error and abort reason the flow can give is translated."""
    strings = json.loads((INTEGRATION / file_name).read_text(encoding="utf-8"))
    assert strings["config"][section].get(key)


# --- the options flow ------------------------------------------------------------------


async def post_from_outside(
    hass: HomeAssistant, client: TestClient, simulator: Simulator, balance: str
) -> None:
    """Post a port-status as if from an address outside the local network."""
    with patch(
        "homeassistant.components.webhook.ip_address",
        return_value=ip_address("203.0.113.7"),
    ):
        await post(hass, client, port_report(simulator, 1, bal=balance))


@PROXY_FIRMWARE  # for the public IP reading interval
async def test_options_take_effect_at_once(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """New options are stored, the gateway is re-pointed and the notify entity appears."""
    entry = config_entry_for(simulator)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("notify.ejoin_127_0_0_1_sms") is None

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    defaults = {
        str(key): key.default()
        for key in result["data_schema"].schema
        if callable(key.default)
    }
    assert defaults == {
        CONF_REPORT_PERIOD: 60,
        CONF_ALL_SIMS: False,
        CONF_REDIAL_INTERVAL: 60,
        CONF_PUBLIC_IP_INTERVAL: 300,
        CONF_DEFAULT_RECIPIENTS: [],
        CONF_LOCAL_ONLY: True,
        CONF_RECORD_TEXTS_AND_NUMBERS: False,
        CONF_SHOW_PANEL: True,
        CONF_INBOX_SIZE: 50,
    }
    assert entry.runtime_data.recent_sms.size == 50
    await post_from_outside(hass, client, simulator, "1.11")
    assert (
        hass.states.get("sensor.ejoin_127_0_0_1_port_1_balance").state != "1.11"
    )  # local only

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_REPORT_PERIOD: 120.0,
            CONF_ALL_SIMS: True,
            CONF_REDIAL_INTERVAL: 90.0,
            CONF_PUBLIC_IP_INTERVAL: 600.0,
            CONF_DEFAULT_RECIPIENTS: [" +4915112345678 ", ""],
            CONF_LOCAL_ONLY: False,
            CONF_SHOW_PANEL: False,
            CONF_INBOX_SIZE: 20.0,
        },
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(entry.options) == {
        CONF_REPORT_PERIOD: 120,
        CONF_ALL_SIMS: True,
        CONF_REDIAL_INTERVAL: 90,
        CONF_PUBLIC_IP_INTERVAL: 600,
        CONF_DEFAULT_RECIPIENTS: ["+4915112345678"],
        CONF_LOCAL_ONLY: False,
        CONF_RECORD_TEXTS_AND_NUMBERS: False,
        CONF_SHOW_PANEL: False,
        CONF_INBOX_SIZE: 20,
    }
    assert type(entry.options[CONF_INBOX_SIZE]) is int
    assert entry.runtime_data.recent_sms.size == 0  # none kept without the panel
    await post_from_outside(hass, client, simulator, "2.22")
    assert hass.states.get("sensor.ejoin_127_0_0_1_port_1_balance").state == "2.22"
    assert (simulator.gateway.report_period, simulator.gateway.all_sims) == (120, True)
    assert hass.states.get("notify.ejoin_127_0_0_1_sms") is not None
    assert hass.states.get("sensor.ejoin_127_0_0_1_port_1_sim_slots").state == "4"
    proxy = entry.runtime_data.public_ips
    assert proxy is not None
    assert proxy.update_interval is not None
    assert proxy.update_interval.total_seconds() == 600


def options_form_input(result: ConfigFlowResult, **changes: Any) -> dict[str, Any]:
    """Return what the options form sends: its defaults and suggestions, changed."""
    schema = result["data_schema"]
    return {**defaults(schema), **suggested_values(schema), **changes}


@pytest.mark.parametrize("typed", ["EUR", " eur ", "Eur"])
async def test_the_currency_is_stored_as_its_iso_code(
    hass: HomeAssistant, simulator: Simulator, typed: str
) -> None:
    """A currency typed in any case, with spaces, is stored as its ISO 4217 code."""
    entry = config_entry_for(simulator)
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert CONF_CURRENCY not in suggested_values(result["data_schema"])

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], options_form_input(result, currency=typed)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_CURRENCY] == "EUR"
    assert entry.options[CONF_RECORD_TEXTS_AND_NUMBERS] is False


@pytest.mark.parametrize("typed", ["XYZ", "euro", "€", "EU"])
async def test_a_currency_that_is_no_iso_code_is_refused_on_its_field(
    hass: HomeAssistant, simulator: Simulator, typed: str
) -> None:
    """What is not an ISO 4217 code shows the form again, as typed, with the reason."""
    entry = config_entry_for(simulator)
    entry.add_to_hass(hass)
    before = dict(entry.options)
    result = await hass.config_entries.options.async_init(entry.entry_id)

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], options_form_input(result, currency=typed)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_CURRENCY: "invalid_currency"}
    assert suggested_values(result["data_schema"])[CONF_CURRENCY] == typed
    assert dict(entry.options) == before
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], options_form_input(result, currency="USD")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_CURRENCY] == "USD"


@pytest.mark.parametrize("cleared", [None, "", "  "])
async def test_an_emptied_currency_is_removed(
    hass: HomeAssistant, simulator: Simulator, cleared: str | None
) -> None:
    """Emptying the field (the UI leaves it out) takes the currency away again."""
    entry = config_entry_for(simulator, options={CONF_CURRENCY: "CHF"})
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert suggested_values(result["data_schema"])[CONF_CURRENCY] == "CHF"
    user_input = options_form_input(result)
    del user_input[CONF_CURRENCY]
    if cleared is not None:
        user_input[CONF_CURRENCY] = cleared

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], user_input
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_CURRENCY not in entry.options


async def test_recording_texts_and_numbers_is_off_until_turned_on(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """The privacy option starts off, and the form shows it as it was left."""
    entry = config_entry_for(simulator)
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert defaults(result["data_schema"])[CONF_RECORD_TEXTS_AND_NUMBERS] is False

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        options_form_input(result, **{CONF_RECORD_TEXTS_AND_NUMBERS: True}),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_RECORD_TEXTS_AND_NUMBERS] is True

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert defaults(result["data_schema"])[CONF_RECORD_TEXTS_AND_NUMBERS] is True


@pytest.mark.parametrize("file_name", ["strings.json", "translations/en.json"])
def test_every_option_has_a_name_a_description_and_its_errors_a_text(
    file_name: str,
) -> None:
    """Each field of the options form is named and explained; its error is worded."""
    strings = json.loads((INTEGRATION / file_name).read_text(encoding="utf-8"))
    step = strings["options"]["step"]["init"]
    fields = {str(key) for key in options_schema({}).schema}
    assert {CONF_SHOW_PANEL, CONF_INBOX_SIZE} <= fields
    assert fields <= set(step["data"])
    assert fields <= set(step["data_description"])
    assert strings["options"]["error"]["invalid_currency"]
