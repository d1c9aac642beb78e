"""China working time (工作时间): national, regional and office calendars, and deadlines by the law.

Pure Python + numpy. Every datetime in and out is timezone-aware (Asia/Shanghai).
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
