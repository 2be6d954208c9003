"""An aiohttp server that answers like an Ejoin gateway and pushes reports like one.

The :class:`Simulator` assembles the parts and owns their life cycle: the gateway's
HTTP API (``gateway_api``), the reports it pushes (``pushes``) and the simulator's
own control API under ``/_sim/`` (``control``). It also reboots the gateway, and
lets counters drift so that a demo looks alive.
"""

from __future__ import annotations

import asyncio
from collections import deque
import secrets
import time
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from .control import ControlApi
from .gateway_api import GatewayApi
from .model import Port, SentMessage
from .pushes import PushWorker
from .recorded import RecordedRequest
from .reports import Gateway
from .sms_tasks import SmsTasks

# RecordedRequest: the type of request_log, imported from here by older tests.
__all__ = ["RecordedRequest", "Simulator"]


class Simulator:
    """A running simulated gateway: its HTTP server, its pushes and its timers."""

    def __init__(
        self,
        gateway: Gateway,
        *,
        username: str | None = None,
        password: str | None = None,
        min_period: float = 60,
        command_delay: float = 2.0,
        reboot_seconds: float = 3.0,
        drift_seconds: float | None = 10.0,
        bad_login: str = "html",
    ) -> None:
        """Prepare the server; nothing listens until :meth:`start`.

        The login defaults to the firmware's: root/root (SMS), admin/admin (proxy).
        """
        default_login = "admin" if gateway.proxy else "root"
        self._gateway = gateway
        self.reboot_seconds = reboot_seconds
        self.drift_seconds = drift_seconds
        self.push_worker = PushWorker(gateway)
        self.gateway_api = GatewayApi(
            gateway,
            self.push_worker,
            username=default_login if username is None else username,
            password=default_login if password is None else password,
            min_period=min_period,
            command_delay=command_delay,
            bad_login=bad_login,
            reboot=self.reboot,
        )
        self.sms_tasks = SmsTasks(gateway, self.push_worker)
        self.control_api = ControlApi(
            gateway,
            self.push_worker,
            self.gateway_api,
            self.sms_tasks,
            reboot=self.reboot,
        )
        self._session: ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.host = "127.0.0.1"
        self.port = 0
        self.app = web.Application(middlewares=[self.gateway_api.middleware])
        self.app.add_routes(
            [
                *self.gateway_api.routes(),
                *self.sms_tasks.routes(),
                *self.control_api.routes(),
            ]
        )

    @property
    def gateway(self) -> Gateway:
        """The simulated gateway's model."""
        return self._gateway

    @gateway.setter
    def gateway(self, gateway: Gateway) -> None:
        """Put another gateway in this one's place, as after a module swap."""
        # Plugged in where the old one was: as reachable as it, until told otherwise.
        gateway.offline = self._gateway.offline
        self._gateway = gateway
        self.push_worker.gateway = gateway
        self.gateway_api.gateway = gateway
        self.sms_tasks.gateway = gateway
        self.control_api.gateway = gateway

    # --- life cycle ------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the running server."""
        return f"http://{self.host}:{self.port}"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen, and start pushing and drifting."""
        self._session = ClientSession(timeout=ClientTimeout(total=5))
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self.port = self._runner.addresses[0][1]
        self.push_worker.start(self._session)
        if self.drift_seconds:
            self.push_worker.spawn(self._drift())

    async def stop(self) -> None:
        """Stop listening and cancel every timer and push."""
        self.gateway_api.stall.stop()  # a hung request would hold the server up
        await self.push_worker.stop()
        if self._runner:
            await self._runner.cleanup()
        if self._session:
            await self._session.close()

    # --- device-wide events ----------------------------------------------------------

    @property
    def offline(self) -> bool:
        """Whether the gateway is unreachable: it answers nothing and pushes nothing.

        The one switch for it: tests set it, and the control API and a reboot set the
        same flag on the gateway.
        """
        return self.gateway.offline

    @offline.setter
    def offline(self, offline: bool) -> None:
        self.gateway.offline = offline

    @property
    def hanging(self) -> bool:
        """Whether the gateway hangs: it takes requests, and answers none until resumed.

        Resumed, it carries each waiting request out in the order they came and
        answers it, as a device that froze and went on would: a hung SMS post is
        sent then, even when its client has given up.
        """
        return self.gateway_api.stall.hanging

    @hanging.setter
    def hanging(self, hanging: bool) -> None:
        self.gateway_api.stall.hanging = hanging

    @property
    def answer_delay(self) -> float:
        """Seconds the gateway takes to answer a request it has already carried out."""
        return self.gateway_api.stall.answer_delay

    @answer_delay.setter
    def answer_delay(self, seconds: float) -> None:
        self.gateway_api.stall.answer_delay = seconds

    @property
    def hold_sms(self) -> bool:
        """Whether the gateway holds its SMS tasks: takes and lists them, sends none.

        Let go, each task goes on where it stood (a paused one stays paused).
        """
        return self.sms_tasks.held

    @hold_sms.setter
    def hold_sms(self, held: bool) -> None:
        self.sms_tasks.held = held

    @property
    def outbox(self) -> list[SentMessage]:
        """Every SMS the gateway sent, one per recipient, in order."""
        return self.gateway.outbox

    def reboot(self) -> float:
        """Stop answering for a while, then come back with a new ssrc and a dev-status.

        The saved configuration comes back; unsaved settings are gone. The report URL,
        period and all_sims given to goip_get_status.html are remembered. Return how
        many seconds the reboot takes.
        """
        self.offline = True

        def back() -> None:
            self.offline = False
            self.gateway.restore()
            self.gateway.ssrc = secrets.token_hex(4)
            self.gateway.inbox.renumber()  # the store counts from 1 again, as ssrc says
            now = time.monotonic()
            for port in self.gateway.ports.values():
                port.settle(now)
            self.push(self.gateway.dev_status(now))
            self.push_worker.restart_period()

        self.push_worker.later(self.reboot_seconds, back)
        return self.reboot_seconds

    async def _drift(self) -> None:
        """Let counters grow and signals wander, so a demo looks alive."""
        while self.drift_seconds:
            await asyncio.sleep(self.drift_seconds)
            self.gateway.drift(time.monotonic())

    # --- pushes, for tests and demos -------------------------------------------------

    def push(self, body: dict[str, Any], url: str | None = None) -> None:
        """Queue a report for the report URL (or another URL), in order."""
        self.push_worker.push(body, url)

    def push_port(
        self, port: Port, *, slot: int | None = None, at: float | None = None
    ) -> None:
        """Push a slot's state (the working slot's unless told) as a ``port-status``."""
        self.push_worker.push_port(port, slot=slot, at=at)

    def push_slot(self, port: Port, slot: int) -> None:
        """Push a changed slot: the working one always, another only under all_sims."""
        self.push_worker.push_slot(port, slot)

    def push_sms(self, row: list[Any], *, port: int) -> None:
        """Push one stored row as ``recv-sms`` to the SMS URL; without one, nowhere."""
        self.push_worker.push_sms(row, port=port)

    def _restart_period(self) -> None:
        """Start the periodic dev-status afresh (tests change the report URL directly)."""
        self.push_worker.restart_period()

    @property
    def pushes(self) -> deque[tuple[str, dict[str, Any]]]:
        """Every push sent so far (the last 500): URL and body."""
        return self.push_worker.sent

    @property
    def push_failures(self) -> int:
        """How many pushes failed: no answer, or an HTTP error."""
        return self.push_worker.failures

    # --- the gateway API's settings and log, for tests -------------------------------

    @property
    def requests(self) -> int:
        """How many requests the gateway API received while online."""
        return self.gateway_api.requests

    @property
    def request_log(self) -> deque[RecordedRequest]:
        """The last 200 requests to the gateway API, as they arrived."""
        return self.gateway_api.request_log

    @property
    def username(self) -> str:
        """The login name the gateway accepts."""
        return self.gateway_api.username

    @username.setter
    def username(self, username: str) -> None:
        self.gateway_api.username = username

    @property
    def password(self) -> str:
        """The password the gateway accepts."""
        return self.gateway_api.password

    @password.setter
    def password(self, password: str) -> None:
        self.gateway_api.password = password

    @property
    def bad_login(self) -> str:
        """How a wrong login is answered: one of ``gateway_api.BAD_LOGINS``."""
        return self.gateway_api.bad_login

    @bad_login.setter
    def bad_login(self, bad_login: str) -> None:
        self.gateway_api.bad_login = bad_login

    @property
    def command_delay(self) -> float:
        """Seconds a redial, reset or switch takes."""
        return self.gateway_api.command_delay

    @command_delay.setter
    def command_delay(self, command_delay: float) -> None:
        self.gateway_api.command_delay = command_delay

    @property
    def min_period(self) -> float:
        """The shortest report period the gateway accepts, in seconds."""
        return self.gateway_api.min_period

    @min_period.setter
    def min_period(self, min_period: float) -> None:
        self.gateway_api.min_period = min_period
