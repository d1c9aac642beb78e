"""`onestop calendar` commands through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onestop.actions.calendar import load_working_time
from onestop.cli.calendar import app
from onestop.db.engine import make_engine

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The CLI computes with the deployment's database: a fresh SQLite file under this test's data dir.
    monkeypatch.setenv("ONESTOP_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("ONESTOP_DATABASE_URL", raising=False)
    return tmp_path / "var"


def _years_in_database(data_dir: Path) -> list[int]:
    engine = make_engine(f"sqlite:///{data_dir / 'onestop.db'}")
    years = sorted(load_working_time(engine).national.notices)
    engine.dispose()
    return years


def test_deadline_prints_the_due_instant() -> None:
    result = runner.invoke(app, ["deadline", "2025-01-24T10:00", "5d"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2025-02-07T17:30:00+08:00"
    minutes = runner.invoke(app, ["deadline", "2025-03-03T11:00:00+08:00", "2h"])
    assert minutes.stdout.strip() == "2025-03-03T14:30:00+08:00"
    utc = runner.invoke(app, ["deadline", "2025-03-03T02:00:00+00:00", "0.5d"])
    assert utc.stdout.strip() == "2025-03-03T15:00:00+08:00"
    day_only = runner.invoke(app, ["deadline", "2025-03-08", "1d"])
    assert day_only.stdout.strip() == "2025-03-10T17:30:00+08:00"


def test_deadline_marks_provisional_results() -> None:
    result = runner.invoke(app, ["deadline", "2026-12-20T10:00", "10d"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "2027-01-04T17:30:00+08:00 （暂定）provisional"
    as_json = runner.invoke(app, ["deadline", "2026-12-20T10:00", "10d", "--json"])
    assert json.loads(as_json.stdout) == {
        "start": "2026-12-20T10:00:00+08:00",
        "limit": "10d",
        "due": "2027-01-04T17:30:00+08:00",
        "provisional": True,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deadline", "2028-01-03", "1d"], "2028 年的全国节假日安排未知"),
        (["deadline", "2025-01-01", "5 days"], "无法识别的期限"),
        (["deadline", "next monday", "5d"], "无法识别的开始时间"),
        (["days", "--from", "2025-01-05", "--to", "2025-01-01"], "不能早于"),
        (["days", "--from", "2025/01/01", "--to", "2025-01-05"], "--from"),
        (["days", "--from", "2027-12-30", "--to", "2028-01-02"], "onestop calendar import FILE"),
    ],
)
def test_errors_are_chinese_messages_and_exit_1(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_days_json() -> None:
    result = runner.invoke(app, ["days", "--from", "2025-01-25", "--to", "2025-01-29", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows[0] == {"date": "2025-01-25", "workday": False, "name": "周六", "provisional": False}
    assert rows[1] == {"date": "2025-01-26", "workday": True, "name": "春节调休上班", "provisional": False}
    assert rows[2] == {"date": "2025-01-27", "workday": True, "name": None, "provisional": False}
    assert [r["workday"] for r in rows] == [False, True, True, False, False]
    late = runner.invoke(app, ["days", "--from", "2026-12-19", "--to", "2026-12-20", "--json"])
    assert [r["provisional"] for r in json.loads(late.stdout)] == [False, True]


def test_days_text() -> None:
    result = runner.invoke(app, ["days", "--from", "2026-12-31", "--to", "2027-01-01"])
    assert result.stdout.splitlines() == ["2026-12-31 工作日 （暂定）", "2027-01-01 休息 元旦 （暂定）"]


def test_import_makes_a_year_confirmed(fictional_2027: Path, data_dir: Path) -> None:
    before = runner.invoke(app, ["deadline", "2027-02-01T10:00", "5d", "--json"])
    assert json.loads(before.stdout)["provisional"] is True
    result = runner.invoke(app, ["import", str(fictional_2027)])
    assert result.exit_code == 0, result.output
    assert "已导入 2027 年放假通知" in result.stdout
    assert 2027 in _years_in_database(data_dir)
    after = runner.invoke(app, ["deadline", "2027-02-01T10:00", "5d", "--json"])
    assert json.loads(after.stdout) | {"start": None} == {
        "start": None,
        "limit": "5d",
        "due": "2027-02-15T17:30:00+08:00",
        "provisional": False,
    }


def test_import_refuses_an_empty_or_broken_file(holiday_cn: Path, tmp_path: Path, data_dir: Path) -> None:
    empty = runner.invoke(app, ["import", str(holiday_cn / "2027.json")])
    assert empty.exit_code == 1
    assert "导入失败" in empty.stderr
    assert "2027 年没有任何放假安排" in empty.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"year": 2027, "papers": ["x"], "days": [{"date": "2027-13-01"}]}', encoding="utf-8")
    assert runner.invoke(app, ["import", str(broken)]).exit_code == 1
    assert not (data_dir / "onestop.db").exists()  # nothing was written, not even an empty database


def test_importing_a_year_again_replaces_it(fictional_2027: Path, data_dir: Path) -> None:
    assert runner.invoke(app, ["import", str(fictional_2027)]).exit_code == 0
    again = runner.invoke(app, ["import", str(fictional_2027)])
    assert again.exit_code == 0, again.output
    assert _years_in_database(data_dir).count(2027) == 1


def test_region_option_reads_regional_data(tmp_path: Path) -> None:
    regional_file = tmp_path / "regional.json"
    regional_file.write_text('{"65": {"years": {"2025": {"off": {"2025-03-31": "肉孜节"}}}}}', encoding="utf-8")
    stored = runner.invoke(app, ["regional", str(regional_file)])
    assert stored.exit_code == 0, stored.output
    plain = runner.invoke(app, ["deadline", "2025-03-28T10:00", "1d"])
    regional = runner.invoke(app, ["deadline", "2025-03-28T10:00", "1d", "--region", "650102"])
    assert plain.stdout.strip() == "2025-03-31T17:30:00+08:00"
    assert regional.stdout.strip() == "2025-04-01T17:30:00+08:00"


def test_office_hours_and_closures_change_deadlines() -> None:
    assert runner.invoke(app, ["deadline", "2025-03-03T11:00", "2h"]).stdout.strip() == "2025-03-03T14:30:00+08:00"
    hours = runner.invoke(app, ["office-hours", "08:30-12:00,14:30-18:00"])
    assert hours.exit_code == 0, hours.output
    assert runner.invoke(app, ["deadline", "2025-03-03T11:00", "2h"]).stdout.strip() == "2025-03-03T15:30:00+08:00"
    closed = runner.invoke(app, ["closure", "2025-03-04", "系统升级闭厅"])
    assert closed.exit_code == 0, closed.output
    assert runner.invoke(app, ["deadline", "2025-03-03T10:00", "1d"]).stdout.strip() == "2025-03-05T18:00:00+08:00"
    bad = runner.invoke(app, ["office-hours", "9点到12点"])
    assert bad.exit_code == 1
    assert "办公时段" in bad.stderr
