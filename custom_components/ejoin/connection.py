"""How Home Assistant reaches a gateway: the client, built from what the user entered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import REQUEST_TIMEOUT
from .pyejoin import EjoinClient


def client_for(hass: HomeAssistant, login: Mapping[str, Any]) -> EjoinClient:
    """Return a client of the gateway at the host, port and login of ``login``."""
    return EjoinClient(
        login[CONF_HOST],
        port=login[CONF_PORT],
        username=login[CONF_USERNAME],
        password=login[CONF_PASSWORD],
        session=async_get_clientsession(hass),
        timeout=REQUEST_TIMEOUT,
    )


def web_interface(login: Mapping[str, Any]) -> str:
    """Return the address of the gateway's own web interface."""
    return f"http://{login[CONF_HOST]}:{login[CONF_PORT]}"
