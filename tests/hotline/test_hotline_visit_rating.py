"""The return visit (回访) is the request's 好差评 on the phone channel: one rating, taken when the request
closes, for its lead unit; a 不满意 one is a 差评 with the unit's rectification, in the visit's transaction."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from onestop.actions import hotline as hl
from onestop.actions import ratings as rating_actions
from onestop.cases.events import Event
from onestop.db.engine import read, write
from onestop.db.tables import cases, ratings
from onestop.hotline.kinds import Channel
from onestop.org.synthetic import make_resident_id
from onestop.ratings.levels import Channel as RatingChannel
from onestop.ratings.levels import Level
from tests.hotline.hotline_helpers import HotlineCounty, complaint


def _rows(hc: HotlineCounty, number: str) -> list[sa.RowMapping]:
    with read(hc.rt.engine) as conn:
        case_id = conn.execute(sa.select(cases.c.id).where(cases.c.number == number)).scalar_one()
        return list(
            conn.execute(sa.select(ratings).where(ratings.c.case_id == case_id).order_by(ratings.c.id)).mappings()
        )


def _to_visit(hc: HotlineCounty, number: str, unit: str = "SCJ", *, first: bool = True) -> None:
    """Dispatches (the first time), has the unit answer and the center approve: the request waits for its visit."""
    h = hc.handlers[unit]
    if first:
        hl.dispatch(hc.rt, hc.operator, number, hl.DispatchOrder(hc.units[unit].id))
        hl.accept(hc.rt, h, number)
    hl.reply(hc.rt, h, number, text="已现场核查并责令整改。")
    hl.review_reply(hc.rt, hc.operator, number, approve=True)


def _known_caller(hc: HotlineCounty) -> hl.Registered:
    pid = make_resident_id("441624", date(1985, 1, 2), 7)
    return hl.register_request(hc.rt, hc.operator, complaint(id_number=pid), channel=Channel.PHONE)


def test_satisfied_visit_rates_the_lead_unit_by_phone(hc: HotlineCounty) -> None:
    reg = _known_caller(hc)
    number = reg.case.number
    _to_visit(hc, number)
    case = hl.return_visit(hc.rt, hc.operator, number, result="satisfied", solved=True, comment="处理及时")
    assert case.state == "closed"
    (row,) = _rows(hc, number)
    assert (row["channel"], row["level"], row["bad"]) == ("phone", 4, False)  # 满意 → 4 满意
    assert row["unit_id"] == hc.units["SCJ"].id
    assert (row["real_name"], row["party_id"]) == (True, reg.case.party_id)
    assert row["comment"] == "处理及时"
    assert row["rectification_case_id"] is None


def test_basically_satisfied_visit_of_an_anonymous_caller_is_level_3_and_not_real_name(hc: HotlineCounty) -> None:
    number = hl.register_request(hc.rt, hc.operator, complaint(anonymous="是"), channel=Channel.PHONE).case.number
    _to_visit(hc, number, "ZJJ")
    hl.return_visit(hc.rt, hc.operator, number, result="basic", solved=True)
    (row,) = _rows(hc, number)
    assert (row["level"], row["bad"], row["real_name"], row["unit_id"]) == (3, False, False, hc.units["ZJJ"].id)


def test_unsatisfied_visit_is_a_bad_rating_with_a_rectification_for_the_unit(hc: HotlineCounty) -> None:
    reg = _known_caller(hc)
    number = reg.case.number
    _to_visit(hc, number)
    # first 不满意: 重办, the request is not finished, so no rating yet
    case = hl.return_visit(hc.rt, hc.operator, number, result="unsatisfied", solved=False, comment="油烟依旧")
    assert case.state == "handling"
    assert _rows(hc, number) == []
    _to_visit(hc, number, first=False)
    case = hl.return_visit(hc.rt, hc.operator, number, result="unsatisfied", solved=False, comment="仍然扰民")
    assert case.state == "review"
    assert _rows(hc, number) == []
    case = hl.conclude(hc.rt, hc.supervisor, number, comment="经核查，已依法处理，做好解释")
    assert case.state == "closed"
    (row,) = _rows(hc, number)
    assert (row["channel"], row["level"], row["bad"], row["real_name"]) == ("phone", 2, True, True)
    assert row["unit_id"] == hc.units["SCJ"].id
    assert row["comment"] == "仍然扰民"  # the caller's words, not the center's finding
    assert row["rectification_case_id"] is not None
    with read(hc.rt.engine) as conn:
        rect = conn.execute(sa.select(cases).where(cases.c.id == row["rectification_case_id"])).mappings().one()
    assert (rect["kind"], rect["state"], rect["unit_id"]) == ("rectification", "verifying", hc.units["SCJ"].id)
    assert rect["party_id"] == reg.case.party_id
    assert rect["payload"]["rated_case"] == number
    assert rect["payload"]["channel"] == "phone"


def test_reopened_request_visited_twice_is_rated_once_by_the_closing_visit(hc: HotlineCounty) -> None:
    number = _known_caller(hc).case.number
    _to_visit(hc, number)
    hl.return_visit(hc.rt, hc.operator, number, result="unsatisfied", solved=False)
    _to_visit(hc, number, first=False)
    case = hl.return_visit(hc.rt, hc.operator, number, result="satisfied", solved=True)
    assert case.state == "closed"
    (row,) = _rows(hc, number)
    assert (row["channel"], row["level"], row["bad"]) == ("phone", 4, False)


def test_an_existing_phone_rating_stands_and_the_visit_does_not_fail(hc: HotlineCounty) -> None:
    """Only a closed request is ratable and a closed one is not visited again, so this reaches ``record_in``
    directly: the second phone rating of one request is skipped, not an error that would undo its action."""
    number = _known_caller(hc).case.number
    _to_visit(hc, number)
    hl.return_visit(hc.rt, hc.operator, number, result="satisfied", solved=True)
    events: list[Event] = []
    with write(hc.rt.engine) as conn:
        again = rating_actions.record_in(
            conn,
            number,
            Level.DISSATISFIED,
            RatingChannel.PHONE,
            anonymous=False,
            comment="",
            unit_id=None,
            wt=hc.rt.working_time(),
            now=hc.rt.now(),
            events=events,
        )
    assert again is None
    assert events == []
    assert [(r["channel"], r["level"]) for r in _rows(hc, number)] == [("phone", 4)]


def test_the_caller_may_still_rate_the_request_online(hc: HotlineCounty) -> None:
    reg = _known_caller(hc)
    number = reg.case.number
    _to_visit(hc, number)
    hl.return_visit(hc.rt, hc.operator, number, result="satisfied", solved=True)
    online = rating_actions.rate(hc.rt, number, level=5, channel="online", actor=None, code=reg.code)
    assert (online.level.number, online.real_name) == (5, True)
    assert [(r["channel"], r["level"]) for r in _rows(hc, number)] == [("phone", 4), ("online", 5)]
