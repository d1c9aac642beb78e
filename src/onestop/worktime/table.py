"""Precomputed day table: one service center's merged calendar as arrays for O(1) arithmetic.

Working-day arithmetic is index arithmetic on a cumulative count: with ``cum[i]`` = number of
working days before day ``i``, the n-th working day after day ``i`` is workday number
``cum[i + 1] + n - 1``. The same arrays back the scalar (lists, dict) and the numpy paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import cached_property
from itertools import accumulate, compress
from typing import NamedTuple
from weakref import WeakKeyDictionary

import numpy as np
import numpy.typing as npt

from onestop.worktime.national import NationalCalendar, NationalDays
from onestop.worktime.regional import RegionLayer

CLOSURE_NAME = "服务中心停止办公"
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Most service centers use the plain national calendar; they share one table per calendar.
_PLAIN: WeakKeyDictionary[NationalCalendar, DayTable] = WeakKeyDictionary()


class NumpyTable(NamedTuple):
    """The day table for numpy gathers; all index arrays are int64 table indices or workday numbers."""

    first_day: int  # days since 1970-01-01 of table index 0
    size: int  # number of table days
    cum: npt.NDArray[np.int64]  # len size + 1: working days before each table index
    last_workday: npt.NDArray[np.int64]  # len size: workday number of the last working day <= index
    # len size + 1: workday number of the first working day on or after the first provisional day
    # at or after each index. Any provisional day in [i, k-th workday] <=> provisional_from[i] <= k.
    provisional_from: npt.NDArray[np.int64]
    workday_dates: npt.NDArray[np.datetime64]  # by workday number, datetime64[D]


class DayTable:
    """Dense per-day facts from ``first`` to ``last`` plus the cumulative counts used for arithmetic."""

    def __init__(
        self,
        national: NationalDays | None,
        region: RegionLayer | None = None,
        closures: Mapping[date, str] | None = None,
    ) -> None:
        if national is None:
            workday: list[bool] = []
            names: list[str | None] = []
            provisional: list[bool] = []
            self.first = self.last = date.min
        else:
            workday = list(national.workday)
            names = list(national.name)
            provisional = list(national.provisional)
            self.first, self.last = national.first, national.last
        self.first_ordinal = self.first.toordinal()
        self.size = len(workday)

        def index(d: date) -> int | None:
            i = d.toordinal() - self.first_ordinal
            return i if 0 <= i < self.size else None

        if region is not None:
            for days, is_work, suffix in ((region.off_days, False, ""), (region.work_days, True, "调休上班")):
                for d, label in days.items():
                    i = index(d)
                    if i is not None:
                        workday[i] = is_work
                        names[i] = f"{label}{suffix}"
            if region.known_years is not None:
                # The region has its own holidays, so a year it has not announced is not final.
                for i in range(self.size):
                    if (self.first + timedelta(days=i)).year not in region.known_years:
                        provisional[i] = True
        for d, label in (closures or {}).items():
            i = index(d)
            if i is not None:
                workday[i] = False
                names[i] = label or CLOSURE_NAME

        self.workday = workday
        self.name = names
        self.provisional = provisional
        self.cum: list[int] = [0, *accumulate(workday)]
        self.provisional_cum: list[int] = [0, *accumulate(provisional)]
        dates = [date.fromordinal(o) for o in range(self.first_ordinal, self.first_ordinal + self.size)]
        self.workday_dates: list[date] = list(compress(dates, workday))
        # Index into workday_dates of the last working day on or before each day (-1 if none).
        self.last_workday_index: dict[date, int] = dict(zip(dates, [c - 1 for c in self.cum[1:]], strict=True))

    def index(self, d: date) -> int:
        """Table index of ``d``; -1 or ``size`` and beyond mean outside the table."""
        return d.toordinal() - self.first_ordinal

    def day(self, i: int) -> date:
        return date.fromordinal(self.first_ordinal + i)

    @classmethod
    def plain(cls, national: NationalCalendar) -> DayTable:
        """The table of a calendar without regional layer or closures, built once per calendar."""
        table = _PLAIN.get(national)
        if table is None:
            table = _PLAIN[national] = cls(national.days())
        return table

    @cached_property
    def arrays(self) -> NumpyTable:
        size = self.size
        workday = np.fromiter(self.workday, dtype=np.bool_, count=size)
        provisional = np.fromiter(self.provisional, dtype=np.bool_, count=size)
        cum = np.asarray(self.cum, dtype=np.int64)
        # next_provisional[i]: smallest provisional index >= i, or size when there is none.
        marks = np.where(provisional, np.arange(size, dtype=np.int64), size)
        next_provisional = np.minimum.accumulate(np.append(marks, size)[::-1])[::-1]
        first_day = self.first_ordinal - _EPOCH_ORDINAL
        workday_index = np.flatnonzero(workday).astype(np.int64)
        return NumpyTable(
            first_day=first_day,
            size=size,
            cum=cum,
            last_workday=cum[1:] - 1,
            provisional_from=cum[next_provisional],
            workday_dates=(workday_index + first_day).astype("datetime64[D]"),
        )
