"""A plan reads the same from .txt, .docx and PDF; .docx tables in the office layout read as tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

from onestop.ledger import parse_file, parse_text
from onestop.ledger.readers import UnreadablePlan, read_plan_lines
from tests.ledger.documents import cjk_font, make_docx, make_pdf
from tests.ledger.plans import PLAN_A, PLAN_B, PLAN_C
from tests.ledger.test_ledger_seeds import SEED_002, SEED_003, SEEDS, parsed

PLANS = {"A": PLAN_A, "B": PLAN_B, "C": PLAN_C}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_docx_parses_like_text(name: str, tmp_path: Path) -> None:
    text = PLANS[name]
    path = tmp_path / "plan.docx"
    path.write_bytes(make_docx(text))
    assert parse_file(str(path)).to_json() == parse_text(text).to_json()


@pytest.mark.parametrize("name", sorted(PLANS))
def test_pdf_parses_like_text(name: str, tmp_path: Path) -> None:
    text = PLANS[name]
    path = tmp_path / "plan.pdf"
    path.write_bytes(make_pdf(text))
    assert parse_file(str(path)).to_json() == parse_text(text).to_json()


@pytest.mark.parametrize("seed", [SEED_002, SEED_003], ids=["002", "003"])
def test_seed_as_pdf_parses_like_text(seed: object, tmp_path: Path) -> None:
    plan = parsed(seed)  # type: ignore[arg-type]
    path = tmp_path / "plan.pdf"
    path.write_bytes(make_pdf((SEEDS / seed.file).read_text(encoding="utf-8")))  # type: ignore[attr-defined]
    assert parse_file(str(path)).to_json() == plan.to_json()


@pytest.mark.parametrize("seed", [SEED_002, SEED_003], ids=["002", "003"])
def test_seed_as_docx_parses_like_text(seed: object, tmp_path: Path) -> None:
    plan = parsed(seed)  # type: ignore[arg-type]
    path = tmp_path / "plan.docx"
    path.write_bytes(make_docx((SEEDS / seed.file).read_text(encoding="utf-8")))  # type: ignore[attr-defined]
    assert parse_file(str(path)).to_json() == plan.to_json()


def test_pdf_font_is_reported() -> None:
    name, embedded = cjk_font()
    assert name
    assert isinstance(embedded, bool)


def test_docx_table_in_office_layout(tmp_path: Path) -> None:
    table = [
        ["序号", "任务内容", "牵头单位", "配合单位", "完成时限"],
        ["1", "企业开办压缩至1个工作日内办结", "县市场监管局", "县公安局、县税务局", "2022年6月底"],
        ["2", "推行不动产登记“一窗受理”", "县自然资源局（不动产登记局）", "县税务局", "长期坚持"],
    ]
    path = tmp_path / "ledger.docx"
    path.write_bytes(make_docx("某县2022年营商环境重点任务台账", table=table))
    plan = parse_file(str(path))
    assert plan.title == "某县2022年营商环境重点任务台账"
    assert [(t.number, t.lead_units, t.cooperating_units, t.deadline) for t in plan.tasks] == [
        ("1.", ["县市场监管局"], ["县公安局", "县税务局"], "2022-06-30"),
        ("2.", ["县自然资源局(不动产登记局)"], ["县税务局"], "ongoing"),
    ]
    assert plan.tasks[0].targets[0].to_json() == {
        "metric": "企业开办",
        "comparator": "<=",
        "value": 1,
        "unit": "工作日",
    }


def test_gb18030_text(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(PLAN_A.encode("gb18030"))
    assert parse_file(str(path)).to_json() == parse_text(PLAN_A).to_json()


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(UnreadablePlan):
        read_plan_lines(tmp_path / "plan.xls", b"x")
    with pytest.raises(UnreadablePlan):
        read_plan_lines(tmp_path / "plan.pdf", b"%PDF-1.4 broken")
    with pytest.raises(UnreadablePlan):
        read_plan_lines(tmp_path / "plan.docx", b"not a zip")
