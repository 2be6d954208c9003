"""The simulator's status, command and parameter endpoints, through ``EjoinClient``.

These double as integration tests of the project's client against a whole gateway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from custom_components.ejoin.pyejoin import (
    Command,
    CommandOp,
    DeviceStatusReport,
    EjoinAuthenticationError,
    EjoinClient,
    EjoinCommandError,
    EjoinConnectionError,
    PortAddress,
    PortStatus,
    PortStatusReport,
    parse_report,
)

from .conftest import (
    FIRMWARE,
    JSON_TYPE,
    MAC,
    WRONG_PASSWORD,
    Control,
    PushReceiver,
    StartSimulator,
    gateway_get,
    make_client,
    settle,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    import aiohttp

    from ejoin_simulator import Simulator


SMS_URL = "http://127.0.0.1:9/sms"


def port_is(port: str, status: int) -> Callable[[dict[str, Any]], bool]:
    """Match a push body about one port (as written on the wire) in one status."""
    return lambda body: body.get("port") == port and body.get("st") == status


def addr(text: str) -> PortAddress:
    """Read a port address the way the gateway writes it."""
    return PortAddress.parse(text)


async def await_reregistration(receiver: PushReceiver, port: str) -> None:
    """Wait for a port's port-status while registering (2), then once registered (3)."""
    await receiver.next("port-status", where=port_is(port, 2))
    await receiver.next("port-status", where=port_is(port, 3))


# --- status and reports -------------------------------------------------------------


async def test_get_status_reports_each_port_with_its_active_sim(
    client: EjoinClient, control: Control
) -> None:
    """A dev-status of 4 registered ports, the active slot (1) of each, as the state says."""
    report = await client.get_status()
    state = await control.state()
    assert isinstance(report, DeviceStatusReport)
    assert report.problems == ()
    assert report.unknown_keys == frozenset()
    assert (report.mac, report.firmware, report.ip) == (MAC, FIRMWARE, "127.0.0.1")
    # 60000, the status spec's own example, whatever the period.
    assert (report.max_ports, report.max_slots, report.expires) == (4, 4, 60000)
    assert [port.address for port in report.ports] == [
        PortAddress(port=number, slot=1) for number in range(1, 5)
    ]
    for port in report.ports:
        sim = state["ports"][str(port.address.port)]["sims"]["1"]
        assert port.status is PortStatus.REGISTERED
        assert port.registered is True
        assert (port.iccid, port.imsi, port.sim_number) == (
            sim["iccid"],
            sim["imsi"],
            sim["number"],
        )
        assert port.imei == state["ports"][str(port.address.port)]["imei"]
        assert port.operator is not None
        assert port.operator.name == sim["operator"]
        assert port.balance == sim["balance"]
        assert port.signal == sim["signal"]
        assert port.call_minutes.total is not None
        assert port.call_minutes.total.used == 0
        assert port.call_minutes.total.limit is None
    assert len({port.iccid for port in report.ports}) == 4


async def test_get_status_with_all_sims_reports_every_slot(
    client: EjoinClient, control: Control
) -> None:
    """all_sims=1 lists 16 slots; only slot 1 of each port is active and registered."""
    report = await client.get_status(all_sims=True)
    state = await control.state()
    assert state["all_sims"] is True
    assert report.problems == ()
    assert [port.address for port in report.ports] == [
        PortAddress(port=number, slot=slot)
        for number in range(1, 5)
        for slot in range(1, 5)
    ]
    for port in report.ports:
        sim = state["ports"][str(port.address.port)]["sims"][str(port.address.slot)]
        assert port.iccid == sim["iccid"]
        if port.address.slot == 1:
            assert port.status is PortStatus.REGISTERED
            assert port.operator is not None
            assert port.operator.name == sim["operator"]
        else:
            assert port.status is PortStatus.IDLE_SIM
            assert (port.operator, port.signal) == (None, 0)
    assert len({port.iccid for port in report.ports}) == 16
    again = await client.get_status(all_sims=False)
    assert len(again.ports) == 4


async def test_report_url_and_period_make_periodic_dev_status_pushes(
    client: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """The simulator stores URL and period and pushes dev-status every period as JSON."""
    await client.get_status(report_url=receiver.url(), period=1)
    state = await control.state()
    assert (state["report_url"], state["report_period"]) == (receiver.url(), 1)
    first = await receiver.next("dev-status")
    second = await receiver.next("dev-status")
    for push in (first, second):
        assert push.path == "/reports"
        assert push.content_type == JSON_TYPE
        parsed = parse_report(push.body)
        assert isinstance(parsed, DeviceStatusReport)
        assert parsed.problems == ()
        assert (parsed.mac, parsed.expires, len(parsed.ports)) == (MAC, 60000, 4)
    assert second.body["seq"] == first.body["seq"] + 1


async def test_period_zero_stops_periodic_pushes(
    client: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """After period 0 the URL is kept but no dev-status comes any more."""
    await client.get_status(report_url=receiver.url(), period=1)
    await receiver.next("dev-status")
    await client.get_status(period=0)
    state = await control.state()
    assert (state["report_url"], state["report_period"]) == (receiver.url(), 0)
    await settle(control, receiver)  # a dev-status queued before period 0 is in
    receiver.skip()
    await receiver.expect_none("dev-status", within=1.5)  # longer than the old period
    await settle(control, receiver)  # event pushes still go to the kept URL


async def test_period_is_raised_to_the_minimum_and_negative_cancels(
    start_simulator: StartSimulator,
    session: aiohttp.ClientSession,
    receiver: PushReceiver,
) -> None:
    """With the device's 60 s minimum, 30 becomes 60, 90 stays 90 and -5 becomes 0.

    The proxy firmware says the period as ``expires`` (180 when none is set).
    """
    simulator = await start_simulator(min_period=60, profile="proxy")
    control = Control(session, simulator)
    for asked, kept in ((30, 60), (90, 90), (-5, 0)):
        answer = await gateway_get(
            simulator,
            session,
            "goip_get_status.html",
            f"url={receiver.url()}&period={asked}",
        )
        assert (await control.state())["report_period"] == kept
        assert answer.json()["expires"] == (kept or 180)


async def test_wrong_credentials_raise_authentication_error(
    simulator: Simulator, session: aiohttp.ClientSession, control: Control
) -> None:
    """A wrong password is refused on status, commands and SMS, and changes nothing."""
    bad = make_client(simulator, session, password=WRONG_PASSWORD)
    with pytest.raises(EjoinAuthenticationError):
        await bad.get_status(report_url="http://127.0.0.1:9/x", period=60)
    with pytest.raises(EjoinAuthenticationError):
        await bad.lock("1")
    with pytest.raises(EjoinAuthenticationError):
        await bad.read_sms()
    state = await control.state()
    assert (state["report_url"], state["report_period"]) == (None, 0)
    assert state["ports"]["1"]["locked"] is False


# --- commands -----------------------------------------------------------------------


async def test_lock_and_unlock_change_status_and_push_port_status(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """Lock makes port 2 user-locked (12), unlock registered (3); each pushes once."""
    await reporting.lock([addr("2")])
    locked = await receiver.next("port-status")
    assert locked.body["port"] == "2.01"
    assert locked.body["st"] == 12
    assert locked.content_type == JSON_TYPE
    parsed = parse_report(locked.body)
    assert isinstance(parsed, PortStatusReport)
    assert parsed.port is not None
    assert parsed.port.status is PortStatus.USER_LOCKED
    assert parsed.port.registered is False
    state = await control.state()
    assert (state["ports"]["2"]["locked"], state["ports"]["2"]["status"]) == (True, 12)
    report = await reporting.get_status()
    assert [port.status_code for port in report.ports] == [3, 12, 3, 3]

    await reporting.unlock([addr("2")])
    unlocked = await receiver.next("port-status")
    assert (unlocked.body["port"], unlocked.body["st"]) == ("2.01", 3)
    report = await reporting.get_status()
    assert [port.status_code for port in report.ports] == [3, 3, 3, 3]
    await settle(control, receiver)
    assert len(receiver.of_type("port-status")) == 3  # lock, unlock, the marker


async def test_several_commands_go_in_one_request(
    client: EjoinClient, simulator: Simulator
) -> None:
    """A ``multiple`` command locks ports 1 and 3 with one HTTP request."""
    before = simulator.requests
    await client.send_commands(
        [
            Command(op=CommandOp.LOCK, ports="1"),
            Command(op=CommandOp.LOCK, ports="3"),
        ]
    )
    assert simulator.requests == before + 1
    report = await client.get_status()
    assert [port.status_code for port in report.ports] == [12, 3, 12, 3]


async def test_commands_also_work_as_get_query(
    simulator: Simulator, session: aiohttp.ClientSession, control: Control
) -> None:
    """``?op=lock&port=2`` locks port 2, as the GET form of a command."""
    async with session.get(
        f"{simulator.url}/goip_send_cmd.html",
        params={"username": "root", "password": "root", "op": "lock", "port": "2"},
    ) as response:
        assert response.status == 200
        assert await response.json(content_type=None) == {"code": 0, "reason": "OK"}
    state = await control.state()
    assert [state["ports"][str(n)]["locked"] for n in range(1, 5)] == [
        False,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("ports", "locked"),
    [
        ("all", [True, True, True, True]),
        ("*", [True, True, True, True]),
        ("1,3", [True, False, True, False]),
        ("2-4", [False, True, True, True]),
        ("1, 3-4", [True, False, True, True]),
    ],
)
async def test_ports_expressions_name_the_right_ports(
    client: EjoinClient, control: Control, ports: str, locked: list[bool]
) -> None:
    """all, *, lists and ranges of whole ports, as the ``ports`` grammar has them."""
    await client.send_commands([Command(op=CommandOp.LOCK, ports=ports)])
    state = await control.state()
    assert [state["ports"][str(n)]["locked"] for n in range(1, 5)] == locked
    report = await client.get_status()
    assert [port.status_code == 12 for port in report.ports] == locked


async def test_lock_of_an_inactive_slot_leaves_the_active_sim_registered(
    client: EjoinClient,
) -> None:
    """Locking SIM 1B does not lock SIM 1A, the one port 1 is using."""
    await client.lock([addr("1B")])
    report = await client.get_status()
    assert report.ports[0].address == PortAddress(port=1, slot=1)
    assert report.ports[0].status is PortStatus.REGISTERED


@pytest.mark.parametrize("ports", ["1C,2D", "1.03,2.04"])
async def test_switch_reads_lettered_and_dotted_slots(
    client: EjoinClient, control: Control, ports: str
) -> None:
    """One switch moves port 1 to slot 3 and port 2 to slot 4, in either notation."""
    await client.send_commands([Command(op=CommandOp.SWITCH, ports=ports)])
    state = await control.state()
    assert [state["ports"][str(n)]["active_slot"] for n in range(1, 5)] == [3, 4, 1, 1]
    report = await client.get_status()
    assert [port.address for port in report.ports] == [
        addr("1.03"),
        addr("2.04"),
        addr("3.01"),
        addr("4.01"),
    ]


async def test_switch_makes_the_port_report_the_other_sim(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """Switching port 1 to slot 2: registering (2) then registered (3), with SIM 2."""
    sims = (await control.state())["ports"]["1"]["sims"]
    assert sims["1"]["iccid"] != sims["2"]["iccid"]
    await reporting.switch([addr("1B")])
    registering = await receiver.next("port-status")
    registered = await receiver.next("port-status")
    assert (registering.body["port"], registering.body["st"]) == ("1.02", 2)
    assert (registered.body["port"], registered.body["st"]) == ("1.02", 3)
    assert registering.body["active"] == registered.body["active"] == "1"
    assert registering.body["opr"] == "0 "  # not registered yet
    parsed = parse_report(registered.body)
    assert isinstance(parsed, PortStatusReport)
    assert parsed.port is not None
    assert parsed.port.address == PortAddress(port=1, slot=2)
    assert parsed.port.iccid == sims["2"]["iccid"]
    assert parsed.port.sim_number == sims["2"]["number"]
    report = await reporting.get_status()
    assert report.ports[0].address == PortAddress(port=1, slot=2)
    assert report.ports[0].iccid == sims["2"]["iccid"]
    assert report.ports[0].status is PortStatus.REGISTERED
    assert (await control.state())["ports"]["1"]["active_slot"] == 2


async def test_switch_without_a_slot_is_refused(
    client: EjoinClient, control: Control
) -> None:
    """A switch that names no slot is answered with code 2 and changes nothing."""
    with pytest.raises(EjoinCommandError) as info:
        await client.send_commands([Command(op=CommandOp.SWITCH, ports="1")])
    assert info.value.code == 2
    assert info.value.reason == "no slot to switch to on port 1"
    assert (await control.state())["ports"]["1"]["active_slot"] == 1


async def test_unknown_port_is_refused(client: EjoinClient) -> None:
    """A command on port 9 of a 4-port gateway is answered with code 2."""
    with pytest.raises(EjoinCommandError) as info:
        await client.lock([addr("9")])
    assert (info.value.code, info.value.reason) == (2, "unknown port 9")


async def test_redial_of_several_ports_is_one_request(
    reporting: EjoinClient,
    simulator: Simulator,
    control: Control,
    receiver: PushReceiver,
) -> None:
    """Redialling ports 1, 2 (named by a slot) and 3 sends one request; all three redial.

    On SMS firmware a redial is registering (2), then registered (3); port 4 is left
    alone.
    """
    before = simulator.requests
    await reporting.redial([addr("1"), addr("2C"), addr("3")])
    assert simulator.requests == before + 1
    for port in ("1.01", "2.01", "3.01"):
        await await_reregistration(receiver, port)
    await settle(control, receiver)
    assert [push.body["port"] for push in receiver.of_type("port-status")] == [
        "1.01",
        "2.01",
        "3.01",
        "1.01",
        "2.01",
        "3.01",
        "4.01",  # the marker of settle()
    ]


async def test_reset_restarts_the_module_of_the_port(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """Reset of 3C resets port 3 as a whole: it re-registers on its active slot."""
    await reporting.reset([addr("3C")])
    await await_reregistration(receiver, "3.01")
    state = await control.state()
    assert state["ports"]["3"]["active_slot"] == 1
    assert state["ports"]["3"]["status"] == 3


async def test_save_copies_the_running_settings_and_changes_nothing_else(
    reporting: EjoinClient,
    simulator: Simulator,
    session: aiohttp.ClientSession,
    control: Control,
) -> None:
    """Save is one request; the running SMS URL becomes the saved one, all else stays."""
    answer = await gateway_get(
        simulator, session, "goip_send_cmd.html", f"op=set&sms_url={SMS_URL}"
    )
    assert answer.json() == {"code": 0, "reason": "OK"}
    before = await control.state()
    assert (before["sms_url"], before["saved_sms_url"]) == (SMS_URL, None)
    requests = simulator.requests
    await reporting.save()
    assert simulator.requests == requests + 1
    assert await control.state() == {**before, "saved_sms_url": SMS_URL}


async def test_reboot_goes_away_and_comes_back_with_a_new_ssrc(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """Reboot: connections fail for a while, then a fresh dev-status and a new ssrc."""
    old = await reporting.read_sms()
    assert old.ssrc == (await control.state())["ssrc"]
    await reporting.reboot()
    with pytest.raises(EjoinConnectionError):
        await reporting.get_status()
    assert (await control.state())["offline"] is True  # the control API still answers
    push = await receiver.next("dev-status")
    parsed = parse_report(push.body)
    assert isinstance(parsed, DeviceStatusReport)
    assert [port.status_code for port in parsed.ports] == [3, 3, 3, 3]
    new = await reporting.read_sms()
    state = await control.state()
    assert new.ssrc != old.ssrc
    assert (new.ssrc, state["offline"]) == (state["ssrc"], False)
    assert (await reporting.get_status()).mac == MAC


async def test_reboot_numbers_the_sms_store_from_one_again(
    reporting: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """After a reboot the kept SMS are read from position 1 again, under the new ssrc."""
    for text in ("first", "second", "third"):
        await control.post("sms", {"port": 1, "text": text})
    before = await reporting.read_sms(start=3)
    assert [message.text for message in before.messages] == ["third"]
    await reporting.reboot()
    await receiver.next("dev-status")

    after = await reporting.read_sms(start=1)
    assert after.ssrc != before.ssrc
    assert [message.text for message in after.messages] == ["first", "second", "third"]
    assert after.next_index == 4


# --- parameters -----------------------------------------------------------------------


async def test_sms_url_is_read_and_set(
    client: EjoinClient, control: Control, receiver: PushReceiver
) -> None:
    """No SMS URL at first; one set is read back and kept in the state."""
    assert await client.get_sms_url() is None
    await client.set_sms_url(receiver.url("/sms?token=a&b"))
    assert await client.get_sms_url() == receiver.url("/sms?token=a&b")
    assert (await control.state())["sms_url"] == receiver.url("/sms?token=a&b")


async def test_unknown_parameter_is_refused(client: EjoinClient) -> None:
    """A parameter the gateway does not know is answered with code 4."""
    with pytest.raises(EjoinCommandError) as info:
        await client.get_parameters("no_such_thing")
    assert (info.value.code, info.value.reason) == (
        4,
        "unknown parameter no_such_thing",
    )


async def test_sim_numbers_show_in_the_next_dev_status(
    client: EjoinClient, control: Control
) -> None:
    """Numbers set for 2A and for the inactive 3D are reported as their sim_number."""
    count = await client.set_sim_numbers(
        {addr("2A"): "+4915112345678", addr("3D"): "+4915187654321"},
        slots_per_port=4,
    )
    assert count == 2
    report = await client.get_status(all_sims=True)
    numbers = {port.address: port.sim_number for port in report.ports}
    assert numbers[PortAddress(port=2, slot=1)] == "+4915112345678"
    assert numbers[PortAddress(port=3, slot=4)] == "+4915187654321"
    state = await control.state()
    assert state["ports"]["2"]["sims"]["1"]["number"] == "+4915112345678"
    assert state["ports"]["3"]["sims"]["4"]["number"] == "+4915187654321"
    assert state["ports"]["1"]["sims"]["1"]["number"] == numbers[addr("1A")]
