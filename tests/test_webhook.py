"""The webhook: how it answers what is posted, and what it refuses, logs and keeps.

HTTP answers, content types, bodies that are not reports, reports of other gateways,
size limits, bodies that arrive in pieces or never end, POST only, odd reports logged
once; reports held while the entry reloads or waits to be set up again, and the
webhook given back when the entry goes. How the port states read and merge the
reports is tested with the gateway model; which reports may add ports, in test_ingest.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from datetime import timedelta
import json
import logging
import time
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.ejoin.const import MAX_REPORT_BYTES
from custom_components.ejoin.pyejoin import Report
from custom_components.ejoin.sms.inbox import SmsInbox
from custom_components.ejoin.sms.received import ReceivedSmsEvents
from ejoin_simulator import Gateway, Simulator

from .helpers import (
    GATEWAY_MAC_DASHED,
    JSON_TYPE,
    WEBHOOK_ID,
    WEBHOOK_URL,
    dev_status,
    entry_for,
    integration_states,
    load_fixture,
    messages,
    port_report,
    post,
    value_of,
    warnings_of_the_integration,
)

LOGGER_NAME = "custom_components.ejoin"


# --- reports of another gateway, and SMS reports partly or wholly unreadable ----------


@pytest.mark.parametrize("name", ["sent_sms_seed", "cdr_in_progress"])
async def test_reports_naming_another_gateway_are_refused(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry, name: str
) -> None:
    """A sent-sms or cdr carrying another gateway's MAC is refused and changes nothing."""
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
@pytest.mark.usefixtures("entry")
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


@pytest.mark.usefixtures("entry")
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


# --- HTTP answers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [JSON_TYPE, "application/json", "text/plain", "text/plain;charset=utf-8", None],
)
@pytest.mark.usefixtures("entry")
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


@pytest.mark.usefixtures("entry")
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
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    body: bytes,
    message: str,
) -> None:
    """Non-JSON and JSON without a report type are answered 400, nothing applied."""
    before = integration_states(hass, entry)

    assert await post(hass, client, body) == (400, message)

    assert integration_states(hass, entry) == before


@pytest.mark.usefixtures("entry")
async def test_malformed_body_is_logged(
    hass: HomeAssistant, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A body that is not a report is refused with a warning naming the gateway."""
    assert await post(hass, client, b"<html>") == (400, "body is not JSON")

    assert warnings_of_the_integration(caplog) == [
        "Refused a report from the gateway 00:30:f1:01:02:03: body is not JSON"
    ]


async def test_unknown_report_type_is_logged_once_at_debug(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unknown report type is answered 200 (nothing to resend) and logged once."""
    caplog.set_level(logging.DEBUG, LOGGER_NAME)
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


async def test_dev_status_of_another_gateway_is_refused(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A dev-status with a foreign MAC is answered 403, not applied, and logged once."""
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
@pytest.mark.usefixtures("entry")
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
    entry: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A body over MAX_REPORT_BYTES is answered 413 and nothing of it is applied."""
    before = integration_states(hass, entry)
    report = port_report(simulator, 1, bal="99.99", pad="x" * MAX_REPORT_BYTES)

    assert await post(hass, client, report) == (413, "report too large")

    assert integration_states(hass, entry) == before
    assert warnings_of_the_integration(caplog) == [
        "Refused a report for gateway 00:30:f1:01:02:03: report too large"
    ]


@pytest.mark.usefixtures("entry")
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
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A body over MAX_REPORT_BYTES sent without Content-Length is answered 413 too."""
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


@pytest.mark.usefixtures("entry")
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
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    simulator: Simulator,
    method: str,
) -> None:
    """The webhook takes POST only: GET (even with a report as body) gets 405."""
    before = integration_states(hass, entry)
    body = json.dumps(port_report(simulator, 1, bal="11.11"))

    response = await client.request(method, WEBHOOK_URL, data=body)
    await hass.async_block_till_done()

    assert response.status == 405
    assert integration_states(hass, entry) == before


async def test_webhook_goes_with_the_entry(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """After unloading, reports reach no handler (HA answers 200 and applies nothing)."""
    gateway = entry.runtime_data.gateway
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    last_report = gateway.last_report

    status, _ = await post(hass, client, port_report(simulator, 1, bal="22.22"))

    assert status == 200
    assert gateway.last_report == last_report
    assert gateway.ports[1].balance != 22.22


@pytest.mark.usefixtures("entry")
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


# --- a body that never ends -----------------------------------------------------------


async def test_a_body_that_never_ends_is_cut_off(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A body still arriving after the time limit gets 408; nothing of it is applied."""
    before = integration_states(hass, entry)
    body = json.dumps(port_report(simulator, 1, bal="44.44")).encode()

    async def stalls() -> AsyncIterator[bytes]:
        yield body[:10]
        await asyncio.sleep(2)
        yield body[10:]

    with patch("custom_components.ejoin.webhook.READ_TIMEOUT", 0.5):
        response = await client.post(
            WEBHOOK_URL, data=stalls(), headers={"Content-Type": JSON_TYPE}
        )
        answer = (response.status, await response.text())
    await hass.async_block_till_done()

    assert answer == (408, "body not received within 0 s")
    assert response.headers["Connection"].lower() == "close"
    assert integration_states(hass, entry) == before
    assert warnings_of_the_integration(caplog) == [
        "Refused a report for gateway 00:30:f1:01:02:03: body not received within 0 s"
    ]


# --- reports while the entry is not set up --------------------------------------------

HELD = (202, "held until the gateway is set up")


def sms_report(text: str) -> dict[str, Any]:
    """Build a recv-sms of one message, as the gateway pushes it."""
    content = base64.b64encode(text.encode()).decode()
    return {
        "type": "recv-sms",
        "sms_num": 1,
        "sms": [[0, "2.01", 1714566005, "+15550001", "+15550002", content]],
    }


async def retrying(hass: HomeAssistant, simulator: Simulator) -> MockConfigEntry:
    """Set the gateway up while it does not answer: Home Assistant will try again."""
    simulator.offline = True
    entry = entry_for(simulator)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    return entry


async def try_again(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: int = 2
) -> None:
    """Let Home Assistant's next try at the set-up come, ``minutes`` from now."""
    freezer.tick(timedelta(minutes=minutes))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def reload_while_posting(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    body: dict[str, Any],
) -> tuple[int, str]:
    """Reload the entry, posting ``body`` while it is not set up; return the answer."""
    loading, go_on = asyncio.Event(), asyncio.Event()
    load = SmsInbox.async_load

    async def slow_load(inbox: SmsInbox) -> None:
        loading.set()
        await go_on.wait()
        await load(inbox)

    with patch.object(SmsInbox, "async_load", slow_load):
        reloading = asyncio.get_running_loop().create_task(
            hass.config_entries.async_reload(entry.entry_id)
        )
        await loading.wait()
        response = await client.post(WEBHOOK_URL, json=body)
        answer = (response.status, await response.text())
        go_on.set()
        assert await reloading
    await hass.async_block_till_done()
    return answer


async def test_reports_posted_while_the_set_up_is_retried_are_applied_after_it(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A gateway that pushes while Home Assistant cannot reach it loses nothing.

    Home Assistant answers 200 to a webhook nobody holds, and the report was lost.
    The webhook is held while the set-up is retried: its reports are answered 202
    and applied, in order, once the set-up works.
    """
    received = async_capture_events(hass, "ejoin_sms_received")
    entry = await retrying(hass, simulator)

    for text in ("First while away", "Second while away"):
        assert await post(hass, client, sms_report(text)) == HELD
    assert received == []

    simulator.offline = False
    await try_again(hass, freezer)

    assert entry.state is ConfigEntryState.LOADED
    assert [(event.data["text"], event.data["recovered"]) for event in received] == [
        ("First while away", False),
        ("Second while away", False),
    ]
    assert await post(hass, client, sms_report("Once set up")) == (200, "OK")


async def test_a_report_posted_while_the_entry_reloads_is_applied_after_it(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    entry: MockConfigEntry,
) -> None:
    """A push that comes while the entry reloads (options changed) is not lost."""
    received = async_capture_events(hass, "ejoin_sms_received")

    answer = await reload_while_posting(
        hass, client, entry, sms_report("While reloading")
    )

    assert answer == HELD
    assert entry.state is ConfigEntryState.LOADED
    assert [event.data["text"] for event in received] == ["While reloading"]


@pytest.mark.parametrize("port", [2, 9])
async def test_a_held_port_status_without_mac_updates_a_port_with_a_device(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    port: int,
) -> None:
    """A port-status held over a reload, naming no MAC (as gateways send it), is taken.

    Held reports are applied before the set-up reads the gateway's status, when it
    knows no port yet: each was skipped, with a warning users are told to report. A
    port the entry has a device for was reported by the gateway itself, so its
    report is applied; a port without a device is still skipped, and said so.
    """
    report = port_report(simulator, 2, bal="77.77")
    report.pop("mac", None)
    if port == 9:
        report["port"] = "9.01"
    sim = simulator.gateway.ports[2].sim
    assert sim is not None
    sim.balance = 77.77  # what the gateway pushed, and reads back after the reload

    answer = await reload_while_posting(hass, client, entry, report)

    assert answer == HELD
    assert entry.state is ConfigEntryState.LOADED
    if port == 2:
        assert warnings_of_the_integration(caplog) == []
        assert value_of(hass, "balance", 2) == "77.77"
        assert entry.runtime_data.gateway.last_push is not None  # heard pushing
    else:
        assert warnings_of_the_integration(caplog) == [
            (
                "Skipped port(s) 9 of a port-status for gateway 00:30:f1:01:02:03: it "
                "names no MAC address, and only a report that names the gateway's "
                "adds ports"
            )
        ]
        assert 9 not in entry.runtime_data.gateway.ports
        assert entry.runtime_data.gateway.last_push is None


async def test_a_held_report_that_fails_is_skipped_and_the_others_applied(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One held report that cannot be applied fails neither the set-up nor the rest.

    It failed the whole set-up, and the webhook was given back: the gateway's next
    pushes were lost. Now it is logged, once and without its content, and skipped.
    """
    received = async_capture_events(hass, "ejoin_sms_received")
    record = ReceivedSmsEvents.async_report
    calls = 0

    async def failing_once(events: ReceivedSmsEvents, report: Report) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the disk is full")
        await record(events, report)

    with patch.object(ReceivedSmsEvents, "async_report", failing_once):
        entry = await retrying(hass, simulator)
        for text in ("First held", "Second held", "Third held"):
            assert await post(hass, client, sms_report(text)) == HELD
        simulator.offline = False
        await try_again(hass, freezer)

    assert entry.state is ConfigEntryState.LOADED
    assert [event.data["text"] for event in received] == ["First held", "Third held"]
    errors = [
        record
        for record in caplog.records
        if record.name == LOGGER_NAME and record.levelno >= logging.ERROR
    ]
    assert [(error.getMessage(), bool(error.exc_info)) for error in errors] == [
        (
            (
                "Skipped a report of gateway 00:30:f1:01:02:03 held while it was not "
                "set up: it could not be applied"
            ),
            True,
        )
    ]
    assert "Second held" not in caplog.text
    assert await post(hass, client, sms_report("Once set up")) == (200, "OK")
    assert received[-1].data["text"] == "Once set up"


async def test_only_so_many_reports_are_held(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """32 reports are held; more get 503 with Retry-After until the set-up works.

    A body announced larger than the room left is not even read.
    """
    received = async_capture_events(hass, "ejoin_sms_received")
    await retrying(hass, simulator)

    for number in range(32):
        assert await post(hass, client, sms_report(f"Held {number}")) == HELD
    refused = await client.post(WEBHOOK_URL, json=sms_report("One too many"))
    assert refused.status == 503
    assert refused.headers["Retry-After"] == "30"
    simulator.offline = False
    await try_again(hass, freezer)

    assert [event.data["text"] for event in received] == [
        f"Held {number}" for number in range(32)
    ]
    assert [
        message for message in warnings_of_the_integration(caplog) if "503" in message
    ] == [
        (
            "Gateway 00:30:f1:01:02:03 is not set up and 32 of its reports are held; "
            "answering 503 to more, until it is"
        )
    ]


async def test_reports_held_for_over_an_hour_are_dropped(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A report held for more than an hour is not applied: it is dropped, and said."""
    received = async_capture_events(hass, "ejoin_sms_received")
    entry = await retrying(hass, simulator)
    assert await post(hass, client, sms_report("Long ago")) == HELD
    await try_again(hass, freezer, minutes=61)  # in vain: the gateway is still away
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert await post(hass, client, sms_report("Just now")) == HELD

    simulator.offline = False
    await try_again(hass, freezer)

    assert [event.data["text"] for event in received] == ["Just now"]
    assert messages(caplog, "held for over") == [
        (
            "Dropped 1 report(s) of gateway 00:30:f1:01:02:03 held for over 60 minutes: "
            "it is still not set up"
        )
    ]


@pytest.mark.parametrize("retry", [False, True], ids=["loaded", "retrying"])
@pytest.mark.parametrize("how", ["removed", "disabled", "unloaded"])
async def test_the_webhook_is_given_back_when_the_entry_goes(
    hass: HomeAssistant,
    client: TestClient,
    simulator: Simulator,
    retry: bool,
    how: str,
) -> None:
    """Removed, disabled or unloaded, loaded or waiting to be set up again: no webhook.

    Home Assistant then answers for it as for any unknown webhook, and nothing of
    the report is kept or applied.
    """
    received = async_capture_events(hass, "ejoin_sms_received")
    if retry:
        entry = await retrying(hass, simulator)
        assert WEBHOOK_ID in hass.data["webhook"]
    else:
        entry = entry_for(simulator)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)

    if how == "removed":
        await hass.config_entries.async_remove(entry.entry_id)
    elif how == "disabled":
        await hass.config_entries.async_set_disabled_by(
            entry.entry_id, ConfigEntryDisabler.USER
        )
    else:
        await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    assert WEBHOOK_ID not in hass.data["webhook"]
    assert await post(hass, client, sms_report("Too late")) == (200, "")
    assert received == []
