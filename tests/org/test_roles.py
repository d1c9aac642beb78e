from __future__ import annotations

import pytest

from onestop.choices import InvalidChoice
from onestop.org import STAFF_ROLES, UNIT_ROLES, Role


@pytest.mark.parametrize(
    ("role", "value", "label"),
    [
        (Role.WINDOW_CLERK, "window_clerk", "窗口受理员"),
        (Role.APPROVER, "approver", "审批员"),
        (Role.OPERATOR, "operator", "话务员"),
        (Role.HANDLER, "handler", "承办员"),
        (Role.SUPERVISOR, "supervisor", "督查员"),
        (Role.ADMIN, "admin", "管理员"),
        (Role.PUBLIC, "public", "申请人/诉求人"),
        (Role.SYSTEM, "system", "系统"),
    ],
)
def test_value_and_label(role: Role, value: str, label: str) -> None:
    assert role.value == value
    assert role.label == label
    assert Role(value) is role


def test_every_role_has_its_own_colour() -> None:
    assert all(role.colour for role in Role)
    assert len({role.colour for role in Role}) == len(Role)


def test_role_groups() -> None:
    assert Role.ADMIN in STAFF_ROLES
    assert Role.ADMIN not in UNIT_ROLES
    assert Role.PUBLIC not in STAFF_ROLES
    assert Role.SYSTEM not in STAFF_ROLES


def test_roles_match_plain_strings_in_case_kind_declarations() -> None:
    # Case kinds declare roles as frozenset[str]; a Role must be found in one.
    assert Role.APPROVER in frozenset({"approver", "window_clerk"})


def test_unknown_role() -> None:
    with pytest.raises(InvalidChoice, match="角色无效"):
        Role.parse("boss")
