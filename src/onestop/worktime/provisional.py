"""The provisional calendar of a year whose State Council notice is not out yet.

Only what the law fixes by date is assumed: weekends, and the fixed-date holidays of
《全国年节及纪念日放假办法》 (2024 revision, in force since 2025-01-01). Lunar holidays
(春节, 清明节, 端午节, 中秋节) and the make-up working days (调休) are never guessed; days that
depend on them are flagged provisional until the notice is imported.
"""

from __future__ import annotations

from datetime import date
from typing import Final

# (month, day, name) of every fixed-date 全体公民放假 day of the 2024 revision.
FIXED_DATE_HOLIDAYS: Final[tuple[tuple[int, int, str], ...]] = (
    (1, 1, "元旦"),
    (5, 1, "劳动节"),
    (5, 2, "劳动节"),
    (10, 1, "国庆节"),
    (10, 2, "国庆节"),
    (10, 3, "国庆节"),
)
_BY_MONTH_DAY: Final = {(m, d): name for m, d, name in FIXED_DATE_HOLIDAYS}

WEEKEND_NAMES: Final = {5: "周六", 6: "周日"}


def weekday_rule(d: date) -> tuple[bool, str | None]:
    """The default week (Monday–Friday working) as (workday, name)."""
    weekday = d.weekday()
    if weekday >= 5:
        return False, WEEKEND_NAMES[weekday]
    return True, None


def provisional_day(d: date) -> tuple[bool, str | None]:
    """(workday, name) of ``d`` in a year without a notice."""
    name = _BY_MONTH_DAY.get((d.month, d.day))
    if name is not None:
        return False, name
    return weekday_rule(d)
