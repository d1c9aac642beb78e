"""`onestop tick`."""

from __future__ import annotations

from datetime import datetime

import typer

from onestop.actions.schedule import run_tick
from onestop.cli.context import runtime
from onestop.worktime import TZ


def tick_command(
    at: str | None = typer.Option(None, "--at", help="以此时刻扫描 (ISO 8601, 默认现在)"),
    batch_size: int = typer.Option(1000, "--batch-size", min=1),
) -> None:
    rt = runtime()
    now = _parse_instant(at) if at else rt.now()
    report = run_tick(rt, now=now, batch_size=batch_size)
    clocks = report.clocks
    parts = ", ".join(f"{k} {v}" for k, v in sorted(clocks.actions.items())) or "无变化"
    typer.echo(f"{now.isoformat()} 扫描 {clocks.cases} 件 ({clocks.batches} 批): {parts}")
    modules = ", ".join(f"{name} {count}" for name, count in report.modules.items() if count) or "无"
    typer.echo(f"各模块定期任务: {modules}")


def _parse_instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"时刻格式错误: {text!r}，应为 ISO 8601，如 2026-11-23T09:00+08:00") from None
    return value if value.tzinfo else value.replace(tzinfo=TZ)
