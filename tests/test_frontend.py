"""The panel's and card's JavaScript: the SMS counter's answers, and what it loads.

The counter's cases run in node (``tests/frontend/sms_count.check.mjs``); the browser
tests (``tests_e2e/test_panel.py``) run the rest in Chromium.
"""

from __future__ import annotations

from pathlib import Path
import re
import shutil
import subprocess

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "custom_components" / "ejoin" / "frontend"
# Relative module imports, static or dynamic, with or without the version query.
IMPORTED = re.compile(r"""(?:from\s+|import\s*\(\s*)[`"']\./([\w.-]+\.js)""")


def test_the_sms_counter_tells_gsm7_from_ucs2_and_counts_parts() -> None:
    """160/153 septets (extension characters two), 70/67 UTF-16 units per SMS."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    result = subprocess.run(  # noqa: S603 - node on this repository's own file
        [node, str(ROOT / "tests" / "frontend" / "sms_count.check.mjs")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "checks passed" in result.stdout


def test_every_module_the_frontend_imports_is_shipped() -> None:
    """A module imported by another exists next to it: a missing one breaks the panel."""
    imported = {
        name
        for path in FRONTEND.glob("*.js")
        for name in IMPORTED.findall(path.read_text(encoding="utf-8"))
    }
    assert imported, "no relative import found: the pattern is out of date"
    assert sorted(name for name in imported if not (FRONTEND / name).is_file()) == []


def test_the_frontend_loads_nothing_from_the_internet() -> None:
    """Home Assistant may have no internet: no CDN, no remote font or script."""
    remote = re.compile(r"""(?:import|from|url\(|src=)\s*[`"'(]?\s*https?://""")
    offenders = [
        path.name
        for path in FRONTEND.glob("*.js")
        if remote.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
