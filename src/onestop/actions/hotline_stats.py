"""Hotline statistics and supervision events, read from the requests' events (``onestop.hotline.stats``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from onestop.actions.runtime import Runtime
from onestop.db import org_repo
from onestop.db.engine import read
from onestop.db.tables import case_events, cases, hotline_requests
from onestop.hotline.access import access_stats
from onestop.hotline.kinds import REQUEST, Category
from onestop.hotline.rules import HotlineError
from onestop.hotline.stats import EventFact, RequestFacts, StatsRow, aggregate
from onestop.org.users import Actor
from onestop.worktime import TZ

MAX_DAYS = 366


@dataclass(frozen=True)
class Stats:
    start: date
    end: date  # inclusive
    by: str
    rows: list[StatsRow]
    total: StatsRow


def _data(raw: object) -> Mapping[str, object]:
    if isinstance(raw, str):
        raw = json.loads(raw)
    return raw if isinstance(raw, Mapping) else {}


def statistics(rt: Runtime, actor: Actor, *, start: date, end: date, by: str = "unit") -> Stats:
    """Per unit or per category for the days ``start``–``end`` (inclusive); a unit's staff see their own."""
    if by not in ("unit", "category"):
        raise HotlineError("统计口径须为 unit（按单位）或 category（按诉求类型）", field="by")
    if end < start:
        raise HotlineError("结束日期不能早于开始日期", field="end")
    if (end - start).days >= MAX_DAYS:
        raise HotlineError(f"统计区间不能超过 {MAX_DAYS} 天", field="end")
    lo = datetime.combine(start, time(0), TZ)
    hi = datetime.combine(end + timedelta(days=1), time(0), TZ)
    with read(rt.engine) as conn:
        tree = org_repo.load_unit_tree(conn)
        scope = access_stats(actor, tree)
        touched = (
            sa.select(case_events.c.case_id)
            .join(cases, cases.c.id == case_events.c.case_id)
            .where(cases.c.kind == REQUEST, case_events.c.at >= lo, case_events.c.at < hi)
            .distinct()
        )
        rows = conn.execute(
            sa.select(case_events.c.case_id, case_events.c.action, case_events.c.at, case_events.c.data,
                      hotline_requests.c.category)
            .join(hotline_requests, hotline_requests.c.case_id == case_events.c.case_id)
            .where(case_events.c.case_id.in_(touched))
            .order_by(case_events.c.case_id, case_events.c.seq)
        ).all()  # fmt: skip
    by_case: dict[int, tuple[str, list[EventFact]]] = {}
    for case_id, action, at, data, category in rows:
        by_case.setdefault(case_id, (category, []))[1].append(EventFact(action, at, _data(data)))
    facts = [RequestFacts(str(k), cat, events) for k, (cat, events) in by_case.items()]
    labels = {str(u.id): u.name for u in tree} if by == "unit" else {c.value: c.label for c in Category}
    out, total = aggregate(facts, start=lo, end=hi, by=by, labels=labels)
    if scope is not None and by == "unit":
        out = [r for r in out if r.key.isdigit() and int(r.key) in scope]
    return Stats(start, end, by, out, total)


@dataclass(frozen=True)
class SupervisionEvent:
    """An overdue request or repeated returns: what the oversight module turns into 督办."""

    at: datetime
    case_number: str
    kind: str  # "request_overdue" | "request_warning" | "repeated_returns"
    unit_id: int | None
    title: str


def supervision_events(rt: Runtime, *, since: datetime | None = None) -> list[SupervisionEvent]:
    names = {
        "clock_overdue": "request_overdue",
        "clock_warned": "request_warning",
        "flag_supervision": "repeated_returns",
    }
    with read(rt.engine) as conn:
        query = (
            sa.select(case_events.c.at, case_events.c.action, cases.c.number, cases.c.unit_id, cases.c.payload)
            .join(cases, cases.c.id == case_events.c.case_id)
            .where(cases.c.kind == REQUEST, case_events.c.action.in_(sorted(names)))
            .order_by(case_events.c.at, case_events.c.id)
        )
        if since is not None:
            query = query.where(case_events.c.at >= since)
        return [
            SupervisionEvent(r.at, r.number, names[r.action], r.unit_id, str(_data(r.payload).get("title") or ""))
            for r in conn.execute(query)
        ]
