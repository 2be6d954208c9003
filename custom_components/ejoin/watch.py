"""Keep watch on a gateway's reports: read its status while they are missing.

A gateway that stops reporting must not look healthy:

- nothing heard, pushed or read, for three report periods: every entity becomes
  unavailable, until the next report. A timer set for three periods after the last word
  says so on time (it is moved on only when it fires, never by a report). The gateway's
  own ``expires`` is not used: the vendor's example says 60000 where its table says
  180 s, and real gateways send -1.

Every report period the watch also checks when the gateway was last heard:

- no push for more than a period and a half: read the status ourselves (this also points
  the gateway at the report URL again, should it have lost it), which keeps the entities
  fresh;
- the gateway answers but its pushes have not arrived for three periods: it cannot reach
  the report URL, and a repair issue says so and offers to set another URL. It goes away
  by itself with the next push.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_time_interval,
)
from homeassistant.util import dt as dt_util

from .connection import AnotherGatewayError, async_read_own_status
from .const import CONF_REPORT_URL, DOMAIN, LOGGER
from .gateway import EjoinGateway
from .log_limit import LogLimiter
from .pyejoin import EjoinAuthenticationError, EjoinClient, EjoinError
from .report_url import pushes_missing_issue_id, report_address

SILENT_PERIODS = 3  # periods without a word before entities become unavailable
POLL_AFTER_PERIODS = 1.5  # periods without a push before the status is read


class ReportWatch:
    """Checks each report period that the gateway is heard, and acts when it is not."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        gateway: EjoinGateway,
        client: EjoinClient,
        *,
        period: int,
        report_url: str | None,
        all_sims: bool,
    ) -> None:
        """Watch ``gateway``; ``report_url`` None leaves the gateway's settings alone."""
        self.hass = hass
        self.entry = entry
        self.gateway = gateway
        self.client = client
        self.period = period
        self.report_url = report_url
        self.all_sims = all_sims
        self.started = dt_util.utcnow()
        self.last_poll_ok: datetime | None = None
        self._poll_failing = False
        # Other gateways answering at the address, each said once an hour at most.
        self._strangers = LogLimiter()
        self._stop_silence_timer: Callable[[], None] | None = None
        # Whether the repair issue may be raised (also by a run before this one): each
        # push clears it then, and only then, as pushes come every few seconds.
        self._issue_raised = True

    @callback
    def start(self) -> Callable[[], None]:
        """Check every report period, and clear the repair issue on each push."""
        stop_timer = async_track_time_interval(
            self.hass, self.async_check, timedelta(seconds=self.period)
        )
        stop_pushes = self.gateway.report_pushed.add(self._pushed)
        self._set_silence_timer()

        def stop() -> None:
            stop_timer()
            stop_pushes()
            if self._stop_silence_timer is not None:
                self._stop_silence_timer()
                self._stop_silence_timer = None
            self._pushed()  # an unloaded entry has nothing to repair

        return stop

    @callback
    def _set_silence_timer(self) -> None:
        """Wake up when the gateway will have been silent for too long, if it stays so."""
        last_word = self.gateway.last_report or self.started
        self._stop_silence_timer = async_track_point_in_utc_time(
            self.hass,
            self._silence_timer_fired,
            last_word + timedelta(seconds=self.silence_limit),
        )

    @callback
    def _silence_timer_fired(self, _now: datetime) -> None:
        """Make the entities unavailable if nothing was heard since; else wait on."""
        self._stop_silence_timer = None
        silent_for = self._age(self.gateway.last_report, dt_util.utcnow())
        if silent_for < self.silence_limit:
            self._set_silence_timer()  # heard meanwhile: three periods from then
            return
        self.gateway.mark_silent(silent_for)
        # Set again by the periodic check once the gateway is heard again.

    @property
    def silence_limit(self) -> float:
        """Seconds without a word after which the gateway counts as gone."""
        return SILENT_PERIODS * self.period

    def _age(self, since: datetime | None, now: datetime) -> float:
        """Seconds since a moment; the set-up counts as the first moment heard."""
        return (now - (since or self.started)).total_seconds()

    async def async_check(self, _now: datetime | None = None) -> None:
        """Poll when pushes are missing; then judge availability and the repair issue."""
        now = dt_util.utcnow()
        if self._age(self.gateway.last_push, now) > POLL_AFTER_PERIODS * self.period:
            await self._poll()
        now = dt_util.utcnow()
        if self._stop_silence_timer is None and self.gateway.available:
            self._set_silence_timer()  # the gateway was silent, and is heard again
        pushes_missing = self._age(self.gateway.last_push, now) > self.silence_limit
        if pushes_missing and self.last_poll_ok is not None:
            self._raise_issue()

    async def _poll(self) -> None:
        """Read the status (pointing the gateway at the report URL again) and apply it.

        Only a gateway that answers, and is this one, shows that the pushes are what is
        missing; anything else makes no case for the repair issue.
        """
        self.last_poll_ok = None
        try:
            status = await async_read_own_status(
                self.client,
                self.gateway.mac,
                report_url=self.report_url,
                period=self.period,
                all_sims=self.all_sims,
            )
        except AnotherGatewayError as err:
            if self._strangers.allow(err.mac):
                LOGGER.warning(
                    "Gateway %s answers at the address of gateway %s; "
                    "its status is ignored and its settings left alone",
                    err.mac,
                    self.gateway.mac,
                )
            return
        except EjoinAuthenticationError:
            LOGGER.warning(
                "Gateway %s rejected the credentials; asking for new ones",
                self.gateway.mac,
            )
            self.entry.async_start_reauth(self.hass)
            return
        except EjoinError as err:
            if not self._poll_failing:
                LOGGER.debug("Gateway %s did not answer: %s", self.gateway.mac, err)
            self._poll_failing = True
            return
        self._poll_failing = False
        self._strangers.clear()  # this one answers again: say so if another does
        self.last_poll_ok = dt_util.utcnow()
        self.gateway.apply(status)

    def _raise_issue(self) -> None:
        self._issue_raised = True
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            pushes_missing_issue_id(self.entry.entry_id),
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key="pushes_missing",
            translation_placeholders={
                "gateway": self.entry.title,
                "address": report_address(self.entry.data[CONF_REPORT_URL]),
            },
            data={"entry_id": self.entry.entry_id},
        )

    @callback
    def _pushed(self) -> None:
        if not self._issue_raised:
            return
        self._issue_raised = False
        ir.async_delete_issue(
            self.hass, DOMAIN, pushes_missing_issue_id(self.entry.entry_id)
        )
