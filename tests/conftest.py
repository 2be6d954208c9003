"""Fixtures shared by the integration's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.ejoin.const import (
    CONF_ALL_SIMS,
    CONF_CONFIGURE_GATEWAY,
    CONF_REPORT_PERIOD,
    CONF_REPORT_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from ejoin_simulator import Gateway, Simulator

GATEWAY_MAC = "00:30:f1:01:02:03"
WEBHOOK_ID = "ejoin_test_webhook"
PASSWORD = "s3cret p@ss&word"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components in every test."""


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[Simulator]:
    """Run a simulated 8-port, 4-slot gateway on 127.0.0.1 for one test."""
    gateway = Gateway.create(
        ports=8, slots=4, mac="00-30-f1-01-02-03", firmware="532-600-999-041-100-000"
    )
    running = Simulator(
        gateway,
        username="root",
        password=PASSWORD,
        command_delay=0.05,
        reboot_seconds=0.2,
        drift_seconds=None,
    )
    await running.start()
    yield running
    await running.stop()


def config_entry_for(
    simulator: Simulator, *, configure: bool = True, all_sims: bool = False
) -> MockConfigEntry:
    """Build the config entry the config flow would create for the simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Ejoin 127.0.0.1",
        unique_id=GATEWAY_MAC,
        data={
            "host": simulator.host,
            "port": simulator.port,
            "username": "root",
            "password": PASSWORD,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
            CONF_REPORT_URL: f"http://127.0.0.1:8123/api/webhook/{WEBHOOK_ID}",
            CONF_CONFIGURE_GATEWAY: configure,
        },
        options={CONF_REPORT_PERIOD: 60, CONF_ALL_SIMS: all_sims},
    )
