"""What acceptance opens: one approval per department (并联审批), or the stages of a staged bundle.

A department deciding several items of one application (不动产转移登记 and 抵押登记 at the same registry)
gets one approval for all of them, on the longest of their committed limits, never longer than the bundle's
(or the stage's) own limit: the bundle's promise binds every department in it. The plan is written into the
application's payload at acceptance, so a later catalogue release never changes a running application.
"""

from __future__ import annotations

from dataclasses import dataclass

from onestop.catalog.model import RejectRule, ServiceItem, Target
from onestop.worktime import Limit


@dataclass(frozen=True)
class ApprovalPlan:
    department: str
    items: tuple[ServiceItem, ...]
    limit: Limit

    def payload(self) -> dict[str, object]:
        return {
            "department": self.department,
            "limit": str(self.limit),
            "items": [
                {
                    "code": item.code,
                    "name": item.name,
                    "result_cert": item.result_cert,
                    "result_name": item.result_name,
                    "establishes_enterprise": item.establishes_enterprise,
                    "legal_basis": item.legal_basis,
                }
                for item in self.items
            ],
        }


@dataclass(frozen=True)
class StagePlan:
    code: str
    name: str
    lead: str
    limit: Limit
    approvals: tuple[ApprovalPlan, ...]


@dataclass(frozen=True)
class Plan:
    limit: Limit
    approvals: tuple[ApprovalPlan, ...]  # empty for a staged target
    stages: tuple[StagePlan, ...]
    on_reject: RejectRule
    key_items: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "limit": str(self.limit),
            "on_reject": self.on_reject.value,
            "key_items": list(self.key_items),
            "stages": [{"code": s.code, "name": s.name, "lead": s.lead, "limit": str(s.limit)} for s in self.stages],
        }


def _capped(limit: Limit, cap: Limit | None) -> Limit:
    if cap is None or cap.unit != limit.unit or limit.amount <= cap.amount:
        return limit
    return cap


def approvals_for(items: tuple[ServiceItem, ...], cap: Limit | None) -> tuple[ApprovalPlan, ...]:
    by_department: dict[str, list[ServiceItem]] = {}
    for item in items:
        by_department.setdefault(item.department, []).append(item)
    plans = []
    for department, group in by_department.items():
        longest = max((i.committed_limit for i in group), key=lambda lim: (lim.unit, lim.amount))
        plans.append(ApprovalPlan(department, tuple(group), _capped(longest, cap)))
    return tuple(plans)


def plan_for(target: Target) -> Plan:
    bundle = target.bundle
    if bundle is None:
        return Plan(target.limit, approvals_for(target.items, None), (), RejectRule.STOP_ALL, ())
    if bundle.stages:
        items = {item.code: item for item in target.items}
        stages = tuple(
            StagePlan(s.code, s.name, s.lead, s.limit, approvals_for(tuple(items[c] for c in s.items), s.limit))
            for s in bundle.stages
        )
        return Plan(target.limit, (), stages, bundle.on_reject, bundle.key_items)
    return Plan(target.limit, approvals_for(target.items, target.limit), (), bundle.on_reject, bundle.key_items)


def stops_others(rule: str, key_items: list[str], denied_items: list[str]) -> bool:
    """Whether a refusal of ``denied_items`` stops the rest of the bundle under its rule."""
    if rule == RejectRule.STOP_ALL.value:
        return True
    if rule == RejectRule.KEY_ITEMS.value:
        return any(code in key_items for code in denied_items)
    return False
