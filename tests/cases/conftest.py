"""Fixtures for the pure case engine: the real calendar, actors per role, and a way to reach any state.

Time is passed explicitly (the engine never reads a clock), so tests name instants in March 2025.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from case_helpers import FULL_DATA, MONDAY, ROLES, Reach, actor_with, path_to

from onestop.cases import Case, decide, open_case
from onestop.org.users import Actor
from onestop.worktime import WorkingTime, default_working_time


@pytest.fixture(scope="session")
def wt() -> WorkingTime:
    return default_working_time()


@pytest.fixture
def t0() -> datetime:
    return MONDAY


@pytest.fixture
def clerk() -> Actor:
    return actor_with("window_clerk", user_id=1, username="clerk")


@pytest.fixture
def approver() -> Actor:
    return actor_with("approver", user_id=2, username="approver")


@pytest.fixture
def system() -> Actor:
    return Actor.system()


@pytest.fixture
def everyone() -> Actor:
    """Holds every role: for walking cases to a state, never for permission tests."""
    return actor_with(*ROLES, user_id=99, username="root")


@pytest.fixture
def reach(wt: WorkingTime, everyone: Actor) -> Reach:
    """A case of ``kind`` walked to ``state``, one hour per action from MONDAY."""

    def _reach(kind_code: str, state: str) -> Case:
        now = MONDAY
        case, _ = open_case(kind_code, number="T1", actor=everyone, now=now, wt=wt, unit_id=1)
        for code in path_to(kind_code, state):
            now += timedelta(hours=1)
            case, _ = decide(case, code, everyone, FULL_DATA, now, wt)
        assert case.state == state
        return case

    return _reach
