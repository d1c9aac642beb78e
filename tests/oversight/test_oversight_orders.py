"""Supervision orders through the action layer: raised by the rules once per (rule, case), answered, sent
back, accepted, escalated to 挂牌督办 when the answer is late, raised again only after ``repeat_after``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from oversight_scenario import County, application, at, rate

from onestop.actions.cases import open_case, perform
from onestop.actions.oversight import (
    accept_order,
    answer_order,
    cancel_order,
    escalate_order,
    on_tick,
    raise_order,
    return_order,
    run_rules,
)
from onestop.actions.tick import tick
from onestop.cases.errors import ActionNotAllowed, NotFound
from onestop.db import cases_repo
from onestop.db.engine import read
from onestop.db.tables import supervision_hits
from onestop.oversight.errors import InvalidOrder, OrderOpen, OversightForbidden


def _order(county: County, number: str) -> tuple[str, str, dict[str, object]]:
    with read(county.rt.engine) as conn:
        case = cases_repo.load_case(conn, number)
    return case.state, case.alarm.value, dict(case.payload)


def _hits(county: County) -> list[tuple[str, int, int]]:
    with read(county.rt.engine) as conn:
        rows = conn.execute(
            sa.select(supervision_hits.c.rule_code, supervision_hits.c.subject_case_id, supervision_hits.c.seq)
        )
        return [(r.rule_code, r.subject_case_id, r.seq) for r in rows]


def test_overdue_rule_raises_one_order_at_three_full_working_days(county: County) -> None:
    """Accepted Thu Oct 8 10:00 with 3 working days: due Mon Oct 12 17:30 (9, make-up Sat 10, 12). Three full
    working days overdue at Thu Oct 15 17:30 (13, 14, 15): not a minute earlier."""
    case = application(county, "X", "A", at(10, 8), "企业开办")
    assert on_tick(county.rt, at(10, 15, 17, 29)) == 0
    run = run_rules(county.rt, at(10, 15, 17, 30))
    assert run.checked["overdue_3d"] == 1
    (raised,) = run.raised
    assert (raised.rule, raised.subject) == ("overdue_3d", case.number)
    state, alarm, payload = _order(county, raised.order)
    assert state == "issued"
    assert alarm == "normal"
    assert payload["subject_number"] == case.number
    assert payload["limit"] == "3d"
    assert payload["reason"] == f"办件 {case.number} 已超期 3 个工作日（办件超期满3个工作日），请说明原因并限期办结。"
    # The tick runs the rules again and again: the open order stands alone.
    assert on_tick(county.rt, at(10, 16, 9)) == 0
    assert on_tick(county.rt, at(10, 19, 9)) == 0
    assert _hits(county) == [("overdue_3d", case.id, 1)]


def test_order_is_answered_sent_back_and_accepted(county: County) -> None:
    application(county, "X", "A", at(10, 8), "企业开办")
    (raised,) = run_rules(county.rt, at(10, 15, 17, 30)).raised
    a, b, supervisor = county.staff["A"], county.staff["B"], county.staff["supervisor"]
    county.clock.set(at(10, 16, 9))
    with pytest.raises(NotFound):  # another unit's staff do not see the order
        answer_order(county.rt, b, raised.order, "不是我们的")
    with pytest.raises(ActionNotAllowed):  # the supervisor reviews, the unit answers
        answer_order(county.rt, supervisor, raised.order, "代答")
    answered = answer_order(county.rt, a, raised.order, "材料不齐，已补齐，明日办结")
    assert answered.state == "answered"
    back = return_order(county.rt, supervisor, raised.order, "请写明办结时间", expected_version=answered.version)
    assert back.state == "issued"
    again = answer_order(county.rt, a, raised.order, "已于今日办结")
    done = accept_order(county.rt, supervisor, again.number)
    assert done.state == "accepted"


def test_late_answer_escalates_to_listed_supervision(county: County) -> None:
    """The order opened Thu Oct 15 17:30 with 3 working days is due Tue Oct 20 17:30 (16, 19, 20): the tick
    lists it (挂牌督办) at that instant, not before; the listed order is still answered and accepted."""
    application(county, "X", "A", at(10, 8), "企业开办")
    (raised,) = run_rules(county.rt, at(10, 15, 17, 30)).raised
    tick(county.rt, now=at(10, 20, 17, 29))
    assert _order(county, raised.order)[:2] == ("issued", "warning")
    report = tick(county.rt, now=at(10, 20, 17, 30))
    assert report.actions["escalate"] == 1
    assert _order(county, raised.order)[:2] == ("listed", "overdue")
    county.clock.set(at(10, 21, 9))
    answered = answer_order(county.rt, county.staff["A"], raised.order, "已办结")
    assert accept_order(county.rt, county.staff["supervisor"], answered.number).state == "accepted"


def test_rule_raises_again_only_after_repeat_after_working_days(county: County) -> None:
    """Accepted Wed Oct 21 10:00; repeat_after = order_limit = 3 working days: 22, 23, 26 → Mon Oct 26 17:30."""
    case = application(county, "X", "A", at(10, 8), "企业开办")
    (first,) = run_rules(county.rt, at(10, 15, 17, 30)).raised
    county.clock.set(at(10, 21, 9))
    answer_order(county.rt, county.staff["A"], first.order, "正在办理")
    county.clock.set(at(10, 21, 10))
    accept_order(county.rt, county.staff["supervisor"], first.order)
    assert run_rules(county.rt, at(10, 26, 17, 29)).raised == []
    (second,) = run_rules(county.rt, at(10, 26, 17, 30)).raised
    assert second.subject == case.number
    assert second.order != first.order
    assert sorted(_hits(county)) == [("overdue_3d", case.id, 1), ("overdue_3d", case.id, 2)]


def test_returned_twice_rule(county: County) -> None:
    """A reform task sent back once is not supervised; sent back twice, it is (rule returned_twice)."""
    a, supervisor = county.staff["A"], county.staff["supervisor"]
    county.clock.set(at(10, 12))
    task = open_case(county.rt, "ledger_task", supervisor, unit_id=county.units["A"].id, payload={"title": "改革任务"})
    for n in (1, 2):
        perform(county.rt, task.number, "submit", a, {"text": f"第{n}次申请销号"})
        perform(county.rt, task.number, "send_back", supervisor, {"reason": "佐证材料不足"})
        raised = run_rules(county.rt, at(10, 12, 11)).raised
        assert [(r.rule, r.subject) for r in raised] == ([] if n == 1 else [("returned_twice", task.number)])


def test_unrectified_bad_rating_is_supervised_at_its_limit(county: County) -> None:
    """A 差评 on Fri Oct 9 15:00 opens a rectification of 15 working days: due Thu Oct 29 17:30."""
    application(county, "A1", "A", at(10, 8), "企业开办")
    county.clock.set(at(10, 9, 11))
    perform(county.rt, county.cases["A1"].number, "finish", county.staff["A"])
    zg = rate(county, "A1", 1, at(10, 9, 15))
    assert zg is not None
    assert [
        r.subject for r in run_rules(county.rt, at(10, 29, 17, 29)).raised if r.rule == "rectification_overdue"
    ] == []
    raised = [r for r in run_rules(county.rt, at(10, 29, 17, 30)).raised if r.rule == "rectification_overdue"]
    assert [r.subject for r in raised] == [zg]


def test_manual_order_by_a_supervisor(county: County) -> None:
    case = application(county, "X", "B", at(10, 12), "企业开办")
    supervisor = county.staff["supervisor"]
    county.clock.set(at(10, 12, 11))
    with pytest.raises(OversightForbidden):
        raise_order(county.rt, county.staff["A"], number=case.number, reason="督办")
    order = raise_order(county.rt, supervisor, number=case.number, reason="群众反映办理缓慢，请核实", limit_days=2)
    assert order.unit_id == county.units["B"].id
    assert order.payload["rule"] == "manual"
    assert order.due_at == at(10, 14, 17, 30)  # 2 working days: 13, 14
    with pytest.raises(OrderOpen) as refused:
        raise_order(county.rt, supervisor, number=case.number, reason="再次督办")
    assert refused.value.status == 409
    cancelled = cancel_order(county.rt, supervisor, order.number, "误发")
    assert cancelled.state == "cancelled"
    assert raise_order(county.rt, supervisor, number=case.number, reason="再次督办").number != order.number


def test_supervisor_escalates_by_hand_and_bad_input(county: County) -> None:
    case = application(county, "X", "C", at(10, 12), "企业开办")
    supervisor = county.staff["supervisor"]
    county.clock.set(at(10, 12, 11))
    with pytest.raises(InvalidOrder) as empty:
        raise_order(county.rt, supervisor, number=case.number, reason="  ")
    assert (empty.value.field, empty.value.status) == ("reason", 422)
    with pytest.raises(InvalidOrder) as too_long:
        raise_order(county.rt, supervisor, number=case.number, reason="请办理", limit_days=61)
    assert too_long.value.field == "limit_days"
    with pytest.raises(NotFound):
        raise_order(county.rt, supervisor, number="SQ00000000000000", reason="督办")
    order = raise_order(county.rt, supervisor, number=case.number, reason="请加快办理")
    listed = escalate_order(county.rt, supervisor, order.number, "社会关注度高，挂牌督办")
    assert listed.state == "listed"
    with pytest.raises(NotFound):  # only supervision orders go through these actions
        accept_order(county.rt, supervisor, case.number)
