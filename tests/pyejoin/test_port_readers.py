"""Tests of the fast readers of plain port objects (pyejoin.port_readers).

The careful reader (``port_objects._read_port``) is the specification: for any object
the fast path reads, it must give exactly what the careful reader gives, and it must
give up on every object the careful reader notes a problem in.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, strategies as st
import pytest

from pyejoin import PortAddress, PortState, ReportProblem, port_objects
from pyejoin.port_readers import clear_readers, read_plain

from .payloads import PROPERTY_SETTINGS, fixture_json

ADDRESS = PortAddress(port=1, slot=1)

PORT_KEYS = (
    "sim", "seq", "st", "status", "active", "inserted", "slot_active", "led",
    "bal", "opr", "sig", "sn", "imei", "imsi", "iccid", "tot_dur", "mon_dur",
    "day_dur", "mcn_tot", "mcn_mon", "mcn_day", "mtn_tot", "mtn_mon", "mtn_day",
    "smsctl_tot", "smsctl_mon", "smsctl_day", "dataflow_tot", "dataflow_day",
    "dataflow_24hours", "dataflow_1hour", "dataflow_last", "dataflow_url",
    "type", "mac", "extra",
)  # fmt: skip

# Plain values of every kind a port object holds, and odd ones of every type.
plain_values = st.sampled_from(
    [
        "", " ", "0", "1", "2", " 1", "3", "3 OK", "OK", " 3 OK ", "0 ", "46000",
        "46000 CHINA MOBILE", "10/-1", "3/600", "/5", "x/5", "5/", "0.00", "12.50",
        " 7 ", "1_0", "nan", "1e999", "+8613800000", "example.org", "٣", "²",
        0, 1, 2, 3, 15, -1, 12.06, 0.0, True, False, None,
    ]
)  # fmt: skip
odd_values = (
    st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.from_regex(r"\s?-?[0-9]{1,4}(\.[0-9]{1,3}|/-?[0-9]{1,3})?\s?", fullmatch=True)
    | st.lists(st.integers(), max_size=2)
    | st.dictionaries(st.text(max_size=2), st.integers(), max_size=1)
)


@st.composite
def port_objects_of_any_shape(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a port object: known and unknown keys in any order, mostly plain values."""
    keys = draw(st.lists(st.sampled_from(PORT_KEYS), unique=True, max_size=14))
    position = draw(st.integers(min_value=0, max_value=len(keys)))
    keys.insert(position, "port")
    values = plain_values | odd_values if draw(st.booleans()) else plain_values
    return {key: "1A" if key == "port" else draw(values) for key in keys}


def read_carefully(data: dict[str, Any]) -> tuple[PortState, list[ReportProblem]]:
    """Read an object the careful way, field by field."""
    problems: list[ReportProblem] = []
    state = port_objects._read_port(data, ADDRESS, problems)
    return state, problems


def assert_same_state(fast: PortState, careful: PortState) -> None:
    """Equal in every field, carried ones included, and of the same types (1 is not 1.0)."""
    assert fast == careful
    assert vars(fast) == vars(careful)
    assert fast.carried == careful.carried
    assert shown(fast) == shown(careful)


def shown(state: PortState) -> dict[str, str]:
    """Show each field of a state as repr does (sets, whose order means nothing, sorted)."""
    return {
        name: repr(sorted(value) if isinstance(value, frozenset) else value)
        for name, value in vars(state).items()
    }


@PROPERTY_SETTINGS
@given(data=port_objects_of_any_shape())
def test_the_fast_path_reads_as_the_careful_reader_does(data: dict[str, Any]) -> None:
    """The same state for an object it reads; an object with a problem it leaves alone."""
    careful, problems = read_carefully(data)

    read = read_plain(data, ADDRESS)

    if read is not None:
        assert problems == []
        assert_same_state(read[0], careful)
        assert read[1] == sum(
            len(value) for value in data.values() if type(value) is str
        )


def gateway_object(**changes: Any) -> dict[str, Any]:
    """Build a SIM slot as a gateway with every counter on reports it."""
    data: dict[str, Any] = {
        "port": "3.02", "sim": "", "seq": 1203, "st": 3, "active": 1,
        "imei": "860000030000002", "iccid": "89860000000300000002",
        "imsi": "460000000300002", "sn": "+8613800000302",
        "opr": "46000 CHINA MOBILE", "bal": "3.20", "sig": 21,
        "tot_dur": "11/-1", "mon_dur": "3/600", "day_dur": "2/60",
        "mcn_tot": "10/-1", "mcn_mon": "3/-1", "mcn_day": "1/-1",
        "mtn_tot": "8/-1", "mtn_mon": "2/-1", "mtn_day": "1/-1",
        "smsctl_tot": "40/-1", "smsctl_mon": "12/500", "smsctl_day": "1/50",
        "dataflow_tot": "2101.75", "dataflow_day": "4.25",
        "dataflow_24hours": "6.50", "dataflow_1hour": "0.10",
        "dataflow_last": "0.02", "dataflow_url": "example.org",
    }  # fmt: skip
    return data | changes


PROXY_PORT_STATUS = {
    "type": "port-status", "port": "2B", "seq": 1, "status": "3 OK",
    "bal": "100.00", "opr": "46000 China Mobile", "sn": "13912345678",
    "imei": "860000000000002", "imsi": "460001234567890",
    "iccid": "89860012345678901234",
}  # fmt: skip


def fixture_port_objects() -> list[dict[str, Any]]:
    """Every port object of the fixtures that the careful reader reads without problem."""
    names = [
        "dev_status_full_2b.json",
        "dev_status_mixed_port_notations.json",
        "dev_status_ports_without_sim.json",
        "dev_status_proxy_seed.json",
        "dev_status_seed.json",
        "dev_status_unknown_keys.json",
        "port_status_counters.json",
        "port_status_dataflow.json",
        "port_status_numbers_as_strings.json",
        "port_status_proxy_seed.json",
        "port_status_seed.json",
        "port_status_st_code_text.json",
        "port_status_status_key.json",
        "port_status_unknown_keys.json",
        "port_status_unregistered_opr.json",
    ]
    found = []
    for name in names:
        body = fixture_json(name)
        found += body["status"] if body["type"] == "dev-status" else [body]
    return [data for data in found if not read_carefully(data)[1]]


@pytest.mark.parametrize(
    "data",
    [
        gateway_object(),
        gateway_object(st="3 OK", sig="21", active="1", bal=0, dataflow_1hour=12.06),
        gateway_object(sim=None, opr="0 ", tot_dur=None, extra="unknown"),
        gateway_object(bal="", sig="", active="", dataflow_url=""),
        {"port": "1A", "sim": "", "seq": 7, "st": 0, "imei": "353689535000035"},
        PROXY_PORT_STATUS,
        *fixture_port_objects(),
    ],
)
def test_gateways_objects_take_the_fast_path(data: dict[str, Any]) -> None:
    """What gateways send, in every variant seen, is read fast, and as carefully."""
    clear_readers()

    read = read_plain(json.loads(json.dumps(data)), ADDRESS)

    assert read is not None
    assert_same_state(read[0], read_carefully(data)[0])


@pytest.mark.parametrize(
    "changes",
    [
        {"st": "OK"},
        {"sig": "strong"},
        {"sig": 2**80},
        {"active": 2},
        {"bal": "NaN"},
        {"bal": " "},
        {"imei": 353689535000035},
        {"tot_dur": "x/5"},
        {"extra": [1]},
        {"seq": {"n": 1}},
    ],
)
def test_an_odd_value_leaves_the_object_to_the_careful_reader(
    changes: dict[str, Any],
) -> None:
    """Any value that is not plain makes the fast path give up, whatever it means."""
    assert read_plain(gateway_object(**changes), ADDRESS) is None


def test_objects_of_no_gateways_size_get_no_reader() -> None:
    """A stranger's object with many keys is read the careful way, and no reader kept."""
    data = gateway_object(**{f"k{number}": number for number in range(40)})

    assert read_plain(data, ADDRESS) is None
    assert read_carefully(data)[0].unknown_keys == {f"k{n}" for n in range(40)}
