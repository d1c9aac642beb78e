"""The demo's window month: every kind of step happens, through the action layer, with intact event chains."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from onestop.actions.audit import verify_all
from onestop.actions.runtime import Runtime
from onestop.db.engine import read
from onestop.db.tables import cases, certificates
from onestop.demo.county import build_county
from onestop.demo.window import simulate_window
from onestop.worktime import TZ


def test_a_fortnight_of_window_activity(rt: Runtime) -> None:
    county = build_county(rt)
    now = datetime(2026, 3, 20, 18, 0, tzinfo=TZ)
    report = simulate_window(rt, county, now=now, days=14, seed=7)
    assert report.applications >= 30
    assert report.accepted > 0
    assert report.approvals > 0
    assert report.issued > 0
    assert report.delivered > 0
    assert report.notices > 0
    with read(rt.engine) as conn:
        issued = conn.execute(sa.select(sa.func.count()).select_from(certificates)).scalar_one()
        rows = conn.execute(sa.select(cases.c.kind, sa.func.count()).group_by(cases.c.kind)).all()
        kinds: dict[str, int] = {str(kind): int(n) for kind, n in rows}
    assert issued == report.certificates > 0
    assert kinds["window_application"] == report.applications
    assert kinds["window_approval"] >= report.accepted
    audit = verify_all(rt.engine)
    assert audit.ok
    assert audit.cases == sum(kinds.values())
    assert rt.now() != now  # the simulation hands the runtime's clock back
