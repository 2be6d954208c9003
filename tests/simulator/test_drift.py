"""One step of the simulated gateway's drift: what moves, and what stays put."""

from __future__ import annotations

import asyncio
import copy
import time

from ejoin_simulator import Gateway, Simulator

from .conftest import FIRMWARE, MAC


def test_drift_moves_only_working_sims() -> None:
    """A step uses data and moves the signal of working SIMs; the rest stays put."""
    gateway = Gateway.create(ports=4, slots=2, mac=MAC, firmware=FIRMWARE, seed=7)
    now = time.monotonic()
    gateway.ports[3].locked = True  # not working: nothing of it may move
    before = copy.deepcopy(gateway.ports)

    gateway.drift(now)

    assert gateway.ports[3] == before[3]
    for number in (1, 2, 4):
        port, old = gateway.ports[number], before[number]
        sim, old_sim = port.sim, old.sim
        assert sim is not None
        assert old_sim is not None
        used = sim.data_mb["last"]
        assert 0 <= used <= 2
        for key in ("tot", "day", "24hours", "1hour"):
            assert sim.data_mb[key] == round(old_sim.data_mb[key] + used, 2)
        assert sim.last_url in {"example.org", "example.com", "example.net"}
        assert abs(sim.signal - old_sim.signal) <= 1
        assert 5 <= sim.signal <= 31
        assert port.rx_bytes == int(used * 700_000)
        assert port.tx_bytes == int(used * 300_000)
        assert port.slots[2] == old.slots[2]  # a SIM not in use does not drift


def test_drift_follows_the_gateway_seed() -> None:
    """Two gateways built from the same seed drift the same way, step by step."""
    first, second = (
        Gateway.create(ports=2, slots=1, mac=MAC, firmware=FIRMWARE, seed=3)
        for _ in range(2)
    )
    now = time.monotonic()
    for _ in range(5):
        first.drift(now)
        second.drift(now)
    assert first.ports == second.ports


async def test_the_running_simulator_drifts(socket_enabled: None) -> None:
    """Started with ``drift_seconds``, the simulator takes drift steps on its own."""
    gateway = Gateway.create(ports=1, slots=1, mac=MAC, firmware=FIRMWARE)
    sim = gateway.ports[1].sim
    assert sim is not None
    simulator = Simulator(gateway, drift_seconds=0.01)
    await simulator.start("127.0.0.1", 0)
    try:
        for _ in range(200):  # a step may use 0.00 MB: wait for one that does not
            await asyncio.sleep(0.01)
            if sim.data_mb["tot"] > 0:
                break
    finally:
        await simulator.stop()
    assert sim.data_mb["tot"] > 0
    assert sim.last_url
