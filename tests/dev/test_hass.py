"""The Home Assistant that scripts/develop starts: its prepared folder and its log."""

from __future__ import annotations

from http import HTTPStatus
import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator  # type: ignore[import-untyped]

from ejoin_dev.hass import HomeAssistantProcess, LogWatch

# The integrations finishing the core_config step sets up, whose packages are missing.
ONBOARDING_INTEGRATIONS = ("google_translate", "met", "radio_browser", "shopping_list")


def prepared_onboarding(config_dir: Path) -> dict[str, Any]:
    """Prepare a configuration folder as scripts/develop does; return its onboarding store."""
    HomeAssistantProcess(config_dir).prepare()
    store: dict[str, Any] = json.loads(
        (config_dir / ".storage" / "onboarding").read_text(encoding="utf-8")
    )
    return store


async def test_onboarding_never_runs_the_core_config_step(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    hass_client: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    """Home Assistant reads the prepared store: the account is asked for, not the rest.

    The core_config step would set up integrations whose packages are not installed,
    each leaving a traceback; done already, it cannot be run.
    """
    hass_storage["onboarding"] = prepared_onboarding(tmp_path)
    assert await async_setup_component(hass, "onboarding", {})
    client = await hass_client()

    response = await client.get("/api/onboarding")
    assert response.status == HTTPStatus.OK
    assert await response.json() == [
        {"step": "user", "done": False},
        {"step": "core_config", "done": True},
        {"step": "analytics", "done": False},
        {"step": "integration", "done": False},
    ]
    response = await client.post("/api/onboarding/core_config")
    assert response.status == HTTPStatus.FORBIDDEN
    await hass.async_block_till_done()
    started = {flow["handler"] for flow in hass.config_entries.flow.async_progress()}
    assert not started & set(ONBOARDING_INTEGRATIONS)
    assert not set(hass.config.components) & set(ONBOARDING_INTEGRATIONS)


def test_an_existing_onboarding_store_is_kept(tmp_path: Path) -> None:
    """A folder that was onboarded before keeps its state."""
    store = tmp_path / ".storage" / "onboarding"
    store.parent.mkdir()
    store.write_text('{"version": 4, "data": {"done": ["user"]}}', encoding="utf-8")
    assert prepared_onboarding(tmp_path) == {"version": 4, "data": {"done": ["user"]}}


LOG = """\
2026-11-30 15:04:29.331 WARNING (MainThread) [homeassistant.bootstrap] Skipping pip
2026-11-30 15:04:31.265 ERROR (MainThread) [homeassistant] Error doing job
Traceback (most recent call last):
  File "x.py", line 1, in <module>
ModuleNotFoundError: No module named 'metno'

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "y.py", line 2, in <module>
homeassistant.data_entry_flow.UnknownHandler
2026-11-30 15:04:31.412 DEBUG (MainThread) [custom_components.ejoin] Recorded 0 SMS
"""
FIRST = (
    "2026-11-30 15:04:31.265 ERROR (MainThread) [homeassistant] Error doing job\n"
    "    homeassistant.data_entry_flow.UnknownHandler"
)


def test_log_watch_names_each_record_with_a_traceback_once(tmp_path: Path) -> None:
    """One summary per record (chained exceptions included): its line and the error."""
    log = tmp_path / "home-assistant.out"
    log.write_text(
        "2026-11-29 10:00:00.000 ERROR before\nTraceback (most recent\n",
        encoding="utf-8",
    )
    watch = LogWatch.from_end(log)
    assert watch.tracebacks() == []
    with log.open("a", encoding="utf-8") as out:
        out.write(LOG)
    assert watch.tracebacks() == [FIRST]
    assert watch.tracebacks() == []
    assert watch.tracebacks(final=True) == []


@pytest.mark.parametrize(
    "cut", [LOG.index("Traceback"), LOG.index("ModuleNotFound"), LOG.index("named")]
)
def test_log_watch_waits_for_a_record_to_end(tmp_path: Path, cut: int) -> None:
    """A record still being written is looked at once the next one starts, or at the end."""
    log = tmp_path / "home-assistant.out"
    log.write_text(LOG[:cut], encoding="utf-8")
    watch = LogWatch(log)
    assert watch.tracebacks() == []
    with log.open("a", encoding="utf-8") as out:
        out.write(LOG[cut : LOG.index("2026-11-30 15:04:31.412")])
    assert watch.tracebacks() == []
    assert watch.tracebacks(final=True) == [FIRST]


def test_log_watch_without_a_log_finds_nothing(tmp_path: Path) -> None:
    """Before Home Assistant writes its first line there is nothing to report."""
    watch = LogWatch.from_end(tmp_path / "home-assistant.out")
    assert watch.tracebacks(final=True) == []
