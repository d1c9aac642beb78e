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
    # Scores and reports stand on figures, never on the case engine.
    "evaluation": {"onestop.evaluation", "onestop.org", "onestop.worktime", "onestop.choices", "onestop.errors"},
}
DOMAIN = tuple(ALLOWED_ONESTOP)
# Modules that must stay in their domain package: moved out (into db/ or web/), they would escape this test.
EXPECTED_FILES = {
    "oversight": {"rules.py", "kinds.py", "scorecard.py", "overview.py", "figures.py", "pdf.py"},
    "ratings": {"levels.py", "tags.py", "rules.py", "access.py", "kinds.py", "stats.py"},
    "hotline": {"access.py", "duplicates.py", "intake.py", "kb.py", "kinds.py", "rules.py", "stats.py"},
    "evaluation": {"tree.py", "scoring.py", "entries.py", "doing_business.py", "reports.py"},
}


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
    assert {p.name for p in files} >= EXPECTED_FILES.get(package, set())
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


def test_every_audited_action_has_a_chinese_label() -> None:
    """The administrators' audit page shows labels, not codes: every action written to the log has one."""
    import re

    from onestop.auth.audit import ACTION_LABELS

    written: set[str] = set()
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"audit\.record\((.{0,600}?)\n\s*\)", text, re.DOTALL):
            written.update(re.findall(r'action="([a-z_]+)"', call.group(1)))
            if 'action=f"oversight_{key}_' in call.group(1):
                written.update(f"oversight_{k}_{v}" for k in ("rules", "scorecard") for v in ("set", "reset"))
    assert len(written) >= 10
    assert written - set(ACTION_LABELS) == set()
