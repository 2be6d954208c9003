"""The webhook the gateway pushes its reports to."""

from __future__ import annotations

from http import HTTPStatus

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant

from .const import DOMAIN, LOGGER, MAX_REPORT_BYTES
from .coordinator import EjoinGateway


def async_register_webhook(
    hass: HomeAssistant,
    webhook_id: str,
    name: str,
    gateway: EjoinGateway,
    *,
    local_only: bool = True,
) -> None:
    """Receive the gateway's reports at /api/webhook/<webhook_id> (POST only)."""

    async def handle(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        if (request.content_length or 0) > MAX_REPORT_BYTES:
            return _refuse(
                gateway, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "report too large"
            )
        chunks: list[bytes] = []
        size = 0
        try:
            # read() returns what has arrived so far, so read until the end of the body.
            while chunk := await request.content.read(64 * 1024):
                size += len(chunk)
                if size > MAX_REPORT_BYTES:
                    return _refuse(
                        gateway, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "report too large"
                    )
                chunks.append(chunk)
        except web.RequestPayloadError:
            # A body announced as compressed that does not unpack.
            return _refuse(gateway, HTTPStatus.BAD_REQUEST, "body could not be read")
        body = b"".join(chunks)
        result = await gateway.ingest(body)
        return web.Response(status=result.status, text=result.message)

    webhook.async_register(
        hass,
        DOMAIN,
        name,
        webhook_id,
        handle,
        allowed_methods=["POST"],
        local_only=local_only,
    )


def async_unregister_webhook(hass: HomeAssistant, webhook_id: str) -> None:
    """Stop receiving reports at the webhook."""
    webhook.async_unregister(hass, webhook_id)


def _refuse(gateway: EjoinGateway, status: HTTPStatus, reason: str) -> web.Response:
    LOGGER.warning("Refused a report for gateway %s: %s", gateway.mac, reason)
    return web.Response(status=status, text=reason)
