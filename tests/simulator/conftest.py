"""Fixtures for the simulator's tests: a running simulator, a push receiver, clients.

Everything listens on 127.0.0.1 only, and every fixture that starts a server or opens
a session also stops or closes it, so no task, timer or socket outlives a test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
import json
import re
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.ejoin.pyejoin import EjoinClient
from ejoin_simulator import Gateway, Simulator

MAC = "00-30-f1-01-02-03"
FIRMWARE = "1.0"
USERNAME = "root"  # the SMS firmware's login
PASSWORD = "root"
PROXY_LOGIN = "admin"  # the proxy firmware's user name and password
WRONG_PASSWORD = "wrong"
JSON_TYPE = "application/json;charset=utf-8"
WAIT = 5.0  # the longest any test waits for one push

type BodyTest = Callable[[dict[str, Any]], bool]
type StartSimulator = Callable[..., Awaitable[Simulator]]


@dataclass(frozen=True, kw_only=True)
class Push:
    """One report as the receiver got it."""

    path: str
    content_type: str | None
    body: dict[str, Any]

    @property
    def type(self) -> str:
        """The report's type."""
        return str(self.body.get("type"))


class PushReceiver:
    """A web server on 127.0.0.1 that records every report POSTed to it, in order.

    A test awaits "the next push of type X": the first push of that type it has not
    taken yet, whether it arrived before the wait or arrives during it.
    """

    def __init__(self) -> None:
        """Prepare the receiver; :meth:`start` opens the socket."""
        self.pushes: list[Push] = []
        self._taken: set[int] = set()
        self._arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        """Stop the server."""
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str = "/reports") -> str:
        """Return a URL of the receiver; the path tells which URL the gateway used."""
        return f"http://127.0.0.1:{self.port}{path}"

    async def _handle(self, request: web.Request) -> web.Response:
        """Record one push and answer like a webhook."""
        self.pushes.append(
            Push(
                path=request.path,
                content_type=request.headers.get("Content-Type"),
                body=json.loads(await request.read()),
            )
        )
        self._arrived.set()
        return web.json_response({"code": 0, "reason": "OK"})

    def _take(self, kind: str, path: str | None, where: BodyTest | None) -> Push | None:
        """Take the first push not taken yet that matches, if there is one."""
        for index, push in enumerate(self.pushes):
            if (
                index not in self._taken
                and push.type == kind
                and (path is None or push.path == path)
                and (where is None or where(push.body))
            ):
                self._taken.add(index)
                return push
        return None

    async def next(
        self,
        kind: str,
        *,
        path: str | None = None,
        where: BodyTest | None = None,
        within: float = WAIT,
    ) -> Push:
        """Wait for the next push of a type (and path, and body test) not taken yet."""
        try:
            async with asyncio.timeout(within):
                while (push := self._take(kind, path, where)) is None:
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError:
            pytest.fail(
                f"no {kind} push within {within:g} s; got {self.summary()}",
                pytrace=False,
            )
        return push

    async def expect_none(self, kind: str, *, within: float) -> None:
        """Fail when a push of this type not taken yet arrives within some seconds."""
        try:
            async with asyncio.timeout(within):
                while self._take(kind, None, None) is None:
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError:
            return
        pytest.fail(f"unexpected {kind} push; got {self.summary()}", pytrace=False)

    def skip(self) -> None:
        """Take every push received so far, so that waits see only later ones."""
        self._taken.update(range(len(self.pushes)))

    def of_type(self, kind: str) -> list[Push]:
        """Every push of a type received so far, taken or not."""
        return [push for push in self.pushes if push.type == kind]

    def summary(self) -> list[str]:
        """Type and path of every push, for failure messages."""
        return [f"{push.type} -> {push.path}" for push in self.pushes]


class Control:
    """The simulator's control API (``/_sim/``) over plain HTTP."""

    def __init__(self, session: aiohttp.ClientSession, simulator: Simulator) -> None:
        """Talk to this simulator's control API over this session."""
        self._session = session
        self._simulator = simulator

    async def post(self, name: str, body: dict[str, Any] | None = None) -> Any:
        """POST a JSON object to ``/_sim/<name>`` and return the decoded answer."""
        async with self._session.post(
            f"{self._simulator.url}/_sim/{name}", json=body or {}
        ) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def state(self) -> dict[str, Any]:
        """Read ``/_sim/state``."""
        async with self._session.get(f"{self._simulator.url}/_sim/state") as response:
            assert response.status == 200
            state: dict[str, Any] = await response.json()
            return state


async def settle(control: Control, receiver: PushReceiver) -> None:
    """Wait until every push queued so far has reached the receiver.

    The simulator sends pushes one at a time in the order it queued them, so once a
    marker (a port-status of port 4, queued now) arrives, everything before it has.
    """
    await control.post("port", {"port": 4})
    await receiver.next("port-status", where=lambda body: port_number(body) == 4)


def port_number(body: dict[str, Any]) -> int:
    """Read the port number of a report's ``port`` (4.01, 4A, 4.sp256.001)."""
    match = re.match(r"\d+", str(body.get("port")))
    return int(match[0]) if match else 0


def make_client(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    *,
    password: str | None = None,
) -> EjoinClient:
    """Return the project's client of a running simulator, with its login."""
    return EjoinClient(
        "127.0.0.1",
        port=simulator.port,
        username=simulator.username,
        password=simulator.password if password is None else password,
        session=session,
        timeout=5,
    )


@dataclass(frozen=True, kw_only=True)
class Answer:
    """A gateway endpoint's answer, exactly as it came."""

    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        """Decode the body as JSON."""
        return json.loads(self.text)


async def gateway_get(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    path: str,
    query: str = "",
    *,
    login: bool = True,
) -> Answer:
    """GET a gateway endpoint with a raw query string (logged in unless told).

    Raw, because some parameters are bare names (``op=get&port_public_ip``).
    """
    credentials = f"username={simulator.username}&password={simulator.password}"
    parts = [part for part in (credentials if login else "", query) if part]
    async with session.get(
        f"{simulator.url}/{path}?{'&'.join(parts)}", allow_redirects=False
    ) as response:
        return Answer(
            status=response.status,
            headers=dict(response.headers),
            text=await response.text(),
        )


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Replace the Home Assistant fixture of tests/conftest.py: no hass here."""


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[PushReceiver]:
    """Run a push receiver on 127.0.0.1 for one test."""
    push_receiver = PushReceiver()
    await push_receiver.start()
    try:
        yield push_receiver
    finally:
        await push_receiver.close()


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """Open a client session for one test and close it afterwards."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def start_simulator(
    socket_enabled: None, receiver: PushReceiver
) -> AsyncIterator[StartSimulator]:
    """Start 4-port, 4-slot simulators on demand; stop them all after the test.

    Depends on the receiver so that every simulator stops before the receiver closes.
    """
    started: list[Simulator] = []

    async def start(
        *,
        min_period: float = 0.2,
        command_delay: float = 0.1,
        bad_login: str = "html",
        **options: Any,
    ) -> Simulator:
        """Start a simulator; options go to ``Gateway.create`` (profile, quirks …)."""
        gateway = Gateway.create(
            ports=4, slots=4, mac=MAC, firmware=FIRMWARE, **options
        )
        simulator = Simulator(
            gateway,
            min_period=min_period,
            command_delay=command_delay,
            reboot_seconds=0.3,
            drift_seconds=None,
            bad_login=bad_login,
        )
        started.append(simulator)
        await simulator.start("127.0.0.1", 0)
        return simulator

    try:
        yield start
    finally:
        for simulator in started:
            await simulator.stop()


@pytest.fixture
async def simulator(start_simulator: StartSimulator) -> Simulator:
    """Run a simulator of a plain (dotted, quirk-free) gateway."""
    return await start_simulator()


@pytest.fixture
async def proxy(start_simulator: StartSimulator) -> Simulator:
    """Run a simulator of a gateway with the proxy firmware (admin/admin)."""
    return await start_simulator(profile="proxy")


@pytest.fixture
def client(simulator: Simulator, session: aiohttp.ClientSession) -> EjoinClient:
    """Return the project's client of the simulator, logged in as root/root."""
    return make_client(simulator, session)


@pytest.fixture
def control(simulator: Simulator, session: aiohttp.ClientSession) -> Control:
    """Return the simulator's control API."""
    return Control(session, simulator)


@pytest.fixture
async def reporting(client: EjoinClient, receiver: PushReceiver) -> EjoinClient:
    """Tell the simulator to push reports to the receiver; return the client."""
    await client.get_status(report_url=receiver.url())
    return client


@pytest.fixture
async def receiving(reporting: EjoinClient, receiver: PushReceiver) -> EjoinClient:
    """Also set the SMS URL (path /sms), so received SMS are pushed; return the client."""
    await reporting.set_sms_url(receiver.url("/sms"))
    return reporting
