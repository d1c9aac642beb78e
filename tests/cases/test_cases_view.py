"""What the 时限 column shows, and case numbers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from fractions import Fraction

import pytest
from case_helpers import MONDAY

from onestop.cases import AlarmLevel, Case, clock_view, decide, format_number, open_case, parse_number
from onestop.cases.case import evolve, new_case
from onestop.org.users import Actor
from onestop.worktime import TZ, WorkingTime


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=TZ)


def test_colours_through_a_lifecycle(wt: WorkingTime, clerk: Actor, approver: Actor) -> None:
    app, _ = open_case("generic_application", number="SQ1", actor=clerk, now=MONDAY, wt=wt, unit_id=1)
    assert clock_view(app, MONDAY, wt).colour == "未开始"

    case, _ = open_case(
        "generic_approval",
        number="SP1",
        actor=approver,
        now=MONDAY,
        wt=wt,
        unit_id=1,
        payload={"limit": "5d"},
    )
    view = clock_view(case, at(4, 10), wt)
    assert (view.colour, view.limit, view.used, view.remaining) == ("正常", "5d", 1, 4)
    assert view.due == at(10, 17, 30)
    assert not view.paused
    assert not view.provisional
    assert view.level is AlarmLevel.NORMAL
    assert view.limit_label == "5个工作日"
    assert clock_view(case, at(6, 10), wt).colour == "预警"
    assert clock_view(case, at(11, 10), wt).colour == "超期"

    paused, _ = decide(case, "request_supplement", approver, {"items": ["x"]}, at(4, 10), wt)
    view = clock_view(paused, at(6, 10), wt)
    assert (view.colour, view.paused, view.due, view.used) == ("暂停", True, None, 1)

    extended, _ = decide(case, "extend", approver, {"extension": "10d", "reason": "r"}, at(4, 10), wt)
    assert clock_view(extended, at(4, 10), wt).limit_label == "15个工作日（含延长10个工作日）"

    done, _ = decide(case, "approve", approver, {}, at(5, 10), wt)
    view = clock_view(done, at(20, 10), wt)
    assert (view.colour, view.used, view.remaining, view.due) == ("已办结", 2, 3, None)


def test_fractional_and_minute_views(wt: WorkingTime, approver: Actor) -> None:
    half, _ = open_case(
        "generic_approval",
        number="SP1",
        actor=approver,
        now=MONDAY,
        wt=wt,
        unit_id=1,
        payload={"limit": "0.5d"},
    )
    view = clock_view(half, at(3, 14), wt)
    assert view.used == Fraction(150, 420)
    assert view.limit_label == "0.5个工作日"
    short, _ = open_case(
        "generic_approval",
        number="SP2",
        actor=approver,
        now=MONDAY,
        wt=wt,
        unit_id=1,
        payload={"limit": "2h"},
    )
    view = clock_view(short, at(3, 11), wt)
    assert (view.limit, view.used, view.remaining, view.limit_label) == ("2h", 60, 60, "2小时")


def test_no_clock(wt: WorkingTime) -> None:
    case = Case(
        id=None,
        number="X1",
        kind="generic_application",
        state="pending",
        unit_id=None,
        parent_id=None,
        party_id=None,
        payload={},
        clock=None,
        alarm=AlarmLevel.NORMAL,
        version=1,
        created_at=MONDAY,
        updated_at=MONDAY,
        last_hash="0" * 64,
        event_count=1,
    )
    view = clock_view(case, MONDAY, wt)
    assert (view.colour, view.limit, view.used, view.due) == ("未开始", "", None, None)


def test_numbers() -> None:
    number = format_number("SQ", date(2025, 3, 3), 42)
    assert number == "SQ20250303000042"
    assert parse_number(number) == ("SQ", date(2025, 3, 3), 42)
    assert parse_number("SP202503031234567") == ("SP", date(2025, 3, 3), 1234567)
    with pytest.raises(ValueError, match="prefix"):
        format_number("sq", date(2025, 3, 3), 1)
    with pytest.raises(ValueError, match="serial"):
        format_number("SQ", date(2025, 3, 3), 0)
    with pytest.raises(ValueError, match="not a case number"):
        parse_number("SQ-1")


def test_evolve_and_new_case_check_field_names(wt: WorkingTime, clerk: Actor) -> None:
    case, _ = open_case("generic_application", number="SQ1", actor=clerk, now=MONDAY, wt=wt, unit_id=1)
    moved = evolve(case, state="accepted", version=2)
    assert (moved.state, moved.version, moved.number) == ("accepted", 2, "SQ1")
    assert case.state == "pending"
    assert moved == replace(case, state="accepted", version=2)
    with pytest.raises(TypeError, match="no fields"):
        evolve(case, colour="red")
    with pytest.raises(TypeError, match="missing"):
        new_case(number="X")
