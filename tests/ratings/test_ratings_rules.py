"""The pure rules: levels, tags, what may be rated and how often, limits and the instants derived from them,
who may rate, and the two case kinds' state machines."""

from __future__ import annotations

from datetime import datetime

import pytest

from onestop.cases import engine
from onestop.cases.errors import ActionNotAllowed, InvalidAction
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind, UnitTree
from onestop.org.users import Actor
from onestop.ratings import access, rules
from onestop.ratings.errors import AlreadyRated, InvalidRating, NotRatable, RatingForbidden
from onestop.ratings.kinds import RATING_APPEAL_KIND, RECTIFICATION_KIND
from onestop.ratings.levels import Channel, Level, Scope
from onestop.ratings.rules import RatingLimits
from onestop.ratings.tags import Tag, clean_tags, tags_for
from onestop.worktime import TZ, Limit, default_working_time

WT = default_working_time()


def test_levels_and_bad_threshold() -> None:
    assert [level.label for level in Level] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert [level.bad for level in Level] == [False, False, False, True, True]
    assert [level.good for level in Level] == [True, True, False, False, False]
    assert Level.of(2) is Level.DISSATISFIED
    assert Level.VERY_DISSATISFIED.colour == "red"
    with pytest.raises(InvalidRating):
        rules.parse_level(True)


def test_tags_follow_the_level() -> None:
    assert Tag.FRIENDLY in tags_for(Level.VERY_SATISFIED)
    assert Tag.SLOW not in tags_for(Level.SATISFIED)
    assert Tag.SLOW in tags_for(Level.BASICALLY_SATISFIED)
    assert clean_tags(Level.DISSATISFIED, ["slow", " slow", "", "many_trips"]) == ["slow", "many_trips"]
    with pytest.raises(InvalidRating) as wrong:
        clean_tags(Level.VERY_DISSATISFIED, ["friendly"])
    assert wrong.value.message == "标签「服务热情」与评价等级「非常不满意」不符"
    with pytest.raises(InvalidRating):
        clean_tags(Level.VERY_DISSATISFIED, [t.value for t in tags_for(Level.VERY_DISSATISFIED)])  # more than 5


def test_only_finished_services_are_ratable() -> None:
    rules.check_ratable("generic_application", "通用申请", terminal=True, state_label="已办结")
    with pytest.raises(NotRatable):
        rules.check_ratable("generic_application", "通用申请", terminal=False, state_label="审批中")
    with pytest.raises(NotRatable):
        rules.check_ratable("window_approval", "部门审批", terminal=True, state_label="已批准")
    assert set(rules.RATABLE_KINDS) == {"window_application", "hotline_request", "generic_application"}


def test_once_per_channel_and_once_per_bundle() -> None:
    # the window module's payload: ``target`` (an item or bundle code) and ``is_bundle``
    assert rules.scope_for("window_application", {"target": "qykb", "is_bundle": True}) is Scope.BUNDLE
    assert rules.scope_for("window_application", {"target": "gtgsh", "is_bundle": False}) is Scope.CASE
    assert rules.scope_for("hotline_request", {"is_bundle": True}) is Scope.CASE
    rules.check_not_rated(Scope.CASE, Channel.ONLINE, ["window_device"])
    with pytest.raises(AlreadyRated):
        rules.check_not_rated(Scope.CASE, Channel.ONLINE, ["online"])
    with pytest.raises(AlreadyRated) as bundle:
        rules.check_not_rated(Scope.BUNDLE, Channel.ONLINE, ["window_device"])
    assert bundle.value.message == "该“一件事”已评价过，一事一评，不能重复评价"


def test_item_code_comes_from_the_most_specific_key() -> None:
    assert rules.item_code_for({"item": "名称变更", "item_code": "440100-001"}) == "440100-001"
    assert rules.item_code_for({"target": "qykb", "target_name": "企业开办"}) == "qykb"
    assert rules.item_code_for({"category": "噪音扰民"}) == "噪音扰民"
    assert rules.item_code_for({"item": "x" * 100}) == "x" * 64
    assert rules.item_code_for({}) is None


def test_real_name_needs_a_party() -> None:
    assert rules.is_real_name(anonymous=False, party_id=7) is True
    assert rules.is_real_name(anonymous=True, party_id=7) is False
    assert rules.is_real_name(anonymous=False, party_id=None) is False


def test_limits_default_and_override() -> None:
    default = RatingLimits()
    assert (default.contact, default.finish) == (Limit.days(1), Limit.days(15))
    assert RatingLimits.from_mapping({"finish": "10d"}).finish == Limit.days(10)
    assert RatingLimits.from_mapping({"finish": "10d"}).contact == Limit.days(1)
    with pytest.raises(InvalidRating) as zero:
        RatingLimits.from_mapping({"contact": "0d"})
    assert zero.value.message == "「实名差评联系时限」须大于零"
    with pytest.raises(InvalidRating):
        RatingLimits.from_mapping({"callback": "1d"})
    assert RatingLimits.from_mapping(default.to_mapping()) == default


def test_contact_due_skips_the_national_day_holiday() -> None:
    # Rated on Wednesday 30 September 2026 at 15:00; 国庆 1–7 October are holidays; the first working day
    # after the rating day (which is not counted) is Thursday 8 October: contact by its close of office.
    rated = datetime(2026, 9, 30, 15, 0, tzinfo=TZ)
    assert rules.contact_due(WT, rated, RatingLimits()) == datetime(2026, 10, 8, 17, 30, tzinfo=TZ)
    # and the appeal window of 5 working days: 8, 9, 10 (make-up Saturday), 12, 13 October
    assert rules.appeal_deadline(WT, rated, RatingLimits()) == datetime(2026, 10, 13, 17, 30, tzinfo=TZ)


def _tree() -> UnitTree:
    return UnitTree(
        [
            Unit(1, "T", "县", UnitKind.REGION, None, "441624"),
            Unit(2, "C", "中心", UnitKind.CENTER, 1),
            Unit(3, "D", "局", UnitKind.DEPARTMENT, 1),
            Unit(4, "S", "营商办", UnitKind.DEPARTMENT, 1),
        ]
    )


def _actor(role: Role, unit_id: int | None, user_id: int = 10) -> Actor:
    return Actor(user_id=user_id, username=f"u{user_id}", roles=frozenset({role}), unit_id=unit_id)


def test_who_may_rate_by_channel() -> None:
    tree = _tree()
    citizen = _actor(Role.PUBLIC, None, user_id=42)
    kw = {"case_unit_id": 2, "owner_id": 42, "by_code": False}
    assert access.may_rate(citizen, Channel.ONLINE, tree, **kw)  # type: ignore[arg-type]
    assert not access.may_rate(_actor(Role.PUBLIC, None, 43), Channel.ONLINE, tree, **kw)  # type: ignore[arg-type]
    assert access.may_rate(None, Channel.ONLINE, tree, case_unit_id=2, owner_id=None, by_code=True)
    assert not access.may_rate(None, Channel.WINDOW_DEVICE, tree, case_unit_id=2, owner_id=None, by_code=True)
    assert access.may_rate(_actor(Role.WINDOW_CLERK, 2), Channel.WINDOW_DEVICE, tree, **kw)  # type: ignore[arg-type]
    assert not access.may_rate(_actor(Role.WINDOW_CLERK, 3), Channel.WINDOW_DEVICE, tree, **kw)  # type: ignore[arg-type]
    assert access.may_rate(_actor(Role.OPERATOR, 2), Channel.SMS, tree, case_unit_id=3, owner_id=None, by_code=False)
    with pytest.raises(RatingForbidden) as info:
        access.access_rate(_actor(Role.APPROVER, 3), Channel.WINDOW_DEVICE, tree, **kw)  # type: ignore[arg-type]
    assert info.value.message == "只有出件窗口的评价器可以为该办件评价"


def test_who_works_reviews_and_reads() -> None:
    tree = _tree()
    assert access.may_work_rectification(_actor(Role.HANDLER, 2), tree, 2)
    assert not access.may_work_rectification(_actor(Role.HANDLER, 3), tree, 2)
    assert not access.may_work_rectification(_actor(Role.SUPERVISOR, 4), tree, 2)
    assert access.may_review(_actor(Role.SUPERVISOR, 4), tree, 2)
    assert not access.may_review(_actor(Role.WINDOW_CLERK, 2), tree, 2)
    assert access.readable_units(_actor(Role.ADMIN, None), tree) is None
    assert access.readable_units(_actor(Role.APPROVER, 3), tree) == frozenset({3})
    assert access.readable_units(_actor(Role.SUPERVISOR, 4), tree) == frozenset({1, 2, 3, 4})
    assert access.readable_units(_actor(Role.PUBLIC, None), tree) == frozenset()
    with pytest.raises(RatingForbidden):
        access.access_ratings(_actor(Role.PUBLIC, None))


def test_the_rectification_state_machine() -> None:
    now = datetime(2026, 3, 2, 10, tzinfo=TZ)
    clerk = _actor(Role.WINDOW_CLERK, 2)
    case, _ = engine.open_case(
        RECTIFICATION_KIND, number="ZG1", actor=Actor.system(), now=now, wt=WT, unit_id=2, payload={"limit": "15d"}
    )
    assert case.state == "verifying"
    assert case.clock is not None
    case, _ = engine.decide(case, "contact", clerk, {"note": "已联系"}, now, WT)
    assert case.state == "verifying"
    with pytest.raises(InvalidAction):
        engine.decide(case, "rectify", clerk, {"measures": "x"}, now, WT)  # verify first
    for action, data, state in (
        ("verify", {"finding": "属实"}, "handling"),
        ("rectify", {"measures": "培训"}, "callback"),
        ("callback_basically_satisfied", {"note": "基本满意"}, "closed"),
    ):
        case, _ = engine.decide(case, action, clerk, data, now, WT)
        assert case.state == state
    assert RECTIFICATION_KIND.is_terminal("closed")
    assert RECTIFICATION_KIND.is_terminal("withdrawn")
    assert {s for s in RECTIFICATION_KIND.states if RECTIFICATION_KIND.is_terminal(s)} == {"closed", "withdrawn"}


def test_appeal_decisions_are_system_only() -> None:
    now = datetime(2026, 3, 2, 10, tzinfo=TZ)
    supervisor = _actor(Role.SUPERVISOR, 4)
    case, _ = engine.open_case(RATING_APPEAL_KIND, number="SS1", actor=supervisor, now=now, wt=WT, unit_id=2)
    with pytest.raises(ActionNotAllowed):
        engine.decide(case, "approve", supervisor, {"reason": "x"}, now, WT)
    elevated = Actor(user_id=10, username="u10", roles=frozenset({Role.SUPERVISOR, Role.SYSTEM}), unit_id=4)
    decided, event = engine.decide(case, "approve", elevated, {"reason": "恶意"}, now, WT)
    assert decided.state == "annulled"
    assert event.actor == "u10"
