"""Taking a report: only the gateway adds ports, and what strangers post stays small.

A report must show it is this gateway's before it adds a port (a device, and dozens of
entities); whatever is posted, the memory kept and the lines logged stay bounded, and
no warning ever holds a phone number, a SIM identity or a message.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util.json import json_loads
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.const import DOMAIN
from custom_components.ejoin.pyejoin import parse_report
from ejoin_simulator import Simulator

from .helpers import (
    GATEWAY_MAC,
    GATEWAY_MAC_DASHED,
    dev_status,
    port_report,
    post,
    value_of,
    warnings_of_the_integration,
)

LOGGER_NAME = "custom_components.ejoin"


def registered(hass: HomeAssistant, entry: MockConfigEntry) -> tuple[set[str], int]:
    """Return the identifiers of the entry's devices, and how many entities it has."""
    devices = {
        identifier
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), entry.entry_id
        )
        for domain, identifier in device.identifiers
        if domain == DOMAIN
    }
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return devices, len(entities)


# --- ports come only from the gateway -------------------------------------------------


async def test_a_forged_dev_status_without_mac_adds_no_device(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A dev-status naming no MAC updates the gateway's ports and adds none.

    One such post of 64 port objects numbered 100 to 163 once made 64 port devices
    and some 2,400 entities. Its ports the gateway never reported are skipped, said
    once in a warning; the ports it has are updated (the report is answered 200).
    """
    before = registered(hass, entry)
    report = dev_status(simulator)
    del report["mac"]
    report["status"][2]["bal"] = "66.60"
    report["status"] += [
        {"port": str(port), "st": 3, "bal": "9.99", "sig": 20, "imei": "35"}
        for port in range(100, 164)
    ]

    for _ in range(2):
        assert await post(hass, client, report) == (200, "OK")

    assert registered(hass, entry) == before
    assert value_of(hass, "balance", 3) == "66.6"
    assert set(entry.runtime_data.gateway.ports) == set(range(1, 9))
    assert warnings_of_the_integration(caplog) == [
        (
            "Skipped port(s) 100, 101, 102, 103, 104, 105, 106, 107, 108, 109 and 54 "
            f"more of a dev-status for gateway {GATEWAY_MAC}: it names no MAC address, "
            "and only a report that names the gateway's adds ports"
        )
    ]


@pytest.mark.parametrize("mac", [None, "", GATEWAY_MAC_DASHED])
async def test_a_port_status_of_a_port_never_reported(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    entry: MockConfigEntry,
    mac: str | None,
) -> None:
    """A port-status names no MAC as a rule: it adds no port, and is not counted as heard.

    Naming the gateway's MAC, it adds the port.
    """
    gateway = entry.runtime_data.gateway
    before, last_push = registered(hass, entry), gateway.last_push
    report = port_report(simulator, 1, port="9.01", bal="3.33")
    if mac is not None:
        report["mac"] = mac

    answer = await post(hass, client, report)

    if mac == GATEWAY_MAC_DASHED:
        assert answer == (200, "OK")
        assert value_of(hass, "balance", 9) == "3.33"
        assert f"{GATEWAY_MAC}_port_9" in registered(hass, entry)[0]
    else:
        assert answer == (200, "unknown ports ignored")
        assert registered(hass, entry) == before
        assert gateway.last_push == last_push


# --- no personal value in a warning -------------------------------------------------------

IMSI = "460019876543210"
ICCID = "89860012345678901234"
IMEI = "359876543210987"
SIM_NUMBER = "+15557654321"
CALLER = "+15550101010"
CALLEE = "+15550202020"
RECIPIENT = "+15550303030"
SENDER = "+15550404040"
SMS_TEXT = "Your one-time code is 918273"
DELIVERY_TEXT = "Delivered to grandma at home"
PERSONAL = (
    *(IMSI, ICCID, IMEI, SIM_NUMBER, CALLER, CALLEE, RECIPIENT, SENDER),
    *(SMS_TEXT, DELIVERY_TEXT, base64.b64encode(SMS_TEXT.encode()).decode()),
)


def malformed_reports() -> list[dict[str, Any] | bytes | str]:
    """Build reports with a personal value in every personal field, each odd somehow."""
    sms = base64.b64encode(SMS_TEXT.encode()).decode()
    sim = {
        "imsi": [IMSI],
        "iccid": {"v": ICCID},
        "imei": [IMEI],
        "sn": {"n": SIM_NUMBER},
    }
    return [
        # Odd SIM fields of a known port; a port that is a phone number or an IMSI.
        {"type": "port-status", "port": "1.01", "st": SMS_TEXT, **sim},
        {"type": "port-status", "port": SIM_NUMBER, "imsi": IMSI},
        {
            "type": "dev-status",
            "status": [
                {"port": "2.01", "opr": [SIM_NUMBER], **sim},
                {"port": IMSI, "iccid": ICCID},
                {"port": "150.01", "sn": SIM_NUMBER, "imsi": IMSI},
            ],
        },
        # Named as another gateway, or by a "MAC" that is a phone number.
        {"type": "dev-status", "mac": "00-30-f1-0a-0b-0c", "status": [sim]},
        {"type": "cdr", "mac": CALLER, "caller": CALLER, "callee": CALLEE},
        # SMS rows: none readable, or readable with odd fields; delivery reports.
        {"type": "recv-sms", "sim_src": [SIM_NUMBER], "sms": {"from": SENDER}},
        {
            "type": "recv-sms",
            "sms": [
                [0, "1.01", 1714556700, SENDER, RECIPIENT],
                [SMS_TEXT, SENDER, CALLER, [SENDER], {"to": RECIPIENT}, {"t": sms}],
                [0, "1.01", RECIPIENT, [SENDER], [RECIPIENT], sms],
                [1, RECIPIENT, SENDER, SENDER, RECIPIENT, DELIVERY_TEXT],
            ],
        },
        # What was sent, to whom; a call; the progress of an SMS task.
        {
            "type": "sent-sms",
            "mac": GATEWAY_MAC_DASHED,
            "port": SIM_NUMBER,
            "status": SMS_TEXT,
            "recver": [RECIPIENT],
            "data": {"text": SMS_TEXT},
            "time": SMS_TEXT,
        },
        {
            "type": "cdr",
            "mac": GATEWAY_MAC_DASHED,
            "port": "4.01",
            "caller": [CALLER],
            "callee": {"n": CALLEE},
            "begin": CALLEE,
            "cdir": SMS_TEXT,
            **sim,
        },
        {
            "type": "status-report",
            "rpts": [
                {
                    "tid": 7,
                    "sent": SIM_NUMBER,
                    "sdr": [[0, [RECIPIENT], "1A", 1], [RECIPIENT, RECIPIENT, 1, 1]],
                    "fdr": [["x", RECIPIENT, SIM_NUMBER, 1, [SMS_TEXT]]],
                },
                {"tid": [SIM_NUMBER]},
            ],
        },
        # Not a report at all, or one of a type nobody knows.
        {"type": SMS_TEXT, "imsi": IMSI, "caller": CALLER},
        f"imsi={IMSI}&text={SMS_TEXT}".encode(),
        json.dumps([{"type": "recv-sms", "sms": [[0, "1", 1, SENDER, CALLEE, sms]]}]),
    ]


def texts_of(record: logging.LogRecord) -> str:
    """Return all a log record can be written as: message, arguments, traceback."""
    return " ".join(
        (
            record.getMessage(),
            repr(record.args),
            logging.Formatter().format(record),
            record.exc_text or "",
        )
    )


async def test_no_personal_value_reaches_a_warning(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Malformed reports full of numbers, SIM identities and texts: warnings name none.

    A warning says which field of what is odd and how, never the value; the value,
    cut short, is only in debug lines.
    """
    caplog.set_level(logging.DEBUG)
    answers = []
    for report in malformed_reports():
        status, _ = await post(hass, client, report)
        answers.append(status)

    warnings = [
        record for record in caplog.records if record.levelno >= logging.WARNING
    ]
    leaked = {
        (value, record.getMessage())
        for record in warnings
        for value in PERSONAL
        if value in texts_of(record)
    }
    assert leaked == set()
    # The malformed reports were refused or described, so there was something to leak.
    assert {400, 403} <= set(answers)
    assert len(warnings_of_the_integration(caplog)) >= 5
    debug = " ".join(
        record.getMessage()
        for record in caplog.records
        if record.name == LOGGER_NAME and record.levelno == logging.DEBUG
    )
    assert "not text: ['460019876543210']" in debug


# --- what strangers post stays small -----------------------------------------------------


async def test_a_hundred_megabyte_posts_leave_memory_and_the_log_small(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """100 posts of a distinct 1 MB type or MAC: kilobytes kept, kilobytes logged.

    Every distinct unknown type and foreign MAC was once kept forever, and logged
    whole: 100 MB of memory and of log. Now each kind is said once an hour at most,
    few kinds at once, each value cut to a few dozen characters, and only a short
    hash of it kept. A hundred distinct real MACs are said a bounded number of times.
    """
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    megabyte = 1024 * 1024
    for number in range(50):
        odd_type = f"{number:02d}" + "t" * megabyte
        assert await post(hass, client, {"type": odd_type}) == (
            200,
            "unknown report type ignored",
        )
        odd_mac = f"{number:02d}" + "m" * megabyte
        report = {"type": "dev-status", "mac": odd_mac, "status": []}
        assert await post(hass, client, report) == (403, "report of another gateway")
    for number in range(100):
        report = {"type": "sent-sms", "mac": f"00:30:f1:00:01:{number:02x}"}
        assert await post(hass, client, report) == (403, "report of another gateway")

    logged = [
        record.getMessage() for record in caplog.records if record.name == LOGGER_NAME
    ]
    assert sum(len(message) for message in logged) < 16 * 1024
    assert max(len(message) for message in logged) < 200
    ingest = entry.runtime_data.ingest
    kept = sum(
        limiter.bytes_kept
        for limiter in (ingest.oddities, ingest.details, ingest.strangers)
    )
    kept += sum(len(raw.body or b"") for raw in ingest.raw_reports)
    assert kept < 16 * 1024
    # The gateway's own reports are still taken.
    assert await post(hass, client, port_report(simulator, 2, bal="2.22")) == (
        200,
        "OK",
    )
    assert value_of(hass, "balance", 2) == "2.22"


UNREADABLE_SMS = {"type": "recv-sms", "sms_num": 1, "sms": [[0, "1.01"], "not a row"]}
UNREADABLE_SMS_WARNING = (
    f"Refused a recv-sms from {GATEWAY_MAC}: nothing in it could be read "
    "(sms row 0: not a row of 6 values; sms row 1: not a row of 6 values)"
)


@pytest.mark.usefixtures("entry")
async def test_junk_does_not_silence_the_gateways_own_warnings(
    hass: HomeAssistant, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """100 posts of distinct junk, debug logging on: the gateway's warning still comes.

    Unknown types and unknown keys, each distinct, once filled the one memory of
    kinds all oddities shared: for an hour nothing new was said, not even a warning
    about the gateway's own reports. Strangers' oddities and debug details now have
    memories of their own, and name types and fields, not values.
    """
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
    for number in range(50):
        assert await post(hass, client, {"type": f"junk-{number}"}) == (
            200,
            "unknown report type ignored",
        )
        odd_port = {"port": "1.01", f"junk_{number}": number}
        report = {"type": "dev-status", "status": [odd_port]}
        assert await post(hass, client, report) == (200, "OK")

    assert await post(hass, client, UNREADABLE_SMS) == (400, "nothing could be read")

    assert warnings_of_the_integration(caplog) == [UNREADABLE_SMS_WARNING]


@pytest.mark.usefixtures("entry")
async def test_kinds_of_oddities_name_no_row_or_port(
    hass: HomeAssistant, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """100 unreadable reports, each odd at other rows or ports: each kind said once.

    Kinds once held row indexes and port addresses, so each of these was a kind of
    its own: a stranger could fill the memory of kinds and silence the rest.
    """
    for rows in range(1, 51):
        report = {"type": "recv-sms", "sms": [[0, "1.01"]] * rows}
        assert await post(hass, client, report) == (400, "nothing could be read")
        report = {"type": "port-status", "port": f"{rows}.{rows}.x"}
        assert await post(hass, client, report) == (400, "nothing could be read")

    assert await post(hass, client, b"<html>") == (400, "body is not JSON")

    assert warnings_of_the_integration(caplog) == [
        (
            f"Refused a recv-sms from {GATEWAY_MAC}: nothing in it could be read "
            "(sms row 0: not a row of 6 values)"
        ),
        (
            f"Refused a port-status from {GATEWAY_MAC}: nothing in it could be read "
            "(port-status port: not a port address)"
        ),
        f"Refused a report from the gateway {GATEWAY_MAC}: body is not JSON",
    ]


# --- parsing --------------------------------------------------------------------------


@pytest.mark.usefixtures("entry")
async def test_reports_are_read_with_home_assistants_json_loader(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A report goes to Home Assistant's loader (orjson) as the bytes that came."""
    read: list[Any] = []

    def loader(document: bytes | str) -> Any:
        read.append(document)
        return json_loads(document)

    monkeypatch.setattr("custom_components.ejoin.ingest.json_loads", loader)
    report = port_report(simulator, 3, bal="12.34")

    assert await post(hass, client, report) == (200, "OK")

    assert value_of(hass, "balance", 3) == "12.34"
    assert read == [json.dumps(report).encode()]


@pytest.mark.usefixtures("entry")
async def test_a_body_larger_than_any_gateways_is_read_in_the_executor(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A dev-status padded past 512 KiB is parsed off the event loop, and applied."""
    jobs: list[Any] = []
    run = hass.async_add_executor_job

    def executor_job(target: Any, *args: Any) -> Any:
        jobs.append(target.func)
        return run(target, *args)

    monkeypatch.setattr(hass, "async_add_executor_job", executor_job)
    report = dev_status(simulator)
    report["status"][2]["bal"] = "55.50"
    body = json.dumps(report).replace("{", "{" + " " * 600_000, 1)

    assert await post(hass, client, body) == (200, "OK")

    assert value_of(hass, "balance", 3) == "55.5"
    assert jobs == [parse_report]
