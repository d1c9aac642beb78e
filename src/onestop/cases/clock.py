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
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from fractions import Fraction
from typing import Literal, Protocol, cast

from onestop.cases._fast import build
from onestop.cases.kinds import ClockMode
from onestop.worktime import TZ, Due, Limit, WorkingTime
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


_ZERO: dict[str, Limit] = {DAY_UNIT: Limit.days(0), MINUTE_UNIT: Limit.minutes(0)}


def zero_like(limit: Limit) -> Limit:
    return _ZERO[limit.unit]


@dataclass(frozen=True)
class Segment:
    """One interval during which the clock ran; ``end`` is None while it still runs."""

    start: datetime
    end: datetime | None


def _segment(start: datetime, end: datetime | None) -> Segment:
    return build(Segment, {"start": start, "end": end})


class _Memo:
    """Answers already derived for one calendar object (see ``Clock._memo``)."""

    __slots__ = ("due", "due_wt", "warn", "warn_before", "warn_wt")

    def __init__(self) -> None:
        self.due_wt: object = None
        self.due: Due | None = None
        self.warn_wt: object = None
        self.warn_before: Limit | None = None
        self.warn: datetime | None = None

    # Copies and pickles of a clock start with an empty memo rather than dragging a calendar along.
    def __copy__(self) -> _Memo:
        return _Memo()

    def __deepcopy__(self, memo: dict[int, object]) -> _Memo:
        return _Memo()

    def __reduce__(self) -> tuple[type[_Memo], tuple[()]]:
        return (_Memo, ())


@dataclass(frozen=True)
class Clock:
    limit: Limit
    extension: Limit  # sum of all extensions granted, in the limit's unit (zero when none)
    segments: tuple[Segment, ...] = ()
    stopped_at: datetime | None = None
    # Derived once per instance because every action reads them (Fraction arithmetic is slow); they are
    # functions of the fields above, so they take no part in equality or JSON.
    _total: Fraction = field(init=False, repr=False, compare=False)
    _counting: Counting = field(init=False, repr=False, compare=False)
    # due/warn_at per calendar object: a clock is immutable and so is a WorkingTime (a calendar change makes
    # a new one), so the answers for the same calendar object cannot change. Every action, the tick and the
    # row's derived columns ask for them again; computing them once matters.
    _memo: _Memo | None = field(init=False, repr=False, compare=False)  # made on first use

    def __post_init__(self) -> None:
        total, counting = _derive(self.limit, self.extension)
        object.__setattr__(self, "_total", total)
        object.__setattr__(self, "_counting", counting)
        object.__setattr__(self, "_memo", None)

    @classmethod
    def new(cls, limit: Limit) -> Clock:
        """A clock that has not started, with no extension (built directly: every open makes one)."""
        zero = zero_like(limit)
        total, counting = _derive(limit, zero)
        return build(
            Clock,
            {
                "limit": limit,
                "extension": zero,
                "segments": (),
                "stopped_at": None,
                "_total": total,
                "_counting": counting,
                "_memo": None,
            },
        )

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
        return Limit(amount=self._total, unit=self.limit.unit)

    @property
    def running_since(self) -> datetime | None:
        if self.segments and self.segments[-1].end is None and self.stopped_at is None:
            return self.segments[-1].start
        return None

    @property
    def counting(self) -> Counting:
        """How the budget is counted: whole days, minutes from the start, or minutes after the start day."""
        return self._counting

    @property
    def counts_minutes(self) -> bool:
        return self._counting != "days"

    # -- transitions (each returns a new clock) ---------------------------------------------------------

    def start(self, at: datetime) -> Clock:
        if self.mode is not ClockMode.NOT_STARTED:
            raise ValueError(f"cannot start a clock that is {self.mode}")
        return self._sibling((_segment(_aware(at), None),), None)

    def pause(self, at: datetime) -> Clock:
        if self.mode is not ClockMode.RUNNING:
            raise ValueError(f"cannot pause a clock that is {self.mode}")
        return self._sibling(self._closed_at(at), None)

    def resume(self, at: datetime) -> Clock:
        """Resume a paused clock; a stopped clock is reopened (重办) and keeps the budget it had used."""
        mode = self.mode
        if mode is not ClockMode.PAUSED and mode is not ClockMode.STOPPED:
            raise ValueError(f"cannot resume a clock that is {mode}")
        _aware(at)
        # A clock stopped before it ever ran (e.g. refused, then reopened) has no segment: it starts now.
        last_end = self.segments[-1].end if self.segments else None
        if last_end is not None and at < last_end:
            raise ValueError("a clock cannot resume before it was paused")
        return self._sibling((*self.segments, _segment(at, None)), None)

    def stop(self, at: datetime) -> Clock:
        if self.stopped_at is not None:
            raise ValueError("the clock is already stopped")
        _aware(at)
        running = bool(self.segments) and self.segments[-1].end is None
        return self._sibling(self._closed_at(at) if running else self.segments, at)

    def extend(self, limit: Limit) -> Clock:
        if limit.unit != self.limit.unit:
            raise ValueError(f"extension unit {limit.unit} differs from the limit's {self.limit.unit}")
        if limit.amount <= 0:
            raise ValueError("an extension must be positive")
        return Clock(self.limit, self.extension + limit, self.segments, self.stopped_at)

    def _sibling(self, segments: tuple[Segment, ...], stopped_at: datetime | None) -> Clock:
        """The same budget with other segments: copies the derived fields instead of re-deriving them."""
        return build(
            Clock,
            {
                "limit": self.limit,
                "extension": self.extension,
                "segments": segments,
                "stopped_at": stopped_at,
                "_total": self._total,
                "_counting": self._counting,
                "_memo": None,
            },
        )

    def _closed_at(self, at: datetime) -> tuple[Segment, ...]:
        current = self.segments[-1]
        if _aware(at) < current.start:
            raise ValueError("a clock cannot stop before it started")
        return (*self.segments[:-1], _segment(current.start, at))

    # -- derived values ----------------------------------------------------------------------------------

    def budget(self, wt: Calendar) -> int:
        """The total budget in counting units: whole working days, or working minutes."""
        if self.limit.unit == DAY_UNIT and self._counting != "days":
            return math.ceil(self._total * wt.day_minutes)
        return self._total.numerator  # whole days, or minutes (minute limits are whole by construction)

    def _span(self, wt: Calendar, a: datetime, b: datetime) -> int:
        counting = self._counting
        if counting == "days":
            return wt.workdays_between(a, b) if b > a else 0
        if counting == "minutes_after_start_day":
            a = _after_day(a)
        return wt.work_minutes_between(a, b) if b > a else 0

    def used_units(self, wt: Calendar, now: datetime) -> int:
        """Budget used up to ``now`` in counting units (days or minutes)."""
        return sum(self._span(wt, s.start, s.end if s.end is not None else now) for s in self.segments)

    def _used_before_current(self, wt: Calendar) -> int:
        segments = self.segments
        if len(segments) == 1 and segments[0].end is None:
            return 0  # the first run: nothing used before it (the common case, skipped cheaply)
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
        counting = self._counting
        shared = type(wt) is WorkingTime  # immutable: its answers can be shared between clocks
        if shared:
            key = (wt, counting, start, units)
            found = _AFTER.get(key)
            if found is not None:
                return found
        if counting == "days":
            due = wt.add_workdays(start, units)
        else:
            at = _after_day(start) if counting == "minutes_after_start_day" else start
            due = wt.add_work_minutes(at, units)
        if shared:
            if len(_AFTER) >= _AFTER_MAX:
                _AFTER.clear()
            _AFTER[key] = due
        return due

    def _memo_for_update(self) -> _Memo:
        memo = self._memo
        if memo is None:
            memo = _Memo()
            object.__setattr__(self, "_memo", memo)  # a cache, not state: equality and JSON ignore it
        return memo

    def due(self, wt: Calendar) -> Due | None:
        """When the budget runs out, if the clock keeps running; None unless running."""
        since = self.running_since
        if since is None:
            return None
        memo = self._memo_for_update()
        if memo.due_wt is wt and memo.due is not None:
            return memo.due
        left = self.budget(wt) - self._used_before_current(wt)
        if left <= 0 and len(self.segments) > 1:
            # Exhausted before this segment began (resumed after the limit passed): overdue at once.
            due = Due(at=since, provisional=False)
        else:
            # A zero limit on a first run is 即办: due by close of office that working day, the calendar's rule.
            due = self._after(wt, since, max(left, 0))
        memo.due_wt, memo.due = wt, due
        return due

    def warn_at(self, wt: Calendar, warn_before: Limit) -> datetime | None:
        """When only ``warn_before`` of the budget is left; None unless running."""
        since = self.running_since
        if since is None:
            return None
        memo = self._memo_for_update()
        if memo.warn_wt is wt and memo.warn_before == warn_before and memo.warn is not None:
            return memo.warn
        left = self.budget(wt) - self._used_before_current(wt) - self._warn_units(wt, warn_before)
        warn = since if left < 0 else self._after(wt, since, left).at
        memo.warn_wt, memo.warn_before, memo.warn = wt, warn_before, warn
        return warn

    def warned(self, wt: Calendar, warn_before: Limit, now: datetime) -> bool:
        """Whether ``now`` is at or past ``warn_at`` (cheaply False when it provably is not)."""
        since = self.running_since
        if since is None:
            return False
        if self._counting == "days" and now.astimezone(TZ).date() <= since.astimezone(TZ).date():
            left = self.budget(wt) - self._used_before_current(wt) - self._warn_units(wt, warn_before)
            if left >= 1:
                # warn_at is then a close of office on a later working day: no calendar lookup needed.
                return False
        warn = self.warn_at(wt, warn_before)
        return warn is not None and now >= warn

    def _warn_units(self, wt: Calendar, warn_before: Limit) -> int:
        amount = warn_before.amount
        if self._counting == "days" and warn_before.unit == DAY_UNIT and amount.denominator == 1:
            return amount.numerator  # the common case, without Fraction arithmetic
        minutes = amount if warn_before.unit == MINUTE_UNIT else amount * wt.day_minutes
        if self.counts_minutes:
            return math.ceil(minutes)
        # A day-counting clock warns at a day boundary: round a minute warning up to whole days.
        return math.ceil(minutes / wt.day_minutes)

    # -- persistence ------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, object]:
        return {
            "limit": _limit_json(self.limit),
            "extension": _limit_json(self.extension),
            "segments": [[s.start.isoformat(), None if s.end is None else s.end.isoformat()] for s in self.segments],
            "stopped_at": None if self.stopped_at is None else self.stopped_at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Clock:
        segments = data.get("segments") or []
        assert isinstance(segments, list)
        stopped = data.get("stopped_at")
        limit, extension, total, counting = _budget_from_json(data["limit"], data["extension"])
        # Built directly (every case read makes one); the derived fields come with the parsed budget.
        return build(
            cls,
            {
                "limit": limit,
                "extension": extension,
                "segments": tuple(_segment(_dt(s[0]), None if s[1] is None else _dt(s[1])) for s in segments),
                "stopped_at": None if stopped is None else _dt(stopped),
                "_total": total,
                "_counting": counting,
                "_memo": None,
            },
        )


_Budget = tuple[Limit, Limit, Fraction, Counting]
# Parsed budgets by their JSON text: a deployment has a handful of limits ("20d", "5d", "2h") and extensions,
# and parsing one (Fraction from text, Limit validation, _derive) cost more than the rest of a row. Limits
# are immutable, so sharing them between clocks is safe.
_BUDGETS: dict[tuple[object, object, object, object], _Budget] = {}
_BUDGETS_MAX = 4096


def _budget_from_json(limit_json: object, extension_json: object) -> _Budget:
    key = None
    if type(limit_json) is dict and type(extension_json) is dict:
        key = (
            limit_json.get("amount"),
            limit_json.get("unit"),
            extension_json.get("amount"),
            extension_json.get("unit"),
        )
        if all(type(part) is str for part in key):
            budget = _BUDGETS.get(key)
            if budget is not None:
                return budget
        else:
            key = None
    limit, extension = _limit_from_json(limit_json), _limit_from_json(extension_json)
    total, counting = _derive(limit, extension)
    budget = (limit, extension, total, counting)
    if key is not None and len(_BUDGETS) < _BUDGETS_MAX:
        _BUDGETS[key] = budget
    return budget


# Deadline arithmetic already done, by calendar, counting, start and budget: clocks with the same facts (the
# children of one dispatch, every read of one case) ask the same question, and a WorkingTime is immutable (a
# calendar change makes a new one, which keys entries of its own). Bounded; cleared when full.
_AFTER: dict[tuple[object, Counting, datetime, int], Due] = {}
_AFTER_MAX = 8192


def _derive(limit: Limit, extension: Limit) -> tuple[Fraction, Counting]:
    """The whole budget and how to count it (see the module docstring)."""
    extra = extension.amount
    total = limit.amount + extra if extra else limit.amount
    if limit.unit != DAY_UNIT:
        return total, "minutes"
    if total.denominator == 1:
        return total, "days"
    return total, "minutes" if total < 1 else "minutes_after_start_day"


def _after_day(at: datetime) -> datetime:
    """Midnight after ``at``'s local day: the first instant that counts when the start day does not."""
    return datetime.combine(at.astimezone(TZ).date() + timedelta(days=1), time(0), tzinfo=TZ)


def _limit_json(limit: Limit) -> dict[str, str]:
    # Exact: str(Fraction) round-trips any amount, where a decimal rendering might not. A whole amount (nearly
    # all) renders as its numerator, which is what str(Fraction) gives, without Fraction.__str__.
    amount = limit.amount
    return {"amount": str(amount.numerator) if amount.denominator == 1 else str(amount), "unit": limit.unit}


def _limit_from_json(data: object) -> Limit:
    if not isinstance(data, dict):
        raise ValueError(f"bad limit in clock JSON: {data!r}")
    unit = data["unit"]
    if unit not in (DAY_UNIT, MINUTE_UNIT):
        raise ValueError(f"bad limit unit in clock JSON: {unit!r}")
    return Limit(amount=Fraction(str(data["amount"])), unit=cast(Unit, unit))


_PARSED: dict[str, datetime] = {}  # datetimes are immutable; a clock's instants repeat across reads of a case


def _dt(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"bad datetime in clock JSON: {value!r}")
    at = _PARSED.get(value)
    if at is None:
        at = _aware(datetime.fromisoformat(value)).astimezone(TZ)
        if len(_PARSED) >= 4096:
            _PARSED.clear()
        _PARSED[value] = at
    return at
