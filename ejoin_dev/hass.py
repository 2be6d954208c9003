"""A real Home Assistant process with this repository's integration in its config folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
import json
import os
from pathlib import Path
import re
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


# Home Assistant's onboarding store (.storage/onboarding, format version 4 on every
# release we support) with the "core_config" step already done. Finishing that step
# starts config flows for google_translate, met, radio_browser and shopping_list, whose
# packages this virtual environment does not have (--skip-pip), so each left a
# traceback in the log and Google Translate a failed entry. configuration.yaml already
# answers that step's questions (name, time zone, units, country). Such a folder is
# onboarded through the API (HomeAssistantApi.onboard), as scripts/develop and the
# end-to-end tests do: in the browser, the welcome page's request for the installation
# type is refused once any step is done, and logged as a failed login.
ONBOARDING_STORE: dict[str, object] = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["core_config"]},
}

# A line that starts a log record; the lines up to the next one belong to it.
RECORD_START = re.compile(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
TRACEBACK = b"Traceback (most recent call last):"


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
        """Write what is missing (configuration, onboarding state); link the integration in."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        configuration = self.config_dir / "configuration.yaml"
        if not configuration.exists():
            configuration.write_text(
                CONFIGURATION.format(url=self.url, port=self.port), encoding="utf-8"
            )
        onboarding = self.config_dir / ".storage" / "onboarding"
        if not onboarding.exists():
            onboarding.parent.mkdir(exist_ok=True)
            onboarding.write_text(json.dumps(ONBOARDING_STORE), encoding="utf-8")
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
        """Wait until the web interface answers, which it does once set-up is over.

        Not the onboarding API: Home Assistant serves that only until onboarding ends.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise HomeAssistantError(
                    f"Home Assistant exited with {self.process.returncode}\n"
                    + self.log_tail()
                )
            if answers(f"{self.url}/manifest.json"):
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


@dataclass
class LogWatch:
    """Follow a log file from ``offset`` and pick out the records with a traceback."""

    path: Path
    offset: int = 0
    # The lines of the last record read: it is complete once the next record starts.
    pending: list[bytes] = field(default_factory=list)

    @classmethod
    def from_end(cls, path: Path) -> LogWatch:
        """Watch what is written to ``path`` from now on."""
        return cls(path, path.stat().st_size if path.exists() else 0)

    def tracebacks(self, *, final: bool = False) -> list[str]:
        """Return each newly complete record holding a traceback: its first and last line.

        With ``final`` (the process has ended) the last record counts as complete.
        """
        try:
            with self.path.open("rb") as log:
                log.seek(self.offset)
                data = log.read()
        except FileNotFoundError:
            data = b""
        data = data[: data.rfind(b"\n") + 1]  # a line still being written waits
        self.offset += len(data)
        records: list[list[bytes]] = []
        for line in data.splitlines():
            if RECORD_START.match(line) and self.pending:
                records.append(self.pending)
                self.pending = []
            self.pending.append(line)
        if final and self.pending:
            records.append(self.pending)
            self.pending = []
        return [
            summary(lines) for lines in records if any(TRACEBACK in x for x in lines)
        ]


def summary(record: list[bytes]) -> str:
    """Say in two lines what a log record with a traceback is about."""
    lines = [line.decode("utf-8", "replace").rstrip() for line in record]
    last = max(number for number, line in enumerate(lines) if line.strip())
    return lines[0] if last == 0 else f"{lines[0]}\n    {lines[last].strip()}"


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
