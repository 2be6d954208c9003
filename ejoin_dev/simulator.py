"""The gateway simulator as a process of its own, as a real gateway would be."""

from __future__ import annotations

from dataclasses import dataclass, field
import os
from pathlib import Path
import subprocess
import sys
import time

from .hass import answers, stop_process

# The login each firmware ships with: root/root on SMS gateways, admin/admin on proxies.
DEFAULT_LOGINS = {"sms": ("root", "root"), "proxy": ("admin", "admin")}


@dataclass
class SimulatorProcess:
    """``python -m ejoin_simulator`` on 127.0.0.1:``port``, with a firmware's login."""

    port: int = 8080
    log_path: Path | None = None
    options: tuple[str, ...] = ()  # more command-line options, e.g. --command-delay 0.5
    firmware: str = "sms"  # or "proxy"
    python: str = sys.executable
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def username(self) -> str:
        """The login name the simulated firmware ships with."""
        return DEFAULT_LOGINS[self.firmware][0]

    @property
    def password(self) -> str:
        """The password the simulated firmware ships with."""
        return DEFAULT_LOGINS[self.firmware][1]

    @property
    def url(self) -> str:
        """Where the simulated gateway answers."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        """Start the simulator and wait until its control API answers."""
        with Path(self.log_path or os.devnull).open("ab") as log:
            self.process = subprocess.Popen(
                [
                    self.python,
                    "-m",
                    "ejoin_simulator",
                    "--port",
                    str(self.port),
                    "--firmware",
                    self.firmware,
                    "--username",
                    self.username,
                    "--password",
                    self.password,
                    *self.options,
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not answers(f"{self.url}/_sim/state"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the simulator did not start on port {self.port}")
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop the simulator: to Home Assistant, the gateway is gone."""
        process, self.process = self.process, None
        if process is not None:
            stop_process(process, 10)
