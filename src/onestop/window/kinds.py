"""The window's case kinds: an application (SL), one department's approval (BL), one project stage (JD).

* ``window_application`` — what the applicant sees and rates. 预审 (online) or 待受理 (window) → 受理 (the clock
  starts, not before; or 逾期视为受理 under 行政许可法 §32) / 一次性告知 → 补正 / 不予受理. Accepted, it waits
  for its approvals; their 补正 and §45 special procedures pause it (the system mirrors them), a §42 extension
  of an approval extends it. When every approval is terminal the join (``conclude``) stops the clock:
  已办结待出件 → 统一出件 (certificates issued) → 送达 (window or post, with a receipt).
* ``window_approval`` — one department's part (并联审批), on its own clock: 批准 / 不予许可 (reason) /
  一次性告知补正 (pauses) / 延期 (§42, with the approver's name) / 特别程序 (§45: pauses) / 终止 (system, when a
  refusal elsewhere stops the bundle).
* ``window_stage`` — one stage of a 工程建设项目, led by one department, on its own limit; its approvals are
  its children; the system starts it when the previous stage is done.

Only the system fires the mirroring actions (``hold_*``, ``resume``, ``stop``, stage moves): the action layer
(``onestop.actions.window``) does it in the same transaction as the department's action.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from onestop.cases.kinds import ActionSpec, CaseKind, ClockMode, ClockPolicy, StateSpec, action, register_kind
from onestop.worktime import Limit

RUN, PAUSE, STOP, IDLE = ClockMode.RUNNING, ClockMode.PAUSED, ClockMode.STOPPED, ClockMode.NOT_STARTED

APPLICATION = "window_application"
APPROVAL = "window_approval"
STAGE = "window_stage"

SPECIAL_PROCEDURES = {
    "hearing": "听证",
    "inspection": "检验",
    "testing": "检测",
    "appraisal": "鉴定",
    "expert_review": "专家评审",
}
# States in which an accepted case is being worked on (its clock runs or is paused by 补正 / §45).
WORKING = frozenset({"in_approval", "supplement", "special"})

_LABELS = {
    "items": "补正材料清单",
    "materials": "材料",
    "procedure": "特别程序",
    "result": "特别程序结论",
    "approved_by": "批准延期的负责人",
    "method": "送达方式",
    "recipient": "签收人",
    "credit_code": "统一社会信用代码",
}
_a = partial(action, field_labels=_LABELS)
SYSTEM = {"system"}
CLERK = {"window_clerk"}

_warn = Limit.minutes(120)  # 0.5-day limits warn two working hours ahead; day limits round up to one day


def _states(*specs: StateSpec) -> dict[str, StateSpec]:
    return {s.code: s for s in specs}


def _actions(*specs: ActionSpec) -> dict[str, ActionSpec]:
    return {a.code: a for a in specs}


def _system(
    code: str, label: str, from_states: Iterable[str], to_state: str | None, *, required: tuple[str, ...] = ()
) -> ActionSpec:
    """An action only the system fires: a mirror of a department's action, a join, a stage move."""
    return _a(code, label, from_states, to_state, SYSTEM, required=required, system_only=True)


def _clock(max_extension_days: int) -> ClockPolicy:
    """Each case carries its own limit (payload ``limit``); the kinds differ only in how far it may be extended."""
    return ClockPolicy(limit=None, limit_field="limit", warn_before=_warn, max_extension=Limit.days(max_extension_days))


# Every kind works through the same three states: its clock runs, or waits on 补正 or a §45 special procedure.
_WORKING_STATES = (
    StateSpec("in_approval", "审批中", "cyan", RUN),
    StateSpec("supplement", "补正中（暂停计时）", "orange", PAUSE),
    StateSpec("special", "特别程序中（暂停计时）", "purple", PAUSE),
)
# An application and a stage follow their approvals' pauses and extensions (the action layer fires these).
_MIRRORED_PAUSES = (
    _system("hold_supplement", "部门要求补正，暂停计时", {"in_approval", "special"}, "supplement"),
    _system("hold_special", "特别程序，暂停计时", {"in_approval", "supplement"}, "special"),
    _system("resume", "恢复计时", {"supplement", "special"}, "in_approval"),
)
_MIRRORED_EXTENSION = _a(
    "extend", "随部门延期", WORKING, None, SYSTEM, required=("reason",), extends=True, system_only=True
)

WINDOW_APPLICATION = register_kind(
    CaseKind(
        code=APPLICATION,
        label="政务服务申请",
        prefix="SL",
        initial_state="prereview",
        states=_states(
            StateSpec("prereview", "网上预审", "gray", IDLE),
            StateSpec("pending", "待受理", "gray", IDLE),
            StateSpec("notified", "已一次性告知，待补正", "orange", IDLE),
            *_WORKING_STATES,
            StateSpec("decided", "已办结，待出件", "blue", STOP),
            StateSpec("issued", "已出件，待送达", "teal", STOP),
            StateSpec("delivered", "已送达", "green", STOP, terminal=True),
            StateSpec("refused", "不予受理", "red", STOP, terminal=True),
            StateSpec("withdrawn", "已撤回", "gray", STOP, terminal=True),
        ),
        actions=_actions(
            _a("receive", "窗口收件", {"prereview"}, "pending", CLERK),
            _a("pass_prereview", "预审通过", {"prereview"}, "pending", CLERK),
            _a("notify", "一次性告知", {"prereview", "pending"}, "notified", CLERK, required=("items",)),
            _a("resubmit", "补齐材料", {"notified"}, "pending", {"window_clerk", "public"}, required=("materials",)),
            _a("accept", "受理", {"prereview", "pending"}, "in_approval", CLERK),
            # 行政许可法 §32: no notice within five days of receipt → accepted from the day of receipt.
            _system("deem_accept", "逾期未告知，视为受理", {"prereview", "pending"}, "in_approval"),
            _a("refuse", "不予受理", {"prereview", "pending", "notified"}, "refused", CLERK, required=("reason",)),
            _a(
                "withdraw",
                "撤回申请",
                {"prereview", "pending", "notified", "in_approval", "supplement", "special"},
                "withdrawn",
                {"window_clerk", "public"},
                required=("reason",),
            ),
            *_MIRRORED_PAUSES,
            _a(
                "supplement",
                "补正材料",
                {"supplement"},
                "in_approval",
                {"window_clerk", "public"},
                required=("materials",),
            ),
            _MIRRORED_EXTENSION,
            _a(
                "receive_deferred",
                "补交容缺材料",
                {"in_approval", "supplement", "special", "decided"},
                None,
                {"window_clerk", "public"},
                required=("materials",),
            ),
            _system("conclude", "办结", WORKING, "decided"),
            _a("issue", "统一出件", {"decided"}, "issued", CLERK),
            _a("deliver", "送达", {"issued"}, "delivered", CLERK, required=("method", "recipient")),
        ),
        clock=_clock(30),
        join_action="conclude",
    )
)

WINDOW_APPROVAL = register_kind(
    CaseKind(
        code=APPROVAL,
        label="部门并联审批",
        prefix="BL",
        initial_state="in_approval",
        states=_states(
            *_WORKING_STATES,
            StateSpec("approved", "准予许可", "green", STOP, terminal=True),
            StateSpec("denied", "不予许可", "red", STOP, terminal=True),
            StateSpec("stopped", "已终止", "gray", STOP, terminal=True),
        ),
        actions=_actions(
            _a("approve", "准予许可", {"in_approval"}, "approved", {"approver"}),
            _a("deny", "不予许可", {"in_approval"}, "denied", {"approver"}, required=("reason",)),
            _a(
                "request_supplement", "一次性告知补正", {"in_approval"}, "supplement", {"approver"}, required=("items",)
            ),
            _a(
                "supplement",
                "补正材料",
                {"supplement"},
                "in_approval",
                {"approver", "window_clerk", "public"},
                required=("materials",),
            ),
            # §42: +10 working days, approved by the head of the organ, whose name goes on record.
            _a("extend", "延长审批期限", WORKING, None, {"approver"}, required=("reason", "approved_by"), extends=True),
            # §45: hearings, tests, appraisals and expert review are not counted in the limit.
            _a(
                "start_special",
                "启动特别程序",
                {"in_approval"},
                "special",
                {"approver"},
                required=("procedure", "reason"),
            ),
            _a("end_special", "特别程序结束", {"special"}, "in_approval", {"approver"}, required=("result",)),
            _system("stop", "终止审批", WORKING, "stopped", required=("reason",)),
        ),
        clock=_clock(10),
    )
)

WINDOW_STAGE = register_kind(
    CaseKind(
        code=STAGE,
        label="工程建设项目审批阶段",
        prefix="JD",
        initial_state="waiting",
        states=_states(
            StateSpec("waiting", "未开始", "gray", IDLE),
            *_WORKING_STATES,
            StateSpec("done", "本阶段办结", "green", STOP, terminal=True),
            StateSpec("failed", "本阶段未通过", "red", STOP, terminal=True),
            StateSpec("cancelled", "已终止", "gray", STOP, terminal=True),
        ),
        actions=_actions(
            _system("start", "开始本阶段", {"waiting"}, "in_approval"),
            *_MIRRORED_PAUSES,
            _MIRRORED_EXTENSION,
            _system("complete", "本阶段办结", WORKING, "done"),
            _system("fail", "本阶段未通过", WORKING, "failed", required=("reason",)),
            _system("cancel", "终止", {"waiting", *WORKING}, "cancelled", required=("reason",)),
        ),
        clock=_clock(10),
        join_action="complete",
    )
)

KINDS = (WINDOW_APPLICATION, WINDOW_APPROVAL, WINDOW_STAGE)
