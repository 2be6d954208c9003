"""Actions: send SMS, redial, lock, switch SIM, reset, reboot, save, read public IPs.

Every action takes Home Assistant's target, resolved to ports and gateways in
targets.py. All the ports of one gateway that an action targets go to that gateway in
one request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
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
from homeassistant.helpers import config_validation as cv
from homeassistant.util.json import JsonValueType
import voluptuous as vol

from .commands import (
    addresses,
    async_redial,
    async_request,
    async_send,
    parse_recipients,
)
from .const import (
    ATTR_DELIVERY_REPORT,
    ATTR_MESSAGE,
    ATTR_MODE,
    ATTR_NUMBERS,
    ATTR_SLOT,
    DOMAIN,
)
from .pyejoin import EjoinClient, PortAddress, RedialMode, ports_expression
from .runtime import EjoinConfigEntry
from .targets import (
    GatewayTarget,
    gateway_targets,
    port_targets,
    resolve_targets,
    targeted,
)

ATTR_NUMBER = "number"
ATTR_TASK_ID = "task_id"
REDIAL_MODES = {"flight": RedialMode.FLIGHT, "fast": RedialMode.FAST}

# Home Assistant's target: entities, devices, areas, floors, labels.
TARGET_SCHEMA = vol.Schema(cv.ENTITY_SERVICE_FIELDS)
SEND_SMS_SCHEMA = TARGET_SCHEMA.extend(
    {
        vol.Required(ATTR_NUMBERS): vol.All(
            cv.ensure_list_csv, [cv.string], vol.Length(min=1)
        ),
        vol.Required(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_DELIVERY_REPORT, default=False): cv.boolean,
        # An earlier answer's task id: the same task again, sent at most once.
        vol.Optional(ATTR_TASK_ID): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=2**32 - 1)
        ),
    }
)
REDIAL_SCHEMA = TARGET_SCHEMA.extend(
    {vol.Optional(ATTR_MODE, default="flight"): vol.In(list(REDIAL_MODES))}
)
SWITCH_SIM_SCHEMA = TARGET_SCHEMA.extend(
    {vol.Required(ATTR_SLOT): vol.All(vol.Coerce(int), vol.Range(min=1, max=32))}
)

SIM_NUMBER_SCHEMA = TARGET_SCHEMA.extend(
    {
        vol.Required(ATTR_NUMBER): vol.All(cv.string, vol.Length(min=1, max=32)),
        # Left out: the slot the port works on.
        vol.Optional(ATTR_SLOT): vol.All(vol.Coerce(int), vol.Range(min=1, max=32)),
    }
)

type Handler = Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]


def _the_only_gateway(hass: HomeAssistant) -> EjoinConfigEntry:
    """Return the one loaded gateway, for an SMS that names no device."""
    loaded = [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED
    ]
    if len(loaded) != 1:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="choose_a_gateway"
        )
    return loaded[0]


def _sim_to_number(target: GatewayTarget, port: int, slot: int | None) -> PortAddress:
    """Find the SIM whose number is set: the slot given, else the one the port works on.

    The gateway numbers SIMs port by port, as many as it has slots per port: without
    knowing how many, a number could land on another port's SIM.
    """
    gateway = target.entry.runtime_data.gateway
    if gateway.max_slots is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="slots_not_known"
        )
    if slot is None:
        working = gateway.ports.get(port)
        if working is None or working.address.slot is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="working_slot_not_known",
                translation_placeholders={"port": str(port)},
            )
        slot = working.address.slot
    if slot > gateway.max_slots:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_such_slot",
            translation_placeholders={
                "slot": str(slot),
                "slots": str(gateway.max_slots),
            },
        )
    return PortAddress(port=port, slot=slot)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, for every gateway)."""

    def on_ports(
        send: Callable[..., Awaitable[None]],
    ) -> Handler:
        """Handle an action by one request per gateway for the ports it targets."""

        async def handle(call: ServiceCall) -> ServiceResponse:
            for target in port_targets(hass, call.data):
                ports = addresses(target.ports)
                await async_request(hass, target.entry, partial(send, ports=ports))
            return None

        return handle

    def on_gateways(send: Callable[[EjoinClient], Awaitable[None]]) -> Handler:
        """Handle an action by one request to each targeted gateway."""

        async def handle(call: ServiceCall) -> ServiceResponse:
            for target in gateway_targets(hass, call.data, call.service):
                await async_request(hass, target.entry, send)
            return None

        return handle

    async def redial(call: ServiceCall) -> ServiceResponse:
        targets = port_targets(hass, call.data)
        for target in targets:  # refuse before anything is sent
            target.entry.runtime_data.redial.check(target.ports)
        for target in targets:
            await async_redial(
                hass, target.entry, target.ports, REDIAL_MODES[call.data[ATTR_MODE]]
            )
        return None

    async def switch_sim(call: ServiceCall) -> ServiceResponse:
        slot = call.data[ATTR_SLOT]
        targets = port_targets(hass, call.data)
        for target in targets:
            slots = target.entry.runtime_data.gateway.max_slots or 1
            if slot > slots:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="no_such_slot",
                    translation_placeholders={"slot": str(slot), "slots": str(slots)},
                )
        for target in targets:
            await async_request(
                hass,
                target.entry,
                partial(EjoinClient.switch, slots=addresses(target.ports, slot=slot)),
            )
        return None

    async def send_sms(call: ServiceCall) -> ServiceResponse:
        ports: str | None = None
        if targeted(call.data):
            targets = resolve_targets(hass, call.data)
            if len(targets) > 1:
                raise ServiceValidationError(
                    translation_domain=DOMAIN, translation_key="one_gateway_per_sms"
                )
            entry = targets[0].entry
            if targets[0].ports and not targets[0].whole_gateway:
                ports = ports_expression(addresses(targets[0].ports))
        else:
            entry = _the_only_gateway(hass)
        tasks = await async_send(
            hass,
            entry,
            recipients=parse_recipients(call.data[ATTR_NUMBERS]),
            text=call.data[ATTR_MESSAGE],
            ports=ports,
            delivery_report=call.data[ATTR_DELIVERY_REPORT],
            task_id=call.data.get(ATTR_TASK_ID),
        )
        # accepted None, status "not_confirmed": the gateway did not answer (the task
        # is handed over again), or refused the task handed over again: either way it
        # may send it or not. "already_accepted": the gateway had it already.
        return {
            "tasks": [
                {
                    "task_id": task["task_id"],
                    "accepted": task["accepted"],
                    "status": task["status"],
                }
                for task in tasks
            ]
        }

    async def get_public_ip(call: ServiceCall) -> ServiceResponse:
        ports: list[JsonValueType] = []
        for target in port_targets(hass, call.data):
            mac = target.entry.runtime_data.gateway.mac
            public_ips = await async_request(
                hass, target.entry, lambda client: client.get_public_ips()
            )
            ports += [
                {
                    "gateway": mac,
                    "port": port,
                    "public_ip": public_ips.get(port),
                }
                for port in sorted(target.ports)
            ]
        return {"ports": ports}

    async def set_sim_number(call: ServiceCall) -> ServiceResponse:
        targets = port_targets(hass, call.data)
        ports = [(target, port) for target in targets for port in target.ports]
        if len(ports) != 1:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="one_port_only",
                translation_placeholders={"ports": str(len(ports))},
            )
        target, port = ports[0]
        sim = _sim_to_number(target, port, call.data.get(ATTR_SLOT))
        slots_per_port = target.entry.runtime_data.gateway.max_slots or 1
        numbers = {sim: call.data[ATTR_NUMBER]}
        taken = await async_request(
            hass,
            target.entry,
            partial(
                EjoinClient.set_sim_numbers,
                numbers=numbers,
                slots_per_port=slots_per_port,
            ),
        )
        if taken < 1:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_refused",
                translation_placeholders={"reason": "no SIM number was set"},
            )
        return None

    register = hass.services.async_register
    register(DOMAIN, "set_sim_number", set_sim_number, schema=SIM_NUMBER_SCHEMA)
    register(DOMAIN, "redial", redial, schema=REDIAL_SCHEMA)
    register(
        DOMAIN,
        "lock_port",
        on_ports(EjoinClient.lock),
        schema=TARGET_SCHEMA,
    )
    register(
        DOMAIN,
        "unlock_port",
        on_ports(EjoinClient.unlock),
        schema=TARGET_SCHEMA,
    )
    register(
        DOMAIN,
        "reset_port",
        on_ports(EjoinClient.reset),
        schema=TARGET_SCHEMA,
    )
    register(DOMAIN, "switch_sim", switch_sim, schema=SWITCH_SIM_SCHEMA)
    register(
        DOMAIN,
        "reboot",
        on_gateways(lambda client: client.reboot()),
        schema=TARGET_SCHEMA,
    )
    register(
        DOMAIN,
        "save_config",
        on_gateways(lambda client: client.save()),
        schema=TARGET_SCHEMA,
    )
    register(
        DOMAIN,
        "send_sms",
        send_sms,
        schema=SEND_SMS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    register(
        DOMAIN,
        "get_public_ip",
        get_public_ip,
        schema=TARGET_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
