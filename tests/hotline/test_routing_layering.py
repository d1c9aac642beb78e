"""The routing model is domain code: no web framework, no database library, nothing of the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

ROUTING = Path(__file__).resolve().parents[2] / "src" / "onestop" / "hotline" / "routing"
FORBIDDEN = {"sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "uvicorn", "typer", "jinja2", "rich"}


def test_routing_imports_no_framework() -> None:
    files = sorted(ROUTING.rglob("*.py"))
    assert files
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
                if name.startswith("onestop."):
                    assert name.startswith(("onestop.hotline.routing", "onestop.errors")), f"{path.name}: {name}"
