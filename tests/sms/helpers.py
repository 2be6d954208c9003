"""Helpers of the SMS tests: received SMS as the protocol reads them, a stand-in store."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.const import DOMAIN
from custom_components.ejoin.pyejoin import (
    DeliveryReport,
    EjoinClient,
    PortAddress,
    ReceivedSms,
    StoredSms,
)
from custom_components.ejoin.sms.inbox import SmsInbox
from custom_components.ejoin.sms.store import SmsStoreReader

ENTRY_ID = "inbox_test"


def b64(text: str) -> str:
    """Encode a message as gateways do: base64 of UTF-8."""
    return base64.b64encode(text.encode()).decode()


def sms_report(*rows: list[Any]) -> dict[str, Any]:
    """Build a recv-sms report of these rows."""
    return {"type": "recv-sms", "sms_num": len(rows), "sms": list(rows)}


def sms_row(text: str, *, port: str = "1.01", at: int = 1714556700) -> list[Any]:
    """Build a recv-sms row of an SMS, its text encoded as gateways do."""
    return [0, port, at, "+15550001111", "+15559990000", b64(text)]


def message(text: str, *, at: int = 1714556700, port: str = "1.01") -> ReceivedSms:
    """Build a received SMS as the protocol package reads it."""
    return ReceivedSms(
        address=PortAddress.parse(port),
        received_at=datetime.fromtimestamp(at, UTC),
        sender="+15550001111",
        recipient="+15559990000",
        text=text,
    )


def delivery_report(recipient: str, *, at: int = 1714556700) -> DeliveryReport:
    """Build a delivery report as the protocol package reads it."""
    return DeliveryReport(
        address=PortAddress.parse("1.01"),
        received_at=datetime.fromtimestamp(at, UTC),
        smsc="+15550001111",
        recipient=recipient,
        status_code=0,
    )


@dataclass
class FakeStore:
    """A gateway SMS store: rows numbered from 1, read a page at a time."""

    rows: list[ReceivedSms | DeliveryReport] = field(default_factory=list)
    ssrc: str = "first"
    reads: list[tuple[int, int]] = field(default_factory=list)
    next_when_empty: int | None = None  # what next_sms says past the end

    async def read_sms(self, *, start: int = 1, count: int = 0) -> StoredSms:
        """Answer like goip_get_sms.html."""
        self.reads.append((start, count))
        page = self.rows[start - 1 : start - 1 + count]
        if page:
            next_index = start + len(page)
        elif self.next_when_empty is not None:
            next_index = self.next_when_empty
        else:
            next_index = start
        return StoredSms(
            ssrc=self.ssrc,
            next_index=next_index,
            # A page lists its messages first, then its delivery reports.
            messages=tuple(row for row in page if isinstance(row, ReceivedSms)),
            delivery_reports=tuple(
                row for row in page if isinstance(row, DeliveryReport)
            ),
        )

    def client(self) -> EjoinClient:
        """Stand in for the client (only read_sms is used)."""
        return cast("EjoinClient", self)


def reader(hass: HomeAssistant, inbox: SmsInbox, client: Any) -> SmsStoreReader:
    """Return a reader of a stand-in store, recording in ``inbox``."""
    return SmsStoreReader(
        hass,
        MockConfigEntry(domain=DOMAIN),
        cast("EjoinClient", client),
        inbox,
        lambda _: None,
        mac="00:30:f1:01:02:03",
    )


async def read(hass: HomeAssistant, inbox: SmsInbox, store: FakeStore) -> list[str]:
    """Read the store; return the texts of the messages the inbox calls new."""
    new = await reader(hass, inbox, store.client()).async_read()
    return [item.text for item in new if hasattr(item, "text")]
