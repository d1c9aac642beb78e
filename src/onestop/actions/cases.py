"""Opening cases and acting on them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
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
    within: Callable[[Connection, Case], None] | None = None,
) -> Case:
    """Opens a case (and its children) in one transaction.

    `within` runs inside that transaction once the case is written: a record that must exist exactly when the
    case does (e.g. the public submission with its verification code) is written there.
    """
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    with write(rt.engine) as conn:
        written: list[tuple[int, Event]] = []
        (case,) = _open_many(
            conn,
            [ChildSpec(kind_code, unit_id, payload or {})],
            actor=actor,
            wt=wt,
            now=now,
            party_id=party_id,
            parent_id=None,
            written=written,
        )
        assert case.id is not None
        _open_many(conn, children, actor=actor, wt=wt, now=now, party_id=party_id, parent_id=case.id, written=written)
        repo.insert_events_many(conn, written)
        events.extend(event for _, event in written)
        if within is not None:
            within(conn, case)
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
    with write(rt.engine) as conn:
        case = repo.load_case(conn, number, for_update=True)
        if guard is not None:
            guard(conn, case)
        if expected_version is not None and case.version != expected_version:
            raise VersionConflict(
                f"办件 {number} 已被他人修改（您看到第 {expected_version} 版，现为第 {case.version} 版），请刷新后重试",
                field="version",
            )
        new, event = engine.decide(case, action, actor, data, now, wt)  # decide copies the data
        assert new.id is not None
        # The case row first (the version check), then the children, then every event of the action at once.
        repo.save_changes(conn, [(case, new, ())], wt)
        written: list[tuple[int, Event]] = [(new.id, event)]
        _open_many(
            conn, children, actor=actor, wt=wt, now=now, party_id=new.party_id, parent_id=new.id, written=written
        )
        _join(conn, new, wt, now, written)
        repo.insert_events_many(conn, written)
    rt.committed([event for _, event in written])
    return new


def _open_many(
    conn: Connection,
    specs: Sequence[ChildSpec],
    *,
    actor: Actor,
    wt: WorkingTime,
    now: datetime,
    party_id: int | None,
    parent_id: int | None,
    written: list[tuple[int, Event]],
) -> list[Case]:
    """Opens one case per spec (numbers of one prefix reserved together); their events go to ``written``."""
    if not specs:
        return []
    kinds = [get_kind(spec.kind) for spec in specs]
    numbers: dict[str, Iterator[str]] = {}
    for prefix in dict.fromkeys(kind.prefix for kind in kinds):
        count = sum(1 for kind in kinds if kind.prefix == prefix)
        numbers[prefix] = iter(repo.next_numbers(conn, prefix, now, count))
    opened = []
    for spec, kind in zip(specs, kinds, strict=True):
        case, event = engine.open_case(
            kind,
            number=next(numbers[kind.prefix]),
            actor=actor,
            now=now,
            wt=wt,
            unit_id=spec.unit_id,
            payload=dict(spec.payload),
            parent_id=parent_id,
            party_id=party_id,
        )
        case = repo.insert_case(conn, case, (), wt)
        written.append((case.id or 0, event))
        opened.append(case)
    return opened


_SYSTEM = Actor.system()


def _open(
    conn: Connection,
    kind_code: str,
    *,
    actor: Actor,
    wt: WorkingTime,
    now: datetime,
    unit_id: int | None,
    payload: Mapping[str, Any] | None,
    party_id: int | None,
    parent_id: int | None,
    events: list[Event],
) -> Case:
    """Opens one case and writes its event at once, inside the caller's transaction (for other action modules)."""
    written: list[tuple[int, Event]] = []
    (case,) = _open_many(
        conn,
        [ChildSpec(kind_code, unit_id, payload or {})],
        actor=actor,
        wt=wt,
        now=now,
        party_id=party_id,
        parent_id=parent_id,
        written=written,
    )
    repo.insert_events_many(conn, written)
    events.extend(event for _, event in written)
    return case


def _join_parent(conn: Connection, child: Case, wt: WorkingTime, now: datetime, events: list[Event]) -> None:
    """``_join`` for other action modules: the join's events are written at once and appended to ``events``."""
    written: list[tuple[int, Event]] = []
    _join(conn, child, wt, now, written)
    repo.insert_events_many(conn, written)
    events.extend(event for _, event in written)


def _join(conn: Connection, child: Case, wt: WorkingTime, now: datetime, written: list[tuple[int, Event]]) -> None:
    """When the last sub-case ends, the parent takes its kind's join action, in the same transaction.

    The parent row is locked first, so of two departments finishing at once exactly one fires the join:
    the second to get the lock sees the first's committed sub-case. The join's event goes to ``written``.
    """
    parent_id = child.parent_id
    if parent_id is None or not get_kind(child.kind).states[child.state].terminal:
        return
    (parent_kind, parent_state), siblings = repo.family_states(conn, parent_id)
    kind = get_kind(parent_kind)
    if kind.join_action is None or parent_state not in kind.actions[kind.join_action].from_states:
        return
    if not all(get_kind(sibling_kind).states[state].terminal for sibling_kind, state, _ in siblings):
        return
    parent = repo.load_case_by_id(conn, parent_id)  # already locked
    outcome = {number: state for _, state, number in siblings}
    new, event = engine.decide(parent, kind.join_action, _SYSTEM, {"children": outcome}, now, wt)
    repo.save_changes(conn, [(parent, new, ())], wt)
    written.append((parent_id, event))
    _join(conn, new, wt, now, written)
