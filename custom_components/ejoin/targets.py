"""Turn an action's target into the ports and gateways of loaded Ejoin entries.

The target is Home Assistant's: entities, devices, areas, floors, labels. A device or
entity named in the target must be a port or gateway of a loaded gateway, else the
action is refused; "none" targets nothing. Areas, floors and labels may hold anything:
what is not an Ejoin port or gateway in them is left out, and so are disabled devices
and entities that are hidden, disabled, controls or diagnostics, as in Home
Assistant's own targets. A gateway stands for all its ports in an action on ports;
an action on a gateway (reboot, save, the SMS task queue) refuses a port named in the
target, rather than reboot a whole gateway for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_AREA_ID,
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
    ATTR_FLOOR_ID,
    ATTR_LABEL_ID,
    ENTITY_MATCH_ALL,
    ENTITY_MATCH_NONE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)

from .const import DOMAIN
from .identifiers import device_entry_ids, port_of_identifier
from .runtime import EjoinConfigEntry

TARGET_KEYS = (
    ATTR_ENTITY_ID,
    ATTR_DEVICE_ID,
    ATTR_AREA_ID,
    ATTR_FLOOR_ID,
    ATTR_LABEL_ID,
)


@dataclass
class GatewayTarget:
    """What one action targets on one gateway: some of its ports, or the gateway."""

    entry: EjoinConfigEntry
    ports: set[int] = field(default_factory=set)
    whole_gateway: bool = False
    # Port devices the target named themselves (not through an area or a label).
    named_ports: dict[int, str] = field(default_factory=dict)

    def all_ports(self) -> set[int]:
        """Return the ports to act on: a targeted gateway stands for all of its ports."""
        if self.whole_gateway:
            return self.ports | set(self.entry.runtime_data.gateway.ports)
        return set(self.ports)


def targeted(data: Mapping[str, Any]) -> bool:
    """Tell whether the action's data has a target ("none" is one: it targets nothing)."""
    return any(
        data.get(key) == ENTITY_MATCH_NONE or _values(data, key) for key in TARGET_KEYS
    )


def resolve_targets(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> list[GatewayTarget]:
    """Turn the action's target into ports and gateways, one entry per gateway.

    Raises a translated ServiceValidationError for a named device or entity that is
    not of a loaded Ejoin gateway, and when nothing of one is targeted.
    """
    devices = dr.async_get(hass)
    targets: dict[str, GatewayTarget] = {}
    for device_id, named in _device_ids(hass, data).items():
        device = devices.async_get(device_id)
        entry = _entry_of(hass, device)
        if device is None or entry is None:
            if not named:
                continue  # an area or a label holds other things too
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_an_ejoin_device",
                translation_placeholders={
                    "device": device_id if device is None else _name(device)
                },
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
                if named:
                    target.named_ports[port] = _name(device)
    if not targets:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="nothing_targeted"
        )
    return list(targets.values())


def port_targets(hass: HomeAssistant, data: Mapping[str, Any]) -> list[GatewayTarget]:
    """Targets of an action on ports, each with its ports (a gateway's: all of them).

    A gateway that has reported no port yet leaves nothing to act on.
    """
    targets = resolve_targets(hass, data)
    for target in targets:
        target.ports = target.all_ports()
    targets = [target for target in targets if target.ports]
    if not targets:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="nothing_targeted"
        )
    return targets


def gateway_targets(
    hass: HomeAssistant, data: Mapping[str, Any], action: str
) -> list[GatewayTarget]:
    """Targets of an action on whole gateways: a port named in the target is refused."""
    targets = resolve_targets(hass, data)
    for target in targets:
        if target.named_ports:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="gateway_action_on_port",
                translation_placeholders={
                    "action": action,
                    "port": next(iter(target.named_ports.values())),
                    "gateway": target.entry.runtime_data.devices.gateway_name,
                },
            )
    chosen = [target for target in targets if target.whole_gateway]
    if not chosen:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="nothing_targeted"
        )
    return chosen


def _device_ids(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, bool]:
    """Every device the target reaches, and whether it was named (True) or found."""
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    areas = ar.async_get(hass)
    reached: dict[str, bool] = {}

    def reach(device_ids: Iterable[str | None], named: bool) -> None:
        for device_id in device_ids:
            if device_id is not None:
                reached[device_id] = reached.get(device_id, False) or named

    if ENTITY_MATCH_ALL in _values(data, ATTR_ENTITY_ID):
        # "all": every gateway of the integration.
        reach(
            (
                _gateway_device_id(entry)
                for entry in hass.config_entries.async_entries(DOMAIN)
                if entry.state is ConfigEntryState.LOADED
            ),
            named=True,
        )
    for entity_id in _values(data, ATTR_ENTITY_ID):
        if entity_id == ENTITY_MATCH_ALL:
            continue
        entity = entities.async_get(entity_id)
        if entity is None or entity.platform != DOMAIN or entity.device_id is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_an_ejoin_entity",
                translation_placeholders={"entity": entity_id},
            )
        reach([entity.device_id], named=True)
    reach(_values(data, ATTR_DEVICE_ID), named=True)

    # Through areas, floors and labels, as Home Assistant's own targets go: enabled
    # devices, and entities that are enabled, shown and not a control or diagnostic
    # (a label on a port's Reset button does not make the port a target).
    area_ids = set(_values(data, ATTR_AREA_ID))
    for floor_id in _values(data, ATTR_FLOOR_ID):
        area_ids |= {area.id for area in ar.async_entries_for_floor(areas, floor_id)}
    for label_id in _values(data, ATTR_LABEL_ID):
        area_ids |= {area.id for area in ar.async_entries_for_label(areas, label_id)}
        reach(_enabled(dr.async_entries_for_label(devices, label_id)), named=False)
        reach(_primary(er.async_entries_for_label(entities, label_id)), named=False)
    for area_id in area_ids:
        reach(_enabled(dr.async_entries_for_area(devices, area_id)), named=False)
        reach(_primary(er.async_entries_for_area(entities, area_id)), named=False)
    return reached


def _enabled(devices: Iterable[dr.DeviceEntry]) -> Iterable[str]:
    return (device.id for device in devices if device.disabled_by is None)


def _primary(entities: Iterable[er.RegistryEntry]) -> Iterable[str | None]:
    return (
        entity.device_id
        for entity in entities
        if entity.platform == DOMAIN
        and entity.entity_category is None
        and entity.hidden_by is None
        and entity.disabled_by is None
    )


def _values(data: Mapping[str, Any], key: str) -> list[str]:
    """One target field's ids, as a list; "none" means none."""
    value = data.get(key)
    if value is None or value == ENTITY_MATCH_NONE:
        return []
    return [value] if isinstance(value, str) else [str(item) for item in value]


def _entry_of(
    hass: HomeAssistant, device: dr.DeviceEntry | None
) -> EjoinConfigEntry | None:
    """Return the loaded Ejoin config entry a device belongs to."""
    if device is None:
        return None
    for entry_id in device_entry_ids(device):
        entry = hass.config_entries.async_get_entry(entry_id)
        if (
            entry is not None
            and entry.domain == DOMAIN
            and entry.state is ConfigEntryState.LOADED
        ):
            return entry
    return None


def _gateway_device_id(entry: EjoinConfigEntry) -> str:
    return entry.runtime_data.devices.gateway_device_id


def _name(device: dr.DeviceEntry) -> str:
    return device.name_by_user or device.name or device.id
