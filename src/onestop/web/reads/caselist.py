"""The workbench list: filters, colour counts, one page of visible cases with masked personal data.

Visibility comes from ``onestop.access`` only; personal numbers are masked here for every row.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from onestop.access import access_visible_cases_filter
from onestop.actions.intake import get_form
from onestop.cases.errors import DomainError
from onestop.cases.kinds import all_kinds, get_kind
from onestop.db.tables import case_events, case_submissions, cases, parties
from onestop.org.masking import mask_phone, mask_resident_id, mask_text
from onestop.org.parties import PartyKind
from onestop.org.units import UnitTree
from onestop.org.users import Actor
from onestop.web.present import CLOCK_COLOURS
from onestop.web.reads.labels import MAX_PER_PAGE, ClockColour
from onestop.worktime import TZ


@dataclass(frozen=True)
class CaseFilters:
    kind: str | None = None
    state: str | None = None
    unit_id: int | None = None
    colour: ClockColour | None = None
    due_after: date | None = None
    due_before: date | None = None
    q: str | None = None
    mine: bool = False
    own_only: bool = False  # only what the account itself submitted (我的申请)
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class CaseRow:
    number: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    state_colour: str
    unit_id: int | None
    unit_name: str
    subject: str
    applicant: str
    party_id_masked: str
    party_phone_masked: str
    clock: ClockColour
    clock_label: str
    due_at: datetime | None
    due_provisional: bool
    created_at: datetime
    updated_at: datetime
    version: int
    parent_number: str | None


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    per_page: int
    # The first instant a row's clock colour turns (a warning or a due instant after now); None if none will.
    turns_at: datetime | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, TZ)


def clock_colour(
    mode: str, alarm: str, due_at: datetime | None, next_alarm_at: datetime | None, now: datetime
) -> ClockColour:
    """The colour word of a row from its stored columns, fresh even if the tick has not swept it yet."""
    if mode == "paused":
        return "paused"
    if mode == "stopped":
        return "stopped"
    if mode != "running":
        return "not_started"
    if alarm == "overdue" or (due_at is not None and due_at <= now):
        return "overdue"
    if alarm == "warning" or (next_alarm_at is not None and next_alarm_at <= now):
        return "warning"
    return "normal"


def _colour_condition(colour: ClockColour, now: datetime) -> sa.ColumnElement[bool]:
    c = cases.c
    running = c.clock_mode == "running"
    overdue = sa.or_(c.alarm == "overdue", sa.and_(c.due_at.is_not(None), c.due_at <= now))
    warning = sa.or_(c.alarm == "warning", sa.and_(c.next_alarm_at.is_not(None), c.next_alarm_at <= now))
    match colour:
        case "overdue":
            return sa.and_(running, overdue)
        case "warning":
            return sa.and_(running, sa.not_(overdue), warning)
        case "normal":
            return sa.and_(running, sa.not_(overdue), sa.not_(warning))
        case "paused":
            return c.clock_mode == "paused"
        case "stopped":
            return c.clock_mode == "stopped"
        case _:
            return c.clock_mode == "not_started"


def has_actions(actor: Actor) -> bool:
    """Whether any kind gives ``actor`` an action (an administrator has none: 我的待办 would be empty)."""
    return any(
        not action.system_only and not actor.roles.isdisjoint(action.roles)
        for kind in all_kinds()
        for action in kind.actions.values()
    )


def actionable_condition(actor: Actor) -> sa.ColumnElement[bool]:
    """Cases in a state where ``actor`` holds a role for some (non-system) action: 待我办理."""
    return _actionable(frozenset(actor.roles), len(all_kinds()))


@functools.lru_cache(maxsize=64)
def _actionable(roles: frozenset[str], _kinds: int) -> sa.ColumnElement[bool]:
    # Keyed by the number of registered kinds too: a module registering kinds later changes the answer.
    parts = []
    for kind in all_kinds():
        states = sorted(
            {
                state
                for action in kind.actions.values()
                if not action.system_only and not roles.isdisjoint(action.roles)
                for state in action.from_states
            }
        )
        if states:
            parts.append(sa.and_(cases.c.kind == kind.code, cases.c.state.in_(states)))
    return sa.or_(*parts) if parts else sa.false()


def _conditions(actor: Actor, tree: UnitTree, f: CaseFilters, now: datetime) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = [access_visible_cases_filter(actor, tree)]
    if f.kind:
        conds.append(cases.c.kind == f.kind)
    if f.state:
        conds.append(cases.c.state == f.state)
    if f.unit_id is not None:
        ids = sorted(tree.subtree_ids(f.unit_id)) if f.unit_id in tree else []
        conds.append(cases.c.unit_id.in_(ids))
    if f.colour:
        conds.append(_colour_condition(f.colour, now))
    if f.due_after is not None:
        conds.append(cases.c.due_at >= local_midnight(f.due_after))
    if f.due_before is not None:
        conds.append(cases.c.due_at < local_midnight(f.due_before + timedelta(days=1)))
    if f.q:
        q = f.q.strip()
        conds.append(
            sa.or_(cases.c.number.startswith(q.upper(), autoescape=True), parties.c.name.contains(q, autoescape=True))
        )
    if f.mine:
        conds.append(actionable_condition(actor))
    if f.own_only:
        conds.append(
            cases.c.id.in_(sa.select(case_submissions.c.case_id).where(case_submissions.c.user_id == actor.user_id))
        )
    return conds


def colour_counts(conn: Connection, actor: Actor, tree: UnitTree, f: CaseFilters, now: datetime) -> dict[str, int]:
    """How many of the filtered cases are in each clock colour (the badges above the workbench list)."""
    from dataclasses import replace

    conds = _conditions(actor, tree, replace(f, colour=None), now)
    c = cases.c
    query = (
        sa.select(
            c.clock_mode,
            c.alarm,
            sa.and_(c.due_at.is_not(None), c.due_at <= now).label("due_passed"),
            sa.and_(c.next_alarm_at.is_not(None), c.next_alarm_at <= now).label("alarm_passed"),
            sa.func.count().label("n"),
        )
        .select_from(cases.outerjoin(parties, parties.c.id == cases.c.party_id))
        .where(*conds)
        .group_by(c.clock_mode, c.alarm, "due_passed", "alarm_passed")
    )
    counts = dict.fromkeys(CLOCK_COLOURS, 0)
    for r in conn.execute(query):
        mode, alarm = r.clock_mode, r.alarm
        if mode == "running":
            if alarm == "overdue" or r.due_passed:
                colour = "overdue"
            elif alarm == "warning" or r.alarm_passed:
                colour = "warning"
            else:
                colour = "normal"
        else:
            colour = mode if mode in counts else "not_started"
        counts[colour] += int(r.n)
    return counts


def subject_of(payload: Mapping[str, Any]) -> str:
    form_code = payload.get("form")
    if isinstance(form_code, str):
        try:
            form = get_form(form_code)
        except DomainError:
            form = None
        if form is not None and form.subject_field and payload.get(form.subject_field):
            return str(payload[form.subject_field])
    for key in ("title", "item", "subject"):
        if payload.get(key):
            return str(payload[key])
    return ""


def masked_id(kind: str | None, id_number: str | None) -> str:
    if not id_number:
        return ""
    # Credit codes identify enterprises publicly and are shown whole; resident IDs never are in lists.
    return id_number if kind == PartyKind.ENTERPRISE.value else mask_resident_id(id_number)


_PARENT = cases.alias("parent")
_LIST_FROM = cases.outerjoin(parties, parties.c.id == cases.c.party_id).outerjoin(
    _PARENT, _PARENT.c.id == cases.c.parent_id
)
_LIST_COLUMNS = (
    cases.c.id,
    cases.c.number,
    cases.c.kind,
    cases.c.state,
    cases.c.unit_id,
    cases.c.payload,
    cases.c.clock_mode,
    cases.c.alarm,
    cases.c.due_at,
    cases.c.due_provisional,
    cases.c.next_alarm_at,
    cases.c.created_at,
    cases.c.updated_at,
    cases.c.version,
    parties.c.kind.label("party_kind"),
    parties.c.name.label("party_name"),
    parties.c.id_number.label("party_id_number"),
    parties.c.phone.label("party_phone"),
    _PARENT.c.number.label("parent_number"),
    _PARENT.c.payload.label("parent_payload"),
)
_ORDER = (cases.c.due_at.asc().nulls_last(), cases.c.id.desc())


def list_cases(conn: Connection, actor: Actor, tree: UnitTree, f: CaseFilters, now: datetime) -> CasePage:
    """One page of the cases ``actor`` may see, soonest due first.

    The page's ids are chosen first (from ``ix_cases_worklist`` where the filters allow), then only those rows
    are read whole: sorting thousands of rows with their JSON payloads to keep fifty would cost most of the
    request.
    """
    per_page = max(1, min(f.per_page, MAX_PER_PAGE))
    page = max(1, f.page)
    conds = _conditions(actor, tree, f, now)
    searched = cases.outerjoin(parties, parties.c.id == cases.c.party_id) if f.q else cases
    ids = list(
        conn.execute(
            sa.select(cases.c.id)
            .select_from(searched)
            .where(*conds)
            .order_by(*_ORDER)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).scalars()
    )
    rows: list[CaseRow] = []
    turns_at: datetime | None = None
    if ids:
        fetched = conn.execute(sa.select(*_LIST_COLUMNS).select_from(_LIST_FROM).where(cases.c.id.in_(ids))).mappings()
        by_id = {r["id"]: r for r in fetched}
        rows = [_row(by_id[i], tree, now) for i in ids if i in by_id]
        instants = [
            at
            for r in by_id.values()
            if r["clock_mode"] == "running"
            for at in (r["next_alarm_at"], r["due_at"])
            if at is not None and at > now
        ]
        turns_at = min(instants, default=None)
    if page == 1 and len(ids) < per_page:
        total = len(ids)  # the whole list is on this page: no need to count
    else:
        total = int(conn.execute(sa.select(sa.func.count()).select_from(searched).where(*conds)).scalar_one())
    return CasePage(rows=rows, total=total, page=page, per_page=per_page, turns_at=turns_at)


def data_version(conn: Connection) -> int:
    """A number that grows with every change to any case: the last event's id (an index lookup)."""
    return int(conn.execute(sa.select(sa.func.max(case_events.c.id))).scalar() or 0)


_VERSION_SQL = "SELECT max(id) FROM case_events"


def data_version_now(engine: Engine) -> int:
    """``data_version`` without a transaction of its own: one statement on a pooled driver connection.

    Asked before every cached page, so the BEGIN/COMMIT round trips of ``read()`` would cost more than the
    lookup itself; a single statement sees a consistent state on both SQLite and PostgreSQL.
    """
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
        cursor.close()
    finally:
        raw.close()  # back to the pool, which rolls back whatever the driver began
    return int(row[0] or 0) if row else 0


def unit_name(tree: UnitTree, unit_id: int | None) -> str:
    if unit_id is None or unit_id not in tree:
        return ""
    return tree.get(unit_id).name


def _masked_text(text: str) -> str:
    # Only digits can make an ID or phone number: most subjects have none and skip the patterns.
    return mask_text(text) if any(c.isdigit() for c in text) else text


def _masked_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) == 11 and phone.isascii() and phone.isdigit():  # stored phones are canonical mobiles mostly
        return phone[:3] + "****" + phone[7:]
    return mask_phone(phone)


def _row(r: RowMapping, tree: UnitTree, now: datetime) -> CaseRow:
    kind = get_kind(r["kind"])
    state = kind.states.get(r["state"])
    payload = r["payload"] or {}
    parent_payload = r["parent_payload"] or {}
    colour = clock_colour(r["clock_mode"], r["alarm"], r["due_at"], r["next_alarm_at"], now)
    applicant = r["party_name"] or str(payload.get("applicant") or parent_payload.get("applicant") or "")
    return CaseRow(
        number=r["number"],
        kind=kind.code,
        kind_label=kind.label,
        state=r["state"],
        state_label=state.label if state else r["state"],
        state_colour=state.colour if state else "gray",
        unit_id=r["unit_id"],
        unit_name=unit_name(tree, r["unit_id"]),
        subject=_masked_text(subject_of(payload) or subject_of(parent_payload)),
        applicant=applicant,
        party_id_masked=masked_id(r["party_kind"], r["party_id_number"]),
        party_phone_masked=_masked_phone(r["party_phone"]),
        clock=colour,
        clock_label=CLOCK_COLOURS[colour][0],
        due_at=r["due_at"],
        due_provisional=bool(r["due_provisional"]),
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        version=r["version"],
        parent_number=r["parent_number"],
    )
