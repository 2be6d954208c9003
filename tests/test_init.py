"""Loading, setting up, unloading and removing the integration, and its devices.

Set-up against the simulator (every entity has a value at once), the webhook's
local-only option, removal, ports that disappear, SMS after a reboot of the gateway,
and logs that never hold the password.
"""

from __future__ import annotations

from ipaddress import ip_address
import json
import logging
from pathlib import Path
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from awesomeversion import AwesomeVersion
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.ejoin.const import CONF_LOCAL_ONLY, CONF_REPORT_URL, DOMAIN
from custom_components.ejoin.pyejoin import EjoinAuthenticationError, EjoinCommandError
from ejoin_simulator import Gateway, Simulator

from .helpers import (
    BACK,
    FIRMWARE,
    GATEWAY_MAC_DASHED,
    PASSWORD,
    PROXY_FIRMWARE,
    SILENT,
    WEBHOOK_ID,
    advance,
    config_entry_for,
    enable_all_entities,
    entry_for,
    gateway_device,
    messages,
    port_device,
    port_report,
    post,
    sent,
    set_up_entry,
    status_reads,
    wait_for,
)

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
    assert integration.dependencies == ["http", "webhook", "websocket_api"]
    # The panel's: loaded first when they load at all (see panel.py).
    assert integration.after_dependencies == ["frontend", "panel_custom"]
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
    assert hass.states.get("sensor.ejoin_127_0_0_1_port_1_status").state == "registered"


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
    """A gateway that does not answer makes Home Assistant retry later.

    Meanwhile the webhook stays, holding what the gateway pushes for the next try.
    """
    entry = config_entry_for(simulator)
    await simulator.stop()
    await set_up(hass, entry)

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert WEBHOOK_ID in hass.data["webhook"]
    assert PASSWORD not in caplog.text


async def test_another_gateway_at_the_address_is_retried(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """If another gateway answers at the configured host, nothing of it is shown.

    Nor is it pointed at this entry's webhook: its reports go where they went.
    """
    simulator.gateway.mac = "00-30-f1-99-99-99"
    simulator.gateway.report_url = "http://127.0.0.1:9/its/own"
    entry = config_entry_for(simulator)
    await set_up(hass, entry)

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "Another gateway answers at 127.0.0.1" in str(entry.reason)
    assert hass.states.get("sensor.ejoin_127_0_0_1_port_1_status") is None
    assert simulator.gateway.report_url == "http://127.0.0.1:9/its/own"
    assert status_reads(simulator) == [[]]


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


CLIENT = "custom_components.ejoin.pyejoin.EjoinClient"


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
    """Return the commands the gateway received (op=get/set and JSON), no credentials.

    The set-up's probes of proxy firmware (public IPs, mobile data) are left out.
    """
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
        and "data_service_enable" not in request.raw_query
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
    assert (
        hass.states.get("sensor.ejoin_127_0_0_1_port_1_status").state
        == STATE_UNAVAILABLE
    )


async def test_removal_deletes_what_the_entry_stored(
    hass: HomeAssistant, simulator: Simulator, hass_storage: dict[str, Any]
) -> None:
    """Removing the entry deletes its record of seen SMS and its SMS task ids."""
    entry = config_entry_for(simulator)
    await set_up(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    await entry.runtime_data.task_ids.issue("fingerprint")
    assert await hass.config_entries.async_unload(entry.entry_id)
    stored = {f"ejoin.{entry.entry_id}.sms", f"ejoin.{entry.entry_id}.tasks"}
    assert stored <= set(hass_storage)

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert not stored & set(hass_storage)


async def test_every_entity_has_a_value_right_after_set_up(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    """Every entity, disabled ones included, shows a value before any push arrives."""
    entry = config_entry_for(simulator, all_sims=True)
    await set_up(hass, entry)
    await enable_all_entities(hass, entry)
    assert entry.state is ConfigEntryState.LOADED

    registry_entries = er.async_entries_for_config_entry(
        entity_registry, entry.entry_id
    )
    states = {
        item.entity_id: hass.states.get(item.entity_id) for item in registry_entries
    }
    no_value = {
        entity_id: None if state is None else state.state
        for entity_id, state in states.items()
        if state is None
        or (
            state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE)
            # buttons are unknown until pressed, event entities until something happens
            and not entity_id.startswith(("button.", "event."))
        )
    }
    # 8 ports x (28 SIM sensors, SIM slots, registered, 3 buttons, lock, SIM select,
    # SMS and call events) + 3 gateway sensors and 2 buttons; the SMS firmware has no
    # public IP or traffic readings, nor mobile data switches.
    assert len(states) == 8 * 37 + 5
    assert no_value == {}
    port = simulator.gateway.ports[3]
    assert port.sim is not None
    assert (
        hass.states.get("sensor.ejoin_127_0_0_1_port_3_iccid").state == port.sim.iccid
    )
    assert hass.states.get("sensor.ejoin_127_0_0_1_port_3_sim_slots").state == "4"


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
    assert (
        hass.states.get("sensor.ejoin_127_0_0_1_port_1_status").state != "registered"
    ) is applied
    assert entry.state is ConfigEntryState.LOADED


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

    levels = [
        record.levelname
        for record in caplog.records
        if SILENT in record.getMessage() or BACK in record.getMessage()
    ]
    assert levels == ["INFO", "INFO"]  # once gone, once back
    assert any(record.levelname == "DEBUG" for record in caplog.records)
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)


async def test_sms_still_arrive_by_push_after_the_gateway_reboots(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """The SMS URL was saved after it was set, so the rebooted gateway still pushes SMS.

    (A gateway forgets what was set and not saved; the store read would then find the
    SMS later, as recovered, instead of at once.)
    """
    assert simulator.gateway.saved_sms_url == simulator.gateway.sms_url is not None
    received = async_capture_events(hass, "ejoin_sms_received")

    simulator.reboot()
    await wait_for(lambda: not simulator.offline, "the gateway to boot")
    _, row = simulator.gateway.receive_sms(4, 1, "+15550009999", "After the reboot")
    simulator.push_sms(row, port=4)

    await wait_for(lambda: len(received) == 1, "the pushed SMS")
    assert (received[0].data["text"], received[0].data["recovered"]) == (
        "After the reboot",
        False,
    )


@pytest.mark.parametrize(
    "failing",
    [
        "custom_components.ejoin.runtime.async_probe_public_ips",
        "custom_components.ejoin.runtime.EjoinRuntimeData.start",
    ],
    ids=["building_the_runtime", "starting_it"],
)
async def test_an_unexpected_failure_leaves_no_webhook_and_a_reload_works(
    hass: HomeAssistant, simulator: Simulator, client: TestClient, failing: str
) -> None:
    """A bug half-way through the set-up takes the webhook down; the next try works.

    Home Assistant 2025.4 does not run an entry's clean-ups after an error it did not
    expect, and a webhook left registered would make every later set-up fail.
    """
    entry = entry_for(simulator, client=client)
    entry.add_to_hass(hass)
    with patch(failing, side_effect=RuntimeError("a bug")):
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert WEBHOOK_ID not in hass.data.get("webhook", {})

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert await post(hass, client, port_report(simulator, 1)) == (200, "OK")


@PROXY_FIRMWARE
async def test_credentials_refused_at_the_public_ip_probe_leave_no_webhook(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """The public-IP probe comes after the webhook: its failure takes the webhook down.

    The probe is the set-up's last request to the gateway; credentials refused there
    fail the set-up and ask for new ones. The webhook must not stay registered, or
    the next set-up could not register it again.
    """
    entry = entry_for(simulator, client=client)
    entry.add_to_hass(hass)
    refused = EjoinAuthenticationError("the gateway rejected the username or password")
    with patch(f"{CLIENT}.get_public_ips", side_effect=refused):
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert WEBHOOK_ID not in hass.data.get("webhook", {})
    assert [
        flow["context"]["source"]
        for flow in entry.async_get_active_flows(hass, {"reauth"})
    ] == ["reauth"]

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert WEBHOOK_ID in hass.data["webhook"]
    assert await post(hass, client, port_report(simulator, 1)) == (200, "OK")
