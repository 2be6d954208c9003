"""Tests of decoding received SMS: text, envelopes, delivery reports, rows (pyejoin.sms)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
import json
from typing import Any

from hypothesis import assume, given, strategies as st
import pytest

from pyejoin import (
    DeliveryReport,
    ReceivedSms,
    ReportProblem,
    SmsReceivedReport,
    parse_report,
)
from pyejoin.sms import decode_sms_text, split_envelope

from .payloads import (
    PROPERTY_SETTINGS,
    addr,
    assert_problems,
    b64,
    parse_fixture,
    recv_sms,
    utc,
)

KEPT_AS_SENT = ReportProblem(
    item="sms row 0", reason="content is not base64 of UTF-8; kept as sent"
)


# --- recv-sms rows as the vendor documents them ---------------------------------------


def test_recv_sms_unicode() -> None:
    """A Unicode message (Cyrillic, emoji, CJK) is decoded from base64 of UTF-8."""
    report = parse_fixture("recv_sms_unicode.json", SmsReceivedReport, as_bytes=True)

    assert report.problems == ()
    assert report.messages == (
        ReceivedSms(
            address=addr(3, 1),
            received_at=utc(2024, 5, 1, 9, 45),
            sender="+79161234567",
            recipient="+79031112233",
            text="Ваш код: 4821. Никому его не сообщайте 🙂 验证码",  # noqa: RUF001
        ),
    )


def test_recv_sms_long_message() -> None:
    """A long message arrives joined; its whole text is decoded."""
    report = parse_fixture("recv_sms_long_multipart.json", SmsReceivedReport)

    assert report.problems == ()
    (message,) = report.messages
    assert message.text == (
        "Dear customer, your monthly bundle has been renewed: 10 GB of data, unlimited "
        "national calls and 500 SMS until 31/05. Your remaining balance is 4.20 EUR. "
        "Reply STOP to opt out of these notifications. Thank you for staying with us!"
    )
    assert len(message.text) > 160
    assert message.sender == "Vodafone"
    assert message.recipient == "+491701234567"
    assert message.address == addr(4, 2)
    assert message.received_at == utc(2024, 5, 1, 10, 40)


def test_recv_sms_envelope() -> None:
    """An envelope's headers fill sender, recipient, SMSC and SCTS; the body is the text."""
    report = parse_fixture("recv_sms_envelope.json", SmsReceivedReport)

    assert report.problems == ()
    assert report.messages == (
        ReceivedSms(
            address=addr(1, 2),
            received_at=utc(2019, 1, 25, 9, 10, 12),
            sender="+8613715266978",
            recipient="+8613800138000",
            text="Your verification code is 552817.\nValid for 5 minutes.",
            smsc="+8613800755500",
            scts="190125171012+32",
        ),
    )


def test_recv_sms_nul_padded() -> None:
    """Trailing NULs are stripped and CRLF becomes LF."""
    report = parse_fixture("recv_sms_nul_padded.json", SmsReceivedReport)

    assert report.problems == ()
    (message,) = report.messages
    assert message.text == "Balance: 12.50 CNY\nData left: 1.2 GB"
    assert message.sender == "10086"
    assert message.recipient == "13912345678"
    assert message.smsc is None
    assert message.scts is None


def test_recv_sms_delivery_report() -> None:
    """A delivery report row: from is the SMSC, content "0 <scts>" means delivered."""
    report = parse_fixture("recv_sms_delivery_report.json", SmsReceivedReport)

    assert report.problems == ()
    assert report.messages == ()
    assert report.delivery_reports == (
        DeliveryReport(
            address=addr(2, 1),
            received_at=utc(2024, 5, 1, 9, 50),
            smsc="+8613800755500",
            recipient="13912345678",
            status_code=0,
            operator_time="240501100958+32",
        ),
    )
    assert report.delivery_reports[0].delivered is True


def test_recv_sms_failed_delivery_report() -> None:
    """A delivery report with a non-zero code is not delivered."""
    report = parse_fixture("recv_sms_delivery_report_failed.json", SmsReceivedReport)

    assert report.problems == ()
    (delivery,) = report.delivery_reports
    assert delivery.status_code == 70
    assert delivery.delivered is False
    assert delivery.operator_time == "240501101502+32"
    assert delivery.recipient == "13912345679"
    assert delivery.received_at == utc(2024, 5, 1, 9, 55)


def test_delivery_report_with_code_only() -> None:
    """A delivery report content of only a code has no operator time."""
    body = {"type": "recv-sms", "sms": [[1, "2.01", 0, "", "139", "0"]]}

    report = parse_report(json.dumps(body))

    assert isinstance(report, SmsReceivedReport)
    assert report.delivery_reports == (
        DeliveryReport(
            address=addr(2, 1),
            received_at=None,
            smsc="",
            recipient="139",
            status_code=0,
        ),
    )


def test_odd_sms_rows_keep_every_readable_text() -> None:
    """A row whose content can be read is kept, whatever else is odd; the rest skipped.

    A bad port leaves the port unknown, a content that is a number is its text, a
    delivery report in no known form has an unknown status, an unreadable flag is
    taken for an SMS. Rows that are not rows of six values cannot be read at all.
    """
    report = parse_fixture("recv_sms_malformed_rows.json", SmsReceivedReport)

    assert [(m.address, m.sender, m.text) for m in report.messages] == [
        (addr(1, 1), "+8613900000001", "first good message"),
        (None, "+8613900000002", "bad port"),
        (addr(1, 1), "+8613900000003", "12345"),
        (addr(1, 1), "+8613900000005", "bad flag"),
        (addr(2, 1), "+8613900000006", "last good message"),
    ]
    assert report.messages[4].received_at == utc(2024, 5, 1, 12, 20, 5)
    assert report.delivery_reports == (
        DeliveryReport(
            address=addr(1, 1),
            received_at=utc(2024, 5, 1, 12, 20, 3),
            smsc="+8613800755500",
            recipient="+8613900000004",
            status_code=None,
            content="delivered",
        ),
    )
    assert report.delivery_reports[0].delivered is None
    assert_problems(
        report,
        ReportProblem(item="sms row 1", reason="not a row of 6 values"),
        ReportProblem(item="sms row 2", reason="not a row of 6 values"),
        ReportProblem(item="sms row 3 port", reason="not a port address"),
        ReportProblem(
            item="sms row 4", reason="content is not base64 of UTF-8; kept as sent"
        ),
        ReportProblem(
            item="sms row 5",
            reason="delivery report has no status code; status unknown",
        ),
        ReportProblem(item="sms row 6 flag", reason="not 0 or 1"),
    )


def test_sms_not_a_list() -> None:
    """A recv-sms whose sms is not a list has no messages and one problem."""
    report = parse_report('{"type": "recv-sms", "sms_num": 1, "sms": "row"}')

    assert isinstance(report, SmsReceivedReport)
    assert report.messages == ()
    assert report.delivery_reports == ()
    assert report.problems == (ReportProblem(item="sms", reason="not a list of rows"),)


def test_recv_sms_plain_unicode_content() -> None:
    """Plain non-ASCII content is kept as sent with a problem, like other non-base64."""
    body = {"type": "recv-sms", "sms": [[0, "1.01", 1714566000, "+1", "", "Привет"]]}

    report = parse_report(json.dumps(body))

    assert isinstance(report, SmsReceivedReport)
    assert [m.text for m in report.messages] == ["Привет"]
    assert report.problems == (
        ReportProblem(
            item="sms row 0", reason="content is not base64 of UTF-8; kept as sent"
        ),
    )


# --- decode_sms_text and envelopes ----------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("SGVsbG8=", ("Hello", True)),
        ("SGVsbG8", ("SGVsbG8", False)),  # not whole base64 blocks: kept as sent
        ("OK", ("OK", False)),  # a short word is not base64 of anything
        ("SGVs\r\nbG8=", ("Hello", True)),
        ("", ("", True)),
        ("QQ==", ("A", True)),
        ("not base64!", ("not base64!", False)),
        ("/w==", ("/w==", False)),
        ("A", ("A", False)),
    ],
)
def test_decode_sms_text(content: str, expected: tuple[str, bool]) -> None:
    """Base64 with or without padding or line breaks; anything else kept as sent."""
    assert decode_sms_text(content) == expected


def test_decode_sms_text_strips_nuls_from_plain_text() -> None:
    """Plain text that is not base64 also loses NULs and CRLF."""
    assert decode_sms_text("Hi there\r\nok\x00") == ("Hi there\nok", False)


def test_decode_sms_text_non_ascii() -> None:
    """Non-ASCII content is not base64: kept as sent."""
    assert decode_sms_text("Grüße") == ("Grüße", False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sender: +1\nSMSC: +2\n\nbody\n\nmore",
            ({"sender": "+1", "smsc": "+2"}, "body\n\nmore"),
        ),
        ("sender:+1\nSCTS: 190125\n\n", ({"sender": "+1", "scts": "190125"}, "")),
        ("Hello\n\nWorld", None),
        ("Note: call me\n\nlater", None),
        ("Sender: +1\nbody", None),
        ("\n\nbody", None),
        # A header this package does not know is removed from the text all the same.
        (
            "Sender: +1\nPort: 12.01\nCharset: UCS2\nSCTS: 1\n\nbody",
            ({"sender": "+1", "scts": "1"}, "body"),
        ),
        ("Port: 12.01\nCharset: UCS2\n\nbody", None),  # no known header at all
        ("Sender: +1\nnot a header line\n\nbody", None),
    ],
)
def test_split_envelope(text: str, expected: tuple[dict[str, str], str] | None) -> None:
    """Only header lines the envelope knows, then a blank line, make an envelope."""
    assert split_envelope(text) == expected


def test_message_that_looks_nothing_like_an_envelope() -> None:
    """A message with a blank line but no headers is kept whole."""
    text = "Hello\r\n\r\nSee you"
    body = {
        "type": "recv-sms",
        "sms": [[0, "1.01", 1714566000, "+1", "+2", b64(text)]],
    }

    report = parse_report(json.dumps(body))

    assert isinstance(report, SmsReceivedReport)
    assert report.messages[0].text == "Hello\n\nSee you"
    assert report.messages[0].sender == "+1"
    assert report.messages[0].smsc is None


def test_envelope_with_empty_headers_keeps_row_values() -> None:
    """Empty envelope headers do not replace the row's sender and recipient."""
    text = "Sender: \r\nReceiver: \r\nSMSC: \r\nSCTS: \r\n\r\nhi"
    body = {"type": "recv-sms", "sms": [[0, "1.01", 0, "+1", "+2", b64(text)]]}

    report = parse_report(json.dumps(body))

    assert isinstance(report, SmsReceivedReport)
    assert report.messages == (
        ReceivedSms(
            address=addr(1, 1),
            received_at=None,
            sender="+1",
            recipient="+2",
            text="hi",
        ),
    )


# --- SMS rows as real firmware sends them: envelopes and odd fields -------------------


def test_envelope_receiver_with_the_receiving_port() -> None:
    """``Receiver: "12.01" 16463915790`` is the number 16463915790; no header leaks."""
    envelope = (
        "Sender: +14155550100\r\n"
        'Receiver: "12.01" 16463915790\r\n'
        "SMSC: +14155550000\r\n"
        "SCTS: 240501122005+32\r\n"
        "\r\n"
        "Your code is 552817"
    )
    report = recv_sms([0, "12.01", 1714566005, "", "", b64(envelope + "\x00\x00")])

    assert report.messages == (
        ReceivedSms(
            address=addr(12, 1),
            received_at=utc(2024, 5, 1, 12, 20, 5),
            sender="+14155550100",
            recipient="16463915790",
            text="Your code is 552817",
            smsc="+14155550000",
            scts="240501122005+32",
        ),
    )
    assert report.problems == ()


def test_envelope_sender_name_with_spaces_is_kept_whole() -> None:
    """An alphanumeric sender with a space is a name, not a port and a number."""
    report = recv_sms([0, "1.01", 1714566005, "", "", b64("Sender: DHL Express\n\nHi")])
    assert (report.messages[0].sender, report.messages[0].text) == ("DHL Express", "Hi")


@pytest.mark.parametrize(
    ("row", "unknown", "problem"),
    [
        ([0, "1.01", "yesterday", "+1", "+2", b64("odd time")], "time", "time"),
        ([0, "1.01", -5, "+1", "+2", b64("odd time")], "time", None),  # no time
        ([0, "1.01", 1e30, "+1", "+2", b64("odd time")], "time", "time"),
        ([0, "port one", 1714566005, "+1", "+2", b64("odd time")], "port", "port"),
        ([0, None, 1714566005, "+1", "+2", b64("odd time")], "port", "port"),
        ([0, "999.01", 1714566005, "+1", "+2", b64("odd time")], "port", "port"),
        (["SMS", "1.01", 1714566005, "+1", "+2", b64("odd time")], None, "flag"),
        ([0, "1.01", 1714566005, ["+1"], "+2", b64("odd time")], "from", "from"),
        ([0, "1.01", 1714566005, "+1", {"n": 2}, b64("odd time"), "x"], "to", "to"),
    ],
)
def test_an_odd_field_never_drops_a_readable_message(
    row: list[Any], unknown: str | None, problem: str | None
) -> None:
    """The message is kept with the odd field unknown, and the oddity described."""
    report = recv_sms(row)

    assert [message.text for message in report.messages] == ["odd time"]
    message = report.messages[0]
    values = {
        "time": message.received_at,
        "port": message.address,
        "from": message.sender,
        "to": message.recipient,
    }
    assert [name for name, value in values.items() if value is None] == (
        [unknown] if unknown else []
    )
    assert [item.key for item in report.problems] == ([problem] if problem else [])


@pytest.mark.parametrize(
    ("content", "code", "operator_time", "kept"),
    [
        ("0 240501122005", 0, "240501122005", None),
        (b64("0 240501122005"), 0, "240501122005", None),  # encoded like a message
        ("DELIVRD", None, None, "DELIVRD"),
        ("id:42 stat:UNDELIV", None, None, "id:42 stat:UNDELIV"),
        ("", None, None, None),
        (7, 7, None, None),
    ],
)
def test_delivery_reports_in_any_form_are_kept(
    content: Any, code: int | None, operator_time: str | None, kept: str | None
) -> None:
    """A delivery report in another form is still one, with its status unknown."""
    report = recv_sms(
        [1, "1.01", 1714566005, "+8613800755500", "+4915112345678", content]
    )

    assert report.messages == ()
    assert report.delivery_reports == (
        DeliveryReport(
            address=addr(1, 1),
            received_at=utc(2024, 5, 1, 12, 20, 5),
            smsc="+8613800755500",
            recipient="+4915112345678",
            status_code=code,
            operator_time=operator_time,
            content=kept,
        ),
    )
    assert report.delivery_reports[0].delivered == (None if code is None else code == 0)


def test_times_in_milliseconds_are_read() -> None:
    """Some firmware writes Unix time in milliseconds: it is the same moment."""
    report = parse_report(
        json.dumps(
            {
                "type": "recv-sms",
                "sms": [[0, "1.01", 1714566005123, "+1", "+2", b64("ms")]],
            }
        )
    )
    assert isinstance(report, SmsReceivedReport)
    assert report.messages[0].received_at == datetime(
        2024, 5, 1, 12, 20, 5, 123000, tzinfo=UTC
    )
    assert report.problems == ()


def test_an_unreadable_time_is_kept_as_text() -> None:
    """An SMS whose time cannot be read keeps it as sent, to tell repeats apart."""
    report = parse_report(
        json.dumps(
            {
                "type": "recv-sms",
                "sms": [
                    [0, "1.01", "yesterday", "+1", "+2", b64("a")],
                    [0, "1.01", 0, "+1", "+2", b64("b")],
                ],
            }
        )
    )
    assert isinstance(report, SmsReceivedReport)
    assert [(m.received_at, m.time_text) for m in report.messages] == [
        (None, "yesterday"),
        (None, None),  # no time at all is not an unreadable one
    ]


# --- properties -----------------------------------------------------------------------


sms_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00\r"))


@PROPERTY_SETTINGS
@given(text=sms_text)
def test_decode_sms_text_round_trip(text: str) -> None:
    """Base64 of UTF-8 decodes back to the text, flagged as decoded."""
    content = base64.b64encode(text.encode("utf-8")).decode("ascii")

    assert decode_sms_text(content) == (text, True)


@PROPERTY_SETTINGS
@given(
    lines=st.lists(
        st.text(st.characters(codec="utf-8", exclude_characters="\x00\r\n"))
    ),
    nuls=st.integers(min_value=0, max_value=8),
)
def test_decode_sms_text_normalises(lines: list[str], nuls: int) -> None:
    """CRLF becomes LF and NUL padding disappears."""
    content = base64.b64encode(("\r\n".join(lines) + "\x00" * nuls).encode()).decode()

    assert decode_sms_text(content) == ("\n".join(lines), True)


header_values = st.text(
    st.characters(codec="utf-8", exclude_characters="\n\r\x00"), max_size=20
).map(str.strip)


@PROPERTY_SETTINGS
@given(
    headers=st.dictionaries(
        st.sampled_from(["Sender", "Receiver", "SMSC", "SCTS"]),
        header_values,
        min_size=1,
    ),
    body=sms_text,
)
def test_split_envelope_round_trip(headers: dict[str, str], body: str) -> None:
    """Header lines, a blank line and a body split back into headers and body."""
    text = "\n".join(f"{name}: {value}" for name, value in headers.items())

    result = split_envelope(f"{text}\n\n{body}")

    assert result == ({name.lower(): v for name, v in headers.items()}, body)


@PROPERTY_SETTINGS
@given(
    text=sms_text,
    sender=st.from_regex(r"\+?[0-9]{3,15}", fullmatch=True),
    port=st.integers(min_value=1, max_value=64),
    slot=st.integers(min_value=1, max_value=8),
    seconds=st.integers(min_value=1, max_value=4_102_444_800),
)
def test_received_message_round_trip(
    text: str, sender: str, port: int, slot: int, seconds: int
) -> None:
    """A recv-sms row with base64 content gives back the text, sender and time."""
    assume(split_envelope(text) is None)
    row = [
        0,
        f"{port}.{slot:02d}",
        seconds,
        sender,
        "",
        base64.b64encode(text.encode()).decode(),
    ]

    report = parse_report(json.dumps({"type": "recv-sms", "sms": [row]}).encode())

    assert isinstance(report, SmsReceivedReport)
    assert report.problems == ()
    (message,) = report.messages
    assert message.text == text
    assert message.sender == sender
    assert (message.address.port, message.address.slot) == (port, slot)
    assert message.received_at is not None
    assert message.received_at.timestamp() == seconds


@PROPERTY_SETTINGS
@given(content=st.text(st.characters(codec="utf-8", exclude_characters="\x00\r")))
def test_any_content_is_kept(content: str) -> None:
    """Any SMS content gives a message: decoded, or kept as sent with a problem."""
    row = [0, "1.01", 1714566000, "+1", "+2", content]

    report = parse_report(json.dumps({"type": "recv-sms", "sms": [row]}))

    assert isinstance(report, SmsReceivedReport)
    (message,) = report.messages
    if report.problems:
        assert report.problems == (KEPT_AS_SENT,)
        text = content
    else:
        text = decode_sms_text(content)[0]
    envelope = split_envelope(text)
    assert message.text == (envelope[1] if envelope else text)
