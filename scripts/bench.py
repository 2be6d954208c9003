"""What each report costs, against Home Assistant's own floor; run by ``scripts/bench``.

Everything runs in one process, in three Home Assistant instances one after the other,
each built as Home Assistant's own test harness builds it (``bench_harness.home``):

1. measurements 1 to 7 below, on one 64-port gateway (and 8, 16, 32 for growth);
2. the farm (``bench_farm``, 8): eight 64-port gateways set up at once, the memory
   they add, and one gateway's ingest while the seven others report too, compared
   with 1b;
3. the recorder (``bench_recorder``, 9): the rows one 64-port gateway with default
   options writes in a simulated hour.

An instance that has stopped is not freed (Home Assistant's helpers keep it cached), so
a later one runs beside its memory; each part measures its baselines in its own
instance.

Reports go through the real webhook path over HTTP, from bodies the simulator's model
builds anew for every post, as a gateway would send them: the report's ``seq`` and
every port object's ``seq`` grow with each one. Bodies are built before the clock
starts, and the baselines (``bench_harness.register_baselines``) are posted the very
same bodies, in turns with the integration. Each figure is the median of repeated
rounds, printed next to its baseline from the same run, with its target and whether
it is met. See BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
import contextlib
import json
import os
from pathlib import Path
import platform
import statistics
import sys
import time
from typing import Any
from unittest.mock import patch

from bench_farm import IngestFigures, farm_rows, measure_farm
from bench_harness import (
    WARM_UP,
    Bench,
    Row,
    body_of,
    dev_statuses,
    home,
    interleaved,
    median_us,
    verdict,
)
from bench_recorder import measure_recorder
from homeassistant.const import EVENT_STATE_CHANGED, __version__
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.storage import Store
from homeassistant.util.json import json_loads
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.const import CONF_WEBHOOK_ID, DOMAIN
from custom_components.ejoin.pyejoin import PortMemory, parse_report
from ejoin_simulator import Simulator

ROUNDS_SMALL = 300  # port-status posts per measurement
ROUNDS_LARGE = 60  # 64 x 8 dev-status posts per measurement
SMS_BURST = 1000
PROFILE = "--profile" in sys.argv


async def profile(
    action: Callable[[int], Awaitable[Any]], rounds: int, name: str
) -> None:
    """Print where the time of ``action`` goes (``--profile``; needs pyinstrument)."""
    from pyinstrument import Profiler  # noqa: PLC0415 - only for --profile

    profiler = Profiler(interval=0.0001, async_mode="disabled")
    profiler.start()
    for round_number in range(rounds):
        await action(round_number)
    profiler.stop()
    print(f"--- profile of {rounds} x {name} ---")
    print(profiler.output_text(unicode=False, color=False, show_all=False))


async def states_written(hass: HomeAssistant, post: Awaitable[Any]) -> list[str]:
    """Post a report and return the entity ids whose state it wrote."""
    written: list[str] = []

    @callback
    def count(event: Event) -> None:
        written.append(event.data["entity_id"])

    stop = hass.bus.async_listen(EVENT_STATE_CHANGED, count)
    await post
    await hass.async_block_till_done()
    stop()
    return written


async def run() -> list[Row]:
    """Run every measurement, each part in its own Home Assistant; return the rows."""
    async with home() as bench:
        rows, single = await measure(bench)
    async with home() as bench:
        rows += farm_rows(await measure_farm(bench), single)
    async with home(recorder=True) as bench:
        rows += await measure_recorder(bench)
    return rows


async def measure(bench: Bench) -> tuple[list[Row], IngestFigures]:
    """Run measurements 1 to 7 of BENCHMARKS.md, in its order.

    Also returns the 64 x 8 dev-status ingest and its floor (1b), with which the farm's
    is compared.
    """
    hass = bench.hass
    rows: list[Row] = []

    # 3. Set-up of a 64-port, 8-slot gateway with every SIM reported (measured first,
    # the rest needs the gateway; its row comes in order below).
    entry, simulator, first_setup = await bench.gateway(64, 64)
    setups = [first_setup]
    for _ in range(2):  # set up again, as a restart of Home Assistant would
        await hass.config_entries.async_unload(entry.entry_id)
        start = time.perf_counter()
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        setups.append(time.perf_counter() - start)
        await hass.async_block_till_done(wait_background_tasks=True)
    again = statistics.median(setups[1:])
    platforms = {"sensor", "binary_sensor", "button", "select", "switch", "event"}
    entities = len(
        [
            state
            for state in hass.states.async_all()
            if state.entity_id.split(".")[0] in {*platforms, "notify"}
        ]
    )
    devices = len(dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id))

    # 1a and 1a'. A port-status in which one value changed (the signal, as when a
    # gateway sends one) and, in the same rounds, the port-status the gateway sends
    # next with nothing changed but its seq. Each body is posted once to a baseline
    # and once to the integration.
    model = simulator.gateway
    hook = entry.data[CONF_WEBHOOK_ID]
    port = model.ports[5]
    sim = port.slots[port.active_slot]
    assert sim is not None  # noqa: S101 - every slot of a simulated gateway has one
    changed: list[bytes] = []
    resent: list[bytes] = []

    def port_statuses(count: int) -> None:
        for _ in range(count):
            sim.signal = 5 + len(changed) % 25  # differs from the last one each time
            changed.append(body_of(model.port_status(port, time.monotonic())))
            resent.append(body_of(model.port_status(port, time.monotonic())))

    port_statuses(ROUNDS_SMALL + WARM_UP)
    small_floor, write_floor, small, resent_floor, unchanged = await interleaved(
        [
            lambda n: bench.post("floor", changed[n]),
            lambda n: bench.post("floor_write", changed[n]),
            lambda n: bench.post(hook, changed[n]),
            lambda n: bench.post("floor", resent[n]),
            lambda n: bench.post(hook, resent[n]),
        ],
        ROUNDS_SMALL,
        in_order=(2, 4),  # the integration: each changed body, then its repeat
    )
    if PROFILE:
        first = len(changed)
        port_statuses(ROUNDS_SMALL)
        await profile(
            lambda n: bench.post(hook, changed[first + n]), ROUNDS_SMALL, "port-status"
        )

    # 1b. An unchanged 64 x 8 dev-status, the steady state every report period:
    # successive bodies, in which only the sequence numbers grow.
    large_bodies = dev_statuses(model, ROUNDS_LARGE + WARM_UP)
    large_floor, parse_floor, large = await interleaved(
        [
            lambda n: bench.post("floor", large_bodies[n]),
            lambda n: bench.post("floor_parse", large_bodies[n]),
            lambda n: bench.post(hook, large_bodies[n]),
        ],
        ROUNDS_LARGE,
    )
    if PROFILE:
        more = dev_statuses(model, ROUNDS_LARGE)
        await profile(
            lambda n: bench.post(hook, more[n]), ROUNDS_LARGE, "64 x 8 dev-status"
        )
    rows += [
        (
            "1a. webhook ingest, port-status (signal changed)",
            f"{small:,.0f} µs ({1e6 / small:,.0f}/s)",
            (
                f"floor {small_floor:,.0f} µs ({1e6 / small_floor:,.0f}/s); "
                f"ratio {small / small_floor:.2f}. Floor + 1 state write "
                f"{write_floor:,.0f} µs; ratio {small / write_floor:.2f}"
            ),
            f"<= 1.25 x floor: {verdict(small / small_floor <= 1.25)}",
        ),
        (
            "1a'. the same, a port-status that changes nothing but its seq",
            f"{unchanged:,.0f} µs ({1e6 / unchanged:,.0f}/s)",
            (
                f"floor {resent_floor:,.0f} µs (the same bodies); "
                f"ratio {unchanged / resent_floor:.2f}"
            ),
            f"<= 1.1 x floor: {verdict(unchanged / resent_floor <= 1.1)}",
        ),
        (
            (
                "1b. webhook ingest, 64 x 8 dev-status, unchanged but its seqs "
                f"({len(large_bodies[0]) // 1024} KiB)"
            ),
            f"{large / 1000:.2f} ms ({1e6 / large:,.0f}/s)",
            (
                f"floor {large_floor / 1000:.2f} ms (ratio {large / large_floor:.2f}); "
                f"floor + json_loads {parse_floor / 1000:.2f} ms; "
                f"ratio {large / parse_floor:.2f}"
            ),
            (
                f"<= 1.2 x (floor + parse): {verdict(large / parse_floor <= 1.2)}; "
                f"< 10 ms: {verdict(large < 10_000)}"
            ),
        ),
    ]

    # 2. States written: by the next unchanged dev-status (only its seqs grew), then
    # by one in which one port's balance changed.
    unchanged_written = await states_written(
        hass, bench.post(hook, dev_statuses(model, 1)[0])
    )
    balance_sim = model.ports[7].sim
    assert balance_sim is not None  # noqa: S101 - every slot holds a SIM
    balance_sim.balance = 987.65
    balance_written = await states_written(
        hass, bench.post(hook, dev_statuses(model, 1)[0])
    )
    rows += [
        (
            "2a. states written, unchanged 64 x 8 dev-status (but its seqs)",
            str(len(unchanged_written)),
            ", ".join(sorted(unchanged_written)[:5]) or "-",
            f"0: {verdict(not unchanged_written)}",
        ),
        (
            "2b. states written, one port's balance changed",
            str(len(balance_written)),
            ", ".join(sorted(balance_written)) or "-",
            "exactly the changed entities",
        ),
    ]

    rows.append(
        (
            "3. set-up of a 64-port entry: first (registers every entity), again",
            f"first {first_setup:.2f} s; again {again:.2f} s",
            f"{entities} entities, {devices} devices",
            f"< 2 s: {verdict(first_setup < 2)}",
        )
    )

    # 4. Parsing alone, in the protocol package: successive 64 x 8 dev-status bodies
    # of the simulator (only their seqs grow), without a port memory (a first report)
    # and with one (the steady state); the loaders alone on the same bodies.
    bodies = dev_statuses(model, 100 + WARM_UP)
    floor = await timed(lambda n: json.loads(bodies[n]))
    orjson_floor = await timed(lambda n: json_loads(bodies[n]))
    first = await timed(lambda n: parse_report(bodies[n]))
    memory = PortMemory()
    steady = await timed(lambda n: parse_report(bodies[n], memory))
    rows.append(
        (
            "4. parse a 64 x 8 dev-status (protocol package), unchanged but its seqs",
            f"first {first / 1000:.2f} ms, steady {steady / 1000:.2f} ms",
            (
                f"json.loads {floor / 1000:.2f} ms, "
                f"json_loads (orjson) {orjson_floor / 1000:.2f} ms"
            ),
            "-",
        )
    )

    rows.append(await redial(bench, entry, simulator))
    rows.append(await sms_burst(bench, hook, model.mac))

    # 7. Growth: an unchanged dev-status (successive bodies) of 8, 16, 32 and 64
    # ports, 8 slots each.
    per_port = []
    for number, ports in enumerate((8, 16, 32), start=1):
        other, other_simulator, _ = await bench.gateway(ports, number)
        bodies = dev_statuses(other_simulator.gateway, ROUNDS_LARGE + WARM_UP)
        hook_n = other.data[CONF_WEBHOOK_ID]
        (cost,) = await interleaved(
            [lambda n, hook_n=hook_n, bodies=bodies: bench.post(hook_n, bodies[n])],
            ROUNDS_LARGE,
        )
        per_port.append((ports, cost))
    per_port.append((64, large))
    rows.append(
        (
            "7. ingest of an unchanged dev-status by size",
            ", ".join(f"{ports}: {us / 1000:.2f} ms" for ports, us in per_port),
            ", ".join(f"{us / ports:.0f} µs/port" for ports, us in per_port),
            "linear or better",
        )
    )
    return rows, IngestFigures(ingest=large, floor=large_floor, parse=parse_floor)


async def timed(action: Callable[[int], Any], rounds: int = 100) -> float:
    """Median microseconds of a synchronous action, given the run's number from 0.

    The first :data:`WARM_UP` runs are not timed.
    """
    samples = []
    for number in range(rounds + WARM_UP):
        start = time.perf_counter()
        action(number)
        if number >= WARM_UP:
            samples.append(time.perf_counter() - start)
        await asyncio.sleep(0)  # let Home Assistant's loop breathe between runs
    return median_us(samples)


async def redial(bench: Bench, entry: MockConfigEntry, simulator: Simulator) -> Row:
    """5. One redial of 32 ports: how many requests reach the gateway."""
    hass = bench.hass
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
    return (
        "5. HTTP requests for one redial of 32 ports",
        str(len(commands)),
        f"{len(port_devices)} ports",
        f"1: {verdict(len(commands) == 1)}",
    )


async def sms_burst(bench: Bench, hook: str, mac: str) -> Row:
    """6. 1000 SMS reports posted at once: every one an event, the record on disk."""
    hass = bench.hass
    fired = 0
    last = 0.0

    @callback
    def received(event: Event) -> None:
        nonlocal fired, last
        fired += 1
        last = time.perf_counter()

    stop = hass.bus.async_listen(f"{DOMAIN}_sms_received", received)
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
        statuses: Sequence[int] = await asyncio.gather(
            *(bench.post(hook, report) for report in reports)
        )
        await hass.async_block_till_done()
    stop()
    return (
        f"6. {SMS_BURST} SMS reports posted at once",
        (
            f"{fired} events, last after {(last - start) * 1000:,.0f} ms; "
            f"{writes} writes of the SMS record (each on disk before its events)"
        ),
        f"{list(statuses).count(200)} answered 200",
        f"exactly {SMS_BURST}: {verdict(fired == SMS_BURST)}",
    )


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
