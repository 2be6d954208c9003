"""The public IP and traffic readings of proxy firmware, and their absence elsewhere."""

from __future__ import annotations

import contextlib
from datetime import timedelta
import logging
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.ejoin.const import CONF_PUBLIC_IP_INTERVAL, DOMAIN
from custom_components.ejoin.public_ip import parse_traffic
from custom_components.ejoin.pyejoin import (
    EjoinClient,
    EjoinCommandError,
    EjoinConnectionError,
    EjoinMalformedReplyError,
)
from ejoin_simulator import Simulator

from .helpers import (
    GATEWAY_MAC,
    PROXY_FIRMWARE,
    PUBLIC_IPS,
    TRAFFIC,
    act,
    advance,
    command,
    devices,
    entry_for,
    port_report,
    post,
    press,
    sent,
    set_up_entry,
    state,
    wait_for,
)

PROXY_KEYS = ("public_ip", "data_received", "data_sent")

# Every reading is shown here: traffic counters are disabled by default (test_sensor).
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


def proxy_entities(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """Return the entity ids of the entry's public IP and traffic sensors."""
    return sorted(
        item.entity_id
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if item.unique_id.endswith(PROXY_KEYS)
    )


def value(hass: HomeAssistant, entity: str) -> float:
    """Return a sensor's state as a number."""
    return float(state(hass, entity) or "nan")


async def poll(hass: HomeAssistant, seconds: float) -> None:
    """Let time pass for the public IP reading to come due, and wait for it."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done(wait_background_tasks=True)


@PROXY_FIRMWARE
async def test_public_ip_and_traffic_after_set_up(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Each port shows its public IP and traffic, read once at set-up with op=get."""
    for port in simulator.gateway.ports.values():
        port.rx_bytes, port.tx_bytes = port.number * 3_000_000, port.number * 1_000_000
    entry = entry_for(simulator)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert [request for request in sent(simulator) if request[0] == "GET"][-2:] == [
        (*PUBLIC_IPS, None),
        (*TRAFFIC, None),
    ]
    assert len(proxy_entities(hass, entry)) == 8 * 3
    for number, port in simulator.gateway.ports.items():
        assert (
            state(hass, f"sensor.ejoin_127_0_0_1_port_{number}_public_ip")
            == port.public_ip
        )
        assert (
            value(hass, f"sensor.ejoin_127_0_0_1_port_{number}_data_received")
            == number * 3.0
        )
        assert (
            value(hass, f"sensor.ejoin_127_0_0_1_port_{number}_data_sent")
            == number * 1.0
        )
    received = hass.states.get("sensor.ejoin_127_0_0_1_port_2_data_received")
    assert received is not None
    assert received.attributes["unit_of_measurement"] == "MB"
    assert received.attributes["device_class"] == "data_size"
    assert received.attributes["state_class"] == "total_increasing"
    # Shown as "6.00 MB", not to the byte in megabytes.
    options = (
        er.async_get(hass)
        .async_get("sensor.ejoin_127_0_0_1_port_2_data_received")
        .options
    )
    assert options["sensor"]["suggested_display_precision"] == 2


@PROXY_FIRMWARE
async def test_public_ips_are_read_again_at_the_interval(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """At the option's interval the IPs and traffic are read again and shown."""
    entry = await set_up_entry(
        hass, simulator, entry_for(simulator, options={CONF_PUBLIC_IP_INTERVAL: 120})
    )
    port = simulator.gateway.ports[4]
    port.public_ip, port.rx_bytes, port.tx_bytes = "100.100.1.2", 7_000_000, 2_000_000

    await poll(hass, 60)
    assert sent(simulator) == []
    await poll(hass, 121)

    assert sent(simulator) == [(*PUBLIC_IPS, None), (*TRAFFIC, None)]
    assert state(hass, "sensor.ejoin_127_0_0_1_port_4_public_ip") == "100.100.1.2"
    assert value(hass, "sensor.ejoin_127_0_0_1_port_4_data_received") == 7.0
    assert value(hass, "sensor.ejoin_127_0_0_1_port_4_data_sent") == 2.0
    assert entry.runtime_data.public_ips is not None


@PROXY_FIRMWARE
async def test_a_failed_reading_makes_the_readings_unavailable(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """An unanswered reading, or traffic that cannot be read, makes them unavailable."""
    readings = [f"sensor.ejoin_127_0_0_1_port_1_{key}" for key in PROXY_KEYS]
    simulator.offline = True
    await poll(hass, 301)
    assert {state(hass, reading) for reading in readings} == {STATE_UNAVAILABLE}

    simulator.offline = False
    await poll(hass, 602)
    assert (
        state(hass, "sensor.ejoin_127_0_0_1_port_1_public_ip")
        == simulator.gateway.ports[1].public_ip
    )
    assert value(hass, "sensor.ejoin_127_0_0_1_port_1_data_sent") == 0.0

    with patch.object(
        EjoinClient, "get_traffic", side_effect=EjoinConnectionError("gone")
    ):
        await poll(hass, 903)
    assert {state(hass, reading) for reading in readings} == {STATE_UNAVAILABLE}


@PROXY_FIRMWARE
async def test_readings_come_back_with_the_first_report_after_a_failed_one(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
) -> None:
    """Back from a silence, the gateway's first report brings its readings back at once.

    They are not left unavailable until the next reading, minutes later.
    """
    readings = [f"sensor.ejoin_127_0_0_1_port_1_{key}" for key in PROXY_KEYS]
    simulator.offline = True
    await poll(hass, 301)
    assert {state(hass, reading) for reading in readings} == {STATE_UNAVAILABLE}

    simulator.offline = False
    simulator.gateway.ports[1].public_ip = "100.64.9.9"  # it restarted: a new address
    assert await post(hass, client, port_report(simulator, 1)) == (200, "OK")
    await hass.async_block_till_done(wait_background_tasks=True)

    assert state(hass, "sensor.ejoin_127_0_0_1_port_1_public_ip") == "100.64.9.9"
    assert value(hass, "sensor.ejoin_127_0_0_1_port_1_data_sent") == 0.0


@PROXY_FIRMWARE
async def test_a_gateway_heard_again_after_a_silence_has_its_addresses_read(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Silent for minutes (maybe restarting), then heard: its public IPs are read anew."""
    simulator.offline = True
    await advance(hass, freezer, 4)  # silent: the readings are not due yet
    assert state(hass, "sensor.ejoin_127_0_0_1_port_1_status") == STATE_UNAVAILABLE
    simulator.offline = False
    simulator.gateway.ports[1].public_ip = "100.64.9.10"
    simulator.request_log.clear()

    assert await post(hass, client, port_report(simulator, 1)) == (200, "OK")
    await hass.async_block_till_done(wait_background_tasks=True)

    assert state(hass, "sensor.ejoin_127_0_0_1_port_1_public_ip") == "100.64.9.10"
    assert sent(simulator)[:2] == [(*PUBLIC_IPS, None), (*TRAFFIC, None)]
    assert await post(hass, client, port_report(simulator, 2)) == (200, "OK")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(sent(simulator)) == 2  # read once, not at every report


@PROXY_FIRMWARE
async def test_a_login_rejected_while_reading_traffic_asks_for_new_credentials(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A password changed between the IP and the traffic reads: the user is asked anew.

    The readings become unavailable rather than showing traffic of unknown age.
    """
    read_traffic = EjoinClient.get_traffic

    async def password_changed_meanwhile(client: EjoinClient) -> dict[int, str]:
        simulator.password = "changed on the gateway"
        return await read_traffic(client)

    with patch.object(EjoinClient, "get_traffic", password_changed_meanwhile):
        await poll(hass, 301)

    progress = hass.config_entries.flow.async_progress_by_handler(
        DOMAIN, match_context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}
    )
    assert len(progress) == 1
    assert state(hass, "sensor.ejoin_127_0_0_1_port_1_data_sent") == STATE_UNAVAILABLE


@PROXY_FIRMWARE
async def test_reports_do_not_retry_a_login_the_gateway_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
) -> None:
    """While new credentials are asked for, reports bring no readings with the old ones."""
    simulator.password = "changed on the gateway"
    await poll(hass, 301)
    simulator.request_log.clear()

    for number in (1, 2, 3):
        assert await post(hass, client, port_report(simulator, number)) == (200, "OK")
    await hass.async_block_till_done(wait_background_tasks=True)

    assert sent(simulator) == []


@pytest.mark.parametrize(
    "traffic",
    [
        {"side_effect": EjoinCommandError(4, "unknown parameter Ports_rx_tx")},
        {"side_effect": EjoinMalformedReplyError("not JSON")},
        {"return_value": {1: "1234", 2: "a/b", 3: ""}},
    ],
    ids=["unknown_parameter", "malformed_reply", "unreadable_values"],
)
@PROXY_FIRMWARE
async def test_firmware_without_traffic_gets_public_ips_only(
    hass: HomeAssistant, simulator: Simulator, traffic: dict[str, Any]
) -> None:
    """Traffic the firmware lacks gives no traffic sensors, and is not asked again."""
    with patch.object(EjoinClient, "get_traffic", **traffic) as get_traffic:
        entry = await set_up_entry(hass, simulator, entry_for(simulator))
        assert get_traffic.call_count == 1
        await poll(hass, 301)
        assert get_traffic.call_count == 1

    assert proxy_entities(hass, entry) == [
        f"sensor.ejoin_127_0_0_1_port_{port}_public_ip" for port in range(1, 9)
    ]
    assert sent(simulator) == [(*PUBLIC_IPS, None)]
    assert (
        state(hass, "sensor.ejoin_127_0_0_1_port_8_public_ip")
        == simulator.gateway.ports[8].public_ip
    )


@pytest.mark.parametrize(
    "public_ips",
    [
        {},  # the simulated SMS firmware answers: unknown parameter
        {"side_effect": EjoinCommandError(4, "unknown parameter port_public_ip")},
        {"return_value": {}},
    ],
    ids=["sms_firmware", "unknown_parameter", "no_addresses"],
)
async def test_firmware_without_public_ips_gets_no_proxy_sensors(
    hass: HomeAssistant,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
    public_ips: dict[str, Any],
) -> None:
    """No public-IP support: no public IP or traffic sensors, no error, redial still works."""
    caplog.set_level(logging.DEBUG, logger="custom_components.ejoin")
    with (
        patch.object(EjoinClient, "get_public_ips", **public_ips, autospec=True)
        if public_ips
        else contextlib.nullcontext()
    ):
        entry = await set_up_entry(hass, simulator, entry_for(simulator))
        await poll(hass, 301)

    assert entry.runtime_data.public_ips is None
    assert proxy_entities(hass, entry) == []
    assert state(hass, "sensor.ejoin_127_0_0_1_port_1_status") == "registered"
    assert [
        record for record in caplog.records if record.levelno >= logging.ERROR
    ] == []
    assert [
        record
        for record in caplog.records
        if record.name.startswith("custom_components.ejoin")
        and record.levelno >= logging.WARNING
    ] == []
    assert any(
        record.getMessage().startswith("Gateway Ejoin 127.0.0.1 reports no public IPs")
        for record in caplog.records
    )
    await act(hass, "redial", {"device_id": devices(hass, (1,))})
    assert sent(simulator) == [command("redial", "1", mode=0)]


@pytest.mark.parametrize("asked_by", ["button", "action"])
@PROXY_FIRMWARE
async def test_a_redial_brings_the_new_public_ip(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry, asked_by: str
) -> None:
    """After the port's data connection is up again, the public IPs are read again.

    By the redial button or the action, with pushes flowing. On proxy firmware a
    working port is "dial successful" (15): the redial is over when it is again, not
    when it is registered (3) on the way, before it has a new address.
    """
    old = simulator.gateway.ports[2].public_ip
    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_public_ip") == old

    if asked_by == "button":
        await press(hass, "redial", 2)
    else:
        await act(hass, "redial", {"device_id": devices(hass, (2,))})
    await wait_for(
        lambda: state(hass, "sensor.ejoin_127_0_0_1_port_2_public_ip") != old,
        "the new public IP",
    )

    new = simulator.gateway.ports[2].public_ip
    assert new != old
    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_public_ip") == new
    assert (
        state(hass, "sensor.ejoin_127_0_0_1_port_5_public_ip")
        == simulator.gateway.ports[5].public_ip
    )
    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_status") == "accessing_network"
    assert state(hass, "binary_sensor.ejoin_127_0_0_1_port_2_registered") == "on"
    assert sent(simulator) == [
        command("redial", "2", mode=0),
        (*PUBLIC_IPS, None),
        (*TRAFFIC, None),
    ]
    response = await act(
        hass, "get_public_ip", {"device_id": devices(hass, (2,))}, response=True
    )
    assert response == {
        "ports": [{"gateway": GATEWAY_MAC, "port": 2, "public_ip": new}]
    }


@pytest.mark.parametrize(
    ("value", "counters"),
    [
        ("1024/2048", (1024, 2048)),
        (" 10 , 20 ", (10, 20)),
        ("0/0", (0, 0)),
        ("1234", None),
        ("a/b", None),
        ("", None),
    ],
)
def test_parse_traffic(value: str, counters: tuple[int, int] | None) -> None:
    """Traffic reads as received/sent (or received,sent) bytes; anything else is None."""
    assert parse_traffic(value) == counters
