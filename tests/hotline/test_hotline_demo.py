"""The demo county's simulated hotline traffic: every part of the lifecycle occurs, through the action layer."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from onestop.actions import hotline_stats as hs
from onestop.actions.audit import verify_all
from onestop.actions.runtime import Runtime
from onestop.demo import hotline as demo
from onestop.demo.county import build_county
from onestop.worktime import TZ

pytestmark = pytest.mark.usefixtures("fast_argon2")


def test_two_weeks_of_traffic_without_shared_data(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "SHARED", Path("/nonexistent"))
    county = build_county(rt)
    now = datetime(2026, 3, 20, 18, 0, tzinfo=TZ)
    report = demo.simulate_hotline(rt, county, now=now, days=14, seed=7)
    assert report.texts_from == "built-in"
    assert report.requests >= 50
    assert report.direct_answers > 0
    assert report.dispatched > 0
    assert report.replies > 0
    assert report.visits > 0
    assert report.returns > 0  # the router's misses come back
    assert "hotline_scj" in report.handlers  # a handler was added where the county had none
    assert verify_all(rt.engine).ok
    supervisor = county.users["supervisor"].as_actor()
    stats = hs.statistics(rt, supervisor, start=date(2026, 3, 1), end=date(2026, 3, 20), by="category")
    assert stats.total.received == report.requests
    assert stats.total.direct == report.direct_answers
    assert stats.total.returns == report.returns


def test_real_posts_are_used_when_the_data_is_there() -> None:
    texts, source = demo.load_texts()
    if not demo.SHARED.is_file():
        pytest.skip("shared teddycup2020 data not present")
    assert source == "teddycup2020"
    assert len(texts) == 400
    assert {unit for _, unit in texts} <= set(demo.HANDLING_UNITS)
    assert not any("A市" in t for t, _ in texts)
