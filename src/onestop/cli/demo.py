"""`onestop demo`: a sample county on a local SQLite file, then the server."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
import typer

from onestop.actions.runtime import Runtime
from onestop.config import Settings
from onestop.db.engine import make_engine


def demo_command(
    no_serve: bool = typer.Option(False, "--no-serve", help="只生成数据库，不启动服务"),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    days: int = typer.Option(30, "--days", min=1, max=365, help="模拟多少天的业务"),
    seed: int = typer.Option(2026, "--seed", help="随机种子，相同种子生成相同数据"),
) -> None:
    settings = Settings.from_env()
    url = sa.engine.make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise typer.BadParameter("演示数据只写入本地 SQLite 文件；请取消 ONESTOP_DATABASE_URL 或指向 sqlite:///…")
    database = Path(url.database)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)  # refresh: the demo always starts clean

    from onestop.demo.build import build_demo

    rt = Runtime(engine=make_engine(settings.database_url))
    typer.echo(f"正在生成示例县 (和平县) 数据库: {database}")
    build = build_demo(rt, now=rt.now(), days=days, seed=seed)
    sim, window, hotline = build.simulation, build.window, build.hotline
    typer.echo(f"已模拟 {days} 天:")
    typer.echo(f"  一窗受理: {window.applications} 件申请 (网上 {window.online}), {window.approvals} 个部门审批环节")
    typer.echo(f"  通用登记: {sim.applications} 件申请, {sim.approvals} 个部门审批环节, {sim.actions} 次办理操作")
    typer.echo(
        f"  12345 热线: {hotline.requests} 件诉求 (直接答复 {hotline.direct_answers}, 派单 {hotline.dispatched})"
    )
    typer.echo(f"  电子证照: 另签发 {build.certs.issued} 张, 注销 {build.certs.revoked} 张")
    typer.echo(
        f"  好差评: {build.ratings.rated} 条评价, 差评 {build.ratings.bad} 条, 已整改 {build.ratings.rectified} 条"
    )
    ledger, evaluation = build.ledger, build.evaluation
    typer.echo(f"  改革任务台账: 本县方案 {len(ledger.tasks)} 项任务; 营商环境评价: {evaluation.entered} 项填报指标")
    real = build.seed_ledger
    if real is not None:
        typer.echo(f"  真实方案台账 ({real.source}): {real.tasks} 项任务, 首月报送 {real.reports} 次")
        typer.echo(f"    其后按完成时限销号 {real.completed} 项, 长期推进 {real.ongoing} 项")
    typer.echo(f"  效能监察: {build.oversight.raised} 张督办单")
    clocks = build.final_tick.clocks
    typer.echo(f"  当前扫描: {dict(clocks.actions) or '无变化'}")
    lines = [f"{name:<12} {pw}" for name, pw in build.county.passwords.items()]
    password_file = settings.data_dir / "demo-passwords.txt"
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(password_file, 0o600)
    typer.echo("演示账号 (用户名 密码)，已保存到 " + str(password_file) + ":")
    for line in lines:
        typer.echo("  " + line)
    rt.engine.dispose()
    if not no_serve:
        from onestop.cli.serve import serve

        serve(host, port)
