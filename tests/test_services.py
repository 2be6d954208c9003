"""The actions: the one request each sends, what they answer, and what they refuse."""

from __future__ import annotations

import asyncio
import time
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    floor_registry as fr,
    label_registry as lr,
)
from homeassistant.helpers.storage import Store
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.commands import async_request
from custom_components.ejoin.const import DOMAIN
from ejoin_simulator import Gateway, Simulator

from .helpers import (
    ACTIONS,
    COMMAND,
    FIRMWARE,
    GATEWAY_MAC,
    PROXY_FIRMWARE,
    PUBLIC_IPS,
    SECOND_MAC,
    SMS,
    Target,
    act,
    check_error,
    check_unreachable,
    devices,
    entry_for,
    gateway_device,
    port_device,
    port_report,
    post,
    redial_clock,
    running,
    sent,
    set_up_entry,
    state,
    wait_for,
)

# --- fixtures ----------------------------------------------------------------------------


# --- the request each action sends ---------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "target", "extra", "body"),
    [
        ("redial", (2, 3), {}, {"op": "redial", "ports": "2-3", "mode": 0}),
        (
            "redial",
            (3, 2),
            {"mode": "fast"},
            {"op": "redial", "ports": "2-3", "mode": 1},
        ),
        ("redial", (5,), {"mode": "flight"}, {"op": "redial", "ports": "5", "mode": 0}),
        ("redial", "gateway", {}, {"op": "redial", "ports": "1-8", "mode": 0}),
        ("lock_port", (2, 3), {}, {"op": "lock", "ports": "2-3"}),
        ("lock_port", (7, 1, 2, 7), {}, {"op": "lock", "ports": "1-2,7"}),
        ("unlock_port", (2, 3), {}, {"op": "unlock", "ports": "2-3"}),
        ("unlock_port", "gateway", {}, {"op": "unlock", "ports": "1-8"}),
        ("reset_port", (8, 1, 3, 4), {}, {"op": "reset", "ports": "1,3-4,8"}),
        ("reset_port", "gateway", {}, {"op": "reset", "ports": "1-8"}),
        ("switch_sim", (1, 4), {"slot": 2}, {"op": "switch", "ports": "1B,4B"}),
        ("switch_sim", (6,), {"slot": "4"}, {"op": "switch", "ports": "6D"}),
        (
            "switch_sim",
            "gateway",
            {"slot": 3},
            {"op": "switch", "ports": ",".join(f"{port}C" for port in range(1, 9))},
        ),
        ("reboot", "gateway", {}, {"op": "reboot"}),
        ("save_config", "gateway", {}, {"op": "save"}),
    ],
)
async def test_each_action_sends_one_command(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    *,
    service: str,
    target: Target,
    extra: dict[str, Any],
    body: dict[str, Any],
) -> None:
    """Every port an action targets on a gateway goes to it in one command request."""
    result = await act(hass, service, {"device_id": devices(hass, target), **extra})

    assert result is None
    assert sent(simulator) == [(*COMMAND, {"type": "command", **body})]


async def test_a_gateway_and_its_ports_together_are_the_whole_gateway(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A gateway device with some of its port devices stands for all its ports, once."""
    targets = [port_device(hass, 3), gateway_device(hass), port_device(hass, 3)]

    await act(hass, "lock_port", {"device_id": targets})

    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "1-8"})
    ]


@pytest.mark.usefixtures("socket_enabled")
async def test_redial_of_all_32_ports_is_one_request(hass: HomeAssistant) -> None:
    """Redialling a 32-port gateway, as its device or as 32 ports, sends one request."""
    gateway = Gateway.create(
        ports=32, slots=4, mac=GATEWAY_MAC.replace(":", "-"), firmware=FIRMWARE
    )
    async with running(gateway) as simulator:
        await set_up_entry(hass, simulator, entry_for(simulator))
        clock = redial_clock(hass)
        await act(hass, "redial", {"device_id": devices(hass, "gateway")})
        first = sent(simulator)
        simulator.request_log.clear()
        clock.now += 76  # past the interval and its largest jitter
        ports = devices(hass, tuple(range(32, 0, -1)))
        await act(hass, "redial", {"device_id": ports})

        every_port = {"type": "command", "op": "redial", "ports": "1-32", "mode": 0}
        assert first == [(*COMMAND, every_port)]
        assert sent(simulator) == [(*COMMAND, every_port)]


async def test_one_request_per_gateway(
    hass: HomeAssistant,
    simulator: Simulator,
    second: Simulator,
    two_entries: tuple[MockConfigEntry, MockConfigEntry],
) -> None:
    """Ports of two gateways: each gateway gets one request for its own ports."""
    targets = [
        port_device(hass, 3),
        port_device(hass, 1, SECOND_MAC),
        port_device(hass, 2),
        port_device(hass, 4, SECOND_MAC),
    ]

    await act(hass, "lock_port", {"device_id": targets})

    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "2-3"})
    ]
    assert sent(second) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "1,4"})
    ]


# --- send_sms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "numbers", "extra", "to", "sending_ports"),
    [
        (None, ["+4915112345678"], {}, "+4915112345678", None),
        (
            (),
            "+4915112345678, +4917000000000",
            {},
            "+4915112345678,+4917000000000",
            None,
        ),
        (
            "gateway",
            ["+1555000111", " +1555000222 "],
            {},
            "+1555000111,+1555000222",
            None,
        ),
        ((2, 1), ["+1555000111"], {"delivery_report": True}, "+1555000111", "1-2"),
        ((5,), ["+1555000111"], {"delivery_report": False}, "+1555000111", "5"),
        ((4, "gateway"), ["+1555000111"], {}, "+1555000111", None),
    ],
    ids=[
        "no_device",
        "csv_numbers",
        "gateway",
        "ports_1_2",
        "port_5",
        "port_and_gateway",
    ],
)
async def test_send_sms_request_and_response(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    *,
    target: tuple[Any, ...] | str | None,
    numbers: list[str] | str,
    extra: dict[str, Any],
    to: str,
    sending_ports: str | None,
) -> None:
    """One task: to comma-joined, UTF-8 text; "from" only when sending ports were chosen."""
    data: dict[str, Any] = {
        "numbers": numbers,
        "message": "Grüße 👋\nline two",
        **extra,
    }
    if target == "gateway":
        data["device_id"] = devices(hass, "gateway")
    elif target is not None:
        data["device_id"] = [
            gateway_device(hass) if item == "gateway" else port_device(hass, item)
            for item in target
        ]

    response = await act(hass, "send_sms", data, response=True)

    [(method, path, query, body)] = sent(simulator)
    assert (method, path, query) == SMS
    task_id = body["tasks"][0]["tid"]
    task: dict[str, Any] = {
        "tid": task_id,
        "to": to,
        "sms": "Grüße 👋\nline two",
        "chs": "utf8",
        "smstype": 0,
        "intvl": "0",
        "tmo": 30,
        "sdr": 1,
        "fdr": 1,
        "dr": 1 if extra.get("delivery_report") else 0,
    }
    if sending_ports is not None:
        task["from"] = sending_ports
    assert body == {
        "type": "send-sms",
        "task_num": 1,
        "sr_url": entry.data["report_url"],  # task progress comes to the webhook
        "tasks": [task],
    }
    assert "Grüße 👋".encode() in simulator.request_log[0].body  # UTF-8, not escapes
    assert response == {
        "tasks": [{"task_id": task_id, "accepted": True, "status": "OK"}]
    }
    assert task_id in simulator.gateway.task_ids


async def test_send_sms_without_response_returns_nothing(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Called without asking for a response, the action still sends the task."""
    assert await act(hass, "send_sms", {"numbers": "+1555", "message": "Hi"}) is None
    assert [request.path for request in simulator.request_log] == [
        "/goip_post_sms.html"
    ]


async def test_task_ids_increase_and_survive_setting_up_again(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Task ids start from the clock, increase, and continue from storage after a reload."""
    message = {"numbers": ["+1555000111"], "message": "Hi"}
    before = int(time.time()) % 2_000_000_000

    first = await act(hass, "send_sms", message, response=True)
    second = await act(hass, "send_sms", message, response=True)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    # Also the first read of the SMS store, which the set-up starts in the background.
    await hass.async_block_till_done(wait_background_tasks=True)
    third = await act(hass, "send_sms", message, response=True)

    ids = [answer["tasks"][0]["task_id"] for answer in (first, second, third)]
    assert before <= ids[0] <= int(time.time()) % 2_000_000_000
    assert ids == [ids[0], ids[0] + 1, ids[0] + 2]
    bodies = [body for *_, body in sent(simulator) if body and "tasks" in body]
    assert [body["tasks"][0]["tid"] for body in bodies] == ids
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}.tasks"]["data"]
    assert stored["next"] == ids[0] + 3
    assert {
        int(task_id): (len(task["fingerprint"]), task["state"])
        for task_id, task in stored["tasks"].items()
    } == dict.fromkeys(ids, (32, "accepted"))
    assert "+1555000111" not in str(stored)  # a fingerprint, not the message


async def test_two_sms_sent_at_once_get_different_task_ids(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Two sends started together, the first since set-up, get two task ids."""
    message = {"numbers": ["+1555000111"], "message": "Hi"}
    hass_storage[f"{DOMAIN}.{entry.entry_id}.tasks"] = {
        "version": 1,
        "key": f"{DOMAIN}.{entry.entry_id}.tasks",
        "data": {"next": 5000},
    }
    loading = Store._async_load

    async def load_from_disk(store: Store[Any]) -> Any:
        """Yield once first, as the real store does while it reads its file."""
        await asyncio.sleep(0)
        return await loading(store)

    with patch.object(Store, "_async_load", load_from_disk):
        answers = await asyncio.gather(
            act(hass, "send_sms", message, response=True),
            act(hass, "send_sms", message, response=True),
        )

    ids = sorted(answer["tasks"][0]["task_id"] for answer in answers)
    assert ids == [5000, 5001]


async def test_send_sms_to_blank_numbers_is_refused_as_invalid(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Numbers that are all blank are refused as invalid input, and nothing is sent."""
    for numbers in (" , ", ["", " "], [" ,"]):
        with pytest.raises(ServiceValidationError) as raised:
            await act(hass, "send_sms", {"numbers": numbers, "message": "Hi"})
        check_error(
            raised.value, "no_recipients", "Give at least one phone number to send to"
        )
    assert sent(simulator) == []


async def test_refused_sms_raises_with_the_reason(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Sending from a port the gateway has locked: it refuses the task, with its reason."""
    simulator.gateway.ports[1].locked = True

    with pytest.raises(HomeAssistantError) as raised:
        await act(
            hass,
            "send_sms",
            {"device_id": devices(hass, (1,)), "numbers": "+1555", "message": "Hi"},
            response=True,
        )

    assert type(raised.value) is HomeAssistantError
    check_error(
        raised.value,
        "sms_refused",
        "The gateway refused the SMS: SIM unregistered (code 5)",
        {"reason": "SIM unregistered (code 5)"},
    )
    [(*request, body)] = sent(simulator)
    assert tuple(request) == SMS
    assert body["tasks"][0]["from"] == "1"
    assert simulator.gateway.task_ids == set()


async def test_send_sms_to_ports_of_two_gateways_is_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    second: Simulator,
    two_entries: tuple[MockConfigEntry, MockConfigEntry],
) -> None:
    """Sending ports must be of one gateway; without any, one gateway must be set up."""
    both = [port_device(hass, 1), port_device(hass, 1, SECOND_MAC)]

    with pytest.raises(ServiceValidationError) as raised:
        await act(
            hass, "send_sms", {"device_id": both, "numbers": "+1555", "message": "Hi"}
        )
    check_error(
        raised.value, "one_gateway_per_sms", "Choose sending ports of one gateway only"
    )
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "send_sms", {"numbers": "+1555", "message": "Hi"})
    check_error(
        raised.value,
        "choose_a_gateway",
        "Several gateways (or none) are set up: choose the sending ports or gateway",
    )

    assert sent(simulator) == []
    assert sent(second) == []
    await act(
        hass,
        "send_sms",
        {
            "device_id": devices(hass, (3,), SECOND_MAC),
            "numbers": "+1",
            "message": "Hi",
        },
    )
    assert sent(simulator) == []
    assert [body["tasks"][0]["from"] for *_, body in sent(second)] == ["3"]


async def test_send_sms_with_no_gateway_set_up_is_refused(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """After the only gateway is unloaded, an SMS without sending ports has nowhere to go."""
    port = port_device(hass, 1)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "send_sms", {"numbers": "+1555", "message": "Hi"})
    check_error(
        raised.value,
        "choose_a_gateway",
        "Several gateways (or none) are set up: choose the sending ports or gateway",
    )
    with pytest.raises(ServiceValidationError) as raised:
        await act(
            hass, "send_sms", {"device_id": [port], "numbers": "+1", "message": "Hi"}
        )
    check_error(
        raised.value,
        "not_an_ejoin_device",
        "Ejoin 127.0.0.1 Port 1 is not a port or gateway of a loaded Ejoin gateway",
        {"device": "Ejoin 127.0.0.1 Port 1"},
    )
    assert sent(simulator) == []


# --- get_public_ip -----------------------------------------------------------------------


@pytest.mark.parametrize("target", [(5, 2), "gateway"])
@PROXY_FIRMWARE
async def test_get_public_ip_answers_the_gateways_addresses(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, target: Target
) -> None:
    """The action reads the addresses with op=get and answers those of the ports."""
    response = await act(
        hass, "get_public_ip", {"device_id": devices(hass, target)}, response=True
    )

    ports = [2, 5] if target != "gateway" else list(range(1, 9))
    model = simulator.gateway.ports
    assert response == {
        "ports": [
            {"gateway": GATEWAY_MAC, "port": port, "public_ip": model[port].public_ip}
            for port in ports
        ]
    }
    assert sent(simulator) == [(*PUBLIC_IPS, None)]


@PROXY_FIRMWARE
async def test_get_public_ip_of_two_gateways(
    hass: HomeAssistant,
    simulator: Simulator,
    second: Simulator,
    two_entries: tuple[MockConfigEntry, MockConfigEntry],
) -> None:
    """Ports of two gateways: one reading from each, the answers of both."""
    targets = [port_device(hass, 4, SECOND_MAC), port_device(hass, 1)]

    response = await act(hass, "get_public_ip", {"device_id": targets}, response=True)

    assert sorted(response["ports"], key=lambda row: row["gateway"]) == [
        {
            "gateway": GATEWAY_MAC,
            "port": 1,
            "public_ip": simulator.gateway.ports[1].public_ip,
        },
        {
            "gateway": SECOND_MAC,
            "port": 4,
            "public_ip": second.gateway.ports[4].public_ip,
        },
    ]
    assert sent(simulator) == [(*PUBLIC_IPS, None)]
    assert sent(second) == [(*PUBLIC_IPS, None)]


# --- refusals ------------------------------------------------------------------------------


async def test_redial_of_a_port_that_is_not_registered_is_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    client: TestClient,
) -> None:
    """A locked port (st 12) is not redialled, nor is any other port of the call."""
    assert await post(hass, client, port_report(simulator, 3, st=12)) == (200, "OK")
    assert await post(hass, client, port_report(simulator, 6, st=2)) == (200, "OK")
    simulator.request_log.clear()

    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "redial", {"device_id": devices(hass, (1, 6, 3, 2))})

    check_error(
        raised.value,
        "redial_not_registered",
        "Not redialling port(s) 3, 6: only a port that is registered, or has its "
        "data connection up, may be redialled",
        {"ports": "3, 6"},
    )
    assert sent(simulator) == []


async def test_redial_refusals_come_before_any_gateway_is_asked(
    hass: HomeAssistant,
    simulator: Simulator,
    second: Simulator,
    two_entries: tuple[MockConfigEntry, MockConfigEntry],
) -> None:
    """A registered port of one gateway is not redialled when a port of another is locked."""
    targets = [port_device(hass, 1), port_device(hass, 2, SECOND_MAC)]

    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "redial", {"device_id": targets})

    check_error(
        raised.value,
        "redial_not_registered",
        "Not redialling port(s) 2: only a port that is registered, or has its "
        "data connection up, may be redialled",
        {"ports": "2"},
    )
    assert sent(simulator) == []
    assert sent(second) == []


async def test_switch_to_a_slot_the_gateway_lacks_is_refused(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Slot 9 of a 4-slot gateway: refused, and nothing sent."""
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "switch_sim", {"device_id": devices(hass, (1, 4)), "slot": 9})

    check_error(
        raised.value,
        "no_such_slot",
        "There is no SIM slot 9: the gateway has 4 per port",
        {"slot": "9", "slots": "4"},
    )
    assert sent(simulator) == []


# An SMS the offline gateway took and dropped unanswered may have reached it: it is
# not confirmed, not failed (tests/sms/test_sender.py).
FAILING_OFFLINE = [action for action in ACTIONS if action[0] != "send_sms"]


@pytest.mark.parametrize(
    ("service", "extra"), FAILING_OFFLINE, ids=[a for a, _ in FAILING_OFFLINE]
)
async def test_an_offline_gateway_fails_every_action(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    service: str,
    extra: dict[str, Any],
) -> None:
    """A gateway that does not answer: every action raises gateway_unreachable, no password."""
    simulator.offline = True

    with pytest.raises(HomeAssistantError) as raised:
        await act(
            hass,
            service,
            {"device_id": devices(hass, "gateway"), **extra},
            response=service == "get_public_ip",
        )

    check_unreachable(raised.value, simulator)


async def test_a_device_that_is_not_an_ejoin_device_is_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A device of another integration, or none at all, is refused before anything is sent."""
    other_entry = MockConfigEntry(domain="other")
    other_entry.add_to_hass(hass)
    other = device_registry.async_get_or_create(
        config_entry_id=other_entry.entry_id,
        identifiers={("other", "thing")},
        name="Kitchen plug",
    )

    for service, extra in ACTIONS:
        # A device is named as the user sees it; an id that names none, as it is.
        for device_id, shown in (
            (other.id, "Kitchen plug"),
            ("no-such-device", "no-such-device"),
        ):
            with pytest.raises(ServiceValidationError) as raised:
                await act(
                    hass,
                    service,
                    {"device_id": [port_device(hass, 1), device_id], **extra},
                    response=service == "get_public_ip",
                )
            check_error(
                raised.value,
                "not_an_ejoin_device",
                f"{shown} is not a port or gateway of a loaded Ejoin gateway",
                {"device": shown},
            )
    assert sent(simulator) == []


async def test_a_port_device_with_another_identifier_too_is_still_its_port(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Identifiers of other integrations on a port device are ignored."""
    port = port_device(hass, 3)
    device = device_registry.async_get(port)
    assert device is not None
    device_registry.async_update_device(
        port, new_identifiers={*device.identifiers, ("other", "x")}
    )

    await act(hass, "lock_port", {"device_id": [port]})

    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "3"})
    ]


# --- with the gateway's pushes reaching Home Assistant ----------------------------------------


async def test_switch_sim_shows_the_slots_sim(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """Switching ports 1 and 4 to slot 2: their SIM number and slot follow the report."""
    model = simulator.gateway.ports
    assert (
        state(hass, "sensor.ejoin_127_0_0_1_port_4_sim_number")
        == model[4].slots[1].number
    )

    await act(hass, "switch_sim", {"device_id": devices(hass, (4, 1)), "slot": 2})
    await wait_for(
        lambda: (
            state(hass, "sensor.ejoin_127_0_0_1_port_4_status") == "registered"
            and state(hass, "sensor.ejoin_127_0_0_1_port_1_status") == "registered"
            and state(hass, "sensor.ejoin_127_0_0_1_port_4_active_sim_slot") == "2"
        ),
        "ports 1 and 4 registered on slot 2",
    )

    for port in (1, 4):
        sim = model[port].slots[2]
        assert sim is not None
        assert (
            state(hass, f"sensor.ejoin_127_0_0_1_port_{port}_sim_number") == sim.number
        )
        assert state(hass, f"select.ejoin_127_0_0_1_port_{port}_active_sim_slot") == "2"
    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_active_sim_slot") == "1"
    assert sent(simulator)[0] == (
        *COMMAND,
        {"type": "command", "op": "switch", "ports": "1B,4B"},
    )


async def test_lock_and_unlock_show_on_the_lock_switch(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """Locked ports report status 12, which turns their lock switch on; unlock, off."""
    assert state(hass, "switch.ejoin_127_0_0_1_port_5_locked") == "off"

    await act(hass, "lock_port", {"device_id": devices(hass, (5, 6))})
    await wait_for(
        lambda: (
            state(hass, "switch.ejoin_127_0_0_1_port_5_locked") == "on"
            and state(hass, "switch.ejoin_127_0_0_1_port_6_locked") == "on"
        ),
        "ports 5 and 6 locked",
    )
    assert state(hass, "sensor.ejoin_127_0_0_1_port_5_status") == "user_locked"
    assert state(hass, "switch.ejoin_127_0_0_1_port_4_locked") == "off"

    await act(hass, "unlock_port", {"device_id": devices(hass, (6,))})
    await wait_for(
        lambda: state(hass, "switch.ejoin_127_0_0_1_port_6_locked") == "off", "unlocked"
    )
    assert state(hass, "switch.ejoin_127_0_0_1_port_5_locked") == "on"
    assert state(hass, "sensor.ejoin_127_0_0_1_port_6_status") == "registered"
    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "5-6"}),
        (*COMMAND, {"type": "command", "op": "unlock", "ports": "6"}),
    ]


# --- targets: areas, labels, entities ----------------------------------------------------


async def test_an_action_on_an_area_acts_on_exactly_its_ports(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Ports 2 and 5 are in "Rack A" with a device of another integration: one lock."""
    rack = ar.async_get(hass).async_create("Rack A")
    other_entry = MockConfigEntry(domain="other")
    other_entry.add_to_hass(hass)
    other = device_registry.async_get_or_create(
        config_entry_id=other_entry.entry_id, identifiers={("other", "switch")}
    )
    for device_id in (*devices(hass, (2, 5)), other.id):
        device_registry.async_update_device(device_id, area_id=rack.id)

    await act(hass, "lock_port", {"area_id": rack.id})

    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "2,5"})
    ]


async def test_labels_and_entities_reach_their_ports(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A labelled entity stands for its port; so does an entity named in the target."""
    label = lr.async_get(hass).async_create("Spare SIMs")
    entities = er.async_get(hass)
    entities.async_update_entity(
        "sensor.ejoin_127_0_0_1_port_7_status", labels={label.label_id}
    )

    await act(hass, "reset_port", {"label_id": label.label_id})
    await act(
        hass,
        "unlock_port",
        {"entity_id": "binary_sensor.ejoin_127_0_0_1_port_3_registered"},
    )

    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "reset", "ports": "7"}),
        (*COMMAND, {"type": "command", "op": "unlock", "ports": "3"}),
    ]


async def test_reboot_aimed_at_a_port_is_refused(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Rebooting a whole gateway for one port is refused, with a way out in the message."""
    for target in (
        {"device_id": port_device(hass, 3)},
        {"entity_id": "sensor.ejoin_127_0_0_1_port_3_status"},
    ):
        with pytest.raises(ServiceValidationError) as raised:
            await act(hass, "reboot", target)
        check_error(
            raised.value,
            "gateway_action_on_port",
            "The action reboot acts on a whole gateway, not on Ejoin 127.0.0.1 Port 3: "
            "target Ejoin 127.0.0.1 instead",
            {
                "action": "reboot",
                "port": "Ejoin 127.0.0.1 Port 3",
                "gateway": "Ejoin 127.0.0.1",
            },
        )
    assert sent(simulator) == []

    # An entity of the gateway itself stands for the gateway.
    await act(hass, "reboot", {"entity_id": "sensor.ejoin_127_0_0_1_registered_ports"})
    assert sent(simulator) == [(*COMMAND, {"type": "command", "op": "reboot"})]


async def test_targets_without_anything_to_act_on_are_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """An empty area, an area of ports for a reboot, another integration's entity."""
    areas = ar.async_get(hass)
    empty = areas.async_create("Garage")
    ports_only = areas.async_create("Rack B")
    device_registry.async_update_device(port_device(hass, 1), area_id=ports_only.id)
    nothing = (
        "The target holds no port or gateway of a loaded Ejoin gateway that this "
        "action can act on"
    )

    for service, target in (
        ("lock_port", {"area_id": empty.id}),
        ("reboot", {"area_id": ports_only.id}),
        ("save_config", {"area_id": ports_only.id}),
    ):
        with pytest.raises(ServiceValidationError) as raised:
            await act(hass, service, target)
        check_error(raised.value, "nothing_targeted", nothing)

    hass.states.async_set("light.kitchen", "on")
    er.async_get(hass).async_get_or_create("light", "other", "kitchen")
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "lock_port", {"entity_id": "light.other_kitchen"})
    check_error(
        raised.value,
        "not_an_ejoin_entity",
        "light.other_kitchen is not an entity of a loaded Ejoin gateway's port or "
        "gateway",
        {"entity": "light.other_kitchen"},
    )
    assert sent(simulator) == []


async def test_areas_and_labels_leave_out_controls_hidden_and_disabled(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """As in Home Assistant's own targets: only what a user would mean is reached.

    A label on port 4's Reset button, a hidden status sensor of port 6 in the area,
    and port 7's device disabled in the area reach nothing; port 8's status sensor in
    the area, and the area's floor, reach port 8.
    """
    floors = fr.async_get(hass)
    ground = floors.async_create("Ground floor")
    rack = ar.async_get(hass).async_create("Rack C", floor_id=ground.floor_id)
    label = lr.async_get(hass).async_create("Controls")
    entities = er.async_get(hass)
    entities.async_update_entity(
        "button.ejoin_127_0_0_1_port_4_reset", labels={label.label_id}
    )
    entities.async_update_entity(
        "sensor.ejoin_127_0_0_1_port_6_status",
        area_id=rack.id,
        hidden_by=er.RegistryEntryHider.USER,
    )
    device_registry.async_update_device(
        port_device(hass, 7),
        area_id=rack.id,
        disabled_by=dr.DeviceEntryDisabler.USER,
    )
    entities.async_update_entity(
        "sensor.ejoin_127_0_0_1_port_8_status", area_id=rack.id
    )

    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "reset_port", {"label_id": label.label_id})
    assert raised.value.translation_key == "nothing_targeted"
    await act(hass, "lock_port", {"area_id": rack.id})
    await act(hass, "unlock_port", {"floor_id": ground.floor_id})

    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "8"}),
        (*COMMAND, {"type": "command", "op": "unlock", "ports": "8"}),
    ]


async def test_none_targets_nothing_and_all_every_gateway(
    hass: HomeAssistant,
    simulator: Simulator,
    second: Simulator,
    two_entries: tuple[MockConfigEntry, MockConfigEntry],
) -> None:
    """A target of "none" is none (no SMS from the only gateway); "all" is every one."""
    for target in ({"entity_id": "none"}, {"device_id": "none"}):
        with pytest.raises(ServiceValidationError) as raised:
            await act(hass, "send_sms", {**target, "numbers": "+1555", "message": "Hi"})
        assert raised.value.translation_key == "nothing_targeted"

    await act(hass, "save_config", {"entity_id": "all"})

    assert sent(simulator) == [(*COMMAND, {"type": "command", "op": "save"})]
    assert sent(second) == [(*COMMAND, {"type": "command", "op": "save"})]


async def test_an_action_through_an_unloaded_entry_says_so(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """An action awaiting while an entry unloads meets no client, but a clear error."""
    assert await hass.config_entries.async_unload(entry.entry_id)

    with pytest.raises(HomeAssistantError) as raised:
        await async_request(hass, entry, lambda client: client.save())

    check_error(
        raised.value,
        "gateway_not_loaded",
        "Gateway Ejoin 127.0.0.1 is not set up at the moment (it is being reloaded or "
        "needs new credentials); try again once it is",
        {"gateway": "Ejoin 127.0.0.1"},
    )
    assert sent(simulator) == []
