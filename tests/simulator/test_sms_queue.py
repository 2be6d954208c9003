"""The gateway's SMS task queue over raw HTTP: listed, paused, resumed and removed.

A task taken is sent one recipient at a time, ``intvl`` milliseconds apart, and is
listed by ``goip_get_tasks.html`` until its last message is sent. The simulator can
hold every task (``/_sim/sms-queue``), so that a test manages the queue at leisure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from .conftest import Control, PushReceiver, gateway_get

if TYPE_CHECKING:
    import aiohttp

    from ejoin_simulator import Simulator

FIRST = "+4915100000001"
SECOND = "+4915100000002"
THIRD = "+4915100000003"


def task(tid: int, port: str = "2", *, to: str = FIRST, **extra: Any) -> dict[str, Any]:
    """One SMS task as the integration hands it over."""
    return {
        "tid": tid,
        "from": port,
        "to": to,
        "sms": f"text {tid}",
        "chs": "utf8",
        "coding": 0,
        "intvl": "0",
        **extra,
    }


async def post(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    page: str,
    body: dict[str, Any] | None,
) -> Any:
    """POST a JSON body (or none) to a gateway page; return its decoded answer."""
    async with session.post(
        f"{simulator.url}/{page}",
        params={"username": simulator.username, "password": simulator.password},
        json=body,
    ) as response:
        assert response.status == 200
        return await response.json(content_type=None)


async def hand_over(
    simulator: Simulator, session: aiohttp.ClientSession, *tasks: dict[str, Any]
) -> None:
    """Hand tasks to the gateway, reporting progress to the report URL; all taken."""
    body = {"type": "send-sms", "task_num": len(tasks), "tasks": list(tasks)}
    answer = await post(simulator, session, "goip_post_sms.html", body)
    assert [row["status"] for row in answer["status"]] == ["0 OK"] * len(tasks)


async def listed(
    simulator: Simulator, session: aiohttp.ClientSession, query: str
) -> Any:
    """GET goip_get_tasks.html with a raw query; return its decoded answer."""
    answer = await gateway_get(simulator, session, "goip_get_tasks.html", query)
    assert answer.status == 200
    return answer.json()


async def tids_of(
    simulator: Simulator, session: aiohttp.ClientSession, port: int
) -> list[tuple[int, int]]:
    """List a port's tasks as (tid, state)."""
    body = await listed(simulator, session, f"version=1.1&port={port}")
    return [(row["tid"], row["state"]) for row in body["tasks"]]


@pytest.fixture
async def held(
    simulator: Simulator, session: aiohttp.ClientSession, control: Control
) -> Simulator:
    """Report to nowhere yet, and hold the SMS queue: tasks are taken, not sent."""
    assert await control.post("sms-queue", {"hold": True}) == {
        "held": True,
        "tasks": [],
    }
    return simulator


async def test_a_held_task_is_listed_with_what_it_was_given(
    held: Simulator, session: aiohttp.ClientSession, control: Control
) -> None:
    """Listed by port: tid, state 0, from, to, chs, coding; the text when asked."""
    await hand_over(
        held,
        session,
        task(7, to=f"{FIRST},{SECOND}"),
        task(8, "2", coding=2, chs="base64"),
        task(9, "3"),
    )

    assert await listed(held, session, "version=1.1&port=2&pos=0&num=10") == {
        "code": 200,
        "reason": "OK",
        "total_num": 2,
        "task_num": 2,
        "tasks": [
            {
                "tid": 7,
                "state": 0,
                "from": "2",
                "to": f"{FIRST},{SECOND}",
                "chs": "utf8",
                "coding": 0,
            },
            {
                "tid": 8,
                "state": 0,
                "from": "2",
                "to": FIRST,
                "chs": "base64",
                "coding": 2,
            },
        ],
    }
    with_text = await listed(held, session, "port=2&pos=1&num=1&has_content=1")
    assert (with_text["total_num"], with_text["task_num"]) == (2, 1)
    assert [(row["tid"], row["sms"]) for row in with_text["tasks"]] == [(8, "text 8")]
    assert await tids_of(held, session, 3) == [(9, 0)]
    assert await tids_of(held, session, 1) == []
    queue = (await control.state())["sms_queue"]
    assert queue == {
        "held": True,
        "tasks": [
            {"tid": 7, "port": 2, "paused": False, "sent": 0, "unsent": 2},
            {"tid": 8, "port": 2, "paused": False, "sent": 0, "unsent": 1},
            {"tid": 9, "port": 3, "paused": False, "sent": 0, "unsent": 1},
        ],
    }
    assert held.outbox == []


@pytest.mark.parametrize("query", ["version=1.1", "port=9", "port=x", "port="])
async def test_tasks_of_no_port_are_refused(
    simulator: Simulator, session: aiohttp.ClientSession, query: str
) -> None:
    """The port is required, and must be one of the gateway's."""
    assert await listed(simulator, session, query) == {
        "code": 2,
        "reason": "Invalid port",
    }


async def test_paused_tasks_stay_while_the_others_are_sent(
    held: Simulator,
    session: aiohttp.ClientSession,
    control: Control,
    receiver: PushReceiver,
) -> None:
    """A paused task says so in a status-report, is listed as 1, and is not sent."""
    await gateway_get(held, session, "goip_get_status.html", f"url={receiver.url()}")
    await hand_over(held, session, task(7, to=f"{FIRST},{SECOND}"), task(8))

    assert await post(held, session, "goip_pause_sms.html", {"tids": [7, 99]}) == {
        "code": 200,
        "reason": "OK",
        "results": [{"tid": 7, "status": "0 OK"}, {"tid": 99, "status": "3 Not found"}],
    }
    report = (await receiver.next("status-report")).body["rpts"][0]
    assert report == {
        "tid": 7,
        "sending": 0,
        "sent": 0,
        "failed": 0,
        "unsent": 2,
        "sdr": [],
        "fdr": [],
    }
    assert await tids_of(held, session, 2) == [(7, 1), (8, 0)]

    await control.post("sms-queue", {"hold": False})
    assert (await receiver.next("sent-sms")).body["sms_tid"] == 8
    assert (await receiver.next("status-report")).body["rpts"][0]["tid"] == 8
    await receiver.expect_none("sent-sms", within=0.4)
    assert await tids_of(held, session, 2) == [(7, 1)]

    resumed = await post(held, session, "goip_resume_sms.html", {"tids": [7]})
    assert resumed["results"] == [{"tid": 7, "status": "0 OK"}]
    sent = [await receiver.next("sent-sms") for _ in range(2)]
    assert [(push.body["sms_tid"], push.body["recver"]) for push in sent] == [
        (7, FIRST),
        (7, SECOND),
    ]
    final = (await receiver.next("status-report")).body["rpts"][0]
    assert (final["sending"], final["sent"], final["unsent"]) == (0, 2, 0)
    assert [row[:2] for row in final["sdr"]] == [[1, FIRST], [2, SECOND]]
    assert await tids_of(held, session, 2) == []
    assert [message.task_id for message in held.outbox] == [8, 7, 7]


async def test_removed_tasks_are_never_sent(
    held: Simulator,
    session: aiohttp.ClientSession,
    control: Control,
    receiver: PushReceiver,
) -> None:
    """Removed tasks vanish from the list and send nothing, once the queue goes on."""
    await gateway_get(held, session, "goip_get_status.html", f"url={receiver.url()}")
    await hand_over(held, session, task(7), task(8), task(9, "3"))

    removed = await post(held, session, "goip_remove_sms.html", {"tids": [8, 8]})
    assert removed["results"] == [
        {"tid": 8, "status": "0 OK"},
        {"tid": 8, "status": "3 Not found"},
    ]
    assert await tids_of(held, session, 2) == [(7, 0)]
    await control.post("sms-queue", {"hold": False})
    sent = [await receiver.next("sent-sms") for _ in range(2)]
    await receiver.next("status-report")
    await receiver.next("status-report")

    assert sorted(push.body["sms_tid"] for push in sent) == [7, 9]
    assert sorted(message.task_id for message in held.outbox) == [7, 9]
    await receiver.expect_none("sent-sms", within=0.4)


@pytest.mark.parametrize(
    ("page", "body", "state"),
    [
        ("goip_pause_sms.html", {}, 1),
        ("goip_pause_sms.html", None, 1),
        ("goip_remove_sms.html", {"tids": None}, None),
    ],
    ids=["pause_empty_object", "pause_no_body", "remove_tids_null"],
)
async def test_without_tids_every_task_is_meant(
    held: Simulator,
    session: aiohttp.ClientSession,
    page: str,
    body: dict[str, Any] | None,
    state: int | None,
) -> None:
    """No tids: every task of every port, in the order they were taken."""
    await hand_over(held, session, task(7), task(8, "3"))

    answer = await post(held, session, page, body)

    assert answer["results"] == [
        {"tid": 7, "status": "0 OK"},
        {"tid": 8, "status": "0 OK"},
    ]
    expected = [] if state is None else [(7, state)]
    assert await tids_of(held, session, 2) == expected


@pytest.mark.parametrize(
    ("raw", "answer"),
    [
        (b"[1]", {"code": 15, "reason": "Invalid command"}),
        (b"{", {"code": 15, "reason": "Invalid command"}),
        (b'{"tids": 7}', {"code": 15, "reason": "Invalid command"}),
        (b'{"tids": ["x"]}', {"code": 11, "reason": "TID expected"}),
    ],
)
async def test_odd_bodies_are_refused(
    held: Simulator,
    session: aiohttp.ClientSession,
    raw: bytes,
    answer: dict[str, Any],
) -> None:
    """What is not a list of task ids is refused; nothing is paused."""
    await hand_over(held, session, task(7))
    async with session.post(
        f"{held.url}/goip_pause_sms.html",
        params={"username": held.username, "password": held.password},
        data=raw,
        headers={"Content-Type": "application/json;charset=utf-8"},
    ) as response:
        assert await response.json(content_type=None) == answer
    assert await tids_of(held, session, 2) == [(7, 0)]


async def test_messages_of_a_task_go_intvl_apart_and_a_pause_stops_them(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    receiver: PushReceiver,
) -> None:
    """With intvl 500 a pause after the first message stops the rest until resumed."""
    await gateway_get(
        simulator, session, "goip_get_status.html", f"url={receiver.url()}"
    )
    await hand_over(
        simulator, session, task(7, to=f"{FIRST},{SECOND},{THIRD}", intvl="500")
    )
    first = await receiver.next("sent-sms")
    assert first.body["recver"] == FIRST

    await post(simulator, session, "goip_pause_sms.html", {"tids": [7]})

    paused = (await receiver.next("status-report")).body["rpts"][0]
    assert (paused["sent"], paused["unsent"]) == (1, 2)
    assert [row[:2] for row in paused["sdr"]] == [[1, FIRST]]
    await receiver.expect_none("sent-sms", within=0.8)
    assert await tids_of(simulator, session, 2) == [(7, 1)]
    await post(simulator, session, "goip_resume_sms.html", {"tids": [7]})
    rest = [await receiver.next("sent-sms") for _ in range(2)]
    assert [push.body["recver"] for push in rest] == [SECOND, THIRD]
    final = (await receiver.next("status-report")).body["rpts"][0]
    assert (final["sent"], final["unsent"]) == (3, 0)
    assert [row[:2] for row in final["sdr"]] == [[2, SECOND], [3, THIRD]]


async def test_the_outbox_lists_what_reached_the_network(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    control: Control,
    receiver: PushReceiver,
) -> None:
    """GET /_sim/outbox: each SMS sent, with its task, port, recipient and text."""
    await gateway_get(
        simulator, session, "goip_get_status.html", f"url={receiver.url()}"
    )
    async with session.get(f"{simulator.url}/_sim/outbox") as response:
        assert await response.json() == []
    await hand_over(simulator, session, task(7, to=f"{FIRST},{SECOND}"))
    for _ in range(2):
        await receiver.next("sent-sms")

    async with session.get(f"{simulator.url}/_sim/outbox") as response:
        outbox = await response.json()
    assert [(row["task_id"], row["recipient"], row["text"]) for row in outbox] == [
        (7, FIRST, "text 7"),
        (7, SECOND, "text 7"),
    ]
    assert all(row["port"].startswith("2") for row in outbox), outbox
