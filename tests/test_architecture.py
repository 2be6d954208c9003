"""The integration's structure: imports run one way, and no module grows too large.

Each module has a layer; a module imports only from layers below its own, so no import
runs upwards and no cycle can form (imports under ``TYPE_CHECKING`` count too). The
order, from the bottom: constants and the protocol package; what events carry,
report URLs and the client builder; identifiers; the gateway model; the features that
feed it or read it; the runtime that builds them; the entity base and the commands
layer; platforms, actions, flows, the panel's views and the rest of Home Assistant's
entry points; what the panel's subscriptions follow; its WebSocket commands; and
``__init__`` on top. The protocol package imports nothing outside itself, and platforms
and actions reach the features only through what is meant for them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from custom_components.ejoin import pyejoin

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "ejoin"
PACKAGE = "custom_components.ejoin"
MAX_LINES = 450

LAYERS: dict[str, int] = {
    "const": 0,
    "log_limit": 0,
    "pyejoin": 0,
    "bus": 1,
    "connection": 1,
    "report_url": 1,
    "identifiers": 2,
    "gateway": 3,
    "port_values": 1,
    "sms.inbox": 4,
    "sms.recent": 4,
    "sms.task_ids": 4,
    "ingest": 4,
    "calls": 5,
    "devices": 5,
    "mobile_data": 5,
    "public_ip": 5,
    "redial": 5,
    "sms.received": 5,
    "sms.sender": 5,
    "sms.store": 5,
    "sms.sent": 5,
    "watch": 5,
    "webhook": 5,
    "runtime": 6,
    "commands": 7,
    "entity": 7,
    "options_flow": 7,
    "binary_sensor": 8,
    "button": 8,
    "config_flow": 8,
    "device_trigger": 8,
    "diagnostics": 8,
    "farm": 8,
    "event": 8,
    "logbook": 8,
    "notify": 8,
    "panel": 8,
    "repairs": 8,
    "select": 8,
    "sensor": 8,
    "sensor_descriptions": 7,
    "services": 8,
    "targets": 7,
    "task_queue": 8,
    "switch": 8,
    "farm_watch": 9,
    "websocket_api": 10,
    "__init__": 11,
    "sms": 4,
}
PROTOCOL = "pyejoin"

# Platforms and actions read the model and send commands; they do not run features.
ENTRY_POINTS = (
    "binary_sensor",
    "button",
    "event",
    "notify",
    "select",
    "sensor",
    "services",
    "switch",
    "task_queue",
)
FOR_ENTRY_POINTS = {
    "bus",
    "commands",
    "const",
    "entity",
    "gateway",
    "identifiers",
    "mobile_data",
    "port_values",
    "public_ip",
    PROTOCOL,
    "runtime",
    "sensor_descriptions",
    "targets",
}


def module_name(path: Path, package_dir: Path) -> str:
    """Name a source file by its module path inside the package ("sms.inbox")."""
    parts = list(path.relative_to(package_dir).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def layer_of(module: str, layers: dict[str, int]) -> int | None:
    """Return a module's layer; the protocol package is one layer, all its modules."""
    if module.startswith(f"{PROTOCOL}."):
        module = PROTOCOL
    return layers.get(module)


def top_of(module: str) -> str:
    """Return the protocol package for its modules, any other module itself."""
    return PROTOCOL if module.startswith(f"{PROTOCOL}.") else module


def is_module(package_dir: Path, name: str) -> bool:
    """Whether a dotted name is a module (file or subpackage) of the package."""
    path = package_dir / name.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imported_modules(path: Path, package_dir: Path, package: str) -> set[str]:
    """Return the package's modules a source file imports, relative or absolute."""
    own = module_name(path, package_dir)
    parts = [] if own == "__init__" else own.split(".")
    # A relative import starts from the file's package: a subpackage's own name for
    # its __init__.py, the enclosing package for a module.
    base = parts if path.name == "__init__.py" else parts[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join([*anchor, *filter(None, [node.module])])
            elif node.module == package:
                target = ""  # "from package import runtime"
            elif (node.module or "").startswith(f"{package}."):
                target = str(node.module).removeprefix(f"{package}.")
            else:
                continue
            for alias in node.names:  # "from . import bus" imports the module bus
                name = f"{target}.{alias.name}" if target else alias.name
                found.add(name if is_module(package_dir, name) else target)
        elif isinstance(node, ast.Import):
            found.update(
                alias.name.removeprefix(f"{package}.")
                for alias in node.names
                if alias.name.startswith(f"{package}.")
            )
    return found - {""}


def import_problems(
    package_dir: Path, package: str, layers: dict[str, int]
) -> list[str]:
    """Describe every import that does not run downwards, and every unplaced module."""
    problems: list[str] = []
    for path in sorted(package_dir.rglob("*.py")):
        module = module_name(path, package_dir)
        own = layer_of(module, layers)
        if own is None:
            problems.append(f"{module} has no layer")
            continue
        for imported in sorted(imported_modules(path, package_dir, package)):
            if top_of(module) == PROTOCOL:
                if top_of(imported) != PROTOCOL:
                    problems.append(f"{module} imports {imported}, outside {PROTOCOL}")
                continue  # the package's own modules import each other freely
            if imported.startswith(f"{PROTOCOL}."):
                problems.append(
                    f"{module} imports {imported}; import from {PROTOCOL} itself"
                )
                continue
            other = layer_of(imported, layers)
            if other is None:
                problems.append(f"{module} imports {imported}, which has no layer")
            elif other >= own:
                problems.append(
                    f"{module} (layer {own}) imports {imported} (layer {other})"
                )
    return problems


def test_imports_run_one_way() -> None:
    """Every module imports only from the layers below its own."""
    assert import_problems(INTEGRATION, PACKAGE, LAYERS) == []


def test_platforms_and_actions_import_only_what_is_meant_for_them() -> None:
    """Platforms and actions read the model and send commands, nothing more."""
    reached = {
        module: {
            top_of(imported)
            for imported in imported_modules(
                INTEGRATION / f"{module}.py", INTEGRATION, PACKAGE
            )
        }
        - FOR_ENTRY_POINTS
        for module in ENTRY_POINTS
    }
    assert {module: found for module, found in reached.items() if found} == {}


def test_the_import_check_finds_a_cycle(tmp_path: Path) -> None:
    """A deliberate cycle (and an upward import) in a small package is caught."""
    package = tmp_path / "demo"
    package.mkdir()
    (package / "__init__.py").write_text('"""Demo."""\n')
    (package / "model.py").write_text("from .runtime import Runtime\n")
    (package / "runtime.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from .model import Model\n"
    )
    layers = {"__init__": 3, "model": 1, "runtime": 2}

    assert import_problems(package, "demo", layers) == [
        "model (layer 1) imports runtime (layer 2)"
    ]


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from . import runtime\n", "model (layer 1) imports runtime (layer 2)"),
        ("import demo.runtime\n", "model (layer 1) imports runtime (layer 2)"),
        ("from demo import runtime\n", "model (layer 1) imports runtime (layer 2)"),
        ("from .unknown import x\n", "model imports unknown, which has no layer"),
    ],
)
def test_the_import_check_reads_every_form(
    tmp_path: Path, source: str, problem: str
) -> None:
    """Imports of a module, relative or absolute, are all read."""
    package = tmp_path / "demo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "model.py").write_text(source)
    (package / "runtime.py").write_text("")

    assert import_problems(
        package, "demo", {"__init__": 3, "model": 1, "runtime": 2}
    ) == [problem]


def test_the_import_check_places_every_module_of_a_subpackage(tmp_path: Path) -> None:
    """A subpackage's module needs its own layer; the protocol package imports only itself.

    Only the protocol package is one layer as a whole, and the rest imports from the
    package, not from its modules.
    """
    package = tmp_path / "demo"
    (package / "sms").mkdir(parents=True)
    (package / PROTOCOL).mkdir()
    (package / "__init__.py").write_text("")
    (package / "sms" / "__init__.py").write_text("")
    (package / "sms" / "inbox.py").write_text("")
    (package / PROTOCOL / "__init__.py").write_text("from .client import Client\n")
    (package / PROTOCOL / "client.py").write_text("from ..const import DOMAIN\n")
    (package / "const.py").write_text("from .runtime import Runtime\n")
    (package / "runtime.py").write_text(f"from .{PROTOCOL}.client import Client\n")
    layers = {"__init__": 3, "sms": 2, "runtime": 2, "const": 0, PROTOCOL: 0}

    assert import_problems(package, "demo", layers) == [
        "const (layer 0) imports runtime (layer 2)",
        f"{PROTOCOL}.client imports const, outside {PROTOCOL}",
        f"runtime imports {PROTOCOL}.client; import from {PROTOCOL} itself",
        "sms.inbox has no layer",
    ]


# Types the protocol package's functions take or return that the integration does not
# name: what send_commands takes, a PortState's data usage, what a report's problems are,
# what get_data_service answers and what get_sms_tasks lists.
PUBLIC_TYPES = {
    "Command",
    "CommandOp",
    "CounterPeriods",
    "DataService",
    "DataUsage",
    "QueuedSmsTask",
    "ReportProblem",
    "SmsTaskQueue",
}


def names_imported_from_the_protocol(package_dir: Path) -> set[str]:
    """Return every name the glue imports from the protocol package."""
    names: set[str] = set()
    for path in package_dir.rglob("*.py"):
        if PROTOCOL in path.relative_to(package_dir).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in (
                PROTOCOL,
                f"{PACKAGE}.{PROTOCOL}",
            ):
                names.update(alias.name for alias in node.names)
    return names


def test_the_protocol_package_exports_what_is_used() -> None:
    """``__all__`` is what the integration imports, plus the types of its API."""
    assert set(pyejoin.__all__) == (
        names_imported_from_the_protocol(INTEGRATION) | PUBLIC_TYPES
    )


def test_no_module_is_over_450_lines() -> None:
    """A module that grows past 450 lines holds more than one thing: split it."""
    long = {
        str(path.relative_to(INTEGRATION)): lines
        for path in INTEGRATION.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
