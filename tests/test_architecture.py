"""Dependencies point inward: domain imports nothing of ours but domain, adapters never import use cases."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
OURS = {
    "domain",
    "moderation",
    "models",
    "notifications",
    "publication",
    "citysite",
    "directory",
    "networks",
    "services",
    "flows",
    "cli",
    "web",
}
ALLOWED = {
    "domain": {"domain"},
    "models": {"models", "domain"},
    "notifications": {"notifications", "domain"},
    "services": {
        "services",
        "domain",
        "models",
        "notifications",
        "publication",
        "citysite",
        "directory",
        "networks",
        "moderation",
    },
    "flows": {"flows", "services", "domain"},
    "cli": {
        "cli",
        "services",
        "domain",
        "flows",
        "web",
        "moderation",
    },  # `srok sweep` runs the flow, `srok web` the app, `srok moderation classify` the rules
    "web": {"web", "services", "domain", "publication", "directory"},  # /registry; AD login
    "publication": {"publication", "domain"},
    "citysite": {"citysite", "domain"},
    "directory": {"directory", "domain"},
    "networks": {"networks", "domain"},
    # п. 2.5 rules that need PyPI libraries, so they cannot live in the stdlib-only domain
    "moderation": {"moderation", "domain"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_what_it_may(package: str) -> None:
    wrong = {}
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue  # Alembic's env wires models and settings by design
        bad = (_imports(path) & OURS) - ALLOWED[package]
        if bad:
            wrong[str(path.relative_to(ROOT))] = sorted(bad)

    assert wrong == {}


def test_the_domain_uses_the_standard_library_only() -> None:
    outside = {}
    for path in (ROOT / "domain").rglob("*.py"):
        extra = {
            name
            for name in _imports(path) - OURS - {"__future__"}
            if name not in sys.stdlib_module_names
        }
        if extra:
            outside[path.name] = sorted(extra)

    assert outside == {}


def test_no_flow_module_is_named_like_a_package_of_ours() -> None:
    """Prefect loads a deployment's entrypoint as a script, with flows/ first on sys.path:
    a flows/moderation.py hid the moderation package from every flow loaded that way."""
    clashes = sorted(p.stem for p in (ROOT / "flows").glob("*.py") if p.stem in OURS)
    assert clashes == []
