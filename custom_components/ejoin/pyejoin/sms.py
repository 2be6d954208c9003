"""Decode received SMS: base64 text, forwarded envelopes, delivery reports, SMS rows.

Rows come in ``recv-sms`` reports and in pages of the gateway's SMS store alike, as
``[flag, port, time, from, to, content]``. A message is what users care most about:
readable text is never dropped because another value of its row is odd.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Final

from .models import DeliveryReport, ReceivedSms, ReportProblem
from .values import (
    BadValueError,
    Fields,
    as_address,
    as_code_and_text,
    as_flag,
    as_text,
)
from .wire import ENVELOPE_HEADERS, SMS_ROW_KEYS


def decode_sms_text(content: str) -> tuple[str, bool]:
    """Decode an SMS body: base64 of UTF-8, NULs stripped, CRLF made LF.

    Returns the text and whether it was base64. Content that is not base64 of UTF-8 (some
    firmware sends plain text) is kept as it came rather than lost.
    """
    packed = "".join(content.split())
    try:
        # Correct base64 comes in blocks of four; short words like "OK" are text.
        if len(packed) % 4:
            raise binascii.Error("not whole base64 blocks")
        text = base64.b64decode(packed, validate=True).decode()
        decoded = True
    except ValueError:  # binascii.Error, UnicodeDecodeError, non-ASCII input
        text, decoded = content, False
    return text.replace("\x00", "").replace("\r\n", "\n"), decoded


# A header line of a forwarded envelope: a short name, a colon, a value.
_HEADER_LINE: Final = re.compile(r"^([A-Za-z][A-Za-z0-9 _-]{0,31}):(.*)$")
# A quoted token before the number, as in ``Receiver: "12.01" 16463915790``.
_QUOTED_PREFIX: Final = re.compile(r'^"[^"]*"\s*')


def split_envelope(text: str) -> tuple[dict[str, str], str] | None:
    """Split a forwarded envelope (``Sender:``/``SMSC:``… lines, a blank line, the body).

    Every header line is removed from the text, also one this package does not know;
    the known ones (Sender, Receiver, SMSC, SCTS) are returned by lower-case name. Text
    whose first block has no known header is not an envelope.
    """
    head, separator, body = text.partition("\n\n")
    if not separator:
        return None
    headers: dict[str, str] = {}
    for line in head.split("\n"):
        match = _HEADER_LINE.match(line.strip())
        if match is None:
            return None
        headers[match[1].strip().lower()] = match[2].strip()
    if not headers.keys() & ENVELOPE_HEADERS:
        return None
    return {
        name: value for name, value in headers.items() if name in ENVELOPE_HEADERS
    }, body


def envelope_number(value: str) -> str:
    """Read the number of a ``Sender:`` or ``Receiver:`` line.

    Some firmware puts the receiving port, quoted, before the number
    (``"12.01" 16463915790``); a sender's name may contain spaces and is kept whole.
    """
    return _QUOTED_PREFIX.sub("", value.strip()).strip()


def _delivery_status(content: str) -> tuple[int | None, str | None]:
    """Read a delivery report's ``"<code> <operator time>"``; (None, None) if not so.

    Some firmware sends it base64-encoded like a message, which is tried too.
    """
    for candidate in (content, decode_sms_text(content)[0]):
        try:
            code, operator_time = as_code_and_text(candidate)
        except BadValueError:
            continue
        if code is not None:
            return code, operator_time
    return None, None


def _row_text(value: Any) -> str | None:
    """Read the content of an SMS row: text (a number counts); None if it is not."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return str(value)


def _party(value: Any) -> str:
    """Read a sender or recipient: its text, "" when empty; raise if it is not text.

    The error names the value's type only: a phone number must not reach a log.
    """
    try:
        return as_text(value) or ""
    except BadValueError:
        raise BadValueError(f"a {type(value).__name__} is not text") from None


def parse_sms_rows(
    rows: Any, problems: list[ReportProblem]
) -> tuple[tuple[ReceivedSms, ...], tuple[DeliveryReport, ...]]:
    """Read ``[flag, port, time, from, to, content]`` rows into messages and delivery reports.

    A row whose content can be read is never dropped for another odd value: that value
    is None (an unreadable flag is taken for an SMS) and described in ``problems``.
    """
    if rows is None:
        return (), ()
    if not isinstance(rows, list):
        problems.append(ReportProblem(item="sms", reason="not a list of rows"))
        return (), ()
    messages: list[ReceivedSms] = []
    reports: list[DeliveryReport] = []
    for index, row in enumerate(rows):
        item = f"sms row {index}"
        if not isinstance(row, list) or len(row) < 6:
            problems.append(ReportProblem(item=item, reason="not a row of 6 values"))
            continue
        raw = _row_text(row[5])
        if raw is None:
            problems.append(
                ReportProblem(
                    item=item,
                    reason=f"content of type {type(row[5]).__name__} is not text",
                    key="content",
                )
            )
            continue
        fields = Fields(dict(zip(SMS_ROW_KEYS, row, strict=False)), item, problems)
        is_report = fields.read("flag", as_flag, None)
        address = fields.read("port", as_address, None)
        first_problem = len(problems)
        received_at = fields.timestamp("time")
        # An unreadable time still tells two messages apart (see the inbox).
        time_text = str(row[2])[:64] if len(problems) > first_problem else None
        sender_text = fields.read("from", _party, None)
        recipient_text = fields.read("to", _party, None)
        if is_report:
            code, operator_time = _delivery_status(raw)
            if code is None:
                problems.append(
                    ReportProblem(
                        item=item,
                        reason="delivery report has no status code; status unknown",
                        key="content",
                    )
                )
            reports.append(
                DeliveryReport(
                    address=address,
                    received_at=received_at,
                    smsc=sender_text,
                    recipient=recipient_text,
                    status_code=code,
                    operator_time=operator_time,
                    content=None if code is not None else raw.strip() or None,
                    time_text=time_text,
                )
            )
            continue
        text, decoded = decode_sms_text(raw)
        if not decoded:
            problems.append(
                ReportProblem(
                    item=item,
                    reason="content is not base64 of UTF-8; kept as sent",
                    key="content",
                )
            )
        smsc = scts = None
        if envelope := split_envelope(text):
            headers, text = envelope
            sender_text = envelope_number(headers.get("sender", "")) or sender_text
            recipient_text = (
                envelope_number(headers.get("receiver", "")) or recipient_text
            )
            smsc, scts = headers.get("smsc") or None, headers.get("scts") or None
        messages.append(
            ReceivedSms(
                address=address,
                received_at=received_at,
                sender=sender_text,
                recipient=recipient_text,
                text=text,
                smsc=smsc,
                scts=scts,
                time_text=time_text,
            )
        )
    return tuple(messages), tuple(reports)
