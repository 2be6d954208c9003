"""Received SMS and delivery reports, announced on the bus and to the ports, once each.

Every message of a ``recv-sms`` that the inbox has not seen fires its event; so does
every message the store reader recovers, marked as such. A port's SMS event entity
listens to the messages of its port.

Each new message goes through three steps, so that a process killed at any point
loses nothing and repeats nothing:

1. it is recorded as pending, with its event, and the record is written to disk;
2. its event fires;
3. it is recorded as done, and the record is written again at once.

Killed before 1, the message is still in the gateway's store and is recovered at the
next set-up; killed between 1 and 2, the pending event fires at the next set-up. Only
a kill after 2 and before the write of 3 is on disk repeats it: that write starts in
the same step of the event loop as the firing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.core import HomeAssistant, callback

from ..bus import (
    SMS_RECEIVED,
    SmsShown,
    delivery_report_data,
    sms_received_data,
)
from ..const import DOMAIN, EVENT_SMS_DELIVERY_REPORT, EVENT_SMS_RECEIVED, LOGGER
from ..gateway import Listeners
from ..identifiers import DeviceIds
from ..pyejoin import DeliveryReport, Report, SmsReceivedReport
from .inbox import PendingSms, SmsInbox, SmsItem, fingerprint
from .recent import RecentSms

type SmsHeard = Callable[[str, SmsShown], None]


class ReceivedSmsEvents:
    """Fires ``ejoin_sms_received`` and ``ejoin_sms_delivery_report``, once each."""

    def __init__(
        self,
        hass: HomeAssistant,
        inbox: SmsInbox,
        devices: DeviceIds,
        recent: RecentSms,
    ) -> None:
        """Announce what ``inbox`` lets through, naming the gateway's ``devices``.

        Each received SMS announced is kept in ``recent`` for the panel's inbox.
        """
        self.hass = hass
        self.inbox = inbox
        self.devices = devices
        self.recent = recent
        self._ports: dict[int, Listeners[[str, SmsShown]]] = {}

    @callback
    def listen_port(self, port: int, heard: SmsHeard) -> Callable[[], None]:
        """Call ``heard(event_type, what)`` on each SMS the port receives."""
        return self._ports.setdefault(port, Listeners()).add(heard)

    async def async_report(self, report: Report) -> None:
        """Announce the messages of a pushed ``recv-sms`` that were not seen yet."""
        if isinstance(report, SmsReceivedReport):
            await self.async_take(
                [*report.messages, *report.delivery_reports], recovered=False
            )

    async def async_take(self, items: Iterable[SmsItem], *, recovered: bool) -> None:
        """Announce each message not seen before, once (see the module's steps)."""
        held: list[tuple[str, PendingSms]] = []
        for item in items:
            key = fingerprint(item)
            if self.inbox.knows(key):
                continue
            pending = self._event_of(item, recovered=recovered)
            self.inbox.hold(key, pending)
            held.append((key, pending))
        if held:
            await self._announce(held)

    async def async_replay(self) -> None:
        """Fire the events a run cut short recorded and may not have fired."""
        held = self.inbox.pending()
        for _, pending in held:
            pending["data"]["recovered"] = True
        if held:
            await self._announce(held)

    async def _announce(self, held: list[tuple[str, PendingSms]]) -> None:
        """Have the held messages written, fired and recorded done, come what may.

        They run as a task of their own: once held, a message is known, so a repeat
        of it fires nothing; it must fire even if whoever handed it over gives up
        meanwhile (a gateway that closes its request cancels the webhook's handler).
        """
        await asyncio.shield(
            self.hass.async_create_task(
                self._write_fire_record(held), f"{DOMAIN} announce SMS"
            )
        )

    async def _write_fire_record(self, held: list[tuple[str, PendingSms]]) -> None:
        """Write the pending record, fire each event, record it done."""
        await self.inbox.async_write()
        for key, pending in held:
            self._fire(key, pending)
        self.inbox.done([key for key, _ in held])
        await self.inbox.async_write()

    def _event_of(self, item: SmsItem, *, recovered: bool) -> PendingSms:
        """Build the event of one message or delivery report."""
        origin = self.devices.origin(item.address)
        if isinstance(item, DeliveryReport):
            return PendingSms(
                event_type=EVENT_SMS_DELIVERY_REPORT,
                data=dict(delivery_report_data(origin, item, recovered=recovered)),
            )
        return PendingSms(
            event_type=EVENT_SMS_RECEIVED,
            data=dict(sms_received_data(origin, item, recovered=recovered)),
        )

    def _fire(self, key: str, pending: PendingSms) -> None:
        """Fire one event; an SMS is also kept for the panel and shown by its port.

        ``key`` is the message's fingerprint, which names it in the panel's inbox.
        """
        data = pending["data"]
        self.hass.bus.async_fire(pending["event_type"], dict(data))
        if pending["event_type"] != EVENT_SMS_RECEIVED:
            return
        port = data.get("port")
        # The bus event fired already; whatever fails after it is logged, and the rest
        # of the burst still fires.
        try:
            self.recent.add(key, data)
        except Exception:  # noqa: BLE001 - the rest of the burst must fire
            LOGGER.exception("An SMS of port %s could not be kept for the inbox", port)
        if isinstance(port, int) and (listeners := self._ports.get(port)):
            try:
                listeners.notify(SMS_RECEIVED, _shown(data))
            except Exception:  # noqa: BLE001 - the rest of the burst must fire
                LOGGER.exception("The SMS event entity of port %s failed", port)


def _shown(data: dict[str, Any]) -> SmsShown:
    """Say what a port's SMS event entity shows of an ``ejoin_sms_received``."""
    return SmsShown(
        sender=data.get("sender"),
        recipient=data.get("recipient"),
        text=data.get("text", ""),
        received_at=data.get("received_at"),
        recovered=bool(data.get("recovered")),
    )
