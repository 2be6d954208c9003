"""Home Assistant's REST and WebSocket APIs, as the frontend and scripts use them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from http import HTTPStatus
import itertools
from typing import Any

import aiohttp

DOMAIN = "ejoin"


class ApiError(RuntimeError):
    """Home Assistant answered a request with an error."""


class HomeAssistantApi:
    """Talk to one Home Assistant: onboarding, config flows, states, actions, events."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Use ``session`` for requests to Home Assistant at ``url``."""
        self.session = session
        self.url = url.rstrip("/")
        self.token: str | None = None

    @property
    def client_id(self) -> str:
        """The OAuth client id the frontend uses: Home Assistant's own address."""
        return f"{self.url}/"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def request(
        self, method: str, path: str, json: Any = None, data: Any = None
    ) -> Any:
        """Send one request; return the JSON answer, or raise ApiError."""
        async with self.session.request(
            method, f"{self.url}{path}", json=json, data=data, headers=self._headers()
        ) as response:
            text = await response.text()
            if response.status >= 400:
                raise ApiError(f"{method} {path}: {response.status} {text[:500]}")
            return await response.json() if text else None

    # --- onboarding and login ------------------------------------------------------------

    async def onboarding_done(self) -> set[str]:
        """Return the onboarding steps done; all of them once onboarding is over."""
        async with self.session.get(f"{self.url}/api/onboarding") as response:
            # Once every step is done Home Assistant no longer serves the API.
            if response.status == HTTPStatus.NOT_FOUND:
                return {"user", "core_config", "analytics", "integration"}
            if response.status >= 400:
                raise ApiError(f"GET /api/onboarding: {response.status}")
            return {step["step"] for step in await response.json() if step["done"]}

    async def onboarded(self) -> bool:
        """Whether the owner account exists already."""
        return "user" in await self.onboarding_done()

    async def onboard(self, name: str, username: str, password: str) -> None:
        """Create the owner account and finish onboarding, as the first visit does.

        Steps done already are skipped, as the frontend skips them: ejoin_dev marks
        "core_config" done before Home Assistant first starts (see hass.py).
        """
        done = await self.onboarding_done()
        answer = await self.request(
            "POST",
            "/api/onboarding/users",
            json={
                "client_id": self.client_id,
                "name": name,
                "username": username,
                "password": password,
                "language": "en",
            },
        )
        await self._exchange(answer["auth_code"])
        if "core_config" not in done:
            await self.request("POST", "/api/onboarding/core_config")
        if "analytics" not in done:
            await self.request("POST", "/api/onboarding/analytics")
        if "integration" not in done:
            await self.request(
                "POST",
                "/api/onboarding/integration",
                json={"client_id": self.client_id, "redirect_uri": f"{self.url}/"},
            )

    async def login(self, username: str, password: str) -> None:
        """Log in with a username and password through the login flow."""
        flow = await self.request(
            "POST",
            "/auth/login_flow",
            json={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.url}/",
            },
        )
        result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            json={
                "client_id": self.client_id,
                "username": username,
                "password": password,
            },
        )
        if result.get("type") != "create_entry":
            raise ApiError(f"login refused: {result.get('errors')}")
        await self._exchange(result["result"])

    async def _exchange(self, code: str) -> None:
        answer = await self.request(
            "POST",
            "/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
        )
        self.token = answer["access_token"]

    # --- the integration -----------------------------------------------------------------

    async def add_gateway(
        self,
        host: str,
        port: int,
        username: str,
        password: str,
        report: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Add a gateway through the config flow, as the "Add integration" dialog does.

        ``report`` changes the answers of the second step (where the gateway reports
        to); by default Home Assistant's suggestions are taken.
        """
        flow = await self.request(
            "POST",
            "/api/config/config_entries/flow",
            json={"handler": DOMAIN, "show_advanced_options": False},
        )
        result = await self.request(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            json={
                "host": host,
                "port": port,
                "username": username,
                "password": password,
            },
        )
        if result.get("step_id") != "report":
            raise ApiError(f"the gateway was not accepted: {result}")
        answers = {
            item["name"]: item["default"]
            for item in result["data_schema"]
            if "default" in item
        }
        result = await self.request(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            json={**answers, **(report or {})},
        )
        if result.get("type") != "create_entry":
            raise ApiError(f"the gateway was not added: {result}")
        entry: dict[str, Any] = result["result"]
        return entry

    async def states(self) -> dict[str, dict[str, Any]]:
        """Return every entity's state, by entity id."""
        return {
            state["entity_id"]: state
            for state in await self.request("GET", "/api/states")
        }

    async def call(
        self,
        domain: str,
        service: str,
        data: dict[str, Any],
        *,
        response: bool = False,
    ) -> Any:
        """Call an action; with ``response``, return what it answers."""
        path = f"/api/services/{domain}/{service}"
        return await self.request(
            "POST", f"{path}?return_response" if response else path, json=data
        )

    # --- WebSocket ------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def websocket(self) -> AsyncIterator[WebSocket]:
        """Open an authenticated WebSocket connection."""
        async with self.session.ws_connect(
            f"{self.url}/api/websocket", heartbeat=30
        ) as connection:
            hello = await connection.receive_json()
            if hello.get("type") != "auth_required":
                raise ApiError(f"unexpected greeting {hello}")
            await connection.send_json({"type": "auth", "access_token": self.token})
            answer = await connection.receive_json()
            if answer.get("type") != "auth_ok":
                raise ApiError(f"WebSocket login refused: {answer}")
            socket = WebSocket(connection)
            reader = asyncio.create_task(socket.read())
            try:
                yield socket
            finally:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader


class WebSocket:
    """Commands and event subscriptions over one WebSocket connection."""

    def __init__(self, connection: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap an authenticated connection."""
        self.connection = connection
        self._ids = itertools.count(1)
        self._answers: dict[int, asyncio.Future[Any]] = {}
        self._events: dict[int, asyncio.Queue[dict[str, Any]]] = {}

    async def read(self) -> None:
        """Hand each message to the command or subscription it belongs to."""
        async for message in self.connection:
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = message.json()
            for item in data if isinstance(data, list) else [data]:
                number = item.get("id")
                if item.get("type") == "event" and number in self._events:
                    self._events[number].put_nowait(item["event"])
                elif item.get("type") == "result" and number in self._answers:
                    future = self._answers.pop(number)
                    if item.get("success"):
                        future.set_result(item.get("result"))
                    else:
                        future.set_exception(ApiError(str(item.get("error"))))

    async def command(self, message: dict[str, Any]) -> Any:
        """Send a command and return its result."""
        number = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._answers[number] = future
        await self.connection.send_json({**message, "id": number})
        return await asyncio.wait_for(future, 30)

    async def subscribe(self, event_type: str) -> asyncio.Queue[dict[str, Any]]:
        """Subscribe to one event type; its events arrive in the returned queue."""
        number = next(self._ids)
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._events[number] = queue
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._answers[number] = future
        await self.connection.send_json(
            {"type": "subscribe_events", "event_type": event_type, "id": number}
        )
        await asyncio.wait_for(future, 30)
        return queue

    async def devices(self) -> list[dict[str, Any]]:
        """Return every device of the device registry."""
        devices: list[dict[str, Any]] = await self.command(
            {"type": "config/device_registry/list"}
        )
        return devices
