"""Reading the gateway's SMS store: paging, a restarted or emptied store, odd rows.

The store is a stand-in that pages like ``goip_get_sms.html``; the inbox records what
was seen.
"""

from __future__ import annotations

from types import SimpleNamespace

from homeassistant.core import HomeAssistant
import pytest

from custom_components.ejoin.pyejoin import ReportProblem, StoredSms
from custom_components.ejoin.sms.inbox import SmsInbox, fingerprint
from tests.sms.helpers import (
    ENTRY_ID,
    FakeStore,
    delivery_report,
    message,
    read,
    reader,
)


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


async def test_a_renumbered_store_is_judged_by_row_order_not_by_time(
    hass: HomeAssistant,
) -> None:
    """Once some were forgotten, rows before the first one known are old.

    Every unknown row after it is new, however old its time stamp and wherever its
    page lists it (messages before delivery reports).
    """
    inbox = SmsInbox(hass, ENTRY_ID, limit=3, keep_newest=0)
    store = FakeStore(
        rows=[message("forgotten"), message("known"), delivery_report("+1555")]
    )
    await read(hass, inbox, store)  # the first read: history
    inbox.remember([fingerprint(message("pushed since"))])  # forgets the first row
    assert inbox.forgot

    store.ssrc = "after-restart"
    store.rows.append(message("missed", at=1_000_000_000))  # a clock that went back
    assert await read(hass, inbox, store) == ["missed"]


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
    odd_time = ReportProblem(item="sms row 0 time", reason="not a time", key="time")
    odd_port = ReportProblem(
        item="sms row 1 port", reason="not a port address", key="port"
    )
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


async def test_odd_rows_are_described_without_their_values(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """The warning names the odd fields of the rows, never their numbers or texts."""
    inbox = SmsInbox(hass, ENTRY_ID)
    odd = (
        ReportProblem(
            item="sms row 0 from",
            reason="a list is not text",
            key="from",
            value="['+15550404040']",
        ),
        ReportProblem(
            item="sms row 1 flag",
            reason="not 0 or 1",
            key="flag",
            value="'Your code is 918273'",
        ),
    )
    pages = iter([StoredSms(ssrc="x", next_index=1, problems=odd)])

    async def read_sms(*, start: int = 1, count: int = 0) -> StoredSms:
        return next(pages)

    store = reader(hass, inbox, SimpleNamespace(read_sms=read_sms))
    await store.async_read()

    [warning] = [
        record.getMessage()
        for record in caplog.records
        if "SMS store are odd" in record.getMessage()
    ]
    assert warning.endswith(
        "sms row 0 from: a list is not text; sms row 1 flag: not 0 or 1"
    )
    assert "+1555" not in warning
    assert "918273" not in warning
