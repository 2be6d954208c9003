"""A real Home Assistant process with this repository's integration in its config folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
import os
from pathlib import Path
import signal
import subprocess
import sys
import time
import urllib.request

REPOSITORY = Path(__file__).resolve().parent.parent
INTEGRATION = REPOSITORY / "custom_components" / "ejoin"

CONFIGURATION = """\
# Written by ejoin_dev: a small Home Assistant for trying the Ejoin integration.
homeassistant:
  name: Ejoin development
  time_zone: UTC
  unit_system: metric
  country: DE
  internal_url: "{url}"

http:
  server_host: 127.0.0.1
  server_port: {port}

# The web interface and what it needs; no default_config, whose integrations want
# packages this virtual environment does not have.
frontend:
config:
history:
logbook:

logger:
  default: warning
  logs:
    custom_components.ejoin: debug
    homeassistant.components.webhook: info
    # An optional speed-up of camera snapshots, not installed here.
    homeassistant.components.camera.img_util: critical
"""


class HomeAssistantError(RuntimeError):
    """Home Assistant did not start, or stopped; the message ends with its log."""


@dataclass
class HomeAssistantProcess:
    """Home Assistant on 127.0.0.1:``port`` with ``config_dir`` as its configuration."""

    config_dir: Path
    port: int = 8123
    python: str = sys.executable
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        """Where Home Assistant answers."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        """The file the process writes its output to."""
        return self.config_dir / "home-assistant.out"

    def prepare(self) -> None:
        """Write the configuration (unless there is one) and link the integration in."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        configuration = self.config_dir / "configuration.yaml"
        if not configuration.exists():
            configuration.write_text(
                CONFIGURATION.format(url=self.url, port=self.port), encoding="utf-8"
            )
        custom = self.config_dir / "custom_components"
        custom.mkdir(exist_ok=True)
        link = custom / "ejoin"
        if link.is_symlink() and link.resolve() != INTEGRATION:
            link.unlink()
        if not link.exists():
            link.symlink_to(INTEGRATION, target_is_directory=True)

    def start(self, timeout: float = 120) -> None:
        """Start Home Assistant and wait until its HTTP API answers."""
        self.prepare()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    self.python,
                    "-m",
                    "homeassistant",
                    "--config",
                    str(self.config_dir),
                    "--skip-pip",  # everything it needs is installed already
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,  # Ctrl-C in a terminal reaches only its parent
            )
        self.wait_until_up(timeout)

    def wait_until_up(self, timeout: float) -> None:
        """Wait until the onboarding API answers (it does once HTTP is up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise HomeAssistantError(
                    f"Home Assistant exited with {self.process.returncode}\n"
                    + self.log_tail()
                )
            if answers(f"{self.url}/api/onboarding"):
                return
            time.sleep(0.5)
        raise HomeAssistantError(
            f"Home Assistant did not answer within {timeout:.0f} s\n" + self.log_tail()
        )

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of the process's output, to explain a failure."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 30) -> None:
        """Stop Home Assistant as Ctrl-C would, forcefully if it does not go in time."""
        process, self.process = self.process, None
        if process is not None:
            stop_process(process, timeout)


def answers(url: str) -> bool:
    """Whether an HTTP GET of ``url`` answers 200 within a few seconds."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - http only
            return bool(response.status == HTTPStatus.OK)
    except (OSError, ValueError):
        return False


def stop_process(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Send SIGTERM, wait, then kill: how every process started here is stopped."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
