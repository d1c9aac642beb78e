"""改革任务台账: importing a plan into a ledger of task cases, and tracking the tasks to done.

* ``review_plan`` — what an import would create: each task's owner (its lead unit, matched), co-units, and the
  unit names nobody could match (each with suggestions), for a person to check before anything is written.
* ``import_plan`` — in one transaction: the ledger row, one ``ledger_task`` case per task (owned by its lead
  unit; co-units in the payload; a date deadline becomes a working-day clock from the import), its ledger row,
  and for ``ongoing`` tasks the first monthly report (``ledger_report``) due by the ledger's reporting day.
  Mappings a person gave (name → unit code) are remembered, so the next plan that names the unit matches.
* ``dispatch_reports`` — 月调度: opens this month's report case under every open ongoing task (idempotent).
* ``file_report`` (the lead unit; consolidates the co-units' inputs and files the month's report in the same
  transaction), ``contribute`` (a co-unit), ``submit_completion``, and for the 营商办 ``review_report``,
  ``send_back``, ``complete``, ``cancel``, ``accept_report``, ``send_back_report``.
* Reads: ``list_ledgers``, ``ledger_rows`` (the ledger table, with filters), ``task_reports``,
  ``supervision_events`` (overdue tasks and missed reports, for the oversight module).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.actions.cases import ChildSpec, _join_parent, _open, perform
from onestop.actions.runtime import Runtime
from onestop.cases import engine
from onestop.cases.case import Case
from onestop.cases.errors import ActionNotAllowed, NotFound
from onestop.cases.events import Event
from onestop.db import cases_repo as repo
from onestop.db import org_repo
from onestop.db.engine import read, write
from onestop.db.tables import case_events, cases, ledger_tasks, ledgers, unit_aliases, units
from onestop.errors import DomainError
from onestop.ledger.deadlines import ONGOING
from onestop.ledger.kinds import LEDGER_REPORT, LEDGER_TASK, REPORT, STATUS_CHOICES, TASK
from onestop.ledger.matching import COLLECTIVE, UnitMatch, UnitMatcher
from onestop.ledger.model import LedgerRow, Plan, Task
from onestop.ledger.unitnames import normalise_units
from onestop.org.roles import Role
from onestop.org.scope import unit_scope
from onestop.org.users import Actor
from onestop.worktime import TZ, CalendarYearUnknown, WorkingTime

DEFAULT_REPORT_DAY = 25
OPEN_STATES = ("in_progress", "review")


class LedgerError(DomainError):
    code = "ledger_error"
    status = 422


class UnmatchedUnits(LedgerError):
    code = "unmatched_units"


class _AlreadyScheduled(LedgerError):
    code = "already_scheduled"


# -- review ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskReview:
    seq: int
    task: Task
    leads: list[UnitMatch]
    cooperating: list[UnitMatch]
    owner_id: int | None
    owner_name: str | None

    @property
    def lead_ids(self) -> list[int]:
        return _ids(self.leads)

    @property
    def co_ids(self) -> list[int]:
        return [i for i in _ids(self.cooperating) if i not in self.lead_ids]


@dataclass(frozen=True)
class ImportReview:
    plan: Plan
    tasks: list[TaskReview]
    unmatched: list[UnitMatch]  # each name once, in the order the plan names them
    matched: list[UnitMatch] = field(default_factory=list)

    @property
    def without_owner(self) -> list[TaskReview]:
        return [t for t in self.tasks if t.owner_id is None]

    @property
    def ready(self) -> bool:
        """Every task has a unit to own it (unmatched co-units are kept as names)."""
        return bool(self.tasks) and not self.without_owner


def _ids(found: Iterable[UnitMatch]) -> list[int]:
    out: list[int] = []
    for m in found:
        if m.unit_id is not None and m.unit_id not in out:
            out.append(m.unit_id)
    return out


def _load_matcher(conn: Connection) -> UnitMatcher:
    tree = org_repo.load_unit_tree(conn)
    aliases = {r.name: r.unit_id for r in conn.execute(sa.select(unit_aliases.c.name, unit_aliases.c.unit_id))}
    return UnitMatcher(tree, aliases)


def _resolve_mapping(conn: Connection, mapping: Mapping[str, str]) -> dict[str, int]:
    """name → unit code (as a person writes it) → name → unit id; an unknown code is an error."""
    out: dict[str, int] = {}
    for name, code in mapping.items():
        row = conn.execute(sa.select(units.c.id).where(units.c.code == code.strip())).first()
        if row is None:
            raise LedgerError(f"单位代码「{code}」不存在（对应「{name}」）", field="map")
        out[name.strip()] = row.id
    return out


def _review(conn: Connection, plan: Plan, mapping: Mapping[str, str], supervisor_id: int | None) -> ImportReview:
    matcher = _load_matcher(conn)
    extra = _resolve_mapping(conn, mapping)
    if extra:
        tree = org_repo.load_unit_tree(conn)
        aliases = {r.name: r.unit_id for r in conn.execute(sa.select(unit_aliases.c.name, unit_aliases.c.unit_id))}
        matcher = UnitMatcher(tree, {**aliases, **extra})
    supervisor_name = None
    if supervisor_id is not None:
        supervisor_name = conn.execute(sa.select(units.c.name).where(units.c.id == supervisor_id)).scalar_one()
    seen: dict[str, UnitMatch] = {}

    def match_all(names: list[str]) -> list[UnitMatch]:
        out = []
        for name in normalise_units(names):
            if name not in seen:
                seen[name] = matcher.match(name)
            out.append(seen[name])
        return out

    reviews = []
    for seq, task in enumerate(plan.tasks, start=1):
        lead_names = task.lead_units or task.responsible_units
        co_names = task.cooperating_units + (task.responsible_units if task.lead_units else [])
        leads, cooperating = match_all(lead_names), match_all(co_names)
        owner = next((m for m in leads if m.unit_id is not None), None)
        owner_id, owner_name = (owner.unit_id, owner.unit_name) if owner else (None, None)
        if owner is None and all(m.how == COLLECTIVE for m in leads):
            # 县直相关部门牵头: no one unit leads; the supervising office owns the task and follows it up
            owner_id, owner_name = supervisor_id, supervisor_name
        reviews.append(TaskReview(seq, task, leads, cooperating, owner_id, owner_name))
    unmatched = [m for m in seen.values() if m.unit_id is None and m.how != COLLECTIVE]
    matched = [m for m in seen.values() if m.unit_id is not None]
    return ImportReview(plan, reviews, unmatched, matched)


def review_plan(
    rt: Runtime, plan: Plan, *, mapping: Mapping[str, str] | None = None, supervisor: str | None = None
) -> ImportReview:
    """What importing ``plan`` would create, without writing anything."""
    with read(rt.engine) as conn:
        supervisor_id = _unit_id(conn, supervisor) if supervisor else None
        return _review(conn, plan, mapping or {}, supervisor_id)


def _unit_id(conn: Connection, code: str) -> int:
    row = conn.execute(sa.select(units.c.id).where(units.c.code == code.strip())).first()
    if row is None:
        raise LedgerError(f"单位代码「{code}」不存在", field="supervisor")
    return int(row.id)


def remember_mappings(rt: Runtime, mapping: Mapping[str, str], actor: Actor) -> int:
    """Stores name → unit (by code) so later imports match the name; returns how many were stored."""
    with write(rt.engine) as conn:
        return _remember(conn, _resolve_mapping(conn, mapping), actor, rt.now())


def _remember(conn: Connection, resolved: Mapping[str, int], actor: Actor, now: datetime) -> int:
    for name, unit_id in resolved.items():
        conn.execute(sa.delete(unit_aliases).where(unit_aliases.c.name == name))
        conn.execute(
            sa.insert(unit_aliases).values(name=name, unit_id=unit_id, created_at=now, created_by=actor.username)
        )
    return len(resolved)


def unit_aliases_list(rt: Runtime) -> list[tuple[str, str, str]]:
    """(name, unit code, unit name) of every remembered mapping."""
    with read(rt.engine) as conn:
        rows = conn.execute(
            sa.select(unit_aliases.c.name, units.c.code, units.c.name.label("unit_name"))
            .join(units, units.c.id == unit_aliases.c.unit_id)
            .order_by(unit_aliases.c.name)
        )
        return [(r.name, r.code, r.unit_name) for r in rows]


# -- import ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    id: int
    title: str
    issuer: str | None
    plan_date: str | None
    source: str
    report_day: int
    supervisor_unit_id: int | None
    created_at: datetime
    task_count: int = 0


def latest_date(deadline: object) -> date | None:
    values = deadline if isinstance(deadline, list) else [deadline]
    days = [date.fromisoformat(v) for v in values if isinstance(v, str) and v != ONGOING]
    return max(days) if days else None


def is_ongoing(deadline: object) -> bool:
    return deadline == ONGOING or (isinstance(deadline, list) and ONGOING in deadline)


def _workdays_until(wt: WorkingTime, now: datetime, day: date) -> int | None:
    """Working days from ``now`` to ``day`` (the limit whose due is the last working day on or before it)."""
    today = now.astimezone(TZ).date()
    if day <= today:
        return 0
    try:
        return max(wt.workdays_between(today, day), 0)
    except CalendarYearUnknown:
        return None


def report_due(month: str, report_day: int) -> date:
    year, mon = (int(p) for p in month.split("-"))
    return date(year, mon, min(report_day, calendar.monthrange(year, mon)[1]))


def current_month(now: datetime, report_day: int) -> str:
    """The month whose report is next due: this month until its reporting day has passed."""
    today = now.astimezone(TZ).date()
    month = f"{today.year:04d}-{today.month:02d}"
    if today > report_due(month, report_day):
        year, mon = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        month = f"{year:04d}-{mon:02d}"
    return month


def _report_child(task: Case, month: str, report_day: int, wt: WorkingTime, now: datetime) -> ChildSpec:
    due = report_due(month, report_day)
    payload: dict[str, Any] = {
        "ledger_id": task.payload.get("ledger_id"),
        "task_number": task.number,
        "title": task.payload.get("title"),
        "month": month,
        "due_date": due.isoformat(),
    }
    days = _workdays_until(wt, now, due)
    if days is not None:
        payload["limit"] = f"{days}d"
    return ChildSpec(REPORT, task.unit_id, payload)


def _task_payload(
    review: TaskReview, ledger_id: int, wt: WorkingTime, now: datetime
) -> tuple[dict[str, Any], date | None, bool]:
    task = review.task
    deadline_day = latest_date(task.deadline)
    ongoing = is_ongoing(task.deadline)
    payload: dict[str, Any] = {
        "ledger_id": ledger_id,
        "seq": review.seq,
        "number": task.number,
        "path": task.path,
        "title": task.title,
        "text": task.text,
        "lead_units": [m.name for m in review.leads],
        "cooperating_units": [m.name for m in review.cooperating],
        "lead_unit_ids": review.lead_ids,
        "co_unit_ids": review.co_ids,
        "leader": task.leader,
        "deadline": task.deadline,
        "deadline_text": task.deadline_text,
        "deadline_date": None if deadline_day is None else deadline_day.isoformat(),
        "ongoing": ongoing,
        "targets": [t.to_json() for t in task.targets],
        "progress": None,
        "co_inputs": {},
    }
    if deadline_day is not None:
        days = _workdays_until(wt, now, deadline_day)
        if days is not None:
            payload["limit"] = f"{days}d"
    return payload, deadline_day, ongoing


def import_plan(
    rt: Runtime,
    plan: Plan,
    actor: Actor,
    *,
    mapping: Mapping[str, str] | None = None,
    source: str = "",
    report_day: int = DEFAULT_REPORT_DAY,
    supervisor: str | None = None,
) -> Ledger:
    """Creates the ledger: one case per task, all in one transaction (after a crash, all of it or none)."""
    if not 1 <= report_day <= 31:
        raise LedgerError("每月报送日须在 1–31 之间", field="report_day")
    if not plan.tasks:
        raise LedgerError("未从该文件中识别出任务（需有“牵头单位”等责任分工）", field="file")
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    with write(rt.engine) as conn:
        supervisor_id = _unit_id(conn, supervisor) if supervisor else None
        resolved = _resolve_mapping(conn, mapping or {})
        _remember(conn, resolved, actor, now)
        review = _review(conn, plan, {}, supervisor_id)
        if not review.ready:
            names = "、".join(dict.fromkeys(m.name for t in review.without_owner for m in t.leads)) or "（无）"
            raise UnmatchedUnits(f"以下牵头单位未能对应到本系统的单位，请先为其指定对应单位：{names}", field="map")
        ledger_id = conn.execute(
            sa.insert(ledgers)
            .values(
                title=plan.title or source or "工作方案",
                issuer=plan.issuer,
                plan_date=plan.date,
                source=source,
                report_day=report_day,
                supervisor_unit_id=supervisor_id,
                plan=plan.to_json(),
                created_at=now,
                created_by=actor.username,
            )
            .returning(ledgers.c.id)
        ).scalar_one()
        month = current_month(now, report_day)
        for task_review in review.tasks:
            payload, deadline_day, ongoing = _task_payload(task_review, ledger_id, wt, now)
            case = _open(
                conn,
                TASK,
                actor=actor,
                wt=wt,
                now=now,
                unit_id=task_review.owner_id,
                payload=payload,
                party_id=None,
                parent_id=None,
                events=events,
            )
            assert case.id is not None
            conn.execute(
                sa.insert(ledger_tasks).values(
                    ledger_id=ledger_id,
                    seq=task_review.seq,
                    case_id=case.id,
                    lead_unit_id=task_review.owner_id,
                    deadline=deadline_day,
                    ongoing=ongoing,
                )
            )
            if ongoing:
                child = _report_child(case, month, report_day, wt, now)
                _open(
                    conn,
                    REPORT,
                    actor=actor,
                    wt=wt,
                    now=now,
                    unit_id=child.unit_id,
                    payload=child.payload,
                    party_id=None,
                    parent_id=case.id,
                    events=events,
                )
    rt.committed(events)
    return get_ledger(rt, ledger_id)


# -- 月调度 ------------------------------------------------------------------------------------------------------


def dispatch_reports(
    rt: Runtime,
    actor: Actor | None = None,
    *,
    month: str | None = None,
    ledger_id: int | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Opens the month's report under every open ongoing task that has none yet; returns the report numbers."""
    actor = actor or Actor.system()
    if now is not None:
        at = now
        rt = replace(rt, now=lambda: at)  # every write below stamps the tick's instant, not the wall clock
    wt, now = rt.working_time(), rt.now()
    with read(rt.engine) as conn:
        query = (
            sa.select(cases.c.number, ledgers.c.report_day)
            .select_from(ledger_tasks.join(cases, cases.c.id == ledger_tasks.c.case_id))
            .join(ledgers, ledgers.c.id == ledger_tasks.c.ledger_id)
            .where(ledger_tasks.c.ongoing.is_(True), cases.c.state.in_(OPEN_STATES))
            .order_by(ledger_tasks.c.ledger_id, ledger_tasks.c.seq)
        )
        if ledger_id is not None:
            query = query.where(ledger_tasks.c.ledger_id == ledger_id)
        rows = conn.execute(query).all()
    opened: list[str] = []
    for number, report_day in rows:
        wanted = month or current_month(now, report_day)

        def guard(conn: Connection, case: Case, wanted: str = wanted) -> None:
            for child in repo.load_children(conn, case.id or 0):
                if child.kind == REPORT and child.payload.get("month") == wanted:
                    raise _AlreadyScheduled("本月调度已发起")

        with read(rt.engine) as conn:
            task = repo.load_case(conn, number)
        child = _report_child(task, wanted, report_day, wt, now)
        try:
            perform(rt, number, "schedule_report", actor, {"month": wanted}, children=[child], guard=guard)
        except _AlreadyScheduled:
            continue
        except CalendarYearUnknown:
            # The task's own clock reaches a year with no holiday notice yet: its alarm cannot be computed, so
            # the report waits for the calendar (never a guess); the other tasks are dispatched meanwhile.
            continue
        with read(rt.engine) as conn:
            for c in repo.load_children(conn, task.id or 0):
                if c.kind == REPORT and c.payload.get("month") == wanted:
                    opened.append(c.number)
    return opened


def on_tick(rt: Runtime, now: datetime) -> int:
    """月调度 from the tick: opens each ledger's monthly reports once per month; returns how many it opened.

    The month whose report is next due (``current_month``) turns over the day after a ledger's reporting day,
    so the next month's report opens then and every unit has a whole month until it is due. A tick finds
    out cheaply whether any ledger still lacks that month's reports (one grouped count per ledger, no write);
    only then does it call ``dispatch_reports``, whose per-task guard keeps a second tick, or a second worker,
    from opening a report twice.
    """
    with read(rt.engine) as conn:
        pending = _ledgers_to_dispatch(conn, now)
    opened = 0
    for ledger_id, month in pending:
        opened += len(dispatch_reports(rt, ledger_id=ledger_id, month=month, now=now))
    return opened


def _ledgers_to_dispatch(conn: Connection, now: datetime) -> list[tuple[int, str]]:
    open_tasks = (
        sa.select(ledger_tasks.c.ledger_id, sa.func.count().label("n"))
        .select_from(ledger_tasks.join(cases, cases.c.id == ledger_tasks.c.case_id))
        .where(ledger_tasks.c.ongoing.is_(True), cases.c.state.in_(OPEN_STATES))
        .group_by(ledger_tasks.c.ledger_id)
    )
    counts = {int(ledger): int(n) for ledger, n in conn.execute(open_tasks)}
    if not counts:
        return []
    days = {
        int(i): int(d)
        for i, d in conn.execute(sa.select(ledgers.c.id, ledgers.c.report_day).where(ledgers.c.id.in_(sorted(counts))))
    }
    task = cases.alias("task")
    out: list[tuple[int, str]] = []
    for ledger_id, open_count in sorted(counts.items()):
        month = current_month(now, int(days[ledger_id]))
        scheduled = conn.execute(
            sa.select(sa.func.count())
            .select_from(
                ledger_tasks.join(task, task.c.id == ledger_tasks.c.case_id).join(cases, cases.c.parent_id == task.c.id)
            )
            .where(
                ledger_tasks.c.ledger_id == ledger_id,
                ledger_tasks.c.ongoing.is_(True),
                task.c.state.in_(OPEN_STATES),
                cases.c.kind == REPORT,
                cases.c.payload["month"].as_string() == month,
            )
        ).scalar_one()
        if scheduled < open_count:
            out.append((ledger_id, month))
    return out


# -- units' actions ----------------------------------------------------------------------------------------------


def _load_task(conn: Connection, number: str, *, for_update: bool = True) -> Case:
    case = repo.load_case(conn, number, for_update=for_update)
    if case.kind != TASK:
        raise NotFound(f"{number} 不是改革任务", field="number")
    return case


def _unit_ids(case: Case, key: str) -> list[int]:
    value = case.payload.get(key) or []
    return [int(v) for v in value] if isinstance(value, list) else []


def _supervisor_unit(conn: Connection, case: Case) -> int | None:
    ledger_id = case.payload.get("ledger_id")
    if ledger_id is None:
        return None
    value = conn.execute(sa.select(ledgers.c.supervisor_unit_id).where(ledgers.c.id == ledger_id)).scalar()
    return None if value is None else int(value)


def access_task_lead(conn: Connection, case: Case, actor: Actor) -> None:
    """The lead units' staff act for a task; so may the supervising office."""
    if actor.unit_id is not None and (
        actor.unit_id == case.unit_id or actor.unit_id in _unit_ids(case, "lead_unit_ids")
    ):
        return
    if actor.has_role(Role.SUPERVISOR):
        access_task_supervisor(conn, case, actor)
        return
    raise ActionNotAllowed("只有牵头单位可以报送该任务的进展", field="unit")


def access_task_co_unit(conn: Connection, case: Case, actor: Actor) -> None:
    if actor.unit_id is not None and actor.unit_id in _unit_ids(case, "co_unit_ids") + _unit_ids(case, "lead_unit_ids"):
        return
    raise ActionNotAllowed("只有配合单位可以报送配合情况", field="unit")


def access_task_supervisor(conn: Connection, case: Case, actor: Actor) -> None:
    """The 营商办 of the ledger (or, where the ledger names none, any supervisor) reviews its tasks."""
    if not actor.has_role(Role.SUPERVISOR):
        raise ActionNotAllowed("只有督查员（营商办）可以审核任务", field="role")
    supervisor_unit = _supervisor_unit(conn, case)
    if supervisor_unit is not None and actor.unit_id != supervisor_unit:
        raise ActionNotAllowed("只有本台账的督办单位可以审核任务", field="unit")


def may_view_task(conn: Connection, case: Case, actor: Actor) -> bool:
    return task_viewer(conn, actor)(case)


def task_viewer(conn: Connection, actor: Actor) -> Callable[[Case], bool]:
    """Who sees a task: admins; the 营商办 that follows its ledger, or a supervisor whose region holds it; the
    staff of its lead and co-units. One unit-tree read serves every task of a table."""
    if actor.has_role(Role.ADMIN, Role.SYSTEM):
        return lambda case: True
    unit_id = actor.unit_id
    if unit_id is None:
        return lambda case: False
    scope: frozenset[int] = frozenset()
    supervised: set[int] = set()
    if actor.has_role(Role.SUPERVISOR):
        scope = unit_scope(actor, org_repo.load_unit_tree(conn))
        supervised = {
            int(i)
            for i in conn.execute(sa.select(ledgers.c.id).where(ledgers.c.supervisor_unit_id == unit_id)).scalars()
        }

    def sees(case: Case) -> bool:
        if unit_id == case.unit_id or unit_id in _unit_ids(case, "lead_unit_ids") + _unit_ids(case, "co_unit_ids"):
            return True
        return case.payload.get("ledger_id") in supervised or (case.unit_id is not None and case.unit_id in scope)

    return sees


def access_task_view(conn: Connection, case: Case, actor: Actor) -> None:
    """A task the actor may not see does not exist for them (404, never 403)."""
    if not may_view_task(conn, case, actor):
        raise NotFound(f"任务 {case.number} 不存在或您无权查看", field="number")


def may_import(actor: Actor) -> bool:
    return actor.has_role(Role.SUPERVISOR, Role.ADMIN)


def access_import(actor: Actor) -> None:
    """Importing a plan (and mapping unit names for everyone) is the 营商办's or an administrator's work."""
    if not may_import(actor):
        raise ActionNotAllowed("只有督查员（营商办）或管理员可以导入工作方案", field="role")


def _act(  # noqa: PLR0917  (positional like engine.decide, which it wraps)
    conn: Connection,
    case: Case,
    action: str,
    actor: Actor,
    data: Mapping[str, Any],
    wt: WorkingTime,
    now: datetime,
    events: list[Event],
) -> Case:
    """One action on a locked case, inside the caller's transaction (what ``perform`` does for one case)."""
    new, event = engine.decide(case, action, actor, dict(data), now, wt)
    repo.update_case(conn, new, case.version, [event], wt)
    events.append(event)
    _join_parent(conn, new, wt, now, events)
    return new


def _progress(
    actor: Actor, now: datetime, *, text: str, status: str, percent: int | None, evidence: Sequence[str]
) -> dict[str, Any]:
    if status not in STATUS_CHOICES:
        raise LedgerError(f"推进状态须为 {'、'.join(STATUS_CHOICES.values())} 之一", field="status")
    if percent is not None and not 0 <= percent <= 100:
        raise LedgerError("完成进度须在 0–100 之间", field="percent")
    return {
        "text": text.strip(),
        "status": status,
        "status_label": STATUS_CHOICES[status],
        "percent": percent,
        "evidence": [e.strip() for e in evidence if e.strip()],
        "at": now.isoformat(),
        "by": actor.username,
        "unit_id": actor.unit_id,
    }


def file_report(
    rt: Runtime,
    number: str,
    actor: Actor,
    *,
    text: str,
    status: str = "on_track",
    percent: int | None = None,
    evidence: Sequence[str] = (),
) -> Case:
    """The lead unit reports progress: co-units' inputs not yet reported are consolidated into it, and the
    month's report (if one is due) is filed by it, in the same transaction."""
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    with write(rt.engine) as conn:
        task = _load_task(conn, number)
        access_task_lead(conn, task, actor)
        progress = _progress(actor, now, text=text, status=status, percent=percent, evidence=evidence)
        inputs = task.payload.get("co_inputs") or {}
        assert isinstance(inputs, dict)
        pending = [dict(v, unit_id=int(k)) for k, v in inputs.items() if not v.get("consolidated")]
        progress["consolidated"] = pending
        data = {
            "text": progress["text"],
            "status": status,
            "percent": percent,
            "evidence": progress["evidence"],
            "consolidated": [p["unit_id"] for p in pending],
            "payload": {
                "progress": progress,
                "co_inputs": {k: {**v, "consolidated": True} for k, v in inputs.items()},
            },
        }
        new = _act(conn, task, "report", actor, data, wt, now, events)
        for child in repo.load_children(conn, task.id or 0):
            if child.kind == REPORT and child.state == "due":
                locked = repo.load_case_by_id(conn, child.id or 0, for_update=True)
                _act(
                    conn,
                    locked,
                    "file",
                    actor,
                    {"task_event": events[0].seq, "text": progress["text"]},
                    wt,
                    now,
                    events,
                )
    rt.committed(events)
    return new


def contribute(
    rt: Runtime,
    number: str,
    actor: Actor,
    *,
    text: str,
    percent: int | None = None,
    evidence: Sequence[str] = (),
) -> Case:
    """A co-unit's input (配合单位报送); the lead unit's next report consolidates it."""
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    with write(rt.engine) as conn:
        task = _load_task(conn, number)
        access_task_co_unit(conn, task, actor)
        entry = _progress(actor, now, text=text, status="on_track", percent=percent, evidence=evidence)
        entry["consolidated"] = False
        existing = task.payload.get("co_inputs") or {}
        inputs: dict[str, Any] = dict(existing) if isinstance(existing, dict) else {}
        inputs[str(actor.unit_id)] = entry
        data = {
            "text": entry["text"],
            "percent": percent,
            "evidence": entry["evidence"],
            "payload": {"co_inputs": inputs},
        }
        new = _act(conn, task, "contribute", actor, data, wt, now, events)
    rt.committed(events)
    return new


def submit_completion(rt: Runtime, number: str, actor: Actor, *, text: str, evidence: Sequence[str] = ()) -> Case:
    """The lead unit asks the 营商办 to close the task (申请销号); the clock pauses while it is reviewed."""
    data = {"text": text, "evidence": [e for e in evidence if e.strip()]}
    return _perform_task(rt, number, "submit", actor, data, check=access_task_lead)


def review_report(rt: Runtime, number: str, actor: Actor, *, verdict: str, comment: str = "") -> Case:
    """The 营商办 reads the latest progress report: ``ok`` or ``returned`` (with a comment for the unit)."""
    if verdict not in ("ok", "returned"):
        raise LedgerError("审阅意见须为 ok（通过）或 returned（退回）", field="verdict")
    if verdict == "returned" and not comment.strip():
        raise LedgerError("退回须说明理由", field="comment")
    data = {"verdict": verdict, "comment": comment, "payload": {"review": {"verdict": verdict, "comment": comment}}}
    return _perform_task(rt, number, "review_report", actor, data, check=access_task_supervisor)


def send_back(rt: Runtime, number: str, actor: Actor, *, reason: str) -> Case:
    return _perform_task(rt, number, "send_back", actor, {"reason": reason}, check=access_task_supervisor)


def complete(rt: Runtime, number: str, actor: Actor, *, comment: str = "") -> Case:
    """The 营商办 marks the task done (销号); reports still open under it are closed."""
    return _finish(rt, number, "complete", actor, {"comment": comment})


def cancel(rt: Runtime, number: str, actor: Actor, *, reason: str) -> Case:
    return _finish(rt, number, "cancel", actor, {"reason": reason})


def _finish(rt: Runtime, number: str, action: str, actor: Actor, data: Mapping[str, Any]) -> Case:
    wt, now = rt.working_time(), rt.now()
    events: list[Event] = []
    with write(rt.engine) as conn:
        task = _load_task(conn, number)
        access_task_supervisor(conn, task, actor)
        new = _act(conn, task, action, actor, data, wt, now, events)
        for child in repo.load_children(conn, task.id or 0):
            if child.kind == REPORT and child.state in ("due", "filed"):
                locked = repo.load_case_by_id(conn, child.id or 0, for_update=True)
                _act(conn, locked, "close", actor, {"reason": "任务已结束"}, wt, now, events)
    rt.committed(events)
    return new


def _perform_task(rt: Runtime, number: str, action: str, actor: Actor, data: Mapping[str, Any], *, check: Any) -> Case:
    def guard(conn: Connection, case: Case) -> None:
        if case.kind != TASK:
            raise NotFound(f"{number} 不是改革任务", field="number")
        check(conn, case, actor)

    return perform(rt, number, action, actor, data, guard=guard)


def accept_report(rt: Runtime, number: str, actor: Actor) -> Case:
    return _perform_report(rt, number, "accept", actor, {})


def send_back_report(rt: Runtime, number: str, actor: Actor, *, reason: str) -> Case:
    return _perform_report(rt, number, "send_back", actor, {"reason": reason})


def _perform_report(rt: Runtime, number: str, action: str, actor: Actor, data: Mapping[str, Any]) -> Case:
    def guard(conn: Connection, case: Case) -> None:
        if case.kind != REPORT or case.parent_id is None:
            raise NotFound(f"{number} 不是月调度报告", field="number")
        access_task_supervisor(conn, repo.load_case_by_id(conn, case.parent_id), actor)

    return perform(rt, number, action, actor, data, guard=guard)


# -- reads -------------------------------------------------------------------------------------------------------


def _ledger_from(row: Any, count: int = 0) -> Ledger:
    return Ledger(
        id=row.id,
        title=row.title,
        issuer=row.issuer,
        plan_date=row.plan_date,
        source=row.source,
        report_day=row.report_day,
        supervisor_unit_id=row.supervisor_unit_id,
        created_at=row.created_at,
        task_count=count,
    )


def get_ledger(rt: Runtime, ledger_id: int) -> Ledger:
    with read(rt.engine) as conn:
        row = conn.execute(sa.select(ledgers).where(ledgers.c.id == ledger_id)).first()
        if row is None:
            raise NotFound(f"台账 {ledger_id} 不存在", field="ledger")
        count = conn.execute(
            sa.select(sa.func.count()).select_from(ledger_tasks).where(ledger_tasks.c.ledger_id == ledger_id)
        ).scalar_one()
        return _ledger_from(row, count)


def list_ledgers(rt: Runtime) -> list[Ledger]:
    with read(rt.engine) as conn:
        counts: dict[int, int] = {
            int(ledger): int(n)
            for ledger, n in conn.execute(
                sa.select(ledger_tasks.c.ledger_id, sa.func.count()).group_by(ledger_tasks.c.ledger_id)
            )
        }
        rows = conn.execute(sa.select(ledgers).order_by(ledgers.c.id)).all()
        return [_ledger_from(r, counts.get(r.id, 0)) for r in rows]


def ledger_rows(
    rt: Runtime,
    ledger_id: int,
    *,
    unit_id: int | None = None,
    state: str | None = None,
    overdue: bool | None = None,
    viewer: Actor | None = None,
) -> list[LedgerRow]:
    """The ledger as a table (序号 order), filtered by the unit that leads or co-operates, state, overdue;
    with ``viewer``, only the tasks that person may see (``task_viewer``)."""
    with read(rt.engine) as conn:
        sees = task_viewer(conn, viewer) if viewer is not None else None
        query = (
            sa.select(ledger_tasks.c.seq, cases)
            .join(cases, cases.c.id == ledger_tasks.c.case_id)
            .where(ledger_tasks.c.ledger_id == ledger_id)
            .order_by(ledger_tasks.c.seq)
        )
        if state is not None:
            query = query.where(cases.c.state == state)
        if overdue is not None:
            query = query.where((cases.c.alarm == "overdue") if overdue else (cases.c.alarm != "overdue"))
        rows = conn.execute(query).mappings().all()
        names = dict(conn.execute(sa.select(units.c.id, units.c.name)).all())
        reports = _open_reports(conn, [r["id"] for r in rows])
    out = []
    for row in rows:
        case = repo.row_to_case(row)
        payload = case.payload
        leads = _unit_ids(case, "lead_unit_ids")
        cos = _unit_ids(case, "co_unit_ids")
        if unit_id is not None and unit_id != case.unit_id and unit_id not in leads + cos:
            continue
        if sees is not None and not sees(case):
            continue
        out.append(_row(row["seq"], case, payload, names, reports.get(case.id or 0, [])))
    return out


def _open_reports(conn: Connection, task_ids: list[int]) -> dict[int, list[Case]]:
    if not task_ids:
        return {}
    out: dict[int, list[Case]] = {}
    rows = conn.execute(
        sa.select(cases).where(cases.c.parent_id.in_(task_ids), cases.c.kind == REPORT).order_by(cases.c.id)
    ).mappings()
    for row in rows:
        case = repo.row_to_case(row)
        out.setdefault(case.parent_id or 0, []).append(case)
    return out


def _row(seq: int, case: Case, payload: Mapping[str, Any], names: Mapping[int, str], reports: list[Case]) -> LedgerRow:
    progress = payload.get("progress") or {}
    state_label = LEDGER_TASK.states[case.state].label
    latest_report = reports[-1] if reports else None
    return LedgerRow(
        seq=seq,
        case_number=case.number,
        number=str(payload.get("number") or ""),
        title=str(payload.get("title") or ""),
        text=str(payload.get("text") or ""),
        lead_units=list(payload.get("lead_units") or []),
        cooperating_units=list(payload.get("cooperating_units") or []),
        owner=names.get(case.unit_id or 0, ""),
        leader=payload.get("leader"),
        deadline=payload.get("deadline"),
        deadline_text=payload.get("deadline_text"),
        state=case.state,
        state_label=state_label,
        alarm=case.alarm.value,
        due_at=case.due_at,
        progress_text=str(progress.get("text") or ""),
        progress_status=str(progress.get("status_label") or ""),
        progress_percent=progress.get("percent"),
        progress_at=str(progress.get("at") or ""),
        report_number=None if latest_report is None else latest_report.number,
        report_state=None if latest_report is None else LEDGER_REPORT.states[latest_report.state].label,
        report_alarm=None if latest_report is None else latest_report.alarm.value,
        targets=list(payload.get("targets") or []),
    )


@dataclass(frozen=True)
class TaskReport:
    at: datetime
    action: str
    actor: str
    data: Mapping[str, Any]


def task_reports(rt: Runtime, number: str) -> list[TaskReport]:
    """A task's history as its page shows it: reports, co-unit inputs, reviews, alarms."""
    with read(rt.engine) as conn:
        case = _load_task(conn, number, for_update=False)
        return [TaskReport(e.at, e.action, e.actor, e.data) for e in repo.load_events(conn, case) if e.action != "open"]


@dataclass(frozen=True)
class TaskDetail:
    """A task as its page shows it: the case, its monthly reports, its history and what the viewer may do."""

    case: Case
    ledger: Ledger
    owner: str
    reports: list[Case]
    history: list[TaskReport]
    unit_names: Mapping[int, str]
    is_lead: bool
    is_co: bool
    is_supervisor: bool


def task_detail(rt: Runtime, number: str, actor: Actor) -> TaskDetail:
    with read(rt.engine) as conn:
        case = _load_task(conn, number, for_update=False)
        access_task_view(conn, case, actor)
        names = {int(i): str(n) for i, n in conn.execute(sa.select(units.c.id, units.c.name))}
        reports = [c for c in repo.load_children(conn, case.id or 0) if c.kind == REPORT]
        history = [
            TaskReport(e.at, e.action, e.actor, e.data) for e in repo.load_events(conn, case) if e.action != "open"
        ]
        leads = _unit_ids(case, "lead_unit_ids")
        is_lead = actor.unit_id is not None and (actor.unit_id == case.unit_id or actor.unit_id in leads)
        is_co = actor.unit_id is not None and actor.unit_id in _unit_ids(case, "co_unit_ids")
        try:
            access_task_supervisor(conn, case, actor)
            is_supervisor = True
        except ActionNotAllowed:
            is_supervisor = False
    ledger_id = case.payload.get("ledger_id")
    ledger = get_ledger(rt, ledger_id if isinstance(ledger_id, int) else 0)
    return TaskDetail(
        case=case,
        ledger=ledger,
        owner=names.get(case.unit_id or 0, ""),
        reports=sorted(reports, key=lambda c: str(c.payload.get("month") or "")),
        history=history,
        unit_names=names,
        is_lead=is_lead,
        is_co=is_co and not is_lead,
        is_supervisor=is_supervisor,
    )


def visible_ledgers(rt: Runtime, actor: Actor) -> list[tuple[Ledger, int]]:
    """The ledgers with at least one task the actor may see, and how many they see (importers see all)."""
    out = []
    for ledger in list_ledgers(rt):
        seen = len(ledger_rows(rt, ledger.id, viewer=actor))
        if seen or may_import(actor):
            out.append((ledger, seen))
    return out


@dataclass(frozen=True)
class TargetActual:
    """A task's quantitative target beside the figure the platform measured for it (where it measures one)."""

    metric: str
    comparator: str
    value: float
    unit: str
    measure: str | None  # the evaluation measure that gives the actual; None: the platform does not measure it
    measure_label: str = ""
    actual: float | None = None  # in the measure's unit
    actual_unit: str = ""
    target_value: float | None = None  # the target in the measure's unit (hours → working days)
    met: bool | None = None
    case_count: int = 0
    period: str = ""
    note: str = ""

    @property
    def comparator_label(self) -> str:
        return COMPARATOR_LABELS.get(self.comparator, self.comparator)


COMPARATOR_LABELS = {
    "<=": "不超过",
    "<": "少于",
    ">=": "不低于",
    ">": "高于",
    "reduce_by": "压减",
    "increase_by": "提高",
}


def task_targets(rt: Runtime, number: str, *, actor: Actor | None = None) -> list[TargetActual]:
    """Each target of the task with its actual, measured this year so far in the region the task lies in."""
    from onestop.actions.evaluation_reads.computed import get_measure, measure_one
    from onestop.evaluation.periods import Period
    from onestop.evaluation.regions import region_of_unit
    from onestop.ledger.metrics import match_measure, target_met
    from onestop.ledger.model import Target
    from onestop.org.units import UnitKind

    now = rt.now()
    period = Period.parse(str(now.astimezone(TZ).year))
    wt = rt.working_time()
    out: list[TargetActual] = []
    with read(rt.engine) as conn:
        case = _load_task(conn, number, for_update=False)
        if actor is not None:
            access_task_view(conn, case, actor)
        tree = org_repo.load_unit_tree(conn)
        region = None
        if case.unit_id is not None:
            regions = [u for u in tree.path(case.unit_id) if u.kind is UnitKind.REGION]
            region = region_of_unit(tree, regions[-1].id) if regions else None
        text = str(case.payload.get("text") or "")
        targets = case.payload.get("targets") or []
        assert isinstance(targets, list)
        for raw in targets:
            target = Target(str(raw["metric"]), str(raw["comparator"]), raw["value"], str(raw["unit"]))
            item = TargetActual(target.metric, target.comparator, float(target.value), target.unit, None)
            match = match_measure(target, text)
            measure = get_measure(match.measure) if match is not None else None
            if match is None:
                out.append(replace(item, note="平台暂不采集该项数据"))
                continue
            if measure is None or region is None:
                note = "相关业务模块尚未接入" if measure is None else "任务牵头单位不属于任何行政区"
                out.append(replace(item, measure=match.measure, note=note))
                continue
            found = measure_one(conn, measure.code, period, region, wt, with_cases=False)
            wanted = float(target.value) * match.factor
            met = None if found.value is None else target_met(target.comparator, wanted, found.value)
            out.append(
                replace(
                    item,
                    measure=measure.code,
                    measure_label=measure.label,
                    actual=found.value,
                    actual_unit=measure.unit,
                    target_value=wanted,
                    met=met,
                    case_count=found.denominator,
                    period=f"{period.label}（截至{now.astimezone(TZ):%m月%d日}，{region.name}）",
                    note="本期无符合条件的办件" if found.value is None else "",
                )
            )
    return out


@dataclass(frozen=True)
class SupervisionEvent:
    """An overdue task or a missed monthly report: what the oversight module turns into 督办."""

    at: datetime
    case_number: str
    kind: str  # "task_overdue" | "task_warning" | "report_missed" | "report_warning"
    unit_id: int | None
    title: str
    ledger_id: int | None


def supervision_events(rt: Runtime, *, since: datetime | None = None) -> list[SupervisionEvent]:
    with read(rt.engine) as conn:
        query = (
            sa.select(
                case_events.c.at, case_events.c.action, cases.c.number, cases.c.kind, cases.c.unit_id, cases.c.payload
            )
            .join(cases, cases.c.id == case_events.c.case_id)
            .where(
                cases.c.kind.in_((TASK, REPORT)),
                case_events.c.action.in_(("clock_overdue", "clock_warned")),
            )
            .order_by(case_events.c.at, case_events.c.id)
        )
        if since is not None:
            query = query.where(case_events.c.at >= since)
        out = []
        for row in conn.execute(query).mappings():
            payload = row["payload"]
            if isinstance(payload, str):  # SQLite returns JSON text through a plain select of the column
                import json

                payload = json.loads(payload)
            overdue = row["action"] == "clock_overdue"
            kind = ("task_" if row["kind"] == TASK else "report_") + (
                ("overdue" if row["kind"] == TASK else "missed") if overdue else "warning"
            )
            out.append(
                SupervisionEvent(
                    at=row["at"],
                    case_number=row["number"],
                    kind=kind,
                    unit_id=row["unit_id"],
                    title=str(payload.get("title") or ""),
                    ledger_id=payload.get("ledger_id"),
                )
            )
        return out


__all__ = [
    "ImportReview",
    "Ledger",
    "LedgerError",
    "SupervisionEvent",
    "TaskReview",
    "UnmatchedUnits",
    "accept_report",
    "access_import",
    "access_task_view",
    "cancel",
    "complete",
    "contribute",
    "dispatch_reports",
    "file_report",
    "import_plan",
    "ledger_rows",
    "list_ledgers",
    "on_tick",
    "remember_mappings",
    "review_plan",
    "review_report",
    "send_back",
    "send_back_report",
    "submit_completion",
    "supervision_events",
    "task_detail",
    "task_reports",
    "task_targets",
]
