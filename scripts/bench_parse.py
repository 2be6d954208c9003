"""Time parse_report on a full 64-port x 8-slot dev-status (512 port objects).

Run from the repository root: ``.venv/bin/python scripts/bench_parse.py``. The bodies are
realistic: successive dev-status bodies whose port objects' ``seq`` grow, as a gateway
counts every object it sends. For each JSON loader (the standard library's, and orjson's,
which Home Assistant passes, when it is installed) it prints the median of repeated runs
of the loader alone on a body (the floor any parser pays), of a first report (memos
cleared, a new PortMemory), and of the steady state (one PortMemory, each run the next
body), with the cost per port object above the floor. Then the same for a single
``port-status`` whose object changed since the last one (the hot path of every report a
gateway pushes): one of ~30 fields, and the proxy firmware's of 8.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import cycle
import json
from pathlib import Path
import statistics
import sys
import time
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.ejoin.pyejoin import (
    DeviceStatusReport,
    PortMemory,
    PortStatusReport,
    parse_report,
)
from custom_components.ejoin.pyejoin.reports import clear_memos

PORTS = 64
SLOTS = 8
OBJECTS = PORTS * SLOTS
RUNS = 200

type JsonLoader = Callable[[bytes | str], Any]


def port_object(port: int, slot: int, seq: int) -> dict[str, object]:
    """One SIM slot as a real gateway reports it with every counter switched on."""
    registered = slot == 1
    return {
        "port": f"{port}.{slot:02d}",
        "sim": "",
        "seq": seq,
        "st": 3 if registered else 1,
        "active": 1 if registered else 0,
        "imei": f"86{port:06d}{slot:07d}",
        "iccid": f"8986{port:08d}{slot:08d}",
        "imsi": f"46000{port:05d}{slot:05d}",
        "sn": f"+861380000{port:02d}{slot:02d}",
        "opr": "46000 CHINA MOBILE" if registered else "0 ",
        "bal": f"{port % 20}.{slot}0",
        "sig": (port + slot) % 32,
        "tot_dur": f"{port * 3 + slot}/-1",
        "mon_dur": f"{port % 30}/600",
        "day_dur": f"{slot % 3}/60",
        "mcn_tot": "10/-1",
        "mcn_mon": "3/-1",
        "mcn_day": "1/-1",
        "mtn_tot": "8/-1",
        "mtn_mon": "2/-1",
        "mtn_day": "1/-1",
        "smsctl_tot": "40/-1",
        "smsctl_mon": "12/500",
        "smsctl_day": "1/50",
        "dataflow_tot": f"{2048 + port * 17.25 + slot:.2f}",
        "dataflow_day": f"{port * 0.75 + slot:.2f}",
        "dataflow_24hours": f"{port * 1.5 + slot:.2f}",
        "dataflow_1hour": f"{slot * 0.05:.2f}",
        "dataflow_last": f"{slot * 0.01:.2f}",
        "dataflow_url": "example.org",
    }


def dev_status(number: int, *, signal: int | None = None) -> bytes:
    """Build the ``number``-th dev-status body with every SIM slot of every port.

    Its objects' ``seq`` follow those of the body before; ``signal`` changes the first
    port's signal.
    """
    objects = [
        port_object(port, slot, number * OBJECTS + (port - 1) * SLOTS + slot)
        for port in range(1, PORTS + 1)
        for slot in range(1, SLOTS + 1)
    ]
    if signal is not None:
        objects[0]["sig"] = signal
    return json.dumps(
        {
            "type": "dev-status",
            "seq": number,
            "expires": 180,
            "mac": "00-30-f1-01-02-03",
            "ip": "192.168.1.67",
            "ver": "532-600-999-041-100-000",
            "max-ports": PORTS,
            "max-slot": SLOTS,
            "status": objects,
        }
    ).encode()


def port_status(number: int, *, proxy: bool) -> bytes:
    """Build a ``port-status`` of port 3's working slot; odd and even numbers differ.

    The proxy firmware's is the spec's example (3.4): 8 fields, ``status`` as code and
    text; the other is a dev-status object (~30 fields) with ``type``.
    """
    if proxy:
        body: dict[str, object] = {
            "type": "port-status",
            "port": "3B",
            "seq": number,
            "status": "3 OK" if number % 2 else "2 Registering",
            "bal": "100.00",
            "opr": "46000 China Mobile",
            "sn": "13912345678",
            "imei": "860000000000302",
            "imsi": "460001234567890",
            "iccid": "89860012345678901234",
        }
    else:
        body = {"type": "port-status", **port_object(3, 2, number)}
        body["sig"] = 20 + number % 2
    return json.dumps(body).encode()


def median_us(function: Callable[[], object], batch: int = 200) -> float:
    """Median wall time of one call, in microseconds, timed in batches."""
    for _ in range(batch):
        function()
    samples = []
    for _ in range(RUNS // 4):
        start = time.perf_counter()
        for _ in range(batch):
            function()
        samples.append((time.perf_counter() - start) / batch)
    return statistics.median(samples) * 1_000_000


def bench_port_status(name: str, loads: JsonLoader, *, proxy: bool) -> None:
    """Print the row of one loader for a port-status whose object changed, with memory."""
    both = [port_status(1, proxy=proxy), port_status(2, proxy=proxy)]
    bodies = cycle(both)
    memory = PortMemory()
    check = parse_report(next(bodies), memory, loads=loads)
    if not isinstance(check, PortStatusReport) or check.problems:
        raise SystemExit("the generated port-status did not parse cleanly")
    floor = median_us(lambda: loads(both[0]))
    value = median_us(lambda: parse_report(next(bodies), memory, loads=loads))
    label = "proxy's 8 fields" if proxy else "~30 fields"
    print(
        f"    {'port-status, ' + label + ', changed':44s} {value:7.1f} µs"
        f"  ({name} alone: {floor:.1f} µs)"
    )


def median_ms(
    function: Callable[[], object], before: Callable[[], None] | None = None
) -> float:
    """Median wall time of one call, in milliseconds, after a warm-up."""
    for _ in range(10):
        if before is not None:
            before()
        function()
    samples = []
    for _ in range(RUNS):
        if before is not None:
            before()
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def loaders() -> list[tuple[str, JsonLoader]]:
    """Return the standard library's loader, and orjson's when it is installed."""
    found: list[tuple[str, JsonLoader]] = [("json.loads", json.loads)]
    try:
        import orjson  # noqa: PLC0415 - optional: not installed with the package alone
    except ImportError:
        return found
    found.append(("orjson.loads", orjson.loads))
    return found


def bench(name: str, loads: JsonLoader, bodies: list[bytes]) -> None:
    """Print the rows of one loader."""
    check = parse_report(bodies[0], loads=loads)
    if not isinstance(check, DeviceStatusReport) or len(check.ports) != OBJECTS:
        raise SystemExit("the generated dev-status did not parse into 512 ports")
    memory = PortMemory()
    fresh: list[PortMemory] = []
    following = cycle(bodies)
    changed = [dev_status(len(bodies) + n, signal=n % 2) for n in range(2)]
    changing = cycle(changed)

    def first_report() -> None:
        clear_memos()
        fresh[:] = [PortMemory()]

    floor = median_ms(lambda: loads(bodies[0]))
    rows = [
        (
            "first report",
            median_ms(
                lambda: parse_report(bodies[0], fresh[0], loads=loads), first_report
            ),
        ),
        (
            "steady, every seq changed",
            median_ms(lambda: parse_report(next(following), memory, loads=loads)),
        ),
        (
            "steady, and one port's signal",
            median_ms(lambda: parse_report(next(changing), memory, loads=loads)),
        ),
    ]
    print(f"  {name}")
    print(f"    {name + ' of the body (the floor)':44s} {floor:7.3f} ms")
    for label, value in rows:
        per_object = (value - floor) * 1000 / OBJECTS
        print(
            f"    {'parse_report, ' + label:44s} {value:7.3f} ms"
            f"  {value / floor:5.2f}x floor  {per_object:5.2f} µs/object above it"
        )


def main() -> None:
    """Print the medians for each loader."""
    bodies = [dev_status(number) for number in range(1, 9)]
    print(
        f"dev-status, {PORTS} ports x {SLOTS} slots, {len(bodies[0])} bytes, "
        f"median of {RUNS}:"
    )
    for name, loads in loaders():
        bench(name, loads, bodies)
        bench_port_status(name, loads, proxy=False)
        bench_port_status(name, loads, proxy=True)


if __name__ == "__main__":
    main()
