"""A request to a simulated or stubbed gateway, recorded exactly as it arrived.

Shared by the simulator's request log and the client tests' gateway stub, so that a
test reads a request the same way whichever server received it. Standard library and
aiohttp only: the client's tests import it without Home Assistant installed.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
from typing import Any
from urllib.parse import unquote

from aiohttp import web


def parse_query(raw_query: str) -> list[tuple[str, str | None]]:
    """Split a raw query into decoded pairs; a bare name has the value None."""
    if not raw_query:
        return []
    pairs: list[tuple[str, str | None]] = []
    for part in raw_query.split("&"):
        name, equals, value = part.partition("=")
        pairs.append((unquote(name), unquote(value) if equals else None))
    return pairs


@dataclass(frozen=True, kw_only=True)
class RecordedRequest:
    """One request as the server received it: raw path and query, and the body."""

    method: str
    path: str
    raw_query: str
    # Decoded pairs in order: a list, not a dict, because order and repeated names
    # matter to the gateway, and a bare name (``op=get&sms_url``) is not ``name=``.
    query: list[tuple[str, str | None]]
    content_type: str | None
    body: bytes

    @classmethod
    async def of(cls, request: web.Request) -> RecordedRequest:
        """Record a request, reading its body."""
        raw_query = request.rel_url.raw_query_string
        return cls(
            method=request.method,
            path=request.rel_url.raw_path,
            raw_query=raw_query,
            query=parse_query(raw_query),
            content_type=request.headers.get("Content-Type"),
            body=await request.read(),
        )

    def json(self) -> Any:
        """Decode the body as JSON."""
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """Decode the body as UTF-8 text."""
        return self.body.decode()
