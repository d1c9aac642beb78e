"""Our calendar beside two independent implementations (chinese_calendar, holidays) on 2019–2025."""

from __future__ import annotations

import random
from datetime import date, timedelta

import chinese_calendar
import holidays

from onestop.worktime import WorkingTime

FIRST, LAST = date(2019, 1, 1), date(2025, 12, 31)


def _days() -> list[date]:
    return [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


def test_workdays_agree_with_chinese_calendar(wt: WorkingTime) -> None:
    assert [d for d in _days() if chinese_calendar.is_workday(d) != wt.is_workday(d)] == []


def test_holiday_names_agree_with_chinese_calendar(wt: WorkingTime) -> None:
    # chinese_calendar names holidays in English; only check that it knows a holiday where we do.
    for d in _days():
        on_holiday, _name = chinese_calendar.get_holiday_detail(d)
        info = wt.day_info(d)
        if info.name and not info.workday and d.weekday() < 5:
            assert on_holiday, d


def test_workdays_agree_with_holidays_package(wt: WorkingTime) -> None:
    china = holidays.China(years=range(2018, 2027))
    assert [d for d in _days() if china.is_working_day(d) != wt.is_workday(d)] == []


def _samples(count: int = 3000) -> list[tuple[date, int]]:
    rng = random.Random(20250101)
    span = (date(2025, 11, 1) - FIRST).days
    return [(FIRST + timedelta(days=rng.randrange(span)), rng.randint(1, 30)) for _ in range(count)]


def test_nth_workday_agrees_with_holidays_everywhere(wt: WorkingTime) -> None:
    # holidays' get_nth_working_day steps from the day after the start, like 民法典 §201.
    china = holidays.China(years=range(2018, 2027))
    for d, n in _samples():
        assert china.get_nth_working_day(d, n) == wt.nth_workday_after(d, n), (d, n)


def test_find_workday_differs_only_on_non_working_starts(wt: WorkingTime) -> None:
    """chinese_calendar first moves a non-working start onto the next working day and counts from
    there, so it counts one day too many; the law (民法典 §201, 行政许可法 §82) counts from the
    day after the start whatever that day is."""
    disagreements = 0
    for d, n in _samples():
        theirs, ours = chinese_calendar.find_workday(n, d), wt.nth_workday_after(d, n)
        if wt.is_workday(d):
            assert theirs == ours, (d, n)
        else:
            assert theirs == wt.nth_workday_after(d, n + 1), (d, n)
            disagreements += theirs != ours
    assert disagreements > 0
