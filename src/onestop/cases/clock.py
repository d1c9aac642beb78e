"""The case clock: a budget of working time, not a date.

A clock holds its limit, the extensions granted, and the intervals (segments) during which it ran. Everything
else — time used, time remaining, the due instant, the warning instant — is derived from those facts and a
``WorkingTime`` calendar, so that a calendar change (a new State Council notice, a regional holiday) moves
every due date without touching the stored clocks.

Counting rules (行政许可法 §42/§82, 民法典 §201):

* Whole working days: a running segment [a, b) uses ``wt.workdays_between(a, b)`` days, i.e. the start day is
  not counted. After a pause the resume day is not counted either (the pause day already was), so a pause
  never costs a day twice. While running, ``due = wt.add_workdays(segment.start, budget − used_before)``.
* Fractional days (1.5d) cannot be counted in whole days, so such clocks count working minutes
  (``amount × wt.day_minutes``) and report ``used``/``remaining`` back in (fractional) days. They count from
  the first moment after the start day, which keeps the start-day rule and makes an uninterrupted clock agree
  with ``wt.deadline`` (whole days by the day rule, then the fraction): 0.5d < 1d < 1.5d always. A budget
  under one day (0.5d) is a short limit and counts from the start instant, as ``wt.deadline`` does.
* Working-minute limits (2h, 30m) count with ``wt.work_minutes_between`` / ``wt.add_work_minutes``.
* A budget exhausted before a resume makes the case due at the resume instant: it is overdue at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from fractions import Fraction
from typing import Literal, Protocol, cast

from onestop.cases.kinds import ClockMode
from onestop.worktime import TZ, Due, Limit
from onestop.worktime.limits import Unit

DAY_UNIT = "workday"
MINUTE_UNIT = "workminute"

Counting = Literal["days", "minutes", "minutes_after_start_day"]


class Calendar(Protocol):
    """The part of ``onestop.worktime.WorkingTime`` the clock needs (kept narrow so tests can fake it)."""

    @property
    def day_minutes(self) -> int: ...

    def add_workdays(self, start: datetime, n: int) -> Due: ...

    def add_work_minutes(self, start: datetime, minutes: int) -> Due: ...

    def workdays_between(self, a: datetime, b: datetime) -> int: ...

    def work_minutes_between(self, a: datetime, b: datetime) -> int: ...


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: the clock only accepts timezone-aware datetimes")
    return at


def zero_like(limit: Limit) -> Limit:
    return Limit(amount=Fraction(0), unit=limit.unit)


@dataclass(frozen=True)
class Segment:
    """One interval during which the clock ran; ``end`` is None while it still runs."""

    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class Clock:
    limit: Limit
    extension: Limit  # sum of all extensions granted, in the limit's unit (zero when none)
    segments: tuple[Segment, ...] = ()
    stopped_at: datetime | None = None

    @classmethod
    def new(cls, limit: Limit) -> Clock:
        return cls(limit=limit, extension=zero_like(limit))

    # -- facts -------------------------------------------------------------------------------------------

    @property
    def mode(self) -> ClockMode:
        if self.stopped_at is not None:
            return ClockMode.STOPPED
        if not self.segments:
            return ClockMode.NOT_STARTED
        return ClockMode.RUNNING if self.segments[-1].end is None else ClockMode.PAUSED

    @property
    def total(self) -> Limit:
        """The whole budget: limit plus extensions."""
        return Limit(amount=self.limit.amount + self.extension.amount, unit=self.limit.unit)

    @property
    def running_since(self) -> datetime | None:
        if self.segments and self.segments[-1].end is None and self.stopped_at is None:
            return self.segments[-1].start
        return None

    @property
    def counting(self) -> Counting:
        """How the budget is counted: whole days, minutes from the start, or minutes after the start day."""
        if self.limit.unit != DAY_UNIT:
            return "minutes"
        total = self.limit.amount + self.extension.amount
        if total.denominator == 1:
            return "days"
        return "minutes" if total < 1 else "minutes_after_start_day"

    @property
    def counts_minutes(self) -> bool:
        return self.counting != "days"

    # -- transitions (each returns a new clock) ---------------------------------------------------------

    def start(self, at: datetime) -> Clock:
        if self.mode is not ClockMode.NOT_STARTED:
            raise ValueError(f"cannot start a clock that is {self.mode}")
        return replace(self, segments=(Segment(_aware(at), None),))

    def pause(self, at: datetime) -> Clock:
        if self.mode is not ClockMode.RUNNING:
            raise ValueError(f"cannot pause a clock that is {self.mode}")
        return replace(self, segments=self._closed_at(at))

    def resume(self, at: datetime) -> Clock:
        """Resume a paused clock; a stopped clock is reopened (重办) and keeps the budget it had used."""
        if self.mode not in (ClockMode.PAUSED, ClockMode.STOPPED) or not self.segments:
            raise ValueError(f"cannot resume a clock that is {self.mode}")
        last_end = self.segments[-1].end
        if last_end is not None and _aware(at) < last_end:
            raise ValueError("a clock cannot resume before it was paused")
        return replace(self, segments=(*self.segments, Segment(at, None)), stopped_at=None)

    def stop(self, at: datetime) -> Clock:
        if self.mode is ClockMode.STOPPED:
            raise ValueError("the clock is already stopped")
        segments = self._closed_at(at) if self.mode is ClockMode.RUNNING else self.segments
        return replace(self, segments=segments, stopped_at=_aware(at))

    def extend(self, limit: Limit) -> Clock:
        if limit.unit != self.limit.unit:
            raise ValueError(f"extension unit {limit.unit} differs from the limit's {self.limit.unit}")
        if limit.amount <= 0:
            raise ValueError("an extension must be positive")
        return replace(self, extension=Limit(amount=self.extension.amount + limit.amount, unit=limit.unit))

    def _closed_at(self, at: datetime) -> tuple[Segment, ...]:
        current = self.segments[-1]
        if _aware(at) < current.start:
            raise ValueError("a clock cannot stop before it started")
        return (*self.segments[:-1], Segment(current.start, at))

    # -- derived values ----------------------------------------------------------------------------------

    def budget(self, wt: Calendar) -> int:
        """The total budget in counting units: whole working days, or working minutes."""
        total = self.total.amount
        if self.limit.unit == DAY_UNIT and self.counts_minutes:
            total = total * wt.day_minutes
        return math.ceil(total)

    def _span(self, wt: Calendar, a: datetime, b: datetime) -> int:
        counting = self.counting
        if counting == "days":
            return wt.workdays_between(a, b) if b > a else 0
        if counting == "minutes_after_start_day":
            a = _after_day(a)
        return wt.work_minutes_between(a, b) if b > a else 0

    def used_units(self, wt: Calendar, now: datetime) -> int:
        """Budget used up to ``now`` in counting units (days or minutes)."""
        return sum(self._span(wt, s.start, s.end if s.end is not None else now) for s in self.segments)

    def _used_before_current(self, wt: Calendar) -> int:
        return sum(self._span(wt, s.start, s.end) for s in self.segments if s.end is not None)

    def _to_limit_units(self, units: int, wt: Calendar) -> int | Fraction:
        if self.limit.unit == DAY_UNIT and self.counts_minutes:
            value = Fraction(units, wt.day_minutes)
            return value.numerator if value.denominator == 1 else value
        return units

    def used(self, wt: Calendar, now: datetime) -> int | Fraction:
        """Time used in the limit's unit (days, possibly fractional, or minutes)."""
        return self._to_limit_units(self.used_units(wt, now), wt)

    def remaining(self, wt: Calendar, now: datetime) -> int | Fraction:
        """Budget left in the limit's unit; negative once the budget is overrun."""
        return self._to_limit_units(self.budget(wt) - self.used_units(wt, now), wt)

    def _after(self, wt: Calendar, start: datetime, units: int) -> Due:
        counting = self.counting
        if counting == "days":
            return wt.add_workdays(start, units)
        if counting == "minutes_after_start_day":
            start = _after_day(start)
        return wt.add_work_minutes(start, units)

    def due(self, wt: Calendar) -> Due | None:
        """When the budget runs out, if the clock keeps running; None unless running."""
        since = self.running_since
        if since is None:
            return None
        left = self.budget(wt) - self._used_before_current(wt)
        if left <= 0 and len(self.segments) > 1:
            # Exhausted before this segment began (resumed after the limit passed): overdue at once.
            return Due(at=since, provisional=False)
        # A zero limit on a first run is 即办: due by close of office that working day, the calendar's rule.
        return self._after(wt, since, max(left, 0))

    def warn_at(self, wt: Calendar, warn_before: Limit) -> datetime | None:
        """When only ``warn_before`` of the budget is left; None unless running."""
        since = self.running_since
        if since is None:
            return None
        left = self.budget(wt) - self._used_before_current(wt) - self._warn_units(wt, warn_before)
        if left < 0:
            return since
        return self._after(wt, since, left).at

    def _warn_units(self, wt: Calendar, warn_before: Limit) -> int:
        minutes = (
            warn_before.amount if warn_before.unit == MINUTE_UNIT else warn_before.amount * wt.day_minutes
        )
        if self.counts_minutes:
            return math.ceil(minutes)
        # A day-counting clock warns at a day boundary: round a minute warning up to whole days.
        return math.ceil(minutes / wt.day_minutes)

    # -- persistence ------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, object]:
        return {
            "limit": _limit_json(self.limit),
            "extension": _limit_json(self.extension),
            "segments": [
                [s.start.isoformat(), None if s.end is None else s.end.isoformat()] for s in self.segments
            ],
            "stopped_at": None if self.stopped_at is None else self.stopped_at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Clock:
        segments = data.get("segments") or []
        assert isinstance(segments, list)
        stopped = data.get("stopped_at")
        return cls(
            limit=_limit_from_json(data["limit"]),
            extension=_limit_from_json(data["extension"]),
            segments=tuple(Segment(_dt(s[0]), None if s[1] is None else _dt(s[1])) for s in segments),
            stopped_at=None if stopped is None else _dt(stopped),
        )


def _after_day(at: datetime) -> datetime:
    """Midnight after ``at``'s local day: the first instant that counts when the start day does not."""
    return datetime.combine(at.astimezone(TZ).date() + timedelta(days=1), time(0), tzinfo=TZ)


def _limit_json(limit: Limit) -> dict[str, str]:
    # Exact: str(Fraction) round-trips any amount, where a decimal rendering might not.
    return {"amount": str(limit.amount), "unit": limit.unit}


def _limit_from_json(data: object) -> Limit:
    if not isinstance(data, dict):
        raise ValueError(f"bad limit in clock JSON: {data!r}")
    unit = data["unit"]
    if unit not in (DAY_UNIT, MINUTE_UNIT):
        raise ValueError(f"bad limit unit in clock JSON: {unit!r}")
    return Limit(amount=Fraction(str(data["amount"])), unit=cast(Unit, unit))


def _dt(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"bad datetime in clock JSON: {value!r}")
    return _aware(datetime.fromisoformat(value)).astimezone(TZ)
