"""The gateway's device and its ports' devices, kept as the gateway and the user say.

Port devices carry their gateway's name ("Rack A Port 3"): with several gateways,
"Port 3" alone names nothing, and entity ids made from it would collide. When the user
renames the gateway's device, its ports follow; when the gateway reports other firmware
or another size, the gateway's device shows it.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo

from .connection import web_interface
from .gateway import EjoinGateway
from .identifiers import gateway_device_info, port_device_info, port_devices
from .pyejoin import DeviceStatusReport, Report

# What the device registry's update event lists when a device's name changed.
_NAME_FIELDS = ("name", "name_by_user")


class GatewayDevices:
    """Registers the gateway's device and describes its ports' devices."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, gateway: EjoinGateway
    ) -> None:
        """Register (or find) the gateway's device as the gateway reports itself."""
        self._hass = hass
        self._entry = entry
        self._gateway = gateway
        registry = dr.async_get(hass)
        device = registry.async_get_or_create(
            config_entry_id=entry.entry_id, **self.gateway_info()
        )
        self.gateway_device_id = device.id
        self.gateway_name = device.name_by_user or device.name or entry.title

    def gateway_info(self) -> DeviceInfo:
        """Describe the gateway's device: the entry's title, firmware and size."""
        gateway = self._gateway
        return gateway_device_info(
            mac=gateway.mac,
            name=self._entry.title,
            ports=gateway.max_ports or len(gateway.ports),
            firmware=gateway.firmware,
            web_interface=web_interface(self._entry.data),
        )

    def port_info(self, port: int) -> DeviceInfo:
        """Describe a port's device, named after the gateway as the user sees it."""
        return port_device_info(
            mac=self._gateway.mac,
            port=port,
            gateway_name=self.gateway_name,
            gateway_device_id=self.gateway_device_id,
        )

    @callback
    def listen(self) -> CALLBACK_TYPE:
        """Follow renames of the gateway's device and the gateway's own reports."""
        stop_reports = self._gateway.report_applied.add(self._report_applied)
        stop_renames = self._hass.bus.async_listen(
            dr.EVENT_DEVICE_REGISTRY_UPDATED,
            self._renamed,
            event_filter=self._is_rename,
        )

        def stop() -> None:
            stop_reports()
            stop_renames()

        return stop

    @callback
    def _report_applied(self, report: Report) -> None:
        """Show another firmware or size on the gateway's device."""
        if not isinstance(report, DeviceStatusReport):
            return
        registry = dr.async_get(self._hass)
        device = registry.async_get(self.gateway_device_id)
        info = self.gateway_info()
        if device is not None and (
            device.sw_version != info.get("sw_version")
            or device.model != info.get("model")
        ):
            registry.async_update_device(
                device.id, sw_version=info.get("sw_version"), model=info.get("model")
            )

    @callback
    def _is_rename(self, event_data: dr.EventDeviceRegistryUpdatedData) -> bool:
        return (
            event_data["action"] == "update"
            and event_data["device_id"] == self.gateway_device_id
            and any(field in event_data["changes"] for field in _NAME_FIELDS)
        )

    @callback
    def _renamed(self, event: Event[dr.EventDeviceRegistryUpdatedData]) -> None:
        """Name the ports after the gateway's new name."""
        registry = dr.async_get(self._hass)
        device = registry.async_get(self.gateway_device_id)
        if device is None:
            return
        self.gateway_name = device.name_by_user or device.name or self._entry.title
        entry_id = self._entry.entry_id
        for port in port_devices(self._hass, entry_id, self._gateway.mac):
            registry.async_get_or_create(
                config_entry_id=entry_id, **self.port_info(port)
            )
