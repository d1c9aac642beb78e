"""The counts behind the figures, read from the database, checked against hand-computed values; and the lists,
scoped and masked."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction

import pytest

from onestop.actions import ratings as actions
from onestop.actions import ratings_reads as reads
from onestop.db import org_repo
from onestop.db.engine import read
from onestop.org.users import Actor
from onestop.ratings.errors import InvalidRating
from onestop.ratings.stats import Tally
from onestop.worktime import TZ
from tests.ratings.conftest import START, County, finished_case

MARCH = (datetime(2026, 3, 1, tzinfo=TZ), datetime(2026, 4, 1, tzinfo=TZ))


def _stats(
    county: County, actor: Actor, group: str = "unit", period: tuple[datetime, datetime] = MARCH
) -> reads.StatsTable:
    with read(county.rt.engine) as conn:
        tree = org_repo.load_unit_tree(conn)
        return reads.stats(conn, actor, tree, start=period[0], end=period[1], group=group)


def _month(county: County) -> dict[str, str]:
    """Six finished cases A–F and their ratings (see the test); returns the rectification numbers."""
    a, b, c, d, e, f = (finished_case(county)[0] for _ in range(6))
    citizen, clerk = county.actors["citizen"], county.actors["clerk"]
    actions.rate(county.rt, a, level=5, channel="online", actor=citizen)
    actions.rate(county.rt, a, level=4, channel="window_device", actor=clerk)
    actions.rate(county.rt, b, level=3, channel="online", actor=citizen)
    real = actions.rate(county.rt, c, level=2, channel="online", actor=citizen).rectification_number
    anon = actions.rate(county.rt, d, level=1, channel="online", actor=citizen, anonymous=True).rectification_number
    wrong = actions.rate(county.rt, f, level=1, channel="online", actor=citizen)
    appeal = actions.appeal(county.rt, wrong.id, clerk, ground="mistaken", explanation="评价人选错了办件")
    actions.review_appeal(county.rt, appeal.number, county.actors["supervisor"], approve=True, reason="属误评")
    assert real
    assert anon
    assert e
    return {"real": real, "anon": anon}


def test_the_figures_of_a_month_before_and_after_rectification(county: County) -> None:
    rect = _month(county)
    supervisor, clerk = county.actors["supervisor"], county.actors["clerk"]
    (row,) = _stats(county, supervisor).rows
    assert row.label == "测试县政务服务中心"
    t = row.tally
    # six finished; A–D have a valid rating, E none, F's only rating was annulled: 4/6
    assert (t.finished, t.rated, t.coverage) == (6, 4, Fraction(2, 3))
    # valid ratings 5, 4, 3, 2, 1: 好评率 2/5, 满意率 3/5; 差评 2 (one real-name, one anonymous); 1 annulled
    assert t.by_level == (1, 1, 1, 1, 1)
    assert (t.good_rate, t.satisfied_rate) == (Fraction(2, 5), Fraction(3, 5))
    assert (t.bad, t.bad_real, t.bad_anonymous, t.annulled) == (2, 1, 1, 1)
    assert (t.callback_rate, t.rectification_rate) == (Fraction(0), Fraction(0))
    # the anonymous one rectified (closed without callback), the real-name one called back
    actions.verify(county.rt, rect["anon"], clerk, finding="属实")
    actions.rectify(county.rt, rect["anon"], clerk, measures="已整改")
    t = _stats(county, supervisor).total
    assert (t.rectification_rate, t.rectification_rate_anonymous, t.callback_rate) == (Fraction(1, 2), 1, 0)
    actions.verify(county.rt, rect["real"], clerk, finding="属实")
    actions.rectify(county.rt, rect["real"], clerk, measures="已整改")
    actions.call_back(county.rt, rect["real"], clerk, result="dissatisfied", note="仍不满意")
    t = _stats(county, supervisor).total
    assert (t.rectification_rate, t.callback_rate, t.rectification_rate_real) == (1, 1, 1)


def test_periods_items_and_scope(county: County) -> None:
    number, _ = finished_case(county)
    actions.rate(county.rt, number, level=5, channel="online", actor=county.actors["citizen"])
    county.clock.set(datetime(2026, 4, 1, 9, 30, tzinfo=TZ))  # April: another finished case and rating
    april, _ = finished_case(county)
    actions.rate(county.rt, april, level=1, channel="online", actor=county.actors["citizen"])
    supervisor = county.actors["supervisor"]
    march = _stats(county, supervisor).total
    assert (march.finished, march.rated, march.ratings, march.bad) == (1, 1, 1, 0)
    whole = _stats(county, supervisor, period=(MARCH[0], MARCH[1] + timedelta(days=30))).total
    assert (whole.finished, whole.ratings, whole.bad, whole.good_rate) == (2, 2, 1, Fraction(1, 2))
    (item,) = _stats(county, supervisor, group="item").rows
    assert (item.key, item.tally.ratings, item.tally.finished) == ("个体工商户名称变更", 1, 1)
    # a department's approver reads nothing of the center's ratings
    assert _stats(county, county.actors["approver"]).total == Tally()
    with pytest.raises(InvalidRating) as bad_group:
        _stats(county, supervisor, group="colour")
    assert bad_group.value.field == "group"


def test_lists_are_scoped_and_masked(county: County) -> None:
    number, _ = finished_case(county)
    actions.rate(
        county.rt,
        number,
        level=1,
        channel="online",
        actor=county.actors["citizen"],
        comment="请回电 13800138000，窗口态度差",
        tags=["poor_attitude"],
    )
    with read(county.rt.engine) as conn:
        tree = org_repo.load_unit_tree(conn)
        (row,) = reads.list_ratings(conn, county.actors["clerk"], tree, reads.RatingFilters())
        assert reads.list_ratings(conn, county.actors["approver"], tree, reads.RatingFilters()) == []
        (rect,) = reads.rectifications(conn, county.actors["clerk"], tree, open_only=True)
        assert reads.get_rating(conn, county.actors["approver"], tree, row.id) is None
    assert row.comment == "请回电 138****8000，窗口态度差"
    assert row.rater_phone == "138****0001"
    assert row.tags == ["态度生硬"]
    assert (row.level.label, row.rectification_state, row.status.label) == ("非常不满意", "待核实", "有效")
    assert rect.rated_case == number
    assert (rect.contacted, rect.contact_overdue, rect.callback_result) == (False, False, None)
    assert rect.contact_due == datetime(2026, 3, 3, 17, 30, tzinfo=TZ)
    assert rect.opened_at == START
