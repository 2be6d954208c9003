"""Each port's mobile data, switched port by port on proxy firmware.

Proxy firmware answers ``data_service_enable`` for each port and takes it port by port
(``data_service_enable(n)``). The gateway pushes no report of it: it is read once at
set-up, and again after every change, so that what is shown is what the gateway says.
A gateway that refuses the parameter, or answers one value for all its ports, gets
no switches.
"""

from __future__ import annotations

from .const import LOGGER
from .gateway import Listeners
from .pyejoin import (
    EjoinClient,
    EjoinCommandError,
    EjoinError,
    EjoinMalformedReplyError,
    PortAddress,
)


class MobileData:
    """Whether each port's mobile data is on, as the gateway last answered."""

    def __init__(self, client: EjoinClient, ports: dict[int, bool]) -> None:
        """Start from the gateway's answer at set-up, by port number."""
        self.client = client
        self.ports = dict(ports)
        self.changed: Listeners[[]] = Listeners()

    async def async_set(self, port: int, *, enabled: bool) -> None:
        """Turn a port's mobile data on or off for good, then read what it is now."""
        await self.client.set_data_service(
            enabled=enabled, ports=[PortAddress(port=port)]
        )
        await self.async_read()

    async def async_read(self) -> None:
        """Read every port's mobile data again, and tell the switches."""
        service = await self.client.get_data_service()
        self.ports.update(service.ports)
        self.changed.notify()


async def async_probe_mobile_data(client: EjoinClient, name: str) -> MobileData | None:
    """Read each port's mobile data, if the gateway has it per port; else None.

    Never fails the set-up: a firmware without the setting (the SMS firmware)
    refuses it, which is worth a debug line only; a gateway that did not answer
    (it answered the status a moment ago) is worth a warning.
    """
    try:
        service = await client.get_data_service()
    except (EjoinCommandError, EjoinMalformedReplyError) as err:
        LOGGER.debug("Gateway %s does not switch mobile data per port: %s", name, err)
        return None
    except EjoinError as err:
        LOGGER.warning(
            "Gateway %s did not say whether it switches mobile data per port, so it "
            "has no mobile data switches until it is reloaded: %s",
            name,
            err,
        )
        return None
    if not service.per_port:
        LOGGER.debug("Gateway %s switches mobile data only as a whole", name)
        return None
    return MobileData(client, service.ports)
