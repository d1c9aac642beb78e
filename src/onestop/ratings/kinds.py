"""The ratings module's case kinds: 差评整改 (``rectification``, ZG) and 评价申诉 (``rating_appeal``, SS).

Rectification — opened by the system in the same transaction as a 差评, owned by the rated case's unit:

    verifying 待核实 --verify 核实--> handling 整改中 --rectify 整改 | explain 说明--> callback 待回访
    callback --callback_satisfied | callback_basically_satisfied | callback_dissatisfied 回访--> closed 已办结
    callback --close_unreachable 无法回访--> closed        (anonymous rater, or a real-name one not reachable)
    any open state --withdraw 撤销--> withdrawn 已撤销      (system: the rating was annulled on appeal)

``contact`` 联系评价人 records the first contact with a real-name rater and leaves the state as it is;
``contact_overdue`` is recorded by the system when that contact did not happen within its limit (see
``onestop.actions.ratings.on_tick``). The callback outcome is the action itself rather than a free-text field,
so the generic case page and API record it as well as the module's own pages, and nothing can record a
result outside the three. Terminal states (oversight reads them from this registry): ``closed`` means 整改完成;
``withdrawn`` means there was nothing left to rectify because the rating no longer counts.

Appeal — opened by the rated unit against one rating; a supervisor (督查员) approves (the rating is annulled) or
rejects. Both decisions are ``system_only``: they have side effects on the rating (annulment, withdrawal of
its rectification) that only ``onestop.actions.ratings.review_appeal`` performs, in the same transaction, so the
generic action route cannot decide an appeal without them. The action layer fires them for the reviewer,
whose name the event keeps.
"""

from __future__ import annotations

from functools import partial

from onestop.cases.kinds import CaseKind, ClockMode, ClockPolicy, StateSpec, action, register_kind
from onestop.ratings.levels import CallbackResult
from onestop.worktime import Limit

RUN, STOP = ClockMode.RUNNING, ClockMode.STOPPED
RECTIFICATION = "rectification"
RATING_APPEAL = "rating_appeal"

# Staff of the rated unit who may work its rectifications (the supervisor follows them, does not do them).
UNIT_STAFF = frozenset({"handler", "approver", "window_clerk", "operator"})
OPEN_RECTIFICATION_STATES = frozenset({"verifying", "handling", "callback"})
CALLBACK_ACTIONS = {result.action: result for result in CallbackResult}

_LABELS = {
    "note": "联系情况",
    "finding": "核实情况",
    "measures": "整改措施",
    "explanation": "情况说明",
    "reason": "理由",
    "due": "联系期限",
}

_a = partial(action, field_labels=_LABELS)

RECTIFICATION_KIND = register_kind(
    CaseKind(
        code=RECTIFICATION,
        label="差评整改",
        prefix="ZG",
        initial_state="verifying",
        states={
            "verifying": StateSpec("verifying", "待核实", "orange", RUN),
            "handling": StateSpec("handling", "整改中", "blue", RUN),
            "callback": StateSpec("callback", "待回访", "cyan", RUN),
            "closed": StateSpec("closed", "整改完成", "green", STOP, terminal=True),
            "withdrawn": StateSpec("withdrawn", "已撤销", "gray", STOP, terminal=True),
        },
        actions={
            a.code: a
            for a in (
                _a("contact", "联系评价人", {"verifying", "handling"}, None, UNIT_STAFF, required=("note",)),
                _a("verify", "核实", {"verifying"}, "handling", UNIT_STAFF, required=("finding",)),
                _a("rectify", "整改", {"handling"}, "callback", UNIT_STAFF, required=("measures",)),
                _a("explain", "说明（经核实不属实）", {"handling"}, "callback", UNIT_STAFF, required=("explanation",)),
                *(
                    _a(result.action, f"回访（{result.label}）", {"callback"}, "closed", UNIT_STAFF, required=("note",))
                    for result in CallbackResult
                ),
                _a(
                    "close_unreachable",
                    "无法回访，办结",
                    {"callback"},
                    "closed",
                    UNIT_STAFF | {"system"},
                    required=("reason",),
                ),
                _a(
                    "contact_overdue",
                    "联系评价人超时",
                    OPEN_RECTIFICATION_STATES,
                    None,
                    {"system"},
                    required=("due",),
                    system_only=True,
                ),
                _a(
                    "withdraw",
                    "撤销（评价已核销）",
                    OPEN_RECTIFICATION_STATES,
                    "withdrawn",
                    {"system"},
                    required=("reason",),
                    system_only=True,
                ),
            )
        },
        clock=ClockPolicy(limit=Limit.days(15), limit_field="limit", warn_before=Limit.days(3)),
    )
)

RATING_APPEAL_KIND = register_kind(
    CaseKind(
        code=RATING_APPEAL,
        label="评价申诉",
        prefix="SS",
        initial_state="reviewing",
        states={
            "reviewing": StateSpec("reviewing", "待审核", "orange", RUN),
            "annulled": StateSpec("annulled", "已核销评价", "green", STOP, terminal=True),
            "rejected": StateSpec("rejected", "申诉驳回", "red", STOP, terminal=True),
        },
        actions={
            a.code: a
            for a in (
                _a(
                    "approve",
                    "同意申诉，核销评价",
                    {"reviewing"},
                    "annulled",
                    {"supervisor"},
                    required=("reason",),
                    system_only=True,
                ),
                _a(
                    "reject",
                    "驳回申诉",
                    {"reviewing"},
                    "rejected",
                    {"supervisor"},
                    required=("reason",),
                    system_only=True,
                ),
            )
        },
        clock=ClockPolicy(limit=Limit.days(5), limit_field="limit", warn_before=Limit.days(1)),
    )
)
