"""`onestop ledger`: read a work plan, import it as a ledger after review, dispatch monthly reports, export.

onestop ledger parse PLAN.docx --json
onestop ledger import PLAN.pdf                       # review only: the parse and the unmatched unit names
onestop ledger import PLAN.pdf --map '区优化办=YHB' --supervisor YHB --yes
onestop ledger export --format xlsx --out 台账.xlsx
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from onestop.actions.runtime import Runtime
from onestop.errors import DomainError
from onestop.ledger import Plan, parse_file
from onestop.ledger.deadlines import ONGOING

app = typer.Typer(no_args_is_help=True, help="改革任务台账: parse a work plan, import it, track and export it")


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=1)


def _read(file: Path) -> Plan:
    if not file.is_file():
        raise _fail(f"文件不存在：{file}")
    try:
        return parse_file(str(file))
    except DomainError as exc:
        raise _fail(exc.message) from None


def _runtime() -> Runtime:
    from onestop.cli.context import runtime
    from onestop.db.migrate import upgrade

    rt = runtime()
    upgrade(rt.engine)
    return rt


def _cli_actor() -> object:
    from onestop.org.roles import Role
    from onestop.org.users import Actor

    return Actor(user_id=None, username="cli", roles=frozenset({Role.ADMIN}))


def _deadline(value: object) -> str:
    if value is None:
        return "—"
    values = value if isinstance(value, list) else [value]
    return "、".join("长期" if v == ONGOING else str(v) for v in values)


@app.command("parse")
def parse_command(
    file: Annotated[Path, typer.Argument(help="工作方案文件：.txt、.docx 或文字版 .pdf")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """读取工作方案，列出每项任务的牵头单位、配合单位、完成时限和量化指标。"""
    plan = _read(file)
    if as_json:
        typer.echo(json.dumps(plan.to_json(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"{plan.title or '（未识别标题）'}  {plan.issuer or ''} {plan.date or ''}".rstrip())
    for task in plan.tasks:
        lead = "、".join(task.lead_units or task.responsible_units) or "—"
        co = "、".join(task.cooperating_units + (task.responsible_units if task.lead_units else [])) or "—"
        typer.echo(f"{task.number} {task.title}\n    牵头：{lead}  配合：{co}  时限：{_deadline(task.deadline)}")
    typer.echo(f"共 {len(plan.tasks)} 项任务")


def _mapping(pairs: list[str], map_file: Path | None) -> dict[str, str]:
    out: dict[str, str] = {}
    lines = list(pairs)
    if map_file is not None:
        if not map_file.is_file():
            raise _fail(f"映射文件不存在：{map_file}")
        text = map_file.read_text(encoding="utf-8")
        if map_file.suffix.lower() == ".json":
            data = json.loads(text)
            if not isinstance(data, dict):
                raise _fail('映射文件须为 {"名称": "单位代码"} 形式的 JSON 对象')
            out.update({str(k): str(v) for k, v in data.items()})
        else:
            lines += [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for pair in lines:
        name, sep, code = pair.partition("=")
        if not sep or not name.strip() or not code.strip():
            raise _fail(f"映射格式应为 名称=单位代码：{pair!r}")
        out[name.strip()] = code.strip()
    return out


@app.command("import")
def import_command(  # noqa: PLR0917  (typer options are parameters)
    file: Annotated[Path, typer.Argument(help="工作方案文件：.txt、.docx 或文字版 .pdf")],
    map_: Annotated[list[str], typer.Option("--map", help="单位名称=单位代码（可多次指定，会被记住）")] = [],  # noqa: B006
    map_file: Annotated[Path | None, typer.Option("--map-file", help="每行一条 名称=单位代码，或 JSON 对象")] = None,
    supervisor: Annotated[str | None, typer.Option("--supervisor", help="督办单位（营商办）的单位代码")] = None,
    report_day: Annotated[int, typer.Option("--report-day", min=1, max=31, help="月调度：每月进展报送截止日")] = 25,
    yes: Annotated[bool, typer.Option("--yes", help="确认无误，创建台账")] = False,
) -> None:
    """审核解析结果与单位对应关系；加 --yes 后创建台账（每项任务一件办件）。"""
    from onestop.actions.ledger import import_plan, review_plan

    plan = _read(file)
    mapping = _mapping(map_, map_file)
    rt = _runtime()
    try:
        review = review_plan(rt, plan, mapping=mapping, supervisor=supervisor)
    except DomainError as exc:
        raise _fail(exc.message) from None
    typer.echo(f"{plan.title or file.name}：共 {len(plan.tasks)} 项任务")
    for t in review.tasks:
        owner = t.owner_name or "【未对应】"
        typer.echo(
            f"  {t.seq:>3}. {t.task.number} {t.task.title[:30]}  牵头：{owner}  时限：{_deadline(t.task.deadline)}"
        )
    if review.unmatched:
        typer.echo("未能对应的单位名称（用 --map 名称=单位代码 指定，指定一次即被记住）：")
        for m in review.unmatched:
            hint = "；".join(f"{s.name}" for s in m.suggestions) or "无相近单位"
            typer.echo(f"  {m.name}  （相近：{hint}）")
    if review.without_owner:
        typer.echo(f"{len(review.without_owner)} 项任务的牵头单位尚未对应，无法创建台账。")
    if not yes:
        typer.echo("以上为预览；确认无误后加 --yes 创建台账。")
        return
    try:
        ledger = import_plan(
            rt,
            plan,
            _cli_actor(),  # type: ignore[arg-type]
            mapping=mapping,
            source=file.name,
            report_day=report_day,
            supervisor=supervisor,
        )
    except DomainError as exc:
        raise _fail(exc.message) from None
    typer.echo(f"已创建台账 {ledger.id}「{ledger.title}」：{ledger.task_count} 项任务")


@app.command("list")
def list_command() -> None:
    """列出已导入的台账。"""
    from onestop.actions.ledger import list_ledgers

    for ledger in list_ledgers(_runtime()):
        typer.echo(f"{ledger.id}\t{ledger.title}\t{ledger.task_count} 项\t{ledger.created_at:%Y-%m-%d}")


@app.command("dispatch")
def dispatch_command(
    month: Annotated[str | None, typer.Option("--month", help="调度月份 YYYY-MM（默认本期）")] = None,
) -> None:
    """月调度：为每项长期任务发起本月进展报告（已发起的不重复）。"""
    from onestop.actions.ledger import dispatch_reports

    if month is not None and not (len(month) == 7 and month[4] == "-" and month.replace("-", "").isdigit()):
        raise _fail(f"月份格式应为 YYYY-MM：{month}")
    opened = dispatch_reports(_runtime(), month=month)
    typer.echo(f"已发起 {len(opened)} 份月调度报告")


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="输出文件")],
    format_: Annotated[str, typer.Option("--format", help="xlsx（台账）或 docx（进展汇总）")] = "xlsx",
    ledger_id: Annotated[int | None, typer.Option("--ledger", help="台账编号（默认最近导入的）")] = None,
) -> None:
    """导出台账：.xlsx 工作落实台账，或 .docx 进展情况汇总。"""
    from onestop.actions.ledger import get_ledger, ledger_rows, list_ledgers
    from onestop.ledger.export import docx_bytes, xlsx_bytes

    if format_ not in ("xlsx", "docx"):
        raise _fail("--format 只能是 xlsx 或 docx")
    rt = _runtime()
    if ledger_id is None:
        all_ledgers = list_ledgers(rt)
        if not all_ledgers:
            raise _fail("尚未导入任何台账")
        ledger_id = all_ledgers[-1].id
    try:
        ledger = get_ledger(rt, ledger_id)
    except DomainError as exc:
        raise _fail(exc.message) from None
    rows = ledger_rows(rt, ledger_id)
    now = rt.now()
    data = (
        xlsx_bytes(ledger.title, rows, generated_at=now)
        if format_ == "xlsx"
        else docx_bytes(ledger.title, rows, generated_at=now)
    )
    out.write_bytes(data)
    typer.echo(f"已导出 {len(rows)} 项任务到 {out}")
