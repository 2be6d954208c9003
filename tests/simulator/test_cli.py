"""The command line: ``python -m ejoin_simulator`` serves a gateway until SIGTERM."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import json
from pathlib import Path
import signal
import socket
import sys
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.ejoin.pyejoin import (
    DeviceStatusReport,
    PortAddress,
    parse_report,
)

from .conftest import JSON_TYPE, MAC

if TYPE_CHECKING:
    import aiohttp

REPOSITORY = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a port of 127.0.0.1 that nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def read_until_listening(stream: asyncio.StreamReader) -> list[str]:
    """Read the banner up to its "listening on" line (fails if the output ends first)."""
    lines: list[str] = []
    while not lines or "listening on" not in lines[-1]:
        line = await stream.readline()
        if not line:
            pytest.fail(f"the simulator ended its output early: {lines}")
        lines.append(line.decode())
    return lines


@contextlib.asynccontextmanager
async def cli(*options: str) -> AsyncIterator[tuple[int, list[str]]]:
    """Run ``python -m ejoin_simulator`` on a free port; yield the port and banner.

    On leaving, SIGTERM must end it with code 0 and no traceback.
    """
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ejoin_simulator",
        "--port",
        str(port),
        "--drift-seconds",
        "0",
        *options,
        cwd=REPOSITORY,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        lines = await asyncio.wait_for(read_until_listening(process.stdout), 15)
        assert lines[-1].strip() == f"listening on http://127.0.0.1:{port}"
        lines.append((await process.stdout.readline()).decode())  # the login
        yield port, lines
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            _, errors = await asyncio.wait_for(process.communicate(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
    assert process.returncode == 0, errors.decode()
    assert b"Traceback" not in errors


async def get(
    session: aiohttp.ClientSession, port: int, path: str, **query: str
) -> tuple[int, str, Any]:
    """GET a path of the simulator; return status, content type and body (JSON if so)."""
    async with session.get(
        f"http://127.0.0.1:{port}/{path}", params=query, allow_redirects=False
    ) as response:
        content_type = response.headers.get("Content-Type", "")
        text = await response.text()
        body = json.loads(text) if content_type.startswith("application/json") else text
        return response.status, content_type, body


async def test_cli_serves_a_32_port_gateway_and_stops_on_sigterm(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """The banner names the URL, the status has 32 ports, SIGTERM ends it with code 0.

    SMS firmware by default: root/root, version 532-600-999-041-100-000, status 3.
    """
    async with cli("--ports", "32", "--slots", "4") as (port, lines):
        assert lines[0].startswith("Ejoin gateway simulator: 32 ports x 4 SIM slots")
        assert "sms firmware 532-600-999-041-100-000" in lines[0]
        status, content_type, body = await get(
            session, port, "goip_get_status.html", username="root", password="root"
        )
        assert (status, content_type) == (200, JSON_TYPE)
        _, _, state = await get(session, port, "_sim/state")
    assert lines[2].strip() == "log in as root / root"
    assert body["ver"] == "532-600-999-041-100-000"
    assert (state["firmware"], state["bad_login"]) == ("sms", "html")
    assert (body["type"], body["max-ports"], body["max-slots"]) == ("dev-status", 32, 4)
    report = parse_report(body)
    assert isinstance(report, DeviceStatusReport)
    assert report.problems == ()
    assert report.mac == MAC
    assert [port.address for port in report.ports] == [
        PortAddress(port=number, slot=1) for number in range(1, 33)
    ]
    assert {port.status_code for port in report.ports} == {3}


async def test_cli_proxy_firmware_with_its_options(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """--firmware proxy: admin/admin, status 15, data under "data", and the other options.

    --ver sets the version, --sim-bank-ports the remote SIM addresses, --bad-login 401
    the answer to root/root, which is not this firmware's login.
    """
    options = ("--firmware", "proxy", "--ports", "4", "--slots", "2", "--ver", "9.9")
    extra = ("--sim-bank-ports", "1", "--bad-login", "401", "--quirks")
    async with cli(*options, *extra) as (port, lines):
        assert "proxy firmware 9.9" in lines[0]
        assert lines[2].strip() == "log in as admin / admin"
        _, _, body = await get(
            session, port, "goip_get_status.html", username="admin", password="admin"
        )
        _, _, ips = await get(
            session,
            port,
            "goip_send_cmd.html",
            username="admin",
            password="admin",
            op="get",
            port_status="",
        )
        refused = await get(
            session, port, "goip_get_status.html", username="root", password="root"
        )
        _, _, state = await get(session, port, "_sim/state")
    assert (body["ver"], body["max-slot"], body["expires"]) == ("9.9", 2, -1)
    assert [port["port"] for port in body["status"]] == [
        "1.01",
        "2A",
        "3.01",
        "4.sp256.001",
    ]
    assert [int(str(port["st"]).split()[0]) for port in body["status"]] == [15] * 4
    assert ips == {"data": {"port_status": [15, 15, 15, 15]}}
    assert refused[:2] == (401, "text/html")
    assert (state["firmware"], state["ver"], state["bad_login"]) == (
        "proxy",
        "9.9",
        "401",
    )
