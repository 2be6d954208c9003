"""Tests of the package's shape: its modules import one way, and only what it needs."""

from __future__ import annotations

import ast
from pathlib import Path
import sys

import pytest

import pyejoin

PACKAGE = Path(pyejoin.__file__).resolve().parent
# Each module imports only from modules of a lower layer (TYPE_CHECKING imports too).
LAYERS = {
    "exceptions": 0,
    "ports": 0,
    "bodies": 1,
    "port_state": 1,
    "models": 2,
    "wire": 3,
    "values": 4,
    "merge": 5,
    "sms": 5,
    "port_readers": 5,
    "port_objects": 6,
    "reports": 7,
    "replies": 8,
    "transport": 9,
    "client": 10,
    "__init__": 11,
}
# Beside the standard library, the package needs aiohttp (and yarl, which comes with it).
THIRD_PARTY = frozenset({"aiohttp", "yarl"})


def imports_of(module: str) -> tuple[set[str], set[str]]:
    """Return the package modules and the other top-level modules a module imports."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    own: set[str] = set()
    other: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            own.add(node.module or "__init__")
        elif isinstance(node, ast.ImportFrom):
            other.add(str(node.module).partition(".")[0])
        elif isinstance(node, ast.Import):
            other.update(alias.name.partition(".")[0] for alias in node.names)
    return own, other


def test_every_module_has_a_layer() -> None:
    """A new module must be placed in the order."""
    assert {path.stem for path in PACKAGE.glob("*.py")} == set(LAYERS)


@pytest.mark.parametrize("module", sorted(LAYERS))
def test_imports_run_one_way(module: str) -> None:
    """A module imports only from the layers below its own: no cycle can form."""
    own, _ = imports_of(module)

    assert {name for name in own if LAYERS[name] >= LAYERS[module]} == set()


@pytest.mark.parametrize("module", sorted(LAYERS))
def test_only_the_standard_library_and_aiohttp(module: str) -> None:
    """No Home Assistant, nothing of the integration: the package stands on its own."""
    _, other = imports_of(module)

    assert other - sys.stdlib_module_names - THIRD_PARTY == set()


def test_every_exported_name_exists() -> None:
    """``__all__`` names only what the package root really holds, once each."""
    assert len(set(pyejoin.__all__)) == len(pyejoin.__all__)
    assert [name for name in pyejoin.__all__ if not hasattr(pyejoin, name)] == []
