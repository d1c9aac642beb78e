"""The pure case engine: open a case, decide an action, sweep the clocks, re-derive dues.

Every function takes the current case and returns the next case plus the events to append; nothing here
touches a database, so the action layer owns the transaction and the tests own time (``now`` is a parameter).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from onestop.cases.actor import ROLE_LABELS, SYSTEM, SYSTEM_ROLE, Actor
from onestop.cases.alarm import alarm_after, assess
from onestop.cases.case import AlarmLevel, Case, evolve, new_case
from onestop.cases.clock import Calendar, Clock
from onestop.cases.errors import ActionNotAllowed, InvalidAction, MissingData, VersionConflict
from onestop.cases.events import GENESIS_HASH, Event, chain_event, json_data
from onestop.cases.kinds import ActionSpec, CaseKind, ClockMode, get_kind
from onestop.worktime import Limit

# Data keys the engine interprets (everything else is only recorded in the event).
PAYLOAD_KEY = "payload"  # a dict shallow-merged into the case payload
EXTENSION_KEY = "extension"  # e.g. "10d", for actions with extends=True
ALARM_KEY = "alarm"  # written by the engine: {"from", "to"} when an action changed the alarm level

TIMEOUT_REASON = "办理时限届满，系统按超时默认处理"


def open_case(
    kind: CaseKind | str,
    *,
    number: str,
    actor: Actor,
    now: datetime,
    wt: Calendar,
    unit_id: int | None,
    payload: Mapping[str, object] | None = None,
    parent_id: int | None = None,
    party_id: int | None = None,
) -> tuple[Case, Event]:
    """A new case in the kind's initial state; its clock starts if that state runs the clock."""
    spec = get_kind(kind) if isinstance(kind, str) else kind
    body = json_data(payload)  # a plain-JSON copy: the case never shares a dict with its caller
    limit = _limit_for(spec, body)
    clock = None if limit is None else Clock.new(limit)
    if clock is not None and spec.states[spec.initial_state].clock is ClockMode.RUNNING:
        clock = clock.start(now)
    level, due = assess(clock, spec.clock, now, wt)
    event = chain_event(
        case_number=number,
        seq=1,
        prev_hash=GENESIS_HASH,
        action="open",
        actor=actor.username,
        actor_id=actor.user_id,
        at=now,
        from_state=None,
        to_state=spec.initial_state,
        data={
            "kind": spec.code,
            "unit_id": unit_id,
            "parent_id": parent_id,
            "party_id": party_id,
            "payload": body,
            "limit": None if limit is None else str(limit),
        },
        plain=True,  # body is a fresh plain copy; the case and its first event may share it (both immutable)
    )
    case = new_case(
        id=None,
        number=number,
        kind=spec.code,
        state=spec.initial_state,
        unit_id=unit_id,
        parent_id=parent_id,
        party_id=party_id,
        payload=body,
        clock=clock,
        alarm=level,
        version=1,
        created_at=now,
        updated_at=now,
        last_hash=event.hash,
        event_count=1,
        due_at=None if due is None else due.at,
        due_provisional=False if due is None else due.provisional,
    )
    return case, event


def decide(  # noqa: PLR0917  (positional by contract: the action layer calls decide(case, action, ...))
    case: Case,
    action_code: str,
    actor: Actor,
    data: Mapping[str, object] | None,
    now: datetime,
    wt: Calendar,
) -> tuple[Case, Event]:
    """Apply one action: check state, role and data, move state and clock, append the chained event."""
    kind = get_kind(case.kind)
    action = _valid_action(kind, case, action_code)
    _check_role(action, actor)
    given = json_data(data)  # a plain copy, ours to add to; the event takes it as is
    _check_required(kind, action, given)

    payload = case.payload
    patch = given.get(PAYLOAD_KEY)
    if patch is not None:
        if not isinstance(patch, Mapping):
            raise MissingData("业务数据格式不正确", field=PAYLOAD_KEY)
        # ``given`` is already a plain copy, so the new payload shares nothing with the caller's data.
        payload = {**payload, **patch}

    old_clock = case.clock
    clock = old_clock
    if clock is None or clock.mode is ClockMode.NOT_STARTED:
        # The limit may arrive with the data (e.g. the item's committed limit, known only at acceptance).
        limit = _limit_for(kind, payload)
        clock = None if limit is None else Clock.new(limit)
    if action.extends:
        clock = _extended(kind, clock, given.get(EXTENSION_KEY))
    to_state = action.to_state or case.state
    if clock is not None:
        clock = _clock_into(clock, kind.states[to_state].clock, now)

    level, due = alarm_after(
        previous=case.alarm, old_clock=old_clock, new_clock=clock, policy=kind.clock, now=now, wt=wt
    )
    if level is not case.alarm:
        given[ALARM_KEY] = {"from": case.alarm.value, "to": level.value}
    return _append(
        case,
        action.code,
        actor,
        now,
        given,
        state=to_state,
        payload=payload,
        clock=clock,
        alarm=level,
        due_at=None if due is None else due.at,
        due_provisional=False if due is None else due.provisional,
    )


def sweep(case: Case, now: datetime, wt: Calendar) -> tuple[Case, list[Event]]:
    """The tick's pure part: raise the alarm when a threshold has passed, fire the timeout action once.

    Idempotent: the alarm only rises, and the timeout action leaves the states it fires from (checked when the
    kind is built), so sweeping again at the same ``now`` finds nothing to do.
    """
    clock = case.clock
    if clock is None or clock.running_since is None:
        return case, []
    kind = get_kind(case.kind)
    events: list[Event] = []
    level, due = assess(clock, kind.clock, now, wt)
    if level.rank > case.alarm.rank and due is not None:
        action = "clock_overdue" if level is AlarmLevel.OVERDUE else "clock_warned"
        data: dict[str, object] = {
            "from": case.alarm.value,
            "to": level.value,
            "due": due.at.isoformat(),
            "provisional": due.provisional,
        }
        case, event = _append(
            case, action, SYSTEM, now, data, alarm=level, due_at=due.at, due_provisional=due.provisional
        )
        events.append(event)
    if case.alarm is AlarmLevel.OVERDUE and _timeout_pending(kind, case):
        timeout = kind.clock.timeout_action
        assert timeout is not None
        case, event = decide(case, timeout, SYSTEM, {"reason": TIMEOUT_REASON}, now, wt)
        events.append(event)
    return case, events


def next_alarm_at(case: Case, wt: Calendar) -> datetime | None:
    """The next instant at which ``sweep`` would act; None when it never will without another action.

    Persisted as an indexed column so the tick reads only the cases that are due for it.
    """
    clock = case.clock
    if clock is None or clock.running_since is None:
        return None
    kind = get_kind(case.kind)
    if case.alarm is AlarmLevel.NORMAL:
        return clock.warn_at(wt, kind.clock.warn_before)
    due = clock.due(wt)
    if due is None:
        return None
    if case.alarm is AlarmLevel.WARNING:
        return due.at
    # Overdue already; only a still-pending timeout action (alarm raised by an action, not by the sweep).
    return due.at if _timeout_pending(kind, case) else None


def rederive(case: Case, wt: Calendar, now: datetime) -> tuple[Case, Event | None]:
    """After a calendar change: recompute the due; if it or its provisional flag moved, record it.

    The event is "due_changed" with {from, to, provisional}; an alarm level that moves is recorded too.
    """
    kind = get_kind(case.kind)
    level, due = alarm_after(
        previous=case.alarm, old_clock=case.clock, new_clock=case.clock, policy=kind.clock, now=now, wt=wt
    )
    new_at = None if due is None else due.at
    new_provisional = False if due is None else due.provisional
    if new_at == case.due_at and new_provisional == case.due_provisional:
        return case, None
    data: dict[str, object] = {
        "from": None if case.due_at is None else case.due_at.isoformat(),
        "to": None if new_at is None else new_at.isoformat(),
        "provisional": new_provisional,
    }
    if level is not case.alarm:
        data[ALARM_KEY] = {"from": case.alarm.value, "to": level.value}
    return _append(case, "due_changed", SYSTEM, now, data, alarm=level, due_at=new_at, due_provisional=new_provisional)


def check_version(case: Case, expected: int) -> None:
    """Optimistic lock: the form was filled in against ``expected``; refuse if the case moved since."""
    if case.version != expected:
        raise VersionConflict(f"案件 {case.number} 已被他人更新（版本 {case.version}），请刷新后重试")


def valid_actions(case: Case, actor: Actor | None = None) -> list[ActionSpec]:
    """The actions the UI should offer: valid in the current state and, given an actor, allowed to them."""
    kind = get_kind(case.kind)
    out = []
    for action in kind.actions.values():
        if case.state not in action.from_states:
            continue
        if actor is not None and not _role_ok(action, actor):
            continue
        out.append(action)
    return out


# -- helpers -----------------------------------------------------------------------------------------------


def _limit_for(kind: CaseKind, payload: Mapping[str, object]) -> Limit | None:
    field = kind.clock.limit_field
    value = payload.get(field) if field is not None else None
    if value is None or value == "":
        return kind.clock.limit
    if isinstance(value, Limit):
        return value
    try:
        return _parse_limit(str(value))
    except ValueError:
        raise MissingData(f"办理时限「{value}」格式不正确（例如 5d、0.5d、2h）", field=field) from None


@functools.lru_cache(maxsize=256)
def _parse_limit(text: str) -> Limit:
    # Limits repeat ("3d", "20d") and Limit is immutable, so parsing each text once is safe.
    return Limit.parse(text)


def _valid_action(kind: CaseKind, case: Case, action_code: str) -> ActionSpec:
    action = kind.actions.get(action_code)
    if action is None:
        raise InvalidAction(f"「{kind.label}」没有「{action_code}」这一操作")
    if case.state not in action.from_states:
        raise InvalidAction(f"当前状态「{kind.states[case.state].label}」不能执行「{action.label}」")
    return action


def _role_ok(action: ActionSpec, actor: Actor) -> bool:
    roles = actor.roles
    if action.system_only:
        return SYSTEM_ROLE in roles
    return not roles.isdisjoint(action.roles)


def _check_role(action: ActionSpec, actor: Actor) -> None:
    if _role_ok(action, actor):
        return
    if action.system_only:
        raise ActionNotAllowed(f"「{action.label}」只能由系统自动执行")
    needed = "、".join(ROLE_LABELS.get(r, r) for r in sorted(action.roles - {SYSTEM_ROLE}))
    raise ActionNotAllowed(f"您无权执行「{action.label}」（需要角色：{needed}）")


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict | set):
        return not value
    return False


def _check_required(kind: CaseKind, action: ActionSpec, data: Mapping[str, object]) -> None:
    required = action.required
    if action.extends and EXTENSION_KEY not in required:
        required = (*required, EXTENSION_KEY)
    for name in required:
        if _blank(data.get(name)):
            raise MissingData(f"请填写「{kind.field_label(action, name)}」", field=name)


def _extended(kind: CaseKind, clock: Clock | None, raw: object) -> Clock:
    if clock is None or clock.mode is ClockMode.STOPPED:
        raise InvalidAction("该案件没有可延长的办理时限")
    try:
        extra = raw if isinstance(raw, Limit) else _parse_limit(str(raw))
    except ValueError:
        raise MissingData(f"延长期限「{raw}」格式不正确（例如 10d）", field=EXTENSION_KEY) from None
    if extra.unit != clock.limit.unit or extra.amount <= 0:
        raise MissingData(f"延长期限「{raw}」须为正数且与办理时限单位一致", field=EXTENSION_KEY)
    cap = kind.clock.max_extension
    if cap is not None and (cap.unit != extra.unit or clock.extension.amount + extra.amount > cap.amount):
        raise MissingData(
            f"延长期限超过上限：最多可延长 {cap}，已延长 {clock.extension}，本次申请 {extra}",
            field=EXTENSION_KEY,
            code="extension_exceeded",
        )
    return clock.extend(extra)


def _clock_into(clock: Clock, target: ClockMode, now: datetime) -> Clock:
    """Move the clock into the mode the target state asks for (no-op when it is there already)."""
    mode = clock.mode
    if target is ClockMode.RUNNING:
        if mode is ClockMode.NOT_STARTED:
            return clock.start(now)
        if mode in (ClockMode.PAUSED, ClockMode.STOPPED):
            return clock.resume(now)
    elif target is ClockMode.PAUSED:
        if mode is ClockMode.RUNNING:
            return clock.pause(now)
    elif target is ClockMode.STOPPED and mode is not ClockMode.STOPPED:
        return clock.stop(now)
    return clock


def _timeout_pending(kind: CaseKind, case: Case) -> bool:
    timeout = kind.clock.timeout_action
    return timeout is not None and case.state in kind.actions[timeout].from_states


def _append(
    case: Case, action: str, actor: Actor, now: datetime, data: dict[str, object], /, **changes: Any
) -> tuple[Case, Event]:
    """Chain the event onto the case and return the case with ``changes`` (its new state, if any, included).

    ``data`` must be a fresh plain-JSON dict built by the engine: the event keeps it as is.
    """
    event = chain_event(
        case_number=case.number,
        seq=case.event_count + 1,
        prev_hash=case.last_hash,
        action=action,
        actor=actor.username,
        actor_id=actor.user_id,
        at=now,
        from_state=case.state,
        to_state=changes.get("state", case.state),
        data=data,
        plain=True,
    )
    changes["version"] = case.version + 1
    changes["updated_at"] = now
    changes["last_hash"] = event.hash
    changes["event_count"] = event.seq
    return evolve(case, **changes), event


__all__ = [
    "check_version",
    "decide",
    "next_alarm_at",
    "open_case",
    "rederive",
    "sweep",
    "valid_actions",
]
