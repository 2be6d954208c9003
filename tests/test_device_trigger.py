"""Device triggers: "SMS received" and "call received" on a port or a whole gateway."""

from __future__ import annotations

import base64
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.components.device_automation import (
    DeviceAutomationType,
    async_get_device_automations,
)
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automation_capabilities,
    async_mock_service,
)
import voluptuous as vol

from custom_components.ejoin import device_trigger
from custom_components.ejoin.const import DOMAIN

from .helpers import (
    from_this_gateway,
    gateway_device,
    load_fixture,
    port_device,
    post,
)

SMS_RECEIVED = "sms_received"
CALL_RECEIVED = "call_received"

# A little inbox of port 2, and what each sender filter lets through.
INBOX = [
    ("+79161234567", "Your code is 4821"),
    ("+79161234567", "Balance: 12.50 RUB"),
    ("Vodafone", "Your CODE expires today"),
    ("+79160000000", "code 1111"),
]


@pytest.fixture
def recorded(hass: HomeAssistant) -> list[ServiceCall]:
    """Record the calls of test.automation, the action of every test automation."""
    return async_mock_service(hass, "test", "automation")


def device(hass: HomeAssistant, target: int | str) -> str:
    """Return the device id of a port (a number) or of the gateway ("gateway")."""
    return gateway_device(hass) if target == "gateway" else port_device(hass, target)


def other_integrations_device(hass: HomeAssistant) -> str:
    """Create a device of another integration and return its id."""
    entry = MockConfigEntry(domain="other")
    entry.add_to_hass(hass)
    return (
        dr.async_get(hass)
        .async_get_or_create(
            config_entry_id=entry.entry_id, identifiers={("other", "thing")}
        )
        .id
    )


def trigger(device_id: str, trigger_type: str, **filters: str) -> dict[str, Any]:
    """Build the device trigger an automation editor would save."""
    return {
        "platform": "device",
        "domain": DOMAIN,
        "device_id": device_id,
        "type": trigger_type,
        **filters,
    }


async def automate(hass: HomeAssistant, triggers: dict[str, dict[str, Any]]) -> None:
    """Set up one automation per named trigger; each records what its trigger saw."""
    automations = [
        {
            "alias": name,
            "triggers": [config],
            "actions": [
                {
                    "action": "test.automation",
                    "data": {
                        "automation": name,
                        "type": "{{ trigger.type }}",
                        "event": "{{ trigger.event.data }}",
                    },
                }
            ],
        }
        for name, config in triggers.items()
    ]
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()


async def receive_sms(
    hass: HomeAssistant, client: TestClient, port: int, sender: str, text: str
) -> None:
    """Post a recv-sms report of one SMS on a port, as the gateway pushes it."""
    content = base64.b64encode(text.encode()).decode()
    row = [0, f"{port}.01", 1714556700, sender, "+79031112233", content]
    report = {"type": "recv-sms", "sms_num": 1, "sms": [row]}
    assert await post(hass, client, report) == (200, "OK")


async def finish_call(
    hass: HomeAssistant,
    client: TestClient,
    call_id: str,
    *,
    direction: str,
    caller: str,
    callee: str,
    answered: bool,
) -> None:
    """Post the final call record of a call on port 1 ("MO" incoming, "MT" outgoing)."""
    seed = from_this_gateway(load_fixture("cdr_seed"))
    begin = seed["begin"]
    report = {
        **seed,
        "cid": call_id,
        "cdir": direction,
        "caller": caller,
        "callee": callee,
        "answer": begin + 5 if answered else 0,
        "end": begin + 60,
    }
    assert await post(hass, client, report) == (200, "OK")


def seen(calls: list[ServiceCall], *keys: str) -> list[tuple[Any, ...]]:
    """Return, for each automation run in order, its name, trigger type and event data."""
    return [
        (
            call.data["automation"],
            call.data["type"],
            *(call.data["event"][key] for key in keys),
        )
        for call in calls
    ]


# --- what is offered ---------------------------------------------------------------------


@pytest.mark.parametrize("target", [1, 8, "gateway"])
@pytest.mark.usefixtures("entry")
async def test_both_triggers_are_offered_on_every_port_and_the_gateway(
    hass: HomeAssistant, client: TestClient, target: int | str
) -> None:
    """The automation editor lists "SMS received" and "call received" for each device."""
    device_id = device(hass, target)

    offered = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, [device_id]
    )

    assert [found for found in offered[device_id] if found["domain"] == DOMAIN] == [
        {
            "platform": "device",
            "domain": DOMAIN,
            "device_id": device_id,
            "type": trigger_type,
            "metadata": {},
        }
        for trigger_type in (SMS_RECEIVED, CALL_RECEIVED)
    ]


@pytest.mark.usefixtures("entry")
async def test_no_triggers_are_offered_for_other_devices(
    hass: HomeAssistant, client: TestClient
) -> None:
    """A device of another integration, or one that is gone, gets no Ejoin triggers."""
    for device_id in (other_integrations_device(hass), "no-such-device"):
        assert await device_trigger.async_get_triggers(hass, device_id) == []


@pytest.mark.parametrize(
    ("trigger_type", "fields"),
    [(SMS_RECEIVED, ["sender", "text_contains"]), (CALL_RECEIVED, ["caller"])],
)
@pytest.mark.usefixtures("entry")
async def test_each_trigger_offers_its_optional_filters(
    hass: HomeAssistant, client: TestClient, trigger_type: str, fields: list[str]
) -> None:
    """The editor offers sender and text filters for SMS, a caller filter for calls."""
    capabilities = await async_get_device_automation_capabilities(
        hass,
        DeviceAutomationType.TRIGGER,
        trigger(port_device(hass, 1), trigger_type),
    )

    assert list(capabilities) == ["extra_fields"]
    assert [
        (field["name"], field["type"], field["optional"])
        for field in capabilities["extra_fields"]
    ] == [(name, "string", True) for name in fields]


async def test_the_editor_shows_a_name_for_each_trigger_and_filter(
    hass: HomeAssistant,
) -> None:
    """Every trigger type and filter has an English name and description."""
    translations = await async_get_translations(
        hass, "en", "device_automation", [DOMAIN]
    )
    prefix = f"component.{DOMAIN}.device_automation"
    fields = {
        str(key) for extra in device_trigger.EXTRA_FIELDS.values() for key in extra
    }

    assert set(device_trigger.TRIGGER_EVENTS) == {SMS_RECEIVED, CALL_RECEIVED}
    assert fields == {"sender", "text_contains", "caller"}
    assert {
        key: translations[f"{prefix}.trigger_type.{key}"]
        for key in device_trigger.TRIGGER_EVENTS
    } == {SMS_RECEIVED: "SMS received", CALL_RECEIVED: "Call received"}
    assert {key: translations[f"{prefix}.extra_fields.{key}"] for key in fields} == {
        "sender": "Sender",
        "text_contains": "Text contains",
        "caller": "Caller",
    }
    for key in fields:
        assert translations[f"{prefix}.extra_fields_descriptions.{key}"]


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "trigger_type", "filters", "error"),
    [
        ("other", SMS_RECEIVED, {}, InvalidDeviceAutomationConfig),
        ("missing", CALL_RECEIVED, {}, InvalidDeviceAutomationConfig),
        ("port", "sms_deleted", {}, vol.Invalid),
        ("port", CALL_RECEIVED, {"sender": "+79161234567"}, vol.Invalid),
        ("port", SMS_RECEIVED, {"caller": "+79161234567"}, vol.Invalid),
    ],
)
@pytest.mark.usefixtures("entry")
async def test_a_trigger_on_a_foreign_device_or_of_an_unknown_type_is_rejected(
    hass: HomeAssistant,
    client: TestClient,
    recorded: list[ServiceCall],
    *,
    target: str,
    trigger_type: str,
    filters: dict[str, str],
    error: type[Exception],
) -> None:
    """A foreign device, an unknown type or a filter of the other type is refused.

    The automation is unavailable and never runs, and validation says why.
    """
    if target == "other":
        device_id = other_integrations_device(hass)
    else:
        device_id = "gone" if target == "missing" else port_device(hass, 3)
    config = trigger(device_id, trigger_type, **filters)

    with pytest.raises(error):
        await device_trigger.async_validate_trigger_config(hass, config)
    await automate(hass, {"broken": config})
    await receive_sms(hass, client, 3, "+79161234567", "Hello")

    state = hass.states.get("automation.broken")
    assert state is not None
    assert state.state == "unavailable"
    assert recorded == []


# --- SMS received -------------------------------------------------------------------------


@pytest.mark.usefixtures("entry")
async def test_a_port_trigger_fires_for_its_port_and_a_gateway_trigger_for_all(
    hass: HomeAssistant, client: TestClient, recorded: list[ServiceCall]
) -> None:
    """A port's trigger ignores other ports, the gateway's hears all; both see the SMS."""
    await automate(
        hass,
        {
            "port 3": trigger(port_device(hass, 3), SMS_RECEIVED),
            "gateway": trigger(gateway_device(hass), SMS_RECEIVED),
        },
    )

    await receive_sms(hass, client, 3, "+79161234567", "On port three")
    await receive_sms(hass, client, 5, "Vodafone", "On port five")

    assert sorted(seen(recorded, "port", "sender", "text")) == [
        ("gateway", SMS_RECEIVED, 3, "+79161234567", "On port three"),
        ("gateway", SMS_RECEIVED, 5, "Vodafone", "On port five"),
        ("port 3", SMS_RECEIVED, 3, "+79161234567", "On port three"),
    ]
    [port_3] = [call for call in recorded if call.data["automation"] == "port 3"]
    assert port_3.data["event"] == {
        "gateway_device_id": gateway_device(hass),
        "device_id": port_device(hass, 3),
        "port": 3,
        "slot": 1,
        "sender": "+79161234567",
        "recipient": "+79031112233",
        "text": "On port three",
        "received_at": "2024-05-01T09:45:00+00:00",
        "recovered": False,
        "smsc": None,
    }


@pytest.mark.parametrize(
    ("filters", "fired"),
    [
        ({}, [0, 1, 2, 3]),
        ({"sender": "+7 916 123 45 67"}, [0, 1]),
        ({"sender": "vodafone"}, [2]),
        ({"sender": "+79169999999"}, []),
        ({"text_contains": "Code"}, [0, 2, 3]),
        ({"text_contains": "balance"}, [1]),
        ({"sender": "+79161234567", "text_contains": "CODE"}, [0]),
        ({"sender": "Vodafone", "text_contains": "balance"}, []),
    ],
)
@pytest.mark.usefixtures("entry")
async def test_sms_filters_on_sender_and_text(
    hass: HomeAssistant,
    client: TestClient,
    recorded: list[ServiceCall],
    filters: dict[str, str],
    fired: list[int],
) -> None:
    """Sender ignores spaces and case, text matches a part in any case, both must hold."""
    await automate(
        hass, {"filtered": trigger(port_device(hass, 2), SMS_RECEIVED, **filters)}
    )

    for sender, text in INBOX:
        await receive_sms(hass, client, 2, sender, text)

    assert seen(recorded, "sender", "text") == [
        ("filtered", SMS_RECEIVED, *INBOX[index]) for index in fired
    ]


# --- call received ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "filters", "fired"),
    [
        (1, {}, [("+79161234567", True), ("+15550001111", False)]),
        ("gateway", {}, [("+79161234567", True), ("+15550001111", False)]),
        (1, {"caller": "+7 916 123 45 67"}, [("+79161234567", True)]),
        (1, {"caller": "+15550001111"}, [("+15550001111", False)]),
        (1, {"caller": "+15559999999"}, []),
        (2, {}, []),
    ],
)
@pytest.mark.usefixtures("entry")
async def test_call_received_fires_for_incoming_calls_answered_or_missed(
    hass: HomeAssistant,
    client: TestClient,
    recorded: list[ServiceCall],
    *,
    target: int | str,
    filters: dict[str, str],
    fired: list[tuple[str, bool]],
) -> None:
    """Answered and missed incoming calls on the port fire; outgoing calls never do."""
    await automate(
        hass, {"calls": trigger(device(hass, target), CALL_RECEIVED, **filters)}
    )
    calls = [
        ("answered", "MO", "+79161234567", "4004", True),
        ("missed", "MO", "+15550001111", "4004", False),
        ("outgoing", "MT", "4004", "+79161234567", True),
        ("unanswered outgoing", "mt", "4004", "+15550001111", False),
    ]

    for call_id, direction, caller, callee, answered in calls:
        await finish_call(
            hass,
            client,
            call_id,
            direction=direction,
            caller=caller,
            callee=callee,
            answered=answered,
        )

    assert seen(recorded, "port", "direction", "caller", "answered") == [
        ("calls", CALL_RECEIVED, 1, "incoming", caller, answered)
        for caller, answered in fired
    ]
