"""The received SMS kept for the panel's inbox: newest first, bounded, across restarts.

Kept when their ``ejoin_sms_received`` fires (recovered ones too, marked), never the
delivery reports; as many as the ``inbox_size`` option says, none with 0 (and what was
kept is deleted); written a little after they come and when the entry unloads, read
back at set-up, deleted with the entry.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.ejoin.const import CONF_INBOX_SIZE, CONF_SHOW_PANEL, DOMAIN
from custom_components.ejoin.sms.recent import SAVE_DELAY, KeptSms, RecentSms
from ejoin_simulator import Simulator
from tests.helpers import (
    entry_for,
    load_fixture,
    next_period,
    post,
    set_up_entry,
)
from tests.sms.helpers import sms_report, sms_row


def kept(entry: MockConfigEntry) -> list[str]:
    """Return the texts the entry keeps, as the inbox lists them."""
    return [message["text"] for message in entry.runtime_data.recent_sms.messages()]


def stored(hass_storage: dict[str, Any], entry: MockConfigEntry) -> list[str] | None:
    """Return the texts on disk for the entry, or None if it has no file."""
    found = hass_storage.get(f"{DOMAIN}.recent_sms.{entry.entry_id}")
    if found is None:
        return None
    return [message["text"] for message in found["data"]["messages"]]


async def receive(hass: HomeAssistant, client: TestClient, *texts: str) -> None:
    """Have the gateway push each SMS in a report of its own, in order."""
    for number, text in enumerate(texts):
        report = sms_report(sms_row(text, at=1714556700 + number))
        assert await post(hass, client, report) == (200, "OK")


async def let_the_delayed_write_pass(hass: HomeAssistant) -> None:
    """Let the time pass after which a kept SMS is written.

    Only for one change: a later one puts the write off by the event loop's own clock,
    which tests do not move.
    """
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SAVE_DELAY + 1))
    await hass.async_block_till_done()


async def set_options(
    hass: HomeAssistant, entry: MockConfigEntry, **options: Any
) -> None:
    """Change the entry's options: it is set up again with them."""
    hass.config_entries.async_update_entry(entry, options={**entry.options, **options})
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_received_sms_are_kept_newest_first_as_they_were_received(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Each SMS is kept with where it came and who sent it, the last received on top."""
    assert await post(
        hass,
        client,
        sms_report(sms_row("first", port="2.01"), sms_row("second", port="3.02")),
    ) == (200, "OK")
    await receive(hass, client, "third")

    messages = entry.runtime_data.recent_sms.messages()
    assert [message["text"] for message in messages] == ["third", "second", "first"]
    second = dict(messages[1])
    assert second.pop("kept_at") <= dt_util.utcnow().timestamp()
    assert second == {
        "id": second["id"],
        "port": 3,
        "slot": 2,
        "sender": "+15550001111",
        "recipient": "+15559990000",
        "text": "second",
        "received_at": "2024-05-01T09:45:00+00:00",
        "recovered": False,
    }
    # Each is named by the fingerprint the integration knows it by.
    seen = {
        key for key, _ in hass_storage[f"{DOMAIN}.{entry.entry_id}.sms"]["data"]["seen"]
    }
    assert {message["id"] for message in messages} <= seen
    assert len({message["id"] for message in messages}) == 3
    assert entry.runtime_data.recent_sms.messages(limit=2) == messages[:2]


async def test_only_the_newest_are_kept_as_many_as_the_option_says(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    hass_storage: dict[str, Any],
) -> None:
    """With room for 3, the 3 newest of 5 are kept, on disk too."""
    entry = await set_up_entry(
        hass, simulator, entry_for(simulator, options={CONF_INBOX_SIZE: 3})
    )

    await receive(hass, client, "one", "two", "three", "four", "five")

    assert kept(entry) == ["five", "four", "three"]
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert stored(hass_storage, entry) == ["five", "four", "three"]


async def test_kept_sms_survive_setting_the_entry_up_again(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Unloaded before the delayed write, the entry still writes what it kept."""
    await receive(hass, client, "before the restart", "just before")
    before = entry.runtime_data.recent_sms.messages()

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert stored(hass_storage, entry) == ["just before", "before the restart"]
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.runtime_data.recent_sms.messages() == before
    await receive(hass, client, "after")
    assert kept(entry) == ["after", "just before", "before the restart"]


async def test_a_smaller_size_drops_the_oldest_at_once(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Made smaller, the inbox keeps only its newest, on disk too."""
    await receive(hass, client, "a", "b", "c", "d")

    await set_options(hass, entry, **{CONF_INBOX_SIZE: 2})

    assert kept(entry) == ["d", "c"]
    await let_the_delayed_write_pass(hass)
    assert stored(hass_storage, entry) == ["d", "c"]


async def test_size_0_keeps_nothing_and_deletes_what_was_kept(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """With 0, the file goes, and new SMS still fire their event but are not kept."""
    received = async_capture_events(hass, "ejoin_sms_received")
    await receive(hass, client, "kept for a while")
    await let_the_delayed_write_pass(hass)
    assert stored(hass_storage, entry) == ["kept for a while"]

    await set_options(hass, entry, **{CONF_INBOX_SIZE: 0})
    assert stored(hass_storage, entry) is None
    await receive(hass, client, "not kept")
    await let_the_delayed_write_pass(hass)

    assert [event.data["text"] for event in received] == [
        "kept for a while",
        "not kept",
    ]
    assert kept(entry) == []
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert stored(hass_storage, entry) is None


async def test_a_gateway_without_the_panel_keeps_nothing(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Turning the panel off for a gateway deletes its kept SMS and keeps no new one."""
    await receive(hass, client, "kept for a while")
    await let_the_delayed_write_pass(hass)
    assert stored(hass_storage, entry) == ["kept for a while"]

    await set_options(hass, entry, **{CONF_SHOW_PANEL: False})
    assert stored(hass_storage, entry) is None
    await receive(hass, client, "not kept")
    await let_the_delayed_write_pass(hass)

    assert kept(entry) == []
    assert stored(hass_storage, entry) is None


async def test_recovered_sms_are_kept_marked_and_delivery_reports_never(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
) -> None:
    """An SMS read back from the gateway's store is marked; a delivery report is no SMS."""
    # A remote-SIM report: an SMS and a delivery report.
    assert await post(hass, client, load_fixture("recv_sms_remote_sim")) == (200, "OK")
    simulator.gateway.receive_sms(5, 1, "+15550003333", "Alarm: door open")
    await next_period(hass)  # read from the store: it was pushed nowhere

    messages = entry.runtime_data.recent_sms.messages()
    assert [(m["text"], m["port"], m["recovered"]) for m in messages] == [
        ("Alarm: door open", 5, True),
        ("Bonjour !", 1, False),
    ]


async def test_kept_sms_are_deleted_with_the_entry(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Removing the gateway deletes its kept SMS."""
    await receive(hass, client, "private")
    await let_the_delayed_write_pass(hass)
    assert stored(hass_storage, entry) == ["private"]

    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert stored(hass_storage, entry) is None


async def test_an_sms_announced_again_is_kept_once(hass: HomeAssistant) -> None:
    """An SMS whose event fires again (a restart cut the first firing short) is kept once.

    Who listens hears it once too.
    """
    recent = RecentSms(hass, "entry", size=5)
    await recent.async_load()
    heard: list[KeptSms] = []
    recent.added.add(heard.append)
    data = {"port": 1, "slot": 1, "sender": "+1", "text": "Hi", "recovered": True}

    recent.add("fingerprint", data)
    recent.add("fingerprint", data)

    assert [message["id"] for message in recent.messages()] == ["fingerprint"]
    assert heard == recent.messages()
