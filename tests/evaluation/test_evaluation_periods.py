"""Evaluation periods: years, halves, quarters, months; their instants in Beijing time."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from onestop.evaluation.errors import InvalidPeriod
from onestop.evaluation.periods import Period
from onestop.worktime import TZ


@pytest.mark.parametrize(
    ("text", "start", "end", "code", "label"),
    [
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "2026", "2026年度"),
        ("2026H1", date(2026, 1, 1), date(2026, 7, 1), "2026H1", "2026年上半年"),
        ("2026h2", date(2026, 7, 1), date(2027, 1, 1), "2026H2", "2026年下半年"),
        ("2026Q3", date(2026, 7, 1), date(2026, 10, 1), "2026Q3", "2026年第三季度"),
        ("2026Q4", date(2026, 10, 1), date(2027, 1, 1), "2026Q4", "2026年第四季度"),
        ("2026M07", date(2026, 7, 1), date(2026, 8, 1), "2026M07", "2026年7月"),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1), "2026M12", "2026年12月"),
        (" 2026m2 ", date(2026, 2, 1), date(2026, 3, 1), "2026M02", "2026年2月"),
    ],
)
def test_parse(text: str, start: date, end: date, code: str, label: str) -> None:
    period = Period.parse(text)
    assert (period.start, period.end, period.code, period.label) == (start, end, code, label)
    assert str(period) == code
    assert period.year == start.year


@pytest.mark.parametrize("text", ["", "26Q3", "2026Q5", "2026Q0", "2026H3", "2026M13", "2026-7", "Q3-2026", "1999"])
def test_invalid_periods(text: str) -> None:
    with pytest.raises(InvalidPeriod):
        Period.parse(text)


def test_instants_are_beijing_midnights() -> None:
    period = Period.parse("2026Q3")
    assert period.start_at == datetime(2026, 7, 1, tzinfo=TZ)
    assert period.end_at == datetime(2026, 10, 1, tzinfo=TZ)
    assert period.contains(datetime(2026, 9, 30, 23, 59, tzinfo=TZ))
    assert not period.contains(datetime(2026, 10, 1, tzinfo=TZ))
    # 2026-06-30 16:30 UTC is already 1 July in Beijing.
    assert period.contains(datetime.fromisoformat("2026-06-30T16:30:00+00:00"))


@pytest.mark.parametrize(
    ("text", "previous", "last_year"),
    [
        ("2026Q3", "2026Q2", "2025Q3"),
        ("2026Q1", "2025Q4", "2025Q1"),
        ("2026H1", "2025H2", "2025H1"),
        ("2026M01", "2025M12", "2025M01"),
        ("2026M10", "2026M09", "2025M10"),
        ("2026", "2025", "2025"),
    ],
)
def test_previous_periods(text: str, previous: str, last_year: str) -> None:
    period = Period.parse(text)
    assert period.previous().code == previous
    assert period.same_period_last_year().code == last_year
