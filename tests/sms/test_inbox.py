"""The record of seen SMS and the reading of the gateway's store: exactly once.

Exactly-once decisions, store paging, bounds and persistence; the store is a stand-in
that pages like ``goip_get_sms.html``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.const import DOMAIN
from custom_components.ejoin.pyejoin import (
    DeliveryReport,
    EjoinClient,
    PortAddress,
    ReceivedSms,
    ReportProblem,
    StoredSms,
)
from custom_components.ejoin.sms.inbox import SmsInbox, fingerprint
from custom_components.ejoin.sms.store import SmsStoreReader

ENTRY_ID = "inbox_test"


def message(text: str, *, at: int = 1714556700, port: str = "1.01") -> ReceivedSms:
    """Build a received SMS as the protocol package reads it."""
    return ReceivedSms(
        address=PortAddress.parse(port),
        received_at=datetime.fromtimestamp(at, UTC),
        sender="+15550001111",
        recipient="+15559990000",
        text=text,
    )


@dataclass
class FakeStore:
    """A gateway SMS store: rows numbered from 1, read a page at a time."""

    rows: list[ReceivedSms] = field(default_factory=list)
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
        return StoredSms(ssrc=self.ssrc, next_index=next_index, messages=tuple(page))

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


async def test_first_read_is_history_and_pages_through_the_store(
    hass: HomeAssistant,
) -> None:
    """The first read records all 250 stored SMS, page by page, and returns none."""
    store = FakeStore(
        rows=[message(f"old {n}", at=1_700_000_000 + n) for n in range(250)]
    )
    inbox = SmsInbox(hass, ENTRY_ID)

    assert await read(hass, inbox, store) == []
    assert store.reads == [(1, 100), (101, 100), (201, 100), (251, 100)]
    assert inbox.position == 251

    store.rows.append(message("new"))
    assert await read(hass, inbox, store) == ["new"]
    assert store.reads[-2:] == [(251, 100), (252, 100)]


async def test_taken_message_is_not_new_again(hass: HomeAssistant) -> None:
    """Once taken (pushed), the same SMS found in the store is not new."""
    store = FakeStore()
    inbox = SmsInbox(hass, ENTRY_ID)
    await read(hass, inbox, store)

    pushed = message("pushed")
    assert inbox.take(pushed) is True
    assert inbox.take(pushed) is False
    store.rows.append(message("pushed"))
    assert await read(hass, inbox, store) == []


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (message("a"), message("a", port="1A"), True),  # slot notation differs
        (message("a"), message("a", port="1.02"), True),  # same port, other slot
        (message("a"), message("a", port="2.01"), False),
        (message("a"), message("b"), False),
        (message("a"), message("a", at=1714556701), False),
    ],
)
def test_fingerprint_names_what_was_said_where_and_when(
    first: ReceivedSms, second: ReceivedSms, same: bool
) -> None:
    """The same SMS in a push and in the store match; any real difference does not."""
    assert (fingerprint(first) == fingerprint(second)) is same


def test_delivery_report_and_sms_never_share_a_fingerprint() -> None:
    """A delivery report is told apart from an SMS with look-alike fields."""
    report = DeliveryReport(
        address=PortAddress(port=1, slot=1),
        received_at=datetime.fromtimestamp(1714556700, UTC),
        smsc="+15550001111",
        recipient="+15559990000",
        status_code=0,
    )
    assert fingerprint(report) != fingerprint(message("0"))


async def test_restart_of_the_gateway_reads_from_the_start(hass: HomeAssistant) -> None:
    """A new ssrc: read again from 1, and only unseen messages are new."""
    store = FakeStore(rows=[message("one"), message("two")])
    inbox = SmsInbox(hass, ENTRY_ID)
    await read(hass, inbox, store)

    store.ssrc = "second"
    store.rows = [message("two"), message("three")]
    assert await read(hass, inbox, store) == ["three"]
    assert store.reads[-3:] == [(3, 100), (1, 100), (3, 100)]
    assert inbox.ssrc == "second"


async def test_emptied_store_is_read_from_the_start(hass: HomeAssistant) -> None:
    """A store cleared on the gateway (next_sms behind us) is read from 1 again."""
    store = FakeStore(rows=[message("one"), message("two")])
    inbox = SmsInbox(hass, ENTRY_ID)
    await read(hass, inbox, store)

    store.rows = [message("fresh")]
    store.next_when_empty = 1
    assert await read(hass, inbox, store) == ["fresh"]
    assert store.reads[-3:] == [(3, 100), (1, 100), (2, 100)]
    assert inbox.position == 2


async def test_record_is_bounded_and_forgotten_messages_stay_seen(
    hass: HomeAssistant,
) -> None:
    """Past its limit the record forgets the oldest, and nothing older fires again."""
    inbox = SmsInbox(hass, ENTRY_ID, limit=3)
    old = [message(f"m{n}", at=1_700_000_000 + n) for n in range(5)]

    assert [inbox.take(item) for item in old] == [True] * 5
    assert len(inbox._data()["seen"]) == 3
    assert inbox.take(old[0]) is False  # forgotten, but older than the horizon
    assert inbox.take(message("later", at=1_700_000_100)) is True


async def test_message_dated_in_the_future_does_not_hide_new_ones(
    hass: HomeAssistant,
) -> None:
    """A gateway clock set years ahead must not make today's SMS look old."""
    inbox = SmsInbox(hass, ENTRY_ID, limit=1)
    assert inbox.take(message("from 2099", at=4_070_908_800)) is True
    assert inbox.take(message("today")) is True  # forgets the 2099 one
    assert inbox.horizon is None
    assert inbox.take(message("also today", at=1714556800)) is True


async def test_record_survives_a_restart_and_is_removed_with_the_entry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """What was seen, the ssrc and the position are stored; removal deletes them."""
    store = FakeStore(rows=[message("one")], ssrc="abc")
    inbox = SmsInbox(hass, ENTRY_ID)
    await read(hass, inbox, store)
    inbox.take(message("pushed"))
    await inbox.async_flush()
    saved = hass_storage[f"ejoin.{ENTRY_ID}.sms"]["data"]
    assert (saved["ssrc"], saved["position"], len(saved["seen"])) == ("abc", 2, 2)

    again = SmsInbox(hass, ENTRY_ID)
    await again.async_load()
    assert again.first_read_done
    assert again.take(message("pushed")) is False
    assert again.take(message("one")) is False

    await again.async_remove()
    assert f"ejoin.{ENTRY_ID}.sms" not in hass_storage


async def test_unreadable_rows_are_logged_and_passed(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A page of rows that cannot be read is logged once and not read again."""
    inbox = SmsInbox(hass, ENTRY_ID)
    broken = StoredSms(
        ssrc="x",
        next_index=3,
        problems=(ReportProblem(item="sms row 0", reason="not a row of 6 values"),),
    )
    empty = StoredSms(ssrc="x", next_index=3)
    pages = iter([broken, empty, empty])

    async def read_sms(*, start: int = 1, count: int = 0) -> StoredSms:
        return next(pages)

    store = reader(hass, inbox, SimpleNamespace(read_sms=read_sms))
    assert await store.async_read() == []
    assert await store.async_read() == []

    assert inbox.position == 3
    assert caplog.text.count("Rows of the gateway's SMS store are odd") == 1
    assert "sms row 0: not a row of 6 values" in caplog.text


async def test_the_same_odd_rows_are_logged_once(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A store whose odd rows are read again every period says so once, not each time.

    A row of a kind not seen before is said again.
    """
    inbox = SmsInbox(hass, ENTRY_ID)
    odd_time = ReportProblem(item="sms row 0 time", reason="'x' is not", key="time")
    odd_port = ReportProblem(item="sms row 1 port", reason="'y' is not", key="port")
    pages = iter(
        [
            StoredSms(ssrc="x", next_index=1, problems=(odd_time,)),
            StoredSms(ssrc="x", next_index=1, problems=(odd_time,)),
            StoredSms(ssrc="x", next_index=1, problems=(odd_time, odd_port)),
        ]
    )

    async def read_sms(*, start: int = 1, count: int = 0) -> StoredSms:
        return next(pages)

    store = reader(hass, inbox, SimpleNamespace(read_sms=read_sms))
    for _ in range(3):
        await store.async_read()

    logged = [
        record.getMessage()
        for record in caplog.records
        if "SMS store are odd" in record.getMessage()
    ]
    assert len(logged) == 2
    assert "sms row 1 port" in logged[1]
