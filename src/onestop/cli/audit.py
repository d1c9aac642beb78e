"""`onestop audit verify`."""

from __future__ import annotations

import typer

from onestop.actions.audit import verify_all
from onestop.cli.context import runtime

app = typer.Typer(no_args_is_help=True)


@app.command("verify", help="校验所有办件的事件哈希链，指出第一条被篡改或删除的事件。")
def verify_command() -> None:
    report = verify_all(runtime().engine)
    for problem in report.problems:
        typer.echo(f"✗ {problem.case_number} 第 {problem.seq} 条事件: {problem.message}", err=True)
    if not report.ok:
        typer.echo(f"审计未通过: {len(report.problems)} 个办件的事件链有问题 (共 {report.cases} 件)", err=True)
        raise typer.Exit(1)
    typer.echo(f"审计通过: {report.cases} 个办件, {report.events} 条事件, 哈希链完整")
