"""Tests of decoding JSON bodies with either JSON loader (pyejoin.bodies).

Every test runs with the standard library's ``json.loads`` and with ``orjson.loads``
(Home Assistant's ``json_loads``): whatever a loader does with an odd body, the package
reads it or refuses it with EjoinMalformedReportError, never another error.
"""

from __future__ import annotations

from collections.abc import Callable
import json
from typing import Any

import pytest

from pyejoin import (
    DeviceStatusReport,
    EjoinMalformedReportError,
    PortStatusReport,
    ReportProblem,
    load_json_object,
    parse_report,
)
from pyejoin.ports import MAX_PORT

from .payloads import fixture_bytes

type Loader = Callable[[bytes | str], Any]

SEED = "dev_status_seed.json"


@pytest.mark.parametrize(
    "padded",
    [
        lambda body: b"\xef\xbb\xbf" + body + b"\x00\x00\x00",
        lambda body: b"\r\n " + body + b" \r\n\x00",
        lambda body: b"\x00\xef\xbb\xbf\xef\xbb\xbf" + body + b"\xef\xbb\xbf\x00",
        lambda body: bytearray(b"\xef\xbb\xbf" + body + b"\x00"),
        lambda body: "\ufeff" + body.decode() + "\r\n\x00\x00",
    ],
    ids=["bom and nuls", "whitespace", "boms among nuls", "bytearray", "text"],
)
def test_padding_around_the_body_is_ignored(
    loads: Loader, padded: Callable[[bytes], bytes | bytearray | str]
) -> None:
    """A BOM, whitespace and NULs around a body are ignored, with either loader."""
    plain = parse_report(fixture_bytes(SEED))

    assert parse_report(padded(fixture_bytes(SEED)), loads=loads) == plain


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe{\x00}", "body is not UTF-8 text"),
        (b'{"type": "dev-status", "mac": "\xff"}', "body is not UTF-8 text"),
        (b"\xef\xbb\xbf{\xc3}", "body is not UTF-8 text"),
        # A surrogate encoded as UTF-8, which the standard library's bytes path takes.
        (b'{"type": "dev-status", "mac": "\xed\xa0\x80"}', "body is not UTF-8 text"),
        # UTF-16 without a BOM, which the standard library's bytes path would guess.
        ('{"type": "dev-status"}'.encode("utf-16-le"), "body is not JSON"),
        (b"<html><body>404</body></html>", "body is not JSON"),
        (b"", "body is not JSON"),
        (b"\x00\x00", "body is not JSON"),
        ("", "body is not JSON"),
        (b'{"type": "dev-status"} {}', "body is not JSON"),
        (b'{"type": "dev-status", "mac": "a\x00b"}', "body is not JSON"),
        ("{'type': 'dev-status'}", "body is not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "body is not JSON"),
        (b'{"type": "dev-status", "seq": ' + b"9" * 5000 + b"}", "body is not JSON"),
        ('[{"type": "dev-status"}]', "body is not a JSON object"),
        (b"null", "body is not a JSON object"),
    ],
)
def test_unusable_bodies_are_refused_alike(
    loads: Loader, body: bytes | str, message: str
) -> None:
    """Bodies that are not UTF-8, not JSON or not an object are refused, either way."""
    with pytest.raises(EjoinMalformedReportError, match=f"^{message}$"):
        parse_report(body, loads=loads)


@pytest.mark.parametrize(
    "constant", ["NaN", "Infinity", "-Infinity"], ids=["nan", "inf", "-inf"]
)
def test_nan_and_infinity(loads: Loader, constant: str) -> None:
    """Not JSON, though the standard library reads them: the value is a problem.

    orjson refuses the body, which the standard library then reads: the port is kept
    and the value that could not be read named, whichever loader was passed.
    """
    body = f'{{"type": "port-status", "port": "1A", "st": 3, "bal": {constant}}}'

    report = parse_report(body.encode(), loads=loads)
    assert isinstance(report, PortStatusReport)
    assert report.port is not None
    assert (report.port.status_code, report.port.balance) == (3, None)
    assert report.problems == (
        ReportProblem(item="port 1A bal", reason="not a finite number"),
    )


def test_an_integer_beyond_64_bits_is_read(loads: Loader) -> None:
    """An integer beyond 64 bits is read (by orjson as a float, here a whole one)."""
    report = parse_report(
        b'{"type": "dev-status", "seq": 18446744073709551616, "expires": -1}',
        loads=loads,
    )

    assert isinstance(report, DeviceStatusReport)
    assert (report.sequence, report.expires) == (2**64, -1)


def test_a_port_named_by_a_huge_integer_is_skipped(loads: Loader) -> None:
    """Read as an integer or as a float, no port has such a number: the object is skipped."""
    body = b'{"type": "dev-status", "status": [{"port": 99999999999999999999999}]}'

    report = parse_report(body, loads=loads)

    assert isinstance(report, DeviceStatusReport)
    assert report.ports == ()
    assert [problem.reason for problem in report.problems] == ["not a port address"]


def test_an_integer_of_400_digits(loads: Loader) -> None:
    """Read (by the standard library when orjson refuses it): it is no count of ports."""
    body = b'{"type": "dev-status", "max-ports": 1' + b"0" * 400 + b"}"

    report = parse_report(body, loads=loads)
    assert isinstance(report, DeviceStatusReport)
    assert report.max_ports is None
    assert [problem.reason for problem in report.problems] == [f"not 0 to {MAX_PORT}"]


def test_nesting_deeper_than_orjson_takes(loads: Loader) -> None:
    """Nesting past 1024 levels, which orjson refuses, is read by the standard library.

    Nested values are unknown keys, or port objects that are not objects.
    """
    nested = b"[" * 1100 + b"]" * 1100
    body = b'{"type": "dev-status", "x": ' + nested + b', "status": [' + nested + b"]}"

    report = parse_report(body, loads=loads)
    assert isinstance(report, DeviceStatusReport)
    assert report.unknown_keys == {"x"}
    assert report.problems == (
        ReportProblem(item="status[0]", reason="not a JSON object"),
    )


def test_the_loader_is_given_the_bytes_themselves() -> None:
    """A loader other than the standard library's gets the body's bytes: no decoding.

    Padding is cut off first, and only a BOM makes the body go through text.
    """
    seen: list[bytes | str] = []

    def loads(document: bytes | str) -> Any:
        seen.append(document)
        return json.loads(document)

    body = fixture_bytes(SEED)
    load_json_object(body + b"\x00", loads=loads)
    load_json_object(b"\xef\xbb\xbf" + body, loads=loads)

    assert seen == [body.strip(), body.decode().strip()]


def test_a_loader_refusing_bytes_that_are_not_utf8_is_told_apart() -> None:
    """When the loader fails on bytes, the reason is the encoding if it is not UTF-8."""

    def loads(document: bytes | str) -> Any:
        raise ValueError("cannot read this")

    with pytest.raises(EjoinMalformedReportError, match=r"^body is not UTF-8 text$"):
        load_json_object(b"{\xff}", loads=loads)
    with pytest.raises(EjoinMalformedReportError, match=r"^body is not JSON$"):
        load_json_object(b"{", loads=loads)
    assert load_json_object(b'{"a": NaN}', loads=loads)["a"] != 0  # NaN, read again
