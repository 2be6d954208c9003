"""Diagnostics: settings, live state and the last reports, with every secret redacted."""

from __future__ import annotations

import base64
from datetime import datetime
import json
from typing import Any
from urllib.parse import quote, quote_plus

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (  # type: ignore[import-untyped]
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension  # type: ignore[import-untyped]
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator  # type: ignore[import-untyped]
from syrupy.assertion import SnapshotAssertion

from custom_components.ejoin.const import CONF_ALL_SIMS, CONF_DEFAULT_RECIPIENTS
from custom_components.ejoin.diagnostics import op_get_reply
from ejoin_simulator import Simulator

from .helpers import (
    FIRMWARE,
    GATEWAY_MAC,
    PASSWORD,
    PROXY_FIRMWARE,
    WEBHOOK_ID,
    dev_status,
    entry_for,
    from_this_gateway,
    http_client,
    load_fixture,
    port_report,
    post,
    set_up_entry,
)

REDACTED = "**REDACTED**"
KEPT_REPORTS = 10  # the issue: the last raw reports, bounded
KEPT_BYTES = 64 * 1024  # a larger report is kept only as its size

SMS_SENDER = "+15550001111"
SMS_TEXT = "Код 734921 — never share it.\nValid for 5 minutes."
SENT_RECIPIENT = "+15550004444"
SENT_TEXT = "Garage door left open since 22:10"
SENT_BASE64_RECIPIENT = "+15550005555"
SENT_BASE64_TEXT = "Пароль от Wi-Fi: orange-tiger-42"
CALLER = "+15550002222"
CALLEE = "+15550003333"
DEFAULT_RECIPIENT = "+15550007777"

# What the integration's events call the people involved and what they wrote.
PERSONAL_EVENT_KEYS = frozenset(
    {"sender", "recipient", "text", "smsc", "caller", "callee", "number"}
)
EVENTS = (
    "ejoin_sms_received",
    "ejoin_sms_delivery_report",
    "ejoin_sms_sent",
    "ejoin_sms_task_progress",
    "ejoin_call",
)


@pytest.fixture
async def client(hass: HomeAssistant, hass_client_no_auth: Any) -> TestClient[Any, Any]:
    """Start the HTTP server with the diagnostics views (none can be added later)."""
    assert await async_setup_component(hass, "diagnostics", {})
    return await http_client(hass, hass_client_no_auth)


async def dump_of(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> dict[str, Any]:
    """Download the entry's diagnostics as a user does, from the HTTP API."""
    data: dict[str, Any] = dict(
        await get_diagnostics_for_config_entry(hass, hass_client, entry)
    )
    return data


def sms_report(port: str, sender: str, recipient: str, text: str) -> dict[str, Any]:
    """Build a recv-sms report of one SMS, its text base64-encoded as gateways do."""
    content = base64.b64encode(text.encode()).decode()
    return {
        "type": "recv-sms",
        "sms_num": 1,
        "sms": [[0, port, 1714556700, sender, recipient, content]],
    }


def sent_report(
    recipient: str, text: str, *, base64_text: bool = False
) -> dict[str, Any]:
    """Build a sent-sms report of this gateway for one recipient and text."""
    report = from_this_gateway(load_fixture("sent_sms_seed"))
    report["recver"] = recipient
    report["data"] = base64.b64encode(text.encode()).decode() if base64_text else text
    report["charset"] = "BASE64" if base64_text else "UTF-8"
    return report


def padded(report: dict[str, Any], size: int) -> str:
    """Write a report as JSON padded with trailing blanks to exactly ``size`` bytes."""
    body = json.dumps(report)
    assert len(body.encode()) < size
    return body + " " * (size - len(body.encode()))


def parse_time(value: Any) -> datetime:
    """Read an ISO time of the dump; it must carry its time zone."""
    assert isinstance(value, str)
    parsed = dt_util.parse_datetime(value)
    assert parsed is not None
    assert parsed.tzinfo is not None
    return parsed


def leaves(value: Any) -> list[str]:
    """Return every key and value of a JSON value, as text."""
    if isinstance(value, dict):
        return [
            text for key, item in value.items() for text in (str(key), *leaves(item))
        ]
    if isinstance(value, list):
        return [text for item in value for text in leaves(item)]
    return [str(value)]


def personal_values(value: Any, key: str | None = None) -> set[str]:
    """Return the phone numbers and texts an event's data holds under personal keys."""
    if isinstance(value, dict):
        return {
            found
            for name, item in value.items()
            for found in personal_values(item, str(name))
        }
    if isinstance(value, list):
        # "sent_to" lists bare numbers; "failed_to" objects with a "number".
        inner = "number" if key == "sent_to" else key
        return {found for item in value for found in personal_values(item, inner)}
    if key in PERSONAL_EVENT_KEYS and isinstance(value, str) and value:
        return {value}
    return set()


def with_parts(secrets: set[str]) -> set[str]:
    """Add each line of a multi-line secret: a line alone must not leak either."""
    return secrets | {
        line.strip()
        for secret in secrets
        for line in secret.splitlines()
        if len(line.strip()) >= 8
    }


# --- what the dump holds ---------------------------------------------------------------


async def test_dump_shows_settings_live_state_and_last_reports(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient[Any, Any],
    entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A support dump shows the settings, every port's state and what the gateway sent.

    Credentials and the webhook are shown as redacted; the reports come as the gateway
    sent them, oldest first, with SIM identities, numbers and SMS texts redacted.
    """
    started = dt_util.utcnow()
    assert await post(hass, client, dev_status(simulator)) == (200, "OK")
    assert await post(hass, client, port_report(simulator, 2, bal="12.34")) == (
        200,
        "OK",
    )
    report = sms_report("1.01", SMS_SENDER, "+15559990000", SMS_TEXT)
    assert await post(hass, client, report) == (200, "OK")
    assert await post(hass, client, sent_report(SENT_RECIPIENT, SENT_TEXT)) == (
        200,
        "OK",
    )

    dump = await dump_of(hass, hass_client, entry)

    assert dump["entry"]["title"] == "Ejoin 127.0.0.1"
    assert dump["entry"]["config"] == {
        "host": simulator.host,
        "port": simulator.port,
        "username": REDACTED,
        "password": REDACTED,
        "webhook_id": REDACTED,
        "report_url": REDACTED,
        "configure_gateway": False,
    }
    assert dump["entry"]["options"] == {"report_period": 60, "all_sims": False}

    gateway = dump["gateway"]
    assert (gateway["mac"], gateway["firmware"]) == (GATEWAY_MAC, FIRMWARE)
    assert (gateway["max_ports"], gateway["max_slots"]) == (8, 4)
    assert gateway["available"] is True
    assert gateway["registered_ports"] == 8
    assert sorted(gateway["ports"], key=int) == [str(port) for port in range(1, 9)]
    port_2 = gateway["ports"]["2"]
    assert port_2["address"] == {"port": 2, "slot": 1, "bank": None}
    assert port_2["status_code"] == 3
    assert port_2["balance"] == 12.34  # from the port-status, not the set-up's read
    assert port_2["operator"] == {"code": "46000", "name": "CHINA MOBILE"}
    for key in ("imei", "imsi", "iccid", "sim_number"):
        assert port_2[key] == REDACTED, key
    assert port_2["data"]["last_url"] == REDACTED
    assert "carried" not in port_2
    assert gateway["slots"] == {}  # kept only when every slot is reported
    assert started <= parse_time(gateway["last_push"]) <= dt_util.utcnow()
    assert dump["sms_store"]["ssrc"] == simulator.gateway.ssrc

    reports = dump["last_reports"]
    assert [item["report"]["type"] for item in reports] == [
        "dev-status",
        "port-status",
        "recv-sms",
        "sent-sms",
    ]
    times = [parse_time(item["received_at"]) for item in reports]
    assert times == sorted(times)
    assert started <= times[0]
    assert times[-1] <= dt_util.utcnow()
    device_status, port_status, received, sent = (item["report"] for item in reports)
    assert port_status["port"] == "2.01"
    assert port_status["bal"] == "12.34"
    assert port_status["opr"] == "46000 CHINA MOBILE"
    for key in ("imei", "imsi", "iccid", "sn"):
        assert port_status[key] == REDACTED, key
    assert [item["port"] for item in device_status["status"]] == [
        f"{port}.01" for port in range(1, 9)
    ]
    assert {item["imei"] for item in device_status["status"]} == {REDACTED}
    assert received == {"type": "recv-sms", "sms_num": 1, "sms": REDACTED}
    assert sent["sms_tid"] == 2
    assert sent["status"] == "0 "
    assert (sent["recver"], sent["data"]) == (REDACTED, REDACTED)


async def test_only_the_last_ten_reports_are_kept(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient[Any, Any],
    entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Of twelve reports the dump shows the newest ten, oldest first: it stays small."""
    for seq in range(1001, 1013):
        report = port_report(simulator, seq % 8 + 1, seq=seq)
        assert await post(hass, client, report) == (200, "OK")

    dump = await dump_of(hass, hass_client, entry)

    assert len(dump["last_reports"]) == KEPT_REPORTS
    assert [item["report"]["seq"] for item in dump["last_reports"]] == list(
        range(1003, 1013)
    )


async def test_a_report_over_64_kib_is_kept_only_as_its_size(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient[Any, Any],
    entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A big gateway's dev-status up to 64 KiB is shown; a larger one only as its size.

    Both are still applied: the limit is on what diagnostics keep, not on what the
    integration takes.
    """
    at_limit = padded(dev_status(simulator), KEPT_BYTES)
    over_limit = padded(dev_status(simulator), KEPT_BYTES + 1)
    assert await post(hass, client, at_limit) == (200, "OK")
    assert await post(hass, client, over_limit) == (200, "OK")

    dump = await dump_of(hass, hass_client, entry)

    kept, too_large = (item["report"] for item in dump["last_reports"])
    assert kept["type"] == "dev-status"
    assert len(kept["status"]) == 8
    assert too_large == {"bytes": KEPT_BYTES + 1, "body": "not kept (too large)"}
    assert dump["gateway"]["registered_ports"] == 8


# --- no secret in it ---------------------------------------------------------------------


async def test_no_secret_appears_anywhere_in_the_dump(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient[Any, Any],
    hass_client: ClientSessionGenerator,
) -> None:
    """A dump can be posted publicly: no credential, SIM identity, number or SMS text.

    Every SIM of the 8-port, 4-slot gateway is reported; the secrets are collected from
    the simulated gateway, from what Home Assistant's events say the reports held, and
    from the settings, so that a newly shown field that leaks one fails this test.
    """
    gateway = simulator.gateway
    gateway.all_sims = True  # every slot's SIM in the dev-status, not only active ones
    options = {CONF_ALL_SIMS: True, CONF_DEFAULT_RECIPIENTS: [DEFAULT_RECIPIENT]}
    entry = await set_up_entry(hass, simulator, entry_for(simulator, options=options))
    captured = [async_capture_events(hass, event_type) for event_type in EVENTS]
    first_sim = gateway.ports[1].slots[1]
    assert first_sim is not None
    cdr = {
        **from_this_gateway(load_fixture("cdr_finished_unanswered")),
        "caller": CALLER,
        "callee": CALLEE,
    }
    reports: list[dict[str, Any]] = [
        dev_status(simulator),
        port_report(simulator, 3),
        sms_report("1.01", SMS_SENDER, first_sim.number, SMS_TEXT),
        load_fixture("recv_sms_envelope"),
        load_fixture("recv_sms_remote_sim"),
        sent_report(SENT_RECIPIENT, SENT_TEXT),
        sent_report(SENT_BASE64_RECIPIENT, SENT_BASE64_TEXT, base64_text=True),
        load_fixture("status_report_sdr_fdr"),
        cdr,
    ]
    for report in reports:
        assert await post(hass, client, report) == (200, "OK"), report["type"]

    dump = await dump_of(hass, hass_client, entry)

    identities = {port.imei for port in gateway.ports.values()} | {
        value
        for port in gateway.ports.values()
        for sim in port.slots.values()
        if sim is not None
        for value in (sim.iccid, sim.imsi, sim.number)
    }
    # The dump is built from the integration's state: every identity must be in it.
    state = entry.runtime_data.gateway
    known = {
        value
        for slots in state.slots.values()
        for port_state in slots.values()
        for value in (
            port_state.imei,
            port_state.imsi,
            port_state.iccid,
            port_state.sim_number,
        )
    }
    assert identities <= known
    assert len(identities) == 8 + 8 * 4 * 3
    said = {
        value
        for events in captured
        for event in events
        for value in personal_values(event.data)
    }
    for expected in (
        SMS_SENDER,
        SMS_TEXT,
        SENT_RECIPIENT,
        SENT_BASE64_RECIPIENT,
        CALLER,
        CALLEE,
        "+8613715266978",  # the envelope's sender
        "+8613912345678",  # a recipient the task progress lists as sent to
        "+8613912345679",  # and one it failed to reach
    ):
        assert expected in said, expected
    secrets = with_parts(
        identities
        | said
        | {SENT_TEXT, SENT_BASE64_TEXT, DEFAULT_RECIPIENT}
        | {base64.b64encode(text.encode()).decode() for text in said}
        | {base64.b64encode(SENT_BASE64_TEXT.encode()).decode()}
        | {PASSWORD, quote(PASSWORD, safe=""), quote_plus(PASSWORD), WEBHOOK_ID}
        # Public IP addresses identify the user too; the dump only counts them.
        | {port.public_ip for port in gateway.ports.values()}
    )
    # Short values could turn up by chance, inside a time for example.
    assert min(len(secret) for secret in secrets) >= 8
    text = json.dumps(dump, ensure_ascii=False)
    shown = leaves(dump)
    leaked = sorted(
        secret
        for secret in secrets
        if json.dumps(secret, ensure_ascii=False)[1:-1] in text
        or any(secret in leaf for leaf in shown)
    )
    assert leaked == []
    assert len(dump["last_reports"]) == len(reports)


# --- the shape of the dump ---------------------------------------------------------------


def stable_parts(dump: dict[str, Any], simulator: Simulator) -> dict[str, Any]:
    """Return the dump without what changes between runs: times, port, store id."""
    entry = dump["entry"]
    assert entry["config"]["port"] == simulator.port
    assert dump["sms_store"]["ssrc"] == simulator.gateway.ssrc
    gateway = {
        key: "<time>" if key in ("last_report", "last_push") else value
        for key, value in dump["gateway"].items()
        if key not in ("ports", "slots")
    }
    parse_time(dump["gateway"]["last_report"])
    parse_time(dump["gateway"]["last_push"])
    for item in dump["last_reports"]:
        parse_time(item["received_at"])
    return {
        "entry": {**entry, "config": {**entry["config"], "port": "<simulator port>"}},
        "gateway": {
            **gateway,
            "ports": sorted(dump["gateway"]["ports"], key=int),
            "port 2": dump["gateway"]["ports"]["2"],
            "slots": {
                port: list(slots) for port, slots in dump["gateway"]["slots"].items()
            },
        },
        "sms_store": {**dump["sms_store"], "ssrc": "<ssrc>"},
        "proxy": dump["proxy"],
        "last_reports": [
            {**item, "received_at": "<time>"} for item in dump["last_reports"]
        ],
    }


async def test_snapshot_of_the_dump(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient[Any, Any],
    entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    """What a user hands in with a support request, after each kind of report.

    Settings, one port's full state, and one report of each kind as it is shown; times,
    the simulator's TCP port and the SMS store's random id are left out.
    """
    cdr = {
        **from_this_gateway(load_fixture("cdr_finished_unanswered")),
        "caller": CALLER,
        "callee": CALLEE,
    }
    reports: list[dict[str, Any] | str] = [
        padded(dev_status(simulator), KEPT_BYTES + 1),
        port_report(simulator, 2, seq=500, bal="12.34"),
        sms_report("1.01", SMS_SENDER, "+15559990000", SMS_TEXT),
        sent_report(SENT_RECIPIENT, SENT_TEXT),
        load_fixture("status_report_sdr_fdr"),
        cdr,
        "not json",
    ]
    statuses = [(await post(hass, client, report))[0] for report in reports]
    assert statuses == [200] * 6 + [400]

    dump = await dump_of(hass, hass_client, entry)

    # Explicitly: which plugin's `snapshot` fixture wins differs between versions.
    assert stable_parts(dump, simulator) == snapshot.use_extension(
        HomeAssistantSnapshotExtension
    )


# --- a broken report must not break the dump ------------------------------------------


@pytest.mark.parametrize("depth", [5_000, 30_000])
async def test_a_deeply_nested_report_does_not_break_the_dump(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient[Any, Any],
    entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    depth: int,
) -> None:
    """An absurdly nested body posted to the webhook still lets a user download.

    The body is under 64 KiB, so it is kept among the last reports; the dump must still
    download, with the earlier reports in it and the nested one shown by its size.
    """
    assert await post(hass, client, port_report(simulator, 2)) == (200, "OK")
    body = '{"type": "bank-status", "x": ' + "[" * depth + "]" * depth + "}"
    assert len(body.encode()) <= KEPT_BYTES
    # Answered as an unknown report, or refused when it is too deep to read at all:
    # where JSON decoding gives up depends on the Python release (3.14 measures the
    # C stack). Either way the dump below must still download.
    assert await post(hass, client, body) in {
        (200, "unknown report type ignored"),
        (400, "body is not JSON"),
    }

    http = await hass_client()
    response = await http.get(f"/api/diagnostics/config_entry/{entry.entry_id}")

    assert response.status == 200
    dump = (await response.json())["data"]
    reports = [item["report"] for item in dump["last_reports"]]
    assert reports[0]["type"] == "port-status"
    assert reports[1]["bytes"] == len(body.encode())
    assert reports[1]["body"] in {"nested too deeply to show", "body is not JSON"}


async def test_refused_bodies_never_show_a_message_text(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient[Any, Any],
    entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A sent-sms wrapped in a list is refused, and its text stays out of the dump."""
    wrapped = [sent_report(SENT_RECIPIENT, SENT_TEXT)]
    assert (await post(hass, client, wrapped))[0] == 400

    dump = await dump_of(hass, hass_client, entry)

    assert dump["last_reports"][-1]["report"] == {
        "bytes": len(json.dumps(wrapped).encode()),
        "body": "not a JSON object",
    }
    text = json.dumps(dump, ensure_ascii=False)
    assert SENT_TEXT not in text
    assert SENT_RECIPIENT not in text


async def test_what_a_stranger_could_have_written_is_not_shown_as_sent(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient[Any, Any],
    entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Unknown report types, unknown keys' values and overlong texts are not shown.

    Nothing of a report of a type nobody knows can be told safe, not even its type:
    it shows by the names of its keys. A value under a key nobody knows is redacted;
    every other text, and every key, is cut to a length no gateway sends.
    """
    secret_type = f"Call Alice on {CALLER}"
    unknown = {"type": secret_type, "note": SMS_TEXT}
    assert await post(hass, client, unknown) == (200, "unknown report type ignored")
    status = {**dev_status(simulator), "ip": "1" * 5000, "x-note": SENT_TEXT}
    assert await post(hass, client, status) == (200, "OK")
    port = port_report(simulator, 2, vol_sim=CALLEE, **{"k" * 1000: 1})
    assert await post(hass, client, port) == (200, "OK")

    dump = await dump_of(hass, hass_client, entry)

    shown_unknown, shown_status, shown_port = (
        item["report"] for item in dump["last_reports"][-3:]
    )
    assert shown_unknown == {
        "bytes": len(json.dumps(unknown).encode()),
        "type": REDACTED,
        "keys": ["note", "type"],
    }
    assert shown_port["vol_sim"] == REDACTED
    assert shown_port["k" * 39 + "…"] == REDACTED
    assert shown_status["x-note"] == REDACTED
    assert shown_status["ip"] == "1" * 99 + "…"
    assert dump["gateway"]["ports"]["2"]["unknown_keys"] == ["k" * 39 + "…", "vol_sim"]
    text = json.dumps(dump, ensure_ascii=False)
    for secret in (CALLER, CALLEE, SMS_TEXT, SENT_TEXT, "1" * 101):
        assert secret not in text


async def test_a_report_with_trailing_nuls_is_shown_as_it_was_read(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient[Any, Any],
    entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Gateways pad some reports with NULs; the dump shows them as the report they are."""
    report = port_report(simulator, 3)
    assert (await post(hass, client, json.dumps(report).encode() + b"\0\0\0"))[0] == 200

    dump = await dump_of(hass, hass_client, entry)

    shown = dump["last_reports"][-1]["report"]
    assert shown["type"] == "port-status"
    assert shown["port"] == report["port"]


@PROXY_FIRMWARE
async def test_the_gateways_op_get_replies_are_shown_as_they_came(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient[Any, Any],
    entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The raw answers to op=get show their shape; the public addresses are masked.

    No public capture of these answers exists: a dump shows how a real gateway nests
    them, without the addresses, which identify the user.
    """
    dump = await dump_of(hass, hass_client, entry)

    replies = {item["asked"]: item["reply"] for item in dump["get_replies"]}
    assert list(replies) == ["data_service_enable", "port_public_ip", "Ports_rx_tx"]
    assert replies["data_service_enable"] == {"data": {"data_service_enable": [1] * 8}}
    addresses = replies["port_public_ip"]["data"]["port_public_ip"]
    assert addresses == [f"{REDACTED} (IPv4)"] * 8
    traffic = replies["Ports_rx_tx"]["data"]["Ports_rx_tx"]
    assert traffic == [
        f"{port.rx_bytes}/{port.tx_bytes}" for port in simulator.gateway.ports.values()
    ]
    for port in simulator.gateway.ports.values():
        assert port.public_ip not in json.dumps(dump)


async def test_the_sms_firmwares_refusal_of_op_get_is_shown(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient[Any, Any],
    entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """A firmware that does not know public IPs (nor mobile data per port) says so."""
    dump = await dump_of(hass, hass_client, entry)

    assert dump["proxy"] is None
    assert dump["get_replies"] == [
        {
            "asked": "data_service_enable",
            "reply": {"code": 4, "reason": "unknown parameter data_service_enable"},
        },
        {
            "asked": "port_public_ip",
            "reply": {"code": 4, "reason": "unknown parameter port_public_ip"},
        },
    ]


@pytest.mark.parametrize(
    ("reply", "shown"),
    [
        (
            {"data": {"Port_public_ip": "100.64.1.2, 0.0.0.0,2001:db8::7"}},
            {
                "data": {
                    "Port_public_ip": f"{REDACTED} (IPv4), 0.0.0.0,{REDACTED} (IPv6)"
                }
            },
        ),
        (
            {"code": 0, "Sms_url": "http://ha:8123/api/webhook/secret-id", "ttl": 64},
            {"code": 0, "Sms_url": REDACTED, "ttl": 64},
        ),
    ],
)
def test_an_op_get_reply_shows_its_shape_and_no_address_or_url(
    reply: dict[str, Any], shown: dict[str, Any]
) -> None:
    """Addresses in a list written as text, and URLs under any spelling, are hidden."""
    assert op_get_reply(reply) == shown
