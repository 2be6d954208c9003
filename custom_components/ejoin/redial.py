"""When a port may redial, and when a redial is over.

The vendor's advice: redial only a port that is registered or has its data connection
up ("dial successful"), keep the redials of one port apart by a randomised interval.
A redial is over when the port is back in the state it was redialled from; then its
new public IP can be read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
import random

from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError

from .const import DOMAIN, REDIAL_JITTER
from .gateway import EjoinGateway, Listeners

# A redial not seen to end by then is taken as done, so its new public IP is read.
REDIAL_OVERDUE = 300.0  # seconds
# How often open redials are checked for being overdue, whatever the report period.
OVERDUE_CHECK = timedelta(seconds=30)

type Clock = Callable[[], float]


@dataclass
class RedialWatch:
    """A redialled port: the status it was redialled from, and whether it left it."""

    before: int | None
    started: float  # the clock's time the redial was sent
    left: bool = False


class RedialPolicy:
    """Refuses redials the vendor advises against; follows redials until they end."""

    def __init__(
        self,
        gateway: EjoinGateway,
        *,
        interval: float,
        clock: Clock,
        jitter: Callable[[], float] = lambda: random.uniform(0, REDIAL_JITTER),  # noqa: S311 - not a secret
    ) -> None:
        """Keep redials of one port ``interval`` seconds apart, plus some jitter."""
        self.gateway = gateway
        self.interval = interval
        self.clock = clock  # injectable, as is the jitter: tests move time by hand
        self.jitter = jitter
        self.not_before: dict[int, float] = {}  # port -> clock time
        self.redialing: dict[int, RedialWatch] = {}
        self.done: Listeners[[]] = Listeners()  # a redial ended: read the new IPs
        # Ports that began or ended a redial (their ``redialing`` changed).
        self.redialing_changed: Listeners[[frozenset[int]]] = Listeners()

    @callback
    def listen(self) -> Callable[[], None]:
        """Follow the gateway's reports; returns the way to stop.

        Overdue redials are ended by ``end_overdue``, which the runtime calls every
        ``OVERDUE_CHECK``: a gateway may report only once an hour.
        """
        return self.gateway.ports_changed.add(self._ports_changed)

    def check(self, ports: Iterable[int]) -> None:
        """Raise if any of these ports must not be redialled now (nothing is sent)."""
        ports = set(ports)
        unregistered = sorted(
            port
            for port in ports
            if (state := self.gateway.ports.get(port)) is None or not state.redialable
        )
        if unregistered:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="redial_not_registered",
                translation_placeholders={"ports": ", ".join(map(str, unregistered))},
            )
        now = self.clock()
        waiting = sorted(
            (port, self.not_before[port] - now)
            for port in ports
            if self.not_before.get(port, 0) > now
        )
        if waiting:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="redial_too_soon",
                translation_placeholders={
                    "ports": ", ".join(str(port) for port, _ in waiting),
                    "seconds": str(int(max(wait for _, wait in waiting)) + 1),
                    "interval": str(int(self.interval)),
                },
            )

    @callback
    def start(self, ports: Iterable[int]) -> None:
        """Follow ports about to redial, and keep them from redialling again too soon.

        Called before the command is sent: a report of the port leaving its state can
        arrive before the command's answer does.
        """
        now = self.clock()
        started = list(ports)
        for port in started:
            state = self.gateway.ports.get(port)
            self.redialing[port] = RedialWatch(
                before=None if state is None else state.status_code, started=now
            )
            self.not_before[port] = now + self.interval * (1 + self.jitter())
        self.redialing_changed.notify(frozenset(started))

    @callback
    def forget(self, ports: Iterable[int]) -> None:
        """Forget ports whose redial was not sent after all."""
        ports = frozenset(ports)
        forgotten = frozenset(
            port for port in ports if self.redialing.pop(port, None) is not None
        )
        for port in ports:
            self.not_before.pop(port, None)
        if forgotten:
            self.redialing_changed.notify(forgotten)

    @callback
    def _ports_changed(self, changed: Mapping[int, frozenset[str]]) -> None:
        """Follow redialled ports; a port back in its state has completed its redial.

        Registered (3) on SMS firmware; on proxy firmware "dial successful" (15), and
        registered on the way does not count. A report of the port before it began to
        redial does not count either.
        """
        finished: set[int] = set()
        for port in changed.keys() & self.redialing.keys():
            state = self.gateway.ports.get(port)
            if state is None:
                continue
            watch = self.redialing[port]
            if not watch.left:
                watch.left = state.status_code != watch.before
            elif state.status_code == watch.before:
                del self.redialing[port]
                finished.add(port)
        if finished:
            self.redialing_changed.notify(frozenset(finished))
            self.done.notify()

    @callback
    def end_overdue(self, _now: datetime | None = None) -> None:
        """End redials open for longer than ``REDIAL_OVERDUE``, as if they were done.

        A port that redials too fast to report it, or never comes back to the state it
        left, must not keep its new public IP unread for ever.
        """
        now = self.clock()
        overdue = [
            port
            for port, watch in self.redialing.items()
            if now - watch.started > REDIAL_OVERDUE
        ]
        for port in overdue:
            del self.redialing[port]
        if overdue:
            self.redialing_changed.notify(frozenset(overdue))
            self.done.notify()
