"""Sending SMS when the gateway does not answer: not confirmed, handed over again, once.

The simulated gateway hangs (it takes the request and carries it out only when it
resumes) or answers slowly; the client gives up after 0.2 s instead of 10 s. Whatever
happens, the gateway's outbox holds each SMS once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.core import Event, HassJob, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
from homeassistant.util.async_ import get_scheduled_timer_handles
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.ejoin.pyejoin import SmsTask, TaskStatus
from custom_components.ejoin.sms.sender import RETRY_DELAYS
from custom_components.ejoin.sms.task_ids import TaskState
from ejoin_simulator import Simulator
from ejoin_simulator.model import SentMessage
from tests.helpers import (
    SMS,
    act,
    check_error,
    check_unreachable,
    entry_for,
    gateway_device,
    messages,
    port_device,
    sent,
    set_up_entry,
    wait_for,
)

FIRST = "+4915100000001"
SECOND = "+4915100000002"
TEXT = "The gate is open."
MESSAGE = {"numbers": [FIRST, SECOND], "message": TEXT}
NOT_CONFIRMED = "not_confirmed"
UNKNOWN_TASK_ID = (
    "Task 12345 was not sent through this gateway by Home Assistant, or too long "
    "ago: leave the task ID out to send a new message"
)
ANOTHER_MESSAGE = (
    "Task {task_id} was another message: with a task ID, give the same numbers, "
    "message and sending ports as when it was first sent"
)


@pytest.fixture
def impatient() -> Iterator[None]:
    """Let the integration's client wait 0.2 s for an answer, not 10 s."""
    with patch("custom_components.ejoin.connection.REQUEST_TIMEOUT", 0.2):
        yield


@pytest.fixture
async def live(
    hass: HomeAssistant, simulator: Simulator, client: TestClient, impatient: None
) -> MockConfigEntry:
    """Set the gateway up with its pushes reaching Home Assistant, and an impatient client."""
    return await set_up_entry(hass, simulator, entry_for(simulator, client=client))


@pytest.fixture
def events(hass: HomeAssistant) -> list[Event[dict[str, Any]]]:
    """Capture every ejoin_sms_sent."""
    return async_capture_events(hass, "ejoin_sms_sent")


def results(events: list[Event[dict[str, Any]]]) -> list[tuple[str, str, int]]:
    """Return what each ejoin_sms_sent said: result, recipient and task id."""
    return [
        (event.data["result"], event.data["recipient"], event.data["task_id"])
        for event in events
    ]


def sms_posts(simulator: Simulator) -> list[dict[str, Any]]:
    """Return the body of every SMS post the gateway received, checking each request."""
    posts = []
    for method, path, query, body in sent(simulator):
        assert (method, path, query) == SMS
        posts.append(body)
    return posts


def outbox(task_id: int, *recipients: str) -> list[SentMessage]:
    """Return the gateway's outbox after it sent a task once, from port 1."""
    return [
        SentMessage(task_id=task_id, port="1.01", recipient=number, text=TEXT)
        for number in recipients
    ]


async def later(hass: HomeAssistant, seconds: float) -> None:
    """Let time pass, and everything it starts finish."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done(wait_background_tasks=True)


async def send(hass: HomeAssistant, **extra: Any) -> dict[str, Any]:
    """Send the test SMS to both recipients; return the action's only task."""
    response = await act(hass, "send_sms", {**MESSAGE, **extra}, response=True)
    [task] = response["tasks"]
    return dict(task)


async def test_a_send_not_answered_is_confirmed_later_and_sent_once(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    events: list[Event[dict[str, Any]]],
) -> None:
    """Not confirmed, not failed; the same task again 10 s later; the gateway sent it once.

    Events: not_confirmed for each recipient, then sent when the gateway reports it.
    """
    simulator.hanging = True

    task = await send(hass)

    task_id = task["task_id"]
    assert task == {"task_id": task_id, "accepted": None, "status": NOT_CONFIRMED}
    assert [event.data for event in events] == [
        {
            "gateway_device_id": gateway_device(hass),
            "device_id": None,
            "port": None,
            "slot": None,
            "task_id": task_id,
            "recipient": number,
            "result": NOT_CONFIRMED,
            "ok": None,
            "status_code": None,
            "reason": f"gateway 127.0.0.1:{simulator.port} did not answer "
            "/goip_post_sms.html within 0.2 s",
            "sent_at": None,
        }
        for number in (FIRST, SECOND)
    ]

    simulator.hanging = False  # it carries the hung request out, and reports it
    await wait_for(lambda: len(events) == 4, "the gateway's sent-sms reports")
    await later(hass, RETRY_DELAYS[0] + 1)  # handed over again: it has it (code 13)
    for delay in RETRY_DELAYS[1:]:
        await later(hass, delay + 1)  # answered: not handed over again

    assert results(events) == [
        (NOT_CONFIRMED, FIRST, task_id),
        (NOT_CONFIRMED, SECOND, task_id),
        ("sent", FIRST, task_id),
        ("sent", SECOND, task_id),
    ]
    assert events[2].data["device_id"] == port_device(hass, 1)
    first, again = sms_posts(simulator)
    assert first == again
    assert [task["tid"] for task in first["tasks"]] == [task_id]
    assert simulator.outbox == outbox(task_id, FIRST, SECOND)


async def test_the_user_sending_again_with_the_task_id_gets_the_same_task(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    events: list[Event[dict[str, Any]]],
) -> None:
    """An automation that sends again with the answer's task id: already accepted."""
    simulator.hanging = True
    task_id = (await send(hass))["task_id"]
    simulator.hanging = False
    await wait_for(lambda: len(events) == 4, "the gateway's sent-sms reports")

    again = await send(hass, task_id=task_id)
    assert again == {"task_id": task_id, "accepted": True, "status": "already_accepted"}
    # Known as taken now: answered at once, and not handed over in the background.
    assert await send(hass, task_id=str(task_id)) == again
    await later(hass, RETRY_DELAYS[0] + 1)

    first, repeated = sms_posts(simulator)
    assert repeated == first
    assert simulator.outbox == outbox(task_id, FIRST, SECOND)
    assert [result for result, *_ in results(events)] == [
        NOT_CONFIRMED,
        NOT_CONFIRMED,
        "sent",
        "sent",
    ]


async def test_sending_again_while_the_gateway_hangs_is_not_confirmed_again(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    events: list[Event[dict[str, Any]]],
) -> None:
    """Every hand-over of a task waits; resumed, the gateway sends the first, once."""
    simulator.hanging = True
    task_id = (await send(hass))["task_id"]

    again = await send(hass, task_id=task_id)
    await later(hass, RETRY_DELAYS[0] + 1)  # the background's own, one schedule only

    assert again == {"task_id": task_id, "accepted": None, "status": NOT_CONFIRMED}
    assert len(sms_posts(simulator)) == 3
    simulator.hanging = False
    await wait_for(lambda: len(events) == 6, "the gateway's sent-sms reports")
    await later(hass, RETRY_DELAYS[1] + 1)  # code 13: it has the task
    await later(hass, RETRY_DELAYS[2] + 1)
    assert len(sms_posts(simulator)) == 4
    assert [result for result, *_ in results(events)] == [NOT_CONFIRMED] * 4 + [
        "sent"
    ] * 2
    assert simulator.outbox == outbox(task_id, FIRST, SECOND)


async def test_a_gateway_that_never_answers_gets_the_task_five_times_and_sends_it_once(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After the last hand-over a warning says so, with the task id and no number."""
    simulator.hanging = True
    task_id = (await send(hass))["task_id"]

    for delay in RETRY_DELAYS:
        await later(hass, delay + 1)
    await later(hass, 3600)

    assert len(sms_posts(simulator)) == 1 + len(RETRY_DELAYS)
    [warning] = messages(caplog, "did not confirm SMS task")
    assert warning == (
        f"Gateway Ejoin 127.0.0.1 did not confirm SMS task {task_id} after 5 "
        "attempts: it may have sent it or not. Send it again with its task id to "
        "find out"
    )
    assert not [record for record in caplog.records if FIRST in record.getMessage()]
    simulator.hanging = False
    await wait_for(lambda: len(simulator.outbox) >= 2, "the SMS to be sent")
    assert simulator.outbox == outbox(task_id, FIRST, SECOND)
    assert simulator.gateway.task_ids == {task_id}


async def test_a_slow_answer_is_not_confirmed_and_the_task_is_sent_once(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    events: list[Event[dict[str, Any]]],
) -> None:
    """The gateway takes the task at once and answers after the client gave up."""
    simulator.answer_delay = 0.5
    task_id = (await send(hass))["task_id"]
    simulator.answer_delay = 0

    await wait_for(lambda: len(events) == 4, "the gateway's sent-sms reports")
    await later(hass, RETRY_DELAYS[0] + 1)
    await later(hass, RETRY_DELAYS[1] + 1)

    assert sorted(result for result, *_ in results(events)) == [
        NOT_CONFIRMED,
        NOT_CONFIRMED,
        "sent",
        "sent",
    ]
    assert len(sms_posts(simulator)) == 2
    assert simulator.outbox == outbox(task_id, FIRST, SECOND)


async def test_a_task_refused_when_handed_over_again_stays_not_confirmed(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    events: list[Event[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Dropped unread, then refused: no "failed", a warning; the user's id still works.

    The refusal is of the second hand-over: the first may have been taken and sent, so
    the task stays pending, and it is not handed over again in the background.
    """
    simulator.offline = True  # it takes the connection, and drops it unanswered
    task_id = (await send(hass))["task_id"]
    simulator.offline = False
    for port in simulator.gateway.ports.values():
        port.locked = True

    for delay in RETRY_DELAYS:
        await later(hass, delay + 1)

    assert [(event.data["result"], event.data["ok"]) for event in events] == [
        (NOT_CONFIRMED, None),
        (NOT_CONFIRMED, None),
    ]
    assert (
        events[0]
        .data["reason"]
        .startswith(
            f"cannot talk to gateway 127.0.0.1:{simulator.port}: ServerDisconnectedError"
        )
    )
    assert len(sms_posts(simulator)) == 1  # the dropped one was not recorded
    [warning] = messages(caplog, "refused SMS task")
    assert warning == (
        f"Gateway Ejoin 127.0.0.1 refused SMS task {task_id} when it was handed over "
        "again: SIM unregistered (code 5). It may have taken the task the first time: "
        "its reports will say whether it is sent"
    )
    assert live.runtime_data.task_retries.pending == 0
    issued = await live.runtime_data.task_ids.get(task_id)
    assert issued is not None
    assert issued.state is TaskState.PENDING
    for port in simulator.gateway.ports.values():
        port.locked = False

    again = await send(hass, task_id=task_id)

    assert again == {"task_id": task_id, "accepted": True, "status": "OK"}
    await wait_for(lambda: len(events) == 4, "the gateway's sent-sms reports")
    assert simulator.outbox == outbox(task_id, FIRST, SECOND)


async def test_the_user_sending_again_refused_is_not_told_as_failed(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    events: list[Event[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The gateway has the first hand-over, then refuses the user's: not confirmed, sent.

    Events: not_confirmed, then sent, never "failed" in between; no number is logged.
    """
    simulator.hanging = True  # it holds the first hand-over, and carries it out later
    task_id = (await send(hass))["task_id"]

    async def refuse(tasks: list[SmsTask], **_: Any) -> tuple[TaskStatus, ...]:
        """Refuse every task as a gateway with a busy SIM might."""
        return tuple(
            TaskStatus(task_id=task.task_id, code=5, reason="SIM unregistered")
            for task in tasks
        )

    with patch.object(live.runtime_data.client, "send_sms", refuse):
        again = await send(hass, task_id=task_id)

    assert again == {"task_id": task_id, "accepted": None, "status": NOT_CONFIRMED}
    [warning] = messages(caplog, "refused SMS task")
    assert f"refused SMS task {task_id} when it was handed over again" in warning
    assert "SIM unregistered (code 5)" in warning
    assert not [record for record in caplog.records if FIRST in record.getMessage()]
    simulator.hanging = False
    await wait_for(lambda: len(events) == 4, "the gateway's sent-sms reports")
    await later(hass, RETRY_DELAYS[0] + 1)  # the background's: code 13, it has it
    assert results(events) == [
        (NOT_CONFIRMED, FIRST, task_id),
        (NOT_CONFIRMED, SECOND, task_id),
        ("sent", FIRST, task_id),
        ("sent", SECOND, task_id),
    ]
    issued = await live.runtime_data.task_ids.get(task_id)
    assert issued is not None
    assert issued.state is TaskState.ACCEPTED
    assert simulator.outbox == outbox(task_id, FIRST, SECOND)


def retry_timers(hass: HomeAssistant) -> list[asyncio.TimerHandle]:
    """Return the timers still set for a task's hand-over again."""
    return [
        handle
        for handle in get_scheduled_timer_handles(hass.loop)
        if not handle.cancelled()
        and any(
            isinstance(arg, HassJob) and arg.name == "ejoin SMS task again"
            for arg in handle._args  # as the lingering-timer check reads it
        )
    ]


async def test_confirmed_tasks_leave_nothing_registered(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    events: list[Event[dict[str, Any]]],
) -> None:
    """Three unconfirmed sends, confirmed: no timer, no task, no unload callback left.

    Each retry used to add a callback to the entry's unload, holding the SMS text
    until the entry unloaded.
    """
    retries = live.runtime_data.task_retries
    callbacks = len(live._on_unload or [])  # what the leak grew
    simulator.hanging = True
    for _ in range(3):
        await send(hass)
    assert retries.pending == 3
    assert len(retry_timers(hass)) == 3

    simulator.hanging = False
    await wait_for(lambda: len(events) == 12, "the gateway's sent-sms reports")
    await later(hass, RETRY_DELAYS[0] + 1)  # code 13 for each: the gateway has them

    assert retries.pending == 0
    assert retry_timers(hass) == []
    assert len(live._on_unload or []) == callbacks
    assert len(sms_posts(simulator)) == 6


async def test_an_unload_stops_every_task_handed_over_again(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
) -> None:
    """Unloaded while tasks wait (one of them on its hand-over): nothing is left running."""
    retries = live.runtime_data.task_retries
    simulator.hanging = True
    await send(hass)
    await send(hass, message="The gate is closed.")
    await later(hass, RETRY_DELAYS[0] + 1)  # both handed over again, hanging
    await send(hass, message="The gate is stuck.")
    assert retries.pending == 3

    assert await hass.config_entries.async_unload(live.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert retries.pending == 0
    assert retry_timers(hass) == []
    posts = len(sms_posts(simulator))
    await later(hass, RETRY_DELAYS[-1] + 1)
    assert len(sms_posts(simulator)) == posts == 5
    simulator.hanging = False  # it carries out what it holds, each task once
    await wait_for(lambda: len(simulator.outbox) == 6, "the SMS to be sent")


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (
            {"task_id": 12345},
            "unknown_task_id",
            UNKNOWN_TASK_ID,
        ),
        (
            {"message": "The gate is closed."},
            "task_id_of_another_message",
            ANOTHER_MESSAGE,
        ),
        (
            {"numbers": [FIRST]},
            "task_id_of_another_message",
            ANOTHER_MESSAGE,
        ),
        (
            {"device_id": "port 2"},
            "task_id_of_another_message",
            ANOTHER_MESSAGE,
        ),
    ],
    ids=["not_ours", "other_text", "other_numbers", "other_port"],
)
async def test_a_task_id_is_taken_only_for_the_message_it_was_issued_for(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    change: dict[str, Any],
    key: str,
    message: str,
) -> None:
    """A task id of another message, or not issued here, is refused; nothing is sent."""
    task_id = (await send(hass))["task_id"]
    simulator.request_log.clear()
    data = {**MESSAGE, "task_id": task_id, **change}
    if "device_id" in change:
        data["device_id"] = [port_device(hass, 2)]
    wrong = str(data["task_id"])

    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "send_sms", data, response=True)

    check_error(raised.value, key, message.format(task_id=wrong), {"task_id": wrong})
    assert sent(simulator) == []


async def test_a_confirmed_task_sent_again_is_not_handed_over(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """The gateway took it: the same task id is answered from memory, nothing sent."""
    task = await send(hass)
    assert task == {"task_id": task["task_id"], "accepted": True, "status": "OK"}
    simulator.request_log.clear()

    again = await send(hass, task_id=task["task_id"])

    assert again == {**task, "status": "already_accepted"}
    assert sent(simulator) == []


async def test_after_a_restart_the_task_id_still_gets_the_same_task(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    events: list[Event[dict[str, Any]]],
) -> None:
    """Set up again (the background hand-overs end): the user's hand-over finds it."""
    simulator.hanging = True
    task_id = (await send(hass))["task_id"]
    simulator.hanging = False
    await wait_for(lambda: len(simulator.outbox) == 2, "the SMS to be sent")
    assert await hass.config_entries.async_reload(live.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.request_log.clear()
    await later(hass, RETRY_DELAYS[0] + 1)
    assert sms_posts(simulator) == []  # the unload ended the background's

    again = await send(hass, task_id=task_id)

    assert again == {"task_id": task_id, "accepted": True, "status": "already_accepted"}
    assert [body["tasks"][0]["tid"] for body in sms_posts(simulator)] == [task_id]
    assert simulator.outbox == outbox(task_id, FIRST, SECOND)


async def test_a_gateway_not_reached_is_still_an_error(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    events: list[Event[dict[str, Any]]],
) -> None:
    """Nothing listening: nothing was sent, so the action fails as before."""
    await simulator.stop()

    with pytest.raises(HomeAssistantError) as raised:
        await send(hass)

    check_unreachable(raised.value, simulator)
    assert "ClientConnectorError" in raised.value.translation_placeholders["error"]
    assert events == []
