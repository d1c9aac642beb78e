"""Who may see and do what: every permission check of the platform, in one place (Zulip's ``access_*``).

Views and API endpoints never test roles themselves; they ask here. The rules:

* Staff (窗口受理员, 审批员, 话务员, 承办员) see the cases of their unit and its sub-units
  (``onestop.org.scope.unit_scope``), and the steps (sub-cases) of those cases: the front desk follows the
  departments' parallel approvals of the applications it accepted (前台综合受理、后台分类审批、统一窗口出件).
* A supervisor (督查员) sees every case of the region their unit belongs to; the administrator sees all.
* The public (申请人/诉求人) see only their own submissions: by account, or by case number plus the
  verification code they were given (``access_case_by_code``).
* A case the viewer may not see does not exist for them: callers answer 404, never 403, so case numbers
  cannot be probed. Role-gated pages (administration) answer 403, since their existence is no secret.
* 身份证号 and phone numbers are shown whole only to staff who work cases (not supervisors or administrators),
  only on the case page, and each such view is recorded (``onestop.auth.audit.record_pii_view``).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.cases.case import Case
from onestop.cases.engine import valid_actions
from onestop.cases.errors import NotFound
from onestop.cases.kinds import ActionSpec
from onestop.db import cases_repo
from onestop.db.tables import case_submissions, cases
from onestop.org.roles import STAFF_ROLES, UNIT_ROLES, Role
from onestop.org.scope import unit_scope
from onestop.org.units import Unit, UnitTree
from onestop.org.users import Actor

_PARENT_CASES = cases.alias("parent_cases")
# Roles that handle applicants' cases and so may see their ID and phone numbers whole.
PII_ROLES = frozenset({Role.WINDOW_CLERK, Role.APPROVER, Role.OPERATOR, Role.HANDLER})
# The one message for "no such case" and "not yours": the two must be indistinguishable.
NOT_FOUND_MESSAGE = "办件 {number} 不存在或您无权查看"
LOOKUP_FAILED_MESSAGE = "办件编号或查询码不正确"


class AccessDenied(Exception):
    """A role-gated page or endpoint (not an object): HTTP 403 with a Chinese message."""

    code = "forbidden"
    status = 403

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class CaseAccess:
    """A case the viewer may see, and what the viewer may do with it."""

    case: Case
    actions: tuple[ActionSpec, ...]
    may_see_pii: bool
    owned: bool  # submitted by the viewer's own public account


# -- roles and areas ---------------------------------------------------------------------------------------


def is_staff(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(*STAFF_ROLES)


def access_workbench(actor: Actor | None) -> None:
    """The workbench (我的待办) is for staff."""
    if not is_staff(actor):
        raise AccessDenied("工作台仅供工作人员使用，请使用工作人员账号登录")


def access_admin(actor: Actor | None) -> None:
    if actor is None or not actor.has_role(Role.ADMIN):
        raise AccessDenied("需要管理员角色才能访问系统管理")


def may_intake(actor: Actor | None, staff_roles: frozenset[str]) -> bool:
    return actor is not None and not actor.roles.isdisjoint(staff_roles)


def access_intake(actor: Actor | None, staff_roles: frozenset[str]) -> None:
    """Registering a request on someone's behalf (窗口/电话受理): the form's staff roles only."""
    if not may_intake(actor, staff_roles):
        raise AccessDenied("您的角色不能代为登记此类申请")


def access_directory(actor: Actor | None) -> None:
    """The list of units (for filters and forms) is for staff."""
    if not is_staff(actor):
        raise AccessDenied("单位列表仅供工作人员查看")


def access_own_submissions(actor: Actor | None) -> None:
    """我的申请: any logged-in account lists what it submitted itself."""
    if actor is None:
        raise AccessDenied("请先登录")


# -- cases ---------------------------------------------------------------------------------------------------


def access_case(
    actor: Actor,
    case: Case,
    tree: UnitTree,
    *,
    parent_unit_id: int | None = None,
    owner_id: int | None = None,
) -> bool:
    """Whether ``actor`` may see ``case``; ``parent_unit_id`` is its parent's unit, ``owner_id`` the account
    that submitted it (both looked up by ``access_case_by_number``)."""
    if owner_id is not None and owner_id == actor.user_id:
        return True
    if not is_staff(actor):
        return False
    if actor.has_role(Role.ADMIN):
        return True
    scope = unit_scope(actor, tree)
    return (case.unit_id is not None and case.unit_id in scope) or (
        parent_unit_id is not None and parent_unit_id in scope
    )


def access_visible_cases_filter(actor: Actor, tree: UnitTree) -> sa.ColumnElement[bool]:
    """The SQL condition on ``cases`` that selects exactly what ``access_case`` allows ``actor`` to see."""
    own = cases.c.id.in_(sa.select(case_submissions.c.case_id).where(case_submissions.c.user_id == actor.user_id))
    if not is_staff(actor):
        return own if actor.user_id is not None else sa.false()
    if actor.has_role(Role.ADMIN):
        return sa.true()
    scope = sorted(unit_scope(actor, tree))
    if not scope:
        return own
    # The steps (sub-cases) of cases in scope; only rows with a parent pay for the lookup.
    in_parent_scope = sa.exists(
        sa.select(_PARENT_CASES.c.id).where(_PARENT_CASES.c.id == cases.c.parent_id, _PARENT_CASES.c.unit_id.in_(scope))
    )
    return sa.or_(cases.c.unit_id.in_(scope), sa.and_(cases.c.parent_id.is_not(None), in_parent_scope), own)


def access_units_in_scope(actor: Actor, tree: UnitTree) -> list[Unit]:
    """The units whose cases ``actor`` works with: the choices of the workbench's unit filter."""
    if actor.has_role(Role.ADMIN):
        return list(tree)
    scope = unit_scope(actor, tree)
    return [unit for unit in tree if unit.id in scope]


def access_case_actions(actor: Actor, case: Case) -> tuple[ActionSpec, ...]:
    """The actions ``actor`` may take on a visible case now: valid in its state, allowed to a role they hold."""
    return tuple(action for action in valid_actions(case, actor) if not action.system_only)


def access_pii(actor: Actor, case: Case, tree: UnitTree, *, parent_unit_id: int | None = None) -> bool:
    """Whether the case page may show the party's ID and phone numbers whole (the view is then recorded)."""
    if not actor.has_role(*PII_ROLES) or actor.unit_id is None:
        return False
    scope = unit_scope(actor, tree)
    return (case.unit_id is not None and case.unit_id in scope) or (
        parent_unit_id is not None and parent_unit_id in scope
    )


def access_case_by_number(conn: Connection, actor: Actor, number: str, tree: UnitTree) -> CaseAccess:
    """The case numbered ``number`` if ``actor`` may see it, else ``NotFound`` (the same for both reasons)."""
    row = (
        conn.execute(
            sa.select(cases, case_submissions.c.user_id.label("owner_id"))
            .outerjoin(case_submissions, case_submissions.c.case_id == cases.c.id)
            .where(cases.c.number == number)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(NOT_FOUND_MESSAGE.format(number=number), field="number")
    case = cases_repo.row_to_case(row)
    parent_unit_id = None
    if case.parent_id is not None:
        parent_unit_id = conn.execute(sa.select(cases.c.unit_id).where(cases.c.id == case.parent_id)).scalar()
    owner_id = row["owner_id"]
    if not access_case(actor, case, tree, parent_unit_id=parent_unit_id, owner_id=owner_id):
        raise NotFound(NOT_FOUND_MESSAGE.format(number=number), field="number")
    return CaseAccess(
        case=case,
        actions=access_case_actions(actor, case),
        may_see_pii=access_pii(actor, case, tree, parent_unit_id=parent_unit_id),
        owned=owner_id is not None and owner_id == actor.user_id,
    )


def case_owner_id(conn: Connection, case_id: int | None) -> int | None:
    """The public account that submitted the case (its owner), if one did."""
    return conn.execute(sa.select(case_submissions.c.user_id).where(case_submissions.c.case_id == case_id)).scalar()


def access_case_guard(actor: Actor, tree: UnitTree) -> CaseGuard:
    """A check for ``perform(..., guard=…)``: re-tests visibility on the row locked for the write."""
    return CaseGuard(actor, tree)


@dataclass(frozen=True)
class CaseGuard:
    actor: Actor
    tree: UnitTree

    def __call__(self, conn: Connection, case: Case) -> None:
        parent_unit_id = None
        if case.parent_id is not None:
            parent_unit_id = conn.execute(sa.select(cases.c.unit_id).where(cases.c.id == case.parent_id)).scalar()
        owner_id = case_owner_id(conn, case.id)
        if not access_case(self.actor, case, self.tree, parent_unit_id=parent_unit_id, owner_id=owner_id):
            raise NotFound(NOT_FOUND_MESSAGE.format(number=case.number), field="number")


# -- the public: case number + verification code ------------------------------------------------------------


def code_hash(number: str, code: str) -> str:
    """What ``case_submissions.code_hash`` stores: the code bound to its case number."""
    normalised = "".join(code.split()).upper()
    return hashlib.sha256(f"{number}:{normalised}".encode()).hexdigest()


def access_case_by_code(conn: Connection, number: str, code: str) -> Case:
    """The public's lookup: the case if ``code`` is its verification code, else ``NotFound``."""
    number = number.strip().upper()
    row = (
        conn.execute(
            sa.select(cases, case_submissions.c.code_hash.label("code_hash"))
            .join(case_submissions, case_submissions.c.case_id == cases.c.id)
            .where(cases.c.number == number)
        )
        .mappings()
        .first()
    )
    expected = code_hash(number, code)
    # Compare even when there is no such case, so timing does not tell the two apart.
    stored = row["code_hash"] if row is not None else "0" * 64
    if not hmac.compare_digest(stored, expected) or row is None:
        raise NotFound(LOOKUP_FAILED_MESSAGE, field="code")
    return cases_repo.row_to_case(row)


__all__ = [
    "LOOKUP_FAILED_MESSAGE",
    "NOT_FOUND_MESSAGE",
    "PII_ROLES",
    "UNIT_ROLES",
    "AccessDenied",
    "CaseAccess",
    "CaseGuard",
    "access_admin",
    "access_case",
    "access_case_actions",
    "access_case_by_code",
    "access_case_by_number",
    "access_case_guard",
    "access_directory",
    "access_intake",
    "access_own_submissions",
    "access_pii",
    "access_units_in_scope",
    "access_visible_cases_filter",
    "access_workbench",
    "code_hash",
    "is_staff",
    "may_intake",
]
