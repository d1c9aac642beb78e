"""The hotline's case kinds: a 12345 request (工单, RX) and a co-unit's part of it (协办, PD).

A request is owned (``cases.unit_id``) by the hotline center until it is dispatched, then by its lead unit
(主办单位): the unit that answers for it in scorecards and ratings. Its clock is the citizen's: it starts at
dispatch, with the limit of the request's category and urgency, pauses while the request is back at the
center (退单待审, 答复待审) and stops at the reply's approval. A 重办 after an unsatisfied return visit starts a
fresh clock (the action layer says so in the event).

States the engine enforces: a request designated by the center (指定承办) has no 退单; a request past its
sign-for window is signed for by the system (超时视为签收), so 退单 is no longer valid either.

Roles: the center's operators (话务员, ``operator``) register, dispatch, review and visit; units' staff (承办员,
``handler``) sign for, return, ask for extensions and reply; supervisors (督查员) may approve extensions and
conclude reviews; the system signs for overdue requests and passes the master's reply to merged requests.
"""

from __future__ import annotations

from functools import partial

from onestop.cases.kinds import CaseKind, ClockMode, ClockPolicy, StateSpec, action, register_kind
from onestop.choices import ChoiceSet
from onestop.worktime import Limit

RUN, PAUSE, STOP, IDLE = ClockMode.RUNNING, ClockMode.PAUSED, ClockMode.STOPPED, ClockMode.NOT_STARTED
REQUEST = "hotline_request"
DISPATCH = "hotline_dispatch"

MAX_EXTENSION = Limit.days(10)


class Category(ChoiceSet, verbose_name="诉求类型"):
    CONSULT = "consult", "咨询", "blue"
    HELP = "help", "求助", "cyan"
    COMPLAINT = "complaint", "投诉", "red"
    REPORT = "report", "举报", "orange"
    SUGGESTION = "suggestion", "建议", "teal"
    PRAISE = "praise", "表扬", "green"


class Urgency(ChoiceSet, verbose_name="紧急程度"):
    URGENT = "urgent", "紧急", "red"
    ORDINARY = "ordinary", "一般", "blue"
    COMPLEX = "complex", "复杂", "purple"


class Channel(ChoiceSet, verbose_name="受理渠道"):
    PHONE = "phone", "电话（话务员）", "blue"
    WEB = "web", "网上", "teal"
    API = "api", "接口", "gray"
    OPEN311 = "open311", "Open311", "indigo"


class VisitResult(ChoiceSet, verbose_name="回访结果"):
    SATISFIED = "satisfied", "满意", "green"
    BASIC = "basic", "基本满意", "teal"
    UNSATISFIED = "unsatisfied", "不满意", "red"


_LABELS = {
    "return_reason": "退单理由",
    "reply": "答复内容",
    "extension": "延期时长",
    "reason": "理由",
    "lead_unit_id": "主办单位",
    "master": "主工单",
    "result": "回访结果",
    "opinion_text": "协办意见",
    "comment": "审核意见",
    "kb_entry_id": "知识库条目",
}
_a = partial(action, field_labels=_LABELS)

OPEN_STATES = frozenset(
    {"registered", "dispatched", "designated", "returned", "handling", "extension_requested", "replied"}
)
# With the unit: what 承办单位 have in hand (counted as "in handling" on the statistics page).
UNIT_STATES = frozenset({"dispatched", "designated", "handling", "extension_requested"})

HOTLINE_REQUEST = register_kind(
    CaseKind(
        code=REQUEST,
        label="12345 工单",
        prefix="RX",
        initial_state="registered",
        states={
            s.code: s
            for s in (
                StateSpec("registered", "待派单", "gray", IDLE),
                StateSpec("dispatched", "待签收", "blue", RUN),
                StateSpec("designated", "已指定待签收", "indigo", RUN),
                StateSpec("returned", "退单待审", "orange", PAUSE),
                StateSpec("handling", "办理中", "cyan", RUN),
                StateSpec("extension_requested", "延期待批", "yellow", RUN),
                StateSpec("replied", "答复待审", "teal", PAUSE),
                StateSpec("merged", "已并单", "gray", STOP),
                StateSpec("visiting", "待回访", "purple", STOP),
                StateSpec("review", "不满意待审核", "pink", STOP),
                StateSpec("closed", "已办结", "green", STOP, terminal=True),
                StateSpec("rejected", "不予受理", "dark", STOP, terminal=True),
            )
        },
        actions={
            a.code: a
            for a in (
                _a(
                    "dispatch",
                    "派单",
                    {"registered", "returned"},
                    "dispatched",
                    {"operator"},
                    required=("lead_unit_id",),
                ),
                # 职责争议: the center designates the unit, which may then not return it (潍坊条例 §22).
                _a(
                    "designate",
                    "指定承办",
                    {"registered", "returned"},
                    "designated",
                    {"operator", "supervisor"},
                    required=("lead_unit_id", "reason"),
                ),
                _a("accept", "签收", {"dispatched", "designated"}, "handling", {"handler"}),
                _a("return", "退单", {"dispatched"}, "returned", {"handler"}, required=("return_reason",)),
                _a(
                    "auto_accept",
                    "超时视为签收",
                    {"dispatched", "designated"},
                    "handling",
                    {"system"},
                    system_only=True,
                ),
                _a(
                    "request_extension",
                    "申请延期",
                    {"handling"},
                    "extension_requested",
                    {"handler"},
                    required=("extension", "reason"),
                ),
                _a(
                    "approve_extension",
                    "批准延期",
                    {"extension_requested"},
                    "handling",
                    {"operator", "supervisor"},
                    extends=True,
                ),
                _a(
                    "reject_extension",
                    "不批准延期",
                    {"extension_requested"},
                    "handling",
                    {"operator", "supervisor"},
                    required=("reason",),
                ),
                _a("reply", "答复", {"handling", "extension_requested"}, "replied", {"handler"}, required=("reply",)),
                _a("approve_reply", "审核通过", {"replied"}, "visiting", {"operator", "supervisor"}),
                _a("send_back", "退回重办", {"replied"}, "handling", {"operator", "supervisor"}, required=("reason",)),
                _a("visit_close", "回访办结", {"visiting"}, "closed", {"operator"}, required=("result",)),
                _a("visit_reopen", "回访不满意重办", {"visiting"}, "handling", {"operator"}, required=("result",)),
                _a("visit_review", "回访不满意转审核", {"visiting"}, "review", {"operator"}, required=("result",)),
                _a("conclude", "审核办结", {"review"}, "closed", {"operator", "supervisor"}, required=("comment",)),
                _a("merge", "并单", {"registered"}, "merged", {"operator"}, required=("master",)),
                _a("share_reply", "主工单答复", {"merged"}, "visiting", {"system", "operator"}, required=("reply",)),
                _a("direct_answer", "直接答复", {"registered"}, "closed", {"operator"}, required=("reply",)),
                _a("reject", "不予受理", {"registered"}, "rejected", {"operator"}, required=("reason",)),
                # 督办: recorded on the request (the oversight module turns it into a supervision order).
                _a(
                    "flag_supervision",
                    "提请督办",
                    OPEN_STATES,
                    None,
                    {"system", "operator", "supervisor"},
                    required=("reason",),
                ),
            )
        },
        clock=ClockPolicy(limit=None, limit_field="limit", warn_before=Limit.days(1), max_extension=MAX_EXTENSION),
    )
)

HOTLINE_DISPATCH = register_kind(
    CaseKind(
        code=DISPATCH,
        label="12345 协办",
        prefix="PD",
        initial_state="assisting",
        states={
            s.code: s
            for s in (
                StateSpec("assisting", "协办中", "cyan", RUN),
                StateSpec("done", "已反馈", "green", STOP, terminal=True),
                StateSpec("withdrawn", "已撤回", "gray", STOP, terminal=True),
            )
        },
        actions={
            a.code: a
            for a in (
                _a("submit_opinion", "提交协办意见", {"assisting"}, "done", {"handler"}, required=("opinion_text",)),
                _a("withdraw", "撤回协办", {"assisting"}, "withdrawn", {"system", "operator"}, required=("reason",)),
            )
        },
        clock=ClockPolicy(limit=None, limit_field="limit", warn_before=Limit.days(1)),
    )
)
