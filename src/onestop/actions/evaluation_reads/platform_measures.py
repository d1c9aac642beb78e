"""The platform measures declared in ``onestop/evaluation/data/sources.json``: window, hotline and ratings
figures, computed from ``cases``, ``case_events`` and ``ratings`` for every region at once.

Each statistic reads the cases of the kind its source role is pointed at (``sources.source_kinds``):

* finished in the period: the event that moved the case into a finished state (one of the kind's terminal
  states coloured green, or the states the source lists) happened in the period;
* opened in the period: the case row's ``created_at`` lies in it;
* ratings: the ``ratings`` table of the ratings module (columns as the cross-module contract fixes them),
  valid ratings rated in the period, counted for the unit the rating holds responsible.

One row per case is read (with its number, so every value links to the cases it came from); a region's
cases are those of the units below it. Local days are Beijing days.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from onestop.actions.evaluation_reads.catalogues import catalogue_for, items_fee
from onestop.actions.evaluation_reads.computed import Measure, MeasureContext, Measurement, register_measure
from onestop.cases.kinds import get_kind
from onestop.db.tables import case_events, case_submissions, cases, units, window_materials
from onestop.db.types import UTCDateTime
from onestop.evaluation.sources import STATISTICS, SourceSpec, load_sources, source_kinds
from onestop.worktime import TZ

OVERDUE = "overdue"

# The ratings module's table as the contract fixes it; declared here (not in metadata) so this module works
# before, and independently of, the ratings module's own declaration.
ratings = sa.table(
    "ratings",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("case_kind", sa.String),
    sa.column("unit_id", sa.Integer),
    sa.column("level", sa.Integer),
    sa.column("bad", sa.Boolean),
    sa.column("status", sa.String),
    sa.column("rated_at", UTCDateTime),
    sa.column("rectification_case_id", sa.Integer),
)


def finished_states(spec: SourceSpec, kind: str) -> tuple[str, ...]:
    if spec.finished_states:
        return spec.finished_states
    configured = load_sources().finished.get(kind)
    if configured:
        return configured
    states = get_kind(kind).states.values()
    return tuple(s.code for s in states if s.terminal and s.colour == "green")


def terminal_states(kind: str) -> tuple[str, ...]:
    return tuple(s.code for s in get_kind(kind).states.values() if s.terminal)


class _Tally:
    """Per region: a count, a sum or hits, and the case numbers behind them (each case once)."""

    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0
        self.cases: list[str] = []
        self.hit_cases: list[str] = []
        self.seen: set[str] = set()

    def add(self, number: str, amount: float, *, hit: bool | None = None) -> None:
        # A case finished twice in a period (a hotline request reopened and answered again) counts once:
        # the first time, the rows coming in order of the finishing event.
        if number in self.seen:
            return
        self.seen.add(number)
        self.count += 1
        self.total += amount
        self.cases.append(number)
        if hit:
            self.hit_cases.append(number)


class _Tallies:
    def __init__(self, ctx: MeasureContext) -> None:
        self.ctx = ctx
        self.regions = ctx.regions_of_unit()
        self.by_region: dict[int, _Tally] = defaultdict(_Tally)

    def add(self, unit_id: int | None, number: str, amount: float, *, hit: bool | None = None) -> None:
        for region_id in self.regions.get(unit_id or 0, ()):
            self.by_region[region_id].add(number, amount, hit=hit)

    def means(self) -> dict[int, Measurement]:
        keep = self.ctx.with_cases
        return {
            region: Measurement.mean(t.total, t.count, cases=t.cases if keep else ())
            for region, t in self.by_region.items()
        }

    def rates(self) -> dict[int, Measurement]:
        keep = self.ctx.with_cases
        return {
            region: Measurement.rate(
                t.total, t.count, cases=t.cases if keep else (), hit_cases=t.hit_cases if keep else ()
            )
            for region, t in self.by_region.items()
        }


def _payload_filters(spec: SourceSpec) -> list[ColumnElement[bool]]:
    return [cases.c.payload[key].as_string().in_(values) for key, values in spec.payload.items()]


def _finished(ctx: MeasureContext, spec: SourceSpec, kind: str, *columns: Any) -> sa.Select[Any]:
    """Cases of ``kind`` that reached a finished state in the period, in the measured units."""
    states = finished_states(spec, kind)
    fin = case_events.alias("fin")
    # The kind's cases first (ix_cases_worklist leads with kind), then their events by case id: a kind with
    # few cases costs little however many events other kinds wrote in the period.
    of_kind = sa.select(cases.c.id).where(cases.c.kind == kind, cases.c.unit_id.in_(sorted(ctx.unit_ids)))
    return (
        sa.select(cases.c.id, cases.c.number, cases.c.unit_id, *columns, fin.c.at.label("finished_at"))
        .select_from(fin.join(cases, cases.c.id == fin.c.case_id))
        .where(
            fin.c.case_id.in_(of_kind),
            fin.c.to_state.in_(states),
            sa.or_(fin.c.from_state.is_(None), fin.c.from_state.not_in(states)),
            fin.c.at >= ctx.period.start_at,
            fin.c.at < ctx.period.end_at,
            cases.c.kind == kind,
            *_payload_filters(spec),
        )
        .order_by(fin.c.at, fin.c.id)
    )


def _opened(ctx: MeasureContext, spec: SourceSpec, kind: str) -> list[ColumnElement[bool]]:
    return [
        cases.c.kind == kind,
        cases.c.created_at >= ctx.period.start_at,
        cases.c.created_at < ctx.period.end_at,
        cases.c.unit_id.in_(sorted(ctx.unit_ids)),
        *_payload_filters(spec),
    ]


def _channel() -> ColumnElement[Any]:
    """The channel a case came in by: its payload's, else the public submission's (window intake: none)."""
    return sa.func.coalesce(cases.c.payload["channel"].as_string(), case_submissions.c.channel)


def _json(value: object) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _local_day(value: datetime) -> date:
    return value.astimezone(TZ).date()


def mean_workdays(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> dict[int, Measurement]:
    tallies = _Tallies(ctx)
    for row in ctx.conn.execute(_finished(ctx, spec, kinds[spec.kind], cases.c.clock)):
        clock = _json(row.clock) or {}
        segments = clock.get("segments") or []
        if not segments:
            continue  # never accepted: no clock ran, no processing time to speak of
        started = datetime.fromisoformat(segments[0][0])
        days = ctx.wt.workdays_between(_local_day(started), _local_day(row.finished_at))
        tallies.add(row.unit_id, row.number, days)
    return tallies.means()


def _child_counts(ctx: MeasureContext, finished: sa.Subquery, child_kind: str) -> dict[int, int]:
    """Sub-cases of ``child_kind`` per finished case: its children, and its children's children (a staged
    project's approvals sit under its stages)."""
    child = cases.alias("child")
    middle = cases.alias("middle")
    ids = sa.select(finished.c.id)
    direct = sa.select(child.c.parent_id.label("root"), child.c.id).where(
        child.c.kind == child_kind, child.c.parent_id.in_(ids)
    )
    nested = (
        sa.select(middle.c.parent_id.label("root"), child.c.id)
        .select_from(child.join(middle, middle.c.id == child.c.parent_id))
        .where(child.c.kind == child_kind, middle.c.parent_id.in_(ids))
    )
    found = sa.union_all(direct, nested).subquery("found")
    query = sa.select(found.c.root, sa.func.count()).group_by(found.c.root)
    return {int(parent): int(n) for parent, n in ctx.conn.execute(query)}


def mean_children(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> dict[int, Measurement]:
    assert spec.children is not None
    finished = _finished(ctx, spec, kinds[spec.kind]).subquery("finished")
    counts = _child_counts(ctx, finished, kinds[spec.children])
    tallies = _Tallies(ctx)
    for row in ctx.conn.execute(sa.select(finished.c.id, finished.c.number, finished.c.unit_id)):
        tallies.add(row.unit_id, row.number, counts.get(row.id, 0))
    return tallies.means()


def mean_materials(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> dict[int, Measurement]:
    """Materials the applicant handed in, as the application's material check recorded them at acceptance
    (容缺 ones follow later but are handed in all the same; 免提交 and 告知承诺 ones never are)."""
    finished = _finished(ctx, spec, kinds[spec.kind]).subquery("finished")
    counts: dict[int, int] = dict(
        ctx.conn.execute(
            sa.select(window_materials.c.case_id, sa.func.count())
            .where(
                window_materials.c.case_id.in_(sa.select(finished.c.id)),
                window_materials.c.status.in_(spec.material_statuses),
            )
            .group_by(window_materials.c.case_id)
        ).all()
    )
    tallies = _Tallies(ctx)
    for row in ctx.conn.execute(sa.select(finished.c.id, finished.c.number, finished.c.unit_id)):
        tallies.add(row.unit_id, row.number, int(counts.get(row.id, 0)))
    return tallies.means()


def mean_fees(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> dict[int, Measurement]:
    """The fees of the items the application covers, from the catalogue release it recorded."""
    columns = (cases.c.payload["items"].label("items"), cases.c.payload["catalog_hash"].as_string().label("release"))
    tallies = _Tallies(ctx)
    for row in ctx.conn.execute(_finished(ctx, spec, kinds[spec.kind], *columns)):
        items = _json(row.items) or []
        codes = [str(item.get("code")) for item in items if isinstance(item, dict)]
        tallies.add(row.unit_id, row.number, float(items_fee(catalogue_for(row.release), codes)))
    return tallies.means()


def mean_visits(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> dict[int, Measurement]:
    """Trips to the hall: one to hand the application in unless it came online, one per in-person step."""
    finished = (
        _finished(ctx, spec, kinds[spec.kind], _channel().label("channel"))
        .outerjoin(case_submissions, case_submissions.c.case_id == cases.c.id)
        .subquery("finished")
    )
    step = case_events.alias("step")
    owner = cases.alias("owner")
    root = sa.func.coalesce(owner.c.parent_id, owner.c.id)
    ids = sa.select(finished.c.id)
    # the finished cases and their sub-cases, by id and parent index; then their in-person steps by case id
    involved = sa.union(ids, sa.select(cases.c.id).where(cases.c.parent_id.in_(ids)))
    steps: dict[int, int] = dict(
        ctx.conn.execute(
            sa.select(root, sa.func.count())
            .select_from(step.join(owner, owner.c.id == step.c.case_id))
            .where(step.c.case_id.in_(involved), step.c.action.in_(spec.in_person_actions))
            .group_by(root)
        ).all()
    )
    tallies = _Tallies(ctx)
    query = sa.select(finished.c.id, finished.c.number, finished.c.unit_id, finished.c.channel)
    for row in ctx.conn.execute(query):
        hand_in = 0 if row.channel in spec.channels else 1
        tallies.add(row.unit_id, row.number, hand_in + int(steps.get(row.id, 0)))
    return tallies.means()


def on_time_share(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> dict[int, Measurement]:
    tallies = _Tallies(ctx)
    for row in ctx.conn.execute(_finished(ctx, spec, kinds[spec.kind], cases.c.alarm)):
        on_time = row.alarm != OVERDUE
        tallies.add(row.unit_id, row.number, int(on_time), hit=on_time)
    return tallies.rates()


def closure_share(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> dict[int, Measurement]:
    kind = kinds[spec.kind]
    states = finished_states(spec, kind)
    fin = case_events.alias("fin")
    closed_by_end = (
        sa.select(fin.c.id)
        .where(fin.c.case_id == cases.c.id, fin.c.to_state.in_(states), fin.c.at < ctx.period.end_at)
        .exists()
    )
    query = sa.select(cases.c.number, cases.c.unit_id, closed_by_end.label("closed")).where(*_opened(ctx, spec, kind))
    tallies = _Tallies(ctx)
    for row in ctx.conn.execute(query):
        tallies.add(row.unit_id, row.number, int(bool(row.closed)), hit=bool(row.closed))
    return tallies.rates()


def channel_share(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> dict[int, Measurement]:
    query = (
        sa.select(cases.c.number, cases.c.unit_id, _channel().label("channel"))
        .select_from(cases.outerjoin(case_submissions, case_submissions.c.case_id == cases.c.id))
        .where(*_opened(ctx, spec, kinds[spec.kind]))
    )
    tallies = _Tallies(ctx)
    for row in ctx.conn.execute(query):
        online = row.channel in spec.channels
        tallies.add(row.unit_id, row.number, int(online), hit=online)
    return tallies.rates()


def owner_kind_share(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> dict[int, Measurement]:
    # The unit kinds apart (a few hundred rows): joined in SQL, SQLite walks every case of every unit.
    unit_kinds = dict(
        ctx.conn.execute(sa.select(units.c.id, units.c.kind).where(units.c.id.in_(sorted(ctx.unit_ids)))).all()
    )
    query = sa.select(cases.c.number, cases.c.unit_id).where(*_opened(ctx, spec, kinds[spec.kind]))
    tallies = _Tallies(ctx)
    for row in ctx.conn.execute(query):
        at_window = unit_kinds.get(row.unit_id) in spec.owner_kinds
        tallies.add(row.unit_id, row.number, int(at_window), hit=at_window)
    return tallies.rates()


def _rated(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> list[ColumnElement[bool]]:
    where = [
        ratings.c.status == "valid",
        ratings.c.rated_at >= ctx.period.start_at,
        ratings.c.rated_at < ctx.period.end_at,
        ratings.c.unit_id.in_(sorted(ctx.unit_ids)),
    ]
    if spec.rated:
        where.append(ratings.c.case_kind.in_([kinds[role] for role in spec.rated]))
    return where


def rating_share(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> dict[int, Measurement]:
    query = (
        sa.select(cases.c.number, ratings.c.unit_id, ratings.c.level)
        .select_from(ratings.join(cases, cases.c.id == ratings.c.case_id))
        .where(*_rated(ctx, spec, kinds))
    )
    tallies = _Tallies(ctx)
    for row in ctx.conn.execute(query):
        good = int(row.level) >= spec.min_level
        tallies.add(row.unit_id, row.number, int(good), hit=good)
    return tallies.rates()


def rectified_share(ctx: MeasureContext, spec: SourceSpec, kinds: Mapping[str, str]) -> dict[int, Measurement]:
    rectification = cases.alias("rectification")
    done = terminal_states(kinds["rectification"])
    query = (
        sa.select(cases.c.number, ratings.c.unit_id, rectification.c.state)
        .select_from(
            ratings.join(cases, cases.c.id == ratings.c.case_id).outerjoin(
                rectification, rectification.c.id == ratings.c.rectification_case_id
            )
        )
        .where(ratings.c.bad.is_(True), *_rated(ctx, spec, kinds))
    )
    tallies = _Tallies(ctx)
    for row in ctx.conn.execute(query):
        rectified = row.state in done
        tallies.add(row.unit_id, row.number, int(rectified), hit=rectified)
    return tallies.rates()


Statistic = Callable[[MeasureContext, SourceSpec, Mapping[str, str]], dict[int, Measurement]]
_STATISTICS: dict[str, Statistic] = {
    "mean_workdays": mean_workdays,
    "mean_children": mean_children,
    "mean_materials": mean_materials,
    "mean_fees": mean_fees,
    "mean_visits": mean_visits,
    "on_time_share": on_time_share,
    "closure_share": closure_share,
    "channel_share": channel_share,
    "owner_kind_share": owner_kind_share,
    "rating_share": rating_share,
    "rectified_share": rectified_share,
}
assert set(_STATISTICS) == set(STATISTICS)


def _compute(spec: SourceSpec, ctx: MeasureContext) -> Mapping[int, Measurement]:
    if not ctx.unit_ids:
        return {}
    return _STATISTICS[spec.statistic](ctx, spec, source_kinds())


def _kinds_of(spec: SourceSpec) -> tuple[str, ...]:
    kinds = source_kinds()
    return tuple(kinds[role] for role in spec.roles())


def _source(spec: SourceSpec) -> str:
    parts = [STATISTICS[spec.statistic]]
    parts.extend(f"限 {key} 为 {'、'.join(values)}" for key, values in spec.payload.items())
    if spec.statistic == "rating_share":
        parts.append(f"评价等级 ≥ {spec.min_level}")
    if spec.material_statuses:
        parts.append(f"计入材料状态 {'、'.join(spec.material_statuses)}")
    return "；".join(parts)


def register_sources() -> list[Measure]:
    return [
        register_measure(
            Measure(
                spec.code,
                spec.label,
                spec.unit,
                partial(_compute, spec),
                description=STATISTICS[spec.statistic],
                kinds_of=partial(_kinds_of, spec),
                source=_source(spec),
            )
        )
        for spec in load_sources().measures
    ]


REGISTERED = register_sources()
