"""Sent SMS and SMS task progress, as the gateway reports them, fired as events."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from tests.helpers import (
    from_this_gateway,
    gateway_device,
    load_fixture,
    port_device,
    post,
)

SMS_SENT = "ejoin_sms_sent"
TASK_PROGRESS = "ejoin_sms_task_progress"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "sent_sms_failed",
            {
                "port": 3,
                "slot": 1,
                "task_id": 3,
                "recipient": "+8613912345681",
                "result": "failed",
                "ok": False,
                "status_code": 6,
                "reason": "Timeout",
                "sent_at": "2024-05-01T13:26:40+00:00",
            },
        ),
        (
            "sent_sms_receiver_key",
            {
                "port": 1,
                "slot": 2,
                "task_id": 4,
                "recipient": "+8613912345682",
                "result": "sent",
                "ok": True,
                "status_code": 0,
                "reason": None,
                "sent_at": "2024-05-01T13:28:20+00:00",
            },
        ),
    ],
)
async def test_sent_sms_fires_with_its_outcome(
    hass: HomeAssistant,
    client: TestClient,
    entry: MockConfigEntry,
    name: str,
    expected: dict[str, Any],
) -> None:
    """Each sent-sms fires ejoin_sms_sent: task, recipient, and why it failed."""
    sent = async_capture_events(hass, SMS_SENT)

    report = from_this_gateway(load_fixture(name))
    assert await post(hass, client, report) == (200, "OK")

    [event] = sent
    assert event.data == {
        "gateway_device_id": gateway_device(hass),
        "device_id": port_device(hass, expected["port"]),
        **expected,
    }


async def test_task_progress_accumulates_recipients_across_reports(
    hass: HomeAssistant, client: TestClient, entry: MockConfigEntry
) -> None:
    """Status reports carry only new rows; the events list every recipient so far."""
    progress = async_capture_events(hass, TASK_PROGRESS)
    later = {
        "type": "status-report",
        "rpt_num": 1,
        "rpts": [
            {
                "tid": 1027,
                "sending": 0,
                "sent": 3,
                "failed": 2,
                "unsent": 0,
                "sdr": [[3, "+8613912345681", "1.01", 1714557200]],
                "fdr": [[4, "+8613912345682", "1.01", 1714557201, "6 Timeout", ""]],
            }
        ],
    }

    assert await post(hass, client, load_fixture("status_report_sdr_fdr")) == (
        200,
        "OK",
    )
    assert await post(hass, client, later) == (200, "OK")

    first, other_task, last = (event.data for event in progress)
    unregistered = {
        "number": "+8613912345679",
        "reason": "5 SIM unregistered",
        "carrier_reason": "27 Destination out of service",
    }
    assert first == {
        "gateway_device_id": gateway_device(hass),
        "task_id": 1027,
        "sending": 1,
        "sent": 2,
        "failed": 1,
        "unsent": 3,
        "finished": False,
        "sent_to": ["+8613912345678", "+8613912345680"],
        "failed_to": [unregistered],
    }
    assert other_task["task_id"] == 1028
    assert (other_task["sent"], other_task["finished"]) == (4, True)
    assert last == {
        "gateway_device_id": gateway_device(hass),
        "task_id": 1027,
        "sending": 0,
        "sent": 3,
        "failed": 2,
        "unsent": 0,
        "finished": True,
        "sent_to": ["+8613912345678", "+8613912345680", "+8613912345681"],
        "failed_to": [
            unregistered,
            {"number": "+8613912345682", "reason": "6 Timeout", "carrier_reason": None},
        ],
    }
