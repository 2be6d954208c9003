"""The command line: ``python -m ejoin_simulator`` serves a gateway until SIGTERM."""

from __future__ import annotations

import asyncio
from pathlib import Path
import signal
import socket
import sys
from typing import TYPE_CHECKING

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


async def test_cli_serves_a_32_port_gateway_and_stops_on_sigterm(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """The banner names the URL, the status has 32 ports, SIGTERM ends it with code 0."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ejoin_simulator",
        "--port",
        str(port),
        "--ports",
        "32",
        "--slots",
        "4",
        "--drift-seconds",
        "0",
        cwd=REPOSITORY,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        lines = await asyncio.wait_for(read_until_listening(process.stdout), 15)
        assert lines[-1].strip() == f"listening on http://127.0.0.1:{port}"
        assert lines[0].startswith("Ejoin gateway simulator: 32 ports x 4 SIM slots")
        async with session.get(
            f"http://127.0.0.1:{port}/goip_get_status.html",
            params={"username": "root", "password": "root"},
        ) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == JSON_TYPE
            body = await response.json(content_type=None)
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
    assert (body["type"], body["max-ports"], body["max-slots"]) == ("dev-status", 32, 4)
    report = parse_report(body)
    assert isinstance(report, DeviceStatusReport)
    assert report.problems == ()
    assert report.mac == MAC
    assert [port.address for port in report.ports] == [
        PortAddress(port=number, slot=1) for number in range(1, 33)
    ]
    assert {port.status_code for port in report.ports} == {3}
