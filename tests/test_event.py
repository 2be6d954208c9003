"""The SMS and call event entities of each port: what they show of the last one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.history import get_significant_states
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import RecorderInstanceContextManager
from syrupy.assertion import SnapshotAssertion

from custom_components.ejoin.const import CONF_RECORD_TEXTS_AND_NUMBERS
from ejoin_simulator import Simulator

from .helpers import (
    EACH_FIRMWARE,
    entity_id,
    entry_for,
    from_this_gateway,
    load_fixture,
    next_period,
    post,
    set_up_entry,
    set_up_platform,
    snapshot_of_states,
)

SMS_SHOWN = ("sender", "recipient", "text", "received_at", "recovered")
# What of them is private: texts and phone numbers.
PRIVATE = {"sender", "recipient", "text", "caller", "callee"}
CALL_SHOWN = (
    "caller",
    "callee",
    "answered",
    "duration",
    "started_at",
    "ended_at",
    "hangup_reason",
)


@pytest.fixture
async def mock_recorder_before_hass(
    async_test_recorder: RecorderInstanceContextManager,
) -> None:
    """Let a test use the recorder: its database is prepared before Home Assistant."""


@EACH_FIRMWARE
async def test_snapshot_of_every_entity(
    hass: HomeAssistant, simulator: Simulator, snapshot: SnapshotAssertion
) -> None:
    """The SMS and call event entities of every port, before anything happened."""
    async with set_up_platform(hass, simulator, Platform.EVENT) as entry:
        assert snapshot_of_states(hass, entry.entry_id) == snapshot


@pytest.mark.parametrize(
    ("name", "port"),
    [
        ("recv_sms_unicode", 3),
        ("recv_sms_long_multipart", 4),
        ("recv_sms_envelope", 1),
        ("recv_sms_nul_padded", 2),
        ("recv_sms_numbers_as_strings", 5),
    ],
)
async def test_sms_entity_shows_the_received_sms(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    name: str,
    port: int,
) -> None:
    """A pushed SMS shows on its port's SMS entity as ejoin_sms_received tells it."""
    received = async_capture_events(hass, "ejoin_sms_received")

    assert await post(hass, client, load_fixture(name)) == (200, "OK")

    [event] = received
    shown = hass.states.get(f"event.ejoin_127_0_0_1_port_{port}_sms")
    assert shown is not None
    assert shown.attributes["event_type"] == "received"
    assert {key: shown.attributes[key] for key in SMS_SHOWN} == {
        key: event.data[key] for key in SMS_SHOWN
    }
    assert shown.attributes["recovered"] is False


@pytest.mark.parametrize(
    "name", ["recv_sms_delivery_report", "recv_sms_delivery_report_failed"]
)
async def test_a_delivery_report_leaves_the_sms_entity_alone(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry, name: str
) -> None:
    """A delivery report is no message: the port's SMS entity shows nothing."""
    assert await post(hass, client, load_fixture(name)) == (200, "OK")

    assert hass.states.get("event.ejoin_127_0_0_1_port_2_sms").state == "unknown"


async def test_an_sms_found_in_the_store_shows_as_recovered(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """An SMS that was not pushed, found in the store later, shows as recovered."""
    simulator.gateway.receive_sms(5, 1, "+15550003333", "Alarm: door open")

    await next_period(hass)

    shown = hass.states.get("event.ejoin_127_0_0_1_port_5_sms")
    assert shown is not None
    assert shown.attributes["event_type"] == "received"
    assert shown.attributes["text"] == "Alarm: door open"
    assert shown.attributes["recovered"] is True


@pytest.mark.parametrize(
    ("name", "changes", "event_type", "duration"),
    [
        (
            "cdr_in_progress",
            {"update": 0, "end": 1714568534, "reason": "201 Caller Hangup"},
            "incoming",
            125,
        ),
        ("cdr_finished_unanswered", {"cdir": "MO", "answer": 0}, "missed", 0),
        ("cdr_finished_unanswered", {"cdir": "MT"}, "outgoing", 0),
    ],
    ids=["incoming", "missed", "outgoing"],
)
async def test_call_entity_tells_how_the_call_went(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    *,
    name: str,
    changes: dict[str, Any],
    event_type: str,
    duration: int,
) -> None:
    """A finished call shows as answered (incoming), missed or outgoing, as ejoin_call says."""
    calls = async_capture_events(hass, "ejoin_call")
    report = {**from_this_gateway(load_fixture(name)), **changes}

    assert await post(hass, client, report) == (200, "OK")

    [event] = calls
    shown = hass.states.get("event.ejoin_127_0_0_1_port_4_call")
    assert shown is not None
    assert shown.attributes["event_type"] == event_type
    assert {key: shown.attributes[key] for key in CALL_SHOWN} == {
        key: event.data[key] for key in CALL_SHOWN
    }
    assert shown.attributes["duration"] == duration


async def recorded_states(
    recorder: Recorder, hass: HomeAssistant, since: datetime, entity_ids: list[str]
) -> dict[str, State]:
    """Read back from the recorder's database the last state it keeps of each entity."""
    found = await recorder.async_add_executor_job(
        lambda: get_significant_states(
            hass, since, entity_ids=entity_ids, significant_changes_only=False
        )
    )
    last: dict[str, State] = {}
    for entity, states in found.items():
        assert isinstance(states[-1], State)
        last[entity] = states[-1]
    return last


@pytest.mark.parametrize(
    ("options", "recorded"),
    [({}, False), ({CONF_RECORD_TEXTS_AND_NUMBERS: True}, True)],
    ids=["by_default", "when_asked"],
)
async def test_the_recorder_keeps_texts_and_numbers_only_when_asked(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    *,
    options: dict[str, Any],
    recorded: bool,
) -> None:
    """The history of the SMS and call entities holds no text or number by default.

    The entities show them all the same; with the option, the recorder keeps them too.
    What else they show (when, answered, how long) is always kept.
    """
    await set_up_entry(hass, simulator, entry_for(simulator, options=options))
    since = dt_util.utcnow()
    call = {**from_this_gateway(load_fixture("cdr_in_progress")), "end": 1714568534}

    assert await post(hass, client, load_fixture("recv_sms_unicode")) == (200, "OK")
    assert await post(hass, client, call) == (200, "OK")
    await async_wait_recording_done(hass)

    sms_id = entity_id(hass, "sms", 3, "event")
    call_id = entity_id(hass, "call", 4, "event")
    shown = {entity: hass.states.get(entity) for entity in (sms_id, call_id)}
    history = await recorded_states(recorder_mock, hass, since, [sms_id, call_id])
    assert set(history) == {sms_id, call_id}
    for entity, state in shown.items():
        assert state is not None
        assert PRIVATE & set(state.attributes)  # shown, whatever is recorded
        kept = history[entity]
        assert kept.state == state.state
        private = {
            key: value for key, value in state.attributes.items() if key in PRIVATE
        }
        public = {
            key: value
            for key, value in state.attributes.items()
            if key not in PRIVATE and key != "event_types"  # never recorded
        }
        assert dict(kept.attributes) == {**public, **(private if recorded else {})}
    assert shown[sms_id].attributes["sender"] == "+79161234567"
    assert shown[call_id].attributes["caller"] == "13912345678"
