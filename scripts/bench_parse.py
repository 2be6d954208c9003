"""Time parse_report on a full 64-port x 8-slot dev-status (512 port objects).

Run from the repository root: ``.venv/bin/python scripts/bench_parse.py``. Prints the
median of repeated runs next to the cost of json.loads alone on the same body (the floor
any parser pays): for a first report, for the decoded object alone, and for the steady
state, where a gateway's PortMemory lets unchanged port objects be reused.
"""

from __future__ import annotations

import json
from pathlib import Path
import statistics
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.ejoin.pyejoin import (
    DeviceStatusReport,
    PortMemory,
    parse_report,
)
from custom_components.ejoin.pyejoin.reports import clear_memos

PORTS = 64
SLOTS = 8
RUNS = 200


def port_object(port: int, slot: int) -> dict[str, object]:
    """One SIM slot as a real gateway reports it with every counter switched on."""
    registered = slot == 1
    return {
        "port": f"{port}.{slot:02d}",
        "sim": "",
        "seq": port * SLOTS + slot,
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


def dev_status() -> bytes:
    """Build a dev-status body with every SIM slot of every port."""
    return json.dumps(
        {
            "type": "dev-status",
            "seq": 1,
            "expires": 180,
            "mac": "00-30-f1-01-02-03",
            "ip": "192.168.1.67",
            "ver": "532-600-999-041-100-000",
            "max-ports": PORTS,
            "max-slot": SLOTS,
            "status": [
                port_object(port, slot)
                for port in range(1, PORTS + 1)
                for slot in range(1, SLOTS + 1)
            ],
        }
    ).encode()


def median_ms(
    function: Callable[[], object], before: Callable[[], None] | None = None
) -> float:
    """Median wall time of one call, in milliseconds, after a warm-up."""
    for _ in range(10):
        function()
    samples = []
    for _ in range(RUNS):
        if before is not None:
            before()
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    """Print the medians."""
    body = dev_status()
    report = parse_report(body)
    if not isinstance(report, DeviceStatusReport) or len(report.ports) != PORTS * SLOTS:
        raise SystemExit("the generated dev-status did not parse into 512 ports")
    decoded = json.loads(body)
    changed_object = json.loads(body)
    changed_object["status"][0]["sig"] = 5
    changed_body = json.dumps(changed_object).encode()
    memory = PortMemory()

    floor = median_ms(lambda: json.loads(body))
    cold = median_ms(lambda: parse_report(body), before=clear_memos)
    objects = median_ms(lambda: parse_report(decoded))
    steady = median_ms(lambda: parse_report(body, memory))
    changed = median_ms(
        lambda: parse_report(changed_body, memory),
        before=lambda: parse_report(body, memory) and None,
    )
    print(
        f"dev-status, {PORTS} ports x {SLOTS} slots, {len(body)} bytes: median of {RUNS}"
    )
    rows = [
        ("json.loads of the body (the floor)", floor),
        ("parse_report(body), first report", cold),
        ("parse_report of the decoded object", objects),
        ("parse_report(body, memory), unchanged report", steady),
        ("parse_report(body, memory), one port changed", changed),
    ]
    for label, value in rows:
        print(f"  {label:48s} {value:7.3f} ms")


if __name__ == "__main__":
    main()
