"""Fixtures for the hotline tests: a small invented county history (和平县) and the shared real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from onestop.actions.org import create_units, create_user
from onestop.actions.runtime import Runtime
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind
from onestop.org.users import Actor, User
from tests.conftest import SHARED_DATA, TravelClock, require
from tests.hotline.hotline_helpers import START, HotlineCounty

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEDDYCUP = SHARED_DATA / "teddycup2020"


@pytest.fixture
def history_csv() -> Path:
    return FIXTURES / "history.csv"


@pytest.fixture
def units_csv() -> Path:
    return FIXTURES / "units.csv"


@pytest.fixture
def teddycup() -> Path:
    require(TEDDYCUP.is_dir(), f"shared teddycup2020 data missing at {TEDDYCUP}")
    return TEDDYCUP


# -- the hotline on a database: a small county with a hotline center, two departments and a town ------------


@pytest.fixture
def travel() -> TravelClock:
    return TravelClock(START)


@pytest.fixture
def hc(rt: Runtime, travel: TravelClock) -> HotlineCounty:
    (region,) = create_units(rt, [Unit(0, "T", "测试县人民政府", UnitKind.REGION, None, "441624")])
    (center,) = create_units(rt, [Unit(0, "C", "测试县政务服务中心", UnitKind.CENTER, region.id, None, "12345 热线")])
    spec = (
        ("SCJ", "测试县市场监督管理局", UnitKind.DEPARTMENT, "食品安全、价格监管、消费投诉"),
        ("ZJJ", "测试县住房和城乡建设局", UnitKind.DEPARTMENT, "物业管理、施工噪音、房屋质量"),
        ("YMZ", "测试县阳明镇人民政府", UnitKind.TOWN, "镇域内基层治理、道路、环境卫生"),
    )
    units = {
        code: create_units(rt, [Unit(0, code, name, kind, region.id, None, duties)])[0]
        for code, name, kind, duties in spec
    }

    def user(name: str, unit_id: int | None, *roles: Role) -> Actor:
        return create_user(rt, User(0, name, name, unit_id, frozenset(roles)), None).as_actor()

    return HotlineCounty(
        rt=rt,
        clock=travel,
        region=region,
        center=center,
        units=units,
        operator=user("op", center.id, Role.OPERATOR),
        supervisor=user("sup", center.id, Role.SUPERVISOR),
        handlers={code: user(f"h_{code.lower()}", u.id, Role.HANDLER) for code, u in units.items()},
    )
