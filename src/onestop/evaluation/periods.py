"""Evaluation periods: a year (2026), a half (2026H1), a quarter (2026Q3) or a month (2026M07, 2026-07).

A period is a span of Beijing calendar days [start, end); its instants run from 00:00 Beijing time on
``start`` to 00:00 on ``end``. The evaluation year of a period (which indicator tree and bounds apply) is
the calendar year it lies in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from onestop.evaluation.errors import InvalidPeriod
from onestop.worktime import TZ

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:(?P<kind>[QqHhMm])(?P<n>\d{1,2})|-(?P<month>\d{2}))?$")
_QUARTERS = ("一", "二", "三", "四")
_HALVES = ("上半年", "下半年")


@dataclass(frozen=True, order=True)
class Period:
    """One evaluation period; ``code`` is its canonical text form (2026, 2026H1, 2026Q3, 2026M07)."""

    start: date
    end: date  # exclusive
    code: str

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PATTERN.match(text.strip())
        if match is None:
            raise InvalidPeriod(f"评价期间格式错误：“{text}”，应为 2026、2026H1、2026Q3 或 2026M07", field="period")
        year = int(match["year"])
        if not 2000 <= year <= 2100:
            raise InvalidPeriod(f"评价年度超出范围：{year}", field="period")
        kind = (match["kind"] or "").upper()
        if match["month"] is not None:
            kind, n = "M", int(match["month"])
        elif kind:
            n = int(match["n"])
        else:
            return cls(date(year, 1, 1), date(year + 1, 1, 1), f"{year}")
        months = {"H": 6, "Q": 3, "M": 1}[kind]
        count = 12 // months
        if not 1 <= n <= count:
            raise InvalidPeriod(f"评价期间“{text}”无效：{kind} 须在 1–{count} 之间", field="period")
        first_month = (n - 1) * months + 1
        start = date(year, first_month, 1)
        end_month = first_month + months
        end = date(year + 1, 1, 1) if end_month > 12 else date(year, end_month, 1)
        code = f"{year}M{n:02d}" if kind == "M" else f"{year}{kind}{n}"
        return cls(start, end, code)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def kind(self) -> str:
        """Y, H, Q or M."""
        return "Y" if len(self.code) == 4 else self.code[4]

    @property
    def label(self) -> str:
        """The Chinese name used in reports: 2026年第三季度, 2026年上半年, 2026年7月, 2026年度."""
        kind, year = self.kind, self.year
        if kind == "Y":
            return f"{year}年度"
        n = int(self.code[5:])
        if kind == "Q":
            return f"{year}年第{_QUARTERS[n - 1]}季度"
        if kind == "H":
            return f"{year}年{_HALVES[n - 1]}"
        return f"{year}年{n}月"

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(0), TZ)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time(0), TZ)

    def contains(self, at: datetime) -> bool:
        return self.start_at <= at < self.end_at

    def previous(self) -> Period:
        """The period of the same kind just before this one (2026Q1 -> 2025Q4)."""
        kind, year = self.kind, self.year
        if kind == "Y":
            return Period.parse(f"{year - 1}")
        n = int(self.code[5:])
        if n > 1:
            return Period.parse(f"{year}{kind}{n - 1}")
        last = {"H": 2, "Q": 4, "M": 12}[kind]
        return Period.parse(f"{year - 1}{kind}{last}")

    def same_period_last_year(self) -> Period:
        return Period.parse(f"{self.year - 1}{self.code[4:]}")

    def __str__(self) -> str:
        return self.code
