"""A real Home Assistant and a simulated gateway, through Home Assistant's APIs only.

The tests run in order on one pair of processes (the module's ``stack``): the gateway
is added through the config-flow REST API first, and each test builds on that.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import time
from typing import Any

import aiohttp

from ejoin_dev.api import HomeAssistantApi

from .conftest import Stack

PORTS = range(1, 9)
REGISTERED = 3  # the gateway's status code of a port whose SIM is on the network


async def wait_until[T](
    read: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    within: float,
    what: str,
    stack: Stack,
) -> T:
    """Read every second until ``done``; fail with Home Assistant's log if it never is."""
    deadline = time.monotonic() + within
    value = await read()
    while not done(value):
        assert time.monotonic() < deadline, (
            f"after {within:.0f} s still waiting for {what}; last seen {value!r}\n"
            + stack.hass.log_tail()
        )
        await asyncio.sleep(1)
        value = await read()
    return value


async def model(session: aiohttp.ClientSession, stack: Stack) -> dict[str, Any]:
    """Read the simulated gateway's state through its control API."""
    async with session.get(f"{stack.simulator.url}/_sim/state") as response:
        state: dict[str, Any] = await response.json()
        return state


async def control(
    session: aiohttp.ClientSession, stack: Stack, what: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Make something happen on the simulated gateway (an SMS, a call, ...)."""
    async with session.post(
        f"{stack.simulator.url}/_sim/{what}", json=body
    ) as response:
        assert response.status == 200, await response.text()
        answer: dict[str, Any] = await response.json()
        return answer


async def port_devices(api: HomeAssistantApi) -> dict[int, str]:
    """Return the device id of each port of the gateway, by port number."""
    async with api.websocket() as socket:
        devices = await socket.devices()
    found: dict[int, str] = {}
    for device in devices:
        for domain, identifier in device["identifiers"]:
            if domain == "ejoin" and "_port_" in identifier:
                found[int(identifier.rsplit("_", 1)[1])] = device["id"]
    return found


async def state_of(api: HomeAssistantApi, entity_id: str) -> str | None:
    """Return one entity's state, or None while it has none."""
    return (await api.states()).get(entity_id, {}).get("state")


async def test_the_gateway_is_added_through_the_config_flow(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """Adding the gateway gives a loaded entry, a gateway device and 8 port devices."""
    api = stack.api(session)

    entry = await api.add_gateway("127.0.0.1", stack.simulator.port, "root", "root")

    assert (entry["domain"], entry["title"], entry["state"]) == (
        "ejoin",
        "Ejoin 127.0.0.1",
        "loaded",
    )
    async with api.websocket() as socket:
        devices = [
            device
            for device in await socket.devices()
            if entry["entry_id"] in device["config_entries"]
        ]
    names = sorted(device["name"] for device in devices)
    assert names == sorted(["Ejoin 127.0.0.1", *(f"Port {port}" for port in PORTS)])
    # The gateway was told where to report, and reports there.
    gateway = await model(session, stack)
    assert gateway["report_url"].startswith(f"{stack.hass.url}/api/webhook/")
    assert gateway["report_period"] == 60


async def test_entity_states_match_the_simulated_gateway(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """Each port shows what the gateway says: registration, operator, balance, signal."""
    api = stack.api(session)
    gateway = await model(session, stack)
    states = await api.states()

    for number in PORTS:
        port = gateway["ports"][str(number)]
        sim = port["sims"][str(port["active_slot"])]
        registered = port["status"] == REGISTERED
        shown = {
            "registered": states[f"binary_sensor.port_{number}_registered"]["state"],
            "operator": states[f"sensor.port_{number}_operator"]["state"],
            "balance": float(states[f"sensor.port_{number}_balance"]["state"]),
            "signal": int(states[f"sensor.port_{number}_signal_strength"]["state"]),
            "slot": states[f"select.port_{number}_active_sim_slot"]["state"],
        }
        assert shown == {
            "registered": "on" if registered else "off",
            "operator": sim["operator"],
            "balance": float(sim["balance"]),
            "signal": -113 + 2 * min(sim["signal"], 31),
            "slot": str(port["active_slot"]),
        }, f"port {number}"


async def test_an_sms_arrives_as_exactly_one_event(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """An SMS the gateway receives fires ejoin_sms_received once, with its text."""
    api = stack.api(session)
    ports = await port_devices(api)
    async with api.websocket() as socket:
        received = await socket.subscribe("ejoin_sms_received")

        await control(
            session,
            stack,
            "sms",
            {"port": 2, "sender": "+15550001234", "text": "Your code is 4711"},
        )

        event = await asyncio.wait_for(received.get(), 15)
        # The same SMS is also in the gateway's SMS store, which Home Assistant reads:
        # it must not fire a second time.
        await asyncio.sleep(3)
        assert received.empty()
    data = event["data"]
    assert (data["port"], data["sender"], data["text"], data["device_id"]) == (
        2,
        "+15550001234",
        "Your code is 4711",
        ports[2],
    )


async def test_a_redial_changes_the_ports_public_ip(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """ejoin.redial gives the port a new public IP, which its sensor then shows."""
    api = stack.api(session)
    ports = await port_devices(api)
    sensor = "sensor.port_3_public_ip"
    before = (await model(session, stack))["ports"]["3"]["public_ip"]
    assert await state_of(api, sensor) == before

    await api.call("ejoin", "redial", {"device_id": [ports[3]]})

    after = await wait_until(
        lambda: state_of(api, sensor),
        lambda value: value not in (before, None, "unknown", "unavailable"),
        30,
        "a new public IP",
        stack,
    )
    assert after == (await model(session, stack))["ports"]["3"]["public_ip"]


async def test_send_sms_returns_a_task_and_its_sent_event_follows(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """ejoin.send_sms answers with a task id; ejoin_sms_sent follows for that task."""
    api = stack.api(session)
    ports = await port_devices(api)
    async with api.websocket() as socket:
        sent = await socket.subscribe("ejoin_sms_sent")

        answer = await api.call(
            "ejoin",
            "send_sms",
            {"numbers": ["+15550009876"], "message": "Hello", "device_id": [ports[4]]},
            response=True,
        )

        tasks = answer["service_response"]["tasks"]
        assert [task["accepted"] for task in tasks] == [True]
        task_id = tasks[0]["task_id"]
        assert isinstance(task_id, int)
        event = await asyncio.wait_for(sent.get(), 30)
    data = event["data"]
    assert (data["task_id"], data["recipient"], data["ok"], data["port"]) == (
        task_id,
        "+15550009876",
        True,
        4,
    )


async def test_a_gateway_that_goes_away_is_unavailable_until_it_returns(
    stack: Stack, session: aiohttp.ClientSession
) -> None:
    """Gateway off: its entities turn unavailable; back on: they show its state again.

    Home Assistant waits three report periods (3 x 60 s) before it calls the gateway
    gone, so this test takes about four minutes.
    """
    api = stack.api(session)
    watched = [f"sensor.port_{number}_status" for number in PORTS]
    watched.append("button.ejoin_127_0_0_1_reboot")

    async def shown() -> set[str | None]:
        states = await api.states()
        return {states.get(entity_id, {}).get("state") for entity_id in watched}

    assert "unavailable" not in await shown()

    stack.simulator.stop()
    await wait_until(
        shown, lambda values: values == {"unavailable"}, 300, "unavailable", stack
    )

    # A new gateway process knows nothing of Home Assistant: the status read that
    # Home Assistant makes every period points it at the webhook again.
    stack.simulator.start()
    values = await wait_until(
        shown, lambda values: "unavailable" not in values, 150, "available again", stack
    )
    assert "registered" in values
    gateway = await model(session, stack)
    assert gateway["report_url"].startswith(f"{stack.hass.url}/api/webhook/")
