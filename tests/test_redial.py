"""The redial rules: which ports may redial, how often, and when a redial is over.

Unit tests of ``RedialPolicy`` run on a gateway model fed parsed reports, with a clock
and jitter moved by hand; the tests after them go through the redial action and the
gateway's reports, and check what reaches the gateway.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.ejoin.const import (
    CONF_PUBLIC_IP_INTERVAL,
    CONF_REDIAL_INTERVAL,
    CONF_REPORT_PERIOD,
    REDIAL_JITTER,
)
from custom_components.ejoin.gateway import EjoinGateway
from custom_components.ejoin.pyejoin import EjoinClient, parse_report
from custom_components.ejoin.redial import REDIAL_OVERDUE, RedialPolicy
from ejoin_simulator import Simulator

from .helpers import (
    COMMAND,
    GATEWAY_MAC_DASHED,
    PROXY_FIRMWARE,
    PUBLIC_IPS,
    TRAFFIC,
    FakeClock,
    act,
    check_error,
    devices,
    entry_for,
    port_report,
    post,
    redial_clock,
    sent,
    set_up_entry,
    state,
    status_reads,
    wait_for,
)

REGISTERED, REGISTERING, USER_LOCKED, DIAL_SUCCESSFUL = 3, 2, 12, 15


def gateway_with(statuses: dict[int, int]) -> EjoinGateway:
    """Return a gateway model that read a dev-status of ports with these status codes."""
    gateway = EjoinGateway(mac=GATEWAY_MAC_DASHED, all_sims=False)
    gateway.apply(
        parse_report(
            {
                "type": "dev-status",
                "mac": GATEWAY_MAC_DASHED,
                "max-ports": 8,
                "max-slots": 4,
                "status": [
                    {"port": f"{port}.01", "st": code}
                    for port, code in statuses.items()
                ],
            }
        )
    )
    return gateway


def report_status(gateway: EjoinGateway, port: int, code: int) -> None:
    """Apply a port-status of the port, on its first slot, with this status code."""
    gateway.apply(
        parse_report({"type": "port-status", "port": f"{port}.01", "st": code})
    )


def policy_of(
    gateway: EjoinGateway, clock: FakeClock, *, jitter: float = 0.0
) -> RedialPolicy:
    """Return redial rules of the gateway (60 s apart), following its reports."""
    policy = RedialPolicy(
        gateway, interval=60.0, clock=clock.monotonic, jitter=lambda: jitter
    )
    policy.listen()
    return policy


# --- the rules, on the gateway model --------------------------------------------------------


def test_only_a_registered_port_or_one_with_data_up_may_redial() -> None:
    """Registered (3) or "dial successful" (15) ports pass; the others are named, sorted."""
    gateway = gateway_with(
        {1: REGISTERED, 2: DIAL_SUCCESSFUL, 3: USER_LOCKED, 4: REGISTERING}
    )
    policy = policy_of(gateway, FakeClock())

    policy.check([2, 1])
    with pytest.raises(ServiceValidationError) as raised:
        policy.check([4, 3, 1, 9])

    assert raised.value.translation_key == "redial_not_registered"
    assert raised.value.translation_placeholders == {"ports": "3, 4, 9"}


@pytest.mark.parametrize(("jitter", "wait"), [(0.0, 60.0), (REDIAL_JITTER, 75.0)])
def test_a_port_waits_the_interval_and_its_jitter(jitter: float, wait: float) -> None:
    """After a redial the port waits the interval and its jitter; other ports do not."""
    clock = FakeClock()
    policy = policy_of(
        gateway_with({1: REGISTERED, 2: REGISTERED}), clock, jitter=jitter
    )

    policy.start([1])
    policy.check([2])
    with pytest.raises(ServiceValidationError) as raised:
        policy.check([1, 2])
    assert raised.value.translation_key == "redial_too_soon"
    assert raised.value.translation_placeholders == {
        "ports": "1",
        "seconds": str(int(wait) + 1),
        "interval": "60",
    }
    clock.now += wait - 0.5
    with pytest.raises(ServiceValidationError) as raised:
        policy.check([1])
    assert raised.value.translation_placeholders["seconds"] == "1"

    clock.now += 0.5
    policy.check([1])


def test_a_forgotten_redial_holds_nothing_back() -> None:
    """A redial that was not sent after all is forgotten: no wait, nothing followed."""
    policy = policy_of(gateway_with({1: REGISTERED, 2: REGISTERED}), FakeClock())

    policy.start([1, 2])
    policy.forget([1])

    policy.check([1])
    with pytest.raises(ServiceValidationError):
        policy.check([2])
    assert set(policy.redialing) == {2}


@pytest.mark.parametrize(
    ("before", "statuses"),
    [
        (REGISTERED, [REGISTERED, REGISTERING, REGISTERED]),
        (DIAL_SUCCESSFUL, [DIAL_SUCCESSFUL, REGISTERING, REGISTERED, DIAL_SUCCESSFUL]),
    ],
    ids=["sms_firmware", "proxy_firmware"],
)
def test_a_redial_ends_when_the_port_is_back_in_the_state_it_left(
    before: int, statuses: list[int]
) -> None:
    """Only the port's return to the state it left ends the redial, once.

    A report of the port before it left does not count; on proxy firmware, registered
    (3) on the way back to "dial successful" (15) does not either.
    """
    gateway = gateway_with({1: REGISTERED, 2: before})
    policy = policy_of(gateway, FakeClock())
    ended: list[int] = []
    policy.done.add(lambda: ended.append(len(ended)))
    policy.start([2])

    for step, code in enumerate(statuses, start=1):
        report_status(gateway, 1, REGISTERING)  # another port's report ends nothing
        report_status(gateway, 2, code)
        assert len(ended) == (step == len(statuses)), f"after status {code}"
    report_status(gateway, 2, REGISTERING)
    report_status(gateway, 2, before)

    assert ended == [0]
    assert policy.redialing == {}


def test_a_redial_not_seen_to_end_is_taken_as_done_when_overdue() -> None:
    """A redial open for longer than five minutes ends at the next check, once."""
    clock = FakeClock()
    gateway = gateway_with({1: REGISTERED, 2: REGISTERED})
    policy = policy_of(gateway, clock)
    ended: list[None] = []
    policy.done.add(lambda: ended.append(None))
    policy.start([2])
    clock.now += 100
    policy.start([1])

    clock.now += REDIAL_OVERDUE - 100
    policy.end_overdue()
    assert ended == []
    clock.now += 0.5
    policy.end_overdue()
    policy.end_overdue()

    assert ended == [None]
    assert set(policy.redialing) == {1}


def test_each_port_beginning_or_ending_a_redial_is_told() -> None:
    """Who shows which ports redial (the panel) hears of every start and every end.

    A redial started, one forgotten (not sent after all), one back in its state, and
    one overdue; ports that were not redialling are never named.
    """
    clock = FakeClock()
    gateway = gateway_with({1: REGISTERED, 2: REGISTERED, 3: REGISTERED})
    policy = policy_of(gateway, clock)
    told: list[frozenset[int]] = []
    policy.redialing_changed.add(told.append)

    policy.start([1, 2, 3])
    policy.forget([3, 4])
    policy.forget([4])
    report_status(gateway, 1, REGISTERING)
    report_status(gateway, 1, REGISTERED)
    clock.now += REDIAL_OVERDUE + 1
    policy.end_overdue()
    policy.end_overdue()

    assert told == [
        frozenset({1, 2, 3}),
        frozenset({3}),
        frozenset({1}),
        frozenset({2}),
    ]
    assert policy.redialing == {}


def test_rules_that_stopped_listening_follow_no_redial() -> None:
    """After ``listen``'s stop, reports of the gateway end no redial."""
    clock = FakeClock()
    gateway = gateway_with({2: REGISTERED})
    policy = RedialPolicy(gateway, interval=60.0, clock=clock.monotonic)
    stop = policy.listen()
    ended: list[None] = []
    policy.done.add(lambda: ended.append(None))
    policy.start([2])

    stop()
    report_status(gateway, 2, REGISTERING)
    report_status(gateway, 2, REGISTERED)

    assert ended == []
    assert set(policy.redialing) == {2}
    assert (len(gateway.ports_changed), len(gateway.report_applied)) == (0, 0)


# --- the rules, through the redial action -----------------------------------------------------


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


async def test_a_redialled_port_is_refused_while_it_registers(
    hass: HomeAssistant, simulator: Simulator, client: TestClient
) -> None:
    """With pushes flowing, a port reported registering cannot be redialled."""
    simulator.command_delay = 30  # the port stays registering for this test
    await set_up_entry(hass, simulator, entry_for(simulator, client=client))

    await act(hass, "reset_port", {"device_id": devices(hass, (7,))})
    await wait_for(
        lambda: state(hass, "sensor.ejoin_127_0_0_1_port_7_status") == "registering",
        "registering",
    )
    with pytest.raises(ServiceValidationError) as raised:
        await act(hass, "redial", {"device_id": devices(hass, (7,))})

    assert raised.value.translation_key == "redial_not_registered"
    assert raised.value.translation_placeholders == {"ports": "7"}
    assert sent(simulator) == [
        (*COMMAND, {"type": "command", "op": "reset", "ports": "7"})
    ]
    assert state(hass, "binary_sensor.ejoin_127_0_0_1_port_7_registered") == "off"


@PROXY_FIRMWARE
async def test_only_the_return_to_work_ends_a_redial(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    client: TestClient,
) -> None:
    """A redial ends when the port is back in "dial successful" (15), then IPs are read.

    A report of the port before it began to redial does not end it; nor does
    registered (3) on the way back, when the port has no new address yet.
    """

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
    # The reading runs in the background: wait for its answer, not only its request.
    await hass.async_block_till_done(wait_background_tasks=True)

    assert sent(simulator) == [(*PUBLIC_IPS, None), (*TRAFFIC, None)]
    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_public_ip") == "100.100.100.100"


@PROXY_FIRMWARE
async def test_a_redial_reported_before_the_gateway_answers_still_ends(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    client: TestClient,
) -> None:
    """The port may report leaving its state before the command's answer arrives.

    What it was redialled from is taken before the command is sent, so that report
    counts, and the port's return to 15 ends the redial.
    """
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
    await hass.async_block_till_done(wait_background_tasks=True)

    assert sent(simulator) == [(*PUBLIC_IPS, None), (*TRAFFIC, None)]
    assert state(hass, "sensor.ejoin_127_0_0_1_port_2_public_ip") == "100.100.100.101"


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
    old = state(hass, "sensor.ejoin_127_0_0_1_port_3_public_ip")
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
    assert state(hass, "sensor.ejoin_127_0_0_1_port_3_public_ip") == new


@PROXY_FIRMWARE
async def test_an_overdue_redial_ends_on_time_whatever_the_report_period(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: Simulator
) -> None:
    """With an hour between reports, a redial not seen to end still ends after 5 min.

    The new public IP is read within half a minute of the redial becoming overdue,
    not at the next report.
    """
    options = {CONF_REPORT_PERIOD: 3600, CONF_PUBLIC_IP_INTERVAL: 3600}
    await set_up_entry(hass, simulator, entry_for(simulator, options=options))
    await act(hass, "redial", {"device_id": devices(hass, (3,))})
    simulator.request_log.clear()

    for half_minutes in range(1, 12):
        freezer.tick(timedelta(seconds=30))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        read = [request for request in sent(simulator) if request[:3] == PUBLIC_IPS]
        assert bool(read) == (half_minutes == 11), f"after {half_minutes * 30} s"

    assert (
        state(hass, "sensor.ejoin_127_0_0_1_port_3_public_ip")
        == simulator.gateway.ports[3].public_ip
    )
    assert status_reads(simulator) == []  # no report was due, none was read
