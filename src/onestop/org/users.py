"""Users (accounts) and actors (who performs an action, as the case engine sees it).

The engine needs no account details, only who acted, with which roles, for which unit; keeping ``Actor`` that
small lets the tick worker act as ``Actor.system()`` without a fake account row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from onestop.org.errors import AccountDisabled, InvalidOrgData
from onestop.org.roles import UNIT_ROLES, Role
from onestop.org.units import UnitId

UserId = int
SYSTEM_USERNAME = "system"  # what events record as the actor of the tick (see cases.events)
USERNAME_MAX_LENGTH = 64


def _roles(roles: Iterable[str]) -> frozenset[Role]:
    # Rows and forms carry plain strings; a typo must fail here, not make a role check silently false.
    return frozenset(Role.parse(role, field="roles") for role in roles)


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: UserId | None  # None only for the system actor
    username: str
    roles: frozenset[Role]
    unit_id: UnitId | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", _roles(self.roles))

    @classmethod
    def system(cls) -> Actor:
        """The tick worker: fires deadlines and joins; belongs to no unit."""
        return cls(user_id=None, username=SYSTEM_USERNAME, roles=frozenset({Role.SYSTEM}))

    @property
    def is_system(self) -> bool:
        return Role.SYSTEM in self.roles

    def has_role(self, *roles: Role) -> bool:
        """Whether the actor holds any of ``roles``."""
        return not self.roles.isdisjoint(roles)


@dataclass(frozen=True, slots=True)
class User:
    id: UserId
    username: str
    display_name: str
    unit_id: UnitId | None
    roles: frozenset[Role]
    active: bool = True

    def __post_init__(self) -> None:
        username = self.username.strip()
        if not username or len(username) > USERNAME_MAX_LENGTH or any(char.isspace() for char in username):
            raise InvalidOrgData(
                f"用户名“{self.username}”无效：须为 1–{USERNAME_MAX_LENGTH} 个字符且不含空格",
                field="username",
            )
        if username.casefold() == SYSTEM_USERNAME:
            raise InvalidOrgData(f"用户名“{username}”为系统保留", field="username")
        display_name = self.display_name.strip()
        if not display_name:
            raise InvalidOrgData("姓名不能为空", field="display_name")
        roles = _roles(self.roles)
        if Role.SYSTEM in roles:
            raise InvalidOrgData("“系统”角色不能授予用户", field="roles")
        unit_roles = roles & UNIT_ROLES
        if unit_roles and self.unit_id is None:
            labels = "、".join(role.label for role in Role if role in unit_roles)
            raise InvalidOrgData(f"{labels}须属于一个单位", field="unit_id")
        object.__setattr__(self, "username", username)
        object.__setattr__(self, "display_name", display_name)
        object.__setattr__(self, "roles", roles)

    def has_role(self, *roles: Role) -> bool:
        """Whether the user holds any of ``roles``."""
        return not self.roles.isdisjoint(roles)

    def as_actor(self) -> Actor:
        """The actor this user acts as; a disabled account may not act."""
        if not self.active:
            raise AccountDisabled(f"账号“{self.username}”已停用", field="username")
        return Actor(user_id=self.id, username=self.username, roles=self.roles, unit_id=self.unit_id)
