"""The simulated gateway's state: ports, SIM slots, counters, SMS inbox and tasks.

Deliberately independent of the integration's protocol package, so that a misreading
of the protocol in one is not silently mirrored by the other.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
import random
import secrets
import time
from typing import Any

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

NO_SIM = 0
REGISTERING = 2
REGISTERED = 3
USER_LOCKED = 12
STATUS_TEXT = {
    NO_SIM: "No SIM",
    REGISTERING: "Registering",
    REGISTERED: "OK",
    USER_LOCKED: "User locked",
}

OPERATORS = [
    ("46000", "CHINA MOBILE"),
    ("46001", "CHINA UNICOM"),
    ("26201", "TELEKOM.DE"),
]


@dataclass
class Sim:
    """One SIM card in a slot."""

    iccid: str
    imsi: str
    number: str
    operator_code: str
    operator_name: str
    balance: float = 10.0
    signal: int = 20
    call_minutes: list[int] = field(
        default_factory=lambda: [0, 0, 0]
    )  # total, month, day
    call_numbers: list[int] = field(default_factory=lambda: [0, 0, 0])
    talk_numbers: list[int] = field(default_factory=lambda: [0, 0, 0])
    sms_sent: list[int] = field(default_factory=lambda: [0, 0, 0])
    sms_limit_day: int = -1
    data_mb: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(
            ("tot", "day", "24hours", "1hour", "last"), 0.0
        )
    )
    last_url: str = ""


@dataclass
class Port:
    """One modem port with its SIM slots."""

    number: int
    imei: str
    slots: dict[int, Sim | None]
    active_slot: int = 1
    locked: bool = False  # the whole port
    locked_slots: set[int] = field(default_factory=set)
    busy_until: float = 0.0  # registering until this monotonic time
    public_ip: str = ""
    rx_bytes: int = 0
    tx_bytes: int = 0
    seq: int = 0

    @property
    def sim(self) -> Sim | None:
        """The SIM in the active slot."""
        return self.slots.get(self.active_slot)

    def status(self, now: float) -> int:
        """Return the status code the gateway reports for the port."""
        if self.locked or self.active_slot in self.locked_slots:
            return USER_LOCKED
        if self.sim is None:
            return NO_SIM
        if now < self.busy_until:
            return REGISTERING
        return REGISTERED


@dataclass
class Inbox:
    """Stored SMS rows, numbered from 1 like the gateway's SMS store."""

    rows: dict[int, list[Any]] = field(default_factory=dict)
    next_id: int = 1

    def add(self, row: list[Any]) -> int:
        """Store a row and return its id."""
        row_id = self.next_id
        self.rows[row_id] = row
        self.next_id += 1
        return row_id

    def renumber(self) -> None:
        """Renumber the kept rows from 1, as after a restart of the gateway."""
        self.rows = dict(enumerate(self.rows.values(), start=1))
        self.next_id = len(self.rows) + 1


def random_ip(rng: random.Random) -> str:
    """Return a public-looking IPv4 address from the shared 100.64.0.0/10 range."""
    return f"100.{rng.randint(64, 127)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


@dataclass
class Gateway:
    """The whole simulated device."""

    ports: dict[int, Port]
    slots_per_port: int
    mac: str
    firmware: str
    lettered: bool = False
    quirks: bool = False
    ssrc: str = field(default_factory=lambda: secrets.token_hex(4))
    inbox: Inbox = field(default_factory=Inbox)
    task_ids: set[int] = field(default_factory=set)
    report_url: str | None = None
    report_period: int = 0
    all_sims: bool = False
    sms_url: str | None = None
    data_service: bool = True
    report_seq: int = 0
    rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def create(
        cls,
        *,
        ports: int,
        slots: int,
        mac: str,
        firmware: str,
        lettered: bool = False,
        quirks: bool = False,
        seed: int = 1,
    ) -> Gateway:
        """Build a gateway whose every slot holds a SIM with plausible identities."""
        rng = random.Random(seed)
        gateway_ports: dict[int, Port] = {}
        for number in range(1, ports + 1):
            sims: dict[int, Sim | None] = {}
            for slot in range(1, slots + 1):
                code, name = OPERATORS[(number + slot) % len(OPERATORS)]
                sims[slot] = Sim(
                    iccid=f"8986{code}{number:04d}{slot:02d}{rng.randint(0, 99999):05d}",
                    imsi=f"{code}{number:04d}{slot:02d}{rng.randint(0, 999):03d}",
                    number=f"+86138{number:03d}{slot:02d}{rng.randint(0, 99):02d}",
                    operator_code=code,
                    operator_name=name,
                    balance=round(rng.uniform(1, 50), 2),
                    signal=rng.randint(12, 31),
                    last_url="example.org",
                )
                sim = sims[slot]
                if sim is not None:  # some traffic already, so a demo shows numbers
                    used = round(rng.uniform(0.5, 5), 2)
                    sim.data_mb.update(
                        {
                            "tot": used * 40,
                            "day": used,
                            "24hours": used,
                            "1hour": used / 10,
                            "last": 0.25,
                        }
                    )
            gateway_ports[number] = Port(
                number=number,
                imei=f"8640000{number:04d}{rng.randint(0, 9999):04d}",
                slots=sims,
                public_ip=random_ip(rng),
            )
        return cls(
            ports=gateway_ports,
            slots_per_port=slots,
            mac=mac,
            firmware=firmware,
            lettered=lettered,
            quirks=quirks,
            rng=rng,
        )

    # --- addresses ---------------------------------------------------------------

    def address(self, port: int, slot: int) -> str:
        """Write a port and slot in the configured notation."""
        if self.lettered and slot <= len(LETTERS):
            return f"{port}{LETTERS[slot - 1]}"
        return f"{port}.{slot:02d}"

    def parse_ports(self, text: str) -> list[tuple[int, int | None]]:
        """Read a ``ports`` expression (all, *, lists, ranges, 1A, 1.02) into (port, slot)."""
        text = text.strip()
        if text in ("all", "*"):
            return [(number, None) for number in self.ports]
        result: list[tuple[int, int | None]] = []
        for raw_part in text.split(","):
            part = raw_part.strip()
            if not part:
                continue
            if "-" in part:
                first, _, last = part.partition("-")
                result += [(n, None) for n in range(int(first), int(last) + 1)]
            elif "." in part:
                port, _, slot = part.partition(".")
                result.append((int(port), int(slot)))
            elif part[-1].isalpha():
                result.append((int(part[:-1]), LETTERS.index(part[-1].upper()) + 1))
            else:
                result.append((int(part), None))
        unknown = [port for port, _ in result if port not in self.ports]
        if unknown:
            raise ValueError(f"unknown port {unknown[0]}")
        return result

    # --- reports -----------------------------------------------------------------

    def port_object(self, port: Port, slot: int, now: float) -> dict[str, Any]:
        """One port (SIM slot) as a dev-status or port-status carries it."""
        sim = port.slots.get(slot)
        active = slot == port.active_slot
        status = port.status(now) if active else (NO_SIM if sim is None else 1)
        port.seq += 1
        body: dict[str, Any] = {
            "port": self.address(port.number, slot),
            "sim": "",
            "seq": self._maybe_text(port.seq),
            "st": self._status(status, port.number),
            "imei": port.imei,
        }
        if sim is None:
            return body
        registered = status == REGISTERED
        body.update(
            {
                "active": 1 if active else 0,
                "iccid": sim.iccid,
                "imsi": sim.imsi,
                "sn": sim.number,
                "opr": f"{sim.operator_code} {sim.operator_name}"
                if registered
                else "0 ",
                "bal": f"{sim.balance:.2f}",
                "sig": self._maybe_text(sim.signal if registered else 0),
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
                "dataflow_tot": f"{sim.data_mb['tot']:.2f}",
                "dataflow_day": f"{sim.data_mb['day']:.2f}",
                "dataflow_24hours": f"{sim.data_mb['24hours']:.2f}",
                "dataflow_1hour": f"{sim.data_mb['1hour']:.2f}",
                "dataflow_last": f"{sim.data_mb['last']:.2f}",
                "dataflow_url": sim.last_url,
            }
        )
        return body

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

    def dev_status(self, now: float) -> dict[str, Any]:
        """Describe the whole device as the periodic ``dev-status`` report."""
        self.report_seq += 1
        objects = []
        for port in self.ports.values():
            slots = list(port.slots) if self.all_sims else [port.active_slot]
            objects += [self.port_object(port, slot, now) for slot in slots]
        slot_key = "max-slot" if self.quirks else "max-slots"
        return {
            "type": "dev-status",
            "seq": self.report_seq,
            "expires": -1 if self.quirks else (self.report_period or 180),
            "mac": self.mac,
            "ip": "127.0.0.1",
            "ver": self.firmware,
            "max-ports": len(self.ports),
            slot_key: self.slots_per_port,
            "status": objects,
        }

    def port_status(self, port: Port, now: float) -> dict[str, Any]:
        """Describe a port's active slot as a ``port-status`` report."""
        return {"type": "port-status", **self.port_object(port, port.active_slot, now)}

    # --- SMS ---------------------------------------------------------------------

    def receive_sms(
        self, port: int, slot: int, sender: str, text: str, *, envelope: bool = False
    ) -> tuple[int, list[Any]]:
        """Store an incoming SMS as the gateway's SMS store holds it; return id and row."""
        sim = self.ports[port].slots.get(slot)
        recipient = sim.number if sim else ""
        if envelope:
            text = (
                f"Sender: {sender}\r\nReceiver: {recipient}\r\nSMSC: +8613800100500\r\n"
                f"SCTS: {time.strftime('%y%m%d%H%M%S', time.gmtime())}\r\n\r\n{text}"
            )
        content = base64.b64encode(text.encode()).decode()
        row = [
            0,
            self.address(port, slot),
            int(time.time()),
            sender,
            recipient,
            content,
        ]
        return self.inbox.add(row), row

    def delivery_report(
        self, port: int, slot: int, recipient: str, code: int
    ) -> tuple[int, list[Any]]:
        """Store a delivery report row; code 0 means delivered."""
        scts = time.strftime("%y%m%d%H%M%S", time.gmtime())
        row = [
            1,
            self.address(port, slot),
            int(time.time()),
            "+8613800100500",
            recipient,
            f"{code} {scts}",
        ]
        return self.inbox.add(row), row
