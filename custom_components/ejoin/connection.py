"""How Home Assistant reaches a gateway: the client, built from what the user entered.

Also how it makes sure the gateway it reaches is the one it set up: a DHCP lease may
hand the address to another gateway, whose settings must then be left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import format_mac
from homeassistant.util.json import json_loads

from .const import REQUEST_TIMEOUT
from .pyejoin import DeviceStatusReport, EjoinClient, Report


class AnotherGatewayError(Exception):
    """Another gateway than the one set up answers at the address."""

    def __init__(self, mac: str) -> None:
        """Keep the MAC address of the gateway that answered."""
        super().__init__(f"gateway {mac} answers instead")
        self.mac = mac


def client_for(hass: HomeAssistant, login: Mapping[str, Any]) -> EjoinClient:
    """Return a client of the gateway at the host, port and login of ``login``."""
    return EjoinClient(
        login[CONF_HOST],
        port=login[CONF_PORT],
        username=login[CONF_USERNAME],
        password=login[CONF_PASSWORD],
        session=async_get_clientsession(hass),
        timeout=REQUEST_TIMEOUT,
        loads=json_loads,  # Home Assistant's: orjson, faster than the standard library
    )


def web_interface(login: Mapping[str, Any]) -> str:
    """Return the address of the gateway's own web interface."""
    return f"http://{login[CONF_HOST]}:{login[CONF_PORT]}"


# What a report's (or a status's) ``mac`` is called when it is no MAC address at all:
# it may be anything a stranger posted, and it is logged.
NOT_A_MAC = "<not a MAC address>"
_MAC = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")


def reported_mac(report: Report) -> str:
    """Return the MAC address a report names, as Home Assistant writes it.

    "" when it names none, and ``NOT_A_MAC`` when its ``mac`` is something else.
    """
    value = getattr(report, "mac", None)
    if not value:
        return ""
    formatted = format_mac(value.strip())
    return formatted if _MAC.fullmatch(formatted) else NOT_A_MAC


def other_gateway_mac(report: Report, mac: str) -> str:
    """Return the MAC address a report names if it is not ``mac``; else "".

    A report that names no MAC address is taken as the gateway's own (but see
    ``names_gateway``: it may not add ports).
    """
    reported = reported_mac(report)
    return "" if reported in ("", mac) else reported


def names_gateway(report: Report, mac: str) -> bool:
    """Whether a report names the gateway ``mac``: it proves to come from it."""
    return reported_mac(report) == mac


async def async_read_own_status(
    client: EjoinClient,
    mac: str,
    *,
    report_url: str | None,
    period: int,
    all_sims: bool,
) -> DeviceStatusReport:
    """Read the status of the gateway ``mac``; point it at ``report_url`` (unless None).

    The status is read first and the gateway pointed only once it is known to be this
    one: pointing another gateway would take its reports away from where they go.
    Raises ``AnotherGatewayError`` when another gateway answers, and the protocol
    package's errors.
    """
    status = await client.get_status()
    if other := other_gateway_mac(status, mac):
        raise AnotherGatewayError(other)
    if report_url is None:
        return status
    return await client.get_status(
        report_url=report_url, period=period, all_sims=all_sims
    )
