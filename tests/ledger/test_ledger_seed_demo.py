"""The demo's real plan: seed 003 imported as the county adopted it, a first month of reports, then each dated
task closed at its deadline and the 长期推进 tasks left open."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from onestop.actions import ledger as actions
from onestop.actions.runtime import Runtime
from onestop.demo.county import build_county
from onestop.demo.ledger_seed import counterpart, seed_file, simulate_seed_ledger
from onestop.worktime import TZ
from tests.conftest import SHARED_DATA, TravelClock, require

SEEDS = SHARED_DATA.parent / "seeds"


def test_unit_names_map_to_the_county_counterpart() -> None:
    assert counterpart("市场监管分局") == "SCJ"
    assert counterpart("组织人社局") == "RSJ"
    assert counterpart("自然资源和规划分局") == "ZRZY"
    assert counterpart("纪工委") == "YSB"  # no counterpart: the 营商办 coordinates it


def test_without_the_seeds_the_step_is_skipped(db: Engine, tmp_path: Path) -> None:
    rt = Runtime(engine=db, now=TravelClock(datetime(2026, 11, 20, 9, 0, tzinfo=TZ)))
    assert seed_file(tmp_path) is None
    assert simulate_seed_ledger(rt, build_county(rt), folder=tmp_path) is None


@pytest.mark.usefixtures("fast_argon2")
def test_the_real_plan_in_the_demo(db: Engine) -> None:
    require(seed_file(SEEDS) is not None, f"seed plans not found at {SEEDS}")
    clock = TravelClock(datetime(2026, 11, 20, 9, 0, tzinfo=TZ))
    rt = Runtime(engine=db, now=clock)
    county = build_county(rt)
    sim = simulate_seed_ledger(rt, county, folder=SEEDS)
    assert sim is not None
    assert rt.now is clock
    assert sim.tasks == 54  # every task of the plan (tests/ledger checks the parse itself)
    assert sim.mapping["市场监管分局"] == "SCJ"
    rows = actions.ledger_rows(rt, sim.ledger_id)
    owners = Counter(r.owner for r in rows)
    assert owners["和平县市场监督管理局"] == 9  # 市场监管分局 is the first-named lead of nine tasks
    states = Counter(r.state for r in rows)
    assert sim.reports == 12
    assert states["done"] == sim.completed == 40
    assert sim.ongoing == 14
    assert sum(1 for r in rows if r.progress_text) >= 12  # the first month's reports are on the ledger
