"""The simulated gateway's state: ports, SIM slots, counters, SMS inbox and tasks.

Deliberately independent of the integration's protocol package, so that a misreading
of the protocol in one is not silently mirrored by the other. What the gateway writes
about this state (its reports and answers) is in ``reports``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
import random
import re
import secrets
import time
from typing import Any, Literal, Self

type Profile = Literal["sms", "proxy"]
PROFILES: tuple[Profile, ...] = ("sms", "proxy")

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SMSC = "+8613800100500"
SIM_POOL = "sp256"  # the remote SIM bank's pool, as in "8.sp256.001"
SCTS_ZONE = 8  # hours east of UTC of the simulated SMSC; SCTS says it in quarters

NO_SIM = 0
IDLE_SIM = 1
REGISTERING = 2
REGISTERED = 3
USER_LOCKED = 12
CALL_CONNECTED = 4
DIAL_SUCCESSFUL = 15  # the working state of a data port on proxy firmware
# A SIM in these states is on its network: it has an operator and a signal.
ON_NETWORK = frozenset({REGISTERED, CALL_CONNECTED, DIAL_SUCCESSFUL})
STATUS_TEXT = {
    NO_SIM: "No SIM",
    IDLE_SIM: "Idle SIM",
    REGISTERING: "Registering",
    REGISTERED: "OK",
    USER_LOCKED: "User locked",
    DIAL_SUCCESSFUL: "Dial successful",
}

OPERATORS = [
    ("46000", "CHINA MOBILE"),
    ("46001", "CHINA UNICOM"),
    ("26201", "TELEKOM.DE"),
]

# One element of a ``ports`` expression: 3, 1A, 1.02 or 8.sp256.001.
PORT_PART = re.compile(
    r"(?P<port>\d+)(?:(?P<letter>[A-Za-z])|\.(?:sp\d+\.)?(?P<slot>\d+))?"
)


@dataclass
class Sim:
    """One SIM card in a slot."""

    iccid: str
    imsi: str
    number: str  # as configured now (sim_number(n) changes it)
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
    saved_number: str = ""  # the number a reboot brings back (set by ``save``)

    def __post_init__(self) -> None:
        """Take a new SIM's own number as the saved configuration's."""
        self.saved_number = self.saved_number or self.number


@dataclass
class Port:
    """One modem port with its SIM slots."""

    number: int
    imei: str
    slots: dict[int, Sim | None]
    active_slot: int = 1
    locked: bool = False  # the whole port
    locked_slots: set[int] = field(default_factory=set)
    working_status: int = REGISTERED  # DIAL_SUCCESSFUL on proxy firmware
    registering_until: float = 0.0  # monotonic time
    dialling_until: float = 0.0  # proxy: registered but not dialled until then
    public_ip: str = ""
    rx_bytes: int = 0
    tx_bytes: int = 0
    seq: int = 0
    led: bool = False  # blinking, after ledon, until ledoff
    # Proxy firmware: mobile data of the port (data_service_enable(n)), running and
    # saved. Off, the port stays registered and does not dial: no public IP, no traffic.
    data_enabled: bool = True
    saved_data_enabled: bool = True

    @property
    def sim(self) -> Sim | None:
        """The SIM in the active slot."""
        return self.slots.get(self.active_slot)

    def status(self, now: float) -> int:
        """Return the status code the gateway reports for the port's working slot."""
        if self.locked or self.active_slot in self.locked_slots:
            return USER_LOCKED
        if self.sim is None:
            return NO_SIM
        if now < self.registering_until:
            return REGISTERING
        if now < self.dialling_until:
            return REGISTERED
        if not self.data_enabled and self.working_status == DIAL_SUCCESSFUL:
            return REGISTERED  # a data port whose data is off does not dial
        return self.working_status

    def slot_status(self, slot: int, now: float) -> int:
        """Return the status of one slot: the port's for the working one, else idle."""
        if slot == self.active_slot:
            return self.status(now)
        return NO_SIM if self.slots.get(slot) is None else IDLE_SIM

    def is_up(self, now: float) -> bool:
        """Tell whether the port is working (registered; dialled on proxy firmware)."""
        return self.status(now) == self.working_status

    def restart(self, now: float, seconds: float) -> None:
        """Re-register over some seconds; a data port spends the second half dialling."""
        dialling = self.working_status == DIAL_SUCCESSFUL
        self.registering_until = now + (seconds / 2 if dialling else seconds)
        self.dialling_until = now + seconds

    def settle(self, now: float, *, registering: bool = False) -> None:
        """Be working at once (or registering for an hour, to hold a test there)."""
        self.registering_until = now + 3600 if registering else now
        self.dialling_until = self.registering_until


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


def make_sim(rng: random.Random, port: int, slot: int) -> Sim:
    """Return a SIM with plausible identities and some traffic already used."""
    code, name = OPERATORS[(port + slot) % len(OPERATORS)]
    sim = Sim(
        iccid=f"8986{code}{port:04d}{slot:02d}{rng.randint(0, 99999):05d}",
        imsi=f"{code}{port:04d}{slot:02d}{rng.randint(0, 999):03d}",
        number=f"+86138{port:03d}{slot:02d}{rng.randint(0, 99):02d}",
        operator_code=code,
        operator_name=name,
        balance=round(rng.uniform(1, 50), 2),
        signal=rng.randint(12, 31),
        last_url="example.org",
    )
    used = round(rng.uniform(0.5, 5), 2)  # so that a demo shows numbers
    sim.data_mb.update(
        {"tot": used * 40, "day": used, "24hours": used, "1hour": used / 10}
    )
    sim.data_mb["last"] = 0.25
    return sim


@dataclass(frozen=True, kw_only=True)
class SentMessage:
    """One SMS the gateway sent: its task, the port it left from, recipient and text."""

    task_id: int
    port: str  # as the gateway writes the port and slot
    recipient: str
    text: str


@dataclass(kw_only=True, eq=False)
class QueuedTask:
    """An SMS task the gateway took and has not finished: sent one recipient at a time."""

    tid: int
    port: Port  # the port sending it, chosen when the task was taken
    task: dict[str, Any]  # as it was given (from, to, sms, chs, coding, intvl, dr …)
    recipients: list[str]
    status_report_url: str | None
    interval: float  # seconds between two of its messages (the task's intvl, in ms)
    sent: list[list[Any]] = field(default_factory=list)  # sdr rows, in order
    reported: int = 0  # how many of the rows a status-report has carried
    paused: bool = False
    removed: bool = False

    @property
    def unsent(self) -> int:
        """How many recipients are still waiting for their message."""
        return len(self.recipients) - len(self.sent)


@dataclass
class GatewayState:
    """The whole simulated device's state, configuration and SMS store."""

    ports: dict[int, Port]
    slots_per_port: int
    mac: str
    firmware: str  # the version string, sent as ``ver``
    profile: Profile = "sms"
    lettered: bool = False
    quirks: bool = False
    sim_bank_ports: int = 0  # the last N ports use SIMs of a remote SIM bank
    ssrc: str = field(default_factory=lambda: secrets.token_hex(4))
    inbox: Inbox = field(default_factory=Inbox)
    task_ids: set[int] = field(default_factory=set)
    sms_queue: list[QueuedTask] = field(default_factory=list)  # unfinished, in order
    outbox: list[SentMessage] = field(default_factory=list)  # every SMS sent, in order
    # Given with goip_get_status.html; the device remembers them over a reboot.
    report_url: str | None = None
    report_period: int = 0
    all_sims: bool = False
    # The running configuration (op=set), and what ``save`` kept for the next boot;
    # each port's mobile data (proxy firmware) and each SIM's number are kept with them.
    sms_url: str | None = None
    saved_sms_url: str | None = None
    report_seq: int = 0
    rng: random.Random = field(default_factory=random.Random)
    # Unreachable: the device answers nothing and sends nothing (unplugged, rebooting).
    offline: bool = False

    @classmethod
    def create(
        cls,
        *,
        ports: int,
        slots: int,
        mac: str,
        firmware: str,
        profile: Profile = "sms",
        lettered: bool = False,
        quirks: bool = False,
        sim_bank_ports: int = 0,
        seed: int = 1,
    ) -> Self:
        """Build a gateway whose every slot holds a SIM with plausible identities."""
        if profile not in PROFILES:
            raise ValueError(f"unknown firmware profile {profile!r}")
        if not 0 <= sim_bank_ports <= ports:
            raise ValueError(
                f"cannot put {sim_bank_ports} of {ports} ports on a SIM bank"
            )
        rng = random.Random(seed)
        gateway_ports: dict[int, Port] = {}
        for number in range(1, ports + 1):
            sims: dict[int, Sim | None] = {
                slot: make_sim(rng, number, slot) for slot in range(1, slots + 1)
            }
            gateway_ports[number] = Port(
                number=number,
                imei=f"8640000{number:04d}{rng.randint(0, 9999):04d}",
                slots=sims,
                working_status=DIAL_SUCCESSFUL if profile == "proxy" else REGISTERED,
                public_ip=random_ip(rng),
            )
        return cls(
            ports=gateway_ports,
            slots_per_port=slots,
            mac=mac,
            firmware=firmware,
            profile=profile,
            lettered=lettered,
            quirks=quirks,
            sim_bank_ports=sim_bank_ports,
            rng=rng,
        )

    @property
    def proxy(self) -> bool:
        """Tell whether the gateway runs the proxy ("MultiWAN") firmware."""
        return self.profile == "proxy"

    def new_sim(self, port: int, slot: int) -> Sim:
        """Make a fresh SIM for a slot, with identities unlike the one it replaces."""
        old = self.ports[port].slots.get(slot)
        while True:
            sim = make_sim(self.rng, port, slot)
            if old is None or (sim.iccid, sim.imsi) != (old.iccid, old.imsi):
                return sim

    # --- configuration -------------------------------------------------------------

    def save(self) -> None:
        """Keep the running configuration for the next boot (the ``save`` command)."""
        self.saved_sms_url = self.sms_url
        for port in self.ports.values():
            port.saved_data_enabled = port.data_enabled
        for sim in self.sims():
            sim.saved_number = sim.number

    def restore(self) -> None:
        """Load the saved configuration, as a boot does: unsaved changes are gone.

        A data port dials afresh: a new public IP, or none with its data off.
        """
        self.sms_url = self.saved_sms_url
        for port in self.ports.values():
            port.data_enabled = port.saved_data_enabled
            port.led = False
            if self.proxy:
                port.public_ip = random_ip(self.rng) if port.data_enabled else ""
        for sim in self.sims():
            sim.number = sim.saved_number

    def sims(self) -> list[Sim]:
        """Return every SIM in every slot."""
        return [
            sim
            for port in self.ports.values()
            for sim in port.slots.values()
            if sim is not None
        ]

    # --- time passing ----------------------------------------------------------------

    def drift(self, now: float) -> None:
        """Move every working SIM on one step: data used, a site visited, signal wandering.

        The simulator's drift loop takes a step every ``drift_seconds``; a benchmark
        takes them itself to pass simulated time without waiting for it.
        """
        rng = self.rng
        for port in self.ports.values():
            sim = port.sim
            if sim is None or not port.is_up(now):
                continue
            used = round(rng.uniform(0, 2), 2)
            for key in ("tot", "day", "24hours", "1hour"):
                sim.data_mb[key] = round(sim.data_mb[key] + used, 2)
            sim.data_mb["last"] = used
            sim.last_url = rng.choice(["example.org", "example.com", "example.net"])
            sim.signal = max(5, min(31, sim.signal + rng.choice((-1, 0, 1))))
            port.rx_bytes += int(used * 700_000)
            port.tx_bytes += int(used * 300_000)

    # --- addresses ---------------------------------------------------------------

    def on_sim_bank(self, port: int) -> bool:
        """Tell whether a port's SIMs come from the remote SIM bank."""
        return port > len(self.ports) - self.sim_bank_ports

    def address(self, port: int, slot: int) -> str:
        """Write a port and slot as the gateway does.

        SIM-bank ports as port.pool.slot; otherwise the configured notation, or with
        quirks dotted and lettered ports taking turns, as mixed inside one real report.
        """
        if self.on_sim_bank(port):
            return f"{port}.{SIM_POOL}.{slot:03d}"
        lettered = port % 2 == 0 if self.quirks else self.lettered
        if lettered and slot <= len(LETTERS):
            return f"{port}{LETTERS[slot - 1]}"
        return f"{port}.{slot:02d}"

    def parse_ports(self, text: str) -> list[tuple[int, int | None]]:
        """Read a ``ports`` expression (all, *, lists, ranges, 1A, 1.02, 8.sp256.001)."""
        text = text.strip()
        if text in ("all", "*"):
            return [(number, None) for number in self.ports]
        result: list[tuple[int, int | None]] = []
        for raw_part in text.split(","):
            part = raw_part.strip()
            if not part:
                continue
            if match := re.fullmatch(r"(\d+)\s*-\s*(\d+)", part):
                first, last = int(match[1]), int(match[2])
                result += [(number, None) for number in range(first, last + 1)]
                continue
            match = PORT_PART.fullmatch(part)
            if match is None:
                raise ValueError(f"bad port {part!r}")
            slot: int | None = None
            if match["letter"]:
                slot = LETTERS.index(match["letter"].upper()) + 1
            elif match["slot"]:
                slot = int(match["slot"])
            result.append((int(match["port"]), slot))
        unknown = [port for port, _ in result if port not in self.ports]
        if unknown:
            raise ValueError(f"unknown port {unknown[0]}")
        return result

    # --- SMS ---------------------------------------------------------------------

    def receive_sms(
        self,
        port: int,
        slot: int,
        sender: str,
        text: str,
        *,
        envelope: bool = False,
        padded: bool = False,
    ) -> tuple[int, list[Any]]:
        """Store an incoming SMS as the gateway's SMS store holds it; return id and row.

        ``envelope`` forwards the header lines real firmware adds; ``padded`` ends the
        text with NUL bytes, as real firmware does.
        """
        sim = self.ports[port].slots.get(slot)
        recipient = sim.number if sim else ""
        address = self.address(port, slot)
        if envelope:
            scts = time.strftime(
                "%y%m%d%H%M%S", time.gmtime(time.time() + SCTS_ZONE * 3600)
            )
            text = (
                f'Sender: {sender}\r\nReceiver: "{address}" {recipient}\r\n'
                f"SMSC: {SMSC}\r\nSCTS: {scts}+{SCTS_ZONE * 4}\r\n\r\n{text}"
            )
        raw = text.encode() + (b"\x00" * 3 if padded else b"")
        row = [
            0,
            address,
            int(time.time()),
            sender,
            recipient,
            base64.b64encode(raw).decode(),
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
            SMSC,
            recipient,
            f"{code} {scts}",
        ]
        return self.inbox.add(row), row
