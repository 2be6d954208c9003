"""What each sensor shows: how to read it from the state, and the fields it reads.

A port sensor is asked what it shows only when one of the fields it ``reads`` changed
(see gateway.FieldListeners); tests check that its functions read no other field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfInformation,
    UnitOfTime,
)

from .gateway import (
    FIRMWARE,
    LAST_REPORT,
    REGISTERED_PORTS,
    EjoinGateway,
    slot_fields,
)
from .port_values import (
    STATUS_OPTIONS,
    limit_attributes,
    signal_dbm,
    status_option,
    used,
)
from .public_ip import PublicIpData
from .pyejoin import ADDRESS, PortState


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
        # Signal 0 of an unregistered SIM is no reading: the status matters too.
        reads=frozenset({"signal", "status_code"}),
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
