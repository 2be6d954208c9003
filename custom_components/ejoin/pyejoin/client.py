"""Speak the gateway's HTTP API: the transport, and one method per endpoint.

The gateway takes ``username`` and ``password`` as query parameters on every request, so
the full URL is a secret: :meth:`EjoinClient._request` is the only place that builds it,
and every error it raises carries a message with the password removed. Requests are
built in :mod:`.wire` and replies read in :mod:`.replies`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
import re
from typing import Any, Final
from urllib.parse import quote, quote_plus

import aiohttp
from yarl import URL

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
from .models import DeviceStatusReport, SmsTask, StoredSms, TaskStatus
from .ports import PortAddress
from .replies import (
    device_status,
    is_login_page,
    parameter_value,
    parameters_set,
    port_values,
    raise_for_code,
    reply_values,
    stored_sms,
    task_statuses,
)
from .wire import (
    STATUS_PATH,
    Command,
    CommandOp,
    Ports,
    RedialMode,
    Request,
    command_request,
    get_request,
    load_json_object,
    ports_text,
    read_sms_request,
    send_sms_request,
    set_request,
    sim_numbers_request,
    status_request,
)

# op=get replies kept for diagnostics, by the names asked for: their shape varies.
GET_REPLIES_KEPT: Final = 8
# aiohttp's errors that come before a request is sent: no connection was made (refused,
# unreachable, unknown host, aiohttp's own connect timeout), or the URL is invalid.
NOT_SENT: Final = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
    aiohttp.InvalidURL,
)


class EjoinClient:
    """An Ejoin gateway's HTTP API, over a session the caller owns."""

    def __init__(
        self,
        host: str,
        *,
        username: str,
        password: str,
        session: aiohttp.ClientSession,
        port: int = 80,
        timeout: float = 10.0,
    ) -> None:
        """Remember where the gateway is and how to log in; nothing is sent yet."""
        self._host = host
        self._port = port
        self._username = username
        self._password = password
        self._session = session
        self._timeout = timeout
        self._base = URL.build(scheme="http", host=host, port=port)
        # The last reply to each op=get, as it came (for diagnostics).
        self.get_replies: dict[str, dict[str, Any]] = {}

    def __repr__(self) -> str:
        """Name the gateway without its credentials."""
        return f"EjoinClient(host={self._host!r}, port={self._port})"

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
            reply = load_json_object(body)
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

    async def get_status(
        self,
        *,
        report_url: str | None = None,
        period: int | None = None,
        all_sims: bool | None = None,
    ) -> DeviceStatusReport:
        """Read the gateway's status; optionally tell it where and how often to report.

        ``period`` 0 stops periodic reports. The gateway answers with a ``dev-status``.
        """
        request = status_request(
            report_url=report_url, period=period, all_sims=all_sims
        )
        return device_status(await self._request(request))

    async def stop_reports(self) -> None:
        """Tell the gateway to push nothing more: no report URL, no period, no SMS URL."""
        await self.get_status(report_url="", period=0)
        await self.set_sms_url("")

    async def send_commands(self, commands: Sequence[Command]) -> None:
        """Run commands in one request (``multiple`` when there are several)."""
        await self._request(command_request(commands))

    async def lock(self, ports: Ports) -> None:
        """Lock ports (a port without a slot locks all its SIMs)."""
        await self.send_commands([Command(op=CommandOp.LOCK, ports=ports_text(ports))])

    async def unlock(self, ports: Ports) -> None:
        """Unlock ports."""
        await self.send_commands(
            [Command(op=CommandOp.UNLOCK, ports=ports_text(ports))]
        )

    async def switch(self, slots: Iterable[PortAddress]) -> None:
        """Make each given SIM slot the active one of its port."""
        addresses = list(slots)
        if any(address.slot is None for address in addresses):
            raise ValueError("switching needs the slot to switch to")
        await self.send_commands(
            [Command(op=CommandOp.SWITCH, ports=ports_text(addresses))]
        )

    async def reset(self, ports: Ports) -> None:
        """Restart the modules of ports."""
        await self.send_commands(
            [Command(op=CommandOp.RESET, ports=ports_text(ports, whole_ports=True))]
        )

    async def redial(
        self,
        ports: Ports,
        *,
        mode: RedialMode = RedialMode.FLIGHT,
        delay: int | None = None,
    ) -> None:
        """Redial ports; in flight mode the SIM re-registers and usually gets a new IP."""
        await self.send_commands(
            [
                Command(
                    op=CommandOp.REDIAL,
                    ports=ports_text(ports, whole_ports=True),
                    mode=mode,
                    delay=delay,
                )
            ]
        )

    async def save(self) -> None:
        """Make the gateway keep its current configuration across reboots."""
        await self.send_commands([Command(op=CommandOp.SAVE)])

    async def reboot(self) -> None:
        """Reboot the whole gateway."""
        await self.send_commands([Command(op=CommandOp.REBOOT)])

    async def get_parameters(self, *names: str) -> dict[str, Any]:
        """Read parameters with ``op=get``; the reply's keys as the gateway sent them."""
        request = get_request(names)
        return reply_values(await self._request(request, keep_as=",".join(names)))

    async def set_parameters(
        self, values: Mapping[str, str | int], *, save: bool = True
    ) -> None:
        """Change parameters with ``op=set``, then ``save`` them.

        A value set and not saved is lost at the gateway's next reboot. No source shows
        ``set`` inside a ``multiple`` command, so the save is a request of its own.
        """
        await self._request(set_request(values))
        if save:
            await self.save()

    async def get_sms_url(self) -> str | None:
        """Read the URL the gateway forwards received SMS to."""
        value = parameter_value(await self.get_parameters("sms_url"), "sms_url")
        return value.strip() or None if isinstance(value, str) else None

    async def set_sms_url(self, url: str) -> None:
        """Tell the gateway where to forward received SMS, for good (set, then save)."""
        await self.set_parameters({"sms_url": url})

    async def keep_sms_url(self, url: str) -> bool:
        """Make the gateway forward SMS to ``url`` for good; True when it was told so.

        Set and saved only when the gateway forwards elsewhere: each save writes its
        flash, and would also keep whatever else was changed on it and not saved.
        """
        try:
            current = await self.get_sms_url()
        except (EjoinCommandError, EjoinMalformedReplyError):
            current = None  # a firmware that does not say where: tell it
        if current == (url.strip() or None):
            return False
        await self.set_sms_url(url)
        return True

    async def get_public_ips(self) -> dict[int, str]:
        """Read each port's public IP address (proxy firmware), by port number."""
        reply = await self.get_parameters("port_public_ip")
        return port_values(reply, "port_public_ip")

    async def get_traffic(self) -> dict[int, str]:
        """Read each port's received/sent traffic (proxy firmware), as the gateway writes it."""
        reply = await self.get_parameters("Ports_rx_tx")
        return port_values(reply, "Ports_rx_tx")

    async def set_data_service(self, *, enabled: bool) -> None:
        """Turn mobile data on or off for the whole gateway."""
        await self.set_parameters({"data_service_enable": 1 if enabled else 0})

    async def set_sim_numbers(
        self, numbers: Mapping[PortAddress, str], *, slots_per_port: int
    ) -> int:
        """Store the phone numbers of SIMs; returns how many the gateway set."""
        reply = await self._request(sim_numbers_request(numbers, slots_per_port))
        await self.save()  # else the numbers are gone at the next reboot
        return parameters_set(reply, len(numbers))

    async def send_sms(
        self,
        tasks: Sequence[SmsTask],
        *,
        status_report_url: str | None = None,
        sms_url: str | None = None,
    ) -> tuple[TaskStatus, ...]:
        """Hand SMS tasks to the gateway; returns its verdict on each."""
        request = send_sms_request(
            tasks, status_report_url=status_report_url, sms_url=sms_url
        )
        return task_statuses(await self._request(request))

    async def read_sms(
        self, *, start: int = 1, count: int = 0, delete: bool = False
    ) -> StoredSms:
        """Read stored SMS from position ``start`` (``count`` 0 = all that follow)."""
        request = read_sms_request(start=start, count=count, delete=delete)
        return stored_sms(await self._request(request), start)
