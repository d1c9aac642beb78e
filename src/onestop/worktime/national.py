"""The national calendar: State Council holiday notices (国务院办公厅关于某年部分节假日安排的通知).

Each notice fixes the off days and make-up working days (调休) of one year; the notice of year Y
may also reach back into the last days of December of Y-1 for its 元旦 arrangement. Everything
else is the ordinary week. A date is

* confirmed  when the notice of its own year is known and, for December 20–31, also the next
  year's notice (which may reach back), or when a notice sets it explicitly;
* provisional when its year is at most ``provisional_years`` after the last known notice year
  (see ``provisional.py``);
* unknown otherwise, including dates before the first notice year: using them raises
  ``CalendarYearUnknown``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal

from onestop.worktime.errors import CalendarYearUnknown, NoticeFormatError
from onestop.worktime.provisional import provisional_day, weekday_rule

FORMAT_VERSION: Final = 1
# A notice may reach back into the previous year from this (month, day) on; later notices are
# validated against it, so the "confirmed" rule below stays sound.
REACH_BACK_FROM: Final = (12, 20)
DEFAULT_PROVISIONAL_YEARS: Final = 1
SOURCE_NOTE: Final = (
    "国务院办公厅节假日安排通知（papers 为原文网址）；日期经 NateScarlet/holiday-cn（MIT）整理后转换为本格式"
)

Status = Literal["confirmed", "provisional", "unknown"]


def in_reach_back_window(d: date) -> bool:
    return (d.month, d.day) >= REACH_BACK_FROM


@dataclass(frozen=True)
class YearNotice:
    """One year's State Council notice: the off days and make-up working days it sets, by date."""

    year: int
    papers: tuple[str, ...]
    off_days: Mapping[date, str] = field(default_factory=dict)
    work_days: Mapping[date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        source = f"{self.year} 年放假通知"
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not 1949 < self.year < 2200:
            raise NoticeFormatError(f"年份无效：{self.year!r}")
        object.__setattr__(self, "papers", tuple(self.papers))
        if not self.papers or not all(isinstance(p, str) and p.strip() for p in self.papers):
            raise NoticeFormatError("缺少通知原文网址（papers）", source=source)
        off = dict(sorted(self.off_days.items()))
        work = dict(sorted(self.work_days.items()))
        if not off and not work:
            raise NoticeFormatError("没有任何放假或调休日期（该年度通知可能尚未发布）", source=source)
        both = sorted(set(off) & set(work))
        if both:
            raise NoticeFormatError(f"{both[0].isoformat()} 既是放假日又是调休上班日", source=source)
        for d, name in (*off.items(), *work.items()):
            if not isinstance(d, date) or not isinstance(name, str) or not name.strip():
                raise NoticeFormatError(f"日期或名称无效：{d!r} {name!r}", source=source)
            reaches_back = d.year == self.year - 1 and in_reach_back_window(d)
            if d.year != self.year and not reaches_back:
                raise NoticeFormatError(
                    f"{d.isoformat()} 不属于 {self.year} 年（只允许上一年 12 月 20 日以后的元旦安排）",
                    source=source,
                )
        object.__setattr__(self, "off_days", MappingProxyType(off))
        object.__setattr__(self, "work_days", MappingProxyType(work))

    def __hash__(self) -> int:
        return hash((self.year, self.papers, tuple(self.off_days.items()), tuple(self.work_days.items())))

    def to_compact(self) -> dict[str, Any]:
        """Our storage form: papers, then date -> name maps for off days and make-up working days."""
        return {
            "papers": list(self.papers),
            "off": {d.isoformat(): name for d, name in self.off_days.items()},
            "work": {d.isoformat(): name for d, name in self.work_days.items()},
        }

    @classmethod
    def from_compact(cls, year: int | str, data: Mapping[str, Any]) -> YearNotice:
        source = f"{year} 年放假通知"
        try:
            return cls(
                year=int(year),
                papers=tuple(data["papers"]),
                off_days={_parse_date(k, source): v for k, v in dict(data.get("off", {})).items()},
                work_days={_parse_date(k, source): v for k, v in dict(data.get("work", {})).items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, NoticeFormatError):
                raise
            raise NoticeFormatError(f"数据格式错误：{exc}", source=source) from exc

    @classmethod
    def from_holiday_cn(cls, data: object, *, source: str | None = None) -> YearNotice:
        """Validate a holiday-cn document (https://github.com/NateScarlet/holiday-cn schema)."""
        if not isinstance(data, Mapping):
            raise NoticeFormatError("顶层必须是 JSON 对象", source=source)
        year, papers, days = data.get("year"), data.get("papers"), data.get("days")
        if isinstance(year, float) and year.is_integer():
            year = int(year)
        if isinstance(year, bool) or not isinstance(year, int):
            raise NoticeFormatError("缺少整数字段 year", source=source)
        if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
            raise NoticeFormatError("papers 必须是网址字符串列表", source=source)
        if not isinstance(days, list):
            raise NoticeFormatError("days 必须是列表", source=source)
        if not days:
            raise NoticeFormatError(f"{year} 年没有任何放假安排（国务院尚未发布该年度通知？）", source=source)
        off: dict[date, str] = {}
        work: dict[date, str] = {}
        for index, item in enumerate(days):
            where = f"days[{index}]"
            if not isinstance(item, Mapping):
                raise NoticeFormatError(f"{where} 必须是对象", source=source)
            name, day_text, is_off = item.get("name"), item.get("date"), item.get("isOffDay")
            if not isinstance(name, str) or not name.strip():
                raise NoticeFormatError(f"{where} 缺少节日名称 name", source=source)
            if not isinstance(is_off, bool):
                raise NoticeFormatError(f"{where} 的 isOffDay 必须是 true 或 false", source=source)
            if not isinstance(day_text, str):
                raise NoticeFormatError(f"{where} 缺少日期 date", source=source)
            d = _parse_date(day_text, source)
            target, other = (off, work) if is_off else (work, off)
            if d in other or target.get(d, name) != name:
                raise NoticeFormatError(f"{d.isoformat()} 出现了相互矛盾的两条安排", source=source)
            target[d] = name
        return cls(year=year, papers=tuple(papers), off_days=off, work_days=work)


def _parse_date(text: str, source: str | None) -> date:
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise NoticeFormatError(f"日期格式错误：{text!r}（应为 YYYY-MM-DD）", source=source) from None


def import_holiday_cn(path: str | Path) -> YearNotice:
    """Read and validate one holiday-cn style JSON file (e.g. ``2027.json``)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NoticeFormatError(f"无法读取文件：{exc.strerror or exc}", source=str(path)) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NoticeFormatError(f"不是有效的 UTF-8 JSON 文件：{exc}", source=str(path)) from exc
    return YearNotice.from_holiday_cn(data, source=str(path))


def notices_to_json(notices: Iterable[YearNotice]) -> str:
    """Serialise notices in our compact format (the bundled file and the CLI overlay use it)."""
    by_year = {n.year: n for n in notices}
    document = {
        "format": FORMAT_VERSION,
        "source": SOURCE_NOTE,
        "notices": {str(y): by_year[y].to_compact() for y in sorted(by_year)},
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def notices_from_json(text: str, *, source: str | None = None) -> list[YearNotice]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NoticeFormatError(f"不是有效的 JSON：{exc}", source=source) from exc
    if not isinstance(document, Mapping) or document.get("format") != FORMAT_VERSION:
        raise NoticeFormatError(f"不是第 {FORMAT_VERSION} 版的日历数据文件", source=source)
    notices = document.get("notices")
    if not isinstance(notices, Mapping):
        raise NoticeFormatError("缺少 notices", source=source)
    return [YearNotice.from_compact(year, data) for year, data in notices.items()]


@cache
def bundled_notices() -> tuple[YearNotice, ...]:
    text = resources.files("onestop.worktime").joinpath("data/national.json").read_text(encoding="utf-8")
    return tuple(notices_from_json(text, source="national.json"))


@dataclass(frozen=True, slots=True)
class NationalDays:
    """The national calendar as dense per-day lists from ``first`` to ``last`` (both included)."""

    first: date
    last: date
    workday: tuple[bool, ...]
    name: tuple[str | None, ...]
    provisional: tuple[bool, ...]


class NationalCalendar:
    """Immutable set of notices plus the provisional horizon; ``with_notice`` returns a new calendar."""

    __slots__ = ("__weakref__", "_days", "_explicit", "_fingerprint", "_notices", "_provisional_years")

    def __init__(self, notices: Iterable[YearNotice], *, provisional_years: int = DEFAULT_PROVISIONAL_YEARS) -> None:
        if provisional_years < 0:
            raise ValueError("provisional_years 不能为负数")
        by_year: dict[int, YearNotice] = {}
        for notice in notices:
            by_year[notice.year] = notice
        self._notices = MappingProxyType(dict(sorted(by_year.items())))
        self._provisional_years = provisional_years
        # date -> (workday, name, notice year); a later notice wins where two set the same date.
        explicit: dict[date, tuple[bool, str, int]] = {}
        for year, notice in self._notices.items():
            for d, name in notice.off_days.items():
                explicit[d] = (False, name, year)
            for d, name in notice.work_days.items():
                explicit[d] = (True, f"{name}调休上班", year)
        self._explicit = explicit
        self._days: NationalDays | None = None
        self._fingerprint: str | None = None

    @classmethod
    def bundled(cls, *, provisional_years: int = DEFAULT_PROVISIONAL_YEARS) -> NationalCalendar:
        """The notices shipped with onestop (2007 onwards); shared, as calendars are immutable."""
        return _bundled_calendar(provisional_years)

    def with_notice(self, notice: YearNotice) -> NationalCalendar:
        """A calendar that also knows ``notice`` (replacing an earlier notice of the same year)."""
        return NationalCalendar([*self._notices.values(), notice], provisional_years=self._provisional_years)

    def with_notices(self, notices: Iterable[YearNotice]) -> NationalCalendar:
        return NationalCalendar([*self._notices.values(), *notices], provisional_years=self._provisional_years)

    @property
    def notices(self) -> Mapping[int, YearNotice]:
        return self._notices

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(self._notices)

    @property
    def provisional_years(self) -> int:
        return self._provisional_years

    def __iter__(self) -> Iterator[YearNotice]:
        return iter(self._notices.values())

    def __repr__(self) -> str:
        years = self.years
        span = f"{years[0]}–{years[-1]}" if years else "empty"
        return f"NationalCalendar({span}, {len(years)} notices, provisional_years={self._provisional_years})"

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = self._compute_fingerprint()
        return self._fingerprint

    def _compute_fingerprint(self) -> str:
        material = json.dumps(
            {
                "notices": json.loads(notices_to_json(self._notices.values()))["notices"],
                "provisional_years": self._provisional_years,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(material.encode()).hexdigest()[:16]

    def status(self, d: date) -> Status:
        days = self.days()
        if days is None or not days.first <= d <= days.last:
            return "unknown"
        return "provisional" if days.provisional[(d - days.first).days] else "confirmed"

    def days(self) -> NationalDays | None:
        """Dense per-day view over the known and provisional range; None when no notice is loaded."""
        if self._days is None and self._notices:
            self._days = self._build()
        return self._days

    def _build(self) -> NationalDays:
        years = self.years
        known = set(years)
        first = date(years[0], 1, 1)
        # Reach-back days of the first notice (2006-12-30/31 in the 2007 notice) are facts too.
        while first - timedelta(days=1) in self._explicit:
            first -= timedelta(days=1)
        last = date(years[-1] + self._provisional_years, 12, 31)
        workday: list[bool] = []
        names: list[str | None] = []
        provisional: list[bool] = []
        d = first
        one = timedelta(days=1)
        while d <= last:
            year = d.year
            hit = self._explicit.get(d)
            own_known = year in known
            settled = own_known and (not in_reach_back_window(d) or year + 1 in known)
            name: str | None
            if hit is not None:
                is_work, name, set_by = hit
                settled = settled or set_by > year
            elif own_known:
                is_work, name = weekday_rule(d)
            else:
                is_work, name = provisional_day(d)
            workday.append(is_work)
            names.append(name)
            provisional.append(not settled)
            d += one
        return NationalDays(first, last, tuple(workday), tuple(names), tuple(provisional))

    def unknown_year(self, d: date) -> CalendarYearUnknown:
        """The error for a day outside the known range, naming the year that must be imported."""
        return CalendarYearUnknown(d.year)


@cache
def _bundled_calendar(provisional_years: int) -> NationalCalendar:
    return NationalCalendar(bundled_notices(), provisional_years=provisional_years)
