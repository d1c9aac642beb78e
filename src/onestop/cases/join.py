"""Joins: a parent (an application) waits for its children (the departments' approvals) to finish.

The engine stays per-case; the action layer loads a parent's children after each child's terminal action and
asks ``join_ready``. Parallel approval (并联审批) is therefore just parent + children + one join action.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from onestop.cases.actor import SYSTEM
from onestop.cases.case import Case
from onestop.cases.clock import Calendar
from onestop.cases.engine import decide
from onestop.cases.events import Event
from onestop.cases.kinds import get_kind


def join_ready(parent: Case, children: Sequence[Case]) -> bool:
    """True when the parent's join action should fire now: it has children, all terminal, and is joinable."""
    kind = get_kind(parent.kind)
    if kind.join_action is None or not children:
        return False
    if parent.state not in kind.actions[kind.join_action].from_states:
        return False
    return all(get_kind(child.kind).is_terminal(child.state) for child in children)


def join(parent: Case, children: Sequence[Case], now: datetime, wt: Calendar) -> tuple[Case, Event] | None:
    """Fire the parent's join action as the system, recording each child's outcome; None if not ready."""
    if not join_ready(parent, children):
        return None
    kind = get_kind(parent.kind)
    assert kind.join_action is not None
    outcomes = {child.number: child.state for child in children}
    return decide(parent, kind.join_action, SYSTEM, {"children": outcomes}, now, wt)
