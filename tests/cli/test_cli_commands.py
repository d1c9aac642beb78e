"""`onestop db`, `demo --no-serve`, `tick`, `audit verify` through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from onestop.cli import app
from onestop.db.engine import make_engine
from onestop.db.tables import case_events, cases, users

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ONESTOP_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("ONESTOP_DATABASE_URL", raising=False)
    return tmp_path / "var"


def test_db_upgrade_and_current(data_dir: Path) -> None:
    assert runner.invoke(app, ["db", "current"]).stdout.strip() == "(空数据库)"
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "数据库已迁移到" in result.stdout
    assert runner.invoke(app, ["db", "current"]).stdout.strip() != "(空数据库)"


def test_demo_builds_a_county_with_clocks_in_every_colour(data_dir: Path) -> None:
    result = runner.invoke(app, ["demo", "--no-serve", "--days", "21"])
    assert result.exit_code == 0, result.output
    assert "演示账号" in result.stdout
    lines = (data_dir / "demo-passwords.txt").read_text(encoding="utf-8").splitlines()
    accounts = {line.split()[0] for line in lines}
    assert "clerk" in accounts
    assert (data_dir / "demo-passwords.txt").stat().st_mode & 0o077 == 0  # readable by the owner only
    engine = make_engine(f"sqlite:///{data_dir / 'onestop.db'}")
    with engine.connect() as conn:
        alarms = {
            (mode, alarm) for mode, alarm in conn.execute(sa.select(cases.c.clock_mode, cases.c.alarm).distinct())
        }
        n_users = conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one()
        hashes = list(conn.execute(sa.select(users.c.password_hash)).scalars())
    engine.dispose()
    # 正常, 预警, 超期 running clocks, 暂停 (补正) and finished ones.
    assert {("running", "normal"), ("running", "warning"), ("running", "overdue")} <= alarms
    assert any(mode == "paused" for mode, _ in alarms)
    assert any(mode == "stopped" for mode, _ in alarms)
    assert n_users == len(accounts)  # every account of the demo is in the password file, and only those
    assert all(h.startswith("$argon2id$") for h in hashes)
    # Every module played its month: the demo shows each of them with data.
    for module in ("一窗受理", "12345 热线", "电子证照", "好差评", "改革任务台账", "效能监察"):
        assert module in result.stdout
    with engine.connect() as conn:
        kinds = set(conn.execute(sa.select(cases.c.kind).distinct()).scalars())
    engine.dispose()
    assert {"window_application", "window_approval", "hotline_request", "ledger_task", "supervision_order"} <= kinds

    again = runner.invoke(app, ["demo", "--no-serve", "--days", "5"])  # refreshes: starts clean
    assert again.exit_code == 0, again.output
    engine = make_engine(f"sqlite:///{data_dir / 'onestop.db'}")
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one() == n_users
    engine.dispose()


def test_demo_refuses_a_non_sqlite_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESTOP_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/production")
    result = runner.invoke(app, ["demo", "--no-serve"])
    assert result.exit_code != 0
    assert "SQLite" in result.output


def test_tick_and_audit_verify(data_dir: Path) -> None:
    assert runner.invoke(app, ["demo", "--no-serve", "--days", "10"]).exit_code == 0
    # Late next year (on its provisional calendar) every running clock is overdue, and 超时默认 approves the
    # departments' steps.
    late = runner.invoke(app, ["tick", "--at", "2027-12-01T09:00:00+08:00"])
    assert late.exit_code == 0, late.output
    assert "clock_overdue" in late.stdout
    assert "auto_approve" in late.stdout
    again = runner.invoke(app, ["tick", "--at", "2027-12-01T09:00:00+08:00"])
    assert "无变化" in again.stdout  # idempotent
    verify = runner.invoke(app, ["audit", "verify"])
    assert verify.exit_code == 0, verify.output
    assert "审计通过" in verify.stdout

    engine = make_engine(f"sqlite:///{data_dir / 'onestop.db'}")
    with engine.begin() as conn:
        victim = conn.execute(sa.select(case_events.c.id).order_by(case_events.c.id).limit(1)).scalar_one()
        conn.execute(sa.update(case_events).where(case_events.c.id == victim).values(actor="mallory"))
    engine.dispose()
    tampered = runner.invoke(app, ["audit", "verify"])
    assert tampered.exit_code == 1
    assert "审计未通过" in tampered.stderr
    assert "第 1 条事件" in tampered.stderr


def test_tick_rejects_a_malformed_instant(data_dir: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["tick", "--at", "tomorrow"])
    assert result.exit_code == 2
    assert "时刻格式错误" in result.output
