"""China working time (工作时间): national, regional and office calendars, and deadlines by the law.

Pure Python + numpy. Every datetime in and out is timezone-aware (Asia/Shanghai, ``TZ``).

Building blocks, each immutable (``with_*`` methods return new objects):

* ``NationalCalendar`` — State Council notices (``YearNotice``, bundled 2007–2026 in
  ``data/national.json``; more via ``import_holiday_cn(path)`` and ``with_notice``). Days of a year
  without a notice are provisional (weekends + fixed-date holidays) for ``provisional_years`` after
  the last notice, unknown beyond (``CalendarYearUnknown``).
* ``RegionalHolidays`` — per region-code prefix and year, from data (新疆 肉孜节, 古尔邦节).
* ``OfficeHours`` — opening periods of a working day (default 09:00–12:00, 13:30–17:30).
* ``WorkingTime(national, regional, region_code, office_hours, closures)`` — one service center;
  ``deadline(start, Limit.parse("5d"))`` -> ``Due(at, provisional)``; ``default_working_time()``.
* ``nth_workday_after_many`` — the same day arithmetic on numpy arrays.

    >>> from datetime import datetime
    >>> wt = default_working_time()
    >>> wt.deadline(datetime(2025, 1, 24, 10, tzinfo=TZ), Limit.parse("5d")).at.isoformat()
    '2025-02-07T17:30:00+08:00'
"""

from onestop.worktime.errors import CalendarYearUnknown, NoticeFormatError
from onestop.worktime.limits import Due, Limit
from onestop.worktime.national import NationalCalendar, YearNotice, import_holiday_cn, notices_to_json
from onestop.worktime.office_hours import OfficeHours
from onestop.worktime.regional import RegionalHolidays
from onestop.worktime.vectorised import WorkdayBatch, nth_workday_after_many
from onestop.worktime.working_time import DayInfo, WorkingTime, default_working_time
from onestop.worktime.zone import TZ

__all__ = [
    "TZ",
    "CalendarYearUnknown",
    "DayInfo",
    "Due",
    "Limit",
    "NationalCalendar",
    "NoticeFormatError",
    "OfficeHours",
    "RegionalHolidays",
    "WorkdayBatch",
    "WorkingTime",
    "YearNotice",
    "default_working_time",
    "import_holiday_cn",
    "notices_to_json",
    "nth_workday_after_many",
]
