"""The ratings action layer: rating, the 差评 → rectification transaction, the rectification steps, the contact
limit, appeals; every refusal writes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from onestop.actions import ratings as actions
from onestop.actions.cases import open_case, perform
from onestop.cases.errors import ActionNotAllowed, InvalidAction, MissingData, NotFound
from onestop.db import cases_repo
from onestop.db.engine import read
from onestop.db.tables import case_events, cases, rating_appeals, ratings
from onestop.errors import DomainError
from onestop.ratings.errors import AlreadyRated, AppealRefused, InvalidRating, NotRatable, RatingForbidden
from onestop.worktime import TZ
from tests.ratings.conftest import START, County, finished_case


def _counts(county: County) -> tuple[int, int, int]:
    with read(county.rt.engine) as conn:
        return (
            conn.execute(sa.select(sa.func.count()).select_from(ratings)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(case_events)).scalar_one(),
        )


def _rating(county: County, rating_id: int) -> sa.RowMapping:
    with read(county.rt.engine) as conn:
        return conn.execute(sa.select(ratings).where(ratings.c.id == rating_id)).mappings().one()


def _case(county: County, number: str):  # type: ignore[no-untyped-def]
    with read(county.rt.engine) as conn:
        return cases_repo.load_case(conn, number)


def _actions_of(county: County, number: str) -> list[tuple[str, str]]:
    with read(county.rt.engine) as conn:
        case = cases_repo.load_case(conn, number)
        return [(e.action, e.actor) for e in cases_repo.load_events(conn, case)]


def test_a_good_rating_by_the_owner_is_recorded_without_rectification(county: County) -> None:
    number, _ = finished_case(county)
    citizen = county.actors["citizen"]
    result = actions.rate(county.rt, number, level=5, channel="online", actor=citizen, tags=["friendly"])
    assert (result.bad, result.real_name, result.rectification_number) == (False, True, None)
    row = _rating(county, result.id)
    applicant = _case(county, number)
    assert row["level"] == 5
    assert row["bad"] is False
    assert row["scope"] == "case"
    assert row["channel"] == "online"
    assert row["unit_id"] == county.units["C"].id
    assert row["party_id"] == applicant.party_id
    assert row["item_code"] == "个体工商户名称变更"
    assert row["tags"] == ["friendly"]
    assert row["status"] == "valid"
    assert row["rated_at"] == START


def test_a_bad_rating_opens_a_rectification_in_the_same_transaction(county: County) -> None:
    number, _ = finished_case(county)
    before = _counts(county)
    result = actions.rate(
        county.rt, number, level="1", channel="online", actor=county.actors["citizen"], comment="窗口让我跑了三次"
    )
    assert result.rectification_number is not None
    assert result.rectification_number.startswith("ZG")
    assert _counts(county) == (before[0] + 1, before[1] + 1, before[2] + 1)
    rect = _case(county, result.rectification_number)
    assert rect.kind == "rectification"
    assert rect.state == "verifying"
    assert rect.unit_id == county.units["C"].id  # the rated case's unit
    assert rect.party_id == _case(county, number).party_id  # the rater, to call back
    # Monday 10:00 + 1 working day: close of office on Tuesday; 15 working days: Monday three weeks on.
    assert rect.payload["contact_due"] == "2026-03-03T17:30:00+08:00"
    assert rect.due_at is not None
    assert rect.due_at.astimezone(TZ).isoformat() == "2026-03-23T17:30:00+08:00"
    assert _rating(county, result.id)["rectification_case_id"] == rect.id
    assert _actions_of(county, result.rectification_number) == [("open", "system")]


def test_one_rating_per_channel_and_the_duplicate_is_refused_in_chinese(county: County) -> None:
    number, _ = finished_case(county)
    actions.rate(county.rt, number, level=4, channel="online", actor=county.actors["citizen"])
    before = _counts(county)
    with pytest.raises(AlreadyRated) as info:
        actions.rate(county.rt, number, level=1, channel="online", actor=county.actors["citizen"])
    assert info.value.status == 409
    assert info.value.message == "该办件已通过「网上办事大厅」评价过，同一渠道只能评价一次（一次一评）"
    assert _counts(county) == before  # no rating, no rectification
    # another channel is another rating (一次一评 per channel): the counter's device
    second = actions.rate(county.rt, number, level=5, channel="window_device", actor=county.actors["clerk"])
    assert second.real_name is True


def test_an_unfinished_case_cannot_be_rated(county: County) -> None:
    number, _ = finished_case(county, finish=False)
    before = _counts(county)
    with pytest.raises(NotRatable) as info:
        actions.rate(county.rt, number, level=5, channel="online", actor=county.actors["citizen"])
    assert info.value.message == "办件尚未办结（当前状态：已受理），办结后才能评价"
    assert _counts(county) == before


def test_only_service_cases_are_ratable(county: County) -> None:
    number, _ = finished_case(county)
    rect = actions.rate(county.rt, number, level=2, channel="online", actor=county.actors["citizen"])
    assert rect.rectification_number is not None
    with pytest.raises(NotRatable) as info:
        actions.rate(county.rt, rect.rectification_number, level=5, channel="phone", actor=county.actors["operator"])
    assert "「差评整改」不是面向办事群众的服务办件" in info.value.message


def test_who_may_rate(county: County) -> None:
    number, code = finished_case(county)
    # a stranger's account and staff of another unit: the case does not exist for them
    with pytest.raises(NotFound) as invisible:
        actions.rate(county.rt, number, level=1, channel="online", actor=county.actors["stranger"])
    with pytest.raises(NotFound) as unknown:  # the same words for a number that does not exist: no probing
        actions.rate(county.rt, "SQ20990101000001", level=1, channel="online", actor=county.actors["stranger"])
    assert unknown.value.message.replace("SQ20990101000001", number) == invisible.value.message
    with pytest.raises(NotFound):
        actions.rate(county.rt, number, level=1, channel="window_device", actor=county.actors["approver"])
    # the issuing window's clerk sees it, but may not rate it as if online
    with pytest.raises(RatingForbidden) as forbidden:
        actions.rate(county.rt, number, level=5, channel="online", actor=county.actors["clerk"])
    assert forbidden.value.status == 403
    # a wrong verification code is the lookup's failure; the right one lets anyone holding it rate
    with pytest.raises(NotFound) as wrong:
        actions.rate(county.rt, number, level=5, channel="online", actor=None, code="WRONG1")
    assert wrong.value.message == "办件编号或查询码不正确"
    assert actions.rate(county.rt, number, level=5, channel="app", actor=None, code=code).real_name is True
    # phone: a hotline operator of the region records what the party said on the return call
    assert actions.rate(county.rt, number, level=4, channel="phone", actor=county.actors["operator"]).level.number == 4
    assert _counts(county)[0] == 2


def test_bad_input_is_refused_naming_the_field(county: County) -> None:
    number, _ = finished_case(county)
    citizen = county.actors["citizen"]
    cases_ = [
        ({"level": 6}, "level"),
        ({"level": ""}, "level"),
        ({"level": 5, "channel": "fax"}, "channel"),
        ({"level": 5, "tags": ["slow"]}, "tags"),  # a complaint tag on 非常满意
        ({"level": 5, "comment": "好" * 501}, "comment"),
    ]
    for kwargs, field in cases_:
        args = {"channel": "online", **kwargs}
        with pytest.raises(DomainError) as info:  # InvalidRating, or InvalidChoice for a choice set's value
            actions.rate(county.rt, number, actor=citizen, **args)  # type: ignore[arg-type]
        assert info.value.field == field, kwargs
        assert info.value.status == 422
    assert _counts(county)[0] == 0


def test_real_name_bad_rating_is_contacted_verified_rectified_and_called_back(county: County) -> None:
    number, _ = finished_case(county)
    result = actions.rate(county.rt, number, level=2, channel="online", actor=county.actors["citizen"])
    rect = result.rectification_number
    assert rect is not None
    clerk = county.actors["clerk"]
    county.clock.set(START + timedelta(hours=2))
    assert actions.contact(county.rt, rect, clerk, note="已电话联系评价人，了解情况").state == "verifying"
    assert actions.verify(county.rt, rect, clerk, finding="经核实，窗口一次性告知不到位").state == "handling"
    assert actions.rectify(county.rt, rect, clerk, measures="对窗口人员开展培训，完善告知单").state == "callback"
    closed = actions.call_back(county.rt, rect, clerk, result="satisfied", note="评价人表示满意")
    assert closed.state == "closed"
    assert closed.clock is not None
    assert closed.clock.mode.value == "stopped"
    assert [a for a, _ in _actions_of(county, rect)] == ["open", "contact", "verify", "rectify", "callback_satisfied"]
    # the 核实/整改 steps belong to the unit: a department's approver, or the supervisor, may not do them
    number2, _ = finished_case(county)
    rect2 = actions.rate(county.rt, number2, level=1, channel="online", actor=county.actors["citizen"])
    assert rect2.rectification_number is not None
    with pytest.raises(NotFound):
        actions.verify(county.rt, rect2.rectification_number, county.actors["approver"], finding="x")
    with pytest.raises(RatingForbidden):
        actions.verify(county.rt, rect2.rectification_number, county.actors["supervisor"], finding="x")
    with pytest.raises(InvalidAction):  # a callback before anything was rectified
        actions.call_back(county.rt, rect2.rectification_number, clerk, result="satisfied", note="x")
    with pytest.raises(InvalidRating) as empty:
        actions.verify(county.rt, rect2.rectification_number, clerk, finding="  ")
    assert empty.value.message == "请填写「核实情况」"


def test_anonymous_bad_rating_is_rectified_but_not_called_back(county: County) -> None:
    number, _ = finished_case(county)
    result = actions.rate(county.rt, number, level=1, channel="online", actor=county.actors["citizen"], anonymous=True)
    assert result.real_name is False
    row = _rating(county, result.id)
    assert row["party_id"] is None
    rect = result.rectification_number
    assert rect is not None
    case = _case(county, rect)
    assert case.party_id is None
    assert case.payload["contact_due"] is None
    clerk = county.actors["clerk"]
    with pytest.raises(InvalidRating) as info:
        actions.contact(county.rt, rect, clerk, note="x")
    assert info.value.message == "匿名评价无法联系或回访评价人"
    actions.verify(county.rt, rect, clerk, finding="调取监控核实")
    closed = actions.explain(county.rt, rect, clerk, explanation="经核实，办理符合规定，已在窗口公示说明")
    assert closed.state == "closed"  # closed by the system in the same transaction: nobody to call back
    assert _actions_of(county, rect)[-2:] == [("explain", "clerk"), ("close_unreachable", "system")]


def test_the_generic_action_route_records_a_callback_too(county: County) -> None:
    number, _ = finished_case(county)
    rated = actions.rate(county.rt, number, level=2, channel="online", actor=county.actors["citizen"])
    rect = rated.rectification_number
    assert rect is not None
    clerk = county.actors["clerk"]
    perform(county.rt, rect, "verify", clerk, {"finding": "属实"})
    perform(county.rt, rect, "rectify", clerk, {"measures": "已整改"})
    with pytest.raises(MissingData) as missing:
        perform(county.rt, rect, "callback_dissatisfied", clerk, {})
    assert missing.value.message == "请填写「联系情况」"
    # system-only steps stay out of the generic route
    with pytest.raises(ActionNotAllowed):
        perform(county.rt, rect, "withdraw", clerk, {"reason": "x"})
    assert perform(county.rt, rect, "callback_dissatisfied", clerk, {"note": "仍不满意"}).state == "closed"


def test_contact_overdue_is_recorded_once_after_one_working_day(county: County) -> None:
    a, _ = finished_case(county)
    b, _ = finished_case(county)
    c, _ = finished_case(county)
    citizen = county.actors["citizen"]
    late = actions.rate(county.rt, a, level=1, channel="online", actor=citizen).rectification_number
    contacted = actions.rate(county.rt, b, level=1, channel="online", actor=citizen).rectification_number
    anonymous = actions.rate(county.rt, c, level=1, channel="online", actor=citizen, anonymous=True)
    assert late
    assert contacted
    assert anonymous.rectification_number
    actions.contact(county.rt, contacted, county.actors["clerk"], note="已联系")
    due = datetime(2026, 3, 3, 17, 30, tzinfo=TZ)
    assert actions.on_tick(county.rt, due - timedelta(minutes=1)) == 0
    assert [x for x, _ in _actions_of(county, late)] == ["open"]
    # overdue from the due instant on, as the engine's clocks are (cases.alarm.assess)
    assert actions.on_tick(county.rt, due) == 1
    assert _actions_of(county, late)[-1] == ("contact_overdue", "system")
    assert actions.on_tick(county.rt, due + timedelta(days=3)) == 0  # once
    assert [x for x, _ in _actions_of(county, contacted)] == ["open", "contact"]
    assert [x for x, _ in _actions_of(county, anonymous.rectification_number)] == ["open"]


def test_an_approved_appeal_annuls_the_rating_and_withdraws_its_rectification(county: County) -> None:
    number, _ = finished_case(county)
    result = actions.rate(county.rt, number, level=1, channel="online", actor=county.actors["citizen"], comment="乱评")
    clerk = county.actors["clerk"]
    with pytest.raises(NotFound):  # another unit's staff do not see the rating at all
        actions.appeal(county.rt, result.id, county.actors["approver"], ground="malicious", explanation="x")
    county.clock.set(START + timedelta(days=1))
    appeal = actions.appeal(
        county.rt, result.id, clerk, ground="malicious", explanation="评价人与办件无关，系恶意差评，附监控截图"
    )
    assert appeal.number.startswith("SS")
    assert appeal.state == "reviewing"
    with pytest.raises(AppealRefused) as twice:
        actions.appeal(county.rt, result.id, clerk, ground="mistaken", explanation="再次申诉")
    assert twice.value.message == "该评价已申诉过，每条评价只能申诉一次"
    # only the system (through review_appeal) decides: the generic route refuses even a supervisor
    with pytest.raises(ActionNotAllowed):
        perform(county.rt, appeal.number, "approve", county.actors["supervisor"], {"reason": "x"})
    with pytest.raises(RatingForbidden):
        actions.review_appeal(county.rt, appeal.number, clerk, approve=True, reason="自己批自己")
    county.clock.set(START + timedelta(days=2))
    decided = actions.review_appeal(
        county.rt, appeal.number, county.actors["supervisor"], approve=True, reason="经调查属恶意评价，予以核销"
    )
    assert decided.state == "annulled"
    row = _rating(county, result.id)
    assert row["status"] == "annulled"
    assert row["annulled_at"] == START + timedelta(days=2)
    assert _case(county, result.rectification_number or "").state == "withdrawn"
    assert _actions_of(county, appeal.number)[-1] == ("approve", "supervisor")  # the reviewer, by name
    with read(county.rt.engine) as conn:
        record = conn.execute(sa.select(rating_appeals)).mappings().one()
    assert (record["decision"], record["decision_reason"], record["decided_by"]) == (
        "annulled",
        "经调查属恶意评价，予以核销",
        "supervisor",
    )


def test_a_rejected_appeal_keeps_the_rating_and_a_late_appeal_is_refused(county: County) -> None:
    number, _ = finished_case(county)
    first = actions.rate(county.rt, number, level=2, channel="online", actor=county.actors["citizen"])
    appeal = actions.appeal(county.rt, first.id, county.actors["clerk"], ground="mistaken", explanation="评错对象")
    actions.review_appeal(county.rt, appeal.number, county.actors["supervisor"], approve=False, reason="证据不足")
    assert _rating(county, first.id)["status"] == "valid"
    assert _case(county, first.rectification_number or "").state == "verifying"
    other, _ = finished_case(county)
    second = actions.rate(county.rt, other, level=2, channel="online", actor=county.actors["citizen"])
    # rated Monday 10:00; 5 working days: close of office the next Monday (2026-03-09 17:30)
    county.clock.set(datetime(2026, 3, 9, 17, 31, tzinfo=TZ))
    with pytest.raises(AppealRefused) as late:
        actions.appeal(county.rt, second.id, county.actors["clerk"], ground="mistaken", explanation="迟到的申诉")
    assert "截至 2026-03-09 17:30" in late.value.message


def test_limits_are_configurable(county: County) -> None:
    with pytest.raises(RatingForbidden):
        actions.set_limits(county.rt, county.actors["clerk"], {"finish": "10d"})
    with pytest.raises(InvalidRating) as bad:
        actions.set_limits(county.rt, county.actors["admin"], {"finish": "ten days"})
    assert bad.value.field == "finish"
    limits = actions.set_limits(county.rt, county.actors["admin"], {"finish": "10d", "contact": "4h"})
    assert (str(limits.finish), str(limits.contact), str(limits.appeal_window)) == ("10d", "4h", "5d")
    number, _ = finished_case(county)
    rated = actions.rate(county.rt, number, level=1, channel="online", actor=county.actors["citizen"])
    rect = rated.rectification_number
    case = _case(county, rect or "")
    # Monday 10:00 + 4 working hours (lunch 12:00–13:30 excluded): 15:30 the same day
    assert case.payload["contact_due"] == "2026-03-02T15:30:00+08:00"
    assert case.clock is not None
    assert str(case.clock.limit) == "10d"


def test_rating_a_rectification_number_that_is_not_rated_case_kind(county: County) -> None:
    approval = open_case(county.rt, "generic_approval", county.actors["approver"], unit_id=county.units["D"].id)
    perform(county.rt, approval.number, "approve", county.actors["approver"])
    with pytest.raises(NotRatable):
        actions.rate(county.rt, approval.number, level=5, channel="phone", actor=county.actors["operator"])
