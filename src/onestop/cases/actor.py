"""Who acts on a case, as far as the engine needs to know.

``onestop.org`` defines the real ``Actor``; the engine only reads these four attributes, so any object with
them will do (a Protocol rather than an import keeps ``cases`` free of the org module's dependencies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

SYSTEM_ROLE = "system"

# Chinese names of the platform's roles, for "who may do this" messages (onestop.org holds the canonical set).
ROLE_LABELS: dict[str, str] = {
    "window_clerk": "窗口受理员",
    "approver": "审批员",
    "operator": "话务员",
    "handler": "承办员",
    "supervisor": "督查员",
    "admin": "管理员",
    "public": "办事群众",
    SYSTEM_ROLE: "系统",
}


class Actor(Protocol):
    # Read-only properties so frozen dataclasses (and StrEnum role sets) satisfy the protocol.
    @property
    def user_id(self) -> int | None: ...

    @property
    def username(self) -> str: ...

    @property
    def roles(self) -> frozenset[str]: ...

    @property
    def unit_id(self) -> int | None: ...


@dataclass(frozen=True)
class SystemActor:
    """The platform itself: the sweep (timeouts), joins, calendar re-derivation."""

    user_id: int | None = None
    username: str = "system"
    roles: frozenset[str] = field(default_factory=lambda: frozenset({SYSTEM_ROLE}))
    unit_id: int | None = None


SYSTEM = SystemActor()
