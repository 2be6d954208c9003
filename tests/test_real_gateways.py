"""What real gateways send, as the vendor's own examples and real devices show it.

Partial port reports, reports of inactive SIM slots, all-SIMs reports without an
``active`` flag, odd SMS rows, settings lost at a reboot unless saved, and a rejected
login answered with the web interface's login page (PROTOCOL.md, "Learned from real
devices"). Each test posts the shape to the real webhook or runs the simulator in it.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.ejoin.const import DOMAIN
from ejoin_simulator import Simulator

from .helpers import (
    GATEWAY_MAC_DASHED,
    PASSWORD,
    dev_status,
    entry_for,
    load_fixture,
    port_device,
    post,
    read,
    set_up_entry,
    wait_for,
)

type Expected = dict[tuple[int | None, str], str]

SMS_RECEIVED = "ejoin_sms_received"
BAD_LOGINS = ["html", "401", "json", "redirect"]

# Port 2 slot B, complete, of the very SIM of the proxy seed's port-status (its ICCID
# and IMSI): what a dev-status with every report switch on says.
FULL_2B: dict[str, Any] = {
    "port": "2B",
    "sim": "",
    "seq": 2,
    "st": 3,
    "imei": "861234567890123",
    "iccid": "89860012345678901234",
    "imsi": "460001234567890",
    "sn": "13912345678",
    "opr": "46000 China Mobile",
    "bal": "87.50",
    "sig": 24,
    "tot_dur": "12/-1",
    "mon_dur": "5/-1",
    "day_dur": "1/-1",
    "smsctl_tot": "40/-1",
    "smsctl_mon": "9/-1",
    "smsctl_day": "2/50",
    "dataflow_tot": "1024.50",
    "dataflow_day": "12.25",
    "dataflow_24hours": "20.00",
    "dataflow_1hour": "1.50",
    "dataflow_last": "0.75",
}


def device_status(*ports: dict[str, Any]) -> dict[str, Any]:
    """Build a dev-status of the gateway under test with these port objects."""
    return {
        "type": "dev-status",
        "seq": 1,
        "expires": 60000,
        "mac": GATEWAY_MAC_DASHED,
        "max-ports": 8,
        "max-slot": 4,
        "status": list(ports),
    }


def b64(text: str) -> str:
    """Encode a message as gateways do: base64 of UTF-8."""
    return base64.b64encode(text.encode()).decode()


# --- partial port reports ---------------------------------------------------------------


@pytest.mark.usefixtures("entry")
async def test_the_proxy_seeds_port_status_blanks_nothing(
    hass: HomeAssistant, client: TestClient
) -> None:
    """After the proxy seed's port-status, signal, data usage and counters keep values.

    It carries port, status, balance, operator, number and the SIM's identities, and
    nothing else; what it carries is shown.
    """
    assert await post(hass, client, device_status(FULL_2B)) == (200, "OK")
    kept: Expected = {
        (2, "signal_strength"): "-65",
        (2, "data_today"): "12.25",
        (2, "data_total"): "1024.5",
        (2, "data_last_hour"): "1.5",
        (2, "call_minutes_total"): "12",
        (2, "call_minutes_day"): "1",
        (2, "sms_sent_day"): "2",
        (2, "sms_sent_month"): "9",
    }
    assert read(hass, kept) == kept

    seed = load_fixture("port_status_proxy_seed")
    assert await post(hass, client, seed) == (200, "OK")

    expected: Expected = {
        **kept,
        (2, "balance"): "100.0",
        (2, "status"): "registered",
        (2, "active_slot"): "2",
        (2, "operator"): "China Mobile",
    }
    assert read(hass, expected) == expected


@pytest.mark.parametrize(
    ("active", "expected"),
    [
        ("0", {(1, "active_slot"): "1", (1, "status"): "registered"}),
        (None, {(1, "active_slot"): "2", (1, "status"): "card_detected"}),
    ],
    ids=["inactive_slot", "working_slot"],
)
@pytest.mark.usefixtures("entry")
async def test_the_status_seeds_port_status_for_slot_2(
    hass: HomeAssistant, client: TestClient, active: str | None, expected: Expected
) -> None:
    """The status seed's port-status, for slot 1.02, names the slot the port works on.

    With ``active`` "0" it is an inactive slot's, and port 1 still shows slot 1
    registered; without, the port works on slot 2 now.
    """
    seed = load_fixture("port_status_seed")
    if active is not None:
        seed["active"] = active

    assert await post(hass, client, seed) == (200, "OK")

    assert read(hass, expected) == expected
    registered = "on" if active else "off"
    assert read(hass, [(1, "registered")]) == {(1, "registered"): registered}


async def test_every_slot_reported_without_active_shows_the_registered_sim(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """All SIM slots reported without ``active`` (every real capture): the SIM shown.

    It is the registered one, not the first slot holding a SIM.
    """
    simulator.gateway.all_sims = True
    for port in simulator.gateway.ports.values():
        port.active_slot = 3
    entry = await set_up_entry(
        hass, simulator, entry_for(simulator, options={"all_sims": True})
    )
    report = dev_status(simulator)
    assert len(report["status"]) == 8 * 4
    assert not any("active" in item for item in report["status"])
    sim = simulator.gateway.ports[5].slots[3]
    assert sim is not None

    expected: Expected = {
        (5, "active_slot"): "3",
        (5, "status"): "registered",
        (5, "sim_number"): sim.number,
        (5, "operator"): sim.operator_name,
        (5, "sim_slots"): "4",
    }
    assert read(hass, expected) == expected
    assert entry.runtime_data.gateway.registered_ports == 8


# --- SMS rows with odd fields -------------------------------------------------------------


ENVELOPE = (
    'Sender: +15550001\r\nReceiver: "3.01" 15550002\r\n'
    "Port: 3.01\r\nSCTS: 240501122005+32\r\n\r\nenvelope"
)
SENDER, RECIPIENT = "+15550001", "+15550002"


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


# --- settings that must survive a reboot ---------------------------------------------------


async def test_sms_still_arrive_by_push_after_the_gateway_reboots(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """The SMS URL was saved after it was set, so the rebooted gateway still pushes SMS.

    (A gateway forgets what was set and not saved; the store read would then find the
    SMS later, as recovered, instead of at once.)
    """
    assert simulator.gateway.saved_sms_url == simulator.gateway.sms_url is not None
    received = async_capture_events(hass, SMS_RECEIVED)

    simulator.reboot()
    await wait_for(lambda: not simulator.offline, "the gateway to boot")
    _, row = simulator.gateway.receive_sms(4, 1, "+15550009999", "After the reboot")
    simulator.push_sms(row, port=4)

    await wait_for(lambda: len(received) == 1, "the pushed SMS")
    assert (received[0].data["text"], received[0].data["recovered"]) == (
        "After the reboot",
        False,
    )


# --- a rejected login, in every form ----------------------------------------------------------


@pytest.mark.parametrize("bad_login", BAD_LOGINS)
async def test_the_config_flow_says_invalid_credentials(
    hass: HomeAssistant, simulator: Simulator, bad_login: str
) -> None:
    """Whatever form the gateway's refusal takes, the form says the login is wrong."""
    simulator.bad_login = bad_login
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: simulator.host,
            CONF_PORT: simulator.port,
            CONF_USERNAME: "root",
            CONF_PASSWORD: "not the password",
        },
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}


@pytest.mark.parametrize("bad_login", BAD_LOGINS)
async def test_a_running_entry_asks_for_new_credentials(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    entry: MockConfigEntry,
    bad_login: str,
) -> None:
    """When the gateway starts refusing the login, Home Assistant asks for a new one.

    The status read made while pushes are missing meets the refusal, in any form.
    """
    simulator.bad_login = bad_login
    simulator.password = "changed on the gateway"
    assert simulator.password != PASSWORD

    for _ in range(2):  # more than a period and a half without a push
        freezer.tick(timedelta(seconds=60))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)

    flows = hass.config_entries.flow.async_progress_by_handler(
        DOMAIN, match_context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}
    )
    assert len(flows) == 1


# --- which slot a port works on ---------------------------------------------------------


async def test_an_inactive_slot_locked_or_failing_does_not_take_over(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """Every slot reported: a locked or failed SIM in another slot is not the port's.

    Such a SIM may sit in any slot; only a state that only the working SIM can have
    (registered, registering, in a call, …) moves the port to another slot.
    """
    simulator.gateway.all_sims = True
    await set_up_entry(
        hass, simulator, entry_for(simulator, options={"all_sims": True})
    )
    for status in (12, 6, 9):
        report = {"type": "port-status", "port": "2.03", "st": status, "imei": "1"}
        assert await post(hass, client, report) == (200, "OK")

    expected: Expected = {
        (2, "active_slot"): "1",
        (2, "status"): "registered",
        (2, "registered"): "on",
    }
    assert read(hass, expected) == expected
    registering = {"type": "port-status", "port": "2.03", "st": 2, "imei": "1"}
    assert await post(hass, client, registering) == (200, "OK")
    assert read(hass, [(2, "active_slot")]) == {(2, "active_slot"): "3"}


@pytest.mark.usefixtures("entry")
async def test_a_switch_reported_without_the_imei_keeps_the_modems_imei(
    hass: HomeAssistant, client: TestClient
) -> None:
    """The IMEI is the modem's: a report of the port's new SIM that lacks it keeps it."""
    gateway = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.gateway
    imei = gateway.ports[2].imei
    assert imei

    report = {"type": "port-status", "port": "2.02", "status": "3 OK", "bal": "1.00"}
    assert await post(hass, client, report) == (200, "OK")

    assert read(hass, [(2, "active_slot"), (2, "sim_number")]) == {
        (2, "active_slot"): "2",
        (2, "sim_number"): "unknown",  # of the SIM before: not shown for this one
    }
    assert gateway.ports[2].imei == imei
