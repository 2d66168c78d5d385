"""One direction (issue #14, docs/architecture.md): storage at the bottom, crawler and
feeds on it, the command line (``diplofeed/``) on top.

storage <- crawler, storage <- feeds, and diplofeed over all; nothing below imports
diplofeed, and feeds does not import crawler. Every import of every module counts,
those inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("storage", "crawler", "feeds", "diplofeed")
# what each package may import of the others
ALLOWED = {
    "storage": set(),
    "crawler": {"storage"},
    "feeds": {"storage"},
    "diplofeed": {"storage", "crawler", "feeds"},
}


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path


def _imported(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, top-level package) of every import in a module, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside its own package
                found.append((node.lineno, package))
            elif node.module:
                found.append((node.lineno, node.module.split(".")[0]))
    return found


def _edges():
    for package, path in _modules():
        for line, target in _imported(path, package):
            if target in PACKAGES and target != package:
                yield package, target, f"{path.relative_to(ROOT)}:{line}"


def test_no_module_imports_against_the_direction():
    forbidden = [
        f"{where} imports {target} ({package} may import {sorted(ALLOWED[package]) or 'none'})"
        for package, target, where in _edges()
        if target not in ALLOWED[package]
    ]
    assert forbidden == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from diplofeed.errors import X\n", "diplofeed"),
        ("def f():\n    from crawler.registry import load_registry\n", "crawler"),
        ("import feeds.server\n", "feeds"),
    ],
)
def test_the_walker_sees_every_kind_of_import(tmp_path, source, expected):
    module = tmp_path / "m.py"
    module.write_text(source)
    assert (_imported(module, "storage")[0][1]) == expected
