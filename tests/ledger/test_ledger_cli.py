"""`onestop ledger parse / import / list / dispatch / export` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onestop.actions.org import create_units
from onestop.actions.runtime import Runtime
from onestop.cli import ledger as ledger_cli
from onestop.db.engine import make_engine
from onestop.db.migrate import upgrade
from onestop.org.units import Unit, UnitKind
from tests.ledger.documents import make_docx
from tests.ledger.test_ledger_seeds import SEED_003, SEEDS, parsed
from tests.ledger.test_ledger_tracking import SMALL

runner = CliRunner()
root = typer.Typer()
root.add_typer(ledger_cli.app, name="ledger")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ONESTOP_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("ONESTOP_DATABASE_URL", raising=False)
    (tmp_path / "var").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'onestop.db'}")
    upgrade(engine)
    rt = Runtime(engine=engine)
    (region,) = create_units(rt, [Unit(0, "GD", "葛店开发区管理委员会", UnitKind.REGION, None, "420700")])
    create_units(
        rt,
        [
            Unit(0, "YHB", "葛店开发区优化营商环境办公室", UnitKind.CENTER, region.id),
            Unit(0, "SCJG", "葛店开发区市场监督管理分局", UnitKind.DEPARTMENT, region.id),
            Unit(0, "SWJ", "国家税务总局葛店开发区税务局", UnitKind.DEPARTMENT, region.id),
            Unit(0, "GAJ", "葛店开发区公安局", UnitKind.DEPARTMENT, region.id),
            Unit(0, "CJ", "葛店开发区财金局", UnitKind.DEPARTMENT, region.id),
        ],
    )
    engine.dispose()
    return tmp_path


def test_parse_json_of_a_seed() -> None:
    path = SEEDS / SEED_003.file
    if not path.exists():
        pytest.skip("seed plans not available")
    result = runner.invoke(root, ["ledger", "parse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(json.dumps(parsed(SEED_003).to_json()))
    assert data["tasks"][41]["deadline"] == ["2020-08-31", "ongoing"]


def test_parse_docx_readable(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    path.write_bytes(make_docx(SMALL))
    result = runner.invoke(root, ["ledger", "parse", str(path)])
    assert result.exit_code == 0, result.output
    assert "牵头：市场监管分局" in result.stdout
    assert "共 3 项任务" in result.stdout


def test_parse_missing_and_unsupported(tmp_path: Path) -> None:
    assert runner.invoke(root, ["ledger", "parse", str(tmp_path / "none.txt")]).exit_code == 1
    bad = tmp_path / "plan.xls"
    bad.write_bytes(b"x")
    result = runner.invoke(root, ["ledger", "parse", str(bad)])
    assert result.exit_code == 1
    assert "不支持的文件类型" in result.output


def test_import_review_then_create_then_export(data_dir: Path) -> None:
    plan = data_dir / "plan.txt"
    plan.write_text(SMALL.replace("财金局", "区财政金融办"), encoding="utf-8")
    review = runner.invoke(root, ["ledger", "import", str(plan)])
    assert review.exit_code == 0, review.output
    assert "区财政金融办" in review.stdout  # unmatched, listed for a person to map
    assert "以上为预览" in review.stdout
    # the collective lead (区直各有关部门) needs a supervising office to own the task
    refused = runner.invoke(root, ["ledger", "import", str(plan), "--yes"])
    assert refused.exit_code == 1
    mapping = data_dir / "map.txt"
    mapping.write_text("# 名称=单位代码\n区财政金融办=CJ\n", encoding="utf-8")
    created = runner.invoke(
        root, ["ledger", "import", str(plan), "--map-file", str(mapping), "--supervisor", "YHB", "--yes"]
    )
    assert created.exit_code == 0, created.output
    assert "已创建台账 1" in created.stdout
    assert "\t3 项\t" in runner.invoke(root, ["ledger", "list"]).stdout
    assert runner.invoke(root, ["ledger", "dispatch", "--month", "2099-13x"]).exit_code == 1
    out = data_dir / "ledger.xlsx"
    exported = runner.invoke(root, ["ledger", "export", "--format", "xlsx", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet is not None
    assert [c.value for c in sheet[3]] == [
        "序号",
        "任务内容",
        "牵头单位",
        "配合单位",
        "责任领导",
        "完成时限",
        "进展情况",
        "状态",
    ]
    assert sheet.cell(4, 3).value == "市场监管分局"
    summary = data_dir / "summary.docx"
    assert runner.invoke(root, ["ledger", "export", "--format", "docx", "--out", str(summary)]).exit_code == 0
    assert summary.stat().st_size > 0
    assert runner.invoke(root, ["ledger", "export", "--format", "pdf", "--out", str(summary)]).exit_code == 1


def test_import_with_bad_mapping(data_dir: Path) -> None:
    plan = data_dir / "plan.txt"
    plan.write_text(SMALL, encoding="utf-8")
    result = runner.invoke(root, ["ledger", "import", str(plan), "--map", "区优化办"])
    assert result.exit_code == 1
    result = runner.invoke(root, ["ledger", "import", str(plan), "--map", "区优化办=NOPE"])
    assert result.exit_code == 1
    assert "NOPE" in result.output
