"""The project's client against the simulator: LEDs, mobile data and the SMS queue.

The raw shapes are pinned in ``test_data_service.py`` and ``test_sms_queue.py``; here
the client and the simulated hardware are shown to understand each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.ejoin.pyejoin import (
    DataService,
    EjoinClient,
    EjoinCommandError,
    PortAddress,
    QueuedSmsTask,
    SmsTask,
    TaskStatus,
)

from .conftest import Control, make_client

if TYPE_CHECKING:
    import aiohttp

    from ejoin_simulator import Simulator

OK = "OK"


async def test_data_service_per_port_on_proxy_firmware(
    proxy: Simulator, session: aiohttp.ClientSession
) -> None:
    """Read per port; port 3 off is set, saved, and read back off."""
    client = make_client(proxy, session)
    assert await client.get_data_service() == DataService(
        ports=dict.fromkeys(range(1, 5), True)
    )

    await client.set_data_service(enabled=False, ports=[PortAddress(port=3)])

    assert (await client.get_data_service()).ports == {
        1: True,
        2: True,
        3: False,
        4: True,
    }
    assert proxy.gateway.ports[3].saved_data_enabled is False  # saved
    assert (await client.get_public_ips()).keys() == {1, 2, 4}


async def test_data_service_is_refused_by_sms_firmware(client: EjoinClient) -> None:
    """The SMS firmware does not know the parameter: code 4."""
    with pytest.raises(EjoinCommandError) as raised:
        await client.get_data_service()
    assert raised.value.code == 4


async def test_led_blinks_and_stops(client: EjoinClient, control: Control) -> None:
    """set_led on then off for port 2."""
    await client.set_led([PortAddress(port=2, slot=3)], on=True)
    assert (await control.state())["ports"]["2"]["led"] is True
    await client.set_led([PortAddress(port=2)], on=False)
    assert (await control.state())["ports"]["2"]["led"] is False


async def test_sms_queue_is_listed_paused_resumed_and_removed(
    client: EjoinClient, simulator: Simulator
) -> None:
    """With the queue held: list port 2's tasks, pause one, remove one, resume one."""
    simulator.hold_sms = True
    tasks = [
        SmsTask(task_id=tid, recipients=("+1555", "+1556"), text="hi", ports="2")
        for tid in (11, 12)
    ]
    assert [status.code for status in await client.send_sms(tasks)] == [0, 0]

    queue = await client.get_sms_tasks(2, with_text=True)

    assert queue.total == 2
    assert queue.tasks[0] == QueuedSmsTask(
        task_id=11,
        state=0,
        ports="2",
        recipients=("+1555", "+1556"),
        charset="utf8",
        coding=0,
        text="hi",
    )
    assert await client.pause_sms_tasks([11]) == (
        TaskStatus(task_id=11, code=0, reason=OK),
    )
    assert await client.remove_sms_tasks([12, 13]) == (
        TaskStatus(task_id=12, code=0, reason=OK),
        TaskStatus(task_id=13, code=3, reason="Not found"),
    )
    queue = await client.get_sms_tasks(2)
    assert [(task.task_id, task.paused, task.text) for task in queue.tasks] == [
        (11, True, None)
    ]
    assert await client.resume_sms_tasks() == (
        TaskStatus(task_id=11, code=0, reason=OK),
    )
    assert not (await client.get_sms_tasks(2)).tasks[0].paused
