"""Reports posted to the real webhook: what each variant does to the entities, and the answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json
import logging
import time
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.ejoin.const import DOMAIN, MAX_REPORT_BYTES
from ejoin_simulator import Gateway, Simulator

from .helpers import (
    GATEWAY_MAC,
    GATEWAY_MAC_DASHED,
    JSON_TYPE,
    WEBHOOK_URL,
    dev_status,
    device_of,
    from_this_gateway,
    integration_states,
    load_fixture,
    port_report,
    post,
    read,
    set_up,
    state_of,
    value_of,
)

LOGGER_NAME = "custom_components.ejoin"

type Expected = dict[tuple[int | None, str], str]


@pytest.fixture
async def client(
    hass: HomeAssistant, simulator: Simulator, hass_client_no_auth: Any
) -> TestClient:
    """Set the integration up against the simulator and return an HTTP client for it."""
    await set_up(hass, simulator)
    test_client: TestClient = await hass_client_no_auth()
    return test_client


def warnings_of_the_integration(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the integration's warnings captured so far."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == LOGGER_NAME and record.levelno == logging.WARNING
    ]


# --- port-status: status codes, operators, signal, numbers as text --------------------


@pytest.mark.parametrize(
    ("key", "value", "option", "code", "text", "registered"),
    [
        ("st", 3, "registered", 3, None, "on"),
        ("st", "3", "registered", 3, None, "on"),
        ("st", "3 OK", "registered", 3, "OK", "on"),
        ("status", "3 OK", "registered", 3, "OK", "on"),
        ("status", 3, "registered", 3, None, "on"),
        ("st", 6, "register_failed", 6, None, "off"),
        ("st", " 6 Register failed ", "register_failed", 6, "Register failed", "off"),
        ("st", "4 Call connected", "call_connected", 4, "Call connected", "on"),
        ("st", "0", "no_sim", 0, None, "off"),
        ("st", 12, "user_locked", 12, None, "off"),
    ],
)
async def test_port_status_in_every_status_form(
    hass: HomeAssistant,
    client: TestClient,
    *,
    key: str,
    value: Any,
    option: str,
    code: int,
    text: str | None,
    registered: str,
) -> None:
    """The status arrives as 3, "3", "3 OK" or under a `status` key; all are read alike."""
    report = load_fixture("port_status_st_int")  # port 4.01, balance 3.20, signal 27
    del report["st"]
    report[key] = value
    assert value_of(hass, "balance", 4) != "3.2"

    assert await post(hass, client, report) == (200, "OK")

    status = state_of(hass, "status", 4)
    assert status.state == option
    assert status.attributes["code"] == code
    assert status.attributes["text"] == text
    expected: Expected = {
        (4, "registered"): registered,
        (4, "balance"): "3.2",
        (4, "signal_strength"): "-59",
        (4, "operator"): "CHINA MOBILE",
        (4, "active_slot"): "1",
    }
    assert read(hass, expected) == expected


@pytest.mark.parametrize(
    ("status", "code", "text"),
    [(42, 42, None), ("42", 42, None), ("21 Reserved", 21, "Reserved")],
)
async def test_unknown_status_code_is_the_unknown_option(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    *,
    status: Any,
    code: int,
    text: str | None,
) -> None:
    """A status code the protocol does not list shows as 'unknown' and keeps its code."""
    operator = value_of(hass, "operator", 6)

    assert await post(hass, client, port_report(simulator, 6, st=status)) == (200, "OK")

    state = state_of(hass, "status", 6)
    assert state.state == "unknown"
    assert state.attributes["code"] == code
    assert state.attributes["text"] == text
    assert value_of(hass, "registered", 6, "binary_sensor") == "off"
    assert value_of(hass, "operator", 6) == operator  # the rest of the port still shows
    assert value_of(hass, "registered_ports") == "7"


async def test_unknown_status_code_of_a_port_without_sim(
    hass: HomeAssistant, client: TestClient
) -> None:
    """The real "21 Reserved" port object, which has no SIM fields, is read too.

    Its status is shown; what it does not carry keeps the value last reported (a
    status this integration does not know does not say the SIM is gone).
    """
    before = read(
        hass,
        [(6, "operator"), (6, "signal_strength"), (6, "sim_number"), (6, "balance")],
    )
    assert "unknown" not in before.values()
    assert await post(hass, client, load_fixture("port_status_st_unknown_code")) == (
        200,
        "OK",
    )

    state = state_of(hass, "status", 6)
    assert (state.state, state.attributes["code"], state.attributes["text"]) == (
        "unknown",
        21,
        "Reserved",
    )
    expected: Expected = {(6, "registered"): "off", **before}
    assert read(hass, expected) == expected


async def test_port_object_without_status(
    hass: HomeAssistant, client: TestClient, simulator: Simulator
) -> None:
    """A port object with neither `st` nor `status` says nothing of the status.

    The status last reported stays; what the object carries (the balance) is shown.
    """
    report = port_report(simulator, 7, bal="2.50")
    del report["st"]

    assert await post(hass, client, report) == (200, "OK")

    status = state_of(hass, "status", 7)
    assert status.state == "registered"
    assert status.attributes["code"] == 3
    expected: Expected = {
        (7, "registered"): "on",
        (7, "balance"): "2.5",
        (None, "registered_ports"): "8",
    }
    assert read(hass, expected) == expected


@pytest.mark.parametrize(
    ("opr", "operator", "attributes"),
    [
        ("46000 CHINA MOBILE", "CHINA MOBILE", {"mcc": "460", "mnc": "00"}),
        ("310260 T-Mobile", "T-Mobile", {"mcc": "310", "mnc": "260"}),
        ("0 ", "unknown", {}),
        ("0", "unknown", {}),
        ("", "unknown", {}),
        ("0 CHINA MOBILE", "CHINA MOBILE", {"mcc": None, "mnc": None}),
        ("46001", "46001", {"mcc": "460", "mnc": "01"}),
    ],
)
async def test_operator_forms(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    *,
    opr: str,
    operator: str,
    attributes: dict[str, Any],
) -> None:
    """`opr` is "<MCCMNC> <NAME>" when registered, "0 " (no operator) otherwise."""
    assert await post(hass, client, port_report(simulator, 2, opr=opr)) == (200, "OK")

    state = state_of(hass, "operator", 2)
    assert state.state == operator
    assert {key: state.attributes[key] for key in attributes} == attributes
    if not attributes:
        assert "mcc" not in state.attributes


@pytest.mark.parametrize(
    ("sig", "dbm"),
    [
        (20, "-73"),
        ("20", "-73"),
        (31, "-51"),
        (0, "-113"),
        (99, "unknown"),
        ("99", "unknown"),
        (-1, "unknown"),
        (40, "-51"),
    ],
)
async def test_signal_strength_in_dbm(
    hass: HomeAssistant, client: TestClient, simulator: Simulator, sig: Any, dbm: str
) -> None:
    """The modem's 0 to 31 scale becomes dBm; 99 ("not known") is no value."""
    assert await post(hass, client, port_report(simulator, 5, sig=sig)) == (200, "OK")

    state = state_of(hass, "signal_strength", 5)
    assert state.state == dbm
    assert state.attributes["unit_of_measurement"] == "dBm"
    assert value_of(hass, "status", 5) == "registered"


async def test_numbers_sent_as_text(hass: HomeAssistant, client: TestClient) -> None:
    """The real port-status whose every number is a string reads like numbers."""
    assert await post(hass, client, load_fixture("port_status_numbers_as_strings")) == (
        200,
        "OK",
    )

    expected: Expected = {
        (5, "status"): "registered",
        (5, "registered"): "on",
        (5, "signal_strength"): "-63",
        (5, "balance"): "0.0",
        (5, "sim_number"): "13800138000",
        (5, "operator"): "CHINA MOBILE",
        (5, "active_slot"): "1",
    }
    assert read(hass, expected) == expected
    assert state_of(hass, "status", 5).attributes["code"] == 3


# --- port notations ---------------------------------------------------------------------


@pytest.mark.parametrize("notation", ["3.01", "3.1", "3A", "3a", "3"])
async def test_port_notations_of_the_working_slot(
    hass: HomeAssistant, client: TestClient, simulator: Simulator, notation: str
) -> None:
    """Dotted, lettered and bare addresses of the slot in use reach the same SIM.

    Only the balance the report changes is rewritten; a bare port number keeps the
    slot known.
    """
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    before = integration_states(hass, entry)

    report = port_report(simulator, 3, port=notation, bal="12.34")
    assert await post(hass, client, report) == (200, "OK")

    expected: Expected = {(3, "active_slot"): "1", (3, "balance"): "12.34"}
    assert read(hass, expected) == expected
    after = integration_states(hass, entry)
    assert {
        entity_id for entity_id in after if after[entity_id] != before[entity_id]
    } == {"sensor.port_3_balance"}


@pytest.mark.parametrize(
    ("notation", "slot"),
    [
        ("3.02", "2"),
        ("3.2", "2"),
        ("3C", "3"),
        ("3c", "3"),
        ("3G", "7"),
        ("3.sp256.101", "101"),
        ("3.sp128.016", "16"),
    ],
)
async def test_port_notations_of_another_slot(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    notation: str,
    slot: str,
) -> None:
    """A port-status naming another slot, in any notation: the port works on it now.

    It is another SIM: nothing of the SIM of slot 1 is shown for it, only what the
    report says.
    """
    report = port_report(simulator, 3, port=notation, bal="12.34")
    del report["iccid"], report["imsi"]
    assert await post(hass, client, report) == (200, "OK")

    expected: Expected = {
        (3, "active_slot"): slot,
        (3, "balance"): "12.34",
        (3, "status"): "registered",
        (3, "data_today"): "unknown",  # the port-status does not carry it
        (3, "call_minutes_total"): "0",  # it does carry this one
    }
    assert read(hass, expected) == expected


async def test_mixed_port_notations_in_one_dev_status(
    hass: HomeAssistant, client: TestClient
) -> None:
    """The real report mixing "1.01", "2B", "3", "12.sp256.101" and "15G" updates each port."""
    report = from_this_gateway(load_fixture("dev_status_mixed_port_notations"))

    assert await post(hass, client, report) == (200, "OK")

    expected: Expected = {
        (1, "status"): "registered",
        (1, "active_slot"): "1",
        (1, "signal_strength"): "-57",
        (1, "balance"): "8.8",
        (2, "status"): "registered",
        (2, "active_slot"): "2",
        (2, "operator"): "T-Mobile",
        (2, "signal_strength"): "-79",
        # "3" is the port without a slot: the SIM known in slot 1, now idle; the
        # operator it does not carry stays as last reported.
        (3, "status"): "idle_sim",
        (3, "active_slot"): "1",
        (3, "operator"): "CHINA UNICOM",
        (3, "registered"): "off",
        (12, "status"): "registered",
        (12, "active_slot"): "101",
        (12, "operator"): "Telekom.de",
        (12, "balance"): "unknown",
        (12, "signal_strength"): "-73",
        (15, "status"): "call_connected",
        (15, "registered"): "on",
        (15, "active_slot"): "7",
        (15, "balance"): "1.25",
        (15, "signal_strength"): "-63",
    }
    assert read(hass, expected) == expected
    assert state_of(hass, "status", 2).attributes["text"] == "OK"
    assert value_of(hass, "firmware") == "551-600-999-044-100-002"
    # 8 ports registered at set-up; port 3 fell back to idle, ports 12 and 15 came in.
    assert value_of(hass, "registered_ports") == "9"
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    for port in (12, 15):
        device = device_of(hass, entry, f"{GATEWAY_MAC}_port_{port}")
        assert device.name == f"Port {port}"
        assert device.via_device_id == device_of(hass, entry, GATEWAY_MAC).id


# --- the other real port-status variants ------------------------------------------------

PORT_STATUS_FIXTURES: dict[
    str, tuple[int, Expected, dict[tuple[int, str], dict[str, Any]]]
] = {
    "port_status_opr_china_mobile": (
        200,
        {
            (8, "status"): "registered",
            (8, "operator"): "CHINA MOBILE",
            (8, "signal_strength"): "-51",
            (8, "sim_number"): "unknown",  # "sn": ""
            (8, "balance"): "0.0",
        },
        {(8, "operator"): {"mcc": "460", "mnc": "00"}},
    ),
    "port_status_unregistered_opr": (
        200,
        {
            (7, "status"): "registering",
            (7, "registered"): "off",
            (7, "operator"): "unknown",
            (7, "signal_strength"): "-95",
        },
        {},
    ),
    "port_status_seed": (
        200,
        {
            (1, "status"): "card_detected",
            (1, "registered"): "off",
            (1, "active_slot"): "2",
            (1, "operator"): "CHINA MOBILE",
            (1, "signal_strength"): "unknown",  # sig 0 without a network: no reading
            (1, "call_minutes_day"): "0",
            (1, "call_minutes_total"): "0",
        },
        {(1, "operator"): {"mcc": None, "mnc": None}},
    ),
    "port_status_status_key": (
        200,
        {
            (5, "status"): "register_failed",
            (5, "registered"): "off",
            (5, "active_slot"): "3",
            (5, "operator"): "unknown",
            (5, "balance"): "unknown",
        },
        {(5, "status"): {"code": 6, "text": "Register failed"}},
    ),
    "port_status_proxy_seed": (
        200,
        {
            (2, "status"): "registered",
            (2, "active_slot"): "2",
            (2, "operator"): "China Mobile",
            (2, "balance"): "100.0",
            (2, "sim_number"): "13912345678",
        },
        {(2, "status"): {"code": 3, "text": "OK"}},
    ),
    "port_status_counters": (
        200,
        {
            (9, "status"): "registered",
            (9, "active_slot"): "2",
            (9, "call_minutes_day"): "5",
            (9, "call_minutes_month"): "40",
            (9, "call_minutes_total"): "125",
            (9, "sms_sent_day"): "52",
            (9, "sms_sent_month"): "150",
            (9, "sms_sent_total"): "512",
        },
        {
            (9, "call_minutes_day"): {
                "limit": 60,
                "remaining": 55,
                "unit_of_measurement": "min",
            },
            (9, "call_minutes_month"): {"limit": 600, "remaining": 560},
            (9, "call_minutes_total"): {"limit": None, "remaining": None},
            (9, "sms_sent_day"): {"limit": 50, "remaining": 0},
            (9, "sms_sent_month"): {"limit": 1000, "remaining": 850},
        },
    ),
    "port_status_dataflow": (
        200,
        {
            (10, "status"): "registered",
            (10, "data_total"): "1532.75",
            (10, "data_today"): "210.4",
            (10, "data_last_24_hours"): "305.12",
            (10, "data_last_hour"): "12.06",
            (10, "data_last_session"): "0.35",
        },
        {(10, "data_total"): {"unit_of_measurement": "MB"}},
    ),
    "port_status_unknown_keys": (
        200,
        {(12, "status"): "registered", (12, "signal_strength"): "-69"},
        {},
    ),
    "port_status_bad_balance": (  # a bad field skips that field, not the port
        200,
        {
            (11, "status"): "registered",
            (11, "balance"): "unknown",
            (11, "signal_strength"): "-65",
            (11, "operator"): "CHINA MOBILE",
        },
        {},
    ),
}


@pytest.mark.parametrize("name", list(PORT_STATUS_FIXTURES))
async def test_real_port_status_variants(
    hass: HomeAssistant, client: TestClient, name: str
) -> None:
    """Each real port-status variant updates (or, for ports 9 to 12, creates) its port."""
    http_status, expected, attributes = PORT_STATUS_FIXTURES[name]

    status, _ = await post(hass, client, load_fixture(name))

    assert status == http_status
    assert read(hass, expected) == expected
    for (port, key), wanted in attributes.items():
        shown = state_of(hass, key, port).attributes
        assert {name: shown[name] for name in wanted} == wanted


# --- dev-status variants of this gateway --------------------------------------------------

DEV_STATUS_FIXTURES: dict[str, Expected] = {
    "dev_status_max_slot": {
        (1, "operator"): "O2 - UK",
        (1, "signal_strength"): "-69",
        (1, "sim_number"): "unknown",
        (1, "balance"): "0.0",
    },
    "dev_status_max_slots": {  # numbers as text, lettered port, no "ver"
        (1, "operator"): "vodafone UK",
        (1, "signal_strength"): "-75",
        (1, "balance"): "5.0",
        (1, "active_slot"): "1",
        (None, "firmware"): "532-600-999-041-100-000",
    },
    "dev_status_expires_minus_one": {
        (1, "operator"): "CHINA MOBILE",
        (1, "signal_strength"): "-51",
    },
    "dev_status_unknown_keys": {  # extra keys on the report and on a port
        (1, "status"): "registered",
        (1, "signal_strength"): "-55",
        (2, "status"): "no_sim",
        (2, "registered"): "off",
        (2, "operator"): "unknown",
        (2, "signal_strength"): "unknown",
        (2, "sim_number"): "unknown",
        (2, "balance"): "unknown",
        (None, "registered_ports"): "7",
    },
    "dev_status_ports_without_sim": {
        **{(port, "status"): "no_sim" for port in (1, 2, 3, 4)},
        **{(port, "registered"): "off" for port in (1, 2, 3, 4)},
        **{(port, "operator"): "unknown" for port in (1, 2, 3, 4)},
        (5, "status"): "registered",
        (None, "registered_ports"): "4",
    },
    "dev_status_sparse_slots": {
        (2, "active_slot"): "4",
        (2, "operator"): "CHINA TELECOM",
        (2, "balance"): "9.9",
        (2, "signal_strength"): "-53",
        (7, "status"): "user_locked",
        (7, "registered"): "off",
        (7, "active_slot"): "2",
    },
    "dev_status_max_ports_smaller": {  # max-ports 8, yet ports 9 and 16 are reported
        (1, "signal_strength"): "-71",
        (9, "status"): "registered",
        (9, "signal_strength"): "-77",
        (16, "status"): "no_sim",
        (16, "registered"): "off",
    },
    "dev_status_seed": {
        (1, "active_slot"): "2",
        (1, "signal_strength"): "-51",
        (1, "call_minutes_total"): "1",
        (2, "sim_number"): "13145678901",
        (2, "operator"): "CHINA UNICOM",
        (2, "balance"): "12.5",
        (2, "call_minutes_total"): "37",
        (2, "call_minutes_month"): "12",
        (2, "call_minutes_day"): "0",
        (3, "status"): "no_sim",
        (32, "status"): "idle_sim",
        (32, "operator"): "unknown",
        (32, "signal_strength"): "unknown",
    },
    "dev_status_proxy_seed": {  # the proxy firmware's example: no "sig" at all
        (1, "status"): "registered",
        (1, "balance"): "100.0",
        (1, "sim_number"): "13912345678",
        (1, "signal_strength"): "unknown",
        (2, "operator"): "China Unicom",
        (2, "active_slot"): "2",
        (3, "status"): "registering",
        (3, "active_slot"): "3",
        (3, "balance"): "unknown",
        (3, "operator"): "unknown",
        (32, "status"): "no_sim",
        (32, "active_slot"): "4",
    },
}


@pytest.mark.parametrize("name", list(DEV_STATUS_FIXTURES))
async def test_real_dev_status_variants(
    hass: HomeAssistant, client: TestClient, name: str
) -> None:
    """Each real dev-status variant, sent by this gateway, updates the ports it lists."""
    report = from_this_gateway(load_fixture(name))

    assert await post(hass, client, report) == (200, "OK")

    expected = DEV_STATUS_FIXTURES[name]
    assert read(hass, expected) == expected


async def test_dev_status_header_fields(
    hass: HomeAssistant, client: TestClient, simulator: Simulator
) -> None:
    """`ver`, `max-ports` and `max-slot` or `max-slots` (also as text) are taken."""
    gateway = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.gateway
    assert (gateway.max_ports, gateway.max_slots) == (8, 4)
    report = dev_status(simulator)
    del report["max-slots"]
    report.update({"ver": "532-600-999-042-100-000", "max-slot": 2, "max-ports": "16"})

    assert await post(hass, client, report) == (200, "OK")

    assert value_of(hass, "firmware") == "532-600-999-042-100-000"
    assert (gateway.max_ports, gateway.max_slots) == (16, 2)

    report = dev_status(simulator)
    report.update({"max-slots": "3", "expires": -1})
    assert await post(hass, client, report) == (200, "OK")
    assert (gateway.max_ports, gateway.max_slots) == (8, 3)


# --- all-SIM reports -----------------------------------------------------------------------


async def test_all_sim_dev_status(
    hass: HomeAssistant, simulator: Simulator, hass_client_no_auth: Any
) -> None:
    """With every SIM reported, port sensors show the active SIM, `SIM slots` all of them."""
    await set_up(hass, simulator, all_sims=True)
    client = await hass_client_no_auth()
    sims = simulator.gateway.ports[2].slots
    assert value_of(hass, "sim_slots", 2) == "4"
    slots = state_of(hass, "sim_slots", 2).attributes["slots"]
    assert [(slot["slot"], slot["active"]) for slot in slots] == [
        (1, True),
        (2, False),
        (3, False),
        (4, False),
    ]
    assert value_of(hass, "sim_number", 2) == sims[1].number

    simulator.gateway.ports[2].active_slot = 3  # as after a switch to slot 3
    report = dev_status(simulator)
    assert len(json.dumps(report)) > 16 * 1024  # parsed in the executor
    assert await post(hass, client, report) == (200, "OK")

    third = sims[3]
    assert third is not None
    expected: Expected = {
        (2, "status"): "registered",
        (2, "sim_number"): third.number,
        (2, "operator"): third.operator_name,
        (2, "balance"): str(third.balance),
        (2, "active_slot"): "3",
        (2, "signal_strength"): str(-113 + 2 * third.signal),
        (2, "sim_slots"): "4",
        (1, "sim_slots"): "4",
    }
    assert read(hass, expected) == expected
    assert state_of(hass, "sim_slots", 2).attributes["slots"] == [
        {
            "slot": slot,
            "active": slot == 3,
            "status": "registered" if slot == 3 else "idle_sim",
            "operator": sim.operator_name if slot == 3 else None,
            "balance": sim.balance,
        }
        for slot, sim in sims.items()
        if sim is not None
    ]


async def test_a_signal_change_rewrites_only_the_signal_sensor(
    hass: HomeAssistant, simulator: Simulator, hass_client_no_auth: Any
) -> None:
    """The signal wanders with nearly every report: only its own sensor is rewritten."""
    await set_up(hass, simulator, all_sims=True)
    client = await hass_client_no_auth()
    written: list[str] = []
    hass.bus.async_listen(
        "state_changed", lambda event: written.append(event.data["entity_id"])
    )
    sim = simulator.gateway.ports[4].sim
    assert sim is not None
    sim.signal = 9 if sim.signal != 9 else 10

    assert await post(hass, client, port_report(simulator, 4)) == (200, "OK")

    assert written == ["sensor.port_4_signal_strength"]
    assert value_of(hass, "signal_strength", 4) == str(-113 + 2 * sim.signal)


async def test_all_sim_dev_status_with_empty_slots(
    hass: HomeAssistant, simulator: Simulator, hass_client_no_auth: Any
) -> None:
    """Empty slots after the active one leave the port showing its active SIM."""
    await set_up(hass, simulator, all_sims=True)
    client = await hass_client_no_auth()
    sims = simulator.gateway.ports[2].slots
    first = sims[1]
    assert first is not None
    sims[3] = sims[4] = None  # SIMs taken out of slots 3 and 4; slot 1 stays active

    assert await post(hass, client, dev_status(simulator)) == (200, "OK")

    assert value_of(hass, "sim_slots", 2) == "2"
    slots = state_of(hass, "sim_slots", 2).attributes["slots"]
    assert [(slot["slot"], slot["active"], slot["status"]) for slot in slots] == [
        (1, True, "registered"),
        (2, False, "idle_sim"),
        (3, False, "no_sim"),
        (4, False, "no_sim"),
    ]
    expected: Expected = {
        (2, "status"): "registered",
        (2, "active_slot"): "1",
        (2, "sim_number"): first.number,
        (2, "operator"): first.operator_name,
    }
    assert read(hass, expected) == expected


# --- messages, call records and task reports ---------------------------------------------


@pytest.mark.parametrize("name", ["sent_sms_seed", "cdr_in_progress"])
async def test_reports_naming_another_gateway_are_refused(
    hass: HomeAssistant, client: TestClient, name: str
) -> None:
    """A sent-sms or cdr carrying another gateway's MAC is refused and changes nothing."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    before = integration_states(hass, entry)

    assert await post(hass, client, load_fixture(name)) == (
        403,
        "report of another gateway",
    )
    assert integration_states(hass, entry) == before


@pytest.mark.parametrize(
    ("name", "problem", "texts"),
    [
        (
            "recv_sms_malformed_rows",
            "sms row 1: not a row of 6 values",
            [
                "first good message",
                "bad port",
                "12345",
                "bad flag",
                "last good message",
            ],
        ),
        (
            "recv_sms_seed",
            "content is not base64 of UTF-8; kept as sent",
            [
                "U2VuZGVyOiA4NNTEwOAzDQpTTVNDOiA4NjEzODAwNzU1NTAwDQpTQ1RTOiAxOTAxMjUDQp5YXE="
            ],
        ),
    ],
)
async def test_messages_with_odd_rows(
    hass: HomeAssistant,
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    *,
    name: str,
    problem: str,
    texts: list[str],
) -> None:
    """Odd SMS rows: every readable message fires once; answered 200, logged once.

    How a gateway takes another answer is not documented (it might resend what was
    taken already), so a report whose messages were taken is answered 200. What was
    odd goes to the debug log, once.
    """
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    received = async_capture_events(hass, "ejoin_sms_received")

    for _ in range(2):
        assert await post(hass, client, load_fixture(name)) == (200, "OK")

    assert [event.data["text"] for event in received] == texts
    assert warnings_of_the_integration(caplog) == []
    [logged] = [
        record.getMessage()
        for record in caplog.records
        if record.name == LOGGER_NAME and "could be read" in record.getMessage()
    ]
    assert logged.startswith(
        "Applied what could be read of a recv-sms from 00:30:f1:01:02:03; skipped: "
    )
    assert problem in logged


async def test_an_sms_report_of_which_nothing_can_be_read_is_refused(
    hass: HomeAssistant, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Only a report of which nothing could be used is answered 400, and said once."""
    report = {"type": "recv-sms", "sms_num": 1, "sms": [[0, "1.01"], "not a row"]}

    for _ in range(2):
        assert await post(hass, client, report) == (400, "nothing could be read")

    assert warnings_of_the_integration(caplog) == [
        (
            "Refused a recv-sms from 00:30:f1:01:02:03: nothing in it could be read "
            "(sms row 0: not a row of 6 values; sms row 1: not a row of 6 values)"
        )
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "cdr_in_progress",
            {
                (4, "status"): "call_connected",
                (4, "registered"): "on",
                (4, "balance"): "7.35",
                (4, "signal_strength"): "-59",
                (4, "operator"): "CHINA MOBILE",
                (4, "active_slot"): "1",
            },
        ),
        (
            "cdr_finished_unanswered",
            {
                (4, "status"): "registered",
                (4, "registered"): "on",
                (4, "balance"): "7.35",
                (4, "signal_strength"): "-59",
            },
        ),
    ],
)
async def test_call_record_updates_its_port(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    name: str,
    expected: Expected,
) -> None:
    """A cdr carries the calling SIM's fields; they update the port."""
    sim = simulator.gateway.ports[4].sim
    assert sim is not None
    record = from_this_gateway(load_fixture(name))
    record["iccid"], record["imsi"] = sim.iccid, sim.imsi  # the port's SIM calls

    assert await post(hass, client, record) == (200, "OK")

    assert read(hass, expected) == expected


async def test_call_record_of_the_simulator(
    hass: HomeAssistant, client: TestClient, simulator: Simulator
) -> None:
    """A cdr with the whole port object (as the simulator sends it) updates the port."""
    record = {
        **port_report(simulator, 6, st=4, bal="1.50"),
        "type": "cdr",
        "mac": GATEWAY_MAC_DASHED,
        "cid": "abc",
        "cdir": "MO",
        "caller": "+10000000000",
        "callee": "+8613800000000",
        "begin": 1714568400,
        "alert": 1714568403,
        "answer": 1714568409,
        "update": 1714568469,
        "end": 0,
        "reason": "",
        "gw_reason": "",
    }
    sim_number = value_of(hass, "sim_number", 6)

    assert await post(hass, client, record) == (200, "OK")

    expected: Expected = {
        (6, "status"): "call_connected",
        (6, "balance"): "1.5",
        (6, "sim_number"): sim_number,
    }
    assert read(hass, expected) == expected


@pytest.mark.parametrize(
    "identity",
    ["same", "empty"],
)
async def test_call_record_keeps_what_it_does_not_carry(
    hass: HomeAssistant, client: TestClient, simulator: Simulator, identity: str
) -> None:
    """A cdr carrying only some SIM fields (the vendor's example) leaves the others.

    Its "bal" of "0.00" is no balance either: call records carry it whatever the
    SIM's balance is, so the real balance stays; nor do empty identities blank the
    SIM's. The status it carries is shown.
    """
    kept = (
        "signal_strength",
        "operator",
        "sim_number",
        "call_minutes_total",
        "balance",
    )
    before = {key: value_of(hass, key, 4) for key in kept}
    assert before["balance"] not in ("0.0", "unknown")
    sim = simulator.gateway.ports[4].sim
    assert sim is not None
    record = from_this_gateway(load_fixture("cdr_seed"))
    record["port"] = "4.01"  # port, seq, st, imei, iccid, imsi and bal only
    record["st"] = 4  # a call is connected
    if identity == "same":
        record["iccid"], record["imsi"] = sim.iccid, sim.imsi
    else:
        record["iccid"] = record["imsi"] = ""

    assert await post(hass, client, record) == (200, "OK")

    assert {key: value_of(hass, key, 4) for key in kept} == before
    assert value_of(hass, "status", 4) == "call_connected"
    state = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.gateway.ports[4]
    assert (state.iccid, state.imsi) == (sim.iccid, sim.imsi)


async def test_call_record_of_another_sim_changes_nothing(
    hass: HomeAssistant, client: TestClient
) -> None:
    """A late call record of the SIM before (another ICCID) does not replace the SIM.

    The call itself is told, by the port's call event entity.
    """
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    before = integration_states(hass, entry)
    record = from_this_gateway(load_fixture("cdr_seed"))  # the seed's own SIM
    record["port"] = "4.01"

    assert await post(hass, client, record) == (200, "OK")

    after = integration_states(hass, entry)
    assert after.pop("event.port_4_call") != before.pop("event.port_4_call")
    assert after == before


# --- HTTP answers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [JSON_TYPE, "application/json", "text/plain", "text/plain;charset=utf-8", None],
)
async def test_content_types(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    content_type: str | None,
) -> None:
    """The gateway's `application/json;charset=utf-8`, `text/plain` and none are all read."""
    report = port_report(simulator, 1, bal="77.70")

    assert await post(hass, client, report, content_type) == (200, "OK")

    assert value_of(hass, "balance", 1) == "77.7"


async def test_body_with_bom_and_trailing_nuls(
    hass: HomeAssistant, client: TestClient, simulator: Simulator
) -> None:
    """A UTF-8 byte order mark and trailing NUL bytes around the JSON are tolerated."""
    body = b"\xef\xbb\xbf" + json.dumps(port_report(simulator, 1, bal="5.55")).encode()

    assert await post(hass, client, body + b"\x00\x00") == (200, "OK")

    assert value_of(hass, "balance", 1) == "5.55"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "body is not JSON"),
        (b"", "body is not JSON"),
        (b"\xff\xfe{}", "body is not UTF-8 text"),
        (b"[1, 2]", "body is not a JSON object"),
        (b'"dev-status"', "body is not a JSON object"),
        (b'{"seq": 1, "status": []}', "body has no report type"),
        (b'{"type": "", "status": []}', "body has no report type"),
        (b'{"type": 7}', "body has no report type"),
    ],
)
async def test_bodies_that_are_not_reports(
    hass: HomeAssistant, client: TestClient, body: bytes, message: str
) -> None:
    """Non-JSON and JSON without a report type are answered 400, nothing applied."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    before = integration_states(hass, entry)

    assert await post(hass, client, body) == (400, message)

    assert integration_states(hass, entry) == before


async def test_malformed_body_is_logged(
    hass: HomeAssistant, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A body that is not a report is refused with a warning naming the gateway."""
    assert await post(hass, client, b"<html>") == (400, "body is not JSON")

    assert warnings_of_the_integration(caplog) == [
        "Refused a report from the gateway 00:30:f1:01:02:03: body is not JSON"
    ]


async def test_unknown_report_type_is_logged_once_at_debug(
    hass: HomeAssistant, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """An unknown report type is answered 200 (nothing to resend) and logged once."""
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    before = integration_states(hass, entry)
    report = load_fixture("unknown_type")

    for _ in range(3):
        assert await post(hass, client, report) == (
            200,
            "unknown report type ignored",
        )

    logged = [
        record
        for record in caplog.records
        if record.name == LOGGER_NAME and "unknown type" in record.getMessage()
    ]
    assert [(record.levelno, record.getMessage()) for record in logged] == [
        (
            logging.DEBUG,
            "Ignoring reports of unknown type 'sim-bank-status' from 00:30:f1:01:02:03",
        )
    ]
    assert warnings_of_the_integration(caplog) == []
    assert integration_states(hass, entry) == before


async def test_partly_bad_dev_status_applies_its_good_parts(
    hass: HomeAssistant, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A dev-status with malformed port objects: the good ports update; answered 200.

    What was skipped is logged once, at debug level.
    """
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    report = from_this_gateway(load_fixture("dev_status_malformed_ports"))
    untouched = {
        key: value_of(hass, key, port)
        for port in (3, 5)
        for key in ("status", "balance", "signal_strength")
    }
    balance_of_port_2 = value_of(hass, "balance", 2)

    assert await post(hass, client, report) == (200, "OK")

    expected: Expected = {
        (1, "status"): "registered",
        (1, "balance"): "1.0",
        (1, "signal_strength"): "-73",
        (2, "status"): "registered",
        (2, "balance"): balance_of_port_2,  # "abc" says nothing: the last one stays
        (2, "signal_strength"): "-83",
        (4, "status"): "idle_sim",
        (4, "active_slot"): "2",
        (4, "registered"): "off",
    }
    assert read(hass, expected) == expected
    assert {
        key: value_of(hass, key, port)
        for port in (3, 5)
        for key in ("status", "balance", "signal_strength")
    } == untouched
    assert warnings_of_the_integration(caplog) == []
    [warning] = [
        record.getMessage()
        for record in caplog.records
        if record.name == LOGGER_NAME and "could be read" in record.getMessage()
    ]
    assert warning.startswith(
        "Applied what could be read of a dev-status from 00:30:f1:01:02:03"
    )
    for problem in (
        "status[1]: not a JSON object",
        "status[2]: has no port",
        "status[3]: port '0.01' is not a port address",
        "port 2A bal: 'abc' is not a number",
    ):
        assert problem in warning


async def test_dev_status_of_another_gateway_is_refused(
    hass: HomeAssistant, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A dev-status with a foreign MAC is answered 403, not applied, and logged once."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    before = integration_states(hass, entry)
    foreign = load_fixture("dev_status_seed")  # 00-30-f1-00-6d-b1, ports 1 to 3 differ

    assert await post(hass, client, foreign) == (403, "report of another gateway")
    assert await post(hass, client, {**foreign, "seq": 4}) == (
        403,
        "report of another gateway",
    )

    assert integration_states(hass, entry) == before
    assert warnings_of_the_integration(caplog) == [
        (
            "Refused a dev-status from 00:30:f1:00:6d:b1 on the webhook of gateway "
            "00:30:f1:01:02:03"
        )
    ]

    other = load_fixture("dev_status_sparse_slots")  # yet another gateway: logged too
    assert await post(hass, client, other) == (403, "report of another gateway")
    assert len(warnings_of_the_integration(caplog)) == 2
    assert integration_states(hass, entry) == before


@pytest.mark.parametrize(
    "mac", ["00-30-f1-01-02-03", "00:30:F1:01:02:03", "0030f1010203", "", None]
)
async def test_dev_status_with_own_mac_in_any_form(
    hass: HomeAssistant, client: TestClient, simulator: Simulator, mac: str | None
) -> None:
    """The gateway's own MAC in any notation, or none, is accepted."""
    report = dev_status(simulator)
    report["status"][2]["bal"] = "66.60"
    if mac is None:
        del report["mac"]
    else:
        report["mac"] = mac

    assert await post(hass, client, report) == (200, "OK")

    assert value_of(hass, "balance", 3) == "66.6"


async def test_report_over_the_size_limit(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A body over MAX_REPORT_BYTES is answered 413 and nothing of it is applied."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    before = integration_states(hass, entry)
    report = port_report(simulator, 1, bal="99.99", pad="x" * MAX_REPORT_BYTES)

    assert await post(hass, client, report) == (413, "report too large")

    assert integration_states(hass, entry) == before
    assert warnings_of_the_integration(caplog) == [
        "Refused a report for gateway 00:30:f1:01:02:03: report too large"
    ]


async def test_report_just_under_the_size_limit_is_not_refused_for_size(
    hass: HomeAssistant, client: TestClient, simulator: Simulator
) -> None:
    """A body of exactly MAX_REPORT_BYTES passes the size check."""
    report = port_report(simulator, 1, bal="99.99", pad="")
    size = len(json.dumps(report).encode())
    report["pad"] = "x" * (MAX_REPORT_BYTES - size)
    body = json.dumps(report).encode()
    assert len(body) == MAX_REPORT_BYTES

    status, message = await post(hass, client, body)

    assert (status, message) != (413, "report too large")


async def _in_pieces(body: bytes, pieces: int, pause: float) -> AsyncIterator[bytes]:
    """Yield a body in pieces with pauses, as a slow network delivers it."""
    size = -(-len(body) // pieces)
    for start in range(0, len(body), size):
        yield body[start : start + size]
        await asyncio.sleep(pause)


async def test_chunked_report_over_the_size_limit(
    hass: HomeAssistant, client: TestClient, simulator: Simulator
) -> None:
    """A body over MAX_REPORT_BYTES sent without Content-Length is answered 413 too."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    before = integration_states(hass, entry)
    report = port_report(simulator, 1, bal="99.99", pad="x" * MAX_REPORT_BYTES)
    body = json.dumps(report).encode()

    response = await client.post(
        WEBHOOK_URL,
        data=_in_pieces(body, 8, 0.01),
        headers={"Content-Type": JSON_TYPE},
    )
    await hass.async_block_till_done()

    assert integration_states(hass, entry) == before
    assert (response.status, await response.text()) == (413, "report too large")


async def test_large_report_arriving_in_pieces(
    hass: HomeAssistant, client: TestClient
) -> None:
    """A 150 kB all-SIM dev-status that arrives in pieces is read whole and applied."""
    big = Gateway.create(
        ports=8, slots=32, mac=GATEWAY_MAC_DASHED, firmware="532-600-999-041-100-000"
    )
    big.all_sims = True
    body = json.dumps(big.dev_status(time.monotonic())).encode()
    assert len(body) > 100_000
    sim = big.ports[3].sim
    assert sim is not None
    assert value_of(hass, "sim_number", 3) != sim.number

    response = await client.post(
        WEBHOOK_URL,
        data=_in_pieces(body, 2, 0.05),
        headers={"Content-Type": JSON_TYPE, "Content-Length": str(len(body))},
    )
    await hass.async_block_till_done()

    assert value_of(hass, "sim_number", 3) == sim.number
    assert (response.status, await response.text()) == (200, "OK")


@pytest.mark.parametrize("method", ["GET", "PUT"])
async def test_only_post_is_accepted(
    hass: HomeAssistant, client: TestClient, simulator: Simulator, method: str
) -> None:
    """The webhook takes POST only: GET (even with a report as body) gets 405."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    before = integration_states(hass, entry)
    body = json.dumps(port_report(simulator, 1, bal="11.11"))

    response = await client.request(method, WEBHOOK_URL, data=body)
    await hass.async_block_till_done()

    assert response.status == 405
    assert integration_states(hass, entry) == before


async def test_webhook_goes_with_the_entry(
    hass: HomeAssistant, client: TestClient, simulator: Simulator
) -> None:
    """After unloading, reports reach no handler (HA answers 200 and applies nothing)."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    gateway = entry.runtime_data.gateway
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    last_report = gateway.last_report

    status, _ = await post(hass, client, port_report(simulator, 1, bal="22.22"))

    assert status == 200
    assert gateway.last_report == last_report
    assert gateway.ports[1].balance != 22.22


async def test_unknown_keys_of_port_objects_are_logged_once_at_debug(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Keys a port object has and this integration does not know: said once, at debug.

    The report is taken whole (200): new firmware may add fields at any time.
    """
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    report = dev_status(simulator)
    report["status"][3]["vol_sim"] = "1"
    report["status"][5]["temperature"] = 41

    for _ in range(2):
        assert await post(hass, client, report) == (200, "OK")

    logged = [
        record
        for record in caplog.records
        if record.name == LOGGER_NAME and "unknown keys" in record.getMessage()
    ]
    assert [(record.levelno, record.getMessage()) for record in logged] == [
        (
            logging.DEBUG,
            (
                "Applied what could be read of a dev-status from 00:30:f1:01:02:03; "
                "skipped: nothing; unknown keys: temperature, vol_sim"
            ),
        )
    ]


async def test_a_resent_dev_status_after_a_port_status_is_applied_again(
    hass: HomeAssistant, client: TestClient, simulator: Simulator
) -> None:
    """The same dev-status twice, a port-status between: the second one counts.

    Gateways resend the same port objects every period; one that was merged already
    is skipped, but not once another report changed the port in between.
    """
    report = dev_status(simulator)
    assert await post(hass, client, report) == (200, "OK")
    assert await post(hass, client, port_report(simulator, 3, st=2)) == (200, "OK")
    assert value_of(hass, "status", 3) == "registering"

    assert await post(hass, client, report) == (200, "OK")

    assert value_of(hass, "status", 3) == "registered"
