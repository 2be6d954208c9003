"""What the simulated gateway sends on its own: reports, posted one after another.

Every push goes through one queue and one worker, so reports arrive in the order the
gateway produced them, as from a real device's single sender. The periodic
``dev-status`` and the timers that push later (a redial's steps, a sent SMS, a
reboot's end) run here too, so that stopping the simulator cancels them all at once.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
import json
import logging
import time
from typing import Any

from aiohttp import ClientError, ClientSession

from .model import Port
from .reports import JSON_TYPE, Gateway

_LOGGER = logging.getLogger(__name__)


class PushWorker:
    """The gateway's outgoing reports: the queue, its worker, and the timers."""

    def __init__(self, gateway: Gateway) -> None:
        """Prepare the queue; nothing is posted until :meth:`start`."""
        self.gateway = gateway
        # Every push taken from the queue, for tests and the control API's state.
        self.sent: deque[tuple[str, dict[str, Any]]] = deque(maxlen=500)
        self.failures = 0
        self._queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()
        self._period_task: asyncio.Task[None] | None = None

    def start(self, session: ClientSession) -> None:
        """Start posting the queue's pushes with this session."""
        self.spawn(self._post_queued(session))

    async def stop(self) -> None:
        """Cancel the worker, the periodic report and every timer."""
        tasks = [*self._tasks, *([self._period_task] if self._period_task else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def spawn(self, work: Awaitable[None]) -> None:
        """Run some work until it ends or the worker stops."""
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def later(self, delay: float, action: Callable[[], None]) -> None:
        """Do something after a delay, unless the worker stops first."""

        async def run() -> None:
            await asyncio.sleep(delay)
            action()

        self.spawn(run())

    # --- what is pushed ---------------------------------------------------------------

    def push(self, body: dict[str, Any], url: str | None = None) -> None:
        """Queue a report for the report URL (or another URL), in order."""
        target = url or self.gateway.report_url
        if target and not self.gateway.offline:
            self._queue.put_nowait((target, body))

    def push_port(
        self, port: Port, *, slot: int | None = None, at: float | None = None
    ) -> None:
        """Push a slot's state (the working slot's unless told) as a ``port-status``.

        ``at`` is the time the state is for: a timer may fire a hair early.
        """
        now = time.monotonic() if at is None else max(time.monotonic(), at)
        self.push(self.gateway.port_status(port, now, slot))

    def push_slot(self, port: Port, slot: int) -> None:
        """Push a changed slot: the working one always, another only under all_sims."""
        if slot == port.active_slot:
            self.push_port(port)
        elif self.gateway.all_sims:
            self.push_port(port, slot=slot)

    def push_sms(self, row: list[Any], *, port: int) -> None:
        """Push one stored row as ``recv-sms`` to the SMS URL; without one, nowhere."""
        if not self.gateway.sms_url:
            return  # a real gateway forwards SMS only to its SMS URL
        self.push(self.gateway.recv_sms(row, port=port), url=self.gateway.sms_url)

    async def _post_queued(self, session: ClientSession) -> None:
        """Post the queue's pushes one at a time, counting the ones that fail."""
        while True:
            url, body = await self._queue.get()
            self.sent.append((url, body))
            try:
                async with session.post(
                    url,
                    data=json.dumps(body).encode(),
                    headers={"Content-Type": JSON_TYPE},
                ) as response:
                    await response.read()
                    if response.status >= 400:
                        self.failures += 1
            except (ClientError, OSError, TimeoutError, ValueError) as err:
                self.failures += 1
                _LOGGER.debug("push of %s to %s failed: %s", body.get("type"), url, err)

    # --- the periodic report ----------------------------------------------------------

    def restart_period(self) -> None:
        """Start the periodic ``dev-status`` afresh, or stop it without a report URL."""
        if self._period_task:
            self._period_task.cancel()
            self._period_task = None
        if self.gateway.report_url and self.gateway.report_period > 0:
            self._period_task = asyncio.ensure_future(self._periodic())

    async def _periodic(self) -> None:
        """Push a ``dev-status`` every report period."""
        while True:
            await asyncio.sleep(self.gateway.report_period)
            self.push(self.gateway.dev_status(time.monotonic()))
