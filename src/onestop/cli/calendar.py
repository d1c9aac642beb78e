"""`onestop calendar`: deadlines, day lists and importing State Council holiday notices.

Storage of imported notices goes through ``store_notice`` / ``load_stored_notices``: for now a JSON
overlay file in ``$ONESTOP_DATA_DIR`` (default ``./var``); the database will take this over.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from onestop.worktime import (
    TZ,
    CalendarYearUnknown,
    Limit,
    NoticeFormatError,
    RegionalHolidays,
    WorkingTime,
    YearNotice,
    default_working_time,
    import_holiday_cn,
    notices_to_json,
)
from onestop.worktime.national import notices_from_json

OVERLAY_FILE = "calendar-notices.json"
REGIONAL_FILE = "regional-holidays.json"
PROVISIONAL_MARK = "（暂定）provisional"

app = typer.Typer(
    name="calendar",
    help="工作日历：计算办理期限、查询工作日、导入国务院放假通知。",
    no_args_is_help=True,
)


def data_dir() -> Path:
    return Path(os.environ.get("ONESTOP_DATA_DIR") or "var")


def load_stored_notices() -> list[YearNotice]:
    """Notices imported with ``onestop calendar import`` (the overlay file), oldest year first."""
    path = data_dir() / OVERLAY_FILE
    if not path.exists():
        return []
    return notices_from_json(path.read_text(encoding="utf-8"), source=str(path))


def store_notice(notice: YearNotice) -> Path:
    """Persist an imported notice (replacing the same year); returns where it went."""
    path = data_dir() / OVERLAY_FILE
    notices = {n.year: n for n in load_stored_notices()}
    notices[notice.year] = notice
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(notices_to_json(notices.values()), encoding="utf-8")
    tmp.replace(path)  # atomic: a crash never leaves half a calendar behind
    return path


def load_regional() -> RegionalHolidays | None:
    path = data_dir() / REGIONAL_FILE
    return RegionalHolidays.load(path) if path.exists() else None


def working_time(region: str | None = None) -> WorkingTime:
    """The calendar the CLI computes with: bundled notices + imported ones (+ regional data)."""
    regional = load_regional() if region else None
    return default_working_time(load_stored_notices(), regional=regional, region_code=region)


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=1)


def _parse_start(text: str) -> datetime:
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), datetime.min.time(), tzinfo=TZ)
        start = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _fail(
            f"无法识别的开始时间：{text!r}（应为 ISO 格式，如 2025-03-03T10:00 或 2025-03-03）"
        ) from None
    # At the command line a time without offset means Beijing time.
    return start.replace(tzinfo=TZ) if start.tzinfo is None else start.astimezone(TZ)


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _fail(f"{option} 的日期无法识别：{text!r}（应为 YYYY-MM-DD）") from None


RegionOption = Annotated[
    str | None, typer.Option("--region", help="行政区划代码（如 650102），启用该地区的地方节假日")
]


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
    """校验并导入某一年度的国务院放假通知。"""
    try:
        notice = import_holiday_cn(file)
    except NoticeFormatError as exc:
        raise _fail(f"导入失败：{exc}") from None
    path = store_notice(notice)
    typer.echo(
        f"已导入 {notice.year} 年放假通知：放假 {len(notice.off_days)} 天，"
        f"调休上班 {len(notice.work_days)} 天（保存于 {path}）"
    )
