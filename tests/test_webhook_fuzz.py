"""The webhook under fuzz: whatever reaches it is answered calmly; no password is logged.

The webhook is fuzzed with Hypothesis: random bytes, random JSON, and report-like objects
built from the protocol's report types and fields with random, missing or mistyped
values, under every content type. Each example must get one of the webhook's own answers
and leave no error in the log. The other tests check what a refused body leaves behind,
that the good parts of a partly broken report still show, and that the gateway's
password appears in no log record on the paths where things go wrong.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
import gzip
import json
import logging
from typing import Any
from urllib.parse import quote, quote_plus
import zlib

from aiohttp.http_parser import HAS_BROTLI
from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from hypothesis import HealthCheck, event, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.ejoin.const import DOMAIN, MAX_REPORT_BYTES
from ejoin_simulator import Simulator

from .helpers import (
    ACTIONS,
    GATEWAY_MAC,
    GATEWAY_MAC_DASHED,
    PASSWORD,
    WEBHOOK_URL,
    act,
    config_entry_for,
    dev_status,
    devices,
    entry_for,
    integration_states,
    port_report,
    post,
    read,
    set_up_entry,
    state_of,
    value_of,
)

Client = TestClient[Any, Any]  # Home Assistant's HTTP test client

# --- what every answer of the webhook may be ---------------------------------------------

OK, BAD_REQUEST, FORBIDDEN, TOO_LARGE, UNSUPPORTED = 200, 400, 403, 413, 415
ANSWERS = {OK, BAD_REQUEST, FORBIDDEN, TOO_LARGE}

# This gateway's MAC as gateways and people write it; a report naming it is ours.
OWN_MACS = (
    GATEWAY_MAC_DASHED,
    GATEWAY_MAC,
    GATEWAY_MAC.upper(),
    GATEWAY_MAC_DASHED.upper(),
    "0030f1010203",
    f" {GATEWAY_MAC_DASHED} ",
)
# Other gateways' MACs, and something that is no MAC at all.
FOREIGN_MACS = ("00-30-f1-00-6d-b1", "00:30:f1:0a:0b:0c", "ff-ff-ff-ff-ff-ff", "5")
REPORT_TYPES = (
    "dev-status",
    "port-status",
    "recv-sms",
    "sent-sms",
    "cdr",
    "status-report",
)
# Types no parser knows, and known ones in odd case and spacing (which are read).
ODD_TYPES = ("sim-bank-status", "task-status", "Dev-Status", " port-status ", "")
CONTENT_TYPES = (
    "application/json",
    "application/json;charset=utf-8",
    "text/plain",
    "text/plain;charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
    None,
    "",
    "garbage",
    "application/json; charset=latin-1",
)


def fuzz(examples: int) -> settings:
    """Hypothesis settings of the fuzz tests (all examples share one Home Assistant)."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


# --- strategies ------------------------------------------------------------------------------

content_types = st.one_of(
    st.sampled_from(CONTENT_TYPES),
    st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=30
    ),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
    ),
    max_leaves=12,
)
# How a body may be framed around its JSON: a byte order mark, NULs, junk after it.
prefixes = st.sampled_from([b"", b"", b"\xef\xbb\xbf", b" \r\n", b"\x00"])
suffixes = st.sampled_from([b"", b"", b"\x00\x00", b"\r\n", b"}", b" trailing"])


def mixed(*realistic: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly values like the gateway's, sometimes any JSON value at all."""
    return st.one_of(*realistic, json_values)


def numeric_text(low: int, high: int) -> st.SearchStrategy[str]:
    """Numbers as gateways often send them: as text."""
    return st.integers(low, high).map(str)


PORT_TEXTS = (
    *("1", "2.01", "3B", "4.02", "5C", "6.sp256.101", "7G", "8.1", " 2.01 ", "9"),
    *("12.sp128.016", "0", "0.01", "1.0", "-1", "1.", "", "x", "1AB"),
    *("65536.01", "99999999999999999999"),
)
port_addresses = mixed(st.sampled_from(PORT_TEXTS), st.integers(-2, 12))
status_codes = mixed(
    st.integers(-1, 20),
    numeric_text(0, 20),
    st.sampled_from(["3 OK", " 6 Register failed ", "21 Reserved", "OK", "0 ", ""]),
)
counters = mixed(
    st.sampled_from(["0/-1", "5/60", "52/50", "/", "x/y", "3", "1/", "-1/-1", ""]),
    st.integers(-5, 10**6),
)
decimals = mixed(
    st.sampled_from(["0.00", "12.34", "abc", "1e309", "-inf", "nan", " ", "1,5"]),
    st.floats(),
)
flags = mixed(st.sampled_from([0, 1, "0", "1", 2, True, False, "yes"]))
texts = mixed(st.text(max_size=24))
timestamps = mixed(
    st.integers(-(2**40), 2**40), numeric_text(0, 2_000_000_000), st.just(10**20)
)
base64_texts = st.text(max_size=40).map(lambda text: base64.b64encode(text.encode()))
sms_contents = mixed(
    base64_texts.map(bytes.decode),
    st.sampled_from(["0 2401011200", "OK", "Sender: +1\nSMSC: +2\n\nHi", "!!"]),
)

COUNTER_KEYS = (
    *("tot_dur", "mon_dur", "day_dur", "mcn_tot", "mcn_mon", "mcn_day"),
    *("mtn_tot", "mtn_mon", "mtn_day", "smsctl_tot", "smsctl_mon", "smsctl_day"),
)
DATA_KEYS = (
    *("dataflow_tot", "dataflow_day", "dataflow_24hours", "dataflow_1hour"),
    "dataflow_last",
)
PORT_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "sim": texts,
    "seq": mixed(st.integers(0, 10**6)),
    "st": status_codes,
    "status": status_codes,
    "active": flags,
    "inserted": flags,
    "slot_active": flags,
    "led": flags,
    "bal": decimals,
    "opr": mixed(
        st.sampled_from(["46000 CHINA MOBILE", "0 ", "0", "46001", "T-Mobile"])
    ),
    "sig": mixed(st.integers(-2, 120), numeric_text(0, 99)),
    "sn": texts,
    "imei": texts,
    "imsi": texts,
    "iccid": texts,
    **dict.fromkeys(COUNTER_KEYS, counters),
    **dict.fromkeys(DATA_KEYS, decimals),
    "dataflow_url": texts,
}


def with_extras(
    fixed: st.SearchStrategy[dict[str, Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    """Add a few unknown keys with any values, as newer firmware does."""
    extras = st.dictionaries(st.text(max_size=8), json_values, max_size=2)
    return st.builds(lambda known, more: {**more, **known}, fixed, extras)


port_objects = with_extras(
    st.fixed_dictionaries({}, optional={"port": port_addresses, **PORT_FIELDS})
)
macs = st.one_of(st.sampled_from(OWN_MACS), st.sampled_from(FOREIGN_MACS), json_values)
kinds = st.one_of(
    st.sampled_from(REPORT_TYPES),
    st.sampled_from(ODD_TYPES),
    json_values,  # no text at all, or any text
)


def report(
    kind: str, fields: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """Build reports of one type: mostly that type, some of its fields, maybe a MAC."""
    return with_extras(
        st.fixed_dictionaries(
            {"type": st.one_of(st.just(kind), st.just(kind), st.just(kind), kinds)},
            optional={"mac": macs, **fields},
        )
    )


sms_rows = st.one_of(
    st.tuples(flags, port_addresses, timestamps, texts, texts, sms_contents).map(list),
    st.lists(json_values, max_size=7),
    json_values,
)
recipient_rows = st.one_of(
    st.tuples(
        mixed(st.integers(0, 5)), texts, port_addresses, timestamps, texts, texts
    ).map(list),
    st.lists(json_values, max_size=6),
)
task_objects = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "tid": mixed(st.integers(0, 2**33)),
            "sending": mixed(st.integers(-1, 5)),
            "sent": mixed(st.integers(-1, 5)),
            "failed": mixed(st.integers(-1, 5)),
            "unsent": mixed(st.integers(-1, 5)),
            "sdr": mixed(st.lists(recipient_rows, max_size=3)),
            "fdr": mixed(st.lists(recipient_rows, max_size=3)),
        },
    ),
    json_values,
)
call_fields: dict[str, st.SearchStrategy[Any]] = {
    "cid": texts,
    "cdir": mixed(st.sampled_from(["MO", "MT", "mo", "x"])),
    "caller": texts,
    "callee": texts,
    "reason": status_codes,
    "gw_reason": status_codes,
    **dict.fromkeys(("begin", "alert", "answer", "update", "end"), timestamps),
}
reports = st.one_of(
    report(
        "dev-status",
        {
            "seq": mixed(st.integers(0, 10**6)),
            "expires": mixed(st.integers(-1, 10**6)),
            "ip": texts,
            "ver": texts,
            "max-ports": mixed(st.integers(-1, 64)),
            "max-slot": mixed(st.integers(-1, 64)),
            "max-slots": mixed(st.integers(-1, 64)),
            "status": mixed(st.lists(st.one_of(port_objects, json_values), max_size=6)),
        },
    ),
    st.builds(
        lambda head, port: {**port, **head},
        report("port-status", {}),
        port_objects,
    ),
    report(
        "recv-sms",
        {
            "sms_num": mixed(st.integers(0, 5), numeric_text(0, 5)),
            "sms": mixed(st.lists(sms_rows, max_size=4)),
            "sim_src": flags,
        },
    ),
    report(
        "sent-sms",
        {
            "port": port_addresses,
            "sms_tid": mixed(st.integers(0, 2**33)),
            "status": status_codes,
            "time": timestamps,
            "dur": mixed(st.integers(-1, 10**6)),
            "recver": texts,
            "receiver": texts,
            "charset": mixed(st.sampled_from(["UTF-8", "BASE64", "base64", "ucs2"])),
            "data": mixed(base64_texts.map(bytes.decode), st.text(max_size=30)),
        },
    ),
    st.builds(
        lambda head, port: {**port, **head},
        report("cdr", call_fields),
        port_objects,
    ),
    report(
        "status-report",
        {
            "rpt_num": mixed(st.integers(0, 5), numeric_text(0, 5)),
            "rpts": mixed(st.lists(task_objects, max_size=3)),
        },
    ),
)


# --- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture
async def webhook(
    hass: HomeAssistant, client: Client, entry: MockConfigEntry
) -> Client:
    """Set the gateway up without pushes; return a client for its webhook."""
    return client


def encode(value: Any) -> bytes:
    """Write a value as the JSON text a gateway would post (NaN and Infinity included)."""
    return json.dumps(value).encode()


def errors_in(
    records: list[logging.LogRecord], *, ignore: tuple[str, ...] = ()
) -> list[str]:
    """Describe every record at ERROR or above, with its traceback."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [
        formatter.format(record)
        for record in records
        if record.levelno >= logging.ERROR and record.name not in ignore
    ]


# Where reports carry SIM identities, phone numbers and texts; in SMS rows, the sender,
# recipient and content; in task rows, the number.
PERSONAL_KEYS = frozenset(
    {"imsi", "iccid", "imei", "sn", "caller", "callee", "recver", "receiver", "data"}
)


def personal_values(body: bytes) -> set[str]:
    """Return the texts of 8 characters or more a posted body has in personal places."""
    try:
        value = json.loads(body.strip(b"\xef\xbb\xbf\x00 \t\r\n").decode())
    except (ValueError, RecursionError):
        return set()
    found: set[str] = set()
    pending: list[tuple[Any, bool]] = [(value, False)]
    while pending:
        item, personal = pending.pop()
        if isinstance(item, dict):
            pending += [
                (child, personal or key in PERSONAL_KEYS) for key, child in item.items()
            ]
            for key in ("sms", "sdr", "fdr"):
                rows = item.get(key)
                for row in rows if isinstance(rows, list) else []:
                    if isinstance(row, list):
                        pending += [(cell, True) for cell in row[1:6]]
        elif isinstance(item, list):
            pending += [(child, personal) for child in item]
        elif personal and isinstance(item, str) and len(item.strip()) >= 8:
            found.add(item.strip())
    return found


async def post_and_check(
    hass: HomeAssistant,
    client: Client,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str | None,
    *,
    foreign_mac: bool = False,
) -> tuple[int, str]:
    """Post one body; check the answer is the webhook's own and nothing logged an error.

    Nor does any warning hold what the body has under a personal field.
    """
    start = len(caplog.records)  # caplog lives for the whole test, across examples
    status, text = await post(hass, client, body, content_type)
    assert errors_in(caplog.records[start:]) == [], body
    assert status in ANSWERS, (status, text, body)
    personal = personal_values(body)
    assert [
        record.getMessage()
        for record in caplog.records[start:]
        if record.levelno >= logging.WARNING
        and any(value in record.getMessage() for value in personal)
    ] == [], body
    if status == FORBIDDEN:
        assert foreign_mac, (text, body)
        assert text == "report of another gateway"
    return status, text


# --- 1. the webhook under fuzz -----------------------------------------------------------


@fuzz(300)
@given(
    body=st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode)),
    content_type=content_types,
)
async def test_any_bytes_get_an_answer(
    hass: HomeAssistant,
    webhook: Client,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str | None,
) -> None:
    """Whatever bytes are posted, the webhook answers 200 or 400 and nothing logs an error."""
    status, text = await post_and_check(hass, webhook, caplog, body, content_type)
    event(f"answer {status} {text[:40]}")  # shown by --hypothesis-show-statistics

    assert status in (OK, BAD_REQUEST)


@fuzz(300)
@given(value=json_values, prefix=prefixes, suffix=suffixes, content_type=content_types)
async def test_any_json_gets_an_answer(
    hass: HomeAssistant,
    webhook: Client,
    caplog: pytest.LogCaptureFixture,
    value: Any,
    prefix: bytes,
    suffix: bytes,
    content_type: str | None,
) -> None:
    """Any JSON value, however framed, is answered 200 or 400 with no error in the log."""
    status, text = await post_and_check(
        hass,
        webhook,
        caplog,
        prefix + encode(value) + suffix,
        content_type,
        foreign_mac=isinstance(value, dict) and "mac" in value,
    )
    event(f"answer {status} {text[:40]}")

    assert status != TOO_LARGE
    if not isinstance(value, dict):
        assert status == BAD_REQUEST  # only a JSON object can be a report


@fuzz(500)
@given(body=reports, content_type=content_types)
async def test_report_like_objects_get_an_answer(
    hass: HomeAssistant,
    webhook: Client,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    body: dict[str, Any],
    content_type: str | None,
) -> None:
    """Reports with odd, missing or mistyped fields: 200, 400, or 403 for a foreign MAC only.

    200 "OK" whenever a known report's usable parts were applied.

    Whatever a report holds, Home Assistant logs no error, and a report naming this
    gateway (in any notation) or no gateway is never refused as another gateway's. A
    report refused whole (not a report, unknown type, another gateway's) does not even
    count as the gateway being heard.
    """
    gateway = entry.runtime_data.gateway
    last_push = gateway.last_push
    foreign = "mac" in body and body["mac"] not in OWN_MACS

    status, text = await post_and_check(
        hass, webhook, caplog, encode(body), content_type, foreign_mac=foreign
    )
    event(f"answer {status} {text[:40]}")

    if text == "OK":
        assert isinstance(body["type"], str)
        assert body["type"].strip().lower() in REPORT_TYPES
    else:  # refused, or ignored: an unknown type
        assert gateway.last_push == last_push, text


async def test_the_fuzzed_gateway_still_works(
    hass: HomeAssistant,
    webhook: Client,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After a burst of junk and foreign reports, a good report still shows at once."""
    junk: list[bytes] = [
        b"\xff" * 64,
        b"[" * 5000,
        b'{"type": "dev-status", "status": ' + b"[" * 900 + b"]" * 900 + b"}",
        b'{"type": "port-status", "port": "1", "sig": ' + b"9" * 5000 + b"}",
        encode({"type": "dev-status", "mac": FOREIGN_MACS[0], "status": []}),
        encode({"type": "port-status", "port": "1.01", "bal": float("nan")}),
    ]
    for body in junk:
        await post_and_check(
            hass, webhook, caplog, body, "text/plain", foreign_mac=True
        )

    assert await post(hass, webhook, port_report(simulator, 1, bal="42.42")) == (
        OK,
        "OK",
    )

    assert value_of(hass, "balance", 1) == "42.42"


# --- 2. bodies and methods that are refused change nothing ----------------------------------


@pytest.mark.parametrize("chunked", [False, True])
async def test_oversized_valid_report_is_refused_whole(
    hass: HomeAssistant,
    webhook: Client,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    chunked: bool,
) -> None:
    """A well-formed dev-status padded past the size limit gets 413; nothing of it shows.

    The body would parse fine (the padding is only whitespace), so only the size check
    stands between it and the entities. The gateway is not even marked as heard, and
    the next normal report is taken as usual.
    """
    gateway = entry.runtime_data.gateway
    before = integration_states(hass, entry)
    raw = entry.runtime_data.ingest.raw_reports
    last_push, raw_reports = gateway.last_push, list(raw)
    report = dev_status(simulator)
    for port_object in report["status"]:
        port_object["bal"] = "55.55"
    body = encode(report) + b" " * MAX_REPORT_BYTES
    assert json.loads(body) == report

    if chunked:

        async def pieces() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 256 * 1024):
                yield body[start : start + 256 * 1024]

        response = await webhook.post(
            WEBHOOK_URL, data=pieces(), headers={"Content-Type": "text/plain"}
        )
    else:
        response = await webhook.post(
            WEBHOOK_URL, data=body, headers={"Content-Type": "text/plain"}
        )
    await hass.async_block_till_done()

    assert (response.status, await response.text()) == (TOO_LARGE, "report too large")
    assert integration_states(hass, entry) == before
    assert (gateway.last_push, list(raw)) == (last_push, raw_reports)
    assert errors_in(caplog.records) == []

    assert await post(hass, webhook, port_report(simulator, 2, bal="1.25")) == (
        OK,
        "OK",
    )
    assert value_of(hass, "balance", 2) == "1.25"


@pytest.mark.parametrize(
    ("method", "answer"),
    [("GET", 405), ("PUT", 405), ("DELETE", 405), ("PATCH", 405), ("HEAD", 200)],
)
async def test_methods_other_than_post_reach_nothing(
    hass: HomeAssistant,
    webhook: Client,
    simulator: Simulator,
    entry: MockConfigEntry,
    method: str,
    answer: int,
) -> None:
    """Only POST reaches the integration: other methods (a report as body or query) apply nothing.

    Home Assistant's webhook answers 405 to methods the webhook does not allow, and 200 to
    HEAD (so that a URL can be checked); in no case is the report read or the gateway
    marked as heard.
    """
    gateway = entry.runtime_data.gateway
    before = integration_states(hass, entry)
    raw = entry.runtime_data.ingest.raw_reports
    last_push, raw_reports = gateway.last_push, len(raw)
    report = port_report(simulator, 1, bal="11.11")

    response = await webhook.request(
        method,
        WEBHOOK_URL,
        params={"type": "port-status", "port": "1", "bal": "11.11"},
        data=json.dumps(report),
        headers={"Content-Type": "application/json"},
    )
    await hass.async_block_till_done()

    assert response.status == answer
    assert integration_states(hass, entry) == before
    assert (gateway.last_push, len(raw)) == (last_push, raw_reports)


@pytest.mark.parametrize(
    "encoding", ["gzip", "deflate", "br", "x-gzip", "gzip, identity", "anything"]
)
@pytest.mark.parametrize("bomb", [False, True], ids=["small", "bomb"])
async def test_compressed_bodies_are_refused_unread(
    hass: HomeAssistant,
    webhook: Client,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    encoding: str,
    bomb: bool,
) -> None:
    """A body in any encoding but identity gets 415 before any of it is read.

    Gateways do not compress; aiohttp unpacks a compressed body as it arrives, so a
    "zip bomb" of a kilobyte could make Home Assistant hold a gigabyte. The answer
    closes the connection, so that no more of it is unpacked; nothing is applied, not
    even counted as heard, and no error is logged. The next plain report is taken.
    """
    pack = zlib.compress if encoding == "deflate" else gzip.compress
    report = encode(port_report(simulator, 3, bal="9.99"))
    body = pack(report + b" " * MAX_REPORT_BYTES if bomb else report)
    headers = {"Content-Encoding": encoding, "Content-Type": "application/json"}
    before = integration_states(hass, entry)
    raw = entry.runtime_data.ingest.raw_reports
    last_push, raw_reports = entry.runtime_data.gateway.last_push, list(raw)

    response = await webhook.post(WEBHOOK_URL, data=body, headers=headers)
    await hass.async_block_till_done()

    if encoding == "br" and not HAS_BROTLI:
        # Without a Brotli decoder aiohttp refuses the request itself, before any
        # handler: nothing of it is read either.
        assert response.status == BAD_REQUEST
    else:
        assert (response.status, await response.text()) == (
            UNSUPPORTED,
            "compressed body refused",
        )
        assert response.headers.get("Connection", "").lower() == "close"
    assert integration_states(hass, entry) == before
    assert (entry.runtime_data.gateway.last_push, list(raw)) == (last_push, raw_reports)
    assert errors_in(caplog.records, ignore=("aiohttp.server",)) == []

    assert await post(hass, webhook, port_report(simulator, 3, bal="8.88")) == (
        OK,
        "OK",
    )
    assert value_of(hass, "balance", 3) == "8.88"


# --- 3. the good parts of a partly bad report -------------------------------------------


MALFORMED_PORT_OBJECTS = st.one_of(
    st.sampled_from(["2.01", 7, None, [], True]),  # not an object at all
    st.dictionaries(
        st.sampled_from(["sim", "st", "bal", "imei", "sig"]), json_values, max_size=4
    ),  # no port
    st.builds(
        lambda port, rest: {**rest, "port": port},
        st.sampled_from(["0.01", "x", "", "1.", "-3", True, 1.5, [1], {"p": 1}]),
        st.dictionaries(st.sampled_from(["st", "bal", "sig"]), scalars, max_size=3),
    ),  # a port that is no address
)


@fuzz(60)
@given(
    bad_index=st.integers(0, 7),
    malformed=MALFORMED_PORT_OBJECTS,
    cents=st.integers(1, 99_999),
)
async def test_good_ports_of_a_partly_bad_dev_status_show(
    hass: HomeAssistant,
    webhook: Client,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
    bad_index: int,
    malformed: Any,
    cents: int,
) -> None:
    """One unreadable port object among good ones: the seven good ports show their values.

    The port whose object was unreadable keeps what it showed; the report is answered
    200 (its good parts were taken), without any error in the log.
    """
    report = dev_status(simulator)
    balance = f"{cents / 100:.2f}"
    for port_object in report["status"]:
        port_object["bal"] = balance
        port_object["sig"] = 31
    report["status"][bad_index] = malformed
    bad_port = bad_index + 1
    keys = ("balance", "signal_strength", "status")
    kept = {key: value_of(hass, key, bad_port) for key in keys}
    start = len(caplog.records)

    status, text = await post(hass, webhook, report)

    assert (status, text) == (OK, "OK")
    assert errors_in(caplog.records[start:]) == []
    good = [port for port in range(1, 9) if port != bad_port]
    expected = {(port, "balance"): str(cents / 100) for port in good} | {
        (port, "signal_strength"): "-51" for port in good
    }
    assert read(hass, expected) == expected
    assert {key: value_of(hass, key, bad_port) for key in keys} == kept


@pytest.mark.usefixtures("entity_registry_enabled_by_default")  # call minutes
async def test_bad_fields_of_a_port_are_skipped_not_the_port(
    hass: HomeAssistant, webhook: Client, simulator: Simulator
) -> None:
    """A port object with some mistyped fields still updates the fields that are good.

    A mistyped value says nothing: what was shown for it stays.
    """
    keep = ("balance", "signal_strength", "call_minutes_total")
    before = {(3, key): value_of(hass, key, 3) for key in keep}
    report = dev_status(simulator)
    report["status"][2].update(
        bal=["1"], sig={"dbm": -60}, opr=12345, sn="+15550001", tot_dur="x/y"
    )
    report["status"][5].update(bal="7.77", seq="many")

    status, text = await post(hass, webhook, report)

    assert (status, text) == (OK, "OK")
    assert "unknown" not in before.values()
    expected = {
        **before,
        (3, "operator"): "12345",
        (3, "sim_number"): "+15550001",
        (3, "status"): "registered",
        (6, "balance"): "7.77",
        (6, "status"): "registered",
    }
    assert read(hass, expected) == expected


async def test_a_report_cannot_conjure_ports_or_slots_no_gateway_has(
    hass: HomeAssistant, webhook: Client, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Absurd port numbers and slot counts are skipped; the real ports still update."""
    ports_before = set(entry.runtime_data.gateway.ports)
    report = dev_status(simulator)
    report["max-slot"] = 1_000_000
    report["max-ports"] = 10**9
    report["status"] += [{"port": str(port), "st": 3} for port in range(1400, 1800)]
    report["status"] += [{"port": "99999999999999999999", "st": 3}]
    report["status"][0]["bal"] = "4.56"

    status, text = await post(hass, webhook, report)

    assert (status, text) == (OK, "OK")
    assert set(entry.runtime_data.gateway.ports) == ports_before
    assert value_of(hass, "balance", 1) == "4.56"
    slots = state_of(hass, "active_slot_select", 1, "select")
    assert slots.attributes["options"] == ["1", "2", "3", "4"]


# --- 4. the password in the logs -----------------------------------------------------------

PASSWORD_FORMS = (
    PASSWORD,
    quote(PASSWORD, safe=""),
    quote(PASSWORD),
    quote_plus(PASSWORD),
)


def record_texts(record: logging.LogRecord) -> Iterator[str]:
    """Every text a log record can end up as: its message and its formatted traceback."""
    yield record.getMessage()
    yield logging.Formatter().format(record)
    if record.exc_text:
        yield record.exc_text
    yield repr(record.args)


def assert_password_not_logged(records: list[logging.LogRecord]) -> None:
    """Check that no record, nor its traceback, holds the password in any URL form."""
    for record in records:
        for text in record_texts(record):
            for form in PASSWORD_FORMS:
                assert form not in text, (record.name, text)


def assert_logged(
    records: list[logging.LogRecord], check: Callable[[logging.LogRecord], bool]
) -> None:
    """Check that the path logged what a password could have leaked into."""
    assert any(check(record) for record in records), [
        (record.name, record.levelname, record.getMessage()) for record in records
    ]


def from_integration(level: int) -> Callable[[logging.LogRecord], bool]:
    """Match the integration's records at one level."""
    return lambda record: (
        record.name.startswith("custom_components.ejoin") and record.levelno == level
    )


def mentions(text: str, level: int) -> Callable[[logging.LogRecord], bool]:
    """Match records at a level or above whose message holds a text."""
    return lambda record: record.levelno >= level and text in record.getMessage()


def test_the_password_check_sees_a_leak() -> None:
    """The log check finds the password URL-quoted in a message, or in a traceback."""
    in_message = logging.LogRecord(
        "x", logging.DEBUG, __file__, 1, "GET %s", (quote(PASSWORD, safe=""),), None
    )
    err = RuntimeError(f"http://gw/?password={quote_plus(PASSWORD)}")
    in_traceback = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "failed", (), (RuntimeError, err, None)
    )
    for record in (in_message, in_traceback):
        with pytest.raises(AssertionError):
            assert_password_not_logged([record])


async def test_rejected_password_is_not_logged(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A gateway that rejects the password: set-up and config flow fail, the password never shows."""
    caplog.set_level(logging.DEBUG)
    simulator.password = "changed on the gateway"
    entry = config_entry_for(simulator)
    entry.add_to_hass(hass)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: simulator.host,
            CONF_PORT: simulator.port,
            CONF_USERNAME: "root",
            CONF_PASSWORD: PASSWORD,
        },
    )
    assert result.get("errors") == {"base": "invalid_auth"}
    await hass.async_block_till_done(wait_background_tasks=True)

    assert_password_not_logged(caplog.records)
    assert_logged(
        caplog.records, mentions("rejected the username or password", logging.WARNING)
    )
    assert_logged(caplog.records, lambda record: record.levelno == logging.DEBUG)


async def test_offline_gateway_does_not_log_the_password(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A gateway gone offline: failed actions, polls, reload and removal never log the password.

    Every action fails with an error that holds no password, even in its chained
    causes; the watch's polls and the SMS store reads fail with log lines that hold
    none either.
    """
    caplog.set_level(logging.DEBUG)
    # Set up as the config flow leaves it: the gateway is told where to report, and
    # told to stop when the entry is removed.
    entry = await set_up_entry(hass, simulator, config_entry_for(simulator))
    simulator.offline = True
    failures: list[HomeAssistantError] = []
    sms_events = async_capture_events(hass, "ejoin_sms_sent")
    for service, extra in ACTIONS:
        data = {"device_id": devices(hass, "gateway"), **extra}
        if service == "send_sms":  # taken and dropped, it may have gone out: no error
            answer = await act(hass, service, data, response=True)
            assert answer["tasks"][0]["status"] == "not_confirmed"
            continue
        with pytest.raises(HomeAssistantError) as raised:
            await act(hass, service, data, response=service == "get_public_ip")
        failures.append(raised.value)
    assert [event.data["result"] for event in sms_events] == ["not_confirmed"]
    for form in PASSWORD_FORMS:
        assert form not in str([event.data for event in sms_events])
    for _ in range(4):  # the watch polls, the SMS store is read, all in vain
        freezer.tick(timedelta(seconds=61))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)

    assert await hass.config_entries.async_reload(entry.entry_id) is False
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    for failure in failures:
        chain: list[BaseException] = [failure]
        while (cause := chain[-1].__cause__ or chain[-1].__context__) is not None:
            chain.append(cause)
        for err in chain:
            for form in PASSWORD_FORMS:
                assert form not in f"{err} {err!r} {getattr(err, 'args', '')}"
    assert_password_not_logged(caplog.records)
    assert_logged(caplog.records, mentions("did not answer", logging.DEBUG))
    assert_logged(
        caplog.records, mentions("Could not read the SMS store", logging.WARNING)
    )
    assert_logged(caplog.records, mentions("not ready yet", logging.DEBUG))
    assert_logged(caplog.records, mentions("stop reporting", logging.WARNING))


async def test_failing_sms_and_unload_do_not_log_the_password(
    hass: HomeAssistant,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An SMS the gateway refuses, then unloading and reloading: no password in any log line."""
    caplog.set_level(logging.DEBUG)
    entry = await set_up_entry(hass, simulator, entry_for(simulator))
    for port in simulator.gateway.ports.values():
        port.locked = True  # the gateway refuses: "5 SIM unregistered"

    with pytest.raises(HomeAssistantError) as raised:
        await act(hass, "send_sms", {"numbers": "+1555", "message": "Hi"})
    assert raised.value.translation_key == "sms_refused"
    simulator.password = "changed on the gateway"
    with pytest.raises(HomeAssistantError) as raised:
        await act(hass, "send_sms", {"numbers": "+1555", "message": "Hi"})
    simulator.password = PASSWORD
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert_password_not_logged(caplog.records)
    assert_logged(caplog.records, lambda record: record.levelno == logging.DEBUG)
    assert_logged(
        caplog.records,
        lambda record: (
            record.levelno >= logging.INFO and "ejoin" in record.getMessage().lower()
        ),
    )
