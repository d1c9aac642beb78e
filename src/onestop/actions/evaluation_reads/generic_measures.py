"""政务服务 measures over today's generic case kinds (``generic_application`` with ``generic_approval`` below it).

Until the window module declares its own kinds, applications accepted at the service center are generic
applications; these measures read them, and their codes say so (``generic_application.*``). Each counts the
applications finished (办结: the ``finish`` event) within the period, in the units of each region:

* ``generic_application.immediate_share`` 即办件占比: the share finished on the Beijing calendar day they were
  accepted (当日办结);
* ``generic_application.on_time_rate`` 按期办结率: the share not overdue when finished (the case's alarm,
  which the engine sets to overdue when a clock stops past its due instant; pauses for 补正 and §45 steps
  do not count against the limit);
* ``generic_application.avg_working_days`` 平均办理时间: working days from acceptance (the start of the
  application's clock) to finish, the acceptance day not counted (民法典 §201), 补正 pauses included — the
  time the applicant waited;
* ``generic_application.one_notice_rate`` 一次性告知率: among those that needed 补正 (a
  ``request_supplement`` on the application or on an approval below it), the share in which no case asked
  more than once (行政许可法 §32: everything missing is listed at once).

Working days come from the deployment's calendar: Σ working days = Σ over finish days − Σ over acceptance
days of the cumulative working-day count, so one pass over the finished applications, counted per unit and
finish day and per unit and acceptance day, needs a few thousand calendar look-ups for a million cases.
Local days are taken in Beijing time (UTC+8; China has kept no daylight saving time since 1991).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from onestop.actions.evaluation_reads.computed import MeasureContext, Measurement, measure
from onestop.db.tables import case_events, cases
from onestop.worktime import TZ

APPLICATION = "generic_application"
APPROVAL = "generic_approval"
OVERDUE = "overdue"
_KINDS = (APPLICATION, APPROVAL)


def _local_day(column: Any, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return sa.cast(sa.func.timezone(TZ.key, column), sa.Date)
    return sa.func.date(column, "+8 hours")


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _clock_start() -> ColumnElement[Any]:
    """When the case's clock started (its first running segment), as stored: for an application, 受理."""
    start: ColumnElement[Any] = cases.c.clock[("segments", 0, 0)].as_string()
    return start


def _clock_start_day(dialect: str) -> ColumnElement[Any]:
    start = _clock_start()
    if dialect == "postgresql":
        return sa.cast(sa.func.timezone(TZ.key, sa.cast(start, sa.DateTime(timezone=True))), sa.Date)
    return sa.func.date(start, "+8 hours")


def _finished(ctx: MeasureContext, *, accepted: bool) -> sa.Subquery:
    """Applications finished in the period, in the measured units; with the acceptance day when asked.

    The finish events come from the ``(action, at, case_id)`` index; everything else from the case row: the
    owning unit, the alarm (overdue when the clock stopped past its due instant) and the clock, whose first
    segment starts at acceptance. No other event is read.
    """
    dialect = ctx.conn.dialect.name
    finish = case_events.alias("finish")
    late = sa.case((cases.c.alarm == OVERDUE, 1), else_=0)
    columns: list[Any] = [
        cases.c.id,
        cases.c.number,
        cases.c.unit_id,
        late.label("late"),
        _local_day(finish.c.at, dialect).label("fin"),
    ]
    if accepted:
        columns.append(_clock_start_day(dialect).label("acc"))
    query = (
        sa.select(*columns)
        .select_from(finish.join(cases, cases.c.id == finish.c.case_id))
        .where(
            finish.c.action == "finish",
            finish.c.at >= ctx.period.start_at,
            finish.c.at < ctx.period.end_at,
            cases.c.kind == APPLICATION,
            cases.c.unit_id.in_(sorted(ctx.unit_ids)),
        )
    )
    if accepted:
        query = query.where(_clock_start().is_not(None))  # a clock that never ran (or JSON null) has no start
    return query.subquery("finished")


class _Timing:
    """Per region: finished, late, same-day, Σ working days; case numbers when asked."""

    def __init__(self) -> None:
        self.finished = 0
        self.late = 0
        self.same_day = 0
        self.working_days = 0
        self.cases: list[str] = []
        self.on_time_cases: list[str] = []
        self.same_day_cases: list[str] = []


def _timing(ctx: MeasureContext) -> dict[int, _Timing]:
    result: dict[int, _Timing] = ctx.memo(("generic_timing",), lambda: _load_timing(ctx))
    return result


def _load_timing(ctx: MeasureContext) -> dict[int, _Timing]:
    if not ctx.unit_ids:
        return {}
    return _timing_per_case(ctx) if ctx.with_cases else _timing_in_sql(ctx)


def _timing_in_sql(ctx: MeasureContext) -> dict[int, _Timing]:
    """Sums per unit from two groupings of one pass over the finished applications.

    Σ working days = Σ over finish days − Σ over acceptance days of the cumulative working-day count, so it
    is enough to count finishes per (unit, finish day) and acceptances per (unit, acceptance day): a few rows
    per unit and calendar day, however many cases.
    """
    finished = _finished(ctx, accepted=True).element.cte("finished")  # used twice: computed once
    same = sa.case((finished.c.acc == finished.c.fin, 1), else_=0)
    by_finish = sa.select(
        sa.literal(1).label("finish"),
        finished.c.unit_id,
        finished.c.fin.label("day"),
        sa.func.count().label("n"),
        sa.func.sum(finished.c.late).label("late"),
        sa.func.sum(same).label("same_day"),
    ).group_by(finished.c.unit_id, finished.c.fin)
    by_acceptance = sa.select(
        sa.literal(0),
        finished.c.unit_id,
        finished.c.acc,
        sa.func.count(),
        sa.literal(0),
        sa.literal(0),
    ).group_by(finished.c.unit_id, finished.c.acc)
    regions = ctx.regions_of_unit()
    found: dict[int, _Timing] = defaultdict(_Timing)
    count_to = _counter(ctx)
    for is_finish, unit_id, day, n, late, same_day in ctx.conn.execute(sa.union_all(by_finish, by_acceptance)):
        days = count_to(_day(day)) * n
        for region_id in regions.get(unit_id, ()):
            t = found[region_id]
            if is_finish:
                t.finished += n
                t.late += int(late or 0)
                t.same_day += int(same_day or 0)
                t.working_days += days
            else:
                t.working_days -= days
    return found


def _counter(ctx: MeasureContext) -> Callable[[date], int]:
    """Working days after the calendar's first day up to a day (CalendarYearUnknown outside the calendar)."""
    wt = ctx.wt
    origin = wt.first_day
    cumulative: dict[date, int] = {}

    def count_to(day: date) -> int:
        if day not in cumulative:
            cumulative[day] = wt.workdays_between(origin, day)
        return cumulative[day]

    return count_to


def _timing_per_case(ctx: MeasureContext) -> dict[int, _Timing]:
    """One row per finished application, with its number: the drill-down (and the fallback)."""
    regions = ctx.regions_of_unit()
    found: dict[int, _Timing] = defaultdict(_Timing)
    count_to = _counter(ctx)
    finished = _finished(ctx, accepted=True)
    query = sa.select(finished.c.unit_id, finished.c.late, finished.c.acc, finished.c.fin, finished.c.number)
    for unit_id, late, acc, fin, number in ctx.conn.execute(query):
        acc_day, fin_day = _day(acc), _day(fin)
        days = count_to(fin_day) - count_to(acc_day)
        for region_id in regions.get(unit_id, ()):
            t = found[region_id]
            t.finished += 1
            t.late += late
            t.working_days += days
            t.cases.append(number)
            if not late:
                t.on_time_cases.append(number)
            if acc_day == fin_day:
                t.same_day += 1
                t.same_day_cases.append(number)
    return found


@measure(
    "generic_application.immediate_share",
    "即办件占比（通用申请：受理当日办结）",
    "%",
    kinds=_KINDS,
)
def immediate_share(ctx: MeasureContext) -> Mapping[int, Measurement]:
    """已办结的通用申请中，受理当日办结的比例。"""
    return {
        region_id: Measurement.rate(t.same_day, t.finished, cases=t.cases, hit_cases=t.same_day_cases)
        for region_id, t in _timing(ctx).items()
    }


@measure("generic_application.on_time_rate", "按期办结率（通用申请）", "%", kinds=_KINDS)
def on_time_rate(ctx: MeasureContext) -> Mapping[int, Measurement]:
    """已办结的通用申请中，办结时未超期的比例（补正等暂停时间不计入时限）。"""
    return {
        region_id: Measurement.rate(t.finished - t.late, t.finished, cases=t.cases, hit_cases=t.on_time_cases)
        for region_id, t in _timing(ctx).items()
    }


@measure("generic_application.avg_working_days", "平均办理时间（通用申请，工作日）", "工作日", kinds=_KINDS)
def avg_working_days(ctx: MeasureContext) -> Mapping[int, Measurement]:
    """已办结的通用申请从受理到办结的平均工作日数（受理当日不计，补正期间计入）。"""
    return {
        region_id: Measurement.mean(t.working_days, t.finished, cases=t.cases) for region_id, t in _timing(ctx).items()
    }


@measure("generic_application.one_notice_rate", "一次性告知率（通用申请）", "%", kinds=_KINDS)
def one_notice_rate(ctx: MeasureContext) -> Mapping[int, Measurement]:
    """需补正的已办结通用申请中，申请及其各部门审批件均只告知补正一次的比例。"""
    if not ctx.unit_ids:
        return {}
    regions = ctx.regions_of_unit()
    finished = _finished(ctx, accepted=False)
    request = case_events.alias("request")
    asked = cases.alias("asked")
    application_id = sa.func.coalesce(asked.c.parent_id, asked.c.id)
    requests = (
        sa.select(application_id.label("application_id"), sa.func.count().label("n"))
        .select_from(request.join(asked, asked.c.id == request.c.case_id))
        .where(request.c.action == "request_supplement")
        .group_by(request.c.case_id, application_id)
        .subquery("requests")
    )
    per_application = (
        sa.select(
            finished.c.number,
            finished.c.unit_id,
            sa.func.max(requests.c.n).label("most"),
        )
        .select_from(finished.join(requests, requests.c.application_id == finished.c.id))
        .group_by(finished.c.id, finished.c.number, finished.c.unit_id)
        .subquery("per_application")
    )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    numbers: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    if ctx.with_cases:
        rows = ctx.conn.execute(sa.select(per_application.c.number, per_application.c.unit_id, per_application.c.most))
        for number, unit_id, most in rows:
            for region_id in regions.get(unit_id, ()):
                totals[region_id][0] += 1
                numbers[region_id][0].append(number)
                if most <= 1:
                    totals[region_id][1] += 1
                    numbers[region_id][1].append(number)
    else:
        once = sa.case((per_application.c.most <= 1, 1), else_=0)
        rows = ctx.conn.execute(
            sa.select(per_application.c.unit_id, sa.func.count(), sa.func.sum(once)).group_by(per_application.c.unit_id)
        )
        for unit_id, n, ok in rows:
            for region_id in regions.get(unit_id, ()):
                totals[region_id][0] += n
                totals[region_id][1] += int(ok or 0)
    return {
        region_id: Measurement.rate(
            ok, n, cases=numbers[region_id][0] if ctx.with_cases else (), hit_cases=numbers[region_id][1]
        )
        for region_id, (n, ok) in totals.items()
    }
