"""The calendar page: which years' State Council notices are loaded, regional holidays, office hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.actions.calendar import REGIONAL_HOLIDAYS
from onestop.db.tables import calendar_notices, settings
from onestop.worktime import CalendarYearUnknown, DayInfo, RegionalHolidays, WorkingTime
from onestop.worktime.national import bundled_notices

IMPORT_COMMAND = "onestop calendar import FILE.json"
HOLIDAY_SOURCE = "国务院办公厅年度放假通知（holiday-cn 格式：https://github.com/NateScarlet/holiday-cn）"


@dataclass(frozen=True)
class NoticeYear:
    year: int
    source: str  # 内置 / 导入
    off_days: int
    work_days: int
    imported_at: datetime | None
    imported_by: str | None
    holidays: list[str]  # the names of the festivals in that year's notice


@dataclass(frozen=True)
class RegionalDay:
    day: date
    name: str
    workday: bool


@dataclass(frozen=True)
class RegionalYear:
    prefix: str
    name: str
    year: int
    days: list[RegionalDay]


@dataclass(frozen=True)
class CalendarInfo:
    years: list[NoticeYear]
    provisional_through: int | None
    region_code: str | None
    regional: list[RegionalYear]
    office_hours: str
    day_minutes: int
    closures: list[tuple[date, str]]
    fingerprint: str
    upcoming: list[DayInfo]
    import_command: str = IMPORT_COMMAND
    source: str = HOLIDAY_SOURCE


def _festivals(off_days: dict[date, str] | Any) -> list[str]:
    seen: list[str] = []
    for name in off_days.values():
        if name not in seen:
            seen.append(name)
    return seen


def calendar_info(conn: Connection, wt: WorkingTime, today: date) -> CalendarInfo:
    imported = {
        r.year: r
        for r in conn.execute(
            sa.select(calendar_notices.c.year, calendar_notices.c.imported_at, calendar_notices.c.imported_by)
        )
    }
    bundled = {n.year for n in bundled_notices()}
    years = []
    for year, notice in sorted(wt.national.notices.items(), reverse=True):
        row = imported.get(year)
        years.append(
            NoticeYear(
                year=year,
                source="导入" if row is not None else ("内置" if year in bundled else "其他"),
                off_days=len(notice.off_days),
                work_days=len(notice.work_days),
                imported_at=row.imported_at if row is not None else None,
                imported_by=row.imported_by if row is not None else None,
                holidays=_festivals(notice.off_days),
            )
        )
    last = max(wt.national.years) if wt.national.years else None
    provisional_through = (
        last + wt.national.provisional_years if last is not None and wt.national.provisional_years else None
    )
    regional_rows: list[RegionalYear] = []
    stored = conn.execute(sa.select(settings.c.value).where(settings.c.key == REGIONAL_HOLIDAYS)).scalar()
    if stored:
        table = RegionalHolidays.from_mapping(stored)
        mapping = table.to_mapping()
        for prefix, entry in sorted(mapping.items()):
            for year, arrangement in sorted(entry.get("years", {}).items(), reverse=True):
                days = [RegionalDay(date.fromisoformat(d), n, False) for d, n in arrangement.get("off", {}).items()]
                days += [RegionalDay(date.fromisoformat(d), n, True) for d, n in arrangement.get("work", {}).items()]
                regional_rows.append(
                    RegionalYear(
                        prefix, table.region_name(prefix) or prefix, int(year), sorted(days, key=lambda d: d.day)
                    )
                )
    try:
        upcoming = wt.days(today, today + timedelta(days=13))
    except (CalendarYearUnknown, ValueError):
        upcoming = []
    return CalendarInfo(
        years=years,
        provisional_through=provisional_through,
        region_code=wt.region_code,
        regional=regional_rows,
        office_hours=str(wt.office_hours),
        day_minutes=wt.day_minutes,
        closures=sorted(wt.closures.items()),
        fingerprint=wt.fingerprint,
        upcoming=upcoming,
    )
