"""A local stand-in for an Ejoin gateway's web server, for the HTTP client's tests.

The stub listens on 127.0.0.1 only, records every request it receives exactly as it
arrived (as the simulator's :class:`RecordedRequest`, so both are read alike), and
answers with whatever reply the test set.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import contextlib
from dataclasses import dataclass, field
import json
from typing import Any

from aiohttp import web

from ejoin_simulator.recorded import RecordedRequest, parse_query

# The test modules take the recorded-request type and its query parser from here.
__all__ = ["GatewayStub", "RecordedRequest", "Reply", "parse_query"]


@dataclass(frozen=True, kw_only=True)
class Reply:
    """What the stub answers: status, body bytes, extra headers and a delay first."""

    status: int = 200
    body: bytes = b'{"code": 0, "reason": "OK"}'
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0

    @classmethod
    def json(cls, data: Any, *, status: int = 200, delay: float = 0.0) -> Reply:
        """Answer with a JSON document."""
        return cls(
            status=status,
            body=json.dumps(data).encode(),
            headers={"Content-Type": "application/json"},
            delay=delay,
        )


type ReplyFactory = Callable[[RecordedRequest], Reply]


class GatewayStub:
    """An aiohttp web server on 127.0.0.1 that records requests and replies as told."""

    def __init__(self) -> None:
        """Prepare the stub; :meth:`start` opens the socket."""
        self.requests: list[RecordedRequest] = []
        self.reply: Reply | ReplyFactory = Reply()
        self.request_received = asyncio.Event()
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        """Let delayed replies go and stop the server."""
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def set_json(self, data: Any, *, status: int = 200, delay: float = 0.0) -> None:
        """Answer every following request with this JSON document."""
        self.reply = Reply.json(data, status=status, delay=delay)

    def set_body(self, body: bytes, *, status: int = 200) -> None:
        """Answer every following request with these bytes."""
        self.reply = Reply(status=status, body=body)

    @property
    def only_request(self) -> RecordedRequest:
        """The one request received; fails when there were none or several."""
        assert len(self.requests) == 1, self.requests
        return self.requests[0]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Record the request and answer with the configured reply."""
        recorded = await RecordedRequest.of(request)
        self.requests.append(recorded)
        self.request_received.set()
        reply = self.reply if isinstance(self.reply, Reply) else self.reply(recorded)
        if reply.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._release.wait(), reply.delay)
        return web.Response(
            status=reply.status, body=reply.body, headers=dict(reply.headers)
        )
