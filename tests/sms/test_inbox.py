"""The record of seen SMS: exactly-once decisions, fingerprints, bounds, persistence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
import pytest

from custom_components.ejoin.pyejoin import DeliveryReport, PortAddress, ReceivedSms
from custom_components.ejoin.sms.inbox import PendingSms, SmsInbox, fingerprint
from tests.sms.helpers import ENTRY_ID, FakeStore, message, read


async def test_taken_message_is_not_new_again(hass: HomeAssistant) -> None:
    """Once remembered (pushed), the same SMS found in the store is not new."""
    store = FakeStore()
    inbox = SmsInbox(hass, ENTRY_ID)
    await read(hass, inbox, store)

    pushed = message("pushed")
    assert not inbox.knows(fingerprint(pushed))
    inbox.remember([fingerprint(pushed)])
    assert inbox.knows(fingerprint(pushed))
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


async def test_record_is_bounded_by_count_and_nothing_is_hidden_by_its_time(
    hass: HomeAssistant,
) -> None:
    """Past its limit the record forgets the oldest; a message's time hides nothing.

    However old its time stamp, a message not remembered is new.
    """
    inbox = SmsInbox(hass, ENTRY_ID, limit=3)
    old = [fingerprint(message(f"m{n}", at=1_700_000_000 + n)) for n in range(5)]

    inbox.remember(old)
    assert inbox.remembered == 3
    assert inbox.forgot
    assert [inbox.knows(key) for key in old] == [False, False, True, True, True]
    assert not inbox.knows(fingerprint(message("from 1990", at=631_152_000)))


async def test_record_forgets_what_it_first_saw_long_ago(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """What Home Assistant first saw more than the age limit ago is forgotten."""
    inbox = SmsInbox(
        hass, ENTRY_ID, max_age=timedelta(days=30).total_seconds(), keep_newest=1
    )
    inbox.remember([fingerprint(message("a month ago"))])
    freezer.tick(timedelta(days=29))
    inbox.remember([fingerprint(message("yesterday"))])
    freezer.tick(timedelta(days=2))
    inbox.remember([fingerprint(message("today"))])

    assert not inbox.knows(fingerprint(message("a month ago")))
    assert inbox.knows(fingerprint(message("yesterday")))
    assert inbox.forgot


async def test_the_newest_messages_are_kept_however_old(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """After months without an SMS, the last ones are still known (a store anchor)."""
    inbox = SmsInbox(hass, ENTRY_ID)
    inbox.remember([fingerprint(message(f"m{n}")) for n in range(3)])
    freezer.tick(timedelta(days=90))
    inbox.remember([fingerprint(message("today"))])

    assert all(inbox.knows(fingerprint(message(f"m{n}"))) for n in range(3))


async def test_record_survives_a_restart_and_is_removed_with_the_entry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """What was seen, what is pending, the ssrc and the position are stored."""
    store = FakeStore(rows=[message("one")], ssrc="abc")
    inbox = SmsInbox(hass, ENTRY_ID)
    await read(hass, inbox, store)
    inbox.remember([fingerprint(message("pushed"))])
    inbox.hold("k", PendingSms(event_type="ejoin_sms_received", data={"text": "t"}))
    await inbox.async_write()
    saved = hass_storage[f"ejoin.{ENTRY_ID}.sms"]["data"]
    assert (saved["ssrc"], saved["position"], len(saved["seen"])) == ("abc", 2, 2)

    again = SmsInbox(hass, ENTRY_ID)
    await again.async_load()
    assert again.first_read_done
    assert again.knows(fingerprint(message("pushed")))
    assert again.knows(fingerprint(message("one")))
    assert again.pending() == [
        ("k", {"event_type": "ejoin_sms_received", "data": {"text": "t"}})
    ]

    await again.async_remove()
    assert f"ejoin.{ENTRY_ID}.sms" not in hass_storage


async def test_record_of_the_first_release_loads(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A record with gateway times and a horizon: all known, some were forgotten."""
    key = fingerprint(message("kept"))
    hass_storage[f"ejoin.{ENTRY_ID}.sms"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"ejoin.{ENTRY_ID}.sms",
        "data": {
            "ssrc": "abc",
            "position": 7,
            "horizon": 1_600_000_000.0,
            "seen": [[key, 1_600_000_100.0]],  # the gateway's time, years ago
        },
    }
    inbox = SmsInbox(hass, ENTRY_ID)
    await inbox.async_load()

    assert inbox.knows(key)  # its age counts from now, not from the SMS's time
    assert (inbox.ssrc, inbox.position, inbox.forgot) == ("abc", 7, True)
    assert inbox.pending() == []


async def test_record_is_written_only_when_it_changed(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Reading the same position again, or remembering a known SMS, writes nothing."""
    inbox = SmsInbox(hass, ENTRY_ID)
    inbox.record_read("abc", 5)
    inbox.remember([fingerprint(message("one"))])
    with patch.object(Store, "async_save", wraps=inbox._store.async_save) as save:
        await inbox.async_write()
        inbox.record_read("abc", 5)
        inbox.record_read(None, 5)
        inbox.remember([fingerprint(message("one"))])
        await inbox.async_write()
        await inbox.async_write()
    assert save.call_count == 1


async def test_a_read_without_an_identity_keeps_the_one_known(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A store page that names no ssrc moves the position on but keeps the ssrc."""
    inbox = SmsInbox(hass, ENTRY_ID)
    inbox.record_read("abc", 5)
    inbox.record_read(None, 9)
    await inbox.async_write()

    again = SmsInbox(hass, ENTRY_ID)
    await again.async_load()
    assert (again.ssrc, again.position) == ("abc", 9)
