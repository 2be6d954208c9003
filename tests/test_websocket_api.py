"""The panel's and the card's WebSocket commands: what they answer and what they follow.

The farm shows each port as its entities do; its subscription sends a snapshot, then
the ports a report changed (gathered for half a second), redials and public IPs, the
gateway's own values, and a new snapshot when a gateway is loaded, unloaded or renamed.
The inbox lists the kept SMS and follows new ones; sending goes through the action;
the SMS events are forwarded. Texts and numbers are for administrators only.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import (
    MockHAClientWebSocket,
    WebSocketGenerator,
)

from custom_components.ejoin.const import CONF_CURRENCY, DOMAIN
from custom_components.ejoin.farm_watch import InboxWatch
from ejoin_simulator import Gateway, Simulator

from .helpers import (
    EACH_FIRMWARE,
    FIRMWARE,
    GATEWAY_MAC_DASHED,
    PROXY_FIRMWARE,
    PUBLIC_IPS,
    SECOND_MAC,
    SMS,
    act,
    dev_status,
    entity_id,
    entry_for,
    gateway_device,
    load_fixture,
    next_period,
    port_device,
    port_report,
    post,
    running,
    sent,
    set_up_entry,
    value_of,
)
from .sms.helpers import sms_report, sms_row

GATEWAY_KEYS = {
    "entry_id",
    "title",
    "device_id",
    "firmware",
    "available",
    "registered_ports",
    "currency",
    "ports",
}
PORT_KEYS = {
    "port",
    "device_id",
    "slot",
    "status",
    "status_code",
    "registered",
    "signal",
    "operator",
    "balance",
    "data_today",
    "locked",
    "redialing",
    "available",
    "public_ip",
    "entities",
}
ADMIN_ONLY = [
    {"type": "ejoin/inbox"},
    {"type": "ejoin/inbox/subscribe"},
    {"type": "ejoin/sms/subscribe"},
    {"type": "ejoin/send_sms", "device_id": "x", "numbers": ["+1"], "message": "Hi"},
]


class Ws:
    """A WebSocket client of Home Assistant, one command or event at a time."""

    def __init__(self, client: MockHAClientWebSocket) -> None:
        """Talk through ``client``."""
        self.client = client

    async def reply(self, **message: Any) -> dict[str, Any]:
        """Send a command; return its answer."""
        await self.client.send_json_auto_id(message)
        return await self.next_message()

    async def result(self, **message: Any) -> Any:
        """Send a command that succeeds; return its result."""
        reply = await self.reply(**message)
        assert reply["success"], reply
        return reply["result"]

    async def error(self, **message: Any) -> dict[str, Any]:
        """Send a command that fails; return its error (code and message)."""
        reply = await self.reply(**message)
        assert not reply["success"], reply
        return dict(reply["error"])

    async def subscribe(self, **message: Any) -> int:
        """Subscribe; return the subscription's id."""
        await self.client.send_json_auto_id(message)
        reply = await self.next_message()
        assert (reply["success"], reply["result"]) == (True, None), reply
        return int(message["id"])

    async def event(self, subscription: int) -> Any:
        """Return the next message: an event of the subscription."""
        message = await self.next_message()
        assert (message["id"], message["type"]) == (subscription, "event"), message
        return message["event"]

    async def nothing_more(self) -> None:
        """Check that no message waits: a ping's answer comes next."""
        await self.client.send_json_auto_id({"type": "ping"})
        assert (await self.next_message())["type"] == "pong"

    async def next_message(self) -> dict[str, Any]:
        """Return the next message, waiting up to 5 s."""
        async with asyncio.timeout(5):
            message: dict[str, Any] = await self.client.receive_json()
        return message


@pytest.fixture
async def ws(hass: HomeAssistant, hass_ws_client: WebSocketGenerator) -> Ws:
    """Connect as an administrator (after the gateway's set-up, as a browser would)."""
    return Ws(await hass_ws_client(hass))


async def let_the_batch_go(hass: HomeAssistant) -> None:
    """Let the half second pass in which a gateway's changed ports are gathered."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=1))
    await hass.async_block_till_done()


def unknown_as_none(state: str) -> str | None:
    """Read an entity's state, no value as None."""
    return None if state in ("unknown", "unavailable") else state


def as_its_entities_show(hass: HomeAssistant, port: int) -> dict[str, Any]:
    """Return what a port's view must say, read from the port's entities."""
    dbm = unknown_as_none(value_of(hass, "signal_strength", port))
    balance = unknown_as_none(value_of(hass, "balance", port))
    data_today = unknown_as_none(value_of(hass, "data_today", port))
    slot = unknown_as_none(value_of(hass, "active_slot", port))
    return {
        "port": port,
        "device_id": port_device(hass, port),
        "status": unknown_as_none(value_of(hass, "status", port)),
        "registered": value_of(hass, "registered", port, "binary_sensor") == "on",
        "signal": None if dbm is None else (int(dbm) + 113) // 2,
        "operator": unknown_as_none(value_of(hass, "operator", port)),
        "balance": None if balance is None else float(balance),
        "data_today": None if data_today is None else float(data_today),
        "slot": None if slot is None else int(slot),
        "locked": value_of(hass, "locked", port, "switch") == "on",
    }


def check_entities(hass: HomeAssistant, view: dict[str, Any]) -> None:
    """Check that the view names the port's enabled entities by key, only the port's."""
    port = view["port"]
    entities = view["entities"]
    for key, platform in [
        ("status", "sensor"),
        ("balance", "sensor"),
        ("registered", "binary_sensor"),
        ("redial", "button"),
        ("reset", "button"),
        ("identify", "button"),
        ("locked", "switch"),
        ("active_slot_select", "select"),
        ("sms", "event"),
    ]:
        assert entities[key] == entity_id(hass, key, port, platform)
    assert "imei" not in entities  # disabled by default: the user does not have it
    registry = er.async_get(hass)
    devices = {registry.async_get(found).device_id for found in entities.values()}  # type: ignore[union-attr]
    assert devices == {port_device(hass, port)}


def port_of(view: dict[str, Any], port: int) -> dict[str, Any]:
    """Return one port's view of a gateway's view."""
    [found] = [item for item in view["ports"] if item["port"] == port]
    return found


# --- ejoin/farm --------------------------------------------------------------------------


@EACH_FIRMWARE
async def test_the_farm_shows_each_port_as_its_entities_do(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, ws: Ws
) -> None:
    """Every port the gateway reported, by number, as its sensors and switches show it."""
    [gateway] = (await ws.result(type="ejoin/farm"))["gateways"]

    assert set(gateway) == GATEWAY_KEYS
    assert {key: gateway[key] for key in GATEWAY_KEYS - {"ports"}} == {
        "entry_id": entry.entry_id,
        "title": "Ejoin 127.0.0.1",
        "device_id": gateway_device(hass),
        "firmware": value_of(hass, "firmware"),
        "available": True,
        "registered_ports": int(value_of(hass, "registered_ports")),
        "currency": None,
    }
    assert [view["port"] for view in gateway["ports"]] == list(range(1, 9))
    for view in gateway["ports"]:
        assert set(view) == PORT_KEYS
        shown = {key: view[key] for key in as_its_entities_show(hass, view["port"])}
        assert shown == as_its_entities_show(hass, view["port"])
        assert (view["redialing"], view["available"]) == (False, True)
        check_entities(hass, view)
    public_ips = {view["port"]: view["public_ip"] for view in gateway["ports"]}
    if simulator.gateway.profile == "proxy":
        assert public_ips == {
            port: value_of(hass, "public_ip", port) for port in range(1, 9)
        }
    else:
        assert set(public_ips.values()) == {None}


async def test_the_farm_lists_every_loaded_gateway_or_the_one_asked_for(
    hass: HomeAssistant,
    second: Simulator,
    two_entries: tuple[MockConfigEntry, MockConfigEntry],
    ws: Ws,
) -> None:
    """Both gateways in the order they were added; one by its entry; others not found."""
    first, other = two_entries
    hass.config_entries.async_update_entry(
        other, options={**other.options, CONF_CURRENCY: "EUR"}
    )
    await hass.async_block_till_done(wait_background_tasks=True)

    gateways = (await ws.result(type="ejoin/farm"))["gateways"]
    assert [(g["entry_id"], g["title"]) for g in gateways] == [
        (first.entry_id, "Ejoin 127.0.0.1"),
        (other.entry_id, "Second"),
    ]
    [only] = (await ws.result(type="ejoin/farm", entry_id=other.entry_id))["gateways"]
    assert only["device_id"] == gateway_device(hass, SECOND_MAC)
    assert only["currency"] == "EUR"
    assert len(only["ports"]) == 4
    locked = port_of(only, 2)
    assert (locked["locked"], locked["status"], locked["registered"]) == (
        True,
        "user_locked",
        False,
    )

    assert await ws.error(type="ejoin/farm", entry_id="nope") == {
        "code": "not_found",
        "message": "No loaded Ejoin gateway nope",
    }
    assert await hass.config_entries.async_unload(other.entry_id)
    error = await ws.error(type="ejoin/farm", entry_id=other.entry_id)
    assert error["code"] == "not_found"
    gateways = (await ws.result(type="ejoin/farm"))["gateways"]
    assert [g["entry_id"] for g in gateways] == [first.entry_id]


# --- ejoin/farm/subscribe ----------------------------------------------------------------


async def test_a_port_status_sends_that_port_once_half_a_second_later(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
    ws: Ws,
) -> None:
    """A snapshot first; then a report's changed port, gathered, as a ports event."""
    subscription = await ws.subscribe(type="ejoin/farm/subscribe")
    snapshot = await ws.event(subscription)
    assert snapshot == {
        "kind": "snapshot",
        "gateways": (await ws.result(type="ejoin/farm"))["gateways"],
    }
    assert port_of(snapshot["gateways"][0], 3)["balance"] != 12.5

    await post(hass, client, port_report(simulator, 3, bal="12.5"))
    await ws.nothing_more()  # gathered for half a second
    await let_the_batch_go(hass)

    event = await ws.event(subscription)
    assert event["kind"] == "ports"
    assert event["entry_id"] == entry.entry_id
    [view] = event["ports"]
    assert (view["port"], view["balance"]) == (3, 12.5)
    assert view == port_of((await ws.result(type="ejoin/farm"))["gateways"][0], 3)
    # The same report again changes nothing: nothing is sent.
    await post(hass, client, port_report(simulator, 3, bal="12.5"))
    await let_the_batch_go(hass)
    await ws.nothing_more()


async def test_a_dev_status_changing_64_ports_is_one_message(
    hass: HomeAssistant, client: TestClient, socket_enabled: None, ws: Ws
) -> None:
    """Every port of a 64-port gateway changed by one dev-status: one ports event."""
    gateway = Gateway.create(
        ports=64, slots=1, mac=GATEWAY_MAC_DASHED, firmware=FIRMWARE
    )
    async with running(gateway) as simulator:
        entry = await set_up_entry(hass, simulator, entry_for(simulator))
        subscription = await ws.subscribe(type="ejoin/farm/subscribe")
        assert len((await ws.event(subscription))["gateways"][0]["ports"]) == 64
        for port in gateway.ports.values():
            if (sim := port.sim) is not None:
                sim.balance += 1

        await post(hass, client, dev_status(simulator))
        await let_the_batch_go(hass)

        event = await ws.event(subscription)
        assert (event["kind"], event["entry_id"]) == ("ports", entry.entry_id)
        assert [view["port"] for view in event["ports"]] == list(range(1, 65))
        await ws.nothing_more()
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_the_gateway_going_silent_and_back_is_sent(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
    ws: Ws,
) -> None:
    """Its availability goes out at once; every port follows, unavailable, then back.

    The watch says it is silent (moving the clock by periods would close the
    WebSocket too); a report brings it back.
    """
    subscription = await ws.subscribe(type="ejoin/farm/subscribe")
    registered = (await ws.event(subscription))["gateways"][0]["registered_ports"]

    entry.runtime_data.gateway.mark_silent(180)
    gone = {
        "kind": "gateway",
        "entry_id": entry.entry_id,
        "available": False,
        "registered_ports": registered,
        "firmware": FIRMWARE,
    }
    assert await ws.event(subscription) == gone
    await let_the_batch_go(hass)
    ports = await ws.event(subscription)
    assert [view["available"] for view in ports["ports"]] == [False] * 8

    await post(hass, client, dev_status(simulator))
    assert await ws.event(subscription) == {**gone, "available": True}
    await let_the_batch_go(hass)
    ports = await ws.event(subscription)
    assert [view["available"] for view in ports["ports"]] == [True] * 8
    await ws.nothing_more()


async def test_a_port_leaving_the_network_changes_the_registered_count(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
    ws: Ws,
) -> None:
    """The gateway's count goes out at once, the port half a second later."""
    subscription = await ws.subscribe(type="ejoin/farm/subscribe")
    registered = (await ws.event(subscription))["gateways"][0]["registered_ports"]

    await post(hass, client, port_report(simulator, 1, st=0))
    assert await ws.event(subscription) == {
        "kind": "gateway",
        "entry_id": entry.entry_id,
        "available": True,
        "registered_ports": registered - 1,
        "firmware": FIRMWARE,
    }
    await let_the_batch_go(hass)
    [view] = (await ws.event(subscription))["ports"]
    assert (view["port"], view["status"], view["registered"]) == (1, "no_sim", False)


async def test_a_redial_is_sent_when_it_starts_and_when_it_ends(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
    ws: Ws,
) -> None:
    """The redialled port is marked while the redial is under way."""
    subscription = await ws.subscribe(type="ejoin/farm/subscribe")
    registered = (await ws.event(subscription))["gateways"][0]["registered_ports"]

    await act(hass, "redial", {"device_id": port_device(hass, 2)})
    await let_the_batch_go(hass)
    [view] = (await ws.event(subscription))["ports"]
    assert (view["port"], view["redialing"]) == (2, True)

    await post(hass, client, port_report(simulator, 2, st=2))  # registering
    await post(hass, client, port_report(simulator, 2, st=3))  # back: done
    await let_the_batch_go(hass)
    assert (await ws.event(subscription))["registered_ports"] == registered - 1
    assert (await ws.event(subscription))["registered_ports"] == registered
    [view] = (await ws.event(subscription))["ports"]
    assert (view["port"], view["redialing"], view["status"]) == (2, False, "registered")


@PROXY_FIRMWARE
async def test_a_new_public_ip_is_sent(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, ws: Ws
) -> None:
    """A port whose public IP changed at the next reading is sent; others are not."""
    subscription = await ws.subscribe(type="ejoin/farm/subscribe")
    await ws.event(subscription)
    simulator.gateway.ports[4].public_ip = "203.0.113.44"

    coordinator = entry.runtime_data.public_ips
    assert coordinator is not None
    await coordinator.async_refresh()
    await let_the_batch_go(hass)

    [view] = (await ws.event(subscription))["ports"]
    assert (view["port"], view["public_ip"]) == (4, "203.0.113.44")
    await coordinator.async_refresh()  # the same addresses again
    await let_the_batch_go(hass)
    await ws.nothing_more()


@PROXY_FIRMWARE
async def test_an_open_panel_does_not_start_reading_public_ips(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, ws: Ws
) -> None:
    """With every public IP and traffic sensor disabled, nothing is read for them.

    The panel follows the readings the sensors have made, and makes none itself.
    """
    registry = er.async_get(hass)
    for item in er.async_entries_for_config_entry(registry, entry.entry_id):
        if item.unique_id.endswith(("_public_ip", "_data_received", "_data_sent")):
            registry.async_update_entity(
                item.entity_id, disabled_by=er.RegistryEntryDisabler.USER
            )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    subscription = await ws.subscribe(type="ejoin/farm/subscribe")
    await ws.event(subscription)
    simulator.request_log.clear()

    for times in (1, 2, 3):  # three times the default interval of 300 s
        later = dt_util.utcnow() + timedelta(seconds=301 * times)
        async_fire_time_changed(hass, later)
        await hass.async_block_till_done(wait_background_tasks=True)

    assert [request for request in sent(simulator) if request[:3] == PUBLIC_IPS] == []


async def test_snapshots_follow_gateways_loaded_unloaded_and_renamed(
    hass: HomeAssistant, simulator: Simulator, client: TestClient, ws: Ws
) -> None:
    """A gateway not loaded yet is followed once it is; a new title is sent too.

    After unsubscribing, nothing more comes.
    """
    entry = entry_for(simulator)
    entry.add_to_hass(hass)
    assert await ws.error(type="ejoin/farm/subscribe", entry_id="nope") == {
        "code": "not_found",
        "message": "No loaded Ejoin gateway nope",
    }
    subscription = await ws.subscribe(
        type="ejoin/farm/subscribe", entry_id=entry.entry_id
    )
    assert await ws.event(subscription) == {"kind": "snapshot", "gateways": []}

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    [gateway] = (await ws.event(subscription))["gateways"]
    assert gateway["title"] == "Ejoin 127.0.0.1"
    # Renamed, the entry is set up again (its update listener reloads it).
    hass.config_entries.async_update_entry(entry, title="Rack A")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (await ws.event(subscription))["gateways"] == []
    [gateway] = (await ws.event(subscription))["gateways"]
    assert (gateway["title"], len(gateway["ports"])) == ("Rack A", 8)

    # The reloaded gateway's changes are followed (not those of the one before).
    await post(hass, client, port_report(simulator, 5, bal="5.55"))
    await let_the_batch_go(hass)
    [view] = (await ws.event(subscription))["ports"]
    assert (view["port"], view["balance"]) == (5, 5.55)

    await ws.result(type="unsubscribe_events", subscription=subscription)
    await post(hass, client, port_report(simulator, 5, bal="6.66"))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await let_the_batch_go(hass)
    await ws.nothing_more()


async def test_changes_waiting_when_a_gateway_unloads_are_dropped(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
    ws: Ws,
) -> None:
    """A port changed just before the unload: the snapshot without it says it all."""
    subscription = await ws.subscribe(type="ejoin/farm/subscribe")
    await ws.event(subscription)

    await post(hass, client, port_report(simulator, 6, bal="7.77"))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await let_the_batch_go(hass)

    assert await ws.event(subscription) == {"kind": "snapshot", "gateways": []}
    await ws.nothing_more()


# --- permissions -------------------------------------------------------------------------


@pytest.mark.usefixtures("entry")
async def test_a_user_who_is_no_administrator_sees_the_ports_only(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    """The card's commands are for everyone; texts and numbers for administrators."""
    user = Ws(await hass_ws_client(hass, hass_read_only_access_token))

    assert len((await user.result(type="ejoin/farm"))["gateways"]) == 1
    subscription = await user.subscribe(type="ejoin/farm/subscribe")
    assert (await user.event(subscription))["kind"] == "snapshot"
    for command in ADMIN_ONLY:
        assert (await user.error(**command))["code"] == "unauthorized"


# --- the inbox ---------------------------------------------------------------------------


async def test_the_inbox_lists_every_gateways_sms_newest_first(
    hass: HomeAssistant,
    second: Simulator,
    client: TestClient,
    two_entries: tuple[MockConfigEntry, MockConfigEntry],
    ws: Ws,
) -> None:
    """Kept SMS of both gateways, the last received first, each naming its gateway."""
    first, other = two_entries
    await post(hass, client, sms_report(sms_row("to the first", port="2.01")))
    second.gateway.receive_sms(3, 1, "+15550007777", "to the second")
    await next_period(hass)  # recovered from the second gateway's store

    messages = (await ws.result(type="ejoin/inbox"))["messages"]
    assert [(m["gateway"], m["text"]) for m in messages] == [
        ("Second", "to the second"),
        ("Ejoin 127.0.0.1", "to the first"),
    ]
    newest = messages[0]
    assert newest == {
        "id": newest["id"],
        "entry_id": other.entry_id,
        "gateway": "Second",
        "port": 3,
        "slot": 1,
        "sender": "+15550007777",
        "recipient": newest["recipient"],
        "text": "to the second",
        "received_at": newest["received_at"],
        "recovered": True,
    }
    assert isinstance(newest["id"], str)
    one = await ws.result(type="ejoin/inbox", entry_id=first.entry_id)
    assert [m["text"] for m in one["messages"]] == ["to the first"]
    limited = await ws.result(type="ejoin/inbox", limit=1)
    assert limited["messages"] == messages[:1]
    assert (await ws.error(type="ejoin/inbox", entry_id="nope"))["code"] == "not_found"
    assert (await ws.error(type="ejoin/inbox", limit=0))["code"] == "invalid_format"


async def test_the_inbox_subscription_sends_each_new_sms(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
    ws: Ws,
) -> None:
    """A report's SMS come together, newest first; delivery reports never come.

    The subscription follows the gateway set up again.
    """
    everything = await ws.subscribe(type="ejoin/inbox/subscribe")
    this_one = await ws.subscribe(type="ejoin/inbox/subscribe", entry_id=entry.entry_id)
    error = await ws.error(type="ejoin/inbox/subscribe", entry_id="nope")
    assert error["code"] == "not_found"

    await post(hass, client, sms_report(sms_row("one"), sms_row("two", port="4.01")))
    first = await ws.event(everything)
    assert [(m["text"], m["port"]) for m in first["messages"]] == [
        ("two", 4),
        ("one", 1),
    ]
    assert first["messages"] == (await ws.event(this_one))["messages"]
    assert first == await ws.result(type="ejoin/inbox")

    await post(hass, client, load_fixture("recv_sms_delivery_report"))
    await ws.nothing_more()

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await post(hass, client, sms_report(sms_row("three", at=1714556800)))
    [message] = (await ws.event(everything))["messages"]
    assert (message["text"], message["entry_id"]) == ("three", entry.entry_id)
    await ws.event(this_one)
    await ws.nothing_more()


# --- sending -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "delivery_report", "sending_port"),
    [("gateway", None, None), (5, True, "5")],
)
async def test_send_sms_sends_through_the_action(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_admin_user: MockUser,
    ws: Ws,
    target: str | int,
    delivery_report: bool | None,
    sending_port: str | None,
) -> None:
    """From the gateway (any port) or a port; the answer is the action's, as the user."""
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    device = gateway_device(hass) if target == "gateway" else port_device(hass, 5)
    message: dict[str, Any] = {
        "type": "ejoin/send_sms",
        "device_id": device,
        "numbers": ["+15550001111", "+15550002222"],
        "message": "Grüße",
    }
    if delivery_report is not None:
        message["delivery_report"] = delivery_report

    result = await ws.result(**message)

    [(method, path, query, body)] = sent(simulator)
    assert (method, path, query) == SMS
    [task] = body["tasks"]
    assert (task["to"], task["sms"], task["dr"]) == (
        "+15550001111,+15550002222",
        "Grüße",
        1 if delivery_report else 0,
    )
    assert task.get("from") == sending_port
    assert result == {
        "tasks": [{"task_id": task["tid"], "accepted": True, "status": "OK"}]
    }
    [call] = [event for event in calls if event.data["domain"] == DOMAIN]
    assert call.data["service"] == "send_sms"
    assert call.context.user_id == hass_admin_user.id


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        (
            {"numbers": [" "]},
            "send_failed",
            "Give at least one phone number to send to",
        ),
        (
            {"device_id": "no-such-device"},
            "send_failed",
            "no-such-device is not a port or gateway of a loaded Ejoin gateway",
        ),
        ({"numbers": []}, "invalid_format", None),
        ({"message": ""}, "invalid_format", None),
    ],
    ids=["blank_number", "unknown_device", "no_numbers", "no_text"],
)
async def test_send_sms_refused_says_why(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    ws: Ws,
    changes: dict[str, Any],
    code: str,
    message: str | None,
) -> None:
    """What the action refuses comes back with its message; nothing is sent."""
    command = {
        "type": "ejoin/send_sms",
        "device_id": gateway_device(hass),
        "numbers": ["+1555"],
        "message": "Hi",
        **changes,
    }

    error = await ws.error(**command)

    assert error["code"] == code
    if message is not None:
        assert error["message"] == message
    assert sent(simulator) == []


async def test_send_sms_the_gateway_refuses_says_its_reason(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, ws: Ws
) -> None:
    """A locked sending port: the gateway's refusal is the answer."""
    simulator.gateway.ports[1].locked = True

    error = await ws.error(
        type="ejoin/send_sms",
        device_id=port_device(hass, 1),
        numbers=["+1555"],
        message="Hi",
    )

    assert error == {
        "code": "send_failed",
        "message": "The gateway refused the SMS: SIM unregistered (code 5)",
    }


async def test_the_sms_subscription_forwards_progress_sent_and_delivery(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry, ws: Ws
) -> None:
    """Each of the integration's SMS events, with its gateway's entry and its data."""
    progress = async_capture_events(hass, "ejoin_sms_task_progress")
    sent_sms = async_capture_events(hass, "ejoin_sms_sent")
    delivery = async_capture_events(hass, "ejoin_sms_delivery_report")
    subscription = await ws.subscribe(type="ejoin/sms/subscribe")

    await post(hass, client, load_fixture("status_report_sdr_fdr"))
    await post(hass, client, load_fixture("sent_sms_failed"))
    await post(hass, client, load_fixture("recv_sms_delivery_report"))

    expected = [
        *(("progress", event.data) for event in progress),
        *(("sent", event.data) for event in sent_sms),
        *(("delivery", event.data) for event in delivery),
    ]
    assert len(expected) >= 3
    for kind, data in expected:
        assert await ws.event(subscription) == {
            "kind": kind,
            "entry_id": entry.entry_id,
            "data": data,
        }
    await ws.nothing_more()


async def test_sms_events_of_no_known_gateway_name_no_entry(
    hass: HomeAssistant, entry: MockConfigEntry, ws: Ws
) -> None:
    """An event naming no device, or one of another integration, has no entry."""
    subscription = await ws.subscribe(type="ejoin/sms/subscribe")
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    stranger = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "1")}
    )

    for device_id in (None, "gone", stranger.id):
        hass.bus.async_fire("ejoin_sms_sent", {"gateway_device_id": device_id})
        await hass.async_block_till_done()
        assert (await ws.event(subscription))["entry_id"] is None


async def test_sms_kept_as_the_inbox_subscription_ends_are_not_sent(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """An SMS kept in the very step the subscription ends is not sent after it."""
    events: list[dict[str, Any]] = []
    stop = InboxWatch(hass, None, events.append).start()

    entry.runtime_data.recent_sms.add("fingerprint", {"text": "Hi"})
    stop()
    await hass.async_block_till_done()

    assert events == []
