"""The client's farm features against the gateway stub: LEDs, mobile data, the SMS queue.

Every test checks the exact request that reached the stub and what the client made of
the reply; the replies of the SMS queue's pages are read however they come.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from pyejoin import (
    DataService,
    EjoinAuthenticationError,
    EjoinClient,
    EjoinCommandError,
    EjoinMalformedReplyError,
    PortAddress,
    QueuedSmsTask,
    ReportProblem,
    SmsTaskQueue,
    TaskStatus,
)

from .gateway_stub import GatewayStub
from .test_client import (
    CMD,
    JSON_TYPE,
    OK,
    addr,
    assert_no_password,
    assert_request,
    client,
    gateway,
    session,
    the_setting_then_save,
)

# The stub and the client are test_client's fixtures: the same gateway, the same client.
__all__ = ["client", "gateway", "session"]

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

TASKS = "/goip_get_tasks.html"
# The vendor's own example of a goip_get_tasks.html reply.
VENDOR_TASKS = {
    "code": 200,
    "reason": "OK",
    "total_num": 5,
    "task_num": 1,
    "tasks": [
        {
            "tid": 2,
            "state": 0,
            "from": "",
            "to": "13686876820",
            "chs": "utf8",
            "coding": 0,
            "sms": "hello123",
        }
    ],
}


# --- LEDs ------------------------------------------------------------------------------


@pytest.mark.parametrize(("on", "op"), [(True, "ledon"), (False, "ledoff")])
async def test_set_led_of_whole_ports(
    client: EjoinClient, gateway: GatewayStub, on: bool, op: str
) -> None:
    """The LED belongs to the port: slots are dropped, each port named once."""
    await client.set_led([addr("3B"), addr("1"), addr("3.01")], on=on)
    assert_request(
        gateway.only_request,
        method="POST",
        path=CMD,
        content_type=JSON_TYPE,
        json_body={"type": "command", "op": op, "ports": "1,3"},
    )


async def test_set_led_of_every_port(client: EjoinClient, gateway: GatewayStub) -> None:
    """A ready ports string goes as it is."""
    await client.set_led("all", on=True)
    assert gateway.only_request.json() == {
        "type": "command",
        "op": "ledon",
        "ports": "all",
    }


# --- mobile data -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            {"data": {"data_service_enable": [1, 0, "1", None, "x"]}},
            DataService(ports={1: True, 2: False, 3: True}),
        ),
        (
            {"data_service_enable(0)": 0, "Data_service_enable(3)": "1"},
            DataService(ports={1: False, 4: True}),
        ),
        (OK | {"data_service_enable": "1,0"}, DataService(ports={1: True, 2: False})),
        (
            {"data": {"DATA_SERVICE_ENABLE": {"1": 0, "0": True}}},
            DataService(ports={1: True, 2: False}),
        ),
        (OK | {"data_service_enable": 1}, DataService(gateway=True)),
        (OK | {"Data_Service_Enable": "0"}, DataService(gateway=False)),
        ({"data": {"data_service_enable": False}}, DataService(gateway=False)),
    ],
    ids=[
        "proxy_list",
        "indexed_names",
        "comma_string",
        "object_by_index",
        "gateway_one",
        "gateway_text",
        "gateway_bool",
    ],
)
async def test_get_data_service(
    client: EjoinClient,
    gateway: GatewayStub,
    reply: dict[str, Any],
    expected: DataService,
) -> None:
    """Per port in every shape of a per-port parameter; one 0/1 is the gateway's."""
    gateway.set_json(reply)

    service = await client.get_data_service()

    assert service == expected
    assert service.per_port is bool(expected.ports)
    assert_request(
        gateway.only_request,
        method="GET",
        path=CMD,
        query="op=get&data_service_enable",
    )


@pytest.mark.parametrize(
    "reply",
    [
        OK,
        OK | {"data_service_enable": "on"},
        OK | {"data_service_enable": 2},
        {"data": {"data_service_enable": ["x", None]}},
        {"data": {"data_service_enable": []}},
    ],
)
async def test_get_data_service_without_a_value(
    client: EjoinClient, gateway: GatewayStub, reply: dict[str, Any]
) -> None:
    """An answer with no readable value cannot be read."""
    gateway.set_json(reply)
    with pytest.raises(EjoinMalformedReplyError, match="data_service_enable"):
        await client.get_data_service()


async def test_get_data_service_refused(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """A firmware that does not know the parameter refuses it with its code."""
    gateway.set_json({"code": 4, "reason": "unknown parameter data_service_enable"})
    with pytest.raises(EjoinCommandError) as raised:
        await client.get_data_service()
    assert (raised.value.code, raised.value.reason) == (
        4,
        "unknown parameter data_service_enable",
    )
    assert_no_password(raised.value)


@pytest.mark.parametrize(("enabled", "value"), [(True, "1"), (False, "0")])
async def test_set_data_service_of_ports(
    client: EjoinClient, gateway: GatewayStub, enabled: bool, value: str
) -> None:
    """data_service_enable(n), n = port - 1, once per port and in order; then save."""
    await client.set_data_service(
        enabled=enabled, ports=[addr("3"), addr("1A"), addr("1B")]
    )
    recorded = the_setting_then_save(gateway)
    assert_request(
        recorded,
        method="GET",
        path=CMD,
        query=f"op=set&data_service_enable(0)={value}&data_service_enable(2)={value}",
    )


async def test_set_data_service_of_no_port(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """No port at all makes no sense: nothing is sent."""
    with pytest.raises(ValueError, match="at least one port"):
        await client.set_data_service(enabled=False, ports=[])
    assert gateway.requests == []


async def test_set_data_service_refused_is_not_saved(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """The save follows only a setting the gateway took."""
    gateway.set_json({"code": 4, "reason": "unknown parameter data_service_enable(0)"})
    with pytest.raises(EjoinCommandError):
        await client.set_data_service(enabled=False, ports=[PortAddress(port=1)])
    assert_request(
        gateway.only_request,
        method="GET",
        path=CMD,
        query="op=set&data_service_enable(0)=0",
    )


# --- the SMS task queue ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "query"),
    [
        ({}, "version=1.1&port=2&pos=0&num=10&has_content=0"),
        (
            {"start": 10, "count": 5, "with_text": True},
            "version=1.1&port=2&pos=10&num=5&has_content=1",
        ),
    ],
)
async def test_get_sms_tasks_asks_for_a_page_of_a_port(
    client: EjoinClient, gateway: GatewayStub, options: dict[str, Any], query: str
) -> None:
    """A GET of goip_get_tasks.html; the vendor's example reply is read."""
    gateway.set_json(VENDOR_TASKS)

    queue = await client.get_sms_tasks(2, **options)

    assert_request(gateway.only_request, method="GET", path=TASKS, query=query)
    assert queue == SmsTaskQueue(
        port=2,
        total=5,
        tasks=(
            QueuedSmsTask(
                task_id=2,
                state=0,
                ports=None,
                recipients=("13686876820",),
                charset="utf8",
                coding=0,
                text="hello123",
            ),
        ),
    )
    assert not queue.tasks[0].paused


async def test_get_sms_tasks_reads_odd_rows_and_keeps_the_good_ones(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """Numbers as text, a list of recipients; rows without a tid become problems."""
    gateway.set_json(
        {
            "code": "200",
            "tasks": [
                {"tid": "7", "state": "1", "from": "2A", "to": "+1, +2,,"},
                "nonsense",
                {"state": 0},
                {"tid": 8, "to": ["+3", 4, None], "coding": "x", "sms": 5},
            ],
        }
    )

    queue = await client.get_sms_tasks(1)

    assert queue.tasks == (
        QueuedSmsTask(task_id=7, state=1, ports="2A", recipients=("+1", "+2")),
        QueuedSmsTask(task_id=8, state=None, ports=None, recipients=("+3", "4")),
    )
    assert [task.paused for task in queue.tasks] == [True, False]
    assert queue.total == 2  # no total_num: the tasks listed
    assert queue.problems == (
        ReportProblem(item="tasks[1]", reason="not an object"),
        ReportProblem(item="tasks[2]", reason="no task id"),
    )


@pytest.mark.parametrize(
    ("reply", "total"),
    [
        ({"code": 200, "total_num": 0, "task_num": 0, "tasks": []}, 0),
        ({"code": 200, "total_num": "3"}, 3),
        ({"code": 0, "tasks": None}, 0),
    ],
)
async def test_get_sms_tasks_of_an_empty_queue(
    client: EjoinClient, gateway: GatewayStub, reply: dict[str, Any], total: int
) -> None:
    """No tasks listed; the total as the gateway gives it."""
    gateway.set_json(reply)
    assert await client.get_sms_tasks(4) == SmsTaskQueue(port=4, total=total)


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ({"code": 2, "reason": "Invalid port"}, EjoinCommandError),
        ({"code": 14, "reason": "Unauthorized"}, EjoinAuthenticationError),
        ({"code": 200, "tasks": {"tid": 1}}, EjoinMalformedReplyError),
    ],
)
async def test_get_sms_tasks_refused_or_unreadable(
    client: EjoinClient,
    gateway: GatewayStub,
    reply: dict[str, Any],
    error: type[Exception],
) -> None:
    """A refusal raises with its reason; a list that is no list cannot be read."""
    gateway.set_json(reply)
    with pytest.raises(error):
        await client.get_sms_tasks(1)


@pytest.mark.parametrize(
    "options", [{"port": 0}, {"port": 1, "start": -1}, {"port": 1, "count": 0}]
)
async def test_get_sms_tasks_that_make_no_sense(
    client: EjoinClient, gateway: GatewayStub, options: dict[str, Any]
) -> None:
    """Port 0, a negative start or no count: nothing is sent."""
    with pytest.raises(ValueError, match="a port from 1"):
        await client.get_sms_tasks(**options)
    assert gateway.requests == []


ACTIONS: list[tuple[str, Callable[..., Awaitable[tuple[TaskStatus, ...]]]]] = [
    ("/goip_pause_sms.html", EjoinClient.pause_sms_tasks),
    ("/goip_resume_sms.html", EjoinClient.resume_sms_tasks),
    ("/goip_remove_sms.html", EjoinClient.remove_sms_tasks),
]


@pytest.mark.parametrize(("path", "action"), ACTIONS, ids=["pause", "resume", "remove"])
@pytest.mark.parametrize(
    ("task_ids", "body"),
    [([3, 1], {"tids": [3, 1]}), (None, {}), (range(5, 7), {"tids": [5, 6]})],
    ids=["some", "every", "iterable"],
)
async def test_pause_resume_remove_send_the_task_ids(
    client: EjoinClient,
    gateway: GatewayStub,
    path: str,
    action: Callable[..., Awaitable[tuple[TaskStatus, ...]]],
    task_ids: Any,
    body: dict[str, Any],
) -> None:
    """A POST of {"tids": [...]}; without task ids an empty object (every task)."""
    gateway.set_json(
        {"code": 200, "reason": "OK", "results": [{"tid": 3, "status": "0 OK"}]}
    )

    results = await action(client, task_ids)

    assert_request(
        gateway.only_request,
        method="POST",
        path=path,
        content_type=JSON_TYPE,
        json_body=body,
    )
    assert results == (TaskStatus(task_id=3, code=0, reason="OK"),)
    assert results[0].accepted


async def test_task_results_in_every_form(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """Status as code and text, a bare code, or code and reason; other rows left out."""
    gateway.set_json(
        {
            "code": 0,
            "results": [
                {"tid": 1, "status": "0 OK"},
                {"tid": "2", "status": "3 Not found"},
                {"tid": 3, "status": 0},
                {"tid": 4, "code": "5", "reason": "busy"},
                {"tid": 5},
                {"status": "0 OK"},
                {"tid": 6, "status": "OK"},
                {"tid": 7, "status": [0]},
                "nonsense",
            ],
        }
    )

    results = await client.remove_sms_tasks([1, 2, 3, 4, 5, 6, 7])

    assert results == (
        TaskStatus(task_id=1, code=0, reason="OK"),
        TaskStatus(task_id=2, code=3, reason="Not found"),
        TaskStatus(task_id=3, code=0, reason=""),
        TaskStatus(task_id=4, code=5, reason="busy"),
    )
    assert [result.accepted for result in results] == [True, False, True, False]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [({"code": 200, "reason": "OK"}, ()), ({"code": 0, "results": None}, ())],
)
async def test_task_results_absent(
    client: EjoinClient,
    gateway: GatewayStub,
    reply: dict[str, Any],
    expected: tuple[TaskStatus, ...],
) -> None:
    """A reply without results says the request was taken, nothing of each task."""
    gateway.set_json(reply)
    assert await client.pause_sms_tasks() == expected


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ({"code": 15, "reason": "Invalid command"}, EjoinCommandError),
        ({"code": 200, "results": "0 OK"}, EjoinMalformedReplyError),
    ],
)
async def test_task_results_refused_or_unreadable(
    client: EjoinClient,
    gateway: GatewayStub,
    reply: dict[str, Any],
    error: type[Exception],
) -> None:
    """A refusal of the request raises; results that are no list cannot be read."""
    gateway.set_json(reply)
    with pytest.raises(error):
        await client.resume_sms_tasks([1])


@pytest.mark.parametrize(("path", "action"), ACTIONS, ids=["pause", "resume", "remove"])
async def test_no_task_ids_at_all_make_no_sense(
    client: EjoinClient,
    gateway: GatewayStub,
    path: str,
    action: Callable[..., Awaitable[tuple[TaskStatus, ...]]],
) -> None:
    """An empty list is not "every task" (that is None): nothing is sent."""
    with pytest.raises(ValueError, match="at least one task"):
        await action(client, [])
    assert gateway.requests == []
