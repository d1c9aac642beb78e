"""月调度 from the tick: ``on_tick`` opens each ledger's next monthly reports once, the day after its reporting
day, at the tick's own instant, and does nothing (writes nothing) on every other tick."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from onestop.actions import ledger as actions
from onestop.db.engine import read
from onestop.db.tables import case_events, cases
from onestop.ledger import parse_text
from onestop.worktime import TZ
from tests.ledger.conftest import Zone
from tests.ledger.test_ledger_tracking import SMALL


def _reports(zone: Zone) -> list[tuple[str, datetime]]:
    with read(zone.rt.engine) as conn:
        rows = conn.execute(
            sa.select(cases.c.payload, cases.c.created_at).where(cases.c.kind == "ledger_report").order_by(cases.c.id)
        ).all()
    return [(row.payload["month"], row.created_at) for row in rows]


def _event_count(zone: Zone) -> int:
    with read(zone.rt.engine) as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(case_events)).scalar_one())


def test_on_tick_dispatches_once_a_month_after_the_report_day(zone: Zone) -> None:
    actions.import_plan(zone.rt, parse_text(SMALL), zone.supervisor, supervisor="YHB")
    assert [m for m, _ in _reports(zone)] == ["2021-04"]  # the import opened April's
    events = _event_count(zone)
    # the reporting day itself (25 April): April's report is the one due; nothing to open, nothing written
    assert actions.on_tick(zone.rt, datetime(2021, 4, 25, 17, 0, tzinfo=TZ)) == 0
    assert _event_count(zone) == events
    # the day after: May's report opens, stamped with the tick's instant (the runtime's clock still says 20 April)
    tick_at = datetime(2021, 4, 26, 0, 5, tzinfo=TZ)
    assert actions.on_tick(zone.rt, tick_at) == 1
    reports = _reports(zone)
    assert [m for m, _ in reports] == ["2021-04", "2021-05"]
    assert reports[1][1] == tick_at
    # every later tick of the month is idle
    for later in (datetime(2021, 4, 26, 0, 10, tzinfo=TZ), datetime(2021, 5, 25, 12, 0, tzinfo=TZ)):
        assert actions.on_tick(zone.rt, later) == 0
    assert len(_reports(zone)) == 2
    assert actions.on_tick(zone.rt, datetime(2021, 5, 26, 9, 0, tzinfo=TZ)) == 1
    assert [m for m, _ in _reports(zone)] == ["2021-04", "2021-05", "2021-06"]


def test_on_tick_skips_finished_tasks_and_ledgers_without_ongoing_tasks(zone: Zone) -> None:
    assert actions.on_tick(zone.rt, datetime(2021, 4, 26, 9, 0, tzinfo=TZ)) == 0  # no ledger at all
    actions.import_plan(zone.rt, parse_text(SMALL), zone.supervisor, supervisor="YHB")
    ongoing = actions.ledger_rows(zone.rt, 1)[1]
    actions.cancel(zone.rt, ongoing.case_number, zone.supervisor, reason="并入其他任务")
    assert actions.on_tick(zone.rt, datetime(2021, 4, 26, 9, 0, tzinfo=TZ)) == 0
    assert [m for m, _ in _reports(zone)] == ["2021-04"]


def test_on_tick_in_a_year_without_a_calendar_opens_the_report_without_a_clock(zone: Zone) -> None:
    """Past the holiday notices the report's due cannot be counted in working days: it opens with no clock
    (never a guessed due), and the task's own dated clock (due 31 May 2021) is simply overdue."""
    plan = SMALL.replace("完成时限:长期推进", "完成时限:2021年5月底,长期推进")
    actions.import_plan(zone.rt, parse_text(plan), zone.supervisor, supervisor="YHB")
    assert actions.on_tick(zone.rt, datetime(2099, 1, 1, 9, 0, tzinfo=TZ)) == 1
    with read(zone.rt.engine) as conn:
        row = conn.execute(
            sa.select(cases.c.payload, cases.c.due_at)
            .where(cases.c.kind == "ledger_report")
            .order_by(cases.c.id.desc())
        ).first()
    assert row is not None
    assert (row.payload["month"], row.payload["due_date"], row.due_at) == ("2099-01", "2099-01-25", None)
