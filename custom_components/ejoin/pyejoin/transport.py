"""Carry requests to the gateway and bring its replies back, the password kept secret.

The gateway takes ``username`` and ``password`` as query parameters on every request, so
the full URL is a secret: :meth:`GatewayTransport._request` is the only place that
builds it, and every error it raises carries a message with the password removed. It
tells a refused login (HTTP 401/403, the web interface's login page, or a reply code)
from a request the gateway refused, and from a reply that cannot be read.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any, Final
from urllib.parse import quote, quote_plus

import aiohttp
from yarl import URL

from .bodies import JsonLoader, load_json_object
from .exceptions import (
    EjoinAuthenticationError,
    EjoinCommandError,
    EjoinConnectionError,
    EjoinError,
    EjoinMalformedReplyError,
    EjoinMalformedReportError,
    EjoinNoAnswerError,
    EjoinTimeoutError,
)
from .replies import is_login_page, raise_for_code
from .wire import STATUS_PATH, Request, status_request

# op=get replies kept for diagnostics, by the names asked for: their shape varies.
GET_REPLIES_KEPT: Final = 8
# aiohttp's errors that come before a request is sent: no connection was made (refused,
# unreachable, unknown host, aiohttp's own connect timeout), or the URL is invalid.
NOT_SENT: Final = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
    aiohttp.InvalidURL,
)


class GatewayTransport:
    """The way to one gateway's HTTP API, over a session the caller owns."""

    def __init__(
        self,
        host: str,
        *,
        username: str,
        password: str,
        session: aiohttp.ClientSession,
        port: int = 80,
        timeout: float = 10.0,
        loads: JsonLoader = json.loads,
    ) -> None:
        """Remember where the gateway is and how to log in; nothing is sent yet.

        ``loads`` reads the JSON replies (see :func:`.load_json_object`).
        """
        self._host = host
        self._port = port
        self._username = username
        self._password = password
        self._session = session
        self._timeout = timeout
        self._loads = loads
        self._base = URL.build(scheme="http", host=host, port=port)
        # The last reply to each op=get, as it came (for diagnostics).
        self.get_replies: dict[str, dict[str, Any]] = {}

    def __repr__(self) -> str:
        """Name the gateway without its credentials."""
        return f"{type(self).__name__}(host={self._host!r}, port={self._port})"

    @property
    def host(self) -> str:
        """Host name or address of the gateway."""
        return self._host

    @property
    def port(self) -> int:
        """TCP port of the gateway's web server."""
        return self._port

    def scrub(self, text: str) -> str:
        """Remove the password, in every form a URL may carry it, from a text."""
        if self._password:
            forms = {
                self._password,
                quote(self._password, safe=""),
                quote(self._password),
                quote_plus(self._password),
                URL.build(query={"p": self._password}).raw_query_string[2:],
            }
            for form in sorted(forms, key=len, reverse=True):
                text = text.replace(form, "***")
        return re.sub(r"(?i)(password=)[^&\s'\"]*", r"\1***", text)

    def _url(self, request: Request) -> URL:
        """Build a request's URL, credentials first; a value None is a bare name."""
        items = [
            ("username", self._username),
            ("password", self._password),
            *request.query,
        ]
        query_string = "&".join(
            quote(key, safe="()_")
            if value is None
            else f"{quote(key, safe='()_')}={quote(value, safe='')}"
            for key, value in items
        )
        return URL(f"{self._base}/{request.path}?{query_string}", encoded=True)

    async def _request(
        self, request: Request, *, keep_as: str | None = None
    ) -> dict[str, Any]:
        """Send one request and return the gateway's JSON reply, or raise a package error.

        :class:`EjoinNoAnswerError` (a timeout among them) says the request may have
        reached the gateway; a plain :class:`EjoinConnectionError`, that it did not.

        With ``keep_as``, the reply (a JSON object, refusal or not) is kept under that
        name in :attr:`get_replies`.
        """
        path = request.path
        headers = (
            None
            if request.content_type is None
            else {"Content-Type": request.content_type}
        )
        where = f"{self._host}:{self._port}"
        failure: EjoinError | None = None
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.request(
                    "GET" if request.body is None else "POST",
                    self._url(request),
                    data=request.body,
                    headers=headers,
                    allow_redirects=False,  # never hand the credentials to another URL
                ) as response,
            ):
                status = response.status
                content_type = response.headers.get("Content-Type", "")
                location = response.headers.get("Location", "")
                body = await response.read()
        except NOT_SENT as err:
            detail = self.scrub(f"{type(err).__name__}: {err}")
            failure = EjoinConnectionError(f"cannot talk to gateway {where}: {detail}")
        except TimeoutError:
            failure = EjoinTimeoutError(
                f"gateway {where} did not answer /{path} within {self._timeout:g} s"
            )
        except aiohttp.ClientError as err:
            # The connection broke once it was made: the request may have gone out.
            detail = self.scrub(f"{type(err).__name__}: {err}")
            failure = EjoinNoAnswerError(f"cannot talk to gateway {where}: {detail}")
        if failure is not None:
            # Raised outside the except block, so that aiohttp's error, whose text
            # holds the URL and so the password, is not kept as its context.
            raise failure

        if status in (401, 403):
            raise EjoinAuthenticationError(
                f"gateway {where} rejected the username or password (HTTP {status})"
            )
        if (300 <= status < 400 and "login" in location.lower()) or (
            status < 300 and is_login_page(content_type, body)
        ):
            # The web interface's login page, or a redirect to it. An endpoint this
            # firmware lacks might answer so too: the status page, which every
            # firmware has, tells whether the login itself is refused.
            if path == STATUS_PATH or await self._login_refused():
                raise EjoinAuthenticationError(
                    f"gateway {where} rejected the username or password "
                    "(it answered with its login page)"
                )
            raise EjoinCommandError(
                status, f"/{path} answered with a web page, not the API"
            )
        if status >= 300:
            raise EjoinCommandError(status, f"HTTP {status} for /{path}")
        try:
            reply = load_json_object(body, loads=self._loads)
        except EjoinMalformedReportError:
            raise EjoinMalformedReplyError(
                f"gateway {where} answered /{path} with something that is not JSON"
            ) from None
        if not isinstance(reply, dict):
            raise EjoinMalformedReplyError(
                f"gateway {where} answered /{path} with JSON that is not an object"
            )
        if keep_as is not None:
            self.get_replies.pop(keep_as, None)
            self.get_replies[keep_as] = reply
            while len(self.get_replies) > GET_REPLIES_KEPT:
                del self.get_replies[next(iter(self.get_replies))]
        raise_for_code(reply, self.scrub)
        return reply

    async def _login_refused(self) -> bool:
        """Whether the gateway refuses the login itself (asked of its status page)."""
        try:
            await self._request(status_request())
        except EjoinAuthenticationError:
            return True
        except EjoinError:
            return False  # another failure says nothing of the login
        return False
