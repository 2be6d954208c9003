"""Sending and reading SMS on the simulator through ``EjoinClient``; its statistics pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from custom_components.ejoin.pyejoin import (
    Counter,
    EjoinAuthenticationError,
    EjoinClient,
    PortAddress,
    SmsReceivedReport,
    SmsSentReport,
    SmsTask,
    TaskProgressReport,
    TaskStatus,
    parse_report,
)

from .conftest import (
    JSON_TYPE,
    MAC,
    PASSWORD,
    USERNAME,
    WRONG_PASSWORD,
    Control,
    PushReceiver,
    make_client,
)

if TYPE_CHECKING:
    import aiohttp

    from ejoin_simulator import Simulator

FIRST = "+4915100000001"
SECOND = "+4915100000002"
ACCEPTED = TaskStatus(task_id=7, code=0, reason="OK")


def task(
    task_id: int = 7, *, ports: str | None = "2", delivery_report: bool = False
) -> SmsTask:
    """Build an SMS task for two recipients, from port 2 unless told otherwise."""
    return SmsTask(
        task_id=task_id,
        recipients=(FIRST, SECOND),
        text="Grüße 👋",
        ports=ports,
        delivery_report=delivery_report,
    )


# --- sending --------------------------------------------------------------------------


async def test_send_sms_pushes_sent_sms_and_a_status_report_to_sr_url(
    reporting: EjoinClient, receiver: PushReceiver
) -> None:
    """Accepted; one sent-sms per recipient to the report URL, the progress to sr_url."""
    statuses = await reporting.send_sms([task()], status_report_url=receiver.url("/sr"))
    assert statuses == (ACCEPTED,)
    for number, index in ((FIRST, 1), (SECOND, 2)):
        push = await receiver.next("sent-sms")
        assert (push.path, push.content_type) == ("/reports", JSON_TYPE)
        assert (push.body["recver"], push.body["seq"]) == (number, index)
        sent = parse_report(push.body)
        assert isinstance(sent, SmsSentReport)
        assert sent.problems == ()
        assert sent.ok is True
        assert (sent.task_id, sent.recipient, sent.text) == (7, number, "Grüße 👋")
        assert (sent.mac, sent.address) == (MAC, PortAddress(port=2, slot=1))
    push = await receiver.next("status-report")
    assert (push.path, push.content_type) == ("/sr", JSON_TYPE)
    progress = parse_report(push.body)
    assert isinstance(progress, TaskProgressReport)
    assert progress.problems == ()
    [only] = progress.tasks
    assert (only.task_id, only.sending, only.sent, only.failed, only.unsent) == (
        7,
        0,
        2,
        0,
        0,
    )
    assert [(row.index, row.number, row.address) for row in only.sent_to] == [
        (1, FIRST, PortAddress(port=2, slot=1)),
        (2, SECOND, PortAddress(port=2, slot=1)),
    ]
    assert only.failed_to == ()
    report = await reporting.get_status()
    assert report.ports[1].sms_sent.total == Counter(used=2)
    assert report.ports[0].sms_sent.total == Counter(used=0)


async def test_status_report_goes_to_the_report_url_without_sr_url(
    reporting: EjoinClient, receiver: PushReceiver
) -> None:
    """Without sr_url the progress report goes where the other reports go."""
    assert await reporting.send_sms([task()]) == (ACCEPTED,)
    push = await receiver.next("status-report")
    assert push.path == "/reports"
    assert [push.type for push in receiver.pushes] == [
        "sent-sms",
        "sent-sms",
        "status-report",
    ]


async def test_delivery_reports_follow_when_asked_for(
    reporting: EjoinClient, receiver: PushReceiver
) -> None:
    """With dr=1 each recipient's delivery report comes as a flag-1 recv-sms row."""
    await reporting.set_sms_url(receiver.url("/sms"))
    assert await reporting.send_sms([task(delivery_report=True)]) == (ACCEPTED,)
    for number in (FIRST, SECOND):
        push = await receiver.next("recv-sms")
        assert push.path == "/sms"
        assert push.body["sms"][0][0] == 1
        parsed = parse_report(push.body)
        assert isinstance(parsed, SmsReceivedReport)
        [report] = parsed.delivery_reports
        assert (report.recipient, report.delivered) == (number, True)
        assert report.address == PortAddress(port=2, slot=1)
    stored = await reporting.read_sms()
    assert [report.recipient for report in stored.delivery_reports] == [FIRST, SECOND]
    assert stored.messages == ()


async def test_without_a_port_the_gateway_picks_a_registered_one(
    reporting: EjoinClient, receiver: PushReceiver
) -> None:
    """No ``from``: with port 1 locked the SMS goes out from port 2."""
    await reporting.lock("1")
    assert await reporting.send_sms([task(ports=None)]) == (ACCEPTED,)
    push = await receiver.next("sent-sms")
    assert push.body["port"] == "2.01"


async def test_duplicated_task_id_is_refused(
    client: EjoinClient, simulator: Simulator
) -> None:
    """A task id used before, or twice in one request, is refused with code 13."""
    assert await client.send_sms([task(1)]) == (
        TaskStatus(task_id=1, code=0, reason="OK"),
    )
    assert await client.send_sms([task(1)]) == (
        TaskStatus(task_id=1, code=13, reason="Duplicated task id"),
    )
    assert await client.send_sms([task(2), task(2)]) == (
        TaskStatus(task_id=2, code=0, reason="OK"),
        TaskStatus(task_id=2, code=13, reason="Duplicated task id"),
    )
    assert simulator.gateway.task_ids == {1, 2}


async def test_invalid_port_is_refused(
    client: EjoinClient, simulator: Simulator
) -> None:
    """A task from port 9 of a 4-port gateway is refused with code 2."""
    assert await client.send_sms([task(3, ports="9")]) == (
        TaskStatus(task_id=3, code=2, reason="Invalid port"),
    )
    assert simulator.gateway.task_ids == set()


async def test_locked_port_is_unregistered(
    reporting: EjoinClient, simulator: Simulator, receiver: PushReceiver
) -> None:
    """A task from a user-locked port is refused with code 5 and nothing is sent."""
    await reporting.lock("1")
    assert await reporting.send_sms([task(4, ports="1")]) == (
        TaskStatus(task_id=4, code=5, reason="SIM unregistered"),
    )
    assert simulator.gateway.task_ids == set()
    await receiver.expect_none("sent-sms", within=0.5)


async def test_registering_port_is_unregistered(
    client: EjoinClient, control: Control
) -> None:
    """A port marked registering through /_sim/port refuses tasks with code 5."""
    assert await control.post("port", {"port": 3, "registering": True}) == {"status": 2}
    assert await client.send_sms([task(5, ports="3")]) == (
        TaskStatus(task_id=5, code=5, reason="SIM unregistered"),
    )
    assert await control.post("port", {"port": 3, "registering": False}) == {
        "status": 3
    }
    assert await client.send_sms([task(5, ports="3")]) == (
        TaskStatus(task_id=5, code=0, reason="OK"),
    )


async def test_missing_recipients_are_refused(
    client: EjoinClient, simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    """An empty ``to``, or none at all, is refused with code 9 (TO expected)."""
    empty = SmsTask(task_id=6, recipients=("",), text="x", ports="1")
    assert await client.send_sms([empty]) == (
        TaskStatus(task_id=6, code=9, reason="TO expected"),
    )
    async with session.post(
        f"{simulator.url}/goip_post_sms.html",
        params={"username": "root", "password": "root"},
        json={"type": "send-sms", "task_num": 1, "tasks": [{"tid": 6, "sms": "x"}]},
    ) as response:
        assert response.status == 200
        assert await response.json(content_type=None) == {
            "code": 200,
            "reason": "OK",
            "type": "task-status",
            "status": [{"tid": 6, "status": "9 TO expected"}],
        }
    assert simulator.gateway.task_ids == set()


async def test_send_sms_with_wrong_credentials(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    """The SMS endpoint refuses a wrong password like every other."""
    with pytest.raises(EjoinAuthenticationError):
        await make_client(simulator, session, password=WRONG_PASSWORD).send_sms(
            [task()]
        )
    assert simulator.gateway.task_ids == set()


# --- reading the SMS store ------------------------------------------------------------


async def test_read_sms_pages_through_the_store_and_deletes(
    client: EjoinClient, control: Control
) -> None:
    """ssrc, next_index, count and delete behave as the SMS store's API says."""
    for text in ("one", "two", "three"):
        await control.post("sms", {"port": 1, "text": text, "push": False})
    ssrc = (await control.state())["ssrc"]

    everything = await client.read_sms()
    assert (everything.ssrc, everything.next_index) == (ssrc, 4)
    assert [sms.text for sms in everything.messages] == ["one", "two", "three"]
    assert everything.problems == ()

    nothing_new = await client.read_sms(start=everything.next_index)
    assert (nothing_new.messages, nothing_new.next_index) == ((), 4)

    await control.post("sms", {"port": 1, "text": "four", "push": False})
    new = await client.read_sms(start=everything.next_index)
    assert ([sms.text for sms in new.messages], new.next_index) == (["four"], 5)

    page = await client.read_sms(start=1, count=2)
    assert ([sms.text for sms in page.messages], page.next_index) == (["one", "two"], 3)

    deleted = await client.read_sms(start=2, count=2, delete=True)
    assert [sms.text for sms in deleted.messages] == ["two", "three"]
    assert deleted.next_index == 4
    left = await client.read_sms()
    assert ([sms.text for sms in left.messages], left.next_index) == (
        ["one", "four"],
        5,
    )
    assert (await control.state())["inbox"] == 2


# --- statistics -----------------------------------------------------------------------


async def statistics(
    session: aiohttp.ClientSession, simulator: Simulator, page: str
) -> dict[str, Any]:
    """Read a statistics page of the simulator over plain HTTP (as root/root)."""
    async with session.get(
        f"{simulator.url}/{page}",
        params={"username": USERNAME, "password": PASSWORD, "type": "2"},
    ) as response:
        assert response.status == 200
        answer: dict[str, Any] = await response.json(content_type=None)
        return answer


async def test_sms_statistics_count_what_was_sent(
    reporting: EjoinClient,
    receiver: PushReceiver,
    session: aiohttp.ClientSession,
    simulator: Simulator,
) -> None:
    """One row per port; port 2's count grows by the two SMS of a task."""
    page = "goip_get_sms_stat.html"
    assert await statistics(session, simulator, page) == {
        "code": 200,
        "reason": "OK",
        "count": 4,
        "stats": [{"port": n, "slot": 1, "sent": 0} for n in range(1, 5)],
    }
    await reporting.send_sms([task()])
    await receiver.next("status-report")
    assert (await statistics(session, simulator, page))["stats"] == [
        {"port": n, "slot": 1, "sent": 2 if n == 2 else 0} for n in range(1, 5)
    ]


async def test_call_statistics_count_call_minutes(
    control: Control, session: aiohttp.ClientSession, simulator: Simulator
) -> None:
    """A call of 130 s on port 3 counts as 3 minutes."""
    page = "goip_get_call_stat.html"
    assert (await statistics(session, simulator, page))["stats"] == [
        {"port": n, "slot": 1, "minutes": 0} for n in range(1, 5)
    ]
    await control.post("call", {"port": 3, "duration": 130})
    assert (await statistics(session, simulator, page))["stats"] == [
        {"port": n, "slot": 1, "minutes": 3 if n == 3 else 0} for n in range(1, 5)
    ]
