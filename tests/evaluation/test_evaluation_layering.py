"""The evaluation's database side (the measures, the store and the evaluation run) lives in the action layer
(``onestop.actions.evaluation_reads``), and neither it nor the pure package writes tables: writes go through
``actions/evaluation.py``. The pure package's imports are checked with every domain's in ``tests/test_layering.py``."""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "onestop" / "evaluation"
READS = Path(__file__).resolve().parents[2] / "src" / "onestop" / "actions" / "evaluation_reads"
DATABASE_SIDE = {"computed.py", "generic_measures.py", "platform_measures.py", "store.py", "evaluate.py"}


def test_the_database_side_lives_in_the_action_layer() -> None:
    assert not {p.name for p in SRC.glob("*.py")} & DATABASE_SIDE
    assert {p.name for p in READS.glob("*.py")} >= DATABASE_SIDE


def test_nothing_in_the_package_or_its_reads_writes_tables() -> None:
    for path in [*SRC.glob("*.py"), *READS.glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for verb in ("sa.insert(", "sa.update(", "sa.delete("):
            assert verb not in text, f"{path.name} writes with {verb}: writes go through actions/evaluation.py"
