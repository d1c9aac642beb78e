"""The tick's pure part: alarms rise at warn_at and due, the timeout fires once, sweeping is idempotent."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from case_helpers import MONDAY

from onestop.cases import (
    AlarmLevel,
    Case,
    ClockMode,
    MissingData,
    decide,
    next_alarm_at,
    open_case,
    rederive,
    sweep,
    verify_chain,
)
from onestop.cases.events import Event
from onestop.org.users import Actor
from onestop.worktime import TZ, WorkingTime, YearNotice


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=TZ)


WARN = at(5, 17, 30)  # 5d from Monday 03-03, warn 3d before: close of Wednesday
DUE = at(10, 17, 30)  # close of Monday 03-10


@pytest.fixture
def approval(wt: WorkingTime, approver: Actor) -> tuple[Case, Event]:
    return open_case(
        "generic_approval",
        number="SP1",
        actor=approver,
        now=MONDAY,
        wt=wt,
        unit_id=1,
        payload={"limit": "5d"},
    )


def test_alarm_lifecycle_with_timeout(approval: tuple[Case, Event], wt: WorkingTime) -> None:
    case, first = approval
    history = [first]
    assert case.due_at == DUE
    assert next_alarm_at(case, wt) == WARN

    case, events = sweep(case, at(4, 10), wt)
    assert events == []

    case, events = sweep(case, WARN, wt)
    assert [e.action for e in events] == ["clock_warned"]
    assert events[0].actor == "system"
    assert events[0].data["to"] == "warning"
    assert case.alarm is AlarmLevel.WARNING
    assert next_alarm_at(case, wt) == DUE
    history += events
    again, events = sweep(case, WARN, wt)
    assert (again, events) == (case, [])

    case, events = sweep(case, DUE, wt)
    assert [e.action for e in events] == ["clock_overdue", "auto_approve"]
    assert case.state == "approved"
    assert case.alarm is AlarmLevel.OVERDUE
    assert case.clock is not None
    assert case.clock.mode is ClockMode.STOPPED
    assert events[1].actor_id is None
    assert next_alarm_at(case, wt) is None
    history += events
    for later in (DUE, at(20, 10)):
        again, events = sweep(case, later, wt)
        assert (again, events) == (case, [])
    assert verify_chain("SP1", history, case.event_count, case.last_hash) is None


def test_late_sweep_goes_straight_to_overdue(approval: tuple[Case, Event], wt: WorkingTime) -> None:
    case, _ = approval
    case, events = sweep(case, at(12, 10), wt)
    assert [e.action for e in events] == ["clock_overdue", "auto_approve"]
    assert case.version == 3


def test_kind_without_timeout_only_marks_overdue(wt: WorkingTime, clerk: Actor) -> None:
    case, _ = open_case("generic_application", number="SQ1", actor=clerk, now=MONDAY, wt=wt, unit_id=1)
    assert next_alarm_at(case, wt) is None  # 待受理: no clock running yet
    case, _ = decide(case, "accept", clerk, {"payload": {"limit": "5d"}}, MONDAY, wt)
    case, events = sweep(case, DUE, wt)
    assert [e.action for e in events] == ["clock_overdue"]
    assert case.state == "accepted"
    assert next_alarm_at(case, wt) is None
    assert sweep(case, at(20, 10), wt) == (case, [])


def test_paused_clock_is_not_swept(approval: tuple[Case, Event], wt: WorkingTime, approver: Actor) -> None:
    case, _ = approval
    case, _ = decide(case, "request_supplement", approver, {"items": ["章程"]}, at(4, 10), wt)
    assert next_alarm_at(case, wt) is None
    assert case.due_at is None
    assert sweep(case, at(28, 10), wt) == (case, [])


def test_overdue_raised_by_an_action_still_times_out(
    approval: tuple[Case, Event], wt: WorkingTime, approver: Actor
) -> None:
    case, _ = approval
    # No sweep ran; the department asks for materials after the limit passed.
    case, event = decide(case, "request_supplement", approver, {"items": ["章程"]}, at(11, 10), wt)
    assert case.alarm is AlarmLevel.OVERDUE
    assert event.data["alarm"] == {"from": "normal", "to": "overdue"}
    case, _ = decide(case, "supplement", approver, {}, at(12, 10), wt)
    assert case.due_at == at(12, 10)  # budget exhausted: due at the resume instant
    assert next_alarm_at(case, wt) == at(12, 10)  # the timeout is still pending
    case, events = sweep(case, at(12, 10, 5), wt)
    assert [e.action for e in events] == ["auto_approve"]
    assert next_alarm_at(case, wt) is None


def test_finishing_late_stays_overdue(approval: tuple[Case, Event], wt: WorkingTime, approver: Actor) -> None:
    case, _ = approval
    case, event = decide(case, "approve", approver, {}, at(11, 10), wt)
    assert case.alarm is AlarmLevel.OVERDUE
    assert event.data["alarm"] == {"from": "normal", "to": "overdue"}
    assert sweep(case, at(12, 10), wt) == (case, [])


def test_extension_lowers_the_alarm(approval: tuple[Case, Event], wt: WorkingTime, approver: Actor) -> None:
    case, _ = approval
    case, _ = sweep(case, WARN, wt)
    assert case.alarm is AlarmLevel.WARNING
    case, event = decide(case, "extend", approver, {"extension": "10d", "reason": "需现场核查"}, at(6, 10), wt)
    assert case.alarm is AlarmLevel.NORMAL
    assert event.data["alarm"] == {"from": "warning", "to": "normal"}
    assert event.data["extension"] == "10d"
    assert case.state == "in_approval"
    assert case.clock is not None
    assert str(case.clock.total) == "15d"
    assert case.due_at == wt.add_workdays(MONDAY, 15).at
    assert next_alarm_at(case, wt) == wt.add_workdays(MONDAY, 12).at


@pytest.mark.parametrize(
    ("first", "second", "code"),
    [
        ("10d", "1d", "extension_exceeded"),
        ("6d", "5d", "extension_exceeded"),
        ("11d", None, "extension_exceeded"),
        ("2h", None, "missing_data"),
        ("0d", None, "missing_data"),
        ("十天", None, "missing_data"),
    ],
)
def test_extension_bounds(
    *,
    approval: tuple[Case, Event],
    wt: WorkingTime,
    approver: Actor,
    first: str,
    second: str | None,
    code: str,
) -> None:
    case, _ = approval
    data = {"reason": "需专家评审"}
    if second is not None:
        case, _ = decide(case, "extend", approver, {**data, "extension": first}, at(4, 10), wt)
    refused = second if second is not None else first
    with pytest.raises(MissingData) as info:
        decide(case, "extend", approver, {**data, "extension": refused}, at(4, 11), wt)
    assert info.value.field == "extension"
    assert info.value.code == code


def test_extension_while_paused(approval: tuple[Case, Event], wt: WorkingTime, approver: Actor) -> None:
    case, _ = approval
    case, _ = decide(case, "request_supplement", approver, {"items": ["x"]}, at(4, 10), wt)
    case, _ = decide(case, "extend", approver, {"extension": "2d", "reason": "r"}, at(4, 11), wt)
    case, _ = decide(case, "supplement", approver, {}, at(6, 10), wt)
    # used Tuesday only; 7 - 1 = 6 days left from Thursday (not counted)
    assert case.due_at == wt.add_workdays(at(6, 10), 6).at


def test_rederive_after_a_closure(approval: tuple[Case, Event], wt: WorkingTime) -> None:
    case, _ = approval
    closed = wt.with_closures({date(2025, 3, 5): "系统升级闭厅"})
    moved, event = rederive(case, closed, at(4, 10))
    assert event is not None
    assert event.action == "due_changed"
    assert event.data == {"from": DUE.isoformat(), "to": at(11, 17, 30).isoformat(), "provisional": False}
    assert moved.due_at == at(11, 17, 30)
    assert moved.version == case.version + 1
    assert rederive(moved, closed, at(4, 11)) == (moved, None)
    back, event = rederive(moved, wt, at(4, 12))
    assert event is not None
    assert back.due_at == DUE


def test_rederive_moves_the_alarm(approval: tuple[Case, Event], wt: WorkingTime) -> None:
    case, _ = approval
    case, _ = sweep(case, WARN, wt)
    closed = wt.with_closures({date(2025, 3, 5): "闭厅", date(2025, 3, 6): "闭厅"})
    case, event = rederive(case, closed, WARN)
    assert event is not None
    assert event.data["alarm"] == {"from": "warning", "to": "normal"}


def test_rederive_when_the_notice_arrives(wt: WorkingTime, approver: Actor) -> None:
    opened = datetime(2026, 12, 21, 10, tzinfo=TZ)
    case, _ = open_case("generic_approval", number="SP2", actor=approver, now=opened, wt=wt, unit_id=1)
    assert case.due_provisional
    notice = YearNotice(
        2027,
        ("https://www.gov.cn/example-2027",),
        off_days={date(2027, 1, 1): "元旦", date(2027, 1, 4): "元旦"},
    )
    case, event = rederive(case, wt.with_notice(notice), opened)
    assert event is not None
    assert event.data["provisional"] is False
    assert not case.due_provisional


def test_rederive_ignores_idle_clocks(wt: WorkingTime, clerk: Actor) -> None:
    case, _ = open_case("generic_application", number="SQ1", actor=clerk, now=MONDAY, wt=wt, unit_id=1)
    assert rederive(case, wt.with_closures({date(2025, 3, 5): "闭厅"}), MONDAY) == (case, None)
