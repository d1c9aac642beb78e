"""The domain core imports no web framework and no database library; dependencies point inward."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "onestop"
FORBIDDEN_IN_DOMAIN = ("sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "uvicorn", "typer", "jinja2")
# The core: what every module stands on.
CORE = {"onestop.cases", "onestop.worktime", "onestop.org", "onestop.choices", "onestop.errors"}
# What each domain package may import from onestop itself (inward only): the core, and modules' domain
# packages their own package and what they build on (the window on the catalogue); never actions, db or web.
ALLOWED_ONESTOP = {
    "worktime": {"onestop.worktime"},
    "org": {"onestop.org", "onestop.choices", "onestop.errors"},
    "cases": CORE,
    "certs": {"onestop.certs", "onestop.choices", "onestop.errors", "onestop.org"},
    "catalog": {"onestop.catalog", "onestop.choices", "onestop.errors", "onestop.worktime"},
    "window": CORE | {"onestop.window", "onestop.catalog"},
    "ratings": CORE | {"onestop.ratings"},
    "oversight": CORE | {"onestop.oversight"},
    "hotline": CORE | {"onestop.hotline"},
    "ledger": CORE | {"onestop.ledger"},
    "evaluation": CORE | {"onestop.evaluation"},
}
DOMAIN = tuple(ALLOWED_ONESTOP)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_packages_import_no_framework(package: str) -> None:
    files = sorted((SRC / package).rglob("*.py"))
    assert files
    for path in files:
        for name in _imports(path):
            root = name.split(".")[0]
            assert root not in FORBIDDEN_IN_DOMAIN, f"{path.relative_to(SRC)} imports {name}"
            if root == "onestop":
                allowed = ALLOWED_ONESTOP[package]
                assert any(name == a or name.startswith(a + ".") for a in allowed), (
                    f"{path.relative_to(SRC)} imports {name}: dependencies must point inward"
                )


def test_only_the_action_layer_and_db_write_tables() -> None:
    """Views and CLI commands stay thin: no SQL writes outside db/ and actions/."""
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith(("db/", "actions/")):
            continue
        text = path.read_text(encoding="utf-8")
        for verb in ("sa.insert(", "sa.update(", "sa.delete("):
            assert verb not in text, f"{relative} writes with {verb}: go through the action layer"
