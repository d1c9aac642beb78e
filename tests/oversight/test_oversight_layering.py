"""The oversight domain (rules, kinds, scorecards, overview, bulletin and its renderings) imports no database
and no web framework, and of onestop only the inner packages: the reads live in db/, the writes in actions/."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "onestop" / "oversight"
FORBIDDEN = ("sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "uvicorn", "typer", "jinja2")
MAY_IMPORT = (
    "onestop.oversight",
    "onestop.cases",
    "onestop.org",
    "onestop.worktime",
    "onestop.choices",
    "onestop.errors",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_oversight_domain_imports_no_framework() -> None:
    files = sorted(SRC.rglob("*.py"))
    assert {p.name for p in files} >= {"rules.py", "kinds.py", "scorecard.py", "overview.py", "figures.py", "pdf.py"}
    for path in files:
        for name in _imports(path):
            assert name.split(".")[0] not in FORBIDDEN, f"{path.relative_to(SRC)} imports {name}"
            if name.startswith("onestop"):
                assert name.startswith(MAY_IMPORT), f"{path.relative_to(SRC)} imports {name}: inward only"
