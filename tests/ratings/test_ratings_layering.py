"""The ratings domain (levels, tags, rules, access, kinds, stats) imports no database and no web framework, and
nothing outside the action layer writes the ratings tables."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "onestop"
FORBIDDEN = ("sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "uvicorn", "typer", "jinja2")
MAY_IMPORT = (
    "onestop.ratings",
    "onestop.org",
    "onestop.worktime",
    "onestop.cases",
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


def test_the_domain_imports_no_framework() -> None:
    files = sorted((SRC / "ratings").glob("*.py"))
    assert {p.name for p in files} >= {"levels.py", "tags.py", "rules.py", "access.py", "kinds.py", "stats.py"}
    for path in files:
        for name in _imports(path):
            assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
            if name.startswith("onestop"):
                assert name.startswith(MAY_IMPORT), f"{path.name} imports {name}: dependencies point inward"


def test_only_the_action_layer_writes_ratings() -> None:
    for path in [*SRC.joinpath("web").rglob("*.py"), *SRC.joinpath("demo").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for table in ("ratings", "rating_appeals"):
            for verb in ("insert", "update", "delete"):
                assert f"sa.{verb}({table})" not in text, f"{path.name} writes {table}"
