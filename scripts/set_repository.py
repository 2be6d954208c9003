"""Move the repository to another GitHub address; run by ``scripts/set-repository``.

The address is kept once, in pyproject.toml (``[tool.ejoin] repository``). This sets it
there, then every place derived from it: the manifest's ``documentation`` and
``issue_tracker``, the changelog's link references, and every other mention of the old
address in the repository's text files (the README's HACS step among them).
tests/test_release.py fails while any of them disagrees with pyproject.toml.
Standard library only: any Python 3.11 or newer runs it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
import os
from pathlib import Path
import re
import sys
import tomllib

ROOT = Path(__file__).resolve().parent.parent
GITHUB = "https://github.com/"
OWNER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
# Not the repository's own files: environments, caches, tool and test output, and the
# state of scripts/develop's Home Assistant.
SKIPPED_DIRS = {
    ".git",
    ".venv",
    ".venv-protocol",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "artifacts",
    "config",
    "dist",
}
SOURCE = re.compile(
    r'^(\[tool\.ejoin\]\n(?:(?!\[).*\n)*?repository = )"[^"]*"', re.MULTILINE
)
MANIFEST_LINKS = re.compile(r'("(documentation|issue_tracker)": )"[^"]*"')
CHANGELOG_LINKS = re.compile(
    r"^(\[[^\]]+\]: )https://github\.com/[^/\s]+/[^/\s]+", re.MULTILINE
)


def source(root: Path) -> str:
    """Return the repository's address as pyproject.toml keeps it."""
    with (root / "pyproject.toml").open("rb") as file:
        address: str = tomllib.load(file)["tool"]["ejoin"]["repository"]
    return address


def text_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Yield each text file of the repository with its content."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(name for name in dirs if name not in SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_symlink():
                continue
            try:
                yield path, path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # binary, or unreadable: names no address


def rewrite(root: Path, new: str) -> list[Path]:
    """Set the address to ``new`` in the source and everywhere it is derived."""
    old = source(root)
    mention = re.compile(re.escape(old) + r"(?![\w-])")
    manifest = root / "custom_components" / "ejoin" / "manifest.json"
    changed = []
    for path, text in text_files(root):
        updated = mention.sub(new, text)
        if path == root / "pyproject.toml":
            updated = SOURCE.sub(rf'\g<1>"{new}"', updated)
        elif path == manifest:
            updated = MANIFEST_LINKS.sub(
                lambda link: (
                    f'{link[1]}"{new}{"/issues" if link[2] == "issue_tracker" else ""}"'
                ),
                updated,
            )
        elif path == root / "CHANGELOG.md":
            updated = CHANGELOG_LINKS.sub(rf"\g<1>{new}", updated)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed.append(path)
    if source(root) != new:
        raise ValueError("pyproject.toml has no [tool.ejoin] repository to set")
    return changed


def main() -> int:
    """Read OWNER/NAME, rewrite every place and list the files changed."""
    parser = argparse.ArgumentParser(
        prog="scripts/set-repository",
        description="Set the repository's GitHub address everywhere it is named.",
    )
    parser.add_argument("repository", metavar="OWNER/NAME")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the repository (this one)"
    )
    options = parser.parse_args()
    if not OWNER_NAME.match(options.repository):
        parser.error(f"{options.repository!r} is not OWNER/NAME")
    new = GITHUB + options.repository.removesuffix(".git")
    try:
        changed = rewrite(options.root, new)
    except (OSError, KeyError, ValueError) as err:
        print(f"scripts/set-repository: {err}", file=sys.stderr)
        return 1
    for path in changed:
        print(path.relative_to(options.root))
    print(f"The repository is {new}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
