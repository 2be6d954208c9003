"""A stalled simulator: it hangs until resumed, or it answers slowly, as a device can."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
import pytest

from custom_components.ejoin.pyejoin import (
    EjoinClient,
    EjoinNoAnswerError,
    SmsTask,
    TaskStatus,
)
from ejoin_simulator.model import SentMessage

from .conftest import Control, PushReceiver, StartSimulator

if TYPE_CHECKING:
    from ejoin_simulator import Simulator

FIRST = "+4915100000001"
SECOND = "+4915100000002"
TASK = SmsTask(task_id=41, recipients=(FIRST, SECOND), text="Hallo", ports="2")
ACCEPTED = (TaskStatus(task_id=41, code=0, reason="OK"),)
DUPLICATE = (TaskStatus(task_id=41, code=13, reason="Duplicated task id"),)


def impatient(simulator: Simulator, session: aiohttp.ClientSession) -> EjoinClient:
    """Return a client of the simulator that waits 0.2 s for an answer."""
    return EjoinClient(
        "127.0.0.1",
        port=simulator.port,
        username=simulator.username,
        password=simulator.password,
        session=session,
        timeout=0.2,
    )


async def outbox_of(simulator: Simulator, count: int) -> list[SentMessage]:
    """Wait, up to 5 s, until the gateway has sent ``count`` SMS; return them."""
    for _ in range(250):
        if len(simulator.outbox) >= count:
            break
        await asyncio.sleep(0.02)
    return list(simulator.outbox)


def sent_messages(*recipients: str, task_id: int = 41) -> list[SentMessage]:
    """Return the outbox after the test task went out from port 2 to recipients."""
    return [
        SentMessage(task_id=task_id, port="2.01", recipient=number, text="Hallo")
        for number in recipients
    ]


async def test_a_hung_sms_post_is_sent_when_the_gateway_resumes(
    reporting: EjoinClient,
    simulator: Simulator,
    session: aiohttp.ClientSession,
    receiver: PushReceiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The client gives up; the gateway, resumed, still sends the SMS, once.

    The same task again is then refused as a duplicate: that is what makes sending
    an unconfirmed task again safe.
    """
    simulator.hanging = True

    with pytest.raises(EjoinNoAnswerError):
        await impatient(simulator, session).send_sms([TASK])

    assert [request.path for request in simulator.request_log][-1] == (
        "/goip_post_sms.html"
    )
    await asyncio.sleep(0.3)  # longer than the simulator takes to send an SMS
    assert simulator.outbox == []
    assert simulator.gateway.task_ids == set()

    simulator.hanging = False

    assert await outbox_of(simulator, 2) == sent_messages(FIRST, SECOND)
    assert [
        push.body["recver"]
        for push in (await receiver.next("sent-sms"), await receiver.next("sent-sms"))
    ] == [FIRST, SECOND]
    assert await reporting.send_sms([TASK]) == DUPLICATE
    await receiver.expect_none("sent-sms", within=0.4)
    assert simulator.outbox == sent_messages(FIRST, SECOND)
    # Answering a client that left is no error of the server's.
    assert [record for record in caplog.records if record.levelname == "ERROR"] == []


async def test_a_client_that_waits_gets_the_answer_when_the_gateway_resumes(
    client: EjoinClient, simulator: Simulator
) -> None:
    """Requests wait while the gateway hangs, and are answered in order once it resumes."""
    simulator.hanging = True
    first = asyncio.create_task(client.send_sms([TASK]))
    await asyncio.sleep(0.1)
    again = asyncio.create_task(client.send_sms([TASK]))
    await asyncio.sleep(0.3)
    assert not first.done()
    assert not again.done()
    assert simulator.hanging is True

    simulator.hanging = False

    assert await first == ACCEPTED
    assert await again == DUPLICATE
    assert await outbox_of(simulator, 2) == sent_messages(FIRST, SECOND)


async def test_a_slow_gateway_carries_the_request_out_before_answering(
    client: EjoinClient, simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    """Slow: the task is taken at once, the answer comes too late for the client."""
    simulator.answer_delay = 0.5

    with pytest.raises(EjoinNoAnswerError):
        await impatient(simulator, session).send_sms([TASK])

    assert simulator.gateway.task_ids == {41}
    assert await outbox_of(simulator, 2) == sent_messages(FIRST, SECOND)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await client.send_sms([TASK]) == DUPLICATE
    assert loop.time() - started >= 0.5
    simulator.answer_delay = 0
    assert (await client.get_status()).mac == "00-30-f1-01-02-03"


async def test_control_api_hangs_resumes_and_slows_the_gateway(
    client: EjoinClient, simulator: Simulator, control: Control
) -> None:
    """/_sim/hang, /_sim/resume and /_sim/answer-delay switch what tests set directly."""
    assert await control.post("hang") == {"hanging": True}
    assert simulator.hanging is True
    status = asyncio.create_task(client.get_status())
    await asyncio.sleep(0.2)
    state = await control.state()  # the control API itself never stalls
    assert (state["hanging"], state["answer_delay"]) == (True, 0.0)
    assert not status.done()

    assert await control.post("resume") == {"hanging": False}
    assert len((await status).ports) == 4
    assert await control.post("answer-delay", {"seconds": 0.3}) == {"answer_delay": 0.3}
    assert simulator.answer_delay == 0.3
    assert (await control.state())["answer_delay"] == 0.3
    assert await control.post("answer-delay", {"seconds": 0}) == {"answer_delay": 0}
    assert (await control.state())["outbox"] == 0


@pytest.mark.parametrize("seconds", [-1, "soon", None, 3601])
async def test_control_api_refuses_an_odd_answer_delay(
    simulator: Simulator, session: aiohttp.ClientSession, seconds: object
) -> None:
    """A delay that is not a number of seconds from 0 to an hour is HTTP 400."""
    async with session.post(
        f"{simulator.url}/_sim/answer-delay", json={"seconds": seconds}
    ) as response:
        assert response.status == 400
        assert "seconds must be from 0 to 3600" in await response.text()
    assert simulator.answer_delay == 0


async def test_the_server_keeps_a_handler_running_when_its_client_goes() -> None:
    """The default of aiohttp, on which carrying out a hung request later relies."""
    runner = web.AppRunner(web.Application())
    await runner.setup()
    try:
        assert runner.server is not None
        assert runner.server.handler_cancellation is False
    finally:
        await runner.cleanup()


async def test_a_simulator_stops_at_once_with_a_request_hanging(
    start_simulator: StartSimulator, session: aiohttp.ClientSession
) -> None:
    """Stopping ends hung requests unanswered and carries none of them out."""
    simulator = await start_simulator()
    simulator.hanging = True
    client = impatient(simulator, session)
    with pytest.raises(EjoinNoAnswerError):
        await client.send_sms([TASK])

    async with asyncio.timeout(3):
        await simulator.stop()

    assert simulator.outbox == []
    assert simulator.gateway.task_ids == set()
