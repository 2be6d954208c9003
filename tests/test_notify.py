"""The SMS notify entity: texts the default recipients of the options."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_fire_time_changed,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.ejoin.const import CONF_DEFAULT_RECIPIENTS
from ejoin_simulator import Simulator

from .helpers import (
    EACH_FIRMWARE,
    SMS,
    check_error,
    entity_id,
    entry_for,
    sent,
    set_up_entry,
    set_up_platform,
    snapshot_of_states,
    state,
    wait_for,
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


@EACH_FIRMWARE
async def test_snapshot_of_every_entity(
    hass: HomeAssistant, simulator: Simulator, snapshot: SnapshotAssertion
) -> None:
    """The gateway's one notify entity, with default recipients in the options."""
    options = {CONF_DEFAULT_RECIPIENTS: ["+4915112345678"]}
    async with set_up_platform(
        hass, simulator, Platform.NOTIFY, options=options
    ) as entry:
        assert snapshot_of_states(hass, entry.entry_id) == snapshot


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


async def test_notify_not_answered_does_not_fail_and_sends_once(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """No answer: no error (a retry would text twice); the same task again, sent once."""
    with patch("custom_components.ejoin.connection.REQUEST_TIMEOUT", 0.2):
        await set_up_entry(
            hass,
            simulator,
            entry_for(simulator, options={CONF_DEFAULT_RECIPIENTS: ["+4915112345678"]}),
        )
    events = async_capture_events(hass, "ejoin_sms_sent")
    simulator.hanging = True

    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "send_message",
        {"entity_id": "notify.ejoin_127_0_0_1_sms", "message": "Hi"},
        blocking=True,
    )
    simulator.hanging = False
    await wait_for(lambda: len(simulator.outbox) == 1, "the SMS to be sent")
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done(wait_background_tasks=True)

    first, again = sms_tasks(simulator)
    assert again == first == sms_task(first["tid"], "+4915112345678", "Hi")
    assert [(event.data["result"], event.data["task_id"]) for event in events] == [
        ("not_confirmed", first["tid"])
    ]
    assert [message.recipient for message in simulator.outbox] == ["+4915112345678"]


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
