"""The documents the simulated gateway sends: status reports, call records and SMS.

Written from the vendor's two documents (the SMS firmware's status reports and the
proxy firmware's HTTP API) and what real devices were seen to send; with ``quirks``,
in the variants real gateways mix into one report. The gateway's state is in
``model``; the documents are methods of :class:`Gateway` because callers (tests,
benchmarks) ask the gateway itself for the report it would send now.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from .model import ON_NETWORK, STATUS_TEXT, GatewayState, Port, Sim

# How the gateway labels every JSON document it sends or answers with.
JSON_TYPE = "application/json;charset=utf-8"
# Proxy firmware: one port's value, the port counted from 0 as in port_public_ip(0).
INDEXED_PARAMETER = re.compile(
    r"(port_public_ip|ports?_rx_tx|data_service_enable)\((\d+)\)"
)


def _traffic(port: Port) -> str:
    """Write a port's traffic as the proxy firmware does: "<rx bytes>/<tx bytes>"."""
    return f"{port.rx_bytes}/{port.tx_bytes}"


class Gateway(GatewayState):
    """The simulated gateway: its state, and the documents it writes about it."""

    # --- how values are written --------------------------------------------------

    def sim_src(self, port: int) -> int | str:
        """Return the ``sim_src`` of reports about a port: 1 for a remote SIM, else 0."""
        return self._maybe_text(1 if self.on_sim_bank(port) else 0)

    def _maybe_text(self, value: int) -> int | str:
        """Write a number as text in quirks mode, as many real gateways do."""
        return str(value) if self.quirks else value

    def _status(self, status: int, port: int) -> int | str:
        """Write a status code: plain normally; in mixed forms with quirks."""
        if not self.quirks:
            return status
        forms: list[int | str] = [
            status,
            str(status),
            f"{status} {STATUS_TEXT.get(status, '')}",
        ]
        return forms[port % 3]

    def _sim_identity(self, sim: Sim | None, status: int) -> dict[str, Any]:
        """Return the SIM fields every report shape shares (empty without a SIM)."""
        registered = status in ON_NETWORK
        if sim is None:
            return {"iccid": "", "imsi": "", "sn": "", "opr": "0 ", "bal": "0.00"}
        return {
            "iccid": sim.iccid,
            "imsi": sim.imsi,
            "sn": sim.number,
            "opr": f"{sim.operator_code} {sim.operator_name}" if registered else "0 ",
            "bal": f"{sim.balance:.2f}",
        }

    @staticmethod
    def _data_usage(sim: Sim) -> dict[str, Any]:
        """Return the ``dataflow_*`` fields of a SIM."""
        return {
            "dataflow_tot": f"{sim.data_mb['tot']:.2f}",
            "dataflow_day": f"{sim.data_mb['day']:.2f}",
            "dataflow_24hours": f"{sim.data_mb['24hours']:.2f}",
            "dataflow_1hour": f"{sim.data_mb['1hour']:.2f}",
            "dataflow_last": f"{sim.data_mb['last']:.2f}",
            "dataflow_url": sim.last_url,
        }

    def _next_seq(self, port: Port) -> int | str:
        """Count the port's objects: ``seq`` grows with every one reported."""
        port.seq += 1
        return self._maybe_text(port.seq)

    # --- status reports ------------------------------------------------------

    def port_object(self, port: Port, slot: int, now: float) -> dict[str, Any]:
        """One port (SIM slot) as a ``dev-status`` lists it."""
        sim = port.slots.get(slot)
        status = port.slot_status(slot, now)
        signal = self._maybe_text(sim.signal if sim and status in ON_NETWORK else 0)
        if self.proxy:
            # Proxy firmware: a data port's identity, signal and traffic.
            body: dict[str, Any] = {
                "port": self.address(port.number, slot),
                "seq": self._next_seq(port),
                "st": self._status(status, port.number),
            }
            if sim is None:
                return {**body, "imei": port.imei}
            identity = self._sim_identity(sim, status)
            return {
                **body,
                "bal": identity["bal"],
                "opr": identity["opr"],
                "sn": identity["sn"],
                "imei": port.imei,
                "imsi": identity["imsi"],
                "iccid": identity["iccid"],
                "sig": signal,
                **self._data_usage(sim),
            }
        body = {
            "port": self.address(port.number, slot),
            "sim": "",
            "seq": self._next_seq(port),
            "st": self._status(status, port.number),
            "imei": port.imei,
        }
        if sim is None:
            return body
        identity = self._sim_identity(sim, status)
        return {
            **body,
            "iccid": identity["iccid"],
            "imsi": identity["imsi"],
            "sn": identity["sn"],
            "opr": identity["opr"],
            "bal": identity["bal"],
            "sig": signal,
            "tot_dur": f"{sim.call_minutes[0]}/-1",
            "mon_dur": f"{sim.call_minutes[1]}/-1",
            "day_dur": f"{sim.call_minutes[2]}/-1",
            "mcn_tot": f"{sim.call_numbers[0]}/-1",
            "mcn_mon": f"{sim.call_numbers[1]}/-1",
            "mcn_day": f"{sim.call_numbers[2]}/-1",
            "mtn_tot": f"{sim.talk_numbers[0]}/-1",
            "mtn_mon": f"{sim.talk_numbers[1]}/-1",
            "mtn_day": f"{sim.talk_numbers[2]}/-1",
            "smsctl_tot": f"{sim.sms_sent[0]}/-1",
            "smsctl_mon": f"{sim.sms_sent[1]}/-1",
            "smsctl_day": f"{sim.sms_sent[2]}/{sim.sms_limit_day}",
            **self._data_usage(sim),
        }

    def dev_status(self, now: float) -> dict[str, Any]:
        """Describe the whole device as the periodic ``dev-status`` report."""
        self.report_seq += 1
        objects = []
        for port in self.ports.values():
            slots = list(port.slots) if self.all_sims else [port.active_slot]
            objects += [self.port_object(port, slot, now) for slot in slots]
        slot_key = "max-slot" if self.quirks else "max-slots"
        if self.quirks:
            expires = -1
        elif self.proxy:
            expires = self.report_period or 180  # the proxy spec's own example: 180
        else:
            expires = 60000  # the status spec's own example, whatever the period
        return {
            "type": "dev-status",
            "seq": self.report_seq,
            "expires": expires,
            "mac": self.mac,
            "ip": "127.0.0.1",
            "ver": self.firmware,
            "max-ports": len(self.ports),
            slot_key: self.slots_per_port,
            "status": objects,
        }

    def port_status(
        self, port: Port, now: float, slot: int | None = None
    ) -> dict[str, Any]:
        """Describe one slot (the working one unless told) as a ``port-status``."""
        slot = port.active_slot if slot is None else slot
        sim = port.slots.get(slot)
        status = port.slot_status(slot, now)
        address = self.address(port.number, slot)
        if self.proxy:
            # Exactly the proxy spec's example (3.4): "status" as code and text, no
            # signal, counters or traffic.
            identity = self._sim_identity(sim, status)
            return {
                "type": "port-status",
                "port": address,
                "seq": self._next_seq(port),
                "status": f"{status} {STATUS_TEXT.get(status, '')}".rstrip(),
                "bal": identity["bal"],
                "opr": identity["opr"],
                "sn": identity["sn"],
                "imei": port.imei,
                "imsi": identity["imsi"],
                "iccid": identity["iccid"],
            }
        # The status spec's example (4.1), with ``active`` from its table.
        body: dict[str, Any] = {
            "type": "port-status",
            "port": address,
            "sim": "",
            "seq": self._next_seq(port),
            "st": self._status(status, port.number),
            "active": "1" if slot == port.active_slot else "0",
            "imei": port.imei,
        }
        if sim is None:
            return body
        identity = self._sim_identity(sim, status)
        return {
            **body,
            "iccid": identity["iccid"],
            "imsi": identity["imsi"],
            "sn": identity["sn"],
            "opr": identity["opr"],
            "bal": identity["bal"],
            "sig": self._maybe_text(sim.signal if status in ON_NETWORK else 0),
            "tot_dur": f"{sim.call_minutes[0]}/-1",
            "mon_dur": f"{sim.call_minutes[1]}/-1",
            "day_dur": f"{sim.call_minutes[2]}/-1",
        }

    # --- calls ---------------------------------------------------------------

    def cdr_fields(self, port: Port, now: float) -> dict[str, Any]:
        """Return a ``cdr``'s port and SIM fields, as the status spec's example has them."""
        sim = port.sim
        return {
            "type": "cdr",
            "port": self.address(port.number, port.active_slot),
            "seq": self._next_seq(port),
            "st": self._status(port.status(now), port.number),
            "imei": port.imei,
            "iccid": sim.iccid if sim else "",
            "imsi": sim.imsi if sim else "",
            "bal": "0.00",  # the example's value; a cdr does not say the real balance
            "mac": self.mac,
            "ip": "127.0.0.1",
        }

    def cdrs(
        self,
        port: Port,
        now: float,
        *,
        wall_time: int,
        caller: str,
        callee: str,
        incoming: bool,
        duration: int,
        answered: bool,
    ) -> list[dict[str, Any]]:
        """Return a call's records: one ``cdr`` per minute talked, then the final one.

        ``wall_time`` is when the call ended; it began ``duration`` seconds (and five
        of ringing) before.
        """
        begin = wall_time - duration - 5
        answer = begin + 5 if answered else 0
        record = {
            **self.cdr_fields(port, now),
            "sip_usr": "",
            "cid": secrets.token_urlsafe(16),
            "cdir": "MO" if incoming else "MT",
            "caller": caller,
            "callee": callee,
            "begin": begin,
            "alert": begin + 2,
            "answer": answer,
        }
        updates = duration // 60 if answered else 0
        records = [
            {
                **record,
                "update": answer + minute * 60,
                "end": 0,
                "reason": "",
                "gw_reason": "0 ",
            }
            for minute in range(1, updates + 1)
        ]
        return [
            *records,
            {
                **record,
                "update": 0,
                "end": wall_time,
                "reason": "201 Caller Hangup" if answered else "487 Request Terminated",
                "gw_reason": "0 ",
            },
        ]

    # --- SMS ---------------------------------------------------------------------

    def recv_sms(self, row: list[Any], *, port: int) -> dict[str, Any]:
        """Describe one stored SMS row as the ``recv-sms`` pushed to the SMS URL."""
        return {
            "type": "recv-sms",
            "sms_num": self._maybe_text(1),
            "sim_src": self.sim_src(port),
            "sms": [row],
        }

    def sent_sms(
        self, port: Port, *, tid: int, seq: int, recipient: str, text: str, at: int
    ) -> dict[str, Any]:
        """Describe one message of an SMS task, sent to one recipient: ``sent-sms``."""
        return {
            "type": "sent-sms",
            "mac": self.mac,
            "sim_src": self.sim_src(port.number),
            "port": self.address(port.number, port.active_slot),
            "seq": seq,
            "sms_tid": tid,
            "src_type": 3,
            "src_ip": "",
            "src_port": 0,
            "status": "0 " if self.quirks else "0 OK",
            "time": at,
            "dur": 250,
            "receiver" if self.quirks else "recver": recipient,
            "smsc": "",
            "charset": "UTF-8",
            "data": text,
        }

    def status_report(
        self,
        tid: int,
        rows: list[list[Any]],
        *,
        sent: int | None = None,
        unsent: int = 0,
    ) -> dict[str, Any]:
        """Describe an SMS task's progress as a ``status-report``.

        ``rows`` are the ``sdr`` rows new since the task's last report; ``sent`` and
        ``unsent`` its totals (``sent`` defaults to the rows: a task reported once, at
        its end). Nothing is being sent while a report is written: a task is reported
        when it ends, or when it is paused.
        """
        return {
            "type": "status-report",
            "rpt_num": self._maybe_text(1),
            "rpts": [
                {
                    "tid": tid,
                    "sending": 0,
                    "sent": len(rows) if sent is None else sent,
                    "failed": 0,
                    "unsent": unsent,
                    "sdr": rows,
                    "fdr": [],
                }
            ],
        }

    # --- answers to requests -------------------------------------------------------

    def parameter(self, name: str) -> Any:
        """Return what ``op=get`` gives for a parameter; LookupError if it has none."""
        lowered = name.lower()
        if lowered == "sms_url":
            return self.sms_url or ""
        if self.proxy:  # per-port values, lists indexed from port 1
            ports = list(self.ports.values())
            if lowered == "port_public_ip":
                return [port.public_ip for port in ports]
            if lowered == "data_service_enable":  # the SMS firmware does not know it
                return [int(port.data_enabled) for port in ports]
            if lowered in ("ports_rx_tx", "port_rx_tx"):
                return [_traffic(port) for port in ports]
            if lowered == "port_status":
                now = time.monotonic()
                return [port.status(now) for port in ports]
            if indexed := INDEXED_PARAMETER.fullmatch(lowered):  # n counts from 0
                port = self.ports.get(int(indexed[2]) + 1)
                if port is None:
                    raise LookupError(f"no port for {name}")
                if indexed[1] == "port_public_ip":
                    return port.public_ip
                if indexed[1] == "data_service_enable":
                    return int(port.data_enabled)
                return _traffic(port)
        raise LookupError(f"unknown parameter {name}")

    def sms_stats(self) -> dict[str, Any]:
        """Describe each port's SMS sent today, for ``goip_get_sms_stat.html``."""
        stats = [
            {
                "port": port.number,
                "slot": port.active_slot,
                "sent": port.sim.sms_sent[2] if port.sim else 0,
            }
            for port in self.ports.values()
        ]
        return {"code": 200, "reason": "OK", "count": len(stats), "stats": stats}

    def call_stats(self) -> dict[str, Any]:
        """Describe each port's call minutes today, for ``goip_get_call_stat.html``."""
        stats = [
            {
                "port": port.number,
                "slot": port.active_slot,
                "minutes": port.sim.call_minutes[2] if port.sim else 0,
            }
            for port in self.ports.values()
        ]
        return {"code": 200, "reason": "OK", "count": len(stats), "stats": stats}
