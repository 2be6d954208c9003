"""A real Home Assistant and a simulated gateway, through Home Assistant's APIs only.

Everything runs twice: against the SMS gateways' firmware and against the 4G proxies'
("MultiWAN") firmware, each simulated as PROTOCOL.md describes the hardware (partial
port reports, a login page for a wrong password, state 15 and nested op=get answers on
proxy firmware, settings lost at a reboot unless saved).

For each firmware the module's ``stack`` fixture starts both processes and onboards
Home Assistant through its REST API. The tests then run in file order on that pair,
each building on the last: the gateway is added through the config-flow REST API (a
wrong password first), its entities are compared with the simulator's model, an SMS
comes in (and one that was not pushed is recovered from the gateway's store when the
entry reloads), the gateway reboots and still pushes SMS, a port is redialled, an SMS
goes out, and finally the gateway goes away and comes back. Home Assistant is only
ever asked through its REST and WebSocket APIs; the simulator through its control API
(``/_sim/...``).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
import time
from typing import Any

import aiohttp
import pytest

from ejoin_dev.api import HomeAssistantApi, WebSocket

from .conftest import Stack
from .helpers import (
    DOMAIN,
    WORKING,
    WORKING_STATE,
    ejoin_entry,
    firmware_of,
    next_event,
    simulate,
    simulator_state,
    wait_until,
)

pytestmark = pytest.mark.parametrize("stack", ["sms", "proxy"], indirect=True)

PORTS = range(1, 9)  # the simulator's default: 8 ports
# What a user sees of the SIM's identities unless they enable these diagnostic sensors.
IDENTITY_KEYS = ("imei", "imsi", "iccid")
# Read from proxy firmware every 5 minutes, not pushed: their availability follows
# those readings, not the gateway's reports, so it is not watched here.
PROXY_KEYS = ("public_ip", "data_received", "data_sent")

# Time limits, in seconds. Three report periods of 60 s without a word make the
# entities unavailable; the gateway's last word came up to a period before it stopped.
SMS_WITHIN = 10
NO_REPEAT_FOR = 2
REBOOT_WITHIN = 15
REDIAL_WITHIN = 30
SMS_SENT_WITHIN = 15
UNAVAILABLE_WITHIN = 300
BACK_WITHIN = 130
POLL_EVERY = 2


# --- what Home Assistant and the simulator show ---------------------------------------


@dataclass(frozen=True)
class Registry:
    """The gateway's devices and entities as Home Assistant's registries list them."""

    entry_id: str
    mac: str
    gateway_device: dict[str, Any]
    port_devices: dict[int, dict[str, Any]]  # by port number
    entities: dict[tuple[str, str], dict[str, Any]]  # by (entity domain, unique id)

    def port_entity(self, domain: str, port: int, key: str) -> str:
        """Return the entity id of one of a port's entities."""
        return str(self.entities[domain, f"{self.mac}_{port}_{key}"]["entity_id"])

    def gateway_entity(self, domain: str, key: str) -> str:
        """Return the entity id of one of the gateway's own entities."""
        return str(self.entities[domain, f"{self.mac}_{key}"]["entity_id"])

    def port_device_id(self, port: int) -> str:
        """Return the device id of a port, as actions and events name it."""
        return str(self.port_devices[port]["id"])

    def watched(self) -> list[str]:
        """Every enabled entity whose availability follows the gateway's reports."""
        return sorted(
            entity["entity_id"]
            for (_, unique_id), entity in self.entities.items()
            if entity["disabled_by"] is None
            and not unique_id.endswith(tuple(f"_{key}" for key in PROXY_KEYS))
        )


async def read_registry(api: HomeAssistantApi, entry_id: str) -> Registry:
    """Read the entry's devices and entities over the WebSocket API."""
    async with api.websocket() as socket:
        devices = await socket.devices()
        entities = await entity_registry(socket)
    mine = [device for device in devices if entry_id in device["config_entries"]]
    gateways: list[tuple[str, dict[str, Any]]] = []
    ports: dict[int, dict[str, Any]] = {}
    for device in mine:
        for domain, identifier in device["identifiers"]:
            if domain != DOMAIN:
                continue
            mac, separator, port = identifier.rpartition("_port_")
            if separator and port.isdigit():
                ports[int(port)] = device
            else:
                gateways.append((identifier, device))
    assert len(gateways) == 1, f"expected one gateway device, found {mine}"
    mac, gateway = gateways[0]
    return Registry(
        entry_id=entry_id,
        mac=mac,
        gateway_device=gateway,
        port_devices=ports,
        entities={
            (entity["entity_id"].split(".", 1)[0], entity["unique_id"]): entity
            for entity in entities
            if entity["config_entry_id"] == entry_id
        },
    )


async def entity_registry(socket: WebSocket) -> list[dict[str, Any]]:
    """Return every entry of the entity registry."""
    entities: list[dict[str, Any]] = await socket.command(
        {"type": "config/entity_registry/list"}
    )
    return entities


def expected_states(
    registry: Registry, model: dict[str, Any], *, public_ip: bool = True
) -> dict[str, Any]:
    """Say what each entity should show for the simulator's model, by entity id.

    ``public_ip`` False leaves out the public IPs of proxy firmware (read every few
    minutes, not pushed).
    """
    firmware = model["firmware"]
    expected: dict[str, Any] = {}
    for number in PORTS:
        port = model["ports"][str(number)]
        sim = port["sims"][str(port["active_slot"])]
        # Every simulated SIM is on the network unless a test changes that: so the
        # values below are real ones, never a comparison of unknowns.
        assert port["status"] == WORKING[firmware], f"port {number}: {port}"

        def entity(domain: str, key: str, *, of: int = number) -> str:
            return registry.port_entity(domain, of, key)

        expected |= {
            entity("sensor", "status"): WORKING_STATE[firmware],
            entity("binary_sensor", "registered"): "on",
            # The modem's 0-31 scale in dBm.
            entity("sensor", "signal_strength"): str(-113 + 2 * min(sim["signal"], 31)),
            entity("sensor", "operator"): sim["operator"],
            entity("sensor", "balance"): f"{sim['balance']:.2f}",
            entity("sensor", "sim_number"): sim["number"],
            entity("sensor", "active_slot"): str(port["active_slot"]),
            entity("select", "active_slot_select"): str(port["active_slot"]),
            entity("switch", "locked"): "on" if port["locked"] else "off",
        }
        if public_ip and firmware == "proxy":  # the SMS firmware knows none
            expected[entity("sensor", "public_ip")] = port["public_ip"]
    expected[registry.gateway_entity("sensor", "registered_ports")] = str(len(PORTS))
    return expected


def shown_states(
    registry: Registry, states: dict[str, dict[str, Any]], expected: dict[str, Any]
) -> dict[str, Any]:
    """Return what Home Assistant shows for the entities of ``expected``."""
    balances = {registry.port_entity("sensor", port, "balance") for port in PORTS}
    shown: dict[str, Any] = {}
    for entity_id in expected:
        state: Any = states.get(entity_id, {}).get("state")
        if entity_id in balances:
            # Money to the cent: the state "12.5" is the gateway's "12.50". Anything
            # else ("unknown", missing) is left as it is, so that the mismatch shows.
            with contextlib.suppress(TypeError, ValueError):
                state = f"{float(state):.2f}"
        shown[entity_id] = state
    return shown


# --- the tests, in the order they build on each other ---------------------------------


async def test_the_gateway_is_added_through_the_config_flow(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """Adding the gateway in the config flow gives a gateway device and 8 port devices.

    The user first mistypes the password: the gateway answers with its web login page
    (not an error code), and the form says the credentials are wrong. Then the user
    enters the web interface's login, takes the suggested report URL, and gets a loaded
    entry; the gateway is told where to report, and to keep the SMS URL (save).
    """
    api = stack.api(session)
    simulator = stack.simulator
    flow = await api.request(
        "POST",
        "/api/config/config_entries/flow",
        json={"handler": DOMAIN, "show_advanced_options": False},
    )
    wrong = await api.request(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        json={
            "host": "127.0.0.1",
            "port": simulator.port,
            "username": simulator.username,
            "password": "not the password",
        },
    )
    assert (wrong["type"], wrong["errors"]) == ("form", {"base": "invalid_auth"})
    await api.request("DELETE", f"/api/config/config_entries/flow/{flow['flow_id']}")

    entry = await api.add_gateway(
        "127.0.0.1", simulator.port, simulator.username, simulator.password
    )

    assert (entry["domain"], entry["title"], entry["state"]) == (
        DOMAIN,
        "Ejoin 8-port 0203",
        "loaded",
    ), entry
    model = await simulator_state(session, stack)
    registry = await read_registry(api, entry["entry_id"])
    gateway = registry.gateway_device
    # The gateway is known by its MAC address, as the simulator gives it.
    assert registry.mac == model["mac"].replace("-", ":").lower()
    assert (gateway["name"], gateway["manufacturer"], gateway["sw_version"]) == (
        "Ejoin 8-port 0203",
        "Ejoin",
        "532-600-999-041-100-000",
    ), gateway
    assert sorted(registry.port_devices) == list(PORTS)
    for number, device in registry.port_devices.items():
        assert (device["name"], device["via_device_id"]) == (
            f"Ejoin 8-port 0203 Port {number}",
            gateway["id"],
        ), f"port {number}: {device}"
    # Exactly these devices belong to the entry: the gateway and its ports.
    async with api.websocket() as socket:
        devices = await socket.devices()
    assert sum(entry["entry_id"] in device["config_entries"] for device in devices) == 9
    # The gateway was pointed at Home Assistant's webhook, with the default period.
    assert model["report_url"].startswith(f"{stack.hass.url}/api/webhook/"), model
    assert model["report_period"] == 60
    # SMS go there too, for good: the setting was saved, so a reboot keeps it.
    assert model["sms_url"] == model["saved_sms_url"] == model["report_url"]
    assert model["firmware"] == firmware_of(stack)


async def test_entity_states_match_the_simulated_gateway(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """Every port shows what the gateway says about its SIM, and the SIM stays private.

    Status, registration, signal in dBm, operator, balance, SIM number, active slot,
    lock and (proxy firmware) public IP of each port, and the gateway's count of
    registered ports, are exactly the simulator's; the SIM's identities (IMEI, IMSI,
    ICCID) are not shown unless the user enables their sensors. The SMS firmware, which
    knows no public IPs, gets no public IP or traffic sensors.
    """
    api = stack.api(session)
    registry = await read_registry(api, await ejoin_entry(api))
    model = await simulator_state(session, stack)
    states = await api.states()

    expected = expected_states(registry, model)
    assert shown_states(registry, states, expected) == expected
    # A port's status says why, as the gateway's code.
    for number in PORTS:
        status = states[registry.port_entity("sensor", number, "status")]
        assert status["attributes"]["code"] == model["ports"][str(number)]["status"]
    for number in PORTS:
        for key in IDENTITY_KEYS:
            entity = registry.entities["sensor", f"{registry.mac}_{number}_{key}"]
            assert entity["disabled_by"] == "integration", entity
            assert entity["entity_id"] not in states
    proxy_entities = [
        unique_id
        for _, unique_id in registry.entities
        if unique_id.endswith(tuple(f"_{key}" for key in PROXY_KEYS))
    ]
    assert len(proxy_entities) == (
        len(PORTS) * len(PROXY_KEYS) if firmware_of(stack) == "proxy" else 0
    )


async def test_an_sms_arrives_as_exactly_one_event(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """An SMS the gateway receives fires ejoin_sms_received once, text and all.

    The event names the port's device, so an automation can act on it; the port's
    SMS event entity shows the message too.
    """
    api = stack.api(session)
    registry = await read_registry(api, await ejoin_entry(api))
    model = await simulator_state(session, stack)
    port = model["ports"]["2"]
    recipient = port["sims"][str(port["active_slot"])]["number"]
    text = "Ihr Code: 4711 ✓ — gültig 5 Minuten"
    async with api.websocket() as socket:
        received = await socket.subscribe("ejoin_sms_received")

        await simulate(
            session, stack, "sms", {"port": 2, "sender": "+15550001234", "text": text}
        )

        event = await next_event(received, SMS_WITHIN, "ejoin_sms_received", stack)
        # The gateway also keeps the SMS in its store, which Home Assistant reads too:
        # the same message must not fire again.
        await asyncio.sleep(NO_REPEAT_FOR)
        repeats = [received.get_nowait() for _ in range(received.qsize())]
    assert repeats == [], f"the SMS fired more than once: {[event, *repeats]}"
    data = event["data"]
    assert {
        key: data[key]
        for key in (
            "gateway_device_id",
            "device_id",
            "port",
            "slot",
            "sender",
            "recipient",
            "text",
            "recovered",
        )
    } == {
        "gateway_device_id": registry.gateway_device["id"],
        "device_id": registry.port_device_id(2),
        "port": 2,
        "slot": port["active_slot"],
        "sender": "+15550001234",
        "recipient": recipient,
        "text": text,
        "recovered": False,
    }
    states = await api.states()
    sms_entity = states[registry.port_entity("event", 2, "sms")]
    attributes = sms_entity["attributes"]
    assert (attributes["event_type"], attributes["sender"], attributes["text"]) == (
        "received",
        "+15550001234",
        text,
    ), sms_entity


async def test_an_sms_missed_while_reloading_is_recovered_and_none_fires_twice(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """An SMS that was never pushed is found in the gateway's store and fired once.

    The gateway's store now holds the SMS of the last test and one it did not push.
    When the entry is reloaded, Home Assistant reads the store: the missed SMS fires
    with ``recovered: true``, and the one already fired does not fire again, although
    the same read finds it first.
    """
    api = stack.api(session)
    entry_id = await ejoin_entry(api)
    registry = await read_registry(api, entry_id)
    text = "Alarm: water detected"
    async with api.websocket() as socket:
        received = await socket.subscribe("ejoin_sms_received")

        stored = await simulate(
            session,
            stack,
            "sms",
            {"port": 5, "sender": "+15550004321", "text": text, "push": False},
        )
        assert stored["id"] == 2, stored  # the store holds both SMS
        answer = await api.request(
            "POST", f"/api/config/config_entries/entry/{entry_id}/reload"
        )
        assert answer == {"require_restart": False}, answer

        event = await next_event(
            received, SMS_WITHIN, "the recovered ejoin_sms_received", stack
        )
        await asyncio.sleep(NO_REPEAT_FOR)
        repeats = [received.get_nowait() for _ in range(received.qsize())]
    assert repeats == [], f"more than the missed SMS fired: {[event, *repeats]}"
    data = event["data"]
    assert {
        key: data[key] for key in ("device_id", "port", "sender", "text", "recovered")
    } == {
        "device_id": registry.port_device_id(5),
        "port": 5,
        "sender": "+15550004321",
        "text": text,
        "recovered": True,
    }
    entry = await api.request(
        "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
    )
    assert [item["state"] for item in entry] == ["loaded"]


async def test_sms_still_arrive_by_push_after_the_gateway_reboots(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """The gateway reboots: SMS still arrive at once, pushed, not recovered later.

    A gateway forgets at a reboot what was set and not saved; the SMS URL was saved.
    """
    api = stack.api(session)
    text = "Rebooted and still here"
    async with api.websocket() as socket:
        received = await socket.subscribe("ejoin_sms_received")

        await simulate(session, stack, "reboot", {})
        model = await wait_until(
            lambda: simulator_state(session, stack),
            lambda state: not state["offline"],
            within=REBOOT_WITHIN,
            what="the gateway to boot",
            stack=stack,
        )
        assert model["sms_url"] == model["report_url"], model
        await simulate(
            session, stack, "sms", {"port": 6, "sender": "+15550006666", "text": text}
        )

        event = await next_event(received, SMS_WITHIN, "the pushed SMS", stack)
    assert (event["data"]["text"], event["data"]["recovered"]) == (text, False)


async def test_a_redial_ends_when_the_port_works_again(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """ejoin.redial: the port re-registers and shows its working status again.

    On proxy firmware the port is done when its data connection is up again ("dial
    successful", 15): only then has it a new public IP, which its Public IP sensor
    then shows; the other ports keep theirs.
    """
    api = stack.api(session)
    firmware = firmware_of(stack)
    registry = await read_registry(api, await ejoin_entry(api))
    status = registry.port_entity("sensor", 3, "status")
    before = (await simulator_state(session, stack))["ports"]["3"]["public_ip"]

    async def shown() -> tuple[str | None, str | None]:
        states = await api.states()
        public_ip = (
            states.get(registry.port_entity("sensor", 3, "public_ip"), {}).get("state")
            if firmware == "proxy"
            else None
        )
        return states.get(status, {}).get("state"), public_ip

    assert (await shown())[0] == WORKING_STATE[firmware]

    await api.call(
        DOMAIN, "redial", {"device_id": [registry.port_device_id(3)], "mode": "flight"}
    )

    def done(values: tuple[str | None, str | None]) -> bool:
        state, public_ip = values
        return state == WORKING_STATE[firmware] and (
            firmware != "proxy" or public_ip not in (before, None, "unknown")
        )

    # First the port leaves its working state, then it is back.
    await wait_until(
        shown,
        lambda values: values[0] != WORKING_STATE[firmware],
        within=REDIAL_WITHIN,
        what=f"{status} to leave {WORKING_STATE[firmware]}",
        stack=stack,
        every=0.2,
    )
    _, after = await wait_until(
        shown, done, within=REDIAL_WITHIN, what="the redial to end", stack=stack
    )
    model = await simulator_state(session, stack)
    assert model["ports"]["3"]["status"] == WORKING[firmware]  # the redial is over
    if firmware != "proxy":
        return
    assert after == model["ports"]["3"]["public_ip"] != before
    # Only port 3 was redialled: the others keep their addresses.
    states = await api.states()
    for number in PORTS:
        if number != 3:
            shown_ip = states[registry.port_entity("sensor", number, "public_ip")]
            assert shown_ip["state"] == model["ports"][str(number)]["public_ip"], number


async def test_send_sms_returns_a_task_and_its_sent_event_follows(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """ejoin.send_sms answers with a task id; ejoin_sms_sent follows for that task.

    The sent event names the recipient and the port that sent it, and the task's
    progress event says it is finished.
    """
    api = stack.api(session)
    registry = await read_registry(api, await ejoin_entry(api))
    port = (await simulator_state(session, stack))["ports"]["4"]
    async with api.websocket() as socket:
        sent = await socket.subscribe("ejoin_sms_sent")
        progress = await socket.subscribe("ejoin_sms_task_progress")

        answer = await api.call(
            DOMAIN,
            "send_sms",
            {
                "numbers": ["+15550009876"],
                "message": "The gate is open.",
                "device_id": [registry.port_device_id(4)],
            },
            response=True,
        )

        tasks = answer["service_response"]["tasks"]
        assert len(tasks) == 1, answer
        task_id = tasks[0]["task_id"]
        assert isinstance(task_id, int), answer
        assert tasks[0]["accepted"] is True, answer
        sent_event = await next_event(sent, SMS_SENT_WITHIN, "ejoin_sms_sent", stack)
        progress_event = await next_event(
            progress, SMS_SENT_WITHIN, "ejoin_sms_task_progress", stack
        )
    data = sent_event["data"]
    assert {
        key: data[key]
        for key in ("task_id", "recipient", "ok", "port", "slot", "device_id")
    } == {
        "task_id": task_id,
        "recipient": "+15550009876",
        "ok": True,
        "port": 4,
        "slot": port["active_slot"],
        "device_id": registry.port_device_id(4),
    }
    data = progress_event["data"]
    assert {
        key: data[key] for key in ("task_id", "sent", "failed", "finished", "sent_to")
    } == {
        "task_id": task_id,
        "sent": 1,
        "failed": 0,
        "finished": True,
        "sent_to": ["+15550009876"],
    }


async def test_a_gateway_that_goes_away_is_unavailable_until_it_returns(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """Gateway off: its entities turn unavailable; back on: they show its state again.

    Home Assistant waits three report periods (3 x 60 s) without a word before it calls
    the gateway gone, so this test takes about four minutes. The gateway that comes
    back has forgotten where to report; Home Assistant's status read points it at the
    webhook again.
    """
    api = stack.api(session)
    registry = await read_registry(api, await ejoin_entry(api))
    watched = registry.watched()
    # Every port's pushed entities and the gateway's own are watched.
    for number in PORTS:
        assert registry.port_entity("sensor", number, "status") in watched
    assert registry.gateway_entity("button", "reboot") in watched

    async def shown() -> dict[str, str | None]:
        states = await api.states()
        return {
            entity_id: states.get(entity_id, {}).get("state") for entity_id in watched
        }

    def unavailable(values: dict[str, str | None]) -> list[str]:
        return [entity for entity, state in values.items() if state == "unavailable"]

    assert unavailable(await shown()) == []

    stack.simulator.stop()
    stopped = time.monotonic()
    await wait_until(
        shown,
        lambda values: len(unavailable(values)) == len(watched),
        within=UNAVAILABLE_WITHIN,
        what=f"all {len(watched)} entities to become unavailable",
        stack=stack,
        every=POLL_EVERY,
    )
    assert time.monotonic() - stopped > 110, (
        "the entities became unavailable before three report periods had passed"
    )

    # A fresh gateway process on the same address, which knows nothing of Home
    # Assistant (no report URL): Home Assistant's status read brings it back.
    stack.simulator.start()
    await wait_until(
        shown,
        lambda values: unavailable(values) == [],
        within=BACK_WITHIN,
        what="the entities to become available again",
        stack=stack,
        every=POLL_EVERY,
    )
    model = await simulator_state(session, stack)
    assert model["report_url"].startswith(f"{stack.hass.url}/api/webhook/"), model
    # They show the gateway's state again (public IPs are read every few minutes,
    # so they are left out here).
    expected = expected_states(registry, model, public_ip=False)
    assert shown_states(registry, await api.states(), expected) == expected
