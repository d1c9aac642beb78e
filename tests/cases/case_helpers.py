"""Helpers shared by the case-engine tests (a plain module to import; conftest.py provides fixtures)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime

from onestop.cases import Case, get_kind
from onestop.org.roles import Role
from onestop.org.users import Actor
from onestop.worktime import TZ

# The weeks of 2025-03-03 (Monday) to 2025-03-28 have no holiday and no make-up working day.
MONDAY = datetime(2025, 3, 3, 10, 0, tzinfo=TZ)  # a working Monday, mid-morning

# Data that satisfies every action of the sample kinds, for walking a case to a state.
FULL_DATA: dict[str, object] = {"reason": "测试", "items": ["营业执照复印件"], "extension": "1d"}

ROLES = [role.value for role in Role]

Reach = Callable[[str, str], Case]


def actor_with(*roles: str, user_id: int = 7, username: str = "zhang") -> Actor:
    return Actor(user_id=user_id, username=username, roles=frozenset(Role(r) for r in roles), unit_id=1)


def path_to(kind_code: str, state: str) -> list[str]:
    """The shortest list of action codes leading from the kind's initial state to ``state``."""
    kind = get_kind(kind_code)
    paths: dict[str, list[str]] = {kind.initial_state: []}
    queue = deque([kind.initial_state])
    while queue:
        here = queue.popleft()
        for action in kind.actions.values():
            to = action.to_state
            if here in action.from_states and to is not None and to not in paths:
                paths[to] = [*paths[here], action.code]
                queue.append(to)
    return paths[state]
