"""`onestop db upgrade|current`."""

from __future__ import annotations

import typer

from onestop.cli.context import runtime
from onestop.db.migrate import current_revision, upgrade

app = typer.Typer(no_args_is_help=True)


@app.command("upgrade", help="把数据库迁移到最新版本 (Alembic).")
def upgrade_command(revision: str = typer.Argument("head")) -> None:
    rt = runtime()
    upgrade(rt.engine, revision)
    typer.echo(f"数据库已迁移到 {current_revision(rt.engine)}: {rt.engine.url.render_as_string()}")


@app.command("current", help="显示当前数据库版本.")
def current_command() -> None:
    typer.echo(current_revision(runtime().engine) or "(空数据库)")
