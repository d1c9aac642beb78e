"""Roles: what a user does in the service center, which decides the actions a case kind lets them take."""

from __future__ import annotations

from onestop.choices import ChoiceSet


class Role(ChoiceSet, verbose_name="角色"):
    WINDOW_CLERK = "window_clerk", "窗口受理员", "blue"
    APPROVER = "approver", "审批员", "indigo"
    OPERATOR = "operator", "话务员", "cyan"
    HANDLER = "handler", "承办员", "teal"
    SUPERVISOR = "supervisor", "督查员", "orange"
    ADMIN = "admin", "管理员", "red"
    PUBLIC = "public", "申请人/诉求人", "gray"
    # The tick worker: fires overdue defaults and joins. No login account may hold it.
    SYSTEM = "system", "系统", "dark"


# Government staff act for a unit, so an account with one of these roles must belong to one.
UNIT_ROLES = frozenset({Role.WINDOW_CLERK, Role.APPROVER, Role.OPERATOR, Role.HANDLER, Role.SUPERVISOR})
STAFF_ROLES = UNIT_ROLES | {Role.ADMIN}
