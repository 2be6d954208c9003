"""The sensors, and the entities and devices of a gateway: what they show, when they write."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
import json
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from homeassistant.const import (
    EVENT_STATE_CHANGED,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.ejoin.binary_sensor import EjoinRegisteredSensor
from custom_components.ejoin.const import CONF_CURRENCY, DOMAIN
from custom_components.ejoin.entity import EjoinEntity
from custom_components.ejoin.gateway import EVERYTHING
from custom_components.ejoin.port_values import STATUS_OPTIONS
from custom_components.ejoin.pyejoin import (
    ADDRESS,
    PORT_FIELDS,
    PortAddress,
    PortState,
    parse_report,
)
from custom_components.ejoin.select import EjoinSlotSelect
from custom_components.ejoin.sensor import EjoinSimSlotsSensor
from custom_components.ejoin.sensor_descriptions import (
    PORT_SENSORS as PORT_SENSOR_DESCRIPTIONS,
)
from custom_components.ejoin.switch import EjoinLockSwitch
from ejoin_simulator import Simulator

from .helpers import (
    EACH_FIRMWARE,
    GATEWAY_MAC,
    JSON_TYPE,
    WEBHOOK_URL,
    dev_status,
    device_of,
    enable_all_entities,
    entity_id,
    port_report,
    post,
    read,
    set_up,
    set_up_platform,
    snapshot_of_states,
    state_of,
    value_of,
)

# Per port: 28 SIM sensors (21 disabled by default) and the registered binary sensor,
# redial, reset and identify buttons, the lock switch, the SIM slot select, and the SMS
# and call event entities; on proxy firmware also public IP, data received and data
# sent (and the mobile data switch).
PORT_ENTITIES = 36
PORT_SENSORS = 28
ENABLED_PORT_ENTITIES = 15
PROXY_PORT_ENTITIES = 3
# What a port shows by default: few enough to read at a glance, on every gateway.
ENABLED_PORT_SENSORS = {
    "status",
    "registered",  # the binary sensor
    "signal_strength",
    "operator",
    "balance",
    "sim_number",
    "active_slot",
    "data_today",
}
MAX_ENABLED_PORT_SENSORS = 10
DISABLED_PORT_SENSORS = {
    "signal_level",
    "imei",
    "imsi",
    "iccid",
    *(
        f"{counter}_{period}"
        for counter in ("call_minutes", "sms_sent", "call_numbers", "talk_numbers")
        for period in ("day", "month", "total")
    ),
    "data_last_hour",
    "data_last_24_hours",
    "data_total",
    "data_last_session",
    "last_url",
}
# The gateway: registered ports, firmware, last report; reboot and save buttons.
GATEWAY_ENTITIES = 5
GATEWAY_SENSORS = 3
ENABLED_GATEWAY_ENTITIES = 4
# Buttons show when they were last pressed: unknown until then, and rightly so.
STATELESS_DOMAINS = ("button.", "event.", "notify.")  # no state until used


def without_value(hass: HomeAssistant, entity_ids: list[str]) -> dict[str, str | None]:
    """Return the entities among these that are missing, unknown or unavailable."""
    states = {entity: hass.states.get(entity) for entity in entity_ids}
    return {
        entity: None if state is None else state.state
        for entity, state in states.items()
        if state is None
        or (
            state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE)
            and not entity.startswith(STATELESS_DOMAINS)
        )
    }


@pytest.fixture
def written(hass: HomeAssistant) -> list[str]:
    """Collect the entity ids of every state written from now on."""
    entity_ids: list[str] = []

    @callback
    def record(event: Event) -> None:
        entity_ids.append(event.data["entity_id"])

    hass.bus.async_listen(EVENT_STATE_CHANGED, record)
    return entity_ids


@EACH_FIRMWARE
async def test_snapshot_of_every_entity(
    hass: HomeAssistant, simulator: Simulator, snapshot: SnapshotAssertion
) -> None:
    """All sensors of the 8-port, 4-slot gateway, disabled ones enabled, after set-up.

    On each firmware, as its reports shape them: the proxy firmware's have no call or
    SMS counters, and it has the public IP and traffic readings.
    """
    started = dt_util.utcnow()
    async with set_up_platform(hass, simulator, Platform.SENSOR) as entry:
        shown = snapshot_of_states(hass, entry.entry_id)

    proxy = PROXY_PORT_ENTITIES if simulator.gateway.profile == "proxy" else 0
    assert len(shown) == 8 * (PORT_SENSORS + proxy + 1) + GATEWAY_SENSORS
    assert shown == snapshot
    reported = dt_util.parse_datetime(value_of(hass, "last_report"))
    assert reported is not None
    assert reported.tzinfo is not None
    assert (
        started - timedelta(seconds=1)
        <= reported
        <= dt_util.utcnow() + timedelta(seconds=1)
    )
    assert state_of(hass, "last_report").attributes["device_class"] == "timestamp"


async def test_every_enabled_entity_has_a_value_after_set_up(
    hass: HomeAssistant, simulator: Simulator, entity_registry: er.EntityRegistry
) -> None:
    """Right after set-up, with default entities, none is unknown or unavailable."""
    entry = await set_up(hass, simulator)

    items = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    enabled = [item.entity_id for item in items if item.disabled_by is None]
    assert len(items) == 8 * PORT_ENTITIES + GATEWAY_ENTITIES
    assert len(enabled) == 8 * ENABLED_PORT_ENTITIES + ENABLED_GATEWAY_ENTITIES
    assert without_value(hass, enabled) == {}
    disabled = [item for item in items if item.disabled_by is not None]
    assert all(hass.states.get(item.entity_id) is None for item in disabled)
    # Unique ids are "<mac>_<key>" for the gateway, "<mac>_<port>_<key>" for a port.
    keys = {item.unique_id.removeprefix(f"{GATEWAY_MAC}_") for item in disabled}
    assert {key for key in keys if not key[0].isdigit() or key.startswith("1_")} == {
        "last_report",
        *(f"1_{key}" for key in DISABLED_PORT_SENSORS),
    }
    assert {item.domain for item in disabled} == {"sensor"}


async def test_devices(
    hass: HomeAssistant, simulator: Simulator, device_registry: dr.DeviceRegistry
) -> None:
    """One gateway device, and a device per port linked through it."""
    entry = await set_up(hass, simulator)

    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    gateway = device_of(hass, entry, GATEWAY_MAC)
    assert gateway.connections == {(dr.CONNECTION_NETWORK_MAC, GATEWAY_MAC)}
    assert gateway.manufacturer == "Ejoin"
    assert gateway.model == "8-port SIM gateway"
    assert gateway.name == "Ejoin 127.0.0.1"
    assert gateway.sw_version == "532-600-999-041-100-000"
    assert gateway.configuration_url == f"http://127.0.0.1:{simulator.port}"
    assert gateway.via_device_id is None
    ports = sorted(
        (device for device in devices if device.id != gateway.id),
        key=lambda device: int((device.name or "Port 0").split()[-1]),
    )
    # Named after their gateway: "Port 1" alone would be every gateway's port 1.
    assert [device.name for device in ports] == [
        f"Ejoin 127.0.0.1 Port {n}" for n in range(1, 9)
    ]
    for number, device in enumerate(ports, start=1):
        assert device.identifiers == {(DOMAIN, f"{GATEWAY_MAC}_port_{number}")}
        assert device.via_device_id == gateway.id
        assert device.manufacturer == "Ejoin"
        assert device.model == "Modem port"
        assert device.connections == set()
    assert len(devices) == 9
    entities = er.async_entries_for_device(
        er.async_get(hass), ports[2].id, include_disabled_entities=True
    )
    assert len(entities) == PORT_ENTITIES
    assert {item.entity_id for item in entities} >= {
        "sensor.ejoin_127_0_0_1_port_3_status",
        "binary_sensor.ejoin_127_0_0_1_port_3_registered",
    }


async def test_port_devices_are_created_after_their_gateway(
    hass: HomeAssistant, simulator: Simulator, device_registry: dr.DeviceRegistry
) -> None:
    """The gateway device exists first; each port device is created linked to it."""
    # As in a running Home Assistant, where both platforms are loaded already.
    assert await async_setup_component(hass, "binary_sensor", {})
    assert await async_setup_component(hass, "sensor", {})
    await hass.async_block_till_done()
    created: list[tuple[str | None, str | None]] = []

    @callback
    def record(event: Event) -> None:
        if event.data["action"] == "create":
            device = device_registry.async_get(event.data["device_id"])
            assert device is not None
            created.append((device.name, device.via_device_id))

    hass.bus.async_listen(dr.EVENT_DEVICE_REGISTRY_UPDATED, record)

    entry = await set_up(hass, simulator)

    gateway = device_of(hass, entry, GATEWAY_MAC)
    assert created == [
        ("Ejoin 127.0.0.1", None),
        *((f"Ejoin 127.0.0.1 Port {port}", gateway.id) for port in range(1, 9)),
    ]


async def test_a_port_appearing_later_gets_its_device_and_entities(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: Any,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A port-status naming the gateway, for port 9 of 8, adds Port 9 and its entities.

    (One that names no gateway adds no port: see test_ingest.)
    """
    entry = await set_up(hass, simulator)
    client = await hass_client_no_auth()
    report = port_report(simulator, 8, port="9.01", imei="864000000099990", sig=20)
    report["mac"] = GATEWAY_MAC

    assert await post(hass, client, report) == (200, "OK")

    device = device_of(hass, entry, f"{GATEWAY_MAC}_port_9")
    assert device.name == "Ejoin 127.0.0.1 Port 9"
    assert device.via_device_id == device_of(hass, entry, GATEWAY_MAC).id
    assert len(dr.async_entries_for_config_entry(device_registry, entry.entry_id)) == 10
    items = er.async_entries_for_device(
        entity_registry, device.id, include_disabled_entities=True
    )
    assert len(items) == PORT_ENTITIES
    enabled = [item.entity_id for item in items if item.disabled_by is None]
    assert len(enabled) == ENABLED_PORT_ENTITIES
    # A port-status carries no data usage: unknown until a report does.
    assert without_value(hass, enabled) == {entity_id(hass, "data_today", 9): "unknown"}
    expected = {
        (9, "status"): "registered",
        (9, "registered"): "on",
        (9, "signal_strength"): "-73",
        (None, "registered_ports"): "9",
    }
    assert read(hass, expected) == expected

    # The same port again adds nothing.
    assert await post(hass, client, {**report, "bal": "1.00"}) == (200, "OK")
    assert (
        len(
            er.async_entries_for_device(
                entity_registry, device.id, include_disabled_entities=True
            )
        )
        == PORT_ENTITIES
    )
    assert value_of(hass, "balance", 9) == "1.0"


async def test_the_same_report_writes_no_state(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: Any,
    written: list[str],
) -> None:
    """Posting the very report that was just applied writes no state at all."""
    await set_up(hass, simulator)
    client = await hass_client_no_auth()
    body = json.dumps(dev_status(simulator))
    await post(hass, client, body)
    written.clear()

    assert await post(hass, client, body) == (200, "OK")

    assert written == []


async def test_a_fresh_report_of_unchanged_ports_writes_no_state(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: Any,
    written: list[str],
) -> None:
    """A new dev-status whose only differences are sequence numbers writes nothing."""
    await set_up(hass, simulator)
    client = await hass_client_no_auth()
    written.clear()

    for _ in range(2):
        assert await post(hass, client, dev_status(simulator)) == (200, "OK")

    assert written == []


@pytest.mark.parametrize(
    ("enable_level", "expected"),
    [
        (False, ["sensor.ejoin_127_0_0_1_port_3_signal_strength"]),
        (
            True,
            [
                "sensor.ejoin_127_0_0_1_port_3_signal_level",
                "sensor.ejoin_127_0_0_1_port_3_signal_strength",
            ],
        ),
    ],
)
async def test_a_changed_signal_writes_only_what_changed(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: Any,
    entity_registry: er.EntityRegistry,
    written: list[str],
    *,
    enable_level: bool,
    expected: list[str],
) -> None:
    """A dev-status where one port's signal changed writes that port's signal entities."""
    entry = await set_up(hass, simulator)
    if enable_level:
        entity_registry.async_update_entity(
            "sensor.ejoin_127_0_0_1_port_3_signal_level", disabled_by=None
        )
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
    client = await hass_client_no_auth()
    sim = simulator.gateway.ports[3].sim
    assert sim is not None
    sim.signal = 30 if sim.signal != 30 else 29
    written.clear()

    assert await post(hass, client, dev_status(simulator)) == (200, "OK")

    assert sorted(written) == expected
    assert value_of(hass, "signal_strength", 3) == str(-113 + 2 * sim.signal)
    if enable_level:
        assert value_of(hass, "signal_level", 3) == str(sim.signal)


async def test_a_port_status_writes_only_its_port(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: Any,
    written: list[str],
) -> None:
    """A port-status changing status and registration writes those, the lock and the count."""
    await set_up(hass, simulator)
    client = await hass_client_no_auth()
    written.clear()

    assert await post(hass, client, port_report(simulator, 6, st=12)) == (200, "OK")

    assert sorted(written) == [
        "binary_sensor.ejoin_127_0_0_1_port_6_registered",
        "sensor.ejoin_127_0_0_1_port_6_status",
        "sensor.ejoin_127_0_0_1_registered_ports",
        "switch.ejoin_127_0_0_1_port_6_locked",
    ]
    expected = {
        (6, "status"): "user_locked",
        (6, "registered"): "off",
        (None, "registered_ports"): "7",
    }
    assert read(hass, expected) == expected


@pytest.mark.parametrize("all_sims", [False, True])
async def test_a_changed_signal_asks_only_the_entities_that_show_it(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: Any,
    monkeypatch: pytest.MonkeyPatch,
    *,
    all_sims: bool,
) -> None:
    """Of the port's entities, only those that read the signal work out their state.

    Asking every entity of the port after every report was most of what a report cost.
    With every SIM reported, the SIM slots sensor is asked when a slot's balance
    changes, not when the working slot's signal does (it does not show signals).
    """
    asked: list[str] = []
    update = EjoinEntity._update

    def counted(entity: EjoinEntity) -> None:
        asked.append(entity.entity_id)
        update(entity)

    monkeypatch.setattr(EjoinEntity, "_update", counted)
    simulator.gateway.all_sims = all_sims
    await set_up(hass, simulator, all_sims=all_sims)
    client = await hass_client_no_auth()
    sim = simulator.gateway.ports[3].sim
    assert sim is not None
    sim.signal = 30 if sim.signal != 30 else 29
    asked.clear()

    assert await post(hass, client, port_report(simulator, 3)) == (200, "OK")

    assert asked == ["sensor.ejoin_127_0_0_1_port_3_signal_strength"]
    assert value_of(hass, "signal_strength", 3) == str(-113 + 2 * sim.signal)
    if not all_sims:
        return
    asked.clear()
    report = dev_status(simulator)
    for item in report["status"]:
        if item["port"] == simulator.gateway.address(3, 2):
            item["bal"] = "77.00"

    assert await post(hass, client, report) == (200, "OK")

    assert asked == ["sensor.ejoin_127_0_0_1_port_3_sim_slots"]
    slots = state_of(hass, "sim_slots", 3).attributes["slots"]
    assert [slot["balance"] for slot in slots if slot["slot"] == 2] == [77.0]


def _port_state(**fields: Any) -> PortState:
    """Read one port object that carries every field."""
    report = parse_report({"type": "port-status", **fields})
    assert report.port is not None  # type: ignore[attr-defined]
    return report.port  # type: ignore[attr-defined, no-any-return]


def _counters(used: int) -> dict[str, str]:
    """Every used/limit counter: call minutes, call and talk numbers, SMS sent."""
    keys = [f"{period}_dur" for period in ("tot", "mon", "day")] + [
        f"{key}_{period}"
        for key in ("mcn", "mtn", "smsctl")
        for period in ("tot", "mon", "day")
    ]
    return dict.fromkeys(keys, f"{used}/{used * 10}")


def _data(megabytes: float, url: str) -> dict[str, str]:
    keys = ("tot", "day", "24hours", "1hour", "last")
    return {f"dataflow_{key}": f"{megabytes + n:.2f}" for n, key in enumerate(keys)} | {
        "dataflow_url": url
    }


# Two states of the same port, different in every field.
ONE = _port_state(
    port="1.01", sim="1", st="3 OK", active=1, inserted=1, slot_active=1, led=0,
    bal="1.00", opr="46000 CHINA MOBILE", sig=20, sn="+8613800000001",
    imei="860000000000001", imsi="460000000000001", iccid="89860000000000000001",
    **_counters(1), **_data(1.0, "example.org"),
)  # fmt: skip
OTHER = _port_state(
    port="1.02", sim="2", st="6 Failed", active=0, inserted=0, slot_active=0, led=1,
    bal="9.00", opr="46001 CHINA UNICOM", sig=9, sn="+8613800000002",
    imei="860000000000002", imsi="460010000000002", iccid="89860100000000000002",
    **_counters(2), **_data(7.0, "example.com"),
)  # fmt: skip


def _with_fields_of(base: PortState, other: PortState, names: set[str]) -> PortState:
    """Return ``base`` with the named fields (``data.day`` …) taken from ``other``."""
    values: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {}
    for name in names:
        group, _, attribute = name.rpartition(".")
        if group:
            groups.setdefault(group, {})[attribute] = getattr(
                getattr(other, group), attribute
            )
        else:
            values[name] = getattr(other, name)
    for group, attributes in groups.items():
        values[group] = dataclasses.replace(getattr(base, group), **attributes)
    return dataclasses.replace(base, **values)


# Edge cases of what an entity shows: no reading of an unregistered SIM, no status.
BASES = {
    "registered": ONE,
    "signal 0": dataclasses.replace(ONE, signal=0),
    "signal 0, not registered": dataclasses.replace(ONE, signal=0, status_code=6),
    "signal 99": dataclasses.replace(ONE, signal=99),
    "no status": dataclasses.replace(ONE, status_code=None, status_text=None),
    "no slot": dataclasses.replace(ONE, address=PortAddress(port=1, slot=None)),
}
OTHERS = [OTHER, dataclasses.replace(OTHER, signal=0, status_code=3)]
EVERY_FIELD = set(PORT_FIELDS | {ADDRESS})


@pytest.mark.parametrize("base", BASES.values(), ids=BASES.keys())
@pytest.mark.parametrize(
    "description", PORT_SENSOR_DESCRIPTIONS, ids=lambda description: description.key
)
def test_each_port_sensor_reads_only_the_fields_it_declares(
    description: Any, base: PortState
) -> None:
    """A sensor is asked only when a field it declares changed: it must read no other.

    Every other field taken from a wholly different state leaves what it shows as it
    was, from any of a few edge cases; the fields it declares, taken from that state,
    change it.
    """
    assert description.reads <= EVERY_FIELD

    def shown(state: PortState) -> tuple[Any, Any]:
        return description.value_fn(state), description.attributes_fn(state)

    for other in OTHERS:
        unread = _with_fields_of(base, other, EVERY_FIELD - description.reads)
        assert shown(unread) == shown(base)
    assert shown(_with_fields_of(ONE, OTHER, set(description.reads))) != shown(ONE)


def _entity_of(cls: type[Any], ports: dict[int, PortState]) -> Any:
    """Make a port 1 entity of ``cls`` reading a stand-in gateway, not Home Assistant."""
    entity = object.__new__(cls)
    entity.port = 1
    entity.gateway = SimpleNamespace(ports=ports, slots={}, available=True)
    return entity


@pytest.mark.parametrize("base", BASES.values(), ids=BASES.keys())
@pytest.mark.parametrize(
    ("cls", "shows"),
    [
        (EjoinRegisteredSensor, "is_on"),
        (EjoinLockSwitch, "is_on"),
        (EjoinSlotSelect, "current_option"),
    ],
)
def test_each_port_entity_reads_only_the_fields_it_declares(
    cls: type[Any], shows: str, base: PortState
) -> None:
    """The registered sensor, the lock switch and the slot select, as the sensors above."""
    assert cls.reads <= EVERY_FIELD
    entity = _entity_of(cls, {1: base})
    before = getattr(entity, shows)
    for other in OTHERS:
        entity.gateway.ports[1] = _with_fields_of(base, other, EVERY_FIELD - cls.reads)
        assert getattr(entity, shows) == before


@pytest.mark.parametrize("base", BASES.values(), ids=BASES.keys())
def test_the_sim_slots_sensor_reads_only_the_fields_it_declares(
    base: PortState,
) -> None:
    """Of each slot only what it lists; of the port only which slot is active."""
    reads = EjoinSimSlotsSensor.reads
    assert reads <= EVERYTHING
    of_slots = {name.removeprefix("slots.") for name in reads if "slots." in name}
    of_port = {name for name in reads if "slots." not in name}
    second = dataclasses.replace(OTHER, address=PortAddress(port=1, slot=2))
    entity = _entity_of(EjoinSimSlotsSensor, {1: base})
    entity.gateway.slots = {1: {1: base, 2: second}}
    before = (entity.native_value, entity.extra_state_attributes)
    unread = EVERY_FIELD - of_slots - {ADDRESS}  # a slot's address is where it is
    entity.gateway.ports = {1: _with_fields_of(base, OTHER, EVERY_FIELD - of_port)}
    entity.gateway.slots = {
        1: {
            1: _with_fields_of(base, OTHER, unread),
            2: _with_fields_of(second, ONE, unread),
        }
    }

    assert (entity.native_value, entity.extra_state_attributes) == before


async def test_a_text_too_long_for_a_state_is_cut_not_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An operator name of 300 characters shows cut to 255; nothing is logged as error."""
    await set_up(hass, simulator)
    client = await hass_client_no_auth()
    name = "Operator " + "x" * 291

    report = port_report(simulator, 2, opr=f"46000 {name}")
    assert await post(hass, client, report) == (200, "OK")

    shown = state_of(hass, "operator", 2).state
    assert (len(shown), shown[:20], shown[-1]) == (255, name[:20], "…")
    assert [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []


async def test_switching_sim_follows_the_new_sim(
    hass: HomeAssistant, simulator: Simulator, hass_client_no_auth: Any
) -> None:
    """After a port-status for slot 2 with active 1, the SIM sensors show slot 2's SIM."""
    entry = await set_up(hass, simulator)
    await enable_all_entities(hass, entry)
    client = await hass_client_no_auth()
    port = simulator.gateway.ports[2]
    old, new = port.slots[1], port.slots[2]
    assert old is not None
    assert new is not None
    assert (old.iccid, old.number, old.operator_name) != (
        new.iccid,
        new.number,
        new.operator_name,
    )
    imei = value_of(hass, "imei", 2)
    port.active_slot = 2
    report = port_report(simulator, 2)
    assert (report["port"], report["active"]) == ("2.02", "1")

    assert await post(hass, client, report, JSON_TYPE) == (200, "OK")

    expected = {
        (2, "sim_number"): new.number,
        (2, "operator"): new.operator_name,
        (2, "balance"): str(new.balance),
        (2, "active_slot"): "2",
        (2, "iccid"): new.iccid,
        (2, "imsi"): new.imsi,
        (2, "signal_strength"): str(-113 + 2 * new.signal),
        (2, "signal_level"): str(new.signal),
        (2, "status"): "registered",
        (2, "imei"): imei,  # the modem stays
    }
    assert read(hass, expected) == expected
    operator = state_of(hass, "operator", 2).attributes
    assert operator["mcc"] + operator["mnc"] == new.operator_code


async def test_switching_sim_with_every_sim_reported(
    hass: HomeAssistant, simulator: Simulator, hass_client_no_auth: Any
) -> None:
    """With all-SIM reports, a port-status for the new slot moves the active flag too."""
    await set_up(hass, simulator, all_sims=True)
    client = await hass_client_no_auth()
    port = simulator.gateway.ports[2]
    new = port.slots[2]
    assert new is not None
    port.active_slot = 2

    assert await post(hass, client, dev_status(simulator)) == (200, "OK")

    slots = state_of(hass, "sim_slots", 2).attributes["slots"]
    assert [slot["slot"] for slot in slots if slot["active"]] == [2]
    assert value_of(hass, "sim_number", 2) == new.number
    assert value_of(hass, "active_slot", 2) == "2"


async def test_no_warning_from_the_integration_at_set_up(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Setting up against a healthy gateway logs no warning of the integration itself."""
    await set_up(hass, simulator, all_sims=True)

    assert [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.ejoin")
        and record.levelname in ("WARNING", "ERROR")
    ] == []


async def test_entities_follow_a_report_after_reload(
    hass: HomeAssistant, simulator: Simulator, hass_client_no_auth: Any
) -> None:
    """After a reload the entities listen again, and only once."""
    entry = await set_up(hass, simulator)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    client = await hass_client_no_auth()

    response = await client.post(
        WEBHOOK_URL,
        data=json.dumps(port_report(simulator, 1, bal="3.33")),
        headers={"Content-Type": JSON_TYPE},
    )
    await hass.async_block_till_done()

    assert response.status == 200
    assert value_of(hass, "balance", 1) == "3.33"
    gateway = entry.runtime_data.gateway
    # Every enabled entity of the port listens; the SMS and call event entities listen
    # to the port's events too.
    assert len(gateway.port_changed[1]) == ENABLED_PORT_ENTITIES
    runtime = entry.runtime_data
    assert (
        len(runtime.received_sms._ports[1]) == len(runtime.call_events._ports[1]) == 1
    )


# --- what a port shows by default, and how -------------------------------------------


@EACH_FIRMWARE
@pytest.mark.parametrize("all_sims", [False, True], ids=["active_sim", "all_sims"])
async def test_a_port_enables_at_most_ten_sensors(
    hass: HomeAssistant,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    *,
    all_sims: bool,
) -> None:
    """Each port starts with at most ten sensors and binary sensors, in any set-up.

    The rest (counters, other data figures, identities) are there to enable: a 32-port
    gateway would otherwise start with hundreds of entities few users look at. With
    every SIM reported, the SIM slots sensor is enabled; on proxy firmware, the public
    IP (its traffic counters are not).
    """
    entry = await set_up(hass, simulator, all_sims=all_sims)

    enabled: dict[int, set[str]] = {}
    for port in range(1, 9):
        device = device_of(hass, entry, f"{GATEWAY_MAC}_port_{port}")
        enabled[port] = {
            item.unique_id.removeprefix(f"{GATEWAY_MAC}_{port}_")
            for item in er.async_entries_for_device(
                entity_registry, device.id, include_disabled_entities=True
            )
            if item.domain in ("sensor", "binary_sensor") and item.disabled_by is None
        }

    expected = set(ENABLED_PORT_SENSORS)
    if all_sims:
        expected.add("sim_slots")
    if simulator.gateway.profile == "proxy":
        expected.add("public_ip")
    assert enabled == dict.fromkeys(range(1, 9), expected)
    assert max(len(keys) for keys in enabled.values()) <= MAX_ENABLED_PORT_SENSORS


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({}, {"state_class": "measurement"}),
        (
            {CONF_CURRENCY: "EUR"},
            {
                "device_class": "monetary",
                "unit_of_measurement": "EUR",
                "state_class": "total",
            },
        ),
    ],
    ids=["no_currency", "currency"],
)
async def test_the_balance_is_money_once_its_currency_is_known(
    hass: HomeAssistant,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
    options: dict[str, Any],
    shown: dict[str, str],
) -> None:
    """With the currency option the balance is an amount of it; without, a number.

    Money takes only the "total" state class; Home Assistant warns of any other.
    """
    caplog.set_level(logging.WARNING)
    await set_up(hass, simulator, options=options)

    balance = state_of(hass, "balance", 1)
    keys = ("device_class", "unit_of_measurement", "state_class")
    assert {
        key: balance.attributes[key] for key in keys if key in balance.attributes
    } == (shown)
    sim = simulator.gateway.ports[1].sim
    assert sim is not None
    assert balance.state == str(sim.balance)
    assert [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("homeassistant.components.sensor")
    ] == []


def test_no_status_option_is_a_state_home_assistant_reserves() -> None:
    """No status option is "unknown" or "unavailable": those mean there is no value.

    A status the integration does not know is "other". Every option has its text.
    """
    assert not {STATE_UNKNOWN, STATE_UNAVAILABLE} & set(STATUS_OPTIONS)
    assert "other" in STATUS_OPTIONS
    strings = json.loads(
        (
            Path(__file__).parent.parent / "custom_components" / DOMAIN / "strings.json"
        ).read_text(encoding="utf-8")
    )
    assert set(strings["entity"]["sensor"]["status"]["state"]) == set(STATUS_OPTIONS)


async def test_a_status_not_known_here_is_other_and_no_status_is_unknown(
    hass: HomeAssistant, simulator: Simulator, hass_client_no_auth: Any
) -> None:
    """A code not listed here (21 "Reserved") is "other"; no status at all, "unknown".

    "unknown" is then Home Assistant's own state for a sensor without a value.
    """
    await set_up(hass, simulator)
    client = await hass_client_no_auth()

    report = port_report(simulator, 6, st="21 Reserved")
    assert await post(hass, client, report) == (200, "OK")
    new = port_report(simulator, 8, port="9.01", mac=GATEWAY_MAC)
    del new["st"]
    assert await post(hass, client, new) == (200, "OK")

    status = state_of(hass, "status", 6)
    assert (status.state, status.attributes["code"]) == ("other", 21)
    assert value_of(hass, "status", 9) == STATE_UNKNOWN
