"""Alarm levels of a running clock: normal, warning (预警) when ``warn_before`` is left, overdue (超期)."""

from __future__ import annotations

from datetime import datetime

from onestop.cases.case import AlarmLevel
from onestop.cases.clock import Calendar, Clock
from onestop.cases.kinds import ClockPolicy
from onestop.worktime import Due


def assess(clock: Clock | None, policy: ClockPolicy, now: datetime, wt: Calendar) -> tuple[AlarmLevel, Due | None]:
    """The level a running clock has at ``now`` and its due; (NORMAL, None) when not running.

    Thresholds are inclusive so that the instant ``next_alarm_at`` reports is one at which the sweep acts.
    """
    if clock is None:
        return AlarmLevel.NORMAL, None
    due = clock.due(wt)
    if due is None:
        return AlarmLevel.NORMAL, None
    if now >= due.at:
        return AlarmLevel.OVERDUE, due
    if clock.warned(wt, policy.warn_before, now):
        return AlarmLevel.WARNING, due
    return AlarmLevel.NORMAL, due


def alarm_after(
    *,
    previous: AlarmLevel,
    old_clock: Clock | None,
    new_clock: Clock | None,
    policy: ClockPolicy,
    now: datetime,
    wt: Calendar,
) -> tuple[AlarmLevel, Due | None]:
    """The alarm after a transition, and the new clock's due.

    A running clock is judged afresh (an extension can lower the level). A clock that has just paused or
    stopped records lateness: overdue if it was past due at that moment (so finishing late stays on the
    record even if the sweep had not yet run), else the level it had. An idle clock keeps its level.
    """
    if new_clock is not None and new_clock.running_since is not None:
        return assess(new_clock, policy, now, wt)
    if old_clock is not None and previous is not AlarmLevel.OVERDUE:
        due = old_clock.due(wt)
        if due is not None and now >= due.at:
            return AlarmLevel.OVERDUE, None
    return previous, None
