"""WorkingTime: one service center's view of working time, and deadline arithmetic by the law.

* 行政许可法 §82: limits in working days exclude statutory holidays (and weekends).
* 民法典 §201: the day on which a period starts is not counted; so an N-working-day limit started
  at ``t`` ends at close of office on the N-th working day after ``t``'s day — also when ``t``
  falls on a holiday or weekend (the following working day is the first counted one).
* Short limits (2 小时, 30 分钟, 0.5 个工作日) run in working minutes within office hours, from ``t``
  if the office is open, else from the next opening; lunch breaks and closed days do not count.
* A fractional day limit (1.5d) is its whole days by the day rule, then the fraction of one
  office day in working minutes from that close of office — so 0.5d < 1d < 1.5d < 2d always.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import NamedTuple

from onestop.worktime.errors import CalendarYearUnknown
from onestop.worktime.limits import Due, Limit
from onestop.worktime.national import NationalCalendar, YearNotice
from onestop.worktime.office_hours import MICROS_PER_MINUTE, OfficeHours, time_from_us, time_of_day_us
from onestop.worktime.regional import RegionalHolidays, RegionLayer
from onestop.worktime.table import CLOSURE_NAME, DayTable
from onestop.worktime.zone import TZ, local_date, to_local

_datetime_combine = datetime.combine


class DayInfo(NamedTuple):
    """One calendar day as this service center sees it."""

    date: date
    workday: bool
    name: str | None
    provisional: bool


Closures = Mapping[date, str] | Iterable[date]


class WorkingTime:
    """National calendar + regional holidays + office hours + closures of one service center.

    Immutable; build a new one (``with_notice`` etc.) when an input changes — ``fingerprint``
    tells whether two instances can give different answers.
    """

    def __init__(
        self,
        national: NationalCalendar,
        regional: RegionalHolidays | None = None,
        region_code: str | None = None,
        office_hours: OfficeHours | None = None,
        closures: Closures = (),
    ) -> None:
        self._national = national
        self._regional = regional
        self._region_code = region_code
        self._office_hours = office_hours if office_hours is not None else OfficeHours.default()
        if isinstance(closures, Mapping):
            closure_map = {d: str(name) for d, name in closures.items()}
        else:
            closure_map = dict.fromkeys(closures, CLOSURE_NAME)
        for d in closure_map:
            if isinstance(d, datetime) or not isinstance(d, date):
                raise TypeError(f"闭馆日期须为 date：{d!r}")
        self._closures = dict(sorted(closure_map.items()))
        self._layer: RegionLayer | None = (
            regional.layer(region_code) if regional is not None and region_code is not None else None
        )
        if region_code is not None and regional is None:
            RegionalHolidays().layer(region_code)  # validates the code
        if self._layer is None and not self._closures:
            self._table = DayTable.plain(national)
        else:
            self._table = DayTable(national.days(), self._layer, self._closures)
        t = self._table
        # Hot-path state as plain attributes: one attribute load each in nth_workday_after.
        self._wd_dates = t.workday_dates
        self._last_wd = t.last_workday_index
        self._closing = self._office_hours.closing
        self._day_us = self._office_hours.day_us
        self._fingerprint = self._compute_fingerprint()

    # -- construction -------------------------------------------------------------------------

    def with_notice(self, notice: YearNotice) -> WorkingTime:
        return self._replace(national=self._national.with_notice(notice))

    def with_notices(self, notices: Iterable[YearNotice]) -> WorkingTime:
        return self._replace(national=self._national.with_notices(notices))

    def with_closures(self, closures: Closures) -> WorkingTime:
        extra = closures if isinstance(closures, Mapping) else dict.fromkeys(closures, CLOSURE_NAME)
        return self._replace(closures={**self._closures, **extra})

    def with_office_hours(self, office_hours: OfficeHours) -> WorkingTime:
        return self._replace(office_hours=office_hours)

    def _replace(
        self,
        *,
        national: NationalCalendar | None = None,
        office_hours: OfficeHours | None = None,
        closures: Closures | None = None,
    ) -> WorkingTime:
        return WorkingTime(
            national if national is not None else self._national,
            self._regional,
            self._region_code,
            office_hours if office_hours is not None else self._office_hours,
            closures if closures is not None else self._closures,
        )

    def _compute_fingerprint(self) -> str:
        material = {
            "national": self._national.fingerprint,
            "region_code": self._region_code,
            "region": self._layer.canonical() if self._layer is not None else None,
            "office_hours": str(self._office_hours),
            "closures": {d.isoformat(): n for d, n in self._closures.items()},
        }
        text = json.dumps(material, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    # -- properties ---------------------------------------------------------------------------

    @property
    def national(self) -> NationalCalendar:
        return self._national

    @property
    def region_code(self) -> str | None:
        return self._region_code

    @property
    def office_hours(self) -> OfficeHours:
        return self._office_hours

    @property
    def closures(self) -> Mapping[date, str]:
        return dict(self._closures)

    @property
    def day_minutes(self) -> int:
        """Office minutes of one full working day (420 with the default hours)."""
        return self._office_hours.day_minutes

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    @property
    def table(self) -> DayTable:
        return self._table

    @property
    def first_day(self) -> date:
        """The first day the calendar knows (ValueError-free only when a notice is loaded)."""
        return self._table.first

    @property
    def last_day(self) -> date:
        """The last day the calendar knows (provisional days included)."""
        return self._table.last

    def __repr__(self) -> str:
        return (
            f"WorkingTime({self._national!r}, region_code={self._region_code!r}, "
            f"office_hours='{self._office_hours}', closures={len(self._closures)}, "
            f"fingerprint={self._fingerprint!r})"
        )

    # -- days ---------------------------------------------------------------------------------

    def _index(self, d: date) -> int:
        i = self._table.index(d)
        if not 0 <= i < self._table.size:
            raise CalendarYearUnknown(d.year)
        return i

    def _beyond(self) -> CalendarYearUnknown:
        return CalendarYearUnknown(self._table.last.year + 1)

    def is_workday(self, d: date) -> bool:
        return self._table.workday[self._index(local_date(d))]

    def day_info(self, d: date) -> DayInfo:
        d = local_date(d)
        i = self._index(d)
        t = self._table
        return DayInfo(d, t.workday[i], t.name[i], t.provisional[i])

    def days(self, start: date, end: date) -> list[DayInfo]:
        """Every day from ``start`` to ``end`` (both included)."""
        start, end = local_date(start), local_date(end)
        i, j = self._index(start), self._index(end)
        t = self._table
        return [DayInfo(t.day(k), t.workday[k], t.name[k], t.provisional[k]) for k in range(i, j + 1)]

    def next_workday(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.nth_workday_after(local_date(d), 1)

    def nth_workday_after(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (``d`` itself never counts); n=0: ``d`` if working, else the next.

        The hot path: a dict lookup and a list index.
        """
        if n > 0:
            try:
                return self._wd_dates[self._last_wd[d] + n]
            except (KeyError, IndexError, TypeError):
                pass
        return self._nth_slow(d, n)

    def _nth_slow(self, d: date, n: int) -> date:
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"工作日数须为整数：{n!r}")
        if n < 0:
            raise ValueError("工作日数不能为负数")
        d = local_date(d)
        if not isinstance(d, date):
            raise TypeError(f"需要日期：{d!r}")
        i = self._index(d)
        k = self._table.cum[i + 1] + n - 1 if n else self._table.cum[i]
        if k >= len(self._wd_dates):
            raise self._beyond()
        return self._wd_dates[k]

    def workdays_between(self, a: date, b: date) -> int:
        """Working days d with a's day < d <= b's day (negative when b is before a)."""
        cum = self._table.cum
        return cum[self._index(local_date(b)) + 1] - cum[self._index(local_date(a)) + 1]

    # -- instants -----------------------------------------------------------------------------

    def close_of(self, d: date) -> datetime:
        return _datetime_combine(d, self._closing, tzinfo=TZ)

    def _span_provisional(self, i: int, j: int) -> bool:
        """Whether any day with table index in [i, j] is provisional."""
        pc = self._table.provisional_cum
        return pc[j + 1] - pc[i] > 0

    def add_workdays(self, start: datetime, n: int) -> Due:
        """Close of office on the n-th working day after ``start``'s day.

        n=0 means "the same working day": close of ``start``'s day if it is a working day and
        the office has not closed yet, else close of the next working day.
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"工作日数须为整数：{n!r}")
        if n < 0:
            raise ValueError("工作日数不能为负数")
        t = to_local(start)
        d = t.date()
        i = self._index(d)
        table = self._table
        if n == 0:
            after_close = t.timetz().replace(tzinfo=None) > self._closing
            first = i + 1 if after_close else i
            k = table.cum[first]
        else:
            first = i + 1
            k = table.cum[i + 1] + n - 1
        if k >= len(self._wd_dates):
            raise self._beyond()
        target = self._wd_dates[k]
        j = table.index(target)
        return Due(self.close_of(target), self._span_provisional(min(first, j), j))

    def _position_us(self, t: datetime) -> tuple[int, int]:
        """(table index of t's day, office µs elapsed on that day before t; 0 on a closed day)."""
        i = self._index(t.date())
        if not self._table.workday[i]:
            return i, 0
        tod = time_of_day_us(t.timetz().replace(tzinfo=None))
        return i, self._office_hours.elapsed_us(tod)

    def add_work_minutes(self, start: datetime, minutes: int) -> Due:
        """The earliest instant by which ``minutes`` working minutes have passed since ``start``."""
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            raise TypeError(f"分钟数须为整数：{minutes!r}")
        if minutes < 0:
            raise ValueError("分钟数不能为负数")
        t = to_local(start)
        i, elapsed = self._position_us(t)
        table = self._table
        if minutes == 0:
            return Due(t, table.provisional[i])
        need = minutes * MICROS_PER_MINUTE
        day_us = self._day_us
        remaining_today = day_us - elapsed if table.workday[i] else 0
        if need <= remaining_today:
            target_i, into_day = i, elapsed + need
        else:
            rest = need - remaining_today
            days_ahead = -(-rest // day_us)  # ceil: the due falls on this working day after t's day
            into_day = rest - (days_ahead - 1) * day_us
            k = table.cum[i + 1] + days_ahead - 1
            if k >= len(self._wd_dates):
                raise self._beyond()
            target_i = table.index(self._wd_dates[k])
        at = _datetime_combine(table.day(target_i), time_from_us(self._office_hours.instant_us(into_day)), tzinfo=TZ)
        return Due(at, self._span_provisional(i, target_i))

    def work_minutes_between(self, a: datetime, b: datetime) -> int:
        """Whole working minutes from ``a`` to ``b`` (negative when b is before a)."""
        ia, ea = self._position_us(to_local(a))
        ib, eb = self._position_us(to_local(b))
        cum = self._table.cum
        diff = (cum[ib] - cum[ia]) * self._day_us + eb - ea
        return diff // MICROS_PER_MINUTE if diff >= 0 else -(-diff // MICROS_PER_MINUTE)

    def deadline(self, start: datetime, limit: Limit) -> Due:
        """When ``limit`` started at ``start`` runs out (see the module docstring for the rules)."""
        if limit.unit == "workminute":
            return self.add_work_minutes(start, int(limit.amount))
        whole, fraction = limit.whole_days, limit.day_fraction
        if not fraction:
            return self.add_workdays(start, whole)
        # Rounding up never shortens a limit the law grants to the applicant.
        minutes = math.ceil(fraction * self.day_minutes)
        if whole == 0:
            return self.add_work_minutes(start, minutes)
        days_due = self.add_workdays(start, whole)
        minutes_due = self.add_work_minutes(days_due.at, minutes)
        return Due(minutes_due.at, days_due.provisional or minutes_due.provisional)


def default_working_time(
    extra_notices: Iterable[YearNotice] = (),
    *,
    regional: RegionalHolidays | None = None,
    region_code: str | None = None,
    office_hours: OfficeHours | None = None,
    closures: Closures = (),
    provisional_years: int | None = None,
) -> WorkingTime:
    """The bundled national calendar (plus ``extra_notices``, e.g. imported years) with default hours."""
    national = (
        NationalCalendar.bundled()
        if provisional_years is None
        else NationalCalendar.bundled(provisional_years=provisional_years)
    )
    extra = list(extra_notices)
    if extra:
        national = national.with_notices(extra)
    return WorkingTime(national, regional, region_code, office_hours, closures)


__all__ = ["DayInfo", "WorkingTime", "default_working_time"]
