"""The hotline's domain modules (everything in ``onestop.hotline``) are pure: no web framework, no database."""

from __future__ import annotations

import ast
from pathlib import Path

HOTLINE = Path(__file__).resolve().parents[2] / "src" / "onestop" / "hotline"
FORBIDDEN = {"sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "uvicorn", "typer", "jinja2"}
ALLOWED = ("onestop.hotline", "onestop.cases", "onestop.org", "onestop.worktime", "onestop.choices", "onestop.errors")


def test_hotline_domain_imports_no_framework_and_points_inward() -> None:
    files = sorted(HOTLINE.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
                if name.startswith("onestop"):
                    assert name.startswith(ALLOWED), f"{path.name} imports {name}"
