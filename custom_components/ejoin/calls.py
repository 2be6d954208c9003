"""Finished calls, announced on the bus and to the port's call event entity, once each.

The gateway sends a call record every minute of a call and one when it ends; only the
last one fires, and a record repeated (the gateway resends it) fires nothing more.
"""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.core import HomeAssistant, callback

from .bus import CallShown, call_data, call_event_type, call_shown
from .const import EVENT_CALL
from .gateway import Listeners
from .identifiers import DeviceIds
from .pyejoin import CallRecord, Report

# Finished calls remembered, to recognise a repeated record.
CALLS_REMEMBERED = 256

type CallHeard = Callable[[str, CallShown], None]


class CallEvents:
    """Fires ``ejoin_call`` once per finished call."""

    def __init__(self, hass: HomeAssistant, devices: DeviceIds) -> None:
        """Announce the calls of the gateway whose ``devices`` the events name."""
        self.hass = hass
        self.devices = devices
        self._seen: dict[str, None] = {}  # oldest first
        self._ports: dict[int, Listeners[[str, CallShown]]] = {}

    @callback
    def listen_port(self, port: int, heard: CallHeard) -> Callable[[], None]:
        """Call ``heard(event_type, what)`` on each finished call of the port."""
        return self._ports.setdefault(port, Listeners()).add(heard)

    @callback
    def report(self, report: Report) -> None:
        """Announce a call record, if it is a call's last and not a repeat."""
        if not isinstance(report, CallRecord) or not report.finished:
            return  # not a call, or a live call's minute-by-minute update
        key = report.call_id or "|".join(
            str(part)
            for part in (
                report.address,
                report.started_at,
                report.caller,
                report.callee,
            )
        )
        if key in self._seen:
            return
        self._seen[key] = None
        while len(self._seen) > CALLS_REMEMBERED:
            del self._seen[next(iter(self._seen))]
        origin = self.devices.origin(report.address)
        self.hass.bus.async_fire(EVENT_CALL, dict(call_data(origin, report)))
        if report.address is not None and (
            listeners := self._ports.get(report.address.port)
        ):
            listeners.notify(call_event_type(report), call_shown(report))
