"""Parallel approval: the application joins (finishes) once every department's approval is terminal."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from case_helpers import MONDAY

from onestop.cases import Case, decide, join, join_ready, open_case
from onestop.org.users import Actor
from onestop.worktime import WorkingTime


def _family(wt: WorkingTime, clerk: Actor, approver: Actor, n: int = 3) -> tuple[Case, list[Case]]:
    parent, _ = open_case("generic_application", number="SQ1", actor=clerk, now=MONDAY, wt=wt, unit_id=1)
    parent, _ = decide(parent, "accept", clerk, {}, MONDAY, wt)
    parent = replace(parent, id=10)  # as if persisted
    children = [
        open_case("generic_approval", number=f"SP{i}", actor=clerk, now=MONDAY, wt=wt, unit_id=i, parent_id=10)[0]
        for i in range(1, n + 1)
    ]
    return parent, children


def test_join_waits_for_every_child(wt: WorkingTime, clerk: Actor, approver: Actor) -> None:
    parent, children = _family(wt, clerk, approver)
    assert not join_ready(parent, children)
    later = MONDAY + timedelta(days=1)
    children[0], _ = decide(children[0], "approve", approver, {}, later, wt)
    children[1], _ = decide(children[1], "deny", approver, {"reason": "不符合条件"}, later, wt)
    assert not join_ready(parent, children)
    assert join(parent, children, later, wt) is None
    children[2], _ = decide(children[2], "request_supplement", approver, {"items": ["x"]}, later, wt)
    assert not join_ready(parent, children)  # paused is not terminal
    children[2], _ = decide(children[2], "supplement", approver, {}, later, wt)
    children[2], _ = decide(children[2], "approve", approver, {}, later, wt)
    assert join_ready(parent, children)
    joined = join(parent, children, later, wt)
    assert joined is not None
    finished, event = joined
    assert finished.state == "finished"
    assert event.actor == "system"
    assert event.data["children"] == {"SP1": "approved", "SP2": "denied", "SP3": "approved"}
    assert not join_ready(finished, children)  # already joined: never twice


def test_no_children_no_join(wt: WorkingTime, clerk: Actor, approver: Actor) -> None:
    parent, _ = _family(wt, clerk, approver, n=0)
    assert not join_ready(parent, [])


def test_parent_must_be_joinable(wt: WorkingTime, clerk: Actor, approver: Actor) -> None:
    parent, children = _family(wt, clerk, approver, n=1)
    children[0], _ = decide(children[0], "approve", approver, {}, MONDAY, wt)
    parent, _ = decide(parent, "request_supplement", clerk, {"items": ["x"]}, MONDAY, wt)
    assert not join_ready(parent, children)  # 补正中: finish is not valid there


def test_kind_without_join_action(wt: WorkingTime, clerk: Actor, approver: Actor) -> None:
    _, children = _family(wt, clerk, approver, n=2)
    children[1], _ = decide(children[1], "approve", approver, {}, MONDAY, wt)
    assert not join_ready(children[0], children[1:])
