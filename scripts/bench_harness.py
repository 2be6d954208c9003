"""The Home Assistant the benchmarks run in, the gateways they feed it, and the clock.

Used by ``scripts/bench.py``, ``bench_farm.py`` and ``bench_recorder.py``. A
:func:`home` is a Home Assistant built as its own test harness builds it (registries,
config entries, the real ``http`` and ``webhook`` integrations served by aiohttp on
127.0.0.1), with three baseline webhooks registered next to the integration's:

- ``floor``: reads the body and does nothing: what Home Assistant itself spends
  receiving a report;
- ``floor_write``: the same, plus the one state write a changed value costs whoever
  makes it;
- ``floor_parse``: the same as ``floor``, plus Home Assistant's own JSON loader
  (``homeassistant.util.json.json_loads``, orjson) on the body: the least any
  integration that reads a report pays.

Every timed body is built before the clock starts, and the baselines are posted the
very same bodies, in turns with the integration (:func:`interleaved`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
import contextlib
import gc
import json
import os
from pathlib import Path
import random
import statistics
import sys
import tempfile
import time
from typing import Any
from unittest.mock import patch

import aiohttp
from aiohttp import web
from aiohttp.resolver import AsyncResolver
from aiohttp.test_utils import TestServer

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

# Ours first: the test harness ships a custom_components package of its own.
from homeassistant import loader  # noqa: E402
from homeassistant.components import webhook  # noqa: E402
from homeassistant.core import HomeAssistant  # noqa: E402
from homeassistant.helpers import frame, recorder as recorder_helper  # noqa: E402
from homeassistant.setup import async_setup_component  # noqa: E402
from homeassistant.util.json import json_loads  # noqa: E402
from pytest_homeassistant_custom_component.common import (  # noqa: E402
    MockConfigEntry,
    async_test_home_assistant,
)

import custom_components.ejoin  # noqa: E402, F401
from custom_components.ejoin.const import (  # noqa: E402
    CONF_ALL_SIMS,
    CONF_CONFIGURE_GATEWAY,
    CONF_REPORT_PERIOD,
    CONF_REPORT_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from ejoin_simulator import Gateway, Simulator  # noqa: E402

PASSWORD = "bench"  # noqa: S105 - the simulated gateways' login
FIRMWARE = "532-600-999-041-100-000"
WARM_UP = 5  # rounds run before any is timed
DATABASE = "home-assistant_v2.db"  # the recorder's, in the configuration directory
# The entity platforms of the integration, and the helper integrations Home Assistant
# sets up with them.
PLATFORMS = ("sensor", "binary_sensor", "button", "select", "switch", "event", "notify")

Row = tuple[str, str, str, str]  # what, figure, baseline, target


def median_us(samples: Sequence[float]) -> float:
    """Median of samples in seconds, in microseconds."""
    return statistics.median(samples) * 1e6


def verdict(met: bool) -> str:
    """Say whether a target is met, in the table's words."""
    return "met" if met else "**missed**"


async def interleaved(
    actions: Sequence[Callable[[int], Awaitable[Any]]],
    rounds: int,
    *,
    in_order: Sequence[int] = (),
) -> list[float]:
    """Median microseconds of each action, run in turns so that all see the same noise.

    Each action is given the round's number (from 0, warm-up included), so that it
    posts that round's pre-built body. A baseline measured minutes apart from what it
    is compared with would carry whatever else the machine did in between; taking
    turns cancels most of that. The order of the turns changes from round to round
    (:func:`shuffle`), except that the actions numbered in ``in_order`` keep theirs
    among themselves: posts to the integration whose meaning depends on the one
    before (a report that changes nothing must follow the one it repeats). The first
    :data:`WARM_UP` rounds are not timed.
    """
    samples: list[list[float]] = [[] for _ in actions]
    for round_number in range(rounds + WARM_UP):
        order = list(range(len(actions)))
        shuffle(order, round_number)
        kept = iter(sorted(in_order))
        order = [next(kept) if number in in_order else number for number in order]
        for number in order:
            action, taken = actions[number], samples[number]
            start = time.perf_counter()
            await action(round_number)
            if round_number >= WARM_UP:
                taken.append(time.perf_counter() - start)
    return [median_us(taken) for taken in samples]


def shuffle(turns: list[Any], round_number: int) -> None:
    """Put a round's turns in an order of their own, the same in every run.

    In a fixed order each action would always follow the same one, and pay for what
    that one leaves behind: after a baseline that decodes a 300 KiB body and frees it
    at once, the next post was seen to take 0.5 ms more.
    """
    random.Random(round_number).shuffle(turns)  # noqa: S311 - not for secrets


def body_of(report: dict[str, Any]) -> bytes:
    """Encode a report as the gateway does."""
    return json.dumps(report).encode()


def dev_statuses(model: Gateway, count: int) -> list[bytes]:
    """Return ``count`` successive dev-status bodies, built as the gateway sends them.

    Each is built anew by the simulator's model, so the report's ``seq`` and every
    port object's ``seq`` grow from one to the next, as a real gateway's do; nothing
    else changes unless the model does.
    """
    return [body_of(model.dev_status(time.monotonic())) for _ in range(count)]


def resident_bytes() -> int:
    """Return the resident memory now, after a full garbage collection (Linux)."""
    gc.collect()
    with contextlib.suppress(OSError, ValueError, IndexError):
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    return 0  # not Linux: the table then says so


class Bench:
    """One Home Assistant, its HTTP server, and the simulated gateways fed to it."""

    def __init__(self, hass: HomeAssistant, server: TestServer) -> None:
        """Measure through ``server``, Home Assistant's HTTP app on 127.0.0.1."""
        self.hass = hass
        self.server = server
        self.session = aiohttp.ClientSession()
        self.simulators: list[Simulator] = []

    async def close(self) -> None:
        """Stop the client and every simulator."""
        await self.session.close()
        for simulator in self.simulators:
            await simulator.stop()

    async def post(self, webhook_id: str, body: bytes) -> int:
        """POST a body to a webhook as a gateway does; return the HTTP status."""
        async with self.session.post(
            self.server.make_url(f"/api/webhook/{webhook_id}"),
            data=body,
            headers={"Content-Type": "application/json;charset=utf-8"},
        ) as response:
            await response.read()
            return response.status

    async def simulator(
        self, ports: int, number: int, *, all_sims: bool = True
    ) -> Simulator:
        """Start a simulated gateway of ``ports`` ports with 8 slots each; no drift."""
        simulator = Simulator(
            Gateway.create(
                ports=ports,
                slots=8,
                mac=f"00-30-f1-00-00-{number:02x}",
                firmware=FIRMWARE,
            ),
            username="root",
            password=PASSWORD,
            command_delay=0.05,
            drift_seconds=None,  # what changes is up to each measurement
        )
        simulator.gateway.all_sims = all_sims
        await simulator.start()
        self.simulators.append(simulator)
        return simulator

    def entry(self, simulator: Simulator, number: int) -> MockConfigEntry:
        """Add (not set up) an entry for a gateway that reports every SIM slot.

        The gateway is not configured by the integration: the bench posts every report
        itself, to webhook ``bench_<number>``.
        """
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=f"Ejoin {len(simulator.gateway.ports)} ports {number}",
            unique_id=simulator.gateway.mac.replace("-", ":"),
            data={
                "host": simulator.host,
                "port": simulator.port,
                "username": "root",
                "password": PASSWORD,
                CONF_WEBHOOK_ID: f"bench_{number}",
                CONF_REPORT_URL: str(
                    self.server.make_url(f"/api/webhook/bench_{number}")
                ),
                CONF_CONFIGURE_GATEWAY: False,
            },
            options={CONF_REPORT_PERIOD: 60, CONF_ALL_SIMS: True},
        )
        entry.add_to_hass(self.hass)
        return entry

    async def gateway(
        self, ports: int, number: int
    ) -> tuple[MockConfigEntry, Simulator, float]:
        """Start a simulated gateway with 8 slots per port and set its entry up.

        Returns the entry, the simulator and the set-up's seconds.
        """
        simulator = await self.simulator(ports, number)
        entry = self.entry(simulator, number)
        start = time.perf_counter()
        if not await self.hass.config_entries.async_setup(entry.entry_id):
            raise RuntimeError(f"the {ports}-port entry did not set up")
        await self.hass.async_block_till_done()
        seconds = time.perf_counter() - start
        await self.hass.async_block_till_done(wait_background_tasks=True)
        return entry, simulator, seconds


def register_baselines(hass: HomeAssistant) -> None:
    """Register the ``floor``, ``floor_write`` and ``floor_parse`` webhooks."""

    async def nothing(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        await request.read()
        return web.Response(text="OK")

    written = iter(range(10**9))

    async def one_write(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        await request.read()
        hass.states.async_set(  # a sensor with a unit and a device class
            "sensor.bench_signal",
            str(-100 + next(written) % 50),
            {"unit_of_measurement": "dBm", "device_class": "signal_strength"},
        )
        return web.Response(text="OK")

    async def parse(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        json_loads(await request.read())
        return web.Response(text="OK")

    for webhook_id, handler in (
        ("floor", nothing),
        ("floor_write", one_write),
        ("floor_parse", parse),
    ):
        webhook.async_register(
            hass, "bench", webhook_id, webhook_id, handler, allowed_methods=["POST"]
        )


@contextlib.asynccontextmanager
async def home(*, recorder: bool = False) -> AsyncIterator[Bench]:
    """Run a fresh Home Assistant serving HTTP on 127.0.0.1, with the baselines.

    With ``recorder``, the real recorder writes to SQLite in the configuration
    directory (:data:`DATABASE`), set up first as at Home Assistant's start.
    """
    with (
        tempfile.TemporaryDirectory() as config_dir,
        # As Home Assistant's test harness: no mDNS resolver (a zeroconf instance)
        # for the shared client session; every gateway here is an IP address.
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=AsyncResolver(),
        ),
    ):
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            frame.async_setup(hass)  # as the harness does, for usage reports
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)  # load ours
            if recorder:
                recorder_helper.async_initialize_recorder(hass)
                database = Path(config_dir) / DATABASE
                if not await async_setup_component(
                    hass, "recorder", {"recorder": {"db_url": f"sqlite:///{database}"}}
                ):
                    raise RuntimeError("recorder did not set up")
            # Every integration that adds HTTP views is set up before the server
            # starts, as at Home Assistant's start (notify brings repairs).
            for domain in ("http", "webhook", "notify"):
                if not await async_setup_component(hass, domain, {}):
                    raise RuntimeError(f"{domain} did not set up")
            register_baselines(hass)
            server = TestServer(hass.http.app, host="127.0.0.1")
            await server.start_server()
            bench = Bench(hass, server)
            try:
                yield bench
            finally:
                await bench.close()
                await server.close()
                await hass.async_stop(force=True)
                frame.async_setup(None)
