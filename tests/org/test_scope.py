from __future__ import annotations

import pytest

from onestop.org import Actor, Role, Unit, UnitKind, UnitTree, unit_scope

REGION, DEPT = UnitKind.REGION, UnitKind.DEPARTMENT
TREE = UnitTree(
    [
        Unit(1, "URUMQI", "乌鲁木齐市", REGION, None, "650100"),
        Unit(2, "TS", "天山区", REGION, 1, "650102"),
        Unit(3, "TS-SCJ", "天山区市场监管局", DEPT, 2),
        Unit(4, "TS-SCJ-DJK", "登记注册科", DEPT, 3),
        Unit(5, "TS-YSB", "天山区营商办", DEPT, 2),
        Unit(6, "SYBK", "沙依巴克区", REGION, 1, "650103"),
        Unit(7, "LOOSE", "未挂靠单位", DEPT),
    ]
)


def _actor(*roles: Role, unit_id: int | None) -> Actor:
    return Actor(user_id=1, username="u", roles=frozenset(roles), unit_id=unit_id)


def test_admin_and_system_see_every_unit() -> None:
    everything = frozenset(range(1, 8))
    assert unit_scope(_actor(Role.ADMIN, unit_id=None), TREE) == everything
    assert unit_scope(Actor.system(), TREE) == everything


@pytest.mark.parametrize("role", [Role.APPROVER, Role.HANDLER, Role.WINDOW_CLERK, Role.OPERATOR])
def test_staff_see_their_unit_and_below(role: Role) -> None:
    assert unit_scope(_actor(role, unit_id=3), TREE) == {3, 4}
    assert unit_scope(_actor(role, unit_id=4), TREE) == {4}


def test_supervisor_sees_the_region_of_their_unit() -> None:
    assert unit_scope(_actor(Role.SUPERVISOR, unit_id=5), TREE) == {2, 3, 4, 5}
    assert unit_scope(_actor(Role.SUPERVISOR, unit_id=1), TREE) == {1, 2, 3, 4, 5, 6}


def test_supervisor_without_a_region_falls_back_to_their_subtree() -> None:
    assert unit_scope(_actor(Role.SUPERVISOR, unit_id=7), TREE) == {7}


def test_public_and_unitless_actors_get_no_unit_scope() -> None:
    assert unit_scope(_actor(Role.PUBLIC, unit_id=None), TREE) == frozenset()
    assert unit_scope(_actor(Role.PUBLIC, unit_id=3), TREE) == frozenset()
    assert unit_scope(_actor(Role.APPROVER, unit_id=None), TREE) == frozenset()
