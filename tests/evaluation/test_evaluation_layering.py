"""The evaluation domain (tree, scoring, periods, entries, access, comparisons, Doing Business, reports) imports
no database and no web framework; the measures, the store and the evaluation run touch the database from the
action layer (``onestop.actions.evaluation_reads``)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "onestop" / "evaluation"
READS = Path(__file__).resolve().parents[2] / "src" / "onestop" / "actions" / "evaluation_reads"
FORBIDDEN = ("sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "uvicorn", "typer", "jinja2")
DATABASE_SIDE = {"computed.py", "generic_measures.py", "platform_measures.py", "store.py", "evaluate.py"}
PURE_MAY_IMPORT = ("onestop.evaluation", "onestop.org", "onestop.worktime", "onestop.choices", "onestop.errors")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_modules_import_no_framework() -> None:
    pure = sorted(SRC.glob("*.py"))
    assert {p.name for p in pure} >= {"tree.py", "scoring.py", "entries.py", "doing_business.py", "reports.py"}
    assert not {p.name for p in pure} & DATABASE_SIDE
    assert {p.name for p in READS.glob("*.py")} >= DATABASE_SIDE
    for path in pure:
        for name in _imports(path):
            assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
            if name.startswith("onestop"):
                assert name.startswith(PURE_MAY_IMPORT), f"{path.name} imports {name}: dependencies point inward"


def test_nothing_in_the_package_or_its_reads_writes_tables() -> None:
    for path in [*SRC.glob("*.py"), *READS.glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for verb in ("sa.insert(", "sa.update(", "sa.delete("):
            assert verb not in text, f"{path.name} writes with {verb}: writes go through actions/evaluation.py"
