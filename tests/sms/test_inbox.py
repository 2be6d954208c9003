"""The record of seen SMS: exactly-once decisions, fingerprints, bounds, persistence."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from homeassistant.core import HomeAssistant
import pytest

from custom_components.ejoin.pyejoin import DeliveryReport, PortAddress, ReceivedSms
from custom_components.ejoin.sms.inbox import SmsInbox, fingerprint
from tests.sms.helpers import ENTRY_ID, FakeStore, message, read


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


async def test_a_read_without_an_identity_keeps_the_one_known(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A store page that names no ssrc moves the position on but keeps the ssrc."""
    inbox = SmsInbox(hass, ENTRY_ID)
    inbox.record_read("abc", 5)
    inbox.record_read(None, 9)
    await inbox.async_flush()

    again = SmsInbox(hass, ENTRY_ID)
    await again.async_load()
    assert (again.ssrc, again.position) == ("abc", 9)
