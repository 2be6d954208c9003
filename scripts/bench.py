"""What each report costs, against Home Assistant's own floor; run by ``scripts/bench``.

Everything runs in one process: a Home Assistant built as Home Assistant's own test
harness builds it (registries, config entries, the real ``http`` and ``webhook``
integrations, served by aiohttp on 127.0.0.1) and simulated gateways on 127.0.0.1.
Reports go through the real webhook path over HTTP. Each figure is the median of
repeated runs and is printed next to its baseline from the same run. See BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
import gc
import json
import os
from pathlib import Path
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from typing import Any
from unittest.mock import patch

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "scripts"))

# Ours first: the test harness ships a custom_components package of its own.
from bench_parse import dev_status as parse_body  # noqa: E402
from homeassistant import loader  # noqa: E402
from homeassistant.components import webhook  # noqa: E402
from homeassistant.const import EVENT_STATE_CHANGED, __version__  # noqa: E402
from homeassistant.core import Event, HomeAssistant, callback  # noqa: E402
from homeassistant.helpers import device_registry as dr  # noqa: E402
from homeassistant.helpers.storage import Store  # noqa: E402
from homeassistant.setup import async_setup_component  # noqa: E402
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
from custom_components.ejoin.pyejoin import PortMemory, parse_report  # noqa: E402
from ejoin_simulator import Gateway, Simulator  # noqa: E402

PASSWORD = "bench"  # noqa: S105 - the simulated gateways' login
ROUNDS_SMALL = 300  # port-status posts per measurement
ROUNDS_LARGE = 60  # 64 x 8 dev-status posts per measurement
SMS_BURST = 1000
FIRMWARE = "532-600-999-041-100-000"

Row = tuple[str, str, str, str]  # what, figure, baseline, target


def median_us(samples: list[float]) -> float:
    """Median of samples in seconds, in microseconds."""
    return statistics.median(samples) * 1e6


async def timed(action: Callable[[], Awaitable[Any]], rounds: int) -> list[float]:
    """Run ``action`` ``rounds`` times after a warm-up; return each run's seconds."""
    for _ in range(5):
        await action()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        await action()
        samples.append(time.perf_counter() - start)
    return samples


async def interleaved(
    actions: list[Callable[[], Awaitable[Any]]], rounds: int
) -> list[float]:
    """Median microseconds of each action, run in turns so that all see the same noise.

    A baseline measured minutes apart from what it is compared with would carry
    whatever else the machine did in between; taking turns cancels most of that.
    """
    samples: list[list[float]] = [[] for _ in actions]
    for round_number in range(rounds + 5):
        for action, taken in zip(actions, samples, strict=True):
            start = time.perf_counter()
            await action()
            if round_number >= 5:  # the first rounds only warm up
                taken.append(time.perf_counter() - start)
    return [median_us(taken) for taken in samples]


PROFILE = "--profile" in sys.argv


async def profile(action: Callable[[], Awaitable[Any]], name: str) -> None:
    """Print where the time of ``action`` goes (``--profile``; needs pyinstrument)."""
    from pyinstrument import Profiler  # noqa: PLC0415 - only for --profile

    profiler = Profiler(interval=0.0001, async_mode="disabled")
    profiler.start()
    for _ in range(ROUNDS_SMALL):
        await action()
    profiler.stop()
    print(f"--- profile of {ROUNDS_SMALL} x {name} ---")
    print(profiler.output_text(unicode=False, color=False, show_all=False))


class Bench:
    """One Home Assistant, its HTTP server, and the gateways set up in it."""

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

    async def gateway(
        self, ports: int, number: int
    ) -> tuple[MockConfigEntry, Simulator, float, int]:
        """Start a simulated gateway with 8 slots per port and set its entry up.

        Returns the entry, the simulator, the set-up's seconds and its bytes of memory.
        """
        mac = f"00-30-f1-00-00-{number:02x}"
        simulator = Simulator(
            Gateway.create(ports=ports, slots=8, mac=mac, firmware=FIRMWARE),
            username="root",
            password=PASSWORD,
            command_delay=0.05,
            drift_seconds=None,
        )
        await simulator.start()
        self.simulators.append(simulator)
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=f"Ejoin {ports} ports",
            unique_id=mac.replace("-", ":"),
            data={
                "host": simulator.host,
                "port": simulator.port,
                "username": "root",
                "password": PASSWORD,
                CONF_WEBHOOK_ID: f"bench_{number}",
                CONF_REPORT_URL: str(
                    self.server.make_url(f"/api/webhook/bench_{number}")
                ),
                CONF_CONFIGURE_GATEWAY: False,  # the bench posts every report itself
            },
            options={CONF_REPORT_PERIOD: 60, CONF_ALL_SIMS: True},
        )
        entry.add_to_hass(self.hass)
        simulator.gateway.all_sims = True
        gc.collect()
        tracemalloc.start()
        start = time.perf_counter()
        if not await self.hass.config_entries.async_setup(entry.entry_id):
            raise RuntimeError(f"the {ports}-port entry did not set up")
        await self.hass.async_block_till_done()
        seconds = time.perf_counter() - start
        memory = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        await self.hass.async_block_till_done(wait_background_tasks=True)
        return entry, simulator, seconds, memory


def body_of(report: dict[str, Any]) -> bytes:
    """Encode a report as the gateway does."""
    return json.dumps(report).encode()


async def run() -> list[Row]:
    """Run every measurement; return the table's rows."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)  # load ours
            # Every integration that adds HTTP views is set up before the server
            # starts, as at Home Assistant's start (notify brings repairs).
            for domain in ("http", "webhook", "notify"):
                if not await async_setup_component(hass, domain, {}):
                    raise RuntimeError(f"{domain} did not set up")
            server = TestServer(hass.http.app, host="127.0.0.1")
            await server.start_server()
            bench = Bench(hass, server)
            try:
                rows += await measure(hass, bench)
            finally:
                await bench.close()
                await server.close()
                await hass.async_stop(force=True)
    return rows


async def measure(hass: HomeAssistant, bench: Bench) -> list[Row]:
    """Run the seven measurements of BENCHMARKS.md, in its order."""
    rows: list[Row] = []

    # The floor: what Home Assistant spends on a webhook whose handler does nothing.
    async def nothing(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        await request.read()
        return web.Response(text="OK")

    webhook.async_register(
        hass, "bench", "floor", "floor", nothing, allowed_methods=["POST"]
    )
    # A second baseline: the same, plus the one state write a changed value costs
    # Home Assistant whoever makes it (a sensor with a unit and a device class).
    written = iter(range(10**9))

    async def one_write(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        await request.read()
        hass.states.async_set(
            "sensor.bench_signal",
            str(-100 + next(written) % 50),
            {"unit_of_measurement": "dBm", "device_class": "signal_strength"},
        )
        return web.Response(text="OK")

    webhook.async_register(
        hass, "bench", "floor+write", "floor_write", one_write, allowed_methods=["POST"]
    )

    # 3. Set-up of a 64-port, 8-slot gateway with every SIM reported.
    entry, simulator, first_setup, setup_bytes = await bench.gateway(64, 64)
    setups = [first_setup]
    for _ in range(2):  # set up again, as a restart of Home Assistant would
        await hass.config_entries.async_unload(entry.entry_id)
        start = time.perf_counter()
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        setups.append(time.perf_counter() - start)
        await hass.async_block_till_done(wait_background_tasks=True)
    again = statistics.median(setups[1:])
    entities = len(
        [
            state
            for state in hass.states.async_all()
            if state.entity_id.split(".")[0]
            in {
                "sensor",
                "binary_sensor",
                "button",
                "select",
                "switch",
                "event",
                "notify",
            }
        ]
    )
    devices = len(dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id))

    # 1. Ingest: a port-status (one value changes each time, as when a gateway sends
    # one) and an unchanged 64 x 8 dev-status (the steady state every period).
    model = simulator.gateway
    signals = iter(range(10**9))

    def port_status() -> bytes:
        port = model.ports[5]
        port.slots[port.active_slot].signal = 5 + next(signals) % 25  # type: ignore[union-attr]
        return body_of(model.port_status(port, time.monotonic()))

    dev_status = body_of(model.dev_status(time.monotonic()))
    hook = entry.data[CONF_WEBHOOK_ID]
    last = [port_status()]

    def changed() -> bytes:
        last[0] = port_status()
        return last[0]

    small_floor, write_floor, small, resent = await interleaved(
        [
            lambda: bench.post("floor", port_status()),
            lambda: bench.post("floor_write", port_status()),
            lambda: bench.post(hook, changed()),
            lambda: bench.post(hook, last[0]),  # sent again: nothing new in it
        ],
        ROUNDS_SMALL,
    )
    if PROFILE:
        await profile(lambda: bench.post(hook, port_status()), "port-status")
        await profile(lambda: bench.post(hook, dev_status), "dev-status")
    large_floor, large = await interleaved(
        [
            lambda: bench.post("floor", dev_status),
            lambda: bench.post(hook, dev_status),
        ],
        ROUNDS_LARGE,
    )
    rows += [
        (
            "1a. webhook ingest, port-status (signal changed)",
            f"{small:,.0f} µs ({1e6 / small:,.0f}/s)",
            (
                f"floor {small_floor:,.0f} µs ({1e6 / small_floor:,.0f}/s); ratio {small / small_floor:.2f}. "
                f"Floor + 1 state write {write_floor:,.0f} µs; ratio {small / write_floor:.2f}"
            ),
            "<= 1.3 x floor",
        ),
        (
            "1a'. the same, a port-status that changes nothing",
            f"{resent:,.0f} µs ({1e6 / resent:,.0f}/s)",
            f"ratio {resent / small_floor:.2f} to the floor",
            "-",
        ),
        (
            f"1b. webhook ingest, 64 x 8 dev-status ({len(dev_status) // 1024} KiB)",
            f"{large / 1000:.2f} ms ({1e6 / large:,.0f}/s)",
            f"floor {large_floor / 1000:.2f} ms; ratio {large / large_floor:.2f}",
            "< 10 ms",
        ),
    ]

    # 2. States written.
    written: list[str] = []

    @callback
    def count(event: Event) -> None:
        written.append(event.data["entity_id"])

    stop = hass.bus.async_listen(EVENT_STATE_CHANGED, count)
    await bench.post(hook, dev_status)
    await hass.async_block_till_done()
    unchanged = len(written)
    written.clear()
    changed_report = json.loads(dev_status)
    active = model.address(7, model.ports[7].active_slot)
    for item in changed_report["status"]:
        if item["port"] == active:
            item["bal"] = "987.65"
    await bench.post(hook, body_of(changed_report))
    await hass.async_block_till_done()
    stop()
    rows += [
        ("2a. states written, unchanged 64 x 8 dev-status", str(unchanged), "-", "0"),
        (
            "2b. states written, one port's balance changed",
            str(len(written)),
            ", ".join(sorted(written)) or "-",
            "exactly the changed entities",
        ),
    ]

    rows.append(
        (
            "3. set-up of a 64-port entry: first (registers every entity), again",
            f"first {first_setup:.2f} s, {setup_bytes / 2**20:.1f} MiB; again {again:.2f} s",
            f"{entities} entities, {devices} devices",
            "< 2 s",
        )
    )

    # 4. Parsing alone, in the protocol package (the body of scripts/bench_parse.py).
    body = parse_body()
    floor = median_us(await timed(lambda: asyncio.sleep(0, json.loads(body)), 100))
    first = median_us(await timed(lambda: asyncio.sleep(0, parse_report(body)), 100))
    memory = PortMemory()
    parse_report(body, memory)
    steady = median_us(
        await timed(lambda: asyncio.sleep(0, parse_report(body, memory)), 100)
    )
    rows.append(
        (
            "4. parse a 64 x 8 dev-status (protocol package)",
            f"first {first / 1000:.2f} ms, steady {steady / 1000:.2f} ms",
            f"json.loads {floor / 1000:.2f} ms",
            "-",
        )
    )

    # 5. One redial of 32 ports: how many requests reach the gateway.
    registry = dr.async_get(hass)
    port_devices = [
        device.id
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
        if any(
            name.endswith(tuple(f"_port_{n}" for n in range(1, 33)))
            for _, name in device.identifiers
        )
    ]
    simulator.request_log.clear()
    await hass.services.async_call(
        DOMAIN, "redial", {"device_id": port_devices}, blocking=True
    )
    commands = [r for r in simulator.request_log if r.path == "/goip_send_cmd.html"]
    rows.append(
        (
            "5. HTTP requests for one redial of 32 ports",
            str(len(commands)),
            f"{len(port_devices)} ports",
            "1",
        )
    )

    # 6. 1000 SMS reports posted at once.
    fired = 0
    last = 0.0

    @callback
    def received(event: Event) -> None:
        nonlocal fired, last
        fired += 1
        last = time.perf_counter()

    stop = hass.bus.async_listen(f"{DOMAIN}_sms_received", received)
    mac = model.mac
    reports = [
        body_of(
            {
                "type": "recv-sms",
                "sms_num": 1,
                "sms": [
                    [
                        0,
                        f"{1 + n % 64}.01",
                        1_800_000_000 + n,
                        f"+1555{n:07d}",
                        "",
                        "SGVsbG8=",
                    ]
                ],
                "mac": mac,
            }
        )
        for n in range(SMS_BURST)
    ]
    writes = 0
    write = Store._async_write_data  # noqa: SLF001 - count what reaches the disk

    async def count_writes(store: Store[Any], *args: Any) -> None:
        nonlocal writes
        writes += store.key.endswith(".sms")
        await write(store, *args)  # (path, data), or (data) on newer releases

    start = time.perf_counter()
    with patch.object(Store, "_async_write_data", count_writes):
        statuses = await asyncio.gather(
            *(bench.post(hook, report) for report in reports)
        )
        await hass.async_block_till_done()
    stop()
    rows.append(
        (
            f"6. {SMS_BURST} SMS reports posted at once",
            (
                f"{fired} events, last after {(last - start) * 1000:,.0f} ms; "
                f"{writes} writes of the SMS record (each on disk before its events)"
            ),
            f"{statuses.count(200)} answered 200",
            f"exactly {SMS_BURST}",
        )
    )

    # 7. Growth: an unchanged dev-status of 8, 16, 32 and 64 ports (8 slots each).
    per_port = []
    for number, ports in enumerate((8, 16, 32), start=1):
        other, other_simulator, *_ = await bench.gateway(ports, number)
        body = body_of(other_simulator.gateway.dev_status(time.monotonic()))
        hook_n = other.data[CONF_WEBHOOK_ID]
        per_port.append(
            (
                ports,
                median_us(
                    await timed(
                        lambda hook_n=hook_n, body=body: bench.post(hook_n, body),
                        ROUNDS_LARGE,
                    )
                ),
            )
        )
    per_port.append((64, large))
    rows.append(
        (
            "7. ingest of an unchanged dev-status by size",
            ", ".join(f"{ports}: {us / 1000:.2f} ms" for ports, us in per_port),
            ", ".join(f"{us / ports:.0f} µs/port" for ports, us in per_port),
            "linear or better",
        )
    )
    return rows


def cpu_model() -> str:
    """Name the processor, as Linux reports it."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown processor"


def main() -> None:
    """Run the benchmarks and print the table."""
    started = time.perf_counter()
    rows = asyncio.run(run())
    print(
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    print(f"Home Assistant {__version__}; took {time.perf_counter() - started:.0f} s\n")
    print("| Measurement | Result | Baseline (same run) | Target |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
