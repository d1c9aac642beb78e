"""Statistics per unit and per category, hand-counted from three requests."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from onestop.actions import hotline as hl
from onestop.actions import hotline_stats as hs
from onestop.hotline.kinds import Channel
from onestop.hotline.rules import HotlineError
from onestop.worktime import TZ
from tests.hotline.hotline_helpers import HotlineCounty, complaint


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=TZ)


def _scenario(hc: HotlineCounty) -> tuple[str, str, str]:
    rt, op = hc.rt, hc.operator
    scj, zjj = hc.units["SCJ"].id, hc.units["ZJJ"].id
    # R1: returned by SCJ, handled by ZJJ with an extension, visited satisfied and solved.
    r1 = hl.register_request(rt, op, complaint(), channel=Channel.PHONE).case.number
    hl.dispatch(rt, op, r1, hl.DispatchOrder(scj))
    hl.return_request(rt, hc.handlers["SCJ"], r1, reason="非本单位职责")
    hl.dispatch(rt, op, r1, hl.DispatchOrder(zjj))
    hl.accept(rt, hc.handlers["ZJJ"], r1)
    hl.request_extension(rt, hc.handlers["ZJJ"], r1, extension="2d", reason="需检测")
    hl.decide_extension(rt, op, r1, approve=True)
    hl.reply(rt, hc.handlers["ZJJ"], r1, text="已整改")
    hl.review_reply(rt, op, r1, approve=True)
    hl.return_visit(rt, op, r1, result="satisfied", solved=True)
    # R2: a consultation answered on the spot.
    r2 = hl.register_request(rt, op, complaint(category="consult", text="公积金怎么提取？"), channel=Channel.PHONE)
    hl.direct_answer(rt, op, r2.case.number, reply_text="持身份证到公积金管理部办理。")
    # R3: SCJ replies after the due (5 working days from Monday 2 March: due 9 March 17:30), visit unsatisfied.
    r3 = hl.register_request(rt, op, complaint(phone="13900000000", address="别处"), channel=Channel.PHONE)
    hl.dispatch(rt, op, r3.case.number, hl.DispatchOrder(scj))
    hl.accept(rt, hc.handlers["SCJ"], r3.case.number)
    hc.at(at(10, 9))
    hl.reply(rt, hc.handlers["SCJ"], r3.case.number, text="已处理")
    hl.review_reply(rt, op, r3.case.number, approve=True)
    hl.return_visit(rt, op, r3.case.number, result="unsatisfied", solved=False)
    return r1, r2.case.number, r3.case.number


def test_per_unit(hc: HotlineCounty) -> None:
    _scenario(hc)
    stats = hs.statistics(hc.rt, hc.supervisor, start=date(2026, 3, 1), end=date(2026, 3, 31), by="unit")
    rows = {r.label: r for r in stats.rows}
    scj, zjj = rows["测试县市场监督管理局"], rows["测试县住房和城乡建设局"]
    assert (scj.received, scj.returns, scj.replied, scj.on_time, scj.approved) == (2, 1, 1, 0, 1)
    assert (scj.visited, scj.satisfied, scj.solved, scj.closed) == (1, 0, 0, 0)
    assert scj.on_time_rate == 0.0
    assert scj.satisfaction_rate == 0.0
    assert scj.close_rate == 0.0
    assert (zjj.received, zjj.replied, zjj.on_time, zjj.extensions, zjj.closed) == (1, 1, 1, 1, 1)
    assert (zjj.visited, zjj.satisfied, zjj.solved) == (1, 1, 1)
    assert zjj.on_time_rate == 1.0
    assert zjj.close_rate == 1.0
    assert zjj.visit_rate == 1.0
    total = stats.total
    assert (total.received, total.direct, total.closed, total.returns, total.visited, total.satisfied) == (
        3,
        1,
        2,
        1,
        2,
        1,
    )
    assert total.satisfaction_rate == 0.5


def test_per_category_and_period(hc: HotlineCounty) -> None:
    _scenario(hc)
    stats = hs.statistics(hc.rt, hc.operator, start=date(2026, 3, 1), end=date(2026, 3, 31), by="category")
    rows = {r.key: r for r in stats.rows}
    assert (rows["consult"].received, rows["consult"].direct, rows["consult"].closed) == (1, 1, 1)
    assert (rows["complaint"].received, rows["complaint"].replied, rows["complaint"].closed) == (2, 2, 1)
    # Only the 10th: R3's reply, approval and visit.
    day = hs.statistics(hc.rt, hc.operator, start=date(2026, 3, 10), end=date(2026, 3, 10), by="category")
    (only,) = day.rows
    assert (only.key, only.received, only.replied, only.visited, only.on_time) == ("complaint", 0, 1, 1, 0)


def test_units_see_their_own_row_and_bad_periods_are_refused(hc: HotlineCounty) -> None:
    _scenario(hc)
    mine = hs.statistics(hc.rt, hc.handlers["ZJJ"], start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert [r.label for r in mine.rows] == ["测试县住房和城乡建设局"]
    with pytest.raises(HotlineError) as err:
        hs.statistics(hc.rt, hc.operator, start=date(2026, 3, 31), end=date(2026, 3, 1))
    assert err.value.field == "end"
    with pytest.raises(HotlineError):
        hs.statistics(hc.rt, hc.operator, start=date(2026, 3, 1), end=date(2026, 3, 2), by="week")


def test_supervision_events(hc: HotlineCounty) -> None:
    rt, op = hc.rt, hc.operator
    number = hl.register_request(rt, op, complaint(), channel=Channel.PHONE).case.number
    for code in ("SCJ", "ZJJ"):
        hl.dispatch(rt, op, number, hl.DispatchOrder(hc.units[code].id))
        hl.return_request(rt, hc.handlers[code], number, reason="非本单位职责")
    (event,) = hs.supervision_events(rt)
    assert (event.case_number, event.kind) == (number, "repeated_returns")
