"""The simulator's control API under ``/_sim/``: what tests and demos make happen.

It delivers SMS and calls, changes ports and SIMs, takes the gateway offline, makes it
stall, or reboots it:

- ``GET /_sim/state``: the model (ports, slots, SIMs, settings running and saved);
- ``GET /_sim/outbox``: every SMS the gateway sent, as the network took it;
- ``POST /_sim/sms`` ``{port, slot, sender, text, envelope, padded, push}``;
- ``POST /_sim/delivery-report`` ``{port, recipient, code}``;
- ``POST /_sim/call`` ``{port, caller, callee, direction, duration, answered}``;
- ``POST /_sim/port`` ``{port, slot, signal, balance, data_mb, locked, registering,
  insert_sim, remove_sim}``;
- ``POST /_sim/offline``, ``/_sim/online``, ``/_sim/reboot``;
- ``POST /_sim/hang``, ``/_sim/resume`` (requests wait, unanswered, until resumed) and
  ``/_sim/answer-delay`` ``{seconds}`` (requests are carried out, answered late);
- ``POST /_sim/sms-queue`` ``{hold}``: hold every SMS task (taken and listed, none
  sent) or let them go; answers the queue, as ``/_sim/state`` shows it.
"""

from __future__ import annotations

from collections.abc import Callable
import math
import time
from typing import Any

from aiohttp import web

from .gateway_api import CONTROL, GatewayApi
from .model import Port
from .pushes import PushWorker
from .reports import Gateway
from .sms_tasks import SmsTasks


class ControlApi:
    """The ``/_sim/`` endpoints: the world around the gateway, acting on it."""

    def __init__(
        self,
        gateway: Gateway,
        pushes: PushWorker,
        gateway_api: GatewayApi,
        sms_tasks: SmsTasks,
        *,
        reboot: Callable[[], float],
    ) -> None:
        """Control a gateway; ``reboot`` reboots it and says how long that takes."""
        self.gateway = gateway
        self._pushes = pushes
        self._gateway_api = gateway_api
        self._sms_tasks = sms_tasks
        self._reboot = reboot

    def routes(self) -> list[web.RouteDef]:
        """Return the control endpoints."""
        return [
            web.get(f"{CONTROL}/state", self._get_state),
            web.get(f"{CONTROL}/outbox", self._get_outbox),
            web.post(f"{CONTROL}/sms", self._deliver_sms),
            web.post(f"{CONTROL}/delivery-report", self._deliver_report),
            web.post(f"{CONTROL}/call", self._make_call),
            web.post(f"{CONTROL}/port", self._change_port),
            web.post(f"{CONTROL}/offline", self._go_offline),
            web.post(f"{CONTROL}/online", self._come_online),
            web.post(f"{CONTROL}/reboot", self._start_reboot),
            web.post(f"{CONTROL}/hang", self._hang),
            web.post(f"{CONTROL}/resume", self._resume),
            web.post(f"{CONTROL}/answer-delay", self._set_answer_delay),
            web.post(f"{CONTROL}/sms-queue", self._hold_sms),
        ]

    def _port_and_slot(self, value: Any) -> tuple[Port, int | None]:
        try:
            number, slot = self.gateway.parse_ports(str(value))[0]
            return self.gateway.ports[number], slot
        except (IndexError, KeyError, ValueError):
            raise web.HTTPBadRequest(text=f"unknown port {value!r}") from None

    @staticmethod
    def _slot_of(port: Port, value: Any) -> int:
        try:
            slot = int(value)
        except (TypeError, ValueError):
            slot = 0
        if slot not in port.slots:
            raise web.HTTPBadRequest(
                text=f"unknown slot {value!r} of port {port.number}"
            )
        return slot

    async def _json_body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="expected a JSON object") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="expected a JSON object")
        return body

    async def _get_state(self, request: web.Request) -> web.Response:
        now = time.monotonic()
        gateway = self.gateway
        return web.json_response(
            {
                "firmware": gateway.profile,
                "ver": gateway.firmware,
                "mac": gateway.mac,
                "ssrc": gateway.ssrc,
                "offline": gateway.offline,
                "hanging": self._gateway_api.stall.hanging,
                "answer_delay": self._gateway_api.stall.answer_delay,
                "bad_login": self._gateway_api.bad_login,
                "report_url": gateway.report_url,
                "report_period": gateway.report_period,
                "all_sims": gateway.all_sims,
                "sms_url": gateway.sms_url,
                "saved_sms_url": gateway.saved_sms_url,
                "inbox": len(gateway.inbox.rows),
                "outbox": len(gateway.outbox),
                "sms_queue": self._sms_tasks.describe(),
                "pushes": len(self._pushes.sent),
                "push_failures": self._pushes.failures,
                "ports": {
                    str(port.number): {
                        "status": port.status(now),
                        "active_slot": port.active_slot,
                        "address": gateway.address(port.number, port.active_slot),
                        "locked": port.locked,
                        "led": port.led,
                        "data_service": port.data_enabled,
                        "saved_data_service": port.saved_data_enabled,
                        "public_ip": port.public_ip,
                        "imei": port.imei,
                        "sims": {
                            str(slot): None
                            if sim is None
                            else {
                                "iccid": sim.iccid,
                                "imsi": sim.imsi,
                                "number": sim.number,
                                "saved_number": sim.saved_number,
                                "operator": sim.operator_name,
                                "balance": sim.balance,
                                "signal": sim.signal,
                            }
                            for slot, sim in port.slots.items()
                        },
                    }
                    for port in gateway.ports.values()
                },
            }
        )

    async def _get_outbox(self, request: web.Request) -> web.Response:
        return web.json_response(
            [
                {
                    "task_id": message.task_id,
                    "port": message.port,
                    "recipient": message.recipient,
                    "text": message.text,
                }
                for message in self.gateway.outbox
            ]
        )

    async def _deliver_sms(self, request: web.Request) -> web.Response:
        body = await self._json_body(request)
        port, named_slot = self._port_and_slot(body.get("port", 1))
        slot = self._slot_of(port, body.get("slot", named_slot or port.active_slot))
        row_id, row = self.gateway.receive_sms(
            port.number,
            slot,
            str(body.get("sender", "+10000000000")),
            str(body.get("text", "")),
            envelope=bool(body.get("envelope", False)),
            padded=bool(body.get("padded", False)),
        )
        if body.get("push", True):
            self._pushes.push_sms(row, port=port.number)
        return web.json_response({"id": row_id, "row": row})

    async def _deliver_report(self, request: web.Request) -> web.Response:
        body = await self._json_body(request)
        port, _ = self._port_and_slot(body.get("port", 1))
        row_id, row = self.gateway.delivery_report(
            port.number,
            port.active_slot,
            str(body.get("recipient", "")),
            int(body.get("code", 0)),
        )
        self._pushes.push_sms(row, port=port.number)
        return web.json_response({"id": row_id, "row": row})

    async def _make_call(self, request: web.Request) -> web.Response:
        body = await self._json_body(request)
        port, _ = self._port_and_slot(body.get("port", 1))
        duration = int(body.get("duration", 30))
        answered = bool(body.get("answered", True))
        sim = port.sim
        records = self.gateway.cdrs(
            port,
            time.monotonic(),
            wall_time=int(time.time()),
            caller=str(body.get("caller", "+10000000000")),
            callee=str(body.get("callee", sim.number if sim else "")),
            incoming=body.get("direction", "incoming") == "incoming",
            duration=duration,
            answered=answered,
        )
        for record in records:
            self._pushes.push(record)
        if sim is not None:
            minutes = math.ceil(duration / 60) if answered else 0
            sim.call_minutes = [count + minutes for count in sim.call_minutes]
            sim.call_numbers = [count + 1 for count in sim.call_numbers]
            if answered:
                sim.talk_numbers = [count + 1 for count in sim.talk_numbers]
        return web.json_response(
            {"cid": records[0]["cid"], "updates": len(records) - 1}
        )

    async def _change_port(self, request: web.Request) -> web.Response:
        body = await self._json_body(request)
        port, named_slot = self._port_and_slot(body.get("port", 1))
        slot = self._slot_of(port, body.get("slot", named_slot or port.active_slot))
        now = time.monotonic()
        changed: set[int] = set()
        if "locked" in body:
            port.locked = bool(body["locked"])
            changed.add(port.active_slot)
        if "registering" in body:
            port.settle(now, registering=bool(body["registering"]))
            changed.add(port.active_slot)
        sim = port.slots.get(slot)
        if sim is not None:
            if "signal" in body:
                sim.signal = int(body["signal"])
            if "balance" in body:
                sim.balance = float(body["balance"])
            if "data_mb" in body:
                for key in sim.data_mb:
                    sim.data_mb[key] = float(body["data_mb"])
        if {"slot", "signal", "balance", "data_mb"} & set(body):
            changed.add(slot)
        if "remove_sim" in body:
            removed = self._slot_of(port, body["remove_sim"])
            port.slots[removed] = None
            changed.add(removed)
        if "insert_sim" in body:
            inserted = self._slot_of(port, body["insert_sim"])
            port.slots[inserted] = self.gateway.new_sim(port.number, inserted)
            if inserted == port.active_slot:  # the module registers the new SIM
                self._gateway_api.reregister(port, new_ip=True)
            changed.add(inserted)
        for changed_slot in sorted(changed or {port.active_slot}):
            self._pushes.push_slot(port, changed_slot)
        return web.json_response({"status": port.status(time.monotonic())})

    async def _go_offline(self, request: web.Request) -> web.Response:
        self.gateway.offline = True
        return web.json_response({"offline": True})

    async def _come_online(self, request: web.Request) -> web.Response:
        self.gateway.offline = False
        # Back on its network, the device announces itself, as after a reboot.
        self._pushes.push(self.gateway.dev_status(time.monotonic()))
        return web.json_response({"offline": False})

    async def _start_reboot(self, request: web.Request) -> web.Response:
        seconds = self._reboot()
        return web.json_response({"rebooting": True, "seconds": seconds})

    async def _hang(self, request: web.Request) -> web.Response:
        self._gateway_api.stall.hanging = True
        return web.json_response({"hanging": True})

    async def _resume(self, request: web.Request) -> web.Response:
        self._gateway_api.stall.hanging = False  # the waiting requests go on
        return web.json_response({"hanging": False})

    async def _set_answer_delay(self, request: web.Request) -> web.Response:
        body = await self._json_body(request)
        try:
            seconds = float(body.get("seconds", 0))
        except (TypeError, ValueError):
            seconds = math.nan
        if not 0 <= seconds <= 3600:
            raise web.HTTPBadRequest(text="seconds must be from 0 to 3600")
        self._gateway_api.stall.answer_delay = seconds
        return web.json_response({"answer_delay": seconds})

    async def _hold_sms(self, request: web.Request) -> web.Response:
        body = await self._json_body(request)
        if "hold" in body:
            self._sms_tasks.held = bool(body["hold"])
        return web.json_response(self._sms_tasks.describe())
