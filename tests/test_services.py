"""The actions: the one request each sends, what they answer, and what they refuse."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
import time
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.storage import Store
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.ejoin.const import (
    CONF_PUBLIC_IP_INTERVAL,
    CONF_REDIAL_INTERVAL,
    DOMAIN,
    REDIAL_JITTER,
)
from custom_components.ejoin.pyejoin import EjoinClient
from ejoin_simulator import Gateway, Simulator

from .helpers import (
    COMMAND,
    FIRMWARE,
    GATEWAY_MAC,
    PROXY_FIRMWARE,
    PUBLIC_IPS,
    SMS,
    TRAFFIC,
    Target,
    act,
    check_error,
    devices,
    entry_for,
    gateway_device,
    port_device,
    port_report,
    post,
    running,
    sent,
    set_up_entry,
    state,
    wait_for,
)

SECOND_MAC = "00:30:f1:0a:0b:0c"


class FakeClock:
    """A monotonic clock the redial checks read, moved by hand."""

    def __init__(self) -> None:
        """Start at an arbitrary point."""
        self.now = 1000.0

    def monotonic(self) -> float:
        """Return the current reading."""
        return self.now


def redial_clock(hass: HomeAssistant, *, jitter: str = "max") -> FakeClock:
    """Give every gateway's redial rules a hand-moved clock and a fixed jitter.

    The jitter is its largest (``max``) or none.
    """
    clock = FakeClock()
    for entry in hass.config_entries.async_entries(DOMAIN):
        policy = entry.runtime_data.redial
        policy.clock = clock.monotonic
        policy.jitter = (lambda: REDIAL_JITTER) if jitter == "max" else (lambda: 0.0)
    return clock


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
async def second(socket_enabled: None) -> AsyncIterator[Simulator]:
    """Run a second gateway: 4 ports, 4 SIM slots, another MAC, proxy firmware."""
    gateway = Gateway.create(
        ports=4,
        slots=4,
        mac=SECOND_MAC.replace(":", "-"),
        firmware=FIRMWARE,
        profile="proxy",
        seed=2,
    )
    async with running(gateway) as simulator:
        yield simulator


@pytest.fixture
async def two_entries(
    hass: HomeAssistant, simulator: Simulator, second: Simulator
) -> tuple[MockConfigEntry, MockConfigEntry]:
    """Both gateways set up without pushes; port 2 of the second is locked."""
    second.gateway.ports[2].locked = True
    first = await set_up_entry(hass, simulator, entry_for(simulator))
    other = await set_up_entry(
        hass,
        second,
        entry_for(
            second, unique_id=SECOND_MAC, webhook_id="ejoin_second", title="Second"
        ),
    )
    return first, other


# --- the request each action sends ---------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "target", "extra", "body"),
    [
        ("redial", (2, 3), {}, {"op": "redial", "ports": "2-3", "mode": 0}),
        (
            "redial",
            (3, 2),
            {"mode": "fast"},
            {"op": "redial", "ports": "2-3", "mode": 1},
        ),
        ("redial", (5,), {"mode": "flight"}, {"op": "redial", "ports": "5", "mode": 0}),
        ("redial", "gateway", {}, {"op": "redial", "ports": "1-8", "mode": 0}),
        ("lock_port", (2, 3), {}, {"op": "lock", "ports": "2-3"}),
        ("lock_port", (7, 1, 2, 7), {}, {"op": "lock", "ports": "1-2,7"}),
        ("unlock_port", (2, 3), {}, {"op": "unlock", "ports": "2-3"}),
        ("unlock_port", "gateway", {}, {"op": "unlock", "ports": "1-8"}),
        ("reset_port", (8, 1, 3, 4), {}, {"op": "reset", "ports": "1,3-4,8"}),
        ("reset_port", "gateway", {}, {"op": "reset", "ports": "1-8"}),
        ("switch_sim", (1, 4), {"slot": 2}, {"op": "switch", "ports": "1B,4B"}),
        ("switch_sim", (6,), {"slot": "4"}, {"op": "switch", "ports": "6D"}),
        (
            "switch_sim",
            "gateway",
            {"slot": 3},
            {"op": "switch", "ports": ",".join(f"{port}C" for port in range(1, 9))},
        ),
        ("reboot", "gateway", {}, {"op": "reboot"}),
        ("save_config", "gateway", {}, {"op": "save"}),
    ],
)
async def test_each_action_sends_one_command(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    *,
    service: str,
    target: Target,
    extra: dict[str, Any],
    body: dict[str, Any],
) -> None:
    """Every port an action targets on a gateway goes to it in one command request."""
    result = await act(hass, service, {"device_id": devices(hass, target), **extra})

    assert result is None
    assert sent(simulator) == [(*COMMAND, {"type": "command", **body})]


async def test_a_gateway_and_its_ports_together_are_the_whole_gateway(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A gateway device with some of its port devices stands for all its ports, once."""
    targets = [port_device(hass, 3), gateway_device(hass), port_device(hass, 3)]

    await act(hass, "lock_port", {"device_id": targets})

    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "1-8"})
    ]


@pytest.mark.usefixtures("socket_enabled")
async def test_redial_of_all_32_ports_is_one_request(hass: HomeAssistant) -> None:
    """Redialling a 32-port gateway, as its device or as 32 ports, sends one request."""
    gateway = Gateway.create(
        ports=32, slots=4, mac=GATEWAY_MAC.replace(":", "-"), firmware=FIRMWARE
    )
    async with running(gateway) as simulator:
        await set_up_entry(hass, simulator, entry_for(simulator))
        clock = redial_clock(hass)
        await act(hass, "redial", {"device_id": devices(hass, "gateway")})
        first = sent(simulator)
        simulator.request_log.clear()
        clock.now += 76  # past the interval and its largest jitter
        ports = devices(hass, tuple(range(32, 0, -1)))
        await act(hass, "redial", {"device_id": ports})

        every_port = {"type": "command", "op": "redial", "ports": "1-32", "mode": 0}
        assert first == [(*COMMAND, every_port)]
        assert sent(simulator) == [(*COMMAND, every_port)]


async def test_one_request_per_gateway(
    hass: HomeAssistant,
    simulator: Simulator,
    second: Simulator,
    two_entries: tuple[MockConfigEntry, MockConfigEntry],
) -> None:
    """Ports of two gateways: each gateway gets one request for its own ports."""
    targets = [
        port_device(hass, 3),
        port_device(hass, 1, SECOND_MAC),
        port_device(hass, 2),
        port_device(hass, 4, SECOND_MAC),
    ]

    await act(hass, "lock_port", {"device_id": targets})

    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "2-3"})
    ]
    assert sent(second) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "1,4"})
    ]


# --- send_sms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "numbers", "extra", "to", "sending_ports"),
    [
        (None, ["+4915112345678"], {}, "+4915112345678", None),
        (
            (),
            "+4915112345678, +4917000000000",
            {},
            "+4915112345678,+4917000000000",
            None,
        ),
        (
            "gateway",
            ["+1555000111", " +1555000222 "],
            {},
            "+1555000111,+1555000222",
            None,
        ),
        ((2, 1), ["+1555000111"], {"delivery_report": True}, "+1555000111", "1-2"),
        ((5,), ["+1555000111"], {"delivery_report": False}, "+1555000111", "5"),
        ((4, "gateway"), ["+1555000111"], {}, "+1555000111", None),
    ],
    ids=[
        "no_device",
        "csv_numbers",
        "gateway",
        "ports_1_2",
        "port_5",
        "port_and_gateway",
    ],
)
async def test_send_sms_request_and_response(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    *,
    target: tuple[Any, ...] | str | None,
    numbers: list[str] | str,
    extra: dict[str, Any],
    to: str,
    sending_ports: str | None,
) -> None:
    """One task: to comma-joined, UTF-8 text; "from" only when sending ports were chosen."""
    data: dict[str, Any] = {
        "numbers": numbers,
        "message": "Grüße 👋\nline two",
        **extra,
    }
    if target == "gateway":
        data["device_id"] = devices(hass, "gateway")
    elif target is not None:
        data["device_id"] = [
            gateway_device(hass) if item == "gateway" else port_device(hass, item)
            for item in target
        ]

    response = await act(hass, "send_sms", data, response=True)

    [(method, path, query, body)] = sent(simulator)
    assert (method, path, query) == SMS
    task_id = body["tasks"][0]["tid"]
    task: dict[str, Any] = {
        "tid": task_id,
        "to": to,
        "sms": "Grüße 👋\nline two",
        "chs": "utf8",
        "smstype": 0,
        "intvl": "0",
        "tmo": 30,
        "sdr": 1,
        "fdr": 1,
        "dr": 1 if extra.get("delivery_report") else 0,
    }
    if sending_ports is not None:
        task["from"] = sending_ports
    assert body == {
        "type": "send-sms",
        "task_num": 1,
        "sr_url": entry.data["report_url"],  # task progress comes to the webhook
        "tasks": [task],
    }
    assert "Grüße 👋".encode() in simulator.request_log[0].body  # UTF-8, not escapes
    assert response == {
        "tasks": [{"task_id": task_id, "accepted": True, "status": "OK"}]
    }
    assert task_id in simulator.gateway.task_ids


async def test_send_sms_without_response_returns_nothing(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Called without asking for a response, the action still sends the task."""
    assert await act(hass, "send_sms", {"numbers": "+1555", "message": "Hi"}) is None
    assert [request.path for request in simulator.request_log] == [
        "/goip_post_sms.html"
    ]


async def test_task_ids_increase_and_survive_setting_up_again(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Task ids start from the clock, increase, and continue from storage after a reload."""
    message = {"numbers": ["+1555000111"], "message": "Hi"}
    before = int(time.time()) % 2_000_000_000

    first = await act(hass, "send_sms", message, response=True)
    second = await act(hass, "send_sms", message, response=True)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    # Also the first read of the SMS store, which the set-up starts in the background.
    await hass.async_block_till_done(wait_background_tasks=True)
    third = await act(hass, "send_sms", message, response=True)

    ids = [answer["tasks"][0]["task_id"] for answer in (first, second, third)]
    assert before <= ids[0] <= int(time.time()) % 2_000_000_000
    assert ids == [ids[0], ids[0] + 1, ids[0] + 2]
    bodies = [body for *_, body in sent(simulator) if body and "tasks" in body]
    assert [body["tasks"][0]["tid"] for body in bodies] == ids
    assert hass_storage[f"{DOMAIN}.{entry.entry_id}.tasks"]["data"] == {
        "next": ids[0] + 3
    }


async def test_two_sms_sent_at_once_get_different_task_ids(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Two sends started together, the first since set-up, get two task ids."""
    message = {"numbers": ["+1555000111"], "message": "Hi"}
    hass_storage[f"{DOMAIN}.{entry.entry_id}.tasks"] = {
        "version": 1,
        "key": f"{DOMAIN}.{entry.entry_id}.tasks",
        "data": {"next": 5000},
    }
    loading = Store._async_load

    async def load_from_disk(store: Store[Any]) -> Any:
        """Yield once first, as the real store does while it reads its file."""
        await asyncio.sleep(0)
        return await loading(store)

    with patch.object(Store, "_async_load", load_from_disk):
        answers = await asyncio.gather(
            act(hass, "send_sms", message, response=True),
            act(hass, "send_sms", message, response=True),
        )

    ids = sorted(answer["tasks"][0]["task_id"] for answer in answers)
    assert ids == [5000, 5001]


async def test_send_sms_to_blank_numbers_is_refused_as_invalid(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Numbers that are all blank are refused as invalid input, and nothing is sent."""
    for numbers in (" , ", ["", " "], [" ,"]):
        with pytest.raises(ServiceValidationError) as raised:
            await act(hass, "send_sms", {"numbers": numbers, "message": "Hi"})
        check_error(
            raised.value, "no_recipients", "Give at least one phone number to send to"
        )
    assert sent(simulator) == []


async def test_refused_sms_raises_with_the_reason(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Sending from a port the gateway has locked: it refuses the task, with its reason."""
    simulator.gateway.ports[1].locked = True

    with pytest.raises(HomeAssistantError) as raised:
        await act(
            hass,
            "send_sms",
            {"device_id": devices(hass, (1,)), "numbers": "+1555", "message": "Hi"},
            response=True,
        )

    assert type(raised.value) is HomeAssistantError
    check_error(
        raised.value,
        "sms_refused",
        "The gateway refused the SMS: SIM unregistered (code 5)",
        {"reason": "SIM unregistered (code 5)"},
    )
    [(*request, body)] = sent(simulator)
    assert tuple(request) == SMS
    assert body["tasks"][0]["from"] == "1"
    assert simulator.gateway.task_ids == set()


async def test_send_sms_to_ports_of_two_gateways_is_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    second: Simulator,
    two_entries: tuple[MockConfigEntry, MockConfigEntry],
) -> None:
    """Sending ports must be of one gateway; without any, one gateway must be set up."""
    both = [port_device(hass, 1), port_device(hass, 1, SECOND_MAC)]

    with pytest.raises(ServiceValidationError) as raised:
        await act(
            hass, "send_sms", {"device_id": both, "numbers": "+1555", "message": "Hi"}
        )
    check_error(
        raised.value, "one_gateway_per_sms", "Choose sending ports of one gateway only"
    )
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "send_sms", {"numbers": "+1555", "message": "Hi"})
    check_error(
        raised.value,
        "choose_a_gateway",
        "Several gateways (or none) are set up: choose the sending ports or gateway",
    )

    assert sent(simulator) == []
    assert sent(second) == []
    await act(
        hass,
        "send_sms",
        {
            "device_id": devices(hass, (3,), SECOND_MAC),
            "numbers": "+1",
            "message": "Hi",
        },
    )
    assert sent(simulator) == []
    assert [body["tasks"][0]["from"] for *_, body in sent(second)] == ["3"]


async def test_send_sms_with_no_gateway_set_up_is_refused(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """After the only gateway is unloaded, an SMS without sending ports has nowhere to go."""
    port = port_device(hass, 1)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "send_sms", {"numbers": "+1555", "message": "Hi"})
    check_error(
        raised.value,
        "choose_a_gateway",
        "Several gateways (or none) are set up: choose the sending ports or gateway",
    )
    with pytest.raises(ServiceValidationError) as raised:
        await act(
            hass, "send_sms", {"device_id": [port], "numbers": "+1", "message": "Hi"}
        )
    check_error(
        raised.value,
        "not_an_ejoin_device",
        f"Device {port} is not a port or gateway of a loaded Ejoin gateway",
        {"device": port},
    )
    assert sent(simulator) == []


# --- get_public_ip -----------------------------------------------------------------------


@pytest.mark.parametrize("target", [(5, 2), "gateway"])
@PROXY_FIRMWARE
async def test_get_public_ip_answers_the_gateways_addresses(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, target: Target
) -> None:
    """The action reads the addresses with op=get and answers those of the ports."""
    response = await act(
        hass, "get_public_ip", {"device_id": devices(hass, target)}, response=True
    )

    ports = [2, 5] if target != "gateway" else list(range(1, 9))
    model = simulator.gateway.ports
    assert response == {
        "ports": [
            {"gateway": GATEWAY_MAC, "port": port, "public_ip": model[port].public_ip}
            for port in ports
        ]
    }
    assert sent(simulator) == [(*PUBLIC_IPS, None)]


@PROXY_FIRMWARE
async def test_get_public_ip_of_two_gateways(
    hass: HomeAssistant,
    simulator: Simulator,
    second: Simulator,
    two_entries: tuple[MockConfigEntry, MockConfigEntry],
) -> None:
    """Ports of two gateways: one reading from each, the answers of both."""
    targets = [port_device(hass, 4, SECOND_MAC), port_device(hass, 1)]

    response = await act(hass, "get_public_ip", {"device_id": targets}, response=True)

    assert sorted(response["ports"], key=lambda row: row["gateway"]) == [
        {
            "gateway": GATEWAY_MAC,
            "port": 1,
            "public_ip": simulator.gateway.ports[1].public_ip,
        },
        {
            "gateway": SECOND_MAC,
            "port": 4,
            "public_ip": second.gateway.ports[4].public_ip,
        },
    ]
    assert sent(simulator) == [(*PUBLIC_IPS, None)]
    assert sent(second) == [(*PUBLIC_IPS, None)]


# --- refusals ------------------------------------------------------------------------------


async def test_redial_of_a_port_that_is_not_registered_is_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """A locked port (st 12) is not redialled, nor is any other port of the call."""
    client = await hass_client_no_auth()
    assert await post(hass, client, port_report(simulator, 3, st=12)) == (200, "OK")
    assert await post(hass, client, port_report(simulator, 6, st=2)) == (200, "OK")
    simulator.request_log.clear()

    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "redial", {"device_id": devices(hass, (1, 6, 3, 2))})

    check_error(
        raised.value,
        "redial_not_registered",
        "Not redialling port(s) 3, 6: only a port that is registered, or has its "
        "data connection up, may be redialled",
        {"ports": "3, 6"},
    )
    assert sent(simulator) == []


async def test_redial_refusals_come_before_any_gateway_is_asked(
    hass: HomeAssistant,
    simulator: Simulator,
    second: Simulator,
    two_entries: tuple[MockConfigEntry, MockConfigEntry],
) -> None:
    """A registered port of one gateway is not redialled when a port of another is locked."""
    targets = [port_device(hass, 1), port_device(hass, 2, SECOND_MAC)]

    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "redial", {"device_id": targets})

    check_error(
        raised.value,
        "redial_not_registered",
        "Not redialling port(s) 2: only a port that is registered, or has its "
        "data connection up, may be redialled",
        {"ports": "2"},
    )
    assert sent(simulator) == []
    assert sent(second) == []


async def test_a_second_redial_within_the_interval_is_refused(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """After a redial a port waits the interval (option) plus jitter; then it may redial."""
    await set_up_entry(
        hass, simulator, entry_for(simulator, options={CONF_REDIAL_INTERVAL: 10})
    )
    redial_2 = (*COMMAND, {"type": "command", "op": "redial", "ports": "2", "mode": 0})
    clock = redial_clock(hass, jitter="max")
    await act(hass, "redial", {"device_id": devices(hass, (2,))})
    assert sent(simulator) == [redial_2]
    simulator.request_log.clear()

    clock.now += 5  # 10 s and a quarter of it (12.5 s) are not yet over
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "redial", {"device_id": devices(hass, (3, 2))})
    check_error(
        raised.value,
        "redial_too_soon",
        "Not redialling port(s) 2: a port may redial once every 10 s; try again in 8 s",
        {"ports": "2", "seconds": "8", "interval": "10"},
    )
    clock.now += 7.4
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "redial", {"device_id": devices(hass, "gateway")})
    assert raised.value.translation_key == "redial_too_soon"
    assert raised.value.translation_placeholders["seconds"] == "1"
    assert sent(simulator) == []

    clock.now += 0.2
    await act(hass, "redial", {"device_id": devices(hass, (2,))})
    assert sent(simulator) == [redial_2]


async def test_without_jitter_a_redial_is_allowed_right_after_the_interval(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """With the default interval (60 s) and no jitter, 60 s later is soon enough."""
    clock = redial_clock(hass, jitter="none")
    await act(hass, "redial", {"device_id": devices(hass, (4,))})
    clock.now += 59.5
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "redial", {"device_id": devices(hass, (4,))})
    assert raised.value.translation_placeholders == {
        "ports": "4",
        "seconds": "1",
        "interval": "60",
    }
    clock.now += 0.6
    await act(hass, "redial", {"device_id": devices(hass, (4,))})
    assert [body["ports"] for *_, body in sent(simulator)] == ["4", "4"]


async def test_the_jitter_adds_up_to_a_quarter_of_the_interval(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """With the real clock and jitter, the wait is the interval and at most 25 % more."""
    await act(hass, "redial", {"device_id": devices(hass, (1,))})

    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "redial", {"device_id": devices(hass, (1,))})

    assert raised.value.translation_key == "redial_too_soon"
    assert 60 <= int(raised.value.translation_placeholders["seconds"]) <= 76
    assert len(simulator.request_log) == 1


async def test_switch_to_a_slot_the_gateway_lacks_is_refused(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Slot 9 of a 4-slot gateway: refused, and nothing sent."""
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "switch_sim", {"device_id": devices(hass, (1, 4)), "slot": 9})

    check_error(
        raised.value,
        "no_such_slot",
        "There is no SIM slot 9: the gateway has 4 per port",
        {"slot": "9", "slots": "4"},
    )
    assert sent(simulator) == []


# Every action, with what it needs besides its targets.
ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("redial", {}),
    ("lock_port", {}),
    ("unlock_port", {}),
    ("reset_port", {}),
    ("switch_sim", {"slot": 2}),
    ("reboot", {}),
    ("save_config", {}),
    ("get_public_ip", {}),
    ("send_sms", {"numbers": "+1555", "message": "Hi"}),
]


async def test_a_device_that_is_not_an_ejoin_device_is_refused(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A device of another integration, or none at all, is refused before anything is sent."""
    other_entry = MockConfigEntry(domain="other")
    other_entry.add_to_hass(hass)
    other = device_registry.async_get_or_create(
        config_entry_id=other_entry.entry_id, identifiers={("other", "thing")}
    )

    for service, extra in ACTIONS:
        for device_id in (other.id, "no-such-device"):
            with pytest.raises(ServiceValidationError) as raised:
                await act(
                    hass,
                    service,
                    {"device_id": [port_device(hass, 1), device_id], **extra},
                    response=service == "get_public_ip",
                )
            check_error(
                raised.value,
                "not_an_ejoin_device",
                f"Device {device_id} is not a port or gateway of a loaded Ejoin gateway",
                {"device": device_id},
            )
    assert sent(simulator) == []


async def test_a_port_device_with_another_identifier_too_is_still_its_port(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Identifiers of other integrations on a port device are ignored."""
    port = port_device(hass, 3)
    device = device_registry.async_get(port)
    assert device is not None
    device_registry.async_update_device(
        port, new_identifiers={*device.identifiers, ("other", "x")}
    )

    await act(hass, "lock_port", {"device_id": [port]})

    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "3"})
    ]


async def test_an_offline_gateway_fails_every_action(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    client: TestClient,
) -> None:
    """A gateway that does not answer: every action raises gateway_unreachable, no password."""
    async with client.session.post(f"{simulator.url}/_sim/offline") as answer:
        assert answer.status == 200

    for service, extra in ACTIONS:
        with pytest.raises(HomeAssistantError) as raised:
            await act(
                hass,
                service,
                {"device_id": devices(hass, "gateway"), **extra},
                response=service == "get_public_ip",
            )
        err = raised.value
        assert type(err) is HomeAssistantError, service
        error = err.translation_placeholders["error"]
        assert error.startswith(f"cannot talk to gateway 127.0.0.1:{simulator.port}: ")
        check_error(
            err,
            "gateway_unreachable",
            f"The gateway did not answer: {error}",
            {"error": error},
        )


async def test_a_failed_redial_does_not_hold_the_next_one_back(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A redial the gateway did not get starts no interval: the next one is sent."""
    simulator.offline = True
    with pytest.raises(HomeAssistantError) as raised:
        await act(hass, "redial", {"device_id": devices(hass, (2,))})
    assert raised.value.translation_key == "gateway_unreachable"
    simulator.offline = False

    await act(hass, "redial", {"device_id": devices(hass, (2,))})

    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "redial", "ports": "2", "mode": 0})
    ]


# --- with the gateway's pushes reaching Home Assistant ----------------------------------------


@PROXY_FIRMWARE
async def test_redial_brings_the_new_public_ip(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """After the port's data connection is up again, the public IPs are read again."""
    old = simulator.gateway.ports[2].public_ip
    assert state(hass, "sensor.port_2_public_ip") == old

    await act(hass, "redial", {"device_id": devices(hass, (2,))})
    await wait_for(
        lambda: state(hass, "sensor.port_2_public_ip") != old, "the new public IP"
    )

    new = simulator.gateway.ports[2].public_ip
    assert new != old
    assert state(hass, "sensor.port_2_public_ip") == new
    assert state(hass, "sensor.port_2_status") == "accessing_network"
    assert state(hass, "binary_sensor.port_2_registered") == "on"
    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "redial", "ports": "2", "mode": 0}),
        (*PUBLIC_IPS, None),
        (*TRAFFIC, None),
    ]
    response = await act(
        hass, "get_public_ip", {"device_id": devices(hass, (2,))}, response=True
    )
    assert response == {
        "ports": [{"gateway": GATEWAY_MAC, "port": 2, "public_ip": new}]
    }


async def test_switch_sim_shows_the_slots_sim(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """Switching ports 1 and 4 to slot 2: their SIM number and slot follow the report."""
    model = simulator.gateway.ports
    assert state(hass, "sensor.port_4_sim_number") == model[4].slots[1].number

    await act(hass, "switch_sim", {"device_id": devices(hass, (4, 1)), "slot": 2})
    await wait_for(
        lambda: (
            state(hass, "sensor.port_4_status") == "registered"
            and state(hass, "sensor.port_1_status") == "registered"
            and state(hass, "sensor.port_4_active_sim_slot") == "2"
        ),
        "ports 1 and 4 registered on slot 2",
    )

    for port in (1, 4):
        sim = model[port].slots[2]
        assert sim is not None
        assert state(hass, f"sensor.port_{port}_sim_number") == sim.number
        assert state(hass, f"select.port_{port}_active_sim_slot") == "2"
    assert state(hass, "sensor.port_2_active_sim_slot") == "1"
    assert sent(simulator)[0] == (
        *COMMAND,
        {"type": "command", "op": "switch", "ports": "1B,4B"},
    )


async def test_lock_and_unlock_show_on_the_lock_switch(
    hass: HomeAssistant, simulator: Simulator, live: MockConfigEntry
) -> None:
    """Locked ports report status 12, which turns their lock switch on; unlock, off."""
    assert state(hass, "switch.port_5_locked") == "off"

    await act(hass, "lock_port", {"device_id": devices(hass, (5, 6))})
    await wait_for(
        lambda: (
            state(hass, "switch.port_5_locked") == "on"
            and state(hass, "switch.port_6_locked") == "on"
        ),
        "ports 5 and 6 locked",
    )
    assert state(hass, "sensor.port_5_status") == "user_locked"
    assert state(hass, "switch.port_4_locked") == "off"

    await act(hass, "unlock_port", {"device_id": devices(hass, (6,))})
    await wait_for(lambda: state(hass, "switch.port_6_locked") == "off", "unlocked")
    assert state(hass, "switch.port_5_locked") == "on"
    assert state(hass, "sensor.port_6_status") == "registered"
    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "lock", "ports": "5-6"}),
        (*COMMAND, {"type": "command", "op": "unlock", "ports": "6"}),
    ]


async def test_a_redialled_port_is_refused_while_it_registers(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """With pushes flowing, a port reported registering cannot be redialled."""
    simulator.command_delay = 30  # the port stays registering for this test
    await set_up_entry(hass, simulator, entry_for(simulator, client=client))

    await act(hass, "reset_port", {"device_id": devices(hass, (7,))})
    await wait_for(
        lambda: state(hass, "sensor.port_7_status") == "registering", "registering"
    )
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "redial", {"device_id": devices(hass, (7,))})

    assert raised.value.translation_key == "redial_not_registered"
    assert raised.value.translation_placeholders == {"ports": "7"}
    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "reset", "ports": "7"})
    ]
    assert state(hass, "binary_sensor.port_7_registered") == "off"


@PROXY_FIRMWARE
async def test_only_the_return_to_work_ends_a_redial(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """A redial ends when the port is back in "dial successful" (15), then IPs are read.

    A report of the port before it began to redial does not end it; nor does
    registered (3) on the way back, when the port has no new address yet.
    """
    client = await hass_client_no_auth()

    def report(status: str, **more: Any) -> dict[str, Any]:
        return {**port_report(simulator, 2, **more), "status": status}

    await act(hass, "redial", {"device_id": devices(hass, (2,))})
    simulator.request_log.clear()
    simulator.gateway.ports[2].public_ip = "100.100.100.100"

    for step in ("15 Dial successful", "2 Registering", "3 OK"):
        assert await post(hass, client, report(step, sig=5)) == (200, "OK")
        await hass.async_block_till_done()
        assert sent(simulator) == [], f"the redial ended at {step}"
    assert await post(hass, client, report("15 Dial successful")) == (200, "OK")
    await hass.async_block_till_done()

    assert sent(simulator) == [(*PUBLIC_IPS, None), (*TRAFFIC, None)]
    assert state(hass, "sensor.port_2_public_ip") == "100.100.100.100"


@PROXY_FIRMWARE
async def test_a_redial_reported_before_the_gateway_answers_still_ends(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """The port may report leaving its state before the command's answer arrives.

    What it was redialled from is taken before the command is sent, so that report
    counts, and the port's return to 15 ends the redial.
    """
    client = await hass_client_no_auth()
    original = EjoinClient.redial

    async def redial_reported_at_once(
        self: EjoinClient, *args: Any, **kwargs: Any
    ) -> None:
        report = {**port_report(simulator, 2), "status": "2 Registering"}
        assert await post(hass, client, report) == (200, "OK")
        await original(self, *args, **kwargs)

    with patch.object(EjoinClient, "redial", redial_reported_at_once):
        await act(hass, "redial", {"device_id": devices(hass, (2,))})
    simulator.request_log.clear()
    simulator.gateway.ports[2].public_ip = "100.100.100.101"

    for status in ("3 OK", "15 Dial successful"):
        report = {**port_report(simulator, 2), "status": status}
        assert await post(hass, client, report) == (200, "OK")
    await hass.async_block_till_done()

    assert sent(simulator) == [(*PUBLIC_IPS, None), (*TRAFFIC, None)]
    assert state(hass, "sensor.port_2_public_ip") == "100.100.100.101"


@PROXY_FIRMWARE
async def test_a_redial_never_seen_to_end_is_taken_as_done_later(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: Simulator
) -> None:
    """A port that redials without a report of it: its new address is read anyway.

    After five minutes the redial counts as done and the public IPs are read, long
    before their own reading interval (an hour here) comes round.
    """
    await set_up_entry(
        hass, simulator, entry_for(simulator, options={CONF_PUBLIC_IP_INTERVAL: 3600})
    )
    old = state(hass, "sensor.port_3_public_ip")
    await act(hass, "redial", {"device_id": devices(hass, (3,))})
    simulator.request_log.clear()

    for minutes in range(1, 7):  # report periods of 60 s
        freezer.tick(timedelta(seconds=60))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        read = [request for request in sent(simulator) if request[:3] == PUBLIC_IPS]
        assert bool(read) == (minutes == 6), f"after {minutes} min: {read}"

    new = simulator.gateway.ports[3].public_ip
    assert new != old
    assert state(hass, "sensor.port_3_public_ip") == new
