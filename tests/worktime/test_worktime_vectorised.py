"""The numpy path gives exactly the scalar answers."""

from __future__ import annotations

from datetime import date, datetime, time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.worktime import (
    TZ,
    CalendarYearUnknown,
    NationalCalendar,
    RegionalHolidays,
    WorkingTime,
    nth_workday_after_many,
)

_starts = st.dates(min_value=date(2006, 12, 30), max_value=date(2027, 11, 30))


def _check(wt: WorkingTime, starts: list[date], counts: list[int]) -> None:
    batch = nth_workday_after_many(wt, np.array(starts, dtype="datetime64[D]"), np.array(counts))
    for d, n, got, provisional in zip(starts, counts, batch.dates, batch.provisional, strict=True):
        single = wt.add_workdays(datetime.combine(d, time(10), tzinfo=TZ), n)
        assert got == np.datetime64(single.at.date(), "D"), (d, n)
        assert bool(provisional) is single.provisional, (d, n)
        assert wt.nth_workday_after(d, n) == single.at.date()


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(st.tuples(_starts, st.integers(min_value=1, max_value=30)), min_size=1, max_size=60))
def test_batch_equals_single(wt: WorkingTime, pairs: list[tuple[date, int]]) -> None:
    _check(wt, [d for d, _ in pairs], [n for _, n in pairs])


@settings(max_examples=40, deadline=None)
@given(pairs=st.lists(st.tuples(_starts, st.integers(min_value=0, max_value=30)), min_size=1, max_size=60))
def test_batch_equals_single_with_zero_and_layers(pairs: list[tuple[date, int]]) -> None:
    regional = RegionalHolidays.from_mapping({"65": {"years": {"2025": {"off": {"2025-03-31": "肉孜节"}}}}})
    _check(_layered(regional), [d for d, _ in pairs], [n for _, n in pairs])


_LAYERED: dict[int, WorkingTime] = {}


def _layered(regional: RegionalHolidays) -> WorkingTime:
    # Built once: provisional days sit in the middle of the range here (years without regional data).
    if not _LAYERED:
        _LAYERED[0] = WorkingTime(NationalCalendar.bundled(), regional, "65", closures=[date(2025, 4, 1)])
    return _LAYERED[0]


def test_random_million_matches_single_on_a_sample(wt: WorkingTime) -> None:
    rng = np.random.default_rng(7)
    first = np.datetime64("2019-01-01").astype(np.int64)
    starts = (first + rng.integers(0, 8 * 365, 1_000_000)).astype("datetime64[D]")
    counts = rng.integers(1, 31, 1_000_000)
    batch = nth_workday_after_many(wt, starts, counts)
    sample = rng.integers(0, 1_000_000, 2000)
    for i in sample:
        d = starts[i].astype(date)
        assert batch.dates[i] == np.datetime64(wt.nth_workday_after(d, int(counts[i])), "D")


def test_broadcast_and_empty(wt: WorkingTime) -> None:
    starts = np.array(["2025-01-24", "2025-03-07"], dtype="datetime64[D]")
    batch = nth_workday_after_many(wt, starts, 5)
    assert batch.dates.tolist() == [date(2025, 2, 7), date(2025, 3, 14)]
    assert batch.provisional.tolist() == [False, False]
    empty = nth_workday_after_many(wt, np.array([], dtype="datetime64[D]"), np.array([], dtype=np.int64))
    assert empty.dates.shape == (0,)
    assert empty.provisional.shape == (0,)


def test_out_of_range_raises(wt: WorkingTime) -> None:
    with pytest.raises(CalendarYearUnknown) as early:
        nth_workday_after_many(wt, np.array(["2006-01-05", "2020-01-01"], dtype="datetime64[D]"), 1)
    assert early.value.year == 2006
    with pytest.raises(CalendarYearUnknown) as late:
        nth_workday_after_many(wt, np.array(["2029-01-05"], dtype="datetime64[D]"), 1)
    assert late.value.year == 2029
    with pytest.raises(CalendarYearUnknown) as beyond:
        nth_workday_after_many(wt, np.array(["2027-12-20"], dtype="datetime64[D]"), 30)
    assert beyond.value.year == 2028
    with pytest.raises(ValueError, match="负数"):
        nth_workday_after_many(wt, np.array(["2025-01-01"], dtype="datetime64[D]"), -1)
