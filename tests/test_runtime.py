"""Building an entry's runtime: what listens before the gateway is told where to push."""

from __future__ import annotations

import base64
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.ejoin.const import DOMAIN, EVENT_SMS_RECEIVED
from custom_components.ejoin.pyejoin import EjoinClient
from ejoin_simulator import Simulator

from .helpers import WEBHOOK_ID, advance, entry_for, post, set_up_entry


async def test_an_sms_pushed_while_setting_up_fires(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """An SMS the gateway pushes as soon as it learns the webhook fires, not later.

    The gateway may push before it has answered the status read that points it at
    Home Assistant: the webhook, and what turns reports into events, already listen.
    """
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    original = EjoinClient.get_status
    text = base64.b64encode(b"Pushed at once").decode()
    sms = {
        "type": "recv-sms",
        "sms_num": 1,
        "sms": [[0, "2.01", 1714566005, "+15550001", "+15550002", text]],
    }

    async def push_then_answer(self: EjoinClient, **kwargs: Any) -> Any:
        assert await post(hass, client, sms) == (200, "OK")
        return await original(self, **kwargs)

    with patch.object(EjoinClient, "get_status", push_then_answer):
        entry = await set_up_entry(hass, simulator, entry_for(simulator, client=client))

    assert entry.state is ConfigEntryState.LOADED
    assert [(event.data["text"], event.data["recovered"]) for event in received] == [
        ("Pushed at once", False)
    ]


async def test_a_set_up_to_be_tried_again_lets_go_of_its_reports(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """The runtime stops taking reports when the status read fails: one clean-up path.

    The webhook stays while Home Assistant tries again, holding the reports for the
    next runtime rather than feeding the one that failed.
    """
    simulator.offline = True

    entry = entry_for(simulator, client=client)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert WEBHOOK_ID in hass.data["webhook"]
    assert hass.config_entries.async_entries(DOMAIN) == [entry]
    report = {"type": "port-status", "port": "1.01", "st": 3}
    assert await post(hass, client, report) == (202, "held until the gateway is set up")


async def test_an_idle_hour_writes_no_storage(
    hass: HomeAssistant,
    simulator: Simulator,
    client: TestClient,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Reading an unchanged SMS store every period writes nothing (SD cards wear).

    Only an SMS that arrives writes: once as pending, once as done.
    """
    entry = await set_up_entry(hass, simulator, entry_for(simulator, client=client))
    await advance(hass, freezer)
    written: list[str] = []
    write = Store._async_write_data  # what the test harness stores in memory

    async def record(store: Store[Any], *args: Any) -> None:
        written.append(store.key)
        await write(store, *args)  # (path, data), or (data) on newer releases

    with patch.object(Store, "_async_write_data", record):
        await advance(hass, freezer, 60)  # an hour of report periods
        assert written == []

        simulator.gateway.receive_sms(2, 1, "+15550001", "One new SMS")
        await advance(hass, freezer)
    # Pending with the read position past it, then done.
    assert written == [f"{DOMAIN}.{entry.entry_id}.sms"] * 2
    assert entry.runtime_data.inbox.remembered == 1
