"""``scripts/develop``: Home Assistant on 127.0.0.1:8123 with a simulated gateway on :8080.

The owner account is created through the onboarding API (once, and printed); with
``--demo`` the gateway is added through the config-flow API too, so that logging in
shows a populated gateway at once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path
import signal
import sys
import threading

import aiohttp

from .api import DOMAIN, HomeAssistantApi
from .hass import REPOSITORY, HomeAssistantProcess, LogWatch
from .simulator import SimulatorProcess

CONFIG = REPOSITORY / "config"
HASS_PORT = 8123
SIMULATOR_PORT = 8080
# A local development instance on 127.0.0.1: the login is printed for the user anyway.
DEMO_NAME = "Demo"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "ejoin-demo"


def arguments() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description="Run Home Assistant with this integration and a simulated gateway.",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="also add the simulated gateway, ready to look at",
    )
    parser.add_argument(
        "--firmware",
        choices=("sms", "proxy"),
        default="sms",
        help="the simulated gateway's firmware: SMS gateway (root/root) or 4G proxy "
        "(admin/admin, public IPs)",
    )
    # For running beside another instance (the end-to-end test of this script does).
    parser.add_argument(
        "--config",
        type=Path,
        default=CONFIG,
        help="configuration folder (config/); a new one gets a configuration.yaml",
    )
    parser.add_argument("--hass-port", type=int, default=HASS_PORT, help="(8123)")
    parser.add_argument(
        "--simulator-port", type=int, default=SIMULATOR_PORT, help="(8080)"
    )
    options = parser.parse_args()
    if options.config.resolve() == CONFIG and options.hass_port != HASS_PORT:
        parser.error("--hass-port needs --config: config/configuration.yaml says 8123")
    return options


async def set_up(url: str, simulator: SimulatorProcess, *, add_gateway: bool) -> bool:
    """Create the owner account, unless there is one; with add_gateway add the gateway.

    The account is made through the onboarding API, never in the browser: Home
    Assistant starts here with onboarding's location step done (see hass.py), and its
    welcome page would then be refused the installation type, a "Login attempt failed".
    Return whether the account was made now or is known to be the demo's.
    """
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, url)
        made = not await api.onboarded()
        if made:
            await api.onboard(DEMO_NAME, DEMO_USERNAME, DEMO_PASSWORD)
        if not add_gateway:
            return made
        if not made:
            await api.login(DEMO_USERNAME, DEMO_PASSWORD)
        entries = await api.request("GET", "/api/config/config_entries/entry")
        if not any(entry["domain"] == DOMAIN for entry in entries):
            await api.add_gateway(
                "127.0.0.1", simulator.port, simulator.username, simulator.password
            )
        return True


def next_steps(
    hass: HomeAssistantProcess,
    simulator: SimulatorProcess,
    *,
    demo_login: bool,
    gateway_added: bool,
) -> str:
    """Say what to do now that both run."""
    lines = [
        "",
        f"Home Assistant:  {hass.url}   (log: {hass.log_path})",
        (
            f"Gateway:         {simulator.url}   "
            f"(simulated {simulator.firmware} firmware, 8 ports x 4 SIM slots)"
        ),
        "",
    ]
    if demo_login:
        login = f"Log in as {DEMO_USERNAME} / {DEMO_PASSWORD}"
    else:
        login = (
            f"Log in with the account of {hass.config_dir} ({DEMO_USERNAME} / "
            f"{DEMO_PASSWORD} if scripts/develop made it)"
        )
    if gateway_added:
        lines += [
            f"{login}: the gateway is added, see",
            f"  {hass.url}/config/integrations/integration/{DOMAIN}",
        ]
    else:
        lines += [
            f"1. Open {hass.url}. {login}.",
            "2. Settings -> Devices & services -> Add integration -> Ejoin SIM gateway.",
            (
                f"3. Host 127.0.0.1, port {simulator.port}, username "
                f"{simulator.username}, password {simulator.password};"
            ),
            "   keep the suggested report URL.",
        ]
    lines += ["", "Ctrl-C stops both."]
    return "\n".join(lines)


def report_tracebacks(watch: LogWatch, *, final: bool = False) -> None:
    """Print each traceback Home Assistant logged since the last look, in short.

    A clean start logs none; one that shows up is an error to look into (in this
    integration or in the development set-up), not noise to get used to.
    """
    for found in watch.tracebacks(final=final):
        print(
            f"Home Assistant logged a traceback (full text in {watch.path}):\n  {found}",
            file=sys.stderr,
            flush=True,
        )


def main() -> None:
    """Start both, wait for Ctrl-C (or one of them ending), then stop both."""
    options = arguments()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    config: Path = options.config
    config.mkdir(parents=True, exist_ok=True)
    simulator = SimulatorProcess(
        port=options.simulator_port,
        log_path=config / "simulator.log",
        firmware=options.firmware,
    )
    hass = HomeAssistantProcess(config, port=options.hass_port)
    watch = LogWatch.from_end(hass.log_path)
    try:
        print(f"Starting the simulated gateway on {simulator.url} ...", flush=True)
        simulator.start()
        print(f"Starting Home Assistant on {hass.url} ...", flush=True)
        hass.start()
        print(
            "Creating the account and adding the gateway ..."
            if options.demo
            else "Creating the account (unless there is one) ...",
            flush=True,
        )
        demo_login = asyncio.run(set_up(hass.url, simulator, add_gateway=options.demo))
        print(
            next_steps(
                hass, simulator, demo_login=demo_login, gateway_added=options.demo
            ),
            flush=True,
        )
        while not stop.wait(1):
            report_tracebacks(watch)
            for name, process in (
                ("Home Assistant", hass.process),
                ("The simulator", simulator.process),
            ):
                if process is not None and process.poll() is not None:
                    print(
                        f"{name} stopped (exit code {process.returncode}).",
                        file=sys.stderr,
                    )
                    stop.set()
    except (RuntimeError, aiohttp.ClientError) as err:
        print(f"scripts/develop: {err}", file=sys.stderr)
        sys.exit(1)
    finally:
        print("Stopping ...", flush=True)
        with contextlib.suppress(Exception):
            hass.stop()
        simulator.stop()
        report_tracebacks(watch, final=True)


if __name__ == "__main__":
    main()
