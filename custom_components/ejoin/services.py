"""Actions: send SMS, redial, lock, switch SIM, reset, reboot, save, read public IPs.

Every action targets port devices or gateway devices. All the ports of one gateway that
an action targets go to that gateway in one request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
import random
import time
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util.json import JsonValueType
import voluptuous as vol

from .const import (
    ATTR_DELIVERY_REPORT,
    ATTR_MESSAGE,
    ATTR_MODE,
    ATTR_NUMBERS,
    ATTR_SLOT,
    CONF_REDIAL_INTERVAL,
    CONF_REPORT_URL,
    DEFAULT_REDIAL_INTERVAL,
    DOMAIN,
    REDIAL_JITTER,
)
from .coordinator import EjoinConfigEntry
from .entity import port_of_identifier
from .pyejoin import (
    EjoinAuthenticationError,
    EjoinClient,
    EjoinError,
    PortAddress,
    RedialMode,
    SmsTask,
    TaskStatus,
    ports_expression,
)

ATTR_DEVICE_ID = "device_id"
REDIAL_MODES = {"flight": RedialMode.FLIGHT, "fast": RedialMode.FAST}

DEVICES = vol.All(cv.ensure_list, [cv.string])
TARGET_SCHEMA = vol.Schema({vol.Required(ATTR_DEVICE_ID): DEVICES})
SEND_SMS_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_DEVICE_ID): DEVICES,
        vol.Required(ATTR_NUMBERS): vol.All(
            cv.ensure_list_csv, [cv.string], vol.Length(min=1)
        ),
        vol.Required(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_DELIVERY_REPORT, default=False): cv.boolean,
    }
)
REDIAL_SCHEMA = TARGET_SCHEMA.extend(
    {vol.Optional(ATTR_MODE, default="flight"): vol.In(list(REDIAL_MODES))}
)
SWITCH_SIM_SCHEMA = TARGET_SCHEMA.extend(
    {vol.Required(ATTR_SLOT): vol.All(vol.Coerce(int), vol.Range(min=1, max=32))}
)


@dataclass
class GatewayTarget:
    """What one action targets on one gateway: some of its ports, or the gateway."""

    entry: EjoinConfigEntry
    ports: set[int] = field(default_factory=set)
    whole_gateway: bool = False


def resolve_targets(hass: HomeAssistant, device_ids: list[str]) -> list[GatewayTarget]:
    """Map the targeted devices to their gateways and port numbers."""
    registry = dr.async_get(hass)
    targets: dict[str, GatewayTarget] = {}
    for device_id in device_ids:
        device = registry.async_get(device_id)
        entry = _entry_of(hass, device)
        if device is None or entry is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_an_ejoin_device",
                translation_placeholders={"device": device_id},
            )
        target = targets.setdefault(entry.entry_id, GatewayTarget(entry=entry))
        mac = entry.runtime_data.gateway.mac
        for domain, identifier in device.identifiers:
            if domain != DOMAIN:
                continue
            if identifier == mac:
                target.whole_gateway = True
            elif (port := port_of_identifier(identifier)) is not None:
                target.ports.add(port)
    return list(targets.values())


def _entry_of(
    hass: HomeAssistant, device: dr.DeviceEntry | None
) -> EjoinConfigEntry | None:
    """Return the loaded Ejoin config entry a device belongs to."""
    if device is None:
        return None
    for entry_id in device.config_entries:
        entry = hass.config_entries.async_get_entry(entry_id)
        if (
            entry is not None
            and entry.domain == DOMAIN
            and entry.state is ConfigEntryState.LOADED
        ):
            return entry
    return None


def port_targets(hass: HomeAssistant, call: ServiceCall) -> list[GatewayTarget]:
    """Targets of a port action: gateway devices stand for all their ports."""
    targets = resolve_targets(hass, call.data[ATTR_DEVICE_ID])
    for target in targets:
        if target.whole_gateway:
            target.ports |= set(target.entry.runtime_data.gateway.ports)
    return targets


def gateway_command_failed(
    entry: EjoinConfigEntry, err: EjoinError
) -> HomeAssistantError:
    """Turn a gateway's refusal or silence into the error the user sees.

    Rejected credentials also start re-authentication, so the user can fix them.
    """
    if isinstance(err, EjoinAuthenticationError):
        entry.async_start_reauth(entry.runtime_data.gateway.hass)
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="command_failed",
        translation_placeholders={"error": str(err)},
    )


async def run_on_gateways(
    targets: list[GatewayTarget],
    command: Callable[[GatewayTarget], Awaitable[None]],
) -> None:
    """Run one command per gateway; a gateway's error becomes a HomeAssistantError."""
    for target in targets:
        try:
            await command(target)
        except EjoinError as err:
            raise gateway_command_failed(target.entry, err) from err


def check_redial(target: GatewayTarget, interval: float) -> None:
    """Refuse ports the gateway's documentation says must not be redialled now."""
    gateway = target.entry.runtime_data.gateway
    now = time.monotonic()
    # Registered (3), or with its data connection up (15, proxy firmware): the
    # vendor says never to redial a port in any other state.
    unregistered = sorted(
        port
        for port in target.ports
        if (state := gateway.ports.get(port)) is None or not state.redialable
    )
    if unregistered:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="redial_not_registered",
            translation_placeholders={"ports": ", ".join(map(str, unregistered))},
        )
    waiting = sorted(
        (port, gateway.redial_not_before[port] - now)
        for port in target.ports
        if gateway.redial_not_before.get(port, 0) > now
    )
    if waiting:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="redial_too_soon",
            translation_placeholders={
                "ports": ", ".join(str(port) for port, _ in waiting),
                "seconds": str(int(max(wait for _, wait in waiting)) + 1),
                "interval": str(int(interval)),
            },
        )


def redial_interval(entry: EjoinConfigEntry) -> float:
    """Return the minimum time between two redials of one port (an option)."""
    return float(entry.options.get(CONF_REDIAL_INTERVAL, DEFAULT_REDIAL_INTERVAL))


async def async_redial(
    entry: EjoinConfigEntry, ports: set[int], mode: RedialMode = RedialMode.FLIGHT
) -> None:
    """Redial ports in one request, then keep them from redialling again too soon."""
    check_redial(GatewayTarget(entry=entry, ports=ports), redial_interval(entry))
    gateway = entry.runtime_data.gateway
    gateway.start_redial(ports)  # the ports may report before the gateway answers
    try:
        await entry.runtime_data.client.redial(
            [PortAddress(port=port) for port in sorted(ports)], mode=mode
        )
    except EjoinError as err:
        gateway.forget_redial(ports)
        raise gateway_command_failed(entry, err) from err
    interval = redial_interval(entry)
    now = time.monotonic()
    for port in ports:
        jitter = random.uniform(0, REDIAL_JITTER) * interval  # noqa: S311 - not secret
        gateway.redial_not_before[port] = now + interval + jitter


async def async_run_command(
    entry: EjoinConfigEntry, command: Callable[[EjoinClient], Awaitable[None]]
) -> None:
    """Run one command on a gateway; its refusal or silence becomes a HomeAssistantError."""
    try:
        await command(entry.runtime_data.client)
    except EjoinError as err:
        raise gateway_command_failed(entry, err) from err


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, for every gateway)."""

    async def redial(call: ServiceCall) -> None:
        targets = port_targets(hass, call)
        for target in targets:  # refuse before anything is sent
            check_redial(target, redial_interval(target.entry))
        for target in targets:
            await async_redial(
                target.entry, target.ports, REDIAL_MODES[call.data[ATTR_MODE]]
            )

    def port_command(
        action: Callable[[GatewayTarget], Awaitable[None]],
    ) -> Callable[[ServiceCall], Coroutine[Any, Any, None]]:
        async def handle(call: ServiceCall) -> None:
            await run_on_gateways(port_targets(hass, call), action)

        return handle

    def addresses(target: GatewayTarget) -> list[PortAddress]:
        return [PortAddress(port=port) for port in sorted(target.ports)]

    async def lock(target: GatewayTarget) -> None:
        await target.entry.runtime_data.client.lock(addresses(target))

    async def unlock(target: GatewayTarget) -> None:
        await target.entry.runtime_data.client.unlock(addresses(target))

    async def reset(target: GatewayTarget) -> None:
        await target.entry.runtime_data.client.reset(addresses(target))

    async def switch_sim(call: ServiceCall) -> None:
        slot = call.data[ATTR_SLOT]
        targets = port_targets(hass, call)
        for target in targets:
            slots = target.entry.runtime_data.gateway.max_slots or 1
            if slot > slots:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="no_such_slot",
                    translation_placeholders={"slot": str(slot), "slots": str(slots)},
                )

        async def command(target: GatewayTarget) -> None:
            await target.entry.runtime_data.client.switch(
                [PortAddress(port=port, slot=slot) for port in sorted(target.ports)]
            )

        await run_on_gateways(targets, command)

    def gateway_command(
        name: str,
    ) -> Callable[[ServiceCall], Coroutine[Any, Any, None]]:
        async def handle(call: ServiceCall) -> None:
            targets = resolve_targets(hass, call.data[ATTR_DEVICE_ID])

            async def command(target: GatewayTarget) -> None:
                client = target.entry.runtime_data.client
                await (client.reboot() if name == "reboot" else client.save())

            await run_on_gateways(targets, command)

        return handle

    async def send_sms(call: ServiceCall) -> ServiceResponse:
        return await async_send_sms(
            hass,
            device_ids=call.data.get(ATTR_DEVICE_ID, []),
            numbers=call.data[ATTR_NUMBERS],
            message=call.data[ATTR_MESSAGE],
            delivery_report=call.data[ATTR_DELIVERY_REPORT],
        )

    async def get_public_ip(call: ServiceCall) -> ServiceResponse:
        ports: list[JsonValueType] = []
        for target in port_targets(hass, call):
            runtime = target.entry.runtime_data
            try:
                addresses_by_port = await runtime.client.get_public_ips()
            except EjoinError as err:
                raise gateway_command_failed(target.entry, err) from err
            ports += [
                {
                    "gateway": runtime.gateway.mac,
                    "port": port,
                    "public_ip": addresses_by_port.get(port),
                }
                for port in sorted(target.ports)
            ]
        return {"ports": ports}

    hass.services.async_register(DOMAIN, "redial", redial, schema=REDIAL_SCHEMA)
    hass.services.async_register(
        DOMAIN, "lock_port", port_command(lock), schema=TARGET_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, "unlock_port", port_command(unlock), schema=TARGET_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, "reset_port", port_command(reset), schema=TARGET_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, "switch_sim", switch_sim, schema=SWITCH_SIM_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, "reboot", gateway_command("reboot"), schema=TARGET_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, "save_config", gateway_command("save"), schema=TARGET_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        "send_sms",
        send_sms,
        schema=SEND_SMS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        "get_public_ip",
        get_public_ip,
        schema=TARGET_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )


async def async_send_sms(
    hass: HomeAssistant,
    *,
    device_ids: list[str],
    numbers: list[str],
    message: str,
    delivery_report: bool = False,
    entry: EjoinConfigEntry | None = None,
) -> dict[str, Any]:
    """Hand one SMS task to a gateway; raise if the gateway refuses it."""
    ports: str | None = None
    if device_ids:
        targets = resolve_targets(hass, device_ids)
        if len(targets) > 1:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="one_gateway_per_sms"
            )
        entry = targets[0].entry
        if targets[0].ports and not targets[0].whole_gateway:
            ports = ports_expression(
                PortAddress(port=port) for port in targets[0].ports
            )
    if entry is None:
        loaded = [
            candidate
            for candidate in hass.config_entries.async_entries(DOMAIN)
            if candidate.state is ConfigEntryState.LOADED
        ]
        if len(loaded) != 1:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="choose_a_gateway"
            )
        entry = loaded[0]
    runtime = entry.runtime_data
    recipients = tuple(
        number.strip()
        for text in numbers
        for number in text.split(",")
        if number.strip()
    )
    if not recipients:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_recipients"
        )
    task = SmsTask(
        task_id=await runtime.task_ids.next(),
        recipients=recipients,
        text=message,
        ports=ports,
        delivery_report=delivery_report,
    )
    try:
        # Progress reports come to the webhook, as ejoin_sms_task_progress events.
        statuses = await runtime.client.send_sms(
            [task], status_report_url=entry.data[CONF_REPORT_URL]
        )
    except EjoinError as err:
        raise gateway_command_failed(entry, err) from err
    refused = [status for status in statuses if not status.accepted]
    if refused:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="sms_refused",
            translation_placeholders={"reason": _task_reason(refused[0])},
        )
    return {
        "tasks": [
            {
                "task_id": status.task_id,
                "accepted": status.accepted,
                "status": status.reason,
            }
            for status in statuses
        ]
    }


def _task_reason(status: TaskStatus) -> str:
    """Say why the gateway refused a task, with its code."""
    return f"{status.reason or 'refused'} (code {status.code})"
