"""Tests of the gateway's HTTP client against a local stand-in for the gateway.

Every test checks the exact request that reached the stub (method, path, raw query,
Content-Type and body) and what the client made of the reply.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from datetime import UTC, datetime
import socket
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus, unquote, unquote_plus

import aiohttp
import pytest

from pyejoin import (
    Command,
    CommandOp,
    DeliveryReport,
    DeviceStatusReport,
    EjoinAuthenticationError,
    EjoinClient,
    EjoinCommandError,
    EjoinConnectionError,
    EjoinMalformedReplyError,
    EjoinNoAnswerError,
    PortAddress,
    ReceivedSms,
    RedialMode,
    SmsTask,
    TaskStatus,
)
from pyejoin.exceptions import EjoinTimeoutError
from pyejoin.port_state import Operator

from .gateway_stub import GatewayStub, RecordedRequest, Reply, parse_query

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

USERNAME = "admin"
PASSWORD = "p@ss w/rd&x=1?"
ENCODED_PASSWORD = quote(PASSWORD, safe="")
AUTH_QUERY = f"username={USERNAME}&password={ENCODED_PASSWORD}"
AUTH_PAIRS = [("username", USERNAME), ("password", PASSWORD)]
PASSWORD_FORMS = frozenset(
    {PASSWORD, quote(PASSWORD), quote(PASSWORD, safe=""), quote_plus(PASSWORD)}
)
JSON_TYPE = "application/json;charset=utf-8"
TEXT_TYPE = "text/plain;charset=utf-8"
CMD = "/goip_send_cmd.html"
OK = {"code": 0, "reason": "OK"}

DEV_STATUS: dict[str, Any] = {
    "type": "dev-status",
    "seq": 12,
    "expires": -1,
    "mac": "00-30-f1-01-02-03",
    "ip": "192.168.1.67",
    "ver": "EJOIN-2.2",
    "max-ports": 2,
    "max-slot": 4,
    "status": [
        {
            "port": "1A",
            "seq": 1,
            "st": "3 OK",
            "bal": "0.00",
            "opr": "46000 CHINA MOBILE",
            "sig": 25,
            "imei": "860000000000001",
        },
        {"port": "2.02", "seq": 2, "st": 0, "imei": "860000000000002"},
    ],
}


def addr(text: str) -> PortAddress:
    """Read a port address the way the gateway writes it."""
    return PortAddress.parse(text)


def free_port() -> int:
    """Return a port of 127.0.0.1 that nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def leaks_password(text: str) -> bool:
    """Whether a text holds the password in any raw or URL-encoded form."""
    return (
        any(form in text for form in PASSWORD_FORMS)
        or PASSWORD in unquote(text)
        or PASSWORD in unquote_plus(text)
    )


def linked_errors(err: BaseException) -> list[BaseException]:
    """Return every exception reachable through __cause__ and __context__."""
    found: list[BaseException] = []
    pending = [err.__cause__, err.__context__]
    while pending:
        linked = pending.pop()
        if linked is None or any(linked is seen for seen in found):
            continue
        found.append(linked)
        pending += [linked.__cause__, linked.__context__]
    return found


def assert_clean_message(err: BaseException) -> None:
    """Assert the password is nowhere in the error's str, repr or args."""
    texts = [str(err), repr(err), repr(err.args), *(str(arg) for arg in err.args)]
    assert not [text for text in texts if leaks_password(text)], texts


def assert_no_password(err: BaseException) -> None:
    """Assert the password is nowhere in the error nor in the errors linked to it."""
    assert_clean_message(err)
    for linked in linked_errors(err):
        texts = [str(linked), repr(linked), repr(linked.args)]
        assert not [text for text in texts if leaks_password(text)], texts


def assert_request(
    recorded: RecordedRequest,
    *,
    method: str,
    path: str,
    query: str = "",
    content_type: str | None = None,
    json_body: Any = None,
    text_body: str | None = None,
) -> None:
    """Assert one request's method, path, exact query (credentials first), type and body."""
    assert recorded.method == method
    assert recorded.path == path
    assert recorded.raw_query == (f"{AUTH_QUERY}&{query}" if query else AUTH_QUERY)
    assert recorded.query[:2] == AUTH_PAIRS
    assert recorded.content_type == content_type
    if json_body is not None:
        assert recorded.json() == json_body
    elif text_body is not None:
        assert recorded.text == text_body
    else:
        assert recorded.body == b""


def the_setting_then_save(gateway: GatewayStub) -> RecordedRequest:
    """Check that a setting was followed by a save command; return the setting's request.

    The gateway forgets a setting that is not saved at its next reboot.
    """
    assert len(gateway.requests) == 2, gateway.requests
    setting, save = gateway.requests
    assert_request(
        save,
        method="POST",
        path=CMD,
        content_type=JSON_TYPE,
        json_body={"type": "command", "op": "save"},
    )
    return setting


@pytest.fixture
async def gateway(socket_enabled: None) -> AsyncIterator[GatewayStub]:
    """Run a gateway stub on 127.0.0.1 for one test."""
    stub = GatewayStub()
    await stub.start()
    stub.set_json(OK)
    try:
        yield stub
    finally:
        await stub.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Open a client session for one test and close it afterwards."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


def client_of(
    gateway: GatewayStub, session: aiohttp.ClientSession, **options: Any
) -> EjoinClient:
    """Return a client of the stub with a password full of URL-special characters."""
    return EjoinClient(
        "127.0.0.1",
        port=gateway.port,
        username=USERNAME,
        password=PASSWORD,
        session=session,
        timeout=5,
        **options,
    )


@pytest.fixture
def client(gateway: GatewayStub, session: aiohttp.ClientSession) -> EjoinClient:
    """Return a client of the stub, reading replies with the standard library."""
    return client_of(gateway, session)


@pytest.fixture
def loading_client(
    gateway: GatewayStub,
    session: aiohttp.ClientSession,
    loads: Callable[[bytes | str], Any],
) -> EjoinClient:
    """Return a client of the stub that reads replies with each JSON loader."""
    return client_of(gateway, session, loads=loads)


# --- the stub itself ------------------------------------------------------------


def test_parse_query_keeps_bare_names_apart() -> None:
    """The stub's query parser tells a bare name from an empty value."""
    assert parse_query("") == []
    assert parse_query("a=1&b&c=&d=%26%20x") == [
        ("a", "1"),
        ("b", None),
        ("c", ""),
        ("d", "& x"),
    ]


# --- construction, repr and scrubbing ---------------------------------------------


async def test_repr_and_properties_hide_the_password(
    session: aiohttp.ClientSession,
) -> None:
    """The repr names host and port only; the port defaults to 80."""
    client = EjoinClient(
        "gw.local", username="root", password=PASSWORD, session=session
    )
    assert repr(client) == "EjoinClient(host='gw.local', port=80)"
    assert (client.host, client.port) == ("gw.local", 80)
    assert not leaks_password(repr(client))
    assert not leaks_password(str(client))


def test_scrub_removes_every_form_of_the_password(client: EjoinClient) -> None:
    """Raw, fully encoded and slash-keeping encoded forms, and password= values go."""
    text = (
        f"raw {PASSWORD} | {quote(PASSWORD, safe='')} | {quote(PASSWORD)} | "
        "http://h/x?username=admin&PASSWORD=something-else&op=get"
    )
    assert client.scrub(text) == (
        "raw *** | *** | *** | http://h/x?username=admin&PASSWORD=***&op=get"
    )


def test_scrub_catches_a_normalised_url_by_its_password_parameter(
    client: EjoinClient,
) -> None:
    """The query as yarl re-encodes it (p@ss%20w/rd…) is caught by password=."""
    text = "url='http://h/x?username=admin&password=p@ss%20w/rd%26x%3D1?'"
    assert client.scrub(text) == "url='http://h/x?username=admin&password=***'"


def test_scrub_without_password_still_hides_password_values(
    session: aiohttp.ClientSession,
) -> None:
    """An empty password removes only password= values, nothing else."""
    client = EjoinClient("h", username="u", password="", session=session)
    assert client.scrub("a b password=xyz&c=1") == "a b password=***&c=1"


# --- goip_get_status.html ---------------------------------------------------------


async def test_get_status_plain(client: EjoinClient, gateway: GatewayStub) -> None:
    """A bare status request is a GET with the credentials only; the reply is parsed."""
    gateway.set_json(DEV_STATUS)
    report = await client.get_status()
    assert_request(gateway.only_request, method="GET", path="/goip_get_status.html")
    assert isinstance(report, DeviceStatusReport)
    assert report.type == "dev-status"
    assert (report.sequence, report.expires, report.mac, report.ip) == (
        12,
        -1,
        "00-30-f1-01-02-03",
        "192.168.1.67",
    )
    assert (report.firmware, report.max_ports, report.max_slots) == ("EJOIN-2.2", 2, 4)
    assert [port.address for port in report.ports] == [addr("1A"), addr("2.02")]
    assert [port.status_code for port in report.ports] == [3, 0]
    assert report.ports[0].operator == Operator(code="46000", name="CHINA MOBILE")
    assert report.problems == ()


async def test_get_status_directs_reports(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """The url (encoded), period and all_sims follow the credentials in order."""
    gateway.set_json(DEV_STATUS)
    url = "http://192.168.1.10:8123/api/webhook/ab cd?x=1&y=2"
    await client.get_status(report_url=url, period=60, all_sims=True)
    recorded = gateway.only_request
    assert_request(
        recorded,
        method="GET",
        path="/goip_get_status.html",
        query="url=http%3A%2F%2F192.168.1.10%3A8123%2Fapi%2Fwebhook%2Fab%20cd%3Fx%3D1%26y%3D2"
        "&period=60&all_sims=1",
    )
    assert recorded.query[2:] == [("url", url), ("period", "60"), ("all_sims", "1")]


async def test_get_status_cancels_reports(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """A period of 0 and all_sims False are sent, not dropped."""
    gateway.set_json(DEV_STATUS)
    await client.get_status(period=0, all_sims=False)
    assert_request(
        gateway.only_request,
        method="GET",
        path="/goip_get_status.html",
        query="period=0&all_sims=0",
    )


async def test_get_status_reply_without_type_is_a_dev_status(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """A status reply that names no type (but carries code 0) is read as dev-status."""
    gateway.set_json(
        {key: value for key, value in DEV_STATUS.items() if key != "type"} | OK
    )
    report = await client.get_status()
    assert isinstance(report, DeviceStatusReport)
    assert report.mac == "00-30-f1-01-02-03"
    assert [port.address for port in report.ports] == [addr("1A"), addr("2.02")]
    assert (
        report.unknown_keys == frozenset()
    )  # code and reason are the reply's, not the report's


async def test_get_status_answered_with_another_report(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """A status request answered with a port-status report is a malformed reply."""
    gateway.set_json({"type": "port-status", "port": "1A", "st": 3})
    with pytest.raises(
        EjoinMalformedReplyError, match="something other than a dev-status"
    ) as info:
        await client.get_status()
    assert_no_password(info.value)


@pytest.mark.parametrize("kind", [None, ""])
async def test_get_status_reply_with_empty_type_is_a_dev_status(
    client: EjoinClient, gateway: GatewayStub, kind: Any
) -> None:
    """A status reply that names no type is read as the dev-status it must be."""
    gateway.set_json(DEV_STATUS | {"type": kind})
    report = await client.get_status()
    assert isinstance(report, DeviceStatusReport)
    assert report.mac == "00-30-f1-01-02-03"


async def test_get_status_with_unusable_type(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """A status reply whose type is not text is a malformed reply."""
    gateway.set_json(DEV_STATUS | {"type": 5})
    with pytest.raises(EjoinMalformedReplyError) as info:
        await client.get_status()
    assert_no_password(info.value)


# --- goip_send_cmd.html: commands ---------------------------------------------------


async def test_lock(client: EjoinClient, gateway: GatewayStub) -> None:
    """Locking sends one JSON command naming slots and whole ports."""
    assert await client.lock([addr("2B"), addr("1A"), addr("3")]) is None
    assert_request(
        gateway.only_request,
        method="POST",
        path=CMD,
        content_type=JSON_TYPE,
        json_body={"type": "command", "op": "lock", "ports": "1A,2B,3"},
    )


async def test_lock_all_by_string(client: EjoinClient, gateway: GatewayStub) -> None:
    """A ready ports string is sent as it is."""
    await client.lock("all")
    assert gateway.only_request.json() == {
        "type": "command",
        "op": "lock",
        "ports": "all",
    }


async def test_unlock_range(client: EjoinClient, gateway: GatewayStub) -> None:
    """Consecutive whole ports collapse into a range in one request."""
    await client.unlock([PortAddress(port=port) for port in range(4, 33)])
    assert_request(
        gateway.only_request,
        method="POST",
        path=CMD,
        content_type=JSON_TYPE,
        json_body={"type": "command", "op": "unlock", "ports": "4-32"},
    )


async def test_switch(client: EjoinClient, gateway: GatewayStub) -> None:
    """Switching names the slots to switch to, in one request."""
    await client.switch(iter([addr("2C"), addr("1B")]))
    assert_request(
        gateway.only_request,
        method="POST",
        path=CMD,
        content_type=JSON_TYPE,
        json_body={"type": "command", "op": "switch", "ports": "1B,2C"},
    )


async def test_reset_drops_slots(client: EjoinClient, gateway: GatewayStub) -> None:
    """A reset names port numbers only, each port once."""
    await client.reset([addr("1A"), addr("1B"), addr("2C"), addr("5")])
    assert_request(
        gateway.only_request,
        method="POST",
        path=CMD,
        content_type=JSON_TYPE,
        json_body={"type": "command", "op": "reset", "ports": "1-2,5"},
    )


async def test_redial_many_ports_in_one_request(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """A redial of 32 ports is one request for ports 1-32, flight mode by default."""
    await client.redial([PortAddress(port=port, slot=1) for port in range(1, 33)])
    assert_request(
        gateway.only_request,
        method="POST",
        path=CMD,
        content_type=JSON_TYPE,
        json_body={"type": "command", "op": "redial", "ports": "1-32", "mode": 0},
    )


async def test_redial_fast_with_delay(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """Fast mode is mode 1; a delay is passed along."""
    await client.redial([addr("7B"), addr("3")], mode=RedialMode.FAST, delay=5)
    assert_request(
        gateway.only_request,
        method="POST",
        path=CMD,
        content_type=JSON_TYPE,
        json_body={
            "type": "command",
            "op": "redial",
            "ports": "3,7",
            "mode": 1,
            "delay": 5,
        },
    )


async def test_redial_flight_by_string(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """Flight mode asked for explicitly is mode 0; a ports string passes through."""
    await client.redial("2", mode=RedialMode.FLIGHT, delay=0)
    assert gateway.only_request.json() == {
        "type": "command",
        "op": "redial",
        "ports": "2",
        "mode": 0,
        "delay": 0,
    }


@pytest.mark.parametrize("op", ["save", "reboot"])
async def test_save_and_reboot(
    client: EjoinClient, gateway: GatewayStub, op: str
) -> None:
    """Save and reboot name no ports."""
    assert await getattr(client, op)() is None
    assert_request(
        gateway.only_request,
        method="POST",
        path=CMD,
        content_type=JSON_TYPE,
        json_body={"type": "command", "op": op},
    )


async def test_send_one_command(client: EjoinClient, gateway: GatewayStub) -> None:
    """A single command is sent flat, not as multiple."""
    await client.send_commands([Command(op=CommandOp.LED_OFF, ports="all")])
    assert_request(
        gateway.only_request,
        method="POST",
        path=CMD,
        content_type=JSON_TYPE,
        json_body={"type": "command", "op": "ledoff", "ports": "all"},
    )


async def test_send_several_commands(client: EjoinClient, gateway: GatewayStub) -> None:
    """Several commands go in one request as op multiple with ops."""
    await client.send_commands(
        [
            Command(op=CommandOp.LOCK, ports="1A"),
            Command(op=CommandOp.SWITCH, ports="2B"),
            Command(op=CommandOp.REDIAL, ports="3", mode=RedialMode.FAST, delay=10),
            Command(op=CommandOp.LED_ON),
        ]
    )
    assert_request(
        gateway.only_request,
        method="POST",
        path=CMD,
        content_type=JSON_TYPE,
        json_body={
            "type": "command",
            "op": "multiple",
            "ops": [
                {"op": "lock", "ports": "1A"},
                {"op": "switch", "ports": "2B"},
                {"op": "redial", "ports": "3", "mode": 1, "delay": 10},
                {"op": "ledon"},
            ],
        },
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda client: client.send_commands([]), "no command"),
        (lambda client: client.lock([]), "at least one port"),
        (lambda client: client.unlock([]), "at least one port"),
        (lambda client: client.reset([]), "at least one port"),
        (lambda client: client.redial([]), "at least one port"),
        (lambda client: client.switch([]), "at least one port"),
        (lambda client: client.switch([addr("1A"), addr("2")]), "needs the slot"),
        (lambda client: client.get_parameters(), "at least one parameter"),
        (lambda client: client.set_parameters({}), "at least one parameter"),
        (lambda client: client.set_sim_numbers({}, slots_per_port=4), "no SIM"),
        (
            lambda client: client.set_sim_numbers(
                {addr("1A"): "1", addr("2"): "2"}, slots_per_port=4
            ),
            "is not a SIM slot",
        ),
        (
            lambda client: client.set_sim_numbers({addr("1E"): "1"}, slots_per_port=4),
            "is not a SIM slot",
        ),
        (lambda client: client.send_sms([]), "no SMS task"),
    ],
)
async def test_calls_that_make_no_sense(
    client: EjoinClient,
    gateway: GatewayStub,
    call: Callable[[EjoinClient], Awaitable[Any]],
    message: str,
) -> None:
    """Nonsense calls raise ValueError and send nothing."""
    with pytest.raises(ValueError, match=message):
        await call(client)
    assert gateway.requests == []


# --- goip_send_cmd.html: op=get / op=set ----------------------------------------------


async def test_get_parameters(client: EjoinClient, gateway: GatewayStub) -> None:
    """Parameter names are bare query names; code and reason are dropped from the reply."""
    gateway.set_json(OK | {"sms_url": "http://x/", "Port_public_ip(0)": "1.2.3.4"})
    values = await client.get_parameters("sms_url", "Port_public_ip(0)")
    assert_request(
        gateway.only_request,
        method="GET",
        path=CMD,
        query="op=get&sms_url&Port_public_ip(0)",
    )
    assert gateway.only_request.query[2:] == [
        ("op", "get"),
        ("sms_url", None),
        ("Port_public_ip(0)", None),
    ]
    assert values == {"sms_url": "http://x/", "Port_public_ip(0)": "1.2.3.4"}


async def test_set_parameters(client: EjoinClient, gateway: GatewayStub) -> None:
    """Values are sent as name=value in the given order, then saved; nothing returned."""
    assert await client.set_parameters({"ttl": 64, "Ports_rx_tx(1)": "0"}) is None
    assert_request(
        the_setting_then_save(gateway),
        method="GET",
        path=CMD,
        query="op=set&ttl=64&Ports_rx_tx(1)=0",
    )


async def test_set_parameters_without_saving(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """Asked not to save, only the op=set request goes out."""
    await client.set_parameters({"ttl": 64}, save=False)
    assert_request(gateway.only_request, method="GET", path=CMD, query="op=set&ttl=64")


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ({"sms_url": " http://192.168.1.10:8123/sms "}, "http://192.168.1.10:8123/sms"),
        ({"SMS_URL": "http://h/"}, "http://h/"),
        ({"sms_url": "  "}, None),
        ({"sms_url": 5}, None),
        ({"other": "http://h/"}, None),
    ],
)
async def test_get_sms_url(
    client: EjoinClient, gateway: GatewayStub, reply: dict[str, Any], expected: Any
) -> None:
    """The forwarding URL is read whatever the key's case; blank or missing is None."""
    gateway.set_json(OK | reply)
    assert await client.get_sms_url() == expected
    assert_request(gateway.only_request, method="GET", path=CMD, query="op=get&sms_url")


async def test_set_sms_url(client: EjoinClient, gateway: GatewayStub) -> None:
    """The URL is sent URL-encoded as the value of sms_url."""
    url = "http://192.168.1.10:8123/api/webhook/a b?x=1&y=2"
    await client.set_sms_url(url)
    recorded = the_setting_then_save(gateway)
    assert_request(
        recorded,
        method="GET",
        path=CMD,
        query="op=set&sms_url=http%3A%2F%2F192.168.1.10%3A8123%2Fapi%2Fwebhook%2Fa%20b%3Fx%3D1%26y%3D2",
    )
    assert recorded.query[2:] == [("op", "set"), ("sms_url", url)]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            {"port_public_ip": ["1.1.1.1", "", None, "4.4.4.4"]},
            {1: "1.1.1.1", 4: "4.4.4.4"},
        ),
        ({"Port_public_ip": "1.1.1.1, 2.2.2.2,"}, {1: "1.1.1.1", 2: "2.2.2.2"}),
        (
            {"port_public_ip": {"0": "1.1.1.1", "2": "3.3.3.3", "x": "9.9.9.9"}},
            {1: "1.1.1.1", 3: "3.3.3.3"},
        ),
        (
            {
                "Port_public_ip(0)": "1.1.1.1",
                "port_public_ip(2)": " 3.3.3.3 ",
                "Port_public_ip(1)": "",
                "Port_public_ip(3)": None,
            },
            {1: "1.1.1.1", 3: "3.3.3.3"},
        ),
        ({"Ports_public_ip": ["5.5.5.5"]}, {1: "5.5.5.5"}),
        ({"port_public_ip": 5, "ttl": "64", "Port_rx_tx(0)": "1/2"}, {}),
    ],
)
async def test_get_public_ips(
    client: EjoinClient,
    gateway: GatewayStub,
    reply: dict[str, Any],
    expected: dict[int, str],
) -> None:
    """Public IPs are read from a list, a comma string, a dict or name(n) keys."""
    gateway.set_json(OK | reply)
    assert await client.get_public_ips() == expected
    assert_request(
        gateway.only_request, method="GET", path=CMD, query="op=get&port_public_ip"
    )


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ({"Ports_rx_tx": "10/20,30/40"}, {1: "10/20", 2: "30/40"}),
        ({"port_rx_tx": ["10/20", "30/40"]}, {1: "10/20", 2: "30/40"}),
        ({"Port_rx_tx(0)": "10/20", "Port_rx_tx(3)": 7}, {1: "10/20", 4: "7"}),
        ({"PORTS_RX_TX": {"1": "30/40"}}, {2: "30/40"}),
        ({"port_public_ip": ["1.1.1.1"]}, {}),
    ],
)
async def test_get_traffic(
    client: EjoinClient,
    gateway: GatewayStub,
    reply: dict[str, Any],
    expected: dict[int, str],
) -> None:
    """Traffic counters are read in every shape and spelling, by port."""
    gateway.set_json(OK | reply)
    assert await client.get_traffic() == expected
    assert_request(
        gateway.only_request, method="GET", path=CMD, query="op=get&Ports_rx_tx"
    )


@pytest.mark.parametrize(("enabled", "value"), [(True, "1"), (False, "0")])
async def test_set_data_service(
    client: EjoinClient, gateway: GatewayStub, enabled: bool, value: str
) -> None:
    """Mobile data is data_service_enable 1 or 0."""
    await client.set_data_service(enabled=enabled)
    assert_request(
        the_setting_then_save(gateway),
        method="GET",
        path=CMD,
        query=f"op=set&data_service_enable={value}",
    )


async def test_set_sim_numbers(client: EjoinClient, gateway: GatewayStub) -> None:
    """SIM numbers go as a text/plain body of sim_number(n)=…; par_set is returned."""
    gateway.set_json(OK | {"par_set": 3})
    count = await client.set_sim_numbers(
        {
            addr("1A"): "+8613800000001",
            addr("2B"): "138 0000&0002",
            addr("32.04"): "10086",
        },
        slots_per_port=4,
    )
    assert count == 3
    assert_request(
        the_setting_then_save(gateway),
        method="POST",
        path=CMD,
        query="op=set",
        content_type=TEXT_TYPE,
        text_body="sim_number(0)=+8613800000001"
        "&sim_number(5)=138%200000%260002&sim_number(127)=10086",
    )


@pytest.mark.parametrize(
    ("reply", "expected"),
    [({"par_set": "1"}, 1), ({}, 2), ({"par_set": "x"}, 2), ({"par_set": None}, 2)],
)
async def test_set_sim_numbers_count(
    client: EjoinClient, gateway: GatewayStub, reply: dict[str, Any], expected: int
) -> None:
    """par_set as a string is read; missing or unreadable means all were set."""
    gateway.set_json(OK | reply)
    count = await client.set_sim_numbers(
        {addr("1.02"): "1", addr("2.01"): "2"}, slots_per_port=2
    )
    assert count == expected
    assert the_setting_then_save(gateway).text == "sim_number(1)=1&sim_number(2)=2"


# --- goip_post_sms.html -------------------------------------------------------------


async def test_send_sms(client: EjoinClient, gateway: GatewayStub) -> None:
    """Tasks go as one send-sms JSON body; the gateway's verdict on each comes back."""
    gateway.set_json(
        {
            "code": 200,
            "reason": "OK",
            "type": "task-status",
            "status": [
                {"tid": 1, "status": "0 OK"},
                {"tid": "2", "status": "2 Invalid Port"},
            ],
        }
    )
    statuses = await client.send_sms(
        [
            SmsTask(
                task_id=1,
                recipients=("10086", "+8613800000000"),
                text="Héllo 👋",
                ports="1A,2B",
                delivery_report=True,
                interval_ms=500,
                timeout_s=60,
            ),
            SmsTask(task_id=2, recipients=("10010",), text="hi"),
        ],
        status_report_url="http://ha/sr",
        sms_url="http://ha/sms",
    )
    assert_request(
        gateway.only_request,
        method="POST",
        path="/goip_post_sms.html",
        content_type=JSON_TYPE,
        json_body={
            "type": "send-sms",
            "task_num": 2,
            "tasks": [
                {
                    "tid": 1,
                    "to": "10086,+8613800000000",
                    "sms": "Héllo 👋",
                    "chs": "utf8",
                    "smstype": 0,
                    "intvl": "500",
                    "tmo": 60,
                    "sdr": 1,
                    "fdr": 1,
                    "dr": 1,
                    "from": "1A,2B",
                },
                {
                    "tid": 2,
                    "to": "10010",
                    "sms": "hi",
                    "chs": "utf8",
                    "smstype": 0,
                    "intvl": "0",
                    "tmo": 30,
                    "sdr": 1,
                    "fdr": 1,
                    "dr": 0,
                },
            ],
            "sr_url": "http://ha/sr",
            "sms_url": "http://ha/sms",
        },
    )
    assert statuses == (
        TaskStatus(task_id=1, code=0, reason="OK"),
        TaskStatus(task_id=2, code=2, reason="Invalid Port"),
    )
    assert [status.accepted for status in statuses] == [True, False]


async def test_send_sms_without_urls(client: EjoinClient, gateway: GatewayStub) -> None:
    """Without report URLs the body names none; a bare numeric status has no reason."""
    gateway.set_json({"code": "200", "status": [{"tid": 9, "status": 0}]})
    statuses = await client.send_sms(
        [SmsTask(task_id=9, recipients=("1",), text="x", ports="")]
    )
    body = gateway.only_request.json()
    assert set(body) == {"type", "task_num", "tasks"}
    assert body["task_num"] == 1
    assert "from" not in body["tasks"][0]
    assert statuses == (TaskStatus(task_id=9, code=0, reason=""),)
    assert statuses[0].accepted


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ({"code": 200, "reason": "OK"}, "has no task statuses"),
        ({"code": 200, "status": "0 OK"}, "has no task statuses"),
        ({"code": 200, "status": ["0 OK"]}, "odd task status"),
        ({"code": 200, "status": [{"status": "0 OK"}]}, "odd task status"),
        ({"code": 200, "status": [{"tid": 1, "status": "OK"}]}, "odd task status"),
        ({"code": 200, "status": [{"tid": "one", "status": "0"}]}, "odd task status"),
        ({"code": 200, "status": [{"tid": None, "status": "0"}]}, "odd task status"),
    ],
)
async def test_send_sms_odd_reply(
    client: EjoinClient, gateway: GatewayStub, reply: dict[str, Any], message: str
) -> None:
    """A reply without a list of readable task statuses is malformed."""
    gateway.set_json(reply)
    with pytest.raises(EjoinMalformedReplyError, match=message) as info:
        await client.send_sms([SmsTask(task_id=1, recipients=("1",), text="x")])
    assert_no_password(info.value)


# --- goip_get_sms.html ----------------------------------------------------------------


def _b64(text: str) -> str:
    """Encode text as the gateway does SMS content."""
    return base64.b64encode(text.encode()).decode()


async def test_read_sms(client: EjoinClient, gateway: GatewayStub) -> None:
    """The default reads everything from 1 without deleting; rows are decoded."""
    gateway.set_json(
        OK
        | {
            "ssrc": "a1b2",
            "sms_num": 3,
            "next_sms": "7",
            "data": [
                [0, "1A", 1700000000, "10086", "13800000000", _b64("Hi\r\nyou\x00")],
                [1, "2.02", "1700000100", "+8613800000000", "10010", "0 2311151200"],
                ["bad row"],
            ],
        }
    )
    stored = await client.read_sms()
    assert_request(
        gateway.only_request,
        method="GET",
        path="/goip_get_sms.html",
        query="sms_id=1&sms_num=0&sms_del=0",
    )
    assert stored.ssrc == "a1b2"
    assert stored.next_index == 7
    assert stored.messages == (
        ReceivedSms(
            address=addr("1A"),
            received_at=datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
            sender="10086",
            recipient="13800000000",
            text="Hi\nyou",
        ),
    )
    assert stored.delivery_reports == (
        DeliveryReport(
            address=addr("2.02"),
            received_at=datetime(2023, 11, 14, 22, 15, tzinfo=UTC),
            smsc="+8613800000000",
            recipient="10010",
            status_code=0,
            operator_time="2311151200",
        ),
    )
    assert [problem.item for problem in stored.problems] == ["sms row 2"]


async def test_read_sms_page_and_delete(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """start, count and delete map to sms_id, sms_num and sms_del; defaults fill gaps."""
    stored = await client.read_sms(start=5, count=10, delete=True)
    assert_request(
        gateway.only_request,
        method="GET",
        path="/goip_get_sms.html",
        query="sms_id=5&sms_num=10&sms_del=1",
    )
    assert (stored.ssrc, stored.next_index) == ("", 5)
    assert (stored.messages, stored.delivery_reports, stored.problems) == ((), (), ())


@pytest.mark.parametrize("next_sms", ["x", None, [1]])
async def test_read_sms_without_usable_next(
    client: EjoinClient, gateway: GatewayStub, next_sms: Any
) -> None:
    """A next_sms that is not a number is a malformed reply."""
    gateway.set_json(OK | {"ssrc": "1", "next_sms": next_sms, "data": []})
    with pytest.raises(EjoinMalformedReplyError, match="no next_sms"):
        await client.read_sms()


# --- success conventions --------------------------------------------------------------


@pytest.mark.parametrize("code", [0, 200, "0", "200", " 200 ", None])
async def test_both_success_conventions(
    client: EjoinClient, gateway: GatewayStub, code: Any
) -> None:
    """Codes 0 and 200, as numbers or strings, and no code at all are success."""
    reply: dict[str, Any] = {"reason": "OK", "sms_url": "http://h/"}
    if code is not None:
        reply["code"] = code
    gateway.set_json(reply)
    assert await client.get_parameters("sms_url") == {"sms_url": "http://h/"}
    await client.save()
    assert len(gateway.requests) == 2


@pytest.mark.parametrize(
    "body",
    [
        b'\xef\xbb\xbf{"code": 0, "sms_url": "http://h/"}\x00\x00',
        b'{"code": 0, "sms_url": "http://h/"}\r\n\x00',
    ],
)
async def test_reply_with_bom_and_trailing_nuls(
    loading_client: EjoinClient, gateway: GatewayStub, body: bytes
) -> None:
    """A UTF-8 BOM and trailing NUL bytes around the JSON are tolerated, either loader."""
    gateway.set_body(body)
    assert await loading_client.get_sms_url() == "http://h/"


async def test_username_is_encoded(
    gateway: GatewayStub, session: aiohttp.ClientSession
) -> None:
    """The username is URL-encoded as well, and still comes first."""
    client = EjoinClient(
        "127.0.0.1",
        port=gateway.port,
        username="ad min&x",
        password="a=b",
        session=session,
    )
    await client.save()
    assert gateway.only_request.raw_query == "username=ad%20min%26x&password=a%3Db"
    assert gateway.only_request.query == [("username", "ad min&x"), ("password", "a=b")]


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "code", "reason"),
    [
        ({"code": 3, "reason": "Invalid Port"}, 3, "Invalid Port"),
        ({"code": "500", "desc": "busy"}, 500, "busy"),
        ({"code": 1, "reason": "", "desc": "bad op"}, 1, "bad op"),
        ({"code": 2}, 2, "no reason given"),
        ({"code": "ERR", "reason": "odd"}, None, "odd"),
        ({"code": None, "reason": "odd"}, None, "odd"),
    ],
)
async def test_non_zero_code_is_a_command_error(
    client: EjoinClient,
    gateway: GatewayStub,
    reply: dict[str, Any],
    code: int | None,
    reason: str,
) -> None:
    """Any other code raises EjoinCommandError with the gateway's code and reason."""
    gateway.set_json(reply)
    with pytest.raises(EjoinCommandError) as info:
        await client.lock("1A")
    err = info.value
    assert type(err) is EjoinCommandError
    assert (err.code, err.reason) == (code, reason)
    assert str(err) == f"gateway refused the request: {reason} (code {code})"
    assert_no_password(err)


@pytest.mark.parametrize(
    "reply",
    [
        {"code": 1, "reason": "Invalid User"},
        {"code": 3, "reason": "Unauthorized"},
        {"code": 3, "desc": "wrong password"},
        {"code": "3", "reason": "passwd error"},
        {"code": 4, "reason": "Login required"},
        {"code": 14, "reason": "whatever"},
        {"code": "14"},
    ],
)
async def test_rejected_credentials_in_the_reply(
    client: EjoinClient, gateway: GatewayStub, reply: dict[str, Any]
) -> None:
    """A reason about the user, auth, password or login, or code 14, is an auth error."""
    gateway.set_json(reply)
    with pytest.raises(EjoinAuthenticationError, match="rejected the username") as info:
        await client.read_sms()
    assert_no_password(info.value)


async def test_reason_echoing_the_password_is_scrubbed(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """A reason that repeats the password, in any form, has it removed."""
    gateway.set_json(
        {
            "code": 7,
            "reason": f"bad value {PASSWORD} ({quote(PASSWORD, safe='')}, {quote(PASSWORD)})",
        }
    )
    with pytest.raises(EjoinCommandError) as info:
        await client.reboot()
    assert info.value.code == 7
    assert info.value.reason == "bad value *** (***, ***)"
    assert_no_password(info.value)


async def test_auth_reason_echoing_the_url_is_scrubbed(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """An auth failure that quotes the request URL loses the password too."""
    gateway.set_json(
        {"code": 1, "reason": f"denied /goip_send_cmd.html?{AUTH_QUERY}&op=save"}
    )
    with pytest.raises(EjoinAuthenticationError) as info:
        await client.save()
    assert str(info.value) == (
        "gateway rejected the username or password: "
        "denied /goip_send_cmd.html?username=admin&password=***&op=save"
    )
    assert_no_password(info.value)


@pytest.mark.parametrize("status", [500, 404])
async def test_http_error_is_a_command_error(
    client: EjoinClient, gateway: GatewayStub, status: int
) -> None:
    """HTTP 4xx/5xx (other than 401/403) raise EjoinCommandError with the status."""
    gateway.set_body(f"<html>error {PASSWORD}</html>".encode(), status=status)
    with pytest.raises(EjoinCommandError) as info:
        await client.send_sms([SmsTask(task_id=1, recipients=("1",), text="x")])
    assert info.value.code == status
    assert info.value.reason == f"HTTP {status} for /goip_post_sms.html"
    assert_no_password(info.value)


@pytest.mark.parametrize("status", [401, 403])
async def test_http_auth_error(
    client: EjoinClient, gateway: GatewayStub, status: int
) -> None:
    """HTTP 401 and 403 raise EjoinAuthenticationError."""
    gateway.set_json(OK, status=status)
    with pytest.raises(EjoinAuthenticationError, match=f"HTTP {status}") as info:
        await client.get_status()
    assert_no_password(info.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f"<html>{PASSWORD}</html>".encode(), "is not JSON"),
        (b"", "is not JSON"),
        (b'\xff\xfe{"code": 0}', "is not JSON"),
        (b'{"code": 0, "reason": "\xff"}', "is not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "is not JSON"),
        (b"[1, 2]", "JSON that is not an object"),
        (b'"OK"', "JSON that is not an object"),
        (b"0", "JSON that is not an object"),
    ],
)
async def test_malformed_reply(
    loading_client: EjoinClient, gateway: GatewayStub, body: bytes, message: str
) -> None:
    """A reply that is not a JSON object raises EjoinMalformedReplyError, either loader."""
    gateway.set_body(body)
    with pytest.raises(EjoinMalformedReplyError, match=message) as info:
        await loading_client.read_sms()
    assert_no_password(info.value)


async def test_timeout(gateway: GatewayStub, session: aiohttp.ClientSession) -> None:
    """A gateway slower than the client's timeout raises EjoinTimeoutError."""
    client = EjoinClient(
        "127.0.0.1",
        port=gateway.port,
        username=USERNAME,
        password=PASSWORD,
        session=session,
        timeout=0.2,
    )
    gateway.set_json(DEV_STATUS, delay=10)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(EjoinTimeoutError) as info:
        await client.get_status()
    assert loop.time() - started < 5
    # The request reached the gateway: it may carry it out all the same.
    assert isinstance(info.value, EjoinNoAnswerError)
    assert isinstance(info.value, EjoinConnectionError)
    assert str(info.value) == (
        f"gateway 127.0.0.1:{gateway.port} did not answer "
        "/goip_get_status.html within 0.2 s"
    )
    assert len(gateway.requests) == 1
    assert_no_password(info.value)


async def test_connection_refused(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """Nothing listening raises EjoinConnectionError: nothing was sent, no timeout."""
    port = free_port()
    client = EjoinClient(
        "127.0.0.1", port=port, username=USERNAME, password=PASSWORD, session=session
    )
    with pytest.raises(EjoinConnectionError) as info:
        await client.save()
    assert not isinstance(info.value, EjoinNoAnswerError)
    assert str(info.value).startswith(
        f"cannot talk to gateway 127.0.0.1:{port}: ClientConnectorError: "
    )
    assert_no_password(info.value)


@contextlib.asynccontextmanager
async def dropping_server(requests: list[bytes]) -> AsyncIterator[int]:
    """Listen on 127.0.0.1; read each request's head, then close without a word."""

    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        requests.append(await reader.readuntil(b"\r\n\r\n"))
        writer.close()

    server = await asyncio.start_server(drop, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def test_a_connection_dropped_after_the_request_may_have_been_carried_out(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """A gateway that takes the request and hangs up: EjoinNoAnswerError, no password."""
    requests: list[bytes] = []
    async with dropping_server(requests) as port:
        client = EjoinClient(
            "127.0.0.1",
            port=port,
            username=USERNAME,
            password=PASSWORD,
            session=session,
        )
        with pytest.raises(EjoinNoAnswerError) as info:
            await client.send_sms([SmsTask(task_id=1, recipients=("+1",), text="x")])
    assert not isinstance(info.value, EjoinTimeoutError)
    assert str(info.value).startswith(
        f"cannot talk to gateway 127.0.0.1:{port}: ServerDisconnectedError"
    )
    [head] = requests
    assert head.startswith(b"POST /goip_post_sms.html?")
    assert_no_password(info.value)


def _redirect_to_self(request: RecordedRequest) -> Reply:
    """Redirect to the very URL asked for, credentials included."""
    return Reply(
        status=302, headers={"Location": f"{request.path}?{request.raw_query}"}
    )


async def test_redirect_is_not_followed(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """A redirect is refused, so the credentials never travel to another URL."""
    gateway.reply = _redirect_to_self
    with pytest.raises(EjoinCommandError) as info:
        await client.get_status()
    assert info.value.code == 302
    assert str(info.value) == (
        "gateway refused the request: HTTP 302 for /goip_get_status.html (code 302)"
    )
    assert len(gateway.requests) == 1
    assert_clean_message(info.value)
    assert not any(leaks_password(str(linked)) for linked in linked_errors(info.value))


async def test_session_connect_timeout_context_keeps_no_password(
    gateway: GatewayStub,
) -> None:
    """A connect timeout of aiohttp's own: nothing was sent, and no password linked.

    The request waits for a connection that never frees up, so it is never written:
    a plain EjoinConnectionError, not one that says the gateway may have it.
    """
    gateway.set_json(OK, delay=10)
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=1),
        timeout=aiohttp.ClientTimeout(connect=0.2),
    ) as session:
        client = EjoinClient(
            "127.0.0.1",
            port=gateway.port,
            username=USERNAME,
            password=PASSWORD,
            session=session,
        )

        async def hold_the_only_connection() -> None:
            """Keep the pool's single connection busy with a slow request."""
            async with session.get(f"http://127.0.0.1:{gateway.port}/busy") as reply:
                await reply.read()

        blocker = asyncio.create_task(hold_the_only_connection())
        try:
            await gateway.request_received.wait()
            with pytest.raises(EjoinConnectionError) as info:
                await client.save()
            assert not isinstance(info.value, EjoinNoAnswerError)
        finally:
            blocker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await blocker
    assert [request.path for request in gateway.requests] == ["/busy"]
    assert_clean_message(info.value)
    assert not any(leaks_password(str(linked)) for linked in linked_errors(info.value))


# --- answers of real firmware: op=get under "data", other forms of a rejected login ----


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        # Proxy firmware, as a real client of it reads reply["data"]["port_public_ip"][0].
        (
            {"data": {"port_public_ip": ["100.64.0.1", "100.64.0.2"]}},
            {1: "100.64.0.1", 2: "100.64.0.2"},
        ),
        (
            OK | {"data": {"Port_public_ip(2)": "100.64.0.3"}},
            {3: "100.64.0.3"},
        ),
        ({"data": {"port_public_ip": {"1": "100.64.0.2"}}}, {2: "100.64.0.2"}),
        ({"data": "100.64.0.1"}, {}),
    ],
)
async def test_get_public_ips_nested_under_data(
    client: EjoinClient,
    gateway: GatewayStub,
    reply: dict[str, Any],
    expected: dict[int, str],
) -> None:
    """Proxy firmware nests op=get values under "data", in every per-port shape."""
    gateway.set_json(reply)
    assert await client.get_public_ips() == expected
    assert_request(
        gateway.only_request, method="GET", path=CMD, query="op=get&port_public_ip"
    )


async def test_get_sms_url_nested_under_data(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """The SMS URL is found under "data" too."""
    gateway.set_json({"data": {"Sms_url": "http://h/sms"}})
    assert await client.get_sms_url() == "http://h/sms"


async def test_op_get_replies_are_kept_as_they_came(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """The last reply to each op=get is kept whole, a refusal too (for diagnostics)."""
    nested = {"data": {"port_public_ip": ["100.64.0.1"]}}
    gateway.set_json(nested)
    await client.get_public_ips()
    refusal = {"code": 4, "reason": "unknown parameter Ports_rx_tx"}
    gateway.set_json(refusal)
    with pytest.raises(EjoinCommandError):
        await client.get_traffic()

    assert client.get_replies == {"port_public_ip": nested, "Ports_rx_tx": refusal}


async def test_op_get_replies_kept_are_bounded(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """Only the replies to the last few distinct requests are kept."""
    gateway.set_json(OK)
    for index in range(12):
        await client.get_parameters(f"param{index}")
    assert list(client.get_replies) == [f"param{index}" for index in range(4, 12)]


LOGIN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Gateway</title></head><body>"
    b'<form action="/login.html" method="post"><input name="username">'
    b'<input type="password" name="password"><button>OK</button></form>'
    b"</body></html>"
)


@pytest.mark.parametrize(
    "reply",
    [
        # The web interface's login page, with 200, as some firmware answers.
        Reply(status=200, body=LOGIN_PAGE, headers={"Content-Type": "text/html"}),
        Reply(status=200, body=b"\r\n  " + LOGIN_PAGE),  # no content type at all
        Reply(status=200, body=b"<html><form action=/x>Please log in</form></html>"),
        Reply(status=302, body=b"", headers={"Location": "/login.html"}),
        Reply(status=401, body=b"<html>401 Unauthorized</html>"),
        Reply.json({"code": 1}),
        Reply.json({"code": 403, "reason": "Forbidden"}),
    ],
)
async def test_rejected_login_in_any_form(
    client: EjoinClient, gateway: GatewayStub, reply: Reply
) -> None:
    """A login page, a redirect to it, 401, or code 1 alone: the credentials are wrong."""
    gateway.reply = reply
    with pytest.raises(EjoinAuthenticationError, match="rejected the username") as info:
        await client.get_status()
    assert_no_password(info.value)


@pytest.mark.parametrize(
    "page",
    [
        b"<html><body><h1>It works!</h1></body></html>",
        b"<html><form><p>Syslog interval</p><p>design info</p></form></html>",
        b"<html><body>Please log in at the front desk</body></html>",  # no form
    ],
)
async def test_a_web_page_that_is_no_login_page_is_a_malformed_reply(
    client: EjoinClient, gateway: GatewayStub, page: bytes
) -> None:
    """Another web page (a wrong address) is not taken for wrong credentials."""
    gateway.reply = Reply(status=200, body=page, headers={"Content-Type": "text/html"})
    with pytest.raises(EjoinMalformedReplyError, match="not JSON"):
        await client.get_status()


def login_page_for(path: str) -> Callable[[RecordedRequest], Reply]:
    """Answer the login page at one path, and the gateway's JSON everywhere else."""

    def reply(request: RecordedRequest) -> Reply:
        if request.path == path:
            return Reply(
                status=200, body=LOGIN_PAGE, headers={"Content-Type": "text/html"}
            )
        return Reply.json({"type": "dev-status", "mac": "00-30-f1-01-02-03"} | OK)

    return reply


async def test_an_endpoint_answering_the_login_page_alone_is_not_a_bad_login(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """An endpoint the firmware lacks may answer with a page; the login is fine.

    The status page answers JSON, so asking again for new credentials would be
    wrong: the request fails as a refused one instead.
    """
    gateway.reply = login_page_for("/goip_get_sms.html")
    with pytest.raises(EjoinCommandError, match="answered with a web page") as info:
        await client.read_sms()
    assert type(info.value) is EjoinCommandError
    assert [request.path for request in gateway.requests] == [
        "/goip_get_sms.html",
        "/goip_get_status.html",
    ]


async def test_a_command_answered_by_the_login_page_is_a_bad_login(
    client: EjoinClient, gateway: GatewayStub
) -> None:
    """When the status page refuses the login too, the credentials are wrong."""
    gateway.reply = Reply(
        status=200, body=LOGIN_PAGE, headers={"Content-Type": "text/html"}
    )
    with pytest.raises(EjoinAuthenticationError, match="rejected the username"):
        await client.lock("1A")
    assert [request.path for request in gateway.requests] == [
        "/goip_send_cmd.html",
        "/goip_get_status.html",
    ]
