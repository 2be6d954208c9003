"""The protocol package's tests run without Home Assistant.

They import the package as the top-level ``pyejoin``: importing it as
``custom_components.ejoin.pyejoin`` would run ``custom_components/ejoin/__init__.py``,
which imports Home Assistant. ``scripts/test-protocol`` runs them in a virtual
environment without Home Assistant, to prove the package needs none.
"""

from __future__ import annotations

from collections.abc import Callable
import importlib.util
import json
from pathlib import Path
import sys
from typing import Any, cast

import pytest

try:  # Installed with Home Assistant's test plugin, which forbids sockets.
    from pytest_socket import enable_socket
except ImportError:  # Without it nothing forbids them.
    enable_socket = None

PACKAGE = (
    Path(__file__).resolve().parents[2] / "custom_components" / "ejoin" / "pyejoin"
)


def _load_package() -> None:
    """Make the package importable as ``pyejoin``, and only it.

    Putting ``custom_components/ejoin`` on ``sys.path`` would make every module of the
    integration a top-level module as well (``select``, ``sensor`` …).
    """
    if "pyejoin" in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        "pyejoin", PACKAGE / "__init__.py", submodule_search_locations=[str(PACKAGE)]
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pyejoin"] = module
    spec.loader.exec_module(module)


_load_package()


@pytest.fixture
def socket_enabled() -> None:
    """Let a test open sockets (the gateway stub listens on 127.0.0.1)."""
    if enable_socket is not None:
        enable_socket()


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Replace the Home Assistant fixture of tests/conftest.py: no hass here."""


@pytest.fixture(params=["json", "orjson"])
def loads(request: pytest.FixtureRequest) -> Callable[[bytes | str], Any]:
    """Each JSON loader the package is used with.

    Alone it uses the standard library's; Home Assistant passes its ``json_loads``,
    which is ``orjson.loads`` (not installed where the package is tested alone).
    """
    if request.param == "orjson":
        orjson = pytest.importorskip("orjson")
        return cast("Callable[[bytes | str], Any]", orjson.loads)
    return json.loads
