"""Tests for what a report means for a port's state (pyejoin.merge), with the seeds' shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pyejoin import (
    CounterPeriods,
    DataUsage,
    DeviceStatusReport,
    PortAddress,
    PortState,
    PortStatusReport,
    changed_fields,
    merge_port_state,
    names_working_slot,
    parse_report,
    working_state,
)
from pyejoin.merge import ADDRESS, field_value
from pyejoin.port_state import PORT_FIELDS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(name: str) -> dict[str, Any]:
    """Return a report fixture as a JSON object."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return data


# A complete port object of SIM B of port 2: what a dev-status with every report switch
# on says, for the very SIM of the proxy seed's port-status (same ICCID and IMSI).
FULL_2B: dict[str, Any] = fixture("dev_status_full_2b")["status"][0]


def port_object(body: dict[str, Any]) -> PortState:
    """Parse one port object as a port-status the gateway would push."""
    report = parse_report(json.dumps({**body, "type": "port-status"}))
    assert isinstance(report, PortStatusReport)
    assert report.port is not None
    return report.port


def dev_status_ports(*objects: dict[str, Any]) -> tuple[PortState, ...]:
    """Parse port objects as the ports of one dev-status."""
    report = parse_report(
        json.dumps(
            {"type": "dev-status", "mac": "00-30-f1-01-02-03", "status": objects}
        )
    )
    assert isinstance(report, DeviceStatusReport)
    return report.ports


# --- which fields a report carries ---------------------------------------------------


def test_the_proxy_seeds_port_status_carries_eight_fields() -> None:
    """The proxy firmware's port-status says nothing of signal, counters or data."""
    state = port_object(fixture("port_status_proxy_seed"))
    assert state.carried == {
        "status_code",
        "status_text",
        "balance",
        "operator",
        "sim_number",
        "imei",
        "imsi",
        "iccid",
    }


def test_the_status_seeds_port_status_carries_no_data_or_sms_counters() -> None:
    """The status seed's example has call minutes, but no data usage or SMS counters."""
    carried = port_object(fixture("port_status_seed")).carried
    assert {"signal", "call_minutes.total", "call_minutes.day"} <= carried
    assert not {
        name
        for name in carried
        if name.startswith(("data.", "sms_sent.", "call_numbers.", "talk_numbers."))
    }


def test_a_value_that_cannot_be_read_is_not_carried() -> None:
    """A field whose value is unreadable says nothing: the last value must stay."""
    state = port_object({**FULL_2B, "sig": "strong", "bal": "lots"})
    assert state.signal is None
    assert "signal" not in state.carried
    assert "balance" not in state.carried
    assert "operator" in state.carried


def test_a_state_built_by_hand_carries_every_field() -> None:
    """Outside a report, a state is complete: merging it replaces everything."""
    assert PortState(address=PortAddress(port=1)).carried == PORT_FIELDS


# --- merging -------------------------------------------------------------------------


def test_the_proxy_seeds_port_status_keeps_what_it_does_not_carry() -> None:
    """After the proxy seed's port-status, signal, data and counters keep their values."""
    known = port_object(FULL_2B)

    merged, changed = merge_port_state(
        known, port_object(fixture("port_status_proxy_seed"))
    )

    assert merged.signal == 24
    assert merged.data == DataUsage(
        total=1024.5,
        day=12.25,
        last_24_hours=20.0,
        last_hour=1.5,
        last_session=0.75,
        last_url="example.org",
    )
    assert merged.call_minutes == known.call_minutes
    assert merged.sms_sent == known.sms_sent
    # What the seed carries replaces what was known.
    assert (merged.balance, merged.status_text) == (100.0, "OK")
    assert changed == {"balance", "status_text"}


def test_a_present_field_replaces_the_known_value() -> None:
    """A field the report carries replaces the value, also by nothing (an empty one)."""
    known = port_object(FULL_2B)
    merged, changed = merge_port_state(
        known, port_object({"port": "2B", "sig": 9, "sn": "", "dataflow_day": "13"})
    )
    assert (merged.signal, merged.sim_number, merged.data.day) == (9, None, 13.0)
    assert merged.data.total == 1024.5
    assert changed == {"signal", "sim_number", "data.day"}


def test_nothing_changed_gives_back_the_same_state() -> None:
    """A report that changes nothing returns the known state itself."""
    known = port_object(FULL_2B)
    merged, changed = merge_port_state(known, port_object({"port": "2B", "sig": 24}))
    assert merged is known
    assert changed == frozenset()


@pytest.mark.parametrize(
    ("update", "why"),
    [
        ({"port": "2B", "st": 3, "iccid": "89860000000000000001"}, "another ICCID"),
        ({"port": "2B", "st": 3, "imsi": "460009999999999"}, "another IMSI"),
        ({"port": "2C", "st": 3, "bal": "5.00"}, "another slot"),
        (
            {"port": "2B", "sim": "", "seq": 3, "st": 0, "imei": "861234567890123"},
            "no SIM",
        ),
    ],
)
def test_nothing_of_an_old_sim_is_shown_for_a_new_one(
    update: dict[str, Any], why: str
) -> None:
    """Another SIM starts from what its report says: nothing of the last SIM stays."""
    known = port_object(FULL_2B)
    merged, changed = merge_port_state(known, port_object(update))
    assert merged.signal is None, why
    assert merged.data == DataUsage(), why
    assert merged.sms_sent == CounterPeriods(), why
    assert merged.balance == (5.0 if why == "another slot" else None), why
    # The modem's IMEI is the port's, not the SIM's: it stays.
    assert merged.imei == "861234567890123", why
    assert {"signal", "data.total", "sms_sent.day"} <= changed, why


def test_a_sim_in_an_empty_port_starts_afresh() -> None:
    """A SIM reported in a port that had none is a new SIM too."""
    empty = port_object({"port": "2B", "st": 0, "imei": "861234567890123"})
    merged, _ = merge_port_state(empty, port_object(FULL_2B))
    assert merged == port_object(FULL_2B)


def test_a_bare_port_number_keeps_the_known_slot() -> None:
    """A bare port number says less than "2B": the same SIM, the slot stays known."""
    known = port_object(FULL_2B)
    merged, changed = merge_port_state(known, port_object({"port": "2", "sig": 20}))
    assert merged.address == PortAddress(port=2, slot=2)
    assert merged.signal == 20
    assert ADDRESS not in changed


def test_the_first_state_of_a_port_changes_everything() -> None:
    """With nothing known, the report is the state, and every field changed."""
    update = port_object(FULL_2B)
    assert merge_port_state(None, update) == (update, PORT_FIELDS | {ADDRESS})


def test_changed_fields_name_every_difference() -> None:
    """Two states differ in the fields named, and in the address when the slot moved."""
    before = port_object(FULL_2B)
    after = port_object({**FULL_2B, "port": "2C", "sig": 23})
    assert changed_fields(before, after) == {ADDRESS, "signal"}
    assert changed_fields(before, before) == frozenset()
    assert field_value(after, "sms_sent.day") == before.sms_sent.day


# --- which slot a port works on --------------------------------------------------------


def slot(port: str, st: int | str, **more: Any) -> dict[str, Any]:
    """Build a port object of one slot, as an all-SIMs report without ``active``."""
    return {
        "port": port,
        "sim": "",
        "seq": 1,
        "st": st,
        "imei": "353689530707903",
        **more,
    }


def test_the_registered_slot_is_the_working_one_without_active() -> None:
    """All slots reported, no active flag: the registered SIM is the one in use."""
    states = dev_status_ports(
        slot("1.01", 1, iccid="1"),  # an idle SIM comes first: it is not the one
        slot("1.02", 0),
        slot("1.03", 3, iccid="3"),
        slot("1.04", 11),
    )
    assert working_state(states, None) == states[2]


@pytest.mark.parametrize("working", [2, 4, 5, 13, 14, 15])
def test_only_a_working_sim_has_these_states(working: int) -> None:
    """Registering, a call, no balance, inter-calling, data up: only the current SIM."""
    states = dev_status_ports(slot("1A", 1), slot("1B", working), slot("1C", 11))
    assert working_state(states, None) == states[1]


def test_the_known_slot_wins_between_equals() -> None:
    """Between slots equally likely, the one known to be in use stays in use."""
    states = dev_status_ports(slot("1A", 1), slot("1B", 1))
    known = port_object(slot("1B", 3))
    assert working_state(states, known) == states[1]
    assert working_state(states, None) == states[0]


def test_active_flags_decide_when_present() -> None:
    """``active`` 1 names the slot in use; objects with ``active`` 0 never are."""
    states = dev_status_ports(
        slot("1A", 3, active="0"), slot("1B", 1, active="1"), slot("1C", 3, active=0)
    )
    assert working_state(states, None) == states[1]
    inactive = dev_status_ports(slot("1A", 3, active=0), slot("1B", 1, active="0"))
    assert working_state(inactive, None) is None


def test_a_port_status_of_another_slot_names_the_working_slot() -> None:
    """The status seed's port-status for slot 2: the port now works on slot 2."""
    known = port_object(slot("1.01", 3))
    seed = port_object(fixture("port_status_seed"))
    assert names_working_slot(seed, known, all_slots_reported=False)


def test_a_port_status_flagged_inactive_does_not() -> None:
    """The same report with ``active`` "0" is about an inactive slot."""
    known = port_object(slot("1.01", 3))
    seed = port_object({**fixture("port_status_seed"), "active": "0"})
    assert not names_working_slot(seed, known, all_slots_reported=False)


def test_an_idle_slot_among_all_slots_reported_is_not_taken_for_the_working_one() -> (
    None
):
    """With every slot reported and no flag, an idle slot's report is an inactive slot's."""
    known = port_object(slot("1.01", 3))
    seed = port_object(fixture("port_status_seed"))  # st 11, card detected
    assert not names_working_slot(seed, known, all_slots_reported=True)
    registering = port_object(slot("1.02", 2))
    assert names_working_slot(registering, known, all_slots_reported=True)
