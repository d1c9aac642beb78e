"""The demo hook: a month of certificates over the demo county's simulated applications."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onestop.actions.certs import verify_number
from onestop.actions.runtime import Runtime
from onestop.certs.outcome import Outcome
from onestop.db.engine import read
from onestop.db.tables import cert_keys, certificates
from onestop.demo.certs import simulate_certs
from onestop.demo.county import build_county
from onestop.demo.simulate import simulate
from onestop.worktime import TZ

NOW = datetime(2026, 10, 30, 18, 0, tzinfo=TZ)


def test_demo_issues_rotates_and_revokes(db: Engine) -> None:
    rt = Runtime(engine=db, now=lambda: NOW)
    county = build_county(rt)
    simulate(rt, county, now=NOW, days=12, seed=7)
    clock = rt.now = lambda: NOW  # simulate leaves its last instant behind; build_demo restores it
    report = simulate_certs(rt, county, now=NOW)
    assert report.issued > 0
    assert report.rotated
    assert report.revoked == 2
    with read(db) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(certificates)).scalar_one() == report.issued
        keys = conn.execute(sa.select(cert_keys.c.retired_at)).scalars().all()
        signed_by = set(conn.execute(sa.select(certificates.c.key_id)).scalars())
        outcomes = [verify_number(conn, n, on=NOW.date()).outcome for n in report.numbers]
    assert sorted(k is None for k in keys) == [False, True]  # one retired, one in use
    assert len(signed_by) == 2  # certificates from before and after the rotation
    assert outcomes.count(Outcome.REVOKED) == 2
    assert all(o in {Outcome.VALID, Outcome.REVOKED} for o in outcomes)
    assert rt.now is clock  # restored after the simulated instants
