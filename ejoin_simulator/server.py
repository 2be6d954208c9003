"""An aiohttp server that answers like an Ejoin gateway and pushes reports like one.

Gateway endpoints: ``goip_get_status.html``, ``goip_send_cmd.html``,
``goip_post_sms.html``, ``goip_get_sms.html``, ``goip_get_sms_stat.html``,
``goip_get_call_stat.html`` and the web interface's ``login.html``. A control API
under ``/_sim/`` lets tests and demos deliver SMS, calls and state changes, and take
the device offline or reboot it:

- ``GET /_sim/state``: the model (ports, slots, SIMs, settings running and saved);
- ``POST /_sim/sms`` ``{port, slot, sender, text, envelope, padded, push}``;
- ``POST /_sim/delivery-report`` ``{port, recipient, code}``;
- ``POST /_sim/call`` ``{port, caller, callee, direction, duration, answered}``;
- ``POST /_sim/port`` ``{port, slot, signal, balance, data_mb, locked, registering,
  insert_sim, remove_sim}``;
- ``POST /_sim/offline``, ``/_sim/online``, ``/_sim/reboot``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import functools
import json
import logging
import math
import re
import secrets
import time
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from .model import Gateway, Port, random_ip

_LOGGER = logging.getLogger(__name__)
JSON_TYPE = "application/json;charset=utf-8"
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
INDEXED_PARAMETER = re.compile(r"(port_public_ip|ports?_rx_tx)\((\d+)\)")
PORT_OPS = frozenset({"lock", "unlock", "switch", "reset", "redial"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, kw_only=True)
class RecordedRequest:
    """A request to a gateway endpoint, as it arrived (for tests)."""

    method: str
    path: str
    query: str
    content_type: str | None
    body: bytes

    def json(self) -> Any:
        """Decode the body as JSON."""
        return json.loads(self.body)


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


def traffic(port: Port) -> str:
    """Write a port's traffic as the proxy firmware does: "<rx bytes>/<tx bytes>"."""
    return f"{port.rx_bytes}/{port.tx_bytes}"


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
        if bad_login not in BAD_LOGINS:
            raise ValueError(f"bad_login must be one of {', '.join(BAD_LOGINS)}")
        default_login = "admin" if gateway.proxy else "root"
        self.gateway = gateway
        self.username = default_login if username is None else username
        self.password = default_login if password is None else password
        self.min_period = min_period
        self.command_delay = command_delay
        self.reboot_seconds = reboot_seconds
        self.drift_seconds = drift_seconds
        self.bad_login = bad_login
        self.offline = False
        self.pushes: deque[tuple[str, dict[str, Any]]] = deque(maxlen=500)
        self.push_failures = 0
        self.requests = 0
        self.request_log: deque[RecordedRequest] = deque(maxlen=200)
        self._queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()
        self._period_task: asyncio.Task[None] | None = None
        self._session: ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.host = "127.0.0.1"
        self.port = 0
        self.app = web.Application(middlewares=[self._gateway_middleware])
        routes = [
            web.get("/goip_get_status.html", self._get_status),
            web.get("/goip_send_cmd.html", self._send_cmd),
            web.post("/goip_send_cmd.html", self._send_cmd),
            web.post("/goip_post_sms.html", self._post_sms),
            web.get("/goip_get_sms.html", self._get_sms),
            web.get("/goip_get_sms_stat.html", self._sms_stat),
            web.get("/goip_get_call_stat.html", self._call_stat),
            web.get(LOGIN_PATH, self._login_page),
            web.get(f"{CONTROL}/state", self._control_state),
            web.post(f"{CONTROL}/sms", self._control_sms),
            web.post(f"{CONTROL}/delivery-report", self._control_delivery_report),
            web.post(f"{CONTROL}/call", self._control_call),
            web.post(f"{CONTROL}/port", self._control_port),
            web.post(f"{CONTROL}/offline", self._control_offline),
            web.post(f"{CONTROL}/online", self._control_online),
            web.post(f"{CONTROL}/reboot", self._control_reboot),
        ]
        self.app.add_routes(routes)

    # --- life cycle ----------------------------------------------------------------

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
        self._spawn(self._push_worker())
        if self.drift_seconds:
            self._spawn(self._drift())

    async def stop(self) -> None:
        """Stop listening and cancel every timer and push."""
        tasks = [*self._tasks, *([self._period_task] if self._period_task else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._runner:
            await self._runner.cleanup()
        if self._session:
            await self._session.close()

    def _spawn(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _later(self, delay: float, action: Callable[[], None]) -> None:
        async def run() -> None:
            await asyncio.sleep(delay)
            action()

        self._spawn(run())

    # --- pushes ----------------------------------------------------------------------

    def push(self, body: dict[str, Any], url: str | None = None) -> None:
        """Queue a report for the report URL (or another URL), in order."""
        target = url or self.gateway.report_url
        if target and not self.offline:
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
        self.push(
            {
                "type": "recv-sms",
                "sms_num": "1" if self.gateway.quirks else 1,
                "sim_src": self.gateway.sim_src(port),
                "sms": [row],
            },
            url=self.gateway.sms_url,
        )

    async def _push_worker(self) -> None:
        session = self._session
        if session is None:
            return
        while True:
            url, body = await self._queue.get()
            self.pushes.append((url, body))
            try:
                async with session.post(
                    url,
                    data=json.dumps(body).encode(),
                    headers={"Content-Type": JSON_TYPE},
                ) as response:
                    await response.read()
                    if response.status >= 400:
                        self.push_failures += 1
            except (ClientError, OSError, TimeoutError, ValueError) as err:
                self.push_failures += 1
                _LOGGER.debug("push of %s to %s failed: %s", body.get("type"), url, err)

    def _restart_period(self) -> None:
        if self._period_task:
            self._period_task.cancel()
            self._period_task = None
        if self.gateway.report_url and self.gateway.report_period > 0:
            self._period_task = asyncio.ensure_future(self._periodic())

    async def _periodic(self) -> None:
        while True:
            await asyncio.sleep(self.gateway.report_period)
            self.push(self.gateway.dev_status(time.monotonic()))

    async def _drift(self) -> None:
        """Let counters grow and signals wander, so a demo looks alive."""
        rng = self.gateway.rng
        while self.drift_seconds:
            await asyncio.sleep(self.drift_seconds)
            now = time.monotonic()
            for port in self.gateway.ports.values():
                sim = port.sim
                if sim is None or not port.is_up(now):
                    continue
                used = round(rng.uniform(0, 2), 2)
                for key in ("tot", "day", "24hours", "1hour"):
                    sim.data_mb[key] = round(sim.data_mb[key] + used, 2)
                sim.data_mb["last"] = used
                sim.last_url = rng.choice(["example.org", "example.com", "example.net"])
                sim.signal = max(5, min(31, sim.signal + rng.choice((-1, 0, 1))))
                port.rx_bytes += int(used * 700_000)
                port.tx_bytes += int(used * 300_000)

    # --- requests to the gateway -------------------------------------------------------

    @web.middleware
    async def _gateway_middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        if request.path.startswith(CONTROL):
            return await handler(request)
        if self.offline:
            if request.transport:
                request.transport.close()  # a device that is gone answers nothing
            raise web.HTTPServiceUnavailable
        self.requests += 1
        self.request_log.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=request.query_string,
                content_type=request.headers.get("Content-Type"),
                body=await request.read(),
            )
        )
        if request.path != LOGIN_PATH and not self._logged_in(request):
            return self._refuse_login()
        return await handler(request)

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

    def _port_and_slot(self, value: Any) -> tuple[Port, int | None]:
        try:
            number, slot = self.gateway.parse_ports(str(value))[0]
            return self.gateway.ports[number], slot
        except (IndexError, KeyError, ValueError):
            raise web.HTTPBadRequest(text=f"unknown port {value!r}") from None

    @staticmethod
    def _slot_of(port: Port, value: Any) -> int:
        try:
            slot = int(value)
        except (TypeError, ValueError):
            slot = 0
        if slot not in port.slots:
            raise web.HTTPBadRequest(
                text=f"unknown slot {value!r} of port {port.number}"
            )
        return slot

    # --- gateway endpoints --------------------------------------------------------------

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
            self._restart_period()
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
        if op in ("ledon", "ledoff"):
            return
        if op == "save":
            self.gateway.save()
            return
        if op == "reboot":
            self.reboot()
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
                self._reregister(port, new_ip=True)
            elif op == "reset":
                self._reregister(port, new_ip=True)
            else:  # redial; mode 0 (or none) is flight mode: a new public IP
                flight = int(command.get("mode", 0) or 0) == 0
                self._reregister(port, new_ip=flight)
            self.push_port(port)

    def _reregister(self, port: Port, *, new_ip: bool) -> None:
        """Re-register the port over the command delay, pushing each step after now.

        SMS firmware: registering (2), then registered (3). Proxy firmware: 2, 3 after
        half the delay, then dial successful (15), maybe with a new public IP.
        """
        start = time.monotonic()
        delay = self.command_delay
        port.restart(start, delay)
        if port.dialling_until > port.registering_until:
            half = start + delay / 2
            self._later(delay / 2, functools.partial(self.push_port, port, at=half))

        def working() -> None:
            if new_ip:
                port.public_ip = random_ip(self.gateway.rng)
            self.push_port(port, at=start + delay)

        self._later(delay, working)

    def _get_parameters(self, request: web.Request) -> web.Response:
        values: dict[str, Any] = {}
        for name in request.query:
            if name.lower() in NOT_PARAMETERS:
                continue
            try:
                values[name] = self._parameter(name)
            except LookupError as err:
                return reply({"code": 4, "reason": str(err)})
        if self.gateway.proxy:  # as a real proxy gateway answers: nested, no code
            return reply({"data": values})
        return reply({"code": 0, "reason": "OK", **values})

    def _parameter(self, name: str) -> Any:
        """One parameter's value for ``op=get``; LookupError when the firmware lacks it."""
        gateway = self.gateway
        lowered = name.lower()
        if lowered == "sms_url":
            return gateway.sms_url or ""
        if lowered == "data_service_enable":
            return 1 if gateway.data_service else 0
        if gateway.proxy:  # per-port values, lists indexed from port 1
            ports = list(gateway.ports.values())
            if lowered == "port_public_ip":
                return [port.public_ip for port in ports]
            if lowered in ("ports_rx_tx", "port_rx_tx"):
                return [traffic(port) for port in ports]
            if lowered == "port_status":
                now = time.monotonic()
                return [port.status(now) for port in ports]
            if indexed := INDEXED_PARAMETER.fullmatch(lowered):  # n counts from 0
                port = gateway.ports.get(int(indexed[2]) + 1)
                if port is None:
                    raise LookupError(f"no port for {name}")
                if indexed[1] == "port_public_ip":
                    return port.public_ip
                return traffic(port)
        raise LookupError(f"unknown parameter {name}")

    def _set_parameters(self, request: web.Request) -> web.Response:
        values = {
            name.lower(): value
            for name, value in request.query.items()
            if name.lower() not in NOT_PARAMETERS
        }
        for name in values:
            if name not in ("sms_url", "data_service_enable"):
                return reply({"code": 4, "reason": f"unknown parameter {name}"})
        # The running configuration only: a reboot without ``save`` forgets it.
        if "sms_url" in values:
            self.gateway.sms_url = values["sms_url"] or None
        if "data_service_enable" in values:
            self.gateway.data_service = values["data_service_enable"] == "1"
        return reply({"code": 0, "reason": "OK"})

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

    async def _post_sms(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read())
        except ValueError:
            return reply({"code": 15, "reason": "Invalid command"})
        tasks = body.get("tasks") if isinstance(body, dict) else None
        if not isinstance(tasks, list):
            return reply({"code": 15, "reason": "Invalid command"})
        if len(tasks) > 256:
            return reply({"code": 16, "reason": "Too many tasks"})
        statuses = []
        for task in tasks:
            verdict, port = self._check_task(task)
            tid = task.get("tid") if isinstance(task, dict) else None
            statuses.append({"tid": tid, "status": verdict})
            if verdict.startswith("0 ") and port is not None:
                self.gateway.task_ids.add(int(task["tid"]))
                self._later(0.2, functools.partial(self._send_task, task, port, body))
        return reply(
            {"code": 200, "reason": "OK", "type": "task-status", "status": statuses}
        )

    def _check_task(self, task: Any) -> tuple[str, Port | None]:
        """Validate one SMS task the way the gateway does; return its status and port."""
        if not isinstance(task, dict) or "tid" not in task:
            return "11 TID expected", None
        try:
            tid = int(task["tid"])
        except (TypeError, ValueError):
            return "11 TID expected", None
        if tid in self.gateway.task_ids:
            return "13 Duplicated task id", None
        if not task.get("to"):
            return "9 TO expected", None
        if "sms" not in task:
            return "8 SMS expected", None
        now = time.monotonic()
        if task.get("from"):
            try:
                candidates = [
                    self.gateway.ports[n]
                    for n, _ in self.gateway.parse_ports(str(task["from"]))
                ]
            except ValueError:
                return "2 Invalid port", None
        else:
            candidates = list(self.gateway.ports.values())
        working = [port for port in candidates if port.is_up(now)]
        if not working:
            return "5 SIM unregistered", None
        return "0 OK", working[0]

    def _send_task(
        self, task: dict[str, Any], port: Port, body: dict[str, Any]
    ) -> None:
        """Send a task's messages: a sent-sms per recipient, then a status-report."""
        gateway = self.gateway
        sim = port.sim
        recipients = [number for number in str(task["to"]).split(",") if number]
        sent_rows = []
        for index, number in enumerate(recipients, start=1):
            if sim is not None:
                sim.sms_sent = [count + 1 for count in sim.sms_sent]
            now = int(time.time())
            address = gateway.address(port.number, port.active_slot)
            recipient_key = "receiver" if gateway.quirks else "recver"
            self.push(
                {
                    "type": "sent-sms",
                    "mac": gateway.mac,
                    "sim_src": gateway.sim_src(port.number),
                    "port": address,
                    "seq": index,
                    "sms_tid": int(task["tid"]),
                    "src_type": 3,
                    "src_ip": "",
                    "src_port": 0,
                    "status": "0 " if gateway.quirks else "0 OK",
                    "time": now,
                    "dur": 250,
                    recipient_key: number,
                    "smsc": "",
                    "charset": "UTF-8",
                    "data": str(task.get("sms", "")),
                }
            )
            sent_rows.append([index, number, address, now])
            if task.get("dr"):
                _, row = gateway.delivery_report(
                    port.number, port.active_slot, number, 0
                )
                self.push_sms(row, port=port.number)
        self.push(
            {
                "type": "status-report",
                "rpt_num": "1" if gateway.quirks else 1,
                "rpts": [
                    {
                        "tid": int(task["tid"]),
                        "sending": 0,
                        "sent": len(sent_rows),
                        "failed": 0,
                        "unsent": 0,
                        "sdr": sent_rows,
                        "fdr": [],
                    }
                ],
            },
            url=body.get("sr_url") or None,
        )

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
        stats = [
            {
                "port": port.number,
                "slot": port.active_slot,
                "sent": port.sim.sms_sent[2] if port.sim else 0,
            }
            for port in self.gateway.ports.values()
        ]
        return reply({"code": 200, "reason": "OK", "count": len(stats), "stats": stats})

    async def _call_stat(self, request: web.Request) -> web.Response:
        stats = [
            {
                "port": port.number,
                "slot": port.active_slot,
                "minutes": port.sim.call_minutes[2] if port.sim else 0,
            }
            for port in self.gateway.ports.values()
        ]
        return reply({"code": 200, "reason": "OK", "count": len(stats), "stats": stats})

    # --- device-wide events --------------------------------------------------------------

    def reboot(self) -> None:
        """Stop answering for a while, then come back with a new ssrc and a dev-status.

        The saved configuration comes back; unsaved settings are gone. The report URL,
        period and all_sims given to goip_get_status.html are remembered.
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
            self._restart_period()

        self._later(self.reboot_seconds, back)

    # --- control API ---------------------------------------------------------------------

    async def _control_body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="expected a JSON object") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="expected a JSON object")
        return body

    async def _control_state(self, request: web.Request) -> web.Response:
        now = time.monotonic()
        gateway = self.gateway
        return web.json_response(
            {
                "firmware": gateway.profile,
                "ver": gateway.firmware,
                "mac": gateway.mac,
                "ssrc": gateway.ssrc,
                "offline": self.offline,
                "bad_login": self.bad_login,
                "report_url": gateway.report_url,
                "report_period": gateway.report_period,
                "all_sims": gateway.all_sims,
                "sms_url": gateway.sms_url,
                "saved_sms_url": gateway.saved_sms_url,
                "data_service": gateway.data_service,
                "saved_data_service": gateway.saved_data_service,
                "inbox": len(gateway.inbox.rows),
                "pushes": len(self.pushes),
                "push_failures": self.push_failures,
                "ports": {
                    str(port.number): {
                        "status": port.status(now),
                        "active_slot": port.active_slot,
                        "address": gateway.address(port.number, port.active_slot),
                        "locked": port.locked,
                        "public_ip": port.public_ip,
                        "imei": port.imei,
                        "sims": {
                            str(slot): None
                            if sim is None
                            else {
                                "iccid": sim.iccid,
                                "imsi": sim.imsi,
                                "number": sim.number,
                                "saved_number": sim.saved_number,
                                "operator": sim.operator_name,
                                "balance": sim.balance,
                                "signal": sim.signal,
                            }
                            for slot, sim in port.slots.items()
                        },
                    }
                    for port in gateway.ports.values()
                },
            }
        )

    async def _control_sms(self, request: web.Request) -> web.Response:
        body = await self._control_body(request)
        port, named_slot = self._port_and_slot(body.get("port", 1))
        slot = self._slot_of(port, body.get("slot", named_slot or port.active_slot))
        row_id, row = self.gateway.receive_sms(
            port.number,
            slot,
            str(body.get("sender", "+10000000000")),
            str(body.get("text", "")),
            envelope=bool(body.get("envelope", False)),
            padded=bool(body.get("padded", False)),
        )
        if body.get("push", True):
            self.push_sms(row, port=port.number)
        return web.json_response({"id": row_id, "row": row})

    async def _control_delivery_report(self, request: web.Request) -> web.Response:
        body = await self._control_body(request)
        port, _ = self._port_and_slot(body.get("port", 1))
        row_id, row = self.gateway.delivery_report(
            port.number,
            port.active_slot,
            str(body.get("recipient", "")),
            int(body.get("code", 0)),
        )
        self.push_sms(row, port=port.number)
        return web.json_response({"id": row_id, "row": row})

    async def _control_call(self, request: web.Request) -> web.Response:
        body = await self._control_body(request)
        port, _ = self._port_and_slot(body.get("port", 1))
        duration = int(body.get("duration", 30))
        answered = bool(body.get("answered", True))
        sim = port.sim
        now = int(time.time())
        begin = now - duration - 5
        answer = begin + 5 if answered else 0
        record = {
            **self.gateway.cdr_fields(port, time.monotonic()),
            "sip_usr": "",
            "cid": secrets.token_urlsafe(16),
            "cdir": "MO" if body.get("direction", "incoming") == "incoming" else "MT",
            "caller": str(body.get("caller", "+10000000000")),
            "callee": str(body.get("callee", sim.number if sim else "")),
            "begin": begin,
            "alert": begin + 2,
            "answer": answer,
        }
        updates = duration // 60 if answered else 0
        for minute in range(1, updates + 1):
            self.push(
                {
                    **record,
                    "update": answer + minute * 60,
                    "end": 0,
                    "reason": "",
                    "gw_reason": "0 ",
                }
            )
        self.push(
            {
                **record,
                "update": 0,
                "end": now,
                "reason": "201 Caller Hangup" if answered else "487 Request Terminated",
                "gw_reason": "0 ",
            }
        )
        if sim is not None:
            minutes = math.ceil(duration / 60) if answered else 0
            sim.call_minutes = [count + minutes for count in sim.call_minutes]
            sim.call_numbers = [count + 1 for count in sim.call_numbers]
            if answered:
                sim.talk_numbers = [count + 1 for count in sim.talk_numbers]
        return web.json_response({"cid": record["cid"], "updates": updates})

    async def _control_port(self, request: web.Request) -> web.Response:
        body = await self._control_body(request)
        port, named_slot = self._port_and_slot(body.get("port", 1))
        slot = self._slot_of(port, body.get("slot", named_slot or port.active_slot))
        now = time.monotonic()
        changed: set[int] = set()
        if "locked" in body:
            port.locked = bool(body["locked"])
            changed.add(port.active_slot)
        if "registering" in body:
            port.settle(now, registering=bool(body["registering"]))
            changed.add(port.active_slot)
        sim = port.slots.get(slot)
        if sim is not None:
            if "signal" in body:
                sim.signal = int(body["signal"])
            if "balance" in body:
                sim.balance = float(body["balance"])
            if "data_mb" in body:
                for key in sim.data_mb:
                    sim.data_mb[key] = float(body["data_mb"])
        if {"slot", "signal", "balance", "data_mb"} & set(body):
            changed.add(slot)
        if "remove_sim" in body:
            removed = self._slot_of(port, body["remove_sim"])
            port.slots[removed] = None
            changed.add(removed)
        if "insert_sim" in body:
            inserted = self._slot_of(port, body["insert_sim"])
            port.slots[inserted] = self.gateway.new_sim(port.number, inserted)
            if inserted == port.active_slot:  # the module registers the new SIM
                self._reregister(port, new_ip=True)
            changed.add(inserted)
        for changed_slot in sorted(changed or {port.active_slot}):
            self.push_slot(port, changed_slot)
        return web.json_response({"status": port.status(time.monotonic())})

    async def _control_offline(self, request: web.Request) -> web.Response:
        self.offline = True
        return web.json_response({"offline": True})

    async def _control_online(self, request: web.Request) -> web.Response:
        self.offline = False
        self.push(self.gateway.dev_status(time.monotonic()))
        return web.json_response({"offline": False})

    async def _control_reboot(self, request: web.Request) -> web.Response:
        self.reboot()
        return web.json_response({"rebooting": True, "seconds": self.reboot_seconds})
