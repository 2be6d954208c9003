"""Check what a release is made of, so that a HACS user can install every tag.

The workflows run the right commands, hacs.json asks for the release zip, the manifest's
version is the changelog's newest release, the zip has the integration at its root, and
the repository's address is the same everywhere. hacs.json's keys and the manifest's
other rules are checked in test_repository.py. Nothing here needs git, tags or network.
"""

from __future__ import annotations

from collections.abc import Iterator
import importlib.util
import itertools
import json
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys
import tomllib
from typing import Any
import zipfile

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "ejoin"
WORKFLOWS = ROOT / ".github" / "workflows"
RELEASE_ZIP = ROOT / "scripts" / "release_zip.py"
SET_REPOSITORY = ROOT / "scripts" / "set_repository.py"

MATRIX_VALUE = re.compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")
# "## [Unreleased]" and "## [1.2.3] - 2026-11-30": Keep a Changelog's headings.
HEADING = re.compile(r"^## .*$", re.MULTILINE)
RELEASE_HEADING = re.compile(
    r"^## \[(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\] - (\d{4}-\d\d-\d\d)$"
)
CHANGE_TYPES = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
LINK_REFERENCE = re.compile(r"^\[([^\]]+)\]: (\S+)$", re.MULTILINE)
GITHUB_ADDRESS = re.compile(
    r"https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?(?![\w.-])"
)
# Other projects' repositories the documentation may link to; any other GitHub
# repository named anywhere is taken for this one and must be its address.
OTHER_OWNERS = {"home-assistant", "hacs"}


def _script_module(path: Path) -> Any:
    """Load one of the repository's scripts as a module (scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Not the repository's own files: the very ones scripts/set-repository skips.
SKIPPED_DIRS: set[str] = _script_module(SET_REPOSITORY).SKIPPED_DIRS


def load_json(path: Path) -> Any:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_workflow(name: str) -> dict[Any, Any]:
    """Read a workflow of .github/workflows."""
    workflow: dict[Any, Any] = yaml.safe_load(
        (WORKFLOWS / name).read_text(encoding="utf-8")
    )
    return workflow


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """Return a workflow's events; YAML 1.1 (PyYAML) reads the key ``on`` as true."""
    events = workflow.get("on", workflow.get(True))
    if isinstance(events, str | list):
        return dict.fromkeys([events] if isinstance(events, str) else events)
    assert isinstance(events, dict), events
    return events


def filled(value: Any, matrix: dict[str, Any]) -> Any:
    """Return ``value`` with each ``${{ matrix.x }}`` in its strings replaced."""
    if isinstance(value, str):
        return MATRIX_VALUE.sub(lambda match: str(matrix[match[1]]), value)
    if isinstance(value, list):
        return [filled(item, matrix) for item in value]
    if isinstance(value, dict):
        return {key: filled(item, matrix) for key, item in value.items()}
    return value


def runs(workflow: dict[Any, Any]) -> Iterator[list[dict[str, Any]]]:
    """Yield the steps of each job, once per matrix entry, with its values filled in."""
    for job in workflow["jobs"].values():
        matrix = job.get("strategy", {}).get("matrix", {})
        for entry in matrix.get("include") or [{}]:
            yield filled(job["steps"], entry)


def python_of(steps: list[dict[str, Any]]) -> str | None:
    """Return the Python version a job's setup-python step installs."""
    for step in steps:
        if str(step.get("uses", "")).startswith("actions/setup-python@"):
            return str(step["with"]["python-version"])
    return None


def commands(steps: list[dict[str, Any]]) -> list[str]:
    """Return each command the steps run (split at newlines, && and ;)."""
    return [
        command.strip()
        for step in steps
        for command in re.split(r"\n|&&|;", str(step.get("run", "")))
        if command.strip()
    ]


def test_tests_run_on_both_supported_home_assistant_releases() -> None:
    """scripts/test on Python 3.13 (2025.4.4) and scripts/test-latest on 3.14 (newest)."""
    workflow = load_workflow("tests.yml")
    assert {"push", "pull_request"} <= set(triggers(workflow))
    ran = {
        (python_of(steps), command)
        for steps in runs(workflow)
        for command in commands(steps)
    }
    assert ("3.13", "scripts/test") in ran
    assert ("3.13", "scripts/test-protocol") in ran
    assert ("3.14", "scripts/test-latest") in ran


def test_validate_runs_hassfest_and_hacs() -> None:
    """hassfest, and HACS's validation for an integration, on every push."""
    workflow = load_workflow("validate.yml")
    assert {"push", "pull_request"} <= set(triggers(workflow))
    steps = [step for job in runs(workflow) for step in job]
    uses = {str(step.get("uses", "")).split("@")[0]: step for step in steps}
    assert "home-assistant/actions/hassfest" in uses
    assert uses["hacs/action"]["with"]["category"] == "integration"


def test_release_builds_and_uploads_the_zip_hacs_json_names() -> None:
    """A published release or a v* tag: scripts/release-zip, then the zip is uploaded."""
    workflow = load_workflow("release.yml")
    events = triggers(workflow)
    assert events["release"]["types"] == ["published"]
    assert events["push"]["tags"] == ["v*"]
    ran = [command for steps in runs(workflow) for command in commands(steps)]
    build = next(c for c in ran if c.startswith("scripts/release-zip "))
    assert "--tag" in build.split()
    out_dir = build.split()[-1]
    filename = load_json(ROOT / "hacs.json")["filename"]
    assert any(
        c.startswith("gh release upload") and f"{out_dir}/{filename}" in c.split()
        for c in ran
    ), ran


def test_hacs_json_asks_for_the_release_zip() -> None:
    """HACS downloads the zip release asset instead of the repository's files."""
    hacs = load_json(ROOT / "hacs.json")
    assert hacs["zip_release"] is True
    assert re.fullmatch(r"[\w.-]+\.zip", hacs["filename"])


def changelog_problems(changelog: str, version: str, address: str) -> list[str]:
    """Return where the changelog leaves Keep a Changelog or disagrees with the manifest."""
    headings = HEADING.findall(changelog)
    if not headings or headings[0] != "## [Unreleased]":
        return ["the first section must be ## [Unreleased]"]
    problems = []
    releases: list[tuple[str, str]] = []
    for heading in headings[1:]:
        if match := RELEASE_HEADING.match(heading):
            releases.append((match[1], match[2]))
        else:
            problems.append(f"{heading!r} is not ## [x.y.z] - YYYY-MM-DD")
    problems += [
        f"{kind!r} is not a type of change"
        for kind in re.findall(r"^### (.*)$", changelog, re.MULTILINE)
        if kind not in CHANGE_TYPES
    ]
    if not releases:
        return [*problems, "no released section"]
    if releases[0][0] != version:
        problems.append(
            f"the manifest says {version}, the newest release is {releases[0][0]}"
        )
    numbers = [tuple(int(n) for n in v.split("-")[0].split(".")) for v, _ in releases]
    if numbers != sorted(numbers, reverse=True) or len(set(numbers)) != len(numbers):
        problems.append("versions must go down, newest first")
    dates = [day for _, day in releases]
    if dates != sorted(dates, reverse=True):
        problems.append("dates must go down, newest first")
    links = dict(LINK_REFERENCE.findall(changelog))
    wanted = {"Unreleased": f"{address}/compare/v{releases[0][0]}...HEAD"}
    for (newer, _), (older, _) in itertools.pairwise(releases):
        wanted[newer] = f"{address}/compare/v{older}...v{newer}"
    wanted[releases[-1][0]] = f"{address}/releases/tag/v{releases[-1][0]}"
    problems += [
        f"[{name}] must link to {link}"
        for name, link in wanted.items()
        if links.get(name) != link
    ]
    return problems


def repository_address(root: Path = ROOT) -> str:
    """Return the repository's address, as pyproject.toml keeps it."""
    with (root / "pyproject.toml").open("rb") as file:
        address: str = tomllib.load(file)["tool"]["ejoin"]["repository"]
    return address


def test_manifest_version_is_the_newest_release_of_the_changelog() -> None:
    """CHANGELOG.md follows Keep a Changelog and its newest release is the manifest's."""
    version = load_json(INTEGRATION / "manifest.json")["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog_problems(changelog, version, repository_address()) == []


# Built, so that the address check does not take it for a mention of this repository.
ADDRESS = "https://github.com/" + "owner/project"
GOOD_CHANGELOG = f"""# Changelog

## [Unreleased]

## [0.2.0] - 2026-11-30

### Added
- A thing.

## [0.1.0] - 2026-11-01

### Fixed
- Another.

[Unreleased]: {ADDRESS}/compare/v0.2.0...HEAD
[0.2.0]: {ADDRESS}/compare/v0.1.0...v0.2.0
[0.1.0]: {ADDRESS}/releases/tag/v0.1.0
"""


@pytest.mark.parametrize(
    ("changelog", "version", "problem"),
    [
        (
            GOOD_CHANGELOG,
            "0.2.1",
            "the manifest says 0.2.1, the newest release is 0.2.0",
        ),
        (
            GOOD_CHANGELOG.replace("## [Unreleased]\n", ""),
            "0.2.0",
            "the first section must be ## [Unreleased]",
        ),
        (
            GOOD_CHANGELOG.replace("[0.2.0] - 2026-11-30", "[0.2.0]"),
            "0.1.0",
            "'## [0.2.0]' is not ## [x.y.z] - YYYY-MM-DD",
        ),
        (
            GOOD_CHANGELOG.replace("2026-11-30", "30.11.2026"),
            "0.1.0",
            "is not ## [x.y.z] - YYYY-MM-DD",
        ),
        (GOOD_CHANGELOG.replace("### Fixed", "### Fixes"), "0.2.0", "'Fixes' is not"),
        (
            GOOD_CHANGELOG.replace("[0.1.0] - 2026-11-01", "[0.3.0] - 2026-11-01"),
            "0.2.0",
            "versions must go down",
        ),
        (
            GOOD_CHANGELOG.replace("2026-11-01", "2026-12-01"),
            "0.2.0",
            "dates must go down",
        ),
        (
            GOOD_CHANGELOG.replace("compare/v0.2.0...HEAD", "compare/v0.1.0...HEAD"),
            "0.2.0",
            "[Unreleased] must link to",
        ),
        (
            GOOD_CHANGELOG.replace(f"[0.1.0]: {ADDRESS}/releases/tag/v0.1.0\n", ""),
            "0.2.0",
            "[0.1.0] must link to",
        ),
        ("# Changelog\n\n## [Unreleased]\n", "0.2.0", "no released section"),
    ],
)
def test_changelog_check_catches(changelog: str, version: str, problem: str) -> None:
    """A changelog broken in one way is reported for exactly that reason."""
    assert changelog_problems(GOOD_CHANGELOG, "0.2.0", ADDRESS) == []
    problems = changelog_problems(changelog, version, ADDRESS)
    assert any(problem in found for found in problems), problems


def release_copy(root: Path) -> Path:
    """Copy what a release is built from into ``root``; return the integration's copy.

    The changelog is copied as a release leaves it: what is under ``[Unreleased]`` on
    the main branch has moved into the released section, so nothing is left there.
    """
    root.mkdir()
    for name in ("hacs.json", "pyproject.toml"):
        shutil.copy(ROOT / name, root / name)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    start = changelog.index("## [Unreleased]\n") + len("## [Unreleased]\n")
    released = changelog.index("\n## [", start)
    (root / "CHANGELOG.md").write_text(
        changelog[:start] + changelog[released:], encoding="utf-8"
    )
    integration = root / "custom_components" / "ejoin"
    shutil.copytree(
        INTEGRATION, integration, ignore=shutil.ignore_patterns("__pycache__")
    )
    return integration


def release_zip(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run scripts/release-zip's program on a copy of the repository."""
    return subprocess.run(  # noqa: S603 - this repository's own script
        [sys.executable, str(RELEASE_ZIP), "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_release_zip_holds_the_integration_at_its_root(tmp_path: Path) -> None:
    """What HACS unpacks into custom_components/ejoin: the folder's files, no caches."""
    integration = release_copy(tmp_path / "repo")
    (integration / "__pycache__").mkdir()
    (integration / "__pycache__" / "const.cpython-313.pyc").write_bytes(b"\0")
    (integration / ".DS_Store").write_bytes(b"\0")
    version = load_json(integration / "manifest.json")["version"]

    built = release_zip(
        tmp_path / "repo",
        "--tag",
        f"v{version}",
        "--notes",
        str(tmp_path / "notes.md"),
        str(tmp_path / "dist"),
    )
    assert built.returncode == 0, built.stderr
    target = tmp_path / "dist" / load_json(ROOT / "hacs.json")["filename"]
    assert f"{target}: version {version}" in built.stdout
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        shipped = json.loads(archive.read("manifest.json"))
    assert {"manifest.json", "__init__.py", "brand/icon.png"} <= names
    assert not [name for name in names if "__pycache__" in name or "DS_Store" in name]
    assert names == {
        path.relative_to(integration).as_posix()
        for path in integration.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.name[0] != "."
    }
    assert shipped["version"] == version
    notes = (tmp_path / "notes.md").read_text(encoding="utf-8")
    assert notes.startswith("### ")
    assert "## [" not in notes
    assert "]: https://" not in notes

    again = release_zip(tmp_path / "repo", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / target.name).read_bytes() == target.read_bytes()


def _set_version(root: Path, version: str) -> None:
    manifest = root / "custom_components" / "ejoin" / "manifest.json"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        re.sub(r'"version": "[^"]*"', f'"version": "{version}"', text),
        encoding="utf-8",
    )


def _add_unreleased(root: Path) -> None:
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(
        text.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n- X.\n", 1),
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("tag", "change", "message"),
    [
        ("v9.9.9", None, "tag v9.9.9 does not match the manifest's version"),
        ("{version}", None, "does not match the manifest's version"),
        (
            None,
            lambda root: _set_version(root, "9.9.9"),
            "the manifest says version 9.9.9",
        ),
        ("v{version}", _add_unreleased, "lists changes under [Unreleased]"),
    ],
)
def test_release_zip_refuses_versions_that_disagree(
    tmp_path: Path, tag: str | None, change: Any, message: str
) -> None:
    """A tag, manifest or changelog that disagree build nothing, and say why."""
    release_copy(tmp_path / "repo")
    if change is not None:
        change(tmp_path / "repo")
    version = load_json(INTEGRATION / "manifest.json")["version"]
    args = ["--tag", tag.format(version=version)] if tag else []
    refused = release_zip(tmp_path / "repo", *args, str(tmp_path / "dist"))
    assert refused.returncode == 1
    assert message in refused.stderr
    assert not (tmp_path / "dist").exists()


def text_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Yield each text file of a repository with its content."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if name not in SKIPPED_DIRS]
        for name in files:
            path = Path(folder, name)
            try:
                yield path, path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue


def address_problems(root: Path) -> list[str]:
    """Return each place that names the repository otherwise than pyproject.toml does."""
    address = repository_address(root)
    manifest = load_json(root / "custom_components" / "ejoin" / "manifest.json")
    problems = [
        f"manifest {key} is {manifest[key]}, not {wanted}"
        for key, wanted in (
            ("documentation", address),
            ("issue_tracker", f"{address}/issues"),
        )
        if manifest[key] != wanted
    ]
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    problems += [
        f"CHANGELOG.md links [{name}] to {link}"
        for name, link in LINK_REFERENCE.findall(changelog)
        if not link.startswith(f"{address}/")
    ]
    if f"`{address}`" not in (root / "README.md").read_text(encoding="utf-8"):
        problems.append(f"README.md does not say to add `{address}` to HACS")
    for path, text in text_files(root):
        for match in GITHUB_ADDRESS.finditer(text):
            if match[1] not in OTHER_OWNERS and match[0] != address:
                problems.append(f"{path.relative_to(root)} names {match[0]}")
    return problems


def test_the_repository_address_is_the_same_everywhere() -> None:
    """Manifest, README, changelog and every other file name pyproject.toml's address."""
    assert address_problems(ROOT) == []


def address_copy(root: Path) -> Path:
    """Copy every file that names a GitHub repository, and the ones that must."""
    must = [
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "custom_components/ejoin/manifest.json",
    ]
    naming = [
        path.relative_to(ROOT).as_posix()
        for path, text in text_files(ROOT)
        if "https://github.com/" in text
    ]
    for name in {*must, *naming}:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)
    return root


def test_set_repository_moves_every_mention(tmp_path: Path) -> None:
    """scripts/set-repository OWNER/NAME leaves no place naming the old address."""
    root = address_copy(tmp_path)
    old = repository_address(root)
    moved = subprocess.run(  # noqa: S603 - this repository's own script
        [sys.executable, str(SET_REPOSITORY), "--root", str(root), "someone/gateway"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert moved.returncode == 0, moved.stderr
    new = "https://github.com/" + "someone/gateway"
    assert repository_address(root) == new
    assert address_problems(root) == []
    assert [path for path, text in text_files(root) if old in text] == []
    assert "custom_components/ejoin/manifest.json" in moved.stdout.splitlines()


@pytest.mark.parametrize(
    ("name", "old", "new", "problem"),
    [
        (
            "custom_components/ejoin/manifest.json",
            '{address}/issues"',
            '{address}-old/issues"',
            "manifest issue_tracker is",
        ),
        (
            "CHANGELOG.md",
            "]: {address}/compare",
            "]: {github}other/project/compare",
            "links [Unreleased]",
        ),
        ("README.md", "`{address}`", "`{address}-old`", "README.md does not say"),
        ("README.md", "`{address}`", "`{address}-old`", "README.md names https"),
    ],
)
def test_address_check_catches(
    tmp_path: Path, name: str, old: str, new: str, problem: str
) -> None:
    """A place left behind by a move is reported."""
    root = address_copy(tmp_path)
    names = {"address": repository_address(root), "github": "https://github.com/"}
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old.format(**names) in text
    path.write_text(
        text.replace(old.format(**names), new.format(**names)), encoding="utf-8"
    )
    problems = address_problems(root)
    assert any(problem in found for found in problems), problems
