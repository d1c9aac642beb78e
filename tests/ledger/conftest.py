"""A small development zone for the ledger's action-layer tests: its units, staff and a supervisor (营商办)."""

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

START = datetime(2021, 4, 20, 9, 30, tzinfo=TZ)  # the day after seed 003 was issued, a Tuesday

DEPARTMENTS = {
    "ZRZY": "葛店开发区自然资源和规划分局",
    "JFJ": "葛店开发区经济发展局",
    "CJJ": "葛店开发区财政金融局",
    "SCJG": "葛店开发区市场监督管理分局",
    "XZSP": "葛店开发区行政审批局",
    "ZJJ": "葛店开发区住房和城乡建设局",
    "SWJ": "国家税务总局葛店开发区税务局",
    "ZZRS": "葛店开发区组织人社局",
    "SFJ": "葛店开发区社会发展局",
    "ZSJ": "葛店开发区招商局",
    "SBJ": "葛店开发区社会保险局",
    "GAJ": "葛店开发区公安局",
    # named so that the plan's 生态环境分局 and 综合执法局 do not match them: a person maps them
    "HBJ": "葛店开发区环保分局",
    "CGJ": "葛店开发区城市管理执法局",
}


@dataclass
class Zone:
    rt: Runtime
    clock: TravelClock
    units: dict[str, Unit]
    supervisor: Actor  # 区优化办 督查员
    handlers: dict[str, Actor]  # unit code → 承办员

    def unit_id(self, code: str) -> int:
        return self.units[code].id


@pytest.fixture
def travel() -> TravelClock:
    return TravelClock(START)


@pytest.fixture
def zone(rt: Runtime, travel: TravelClock) -> Zone:
    (region,) = create_units(rt, [Unit(0, "GD", "葛店开发区管理委员会", UnitKind.REGION, None, "420700")])
    made = {"GD": region}
    (office,) = create_units(rt, [Unit(0, "YHB", "葛店开发区优化营商环境办公室", UnitKind.CENTER, region.id)])
    made["YHB"] = office
    for code, name in DEPARTMENTS.items():
        (unit,) = create_units(rt, [Unit(0, code, name, UnitKind.DEPARTMENT, region.id)])
        made[code] = unit
    supervisor = create_user(rt, User(0, "yhb", "营商办督查员", office.id, frozenset({Role.SUPERVISOR})), None)
    handlers = {
        code: create_user(
            rt, User(0, f"h_{code.lower()}", f"{name}承办员", made[code].id, frozenset({Role.HANDLER})), None
        ).as_actor()
        for code, name in DEPARTMENTS.items()
    }
    return Zone(rt, travel, made, supervisor.as_actor(), handlers)
