"""State-machine rules of the engine: every invalid transition, every role denial, every missing field."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from case_helpers import FULL_DATA, ROLES, Reach, actor_with

from onestop.cases import (
    GENESIS_HASH,
    ActionNotAllowed,
    AlarmLevel,
    ClockMode,
    InvalidAction,
    MissingData,
    VersionConflict,
    check_version,
    decide,
    get_kind,
    open_case,
    valid_actions,
    verify_chain,
)
from onestop.org.users import Actor
from onestop.worktime import Limit, WorkingTime

KINDS = ("generic_application", "generic_approval")


def _pairs(valid: bool) -> list[tuple[str, str, str]]:
    out = []
    for code in KINDS:
        kind = get_kind(code)
        for state in kind.states:
            for action in kind.actions.values():
                if (state in action.from_states) == valid:
                    out.append((code, state, action.code))
    return out


@pytest.mark.parametrize(("kind_code", "state", "action"), _pairs(valid=False))
def test_invalid_transition(
    *, reach: Reach, everyone: Actor, wt: WorkingTime, kind_code: str, state: str, action: str
) -> None:
    case = reach(kind_code, state)
    kind = get_kind(kind_code)
    with pytest.raises(InvalidAction) as info:
        decide(case, action, everyone, FULL_DATA, case.updated_at + timedelta(hours=1), wt)
    err = info.value
    assert err.status == 409
    assert err.code == "invalid_action"
    assert err.message == f"当前状态「{kind.states[state].label}」不能执行「{kind.actions[action].label}」"


def _denials() -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for kind_code, _state, action in _pairs(valid=True):
        spec = get_kind(kind_code).actions[action]
        allowed = {"system"} if spec.system_only else spec.roles
        out.extend((kind_code, action, role) for role in ROLES if role not in allowed)
    return sorted(set(out))


def _a_state_for(kind_code: str, action: str) -> str:
    return sorted(get_kind(kind_code).actions[action].from_states)[0]


@pytest.mark.parametrize(("kind_code", "action", "role"), _denials())
def test_role_denied(reach: Reach, wt: WorkingTime, kind_code: str, action: str, role: str) -> None:
    case = reach(kind_code, _a_state_for(kind_code, action))
    with pytest.raises(ActionNotAllowed) as info:
        decide(case, action, actor_with(role), FULL_DATA, case.updated_at, wt)
    assert info.value.status == 403
    assert get_kind(kind_code).actions[action].label in info.value.message


@pytest.mark.parametrize(("kind_code", "state", "action"), _pairs(valid=True))
def test_each_allowed_role_may_act(reach: Reach, wt: WorkingTime, kind_code: str, state: str, action: str) -> None:
    spec = get_kind(kind_code).actions[action]
    for role in spec.roles:
        case = reach(kind_code, state)
        new, event = decide(case, action, actor_with(role), FULL_DATA, case.updated_at + timedelta(minutes=5), wt)
        assert new.state == (spec.to_state or state)
        assert event.action == action
        assert event.from_state == state


def test_system_only_message(reach: Reach, approver: Actor, wt: WorkingTime) -> None:
    case = reach("generic_approval", "in_approval")
    with pytest.raises(ActionNotAllowed, match="只能由系统自动执行"):
        decide(case, "auto_approve", approver, {}, case.updated_at, wt)


def test_role_message_names_needed_roles(reach: Reach, approver: Actor, wt: WorkingTime) -> None:
    case = reach("generic_application", "pending")
    with pytest.raises(ActionNotAllowed) as info:
        decide(case, "accept", approver, {}, case.updated_at, wt)
    assert info.value.message == "您无权执行「受理」（需要角色：窗口受理员）"


def _required() -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for code in KINDS:
        for action in get_kind(code).actions.values():
            names = list(action.required) + (["extension"] if action.extends else [])
            out.extend((code, action.code, name) for name in names)
    return out


@pytest.mark.parametrize(("kind_code", "action", "field"), _required())
@pytest.mark.parametrize("blank", ["absent", None, "", "   ", []])
def test_missing_data_names_the_field(
    *, reach: Reach, everyone: Actor, wt: WorkingTime, kind_code: str, action: str, field: str, blank: object
) -> None:
    case = reach(kind_code, _a_state_for(kind_code, action))
    data = dict(FULL_DATA)
    if blank == "absent":
        del data[field]
    else:
        data[field] = blank
    with pytest.raises(MissingData) as info:
        decide(case, action, everyone, data, case.updated_at, wt)
    err = info.value
    assert err.field == field
    assert err.status == 422
    assert err.message.startswith("请填写「")
    assert field not in err.message  # the Chinese label, not the key


def test_unknown_action(reach: Reach, everyone: Actor, wt: WorkingTime) -> None:
    case = reach("generic_application", "pending")
    with pytest.raises(InvalidAction, match="没有「fly」这一操作"):
        decide(case, "fly", everyone, {}, case.updated_at, wt)


def test_open_case(clerk: Actor, wt: WorkingTime, t0: datetime) -> None:
    case, event = open_case(
        "generic_application",
        number="SQ1",
        actor=clerk,
        now=t0,
        wt=wt,
        unit_id=3,
        payload={"name": "某公司"},
        party_id=5,
    )
    assert (case.state, case.version, case.event_count) == ("pending", 1, 1)
    assert (case.unit_id, case.party_id, case.parent_id) == (3, 5, None)
    assert case.clock is not None
    assert case.clock.mode is ClockMode.NOT_STARTED  # 待受理: the clock starts on acceptance
    assert case.due_at is None
    assert case.alarm is AlarmLevel.NORMAL
    assert (event.seq, event.action, event.from_state, event.to_state) == (1, "open", None, "pending")
    assert event.prev_hash == GENESIS_HASH
    assert event.actor == "clerk"
    assert event.actor_id == 1
    assert event.data["payload"] == {"name": "某公司"}
    assert case.last_hash == event.hash


def test_open_running_kind_starts_clock(approver: Actor, wt: WorkingTime, t0: datetime) -> None:
    case, _ = open_case("generic_approval", number="SP1", actor=approver, now=t0, wt=wt, unit_id=3)
    assert case.clock is not None
    assert case.clock.mode is ClockMode.RUNNING
    assert case.due_at == wt.add_workdays(t0, 20).at


def test_limit_field_overrides_policy(approver: Actor, wt: WorkingTime, t0: datetime) -> None:
    case, event = open_case(
        "generic_approval", number="SP1", actor=approver, now=t0, wt=wt, unit_id=3, payload={"limit": "3d"}
    )
    assert case.clock is not None
    assert case.clock.limit == Limit.days(3)
    assert event.data["limit"] == "3d"
    assert case.due_at == wt.add_workdays(t0, 3).at


def test_bad_limit_field(approver: Actor, wt: WorkingTime, t0: datetime) -> None:
    with pytest.raises(MissingData) as info:
        open_case(
            "generic_approval",
            number="SP1",
            actor=approver,
            now=t0,
            wt=wt,
            unit_id=3,
            payload={"limit": "三天"},
        )
    assert info.value.field == "limit"


def test_limit_may_arrive_before_clock_starts(reach: Reach, clerk: Actor, wt: WorkingTime) -> None:
    case = reach("generic_application", "pending")
    now = case.updated_at
    new, _ = decide(case, "accept", clerk, {"payload": {"limit": "5d"}}, now, wt)
    assert new.clock is not None
    assert new.clock.limit == Limit.days(5)
    assert new.due_at == wt.add_workdays(now, 5).at


def test_lifecycle_moves_the_clock(reach: Reach, clerk: Actor, wt: WorkingTime, t0: datetime) -> None:
    case = reach("generic_application", "pending")
    steps = [
        ("accept", {}, "accepted", ClockMode.RUNNING),
        ("request_supplement", {"items": ["章程"]}, "supplement", ClockMode.PAUSED),
        ("supplement", {}, "accepted", ClockMode.RUNNING),
        ("dispatch", {}, "in_approval", ClockMode.RUNNING),
        ("finish", {}, "finished", ClockMode.STOPPED),
    ]
    events = []
    for i, (action, data, state, mode) in enumerate(steps, start=1):
        previous = case
        case, event = decide(case, action, clerk, data, t0 + timedelta(days=i), wt)
        events.append(event)
        assert case.state == state
        assert case.clock is not None
        assert case.clock.mode is mode
        assert case.version == previous.version + 1
        assert case.event_count == event.seq == previous.event_count + 1
        assert event.prev_hash == previous.last_hash
        assert case.last_hash == event.hash
        assert (case.due_at is None) == (mode is not ClockMode.RUNNING)
    assert case.clock is not None
    assert len(case.clock.segments) == 2


def test_payload_merge(reach: Reach, clerk: Actor, wt: WorkingTime) -> None:
    case = reach("generic_application", "pending")
    case, _ = decide(case, "accept", clerk, {"payload": {"a": 1, "b": 2}, "note": "x"}, case.updated_at, wt)
    case, event = decide(case, "request_supplement", clerk, {"payload": {"b": 3}, "items": ["x"]}, case.updated_at, wt)
    assert case.payload == {"a": 1, "b": 3}
    assert "note" not in case.payload  # only data["payload"] reaches the payload; the rest is the event's
    assert event.data["items"] == ["x"]


def test_payload_must_be_a_mapping(reach: Reach, clerk: Actor, wt: WorkingTime) -> None:
    case = reach("generic_application", "pending")
    with pytest.raises(MissingData) as info:
        decide(case, "accept", clerk, {"payload": [1, 2]}, case.updated_at, wt)
    assert info.value.field == "payload"


def test_inputs_are_not_mutated_or_shared(reach: Reach, clerk: Actor, wt: WorkingTime) -> None:
    case = reach("generic_application", "pending")
    data: dict[str, object] = {"payload": {"a": [1]}}
    new, _ = decide(case, "accept", clerk, data, case.updated_at, wt)
    assert data == {"payload": {"a": [1]}}
    assert case.state == "pending"  # the old value is untouched
    assert new.payload == {"a": [1]}
    patch = data["payload"]
    assert isinstance(patch, dict)
    assert new.payload["a"] is not patch["a"]  # a later change to the caller's list cannot reach the case


def test_event_data_must_be_json(reach: Reach, clerk: Actor, wt: WorkingTime) -> None:
    case = reach("generic_application", "pending")
    with pytest.raises(ValueError, match="JSON"):
        decide(case, "accept", clerk, {"when": object()}, case.updated_at, wt)


def test_check_version(reach: Reach) -> None:
    case = reach("generic_application", "accepted")
    check_version(case, case.version)
    with pytest.raises(VersionConflict) as info:
        check_version(case, case.version - 1)
    assert info.value.status == 409


def test_valid_actions(reach: Reach, clerk: Actor, approver: Actor) -> None:
    case = reach("generic_application", "accepted")
    everything = {"dispatch", "request_supplement", "reject", "finish"}
    assert {a.code for a in valid_actions(case)} == everything
    assert {a.code for a in valid_actions(case, clerk)} == everything
    assert {a.code for a in valid_actions(case, approver)} == {"request_supplement", "reject", "finish"}


def test_whole_history_verifies(reach: Reach, everyone: Actor, wt: WorkingTime, t0: datetime) -> None:
    case, first = open_case("generic_approval", number="SP9", actor=everyone, now=t0, wt=wt, unit_id=1)
    events = [first]
    for i, action in enumerate(["request_supplement", "supplement", "extend", "approve"], start=1):
        case, event = decide(case, action, everyone, FULL_DATA, t0 + timedelta(days=i), wt)
        events.append(event)
    assert verify_chain("SP9", events, case.event_count, case.last_hash) is None
