"""Sensors: what each port's active SIM reports, and a few gateway-wide values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from operator import attrgetter
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfInformation,
    UnitOfTime,
)
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
from .gateway import (
    FIRMWARE,
    LAST_REPORT,
    REGISTERED_PORTS,
    EjoinGateway,
    slot_fields,
)
from .identifiers import port_unique_id
from .port_values import (
    STATUS_OPTIONS,
    fit_state,
    limit_attributes,
    signal_dbm,
    status_option,
    used,
)
from .public_ip import PublicIpCoordinator, PublicIpData
from .pyejoin import ADDRESS, PortState, PortStatus
from .runtime import EjoinConfigEntry

PARALLEL_UPDATES = 0  # pushed: nothing to throttle


@dataclass(frozen=True, kw_only=True)
class EjoinPortSensorDescription(SensorEntityDescription):
    """A sensor of a port: how to read its value (and attributes) from the port state."""

    value_fn: Callable[[PortState], Any]
    attributes_fn: Callable[[PortState], dict[str, Any] | None] = lambda _: None
    # The fields of the port state the two functions read (see gateway.listen_port).
    reads: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class EjoinGatewaySensorDescription(SensorEntityDescription):
    """A sensor of the gateway: how to read its value from the gateway's state."""

    value_fn: Callable[[EjoinGateway], Any]
    reads: frozenset[str]  # the gateway-wide values it shows (see gateway.py)


def _counter_sensors(
    key: str,
    *,
    unit: str | None = None,
    device_class: SensorDeviceClass | None = None,
) -> list[EjoinPortSensorDescription]:
    """Describe three sensors of one used/limit counter: today, this month, in total.

    Disabled by default: twelve a port, which few users look at, would crowd a gateway.
    """

    def value_of(period: str) -> Callable[[PortState], int | None]:
        return lambda state: used(getattr(getattr(state, key), period))

    def limit_of(period: str) -> Callable[[PortState], dict[str, Any] | None]:
        return lambda state: limit_attributes(getattr(getattr(state, key), period))

    return [
        EjoinPortSensorDescription(
            key=f"{key}_{period}",
            translation_key=f"{key}_{period}",
            native_unit_of_measurement=unit,
            device_class=device_class,
            state_class=SensorStateClass.TOTAL_INCREASING,
            entity_registry_enabled_default=False,
            value_fn=value_of(period),
            attributes_fn=limit_of(period),
            reads=frozenset({f"{key}.{period}"}),
        )
        for period in ("day", "month", "total")
    ]


def _data_sensor(
    key: str, field: str, state_class: SensorStateClass, *, enabled: bool = False
) -> EjoinPortSensorDescription:
    """Describe a sensor of mobile data used (a field of ``DataUsage``), in megabytes."""
    return EjoinPortSensorDescription(
        key=key,
        translation_key=key,
        native_unit_of_measurement=UnitOfInformation.MEGABYTES,
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=state_class,
        suggested_display_precision=2,
        entity_registry_enabled_default=enabled,
        value_fn=attrgetter(f"data.{field}"),
        reads=frozenset({f"data.{field}"}),
    )


PORT_SENSORS: tuple[EjoinPortSensorDescription, ...] = (
    EjoinPortSensorDescription(
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=STATUS_OPTIONS,
        value_fn=status_option,
        attributes_fn=lambda state: {
            "code": state.status_code,
            "text": state.status_text,
        },
        reads=frozenset({"status_code", "status_text"}),
    ),
    EjoinPortSensorDescription(
        key="signal_strength",
        translation_key="signal_strength",
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=signal_dbm,
        reads=frozenset({"signal"}),
    ),
    EjoinPortSensorDescription(
        key="signal_level",
        translation_key="signal_level",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda state: state.signal,
        reads=frozenset({"signal"}),
    ),
    EjoinPortSensorDescription(
        key="operator",
        translation_key="operator",
        value_fn=lambda state: (
            None
            if state.operator is None
            else state.operator.name or state.operator.code
        ),
        attributes_fn=lambda state: (
            None
            if state.operator is None
            else {"mcc": state.operator.mcc, "mnc": state.operator.mnc}
        ),
        reads=frozenset({"operator"}),
    ),
    EjoinPortSensorDescription(
        key="balance",
        translation_key="balance",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=lambda state: state.balance,
        reads=frozenset({"balance"}),
    ),
    EjoinPortSensorDescription(
        key="sim_number",
        translation_key="sim_number",
        value_fn=lambda state: state.sim_number,
        reads=frozenset({"sim_number"}),
    ),
    EjoinPortSensorDescription(
        key="active_slot",
        translation_key="active_slot",
        value_fn=lambda state: state.address.slot,
        reads=frozenset({ADDRESS}),
    ),
    # The modem's and the SIM's identities: diagnostic, and private unless enabled.
    *(
        EjoinPortSensorDescription(
            key=key,
            translation_key=key,
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,
            value_fn=attrgetter(key),
            reads=frozenset({key}),
        )
        for key in ("imei", "imsi", "iccid")
    ),
    *_counter_sensors(
        "call_minutes", unit=UnitOfTime.MINUTES, device_class=SensorDeviceClass.DURATION
    ),
    *_counter_sensors("sms_sent"),
    *_counter_sensors("call_numbers"),
    *_counter_sensors("talk_numbers"),
    # Only today's data is enabled by default: the figure most users watch.
    _data_sensor("data_last_hour", "last_hour", SensorStateClass.MEASUREMENT),
    _data_sensor("data_last_24_hours", "last_24_hours", SensorStateClass.MEASUREMENT),
    _data_sensor("data_today", "day", SensorStateClass.TOTAL_INCREASING, enabled=True),
    _data_sensor("data_total", "total", SensorStateClass.TOTAL_INCREASING),
    _data_sensor("data_last_session", "last_session", SensorStateClass.MEASUREMENT),
    EjoinPortSensorDescription(
        key="last_url",
        translation_key="last_url",
        entity_registry_enabled_default=False,
        value_fn=lambda state: state.data.last_url,
        reads=frozenset({"data.last_url"}),
    ),
)

SIM_SLOTS_SENSOR = EjoinPortSensorDescription(
    key="sim_slots",
    translation_key="sim_slots",
    state_class=SensorStateClass.MEASUREMENT,
    value_fn=lambda _: None,  # read from every slot of the port: EjoinSimSlotsSensor
    # Each slot's status, operator and balance, and which slot is active.
    reads=slot_fields(frozenset({"status_code", "operator", "balance"})) | {ADDRESS},
)


def port_sensors_for(currency: str | None) -> tuple[EjoinPortSensorDescription, ...]:
    """Return the port sensors; with a currency, the balance is an amount of money.

    Without one it stays a plain number: a SIM's credit may be units as well as money.
    """
    if not currency:
        return PORT_SENSORS
    return tuple(
        replace(
            description,
            device_class=SensorDeviceClass.MONETARY,
            native_unit_of_measurement=currency,
            state_class=SensorStateClass.TOTAL,  # the only one allowed for money
        )
        if description.key == "balance"
        else description
        for description in PORT_SENSORS
    )


@dataclass(frozen=True, kw_only=True)
class EjoinPublicIpSensorDescription(SensorEntityDescription):
    """A sensor of proxy firmware's readings: how to read it for a port."""

    value_fn: Callable[[PublicIpData, int], Any]


PUBLIC_IP_SENSOR = EjoinPublicIpSensorDescription(
    key="public_ip",
    translation_key="public_ip",
    value_fn=lambda data, port: data.public_ips.get(port),
)


def _traffic_of(index: int) -> Callable[[PublicIpData, int], int | None]:
    """Read one of a port's traffic counters: 0 received, 1 sent."""

    def value(data: PublicIpData, port: int) -> int | None:
        counters = data.traffic.get(port)
        return None if counters is None else counters[index]

    return value


TRAFFIC_SENSORS = [
    EjoinPublicIpSensorDescription(
        key=f"data_{direction}",
        translation_key=f"data_{direction}",
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.MEGABYTES,
        suggested_display_precision=2,  # else the UI shows bytes as 0.000000 MB
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,  # the public IP is what most watch
        value_fn=_traffic_of(index),
    )
    for index, direction in enumerate(("received", "sent"))
]

GATEWAY_SENSORS: tuple[EjoinGatewaySensorDescription, ...] = (
    EjoinGatewaySensorDescription(
        key="registered_ports",
        translation_key="registered_ports",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda gateway: gateway.registered_ports,
        reads=frozenset({REGISTERED_PORTS}),
    ),
    EjoinGatewaySensorDescription(
        key="firmware",
        translation_key="firmware",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda gateway: gateway.firmware,
        reads=frozenset({FIRMWARE}),
    ),
    # Disabled by default: it changes with every report, which no other entity does.
    EjoinGatewaySensorDescription(
        key="last_report",
        translation_key="last_report",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda gateway: gateway.last_report,
        reads=frozenset({LAST_REPORT}),
    ),
)


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
