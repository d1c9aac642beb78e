"""The deployment's supervision rules and scorecard settings: shown, overridden and reset from the command line
(as the CLI's administrator) and on /oversight/settings (administrators change, supervisors read), every change
in the audit log, and an override in force for the next rule run.

By hand (see oversight_scenario): at Mon Nov 2 10:00 A3 (due Thu Oct 29 17:30) is 1 full working day overdue
(Fri 30 closed; Monday's office is still open), so the shipped overdue_3d (3 days) does not hit it and the same
rule with threshold 1 does."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from oversight_scenario import PASSWORD, County, at
from typer.testing import CliRunner

from onestop.actions.oversight import CONFIG_KEY, RULES_KEY, current_config, current_rules, run_rules
from onestop.actions.runtime import Runtime
from onestop.cli import app as cli
from onestop.db import oversight_repo
from onestop.db.engine import read
from onestop.db.tables import audit_log
from onestop.oversight.config import default_document
from onestop.oversight.rules import RULES_FILE, load_rules

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
runner = CliRunner()


def _stored(rt: Runtime, key: str) -> object:
    with read(rt.engine) as conn:
        return oversight_repo.load_setting(conn, key)


def _audit(rt: Runtime) -> list[tuple[str, str, str]]:
    with read(rt.engine) as conn:
        rows = conn.execute(sa.select(audit_log).where(audit_log.c.action.like("oversight_%")).order_by(audit_log.c.id))
        return [(r.username, r.action, r.target) for r in rows]


def _shipped_rules_with(threshold: int) -> str:
    text = RULES_FILE.read_text(encoding="utf-8")
    changed = text.replace("threshold = 3\n", f"threshold = {threshold}\n", 1)
    assert changed != text
    return changed


@pytest.fixture
def cli_db(county: County, db_url: str, monkeypatch: pytest.MonkeyPatch) -> County:
    monkeypatch.setenv("ONESTOP_DATABASE_URL", db_url)
    return county


# -- the command line ------------------------------------------------------------------------------------------


def test_cli_rules_show_set_reset(cli_db: County, tmp_path: Path) -> None:
    rt = cli_db.rt
    shown = runner.invoke(cli, ["oversight", "rules", "show"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("# 督办规则：内置默认设置（rules.toml）\n")
    # What `show` prints is a rules file `set` takes back unchanged.
    assert tomllib.loads(shown.stdout)["rule"] == [r.to_json() for r in load_rules()]
    printed = tmp_path / "printed.toml"
    printed.write_text(shown.stdout.replace("threshold = 3\n", "threshold = 1\n", 1), encoding="utf-8")

    stored = runner.invoke(cli, ["oversight", "rules", "set", str(printed)])
    assert stored.exit_code == 0, stored.output
    assert "督办规则已更新：3 条（overdue_3d、returned_twice、rectification_overdue）" in stored.stdout
    assert [(r.code, r.threshold) for r in current_rules(rt)] == [
        ("overdue_3d", 1),
        ("returned_twice", 2),
        ("rectification_overdue", 0),
    ]
    again = runner.invoke(cli, ["oversight", "rules", "show"]).stdout
    # The command line keeps the wall clock (not the test's travel clock): only the shape of the instant is known.
    assert re.match(r"# 督办规则：本部署的覆盖设置（onestop-cli 于 \d{4}-\d\d-\d\d \d\d:\d\d 修改；", again)
    assert 'code = "overdue_3d"\nlabel = "办件超期满3个工作日"\ncheck = "overdue"\n' in again
    assert tomllib.loads(again)["rule"][0]["threshold"] == 1

    reset = runner.invoke(cli, ["oversight", "rules", "reset"])
    assert reset.exit_code == 0, reset.output
    assert _stored(rt, RULES_KEY) is None
    assert current_rules(rt) == load_rules()
    assert runner.invoke(cli, ["oversight", "rules", "show"]).stdout.startswith("# 督办规则：内置默认设置")
    assert _audit(rt) == [
        ("onestop-cli", "oversight_rules_set", "rules"),
        ("onestop-cli", "oversight_rules_reset", "rules"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _shipped_rules_with(-1),
            "督办规则「overdue_3d」：「threshold」应为 0–60 之间的整数，现为 -1",
        ),
        (
            RULES_FILE.read_text(encoding="utf-8").replace('"window_stage"', '"window_stag"', 1),
            "督办规则「overdue_3d」：办件类型「window_stag」未安装",
        ),
        ('[[rule]]\ncode = "late"\nlabel = "超期"\ncheck = "slow"\n', "督办规则「late」：「check」无效：'slow'"),
        ("[weights]\norders = 20\n", "督办规则文件只能含 [[rule]] 表，未知的字段 ['weights']"),
        ("[[rule]\n", "设置文件不是有效的 TOML"),
    ],
)
def test_cli_refuses_a_bad_rules_file_and_stores_nothing(
    cli_db: County, tmp_path: Path, text: str, message: str
) -> None:
    rt = cli_db.rt
    good = tmp_path / "good.toml"
    good.write_text(_shipped_rules_with(5), encoding="utf-8")
    assert runner.invoke(cli, ["oversight", "rules", "set", str(good)]).exit_code == 0
    before = _stored(rt, RULES_KEY)
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["oversight", "rules", "set", str(bad)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert _stored(rt, RULES_KEY) == before  # the override in force is untouched
    assert current_rules(rt)[0].threshold == 5
    assert [action for _, action, _ in _audit(rt)] == ["oversight_rules_set"]


def test_cli_scorecard_show_set_reset(cli_db: County, tmp_path: Path) -> None:
    rt = cli_db.rt
    shown = runner.invoke(cli, ["oversight", "scorecard", "show"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("# 综合考评设置：内置默认设置（scorecard.toml）\n")
    assert tomllib.loads(shown.stdout) == default_document()

    bad = tmp_path / "bad.toml"
    for text, message in (
        ("[weight]\norders = 20\n", "考评设置含未知的字段「weight」"),
        ("[weights]\norders = -5\n", "「weights.orders」应为 0–1000 之间的数，现为 -5"),
        ("[penalties]\nlisted = 10\nlisted_twice = 1\n", "考评设置含未知的字段「penalties.listed_twice」"),
        ("", "考评设置文件为空"),
    ):
        bad.write_text(text, encoding="utf-8")
        refused = runner.invoke(cli, ["oversight", "scorecard", "set", str(bad)])
        assert refused.exit_code == 2, text
        assert message in refused.stderr
        assert _stored(rt, CONFIG_KEY) is None

    override = tmp_path / "weights.toml"
    override.write_text("[weights]\norders = 20\n", encoding="utf-8")
    stored = runner.invoke(cli, ["oversight", "scorecard", "set", str(override)])
    assert stored.exit_code == 0, stored.output
    assert "on_time 30、satisfaction 30、rectification 20、orders 20、returns 10" in stored.stdout
    assert _stored(rt, CONFIG_KEY) == {"weights": {"orders": 20}}
    assert current_config(rt).weights["orders"] == 20.0
    again = runner.invoke(cli, ["oversight", "scorecard", "show"]).stdout
    assert re.match(r"# 综合考评设置：本部署的覆盖设置（onestop-cli 于 \d{4}-\d\d-\d\d \d\d:\d\d 修改；", again)
    assert "# 覆盖的部分：weights\n" in again
    assert tomllib.loads(again)["weights"] == {
        "on_time": 30,
        "satisfaction": 30,
        "rectification": 20,
        "orders": 20,
        "returns": 10,
    }

    assert runner.invoke(cli, ["oversight", "scorecard", "reset"]).exit_code == 0
    assert _stored(rt, CONFIG_KEY) is None
    assert current_config(rt).weights["orders"] == 10.0
    assert [action for _, action, _ in _audit(rt)] == ["oversight_scorecard_set", "oversight_scorecard_reset"]


# -- the page --------------------------------------------------------------------------------------------------


def _login(app: FastAPI, username: str) -> tuple[TestClient, str]:
    """A logged-in client and its session's CSRF token (read off a page that has a form for that user)."""
    client = TestClient(app)
    token = CSRF.search(client.get("/login").text)
    assert token is not None
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/oversight/orders" if username == "supervisor" else "/oversight/settings")
    session_token = CSRF.search(page.text)
    assert session_token is not None
    return client, session_token.group(1)


def test_settings_page_is_read_only_for_a_supervisor(app: FastAPI, rt: Runtime) -> None:
    client, csrf = _login(app, "supervisor")
    page = client.get("/oversight/settings")
    assert page.status_code == 200
    assert 'data-source="default"' in page.text
    assert '<tr data-rule="overdue_3d" data-threshold="3">' in page.text
    assert "超期满 3 个工作日" in page.text
    assert '<tr data-measure="orders"><td data-label="指标">督办</td><td data-label="权重">10.0</td></tr>' in page.text
    assert 'id="read-only"' in page.text
    assert 'id="rules-form"' not in page.text
    refused = client.post(
        "/oversight/settings",
        data={"csrf_token": csrf, "target": "rules", "op": "set", "toml": _shipped_rules_with(1)},
    )
    assert refused.status_code == 403
    assert "只有管理员可以修改督办规则和考评设置" in refused.text
    assert _stored(rt, RULES_KEY) is None
    assert _audit(rt) == []


@pytest.mark.parametrize(("username", "status"), [("a", 403), ("operator", 403)])
def test_settings_page_closed_to_other_staff(app: FastAPI, username: str, status: int) -> None:
    client = TestClient(app)
    token = CSRF.search(client.get("/login").text)
    assert token is not None
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
    assert client.get("/oversight/settings", follow_redirects=False).status_code == status


def test_admin_override_is_in_force_for_the_next_rule_run(app: FastAPI, rt: Runtime, october_web: County) -> None:
    a3 = october_web.cases["A3"].number
    now = at(11, 2)
    first = run_rules(rt, now)  # the shipped rules: A3 is 1 working day overdue, under overdue_3d's 3
    assert first.checked["overdue_3d"] == 0
    assert all(r.subject != a3 for r in first.raised)

    client, csrf = _login(app, "admin")
    form = client.get("/oversight/settings").text
    assert 'id="rules-form"' in form
    assert 'value="reset"' not in form  # nothing to reset yet
    bad = client.post(
        "/oversight/settings",
        data={"csrf_token": csrf, "target": "rules", "op": "set", "toml": _shipped_rules_with(61)},
    )
    assert bad.status_code == 422
    assert "督办规则「overdue_3d」：「threshold」应为 0–60 之间的整数，现为 61" in bad.text
    assert "threshold = 61" in bad.text  # what was sent stays in the form, to correct
    assert _stored(rt, RULES_KEY) is None

    stored = client.post(
        "/oversight/settings",
        data={"csrf_token": csrf, "target": "rules", "op": "set"},
        files={"file": ("rules.toml", _shipped_rules_with(1).encode("utf-8"), "text/plain")},
        follow_redirects=False,
    )
    assert stored.status_code == 303
    assert stored.headers["location"] == "/oversight/settings?done=rules-set"
    shown = client.get("/oversight/settings?done=rules-set").text
    assert "督办规则已更新" in shown
    assert '<p class="muted" id="rules-source" data-source="override">' in shown
    assert '<tr data-rule="overdue_3d" data-threshold="1">' in shown
    assert _audit(rt) == [("admin", "oversight_rules_set", "rules")]

    second = run_rules(rt, now)
    assert second.checked["overdue_3d"] == 1
    assert [(r.rule, r.subject) for r in second.raised] == [("overdue_3d", a3)]

    reset = client.post(
        "/oversight/settings", data={"csrf_token": csrf, "target": "rules", "op": "reset"}, follow_redirects=False
    )
    assert reset.status_code == 303
    assert _stored(rt, RULES_KEY) is None
    assert run_rules(rt, now).checked["overdue_3d"] == 0


def test_admin_sets_and_resets_scorecard_weights(app: FastAPI, rt: Runtime) -> None:
    client, csrf = _login(app, "admin")
    stored = client.post(
        "/oversight/settings",
        data={"csrf_token": csrf, "target": "scorecard", "op": "set", "toml": "[weights]\norders = 20\n"},
        follow_redirects=False,
    )
    assert stored.status_code == 303
    page = client.get("/oversight/settings").text
    assert '<tr data-measure="orders"><td data-label="指标">督办</td><td data-label="权重">20.0</td></tr>' in page
    assert 'id="scorecard-source" data-source="override"' in page
    bad = client.post(
        "/oversight/settings",
        data={"csrf_token": csrf, "target": "scorecard", "op": "set", "toml": "[weights]\norders = true\n"},
    )
    assert bad.status_code == 422
    assert "「weights.orders」应为 0–1000 之间的数，现为 True" in bad.text
    assert _stored(rt, CONFIG_KEY) == {"weights": {"orders": 20}}
    client.post("/oversight/settings", data={"csrf_token": csrf, "target": "scorecard", "op": "reset"})
    assert _stored(rt, CONFIG_KEY) is None
    unknown = client.post("/oversight/settings", data={"csrf_token": csrf, "target": "calendar", "op": "set"})
    assert unknown.status_code == 422
    assert "「设置项」无效" in unknown.text
