"""`onestop hotline`: the 12345 hotline: the routing model (`router fit|predict|retrain`), the sign-for sweep
(`sweep`) and the knowledge base import (`kb import`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from onestop.actions.runtime import Runtime

app = typer.Typer(name="hotline", help="12345 热线: 智能派单模型等。", no_args_is_help=True)
router_app = typer.Typer(
    name="router", help="派单模型: 由历史工单和单位职责训练, 为诉求推荐承办单位。", no_args_is_help=True
)
app.add_typer(router_app, name="router")

BATCH = 256


@router_app.command("fit")
def fit_command(
    out: Annotated[Path, typer.Option("--out", help="模型文件 (输出)")],
    history: Annotated[Path | None, typer.Option("--history", help="历史工单 CSV (UTF-8): text,unit[,date]")] = None,
    units: Annotated[Path | None, typer.Option("--units", help="单位职责 CSV (UTF-8): name,duties[,keywords]")] = None,
    c: Annotated[float | None, typer.Option("--c", help="SVM 正则参数 C")] = None,
    half_life_days: Annotated[
        float | None, typer.Option("--half-life-days", help="近期工单加权的半衰期 (天); 0 为不加权")
    ] = None,
) -> None:
    """训练派单模型: 有历史工单用历史, 有单位职责用职责 (冷启动), 两者可同时使用。"""
    from dataclasses import replace

    from onestop.hotline.routing import RouterConfig, RoutingError, fit, read_history, read_units

    if history is None and units is None:
        raise typer.BadParameter("需要 --history 或 --units (或两者)", param_hint="--history")
    try:
        rows = read_history(history) if history else []
        profiles = read_units(units) if units else []
        config = RouterConfig()
        if c is not None:
            config = replace(config, c=c)
        if half_life_days is not None:
            config = replace(config, half_life_days=half_life_days or None)
        router = fit(rows, profiles, config)
        router.save(out)
    except RoutingError as exc:
        typer.echo(f"错误: {exc.message}", err=True)
        raise typer.Exit(2) from None
    info = router.info
    typer.echo(
        f"已训练: 历史工单 {info['history_rows']} 条, 单位职责 {info['profiles']} 个, 单位 {info['units']} 个, "
        f"特征 {info['features']} 个 → {out}",
        err=True,
    )


@router_app.command("predict")
def predict_command(
    model: Annotated[Path, typer.Option("--model", help="模型文件")],
    top: Annotated[int, typer.Option("--top", min=1, help="推荐单位个数")] = 3,
) -> None:
    """从标准输入读 JSON 行 {"text": ...}, 每行输出 {"units": [...], "scores": [...]}。"""
    from onestop.hotline.routing import Router, RoutingError

    try:
        router = Router.load(model)
    except RoutingError as exc:
        typer.echo(f"错误: {exc.message}", err=True)
        raise typer.Exit(2) from None
    failures = 0
    pending: list[str | None] = []
    errors: dict[int, str] = {}

    def flush() -> None:
        texts = [t for t in pending if t is not None]
        predictions = iter(router.predict(texts, k=top))
        out = []
        for pos, text in enumerate(pending):
            if text is None:
                out.append(json.dumps({"error": errors[pos]}, ensure_ascii=False))
            else:
                out.append(json.dumps(next(predictions).to_dict(), ensure_ascii=False))
        if out:
            sys.stdout.write("\n".join(out) + "\n")
            sys.stdout.flush()
        pending.clear()
        errors.clear()

    for line in sys.stdin:
        if not line.strip():
            continue
        text = _request_text(line)
        if isinstance(text, ValueError):
            errors[len(pending)] = str(text)
            pending.append(None)
            failures += 1
        else:
            pending.append(text)
        if len(pending) >= BATCH:
            flush()
    flush()
    if failures:
        typer.echo(f"{failures} 行无法识别", err=True)
        raise typer.Exit(1)


def _request_text(line: str) -> str | ValueError:
    try:
        item = json.loads(line)
    except json.JSONDecodeError:
        return ValueError("不是 JSON")
    if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
        return ValueError('缺少 "text" (诉求内容)')
    return str(item["text"])


@router_app.command("retrain")
def retrain_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="模型文件 (默认 $ONESTOP_DATA_DIR/hotline/router.npz)")
    ] = None,
) -> None:
    """用本平台的派单历史 (已答复并审核通过的工单及其承办单位) 和单位职责重新训练派单模型。"""
    from onestop.actions.hotline_router import retrain
    from onestop.cli.context import runtime
    from onestop.hotline.routing import RoutingError

    rt = runtime()
    try:
        router, path = retrain(rt, out)
    except RoutingError as exc:
        typer.echo(f"错误: {exc.message}", err=True)
        raise typer.Exit(2) from None
    finally:
        rt.engine.dispose()  # no pooled connection outlives the command
    info = router.info
    typer.echo(
        f"已训练: 派单历史 {info['history_rows']} 条, 单位职责 {info['profiles']} 个, 单位 {info['units']} 个 → {path}"
    )


@app.command("sweep")
def sweep_command() -> None:
    """超时视为签收: 派单后超过签收时限仍未签收或退单的工单, 由系统签收。"""
    from onestop.actions.hotline import on_tick
    from onestop.cli.context import runtime

    rt = runtime()
    try:
        done = on_tick(rt, rt.now())
    finally:
        rt.engine.dispose()
    typer.echo(f"超时视为签收 {done} 件")


@contextmanager
def _disposing(rt: Runtime) -> Iterator[None]:
    try:
        yield
    finally:
        rt.engine.dispose()


kb_app = typer.Typer(name="kb", help="知识库。", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


@kb_app.command("import")
def kb_import_command(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8): question,answer[,keywords][,unit_code][,valid_until]")],
    username: Annotated[str, typer.Option("--as", help="以此账号 (话务员) 导入")],
) -> None:
    """从 CSV 导入知识库条目; 有错的行逐行报告, 其余照常导入。"""
    import csv
    from datetime import date

    from onestop.actions.hotline_kb import add_entry
    from onestop.cli.context import runtime
    from onestop.db import org_repo
    from onestop.db.engine import read
    from onestop.errors import DomainError

    rt = runtime()
    with read(rt.engine) as conn:
        found = org_repo.load_user(conn, username)
        tree = org_repo.load_unit_tree(conn)
    if found is None:
        rt.engine.dispose()
        typer.echo(f"错误: 账号 {username} 不存在", err=True)
        raise typer.Exit(2)
    actor = found[0].as_actor()
    added = failed = 0
    with file.open(encoding="utf-8-sig", newline="") as fh, _disposing(rt):
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                unit_code = (row.get("unit_code") or "").strip()
                until = (row.get("valid_until") or "").strip()
                add_entry(
                    rt,
                    actor,
                    question=row.get("question") or "",
                    answer=row.get("answer") or "",
                    keywords=[k for k in (row.get("keywords") or "").replace("，", ",").split(",") if k.strip()],
                    unit_id=tree.by_code(unit_code).id if unit_code else None,
                    valid_until=date.fromisoformat(until) if until else None,
                )
                added += 1
            except (DomainError, ValueError) as exc:
                failed += 1
                typer.echo(f"第 {line} 行: {getattr(exc, 'message', str(exc))}", err=True)
    typer.echo(f"已导入 {added} 条, 失败 {failed} 条")
    if failed:
        raise typer.Exit(1)
