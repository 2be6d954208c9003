"""``--quirks`` mode (the real-world variants) and lettered port notation.

A quirks gateway and a plain one made from the same seed hold the same SIMs, so the
project's parser must read both into the same values.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from custom_components.ejoin.pyejoin import (
    DeviceStatusReport,
    PortAddress,
    PortStatusReport,
    SmsReceivedReport,
    SmsSentReport,
    SmsTask,
    TaskProgressReport,
    TaskStatus,
    parse_report,
)
from ejoin_simulator import Gateway

from .conftest import (
    MAC,
    Control,
    PushReceiver,
    StartSimulator,
    gateway_get,
    make_client,
)

if TYPE_CHECKING:
    import aiohttp

    from ejoin_simulator import Simulator


def identities(gateway: Gateway) -> list[tuple[str, ...]]:
    """List each port's IMEI and public IP and the ICCID, IMSI and number of its SIMs."""
    return [
        (
            port.imei,
            port.public_ip,
            *(
                f"{sim.iccid}/{sim.imsi}/{sim.number}"
                for sim in port.slots.values()
                if sim
            ),
        )
        for port in gateway.ports.values()
    ]


def test_gateways_from_one_seed_hold_the_same_sims() -> None:
    """Gateway.create is deterministic: same seed, same identities; another seed differs."""
    first = Gateway.create(ports=4, slots=4, mac=MAC, firmware="1")
    quirky = Gateway.create(ports=4, slots=4, mac=MAC, firmware="1", quirks=True)
    other = Gateway.create(ports=4, slots=4, mac=MAC, firmware="1", seed=2)
    assert identities(first) == identities(quirky)
    assert identities(first) != identities(other)
    assert len({port.imei for port in first.ports.values()}) == 4


async def raw_status(
    simulator: Simulator, session: aiohttp.ClientSession, query: str = ""
) -> dict[str, Any]:
    """GET goip_get_status.html and return the JSON exactly as the simulator sent it."""
    answer = await gateway_get(simulator, session, "goip_get_status.html", query)
    assert answer.status == 200
    body: dict[str, Any] = answer.json()
    return body


async def raw_get(
    simulator: Simulator, session: aiohttp.ClientSession, path: str, query: str
) -> Any:
    """GET a gateway endpoint and return its JSON answer."""
    answer = await gateway_get(simulator, session, path, query)
    assert answer.status == 200
    return answer.json()


async def test_quirks_dev_status_uses_the_real_world_variants(
    start_simulator: StartSimulator, session: aiohttp.ClientSession
) -> None:
    """max-slot, expires -1, st as 3 / "3" / "3 OK", numbers as text, mixed ports."""
    body = await raw_status(await start_simulator(quirks=True), session)
    assert [port["port"] for port in body["status"]] == ["1.01", "2A", "3.01", "4A"]
    assert body["max-slot"] == 4
    assert "max-slots" not in body
    assert body["expires"] == -1
    assert [port["st"] for port in body["status"]] == ["3", "3 OK", 3, "3"]
    for port in body["status"]:
        assert isinstance(port["seq"], str)
        assert isinstance(port["sig"], str)
        assert isinstance(port["bal"], str)
    plain = await raw_status(await start_simulator(), session)
    assert (plain["max-slots"], "max-slot" in plain) == (4, False)
    assert [port["st"] for port in plain["status"]] == [3, 3, 3, 3]
    assert all(isinstance(port["sig"], int) for port in plain["status"])


async def test_quirks_dev_status_parses_to_the_same_values(
    start_simulator: StartSimulator, session: aiohttp.ClientSession
) -> None:
    """Every registered port reads as status 3, no problems, the same as the plain one."""
    quirky = parse_report(await raw_status(await start_simulator(quirks=True), session))
    plain = parse_report(await raw_status(await start_simulator(), session))
    assert isinstance(quirky, DeviceStatusReport)
    assert isinstance(plain, DeviceStatusReport)
    assert quirky.problems == ()
    assert quirky.unknown_keys == frozenset()
    assert [port.status_code for port in quirky.ports] == [3, 3, 3, 3]
    assert [port.status_text for port in quirky.ports] == [None, "OK", None, None]
    assert (quirky.max_slots, quirky.max_ports, quirky.expires) == (4, 4, -1)
    assert [replace(port, status_text=None) for port in quirky.ports] == list(
        plain.ports
    )
    assert replace(quirky, ports=(), expires=None) == replace(
        plain, ports=(), expires=None
    )


async def test_quirks_through_the_client(
    start_simulator: StartSimulator, session: aiohttp.ClientSession
) -> None:
    """The client reads the same ports from a quirks gateway as from a plain one."""
    quirky = make_client(await start_simulator(quirks=True), session)
    plain = make_client(await start_simulator(), session)
    quirky_status = await quirky.get_status(all_sims=True)
    plain_status = await plain.get_status(all_sims=True)
    assert len(quirky_status.ports) == 16
    assert [replace(port, status_text=None) for port in quirky_status.ports] == list(
        plain_status.ports
    )


async def test_quirks_mix_dotted_and_lettered_ports_in_one_report(
    start_simulator: StartSimulator,
    session: aiohttp.ClientSession,
    receiver: PushReceiver,
) -> None:
    """Odd ports dotted, even ports lettered, in one dev-status and in every push."""
    simulator = await start_simulator(quirks=True)
    body = await raw_status(simulator, session, "all_sims=1")
    assert [port["port"] for port in body["status"]] == [
        *("1.01", "1.02", "1.03", "1.04"),
        *("2A", "2B", "2C", "2D"),
        *("3.01", "3.02", "3.03", "3.04"),
        *("4A", "4B", "4C", "4D"),
    ]
    report = parse_report(body)
    assert isinstance(report, DeviceStatusReport)
    assert report.problems == ()
    assert [port.address for port in report.ports] == [
        PortAddress(port=number, slot=slot)
        for number in range(1, 5)
        for slot in range(1, 5)
    ]
    client = make_client(simulator, session)
    await client.get_status(report_url=receiver.url())
    control = Control(session, simulator)
    await control.post("port", {"port": 2, "signal": 9})
    await control.post("port", {"port": 3, "signal": 9})
    pushes = [await receiver.next("port-status") for _ in range(2)]
    assert [push.body["port"] for push in pushes] == ["2A", "3.01"]
    assert (await control.post("sms", {"port": 4, "slot": 2, "push": False}))["row"][
        1
    ] == "4B"


async def test_quirks_proxy_port_status_is_still_code_and_text(
    start_simulator: StartSimulator,
    session: aiohttp.ClientSession,
    receiver: PushReceiver,
) -> None:
    """On proxy firmware the dev-status mixes st forms; a port-status says "15 …"."""
    simulator = await start_simulator(quirks=True, profile="proxy")
    body = await raw_status(simulator, session, f"url={receiver.url()}")
    assert [port["st"] for port in body["status"]] == [
        "15",
        "15 Dial successful",
        15,
        "15",
    ]
    assert (body["expires"], body["max-slot"]) == (-1, 4)
    await Control(session, simulator).post("port", {"port": 3})
    push = await receiver.next("port-status")
    assert (push.body["port"], push.body["status"], push.body["seq"]) == (
        "3.01",
        "15 Dial successful",
        "2",
    )


async def test_quirks_reports_use_text_numbers_and_receiver(
    start_simulator: StartSimulator,
    session: aiohttp.ClientSession,
    receiver: PushReceiver,
) -> None:
    """recv-sms, sent-sms and status-report carry numbers as text; all parse cleanly."""
    simulator = await start_simulator(quirks=True)
    client = make_client(simulator, session)
    await client.get_status(report_url=receiver.url())
    await raw_get(
        simulator, session, "goip_send_cmd.html", f"op=set&sms_url={receiver.url()}"
    )
    await Control(session, simulator).post("sms", {"port": 2, "text": "quirky ✓"})
    received = await receiver.next("recv-sms")
    assert (received.body["sms_num"], received.body["sim_src"]) == ("1", "0")
    sms = parse_report(received.body)
    assert isinstance(sms, SmsReceivedReport)
    assert (sms.problems, sms.remote_sim) == ((), False)
    assert [message.text for message in sms.messages] == ["quirky ✓"]

    task = SmsTask(task_id=9, recipients=("+4915100000001",), text="hi", ports="2")
    assert await client.send_sms([task]) == (
        TaskStatus(task_id=9, code=0, reason="OK"),
    )
    sent_push = await receiver.next("sent-sms")
    assert sent_push.body["receiver"] == "+4915100000001"
    assert "recver" not in sent_push.body
    assert (sent_push.body["sim_src"], sent_push.body["status"]) == ("0", "0 ")
    sent = parse_report(sent_push.body)
    assert isinstance(sent, SmsSentReport)
    assert sent.problems == ()
    assert (sent.ok, sent.recipient, sent.task_id) == (True, "+4915100000001", 9)
    assert sent.address == PortAddress(port=2, slot=1)
    progress_push = await receiver.next("status-report")
    assert progress_push.body["rpt_num"] == "1"
    progress = parse_report(progress_push.body)
    assert isinstance(progress, TaskProgressReport)
    assert progress.problems == ()
    assert [(task.task_id, task.sent) for task in progress.tasks] == [(9, 1)]


async def test_quirks_port_status_of_a_locked_port(
    start_simulator: StartSimulator,
    session: aiohttp.ClientSession,
    receiver: PushReceiver,
) -> None:
    """Port 2 writes its status as code and text: "12 User locked" reads as 12."""
    simulator = await start_simulator(quirks=True)
    client = make_client(simulator, session)
    await client.get_status(report_url=receiver.url())
    await client.lock("2")
    push = await receiver.next("port-status")
    assert push.body["st"] == "12 User locked"
    report = parse_report(push.body)
    assert isinstance(report, PortStatusReport)
    assert report.problems == ()
    assert report.port is not None
    assert (report.port.status_code, report.port.status_text) == (12, "User locked")


async def test_lettered_notation_names_slots_by_letter(
    start_simulator: StartSimulator,
    session: aiohttp.ClientSession,
    receiver: PushReceiver,
) -> None:
    """Ports are written 1A..4A; a switch to 1C and an SMS on 2B keep the letters."""
    simulator = await start_simulator(lettered=True)
    client = make_client(simulator, session)
    body = await raw_status(simulator, session)
    assert [port["port"] for port in body["status"]] == ["1A", "2A", "3A", "4A"]
    status = await client.get_status(report_url=receiver.url())
    assert [port.address for port in status.ports] == [
        PortAddress(port=number, slot=1) for number in range(1, 5)
    ]
    await client.switch([PortAddress(port=1, slot=3)])
    assert (await receiver.next("port-status")).body["port"] == "1C"
    answer = await Control(session, simulator).post(
        "sms", {"port": 2, "slot": 2, "text": "lettered"}
    )
    assert answer["row"][1] == "2B"
    [message] = (await client.read_sms()).messages
    assert (message.address, message.text) == (PortAddress(port=2, slot=2), "lettered")
    assert (await client.get_status()).ports[0].address == PortAddress(port=1, slot=3)
