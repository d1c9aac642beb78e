"""Opening cases and acting on them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from onestop.actions.runtime import Runtime
from onestop.cases import engine
from onestop.cases.case import Case
from onestop.cases.errors import VersionConflict
from onestop.cases.events import Event
from onestop.cases.kinds import get_kind
from onestop.db import cases_repo as repo
from onestop.db.engine import write
from onestop.org.users import Actor
from onestop.worktime import WorkingTime


@dataclass(frozen=True)
class ChildSpec:
    """A sub-case opened in the same transaction as its parent's action (parallel approval by departments)."""

    kind: str
    unit_id: int | None
    payload: Mapping[str, Any] = field(default_factory=dict)


def open_case(
    rt: Runtime,
    kind_code: str,
    actor: Actor,
    *,
    unit_id: int | None,
    payload: Mapping[str, Any] | None = None,
    party_id: int | None = None,
    children: Sequence[ChildSpec] = (),
) -> Case:
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    with write(rt.engine) as conn:
        case = _open(
            conn,
            kind_code,
            actor=actor,
            wt=wt,
            now=now,
            unit_id=unit_id,
            payload=payload,
            party_id=party_id,
            parent_id=None,
            events=events,
        )
        assert case.id is not None
        for child in children:
            _open(
                conn,
                child.kind,
                actor=actor,
                wt=wt,
                now=now,
                unit_id=child.unit_id,
                payload=child.payload,
                party_id=party_id,
                parent_id=case.id,
                events=events,
            )
    rt.committed(events)
    return case


def perform(
    rt: Runtime,
    number: str,
    action: str,
    actor: Actor,
    data: Mapping[str, Any] | None = None,
    *,
    expected_version: int | None = None,
    children: Sequence[ChildSpec] = (),
    guard: Callable[[Connection, Case], None] | None = None,
) -> Case:
    """Applies one action to one case; `expected_version` is the version the user saw (stale -> 409).

    `guard` (e.g. `onestop.access.access_case_guard`) checks the locked row inside the transaction and raises
    to refuse, so a permission decision and the write it allows see the same case.
    """
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    with write(rt.engine) as conn:
        case = repo.load_case(conn, number, for_update=True)
        if guard is not None:
            guard(conn, case)
        if expected_version is not None and case.version != expected_version:
            raise VersionConflict(
                f"办件 {number} 已被他人修改（您看到第 {expected_version} 版，现为第 {case.version} 版），请刷新后重试",
                field="version",
            )
        new, event = engine.decide(case, action, actor, dict(data or {}), now, wt)
        repo.update_case(conn, new, case.version, [event], wt)
        events.append(event)
        assert new.id is not None
        for child in children:
            _open(
                conn,
                child.kind,
                actor=actor,
                wt=wt,
                now=now,
                unit_id=child.unit_id,
                payload=child.payload,
                party_id=new.party_id,
                parent_id=new.id,
                events=events,
            )
        _join_parent(conn, new, wt, now, events)
    rt.committed(events)
    return new


def _open(
    conn: Connection,
    kind_code: str,
    *,
    actor: Actor,
    wt: WorkingTime,
    now: Any,
    unit_id: int | None,
    payload: Mapping[str, Any] | None,
    party_id: int | None,
    parent_id: int | None,
    events: list[Event],
) -> Case:
    kind = get_kind(kind_code)
    number = repo.next_number(conn, kind.prefix, now)
    case, event = engine.open_case(
        kind,
        number=number,
        actor=actor,
        now=now,
        wt=wt,
        unit_id=unit_id,
        payload=dict(payload or {}),
        parent_id=parent_id,
        party_id=party_id,
    )
    events.append(event)
    return repo.insert_case(conn, case, [event], wt)


def _join_parent(conn: Connection, child: Case, wt: WorkingTime, now: Any, events: list[Event]) -> None:
    """When the last sub-case ends, the parent takes its kind's join action, in the same transaction.

    The parent row is locked first, so of two departments finishing at once exactly one fires the join:
    the second to get the lock sees the first's committed sub-case.
    """
    if child.parent_id is None or not get_kind(child.kind).states[child.state].terminal:
        return
    parent = repo.load_case_by_id(conn, child.parent_id, for_update=True)
    kind = get_kind(parent.kind)
    if kind.join_action is None or parent.state not in kind.actions[kind.join_action].from_states:
        return
    siblings = repo.load_children(conn, parent.id or 0)
    if not all(get_kind(s.kind).states[s.state].terminal for s in siblings):
        return
    outcome = {s.number: s.state for s in siblings}
    new, event = engine.decide(parent, kind.join_action, Actor.system(), {"children": outcome}, now, wt)
    repo.update_case(conn, new, parent.version, [event], wt)
    events.append(event)
    _join_parent(conn, new, wt, now, events)
