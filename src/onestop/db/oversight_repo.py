"""效能监察 reads over ``cases``, ``case_events`` and ``ratings`` (SQL aggregates), and the oversight tables.

Period figures are grouped in SQL and interpreted in Python with the kind registry (which states are final,
which actions finish a case), so the rows that cross the wire are a few per unit, however many cases.

* Counting by events: cases opened (``open``), finished (the action whose target state is final in the
  case's kind: ``finish``, ``approve``, ``visit_close`` …), returned (退单/退回) and orders escalated
  (``escalate``) in a period all come from the ``(action, at, case_id)`` index of ``case_events``, joined to
  the case row by primary key for its unit, kind, state and alarm. No scan of the cases table.
* A final state is never left (no action leaves one; checked when a kind is built), so a finished case's
  ``updated_at`` is the instant it finished: "finished by the end of the period" is ``updated_at < end``.
* Late: the engine marks a case overdue when its clock stops past its due instant, so a finished case's
  stored ``alarm`` says whether it finished late.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.cases.errors import UnknownKind
from onestop.cases.kinds import CaseKind, get_kind
from onestop.db.tables import case_events, cases, oversight_settings, ratings, supervision_hits
from onestop.oversight.config import ScoreConfig, TopicSource
from onestop.oversight.kinds import ORDER
from onestop.oversight.overview import CountRow
from onestop.oversight.scorecard import UnitMeasures

OPEN = "open"
ESCALATE = "escalate"
_CHUNK = 500


def _kind(code: str) -> CaseKind | None:
    try:
        return get_kind(code)
    except UnknownKind:
        return None


def is_terminal(kind_code: str, state: str) -> bool:
    kind = _kind(kind_code)
    return kind is not None and state in kind.states and kind.states[state].terminal


def finishing_actions(kind_codes: Iterable[str]) -> dict[str, frozenset[str]]:
    """Per installed kind, the actions that take a case to a final state."""
    out: dict[str, frozenset[str]] = {}
    for code in kind_codes:
        kind = _kind(code)
        if kind is None:
            continue
        out[code] = frozenset(
            a.code for a in kind.actions.values() if a.to_state is not None and kind.states[a.to_state].terminal
        )
    return out


def _in_units(column: Any, unit_ids: Collection[int] | None) -> sa.ColumnElement[bool]:
    return sa.true() if unit_ids is None else column.in_(sorted(unit_ids))


# -- scorecard measures ---------------------------------------------------------------------------------------


@dataclass
class _Counts:
    received: int = 0
    received_finished: int = 0
    finished: int = 0
    finished_late: int = 0
    ratings: int = 0
    satisfied: int = 0
    bad: int = 0
    rectified: int = 0
    orders: int = 0
    listed: int = 0
    returns: int = 0


def unit_measures(
    conn: Connection,
    *,
    start: datetime,
    end: datetime,
    unit_ids: Collection[int] | None,
    names: Mapping[int, str],
    config: ScoreConfig,
) -> list[UnitMeasures]:
    """Every unit's measures for [start, end): one grouped query over the period's events, one over ratings."""
    counts: dict[int, _Counts] = defaultdict(_Counts)
    _event_counts(conn, counts, start=start, end=end, unit_ids=unit_ids, config=config)
    _rating_counts(conn, counts, start=start, end=end, unit_ids=unit_ids, config=config)
    return [
        UnitMeasures(unit_id, names.get(unit_id, f"单位 {unit_id}"), **vars(c)) for unit_id, c in sorted(counts.items())
    ]


def _event_counts(
    conn: Connection,
    counts: dict[int, _Counts],
    *,
    start: datetime,
    end: datetime,
    unit_ids: Collection[int] | None,
    config: ScoreConfig,
) -> None:
    service = set(config.service_kinds)
    finishing = finishing_actions(service)
    returns = set(config.return_actions)
    actions = sorted({OPEN, ESCALATE} | returns | set().union(*finishing.values()))
    kinds = sorted((service & set(finishing)) | {ORDER})
    e = case_events
    query = (
        sa.select(
            cases.c.unit_id,
            cases.c.kind,
            cases.c.state,
            e.c.action,
            (cases.c.alarm == "overdue").label("late"),
            (cases.c.updated_at < end).label("before_end"),
            sa.func.count().label("n"),
        )
        .select_from(e.join(cases, cases.c.id == e.c.case_id))
        .where(
            e.c.action.in_(actions),
            e.c.at >= start,
            e.c.at < end,
            cases.c.kind.in_(kinds),
            cases.c.unit_id.is_not(None),
            _in_units(cases.c.unit_id, unit_ids),
        )
        .group_by(cases.c.unit_id, cases.c.kind, cases.c.state, e.c.action, "late", "before_end")
    )
    for unit_id, kind, state, action, late, before_end, n in conn.execute(query):
        c = counts[unit_id]
        if kind == ORDER:
            if action == OPEN:
                c.orders += n
            elif action == ESCALATE:
                c.listed += n
            continue
        if action == OPEN:
            c.received += n
            if before_end and is_terminal(kind, state):
                c.received_finished += n
        if action in finishing.get(kind, ()):
            c.finished += n
            if late:
                c.finished_late += n
        if action in returns:
            c.returns += n


def _rating_counts(
    conn: Connection,
    counts: dict[int, _Counts],
    *,
    start: datetime,
    end: datetime,
    unit_ids: Collection[int] | None,
    config: ScoreConfig,
) -> None:
    r = ratings
    rect = cases.alias("rect")
    query = (
        sa.select(
            r.c.unit_id,
            (r.c.level >= config.satisfied_min_level).label("satisfied"),
            r.c.bad,
            rect.c.kind,
            rect.c.state,
            sa.func.count().label("n"),
        )
        .select_from(r.outerjoin(rect, rect.c.id == r.c.rectification_case_id))
        .where(
            r.c.status == "valid",
            r.c.rated_at >= start,
            r.c.rated_at < end,
            r.c.unit_id.is_not(None),
            _in_units(r.c.unit_id, unit_ids),
        )
        .group_by(r.c.unit_id, "satisfied", r.c.bad, rect.c.kind, rect.c.state)
    )
    for unit_id, satisfied, bad, rect_kind, rect_state, n in conn.execute(query):
        c = counts[unit_id]
        c.ratings += n
        if satisfied:
            c.satisfied += n
        if bad:
            c.bad += n
            if rect_kind is not None and is_terminal(rect_kind, rect_state):
                c.rectified += n


# -- bulletin: hot topics and typical cases ----------------------------------------------------------------------


@dataclass(frozen=True)
class TopicCount:
    label: str
    kinds: tuple[str, ...]
    count: int
    total: int  # cases of those kinds opened in the period


def hot_topics(
    conn: Connection,
    *,
    start: datetime,
    end: datetime,
    unit_ids: Collection[int] | None,
    sources: Sequence[TopicSource],
    limit: int,
) -> list[TopicCount]:
    """The most frequent values of each source's payload field among the cases opened in the period."""
    found: list[TopicCount] = []
    e = case_events
    for source in sources:
        value = cases.c.payload[source.field].as_string()
        base = (
            sa.select(value.label("value"), sa.func.count().label("n"))
            .select_from(e.join(cases, cases.c.id == e.c.case_id))
            .where(
                e.c.action == OPEN,
                e.c.at >= start,
                e.c.at < end,
                cases.c.kind.in_(source.kinds),
                _in_units(cases.c.unit_id, unit_ids),
            )
            .group_by(value)
        )
        rows = [(v, int(n)) for v, n in conn.execute(base)]
        total = sum(n for _, n in rows)
        for label, n in rows:
            if label:
                found.append(TopicCount(str(label), source.kinds, n, total))
    found.sort(key=lambda t: (-t.count, t.label))
    return found[:limit]


@dataclass(frozen=True)
class OverdueCase:
    id: int
    number: str
    kind: str
    state: str
    unit_id: int | None
    due_at: datetime
    payload: Mapping[str, Any]


def most_overdue(
    conn: Connection, *, before: datetime, unit_ids: Collection[int] | None, kinds: Collection[str], limit: int
) -> list[OverdueCase]:
    """Open cases whose running clock was due before ``before``, the longest overdue first (the due index)."""
    c = cases.c
    query = (
        sa.select(c.id, c.number, c.kind, c.state, c.unit_id, c.due_at, c.payload)
        .where(
            c.clock_mode == "running",
            c.due_at.is_not(None),
            c.due_at < before,
            c.kind.in_(sorted(kinds)),
            _in_units(c.unit_id, unit_ids),
        )
        .order_by(c.due_at, c.id)
        .limit(limit)
    )
    return [OverdueCase(*row) for row in conn.execute(query)]


# -- the overview: every open clock by unit, kind, state and colour ---------------------------------------------


def overview_rows(conn: Connection, *, unit_ids: Collection[int] | None, now: datetime) -> list[CountRow]:
    c = cases.c
    due_passed = sa.and_(c.due_at.is_not(None), c.due_at <= now)
    alarm_passed = sa.and_(c.next_alarm_at.is_not(None), c.next_alarm_at <= now)
    query = (
        sa.select(
            c.unit_id,
            c.kind,
            c.state,
            c.clock_mode,
            c.alarm,
            due_passed.label("due_passed"),
            alarm_passed.label("alarm_passed"),
            sa.func.count().label("n"),
        )
        .where(c.clock_mode != "stopped", _in_units(c.unit_id, unit_ids))
        .group_by(c.unit_id, c.kind, c.state, c.clock_mode, c.alarm, "due_passed", "alarm_passed")
    )
    rows = []
    for unit_id, kind, state, mode, alarm, due, warn, n in conn.execute(query):
        if is_terminal(kind, state):
            continue
        rows.append(CountRow(unit_id, kind, state, mode, alarm, bool(due), bool(warn), int(n)))
    return rows


# -- rules: candidates and the orders already raised -------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    case_id: int
    number: str
    kind: str
    unit_id: int | None
    due_at: datetime | None = None
    returns: int = 0


def overdue_candidates(conn: Connection, kinds: Collection[str], now: datetime) -> list[Candidate]:
    """Running clocks of ``kinds`` already past due (the due index); the rule decides by how much."""
    c = cases.c
    query = (
        sa.select(c.id, c.number, c.kind, c.unit_id, c.due_at)
        .where(c.kind.in_(sorted(kinds)), c.clock_mode == "running", c.due_at.is_not(None), c.due_at <= now)
        .order_by(c.due_at, c.id)
    )
    return [Candidate(i, number, kind, unit, due) for i, number, kind, unit, due in conn.execute(query)]


def returned_candidates(
    conn: Connection, kinds: Collection[str], actions: Collection[str], threshold: int
) -> list[Candidate]:
    """Unfinished cases of ``kinds`` with at least ``threshold`` of the return ``actions``."""
    e = case_events
    n = sa.func.count().label("n")
    query = (
        sa.select(cases.c.id, cases.c.number, cases.c.kind, cases.c.state, cases.c.unit_id, n)
        .select_from(e.join(cases, cases.c.id == e.c.case_id))
        .where(e.c.action.in_(sorted(actions)), cases.c.kind.in_(sorted(kinds)))
        .group_by(cases.c.id, cases.c.number, cases.c.kind, cases.c.state, cases.c.unit_id)
        .having(sa.func.count() >= threshold)
        .order_by(cases.c.id)
    )
    return [
        Candidate(i, number, kind, unit, returns=int(count))
        for i, number, kind, state, unit, count in conn.execute(query)
        if not is_terminal(kind, state)
    ]


@dataclass(frozen=True)
class LastHit:
    seq: int
    order_state: str
    order_updated_at: datetime

    @property
    def open(self) -> bool:
        return not is_terminal(ORDER, self.order_state)


def last_hits(conn: Connection, rule_code: str, case_ids: Collection[int]) -> dict[int, LastHit]:
    """Per case, the latest order the rule raised on it (its state, and when it last changed)."""
    found: dict[int, LastHit] = {}
    ids = sorted(case_ids)
    order = cases.alias("order_case")
    h = supervision_hits.c
    for i in range(0, len(ids), _CHUNK):
        query = (
            sa.select(h.subject_case_id, h.seq, order.c.state, order.c.updated_at)
            .join(order, order.c.id == h.order_case_id)
            .where(h.rule_code == rule_code, h.subject_case_id.in_(ids[i : i + _CHUNK]))
        )
        for case_id, seq, state, updated_at in conn.execute(query):
            if case_id not in found or seq > found[case_id].seq:
                found[case_id] = LastHit(seq, state, updated_at)
    return found


def insert_hit(
    conn: Connection, *, rule_code: str, subject_case_id: int, seq: int, order_case_id: int, at: datetime, by: str
) -> None:
    conn.execute(
        sa.insert(supervision_hits).values(
            rule_code=rule_code,
            subject_case_id=subject_case_id,
            seq=seq,
            order_case_id=order_case_id,
            raised_at=at,
            raised_by=by,
        )
    )


# -- orders ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderRow:
    number: str
    state: str
    unit_id: int | None
    rule_code: str
    subject_number: str
    subject_kind: str
    reason: str
    clock_mode: str
    alarm: str
    due_at: datetime | None
    next_alarm_at: datetime | None
    created_at: datetime
    version: int


def list_orders(
    conn: Connection,
    *,
    unit_ids: Collection[int] | None,
    states: Collection[str] | None = None,
    limit: int = 200,
) -> list[OrderRow]:
    subject = cases.alias("subject")
    c = cases.c
    query = (
        sa.select(
            c.number,
            c.state,
            c.unit_id,
            supervision_hits.c.rule_code,
            subject.c.number,
            subject.c.kind,
            c.payload,
            c.clock_mode,
            c.alarm,
            c.due_at,
            c.next_alarm_at,
            c.created_at,
            c.version,
        )
        .select_from(
            cases.join(supervision_hits, supervision_hits.c.order_case_id == c.id).join(
                subject, subject.c.id == supervision_hits.c.subject_case_id
            )
        )
        .where(c.kind == ORDER, _in_units(c.unit_id, unit_ids))
        .order_by(c.created_at.desc(), c.id.desc())
        .limit(limit)
    )
    if states:
        query = query.where(c.state.in_(sorted(states)))
    out = []
    for row in conn.execute(query):
        payload = row[6] or {}
        out.append(
            OrderRow(
                number=row[0],
                state=row[1],
                unit_id=row[2],
                rule_code=row[3],
                subject_number=row[4],
                subject_kind=row[5],
                reason=str(payload.get("reason", "")),
                clock_mode=row[7],
                alarm=row[8],
                due_at=row[9],
                next_alarm_at=row[10],
                created_at=row[11],
                version=row[12],
            )
        )
    return out


def order_counts(conn: Connection, *, unit_ids: Collection[int] | None) -> dict[str, int]:
    query = (
        sa.select(cases.c.state, sa.func.count())
        .where(cases.c.kind == ORDER, _in_units(cases.c.unit_id, unit_ids))
        .group_by(cases.c.state)
    )
    return {state: int(n) for state, n in conn.execute(query)}


# -- settings overrides --------------------------------------------------------------------------------------


def load_setting(conn: Connection, key: str) -> Any:
    return conn.execute(sa.select(oversight_settings.c.value).where(oversight_settings.c.key == key)).scalar()


def save_setting(conn: Connection, key: str, value: Any, *, at: datetime, by: str) -> None:
    conn.execute(sa.delete(oversight_settings).where(oversight_settings.c.key == key))
    if value is not None:
        conn.execute(sa.insert(oversight_settings).values(key=key, value=value, updated_at=at, updated_by=by))


@dataclass(frozen=True)
class StoredSetting:
    value: Any
    updated_at: datetime
    updated_by: str


def load_setting_row(conn: Connection, key: str) -> StoredSetting | None:
    """The override with who stored it and when (None: the bundled file is in force)."""
    row = conn.execute(
        sa.select(oversight_settings.c.value, oversight_settings.c.updated_at, oversight_settings.c.updated_by).where(
            oversight_settings.c.key == key
        )
    ).first()
    return None if row is None else StoredSetting(row.value, row.updated_at, row.updated_by)
