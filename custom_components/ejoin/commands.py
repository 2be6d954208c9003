"""What Home Assistant asks a gateway to do, for actions and entities alike.

One place turns the protocol package's errors into the user's: the gateway could not be
reached; it rejected the login (then the user is also asked for a new one); it refused
the request, with its reason; or its answer could not be read. Every command of an
entity or an action goes through here. An SMS the gateway did not answer is no error:
it is handed over again under the same task id (see ``sms/sender.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .bus import EventOrigin
from .const import CONF_REPORT_URL, DOMAIN
from .pyejoin import (
    EjoinAuthenticationError,
    EjoinClient,
    EjoinCommandError,
    EjoinConnectionError,
    EjoinError,
    PortAddress,
    RedialMode,
)
from .runtime import EjoinConfigEntry
from .sms.sender import SentTask, SmsMessage, SmsSender


def gateway_error(
    hass: HomeAssistant, entry: EjoinConfigEntry, err: EjoinError
) -> HomeAssistantError:
    """Turn what went wrong with a request into the error the user sees.

    Rejected credentials also start re-authentication, so the user can fix them.
    """
    if isinstance(err, EjoinAuthenticationError):
        entry.async_start_reauth(hass)
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        )
    if isinstance(err, EjoinCommandError):
        code = "" if err.code is None else f" (code {err.code})"
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="command_refused",
            translation_placeholders={"reason": f"{err.reason}{code}"},
        )
    key = (
        "gateway_unreachable"
        if isinstance(err, EjoinConnectionError)
        else "unreadable_answer"  # the command may have been carried out all the same
    )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"error": str(err)},
    )


def check_loaded(entry: EjoinConfigEntry) -> None:
    """Refuse to act through an entry that is not loaded.

    An action on several gateways awaits between requests: an entry unloaded meanwhile
    (a reload, a reauthentication) has no client any more.
    """
    if entry.state is not ConfigEntryState.LOADED:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="gateway_not_loaded",
            translation_placeholders={"gateway": entry.title},
        )


async def async_request[T](
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    request: Callable[[EjoinClient], Awaitable[T]],
) -> T:
    """Send one request to a gateway; what goes wrong becomes the user's error."""
    check_loaded(entry)
    try:
        return await request(entry.runtime_data.client)
    except EjoinError as err:
        raise gateway_error(hass, entry, err) from err


def parse_recipients(numbers: str | Iterable[str]) -> tuple[str, ...]:
    """Read phone numbers given as a list, comma-separated, or both; blanks dropped."""
    texts = [numbers] if isinstance(numbers, str) else numbers
    return tuple(
        number.strip() for text in texts for number in text.split(",") if number.strip()
    )


def addresses(ports: Iterable[int], slot: int | None = None) -> list[PortAddress]:
    """Address whole ports (or one slot of each), in port order."""
    return [PortAddress(port=port, slot=slot) for port in sorted(ports)]


async def async_redial(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    ports: set[int],
    mode: RedialMode = RedialMode.FLIGHT,
) -> None:
    """Redial ports in one request, if the redial rules allow each of them."""
    check_loaded(entry)
    redial = entry.runtime_data.redial
    redial.check(ports)
    redial.start(ports)  # the ports may report before the gateway answers
    try:
        await entry.runtime_data.client.redial(addresses(ports), mode=mode)
    except EjoinError as err:
        redial.forget(ports)
        raise gateway_error(hass, entry, err) from err


async def async_send(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    *,
    recipients: tuple[str, ...],
    text: str,
    ports: str | None = None,
    delivery_report: bool = False,
    task_id: int | None = None,
) -> list[SentTask]:
    """Send one SMS task from a gateway (``ports`` None: the gateway chooses).

    With ``task_id`` (from an earlier answer) the same task is handed over again: the
    gateway sends it at most once. An unanswered hand-over does not raise: the task
    is answered "not_confirmed", and handed over again in the background while the
    entry stays loaded. A task handed over again that the gateway refuses is answered
    "not_confirmed" too: its first hand-over may have been taken.
    """
    check_loaded(entry)
    runtime = entry.runtime_data
    sender = SmsSender(
        hass=hass,
        entry=entry,
        client=runtime.client,
        task_ids=runtime.task_ids,
        retries=runtime.task_retries,
        status_report_url=entry.data[CONF_REPORT_URL],
        origin=EventOrigin(
            gateway_device_id=runtime.devices.gateway_device_id,
            device_id=None,  # the gateway names the port when it reports the SMS
            port=None,
            slot=None,
        ),
    )
    message = SmsMessage(
        recipients=recipients, text=text, ports=ports, delivery_report=delivery_report
    )
    try:
        return [await sender.send(message, task_id)]
    except EjoinError as err:
        raise gateway_error(hass, entry, err) from err
