"""The gateway's SMS task queue, and SIM numbers: the actions and what the gateway gets."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from ejoin_simulator import Simulator

from .helpers import (
    COMMAND,
    GATEWAY_MAC,
    act,
    check_error,
    devices,
    entry_for,
    gateway_device,
    port_device,
    post,
    sent,
    set_up_entry,
)

TASKS_PATH = "/goip_get_tasks.html"


def listing(port: int, start: int = 0) -> tuple[str, str, list[tuple[str, str]], None]:
    """Return the request that lists a port's unfinished tasks, one page of 20."""
    query = [
        ("version", "1.1"),
        ("port", str(port)),
        ("pos", str(start)),
        ("num", "20"),
        ("has_content", "0"),
    ]
    return ("GET", TASKS_PATH, query, None)


async def queue_two_tasks(hass: HomeAssistant, simulator: Simulator) -> list[int]:
    """Hand the held gateway one task from port 2 and one from port 3."""
    simulator.hold_sms = True
    task_ids = []
    for port, numbers in ((2, "+15550001,+15550002"), (3, "+15550003")):
        response = await act(
            hass,
            "send_sms",
            {
                "device_id": [port_device(hass, port)],
                "numbers": numbers,
                "message": "Hi",
            },
            response=True,
        )
        task_ids.append(response["tasks"][0]["task_id"])
    simulator.request_log.clear()
    return task_ids


async def listed(
    hass: HomeAssistant, target: dict[str, object]
) -> list[dict[str, object]]:
    """Return what get_sms_tasks answers for the target."""
    response = await act(hass, "get_sms_tasks", target, response=True)
    tasks: list[dict[str, object]] = response["tasks"]
    return tasks


async def test_tasks_are_listed_with_their_progress(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    client: TestClient,
) -> None:
    """Each targeted port is asked for its tasks; progress comes from status reports."""
    first, second = await queue_two_tasks(hass, simulator)
    report = {
        "type": "status-report",
        "rpt_num": 1,
        "rpts": [
            {
                "tid": first,
                "sending": 1,
                "sent": 1,
                "failed": 0,
                "unsent": 0,
                "sdr": [[0, "+15550001", "2", 1714556700]],
                "fdr": [],
            }
        ],
    }
    assert await post(hass, client, report) == (200, "OK")

    tasks = await listed(hass, {"device_id": devices(hass, (2, 3))})

    assert tasks == [
        {
            "gateway": GATEWAY_MAC,
            "port": 2,
            "task_id": first,
            "paused": False,
            "recipients": 2,
            "sending": 1,
            "sent": 1,
            "failed": 0,
            "unsent": 0,
        },
        {
            "gateway": GATEWAY_MAC,
            "port": 3,
            "task_id": second,
            "paused": False,
            "recipients": 1,
            "sending": None,
            "sent": None,
            "failed": None,
            "unsent": None,
        },
    ]
    assert sent(simulator) == [listing(2), listing(3)]
    # No text and no phone number in the answer: it may end up in a trace.
    assert "+1555" not in str(tasks)


async def test_pause_resume_and_remove_act_on_the_gateway(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """The exact requests, the answers, and what the gateway's queue then says."""
    first, second = await queue_two_tasks(hass, simulator)
    gateway = {"device_id": gateway_device(hass)}

    paused = await act(
        hass, "pause_sms_tasks", {**gateway, "task_ids": [first]}, response=True
    )
    assert paused == {
        "tasks": [
            {"gateway": GATEWAY_MAC, "task_id": first, "done": True, "reason": "OK"}
        ]
    }
    assert [
        (task["task_id"], task["paused"]) for task in await listed(hass, gateway)
    ] == [
        (first, True),
        (second, False),
    ]

    await act(hass, "resume_sms_tasks", {**gateway, "task_ids": [str(first)]})
    await act(hass, "remove_sms_tasks", {**gateway, "task_ids": [second]})
    assert [
        (task["task_id"], task["paused"]) for task in await listed(hass, gateway)
    ] == [(first, False)]

    removed_again = await act(
        hass, "remove_sms_tasks", {**gateway, "task_ids": [second]}, response=True
    )
    assert removed_again["tasks"][0]["done"] is False  # the gateway has it no more

    actions = [
        (method, path, body)
        for method, path, _, body in sent(simulator)
        if path != TASKS_PATH
    ]
    assert actions == [
        ("POST", "/goip_pause_sms.html", {"tids": [first]}),
        ("POST", "/goip_resume_sms.html", {"tids": [first]}),
        ("POST", "/goip_remove_sms.html", {"tids": [second]}),
        ("POST", "/goip_remove_sms.html", {"tids": [second]}),
    ]
    simulator.hold_sms = False
    await hass.async_block_till_done()
    assert second not in {message.task_id for message in simulator.outbox}


async def test_without_task_ids_every_task_is_paused(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Left out, the task ids are left out of the request too: the gateway's "all"."""
    await queue_two_tasks(hass, simulator)

    await act(hass, "pause_sms_tasks", {"device_id": gateway_device(hass)})

    assert sent(simulator) == [("POST", "/goip_pause_sms.html", [], {})]
    assert all(task["paused"] for task in await listed(hass, {"entity_id": "all"}))


async def test_pausing_tasks_of_a_port_is_refused(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Task ids are the gateway's: a port is not a target for them."""
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "pause_sms_tasks", {"device_id": port_device(hass, 2)})
    check_error(
        raised.value,
        "gateway_action_on_port",
        "The action pause_sms_tasks acts on a whole gateway, not on "
        "Ejoin 127.0.0.1 Port 2: target Ejoin 127.0.0.1 instead",
        {
            "action": "pause_sms_tasks",
            "port": "Ejoin 127.0.0.1 Port 2",
            "gateway": "Ejoin 127.0.0.1",
        },
    )
    assert sent(simulator) == []


# --- SIM numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "index"),
    [(None, 8), (3, 10)],  # port 3 of 4 slots: (3 - 1) * 4 + (slot - 1)
    ids=["working_slot", "slot_3"],
)
async def test_set_sim_number_sets_it_and_saves(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    slot: int | None,
    index: int,
) -> None:
    """One op=set with the SIM's index, then save: the number survives a reboot."""
    data = {"device_id": port_device(hass, 3), "number": "+4915112345678"}
    if slot is not None:
        data["slot"] = slot
    simulator.request_log.clear()

    await act(hass, "set_sim_number", data)

    setting, saving = simulator.request_log
    assert (setting.method, setting.path, setting.query[2:]) == (
        "POST",
        "/goip_send_cmd.html",
        [("op", "set")],
    )
    assert setting.body.decode() == f"sim_number({index})=+4915112345678"
    assert (saving.path, saving.json()) == (
        COMMAND[1],
        {"type": "command", "op": "save"},
    )
    sim = simulator.gateway.ports[3].slots[slot or 1]
    assert sim is not None
    assert sim.number == "+4915112345678"


async def test_set_sim_number_needs_exactly_one_port(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """One number for two ports (or a whole gateway) is refused."""
    simulator.request_log.clear()
    for target in (devices(hass, (1, 2)), [gateway_device(hass)]):
        with pytest.raises(ServiceValidationError) as raised:
            await act(hass, "set_sim_number", {"device_id": target, "number": "+1"})
        assert raised.value.translation_key == "one_port_only"
    assert list(simulator.request_log) == []


async def test_set_sim_number_of_a_port_working_on_another_slot(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Without a slot, the number goes to the SIM the port works on: here its slot B."""
    simulator.gateway.ports[3].active_slot = 2
    await set_up_entry(hass, simulator, entry_for(simulator))
    simulator.request_log.clear()

    await act(
        hass,
        "set_sim_number",
        {"device_id": port_device(hass, 3), "number": "+4915112345678"},
    )

    assert simulator.request_log[0].body.decode() == "sim_number(9)=+4915112345678"
    sim = simulator.gateway.ports[3].slots[2]
    assert sim is not None
    assert sim.number == "+4915112345678"


async def test_set_sim_number_refuses_to_guess_and_reports_nothing_set(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """No slot count: no request (the SIM cannot be found). No SIM there: an error."""
    target = {"device_id": port_device(hass, 3), "number": "+1"}
    gateway = entry.runtime_data.gateway
    max_slots, gateway.max_slots = gateway.max_slots, None  # as if never reported
    simulator.request_log.clear()
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "set_sim_number", target)
    assert raised.value.translation_key == "slots_not_known"
    assert list(simulator.request_log) == []

    gateway.max_slots = max_slots
    simulator.gateway.ports[3].slots[4] = None  # an empty slot: the gateway sets none
    with pytest.raises(HomeAssistantError) as raised:
        await act(hass, "set_sim_number", {**target, "slot": 4})
    check_error(
        raised.value,
        "command_refused",
        "The gateway refused the request: no SIM number was set",
        {"reason": "no SIM number was set"},
    )


# --- more than a page, and what a removal needs ------------------------------------------


async def test_a_long_queue_is_read_page_by_page(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """25 tasks on port 2: two pages, every task once."""
    simulator.hold_sms = True
    task_ids = []
    for number in range(25):
        response = await act(
            hass,
            "send_sms",
            {
                "device_id": [port_device(hass, 2)],
                "numbers": f"+1555000{number:02d}",
                "message": "Hi",
            },
            response=True,
        )
        task_ids.append(response["tasks"][0]["task_id"])
    simulator.request_log.clear()

    tasks = await listed(hass, {"device_id": port_device(hass, 2)})

    assert [task["task_id"] for task in tasks] == task_ids
    assert sent(simulator) == [listing(2), listing(2, start=20)]


async def test_a_removal_must_name_its_tasks(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Removing every task of a gateway by leaving the ids out is not possible."""
    simulator.request_log.clear()
    with pytest.raises(vol.Invalid):
        await act(hass, "remove_sms_tasks", {"device_id": gateway_device(hass)})
    assert sent(simulator) == []
