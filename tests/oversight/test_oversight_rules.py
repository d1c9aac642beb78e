"""The supervision rules as data and their checks, with working days counted by hand on the 2026 calendar
(October: 1–7 holidays, Saturday 10 a make-up working day; office hours close at 17:30)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from onestop.oversight.errors import InvalidConfig
from onestop.oversight.rules import (
    Check,
    load_rules,
    may_raise_again,
    overdue_hit,
    overdue_workdays,
    parse_rule,
    parse_rules,
    reason_text,
    returned_hit,
)
from onestop.worktime import TZ, WorkingTime, default_working_time


@pytest.fixture(scope="module")
def wt() -> WorkingTime:
    return default_working_time()


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


DUE = at(10, 12, 17, 30)  # Monday


@pytest.mark.parametrize(
    ("now", "days"),
    [
        (at(10, 12, 12), 0),  # before the due instant
        (at(10, 12, 18), 0),  # past due, but no full working day yet
        (at(10, 13, 17, 29), 0),  # Tuesday's office has not closed
        (at(10, 13, 17, 30), 1),  # Tuesday closed: one full working day
        (at(10, 15, 17, 30), 3),  # 13, 14, 15
        (at(10, 17, 10), 4),  # Saturday: 13–16 (the weekend does not count)
        (at(10, 19, 9), 4),  # Monday morning, still 4
    ],
)
def test_overdue_workdays(wt: WorkingTime, now: datetime, days: int) -> None:
    assert overdue_workdays(DUE, now, wt) == days


def test_overdue_workdays_skips_holidays_and_counts_make_up_days(wt: WorkingTime) -> None:
    # Due Wed Sep 30: the National Day holiday (Oct 1–7) does not count; Thu Oct 8 is the first day.
    assert overdue_workdays(at(9, 30, 17, 30), at(10, 7, 17, 30), wt) == 0
    assert overdue_workdays(at(9, 30, 17, 30), at(10, 8, 17, 30), wt) == 1
    # Due Fri Oct 9: Saturday Oct 10 is a make-up working day.
    assert overdue_workdays(at(10, 9, 17, 30), at(10, 10, 17, 30), wt) == 1


def _rule(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": "overdue_2d",
        "label": "超期满2个工作日",
        "check": "overdue",
        "kinds": ["generic_application"],
        "threshold": 2,
        "order_limit": 3,
    }
    entry.update(changes)
    return entry


def test_overdue_hit_by_threshold(wt: WorkingTime) -> None:
    two = parse_rule(_rule())
    assert not overdue_hit(two, DUE, at(10, 14, 17, 29), wt)
    assert overdue_hit(two, DUE, at(10, 14, 17, 30), wt)  # 13, 14
    assert not overdue_hit(two, None, at(10, 30), wt)  # no clock, no overdue
    zero = parse_rule(_rule(threshold=0))
    assert not overdue_hit(zero, DUE, at(10, 12, 17, 29), wt)
    assert overdue_hit(zero, DUE, DUE, wt)  # due means overdue at that very instant, as the engine says


def test_returned_hit_and_reason() -> None:
    rule = parse_rule(_rule(code="ret", check="returned", actions=["return", "send_back"], threshold=2))
    assert rule.check is Check.RETURNED
    assert rule.actions == ("return", "send_back")
    assert (returned_hit(rule, 1), returned_hit(rule, 2), returned_hit(rule, 3)) == (False, True, True)
    assert (
        reason_text(rule, number="RX1", returns=2)
        == "办件 RX1 已被退回 2 次（超期满2个工作日），请核实职责、说明原因并限期办理。"
    )


def test_may_raise_again_after_repeat_after_working_days(wt: WorkingTime) -> None:
    rule = parse_rule(_rule())  # repeat_after defaults to order_limit: 3
    closed = at(10, 21, 10)  # Wed; 22, 23, 26 → Mon Oct 26 17:30
    assert rule.repeat_after == 3
    assert may_raise_again(rule, None, at(10, 21, 11), wt)
    assert not may_raise_again(rule, closed, at(10, 26, 17, 29), wt)
    assert may_raise_again(rule, closed, at(10, 26, 17, 30), wt)
    assert may_raise_again(parse_rule(_rule(repeat_after=0)), closed, closed, wt)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "Bad Code"}, "code"),
        ({"code": "manual"}, "code"),
        ({"label": ""}, "label"),
        ({"check": "slow"}, "check"),
        ({"kinds": []}, "kinds"),
        ({"kinds": ["Generic"]}, "kinds"),
        ({"threshold": -1}, "threshold"),
        ({"threshold": True}, "threshold"),
        ({"order_limit": 0}, "order_limit"),
        ({"order_limit": 61}, "order_limit"),
        ({"check": "returned", "actions": []}, "actions"),
        ({"check": "returned", "actions": ["return"], "threshold": 0}, "threshold"),
        ({"enabled": "yes"}, "enabled"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidConfig) as refused:
        parse_rule(_rule(**changes))
    assert refused.value.field == field
    assert refused.value.status == 422


def test_duplicate_codes_are_refused() -> None:
    with pytest.raises(InvalidConfig, match="重复"):
        parse_rules([_rule(), _rule()])


def test_bundled_rules() -> None:
    rules = {rule.code: rule for rule in load_rules()}
    assert set(rules) == {"overdue_3d", "returned_twice", "rectification_overdue"}
    assert (rules["overdue_3d"].threshold, rules["overdue_3d"].order_limit) == (3, 3)
    assert rules["returned_twice"].actions == ("return", "send_back")
    assert rules["rectification_overdue"].kinds == ("rectification",)
    assert rules["rectification_overdue"].threshold == 0
