"""A calendar change re-derives every running clock and records each change."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from onestop.actions.calendar import CLOSURES, import_notice, set_calendar_setting
from onestop.actions.cases import open_case
from onestop.db.engine import read
from onestop.db.tables import case_events, cases
from onestop.worktime import TZ, YearNotice
from tests.actions.conftest import County

# A made-up notice for 2027 (the real one is not out): 元旦 1-3 January with Monday 4 January off too.
NOTICE_2027 = YearNotice(
    year=2027,
    papers=("https://example.invalid/2027-notice",),
    off_days={date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦", date(2027, 1, 3): "元旦", date(2027, 1, 4): "元旦"},
    work_days={date(2027, 1, 9): "元旦"},
)


def _due(county: County, number: str) -> tuple[str, bool]:
    with read(county.rt.engine) as conn:
        row = conn.execute(sa.select(cases.c.due_at, cases.c.due_provisional).where(cases.c.number == number)).one()
    return row.due_at.astimezone(TZ).isoformat(), row.due_provisional


def test_import_of_next_years_notice_rederives_provisional_dues(county: County) -> None:
    county.clock.set(datetime(2026, 12, 21, 10, 0, tzinfo=TZ))
    number = open_case(
        county.rt, "generic_approval", county.clerk, unit_id=county.departments[0].id, payload={"limit": "10d"}
    ).number
    # 22-25, 28-31 December are 8 working days; 1 January is 元旦 on the provisional calendar; 4, 5 January.
    assert _due(county, number) == ("2027-01-05T17:30:00+08:00", True)

    report = import_notice(county.rt, NOTICE_2027, imported_by="admin")
    assert report.changed == 1
    # Now 4 January is off too: the tenth working day is Wednesday 6 January, and it is no longer provisional.
    assert _due(county, number) == ("2027-01-06T17:30:00+08:00", False)
    with read(county.rt.engine) as conn:
        event = conn.execute(
            sa.select(case_events.c.action, case_events.c.data).order_by(case_events.c.id.desc()).limit(1)
        ).one()
    assert event.action == "due_changed"
    assert event.data["from"].startswith("2027-01-05")
    assert event.data["to"].startswith("2027-01-06")
    assert event.data["provisional"] is False


def test_import_with_no_effect_records_nothing(county: County) -> None:
    number = open_case(
        county.rt, "generic_approval", county.clerk, unit_id=county.departments[0].id, payload={"limit": "3d"}
    ).number
    before = _due(county, number)
    report = import_notice(county.rt, NOTICE_2027, imported_by="admin")
    assert report.changed == 0
    assert _due(county, number) == before


def test_a_service_center_closure_moves_the_due(county: County) -> None:
    number = open_case(
        county.rt, "generic_approval", county.clerk, unit_id=county.departments[0].id, payload={"limit": "3d"}
    ).number
    # Monday 28 September + 3 working days: 29, 30 September, then 8 October (国庆).
    assert _due(county, number)[0] == "2026-10-08T17:30:00+08:00"
    set_calendar_setting(county.rt, CLOSURES, {"2026-09-30": "系统升级闭厅"})
    assert _due(county, number)[0] == "2026-10-09T17:30:00+08:00"
