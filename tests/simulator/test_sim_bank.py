"""Ports on a remote SIM bank (``sim_bank_ports``): port.pool.slot addresses, sim_src 1."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import pytest

from ejoin_simulator import Gateway

from .conftest import MAC, Control, PushReceiver, gateway_get, port_number

if TYPE_CHECKING:
    import aiohttp

    from ejoin_simulator import Simulator

    from .conftest import StartSimulator


@pytest.fixture
async def banked(start_simulator: StartSimulator) -> Simulator:
    """Run a 4-port simulator whose ports 3 and 4 use SIMs of a remote SIM bank."""
    return await start_simulator(sim_bank_ports=2)


async def get_json(
    simulator: Simulator, session: aiohttp.ClientSession, path: str, query: str = ""
) -> Any:
    """GET a gateway endpoint and return its JSON answer."""
    answer = await gateway_get(simulator, session, path, query)
    assert answer.status == 200
    return answer.json()


async def post_command(
    simulator: Simulator, session: aiohttp.ClientSession, body: dict[str, Any]
) -> Any:
    """POST a JSON command to goip_send_cmd.html and return its answer."""
    async with session.post(
        f"{simulator.url}/goip_send_cmd.html",
        params={"username": simulator.username, "password": simulator.password},
        json={"type": "command", **body},
    ) as response:
        assert response.status == 200
        return await response.json(content_type=None)


async def test_sim_bank_ports_are_written_port_pool_slot_in_every_report(
    banked: Simulator, session: aiohttp.ClientSession, receiver: PushReceiver
) -> None:
    """Ports 3 and 4 as "3.sp256.001" in dev-status (every slot) and in port-status."""
    body = await get_json(banked, session, "goip_get_status.html", "all_sims=1")
    assert [port["port"] for port in body["status"]] == [
        *(f"1.{slot:02d}" for slot in range(1, 5)),
        *(f"2.{slot:02d}" for slot in range(1, 5)),
        *(f"3.sp256.{slot:03d}" for slot in range(1, 5)),
        *(f"4.sp256.{slot:03d}" for slot in range(1, 5)),
    ]
    await get_json(banked, session, "goip_get_status.html", f"url={receiver.url()}")
    await Control(session, banked).post("port", {"port": "4.sp256.001", "signal": 8})
    push = await receiver.next("port-status")
    assert (push.body["port"], push.body["sig"]) == ("4.sp256.001", 8)


async def test_sms_from_a_sim_bank_port_carry_sim_src_1(
    banked: Simulator, session: aiohttp.ClientSession, receiver: PushReceiver
) -> None:
    """recv-sms of port 4 slot 2: row port "4.sp256.002", sim_src 1; port 1: 0."""
    control = Control(session, banked)
    await get_json(
        banked, session, "goip_send_cmd.html", f"op=set&sms_url={receiver.url('/sms')}"
    )
    remote = await control.post("sms", {"port": 4, "slot": 2, "text": "über"})
    local = await control.post("sms", {"port": 1, "text": "local"})
    first = await receiver.next("recv-sms")
    second = await receiver.next("recv-sms")
    assert (first.body["sim_src"], first.body["sms"]) == (1, [remote["row"]])
    assert (second.body["sim_src"], second.body["sms"]) == (0, [local["row"]])
    assert remote["row"][1] == "4.sp256.002"
    assert base64.b64decode(remote["row"][5]).decode() == "über"
    report = await control.post(
        "delivery-report", {"port": "3.sp256.001", "recipient": "+4915100000009"}
    )
    assert report["row"][1] == "3.sp256.001"
    pushed = await receiver.next("recv-sms")
    assert (pushed.body["sim_src"], pushed.body["sms"]) == (1, [report["row"]])
    stored = await get_json(banked, session, "goip_get_sms.html", "sms_id=1")
    assert [row[1] for row in stored["data"]] == [
        "4.sp256.002",
        "1.01",
        "3.sp256.001",
    ]


async def test_sent_sms_from_a_sim_bank_port_carries_sim_src_1(
    banked: Simulator, session: aiohttp.ClientSession, receiver: PushReceiver
) -> None:
    """A task from "3.sp256.001" is sent from it: sent-sms port and sim_src 1."""
    await get_json(banked, session, "goip_get_status.html", f"url={receiver.url()}")
    async with session.post(
        f"{banked.url}/goip_post_sms.html",
        params={"username": "root", "password": "root"},
        json={
            "type": "send-sms",
            "task_num": 1,
            "tasks": [
                {"tid": 5, "from": "3.sp256.001", "to": "+4915100000001", "sms": "x"}
            ],
        },
    ) as response:
        assert (await response.json(content_type=None))["status"] == [
            {"tid": 5, "status": "0 OK"}
        ]
    sent = await receiver.next("sent-sms")
    assert (sent.body["port"], sent.body["sim_src"], sent.body["mac"]) == (
        "3.sp256.001",
        1,
        MAC,
    )
    progress = await receiver.next("status-report")
    assert progress.body["rpts"][0]["sdr"][0][2] == "3.sp256.001"


async def test_commands_take_sim_bank_addresses_among_the_other_notations(
    banked: Simulator, session: aiohttp.ClientSession, receiver: PushReceiver
) -> None:
    """Lock "4.sp256.001", switch to "3.sp256.002", and mixed lists, ranges and all."""
    control = Control(session, banked)
    await get_json(banked, session, "goip_get_status.html", f"url={receiver.url()}")
    assert await post_command(
        banked, session, {"op": "lock", "ports": "4.sp256.001"}
    ) == {
        "code": 0,
        "reason": "OK",
    }
    locked = await receiver.next("port-status")
    assert (locked.body["port"], locked.body["st"]) == ("4.sp256.001", 12)
    assert await post_command(
        banked, session, {"op": "switch", "ports": "3.sp256.002"}
    ) == {
        "code": 0,
        "reason": "OK",
    }
    switched = [
        await receiver.next("port-status", where=lambda body: port_number(body) == 3)
        for _ in range(2)
    ]
    assert [(push.body["port"], push.body["st"]) for push in switched] == [
        ("3.sp256.002", 2),
        ("3.sp256.002", 3),
    ]
    state = await control.state()
    assert (state["ports"]["3"]["active_slot"], state["ports"]["3"]["address"]) == (
        2,
        "3.sp256.002",
    )
    assert await post_command(
        banked,
        session,
        {
            "op": "multiple",
            "ops": [
                {"op": "unlock", "ports": "all"},
                {"op": "lock", "ports": "1A,2.02,3.sp256.002"},
            ],
        },
    ) == {"code": 0, "reason": "OK"}
    body = await get_json(banked, session, "goip_get_status.html")
    assert [(port["port"], port["st"]) for port in body["status"]] == [
        ("1.01", 12),  # 1A: the working slot is locked
        ("2.01", 3),  # 2.02 is not the working slot
        ("3.sp256.002", 12),
        ("4.sp256.001", 3),
    ]
    await post_command(banked, session, {"op": "lock", "ports": "2-4"})
    assert [state["locked"] for state in (await control.state())["ports"].values()] == [
        False,
        True,
        True,
        True,
    ]
    assert await get_json(
        banked, session, "goip_send_cmd.html", "op=unlock&ports=*"
    ) == {"code": 0, "reason": "OK"}
    assert [state["status"] for state in (await control.state())["ports"].values()] == [
        3,
        3,
        3,
        3,
    ]  # a whole-port unlock also clears the slots' locks
    assert await post_command(
        banked, session, {"op": "lock", "ports": "9.sp256.001"}
    ) == {
        "code": 2,
        "reason": "unknown port 9",
    }


def test_more_sim_bank_ports_than_ports_is_refused() -> None:
    """Five SIM bank ports on a four-port gateway cannot be."""
    with pytest.raises(ValueError, match="cannot put 5 of 4 ports on a SIM bank"):
        Gateway.create(ports=4, slots=1, mac=MAC, firmware="1", sim_bank_ports=5)
