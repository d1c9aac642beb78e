"""How values look on a page: Beijing time, clock colours, badge classes, masked numbers."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from onestop.worktime import TZ

# The clock colour words of the workbench and their CSS classes.
CLOCK_COLOURS: dict[str, tuple[str, str]] = {
    "normal": ("正常", "green"),
    "warning": ("预警", "orange"),
    "overdue": ("超期", "red"),
    "paused": ("暂停", "gray"),
    "stopped": ("已办结", "blue"),
    "not_started": ("未开始", "gray"),
}
COLOUR_BY_WORD = dict(CLOCK_COLOURS.values())
WEEKDAYS = "一二三四五六日"


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(TZ).strftime(fmt)


def local_date(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TZ).date()
    return f"{value.isoformat()}（周{WEEKDAYS[value.weekday()]}）"


def amount(value: int | Fraction | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    return str(value)


def clock_css(word: str) -> str:
    return COLOUR_BY_WORD.get(word, "gray")
