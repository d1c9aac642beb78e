"""Fixtures for action-layer tests: a runtime on the test database, a small county, travel in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from onestop.actions.org import create_units, create_user
from onestop.actions.runtime import Runtime
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind
from onestop.org.users import Actor, User
from onestop.worktime import TZ
from tests.conftest import TravelClock

START = datetime(2026, 9, 28, 10, 0, tzinfo=TZ)  # a Monday before 国庆


@dataclass
class County:
    rt: Runtime
    clock: TravelClock
    center: Unit
    departments: list[Unit]
    clerk: Actor
    approvers: list[Actor]


@pytest.fixture
def travel() -> TravelClock:
    return TravelClock(START)


@pytest.fixture
def county(rt: Runtime, travel: TravelClock) -> County:
    (region,) = create_units(rt, [Unit(0, "T", "测试县人民政府", UnitKind.REGION, None, "441624")])
    (center,) = create_units(rt, [Unit(0, "C", "测试县政务服务中心", UnitKind.CENTER, region.id)])
    departments = [
        create_units(rt, [Unit(0, f"D{i}", f"测试县第{i}局", UnitKind.DEPARTMENT, region.id)])[0] for i in range(5)
    ]
    clerk = create_user(rt, User(0, "clerk", "受理员", center.id, frozenset({Role.WINDOW_CLERK})), "pw-clerk-1")
    approvers = [
        create_user(rt, User(0, f"ap{i}", f"审批员{i}", d.id, frozenset({Role.APPROVER})), None).as_actor()
        for i, d in enumerate(departments)
    ]
    return County(rt, travel, center, departments, clerk.as_actor(), approvers)
