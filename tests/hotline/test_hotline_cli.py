"""`onestop hotline router retrain`, `onestop hotline sweep`, `onestop hotline kb import` on a database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from onestop.actions import hotline as hl
from onestop.actions import hotline_kb as kb
from onestop.cli.hotline import app
from onestop.hotline.kinds import Channel
from onestop.hotline.routing import Router
from tests.hotline.hotline_helpers import HotlineCounty, complaint

runner = CliRunner()


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ONESTOP_DATABASE_URL", db_url)
    monkeypatch.setenv("ONESTOP_DATA_DIR", str(tmp_path))
    return tmp_path


def test_retrain_writes_the_model_the_web_app_reads(hc: HotlineCounty, env: Path) -> None:
    number = hl.register_request(hc.rt, hc.operator, complaint(), channel=Channel.PHONE).case.number
    hl.dispatch(hc.rt, hc.operator, number, hl.DispatchOrder(hc.units["YMZ"].id))
    hl.accept(hc.rt, hc.handlers["YMZ"], number)
    hl.reply(hc.rt, hc.handlers["YMZ"], number, text="已处理")
    hl.review_reply(hc.rt, hc.operator, number, approve=True)
    result = runner.invoke(app, ["router", "retrain"])
    assert result.exit_code == 0, result.output
    assert "派单历史 1 条" in result.output
    model = env / "hotline" / "router.npz"
    assert set(Router.load(model).units) == {u.name for u in hc.units.values()}


def test_sweep_signs_for_overdue_dispatches(hc: HotlineCounty, env: Path) -> None:
    number = hl.register_request(hc.rt, hc.operator, complaint(), channel=Channel.PHONE).case.number
    hl.dispatch(hc.rt, hc.operator, number, hl.DispatchOrder(hc.units["SCJ"].id))  # 2026-03-02: long past now
    result = runner.invoke(app, ["sweep"])
    assert result.exit_code == 0, result.output
    assert "超时视为签收 1 件" in result.output
    assert hl.get_request(hc.rt, hc.operator, number).case.state == "handling"


def test_kb_import_reports_bad_rows(hc: HotlineCounty, env: Path) -> None:
    csv = env / "kb.csv"
    csv.write_text(
        "question,answer,keywords,unit_code,valid_until\n"
        "居住证怎么办理？,到派出所户籍窗口办理。,居住证,SCJ,\n"
        ",没有问题的答案,,,\n"
        "过期的问题？,答案。,,,2020-02-30\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["kb", "import", str(csv), "--as", "op"])
    assert result.exit_code == 1
    assert "已导入 1 条, 失败 2 条" in result.stdout
    assert "第 3 行: 请填写「问题」" in result.output
    (entry,) = kb.list_entries(hc.rt)
    assert (entry.question, entry.unit_id) == ("居住证怎么办理？", hc.units["SCJ"].id)
