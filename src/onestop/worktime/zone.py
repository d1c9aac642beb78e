"""The one time zone of Chinese administrative deadlines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

TZ: Final = ZoneInfo("Asia/Shanghai")


def to_local(t: datetime) -> datetime:
    """Return ``t`` in Beijing time; naive input is refused because its meaning is a guess."""
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("需要带时区的时间（timezone-aware datetime），不接受无时区的时间")
    return t.astimezone(TZ)


def local_date(d: date) -> date:
    """The calendar day of ``d`` in Beijing time (a datetime is converted, a date kept)."""
    if isinstance(d, datetime):
        return to_local(d).date()
    return d
