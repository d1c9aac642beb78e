"""Errors of the working-time calendar, with messages a clerk can act on."""

from __future__ import annotations

IMPORT_COMMAND = "onestop calendar import FILE"


class CalendarYearUnknown(Exception):
    """A computation needs a year whose holiday arrangement is not known.

    Guessing a year's holidays would put wrong deadlines into legally binding notices,
    so the calendar refuses and names the year and the command that fixes it.
    """

    def __init__(self, year: int) -> None:
        # args holds only the year so that the exception pickles and compares cleanly.
        super().__init__(year)
        self.year = year

    @property
    def message(self) -> str:
        return (
            f"{self.year} 年的全国节假日安排未知（尚未导入国务院该年度放假通知），无法计算工作日。"
            f"请取得 {self.year} 年放假通知的 holiday-cn 格式 JSON 文件后执行：{IMPORT_COMMAND}"
        )

    def __str__(self) -> str:
        return self.message


class NoticeFormatError(ValueError):
    """A file that cannot be read as a State Council holiday notice."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        if self.source:
            return f"{self.source}：{self.message}"
        return self.message
