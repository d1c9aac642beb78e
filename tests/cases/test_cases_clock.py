"""The clock is a budget: counting rules (start day not counted, pauses, extensions, fractions), JSON."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from onestop.cases import Clock, ClockMode
from onestop.cases.clock import Segment
from onestop.worktime import TZ, Limit, WorkingTime


def at(day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def close(day: int, month: int = 3, year: int = 2025) -> datetime:
    return at(day, 17, 30, month, year)


MON = at(3, 10)  # Monday 2025-03-03 10:00; office hours 09:00-12:00, 13:30-17:30 (420 minutes)


def clock(limit: str, start: datetime = MON) -> Clock:
    return Clock.new(Limit.parse(limit)).start(start)


def test_modes() -> None:
    c = Clock.new(Limit.days(5))
    assert c.mode is ClockMode.NOT_STARTED
    c = c.start(MON)
    assert c.mode is ClockMode.RUNNING
    assert c.running_since == MON
    c = c.pause(at(4, 10))
    assert c.mode is ClockMode.PAUSED
    assert c.running_since is None
    c = c.resume(at(5, 10))
    assert c.mode is ClockMode.RUNNING
    c = c.stop(at(6, 10))
    assert c.mode is ClockMode.STOPPED
    assert c.segments == (Segment(MON, at(4, 10)), Segment(at(5, 10), at(6, 10)))


def test_transition_misuse_is_a_programming_error() -> None:
    fresh = Clock.new(Limit.days(5))
    running = fresh.start(MON)
    with pytest.raises(ValueError, match="cannot pause"):
        fresh.pause(MON)
    with pytest.raises(ValueError, match="cannot start"):
        running.start(MON)
    with pytest.raises(ValueError, match="cannot resume"):
        running.resume(MON)
    with pytest.raises(ValueError, match="already stopped"):
        running.stop(at(4, 10)).stop(at(5, 10))
    with pytest.raises(ValueError, match="before it was paused"):
        running.pause(at(4, 10)).resume(at(4, 9))
    with pytest.raises(ValueError, match="naive"):
        fresh.start(datetime(2025, 3, 3, 10))  # noqa: DTZ001 - the point of the test
    assert fresh.stop(MON).mode is ClockMode.STOPPED  # 不予受理 before the clock ever ran


def test_start_day_is_not_counted(wt: WorkingTime) -> None:
    c = clock("1d")
    assert c.due(wt) == (close(4), False)  # Tuesday, not Monday
    assert c.used(wt, at(3, 17)) == 0
    assert c.used(wt, at(4, 10)) == 1
    assert c.remaining(wt, at(4, 10)) == 0
    assert c.remaining(wt, at(5, 10)) == -1


def test_start_on_a_closed_day(wt: WorkingTime) -> None:
    assert clock("1d", at(8, 10)).due(wt) == (close(10), False)  # Saturday -> Monday
    assert clock("1d", at(4, 10, month=4)).due(wt) == (close(7, month=4), False)  # 清明 Friday -> Monday


def test_make_up_working_sunday_counts(wt: WorkingTime) -> None:
    # 2025-04-27 is a Sunday worked in exchange for the May holiday (调休).
    c = clock("2d", at(25, 10, month=4))
    assert c.due(wt) == (close(28, month=4), False)
    assert c.used(wt, at(27, 12, month=4)) == 1


def test_zero_limit_is_same_working_day(wt: WorkingTime) -> None:
    assert clock("0d").due(wt) == (close(3), False)  # 即办


def test_pause_and_resume(wt: WorkingTime) -> None:
    c = clock("5d").pause(at(5, 11))  # used Tue, Wed
    assert c.due(wt) is None
    assert c.used(wt, at(20, 10)) == 2  # a paused clock does not count
    c = c.resume(at(10, 9, 30))  # the resume day (Monday) is not counted either
    assert c.used(wt, at(10, 15)) == 2
    assert c.used(wt, at(11, 15)) == 3
    assert c.due(wt) == (close(13), False)  # 3 working days after Monday 03-10


def test_pause_and_resume_the_same_day_costs_that_day_once(wt: WorkingTime) -> None:
    c = clock("5d").pause(at(4, 11)).resume(at(4, 15))
    assert c.due(wt) == clock("5d").due(wt)


def test_budget_exhausted_at_resume_is_due_at_once(wt: WorkingTime) -> None:
    c = clock("2d").pause(at(6, 11))  # used Tue, Wed, Thu: one day over
    resumed = c.resume(at(10, 10))
    assert resumed.due(wt) == (at(10, 10), False)
    assert resumed.remaining(wt, at(10, 10)) == -1


def test_reopening_a_stopped_clock_keeps_its_budget(wt: WorkingTime) -> None:
    c = clock("5d").stop(at(4, 11)).resume(at(6, 10))  # 重办
    assert c.mode is ClockMode.RUNNING
    assert c.due(wt) == wt.add_workdays(at(6, 10), 4)


def test_extension(wt: WorkingTime) -> None:
    c = clock("5d").extend(Limit.days(10))
    assert c.total == Limit.days(15)
    assert c.extension == Limit.days(10)
    assert c.due(wt) == wt.add_workdays(MON, 15)
    with pytest.raises(ValueError, match="unit"):
        c.extend(Limit.minutes(30))
    with pytest.raises(ValueError, match="positive"):
        c.extend(Limit.days(0))


def test_half_day_counts_working_minutes(wt: WorkingTime) -> None:
    c = clock("0.5d")
    assert c.counts_minutes
    assert c.due(wt) == (at(3, 15), False)  # 210 minutes: 10:00-12:00, 13:30-15:00
    assert c.used(wt, at(3, 14)) == Fraction(150, 420)
    assert c.remaining(wt, at(3, 14)) == Fraction(60, 420)


def test_one_and_a_half_days_keeps_the_start_day_rule(wt: WorkingTime) -> None:
    c = clock("1.5d")
    assert c.due(wt) == (at(5, 14), False)  # close of Tuesday, then 210 minutes of Wednesday
    assert c.used(wt, at(3, 17)) == 0  # Monday, the start day, is not counted
    assert c.used(wt, close(4)) == 1
    assert clock("0.5d").due(wt).at < clock("1d").due(wt).at < c.due(wt).at  # type: ignore[union-attr]


def test_fractional_clock_with_pause(wt: WorkingTime) -> None:
    c = clock("1.5d").pause(at(4, 12))  # Tuesday morning: 180 minutes used
    assert c.used(wt, at(4, 12)) == Fraction(180, 420)
    c = c.resume(at(5, 10))  # Wednesday not counted: 450 minutes from Thursday 09:00
    assert c.due(wt) == (at(7, 9, 30), False)


def test_fractional_extension_switches_to_minutes(wt: WorkingTime) -> None:
    c = clock("1d").extend(Limit.parse("0.5d"))
    assert c.due(wt) == wt.deadline(MON, Limit.parse("1.5d"))


def test_minute_limit(wt: WorkingTime) -> None:
    c = clock("2h", at(3, 11))
    assert c.due(wt) == (at(3, 14, 30), False)
    c = c.pause(at(3, 11, 30)).resume(at(3, 16))
    assert c.used(wt, at(3, 16)) == 30
    assert c.due(wt) == (close(3), False)  # 90 minutes left, 16:00-17:30


@pytest.mark.parametrize("limit", ["0d", "1d", "20d", "0.5d", "1.5d", "2.25d", "1/3d", "2h", "30m"])
def test_uninterrupted_clock_agrees_with_the_calendar(wt: WorkingTime, limit: str) -> None:
    for hours in range(0, 24 * 21, 5):
        start = MON + timedelta(hours=hours, minutes=13)
        assert clock(limit, start).due(wt) == wt.deadline(start, Limit.parse(limit)), start


def test_provisional_propagates(wt: WorkingTime) -> None:
    # 2027 has no State Council notice in the bundled data: a due in it is provisional.
    c = clock("20d", at(20, 10, month=12, year=2026))
    due = c.due(wt)
    assert due is not None
    assert due.provisional
    assert due.at.year == 2027
    assert not clock("20d").due(wt).provisional  # type: ignore[union-attr]


def test_warn_at(wt: WorkingTime) -> None:
    c = clock("5d")
    assert c.warn_at(wt, Limit.days(1)) == close(7)  # close of Friday: one working day left
    assert c.warn_at(wt, Limit.days(10)) == MON  # warns at once
    assert c.warn_at(wt, Limit.minutes(60)) == close(7)  # rounds up to whole days
    assert clock("0.5d").warn_at(wt, Limit.minutes(60)) == at(3, 14)
    assert c.pause(at(4, 10)).warn_at(wt, Limit.days(1)) is None


def _samples() -> list[Clock]:
    five = Clock.new(Limit.days(5))
    return [
        five,
        five.start(MON),
        five.start(MON).pause(at(4, 10, 0)).resume(at(5, 11, 22)),
        five.start(MON).pause(at(4, 10)),
        five.start(MON).extend(Limit.days(3)).stop(at(6, 9)),
        Clock.new(Limit.parse("1/3d")).start(MON).extend(Limit.parse("0.25d")),
        Clock.new(Limit.parse("2h")).start(datetime(2025, 3, 3, 2, 0, 0, 123456, tzinfo=ZoneInfo("UTC"))),
        five.stop(MON),
    ]


@pytest.mark.parametrize("c", _samples())
def test_json_round_trip(c: Clock) -> None:
    data = json.loads(json.dumps(c.to_json()))
    back = Clock.from_json(data)
    assert back == c
    assert back.to_json()["limit"] == c.to_json()["limit"]
    assert all(s.start.utcoffset() is not None for s in back.segments)


def test_json_rejects_bad_units() -> None:
    data = Clock.new(Limit.days(5)).to_json()
    data["limit"] = {"amount": "5", "unit": "fortnight"}
    with pytest.raises(ValueError, match="unit"):
        Clock.from_json(data)


def test_clock_does_not_depend_on_input_zone(wt: WorkingTime) -> None:
    utc = ZoneInfo("UTC")
    assert clock("5d", MON.astimezone(utc)).due(wt) == clock("5d").due(wt)
    assert clock("5d").used(wt, at(11, 8).astimezone(utc)) == clock("5d").used(wt, at(11, 8))
    # 2025-03-03 20:00 UTC is already Tuesday 04:00 in Beijing: Tuesday is the uncounted start day.
    assert clock("1d", datetime(2025, 3, 3, 20, 0, tzinfo=utc)).due(wt) == (close(5), False)


def test_reopening_a_clock_stopped_before_it_ran(wt: WorkingTime) -> None:
    c = Clock.new(Limit.days(5)).stop(MON).resume(at(4, 10))
    assert c.mode is ClockMode.RUNNING
    assert c.due(wt) == wt.add_workdays(at(4, 10), 5)
    with pytest.raises(ValueError, match="naive"):
        Clock.new(Limit.days(5)).stop(MON).resume(datetime(2025, 3, 4, 10))  # noqa: DTZ001
