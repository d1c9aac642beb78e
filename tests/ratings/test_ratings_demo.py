"""The demo's month of 好差评, run on a short simulated stretch: what it reports is what the database holds."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from onestop.actions import ratings_reads as reads
from onestop.actions.cases import perform
from onestop.actions.runtime import Runtime
from onestop.db import org_repo
from onestop.db.engine import read
from onestop.db.tables import cases, ratings
from onestop.demo.county import build_county
from onestop.demo.ratings import simulate_ratings
from onestop.demo.simulate import simulate
from onestop.org.users import Actor
from onestop.worktime import TZ

NOW = datetime(2026, 3, 31, 18, 0, tzinfo=TZ)


def test_the_demo_rates_finished_cases_and_rectifies_bad_ones(rt: Runtime) -> None:
    county = build_county(rt)
    simulate(rt, county, now=NOW, days=12, seed=7)
    # The generic demo finishes few applications by itself (its departments are slow); the window clerk
    # finishes the rest at spread instants, so there is enough to rate.
    clerk = county.users["clerk"].as_actor()
    with read(rt.engine) as conn:
        rows_open = conn.execute(
            sa.select(cases.c.number, cases.c.updated_at).where(
                cases.c.kind == "generic_application", cases.c.state == "in_approval"
            )
        ).all()
    for number, updated_at in rows_open:
        when = min(updated_at + timedelta(days=2), NOW - timedelta(hours=2))
        rt.now = lambda when=when: when  # type: ignore[misc]
        perform(rt, number, "finish", clerk)
    report = simulate_ratings(rt, county, now=NOW, seed=7)
    with read(rt.engine) as conn:
        rows = conn.execute(sa.select(ratings.c.level, ratings.c.status, ratings.c.rectification_case_id)).all()
        rect_states = dict(
            conn.execute(
                sa.select(cases.c.state, sa.func.count()).where(cases.c.kind == "rectification").group_by(cases.c.state)
            ).all()
        )
        tree = org_repo.load_unit_tree(conn)
        admin = Actor(user_id=None, username="admin", roles=frozenset({"admin"}))
        total = reads.stats(conn, admin, tree, start=NOW - timedelta(days=40), end=NOW).total
    assert report.rated == len(rows) > 10
    assert report.bad == sum(1 for level, _, _ in rows if level <= 2) > 0
    assert all((level <= 2) == (rect is not None) for level, _, rect in rows)  # every 差评 has its rectification
    assert rect_states.get("closed", 0) == report.rectified
    assert sum(rect_states.values()) == report.bad
    assert report.appeals >= 1
    assert sum(1 for _, status, _ in rows if status == "annulled") == 1
    assert rect_states.get("withdrawn", 0) == 1
    assert total.ratings == report.rated - 1  # the annulled one is out of every figure
    assert total.rectified == report.rectified
    assert not report.skipped
