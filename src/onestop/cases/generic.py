"""Two sample kinds, used by the demo and the benchmarks until the real modules declare theirs.

``generic_application`` (SQ) is what a window accepts; ``generic_approval`` (SP) is one department's part of
a parallel approval (并联审批). The application joins — is finished by the system — once every approval under
it is terminal. Limits follow 行政许可法: 20 working days (§42), +10 with approval, 补正 pauses the clock.
"""

from __future__ import annotations

from onestop.cases.kinds import ActionSpec, CaseKind, ClockMode, ClockPolicy, StateSpec, action, register_kind
from onestop.worktime import Limit

RUN, PAUSE, STOP, IDLE = ClockMode.RUNNING, ClockMode.PAUSED, ClockMode.STOPPED, ClockMode.NOT_STARTED


def _states(*specs: StateSpec) -> dict[str, StateSpec]:
    return {s.code: s for s in specs}


def _actions(*specs: ActionSpec) -> dict[str, ActionSpec]:
    return {a.code: a for a in specs}


_a = action


GENERIC_APPLICATION = register_kind(
    CaseKind(
        code="generic_application",
        label="通用申请",
        prefix="SQ",
        initial_state="pending",
        states=_states(
            StateSpec("pending", "待受理", "gray", IDLE),
            StateSpec("accepted", "已受理", "blue", RUN),
            StateSpec("in_approval", "审批中", "cyan", RUN),
            StateSpec("supplement", "补正中", "orange", PAUSE),
            StateSpec("finished", "已办结", "green", STOP, terminal=True),
            StateSpec("rejected", "不予受理", "red", STOP, terminal=True),
        ),
        actions=_actions(
            _a("accept", "受理", {"pending"}, "accepted", {"window_clerk"}),
            _a("dispatch", "分送审批", {"accepted"}, "in_approval", {"window_clerk", "system"}),
            # §32: 一次性告知 — everything missing is listed once, so "items" is required.
            _a(
                "request_supplement",
                "一次性告知补正",
                {"pending", "accepted", "in_approval"},
                "supplement",
                {"window_clerk", "approver"},
                required=("items",),
            ),
            _a("supplement", "补正材料", {"supplement"}, "accepted", {"window_clerk", "public"}),
            _a(
                "reject",
                "不予受理",
                {"pending", "accepted", "supplement"},
                "rejected",
                {"window_clerk", "approver"},
                required=("reason",),
            ),
            # The system finishes it on join; a clerk may finish an application that needed no approvals.
            _a(
                "finish",
                "办结",
                {"accepted", "in_approval"},
                "finished",
                {"window_clerk", "approver", "system"},
            ),
        ),
        clock=ClockPolicy(limit=Limit.days(20), limit_field="limit", warn_before=Limit.days(3)),
        join_action="finish",
    )
)

GENERIC_APPROVAL = register_kind(
    CaseKind(
        code="generic_approval",
        label="部门审批",
        prefix="SP",
        initial_state="in_approval",
        states=_states(
            StateSpec("in_approval", "审批中", "cyan", RUN),
            StateSpec("supplement", "补正中", "orange", PAUSE),
            StateSpec("approved", "已批准", "green", STOP, terminal=True),
            StateSpec("denied", "已驳回", "red", STOP, terminal=True),
        ),
        actions=_actions(
            _a("approve", "批准", {"in_approval"}, "approved", {"approver"}),
            _a("deny", "驳回", {"in_approval"}, "denied", {"approver"}, required=("reason",)),
            _a(
                "request_supplement",
                "一次性告知补正",
                {"in_approval"},
                "supplement",
                {"approver"},
                required=("items",),
            ),
            _a(
                "supplement",
                "补正材料",
                {"supplement"},
                "in_approval",
                {"approver", "window_clerk", "public"},
            ),
            # §42: +10 working days with the approval of the head of the organ; the reason goes on record.
            _a(
                "extend",
                "延长审批期限",
                {"in_approval", "supplement"},
                None,
                {"approver", "supervisor"},
                required=("reason",),
                extends=True,
            ),
            # 超时默认: silence past the limit counts as consent.
            _a("auto_approve", "超时默认批准", {"in_approval"}, "approved", {"system"}, system_only=True),
        ),
        clock=ClockPolicy(
            limit=Limit.days(20),
            limit_field="limit",
            warn_before=Limit.days(3),
            timeout_action="auto_approve",
            max_extension=Limit.days(10),
        ),
    )
)
