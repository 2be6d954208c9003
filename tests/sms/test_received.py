"""Received SMS and delivery reports: each fired exactly once, pushed or recovered.

What a pushed recv-sms fires, SMS rows however odd, the same SMS pushed and found in
the store, SMS recovered from the store after a restart or an unload, and a store that
cannot be read.
"""

from __future__ import annotations

import asyncio
import copy
from datetime import timedelta
import json
import logging
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.ejoin.pyejoin import EjoinClient, EjoinConnectionError
from custom_components.ejoin.sms import received as received_module
from custom_components.ejoin.sms.inbox import SmsInbox
from custom_components.ejoin.sms.recent import RecentSms
from ejoin_simulator import Simulator
from tests.helpers import (
    entry_for,
    gateway_device,
    load_fixture,
    next_period,
    port_device,
    port_report,
    post,
    set_up_entry,
    wait_for,
)
from tests.sms.helpers import b64, sms_report, sms_row

SMS_RECEIVED = "ejoin_sms_received"
DELIVERY_REPORT = "ejoin_sms_delivery_report"
ENVELOPE = (
    'Sender: +15550001\r\nReceiver: "3.01" 15550002\r\n'
    "Port: 3.01\r\nSCTS: 240501122005+32\r\n\r\nenvelope"
)
SENDER, RECIPIENT = "+15550001", "+15550002"


def texts(events: list[Event]) -> list[str]:
    """Return the texts of captured ejoin_sms_received events, in order."""
    return [event.data["text"] for event in events]


def store_reads(simulator: Simulator) -> list[str]:
    """Return the sms_id each read of the SMS store started from."""
    return [
        request.raw_query.split("sms_id=")[1].split("&")[0]
        for request in simulator.request_log
        if request.path == "/goip_get_sms.html"
    ]


# --- what a pushed report fires ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "port", "slot", "sender", "recipient", "text", "received_at", "smsc"),
    [
        (
            "recv_sms_unicode",
            3,
            1,
            "+79161234567",
            "+79031112233",
            "Ваш код: 4821. Никому его не сообщайте 🙂 验证码",  # noqa: RUF001
            "2024-05-01T09:45:00+00:00",
            None,
        ),
        (
            "recv_sms_long_multipart",
            4,
            2,
            "Vodafone",
            "+491701234567",
            (
                "Dear customer, your monthly bundle has been renewed: 10 GB of data, "
                "unlimited national calls and 500 SMS until 31/05. Your remaining "
                "balance is 4.20 EUR. Reply STOP to opt out of these notifications. "
                "Thank you for staying with us!"
            ),
            "2024-05-01T10:40:00+00:00",
            None,
        ),
        (
            "recv_sms_envelope",
            1,
            2,
            "+8613715266978",
            "+8613800138000",
            "Your verification code is 552817.\nValid for 5 minutes.",
            "2019-01-25T09:10:12+00:00",
            "+8613800755500",
        ),
        (
            "recv_sms_nul_padded",
            2,
            1,
            "10086",
            "13912345678",
            "Balance: 12.50 CNY\nData left: 1.2 GB",
            "2024-05-01T11:30:00+00:00",
            None,
        ),
        (
            "recv_sms_numbers_as_strings",
            5,
            1,
            "+447700900123",
            "+447700900456",
            "See you at 7pm",
            "2024-05-01T12:00:00+00:00",
            None,
        ),
    ],
)
async def test_received_sms_fires_with_its_text_as_written(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    *,
    name: str,
    port: int,
    slot: int,
    sender: str,
    recipient: str,
    text: str,
    received_at: str,
    smsc: str | None,
) -> None:
    """Unicode, long, envelope and NUL-padded SMS fire once, with the text as sent."""
    received = async_capture_events(hass, SMS_RECEIVED)

    assert await post(hass, client, load_fixture(name)) == (200, "OK")

    [event] = received
    assert event.data == {
        "gateway_device_id": gateway_device(hass),
        "device_id": port_device(hass, port),
        "port": port,
        "slot": slot,
        "sender": sender,
        "recipient": recipient,
        "text": text,
        "received_at": received_at,
        "smsc": smsc,
        "recovered": False,
    }


@pytest.mark.parametrize(
    ("name", "port", "recipient", "delivered", "code", "received_at"),
    [
        (
            "recv_sms_delivery_report",
            2,
            "13912345678",
            True,
            0,
            "2024-05-01T09:50:00+00:00",
        ),
        (
            "recv_sms_delivery_report_failed",
            2,
            "13912345679",
            False,
            70,
            "2024-05-01T09:55:00+00:00",
        ),
    ],
)
async def test_delivery_report_never_fires_sms_received(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    *,
    name: str,
    port: int,
    recipient: str,
    delivered: bool,
    code: int,
    received_at: str,
) -> None:
    """A delivery report fires ejoin_sms_delivery_report only: it is not a message."""
    received = async_capture_events(hass, SMS_RECEIVED)
    reports = async_capture_events(hass, DELIVERY_REPORT)

    assert await post(hass, client, load_fixture(name)) == (200, "OK")

    assert received == []
    [event] = reports
    assert event.data["device_id"] == port_device(hass, port)
    assert event.data["recipient"] == recipient
    assert event.data["delivered"] is delivered
    assert event.data["status_code"] == code
    assert event.data["received_at"] == received_at
    assert event.data["recovered"] is False


async def test_report_with_an_sms_and_a_delivery_report_fires_one_of_each(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """A remote-SIM report with an SMS and a delivery report: one event of each kind."""
    received = async_capture_events(hass, SMS_RECEIVED)
    reports = async_capture_events(hass, DELIVERY_REPORT)

    assert await post(hass, client, load_fixture("recv_sms_remote_sim")) == (200, "OK")

    assert [(e.data["port"], e.data["slot"], e.data["text"]) for e in received] == [
        (1, 16, "Bonjour !")
    ]
    assert [(e.data["recipient"], e.data["delivered"]) for e in reports] == [
        ("+33611111111", True)
    ]


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        (
            [0, "3.01", "yesterday", SENDER, RECIPIENT, b64("odd time")],
            (3, None, SENDER, RECIPIENT, "odd time"),
        ),
        (
            [0, "3.01", None, SENDER, RECIPIENT, b64("no time")],
            (3, None, SENDER, RECIPIENT, "no time"),
        ),
        (
            [0, "3.01", 1714566005123, SENDER, RECIPIENT, b64("milliseconds")],
            (3, "2024-05-01T12:20:05.123000+00:00", SENDER, RECIPIENT, "milliseconds"),
        ),
        (
            [0, "x.y", 1714566005, SENDER, RECIPIENT, b64("odd port")],
            (None, "2024-05-01T12:20:05+00:00", SENDER, RECIPIENT, "odd port"),
        ),
        (
            [0, None, 1714566005, SENDER, RECIPIENT, b64("no port")],
            (None, "2024-05-01T12:20:05+00:00", SENDER, RECIPIENT, "no port"),
        ),
        (
            ["?", "3.01", 1714566005, SENDER, RECIPIENT, b64("odd flag")],
            (3, "2024-05-01T12:20:05+00:00", SENDER, RECIPIENT, "odd flag"),
        ),
        (
            [0, "3.01", 1714566005, ["+1"], RECIPIENT, b64("odd sender")],
            (3, "2024-05-01T12:20:05+00:00", None, RECIPIENT, "odd sender"),
        ),
        (
            [0, "3.01", 1714566005, SENDER, RECIPIENT, "plain, not base64"],
            (3, "2024-05-01T12:20:05+00:00", SENDER, RECIPIENT, "plain, not base64"),
        ),
        (
            [0, "3.01", 1714566005, SENDER, RECIPIENT, b64("padded\x00\x00")],
            (3, "2024-05-01T12:20:05+00:00", SENDER, RECIPIENT, "padded"),
        ),
        (
            [0, "3.01", 1714566005, "", "", b64(ENVELOPE)],
            (3, "2024-05-01T12:20:05+00:00", SENDER, "15550002", "envelope"),
        ),
    ],
)
@pytest.mark.usefixtures("entry")
async def test_every_readable_sms_fires_exactly_once(
    hass: HomeAssistant,
    client: TestClient,
    row: list[Any],
    shown: tuple[int | None, str | None, str | None, str, str],
) -> None:
    """A row whose text can be read fires one event with it, however odd the rest.

    What cannot be read is None; a repeat of the report fires nothing more.
    """
    received = async_capture_events(hass, SMS_RECEIVED)
    report = {"type": "recv-sms", "sms_num": 1, "sms": [row]}

    for _ in range(2):
        assert await post(hass, client, report) == (200, "OK")

    assert len(received) == 1
    data = received[0].data
    port = shown[0]
    assert (
        data["port"],
        data["received_at"],
        data["sender"],
        data["recipient"],
        data["text"],
    ) == shown
    assert data["device_id"] == (None if port is None else port_device(hass, port))


@pytest.mark.usefixtures("entry")
async def test_two_like_messages_with_unreadable_times_both_fire(
    hass: HomeAssistant, client: TestClient
) -> None:
    """The same text twice from one sender, with odd times: two messages, two events.

    The time as the gateway wrote it tells them apart, though it cannot be read.
    """
    received = async_capture_events(hass, SMS_RECEIVED)
    for stamp in ("Mon 10:01", "Mon 10:07"):
        row = [0, "3.01", stamp, SENDER, RECIPIENT, b64("Your code: 1234")]
        report = {"type": "recv-sms", "sms_num": 1, "sms": [row]}
        assert await post(hass, client, report) == (200, "OK")

    assert [event.data["text"] for event in received] == ["Your code: 1234"] * 2


# --- exactly once, pushed or recovered from the store -------------------------------------


async def test_the_same_sms_pushed_twice_fires_once(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """A gateway that pushes an SMS again (it missed our answer) fires nothing new."""
    received = async_capture_events(hass, SMS_RECEIVED)
    report = sms_report(sms_row("Gate code 1234"))

    assert await post(hass, client, report) == (200, "OK")
    assert await post(hass, client, report) == (200, "OK")

    assert texts(received) == ["Gate code 1234"]


async def test_an_sms_that_cannot_be_kept_or_shown_still_fires_with_its_burst(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The inbox keeper and the port's event entity failing lose no event of a burst.

    Both run after the bus event; each failure is logged, the next message still
    fires, and none is left pending to fire again at the next start.
    """
    received = async_capture_events(hass, SMS_RECEIVED)
    report = sms_report(
        sms_row("first", port="1.01"), sms_row("second", port="2.01", at=1714556760)
    )

    with (
        patch.object(RecentSms, "add", side_effect=RuntimeError("disk on fire")),
        patch(f"{received_module.__name__}._shown", side_effect=RuntimeError("boom")),
    ):
        assert await post(hass, client, report) == (200, "OK")
        await hass.async_block_till_done()

    assert texts(received) == ["first", "second"]
    assert "An SMS of port 1 could not be kept for the inbox" in caplog.text
    assert "The SMS event entity of port 2 failed" in caplog.text
    assert entry.runtime_data.inbox.pending() == []


async def test_500_sms_posted_at_once_fire_500_events(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """A burst of 500 concurrent pushes loses nothing and repeats nothing."""
    received = async_capture_events(hass, SMS_RECEIVED)
    sent = [f"message {number}" for number in range(500)]

    answers = await asyncio.gather(
        *(
            post(hass, client, sms_report(sms_row(text, port=f"{n % 8 + 1}.01")))
            for n, text in enumerate(sent)
        )
    )

    assert set(answers) == {(200, "OK")}
    assert len(received) == 500
    assert sorted(texts(received)) == sorted(sent)


async def test_sms_pushed_and_read_back_fires_once(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """An SMS that is pushed and then found in the store fires one event, not two."""
    received = async_capture_events(hass, SMS_RECEIVED)

    _, row = simulator.gateway.receive_sms(3, 1, "+15550002222", "Parcel at the door")
    simulator.push_sms(row, port=3)
    await wait_for(lambda: len(received) == 1, "the pushed SMS")
    simulator.request_log.clear()
    await next_period(hass)

    assert store_reads(simulator) == ["1", "2"]  # the SMS was read back, and skipped
    assert texts(received) == ["Parcel at the door"]
    assert received[0].data["recovered"] is False


async def test_sms_arriving_while_unloaded_is_recovered_once(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """An SMS pushed while the entry was unloaded fires once when it is back, never again."""
    received = async_capture_events(hass, SMS_RECEIVED)
    assert await hass.config_entries.async_unload(live.entry_id)

    _, row = simulator.gateway.receive_sms(5, 1, "+15550003333", "Alarm: door open")
    pushed = len(simulator.pushes)
    simulator.push_sms(row, port=5)  # Home Assistant answers, nobody takes it
    await wait_for(lambda: len(simulator.pushes) > pushed, "the push")
    await hass.async_block_till_done()

    assert await hass.config_entries.async_setup(live.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert texts(received) == ["Alarm: door open"]
    assert received[0].data["recovered"] is True
    assert received[0].data["device_id"] == port_device(hass, 5)

    # Set up again (a further restart) and read again: nothing fires twice.
    assert await hass.config_entries.async_reload(live.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await next_period(hass)
    assert texts(received) == ["Alarm: door open"]


async def test_gateway_restart_renumbering_its_store_loses_and_repeats_nothing(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A new ssrc: the store is read from 1 again; old SMS stay quiet, new ones fire."""
    received = async_capture_events(hass, SMS_RECEIVED)
    inbox = simulator.gateway.inbox
    simulator.gateway.receive_sms(1, 1, "+15550004444", "before the restart")
    simulator.gateway.receive_sms(1, 1, "+15550004444", "also before")
    await next_period(hass)
    assert texts(received) == ["before the restart", "also before"]
    simulator.request_log.clear()

    # The gateway restarts: it drops its first message, renumbers the rest from 1
    # and stores a new one (pushed nowhere) under a number already read before.
    del inbox.rows[1]
    inbox.renumber()
    simulator.gateway.ssrc = "after-restart"
    simulator.gateway.receive_sms(1, 1, "+15550004444", "after the restart")
    await next_period(hass)

    assert store_reads(simulator)[:2] == ["3", "1"]  # from where it was, then from 1
    assert texts(received) == ["before the restart", "also before", "after the restart"]
    assert all(event.data["recovered"] for event in received)
    await next_period(hass)
    assert len(received) == 3


async def test_first_set_up_with_a_full_store_fires_nothing(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """Messages stored before the integration was set up are history, not triggers."""
    received = async_capture_events(hass, SMS_RECEIVED)
    for number in range(250):  # more than two pages of the store
        simulator.gateway.receive_sms(number % 8 + 1, 1, "+1555", f"old {number}")

    entry = await set_up_entry(hass, simulator, entry_for(simulator, client=client))
    await next_period(hass)
    assert received == []

    simulator.gateway.receive_sms(2, 1, "+15550005555", "the first new one")
    await next_period(hass)
    assert texts(received) == ["the first new one"]
    assert received[0].data["recovered"] is True
    assert entry.runtime_data.inbox.position == 252


async def test_unreadable_store_is_logged_once_and_read_when_the_gateway_is_back(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Failed reads: one warning; a report from the gateway prompts a new read at once."""
    received = async_capture_events(hass, SMS_RECEIVED)
    failing = patch.object(
        EjoinClient, "read_sms", side_effect=EjoinConnectionError("no route to host")
    )
    with failing:
        entry = await set_up_entry(hass, simulator, entry_for(simulator, client=client))
        await next_period(hass)
        await next_period(hass)
    warnings = [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and "SMS store" in record.getMessage()
    ]
    assert warnings == [
        (
            "Could not read the SMS store of gateway 00:30:f1:01:02:03, "
            "will try again: no route to host"
        )
    ]

    simulator.gateway.receive_sms(6, 1, "+15550006666", "sent while unreachable")
    with patch("custom_components.ejoin.sms.store.RETRY_READ_AFTER", 0):
        assert await post(hass, client, port_report(simulator, 6)) == (200, "OK")
        await hass.async_block_till_done(wait_background_tasks=True)

    assert "Reading the SMS store of gateway 00:30:f1:01:02:03 works again" in (
        caplog.text
    )
    # No read had succeeded: what the store holds counts as from before the set-up.
    assert texts(received) == []
    assert entry.runtime_data.inbox.first_read_done


# --- nothing lost for a time stamp, nothing repeated after a kill -------------------------


async def test_sms_stamped_before_everything_remembered_fire_once(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """A gateway clock that went back: SMS older than all 2100 seen still fire, once."""
    received = async_capture_events(hass, SMS_RECEIVED)
    newest = 1_714_556_700
    for batch in range(21):
        rows = [
            sms_row(f"m{n}", at=newest - 2100 + n)
            for n in range(batch * 100, batch * 100 + 100)
        ]
        assert await post(hass, client, sms_report(*rows)) == (200, "OK")
    assert len(received) == 2100
    assert entry.runtime_data.inbox.forgot  # more than it remembers

    late = [
        sms_row("an hour before", at=newest - 3600 - 2100),
        sms_row("a day before", at=newest - 86400 - 2100),
    ]
    for _ in range(2):
        for row in late:
            assert await post(hass, client, sms_report(row)) == (200, "OK")

    assert texts(received)[2100:] == ["an hour before", "a day before"]


class KilledError(Exception):
    """Home Assistant stops dead at this point (a power cut)."""


# Where the kill strikes: at which write of the inbox while a pushed SMS is taken (1:
# recording it pending, 2: recording it done), before or after that write is on disk.
KILL_POINTS = {
    "before recording it pending": (1, "before"),
    "after recording it pending, before firing": (1, "after"),
    "after firing, before recording it done": (2, "before"),
    "after firing and recording it done": (2, "after"),
}


def dying_at(
    kill_at: str,
    hass_storage: dict[str, Any],
    key: str,
    on_disk: list[Any],
    death: type[BaseException],
) -> Any:
    """Patch the inbox's writes to stop dead at ``kill_at``; keep what is on disk then."""
    write_number, when = KILL_POINTS[kill_at]
    writes = 0
    write = SmsInbox.async_write

    async def write_then_maybe_die(inbox: SmsInbox) -> None:
        nonlocal writes
        writes += 1
        if writes == write_number and when == "before":
            on_disk.append(copy.deepcopy(hass_storage.get(key)))
            raise death
        await write(inbox)
        if writes == write_number:
            on_disk.append(copy.deepcopy(hass_storage.get(key)))
            raise death

    return patch.object(SmsInbox, "async_write", write_then_maybe_die)


async def restart_with(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    key: str,
    on_disk: Any,
) -> None:
    """Set the entry up again with what was on disk at the kill, and let a period pass.

    Unloading would write what the killed run still held, so the disk is put back.
    """
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass_storage[key] = on_disk
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await next_period(hass)


@pytest.mark.parametrize(
    ("kill_at", "events"),
    [
        ("before recording it pending", 1),
        ("after recording it pending, before firing", 1),
        ("after firing and recording it done", 1),
        # The one instant no process can close: fired, and not yet on disk.
        ("after firing, before recording it done", 2),
    ],
)
async def test_a_kill_at_any_step_of_taking_an_sms_loses_and_repeats_nothing(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    kill_at: str,
    events: int,
) -> None:
    """An SMS pushed as Home Assistant dies fires once in all, before and after restart."""
    received = async_capture_events(hass, SMS_RECEIVED)
    key = f"ejoin.{entry.entry_id}.sms"
    _, row = simulator.gateway.receive_sms(4, 1, "+15550006666", "Door opened")
    body = json.dumps(simulator.gateway.recv_sms(row, port=4)).encode()
    on_disk: list[Any] = []

    with (
        dying_at(kill_at, hass_storage, key, on_disk, KilledError),
        pytest.raises(KilledError),
    ):
        await entry.runtime_data.ingest.ingest(body)
    fired_before = len(received)

    await restart_with(hass, entry, hass_storage, key, on_disk[0])

    assert texts(received) == ["Door opened"] * events
    assert [event.data["recovered"] for event in received[fired_before:]] == [True] * (
        events - fired_before
    )


@pytest.mark.parametrize(
    ("kill_at", "events"),
    [
        ("before recording it pending", 1),
        ("after recording it pending, before firing", 1),
        ("after firing and recording it done", 1),
        ("after firing, before recording it done", 2),
    ],
)
async def test_a_kill_while_recovering_an_sms_from_the_store_loses_nothing(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    kill_at: str,
    events: int,
) -> None:
    """The same four moments for an SMS found in the store: it was not pushed.

    The read position past it is written together with it pending, never before.
    """
    received = async_capture_events(hass, SMS_RECEIVED)
    key = f"ejoin.{entry.entry_id}.sms"
    simulator.gateway.receive_sms(4, 1, "+15550006666", "Not pushed")
    on_disk: list[Any] = []

    # In the background the work just stops there, and nobody hears of it.
    with dying_at(kill_at, hass_storage, key, on_disk, asyncio.CancelledError):
        await next_period(hass)  # the store is read in the background; the kill strikes
    fired_before = len(received)

    await restart_with(hass, entry, hass_storage, key, on_disk[0])

    assert texts(received) == ["Not pushed"] * events
    assert all(event.data["recovered"] for event in received)
    assert fired_before == (1 if KILL_POINTS[kill_at][0] == 2 else 0)  # fired once


async def test_an_sms_whose_post_is_given_up_still_fires_once(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """A gateway that closes its post while the SMS is being written gets it fired.

    Home Assistant cancels the webhook's handler then; the SMS is known from the
    moment it was taken, so the repeat the gateway posts next fires nothing.
    """
    received = async_capture_events(hass, SMS_RECEIVED)
    ingest = entry.runtime_data.ingest
    body = json.dumps(sms_report(sms_row("Door opened"))).encode()
    disk = asyncio.Event()
    write = SmsInbox.async_write

    async def slow_write(inbox: SmsInbox) -> None:
        await disk.wait()  # a slow SD card
        await write(inbox)

    with patch.object(SmsInbox, "async_write", slow_write):
        post_task = hass.async_create_task(ingest.ingest(body))
        await asyncio.sleep(0)
        post_task.cancel()  # the gateway gave up waiting
        assert (await ingest.ingest(body)).status == 200  # and posts it again
        disk.set()
        await hass.async_block_till_done()

    assert texts(received) == ["Door opened"]
    assert entry.runtime_data.inbox.pending() == []


async def test_a_store_renumbered_after_a_quiet_month_fires_nothing_old(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No SMS for 31 days, Home Assistant and then the gateway restart: no replay."""
    received = async_capture_events(hass, SMS_RECEIVED)
    for number in range(5):
        simulator.gateway.receive_sms(1, 1, "+15550007777", f"alarm {number}")
    await next_period(hass)
    assert len(received) == 5

    freezer.tick(timedelta(days=31))
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.gateway.ssrc = "after-a-quiet-month"
    simulator.gateway.inbox.renumber()
    simulator.gateway.receive_sms(1, 1, "+15550007777", "a new one")
    await next_period(hass)

    assert texts(received)[5:] == ["a new one"]
