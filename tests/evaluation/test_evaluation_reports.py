"""Reports: the .xlsx and .docx re-opened and read back; `onestop evaluation score/report/tree` end to end."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from onestop.actions.evaluation import approve_entry, evaluate_period, save_entry, submit_entry
from onestop.actions.runtime import Runtime
from onestop.cli.evaluation import app
from onestop.evaluation.reports import ReportData, write_docx, write_xlsx
from onestop.worktime import TZ
from tests.evaluation.conftest import Prefecture
from tests.evaluation.scenario import Scenario, at, build_scenario

runner = CliRunner()
GENERATED = datetime(2026, 12, 31, 9, 0, tzinfo=TZ)


@pytest.fixture
def scenario(prefecture: Prefecture) -> Scenario:
    built = build_scenario(prefecture)
    p = prefecture
    p.at(at(12, 20, 10))
    # 东源县 reports its 网上可办率 (computed, but the window module is not built): 75 % → (75 − 50) / 50 = 50.
    entry = save_entry(
        p.rt,
        p.actors["clerk_dy"],
        region_id=p.units["DYX"].id,
        period="2026Q4",
        indicator="gov_services.online_rate",
        value=75,
        evidence=["网办清单.xlsx"],
    )
    submit_entry(p.rt, p.actors["clerk_dy"], entry.id or 0)
    approve_entry(p.rt, p.actors["supervisor"], entry.id or 0)
    return built


def _report(rt: Runtime, p: Prefecture) -> ReportData:
    evaluation = evaluate_period(rt, "2026Q4", root_id=p.units["HYS"].id)
    previous = evaluate_period(rt, "2026Q3", root_id=p.units["HYS"].id)
    return ReportData(
        title="河源市营商环境评价报告",
        period=evaluation.period,
        tree=evaluation.tree,
        cards=evaluation.cards,
        ranking=evaluation.ranking,
        generated_at=GENERATED,
        previous=previous.cards,
        notes=["测试说明"],
    )


def _expected_gov_services() -> dict[str, float]:
    """政务服务 for 2026 Q4 by hand (frontier/worst of the default tree):

    和平县: 即办 33.33 % of 60 → 55.556; 按期 66.67 % (worst 80) → 0; 平均 7/3 days (1–20) → 92.982;
            一次性告知 50 % (worst 80) → 0; mean of 4 = 37.135
    东源县: 即办 0 → 0; 按期 100 → 100; 平均 1 day → 100; 网上可办 75 % (50–100) → 50; mean of 4 = 62.5
    """
    hp = (100 / 3 / 60 * 100 + 0 + (20 - 7 / 3) / 19 * 100 + 0) / 4
    return {"和平县": hp, "东源县": 62.5}


def test_scores_by_hand(scenario: Scenario, rt: Runtime) -> None:
    evaluation = evaluate_period(rt, "2026Q4", root_id=scenario.prefecture.units["HYS"].id)
    expected = _expected_gov_services()
    for result in evaluation.results:
        card = result.card
        assert card.indicator("gov_services").score == pytest.approx(expected[card.subject])
        assert card.overall == pytest.approx(expected[card.subject])  # the only indicator with values
        assert card.coverage == (1, 18)
    assert [(r.subject, r.rank, r.bottom) for r in evaluation.ranking] == [("东源县", 1, False), ("和平县", 2, True)]


def test_xlsx_report_reads_back(scenario: Scenario, rt: Runtime, tmp_path: Path) -> None:
    data = _report(rt, scenario.prefecture)
    path = write_xlsx(data, tmp_path / "out" / "report.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["综合排名", "一级指标得分", "二级指标明细", "指标体系"]
    ranking = book["综合排名"]
    assert ranking["A1"].value == "河源市营商环境评价报告（2026年第四季度）"
    rows = [[c.value for c in row] for row in ranking.iter_rows(min_row=4, max_row=6)]
    expected = _expected_gov_services()
    assert rows[0] == ["排名", "地区", "综合得分", "参评一级指标", "上期得分", "变化", "末位"]
    assert rows[1][:4] == [1, "东源县", round(expected["东源县"], 2), "1/18"]
    assert rows[2][:4] == [2, "和平县", round(expected["和平县"], 2), "1/18"]
    assert rows[2][6] == "末位"
    # 2026 Q3: 和平县 had SQ5 only (0 % same day, 100 % on time, 1 day): (0 + 100 + 100) / 3; 东源县 nothing.
    assert rows[2][4] == pytest.approx(round(200 / 3, 2))
    assert rows[2][5] == pytest.approx(round(expected["和平县"] - 200 / 3, 2))
    assert rows[1][4] is None
    assert len(ranking._charts) == 1
    notes = [c.value for c in ranking["A"] if isinstance(c.value, str)]
    assert any("前沿距离法" in note for note in notes)
    assert "测试说明" in notes

    scores = book["一级指标得分"]
    header = [c.value for c in scores[1]]
    assert header[:3] == ["地区", "综合得分", "开办企业"]
    assert len(header) == 20
    gov = header.index("政务服务")
    by_region = {row[0].value: row for row in scores.iter_rows(min_row=2)}
    assert by_region["和平县"][gov].value == pytest.approx(round(expected["和平县"], 2))
    assert by_region["和平县"][2].value is None

    details = book["二级指标明细"]
    assert details.max_row == 1 + 2 * 87
    found = {
        (row[0].value, row[2].value): [c.value for c in row]
        for row in details.iter_rows(min_row=2)
        if row[2].value in {"按期办结率", "网上可办率", "开办时间"}
    }
    on_time = found[("和平县", "按期办结率")]
    assert on_time[8:12] == ["平台计算", pytest.approx(66.6667), 0.0, 3]
    online = found[("东源县", "网上可办率")]
    assert online[8:11] == ["单位填报", 75.0, 50.0]
    assert "尚未接入" in online[12]
    assert found[("和平县", "开办时间")][8] == "缺失"
    assert found[("和平县", "开办时间")][5:7] == [0.5, 10]  # the 2026 bounds

    tree = book["指标体系"]
    assert tree.max_row == 1 + 87
    assert [c.value for c in tree[2]][:5] == ["starting_business", "开办企业", 1, "procedures", "开办环节"]


def test_docx_report_reads_back(scenario: Scenario, rt: Runtime, tmp_path: Path) -> None:
    data = _report(rt, scenario.prefecture)
    path = write_docx(data, tmp_path / "report.docx")
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "河源市营商环境评价报告"
    assert any("2026年第四季度" in t for t in texts)
    for heading in ["一、评价方法", "二、综合排名", "三、一级指标得分", "四、指标体系"]:
        assert heading in texts
    assert any("前沿距离法" in t for t in texts)
    ranking, scores, tree = document.tables
    cells = [[c.text for c in row.cells] for row in ranking.rows]
    expected = _expected_gov_services()
    assert cells[0] == ["排名", "地区", "综合得分", "参评一级指标", "上期得分", "变化", "末位"]
    assert cells[1][:4] == ["1", "东源县", f"{expected['东源县']:.2f}", "1/18"]
    assert cells[2][:3] == ["2", "和平县", f"{expected['和平县']:.2f}"]
    assert cells[2][6] == "末位"
    assert ranking.rows[2].cells[6].paragraphs[0].runs[0].font.bold
    score_cells = [[c.text for c in row.cells] for row in scores.rows]
    assert score_cells[0] == ["一级指标", "和平县", "东源县"]
    assert score_cells[1][0] == "综合得分"
    gov = next(row for row in score_cells if row[0] == "政务服务")
    assert gov[1:] == [f"{expected['和平县']:.2f}", "62.50"]
    assert len(score_cells) == 2 + 18
    assert len(tree.rows) == 1 + 87
    assert [c.text for c in tree.rows[2].cells] == [
        "开办企业",
        "开办时间",
        "工作日",
        "越低越好",
        "0.5",
        "10",
        "1",
        "平台计算",
    ]
    normal = document.styles["Normal"]
    assert (
        normal.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "宋体"
    )


def test_cli_score_report_and_tree(
    scenario: Scenario, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONESTOP_DATABASE_URL", db_url)
    result = runner.invoke(app, ["score", "--period", "2026Q4", "--root", "HYS", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["period"] == "2026Q4"
    assert "window.online_rate" in data["unavailable_measures"]
    regions = {r["region"]: r for r in data["regions"]}
    assert regions["和平县"]["overall"] == pytest.approx(_expected_gov_services()["和平县"])
    assert (regions["和平县"]["rank"], regions["和平县"]["bottom"]) == (2, True)
    assert regions["东源县"]["values"]["gov_services.online_rate"] == {
        "value": 75.0,
        "source": "entered",
        "score": 50.0,
    }
    text = runner.invoke(app, ["score", "--period", "2026Q4"])
    assert text.exit_code == 0
    assert "末位" in text.output
    for fmt in ("xlsx", "docx"):
        out = tmp_path / f"r.{fmt}"
        made = runner.invoke(app, ["report", "--period", "2026Q4", "--format", fmt, "--out", str(out), "--root", "HYS"])
        assert made.exit_code == 0, made.output
        assert out.stat().st_size > 0
    book = load_workbook(tmp_path / "r.xlsx")
    assert book["综合排名"]["A1"].value == "河源市人民政府营商环境评价报告（2026年第四季度）"
    bad = runner.invoke(app, ["score", "--period", "2026Q9"])
    assert bad.exit_code == 1
    assert "评价期间" in bad.output
    unknown = runner.invoke(app, ["score", "--period", "2026Q4", "--root", "NOPE"])
    assert unknown.exit_code == 1
    tree = runner.invoke(app, ["tree", "--year", "2026", "--json"])
    assert tree.exit_code == 0
    components = [c for i in json.loads(tree.output)["indicators"] for c in i["components"]]
    available = {c["key"] for c in components if c["measure_available"]}
    assert available == {
        "gov_services.immediate_share",
        "gov_services.on_time_rate",
        "gov_services.processing_time",
        "gov_services.one_notice_rate",
    }
    listed = runner.invoke(app, ["measures"])
    assert "generic_application.on_time_rate" in listed.output
    assert runner.invoke(app, ["tree", "--year", "2020"]).exit_code == 1


def test_cli_compare_regions_and_periods(scenario: Scenario, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESTOP_DATABASE_URL", db_url)
    result = runner.invoke(
        app, ["compare", "--period", "2026Q3", "--period", "2026Q4", "--root", "HYS", "--components", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    hp = data["和平县"]
    assert hp["periods"] == ["2026Q3", "2026Q4"]
    assert hp["bottom"] == ["2026Q4"]  # Q3: 东源县 has no score, so 和平县 is ranked alone and not flagged
    rows = {row["key"]: row["scores"] for row in hp["rows"]}
    assert rows["overall"] == [pytest.approx(200 / 3), pytest.approx(_expected_gov_services()["和平县"])]
    assert rows["gov_services.on_time_rate"] == [100.0, 0.0]
    assert data["东源县"]["rows"][0]["scores"] == [None, 62.5]
    text = runner.invoke(app, ["compare", "--period", "2026Q3", "--period", "2026Q4"])
    assert text.exit_code == 0
    assert "末位：2026Q4" in text.output
