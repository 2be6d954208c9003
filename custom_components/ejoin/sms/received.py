"""Received SMS and delivery reports, announced on the bus and to the ports, once each.

Every message of a ``recv-sms`` that the inbox has not seen fires its event; so does
every message the store reader recovers, marked as such. A port's SMS event entity
listens to the messages of its port.
"""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.core import HomeAssistant, callback

from ..bus import (
    SMS_RECEIVED,
    SmsShown,
    delivery_report_data,
    sms_received_data,
    sms_shown,
)
from ..const import EVENT_SMS_DELIVERY_REPORT, EVENT_SMS_RECEIVED
from ..gateway import Listeners
from ..identifiers import DeviceIds
from ..pyejoin import DeliveryReport, Report, SmsReceivedReport
from .inbox import SmsInbox, SmsItem

type SmsHeard = Callable[[str, SmsShown], None]


class ReceivedSmsEvents:
    """Fires ``ejoin_sms_received`` and ``ejoin_sms_delivery_report``, once each."""

    def __init__(
        self, hass: HomeAssistant, inbox: SmsInbox, devices: DeviceIds
    ) -> None:
        """Announce what ``inbox`` lets through, naming the gateway's ``devices``."""
        self.hass = hass
        self.inbox = inbox
        self.devices = devices
        self._ports: dict[int, Listeners[[str, SmsShown]]] = {}

    @callback
    def listen_port(self, port: int, heard: SmsHeard) -> Callable[[], None]:
        """Call ``heard(event_type, what)`` on each SMS the port receives."""
        return self._ports.setdefault(port, Listeners()).add(heard)

    @callback
    def report(self, report: Report) -> None:
        """Announce the messages of a pushed ``recv-sms`` that were not seen yet."""
        if isinstance(report, SmsReceivedReport):
            items: list[SmsItem] = [*report.messages, *report.delivery_reports]
            for item in self.inbox.take_all(items):
                self.announce(item, recovered=False)

    @callback
    def announce(self, item: SmsItem, *, recovered: bool) -> None:
        """Fire the event of one message or delivery report."""
        origin = self.devices.origin(item.address)
        if isinstance(item, DeliveryReport):
            self.hass.bus.async_fire(
                EVENT_SMS_DELIVERY_REPORT,
                dict(delivery_report_data(origin, item, recovered=recovered)),
            )
            return
        self.hass.bus.async_fire(
            EVENT_SMS_RECEIVED,
            dict(sms_received_data(origin, item, recovered=recovered)),
        )
        if item.address is not None and (
            listeners := self._ports.get(item.address.port)
        ):
            listeners.notify(SMS_RECEIVED, sms_shown(item, recovered=recovered))
