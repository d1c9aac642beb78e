"""The supervision order (督办单), a case of its own: the unit answers within its limit, the supervisor reviews.

* ``issued`` 待答复 — the clock runs on the order's limit (``limit`` in the payload, from the rule). The unit's
  staff answer (``answer``: what was done, why it was late, when it will be finished).
* ``answered`` 待审核 — the clock pauses while the supervisor (督查员) reviews: ``accept`` closes the order,
  ``send_back`` returns it for a better answer (the clock runs on from where it stopped).
* ``listed`` 挂牌督办 — the answer came late: the sweep fires ``escalate`` as the system once the order is
  overdue (the kind's timeout action), or a supervisor lists it by hand. The clock keeps running, overdue, so
  the order stays red until answered; a listed order is answered and reviewed like any other.
* ``cancelled`` 已撤销 — raised by mistake (the supervisor, with a reason).

The order is not a child of the supervised case: a parent's join waits for all its children, and an order
must neither hold up nor trigger the join of an application. The supervised case is named in the payload
(``subject_number``) and in the ``supervision_hits`` table.
"""

from __future__ import annotations

from functools import partial

from onestop.cases.kinds import CaseKind, ClockMode, ClockPolicy, StateSpec, action, register_kind
from onestop.worktime import Limit

ORDER = "supervision_order"
RUN, PAUSE, STOP = ClockMode.RUNNING, ClockMode.PAUSED, ClockMode.STOPPED
# The staff of the supervised unit answer; whoever holds a case there may answer for it.
UNIT_STAFF = {"window_clerk", "approver", "operator", "handler"}
OPEN_STATES = ("issued", "answered", "listed")
DEFAULT_LIMIT = Limit.days(3)

_LABELS = {
    "reply": "答复内容",
    "reason": "理由",
    "subject_number": "被督办办件",
    "rule_label": "督办规则",
    "limit": "答复时限",
}

_a = partial(action, field_labels=_LABELS)

SUPERVISION_ORDER = register_kind(
    CaseKind(
        code=ORDER,
        label="督办单",
        prefix="DB",
        initial_state="issued",
        states={
            "issued": StateSpec("issued", "待答复", "orange", RUN),
            "answered": StateSpec("answered", "待审核", "blue", PAUSE),
            "listed": StateSpec("listed", "挂牌督办", "red", RUN),
            "accepted": StateSpec("accepted", "已办结", "green", STOP, terminal=True),
            "cancelled": StateSpec("cancelled", "已撤销", "gray", STOP, terminal=True),
        },
        actions={
            a.code: a
            for a in (
                _a("answer", "答复督办", {"issued", "listed"}, "answered", UNIT_STAFF, required=("reply",)),
                _a("accept", "审核通过", {"answered"}, "accepted", {"supervisor"}),
                _a("send_back", "退回重新答复", {"answered"}, "issued", {"supervisor"}, required=("reason",)),
                _a("escalate", "挂牌督办", {"issued"}, "listed", {"supervisor", "system"}, required=("reason",)),
                _a("cancel", "撤销督办", set(OPEN_STATES), "cancelled", {"supervisor"}, required=("reason",)),
            )
        },
        clock=ClockPolicy(
            limit=DEFAULT_LIMIT, limit_field="limit", warn_before=Limit.days(1), timeout_action="escalate"
        ),
    )
)
