"""The gateway model: the state of a gateway's ports, as its reports tell it.

First the model itself, fed parsed reports: who is told of what, silence, the
listeners. Then reports posted to the webhook as gateways send them, and the states
they leave: status forms, operators, signal, port notations, the real port-status and
dev-status variants, which slot a port works on, all-SIM reports, call records, and
the good parts of partly bad reports.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.gateway import (
    AVAILABLE,
    FIRMWARE,
    LAST_REPORT,
    REGISTERED_PORTS,
    EjoinGateway,
    Listeners,
)
from custom_components.ejoin.pyejoin import Report, parse_report
from ejoin_simulator import Simulator

from .helpers import (
    GATEWAY_MAC,
    GATEWAY_MAC_DASHED,
    Expected,
    dev_status,
    device_of,
    entry_for,
    from_this_gateway,
    integration_states,
    load_fixture,
    port_report,
    post,
    read,
    set_up_entry,
    state_of,
    value_of,
    warnings_of_the_integration,
)

LOGGER_NAME = "custom_components.ejoin"


def port_status(port: str, **fields: Any) -> Report:
    """Read a port-status of one port, as the webhook does."""
    return parse_report({"type": "port-status", "port": port, **fields})


def device_status(*ports: dict[str, Any], **header: Any) -> dict[str, Any]:
    """Build a dev-status of the gateway under test with these port objects."""
    return {
        "type": "dev-status",
        "mac": GATEWAY_MAC_DASHED,
        "status": list(ports),
        **header,
    }


def device_status_of(*ports: dict[str, Any], **header: Any) -> Report:
    """Read a dev-status of the gateway under test with these port objects."""
    return parse_report(device_status(*ports, **header))


def told_of(gateway: EjoinGateway, *ports: int) -> list[tuple[str, Any]]:
    """Record, in order, what the gateway's listeners are told (of these ports too)."""
    told: list[tuple[str, Any]] = []
    gateway.ports_added.add(lambda added: told.append(("added", added)))
    for port in ports:
        gateway.listen_port(port, lambda port=port: told.append(("port", port)))
    gateway.ports_changed.add(lambda changed: told.append(("changed", set(changed))))
    return told


# --- the model, fed parsed reports -----------------------------------------------------


def test_the_first_report_of_a_port_adds_it_then_tells_its_change() -> None:
    """A new port is added first (its entities appear), then its listeners are told."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=False)
    told = told_of(gateway, 2)
    applied: list[Report] = []
    gateway.report_applied.add(applied.append)
    report = port_status("2.01", st=3, sig=20, bal="1.50")

    gateway.apply(report)

    assert told == [("added", [2]), ("port", 2), ("changed", {2})]
    assert applied == [report]
    assert gateway.known_ports == {2}
    state = gateway.ports[2]
    assert (state.status_code, state.signal, state.balance) == (3, 20, 1.5)
    assert gateway.registered_ports == 1
    assert gateway.last_report is not None
    assert gateway.last_push is None


def test_a_report_that_changes_nothing_tells_no_port() -> None:
    """The same port-status again tells no port; a changed signal tells that port."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=False)
    gateway.apply(port_status("2.01", st=3, sig=20))
    told = told_of(gateway, 1, 2)

    gateway.apply(port_status("2.01", st=3, sig=20))
    assert told == [("changed", set())]
    gateway.apply(port_status("2.01", st=3, sig=21))

    assert told == [("changed", set()), ("port", 2), ("changed", {2})]
    assert gateway.ports[2].signal == 21


def test_a_dev_status_adds_its_ports_at_once_and_takes_its_header() -> None:
    """The ports of a dev-status are added in one go; firmware and sizes are kept."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=False)
    told = told_of(gateway)

    gateway.apply(
        device_status_of(
            {"port": "3.01", "st": 0},
            {"port": "1.01", "st": 3},
            {"port": "2.01", "st": 15},
            ver="532-600-999-041-100-000",
            expires=180,
            **{"max-ports": 8, "max-slots": 4},
        )
    )

    assert told == [("added", [1, 2, 3]), ("changed", {1, 2, 3})]
    assert sorted(gateway.ports) == [1, 2, 3]
    assert gateway.registered_ports == 2  # "dial successful" (15) is on the network
    assert (gateway.firmware, gateway.max_ports, gateway.max_slots) == (
        "532-600-999-041-100-000",
        8,
        4,
    )
    assert gateway.expires == 180


def test_a_silent_gateway_tells_every_port_and_any_report_brings_it_back() -> None:
    """Marked silent, every known port is told once; the next report, even unchanged, too."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=False)
    report = device_status_of({"port": "1.01", "st": 3}, {"port": "2.01", "st": 3})
    gateway.apply(report)
    told = told_of(gateway, 1, 2)
    pushed: list[None] = []
    gateway.report_pushed.add(lambda: pushed.append(None))

    gateway.mark_silent(180)
    gateway.mark_silent(240)
    assert gateway.available is False
    assert sorted(told[:2]) == [("port", 1), ("port", 2)]
    assert told[2:] == [("changed", {1, 2})]
    told.clear()

    gateway.apply(report, pushed=True)

    assert gateway.available is True
    assert sorted(told[:2]) == [("port", 1), ("port", 2)]
    assert told[2:] == [("changed", {1, 2})]
    assert pushed == [None]
    assert gateway.last_push == gateway.last_report is not None


def test_with_every_slot_reported_each_slot_is_kept() -> None:
    """All-SIM reports keep each slot's SIM; the port shows the one it works on."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=True)

    gateway.apply(
        device_status_of(
            {"port": "2.01", "st": 1, "bal": "1.00"},
            {"port": "2.02", "st": 3, "bal": "2.00"},
        )
    )

    assert sorted(gateway.slots[2]) == [1, 2]
    assert gateway.slots[2][1].balance == 1.0
    assert gateway.ports[2].address.slot == 2
    assert gateway.ports[2].balance == 2.0


def test_a_port_listener_that_stopped_is_not_told() -> None:
    """The way to stop that ``listen_port`` returns ends the calls."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=False)
    calls: list[None] = []
    stop = gateway.listen_port(2, lambda: calls.append(None))
    gateway.apply(port_status("2.01", st=3))

    stop()
    gateway.apply(port_status("2.01", st=2))

    assert calls == [None]
    assert len(gateway.port_changed[2]) == 0


def test_listeners_are_told_in_order_and_may_stop_while_told() -> None:
    """Each listener is called in the order it came; one may stop listening meanwhile."""
    listeners: Listeners[[int]] = Listeners()
    heard: list[tuple[str, int]] = []

    def first(value: int) -> None:
        heard.append(("first", value))
        stop_first()

    stop_first = listeners.add(first)
    listeners.add(lambda value: heard.append(("second", value)))
    assert len(listeners) == 2

    listeners.notify(1)
    listeners.notify(2)

    assert heard == [("first", 1), ("second", 1), ("second", 2)]
    assert len(listeners) == 1


def test_a_port_listener_is_told_only_of_the_fields_it_reads() -> None:
    """A signal change asks the signal's listener, not the balance's; silence asks all."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=False)
    gateway.apply(port_status("2.01", st=3, sig=20, bal="1.00"))
    told: list[str] = []
    for reads in ("signal", "balance", "address"):
        gateway.listen_port(2, lambda reads=reads: told.append(reads), {reads})
    gateway.listen_port(2, lambda: told.append("any"))  # reads everything

    gateway.apply(port_status("2.01", st=3, sig=21, bal="1.00"))
    assert told == ["signal", "any"]
    told.clear()
    gateway.apply(port_status("2.01", st=3, sig=21, bal="2.50"))
    assert told == ["balance", "any"]
    told.clear()
    gateway.apply(port_status("2.02", st=3, sig=21, bal="2.50"))  # another slot
    assert told == ["address", "any"]
    told.clear()

    gateway.mark_silent(180)
    assert told == ["signal", "balance", "address", "any"]


def test_the_ports_listeners_learn_which_fields_of_each_port_changed() -> None:
    """After a report, each changed port comes with the fields that changed."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=True)
    gateway.apply(
        device_status_of(
            {"port": "1.01", "st": 3, "sig": 20},
            {"port": "1.02", "st": 1, "bal": "1.00"},
            {"port": "2.01", "st": 3, "sig": 20},
        )
    )
    changes: list[dict[int, frozenset[str]]] = []
    gateway.ports_changed.add(lambda changed: changes.append(dict(changed)))

    gateway.apply(
        device_status_of(
            {"port": "1.01", "st": 3, "sig": 22},
            {"port": "1.02", "st": 1, "bal": "3.00"},
            {"port": "2.01", "st": 3, "sig": 20},
        )
    )

    # Port 1's working SIM changed its signal (so did its slot); idle slot 2 its balance.
    assert changes == [{1: frozenset({"signal", "slots.signal", "slots.balance"})}]


def test_an_unchanged_dev_status_is_told_by_identity_unless_a_report_came_between() -> (
    None
):
    """The same objects again change nothing; after a port-status they count again."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=False)
    report = device_status_of({"port": "1.01", "st": 3}, {"port": "2.01", "st": 3})
    gateway.apply(report)
    told = told_of(gateway, 1, 2)

    gateway.apply(report)
    assert told == [("changed", set())]
    gateway.apply(port_status("2.01", st=2))
    assert gateway.registered_ports == 1
    told.clear()

    gateway.apply(report)

    assert told == [("port", 2), ("changed", {2})]
    assert gateway.ports[2].status_code == 3
    assert gateway.registered_ports == 2


def test_a_call_record_between_two_identical_dev_statuses_counts() -> None:
    """After a call record changed a port, the same dev-status objects count again."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=False)
    report = device_status_of({"port": "1.01", "st": 3, "bal": "5.00"})
    gateway.apply(report)
    gateway.apply(
        parse_report(
            {"type": "cdr", "port": "1.01", "st": 4, "bal": "4.50", "mac": GATEWAY_MAC}
        )
    )
    assert (gateway.ports[1].status_code, gateway.ports[1].balance) == (4, 4.5)

    gateway.apply(report)

    assert (gateway.ports[1].status_code, gateway.ports[1].balance) == (3, 5.0)


def test_gateway_wide_listeners_are_told_when_their_value_changed() -> None:
    """Registered ports and firmware are told when they change; the last report always."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=False)
    gateway.apply(device_status_of({"port": "1.01", "st": 3}, ver="1.0"))
    told: list[str] = []
    for reads in (REGISTERED_PORTS, FIRMWARE, LAST_REPORT):
        gateway.gateway_changed.add(lambda reads=reads: told.append(reads), {reads})
    gateway.gateway_changed.add(lambda: told.append(AVAILABLE), ())

    gateway.apply(port_status("1.01", st=3, sig=10))
    assert told == [LAST_REPORT]
    told.clear()
    gateway.apply(port_status("1.01", st=6))
    assert told == [REGISTERED_PORTS, LAST_REPORT]
    told.clear()
    gateway.apply(device_status_of({"port": "1.01", "st": 6}, ver="2.0"))
    assert told == [FIRMWARE, LAST_REPORT]
    told.clear()

    gateway.mark_silent(180)

    assert told == [REGISTERED_PORTS, FIRMWARE, LAST_REPORT, AVAILABLE]


def test_registered_ports_are_counted_right_through_every_kind_of_report() -> None:
    """The count kept as reports arrive matches counting the ports' states afresh."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=True)
    reports = [
        device_status_of(
            {"port": "1.01", "st": 3},
            {"port": "1.02", "st": 1},
            {"port": "2.01", "st": 15},
            {"port": "3.01", "st": 0},
        ),
        port_status("1.01", st=6),  # fails to register
        port_status("3.01", st=3, iccid="8986000000000000001"),  # a SIM inserted
        port_status("1.02", st=3),  # port 1 now works on slot 2
        parse_report(
            {"type": "cdr", "port": "2.01", "st": 4, "cid": 1, "mac": GATEWAY_MAC}
        ),
        device_status_of(
            {"port": "1.01", "st": 1},
            {"port": "1.02", "st": 0},
            {"port": "2.01", "st": 12},
            {"port": "3.01", "st": 3},
        ),
    ]
    counts = []
    for report in reports:
        gateway.apply(report)
        assert gateway.registered_ports == sum(
            1 for state in gateway.ports.values() if state.registered
        )
        counts.append(gateway.registered_ports)

    assert counts == [2, 1, 2, 3, 3, 1]


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
@pytest.mark.usefixtures("entry")
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
@pytest.mark.usefixtures("entry")
async def test_unknown_status_code_is_the_other_option(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    *,
    status: Any,
    code: int,
    text: str | None,
) -> None:
    """A status code the protocol does not list shows as 'other' and keeps its code."""
    operator = value_of(hass, "operator", 6)

    assert await post(hass, client, port_report(simulator, 6, st=status)) == (200, "OK")

    state = state_of(hass, "status", 6)
    assert state.state == "other"
    assert state.attributes["code"] == code
    assert state.attributes["text"] == text
    assert value_of(hass, "registered", 6, "binary_sensor") == "off"
    assert value_of(hass, "operator", 6) == operator  # the rest of the port still shows
    assert value_of(hass, "registered_ports") == "7"


@pytest.mark.usefixtures("entry")
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
        "other",
        21,
        "Reserved",
    )
    expected: Expected = {(6, "registered"): "off", **before}
    assert read(hass, expected) == expected


@pytest.mark.usefixtures("entry")
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
@pytest.mark.usefixtures("entry")
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
@pytest.mark.usefixtures("entry")
async def test_signal_strength_in_dbm(
    hass: HomeAssistant, client: TestClient, simulator: Simulator, sig: Any, dbm: str
) -> None:
    """The modem's 0 to 31 scale becomes dBm; 99 ("not known") is no value."""
    assert await post(hass, client, port_report(simulator, 5, sig=sig)) == (200, "OK")

    state = state_of(hass, "signal_strength", 5)
    assert state.state == dbm
    assert state.attributes["unit_of_measurement"] == "dBm"
    assert value_of(hass, "status", 5) == "registered"


@pytest.mark.usefixtures("entry")
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
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    simulator: Simulator,
    notation: str,
) -> None:
    """Dotted, lettered and bare addresses of the slot in use reach the same SIM.

    Only the balance the report changes is rewritten; a bare port number keeps the
    slot known.
    """
    before = integration_states(hass, entry)

    report = port_report(simulator, 3, port=notation, bal="12.34")
    assert await post(hass, client, report) == (200, "OK")

    expected: Expected = {(3, "active_slot"): "1", (3, "balance"): "12.34"}
    assert read(hass, expected) == expected
    after = integration_states(hass, entry)
    assert {
        entity_id for entity_id in after if after[entity_id] != before[entity_id]
    } == {"sensor.ejoin_127_0_0_1_port_3_balance"}


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
@pytest.mark.usefixtures("entity_registry_enabled_by_default", "entry")
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
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
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
    for port in (12, 15):
        device = device_of(hass, entry, f"{GATEWAY_MAC}_port_{port}")
        assert device.name == f"Ejoin 127.0.0.1 Port {port}"
        assert device.via_device_id == device_of(hass, entry, GATEWAY_MAC).id


# --- the real port-status and dev-status variants ------------------------------------------

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
@pytest.mark.usefixtures("entity_registry_enabled_by_default", "entry")
async def test_real_port_status_variants(
    hass: HomeAssistant, client: TestClient, name: str
) -> None:
    """Each real port-status variant updates its port.

    A port-status names no gateway, so it updates only a port the gateway has
    reported: ports 9 to 12, which the 8-port gateway under test did not report at
    set-up, first come in its dev-status, as a gateway reports every port each period.
    """
    http_status, expected, attributes = PORT_STATUS_FIXTURES[name]
    report = load_fixture(name)
    port = int(str(report["port"]).split(".")[0].rstrip("ABCDEFG"))
    if port > 8:
        announced = device_status({"port": str(port), "st": 0})
        assert await post(hass, client, announced) == (200, "OK")

    status, _ = await post(hass, client, report)

    assert status == http_status
    assert read(hass, expected) == expected
    for (port, key), wanted in attributes.items():
        shown = state_of(hass, key, port).attributes
        assert {name: shown[name] for name in wanted} == wanted


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
@pytest.mark.usefixtures("entity_registry_enabled_by_default", "entry")
async def test_real_dev_status_variants(
    hass: HomeAssistant, client: TestClient, name: str
) -> None:
    """Each real dev-status variant, sent by this gateway, updates the ports it lists."""
    report = from_this_gateway(load_fixture(name))

    assert await post(hass, client, report) == (200, "OK")

    expected = DEV_STATUS_FIXTURES[name]
    assert read(hass, expected) == expected


async def test_dev_status_header_fields(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """`ver`, `max-ports` and `max-slot` or `max-slots` (also as text) are taken."""
    gateway = entry.runtime_data.gateway
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


# --- partial port reports and which slot a port works on -----------------------------------


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "entry")
async def test_the_proxy_seeds_port_status_blanks_nothing(
    hass: HomeAssistant, client: TestClient
) -> None:
    """After the proxy seed's port-status, signal, data usage and counters keep values.

    It carries port, status, balance, operator, number and the SIM's identities, and
    nothing else; what it carries is shown.
    """
    # Every report switch on: a complete port object of SIM B of port 2.
    full = from_this_gateway(load_fixture("dev_status_full_2b"))
    assert await post(hass, client, full) == (200, "OK")
    kept: Expected = {
        (2, "signal_strength"): "-65",
        (2, "data_today"): "12.25",
        (2, "data_total"): "1024.5",
        (2, "data_last_hour"): "1.5",
        (2, "call_minutes_total"): "12",
        (2, "call_minutes_day"): "1",
        (2, "sms_sent_day"): "2",
        (2, "sms_sent_month"): "9",
    }
    assert read(hass, kept) == kept

    seed = load_fixture("port_status_proxy_seed")
    assert await post(hass, client, seed) == (200, "OK")

    expected: Expected = {
        **kept,
        (2, "balance"): "100.0",
        (2, "status"): "registered",
        (2, "active_slot"): "2",
        (2, "operator"): "China Mobile",
    }
    assert read(hass, expected) == expected


@pytest.mark.parametrize(
    ("active", "expected"),
    [
        ("0", {(1, "active_slot"): "1", (1, "status"): "registered"}),
        (None, {(1, "active_slot"): "2", (1, "status"): "card_detected"}),
    ],
    ids=["inactive_slot", "working_slot"],
)
@pytest.mark.usefixtures("entry")
async def test_the_status_seeds_port_status_for_slot_2(
    hass: HomeAssistant, client: TestClient, active: str | None, expected: Expected
) -> None:
    """The status seed's port-status, for slot 1.02, names the slot the port works on.

    With ``active`` "0" it is an inactive slot's, and port 1 still shows slot 1
    registered; without, the port works on slot 2 now.
    """
    seed = load_fixture("port_status_seed")
    if active is not None:
        seed["active"] = active

    assert await post(hass, client, seed) == (200, "OK")

    assert read(hass, expected) == expected
    registered = "on" if active else "off"
    assert read(hass, [(1, "registered")]) == {(1, "registered"): registered}


async def test_a_switch_reported_without_the_imei_keeps_the_modems_imei(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """The IMEI is the modem's: a report of the port's new SIM that lacks it keeps it."""
    gateway = entry.runtime_data.gateway
    imei = gateway.ports[2].imei
    assert imei

    report = {"type": "port-status", "port": "2.02", "status": "3 OK", "bal": "1.00"}
    assert await post(hass, client, report) == (200, "OK")

    assert read(hass, [(2, "active_slot"), (2, "sim_number")]) == {
        (2, "active_slot"): "2",
        (2, "sim_number"): "unknown",  # of the SIM before: not shown for this one
    }
    assert gateway.ports[2].imei == imei


# --- all-SIM reports -----------------------------------------------------------------------


@pytest.mark.usefixtures("all_sims")
async def test_all_sim_dev_status(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """With every SIM reported, port sensors show the active SIM, `SIM slots` all of them."""
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


@pytest.mark.usefixtures("all_sims")
async def test_a_signal_change_rewrites_only_the_signal_sensor(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """The signal wanders with nearly every report: only its own sensor is rewritten."""
    written: list[str] = []
    hass.bus.async_listen(
        "state_changed", lambda event: written.append(event.data["entity_id"])
    )
    sim = simulator.gateway.ports[4].sim
    assert sim is not None
    sim.signal = 9 if sim.signal != 9 else 10

    assert await post(hass, client, port_report(simulator, 4)) == (200, "OK")

    assert written == ["sensor.ejoin_127_0_0_1_port_4_signal_strength"]
    assert value_of(hass, "signal_strength", 4) == str(-113 + 2 * sim.signal)


@pytest.mark.usefixtures("all_sims")
async def test_all_sim_dev_status_with_empty_slots(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """Empty slots after the active one leave the port showing its active SIM."""
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


async def test_every_slot_reported_without_active_shows_the_registered_sim(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """All SIM slots reported without ``active`` (every real capture): the SIM shown.

    It is the registered one, not the first slot holding a SIM.
    """
    simulator.gateway.all_sims = True
    for port in simulator.gateway.ports.values():
        port.active_slot = 3
    entry = await set_up_entry(
        hass, simulator, entry_for(simulator, options={"all_sims": True})
    )
    report = dev_status(simulator)
    assert len(report["status"]) == 8 * 4
    assert not any("active" in item for item in report["status"])
    sim = simulator.gateway.ports[5].slots[3]
    assert sim is not None

    expected: Expected = {
        (5, "active_slot"): "3",
        (5, "status"): "registered",
        (5, "sim_number"): sim.number,
        (5, "operator"): sim.operator_name,
        (5, "sim_slots"): "4",
    }
    assert read(hass, expected) == expected
    assert entry.runtime_data.gateway.registered_ports == 8


@pytest.mark.usefixtures("all_sims")
async def test_an_inactive_slot_locked_or_failing_does_not_take_over(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """Every slot reported: a locked or failed SIM in another slot is not the port's.

    Such a SIM may sit in any slot; only a state that only the working SIM can have
    (registered, registering, in a call, …) moves the port to another slot.
    """
    for status in (12, 6, 9):
        report = {"type": "port-status", "port": "2.03", "st": status, "imei": "1"}
        assert await post(hass, client, report) == (200, "OK")

    expected: Expected = {
        (2, "active_slot"): "1",
        (2, "status"): "registered",
        (2, "registered"): "on",
    }
    assert read(hass, expected) == expected
    registering = {"type": "port-status", "port": "2.03", "st": 2, "imei": "1"}
    assert await post(hass, client, registering) == (200, "OK")
    assert read(hass, [(2, "active_slot")]) == {(2, "active_slot"): "3"}


# --- call records ----------------------------------------------------------------------------


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
@pytest.mark.usefixtures("entry")
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


@pytest.mark.usefixtures("entry")
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
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_call_record_keeps_what_it_does_not_carry(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    simulator: Simulator,
    identity: str,
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
    state = entry.runtime_data.gateway.ports[4]
    assert (state.iccid, state.imsi) == (sim.iccid, sim.imsi)


async def test_call_record_of_another_sim_changes_nothing(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """A late call record of the SIM before (another ICCID) does not replace the SIM.

    The call itself is told, by the port's call event entity.
    """
    before = integration_states(hass, entry)
    record = from_this_gateway(load_fixture("cdr_seed"))  # the seed's own SIM
    record["port"] = "4.01"

    assert await post(hass, client, record) == (200, "OK")

    after = integration_states(hass, entry)
    assert after.pop("event.ejoin_127_0_0_1_port_4_call") != before.pop(
        "event.ejoin_127_0_0_1_port_4_call"
    )
    assert after == before


# --- partly bad and resent reports -----------------------------------------------------------


@pytest.mark.usefixtures("entry")
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
        "status[3] port: not a port address: '0.01'",
        "port 2A bal: not a number: 'abc'",
    ):
        assert problem in warning


@pytest.mark.usefixtures("entry")
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
