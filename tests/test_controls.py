"""The control entities (buttons, lock switch, SIM select, SMS notify) and proxy readings."""

from __future__ import annotations

import contextlib
from datetime import timedelta
import logging
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.ejoin.const import (
    CONF_DEFAULT_RECIPIENTS,
    CONF_PUBLIC_IP_INTERVAL,
)
from custom_components.ejoin.public_ip import parse_traffic
from custom_components.ejoin.pyejoin import (
    EjoinClient,
    EjoinCommandError,
    EjoinConnectionError,
    EjoinMalformedReplyError,
)
from ejoin_simulator import Gateway, Simulator

from .helpers import (
    COMMAND,
    FIRMWARE,
    GATEWAY_MAC,
    PROXY_FIRMWARE,
    PUBLIC_IPS,
    SMS,
    TRAFFIC,
    act,
    check_error,
    devices,
    entity_id,
    entry_for,
    port_report,
    post,
    running,
    sent,
    set_up_entry,
    state,
    wait_for,
)

PROXY_KEYS = ("public_ip", "data_received", "data_sent")


async def press(hass: HomeAssistant, key: str, port: int | None = None) -> None:
    """Press a button of the gateway (port None) or of a port."""
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": entity_id(hass, key, port, "button")},
        blocking=True,
    )


async def use(
    hass: HomeAssistant, platform: str, service: str, key: str, port: int, **data: Any
) -> None:
    """Call a service of a port's entity of some platform."""
    await hass.services.async_call(
        platform,
        service,
        {"entity_id": entity_id(hass, key, port, platform), **data},
        blocking=True,
    )


def command(op: str, ports: str | None = None, **extra: Any) -> tuple[Any, ...]:
    """Return the command request the gateway should receive."""
    body: dict[str, Any] = {"type": "command", "op": op}
    if ports is not None:
        body["ports"] = ports
    return (*COMMAND, {**body, **extra})


def proxy_entities(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """Return the entity ids of the entry's public IP and traffic sensors."""
    return sorted(
        item.entity_id
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if item.unique_id.endswith(PROXY_KEYS)
    )


def sms_tasks(simulator: Simulator) -> list[dict[str, Any]]:
    """Return the SMS tasks the gateway received, checking each came alone."""
    tasks = []
    for method, path, query, body in sent(simulator):
        assert (method, path, query) == SMS
        assert body["type"] == "send-sms"
        assert body["task_num"] == 1
        [task] = body["tasks"]
        tasks.append(task)
    return tasks


def sms_task(task_id: int, to: str, text: str) -> dict[str, Any]:
    """Return the SMS task the notify entity sends: no sending port, no report asked."""
    return {
        "tid": task_id,
        "to": to,
        "sms": text,
        "chs": "utf8",
        "smstype": 0,
        "intvl": "0",
        "tmo": 30,
        "sdr": 1,
        "fdr": 1,
        "dr": 0,
    }


def value(hass: HomeAssistant, entity: str) -> float:
    """Return a sensor's state as a number."""
    return float(state(hass, entity) or "nan")


async def poll(hass: HomeAssistant, seconds: float) -> None:
    """Let time pass for the public IP reading to come due, and wait for it."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done(wait_background_tasks=True)


# --- buttons -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "port", "request_sent"),
    [
        ("redial", 2, command("redial", "2", mode=0)),
        ("reset", 5, command("reset", "5")),
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


async def test_buttons_of_an_offline_gateway_fail(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Every button of a gateway that does not answer raises gateway_unreachable."""
    simulator.offline = True

    for key, port in (
        ("redial", 1),
        ("reset", 1),
        ("reboot", None),
        ("save_config", None),
    ):
        with pytest.raises(HomeAssistantError) as raised:
            await press(hass, key, port)
        err = raised.value
        assert type(err) is HomeAssistantError, key
        error = err.translation_placeholders["error"]
        check_error(
            err,
            "gateway_unreachable",
            f"The gateway did not answer: {error}",
            {"error": error},
        )


async def test_redial_button_refusals(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """The redial button refuses an unregistered port, and a port redialled too recently."""
    client = await hass_client_no_auth()
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


@PROXY_FIRMWARE
async def test_redial_button_brings_the_new_public_ip(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """Pressed with pushes flowing: the port redials and its new IP is shown.

    On proxy firmware a working port is "dial successful" (15): the redial is over
    when it is again, not when it is registered (3) on the way, before it has a new
    address.
    """
    old = state(hass, "sensor.port_6_public_ip")
    assert old == simulator.gateway.ports[6].public_ip

    await press(hass, "redial", 6)
    await wait_for(
        lambda: state(hass, "sensor.port_6_public_ip") != old, "the new public IP"
    )

    assert (
        state(hass, "sensor.port_6_public_ip") == simulator.gateway.ports[6].public_ip
    )
    assert (
        state(hass, "sensor.port_5_public_ip") == simulator.gateway.ports[5].public_ip
    )
    assert sent(simulator) == [
        command("redial", "6", mode=0),
        (*PUBLIC_IPS, None),
        (*TRAFFIC, None),
    ]


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
            seen.append(state(hass, "sensor.port_1_status")) is None
            and seen[-1] == "registering"
        ),
        "registering",
    )
    await wait_for(
        lambda: state(hass, "sensor.port_1_status") == "registered", "registered"
    )

    assert sent(simulator) == [command("reset", "1")]
    assert state(hass, "binary_sensor.port_1_registered") == "on"


# --- lock switch ---------------------------------------------------------------------------


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
    await wait_for(lambda: state(hass, "switch.port_2_locked") == "on", "locked")
    assert state(hass, "sensor.port_2_status") == "user_locked"
    assert simulator.gateway.ports[2].locked

    await use(hass, "switch", "turn_off", "locked", 2)
    await wait_for(lambda: state(hass, "switch.port_2_locked") == "off", "unlocked")

    assert state(hass, "sensor.port_2_status") == "registered"
    assert sent(simulator) == [command("lock", "2"), command("unlock", "2")]


async def test_lock_switch_without_a_status_is_unknown(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """A new port reported without a status code has its lock switch unknown."""
    client = await hass_client_no_auth()
    report = {"type": "port-status", "port": "9.01", "sim": "", "imei": "1"}

    assert await post(hass, client, report) == (200, "OK")

    assert state(hass, "switch.port_9_locked") == STATE_UNKNOWN
    assert state(hass, "select.port_9_active_sim_slot") == "1"


async def test_lock_switch_of_an_offline_gateway_fails(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Turning the switch on or off with the gateway offline raises gateway_unreachable."""
    simulator.offline = True

    for service in ("turn_on", "turn_off"):
        with pytest.raises(HomeAssistantError) as raised:
            await use(hass, "switch", service, "locked", 1)
        assert type(raised.value) is HomeAssistantError
        assert raised.value.translation_key == "gateway_unreachable"
    assert state(hass, "switch.port_1_locked") == "off"


# --- SIM slot select -----------------------------------------------------------------------


async def test_slot_select_sends_a_switch(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Choosing slot 3 on port 1 sends a switch to 1C; the select waits for the report."""
    select = hass.states.get(entity_id(hass, "active_slot_select", 1, "select"))
    assert select is not None
    assert select.state == "1"
    assert select.attributes["options"] == ["1", "2", "3", "4"]

    await use(hass, "select", "select_option", "active_slot_select", 1, option="3")

    assert sent(simulator) == [command("switch", "1C")]
    assert state(hass, "select.port_1_active_sim_slot") == "1"


async def test_slot_select_shows_the_new_sim(
    hass: HomeAssistant,
    simulator: Simulator,
    live: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """With pushes flowing, port 2 on slot 3 shows slot 3's SIM: ICCID, number, slot."""
    entity_registry.async_update_entity("sensor.port_2_iccid", disabled_by=None)
    assert await hass.config_entries.async_reload(live.entry_id)
    await hass.async_block_till_done()
    simulator.request_log.clear()
    model = simulator.gateway.ports[2]
    first, third = model.slots[1], model.slots[3]
    assert first is not None
    assert third is not None
    assert state(hass, "sensor.port_2_iccid") == first.iccid

    await use(hass, "select", "select_option", "active_slot_select", 2, option="3")
    await wait_for(
        lambda: (
            state(hass, "sensor.port_2_iccid") == third.iccid
            and state(hass, "sensor.port_2_status") == "registered"
        ),
        "slot 3's SIM registered",
    )

    assert state(hass, "select.port_2_active_sim_slot") == "3"
    assert state(hass, "sensor.port_2_sim_number") == third.number
    assert state(hass, "sensor.port_2_active_sim_slot") == "3"
    assert sent(simulator) == [command("switch", "2C")]


async def test_slot_select_of_a_port_reported_without_slot_is_unknown(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """A new port reported by its bare number ("9") has no known active slot.

    A port known by its slot keeps it when a report names the bare number.
    """
    client = await hass_client_no_auth()
    report = {"type": "port-status", "port": "9", "st": 3, "imei": "1"}

    assert await post(hass, client, report) == (200, "OK")
    assert await post(hass, client, port_report(simulator, 3, port="3")) == (200, "OK")

    assert state(hass, "select.port_9_active_sim_slot") == STATE_UNKNOWN
    assert state(hass, "switch.port_9_locked") == "off"
    assert state(hass, "select.port_3_active_sim_slot") == "1"


async def test_slot_select_of_an_offline_gateway_fails(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Choosing a slot with the gateway offline raises gateway_unreachable."""
    simulator.offline = True

    with pytest.raises(HomeAssistantError) as raised:
        await use(hass, "select", "select_option", "active_slot_select", 1, option="2")

    assert raised.value.translation_key == "gateway_unreachable"
    assert state(hass, "select.port_1_active_sim_slot") == "1"


@pytest.mark.usefixtures("socket_enabled")
async def test_a_one_slot_gateway_has_no_slot_select(hass: HomeAssistant) -> None:
    """A gateway with one SIM slot per port gets no select, and no switch to slot 2."""
    gateway = Gateway.create(
        ports=2, slots=1, mac=GATEWAY_MAC.replace(":", "-"), firmware=FIRMWARE
    )
    async with running(gateway) as simulator:
        entry = await set_up_entry(hass, simulator, entry_for(simulator))
        selects = [
            item.entity_id
            for item in er.async_entries_for_config_entry(
                er.async_get(hass), entry.entry_id
            )
            if item.domain == "select"
        ]

        with pytest.raises(ServiceValidationError) as raised:
            await act(hass, "switch_sim", {"device_id": devices(hass, (1,)), "slot": 2})

        assert selects == []
        assert state(hass, "switch.port_2_locked") == "off"
        check_error(
            raised.value,
            "no_such_slot",
            "There is no SIM slot 2: the gateway has 1 per port",
            {"slot": "2", "slots": "1"},
        )
        assert sent(simulator) == []


# --- SMS notify ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options", [{}, {CONF_DEFAULT_RECIPIENTS: []}, {CONF_DEFAULT_RECIPIENTS: " , "}]
)
async def test_no_notify_entity_without_default_recipients(
    hass: HomeAssistant, simulator: Simulator, options: dict[str, Any]
) -> None:
    """Without default recipients in the options there is no notify entity."""
    entry = await set_up_entry(hass, simulator, entry_for(simulator, options=options))

    items = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)

    assert [item.entity_id for item in items if item.domain == NOTIFY_DOMAIN] == []
    assert hass.states.async_entity_ids(NOTIFY_DOMAIN) == []


@pytest.mark.parametrize(
    ("recipients", "to"),
    [
        (["+4915112345678", " +4917000000000 "], "+4915112345678,+4917000000000"),
        ("+4915112345678, +4917000000000,", "+4915112345678,+4917000000000"),
    ],
    ids=["list", "text"],
)
async def test_notify_texts_the_default_recipients(
    hass: HomeAssistant, simulator: Simulator, recipients: list[str] | str, to: str
) -> None:
    """send_message sends one task to the recipients; a title is its own first line."""
    await set_up_entry(
        hass,
        simulator,
        entry_for(simulator, options={CONF_DEFAULT_RECIPIENTS: recipients}),
    )
    notify = entity_id(hass, "sms", None, NOTIFY_DOMAIN)
    assert notify == "notify.ejoin_127_0_0_1_sms"
    assert state(hass, notify) == STATE_UNKNOWN

    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "send_message",
        {"entity_id": notify, "message": "The gate is open.", "title": "Alarm"},
        blocking=True,
    )
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "send_message",
        {"entity_id": notify, "message": "Closed again."},
        blocking=True,
    )

    tasks = sms_tasks(simulator)
    first = tasks[0]["tid"]
    assert tasks == [
        sms_task(first, to, "Alarm\nThe gate is open."),
        sms_task(first + 1, to, "Closed again."),
    ]
    assert dt_util.parse_datetime(state(hass, notify) or "") is not None


async def test_notify_refused_by_the_gateway_raises(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """With every port locked the gateway refuses the task: sms_refused, with the reason."""
    await set_up_entry(
        hass,
        simulator,
        entry_for(simulator, options={CONF_DEFAULT_RECIPIENTS: ["+4915112345678"]}),
    )
    for port in simulator.gateway.ports.values():
        port.locked = True

    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            NOTIFY_DOMAIN,
            "send_message",
            {"entity_id": "notify.ejoin_127_0_0_1_sms", "message": "Hi"},
            blocking=True,
        )

    check_error(
        raised.value,
        "sms_refused",
        "The gateway refused the SMS: SIM unregistered (code 5)",
        {"reason": "SIM unregistered (code 5)"},
    )
    assert [task["to"] for task in sms_tasks(simulator)] == ["+4915112345678"]


# --- public IP and traffic (proxy firmware) --------------------------------------------------


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
        assert state(hass, f"sensor.port_{number}_public_ip") == port.public_ip
        assert value(hass, f"sensor.port_{number}_data_received") == number * 3.0
        assert value(hass, f"sensor.port_{number}_data_sent") == number * 1.0
    received = hass.states.get("sensor.port_2_data_received")
    assert received is not None
    assert received.attributes["unit_of_measurement"] == "MB"
    assert received.attributes["device_class"] == "data_size"
    assert received.attributes["state_class"] == "total_increasing"
    # Shown as "6.00 MB", not to the byte in megabytes.
    options = er.async_get(hass).async_get("sensor.port_2_data_received").options
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
    assert state(hass, "sensor.port_4_public_ip") == "100.100.1.2"
    assert value(hass, "sensor.port_4_data_received") == 7.0
    assert value(hass, "sensor.port_4_data_sent") == 2.0
    assert entry.runtime_data.public_ips is not None


@PROXY_FIRMWARE
async def test_a_failed_reading_makes_the_readings_unavailable(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """An unanswered reading, or traffic that cannot be read, makes them unavailable."""
    readings = [f"sensor.port_1_{key}" for key in PROXY_KEYS]
    simulator.offline = True
    await poll(hass, 301)
    assert {state(hass, reading) for reading in readings} == {STATE_UNAVAILABLE}

    simulator.offline = False
    await poll(hass, 602)
    assert (
        state(hass, "sensor.port_1_public_ip") == simulator.gateway.ports[1].public_ip
    )
    assert value(hass, "sensor.port_1_data_sent") == 0.0

    with patch.object(
        EjoinClient, "get_traffic", side_effect=EjoinConnectionError("gone")
    ):
        await poll(hass, 903)
    assert {state(hass, reading) for reading in readings} == {STATE_UNAVAILABLE}


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
        f"sensor.port_{port}_public_ip" for port in range(1, 9)
    ]
    assert sent(simulator) == [(*PUBLIC_IPS, None)]
    assert (
        state(hass, "sensor.port_8_public_ip") == simulator.gateway.ports[8].public_ip
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
    assert state(hass, "sensor.port_1_status") == "registered"
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
