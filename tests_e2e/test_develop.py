"""``scripts/develop --demo``: the newcomer's first command shows the product working."""

from __future__ import annotations

import asyncio
from pathlib import Path
import re
import signal
import subprocess
import time

import aiohttp
import pytest

from ejoin_dev.api import HomeAssistantApi
from ejoin_dev.hass import REPOSITORY, answers

from .conftest import free_port

LOGIN = re.compile(r"^Log in as (\S+) / (\S+):", re.MULTILINE)
# A working port's status on each firmware: registered, or data connected (15).
WORKING = {"sms": "registered", "proxy": "accessing_network"}


async def gateway_seen(url: str, username: str, password: str) -> tuple[int, list[str]]:
    """Return how many port devices there are and the port status sensors' states."""
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, url)
        await api.login(username, password)
        states = await api.states()
        async with api.websocket() as socket:
            devices = await socket.devices()
    ports = [
        device
        for device in devices
        if any(
            domain == "ejoin" and "_port_" in name
            for domain, name in device["identifiers"]
        )
    ]
    statuses = [
        states[f"sensor.ejoin_8_port_0203_port_{number}_status"]["state"]
        for number in range(1, 9)
        if f"sensor.ejoin_8_port_0203_port_{number}_status" in states
    ]
    return len(ports), statuses


def run_demo(config: Path, hass_port: int, simulator_port: int, firmware: str) -> str:
    """Run ``scripts/develop --demo`` until the gateway is there, then press Ctrl-C.

    Return all it printed.
    """
    started = time.monotonic()
    process = subprocess.Popen(
        [
            str(REPOSITORY / "scripts" / "develop"),
            "--demo",
            "--config",
            str(config),
            "--hass-port",
            str(hass_port),
            "--simulator-port",
            str(simulator_port),
            "--firmware",
            firmware,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = ""
    try:
        while not LOGIN.search(output):
            line = process.stdout.readline()
            assert line, f"scripts/develop ended without a login:\n{output}"
            output += line
            assert time.monotonic() - started < 60, f"no login within 60 s:\n{output}"
        match = LOGIN.search(output)
        assert match is not None
        username, password = match.groups()

        url = f"http://127.0.0.1:{hass_port}"
        ports, statuses = 0, []
        while time.monotonic() - started < 60:
            ports, statuses = asyncio.run(gateway_seen(url, username, password))
            if ports == 8 and statuses == [WORKING[firmware]] * 8:
                break
            time.sleep(1)
        assert (ports, statuses) == (8, [WORKING[firmware]] * 8), output
        assert (
            f"Gateway:         http://127.0.0.1:{simulator_port}   "
            f"(simulated {firmware} firmware"
        ) in output
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert "Stopping" in rest
    # Ctrl-C stopped both: nothing answers on either port any more.
    assert not answers(f"http://127.0.0.1:{hass_port}/manifest.json")
    assert not answers(f"http://127.0.0.1:{simulator_port}/_sim/state")
    return output + rest


@pytest.mark.parametrize(("firmware", "runs"), [("sms", 2), ("proxy", 1)])
def test_develop_demo_shows_a_populated_gateway(
    tmp_path: Path, firmware: str, runs: int
) -> None:
    """One command: a login is printed and the gateway's 8 ports are there within 60 s.

    With either simulated firmware, each logged in with its own default account. Run
    again on the same configuration, it logs in to the account and gateway it made.
    Home Assistant's log holds no traceback: onboarding set up no integration whose
    packages are missing, and nothing else failed either; nor a refused request.
    """
    config = tmp_path / "config"
    hass_port, simulator_port = free_port(), free_port()
    for _ in range(runs):
        printed = run_demo(config, hass_port, simulator_port, firmware)
        assert "logged a traceback" not in printed
    log = (config / "home-assistant.out").read_text(encoding="utf-8")
    assert "Traceback" not in log, log
    assert "invalid authentication" not in log, log  # no request was refused either
