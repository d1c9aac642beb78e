"""What a person sees of a clock: the colour word, limit, used, remaining and due (the 时限 column)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from onestop.cases.alarm import assess
from onestop.cases.case import AlarmLevel, Case
from onestop.cases.clock import MINUTE_UNIT, Calendar
from onestop.cases.kinds import ClockMode, get_kind
from onestop.worktime import Limit


@dataclass(frozen=True)
class ClockView:
    colour: str  # "正常" | "预警" | "超期" | "暂停" | "已办结" | "未开始"
    limit: str  # the whole budget, limit plus extensions, e.g. "30d"
    used: int | Fraction | None  # in the limit's unit
    remaining: int | Fraction | None
    due: datetime | None  # only while running
    provisional: bool  # the due falls in a year whose holiday notice is not out yet
    paused: bool
    # Additions:
    level: AlarmLevel | None = None  # the live level while running (fresher than the swept column)
    limit_label: str = ""  # Chinese, e.g. "20个工作日（含延长10个工作日）"


def describe_limit(limit: Limit) -> str:
    """A limit in Chinese: "20个工作日", "0.5个工作日", "2小时", "30分钟"."""
    amount = limit.amount
    if limit.unit == MINUTE_UNIT:
        if amount % 60 == 0:
            return f"{amount // 60}小时"
        return f"{_number(amount)}分钟"
    return f"{_number(amount)}个工作日"


def _number(amount: Fraction) -> str:
    if amount.denominator == 1:
        return str(amount.numerator)
    return f"{float(amount):g}"


def clock_view(case: Case, now: datetime, wt: Calendar) -> ClockView:
    clock = case.clock
    if clock is None:
        return ClockView("未开始", "", None, None, None, False, False)
    total = clock.total
    label = describe_limit(total)
    if clock.extension.amount:
        label += f"（含延长{describe_limit(clock.extension)}）"
    used = clock.used(wt, now)
    remaining = clock.remaining(wt, now)
    mode = clock.mode
    if mode is ClockMode.RUNNING:
        level, due = assess(clock, get_kind(case.kind).clock, now, wt)
        return ClockView(
            level.label,
            str(total),
            used,
            remaining,
            None if due is None else due.at,
            False if due is None else due.provisional,
            False,
            level,
            label,
        )
    colour = {ClockMode.PAUSED: "暂停", ClockMode.STOPPED: "已办结", ClockMode.NOT_STARTED: "未开始"}[mode]
    return ClockView(colour, str(total), used, remaining, None, False, mode is ClockMode.PAUSED, None, label)
