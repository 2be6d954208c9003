"""9. The recorder's rows in an hour of one 64-port gateway with default options.

Run by ``scripts/bench.py`` in a Home Assistant of its own whose real recorder writes
to SQLite in a temporary directory (``bench_harness.home(recorder=True)``).

The gateway (a simulated 64 ports x 8 slots) is added through the integration's config
flow, answering only what has no default (address, login, report URL): report period
60 s, working SIMs only, "configure the gateway" on, so the integration tells the
gateway where to report. The simulator's own pushes are then silenced (its report URL
forgotten): the bench posts every report itself. Entities are registered by the
entity registry as in real use, so those disabled by default stay disabled.

An hour passes quickly: 60 report periods, each one drift step of the simulator
(``Gateway.drift``, what ``Simulator._drift`` does every ``drift_seconds``: signals
wander by one, data counters grow), then the dev-status the gateway pushes every
period, posted through the webhook. Assumptions: one drift step per period (the
simulator's default is one every 10 s; a value that moves at every step, as the data
counters do, is reported changed once per period either way, while a signal, which
stays put a third of the steps, changes in two periods out of three instead of nearly
every one); and Home Assistant's clock does not move, so nothing the integration runs
on a timer (its watch, its polls) takes part.

Then the recorder is made to commit, and the ``states`` table is read for the entry's
entities: every row written after set-up is the hour's. Two checks, each row against
the row of the same entity before it (set-up's included):

(i) a row whose state and recorded attributes both equal the previous one: a write of
    a value that did not change;
(ii) an entity whose state stayed the same while its attributes changed in at least
     half of the periods: an attribute that changes with every report on an entity
     whose state does not. The attributes that changed are named.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
import json
from pathlib import Path
import re
import sqlite3
import time
from typing import Any

from bench_harness import DATABASE, PASSWORD, Bench, Row, body_of, verdict
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.ejoin.const import CONF_REPORT_URL, CONF_WEBHOOK_ID, DOMAIN

PERIODS = 60  # report periods of 60 s in an hour
TOP = 8  # writers named in the table
# A port's entity: <gateway>_port_<n>_<what>; its kind is <domain>.*_<what>.
PORT_ENTITY = re.compile(r"^(?P<domain>\w+)\.\w*_port_\d+_(?P<what>\w+)$")


@dataclass(frozen=True, kw_only=True)
class Written:
    """One row of the ``states`` table."""

    state_id: int
    state: str | None
    attributes: str | None  # as recorded: JSON, without unrecorded attributes


def kind(entity_id: str) -> str:
    """Group a port's entity with the same entity of every other port."""
    if match := PORT_ENTITY.match(entity_id):
        return f"{match['domain']}.*_{match['what']}"
    return entity_id


def read_rows(database: Path, entity_ids: set[str]) -> dict[str, list[Written]]:
    """Read every row of the given entities, oldest first."""
    rows: dict[str, list[Written]] = defaultdict(list)
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        for entity_id, state_id, state, attributes in connection.execute(
            "SELECT states_meta.entity_id, states.state_id, states.state, "
            "state_attributes.shared_attrs FROM states "
            "JOIN states_meta ON states.metadata_id = states_meta.metadata_id "
            "LEFT JOIN state_attributes "
            "ON states.attributes_id = state_attributes.attributes_id "
            "ORDER BY states.state_id"
        ):
            if entity_id in entity_ids:
                rows[entity_id].append(
                    Written(state_id=state_id, state=state, attributes=attributes)
                )
    return rows


def changed_attributes(before: str | None, after: str | None) -> set[str]:
    """Name the attributes whose recorded value differs between two rows."""
    old: dict[str, Any] = json.loads(before or "{}")
    new: dict[str, Any] = json.loads(after or "{}")
    return {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)}


async def measure_recorder(bench: Bench) -> list[Row]:
    """Add a default 64-port gateway, pass an hour of reports, and read the rows."""
    hass = bench.hass
    simulator = await bench.simulator(64, 90, all_sims=False)
    flows = hass.config_entries.flow
    result = await flows.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await flows.async_configure(
        result["flow_id"],
        {
            CONF_HOST: simulator.host,
            CONF_PORT: simulator.port,
            CONF_USERNAME: "root",
            CONF_PASSWORD: PASSWORD,
        },
    )
    path = (result.get("description_placeholders") or {}).get("webhook_path", "")
    if result.get("step_id") != "report" or not path:
        raise RuntimeError(f"the config flow did not ask for the report URL: {result}")
    result = await flows.async_configure(
        result["flow_id"], {CONF_REPORT_URL: str(bench.server.make_url(path))}
    )
    if result["type"] is not FlowResultType.CREATE_ENTRY:
        raise RuntimeError(f"the config flow did not create the entry: {result}")
    entry = result["result"]
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.gateway.report_url = None  # the bench posts every report itself
    registry = er.async_get(hass)
    registered = er.async_entries_for_config_entry(registry, entry.entry_id)
    entity_ids = {e.entity_id for e in registered}
    enabled = sum(e.disabled_by is None for e in registered)

    await async_wait_recording_done(hass)
    database = Path(hass.config.config_dir) / DATABASE
    at_set_up = await hass.async_add_executor_job(read_rows, database, entity_ids)
    last_before = max(
        (row.state_id for rows in at_set_up.values() for row in rows), default=0
    )
    hook = entry.data[CONF_WEBHOOK_ID]
    model = simulator.gateway
    for _ in range(PERIODS):
        model.drift(time.monotonic())
        await bench.post(hook, body_of(model.dev_status(time.monotonic())))
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    rows = await hass.async_add_executor_job(read_rows, database, entity_ids)

    per_entity: Counter[str] = Counter()
    per_kind: Counter[str] = Counter()
    entities_of_kind: defaultdict[str, set[str]] = defaultdict(set)
    rewrites: Counter[str] = Counter()  # check (i)
    churn: Counter[str] = Counter()  # check (ii): same state, other attributes
    churned: defaultdict[str, set[str]] = defaultdict(set)
    for entity_id, written in rows.items():
        for previous, row in zip([None, *written], written, strict=False):
            if row.state_id <= last_before:
                continue
            per_entity[entity_id] += 1
            per_kind[kind(entity_id)] += 1
            entities_of_kind[kind(entity_id)].add(entity_id)
            if previous is None or previous.state != row.state:
                continue
            if previous.attributes == row.attributes:
                rewrites[entity_id] += 1
            else:
                churn[entity_id] += 1
                churned[entity_id] |= changed_attributes(
                    previous.attributes, row.attributes
                )
    total = sum(per_entity.values())
    set_up_rows = sum(len(written) for written in at_set_up.values())
    offenders = {e: n for e, n in churn.items() if n >= PERIODS / 2}

    def by_kind(counts: dict[str, int], detail: dict[str, set[str]] | None) -> str:
        grouped: defaultdict[str, list[str]] = defaultdict(list)
        for entity_id in counts:
            grouped[kind(entity_id)].append(entity_id)
        parts = []
        for name, members in sorted(
            grouped.items(), key=lambda item: -sum(counts[e] for e in item[1])
        ):
            rows_ = sum(counts[e] for e in members)
            changed = (
                sorted(set().union(*(detail[e] for e in members))) if detail else []
            )
            parts.append(
                f"{name} ({len(members)} entities, {rows_:,} rows"
                + (f"; attributes changed: {', '.join(changed)}" if changed else "")
                + ")"
            )
        return "; ".join(parts) or "none"

    top_kinds = ", ".join(
        f"{name}: {count:,} ({len(entities_of_kind[name])} entities, "
        f"{count / len(entities_of_kind[name]):.0f} each)"
        for name, count in per_kind.most_common(TOP)
    )
    # The busiest entity of each of the busiest kinds: one name per kind says more
    # than eight ports of the same one.
    busiest = {}
    for entity_id, count in per_entity.most_common():
        busiest.setdefault(kind(entity_id), (entity_id, count))
    top_entities = ", ".join(
        f"{entity_id}: {count}" for entity_id, count in list(busiest.values())[:TOP]
    )
    below = {e: n for e, n in churn.items() if e not in offenders}
    churn_detail = by_kind(offenders, churned)
    if below:
        churn_detail += (
            f". Less often: {sum(below.values())} rows of {len(below)} entities: "
            + by_kind(below, churned)
        )
    return [
        (
            (
                "9a. recorder rows in an hour, one 64-port gateway, default options "
                f"({PERIODS} dev-status, a drift step before each)"
            ),
            f"{total:,} rows/hour ({total / PERIODS:,.0f} per report)",
            (
                f"{enabled} of {len(registered)} registered entities enabled; "
                f"{set_up_rows:,} rows at set-up"
            ),
            "-",
        ),
        ("9b. top writers by kind (rows in the hour)", top_kinds, top_entities, "-"),
        (
            "9c. (i) rows repeating the previous row's state and attributes",
            str(sum(rewrites.values())),
            by_kind(rewrites, None),
            f"0: {verdict(not rewrites)}",
        ),
        (
            (
                "9d. (ii) entities whose attributes change while their state does "
                f"not (in >= {PERIODS // 2} of {PERIODS} reports)"
            ),
            str(len(offenders)),
            churn_detail,
            f"0: {verdict(not offenders)}",
        ),
    ]
