from __future__ import annotations

import pytest

from onestop.choices import InvalidChoice
from onestop.org import AccountDisabled, Actor, InvalidOrgData, Role, User


def _user(**overrides: object) -> User:
    fields: dict[str, object] = {
        "id": 7,
        "username": "zhangsan",
        "display_name": "张三",
        "unit_id": 3,
        "roles": frozenset({Role.APPROVER}),
        **overrides,
    }
    return User(**fields)  # type: ignore[arg-type]


def test_user_normalises_fields_and_roles() -> None:
    user = _user(username=" zhangsan ", display_name=" 张三 ", roles=["approver", Role.HANDLER])
    assert user.username == "zhangsan"
    assert user.display_name == "张三"
    assert user.roles == {Role.APPROVER, Role.HANDLER}
    assert all(isinstance(role, Role) for role in user.roles)
    assert user.has_role(Role.HANDLER, Role.ADMIN)
    assert not user.has_role(Role.ADMIN)


def test_user_as_actor() -> None:
    actor = _user().as_actor()
    assert actor == Actor(user_id=7, username="zhangsan", roles=frozenset({Role.APPROVER}), unit_id=3)
    assert not actor.is_system


def test_disabled_user_cannot_act() -> None:
    with pytest.raises(AccountDisabled) as caught:
        _user(active=False).as_actor()
    assert caught.value.status == 403
    assert caught.value.message == "账号“zhangsan”已停用"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": ""}, "用户名“”无效：须为 1–64 个字符且不含空格"),
        ({"username": "zhang san"}, "用户名“zhang san”无效：须为 1–64 个字符且不含空格"),
        ({"username": "x" * 65}, f"用户名“{'x' * 65}”无效：须为 1–64 个字符且不含空格"),
        ({"username": "System"}, "用户名“System”为系统保留"),
        ({"display_name": " "}, "姓名不能为空"),
        ({"roles": {Role.SYSTEM}}, "“系统”角色不能授予用户"),
        ({"unit_id": None, "roles": {Role.HANDLER, Role.WINDOW_CLERK}}, "窗口受理员、承办员须属于一个单位"),
    ],
)
def test_user_validation(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidOrgData) as caught:
        _user(**overrides)
    assert caught.value.message == message


def test_admin_and_public_need_no_unit() -> None:
    assert _user(unit_id=None, roles={Role.ADMIN}).unit_id is None
    assert _user(unit_id=None, roles={Role.PUBLIC}).roles == {Role.PUBLIC}


def test_unknown_role_string() -> None:
    with pytest.raises(InvalidChoice) as caught:
        _user(roles=["approver", "boss"])
    assert caught.value.field == "roles"


def test_system_actor() -> None:
    actor = Actor.system()
    assert actor.user_id is None
    assert actor.username == "system"
    assert actor.roles == {Role.SYSTEM}
    assert actor.unit_id is None
    assert actor.is_system
    assert actor == Actor.system()


def test_actor_is_hashable_and_frozen() -> None:
    actor = Actor(user_id=1, username="a", roles=frozenset({Role.OPERATOR}), unit_id=5)
    assert {actor: 1}[actor] == 1
    with pytest.raises(AttributeError):
        actor.username = "b"  # type: ignore[misc]
