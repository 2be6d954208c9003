"""Sensors: what each port's active SIM reports, and a few gateway-wide values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.sensor import SensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import CONF_CURRENCY
from .entity import (
    EjoinEntity,
    EjoinGatewayEntity,
    EjoinPortEntity,
    async_add_port_entities,
)
from .identifiers import port_unique_id
from .port_values import fit_state, status_option
from .public_ip import PublicIpCoordinator
from .pyejoin import PortState, PortStatus
from .runtime import EjoinConfigEntry
from .sensor_descriptions import (
    GATEWAY_SENSORS,
    PUBLIC_IP_SENSOR,
    SIM_SLOTS_SENSOR,
    TRAFFIC_SENSORS,
    EjoinGatewaySensorDescription,
    EjoinPortSensorDescription,
    EjoinPublicIpSensorDescription,
    port_sensors_for,
)

PARALLEL_UPDATES = 0  # pushed: nothing to throttle


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EjoinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the gateway's sensors and each port's, including ports that appear later."""
    async_add_entities(
        EjoinGatewaySensor(entry, description) for description in GATEWAY_SENSORS
    )
    public_ips = entry.runtime_data.public_ips
    public_ip_sensors = (
        []
        if public_ips is None
        else [PUBLIC_IP_SENSOR, *(TRAFFIC_SENSORS if public_ips.has_traffic else ())]
    )

    descriptions = port_sensors_for(entry.options.get(CONF_CURRENCY))

    def port_sensors(port: int) -> list[SensorEntity]:
        entities: list[SensorEntity] = [
            EjoinPortSensor(entry, port, description) for description in descriptions
        ]
        if entry.runtime_data.gateway.all_sims:
            entities.append(EjoinSimSlotsSensor(entry, port, SIM_SLOTS_SENSOR))
        if public_ips is not None:
            entities += [
                EjoinPublicIpSensor(entry, public_ips, port, description)
                for description in public_ip_sensors
            ]
        return entities

    async_add_port_entities(entry, async_add_entities, port_sensors)


class EjoinSensor(EjoinEntity, SensorEntity):
    """A pushed sensor of the integration."""

    def shown(self) -> tuple[Any, ...]:
        """Compare the native value: the state is only it formatted, at a cost.

        Every report asks each entity of a changed port what it shows; formatting
        each sensor's value for that was most of the cost of a port-status.
        """
        return (self.available, self.native_value, self.extra_state_attributes)


class EjoinPortSensor(EjoinPortEntity, EjoinSensor):
    """A value the gateway reports for a port's active SIM."""

    entity_description: EjoinPortSensorDescription

    def __init__(
        self,
        entry: EjoinConfigEntry,
        port: int,
        description: EjoinPortSensorDescription,
    ) -> None:
        """Show one value of the port; asked again only when a field it reads changed."""
        super().__init__(entry, port, description)
        self.reads = description.reads

    @property
    def native_value(self) -> Any:
        """The value for the port's active SIM."""
        state = self.port_state
        return (
            None
            if state is None
            else fit_state(self.entity_description.value_fn(state))
        )

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Details of the value, such as a counter's limit."""
        state = self.port_state
        return None if state is None else self.entity_description.attributes_fn(state)


class EjoinSimSlotsSensor(EjoinPortEntity, EjoinSensor):
    """With all-SIM reporting: how many slots hold a SIM, and what each one reports."""

    entity_description: EjoinPortSensorDescription
    reads = SIM_SLOTS_SENSOR.reads

    @property
    def native_value(self) -> int:
        """How many of the port's slots hold a SIM."""
        return sum(
            1 for state in self._slot_states() if state.status_code != PortStatus.NO_SIM
        )

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Each reported slot: status, operator and balance (no SIM identities).

        No signal: only the active slot has one, the signal strength sensor shows it,
        and it changes with nearly every report, which would rewrite this list each time.
        """
        working = self.port_state
        active = None if working is None else working.address
        return {
            "slots": [
                {
                    "slot": state.address.slot,
                    "active": state.address == active,
                    "status": status_option(state),
                    "operator": None if state.operator is None else state.operator.name,
                    "balance": state.balance,
                }
                for state in self._slot_states()
            ]
        }

    def _slot_states(self) -> list[PortState]:
        slots = self.gateway.slots.get(self.port, {})
        return [slots[slot] for slot in sorted(slots)]


class EjoinPublicIpSensor(CoordinatorEntity[PublicIpCoordinator], SensorEntity):
    """A port's public IP or traffic, read from the gateway every few minutes."""

    _attr_has_entity_name = True
    entity_description: EjoinPublicIpSensorDescription

    def __init__(
        self,
        entry: EjoinConfigEntry,
        coordinator: PublicIpCoordinator,
        port: int,
        description: EjoinPublicIpSensorDescription,
    ) -> None:
        """Attach the sensor to its port's device."""
        super().__init__(coordinator)
        self.entity_description = description
        self.port = port
        mac = entry.runtime_data.gateway.mac
        self._attr_unique_id = port_unique_id(mac, port, description.key)
        self._attr_device_info = entry.runtime_data.devices.port_info(port)

    @property
    def native_value(self) -> Any:
        """The latest reading for the port."""
        return fit_state(
            self.entity_description.value_fn(self.coordinator.data, self.port)
        )


class EjoinGatewaySensor(EjoinGatewayEntity, EjoinSensor):
    """A gateway-wide value."""

    entity_description: EjoinGatewaySensorDescription

    def __init__(
        self, entry: EjoinConfigEntry, description: EjoinGatewaySensorDescription
    ) -> None:
        """Show one gateway-wide value; asked again only when it may have changed."""
        super().__init__(entry, description)
        self.reads = description.reads

    @property
    def native_value(self) -> str | int | datetime | None:
        """The value from the gateway's state."""
        value: str | int | datetime | None = self.entity_description.value_fn(
            self.gateway
        )
        return fit_state(value)
