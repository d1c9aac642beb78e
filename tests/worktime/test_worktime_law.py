"""Deadline arithmetic by the law: 行政许可法 §82 (working days), 民法典 §201 (start day not counted)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.worktime import TZ, CalendarYearUnknown, Limit, WorkingTime, import_holiday_cn

At = Callable[[str], datetime]


def due(wt: WorkingTime, start: datetime, limit: str) -> datetime:
    result = wt.deadline(start, Limit.parse(limit))
    assert not result.provisional
    return result.at


def test_start_day_is_not_counted(wt: WorkingTime, at: At) -> None:
    # Monday 2025-03-03: one working day ends at close of Tuesday, however early it starts.
    assert due(wt, at("2025-03-03 08:00"), "1d") == at("2025-03-04 17:30")
    assert due(wt, at("2025-03-03 17:29"), "1d") == at("2025-03-04 17:30")
    assert due(wt, at("2025-03-03 23:59"), "5d") == at("2025-03-10 17:30")


def test_due_is_aware_beijing_time(wt: WorkingTime, at: At) -> None:
    result = wt.deadline(at("2025-03-03 10:00"), Limit.days(1)).at
    assert result.tzinfo is not None
    assert result.utcoffset() == timedelta(hours=8)
    assert result.isoformat() == "2025-03-04T17:30:00+08:00"


def test_other_time_zones_are_converted_first(wt: WorkingTime) -> None:
    # 2025-03-02 20:00 UTC is Monday 04:00 in Beijing: Monday is the start day.
    start = datetime(2025, 3, 2, 20, 0, tzinfo=UTC)
    assert wt.add_workdays(start, 1).at == datetime(2025, 3, 4, 17, 30, tzinfo=TZ)


def test_naive_datetimes_are_refused(wt: WorkingTime) -> None:
    naive = datetime(2025, 3, 3, 10, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="时区"):
        wt.add_workdays(naive, 1)
    with pytest.raises(ValueError, match="时区"):
        wt.deadline(naive, Limit.parse("2h"))


def test_limit_crossing_spring_festival(wt: WorkingTime, at: At) -> None:
    # 2025: 春节 off 01-28..02-04; make-up working Sunday 01-26 and Saturday 02-08.
    assert due(wt, at("2025-01-24 10:00"), "5d") == at("2025-02-07 17:30")
    # 行政许可法 §42: 20 working days.
    assert due(wt, at("2025-01-20 10:00"), "20d") == at("2025-02-21 17:30")


def test_make_up_saturday_counts(wt: WorkingTime, at: At) -> None:
    assert wt.is_workday(date(2025, 2, 8))
    assert due(wt, at("2025-02-05 10:00"), "3d") == at("2025-02-08 17:30")
    assert due(wt, at("2025-02-07 16:00"), "2h") == at("2025-02-08 09:30")


def test_start_on_a_holiday_or_weekend(wt: WorkingTime, at: At) -> None:
    # The first counted day is the first working day after the start date.
    assert due(wt, at("2025-01-29 10:00"), "1d") == at("2025-02-05 17:30")
    assert due(wt, at("2025-03-08 10:00"), "1d") == at("2025-03-10 17:30")
    assert due(wt, at("2025-03-09 10:00"), "2d") == at("2025-03-11 17:30")


def test_zero_days_is_the_same_working_day(wt: WorkingTime, at: At) -> None:
    assert due(wt, at("2025-03-03 10:00"), "0d") == at("2025-03-03 17:30")
    assert due(wt, at("2025-03-08 10:00"), "0d") == at("2025-03-10 17:30")
    # After closing time the same day is over: the next working day's close.
    assert due(wt, at("2025-03-07 18:00"), "0d") == at("2025-03-10 17:30")


def test_half_day_across_lunch(wt: WorkingTime, at: At) -> None:
    assert wt.day_minutes == 420
    # 0.5 个工作日 = 210 office minutes: 10:00–12:00 is 120, then 13:30 + 90.
    assert due(wt, at("2025-03-03 10:00"), "0.5d") == at("2025-03-03 15:00")


def test_two_hours_across_lunch(wt: WorkingTime, at: At) -> None:
    assert due(wt, at("2025-03-03 11:00"), "2h") == at("2025-03-03 14:30")
    assert due(wt, at("2025-03-03 12:30"), "30m") == at("2025-03-03 14:00")
    # Ending exactly at the lunch break ends at 12:00, not after it.
    assert due(wt, at("2025-03-03 11:00"), "60m") == at("2025-03-03 12:00")


def test_short_limits_across_a_weekend(wt: WorkingTime, at: At) -> None:
    assert due(wt, at("2025-03-07 16:30"), "2h") == at("2025-03-10 10:00")
    assert due(wt, at("2025-03-07 16:00"), "0.5d") == at("2025-03-10 11:00")
    assert due(wt, at("2025-03-07 18:00"), "30m") == at("2025-03-10 09:30")
    assert due(wt, at("2025-03-08 10:00"), "2h") == at("2025-03-10 11:00")
    assert due(wt, at("2025-03-03 07:00"), "30m") == at("2025-03-03 09:30")


def test_short_limit_across_spring_festival(wt: WorkingTime, at: At) -> None:
    assert due(wt, at("2025-01-27 17:00"), "1h") == at("2025-02-05 09:30")


def test_long_minute_limits_skip_whole_days(wt: WorkingTime, at: At) -> None:
    # 3 days of office minutes from an opening are the close of the third day.
    assert due(wt, at("2025-03-03 09:00"), f"{3 * 420}m") == at("2025-03-05 17:30")
    assert due(wt, at("2025-03-03 09:00"), f"{3 * 420 + 1}m") == at("2025-03-06 09:01")


def test_fractional_days_are_days_then_minutes(wt: WorkingTime, at: At) -> None:
    start = at("2025-03-03 10:00")
    half, one, one_half, two = (due(wt, start, x) for x in ("0.5d", "1d", "1.5d", "2d"))
    assert one_half == at("2025-03-05 12:00") + timedelta(minutes=120)
    assert half < one < one_half < two


def test_zero_minutes_is_the_start(wt: WorkingTime, at: At) -> None:
    assert due(wt, at("2025-03-08 10:00"), "0m") == at("2025-03-08 10:00")


def test_working_minutes_between(wt: WorkingTime, at: At) -> None:
    assert wt.work_minutes_between(at("2025-03-03 11:00"), at("2025-03-03 14:30")) == 120
    assert wt.work_minutes_between(at("2025-03-07 16:30"), at("2025-03-10 10:00")) == 120
    assert wt.work_minutes_between(at("2025-03-10 10:00"), at("2025-03-07 16:30")) == -120
    assert wt.work_minutes_between(at("2025-03-08 08:00"), at("2025-03-09 20:00")) == 0


def test_workdays_between_and_next_workday(wt: WorkingTime, at: At) -> None:
    assert wt.workdays_between(at("2025-01-24 10:00"), at("2025-02-07 09:00")) == 5
    assert wt.workdays_between(date(2025, 3, 3), date(2025, 3, 3)) == 0
    assert wt.workdays_between(date(2025, 3, 4), date(2025, 3, 3)) == -1
    assert wt.next_workday(date(2025, 1, 27)) == date(2025, 2, 5)
    assert wt.next_workday(date(2025, 2, 7)) == date(2025, 2, 8)
    assert wt.nth_workday_after(date(2025, 1, 29), 0) == date(2025, 2, 5)


def test_day_info(wt: WorkingTime) -> None:
    info = wt.day_info(date(2025, 1, 26))
    assert (info.date, info.workday, info.name, info.provisional) == (
        date(2025, 1, 26),
        True,
        "春节调休上班",
        False,
    )
    assert wt.day_info(date(2025, 1, 29)).name == "春节"
    assert wt.day_info(date(2025, 3, 8)).name == "周六"
    assert wt.day_info(date(2025, 3, 3)).name is None


def test_missing_year_is_an_error_naming_the_year_and_command(wt: WorkingTime, at: At) -> None:
    with pytest.raises(CalendarYearUnknown) as caught:
        wt.deadline(at("2028-01-03 10:00"), Limit.days(1))
    assert caught.value.year == 2028
    assert "2028 年" in str(caught.value)
    assert "onestop calendar import FILE" in str(caught.value)
    with pytest.raises(CalendarYearUnknown) as beyond:
        wt.deadline(at("2027-12-20 10:00"), Limit.days(30))  # runs past the provisional year
    assert beyond.value.year == 2028
    with pytest.raises(CalendarYearUnknown) as early:
        wt.is_workday(date(2006, 6, 1))
    assert early.value.year == 2006
    with pytest.raises(CalendarYearUnknown):
        wt.nth_workday_after(date(2027, 12, 30), 5)


def test_provisional_deadline_into_2027_and_its_confirmation(wt: WorkingTime, at: At, fictional_2027: Path) -> None:
    start = at("2026-12-20 10:00")  # a Sunday; the 2027 notice is not out
    before = wt.deadline(start, Limit.parse("10d"))
    assert before == (at("2027-01-04 17:30"), True)
    assert wt.day_info(date(2026, 12, 21)).provisional
    assert not wt.deadline(at("2026-12-10 10:00"), Limit.days(1)).provisional
    assert wt.deadline(at("2026-12-18 10:00"), Limit.days(1)).provisional  # reaches 12-21
    # 春节 2027 is not guessed: the provisional due ignores it.
    assert wt.deadline(at("2027-02-01 10:00"), Limit.days(5)) == (at("2027-02-08 17:30"), True)

    confirmed = wt.with_notice(import_holiday_cn(fictional_2027))
    assert confirmed.fingerprint != wt.fingerprint
    assert confirmed.deadline(start, Limit.parse("10d")) == (at("2027-01-04 17:30"), False)
    assert confirmed.deadline(at("2027-02-01 10:00"), Limit.days(5)) == (at("2027-02-15 17:30"), False)
    assert not confirmed.day_info(date(2026, 12, 21)).provisional
    assert confirmed.day_info(date(2027, 12, 21)).provisional


def test_negative_or_non_integer_counts_are_refused(wt: WorkingTime, at: At) -> None:
    with pytest.raises(ValueError, match="负数"):
        wt.add_workdays(at("2025-03-03 10:00"), -1)
    with pytest.raises(ValueError, match="负数"):
        wt.nth_workday_after(date(2025, 3, 3), -1)
    with pytest.raises(TypeError):
        wt.add_work_minutes(at("2025-03-03 10:00"), 1.5)  # type: ignore[arg-type]


_instants = st.datetimes(
    min_value=datetime(2007, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive by design
    max_value=datetime(2026, 11, 30),  # noqa: DTZ001
    timezones=st.just(TZ),
)


@settings(max_examples=300, deadline=None)
@given(start=_instants, minutes=st.integers(min_value=1, max_value=20 * 420))
def test_minutes_round_trip(wt: WorkingTime, start: datetime, minutes: int) -> None:
    result = wt.add_work_minutes(start, minutes)
    assert result.at > start
    assert wt.work_minutes_between(start, result.at) == minutes
    assert wt.work_minutes_between(start, result.at - timedelta(seconds=1)) == minutes - 1
    assert wt.is_workday(result.at.date())


@settings(max_examples=300, deadline=None)
@given(start=_instants, n=st.integers(min_value=1, max_value=40))
def test_days_round_trip(wt: WorkingTime, start: datetime, n: int) -> None:
    result = wt.add_workdays(start, n)
    assert wt.workdays_between(start, result.at) == n
    assert wt.is_workday(result.at.date())
    assert result.at.timetz().replace(tzinfo=None) == wt.office_hours.closing
