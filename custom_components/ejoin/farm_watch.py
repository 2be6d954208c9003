"""What the panel's subscriptions follow: gateways loaded and unloaded, and their changes.

A subscription follows the loaded gateways (all, or one) through Home Assistant's
signal of config entry changes: a gateway loaded, unloaded or renamed sends a new
snapshot. Each followed gateway's changes are sent as they come, but those of its ports
are gathered for ``BATCH_DELAY``: a dev-status that changes 64 ports is one message.
The inbox's subscription sends the SMS kept in one step of the event loop together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_call_later

from .const import DOMAIN
from .farm import (
    MessageView,
    gateway_values,
    gateway_view,
    loaded_entries,
    message_view,
    port_views,
)
from .gateway import AVAILABLE, FIRMWARE, REGISTERED_PORTS
from .runtime import EjoinConfigEntry
from .sms.recent import KeptSms

BATCH_DELAY = 0.5  # seconds a port's change waits for the others of its gateway

type Send = Callable[[dict[str, Any]], None]
# Starts following one loaded gateway; returns the way to stop.
type Follow = Callable[[EjoinConfigEntry], CALLBACK_TYPE]


class _Entries:
    """The loaded gateways a subscription follows (all, or one), each followed."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str | None,
        follow: Follow,
        changed: Callable[[list[EjoinConfigEntry]], None] = lambda _: None,
    ) -> None:
        """Follow each loaded gateway (of ``entry_id``, if given) with ``follow``.

        After a change of the gateways, ``changed`` is told the loaded ones.
        """
        self.hass = hass
        self.entry_id = entry_id
        self._follow = follow
        self._changed = changed
        self._stops: dict[str, CALLBACK_TYPE] = {}  # how to stop following, by entry
        self._stop_signal: CALLBACK_TYPE | None = None

    @callback
    def start(self) -> CALLBACK_TYPE:
        """Follow the gateways loaded now and later; returns the way to stop."""
        self._stop_signal = async_dispatcher_connect(
            self.hass, SIGNAL_CONFIG_ENTRY_CHANGED, self._entry_changed
        )
        self.sync()
        return self.stop

    @callback
    def stop(self) -> None:
        """Stop following every gateway."""
        if self._stop_signal is not None:
            self._stop_signal()
            self._stop_signal = None
        for stop in self._stops.values():
            stop()
        self._stops.clear()

    @callback
    def _entry_changed(self, _change: ConfigEntryChange, entry: ConfigEntry) -> None:
        """Follow a gateway loaded, stop following one unloaded, note a new title."""
        if entry.domain == DOMAIN and self.entry_id in (None, entry.entry_id):
            self._changed(self.sync())

    @callback
    def sync(self) -> list[EjoinConfigEntry]:
        """Follow exactly the loaded gateways; return them."""
        entries = loaded_entries(self.hass, self.entry_id)
        loaded = {entry.entry_id: entry for entry in entries}
        for entry_id in self._stops.keys() - loaded.keys():
            self._stops.pop(entry_id)()
        for entry_id, entry in loaded.items():
            if entry_id not in self._stops:
                self._stops[entry_id] = self._follow(entry)
        return entries


class _PortFollower:
    """Sends a gateway's changed ports (gathered) and its own values, as they change."""

    def __init__(
        self, hass: HomeAssistant, entry: EjoinConfigEntry, send: Send
    ) -> None:
        """Send each change with ``send``."""
        self.hass = hass
        self.entry = entry
        self._send = send
        self._changed: set[int] = set()
        self._cancel_send: CALLBACK_TYPE | None = None
        self._values = gateway_values(entry)
        self._public_ips: dict[int, str] = {}

    @classmethod
    def follow(
        cls, hass: HomeAssistant, entry: EjoinConfigEntry, send: Send
    ) -> CALLBACK_TYPE:
        """Follow the gateway's ports, redials, public IPs and own values.

        Returns the way to stop; what waits to be sent then is dropped.
        """
        follower = cls(hass, entry, send)
        runtime = entry.runtime_data
        gateway = runtime.gateway
        stops = [
            gateway.ports_changed.add(follower._ports_changed),
            runtime.redial.redialing_changed.add(follower._ports),
            gateway.gateway_changed.add(
                follower._gateway_changed, {AVAILABLE, REGISTERED_PORTS, FIRMWARE}
            ),
            follower._cancel,
        ]
        if (coordinator := runtime.public_ips) is not None:
            # The readings its sensors have made: an open panel makes none itself.
            follower._public_ips = follower._read_public_ips()
            stops.append(coordinator.readings.add(follower._public_ips_read))

        @callback
        def stop() -> None:
            for stop_one in stops:
                stop_one()

        return stop

    @callback
    def _ports_changed(self, changed: Mapping[int, frozenset[str]]) -> None:
        """Gather the ports a report changed."""
        if changed:
            self._ports(changed.keys())

    @callback
    def _ports(self, ports: Iterable[int]) -> None:
        """Gather changed ports; send them with those of the next ``BATCH_DELAY``."""
        self._changed.update(ports)
        if self._cancel_send is None:
            self._cancel_send = async_call_later(
                self.hass, BATCH_DELAY, self._send_ports
            )

    @callback
    def _send_ports(self, _now: datetime) -> None:
        """Send the gathered ports."""
        self._cancel_send = None
        changed, self._changed = self._changed, set()
        if views := port_views(self.hass, self.entry, changed):
            self._send(
                {"kind": "ports", "entry_id": self.entry.entry_id, "ports": views}
            )

    @callback
    def _cancel(self) -> None:
        """Forget the gathered ports: the gateway is no longer followed."""
        if self._cancel_send is not None:
            self._cancel_send()
            self._cancel_send = None
        self._changed.clear()

    @callback
    def _gateway_changed(self) -> None:
        """Send the gateway's values if they changed."""
        values = gateway_values(self.entry)
        if values != self._values:
            self._values = values
            self._send({"kind": "gateway", "entry_id": self.entry.entry_id, **values})

    def _read_public_ips(self) -> dict[int, str]:
        """Return the public IPs last read (proxy firmware)."""
        coordinator = self.entry.runtime_data.public_ips
        data = None if coordinator is None else coordinator.data
        return {} if data is None else dict(data.public_ips)

    @callback
    def _public_ips_read(self) -> None:
        """Gather the ports whose public IP changed."""
        public_ips = self._read_public_ips()
        changed = {
            port
            for port in public_ips.keys() | self._public_ips.keys()
            if public_ips.get(port) != self._public_ips.get(port)
        }
        self._public_ips = public_ips
        if changed:
            self._ports(changed)


class FarmWatch:
    """One ``ejoin/farm/subscribe``: snapshots, then changes of ports and gateways."""

    def __init__(self, hass: HomeAssistant, entry_id: str | None, send: Send) -> None:
        """Follow the loaded gateways (or the one of ``entry_id``); ``send`` events."""
        self.hass = hass
        self._send = send
        self._shown: list[tuple[str, str]] | None = None  # what the snapshot showed
        self._entries = _Entries(
            hass,
            entry_id,
            lambda entry: _PortFollower.follow(hass, entry, send),
            self._snapshot_if_changed,
        )

    @callback
    def start(self) -> CALLBACK_TYPE:
        """Send the first snapshot, and follow; returns the way to stop."""
        stop = self._entries.start()
        self._snapshot_if_changed(loaded_entries(self.hass, self._entries.entry_id))
        return stop

    @callback
    def _snapshot_if_changed(self, entries: list[EjoinConfigEntry]) -> None:
        """Send the gateways, unless the same ones (and titles) were sent last."""
        shown = [(entry.entry_id, entry.title) for entry in entries]
        if shown == self._shown:
            return
        self._shown = shown
        self._send(
            {
                "kind": "snapshot",
                "gateways": [gateway_view(self.hass, entry) for entry in entries],
            }
        )


class InboxWatch:
    """One ``ejoin/inbox/subscribe``: the SMS kept from now on, newest first."""

    def __init__(self, hass: HomeAssistant, entry_id: str | None, send: Send) -> None:
        """Follow the loaded gateways (or the one of ``entry_id``); ``send`` events."""
        self.hass = hass
        self._send = send
        self._messages: list[MessageView] = []
        self._handle: asyncio.Handle | None = None
        self._entries = _Entries(hass, entry_id, self._follow)

    @callback
    def start(self) -> CALLBACK_TYPE:
        """Follow; returns the way to stop."""
        stop = self._entries.start()

        @callback
        def stop_all() -> None:
            stop()
            if self._handle is not None:
                self._handle.cancel()

        return stop_all

    def _follow(self, entry: EjoinConfigEntry) -> CALLBACK_TYPE:
        """Follow the SMS one gateway keeps; returns the way to stop."""

        @callback
        def kept(message: KeptSms) -> None:
            self._kept(message_view(entry, message))

        return entry.runtime_data.recent_sms.added.add(kept)

    @callback
    def _kept(self, message: MessageView) -> None:
        """Gather SMS kept in this step of the event loop: a burst is one event."""
        self._messages.insert(0, message)
        if self._handle is None:
            self._handle = self.hass.loop.call_soon(self._send_messages)

    @callback
    def _send_messages(self) -> None:
        """Send the gathered SMS, newest first."""
        self._handle = None
        messages, self._messages = self._messages, []
        self._send({"messages": messages})
