"""The `onestop` command. Each sub-command is a thin wrapper over the action layer."""

from __future__ import annotations

import sys

import typer

from onestop.cli import audit, calendar, certs, db, demo, evaluation, hotline, ledger, oversight, serve, tick
from onestop.errors import DomainError
from onestop.worktime.errors import CalendarYearUnknown

app = typer.Typer(
    name="onestop",
    help="onestop 一站式政务服务平台 — one-window services, 12345, oversight and reform ledgers on one engine.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(calendar.app, name="calendar", help="工作日历: deadlines, working days, importing a year's notice")
app.add_typer(db.app, name="db", help="数据库: migrations")
app.add_typer(ledger.app, name="ledger", help="改革任务台账: parse a work plan, import it as a ledger, export")
app.add_typer(hotline.app, name="hotline", help="12345 热线: the routing model (fit, predict)")
app.add_typer(evaluation.app, name="evaluation", help="营商环境评价: indicator tree, scoring, Doing Business check")
app.add_typer(certs.app, name="certs", help="电子证照: verify, export, signing keys (rotate-key)")
app.add_typer(oversight.app, name="oversight", help="效能监察: monthly bulletin, unit scorecards, supervision rules")
app.add_typer(audit.app, name="audit", help="审计: verify the tamper-evident event chains")
app.command("tick", help="扫描所有计时: warnings, overdue marks, timeout actions")(tick.tick_command)
app.command("demo", help="示例县: build the demo county and serve it")(demo.demo_command)
app.command("serve", help="启动服务: serve an existing database")(serve.serve_command)


def main() -> None:
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except (DomainError, CalendarYearUnknown) as exc:
        # A rule of the domain, not a crash: the Chinese message says what to do, without a traceback.
        typer.echo(f"错误：{exc.message}", err=True)
        sys.exit(2)
