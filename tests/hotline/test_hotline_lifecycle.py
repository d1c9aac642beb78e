"""A 12345 request through the action layer: dispatch, return, re-dispatch, extension, reply, visit, 重办.

Dates are hand-computed on the national calendar (March 2026 has no holiday); office hours 9:00–12:00 and
13:30–17:30, so a working-day limit runs out at 17:30 of its last day (the start day not counted).
"""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from onestop.actions import hotline as hl
from onestop.cases.errors import ActionNotAllowed, InvalidAction, NotFound
from onestop.db import cases_repo
from onestop.db.engine import read
from onestop.db.tables import cases
from onestop.hotline.access import AccessDenied
from onestop.hotline.kinds import Channel
from onestop.hotline.rules import HotlineError
from onestop.worktime import TZ
from tests.hotline.hotline_helpers import HotlineCounty, complaint


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=TZ)


def actions_of(hc: HotlineCounty, number: str) -> list[str]:
    with read(hc.rt.engine) as conn:
        case = cases_repo.load_case(conn, number)
        return [e.action for e in cases_repo.load_events(conn, case)]


def test_complaint_returned_redispatched_extended_replied_reopened_closed(hc: HotlineCounty) -> None:  # noqa: PLR0915
    rt, op = hc.rt, hc.operator
    scj, zjj = hc.units["SCJ"], hc.units["ZJJ"]
    reg = hl.register_request(rt, op, complaint(), channel=Channel.PHONE)
    number = reg.case.number
    assert number.startswith("RX")
    assert reg.case.state == "registered"
    assert reg.case.unit_id == hc.center.id
    assert reg.case.payload["limit"] == "5d"
    assert "13800138001" not in str(reg.case.payload)  # the phone stays out of the payload and its events

    hc.at(at(2, 10, 5))
    case = hl.dispatch(rt, op, number, hl.DispatchOrder(scj.id, co_unit_ids=(zjj.id,)))
    assert (case.state, case.unit_id) == ("dispatched", scj.id)
    assert case.due_at == at(9, 17, 30)  # 5 working days: 3, 4, 5, 6, 9 March
    assert case.payload["sign_due"] == at(3, 17, 30).isoformat()
    (pd,) = hl.request_children(rt, case)
    assert (pd.kind, pd.unit_id, pd.state) == ("hotline_dispatch", zjj.id, "assisting")

    # 退单 within the window, with a reason; the clock pauses while the center decides.
    hc.at(at(3, 9, 0))
    case = hl.return_request(rt, hc.handlers["SCJ"], number, reason="油烟噪音扰民属住建部门（物业）职责")
    assert case.state == "returned"
    assert case.clock is not None
    assert case.clock.running_since is None
    assert case.payload["returns"] == 1

    hc.at(at(3, 10, 0))
    case = hl.dispatch(rt, op, number, hl.DispatchOrder(zjj.id))
    assert (case.state, case.unit_id) == ("dispatched", zjj.id)
    # One day used (2 → 3 March); 3 March, the day it resumed, does not count: 4 days left → 9 March.
    assert case.due_at == at(9, 17, 30)
    assert hl.request_children(rt, case)[0].state == "withdrawn"  # the old co-unit's part is withdrawn

    hc.at(at(3, 11, 0))
    case = hl.accept(rt, hc.handlers["ZJJ"], number)
    assert case.state == "handling"
    hc.at(at(4, 9, 0))
    case = hl.request_extension(rt, hc.handlers["ZJJ"], number, extension="3d", reason="需联合执法现场检测")
    assert case.state == "extension_requested"
    case = hl.decide_extension(rt, hc.supervisor, number, approve=True)
    assert case.state == "handling"
    assert case.due_at == at(12, 17, 30)

    hc.at(at(5, 15, 0))
    case = hl.reply(rt, hc.handlers["ZJJ"], number, text="已责令烧烤店加装油烟净化器并限定营业时间至22时。")
    assert case.state == "replied"
    case = hl.review_reply(rt, op, number, approve=True)
    assert case.state == "visiting"
    assert case.payload["visit_due"] == at(9, 17, 30).isoformat()

    # 不满意 → 重办 with a fresh 5-day clock from the visit.
    hc.at(at(6, 10, 0))
    case = hl.return_visit(rt, op, number, result="unsatisfied", solved=False, comment="仍有噪音")
    assert case.state == "handling"
    assert case.payload["reopens"] == 1
    assert case.due_at == at(13, 17, 30)  # 9, 10, 11, 12, 13 March
    assert case.clock is not None
    assert case.clock.extension.amount == 0

    hc.at(at(9, 10, 0))
    hl.reply(rt, hc.handlers["ZJJ"], number, text="复查：已停止夜间营业，噪音检测达标。")
    hl.review_reply(rt, op, number, approve=True)
    hc.at(at(10, 10, 0))
    case = hl.return_visit(rt, op, number, result="satisfied", solved=True)
    assert case.state == "closed"
    assert actions_of(hc, number) == [
        "open",
        "dispatch",
        "return",
        "dispatch",
        "accept",
        "request_extension",
        "approve_extension",
        "reply",
        "approve_reply",
        "visit_reopen",
        "reply",
        "approve_reply",
        "visit_close",
    ]


def test_second_unsatisfied_visit_goes_to_review_then_concluded(hc: HotlineCounty) -> None:
    rt, op, h = hc.rt, hc.operator, hc.handlers["SCJ"]
    number = hl.register_request(rt, op, complaint(), channel=Channel.PHONE).case.number
    hl.dispatch(rt, op, number, hl.DispatchOrder(hc.units["SCJ"].id))
    for _ in range(2):
        if actions_of(hc, number)[-1] == "dispatch":
            hl.accept(rt, h, number)
        hl.reply(rt, h, number, text="已处理。")
        hl.review_reply(rt, op, number, approve=True)
        case = hl.return_visit(rt, op, number, result="unsatisfied", solved=False)
    assert case.state == "review"
    with pytest.raises(HotlineError) as err:
        hl.conclude(rt, hc.supervisor, number, comment=" ")
    assert err.value.field == "comment"
    case = hl.conclude(rt, hc.supervisor, number, comment="经核查，诉求人要求超出政策范围，已解释")
    assert case.state == "closed"


def test_designated_request_cannot_be_returned(hc: HotlineCounty) -> None:
    rt, op = hc.rt, hc.operator
    number = hl.register_request(rt, op, complaint(), channel=Channel.PHONE).case.number
    with pytest.raises(HotlineError) as no_reason:
        hl.dispatch(rt, op, number, hl.DispatchOrder(hc.units["YMZ"].id, designate=True))
    assert no_reason.value.field == "reason"
    hl.dispatch(
        rt, op, number, hl.DispatchOrder(hc.units["YMZ"].id, designate=True, reason="职责争议，经研究确定由属地镇办理")
    )
    with pytest.raises(HotlineError) as err:
        hl.return_request(rt, hc.handlers["YMZ"], number, reason="不属于本镇职责")
    assert err.value.code == "designated"
    assert "指定承办" in err.value.message
    assert hl.accept(rt, hc.handlers["YMZ"], number).state == "handling"


def test_return_after_the_sign_window_is_refused_and_the_tick_signs_for_it(hc: HotlineCounty) -> None:
    rt, op = hc.rt, hc.operator
    number = hl.register_request(rt, op, complaint(), channel=Channel.PHONE).case.number
    hl.dispatch(rt, op, number, hl.DispatchOrder(hc.units["SCJ"].id))  # Mon 10:00 → window ends Tue 17:30
    hc.at(at(3, 17, 31))
    with pytest.raises(HotlineError) as err:
        hl.return_request(rt, hc.handlers["SCJ"], number, reason="不属于本单位职责")
    assert err.value.code == "return_window_passed"
    assert "2026-03-03 17:30" in err.value.message
    assert hl.on_tick(rt, at(3, 17, 29)) == 0
    assert hl.on_tick(rt, at(3, 17, 31)) == 1
    assert hl.on_tick(rt, at(3, 17, 32)) == 0  # done once
    assert actions_of(hc, number)[-1] == "auto_accept"
    with pytest.raises(InvalidAction):
        hl.return_request(rt, hc.handlers["SCJ"], number, reason="不属于本单位职责")


def test_repeated_returns_raise_supervision(hc: HotlineCounty) -> None:
    rt, op = hc.rt, hc.operator
    number = hl.register_request(rt, op, complaint(), channel=Channel.PHONE).case.number
    for code in ("SCJ", "ZJJ"):
        hl.dispatch(rt, op, number, hl.DispatchOrder(hc.units[code].id))
        hl.return_request(rt, hc.handlers[code], number, reason="不属于本单位职责")
    assert actions_of(hc, number)[-3:] == ["dispatch", "return", "flag_supervision"]
    assert actions_of(hc, number).count("flag_supervision") == 1  # the first return raised none


def test_extension_is_bounded(hc: HotlineCounty) -> None:
    rt, op, h = hc.rt, hc.operator, hc.handlers["SCJ"]
    number = hl.register_request(rt, op, complaint(), channel=Channel.PHONE).case.number
    hl.dispatch(rt, op, number, hl.DispatchOrder(hc.units["SCJ"].id))
    hl.accept(rt, h, number)
    with pytest.raises(HotlineError) as too_long:
        hl.request_extension(rt, h, number, extension="11d", reason="情况复杂")
    assert too_long.value.code == "extension_exceeded"
    assert "尚可延长 10个工作日" in too_long.value.message
    hl.request_extension(rt, h, number, extension="6d", reason="情况复杂")
    hl.decide_extension(rt, op, number, approve=True)
    with pytest.raises(HotlineError) as second:
        hl.request_extension(rt, h, number, extension="5d", reason="仍需时间")
    assert "尚可延长 4个工作日" in second.value.message
    with pytest.raises(HotlineError) as bad:
        hl.request_extension(rt, h, number, extension="三天", reason="仍需时间")
    assert bad.value.field == "extension"
    hl.request_extension(rt, h, number, extension="4d", reason="仍需时间")
    case = hl.decide_extension(rt, op, number, approve=False, reason="已延期一次，请按期办结")
    assert case.state == "handling"
    assert case.clock is not None
    assert str(case.clock.extension) == "6d"


def test_units_act_only_on_their_own_requests(hc: HotlineCounty) -> None:
    rt, op = hc.rt, hc.operator
    number = hl.register_request(rt, op, complaint(), channel=Channel.PHONE).case.number
    with pytest.raises(NotFound):  # not dispatched yet: the unit does not see it at all
        hl.get_request(rt, hc.handlers["SCJ"], number)
    hl.dispatch(rt, op, number, hl.DispatchOrder(hc.units["SCJ"].id, co_unit_ids=(hc.units["ZJJ"].id,)))
    assert hl.get_request(rt, hc.handlers["SCJ"], number).phone == "138****8001"  # masked for the unit
    assert hl.get_request(rt, op, number).phone == "13800138001"  # whole for the operator who calls back
    assert hl.get_request(rt, hc.handlers["ZJJ"], number).case.number == number  # the co-unit sees it
    with pytest.raises(ActionNotAllowed):  # … but only the lead unit acts on it
        hl.accept(rt, hc.handlers["ZJJ"], number)
    with pytest.raises(NotFound):
        hl.get_request(rt, hc.handlers["YMZ"], number)
    with pytest.raises(AccessDenied):  # a handler does not dispatch
        hl.dispatch(rt, hc.handlers["SCJ"], number, hl.DispatchOrder(hc.units["ZJJ"].id))
    (pd,) = hl.request_children(rt, hl.get_request(rt, op, number).case)
    done = hl.submit_opinion(rt, hc.handlers["ZJJ"], pd.number, text="可配合开展噪音检测")
    assert done.state == "done"


def test_urgent_call_is_dispatched_at_once_with_an_hour_limit(hc: HotlineCounty) -> None:
    rt, op = hc.rt, hc.operator
    values = complaint(urgency="urgent", text="东风路自来水主管爆裂，路面大量积水，车辆无法通行。")
    with pytest.raises(HotlineError) as err:
        hl.register_request(rt, op, values, channel=Channel.PHONE)
    assert err.value.field == "lead_unit_id"
    with read(rt.engine) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one() == 0
    reg = hl.register_request(rt, op, values, channel=Channel.PHONE, dispatch_to=hl.DispatchOrder(hc.units["YMZ"].id))
    assert reg.case.state == "dispatched"
    assert reg.case.payload["limit"] == "2h"
    assert reg.case.due_at == at(2, 12, 0)  # two working hours from 10:00


def test_settings_change_the_limits(hc: HotlineCounty) -> None:
    rt, op = hc.rt, hc.operator
    with pytest.raises(HotlineError) as err:
        hl.save_settings(rt, op, {"limits": {"complaint:ordinary": "五天"}})
    assert err.value.field == "limits"
    with pytest.raises(HotlineError):
        hl.save_settings(rt, op, {"max_extension": "15d"})
    for bad in ({"returns_for_supervision": "x"}, {"duplicate_threshold": "a"}, {"sign_window": 5}, {"colour": 1}):
        with pytest.raises(HotlineError):
            hl.save_settings(rt, op, bad)
    hl.save_settings(rt, op, {"limits": {"complaint:ordinary": "3d"}, "sign_window": "0.5d"})
    number = hl.register_request(rt, op, complaint(), channel=Channel.PHONE).case.number
    case = hl.dispatch(rt, op, number, hl.DispatchOrder(hc.units["SCJ"].id))
    assert case.payload["limit"] == "3d"
    assert case.due_at == at(5, 17, 30)
    # Half a working day (3.5 h of office time) from 10:00 Monday: 2 h before lunch, 1.5 h after → 15:00.
    assert case.payload["sign_due"] == at(2, 15, 0).isoformat()


def test_every_event_of_a_request_is_chained(hc: HotlineCounty) -> None:
    from onestop.actions.audit import verify_all

    number = hl.register_request(hc.rt, hc.operator, complaint(), channel=Channel.PHONE).case.number
    hl.dispatch(hc.rt, hc.operator, number, hl.DispatchOrder(hc.units["SCJ"].id))
    report = verify_all(hc.rt.engine)
    assert not report.problems
    assert report.events == 2
    with read(hc.rt.engine) as conn:
        case = cases_repo.load_case(conn, number)
        (_, dispatched) = cases_repo.load_events(conn, case)
    assert dispatched.data["lead_unit"] == "测试县市场监督管理局"
    assert dispatched.data["lead_unit_id"] == hc.units["SCJ"].id
