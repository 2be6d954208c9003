"""The two firmware profiles' shapes, over raw HTTP: SMS gateway and proxy (MultiWAN).

Each test pins a shape to the vendor document it comes from: the status report API
(SMS firmware) or the proxy gateway HTTP API, plus what real devices were seen to send.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from .conftest import (
    FIRMWARE,
    MAC,
    PROXY_LOGIN,
    Control,
    PushReceiver,
    gateway_get,
    port_number,
)

if TYPE_CHECKING:
    from ejoin_simulator import Simulator

    from .conftest import StartSimulator

SMS_DEV_STATUS_KEYS = [
    "port",
    "sim",
    "seq",
    "st",
    "imei",
    "iccid",
    "imsi",
    "sn",
    "opr",
    "bal",
    "sig",
    "tot_dur",
    "mon_dur",
    "day_dur",
    "mcn_tot",
    "mcn_mon",
    "mcn_day",
    "mtn_tot",
    "mtn_mon",
    "mtn_day",
    "smsctl_tot",
    "smsctl_mon",
    "smsctl_day",
    "dataflow_tot",
    "dataflow_day",
    "dataflow_24hours",
    "dataflow_1hour",
    "dataflow_last",
    "dataflow_url",
]
# The status spec's port-status (4.1), with ``active`` from its table.
SMS_PORT_STATUS_KEYS = [
    "type",
    "port",
    "sim",
    "seq",
    "st",
    "active",
    "imei",
    "iccid",
    "imsi",
    "sn",
    "opr",
    "bal",
    "sig",
    "tot_dur",
    "mon_dur",
    "day_dur",
]
DATAFLOW_KEYS = [
    "dataflow_tot",
    "dataflow_day",
    "dataflow_24hours",
    "dataflow_1hour",
    "dataflow_last",
    "dataflow_url",
]
PROXY_DEV_STATUS_KEYS = [
    "port",
    "seq",
    "st",
    "bal",
    "opr",
    "sn",
    "imei",
    "imsi",
    "iccid",
    "sig",
    *DATAFLOW_KEYS,
]
# Exactly the proxy spec's example (3.4).
PROXY_PORT_STATUS_KEYS = [
    "type",
    "port",
    "seq",
    "status",
    "bal",
    "opr",
    "sn",
    "imei",
    "imsi",
    "iccid",
]
DEV_STATUS_KEYS = [
    "type",
    "seq",
    "expires",
    "mac",
    "ip",
    "ver",
    "max-ports",
    "max-slots",
    "status",
]


def of_port(number: int) -> Any:
    """Match a push body about one port."""
    return lambda body: port_number(body) == number


async def status_of(
    simulator: Simulator, session: aiohttp.ClientSession, query: str = ""
) -> dict[str, Any]:
    """GET goip_get_status.html and return the dev-status exactly as sent."""
    answer = await gateway_get(simulator, session, "goip_get_status.html", query)
    assert answer.status == 200
    body: dict[str, Any] = answer.json()
    return body


async def command(
    simulator: Simulator, session: aiohttp.ClientSession, query: str
) -> Any:
    """GET goip_send_cmd.html with a query and return its decoded JSON answer."""
    answer = await gateway_get(simulator, session, "goip_send_cmd.html", query)
    assert answer.status == 200
    return answer.json()


async def report_to(
    simulator: Simulator, session: aiohttp.ClientSession, receiver: PushReceiver
) -> None:
    """Tell a simulator to push its reports to the receiver."""
    await status_of(simulator, session, f"url={receiver.url()}")


# --- SMS firmware -----------------------------------------------------------------------


async def test_sms_dev_status_has_the_status_spec_fields_and_no_active(
    simulator: Simulator, session: aiohttp.ClientSession, control: Control
) -> None:
    """Every field but ``active``, with or without all SIMs; expires 60000."""
    state = await control.state()
    for query, slots in (("", [1]), ("all_sims=1", [1, 2, 3, 4])):
        body = await status_of(simulator, session, query)
        assert list(body) == DEV_STATUS_KEYS
        assert (body["expires"], body["ver"], body["mac"]) == (60000, FIRMWARE, MAC)
        assert [port["port"] for port in body["status"]] == [
            f"{number}.{slot:02d}" for number in range(1, 5) for slot in slots
        ]
        for port in body["status"]:
            assert list(port) == SMS_DEV_STATUS_KEYS
            number, slot = port["port"].split(".")
            sim = state["ports"][number]["sims"][str(int(slot))]
            assert (port["iccid"], port["sn"]) == (sim["iccid"], sim["number"])
            assert port["st"] == (3 if slot == "01" else 1)


async def test_sms_port_status_has_the_status_spec_shape(
    simulator: Simulator,
    session: aiohttp.ClientSession,
    control: Control,
    receiver: PushReceiver,
) -> None:
    """A lock pushes the spec's port-status: active "1", no traffic or SMS counters."""
    await report_to(simulator, session, receiver)
    assert await command(simulator, session, "op=lock&port=2") == {
        "code": 0,
        "reason": "OK",
    }
    push = await receiver.next("port-status")
    assert list(push.body) == SMS_PORT_STATUS_KEYS
    sim = (await control.state())["ports"]["2"]["sims"]["1"]
    assert push.body | {"seq": 0} == {
        "type": "port-status",
        "port": "2.01",
        "sim": "",
        "seq": 0,
        "st": 12,
        "active": "1",
        "imei": (await control.state())["ports"]["2"]["imei"],
        "iccid": sim["iccid"],
        "imsi": sim["imsi"],
        "sn": sim["number"],
        "opr": "0 ",  # a locked SIM is not on its network
        "bal": f"{sim['balance']:.2f}",
        "sig": 0,
        "tot_dur": "0/-1",
        "mon_dur": "0/-1",
        "day_dur": "0/-1",
    }


async def test_sms_firmware_answers_get_at_top_level(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    """op=get: the values beside code and reason, not nested."""
    assert await command(simulator, session, "op=get&sms_url") == {
        "code": 0,
        "reason": "OK",
        "sms_url": "",
    }
    await command(simulator, session, "op=set&sms_url=http%3A%2F%2F127.0.0.1%3A9%2Fs")
    assert await command(simulator, session, "op=get&sms_url&Version=1.1") == {
        "code": 0,
        "reason": "OK",
        "sms_url": "http://127.0.0.1:9/s",
    }


@pytest.mark.parametrize(
    "name",
    [
        "port_public_ip",
        "Port_public_ip(0)",
        "Ports_rx_tx",
        "Port_rx_tx(1)",
        "port_status",
        "data_service_enable",
        "data_service_enable(0)",
    ],
)
async def test_sms_firmware_does_not_know_the_proxy_parameters(
    simulator: Simulator, session: aiohttp.ClientSession, name: str
) -> None:
    """The proxy firmware's parameters are unknown: code 4, with HTTP 200."""
    answer = await gateway_get(
        simulator, session, "goip_send_cmd.html", f"op=get&{name}"
    )
    assert answer.status == 200
    assert answer.json() == {"code": 4, "reason": f"unknown parameter {name}"}


async def test_sms_switch_pushes_the_new_slot_registering_then_registered(
    simulator: Simulator, session: aiohttp.ClientSession, receiver: PushReceiver
) -> None:
    """Switching port 3 to slot 2 pushes 3.02 as working: st 2, then st 3."""
    await report_to(simulator, session, receiver)
    await command(simulator, session, "op=switch&ports=3.02")
    first = await receiver.next("port-status")
    second = await receiver.next("port-status")
    assert [
        (push.body["port"], push.body["st"], push.body["active"])
        for push in (first, second)
    ] == [
        ("3.02", 2, "1"),
        ("3.02", 3, "1"),
    ]


# --- proxy firmware ------------------------------------------------------------------------


async def test_proxy_dev_status_reports_dial_successful_ports(
    proxy: Simulator, session: aiohttp.ClientSession
) -> None:
    """Status 15 on every port; identity, signal and traffic only; expires = period."""
    control = Control(session, proxy)
    state = await control.state()
    assert (state["firmware"], state["ver"]) == ("proxy", FIRMWARE)
    body = await status_of(proxy, session)
    assert list(body) == DEV_STATUS_KEYS
    assert body["expires"] == 180  # no period set: the spec's default
    for port in body["status"]:
        assert list(port) == PROXY_DEV_STATUS_KEYS
        number = str(port_number(port))
        sim = state["ports"][number]["sims"]["1"]
        assert port["port"] == f"{number}.01"
        assert port["st"] == 15
        assert port["sig"] == sim["signal"]
        assert (port["iccid"], port["imsi"], port["sn"]) == (
            sim["iccid"],
            sim["imsi"],
            sim["number"],
        )
        assert port["opr"].endswith(sim["operator"])
    assert [state["ports"][str(n)]["status"] for n in range(1, 5)] == [15] * 4
    with_period = await status_of(proxy, session, "period=60")
    assert with_period["expires"] == 60


async def test_proxy_logs_in_as_admin_and_sets_a_cookie_nobody_needs(
    proxy: Simulator, session: aiohttp.ClientSession
) -> None:
    """admin/admin by default; goip_get_status sets a cookie; commands work without it."""
    assert (proxy.username, proxy.password) == (PROXY_LOGIN, PROXY_LOGIN)
    answer = await gateway_get(proxy, session, "goip_get_status.html")
    assert answer.status == 200
    assert answer.headers["Set-Cookie"].startswith("SESSIONID=")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as fresh:
        assert await command(proxy, fresh, "op=lock&port=1") == {
            "code": 0,
            "reason": "OK",
        }
        assert await command(proxy, fresh, "op=get&port_status") == {
            "data": {"port_status": [12, 15, 15, 15]}
        }
    refused = await gateway_get(
        proxy,
        session,
        "goip_get_status.html",
        "username=root&password=root",
        login=False,
    )
    assert refused.headers["Content-Type"] == "text/html"


async def test_proxy_port_status_is_exactly_the_spec_example(
    proxy: Simulator, session: aiohttp.ClientSession, receiver: PushReceiver
) -> None:
    """Lock and unlock of port 2: "status" as code and text, nothing else added."""
    await report_to(proxy, session, receiver)
    sim = (await Control(session, proxy).state())["ports"]["2"]["sims"]["1"]
    await command(proxy, session, "op=lock&port=2")
    locked = await receiver.next("port-status")
    await command(proxy, session, "op=unlock&port=2")
    unlocked = await receiver.next("port-status")
    for push in (locked, unlocked):
        assert list(push.body) == PROXY_PORT_STATUS_KEYS
        assert (push.body["port"], push.body["iccid"], push.body["sn"]) == (
            "2.01",
            sim["iccid"],
            sim["number"],
        )
    assert (locked.body["status"], locked.body["opr"]) == ("12 User locked", "0 ")
    assert unlocked.body["status"] == "15 Dial successful"
    assert unlocked.body["opr"].endswith(sim["operator"])
    assert unlocked.body["seq"] == locked.body["seq"] + 1


async def public_ips(proxy: Simulator, session: aiohttp.ClientSession) -> list[str]:
    """Read every port's public IP with op=get, as the proxy firmware answers it."""
    body = await command(proxy, session, "op=get&port_public_ip")
    assert list(body) == ["data"]
    ips: list[str] = body["data"]["port_public_ip"]
    return ips


@pytest.mark.parametrize(
    ("query", "address", "new_ip"),
    [
        ("op=redial&port=2", "2.01", True),
        ("op=redial&port=2&mode=0", "2.01", True),
        ("op=redial&port=2&mode=1", "2.01", False),
        ("op=reset&port=2", "2.01", True),
        ("op=switch&ports=2C", "2.03", True),
    ],
    ids=["redial", "flight", "fast", "reset", "switch"],
)
async def test_proxy_redial_goes_registering_registered_then_dial_successful(
    start_simulator: StartSimulator,
    session: aiohttp.ClientSession,
    receiver: PushReceiver,
    query: str,
    address: str,
    new_ip: bool,
) -> None:
    """2 at once, 3 after half the delay, 15 after the delay; a new IP in flight mode."""
    delay = 0.6
    proxy = await start_simulator(profile="proxy", command_delay=delay)
    await report_to(proxy, session, receiver)
    before = await public_ips(proxy, session)
    started = time.monotonic()
    assert await command(proxy, session, query) == {"code": 0, "reason": "OK"}
    during = await command(proxy, session, "op=get&port_status")
    assert during == {"data": {"port_status": [15, 2, 15, 15]}}
    pushes = [await receiver.next("port-status", where=of_port(2)) for _ in range(3)]
    assert [push.body["status"] for push in pushes] == [
        "2 Registering",
        "3 OK",
        "15 Dial successful",
    ]
    assert {push.body["port"] for push in pushes} == {address}
    assert time.monotonic() - started >= delay
    after = await public_ips(proxy, session)
    assert (after[1] != before[1]) is new_ip
    assert [after[n] for n in (0, 2, 3)] == [before[n] for n in (0, 2, 3)]
    assert await command(proxy, session, "op=get&port_status") == {
        "data": {"port_status": [15, 15, 15, 15]}
    }


async def test_proxy_redial_is_registered_halfway(
    start_simulator: StartSimulator, session: aiohttp.ClientSession
) -> None:
    """Between half the delay and the delay, op=get says the port is registered (3)."""
    proxy = await start_simulator(profile="proxy", command_delay=2.0)
    await command(proxy, session, "op=redial&port=1")
    statuses = await command(proxy, session, "op=get&port_status")
    assert statuses == {"data": {"port_status": [2, 15, 15, 15]}}
    await asyncio.sleep(1.2)
    statuses = await command(proxy, session, "op=get&port_status")
    assert statuses == {"data": {"port_status": [3, 15, 15, 15]}}


async def test_proxy_get_answers_nested_under_data(
    proxy: Simulator, session: aiohttp.ClientSession
) -> None:
    """Each parameter under "data", no code or reason; indexed names count from 0."""
    ports = proxy.gateway.ports
    ports[3].rx_bytes, ports[3].tx_bytes = 7_000, 3_000
    ips = [port.public_ip for port in ports.values()]
    traffic = [f"{port.rx_bytes}/{port.tx_bytes}" for port in ports.values()]
    assert traffic[2] == "7000/3000"
    expected = {
        "port_public_ip": {"port_public_ip": ips},
        "port_status": {"port_status": [15, 15, 15, 15]},
        "Ports_rx_tx": {"Ports_rx_tx": traffic},
        "Port_public_ip(2)": {"Port_public_ip(2)": ips[2]},
        "Port_rx_tx(2)": {"Port_rx_tx(2)": "7000/3000"},
        "sms_url": {"sms_url": ""},
        "data_service_enable": {"data_service_enable": [1, 1, 1, 1]},
        "data_service_enable(3)": {"data_service_enable(3)": 1},
        "port_public_ip&port_status": {
            "port_public_ip": ips,
            "port_status": [15, 15, 15, 15],
        },
    }
    for names, data in expected.items():
        assert await command(proxy, session, f"op=get&{names}") == {"data": data}
    assert await command(proxy, session, "op=get&Port_public_ip(4)") == {
        "code": 4,
        "reason": "no port for Port_public_ip(4)",
    }
