"""A gateway that stalls: it hangs until resumed, or it answers slowly.

Both are switched without signals, by tests (``Simulator.hanging``,
``Simulator.answer_delay``) and by the control API. A hung gateway takes a request and
does nothing with it until it resumes; then it carries the request out as the device
would (an SMS post is sent then) and answers, to a connection its client may have
closed long ago. That works because aiohttp's server runs a handler to its end when
the client goes away (``handler_cancellation`` is off by default). A slow gateway
carries the request out at once and answers only after the delay.
"""

from __future__ import annotations

import asyncio
import contextlib


class Stall:
    """Whether the gateway hangs, and how long it takes to answer."""

    def __init__(self) -> None:
        """Start neither hanging nor slow."""
        self._resumed = asyncio.Event()
        self._resumed.set()
        self._stopping = asyncio.Event()
        self.answer_delay = 0.0  # seconds between carrying a request out and answering

    @property
    def hanging(self) -> bool:
        """Whether requests wait, unanswered and not carried out, until resumed."""
        return not self._resumed.is_set()

    @hanging.setter
    def hanging(self, hanging: bool) -> None:
        if hanging and not self._stopping.is_set():
            self._resumed.clear()
        else:
            self._resumed.set()  # every waiting request goes on, in arrival order

    async def wait_to_carry_out(self) -> bool:
        """Wait while hanging; False when the simulator stops meanwhile."""
        await self._resumed.wait()
        return not self._stopping.is_set()

    async def wait_to_answer(self) -> bool:
        """Wait the answer delay; False when the simulator stops meanwhile."""
        if self.answer_delay > 0 and not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.answer_delay)
        return not self._stopping.is_set()

    def stop(self) -> None:
        """Let every waiting request end unanswered, so the server can stop at once."""
        self._stopping.set()
        self._resumed.set()
