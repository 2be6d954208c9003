"""8. A farm: eight 64-port gateways, 8 slots each, every SIM reported, in one Home Assistant.

Run by ``scripts/bench.py`` in a Home Assistant of its own, after measurements 1 to 7:

(a) Set-up time of all eight entries in total, as Home Assistant sets them up at its
    start: ``async_setup_component`` of the integration sets up every entry of the
    domain concurrently (``asyncio.gather`` in ``homeassistant.setup``), until nothing
    is left to do (``async_block_till_done``). First, when every entity is registered;
    then again after all eight are unloaded, set up concurrently the same way.
(b) Resident memory the eight entries add: the process's RSS (``/proc/self/statm``,
    after a full garbage collection) before and after the first set-up. The simulators,
    Home Assistant's entity platforms and the integration's modules are loaded before
    the first reading, so only the entries count. tracemalloc's figure (Python's own
    live allocations, which memory freed earlier cannot hide) is taken on a third
    set-up, after unloading again, so that tracing slows no timed set-up; it leaves
    out the entity and device registry entries, which outlive an unload.
(c) Ingest of a 64 x 8 dev-status by one gateway while the seven others report too:
    each round posts a fresh dev-status to each of the eight in turn (built before the
    clock starts), and gateway 1's body to the floor and to floor + parse. Gateway 1's
    median, as a ratio to this instance's floor + parse, is compared with 1b's (the
    same measurement, one gateway alone) ratio to its own; the absolute figures, and
    the median of all eight gateways' medians, are printed too.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import gc
import importlib
import statistics
import time
import tracemalloc

from bench_harness import (
    PLATFORMS,
    WARM_UP,
    Bench,
    Row,
    body_of,
    median_us,
    resident_bytes,
    shuffle,
    verdict,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

from custom_components.ejoin.const import CONF_WEBHOOK_ID, DOMAIN

GATEWAYS = 8
PORTS = 64
ROUNDS = 60  # as 1b, whose figure this is compared with
CHUNK = 5  # rounds whose bodies are built at a time
NOISE = 0.10  # how far apart two figures of one run may be and still count as equal


@dataclass(frozen=True, kw_only=True)
class IngestFigures:
    """A 64 x 8 dev-status's ingest and its baselines: medians, in microseconds."""

    ingest: float
    floor: float
    parse: float  # floor + json_loads


@dataclass(frozen=True, kw_only=True)
class Farm:
    """What the farm measured."""

    first_setup: float  # seconds
    again: float  # seconds
    entities: int  # registered by the eight entries
    added_rss: int  # bytes
    traced: int  # bytes held by eight entries set up again (tracemalloc)
    gateway_1: IngestFigures
    all_eight: float  # median of the eight gateways' medians, microseconds


async def measure_farm(bench: Bench) -> Farm:
    """Set up eight 64-port gateways, weigh them, and time one's ingest among all."""
    hass = bench.hass
    simulators = [
        await bench.simulator(PORTS, number) for number in range(1, GATEWAYS + 1)
    ]
    # Loaded before the first reading of memory: what any set-up of ours loads once.
    for domain in PLATFORMS:
        if not await async_setup_component(hass, domain, {}):
            raise RuntimeError(f"{domain} did not set up")
        importlib.import_module(f"custom_components.ejoin.{domain}")
    entries = [
        bench.entry(simulator, number)
        for number, simulator in enumerate(simulators, start=1)
    ]

    before = resident_bytes()
    start = time.perf_counter()
    if not await async_setup_component(hass, DOMAIN, {}):
        raise RuntimeError("the integration did not set up")
    await hass.async_block_till_done()
    first_setup = time.perf_counter() - start
    await hass.async_block_till_done(wait_background_tasks=True)
    not_loaded = [e.title for e in entries if e.state is not ConfigEntryState.LOADED]
    if not_loaded:
        raise RuntimeError(f"not set up: {', '.join(not_loaded)}")
    added_rss = resident_bytes() - before
    registry = er.async_get(hass)
    entities = sum(
        len(er.async_entries_for_config_entry(registry, entry.entry_id))
        for entry in entries
    )

    async def unload_all() -> None:
        await asyncio.gather(
            *(hass.config_entries.async_unload(entry.entry_id) for entry in entries)
        )
        await hass.async_block_till_done(wait_background_tasks=True)

    async def set_up_all() -> float:
        start = time.perf_counter()
        await asyncio.gather(
            *(hass.config_entries.async_setup(entry.entry_id) for entry in entries)
        )
        await hass.async_block_till_done()
        seconds = time.perf_counter() - start
        await hass.async_block_till_done(wait_background_tasks=True)
        return seconds

    await unload_all()
    again = await set_up_all()
    await unload_all()
    gc.collect()
    tracemalloc.start()
    await set_up_all()
    gc.collect()  # what is still held, not cyclic garbage awaiting collection
    traced = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()

    # (c) Ingest among eight reporting gateways. Bodies are built a few rounds at a
    # time (building all at once would hold some 150 MB); each round posts in an
    # order of its own, as ``interleaved`` does.
    hooks = [
        *(entry.data[CONF_WEBHOOK_ID] for entry in entries),
        "floor",
        "floor_parse",
    ]
    samples: list[list[float]] = [[] for _ in hooks]
    for first in range(0, ROUNDS + WARM_UP, CHUNK):
        chunk = [
            [
                body_of(simulator.gateway.dev_status(time.monotonic()))
                for simulator in simulators
            ]
            for _ in range(min(CHUNK, ROUNDS + WARM_UP - first))
        ]
        for round_number, bodies in enumerate(chunk, start=first):
            posts = list(zip(hooks, [*bodies, *bodies[:1] * 2], samples, strict=True))
            shuffle(posts, round_number)
            for hook, body, taken in posts:
                start = time.perf_counter()
                await bench.post(hook, body)
                if round_number >= WARM_UP:
                    taken.append(time.perf_counter() - start)
    *ingests, floor, parse = (median_us(taken) for taken in samples)
    return Farm(
        first_setup=first_setup,
        again=again,
        entities=entities,
        added_rss=added_rss,
        traced=traced,
        gateway_1=IngestFigures(ingest=ingests[0], floor=floor, parse=parse),
        all_eight=statistics.median(ingests),
    )


def farm_rows(farm: Farm, single: IngestFigures) -> list[Row]:
    """Write the farm's rows of the table; ``single`` is 1b, one gateway alone."""
    ports = GATEWAYS * PORTS
    mib = 2**20
    rss = (
        f"RSS +{farm.added_rss / mib:,.0f} MiB ({farm.added_rss / ports / 1024:,.0f} "
        "KiB/port)"
        if farm.added_rss
        else "RSS not readable here"
    )
    alone = single.ingest / single.parse
    among = farm.gateway_1.ingest / farm.gateway_1.parse
    return [
        (
            (
                f"8a. set-up of {GATEWAYS} x {PORTS}-port entries at once, as at "
                "start: first (registers every entity), again"
            ),
            f"first {farm.first_setup:.2f} s; again {farm.again:.2f} s",
            f"{farm.entities} entities registered",
            f"< 6 s: {verdict(farm.first_setup < 6)}",
        ),
        (
            f"8b. memory added by the {GATEWAYS} entries",
            rss,
            (
                f"tracemalloc {farm.traced / mib:,.0f} MiB "
                f"({farm.traced / ports / 1024:,.0f} KiB/port) when set up again"
            ),
            "-",
        ),
        (
            f"8c. ingest of a 64 x 8 dev-status by 1 of {GATEWAYS} reporting gateways",
            (
                f"{farm.gateway_1.ingest / 1000:.2f} ms; ratio {among:.2f} to floor + "
                f"parse {farm.gateway_1.parse / 1000:.2f} ms (all eight "
                f"{farm.all_eight / 1000:.2f} ms)"
            ),
            (
                f"alone (1b) {single.ingest / 1000:.2f} ms; ratio {alone:.2f} to floor "
                f"+ parse {single.parse / 1000:.2f} ms"
            ),
            (
                f"no worse within noise ({NOISE:.0%}): "
                f"{verdict(among <= alone * (1 + NOISE))}"
            ),
        ),
    ]
