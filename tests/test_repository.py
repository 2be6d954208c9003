"""Check the repository the way hassfest and HACS would, so a broken release never ships.

Each check is a function that returns the problems it finds. The real files must have
none, and every check is also run on broken inputs to prove it can fail.
"""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path
import re
import struct
from typing import TYPE_CHECKING, Any
import zlib

from homeassistant.const import Platform
import pytest
import yaml

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "ejoin"
MINIMUM_HOME_ASSISTANT = "2025.4.0"

MANIFEST_KEYS = {
    "domain",
    "name",
    "after_dependencies",
    "bluetooth",
    "codeowners",
    "config_flow",
    "dependencies",
    "dhcp",
    "documentation",
    "homekit",
    "import_executor",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "loggers",
    "mqtt",
    "requirements",
    "single_config_entry",
    "ssdp",
    "usb",
    "version",
    "zeroconf",
}
REQUIRED_MANIFEST_KEYS = {
    "domain",
    "name",
    "codeowners",
    "config_flow",
    "dependencies",
    "documentation",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "requirements",
    "version",
}
HACS_KEYS = {
    "name",
    "content_in_root",
    "country",
    "filename",
    "hacs",
    "hide_default_branch",
    "homeassistant",
    "persistent_directory",
    "render_readme",
    "zip_release",
}
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$"
)
CODEOWNER = re.compile(r"^@[A-Za-z0-9-]+(/[A-Za-z0-9-]+)?$")
HTTPS_URL = re.compile(r"^https://[^\s/]+\.[^\s/]+(/\S*)?$")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_json(path: Path) -> Any:
    """Read a JSON file of the repository."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_services() -> dict[str, Any]:
    """Read services.yaml, or nothing when the integration has no actions yet."""
    path = INTEGRATION / "services.yaml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def manifest_problems(manifest: dict[str, Any], folder: str = "ejoin") -> list[str]:
    """Return what hassfest (and this project's own rules) would reject in a manifest."""
    problems = [
        f"missing key {key}" for key in sorted(REQUIRED_MANIFEST_KEYS - set(manifest))
    ]
    problems += [f"unknown key {key}" for key in sorted(set(manifest) - MANIFEST_KEYS)]
    keys = list(manifest)
    if keys[:2] != ["domain", "name"] or keys[2:] != sorted(keys[2:]):
        problems.append("keys must be domain, name, then the rest alphabetically")
    if manifest.get("domain") != folder:
        problems.append(f"domain must be the folder name {folder!r}")
    if not isinstance(manifest.get("name"), str) or not manifest.get("name"):
        problems.append("name must be a non-empty string")
    owners = manifest.get("codeowners")
    if not isinstance(owners, list) or not owners:
        problems.append("codeowners must be a non-empty list")
    else:
        problems += [
            f"codeowner {owner!r} is not a GitHub handle"
            for owner in owners
            if not isinstance(owner, str) or not CODEOWNER.match(owner)
        ]
    if manifest.get("config_flow") is not True:
        problems.append("config_flow must be true")
    dependencies = manifest.get("dependencies")
    if not isinstance(dependencies, list) or "webhook" not in dependencies:
        problems.append("dependencies must list webhook")
    for key in ("documentation", "issue_tracker"):
        value = manifest.get(key)
        if not isinstance(value, str) or not HTTPS_URL.match(value):
            problems.append(f"{key} must be an https URL")
    if manifest.get("integration_type") != "hub":
        problems.append("integration_type must be hub")
    if manifest.get("iot_class") != "local_push":
        problems.append("iot_class must be local_push")
    if manifest.get("requirements") != []:
        problems.append("requirements must be empty: only what Home Assistant ships")
    version = manifest.get("version")
    if not isinstance(version, str) or not SEMVER.match(version):
        problems.append("version must be SemVer")
    return problems


def imported_components(package: Path) -> set[str]:
    """Return the core integrations the code imports from homeassistant.components."""
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                if node.module == "homeassistant.components":
                    names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[:2] == ["homeassistant", "components"] and len(parts) > 2:
                    found.add(parts[2])
    return found


# Like hassfest: entity platforms and a few always-loaded integrations may be imported
# without being declared.
ALWAYS_ALLOWED = {str(platform) for platform in Platform} | {
    "device_automation",
    "logbook",  # imported only by logbook.py, which logbook itself loads
    "diagnostics",
    "homeassistant",
    "repairs",
    "system_health",
}


def dependency_problems(manifest: dict[str, Any], components: set[str]) -> list[str]:
    """Return imported core integrations that the manifest does not declare."""
    declared = (
        set(manifest.get("dependencies", []))
        | set(manifest.get("after_dependencies", []))
        | ALWAYS_ALLOWED
    )
    return [
        f"imports homeassistant.components.{name} without declaring it"
        for name in sorted(components - declared)
    ]


def hacs_problems(hacs: dict[str, Any]) -> list[str]:
    """Return what HACS would reject in hacs.json."""
    problems = [f"unknown key {key}" for key in sorted(set(hacs) - HACS_KEYS)]
    if not isinstance(hacs.get("name"), str) or not hacs.get("name"):
        problems.append("name must be a non-empty string")
    if hacs.get("homeassistant") != MINIMUM_HOME_ASSISTANT:
        problems.append(
            f"homeassistant must be the minimum version {MINIMUM_HOME_ASSISTANT}"
        )
    flags = ("content_in_root", "hide_default_branch", "render_readme", "zip_release")
    problems += [
        f"{key} must be true or false"
        for key in flags
        if key in hacs and not isinstance(hacs[key], bool)
    ]
    return problems


def translation_problems(strings: Any, english: Any) -> list[str]:
    """Return why translations/en.json would not show what strings.json says."""
    problems = []
    if strings != english:
        problems.append("translations/en.json differs from strings.json")
    if "[%key:" in json.dumps(english):
        problems.append("custom integrations cannot use [%key:...] references")
    return problems


def service_string_problems(
    services: dict[str, Any], strings: dict[str, Any]
) -> list[str]:
    """Return actions and fields of services.yaml that have no translated name or description."""
    problems = []
    translated = strings.get("services", {})
    for action, spec in services.items():
        texts = translated.get(action)
        if not texts or not texts.get("name") or not texts.get("description"):
            problems.append(f"action {action} needs a name and a description")
            continue
        fields = dict((spec or {}).get("fields", {}))
        for section in [
            f for f in fields.values() if isinstance(f, dict) and "fields" in f
        ]:
            fields.update(section["fields"])
        for field in fields:
            field_texts = texts.get("fields", {}).get(field, {})
            if not field_texts.get("name") or not field_texts.get("description"):
                problems.append(
                    f"field {action}.{field} needs a name and a description"
                )
    return problems


def icon_problems(png: bytes) -> list[str]:
    """Return why a file is not the 256x256 PNG brand icon HACS and Home Assistant expect."""
    if not png.startswith(PNG_SIGNATURE):
        return ["not a PNG file"]
    chunks: list[tuple[bytes, bytes]] = []
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[offset : offset + 8])
        data = png[offset + 8 : offset + 8 + length]
        crc = png[offset + 8 + length : offset + 12 + length]
        if (
            len(data) != length
            or len(crc) != 4
            or zlib.crc32(kind + data) != int.from_bytes(crc)
        ):
            return [f"chunk {kind!r} is damaged"]
        chunks.append((kind, data))
        offset += 12 + length
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        return ["PNG must start with IHDR and end with IEND"]
    width, height = struct.unpack(">II", chunks[0][1][:8])
    if (width, height) != (256, 256):
        return [f"icon is {width}x{height}, not 256x256"]
    return []


def make_png(width: int, height: int) -> bytes:
    """Build a small valid PNG of the given size, for the bad cases."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\0" + b"\0\0\0\0" * width for _ in range(height))
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# Every rule of Home Assistant's Integration Quality Scale, by tier.
QUALITY_SCALE_RULES = {
    "bronze": [
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow",
        "config-flow-test-coverage",
        "dependency-transparency",
        "docs-actions",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "docs-triggers",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    ],
    "silver": [
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    ],
    "gold": [
        "devices",
        "diagnostics",
        "discovery",
        "discovery-update-info",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    ],
    "platinum": ["async-dependency", "inject-websession", "strict-typing"],
}


def quality_scale_problems(document: Any) -> list[str]:
    """Return why quality_scale.yaml does not show every rule done or exempt."""
    rules = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(rules, dict):
        return ["no rules mapping"]
    known = {rule for tier in QUALITY_SCALE_RULES.values() for rule in tier}
    problems = [f"{rule} is missing" for rule in sorted(known - set(rules))]
    problems += [f"{rule} is not a rule" for rule in sorted(set(rules) - known)]
    for rule, value in sorted(rules.items()):
        status = value.get("status") if isinstance(value, dict) else value
        if status not in ("done", "exempt"):
            problems.append(f"{rule} is {status}, not done or exempt")
        elif status == "exempt" and not (
            isinstance(value, dict) and str(value.get("comment", "")).strip()
        ):
            problems.append(f"{rule} is exempt without a reason")
    return problems


def test_manifest_is_valid() -> None:
    """The shipped manifest passes every rule."""
    assert manifest_problems(load_json(INTEGRATION / "manifest.json")) == []


def test_manifest_declares_every_imported_core_integration() -> None:
    """Every homeassistant.components.X the code imports is a declared dependency."""
    manifest = load_json(INTEGRATION / "manifest.json")
    assert dependency_problems(manifest, imported_components(INTEGRATION)) == []


def test_hacs_json_is_valid() -> None:
    """hacs.json has only keys HACS accepts and names the minimum Home Assistant."""
    assert hacs_problems(load_json(ROOT / "hacs.json")) == []


def test_english_translation_matches_strings() -> None:
    """translations/en.json is an exact copy of strings.json."""
    strings = load_json(INTEGRATION / "strings.json")
    english = load_json(INTEGRATION / "translations" / "en.json")
    assert translation_problems(strings, english) == []


def test_every_action_has_strings() -> None:
    """Every action and field in services.yaml has a translated name and description."""
    strings = load_json(INTEGRATION / "strings.json")
    assert service_string_problems(load_services(), strings) == []


def test_brand_icon_is_256_square_png() -> None:
    """The brand icon is a valid 256x256 PNG."""
    assert icon_problems((INTEGRATION / "brand" / "icon.png").read_bytes()) == []


def _without(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda manifest: manifest.pop(key)


def _setting(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda manifest: manifest.__setitem__(key, value)


def _name_first(manifest: dict[str, Any]) -> None:
    domain = manifest.pop("domain")
    rest = dict(manifest)
    manifest.clear()
    manifest.update({"name": rest.pop("name"), "domain": domain, **rest})


def _version_last_but_one(manifest: dict[str, Any]) -> None:
    version = manifest.pop("version")
    requirements = manifest.pop("requirements")
    manifest.update({"version": version, "requirements": requirements})


@pytest.mark.parametrize(
    ("break_manifest", "problem"),
    [
        (_without("codeowners"), "missing key codeowners"),
        (_without("version"), "missing key version"),
        (_setting("quality_scale", "platinum"), "unknown key quality_scale"),
        (_name_first, "keys must be domain, name"),
        (_version_last_but_one, "keys must be domain, name"),
        (_setting("domain", "ejoin_gateway"), "domain must be the folder name"),
        (_setting("name", ""), "name must be a non-empty string"),
        (_setting("codeowners", ["someone"]), "is not a GitHub handle"),
        (_setting("codeowners", []), "codeowners must be a non-empty list"),
        (_setting("config_flow", False), "config_flow must be true"),
        (_setting("dependencies", []), "dependencies must list webhook"),
        (
            _setting("documentation", "http://example.com/ejoin"),
            "documentation must be an https URL",
        ),
        (
            _setting("issue_tracker", "github issues"),
            "issue_tracker must be an https URL",
        ),
        (_setting("integration_type", "device"), "integration_type must be hub"),
        (_setting("iot_class", "local_polling"), "iot_class must be local_push"),
        (_setting("requirements", ["pyejoin==1.0"]), "requirements must be empty"),
        (_setting("version", "1.0"), "version must be SemVer"),
        (_setting("version", "v1.0.0"), "version must be SemVer"),
    ],
)
def test_manifest_check_catches(
    break_manifest: Callable[[dict[str, Any]], None], problem: str
) -> None:
    """A manifest broken in one way is reported for exactly that reason."""
    manifest = copy.deepcopy(load_json(INTEGRATION / "manifest.json"))
    break_manifest(manifest)
    problems = manifest_problems(manifest)
    assert any(problem in found for found in problems), problems


def test_dependency_check_catches_undeclared_import(tmp_path: Path) -> None:
    """Code that imports a core integration the manifest does not declare is reported."""
    (tmp_path / "sensor.py").write_text(
        "from homeassistant.components.mqtt import async_publish\n"
        "from homeassistant.components import webhook\n"
        "import homeassistant.components.persistent_notification as pn\n",
        encoding="utf-8",
    )
    components = imported_components(tmp_path)
    assert components == {"mqtt", "webhook", "persistent_notification"}
    manifest = load_json(INTEGRATION / "manifest.json")
    assert dependency_problems(manifest, components) == [
        "imports homeassistant.components.mqtt without declaring it",
        "imports homeassistant.components.persistent_notification without declaring it",
    ]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"domains": ["sensor"]}, "unknown key domains"),
        ({"homeassistant": "2024.1.0"}, "homeassistant must be the minimum version"),
        ({"name": ""}, "name must be a non-empty string"),
        ({"render_readme": "yes"}, "render_readme must be true or false"),
    ],
)
def test_hacs_check_catches(changes: dict[str, Any], problem: str) -> None:
    """A hacs.json broken in one way is reported for exactly that reason."""
    hacs = {**load_json(ROOT / "hacs.json"), **changes}
    problems = hacs_problems(hacs)
    assert any(problem in found for found in problems), problems


@pytest.mark.parametrize(
    ("strings", "english", "problem"),
    [
        ({"config": {"step": {}}}, {}, "differs from strings.json"),
        (
            {
                "config": {
                    "abort": {
                        "x": "[%key:common::config_flow::abort::already_configured_device%]"
                    }
                }
            },
            {
                "config": {
                    "abort": {
                        "x": "[%key:common::config_flow::abort::already_configured_device%]"
                    }
                }
            },
            "cannot use [%key:...] references",
        ),
    ],
)
def test_translation_check_catches(strings: Any, english: Any, problem: str) -> None:
    """Translations that drift from strings.json, or use core-only references, are reported."""
    problems = translation_problems(strings, english)
    assert any(problem in found for found in problems), problems


@pytest.mark.parametrize(
    ("services", "strings", "problem"),
    [
        ({"redial": None}, {}, "action redial needs a name and a description"),
        (
            {"redial": {"fields": {"mode": {}}}},
            {
                "services": {
                    "redial": {"name": "Redial", "description": "Redial ports."}
                }
            },
            "field redial.mode needs a name and a description",
        ),
        (
            {
                "send_sms": {
                    "fields": {
                        "advanced": {"collapsed": True, "fields": {"report": {}}}
                    }
                }
            },
            {
                "services": {
                    "send_sms": {
                        "name": "Send SMS",
                        "description": "Send an SMS.",
                        "fields": {
                            "advanced": {"name": "Advanced", "description": "More."}
                        },
                    }
                }
            },
            "field send_sms.report needs a name and a description",
        ),
    ],
)
def test_service_string_check_catches(
    services: dict[str, Any], strings: dict[str, Any], problem: str
) -> None:
    """Actions or fields without translated texts are reported."""
    problems = service_string_problems(services, strings)
    assert any(problem in found for found in problems), problems


@pytest.mark.parametrize(
    ("png", "problem"),
    [
        pytest.param(b"GIF89a", "not a PNG file", id="gif"),
        pytest.param(make_png(128, 128), "icon is 128x128", id="too-small"),
        pytest.param(make_png(256, 128), "icon is 256x128", id="not-square"),
        pytest.param(make_png(256, 256)[:-5], "end with IEND", id="truncated"),
        pytest.param(
            make_png(256, 256).replace(b"IHDR", b"IHDX", 1), "damaged", id="bad-crc"
        ),
    ],
)
def test_icon_check_catches(png: bytes, problem: str) -> None:
    """Files that are not a 256x256 PNG are reported."""
    problems = icon_problems(png)
    assert any(problem in found for found in problems), problems


def test_quality_scale_lists_every_rule_done_or_exempt() -> None:
    """quality_scale.yaml names every rule of all four tiers, none left to do."""
    document = yaml.safe_load(
        (INTEGRATION / "quality_scale.yaml").read_text(encoding="utf-8")
    )
    assert quality_scale_problems(document) == []


def _rules_without(rule: str) -> dict[str, Any]:
    rules: dict[str, Any] = {
        name: "done" for tier in QUALITY_SCALE_RULES.values() for name in tier
    }
    rules.pop(rule, None)
    return {"rules": rules}


def _rules_with(rule: str, value: Any) -> dict[str, Any]:
    document = _rules_without(rule)
    document["rules"][rule] = value
    return document


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (_rules_without("stale-devices"), "stale-devices is missing"),
        (_rules_without("docs-triggers"), "docs-triggers is missing"),
        (_rules_with("diagnostics", "todo"), "diagnostics is todo, not done or exempt"),
        (
            _rules_with("repair-issues", {"status": "todo", "comment": "later"}),
            "repair-issues is todo, not done or exempt",
        ),
        (_rules_with("discovery", "exempt"), "discovery is exempt without a reason"),
        (_rules_with("made-up-rule", "done"), "made-up-rule is not a rule"),
        ({"rules": []}, "no rules mapping"),
    ],
)
def test_quality_scale_check_catches(document: Any, problem: str) -> None:
    """A missing, unfinished, unexplained or unknown rule is reported."""
    assert problem in quality_scale_problems(document)


def imported_modules(package: Path) -> set[str]:
    """Return every module a package's source files import, by its full name."""
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
    return found


def test_the_simulator_imports_nothing_of_the_integration() -> None:
    """The simulator is written from the protocol, never from our client's code.

    Were it to import the integration, a misreading of the protocol there would be
    mirrored here and no test could catch it.
    """
    imported = imported_modules(ROOT / "ejoin_simulator")
    assert "aiohttp" in imported  # the walk does see the imports
    assert not {
        module
        for module in imported
        if module.split(".")[0] in ("custom_components", "homeassistant")
    }
