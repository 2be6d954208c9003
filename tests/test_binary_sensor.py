"""The registered binary sensor of each port."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from syrupy.assertion import SnapshotAssertion

from ejoin_simulator import Simulator

from .helpers import EACH_FIRMWARE, set_up_platform, snapshot_of_states


@EACH_FIRMWARE
async def test_snapshot_of_every_entity(
    hass: HomeAssistant, simulator: Simulator, snapshot: SnapshotAssertion
) -> None:
    """The registered binary sensor of every port of the 8-port gateway."""
    async with set_up_platform(hass, simulator, Platform.BINARY_SENSOR) as entry:
        assert snapshot_of_states(hass, entry.entry_id) == snapshot
