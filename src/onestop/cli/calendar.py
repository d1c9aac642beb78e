"""`onestop calendar`: deadlines, day lists, importing State Council holiday notices, local calendar settings.

The calendar is the deployment's: bundled notices plus what was imported into the database, so every web
process and tick worker computes with the same days. Without a database yet, the bundled calendar is used.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from onestop.actions.runtime import Runtime
from onestop.worktime import (
    TZ,
    CalendarYearUnknown,
    Limit,
    NoticeFormatError,
    OfficeHours,
    RegionalHolidays,
    WorkingTime,
    default_working_time,
    import_holiday_cn,
)

PROVISIONAL_MARK = "（暂定）provisional"

app = typer.Typer(
    name="calendar",
    help="工作日历：计算办理期限、查询工作日、导入国务院放假通知、设置地方节假日与办公时间。",
    no_args_is_help=True,
)


def working_time(region: str | None = None) -> WorkingTime:
    """The deployment's calendar; `region` picks that region's holidays from the stored regional data."""
    from onestop.actions.calendar import REGIONAL_HOLIDAYS, load_settings, load_working_time
    from onestop.cli.context import runtime
    from onestop.db.migrate import current_revision

    engine = runtime().engine
    if current_revision(engine) is None:
        return default_working_time(region_code=region) if region else default_working_time()
    wt = load_working_time(engine)
    if region is None or region == wt.region_code:
        return wt
    regional = load_settings(engine).get(REGIONAL_HOLIDAYS)
    return WorkingTime(
        wt.national,
        RegionalHolidays.from_mapping(regional) if regional else None,
        region,
        wt.office_hours,
        wt.closures,
    )


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=1)


def _parse_start(text: str) -> datetime:
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), datetime.min.time(), tzinfo=TZ)
        start = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _fail(f"无法识别的开始时间：{text!r}（应为 ISO 格式，如 2025-03-03T10:00 或 2025-03-03）") from None
    # At the command line a time without offset means Beijing time.
    return start.replace(tzinfo=TZ) if start.tzinfo is None else start.astimezone(TZ)


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _fail(f"{option} 的日期无法识别：{text!r}（应为 YYYY-MM-DD）") from None


RegionOption = Annotated[str | None, typer.Option("--region", help="行政区划代码（如 650102），启用该地区的地方节假日")]


@app.command("deadline")
def deadline_command(
    start: Annotated[str, typer.Argument(help="开始时间，ISO 格式（如 2025-03-03T10:00 或 2025-03-03）")],
    limit: Annotated[str, typer.Argument(help="期限，如 5d、0.5d、2h、30m（工作日/工作小时/工作分钟）")],
    region: RegionOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """计算期限届满时刻（开始当日不计入，节假日不计入）。"""
    begin = _parse_start(start)
    try:
        parsed = Limit.parse(limit)
        due = working_time(region).deadline(begin, parsed)
    except (CalendarYearUnknown, ValueError) as exc:
        raise _fail(str(exc)) from None
    when = due.at.isoformat()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "start": begin.isoformat(),
                    "limit": str(parsed),
                    "due": when,
                    "provisional": due.provisional,
                },
                ensure_ascii=False,
            )
        )
    elif due.provisional:
        typer.echo(f"{when} {PROVISIONAL_MARK}")
        typer.echo("该期限涉及尚未发布放假通知的日期，通知导入后可能变化。", err=True)
    else:
        typer.echo(when)


@app.command("days")
def days_command(
    from_: Annotated[str, typer.Option("--from", help="起始日期 YYYY-MM-DD")],
    to: Annotated[str, typer.Option("--to", help="结束日期 YYYY-MM-DD（含）")],
    region: RegionOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 列表")] = False,
) -> None:
    """列出日期范围内每一天是否为工作日。"""
    first, last = _parse_date(from_, "--from"), _parse_date(to, "--to")
    if last < first:
        raise _fail("--to 不能早于 --from")
    try:
        days = working_time(region).days(first, last)
    except (CalendarYearUnknown, ValueError) as exc:
        raise _fail(str(exc)) from None
    if as_json:
        rows = [
            {"date": d.date.isoformat(), "workday": d.workday, "name": d.name, "provisional": d.provisional}
            for d in days
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for d in days:
        parts = [d.date.isoformat(), "工作日" if d.workday else "休息"]
        parts += [d.name] if d.name else []
        parts += ["（暂定）"] if d.provisional else []
        typer.echo(" ".join(parts))


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="holiday-cn 格式的 JSON 文件（如 2027.json）")],
) -> None:
    """校验并导入某一年度的国务院放假通知，并重新推算所有在办事项的期限。"""
    from onestop.actions.calendar import import_notice

    try:
        notice = import_holiday_cn(file)
    except NoticeFormatError as exc:
        raise _fail(f"导入失败：{exc}") from None
    rt = _migrated_runtime()
    report = import_notice(rt, notice, imported_by="cli")
    typer.echo(
        f"已导入 {notice.year} 年放假通知：放假 {len(notice.off_days)} 天，调休上班 {len(notice.work_days)} 天；"
        f"重新推算 {report.cases} 件在办事项，{report.changed} 件期限变化"
    )


@app.command("regional")
def regional_command(
    file: Annotated[Path, typer.Argument(help="地方节假日 JSON 文件（RegionalHolidays 格式）")],
    region: Annotated[str | None, typer.Option("--region", help="本部署所在行政区划代码，启用该地区的节假日")] = None,
) -> None:
    """导入地方节假日（如新疆的肉孜节、古尔邦节），并重新推算期限。"""
    from onestop.actions.calendar import REGION_CODE, REGIONAL_HOLIDAYS, set_calendar_setting

    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        RegionalHolidays.from_mapping(data)  # validate before storing
    except (OSError, ValueError) as exc:
        raise _fail(f"导入失败：{exc}") from None
    rt = _migrated_runtime()
    set_calendar_setting(rt, REGIONAL_HOLIDAYS, data)
    if region:
        report = set_calendar_setting(rt, REGION_CODE, region)
        typer.echo(f"已导入地方节假日并启用地区 {region}；{report.changed} 件期限变化")
    else:
        typer.echo("已导入地方节假日（用 --region 启用本地区）")


@app.command("office-hours")
def office_hours_command(
    periods: Annotated[str, typer.Argument(help="办公时段，如 09:00-12:00,13:30-17:30")],
) -> None:
    """设置服务中心办公时间（含午休），按工作分钟计算的期限随之重新推算。"""
    from onestop.actions.calendar import OFFICE_HOURS, set_calendar_setting

    try:
        hours = OfficeHours.parse(periods)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    report = set_calendar_setting(_migrated_runtime(), OFFICE_HOURS, str(hours))
    typer.echo(f"办公时间已设为 {hours}（每日 {hours.day_minutes} 分钟）；{report.changed} 件期限变化")


@app.command("closure")
def closure_command(
    day: Annotated[str, typer.Argument(help="闭厅日期 YYYY-MM-DD")],
    reason: Annotated[str, typer.Argument(help="原因，如 系统升级闭厅")],
    remove: Annotated[bool, typer.Option("--remove", help="取消该日闭厅")] = False,
) -> None:
    """登记或取消服务中心自身的闭厅日（不计入工作日）。"""
    from onestop.actions.calendar import CLOSURES, load_settings, set_calendar_setting

    when = _parse_date(day, "日期")
    rt = _migrated_runtime()
    closures = dict(load_settings(rt.engine).get(CLOSURES) or {})
    if remove:
        closures.pop(when.isoformat(), None)
    else:
        closures[when.isoformat()] = reason
    report = set_calendar_setting(rt, CLOSURES, closures or None)
    typer.echo(f"闭厅日已更新（共 {len(closures)} 天）；{report.changed} 件期限变化")


def _migrated_runtime() -> Runtime:
    from onestop.cli.context import runtime
    from onestop.db.migrate import upgrade

    rt = runtime()
    upgrade(rt.engine)
    return rt
