"""The simulated gateway's HTTP API: the ``goip_*`` endpoints behind its login.

Endpoints: ``goip_get_status.html``, ``goip_send_cmd.html``, ``goip_get_sms.html``,
``goip_get_sms_stat.html``, ``goip_get_call_stat.html`` and the web interface's
``login.html``; the SMS task endpoints are in ``sms_tasks``. Every request to the
gateway (these and those) is counted and recorded as it arrived; an offline gateway
answers none, a stalled one (``stall``) answers late.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
import functools
import json
import math
import re
import secrets
import time
from typing import Any, NoReturn

from aiohttp import web

from .model import Port, random_ip
from .pushes import PushWorker
from .recorded import RecordedRequest
from .reports import JSON_TYPE, Gateway
from .stall import Stall

# The simulator's own control API lives under this prefix: the device's login, request
# log and offline state do not apply there.
CONTROL = "/_sim"

LOGIN_PATH = "/login.html"

# How a wrong username or password is answered. Nobody has published a capture, so
# the simulator offers the plausible forms; "html" (the web interface's login page,
# with HTTP 200) is what an embedded web server most likely does.
BAD_LOGINS = ("html", "401", "json", "redirect")
LOGIN_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Login</title></head>
<body>
<form method="post" action="/login.html">
<p>Username <input type="text" name="username"></p>
<p>Password <input type="password" name="password"></p>
<p><input type="submit" value="Login"></p>
</form>
</body></html>
"""
UNAUTHORIZED_PAGE = (
    "<html><head><title>401 Unauthorized</title></head>"
    "<body><h1>401 Unauthorized</h1></body></html>\n"
)

# Query parameters of goip_send_cmd.html that are not parameter names for get/set.
NOT_PARAMETERS = frozenset({"username", "password", "op", "version"})
PORT_OPS = frozenset({"lock", "unlock", "switch", "reset", "redial"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def reply(body: dict[str, Any], status: int = 200) -> web.Response:
    """Answer with JSON and the content type the gateway uses."""
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": JSON_TYPE},
    )


def html(page: str, status: int = 200) -> web.Response:
    """Answer with a page of the gateway's web interface."""
    return web.Response(
        status=status, body=page.encode(), headers={"Content-Type": "text/html"}
    )


class GatewayApi:
    """The gateway's endpoints, its login check and the log of requests it received."""

    def __init__(
        self,
        gateway: Gateway,
        pushes: PushWorker,
        *,
        username: str,
        password: str,
        min_period: float,
        command_delay: float,
        bad_login: str,
        reboot: Callable[[], object],
    ) -> None:
        """Serve a gateway; ``reboot`` is what the ``reboot`` command does."""
        if bad_login not in BAD_LOGINS:
            raise ValueError(f"bad_login must be one of {', '.join(BAD_LOGINS)}")
        self.gateway = gateway
        self.username = username
        self.password = password
        self.min_period = min_period
        self.command_delay = command_delay
        self.bad_login = bad_login
        self.requests = 0
        self.request_log: deque[RecordedRequest] = deque(maxlen=200)
        self.stall = Stall()
        self._pushes = pushes
        self._reboot = reboot

    def routes(self) -> list[web.RouteDef]:
        """Return the gateway's endpoints."""
        return [
            web.get("/goip_get_status.html", self._get_status),
            web.get("/goip_send_cmd.html", self._send_cmd),
            web.post("/goip_send_cmd.html", self._send_cmd),
            web.get("/goip_get_sms.html", self._get_sms),
            web.get("/goip_get_sms_stat.html", self._sms_stat),
            web.get("/goip_get_call_stat.html", self._call_stat),
            web.get(LOGIN_PATH, self._login_page),
        ]

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        """Answer nothing while offline; else record (on arrival), stall, check the login."""
        if request.path.startswith(CONTROL):
            return await handler(request)
        if self.gateway.offline:
            self._answer_nothing(request)
        self.requests += 1
        self.request_log.append(await RecordedRequest.of(request))
        if not await self.stall.wait_to_carry_out():
            self._answer_nothing(request)
        response: web.StreamResponse
        if request.path != LOGIN_PATH and not self._logged_in(request):
            response = self._refuse_login()
        else:
            response = await handler(request)
        if not await self.stall.wait_to_answer():
            self._answer_nothing(request)
        return response

    @staticmethod
    def _answer_nothing(request: web.Request) -> NoReturn:
        """Drop the connection, as a device that is gone (or stopped) does."""
        if request.transport:
            request.transport.close()
        raise web.HTTPServiceUnavailable

    def _logged_in(self, request: web.Request) -> bool:
        """Check the credentials; vendor examples capitalise the names (Username=)."""
        query = {key.lower(): value for key, value in request.query.items()}
        return (
            query.get("username") == self.username
            and query.get("password") == self.password
        )

    def _refuse_login(self) -> web.Response:
        """Answer a wrong login in the configured form."""
        if self.bad_login == "401":
            return html(UNAUTHORIZED_PAGE, status=401)
        if self.bad_login == "json":
            return reply({"code": 1, "reason": "Invalid User"})
        if self.bad_login == "redirect":
            return web.Response(status=302, headers={"Location": LOGIN_PATH})
        return html(LOGIN_PAGE)

    # --- gateway endpoints -----------------------------------------------------------

    async def _login_page(self, request: web.Request) -> web.Response:
        return html(LOGIN_PAGE)

    async def _get_status(self, request: web.Request) -> web.Response:
        query = {key.lower(): value for key, value in request.query.items()}
        gateway = self.gateway
        if "url" in query:
            gateway.report_url = query["url"] or None
        if "period" in query:
            try:
                period = int(query["period"])
            except ValueError:
                period = gateway.report_period
            gateway.report_period = (
                0 if period <= 0 else max(period, math.ceil(self.min_period))
            )
        if "all_sims" in query:
            gateway.all_sims = query["all_sims"] == "1"
        if "url" in query or "period" in query:
            self._pushes.restart_period()
        response = reply(gateway.dev_status(time.monotonic()))
        if gateway.proxy:  # the proxy firmware's web session; no API call needs it
            response.set_cookie("SESSIONID", secrets.token_hex(8), httponly=True)
        return response

    async def _send_cmd(self, request: web.Request) -> web.Response:
        query = {key.lower(): value for key, value in request.query.items()}
        if request.method == "POST" and request.content_type == "text/plain":
            return self._set_sim_numbers(await request.text())
        if request.method == "POST":
            try:
                body = json.loads(await request.read())
            except ValueError:
                return reply({"code": 3, "reason": "Invalid JSON"})
            if not isinstance(body, dict) or body.get("type") != "command":
                return reply({"code": 3, "reason": "Invalid command"})
            commands = body.get("ops", []) if body.get("op") == "multiple" else [body]
        else:
            op = query.get("op", "").lower()
            if op == "get":
                return self._get_parameters(request)
            if op == "set":
                return self._set_parameters(request)
            commands = [
                {
                    **query,
                    "op": op,
                    "ports": query.get("ports", query.get("port", "all")),
                }
            ]
        try:
            for command in commands:
                self._apply(command)
        except ValueError as err:
            return reply({"code": 2, "reason": str(err)})
        return reply({"code": 0, "reason": "OK"})

    def _apply(self, command: dict[str, Any]) -> None:
        op = str(command.get("op", "")).lower()
        if op in ("ledon", "ledoff"):  # the port's LED blinks until ledoff
            for number, _ in self.gateway.parse_ports(str(command.get("ports", ""))):
                self.gateway.ports[number].led = op == "ledon"
            return
        if op == "save":
            self.gateway.save()
            return
        if op == "reboot":
            self._reboot()
            return
        targets = self.gateway.parse_ports(str(command.get("ports", "")))
        if op not in PORT_OPS:
            raise ValueError(f"unknown op {op!r}")
        for number, slot in targets:
            port = self.gateway.ports[number]
            if op == "lock":
                if slot is None:
                    port.locked = True
                else:
                    port.locked_slots.add(slot)
            elif op == "unlock":
                if slot is None:
                    port.locked = False
                    port.locked_slots.clear()
                else:
                    port.locked_slots.discard(slot)
            elif op == "switch":
                if slot is None or slot not in port.slots:
                    raise ValueError(f"no slot to switch to on port {number}")
                port.active_slot = slot
                self.reregister(port, new_ip=True)
            elif op == "reset":
                self.reregister(port, new_ip=True)
            else:  # redial; mode 0 (or none) is flight mode: a new public IP
                flight = int(command.get("mode", 0) or 0) == 0
                self.reregister(port, new_ip=flight)
            self._pushes.push_port(port)

    def reregister(self, port: Port, *, new_ip: bool) -> None:
        """Re-register the port over the command delay, pushing each step after now.

        SMS firmware: registering (2), then registered (3). Proxy firmware: 2, 3 after
        half the delay, then dial successful (15), maybe with a new public IP.
        """
        start = time.monotonic()
        delay = self.command_delay
        port.restart(start, delay)
        if port.dialling_until > port.registering_until:
            half = start + delay / 2
            self._pushes.later(
                delay / 2, functools.partial(self._pushes.push_port, port, at=half)
            )

        def working() -> None:
            if new_ip:
                port.public_ip = random_ip(self.gateway.rng)
            self._pushes.push_port(port, at=start + delay)

        self._pushes.later(delay, working)

    def _get_parameters(self, request: web.Request) -> web.Response:
        values: dict[str, Any] = {}
        for name in request.query:
            if name.lower() in NOT_PARAMETERS:
                continue
            try:
                values[name] = self.gateway.parameter(name)
            except LookupError as err:
                return reply({"code": 4, "reason": str(err)})
        if self.gateway.proxy:  # as a real proxy gateway answers: nested, no code
            return reply({"data": values})
        return reply({"code": 0, "reason": "OK", **values})

    def _set_parameters(self, request: web.Request) -> web.Response:
        values = {
            name.lower(): value
            for name, value in request.query.items()
            if name.lower() not in NOT_PARAMETERS
        }
        data: list[tuple[list[Port], bool]] = []
        for name, value in values.items():
            if name == "sms_url":
                continue
            try:
                ports = self._data_service_ports(name)
            except LookupError as err:
                return reply({"code": 4, "reason": str(err)})
            if value not in ("0", "1"):
                return reply({"code": 4, "reason": f"bad value for {name}"})
            data.append((ports, value == "1"))
        # Every name checked first: a refused request changes nothing. The running
        # configuration only: a reboot without ``save`` forgets it.
        if "sms_url" in values:
            self.gateway.sms_url = values["sms_url"] or None
        for ports, enabled in data:
            for port in ports:
                self.switch_data(port, enabled=enabled)
        return reply({"code": 0, "reason": "OK"})

    def _data_service_ports(self, name: str) -> list[Port]:
        """Return the ports a ``data_service_enable`` name sets; LookupError if none.

        Proxy firmware only: ``data_service_enable`` sets every port,
        ``data_service_enable(n)`` one, ``n`` counting from 0. The SMS firmware knows
        no such parameter.
        """
        if self.gateway.proxy:
            if name == "data_service_enable":
                return list(self.gateway.ports.values())
            if indexed := re.fullmatch(r"data_service_enable\((\d+)\)", name):
                port = self.gateway.ports.get(int(indexed[1]) + 1)
                if port is None:
                    raise LookupError(f"no port for {name}")
                return [port]
        raise LookupError(f"unknown parameter {name}")

    def switch_data(self, port: Port, *, enabled: bool) -> None:
        """Turn a data port's mobile data on or off, and push the status it brings.

        Off, the port drops its data session at once: registered, not dialled, no
        public IP, no traffic. On, it dials over half the command delay and gets a
        new public IP.
        """
        if port.data_enabled == enabled:
            return
        port.data_enabled = enabled
        if not enabled:
            port.public_ip = ""
            self._pushes.push_port(port)
            return
        start = time.monotonic()
        delay = self.command_delay / 2
        port.dialling_until = max(port.dialling_until, start + delay)

        def dialled() -> None:
            if port.data_enabled and not port.public_ip:
                port.public_ip = random_ip(self.gateway.rng)
            self._pushes.push_port(port, at=start + delay)

        self._pushes.later(delay, dialled)

    def _set_sim_numbers(self, body: str) -> web.Response:
        count = 0
        slots = self.gateway.slots_per_port
        for pair in filter(None, body.split("&")):
            name, _, value = pair.partition("=")
            indexed = re.fullmatch(r"sim_number\((\d+)\)", name.strip().lower())
            if indexed is None:
                return reply({"code": 4, "reason": f"unknown parameter {name}"})
            index = int(indexed[1])
            port = self.gateway.ports.get(index // slots + 1)
            sim = port.slots.get(index % slots + 1) if port else None
            if sim is not None:
                sim.number = value  # running configuration, until a save
                count += 1
        return reply({"code": 0, "reason": "OK", "par_set": count})

    async def _get_sms(self, request: web.Request) -> web.Response:
        query = request.query
        start = int(query.get("sms_id", "1") or 1)
        count = int(query.get("sms_num", "0") or 0)
        delete = query.get("sms_del") == "1"
        inbox = self.gateway.inbox
        ids = [row_id for row_id in sorted(inbox.rows) if row_id >= start]
        if count > 0:
            ids = ids[:count]
        rows = [inbox.rows[row_id] for row_id in ids]
        if delete:
            for row_id in ids:
                del inbox.rows[row_id]
        next_id = ids[-1] + 1 if ids else max(start, 1)
        return reply(
            {
                "code": 0,
                "reason": "OK",
                "ssrc": self.gateway.ssrc,
                "sms_num": len(rows),
                "next_sms": next_id,
                "data": rows,
            }
        )

    async def _sms_stat(self, request: web.Request) -> web.Response:
        return reply(self.gateway.sms_stats())

    async def _call_stat(self, request: web.Request) -> web.Response:
        return reply(self.gateway.call_stats())
