"""What the generic case page leaves to the modules: each module's own page for a case, and the actions a
module only ever takes itself (inside another of its actions, or as the system).

One table per question, keyed by kind code, so a new module adds a row here and one handler in
``web.module_actions``. The case page links to the module's page and hides the module-only actions; the generic
route refuses them with the reason given here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from onestop.cases.case import Case
from onestop.hotline.kinds import DISPATCH, REQUEST
from onestop.ledger.kinds import REPORT, TASK
from onestop.ratings.kinds import RATING_APPEAL, RECTIFICATION
from onestop.window.kinds import APPLICATION, APPROVAL, STAGE


@dataclass(frozen=True)
class ModulePage:
    url: str
    label: str


# kind -> (URL with {number}, {parent} (the parent case's number) or {unit} (the owning unit), the page's name).
# A part of a case (a stage, a co-unit's part, a monthly report) is worked on its parent's page.
PAGES: Mapping[str, tuple[str, str]] = {
    APPLICATION: ("/window/applications/{number}", "一窗受理申请页"),
    APPROVAL: ("/window/approvals/{number}", "部门审批页"),
    STAGE: ("/window/applications/{parent}", "一窗受理申请页"),
    REQUEST: ("/hotline/requests/{number}", "12345 工单页"),
    DISPATCH: ("/hotline/requests/{parent}", "12345 工单页"),
    TASK: ("/ledger/tasks/{number}", "改革任务页"),
    REPORT: ("/ledger/tasks/{parent}", "改革任务页"),
    # The ratings have no page per case: a rectification is worked in its unit's list, an appeal in the
    # supervisor's list of appeals; the anchor is the case's row there.
    RECTIFICATION: ("/ratings/unit?unit_id={unit}#rect-{number}", "好差评整改页"),
    RATING_APPEAL: ("/ratings/appeals#appeal-{number}", "评价申诉审核页"),
}

# kind -> {action: why the generic route does not take it}. Each is valid in its kind's state machine, but the
# module fires it only as part of another action, so taking it alone would skip what goes with it.
MODULE_ONLY: Mapping[str, Mapping[str, str]] = {
    REQUEST: {
        "share_reply": "「主工单答复」由系统在主工单的答复审核通过时转给并单工单，不能单独执行",
        "flag_supervision": "「提请督办」由热线在多次退单时自动提出；需要人工督办的，请在效能监察中下达督办单",
    },
    DISPATCH: {
        "withdraw": "「撤回协办」由热线在工单重新派单或答复审核通过时自动执行，不能单独执行",
    },
    TASK: {
        "schedule_report": "「月调度」由系统在台账的报送日后自动发起，不能单独执行",
    },
    REPORT: {
        "file": "月调度报告随任务的「报送进展」一并报送，请在改革任务页报送",
        "close": "月调度报告在任务销号或撤销时自动关闭，不能单独关闭",
    },
}


def module_page(case: Case, parent_number: str | None = None) -> ModulePage | None:
    """The module's own page for ``case``, or None where the generic case page is the case's only page."""
    entry = PAGES.get(case.kind)
    if entry is None:
        return None
    template, label = entry
    if "{parent}" in template and parent_number is None:
        return None
    if "{unit}" in template and case.unit_id is None:
        return None
    return ModulePage(template.format(number=case.number, parent=parent_number, unit=case.unit_id), label)


def module_only(kind: str) -> Mapping[str, str]:
    return MODULE_ONLY.get(kind, {})
