"""Time limits (期限) as the law writes them: working days, or working minutes for short limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Literal, NamedTuple

Unit = Literal["workday", "workminute"]
UNITS: tuple[Unit, ...] = ("workday", "workminute")

_NUMBER = r"(?P<num>\d+(?:\.\d+)?|\d+/\d+)"
# Natural days (天/日) are deliberately not accepted: the law distinguishes 日 from 工作日 and a
# silent conversion would be wrong either way.
_UNIT_WORDS: dict[str, tuple[Unit, int]] = {
    "d": ("workday", 1),
    "wd": ("workday", 1),
    "工作日": ("workday", 1),
    "个工作日": ("workday", 1),
    "h": ("workminute", 60),
    "小时": ("workminute", 60),
    "个小时": ("workminute", 60),
    "个工作小时": ("workminute", 60),
    "m": ("workminute", 1),
    "min": ("workminute", 1),
    "分钟": ("workminute", 1),
}
_PATTERN = re.compile(rf"^\s*{_NUMBER}\s*(?P<unit>[^\d\s./]+)\s*$")

Number = int | Fraction | Decimal | str | float


def _fraction(value: Number) -> Fraction:
    if isinstance(value, bool):
        raise TypeError("期限数值不能是布尔值")
    if isinstance(value, float):
        # repr gives the shortest decimal that round-trips, so 0.1 means one tenth, not a binary fraction.
        return Fraction(repr(value))
    return Fraction(value)


@dataclass(frozen=True, slots=True)
class Limit:
    """A statutory or promised time limit.

    ``amount`` is exact (a Fraction) so that 0.5 个工作日 never drifts; minute limits are whole minutes.
    """

    amount: Fraction
    unit: Unit

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"未知的期限单位：{self.unit!r}")
        amount = _fraction(self.amount)
        object.__setattr__(self, "amount", amount)
        if amount < 0:
            raise ValueError("期限不能为负数")
        if self.unit == "workminute" and amount.denominator != 1:
            raise ValueError("以分钟计的期限必须是整数分钟")

    @classmethod
    def days(cls, n: Number) -> Limit:
        return cls(_fraction(n), "workday")

    @classmethod
    def minutes(cls, n: Number) -> Limit:
        return cls(_fraction(n), "workminute")

    @classmethod
    def hours(cls, n: Number) -> Limit:
        return cls(_fraction(n) * 60, "workminute")

    @classmethod
    def parse(cls, text: str) -> Limit:
        """Read "5d", "0.5d", "1/3d", "2h", "30m" (also 5个工作日, 2小时, 30分钟)."""
        match = _PATTERN.match(text)
        unit_word = match.group("unit").lower() if match else ""
        if match is None or unit_word not in _UNIT_WORDS:
            raise ValueError(f"无法识别的期限：{text!r}，应写作 5d、0.5d、2h 或 30m（工作日/工作小时/工作分钟）")
        unit, factor = _UNIT_WORDS[unit_word]
        amount = Fraction(match.group("num")) * factor
        if unit == "workminute" and amount.denominator != 1:
            raise ValueError(f"期限 {text!r} 不是整数分钟")
        return cls(amount, unit)

    @property
    def whole_days(self) -> int:
        """Whole working days of a day limit (0 for minute limits)."""
        return int(self.amount) if self.unit == "workday" else 0

    @property
    def day_fraction(self) -> Fraction:
        """The part of a day limit below one day (0 for minute limits)."""
        return self.amount - int(self.amount) if self.unit == "workday" else Fraction(0)

    def __str__(self) -> str:
        if self.unit == "workminute":
            minutes = int(self.amount)
            if minutes and minutes % 60 == 0:
                return f"{minutes // 60}h"
            return f"{minutes}m"
        return f"{_decimal_text(self.amount)}d"

    def __add__(self, other: object) -> Limit:
        if not isinstance(other, Limit):
            return NotImplemented
        if other.unit != self.unit:
            raise ValueError("不同单位的期限不能相加（工作日与工作分钟的换算取决于办公时间）")
        return Limit(self.amount + other.amount, self.unit)


def _decimal_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Due(NamedTuple):
    """When a limit runs out; ``provisional`` when a day it depends on has no State Council notice yet."""

    at: datetime
    provisional: bool
