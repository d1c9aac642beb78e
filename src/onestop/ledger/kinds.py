"""The ledger's case kinds: a reform task (改革任务) and a monthly progress report due on it (月调度报告).

A task runs on a clock when its plan gives a date: the action layer turns the date into a working-day limit
counted from the import (``limit`` in the payload), so the due instant is close of office on the last working
day on or before that date, and the tick raises warnings and the overdue mark the oversight module reads.
A task marked ``ongoing`` (长期坚持 …) has no deadline clock; instead each month a report case is opened under
it, due by the ledger's reporting day, so a missed report is overdue like any other clock.

Roles: any staff member of a unit (承办员, 审批员, 窗口受理员, 话务员: a department's people are whatever its
daily work makes them) reports, contributes and asks to close — which unit may is the action layer's check;
the 营商办 (督查员, ``supervisor``) reviews, sends back, marks done or cancels; the system opens monthly reports.
"""

from __future__ import annotations

from functools import partial

from onestop.cases.kinds import CaseKind, ClockMode, ClockPolicy, StateSpec, action, register_kind
from onestop.worktime import Limit

RUN, PAUSE, STOP = ClockMode.RUNNING, ClockMode.PAUSED, ClockMode.STOPPED
TASK = "ledger_task"
REPORT = "ledger_report"

_LABELS = {
    "text": "进展情况",
    "status": "推进状态",
    "percent": "完成进度",
    "month": "调度月份",
    "verdict": "审阅意见",
}


_a = partial(action, field_labels=_LABELS)
STAFF = {"handler", "approver", "window_clerk", "operator"}


LEDGER_TASK = register_kind(
    CaseKind(
        code=TASK,
        label="改革任务",
        prefix="RW",
        initial_state="in_progress",
        states={
            "in_progress": StateSpec("in_progress", "推进中", "blue", RUN),
            "review": StateSpec("review", "待审核销号", "orange", PAUSE),
            "done": StateSpec("done", "已完成", "green", STOP, terminal=True),
            "cancelled": StateSpec("cancelled", "已撤销", "gray", STOP, terminal=True),
        },
        actions={
            a.code: a
            for a in (
                _a("report", "报送进展", {"in_progress", "review"}, None, STAFF | {"supervisor"}, required=("text",)),
                _a("contribute", "配合单位报送", {"in_progress", "review"}, None, STAFF, required=("text",)),
                _a("submit", "申请销号", {"in_progress"}, "review", STAFF, required=("text",)),
                _a("review_report", "审阅进展", {"in_progress", "review"}, None, {"supervisor"}, required=("verdict",)),
                _a("send_back", "退回", {"review"}, "in_progress", {"supervisor"}, required=("reason",)),
                _a("complete", "审核销号", {"in_progress", "review"}, "done", {"supervisor"}),
                _a("cancel", "撤销", {"in_progress", "review"}, "cancelled", {"supervisor"}, required=("reason",)),
                _a(
                    "schedule_report",
                    "月调度",
                    {"in_progress", "review"},
                    None,
                    {"supervisor", "system"},
                    required=("month",),
                ),
            )
        },
        clock=ClockPolicy(limit=None, limit_field="limit", warn_before=Limit.days(5)),
    )
)

LEDGER_REPORT = register_kind(
    CaseKind(
        code=REPORT,
        label="月调度报告",
        prefix="YD",
        initial_state="due",
        states={
            "due": StateSpec("due", "待报送", "orange", RUN),
            "filed": StateSpec("filed", "已报送", "blue", PAUSE),
            "accepted": StateSpec("accepted", "已审阅", "green", STOP, terminal=True),
            "closed": StateSpec("closed", "已关闭", "gray", STOP, terminal=True),
        },
        actions={
            a.code: a
            for a in (
                _a("file", "报送", {"due"}, "filed", STAFF | {"supervisor"}),
                _a("accept", "审阅通过", {"filed"}, "accepted", {"supervisor"}),
                _a("send_back", "退回重报", {"filed"}, "due", {"supervisor"}, required=("reason",)),
                _a("close", "关闭", {"due", "filed"}, "closed", {"supervisor", "system"}),
            )
        },
        clock=ClockPolicy(limit=None, limit_field="limit", warn_before=Limit.days(3)),
    )
)

STATUS_CHOICES = {"on_track": "正常推进", "behind": "进度滞后", "done": "已完成", "blocked": "存在困难"}
