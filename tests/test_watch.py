"""The report watch: a silent gateway goes unavailable; missing pushes are read instead.

Time moves with ``freezer`` and ``async_fire_time_changed``: the report watch runs once
per report period (60 s here), so each step below is one period.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.ejoin.const import CONF_REPORT_URL, DOMAIN
from ejoin_simulator import Gateway, Simulator

from .helpers import (
    BACK,
    BAD_LOGINS,
    FIRMWARE,
    GATEWAY_MAC,
    PASSWORD,
    PERIOD,
    SILENT,
    advance,
    config_entry_for,
    dev_status,
    messages,
    port_report,
    post,
    pushes_missing_issue,
    reported,
    status_reads,
    unavailable,
)

STATUS = "sensor.ejoin_127_0_0_1_port_1_status"
SIGNAL = "sensor.ejoin_127_0_0_1_port_1_signal_strength"
REBOOT = "button.ejoin_127_0_0_1_reboot"


# --- availability -------------------------------------------------------------------


async def test_a_silent_gateway_becomes_unavailable_and_returns(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Three report periods without a word: every entity unavailable, one line each way.

    The gateway says `"expires": 60000` (the vendor's own example, which would be
    more than 16 hours in seconds): that does not make it look alive any longer.
    """
    everything = reported(hass, entry)
    assert entry.runtime_data.gateway.expires == 60000  # from the set-up's status read
    simulator.offline = True

    await advance(hass, freezer, 2)  # 120 s
    freezer.tick(timedelta(seconds=PERIOD - 1))  # 179 s
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert unavailable(hass, entry) == set()
    assert messages(caplog, SILENT) == []

    freezer.tick(timedelta(seconds=1))  # 180 s: three periods since the set-up
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert unavailable(hass, entry) == everything
    assert {STATUS, SIGNAL, REBOOT} <= everything
    assert messages(caplog, SILENT) == [
        (
            f"Gateway {GATEWAY_MAC} has not been heard for 180 s; its entities are "
            "unavailable"
        )
    ]
    # Said at info, once, as the quality scale's log-when-unavailable rule asks.
    assert [
        record.levelname for record in caplog.records if SILENT in record.message
    ] == ["INFO"]
    freezer.tick(timedelta(seconds=PERIOD - 1))  # back in step with the periods
    assert (
        pushes_missing_issue(hass, entry) is None
    )  # the gateway is gone, not its pushes

    await advance(hass, freezer, 5)
    assert len(messages(caplog, SILENT)) == 1  # said once, not every period

    # The gateway answers again: the next status read brings everything back.
    simulator.offline = False
    await advance(hass, freezer)
    assert unavailable(hass, entry) == set()
    assert hass.states.get(STATUS).state == "registered"
    assert messages(caplog, BACK) == [f"Gateway {GATEWAY_MAC} is reporting again"]


async def test_a_push_brings_a_silent_gateway_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A report pushed by a gateway that was gone makes its entities available at once."""
    simulator.offline = True
    await advance(hass, freezer, 10)
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE

    assert (await post(hass, client, port_report(simulator, 2)))[0] == 200

    assert unavailable(hass, entry) == set()
    assert hass.states.get(STATUS).state == "registered"
    assert len(messages(caplog, BACK)) == 1


@pytest.mark.parametrize("expires", [60000, 600, 180, -1, 0])
async def test_silence_is_judged_by_the_report_period_whatever_expires_says(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    client: TestClient,
    entry: MockConfigEntry,
    expires: int,
) -> None:
    """Whatever `expires` a gateway announces, three periods of silence are enough.

    Its unit is doubtful (the vendor's example says 60000, its table 180 s), so it never
    stretches how long a silent gateway counts as available.
    """
    await advance(hass, freezer)  # 60 s after the set-up, a report comes
    report = {**dev_status(simulator), "expires": expires}
    assert (await post(hass, client, report))[0] == 200
    simulator.offline = True

    await advance(hass, freezer, 2)  # 180 s: two periods of silence
    assert hass.states.get(STATUS).state == "registered"
    await advance(hass, freezer)  # 240 s: three periods since the report
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE


async def test_a_gateway_back_and_silent_again_is_unavailable_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    entry: MockConfigEntry,
) -> None:
    """After it came back, a gateway that falls silent again is said gone on time.

    Three periods after its last word, as the first time.
    """
    simulator.offline = True
    await advance(hass, freezer, 3)  # 180 s: gone
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE
    simulator.offline = False
    await advance(hass, freezer)  # 240 s: the status read brings it back
    assert hass.states.get(STATUS).state == "registered"

    simulator.offline = True
    await advance(hass, freezer, 2)  # 360 s: two periods after its last word
    assert hass.states.get(STATUS).state == "registered"
    await advance(hass, freezer)  # 420 s: three periods after it
    assert hass.states.get(STATUS).state == STATE_UNAVAILABLE


# --- reading the status while pushes are missing ---------------------------------------


async def test_missing_pushes_are_made_up_by_reading_the_status(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    entry: MockConfigEntry,
) -> None:
    """Without pushes the status is read every period, so the entities stay fresh."""
    await advance(hass, freezer)  # 60 s: a push could still come
    assert status_reads(simulator) == []

    simulator.gateway.ports[1].sim.signal = 7
    await advance(hass, freezer)  # 120 s: more than a period and a half
    # The entry was set up with the gateway left alone, so the read changes nothing.
    assert status_reads(simulator) == [[]]
    assert hass.states.get(SIGNAL).state == "-99"  # dBm, from 7 of 31

    await advance(hass, freezer, 10)
    assert len(status_reads(simulator)) == 11
    assert unavailable(hass, entry) == set()


async def test_reading_the_status_points_a_forgetful_gateway_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    live: MockConfigEntry,
) -> None:
    """A gateway that lost its report URL is given it again with the next status read."""
    report_url = live.data[CONF_REPORT_URL]
    assert simulator.gateway.report_url == report_url
    # As after a factory reset: the gateway no longer pushes anywhere.
    simulator.gateway.report_url = None
    simulator.gateway.report_period = 0
    simulator._restart_period()  # its periodic push stops

    await advance(hass, freezer, 2)

    # Is it this gateway? Then point it at Home Assistant again.
    assert status_reads(simulator) == [
        [],
        [("url", report_url), ("period", "60"), ("all_sims", "0")],
    ]
    assert (simulator.gateway.report_url, simulator.gateway.report_period) == (
        report_url,
        60,
    )
    assert unavailable(hass, live) == set()


async def test_another_gateway_answering_at_the_address_is_not_taken_for_this_one(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    live: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A status read from another gateway (its MAC differs) is ignored, said once.

    As when a DHCP lease moved: the stranger is not pointed at this entry's webhook
    (that would take its reports away from where they go), the entities are not fed
    its ports, and this gateway goes unavailable; once it answers again, it is back.
    """
    ours = simulator.gateway
    signal = hass.states.get(SIGNAL).state
    stranger = Gateway.create(
        ports=8, slots=4, mac="00:30:f1:0a:0b:0c", firmware=FIRMWARE, seed=2
    )
    stranger.report_url, stranger.report_period = "http://127.0.0.1:9/its/own", 300
    stranger.ports[1].sim.signal = 7
    simulator.gateway = stranger

    await advance(hass, freezer, 4)

    assert status_reads(simulator) == [[], [], []]  # plain reads only
    assert (stranger.report_url, stranger.report_period) == (
        "http://127.0.0.1:9/its/own",
        300,
    )
    assert hass.states.get(SIGNAL).state == STATE_UNAVAILABLE
    assert messages(caplog, "answers at the address") == [
        (
            "Gateway 00:30:f1:0a:0b:0c answers at the address of gateway "
            f"{GATEWAY_MAC}; its status is ignored and its settings left alone"
        )
    ]
    assert pushes_missing_issue(hass, live) is None

    simulator.gateway = ours
    simulator.request_log.clear()
    await advance(hass, freezer)
    assert unavailable(hass, live) == set()
    assert hass.states.get(SIGNAL).state == signal
    assert status_reads(simulator)[-1][0] == ("url", live.data[CONF_REPORT_URL])

    simulator.gateway = stranger
    await advance(hass, freezer, 2)
    assert len(messages(caplog, "answers at the address")) == 2


@pytest.mark.parametrize("bad_login", BAD_LOGINS)
async def test_rejected_credentials_on_a_status_read_ask_for_new_ones(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    bad_login: str,
) -> None:
    """A password changed on the gateway starts re-authentication, not a stream of errors.

    The status read made while pushes are missing meets the refusal, in any of the
    forms real gateways give it.
    """
    simulator.bad_login = bad_login
    simulator.password = "changed on the gateway"
    assert simulator.password != PASSWORD

    await advance(hass, freezer, 2)  # more than a period and a half without a push

    flows = entry.async_get_active_flows(hass, {SOURCE_REAUTH})
    assert len(list(flows)) == 1
    progress = hass.config_entries.flow.async_progress_by_handler(
        DOMAIN, match_context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}
    )
    assert len(progress) == 1
    assert messages(caplog, "rejected the credentials") == [
        f"Gateway {GATEWAY_MAC} rejected the credentials; asking for new ones"
    ]
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)


async def test_an_issue_left_by_an_earlier_run_goes_with_the_first_push(
    hass: HomeAssistant, simulator: Simulator, hass_client_no_auth: Any
) -> None:
    """The issue survives a restart; the first report pushed after it clears it."""
    entry = config_entry_for(simulator)
    entry.add_to_hass(hass)
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"pushes_missing_{entry.entry_id}",
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="pushes_missing",
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert pushes_missing_issue(hass, entry) is not None  # a status read is no push
    client = await hass_client_no_auth()

    assert await post(hass, client, port_report(simulator, 1)) == (200, "OK")

    assert pushes_missing_issue(hass, entry) is None
