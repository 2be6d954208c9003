"""The buttons: redial, reset and identify of a port, reboot and save of the gateway."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.const import STATE_UNKNOWN, EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from syrupy.assertion import SnapshotAssertion

from ejoin_simulator import Simulator

from .helpers import (
    EACH_FIRMWARE,
    act,
    check_error,
    check_unreachable,
    command,
    devices,
    entity_id,
    entry_for,
    port_report,
    post,
    press,
    sent,
    set_up_entry,
    set_up_platform,
    snapshot_of_states,
    state,
    state_of,
    wait_for,
    warnings_of_the_integration,
)

BUTTONS = [
    ("redial", 2),
    ("reset", 5),
    ("identify", 4),
    ("reboot", None),
    ("save_config", None),
]


@EACH_FIRMWARE
async def test_snapshot_of_every_entity(
    hass: HomeAssistant, simulator: Simulator, snapshot: SnapshotAssertion
) -> None:
    """Every button of the 8-port gateway: redial, reset, identify; reboot and save."""
    async with set_up_platform(hass, simulator, Platform.BUTTON) as entry:
        assert snapshot_of_states(hass, entry.entry_id) == snapshot


@pytest.mark.parametrize(
    ("key", "port", "request_sent"),
    [
        ("redial", 2, command("redial", "2", mode=0)),
        ("reset", 5, command("reset", "5")),
        ("identify", 4, command("ledon", "4")),
        ("reboot", None, command("reboot")),
        ("save_config", None, command("save")),
    ],
)
async def test_each_button_sends_its_command(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    *,
    key: str,
    port: int | None,
    request_sent: tuple[Any, ...],
) -> None:
    """A press sends one command for its port or gateway, and records when it was pressed."""
    button = entity_id(hass, key, port, "button")
    assert state(hass, button) == STATE_UNKNOWN
    before = dt_util.utcnow()

    await press(hass, key, port)

    assert sent(simulator) == [request_sent]
    pressed = dt_util.parse_datetime(state(hass, button) or "")
    assert pressed is not None
    assert before <= pressed <= dt_util.utcnow()


@pytest.mark.parametrize(("key", "port"), BUTTONS)
async def test_every_button_of_an_offline_gateway_fails(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    key: str,
    port: int | None,
) -> None:
    """Every button of a gateway that does not answer raises gateway_unreachable."""
    simulator.offline = True

    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, key, port)

    check_unreachable(raised.value, simulator)


async def test_redial_button_refusals(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    client: TestClient,
) -> None:
    """The redial button refuses an unregistered port, and a port redialled too recently."""
    assert await post(hass, client, port_report(simulator, 3, st=12)) == (200, "OK")
    simulator.request_log.clear()

    with pytest.raises(ServiceValidationError) as raised:
        await press(hass, "redial", 3)
    check_error(
        raised.value,
        "redial_not_registered",
        "Not redialling port(s) 3: only a port that is registered, or has its data "
        "connection up, may be redialled",
        {"ports": "3"},
    )
    assert sent(simulator) == []

    await press(hass, "redial", 4)
    with pytest.raises(ServiceValidationError) as raised:
        await press(hass, "redial", 4)
    assert raised.value.translation_key == "redial_too_soon"
    placeholders = raised.value.translation_placeholders
    assert placeholders["ports"] == "4"
    assert placeholders["interval"] == "60"
    assert sent(simulator) == [command("redial", "4", mode=0)]
    # The action and the button share the interval.
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "redial", {"device_id": devices(hass, (4,))})
    assert raised.value.translation_key == "redial_too_soon"


async def test_reset_button_restarts_the_port(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """Pressed with pushes flowing: the port reports registering, then registered."""
    simulator.command_delay = 0.3
    await set_up_entry(hass, simulator, entry_for(simulator, client=client))
    seen: list[str | None] = []

    await press(hass, "reset", 1)
    await wait_for(
        lambda: (
            seen.append(state(hass, "sensor.ejoin_127_0_0_1_port_1_status")) is None
            and seen[-1] == "registering"
        ),
        "registering",
    )
    await wait_for(
        lambda: state(hass, "sensor.ejoin_127_0_0_1_port_1_status") == "registered",
        "registered",
    )

    assert sent(simulator) == [command("reset", "1")]
    assert state(hass, "binary_sensor.ejoin_127_0_0_1_port_1_registered") == "on"


# --- identify -----------------------------------------------------------------------------


async def later(hass: HomeAssistant, seconds: float) -> None:
    """Let some seconds pass for Home Assistant's timers, and what they start finish."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done()


@EACH_FIRMWARE
async def test_identify_blinks_the_port_led_for_five_seconds(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Ledon for the port at once; ledoff five seconds later, not sooner."""
    await press(hass, "identify", 3)

    assert sent(simulator) == [command("ledon", "3")]
    assert simulator.gateway.ports[3].led
    await later(hass, 4)
    assert sent(simulator) == [command("ledon", "3")]
    await later(hass, 5)
    assert sent(simulator) == [command("ledon", "3"), command("ledoff", "3")]
    assert not simulator.gateway.ports[3].led
    await later(hass, 30)
    assert len(sent(simulator)) == 2


async def test_identify_again_blinks_five_seconds_from_the_last_press(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A second press starts the five seconds again: one ledoff, after the last press."""
    await press(hass, "identify", 2)
    await later(hass, 3)
    await press(hass, "identify", 2)
    await later(hass, 4)  # seven seconds after the first press
    assert sent(simulator) == [command("ledon", "2"), command("ledon", "2")]

    await later(hass, 5)

    assert sent(simulator) == [
        command("ledon", "2"),
        command("ledon", "2"),
        command("ledoff", "2"),
    ]


async def test_identify_stops_the_led_when_the_entry_unloads(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Unloaded while the LED blinks: ledoff at once, and no timer left behind."""
    await press(hass, "identify", 6)

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    await later(hass, 10)

    assert sent(simulator) == [command("ledon", "6"), command("ledoff", "6")]
    assert not simulator.gateway.ports[6].led


async def test_identify_ledoff_that_fails_is_logged(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nobody waits for the ledoff: a gateway gone meanwhile is a warning, no error."""
    caplog.set_level(logging.WARNING)
    await press(hass, "identify", 1)
    simulator.offline = True

    await later(hass, 5)

    [warning] = warnings_of_the_integration(caplog)
    assert warning.startswith(
        "The LED of port 1 of gateway Ejoin 127.0.0.1 may still blink: "
        f"cannot talk to gateway 127.0.0.1:{simulator.port}"
    )
    assert sent(simulator) == [command("ledon", "1")]


async def test_identify_and_reboot_have_their_device_classes(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Identify (named by it, a configuration entity) and restart."""
    identify = state_of(hass, "identify", 7, "button")
    assert identify.attributes["device_class"] == "identify"
    assert identify.attributes["friendly_name"].endswith("Port 7 Identify")
    registered = er.async_get(hass).async_get(identify.entity_id)
    assert registered is not None
    assert registered.entity_category is EntityCategory.CONFIG
    reboot = state_of(hass, "reboot", None, "button")
    assert reboot.attributes["device_class"] == "restart"


async def test_an_unload_does_not_wait_for_a_gateway_that_hangs(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """The ledoff of an unload goes in the background: a hung gateway holds nothing up."""
    await press(hass, "identify", 6)
    simulator.hanging = True

    async with asyncio.timeout(2):  # the client's own timeout is far longer
        assert await hass.config_entries.async_unload(entry.entry_id)

    simulator.hanging = False
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not simulator.gateway.ports[6].led
