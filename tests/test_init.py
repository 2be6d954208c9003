"""Tests of loading, setting up and unloading the integration."""

import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from awesomeversion import AwesomeVersion
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.const import CONF_REPORT_URL, DOMAIN
from custom_components.ejoin.pyejoin import EjoinCommandError
from ejoin_simulator import Simulator

from .helpers import PASSWORD, WEBHOOK_ID, config_entry_for

MANIFEST = Path(__file__).parent.parent / "custom_components" / DOMAIN / "manifest.json"


async def test_home_assistant_loads_the_repository_integration(
    hass: HomeAssistant,
) -> None:
    """Home Assistant's loader finds this repository's integration, not a stand-in."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))

    integration = await async_get_integration(hass, DOMAIN)

    assert integration.pkg_path == "custom_components.ejoin"
    assert Path(integration.file_path) == MANIFEST.parent
    assert integration.name == manifest["name"]
    assert integration.version == AwesomeVersion(manifest["version"])
    assert integration.dependencies == ["webhook"]
    assert integration.config_flow is True
    assert integration.iot_class == "local_push"


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add an entry and set it up, whatever the outcome."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_set_up_points_the_gateway_at_the_webhook(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Automatic set-up tells the gateway the report URL, period, all-SIMs and SMS URL."""
    entry = config_entry_for(simulator, configure=True, all_sims=True)
    await set_up(hass, entry)

    assert entry.state is ConfigEntryState.LOADED
    model = simulator.gateway
    assert model.report_url == entry.data[CONF_REPORT_URL]
    assert model.report_period == 60
    assert model.all_sims is True
    assert model.sms_url == entry.data[CONF_REPORT_URL]
    assert WEBHOOK_ID in hass.data["webhook"]


async def test_manual_set_up_leaves_the_gateway_alone(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Without automatic pointing, the gateway's report settings stay as they were."""
    entry = config_entry_for(simulator, configure=False)
    await set_up(hass, entry)

    assert entry.state is ConfigEntryState.LOADED
    assert simulator.gateway.report_url is None
    assert simulator.gateway.sms_url is None
    assert hass.states.get("sensor.port_1_status").state == "registered"


async def test_rejected_credentials_fail_the_set_up(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A rejected password fails the set-up, frees the webhook and asks for a new one."""
    simulator.password = "changed on the gateway"
    entry = config_entry_for(simulator)
    await set_up(hass, entry)

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason == "The gateway rejected the username or password"
    assert WEBHOOK_ID not in hass.data.get("webhook", {})
    [flow] = hass.config_entries.flow.async_progress()
    assert (flow["handler"], flow["context"]["source"]) == (DOMAIN, "reauth")
    assert flow["context"]["entry_id"] == entry.entry_id
    assert PASSWORD not in caplog.text


async def test_unreachable_gateway_is_retried(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A gateway that does not answer makes Home Assistant retry later."""
    entry = config_entry_for(simulator)
    await simulator.stop()
    await set_up(hass, entry)

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert WEBHOOK_ID not in hass.data.get("webhook", {})
    assert PASSWORD not in caplog.text


async def test_another_gateway_at_the_address_is_retried(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """If another gateway answers at the configured host, nothing of it is shown."""
    simulator.gateway.mac = "00-30-f1-99-99-99"
    entry = config_entry_for(simulator)
    await set_up(hass, entry)

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "Another gateway answers at 127.0.0.1" in str(entry.reason)
    assert hass.states.get("sensor.port_1_status") is None


async def test_sms_url_refused_is_only_a_warning(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A gateway that does not take the SMS URL still gets set up, with a warning."""
    entry = config_entry_for(simulator)
    with patch(
        "custom_components.ejoin.connection.EjoinClient.set_sms_url",
        side_effect=EjoinCommandError(4, "unknown parameter sms_url"),
    ):
        await set_up(hass, entry)

    assert entry.state is ConfigEntryState.LOADED
    assert "did not take (or keep) the SMS forwarding URL" in caplog.text


@pytest.mark.parametrize("elsewhere", [None, "http://192.168.1.99/old"])
async def test_the_sms_url_is_set_and_saved_only_when_it_differs(
    hass: HomeAssistant, simulator: Simulator, elsewhere: str | None
) -> None:
    """At set-up the SMS URL is set, then saved, unless the gateway has it already.

    Saved, it survives the gateway's reboot; not saved again at every start, it does
    not wear the gateway's flash or keep other changes someone left unsaved there.
    """
    entry = config_entry_for(simulator)
    simulator.gateway.sms_url = simulator.gateway.saved_sms_url = elsewhere

    await set_up(hass, entry)
    first = sms_url_requests(simulator)
    simulator.request_log.clear()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    url = entry.data[CONF_REPORT_URL]
    assert first == [
        ("GET", "op=get&sms_url", None),
        ("GET", f"op=set&sms_url={url}", None),  # as the gateway decodes it
        ("POST", "", {"type": "command", "op": "save"}),
    ]
    assert sms_url_requests(simulator) == [("GET", "op=get&sms_url", None)]
    assert simulator.gateway.saved_sms_url == url


def sms_url_requests(simulator: Simulator) -> list[tuple[str, str, Any]]:
    """Return the commands the gateway received (op=get/set and JSON), no credentials."""
    return [
        (
            request.method,
            "&".join(
                name if value is None else f"{name}={value}"
                for name, value in request.query[2:]
            ),
            json.loads(request.body) if request.body else None,
        )
        for request in simulator.request_log
        if request.path == "/goip_send_cmd.html"
        and "port_public_ip" not in request.raw_query
    ]


async def test_unload_removes_the_webhook_and_entities(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Unloading unregisters the webhook and leaves the entities unavailable."""
    entry = config_entry_for(simulator)
    await set_up(hass, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.NOT_LOADED
    assert WEBHOOK_ID not in hass.data.get("webhook", {})
    assert hass.states.get("sensor.port_1_status").state == STATE_UNAVAILABLE


async def test_removal_deletes_what_the_entry_stored(
    hass: HomeAssistant, simulator: Simulator, hass_storage: dict[str, Any]
) -> None:
    """Removing the entry deletes its record of seen SMS and its SMS task ids."""
    entry = config_entry_for(simulator)
    await set_up(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    await entry.runtime_data.task_ids.next()
    assert await hass.config_entries.async_unload(entry.entry_id)
    stored = {f"ejoin.{entry.entry_id}.sms", f"ejoin.{entry.entry_id}.tasks"}
    assert stored <= set(hass_storage)

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert not stored & set(hass_storage)
