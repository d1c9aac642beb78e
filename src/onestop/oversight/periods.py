"""Report periods: a month (2026-10), a quarter (2026Q4) or a year (2026), as Beijing calendar days [start, end)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from onestop.oversight.errors import InvalidPeriod
from onestop.worktime import TZ

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})|[Mm](?P<m>\d{1,2})|[Qq](?P<q>[1-4]))?$")
_QUARTERS = "一二三四"


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # exclusive
    code: str  # canonical: 2026-10, 2026Q4, 2026

    @classmethod
    def parse(cls, text: str, *, field: str = "month") -> Period:
        match = _PATTERN.match(text.strip())
        if match is None:
            raise InvalidPeriod(f"「统计期间」格式错误：“{text}”，应为 2026-10、2026Q4 或 2026", field=field)
        year = int(match["year"])
        if not 2000 <= year <= 2100:
            raise InvalidPeriod(f"「统计期间」年份超出范围：{year}", field=field)
        month = match["month"] or match["m"]
        if month is not None:
            n = int(month)
            if not 1 <= n <= 12:
                raise InvalidPeriod(f"「统计期间」月份无效：{n}，应在 1–12 之间", field=field)
            end = date(year + 1, 1, 1) if n == 12 else date(year, n + 1, 1)
            return cls(date(year, n, 1), end, f"{year}-{n:02d}")
        if match["q"] is not None:
            q = int(match["q"])
            start = date(year, 3 * q - 2, 1)
            end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
            return cls(start, end, f"{year}Q{q}")
        return cls(date(year, 1, 1), date(year + 1, 1, 1), str(year))

    @classmethod
    def month_of(cls, at: datetime) -> Period:
        local = at.astimezone(TZ)
        return cls.parse(f"{local.year}-{local.month:02d}")

    @property
    def label(self) -> str:
        """2026年10月, 2026年第四季度, 2026年度."""
        if "-" in self.code:
            return f"{self.start.year}年{self.start.month}月"
        if "Q" in self.code:
            return f"{self.start.year}年第{_QUARTERS[int(self.code[-1]) - 1]}季度"
        return f"{self.start.year}年度"

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(0), TZ)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time(0), TZ)

    def previous(self) -> Period:
        if "-" in self.code:
            y, m = self.start.year, self.start.month
            return Period.parse(f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}")
        if "Q" in self.code:
            q = int(self.code[-1])
            return Period.parse(f"{self.start.year - 1}Q4" if q == 1 else f"{self.start.year}Q{q - 1}")
        return Period.parse(str(self.start.year - 1))

    def __str__(self) -> str:
        return self.code
