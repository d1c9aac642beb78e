"""Kinds are validated when built, and the registry finds them by code."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from onestop.cases import (
    ActionSpec,
    CaseKind,
    ClockMode,
    ClockPolicy,
    StateSpec,
    UnknownKind,
    all_kinds,
    get_kind,
    register_kind,
)
from onestop.worktime import Limit

RUN, STOP = ClockMode.RUNNING, ClockMode.STOPPED


def _kind(**overrides: Any) -> CaseKind:
    fields: dict[str, Any] = {
        "code": "t_kind",
        "label": "测试",
        "prefix": "TK",
        "initial_state": "open",
        "states": {
            "open": StateSpec("open", "办理中", "blue", RUN),
            "done": StateSpec("done", "已办结", "green", STOP, terminal=True),
        },
        "actions": {
            "close": ActionSpec("close", "办结", frozenset({"open"}), "done", frozenset({"handler"})),
            "time_out": ActionSpec(
                "time_out", "超时", frozenset({"open"}), "done", frozenset({"system"}), system_only=True
            ),
        },
        "clock": ClockPolicy(limit=Limit.days(5), timeout_action="time_out"),
    }
    fields.update(overrides)
    return CaseKind(**fields)


def test_a_sound_kind_builds() -> None:
    assert _kind().is_terminal("done")


def _with_state(**spec: Any) -> dict[str, StateSpec]:
    base = _kind().states
    return {**base, spec["code"]: StateSpec(**spec)}


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"initial_state": "nowhere"}, "unknown initial state"),
        (
            {"states": {**_kind().states, "x": StateSpec("y", "错", "blue", RUN)}},
            "state key 'x'",
        ),
        ({"states": _with_state(code="lost", label="孤立", colour="blue", clock=RUN)}, "unreachable"),
        (
            {"states": _with_state(code="done2", label="完", colour="green", clock=RUN, terminal=True)},
            "must stop",
        ),
        ({"states": _with_state(code="pink2", label="色", colour="chartreuse", clock=RUN)}, "palette"),
        (
            {"actions": {"go": ActionSpec("go", "走", frozenset({"nowhere"}), "done", frozenset({"handler"}))}},
            "from unknown state",
        ),
        (
            {"actions": {"go": ActionSpec("go", "走", frozenset({"open"}), "limbo", frozenset({"handler"}))}},
            "to unknown state",
        ),
        (
            {"actions": {"go": ActionSpec("go", "走", frozenset({"open"}), "done", frozenset())}},
            "names no role",
        ),
        (
            {"actions": {"go": ActionSpec("go", "走", frozenset(), "done", frozenset({"handler"}))}},
            "no from_states",
        ),
        (
            {"actions": {"go": ActionSpec("gone", "走", frozenset({"open"}), "done", frozenset({"x"}))}},
            "action key 'go'",
        ),
        (
            {"actions": {"open": ActionSpec("open", "开", frozenset({"open"}), "done", frozenset({"x"}))}},
            "reserved",
        ),
        ({"join_action": "merge"}, "join_action 'merge'"),
        ({"clock": ClockPolicy(limit=Limit.days(5), timeout_action="nope")}, "timeout_action 'nope'"),
    ],
)
def test_kind_validation(overrides: dict[str, Any], complaint: str) -> None:
    if "actions" in overrides and "close" not in overrides["actions"]:
        overrides = {**overrides, "actions": {**_kind().actions, **overrides["actions"]}}
    with pytest.raises(ValueError, match=complaint):
        _kind(**overrides)


def test_action_may_not_leave_a_terminal_state() -> None:
    actions = {
        **_kind().actions,
        "reopen": ActionSpec("reopen", "重办", frozenset({"done"}), "open", frozenset({"handler"})),
    }
    with pytest.raises(ValueError, match="leaves terminal state"):
        _kind(actions=actions)


def test_timeout_action_must_leave_its_states() -> None:
    stay = ActionSpec("time_out", "超时", frozenset({"open"}), None, frozenset({"system"}), system_only=True)
    with pytest.raises(ValueError, match="must leave"):
        _kind(actions={**_kind().actions, "time_out": stay})


def test_extending_a_kind_without_clock_is_refused() -> None:
    extend = ActionSpec("ext", "延期", frozenset({"open"}), None, frozenset({"handler"}), extends=True)
    with pytest.raises(ValueError, match="extends a clock"):
        _kind(actions={**_kind().actions, "ext": extend}, clock=ClockPolicy(limit=None))


def test_registry() -> None:
    codes = {k.code for k in all_kinds()}
    assert {"generic_application", "generic_approval"} <= codes
    kind = get_kind("generic_approval")
    assert kind.prefix == "SP"
    assert register_kind(kind) is kind  # re-registering the same definition is harmless
    with pytest.raises(ValueError, match="already registered"):
        register_kind(replace(kind, label="别的"))


def test_unknown_kind() -> None:
    with pytest.raises(UnknownKind) as info:
        get_kind("no_such_kind")
    assert info.value.code == "unknown_kind"
    assert "no_such_kind" in info.value.message


def test_generic_kinds_shape() -> None:
    app = get_kind("generic_application")
    assert app.prefix == "SQ"
    assert app.join_action == "finish"
    labels = {s.label for s in app.states.values()}
    assert {"待受理", "已受理", "审批中", "已办结", "不予受理", "补正中"} <= labels
    assert app.states["supplement"].clock is ClockMode.PAUSED
    approval = get_kind("generic_approval")
    assert approval.states[approval.initial_state].clock is ClockMode.RUNNING
    assert approval.clock.max_extension == Limit.days(10)
    assert approval.actions[approval.clock.timeout_action or ""].system_only
