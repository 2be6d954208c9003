"""Build the zip HACS installs from a release; run by ``scripts/release-zip``.

With ``zip_release`` in hacs.json, HACS downloads the release asset that hacs.json's
``filename`` names and unpacks it into ``custom_components/ejoin/``: so the zip holds
that folder's contents at its root. Nothing is stamped: the versions must already
agree, or nothing is built. The manifest's ``version`` is the newest released section
of CHANGELOG.md and, with ``--tag``, the tag is ``v`` and that version; a release also
leaves the changelog's Unreleased section empty, since the zip ships all it lists.

The same files always give the same zip (sorted entries, fixed dates and modes), so
building a release twice uploads the same bytes. Standard library only: any Python 3.11
or newer runs it, without the test environment.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
import datetime as dt
import json
from pathlib import Path
import re
import sys
import zipfile

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "ejoin"
# "## [Unreleased]" or "## [1.2.3] - 2026-11-30", as Keep a Changelog writes them.
HEADING = re.compile(
    r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\S+))?[ \t]*$", re.MULTILINE
)
SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
# Link reference definitions close the file; they belong to no section.
LINK_REFERENCE = re.compile(r"^\[[^\]]+\]: \S+[ \t]*$", re.MULTILINE)
# Whatever Python or an editor leaves behind is not part of the integration.
LEFT_OUT_DIRS = {"__pycache__"}
LEFT_OUT_SUFFIXES = {".pyc", ".pyo"}
# 1980-01-01, the earliest date a zip entry can carry.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class ReleaseError(Exception):
    """The repository is not ready to be released as asked."""


@dataclass(frozen=True)
class Section:
    """One version's section of the changelog."""

    name: str  # "Unreleased" or a version
    date: str | None
    text: str  # everything below the heading, up to the next one


def changelog_sections(changelog: str) -> list[Section]:
    """Return the changelog's sections, newest first."""
    body = LINK_REFERENCE.sub("", changelog)
    headings = list(HEADING.finditer(body))
    return [
        Section(
            heading["name"],
            heading["date"],
            body[
                heading.end() : headings[number + 1].start()
                if number + 1 < len(headings)
                else len(body)
            ].strip(),
        )
        for number, heading in enumerate(headings)
    ]


def newest_release(sections: list[Section]) -> Section:
    """Return the newest released section, checking its heading's form."""
    released = [section for section in sections if section.name != "Unreleased"]
    if not released:
        raise ReleaseError("CHANGELOG.md has no released section (## [x.y.z] - date)")
    newest = released[0]
    if not SEMVER.match(newest.name):
        raise ReleaseError(f"CHANGELOG.md: {newest.name!r} is not a version")
    try:
        dt.date.fromisoformat(newest.date or "")
    except ValueError:
        raise ReleaseError(
            f"CHANGELOG.md: [{newest.name}] needs a date, ## [{newest.name}] - YYYY-MM-DD"
        ) from None
    return newest


def checked_release(root: Path, tag: str | None) -> tuple[str, Section]:
    """Return hacs.json's filename and the release's changelog section, once all agree."""
    hacs = json.loads((root / "hacs.json").read_text(encoding="utf-8"))
    if hacs.get("zip_release") is not True or not str(hacs.get("filename", "")):
        raise ReleaseError('hacs.json needs "zip_release": true and a "filename"')
    manifest_path = root / "custom_components" / DOMAIN / "manifest.json"
    version = json.loads(manifest_path.read_text(encoding="utf-8"))["version"]
    sections = changelog_sections((root / "CHANGELOG.md").read_text(encoding="utf-8"))
    newest = newest_release(sections)
    if newest.name != version:
        raise ReleaseError(
            f"the manifest says version {version}, the newest section of "
            f"CHANGELOG.md is [{newest.name}]"
        )
    if tag is not None:
        if tag != f"v{version}":
            raise ReleaseError(
                f"tag {tag} does not match the manifest's version {version}"
            )
        unreleased = [s for s in sections if s.name == "Unreleased" and s.text]
        if unreleased:
            raise ReleaseError(
                f"CHANGELOG.md lists changes under [Unreleased] that {tag} ships: "
                f"move them to [{version}]"
            )
    return str(hacs["filename"]), newest


def integration_files(folder: Path) -> list[Path]:
    """Return the integration's files, sorted, without caches and hidden files."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not LEFT_OUT_DIRS.intersection(path.relative_to(folder).parts)
        and path.suffix not in LEFT_OUT_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def build_zip(folder: Path, target: Path) -> list[str]:
    """Write the folder's files to the zip ``target``, at its root; return their names."""
    names = []
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in integration_files(folder):
            name = path.relative_to(folder).as_posix()
            entry = zipfile.ZipInfo(name, ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes())
            names.append(name)
    for needed in ("manifest.json", "__init__.py"):
        if needed not in names:
            raise ReleaseError(f"{folder} has no {needed}")
    return names


def arguments() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/release-zip",
        description="Build the zip HACS installs (hacs.json's filename) into OUT_DIR.",
    )
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument(
        "--tag", help="the release's tag, which must be v + the manifest's version"
    )
    parser.add_argument(
        "--notes", type=Path, help="also write the release's changelog section here"
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the repository (this one)"
    )
    return parser.parse_args()


def main() -> int:
    """Check the versions, build the zip and say where it is."""
    options = arguments()
    root: Path = options.root
    try:
        filename, section = checked_release(root, options.tag)
        target = options.out_dir / filename
        names = build_zip(root / "custom_components" / DOMAIN, target)
    except (ReleaseError, OSError, ValueError, KeyError) as err:
        print(f"scripts/release-zip: {err}", file=sys.stderr)
        return 1
    if options.notes is not None:
        options.notes.parent.mkdir(parents=True, exist_ok=True)
        options.notes.write_text(section.text + "\n", encoding="utf-8")
    print(f"{target}: version {section.name}, {len(names)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
