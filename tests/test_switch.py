"""The switches of each port: its lock, and its mobile data (proxy firmware).

The lock shows what the gateway reports; mobile data what the gateway answers when it
is read again, right after it was set and saved.
"""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.ejoin.pyejoin import EjoinNoAnswerError
from ejoin_simulator import Simulator

from .helpers import (
    EACH_FIRMWARE,
    GATEWAY_MAC,
    PROXY_FIRMWARE,
    Sent,
    check_error,
    check_unreachable,
    command,
    entity_id,
    entry_for,
    messages,
    post,
    sent,
    set_up,
    set_up_entry,
    set_up_platform,
    snapshot_of_states,
    state,
    use,
    wait_for,
    warnings_of_the_integration,
)

GET = ("GET", "/goip_send_cmd.html")
READ_MOBILE_DATA: Sent = (*GET, [("op", "get"), ("data_service_enable", "")], None)


def set_mobile_data(port: int, value: str) -> Sent:
    """Return the op=set of one port's mobile data: data_service_enable(port - 1)."""
    return (*GET, [("op", "set"), (f"data_service_enable({port - 1})", value)], None)


def mobile_data_switches(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """Return the unique ids of the entry's mobile data switches."""
    return [
        item.unique_id
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if item.unique_id.endswith("_mobile_data")
    ]


@EACH_FIRMWARE
async def test_snapshot_of_every_entity(
    hass: HomeAssistant, simulator: Simulator, snapshot: SnapshotAssertion
) -> None:
    """The lock switch of every port; on proxy firmware also its mobile data switch."""
    async with set_up_platform(hass, simulator, Platform.SWITCH) as entry:
        assert snapshot_of_states(hass, entry.entry_id) == snapshot


async def test_lock_switch_sends_lock_and_unlock(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Turning on locks the port, off unlocks it; the state waits for the gateway's report."""
    switch = entity_id(hass, "locked", 3, "switch")
    assert state(hass, switch) == "off"

    await use(hass, "switch", "turn_on", "locked", 3)
    assert state(hass, switch) == "off"  # no report of the gateway yet
    await use(hass, "switch", "turn_off", "locked", 3)

    assert sent(simulator) == [command("lock", "3"), command("unlock", "3")]


async def test_lock_switch_follows_the_gateway(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """With pushes flowing the switch turns on when port 2 reports locked, off unlocked."""
    await use(hass, "switch", "turn_on", "locked", 2)
    await wait_for(
        lambda: state(hass, "switch.ejoin_127_0_0_1_port_2_locked") == "on", "locked"
    )
    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_status") == "user_locked"
    assert simulator.gateway.ports[2].locked

    await use(hass, "switch", "turn_off", "locked", 2)
    await wait_for(
        lambda: state(hass, "switch.ejoin_127_0_0_1_port_2_locked") == "off", "unlocked"
    )

    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_status") == "registered"
    assert sent(simulator) == [command("lock", "2"), command("unlock", "2")]


async def test_lock_switch_without_a_status_is_unknown(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    client: TestClient,
) -> None:
    """A new port reported without a status code has its lock switch unknown."""
    report = {
        "type": "port-status",
        "mac": GATEWAY_MAC,  # only a report naming the gateway adds a port
        "port": "9.01",
        "sim": "",
        "imei": "1",
    }

    assert await post(hass, client, report) == (200, "OK")

    assert state(hass, "switch.ejoin_127_0_0_1_port_9_locked") == STATE_UNKNOWN
    assert state(hass, "select.ejoin_127_0_0_1_port_9_active_sim_slot") == "1"


@pytest.mark.parametrize("service", ["turn_on", "turn_off"])
async def test_lock_switch_of_an_offline_gateway_fails(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, service: str
) -> None:
    """Turning the switch on or off with the gateway offline raises gateway_unreachable."""
    simulator.offline = True

    with pytest.raises(HomeAssistantError) as raised:
        await use(hass, "switch", service, "locked", 1)

    check_unreachable(raised.value, simulator)
    assert state(hass, "switch.ejoin_127_0_0_1_port_1_locked") == "off"


# --- mobile data -------------------------------------------------------------------------


@PROXY_FIRMWARE
async def test_mobile_data_switch_sets_saves_and_reads_again(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Off: data_service_enable(2)=0, save, a new reading; on again the same with 1."""
    switch = entity_id(hass, "mobile_data", 3, "switch")
    assert state(hass, switch) == "on"

    await use(hass, "switch", "turn_off", "mobile_data", 3)

    assert sent(simulator) == [
        set_mobile_data(3, "0"),
        command("save"),
        READ_MOBILE_DATA,
    ]
    assert state(hass, switch) == "off"
    assert state(hass, entity_id(hass, "mobile_data", 2, "switch")) == "on"
    port = simulator.gateway.ports[3]
    assert (port.data_enabled, port.saved_data_enabled) == (False, False)

    simulator.request_log.clear()
    await use(hass, "switch", "turn_on", "mobile_data", 3)

    assert sent(simulator) == [
        set_mobile_data(3, "1"),
        command("save"),
        READ_MOBILE_DATA,
    ]
    assert state(hass, switch) == "on"
    assert (port.data_enabled, port.saved_data_enabled) == (True, True)


@PROXY_FIRMWARE
async def test_mobile_data_switches_show_what_the_gateway_answers(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A reading after one switch shows the others' changes too (made elsewhere)."""
    simulator.gateway.ports[5].data_enabled = False  # in the gateway's web interface

    await use(hass, "switch", "turn_off", "mobile_data", 1)

    shown = {
        port: state(hass, entity_id(hass, "mobile_data", port, "switch"))
        for port in (1, 2, 5)
    }
    assert shown == {1: "off", 2: "on", 5: "off"}


@PROXY_FIRMWARE
async def test_mobile_data_off_shows_the_port_registered_not_dialled(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """With pushes flowing, the port reports registered (3) instead of dialled (15)."""
    status = entity_id(hass, "status", 4)
    assert state(hass, status) == "accessing_network"

    await use(hass, "switch", "turn_off", "mobile_data", 4)

    await wait_for(lambda: state(hass, status) == "registered", "port 4 registered")
    assert state(hass, entity_id(hass, "mobile_data", 4, "switch")) == "off"


@PROXY_FIRMWARE
async def test_mobile_data_is_read_once_at_set_up(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Before the public IPs; a switch for each port the gateway answered for."""
    entry = await set_up(hass, simulator)

    reads = [request for request in sent(simulator) if request[0] == "GET"]
    assert reads.count(READ_MOBILE_DATA) == 1
    assert reads.index(READ_MOBILE_DATA) == len(reads) - 3  # public IPs, traffic next
    assert sorted(mobile_data_switches(hass, entry)) == sorted(
        f"{GATEWAY_MAC}_{port}_mobile_data" for port in range(1, 9)
    )


@PROXY_FIRMWARE
async def test_a_port_that_appears_later_has_no_mobile_data_switch(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    client: TestClient,
) -> None:
    """Port 9 was not in the answer at set-up: it gets its lock switch only."""
    report = {"type": "port-status", "mac": GATEWAY_MAC, "port": "9.01", "st": 15}

    assert await post(hass, client, report) == (200, "OK")

    assert state(hass, "switch.ejoin_127_0_0_1_port_9_locked") == "off"
    assert f"{GATEWAY_MAC}_9_mobile_data" not in mobile_data_switches(hass, entry)


async def test_sms_firmware_refuses_and_has_no_mobile_data_switch(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """The refusal (code 4) is logged at debug level only; the set-up goes on."""
    caplog.set_level(logging.DEBUG, logger="custom_components.ejoin")

    entry = await set_up(hass, simulator)

    assert READ_MOBILE_DATA in sent(simulator)
    assert mobile_data_switches(hass, entry) == []
    refusal = (
        "gateway refused the request: unknown parameter data_service_enable (code 4)"
    )
    assert messages(caplog, "does not switch mobile data per port") == [
        f"Gateway Ejoin 127.0.0.1 does not switch mobile data per port: {refusal}"
    ]
    assert warnings_of_the_integration(caplog) == []


@PROXY_FIRMWARE
@pytest.mark.parametrize(
    ("answer", "level", "text"),
    [
        (1, logging.DEBUG, "switches mobile data only as a whole"),
        ("on", logging.DEBUG, "does not switch mobile data per port"),
        (EjoinNoAnswerError("no answer"), logging.WARNING, "until it is reloaded"),
    ],
    ids=["gateway_wide", "unreadable", "no_answer"],
)
async def test_no_mobile_data_switch_without_a_per_port_answer(
    hass: HomeAssistant,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
    answer: Any,
    level: int,
    text: str,
) -> None:
    """One value for the whole gateway, no readable one, or none at all: no switch."""
    caplog.set_level(logging.DEBUG, logger="custom_components.ejoin")
    gateway = simulator.gateway
    read = gateway.parameter

    def parameter(name: str) -> Any:
        return answer if name == "data_service_enable" else read(name)

    with (
        patch(
            "custom_components.ejoin.pyejoin.EjoinClient.get_data_service",
            side_effect=answer,
        )
        if isinstance(answer, Exception)
        else patch.object(gateway, "parameter", parameter)
    ):
        entry = await set_up_entry(hass, simulator, entry_for(simulator))

    assert mobile_data_switches(hass, entry) == []
    logged = [
        record.levelno
        for record in caplog.records
        if record.name == "custom_components.ejoin" and text in record.getMessage()
    ]
    assert logged == [level]


@PROXY_FIRMWARE
@pytest.mark.parametrize("service", ["turn_on", "turn_off"])
async def test_mobile_data_switch_of_an_offline_gateway_fails(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, service: str
) -> None:
    """Nothing answers: gateway_unreachable, and the switch shows what it showed."""
    simulator.offline = True

    with pytest.raises(HomeAssistantError) as raised:
        await use(hass, "switch", service, "mobile_data", 2)

    check_unreachable(raised.value, simulator)
    assert state(hass, entity_id(hass, "mobile_data", 2, "switch")) == "on"


@PROXY_FIRMWARE
async def test_mobile_data_refused_by_the_gateway(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A refusal of the setting raises command_refused with its reason; no save."""
    del simulator.gateway.ports[6]  # the gateway lost the port: data_service_enable(5)

    with pytest.raises(HomeAssistantError) as raised:
        await use(hass, "switch", "turn_off", "mobile_data", 6)

    check_error(
        raised.value,
        "command_refused",
        "The gateway refused the request: no port for data_service_enable(5) (code 4)",
        {"reason": "no port for data_service_enable(5) (code 4)"},
    )
    assert sent(simulator) == [set_mobile_data(6, "0")]
    assert state(hass, entity_id(hass, "mobile_data", 6, "switch")) == "on"
