"""Who may see and do what in the window module (the ``access_*`` checks its views and actions call).

* 窗口受理员 of the service center take applications in, check, accept, notify, refuse, issue and deliver.
* 审批员 decide the approvals of their own department (and its sub-units), nobody else's.
* Staff see an application when it belongs to their unit scope (the center), or when their department has an
  approval in it; a supervisor sees their region; the administrator everything.
* The public see their own applications (submitted from their account) and act on them (补正, 撤回).

What the viewer may not see does not exist for them: ``WindowNotFound`` (404), never 403.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from onestop.cases.case import Case
from onestop.errors import DomainError
from onestop.org.roles import STAFF_ROLES, Role
from onestop.org.scope import unit_scope
from onestop.org.units import UnitTree
from onestop.org.users import Actor


class WindowForbidden(DomainError):
    """A role-gated page or action (the clerk's desk, the approval queue): 403."""

    code = "forbidden"
    status = 403


class WindowNotFound(DomainError):
    code = "not_found"
    status = 404


# The action layer passes a loader, so the common case (the actor's own unit) needs no tree at all.
TreeSource = UnitTree | Callable[[], UnitTree]


def _in_scope(actor: Actor, unit_id: int | None, tree: TreeSource) -> bool:
    if unit_id is None:
        return False
    if unit_id == actor.unit_id:
        return True
    return unit_id in unit_scope(actor, tree if isinstance(tree, UnitTree) else tree())


def _not_found(number: str) -> WindowNotFound:
    return WindowNotFound(f"办件 {number} 不存在或您无权查看", field="number")


def access_window_desk(actor: Actor | None) -> Actor:
    """Intake, acceptance, notices, issuance: the comprehensive window's clerks."""
    if actor is None or not actor.has_role(Role.WINDOW_CLERK):
        raise WindowForbidden("仅综合窗口受理员可以办理此项业务")
    return actor


def access_certificate_lookup(actor: Actor) -> Actor:
    """Whether someone holds certificates is personal data: only the window looks it up (免提交 at intake)."""
    if not actor.has_role(Role.WINDOW_CLERK):
        raise WindowForbidden("仅窗口受理员可以查询申请人的电子证照")
    return actor


def access_approval_queue(actor: Actor | None) -> Actor:
    if actor is None or not actor.has_role(Role.APPROVER) or actor.unit_id is None:
        raise WindowForbidden("仅部门审批员可以查看审批队列")
    return actor


def access_online_applicant(actor: Actor | None) -> Actor:
    """Online applications are filed from a public account, which then owns them."""
    if actor is None or not actor.has_role(Role.PUBLIC) or actor.user_id is None:
        raise WindowForbidden("网上申请请使用申请人账号登录")
    return actor


def access_application(
    actor: Actor, case: Case, tree: UnitTree, *, owner_id: int | None, department_ids: Collection[int]
) -> None:
    """May ``actor`` see the application ``case``? ``department_ids``: units with an approval in it."""
    if owner_id is not None and owner_id == actor.user_id:
        return
    if actor.has_role(Role.ADMIN):
        return
    if not actor.has_role(*STAFF_ROLES):
        raise _not_found(case.number)
    scope = unit_scope(actor, tree)
    if case.unit_id in scope or any(d in scope for d in department_ids):
        return
    raise _not_found(case.number)


def access_application_act(actor: Actor, case: Case, tree: TreeSource, *, owner_id: int | None) -> None:
    """Acting on an application: its applicant (own account), or a clerk of the center that holds it."""
    if actor.has_role(Role.PUBLIC) and owner_id is not None and owner_id == actor.user_id:
        return
    if actor.has_role(Role.WINDOW_CLERK) and _in_scope(actor, case.unit_id, tree):
        return
    raise _not_found(case.number)


def access_approval_act(actor: Actor, approval: Case, tree: TreeSource) -> None:
    """Deciding an approval: an approver of the department it belongs to (or a unit above it)."""
    if not actor.has_role(Role.APPROVER) or actor.unit_id is None:
        raise _not_found(approval.number)
    if not _in_scope(actor, approval.unit_id, tree):
        raise _not_found(approval.number)
