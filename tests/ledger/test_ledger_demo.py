"""The demo's month of ledger work: the county's plan imported (one name mapped), reports, a review, a task
done in time, 月调度 after the 25th, and the task whose deadline passed overdue."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.engine import Engine

from onestop.actions import ledger as actions
from onestop.actions.runtime import Runtime
from onestop.demo.county import build_county
from onestop.demo.ledger import simulate_ledger
from onestop.worktime import TZ
from tests.conftest import TravelClock

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=TZ)  # a Friday; the month simulated starts Wed 21 October


@pytest.mark.usefixtures("fast_argon2")
def test_a_month_of_the_demo_ledger(db: Engine) -> None:
    clock = TravelClock(datetime(2026, 10, 20, 9, 0, tzinfo=TZ))
    rt = Runtime(engine=db, now=clock)
    county = build_county(rt)
    sim = simulate_ledger(rt, county, now=NOW)
    assert rt.now is clock  # the runtime's clock is given back
    rows = {r.seq: r for r in actions.ledger_rows(rt, sim.ledger_id)}
    assert len(rows) == 6
    assert rows[5].owner == "和平县营商环境建设办公室"  # 县营商办, mapped once
    assert rows[6].state == "done"  # 用电报装: due in 10 days, done on the 7th working day
    assert rows[1].status_label == "已超期"  # 企业开办: due 10 November, still open on the 20th
    assert sim.overdue == [sim.tasks[1]]
    assert rows[1].progress_percent == 60
    assert rows[4].progress_text.startswith("已补充超期诉求清单")
    # 月调度: October's reports opened at import; November's the night after 25 October, once
    assert sim.reports_opened == 3  # tasks 2, 4 and 5 are the ongoing ones
    office = county.users["supervisor"].as_actor()
    months = {
        seq: sorted(str(r.payload["month"]) for r in actions.task_detail(rt, sim.tasks[seq], office).reports)
        for seq in (2, 4, 5)
    }
    assert months == {seq: ["2026-10", "2026-11"] for seq in (2, 4, 5)}
    history = [h.action for h in actions.task_reports(rt, sim.tasks[1])]
    assert history[:2] == ["contribute", "report"]
    assert "clock_overdue" in history
    assert "zrzy" in county.passwords  # the contact accounts made for units without staff can log in
