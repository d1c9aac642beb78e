"""Fixtures for evaluation tests: a prefecture with two counties on the test database, a small tree of our own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from onestop.actions.org import create_units, create_user
from onestop.actions.runtime import Runtime
from onestop.evaluation.sources import ROLES, kinds_configured
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind
from onestop.org.users import Actor, User
from onestop.worktime import TZ
from tests.conftest import SHARED_DATA, TravelClock, require

START = datetime(2026, 9, 14, 9, 0, tzinfo=TZ)
DB_CSV = "doing-business-2020/DBJoint_starting_a_business_all_economies.csv"
# Source roles pointed at kinds nobody registers: the window, hotline and ratings measures are unavailable.
ABSENT = {role: f"not_installed_{role}" for role in ROLES}
GENERIC = {
    "application": "generic_application",
    "approval": "generic_approval",
    "hotline": "generic_application",
    "rectification": "generic_approval",
}


@pytest.fixture(autouse=True)
def platform_kinds_absent() -> Iterator[None]:
    """The tests of generic measures and entries assume the window, hotline and ratings modules are absent;
    those modules land in parallel, so the assumption is pinned here rather than left to what is installed.
    Tests of the platform measures point the roles at generic kinds themselves (``GENERIC``)."""
    with kinds_configured(ABSENT):
        yield


@dataclass
class Prefecture:
    """河源市 (4416) with 和平县 (441624) and 东源县 (441625); each county a service center and a department."""

    rt: Runtime
    clock: TravelClock
    units: dict[str, Unit]
    actors: dict[str, Actor]

    def at(self, when: datetime) -> None:
        self.clock.set(when)


def build_prefecture(rt: Runtime, clock: TravelClock) -> Prefecture:
    units: dict[str, Unit] = {}

    def add(code: str, name: str, kind: UnitKind, parent: str | None, region_code: str | None = None) -> None:
        parent_id = None if parent is None else units[parent].id
        (units[code],) = create_units(rt, [Unit(0, code, name, kind, parent_id, region_code)])

    add("HYS", "河源市人民政府", UnitKind.REGION, None, "441600")
    add("HYS-YSB", "河源市营商环境建设办公室", UnitKind.DEPARTMENT, "HYS")
    add("HPX", "和平县", UnitKind.REGION, "HYS", "441624")
    add("HPX-ZWFW", "和平县政务服务中心", UnitKind.CENTER, "HPX")
    add("HPX-SCJ", "和平县市场监督管理局", UnitKind.DEPARTMENT, "HPX")
    add("DYX", "东源县", UnitKind.REGION, "HYS", "441625")
    add("DYX-ZWFW", "东源县政务服务中心", UnitKind.CENTER, "DYX")
    accounts = {
        "clerk_hp": ("和平受理员", "HPX-ZWFW", Role.WINDOW_CLERK),
        "approver_hp": ("和平审批员", "HPX-SCJ", Role.APPROVER),
        "clerk_dy": ("东源受理员", "DYX-ZWFW", Role.WINDOW_CLERK),
        "supervisor": ("市营商办督查员", "HYS-YSB", Role.SUPERVISOR),
        "supervisor2": ("市营商办督查员二", "HYS-YSB", Role.SUPERVISOR),
    }
    actors = {}
    for username, (name, unit, role) in accounts.items():
        user = create_user(rt, User(0, username, name, units[unit].id, frozenset({role})), None)
        actors[username] = user.as_actor()
    admin = create_user(rt, User(0, "admin", "管理员", None, frozenset({Role.ADMIN})), None)
    actors["admin"] = admin.as_actor()
    return Prefecture(rt, clock, units, actors)


@pytest.fixture
def travel() -> TravelClock:
    return TravelClock(START)


@pytest.fixture
def prefecture(rt: Runtime, travel: TravelClock) -> Prefecture:
    return build_prefecture(rt, travel)


def small_tree_document() -> dict[str, object]:
    """Two indicators: one with a lower-is-better and a weighted higher-is-better component; one entered."""
    return {
        "title": "测试指标体系",
        "years": {"2025": {}, "2026": {"components": {"speed.days": {"worst": 10}}}},
        "indicators": [
            {
                "code": "speed",
                "name": "办事速度",
                "components": [
                    {
                        "code": "days",
                        "name": "办理时间",
                        "unit": "工作日",
                        "direction": "lower",
                        "frontier": 0,
                        "worst": 20,
                        "source": "computed",
                        "measure": "generic_application.avg_working_days",
                    },
                    {
                        "code": "on_time",
                        "name": "按期办结率",
                        "unit": "%",
                        "direction": "higher",
                        "frontier": 100,
                        "worst": 80,
                        "weight": 3,
                        "source": "computed",
                        "measure": "generic_application.on_time_rate",
                    },
                ],
            },
            {
                "code": "online",
                "name": "网上办事",
                "components": [
                    {
                        "code": "rate",
                        "name": "网上可办率",
                        "unit": "%",
                        "direction": "higher",
                        "frontier": 100,
                        "worst": 50,
                        "source": "computed",
                        "measure": "window.online_rate",
                    },
                    {
                        "code": "satisfaction",
                        "name": "满意度",
                        "unit": "分",
                        "direction": "higher",
                        "frontier": 100,
                        "worst": 60,
                        "source": "entered",
                    },
                ],
            },
        ],
    }


@pytest.fixture
def small_tree(tmp_path: Path) -> Path:
    path = tmp_path / "tree.json"
    path.write_text(json.dumps(small_tree_document(), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def db_csv() -> Path:
    """The World Bank export, read where it lies: tests/evaluation/x.py → parents[3] / "shared" / "data"."""
    path = Path(__file__).resolve().parents[3] / "shared" / "data" / DB_CSV
    assert path == SHARED_DATA / DB_CSV
    require(path.is_file(), f"World Bank export missing at {path}")
    return path
