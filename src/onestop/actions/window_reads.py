"""What the window's pages and API read: an application with its materials, approvals and timeline; the
department's queue; the clerk's desk and issuance queues; an applicant's own applications.

Reads only. Who may see a result is decided by the caller with ``onestop.window.access`` (the view returns
``owner_id`` and ``department_ids`` for that); lists are filtered by unit scope in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from onestop.access import case_owner_id
from onestop.actions.runtime import Runtime
from onestop.actions.window import outstanding_deferred
from onestop.cases.case import Case
from onestop.cases.events import Event
from onestop.cases.kinds import get_kind
from onestop.cases.view import ClockView, clock_view
from onestop.db import cases_repo as repo
from onestop.db import org_repo
from onestop.db.engine import read
from onestop.db.tables import case_submissions, cases, parties, window_materials
from onestop.org.masking import mask_resident_id
from onestop.org.scope import unit_scope
from onestop.org.units import UnitTree
from onestop.org.users import Actor
from onestop.window.kinds import APPLICATION, APPROVAL, STAGE, WORKING
from onestop.window.materials import Status
from onestop.worktime import WorkingTime


@dataclass(frozen=True)
class MaterialRow:
    code: str
    name: str
    status: str
    status_label: str
    status_colour: str
    given: str | None
    reason: str
    certificate_number: str | None


@dataclass(frozen=True)
class ApprovalView:
    case: Case
    unit_name: str
    state_label: str
    state_colour: str
    clock: ClockView
    items: list[dict[str, Any]]
    application: str
    target_name: str
    stage: str | None


@dataclass(frozen=True)
class StageView:
    case: Case
    name: str
    unit_name: str
    state_label: str
    state_colour: str
    clock: ClockView
    approvals: list[ApprovalView]


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    actor: str
    to_label: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ApplicationView:
    case: Case
    state_label: str
    state_colour: str
    clock: ClockView
    unit_name: str
    party_name: str
    party_id_masked: str
    materials: list[MaterialRow]
    approvals: list[ApprovalView]
    stages: list[StageView]
    timeline: list[TimelineEntry]
    owner_id: int | None
    department_ids: list[int]
    outstanding: list[str]

    @property
    def payload(self) -> Any:
        return self.case.payload

    @property
    def actions(self) -> set[str]:
        kind = get_kind(self.case.kind)
        return {code for code, a in kind.actions.items() if self.case.state in a.from_states and not a.system_only}


def _unit_name(tree: UnitTree, unit_id: int | None) -> str:
    return tree.get(unit_id).name if unit_id is not None and unit_id in tree else ""


def _label(case: Case) -> tuple[str, str]:
    spec = get_kind(case.kind).states[case.state]
    return spec.label, spec.colour


def _approval_view(case: Case, tree: UnitTree, wt: WorkingTime, now: datetime) -> ApprovalView:
    label, colour = _label(case)
    items = case.payload.get("items") or []
    assert isinstance(items, list)
    return ApprovalView(
        case=case,
        unit_name=_unit_name(tree, case.unit_id),
        state_label=label,
        state_colour=colour,
        clock=clock_view(case, now, wt),
        items=items,
        application=str(case.payload.get("application") or ""),
        target_name=str(case.payload.get("target_name") or ""),
        stage=None if case.payload.get("stage") is None else str(case.payload.get("stage")),
    )


def materials(conn: Connection, case_id: int) -> list[MaterialRow]:
    rows = conn.execute(
        sa.select(window_materials).where(window_materials.c.case_id == case_id).order_by(window_materials.c.id)
    ).mappings()
    out = []
    for r in rows:
        status = Status(r["status"])
        out.append(
            MaterialRow(
                r["code"],
                r["name"],
                status.value,
                status.label,
                status.colour,
                r["given"],
                r["reason"],
                r["certificate_number"],
            )
        )
    return out


def _timeline(events: Sequence[Event], kind: str) -> list[TimelineEntry]:
    spec = get_kind(kind)
    out = []
    for e in events:
        action = spec.actions.get(e.action)
        label = {"open": "登记", "clock_warned": "时限预警", "clock_overdue": "已超期"}.get(e.action)
        out.append(
            TimelineEntry(
                at=e.at,
                label=label or (action.label if action else e.action),
                actor=e.actor,
                to_label=spec.states[e.to_state].label if e.to_state in spec.states else e.to_state,
                data=dict(e.data),
            )
        )
    return out


def _load(conn: Connection, number: str, kind: str) -> Case:
    """The case ``number`` if it is of ``kind``; anything else is not found, as an invisible case is."""
    from onestop.window.access import WindowNotFound

    try:
        case: Case | None = repo.load_case(conn, number.strip().upper())
    except Exception:
        case = None
    if case is None or case.kind != kind:
        raise WindowNotFound(f"办件 {number} 不存在或您无权查看", field="number")
    return case


def application_view(rt: Runtime, number: str) -> ApplicationView:
    now, wt = rt.now(), rt.working_time()
    with read(rt.engine) as conn:
        case = _load(conn, number, APPLICATION)
        tree = org_repo.load_unit_tree(conn)
        party = None
        if case.party_id is not None:
            party = conn.execute(sa.select(parties).where(parties.c.id == case.party_id)).mappings().first()
        owner = case_owner_id(conn, case.id)
        stages: list[StageView] = []
        flat: list[ApprovalView] = []
        for child in repo.load_children(conn, case.id or 0):
            if child.kind == STAGE:
                label, colour = _label(child)
                group = [_approval_view(a, tree, wt, now) for a in repo.load_children(conn, child.id or 0)]
                flat.extend(group)
                stages.append(
                    StageView(
                        child,
                        str(child.payload.get("name")),
                        _unit_name(tree, child.unit_id),
                        label,
                        colour,
                        clock_view(child, now, wt),
                        group,
                    )
                )
            elif child.kind == APPROVAL:
                flat.append(_approval_view(child, tree, wt, now))
        label, colour = _label(case)
        kind = str(party["kind"]) if party is not None else ""
        id_number = str(party["id_number"]) if party is not None else ""
        return ApplicationView(
            case=case,
            state_label=label,
            state_colour=colour,
            clock=clock_view(case, now, wt),
            unit_name=_unit_name(tree, case.unit_id),
            party_name=str(party["name"]) if party is not None else "",
            party_id_masked=mask_resident_id(id_number) if kind == "person" else id_number,
            materials=materials(conn, case.id or 0),
            approvals=flat,
            stages=stages,
            timeline=_timeline(repo.load_events(conn, case), case.kind),
            owner_id=None if owner is None else int(owner),
            department_ids=[a.case.unit_id for a in flat if a.case.unit_id is not None],
            outstanding=outstanding_deferred(conn, case.id or 0),
        )


def approval_view(rt: Runtime, number: str) -> tuple[ApprovalView, list[TimelineEntry]]:
    now, wt = rt.now(), rt.working_time()
    with read(rt.engine) as conn:
        case = _load(conn, number, APPROVAL)
        tree = org_repo.load_unit_tree(conn)
        return _approval_view(case, tree, wt, now), _timeline(repo.load_events(conn, case), case.kind)


def _scoped_cases(
    conn: Connection, actor: Actor, kind: str, states: Sequence[str], *, order: Sequence[Any], limit: int
) -> tuple[UnitTree, Sequence[RowMapping]]:
    """Cases of ``kind`` in ``states`` held within the actor's unit scope (none for an actor without one)."""
    tree = org_repo.load_unit_tree(conn)
    scope = sorted(unit_scope(actor, tree))
    if not scope:
        return tree, []
    query = sa.select(cases).where(cases.c.kind == kind, cases.c.state.in_(list(states)), cases.c.unit_id.in_(scope))
    return tree, conn.execute(query.order_by(*order).limit(limit)).mappings().all()


def approval_queue(rt: Runtime, actor: Actor, *, limit: int = 200) -> list[ApprovalView]:
    """The approvals of the actor's department(s) still being worked, the most urgent first."""
    now, wt = rt.now(), rt.working_time()
    order = (cases.c.due_at.is_(None), cases.c.due_at, cases.c.id)
    with read(rt.engine) as conn:
        tree, rows = _scoped_cases(conn, actor, APPROVAL, sorted(WORKING), order=order, limit=limit)
        return [_approval_view(repo.row_to_case(r), tree, wt, now) for r in rows]


@dataclass(frozen=True)
class DeskRow:
    case: Case
    state_label: str
    state_colour: str
    clock: ClockView
    outstanding: list[str]


def _desk_rows(conn: Connection, rows: Iterable[RowMapping], wt: WorkingTime, now: datetime) -> list[DeskRow]:
    out = []
    for r in rows:
        case = repo.row_to_case(r)
        label, colour = _label(case)
        out.append(DeskRow(case, label, colour, clock_view(case, now, wt), outstanding_deferred(conn, case.id or 0)))
    return out


def desk(rt: Runtime, actor: Actor, states: Sequence[str], *, limit: int = 200) -> list[DeskRow]:
    """Applications of the clerk's center in ``states`` (intake queue, issuance desk), oldest first."""
    now, wt = rt.now(), rt.working_time()
    with read(rt.engine) as conn:
        _, rows = _scoped_cases(conn, actor, APPLICATION, states, order=(cases.c.id,), limit=limit)
        return _desk_rows(conn, rows, wt, now)


def own_applications(rt: Runtime, actor: Actor, *, limit: int = 100) -> list[DeskRow]:
    """我的办件: the applications filed from the actor's own account, newest first."""
    now, wt = rt.now(), rt.working_time()
    if actor.user_id is None:
        return []
    with read(rt.engine) as conn:
        rows = conn.execute(
            sa.select(cases)
            .join(case_submissions, case_submissions.c.case_id == cases.c.id)
            .where(case_submissions.c.user_id == actor.user_id, cases.c.kind == APPLICATION)
            .order_by(cases.c.id.desc())
            .limit(limit)
        ).mappings()
        return _desk_rows(conn, rows, wt, now)
