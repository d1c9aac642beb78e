"""`onestop hotline router fit|predict`: the round trip through files and JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from onestop.cli.hotline import app

runner = CliRunner()


def test_fit_then_predict(tmp_path: Path, history_csv: Path, units_csv: Path) -> None:
    model = tmp_path / "router.npz"
    result = runner.invoke(
        app, ["router", "fit", "--history", str(history_csv), "--units", str(units_csv), "--out", str(model)]
    )
    assert result.exit_code == 0, result.output
    assert model.exists()
    lines = [
        {"text": "公司拖欠工资不发"},
        {"text": "小区门口摊贩占道经营"},
        {"text": "孩子上小学报名的时间"},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    result = runner.invoke(app, ["router", "predict", "--model", str(model)], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3
    for item in out:
        assert len(item["units"]) == 3 == len(item["scores"])
    assert out[0]["units"][0] == "和平县人力资源和社会保障局"
    assert out[1]["units"][0] == "和平县城市管理和综合执法局"
    assert out[2]["units"][0] == "和平县教育局"


def test_cold_start_from_units_file(tmp_path: Path, units_csv: Path) -> None:
    model = tmp_path / "cold.npz"
    assert runner.invoke(app, ["router", "fit", "--units", str(units_csv), "--out", str(model)]).exit_code == 0
    result = runner.invoke(app, ["router", "predict", "--model", str(model)], input='{"text": "饭店油烟污染"}\n')
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["units"][0] == "和平县生态环境局"


def test_bad_lines_keep_their_place(tmp_path: Path, units_csv: Path) -> None:
    model = tmp_path / "m.npz"
    runner.invoke(app, ["router", "fit", "--units", str(units_csv), "--out", str(model)])
    stdin = '{"text": "欠薪"}\nnot json\n{"body": "x"}\n{"text": "身份证丢了"}\n'
    result = runner.invoke(app, ["router", "predict", "--model", str(model)], input=stdin)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("error" in x) for x in out] == [False, True, True, False]


def test_fit_needs_data(tmp_path: Path) -> None:
    result = runner.invoke(app, ["router", "fit", "--out", str(tmp_path / "m.npz")])
    assert result.exit_code != 0
    missing = runner.invoke(app, ["router", "fit", "--history", str(tmp_path / "none.csv"), "--out", "m.npz"])
    assert missing.exit_code == 2
    assert "无法打开" in missing.output
