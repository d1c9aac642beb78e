"""Working-day arithmetic on numpy arrays: millions of due dates per second for batch jobs.

The same cumulative-count trick as the scalar path (see ``table.py``), done with gathers.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from onestop.worktime.errors import CalendarYearUnknown
from onestop.worktime.working_time import WorkingTime


class WorkdayBatch(NamedTuple):
    """Due dates (close of office on these days) and which of them depend on provisional days."""

    dates: npt.NDArray[np.datetime64]
    provisional: npt.NDArray[np.bool_]


def _year_of(day: int) -> int:
    return int(np.datetime64(day, "D").astype("datetime64[Y]").astype(np.int64)) + 1970


def nth_workday_after_many(wt: WorkingTime, starts: npt.ArrayLike, n: npt.ArrayLike) -> WorkdayBatch:
    """Element-wise ``wt.nth_workday_after(start, n)`` for arrays of dates and working-day counts.

    ``starts`` is converted to datetime64[D] (Beijing calendar days); ``n`` (>= 0) broadcasts.
    Raises CalendarYearUnknown when any start or result leaves the known calendar.
    """
    table = wt.table.arrays
    days = np.asarray(starts, dtype="datetime64[D]").view(np.int64)
    counts = np.asarray(n, dtype=np.int64)
    if days.shape != counts.shape:
        days, counts = np.broadcast_arrays(days, counts)
    if days.size == 0:
        return WorkdayBatch(np.empty(days.shape, dtype="datetime64[D]"), np.zeros(days.shape, dtype=np.bool_))
    index = days - table.first_day
    if int(index.min()) < 0:
        raise CalendarYearUnknown(_year_of(int(days.min())))
    if int(index.max()) >= table.size:
        raise CalendarYearUnknown(_year_of(int(days.max())))
    smallest = int(counts.min())
    if smallest < 0:
        raise ValueError("工作日数不能为负数")
    if smallest > 0:
        # The common case: the start day never counts, so the window of days is (start, due].
        k = table.last_workday[index] + counts
        first = index + 1
    else:
        # n == 0 takes the first working day on or after the start, so the window is [start, due].
        step = (counts > 0).astype(np.int64)
        first = index + step
        k = table.cum[first] + counts - step
    if int(k.max()) >= len(table.workday_dates):
        raise CalendarYearUnknown(wt.last_day.year + 1)
    return WorkdayBatch(table.workday_dates[k], table.provisional_from[first] <= k)
