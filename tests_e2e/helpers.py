"""What the end-to-end and browser tests share: the entry, the simulator, waiting.

Home Assistant is asked through its REST and WebSocket APIs only; the simulator
through its control API (``/_sim/...``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import time
from typing import Any

import aiohttp

from ejoin_dev.api import HomeAssistantApi

from .conftest import Stack

DOMAIN = "ejoin"
# A working port's status code, and the Status sensor's state for it: registered on
# SMS firmware, "dial successful" (data connected) on proxy firmware.
WORKING = {"sms": 3, "proxy": 15}
WORKING_STATE = {"sms": "registered", "proxy": "accessing_network"}


async def ejoin_entry(api: HomeAssistantApi) -> str:
    """Return the id of the (one) Ejoin config entry."""
    entries = await api.request(
        "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
    )
    assert len(entries) == 1, f"expected one Ejoin entry, found {entries}"
    return str(entries[0]["entry_id"])


async def simulator_state(
    session: aiohttp.ClientSession, stack: Stack
) -> dict[str, Any]:
    """Read the simulated gateway's model through its control API."""
    async with session.get(f"{stack.simulator.url}/_sim/state") as response:
        assert response.status == 200, await response.text()
        state: dict[str, Any] = await response.json()
        return state


async def simulate(
    session: aiohttp.ClientSession, stack: Stack, what: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Make something happen on the simulated gateway (an SMS, a call, ...)."""
    async with session.post(
        f"{stack.simulator.url}/_sim/{what}", json=body
    ) as response:
        assert response.status == 200, await response.text()
        answer: dict[str, Any] = await response.json()
        return answer


def firmware_of(stack: Stack) -> str:
    """Return the simulated firmware: "sms" or "proxy"."""
    return stack.simulator.firmware


async def wait_until[T](
    read: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    *,
    within: float,
    what: str,
    stack: Stack,
    every: float = 1,
) -> T:
    """Read every ``every`` seconds until ``done``; fail with Home Assistant's log."""
    deadline = time.monotonic() + within
    value = await read()
    while not done(value):
        assert time.monotonic() < deadline, (
            f"after {within:.0f} s still waiting for {what}; last seen {value!r}\n"
            f"Home Assistant's log ends with:\n{stack.hass.log_tail()}"
        )
        await asyncio.sleep(every)
        value = await read()
    return value


async def next_event(
    queue: asyncio.Queue[dict[str, Any]], within: float, what: str, stack: Stack
) -> dict[str, Any]:
    """Wait for the next event of a subscription; fail with Home Assistant's log."""
    try:
        async with asyncio.timeout(within):
            return await queue.get()
    except TimeoutError:
        raise AssertionError(
            f"no {what} within {within:.0f} s\n"
            f"Home Assistant's log ends with:\n{stack.hass.log_tail()}"
        ) from None
