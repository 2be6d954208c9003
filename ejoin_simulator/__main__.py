"""Command line: ``python -m ejoin_simulator`` (or ``scripts/simulate``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from .gateway_api import BAD_LOGINS
from .model import PROFILES
from .reports import Gateway
from .server import Simulator


def arguments() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/simulate", description="Simulate an Ejoin multi-port SIM gateway."
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="listen address (127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8080, help="HTTP port (8080)")
    parser.add_argument("--ports", type=int, default=8, help="number of ports (8)")
    parser.add_argument("--slots", type=int, default=4, help="SIM slots per port (4)")
    parser.add_argument(
        "--firmware",
        choices=PROFILES,
        default="sms",
        help="which firmware to behave like: sms (SIM gateway) or proxy (MultiWAN)",
    )
    parser.add_argument(
        "--ver", default="532-600-999-041-100-000", help="version string it reports"
    )
    parser.add_argument(
        "--username", help="login name (root on sms firmware, admin on proxy)"
    )
    parser.add_argument(
        "--password", help="password (root on sms firmware, admin on proxy)"
    )
    parser.add_argument("--mac", default="00-30-f1-01-02-03", help="MAC address")
    parser.add_argument(
        "--notation",
        choices=("dotted", "lettered"),
        default="dotted",
        help="how ports are written: 1.01 (dotted) or 1A (lettered)",
    )
    parser.add_argument(
        "--quirks",
        action="store_true",
        help="send the real-world variants: max-slot, mixed status forms and port "
        "notations, numbers as text",
    )
    parser.add_argument(
        "--sim-bank-ports",
        type=int,
        default=0,
        metavar="N",
        help="the last N ports use remote SIM bank addresses like 8.sp256.001 (0)",
    )
    parser.add_argument(
        "--bad-login",
        choices=BAD_LOGINS,
        default="html",
        help="how a wrong login is answered: the login page with HTTP 200 (html), "
        "HTTP 401, a JSON error code with HTTP 200, or a redirect to /login.html",
    )
    parser.add_argument(
        "--min-period",
        type=float,
        default=60,
        help="shortest report period accepted, in seconds (60 like the device; lower for tests)",
    )
    parser.add_argument(
        "--command-delay",
        type=float,
        default=2.0,
        help="seconds a redial or switch takes",
    )
    parser.add_argument(
        "--reboot-seconds", type=float, default=3.0, help="seconds a reboot takes"
    )
    parser.add_argument(
        "--drift-seconds",
        type=float,
        default=10.0,
        help="how often counters grow and signals wander; 0 keeps everything still",
    )
    parser.add_argument("--debug", action="store_true", help="log every push")
    return parser.parse_args()


async def run(options: argparse.Namespace) -> None:
    """Start the simulator and run until interrupted."""
    gateway = Gateway.create(
        ports=options.ports,
        slots=options.slots,
        mac=options.mac,
        firmware=options.ver,
        profile=options.firmware,
        lettered=options.notation == "lettered",
        quirks=options.quirks,
        sim_bank_ports=options.sim_bank_ports,
    )
    simulator = Simulator(
        gateway,
        username=options.username,
        password=options.password,
        bad_login=options.bad_login,
        min_period=options.min_period,
        command_delay=options.command_delay,
        reboot_seconds=options.reboot_seconds,
        drift_seconds=options.drift_seconds or None,
    )
    await simulator.start(options.host, options.port)
    print(
        f"Ejoin gateway simulator: {options.ports} ports x {options.slots} SIM slots, "
        f"{options.firmware} firmware {options.ver}, "
        f"MAC {options.mac}{', quirks on' if options.quirks else ''}\n"
        f"  listening on {simulator.url}\n"
        f"  log in as {simulator.username} / {simulator.password}\n"
        f"  try: curl '{simulator.url}/goip_get_status.html"
        f"?username={simulator.username}&password={simulator.password}'\n"
        f"  control API: {simulator.url}/_sim/state (see ejoin_simulator/control.py)\n"
        "  Ctrl-C stops it.",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await simulator.stop()


def main() -> None:
    """Entry point."""
    options = arguments()
    logging.basicConfig(level=logging.DEBUG if options.debug else logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(options))


if __name__ == "__main__":
    main()
