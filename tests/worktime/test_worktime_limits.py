"""Limit values: parsing, printing, adding."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.worktime import Limit


@pytest.mark.parametrize(
    ("text", "amount", "unit", "printed"),
    [
        ("5d", 5, "workday", "5d"),
        ("0.5d", Fraction(1, 2), "workday", "0.5d"),
        ("1.5d", Fraction(3, 2), "workday", "1.5d"),
        ("1/3d", Fraction(1, 3), "workday", "1/3d"),
        ("2h", 120, "workminute", "2h"),
        ("1.5h", 90, "workminute", "90m"),
        ("30m", 30, "workminute", "30m"),
        ("0m", 0, "workminute", "0m"),
        (" 20 个工作日 ", 20, "workday", "20d"),
        ("2小时", 120, "workminute", "2h"),
        ("45分钟", 45, "workminute", "45m"),
        ("3D", 3, "workday", "3d"),
    ],
)
def test_parse_and_print(text: str, amount: int | Fraction, unit: str, printed: str) -> None:
    limit = Limit.parse(text)
    assert (limit.amount, limit.unit, str(limit)) == (amount, unit, printed)
    assert Limit.parse(str(limit)) == limit


@pytest.mark.parametrize("text", ["", "5", "d", "5天", "5 days", "-1d", "0.5m", "1.2.3d", "5w"])
def test_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="期限"):
        Limit.parse(text)


def test_constructors_and_addition() -> None:
    assert Limit.days(5) == Limit.parse("5d")
    assert Limit.days(0.5) == Limit.parse("0.5d")
    assert Limit.days("1.5") + Limit.days(1) == Limit.parse("2.5d")
    assert Limit.hours(2) + Limit.minutes(30) == Limit.parse("150m")
    assert str(Limit.days(20) + Limit.days(10)) == "30d"  # 行政许可法 §42 extension
    assert Limit.days(Fraction(3, 2)).whole_days == 1
    assert Limit.days(Fraction(3, 2)).day_fraction == Fraction(1, 2)
    assert Limit.minutes(30).whole_days == 0
    with pytest.raises(ValueError, match="不同单位"):
        Limit.days(1) + Limit.minutes(30)
    with pytest.raises(TypeError):
        Limit.days(1) + 1  # type: ignore[operator]


def test_invalid_values() -> None:
    with pytest.raises(ValueError, match="负数"):
        Limit.days(-1)
    with pytest.raises(ValueError, match="整数分钟"):
        Limit.minutes(Fraction(1, 2))
    with pytest.raises(ValueError, match="单位"):
        Limit(Fraction(1), "weeks")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Limit.days(True)


@given(
    amount=st.fractions(min_value=0, max_value=1000, max_denominator=40),
    minutes=st.integers(min_value=0, max_value=100_000),
)
def test_str_round_trips(amount: Fraction, minutes: int) -> None:
    assert Limit.parse(str(Limit.days(amount))) == Limit.days(amount)
    assert Limit.parse(str(Limit.minutes(minutes))) == Limit.minutes(minutes)
