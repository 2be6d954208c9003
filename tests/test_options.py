"""Tests of the options flow: the changed options take effect without a restart."""

from __future__ import annotations

from ipaddress import ip_address
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.ejoin.const import (
    CONF_ALL_SIMS,
    CONF_DEFAULT_RECIPIENTS,
    CONF_LOCAL_ONLY,
    CONF_PUBLIC_IP_INTERVAL,
    CONF_REDIAL_INTERVAL,
    CONF_REPORT_PERIOD,
)
from ejoin_simulator import Simulator

from .helpers import PROXY_FIRMWARE, config_entry_for, port_report, post


async def post_from_outside(
    hass: HomeAssistant, client: TestClient, simulator: Simulator, balance: str
) -> None:
    """Post a port-status as if from an address outside the local network."""
    with patch(
        "homeassistant.components.webhook.ip_address",
        return_value=ip_address("203.0.113.7"),
    ):
        await post(hass, client, port_report(simulator, 1, bal=balance))


@PROXY_FIRMWARE  # for the public IP reading interval
async def test_options_take_effect_at_once(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """New options are stored, the gateway is re-pointed and the notify entity appears."""
    entry = config_entry_for(simulator)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("notify.ejoin_127_0_0_1_sms") is None

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    defaults = {
        str(key): key.default()
        for key in result["data_schema"].schema
        if callable(key.default)
    }
    assert defaults == {
        CONF_REPORT_PERIOD: 60,
        CONF_ALL_SIMS: False,
        CONF_REDIAL_INTERVAL: 60,
        CONF_PUBLIC_IP_INTERVAL: 300,
        CONF_DEFAULT_RECIPIENTS: [],
        CONF_LOCAL_ONLY: True,
    }
    await post_from_outside(hass, client, simulator, "1.11")
    assert hass.states.get("sensor.port_1_balance").state != "1.11"  # local only

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_REPORT_PERIOD: 120.0,
            CONF_ALL_SIMS: True,
            CONF_REDIAL_INTERVAL: 90.0,
            CONF_PUBLIC_IP_INTERVAL: 600.0,
            CONF_DEFAULT_RECIPIENTS: [" +4915112345678 ", ""],
            CONF_LOCAL_ONLY: False,
        },
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(entry.options) == {
        CONF_REPORT_PERIOD: 120,
        CONF_ALL_SIMS: True,
        CONF_REDIAL_INTERVAL: 90,
        CONF_PUBLIC_IP_INTERVAL: 600,
        CONF_DEFAULT_RECIPIENTS: ["+4915112345678"],
        CONF_LOCAL_ONLY: False,
    }
    await post_from_outside(hass, client, simulator, "2.22")
    assert hass.states.get("sensor.port_1_balance").state == "2.22"
    assert (simulator.gateway.report_period, simulator.gateway.all_sims) == (120, True)
    assert hass.states.get("notify.ejoin_127_0_0_1_sms") is not None
    assert hass.states.get("sensor.port_1_sim_slots").state == "4"
    proxy = entry.runtime_data.public_ips
    assert proxy is not None
    assert proxy.update_interval is not None
    assert proxy.update_interval.total_seconds() == 600
