"""A small county for the ratings tests: a service center, a department, a supervisor office, their staff, a
citizen, and finished applications filed the way the public files them (account, or number + code)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from onestop.actions.cases import perform
from onestop.actions.intake import get_form, submit
from onestop.actions.org import create_units
from onestop.actions.runtime import Runtime
from onestop.db import org_repo
from onestop.db.engine import write
from onestop.org.roles import Role
from onestop.org.synthetic import make_resident_id
from onestop.org.units import Unit, UnitKind
from onestop.org.users import Actor, User
from onestop.web.app import create_app
from onestop.worktime import TZ
from tests.conftest import TravelClock

START = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # a Monday; no holiday for weeks either side


@dataclass
class County:
    rt: Runtime
    clock: TravelClock
    units: dict[str, Unit]
    actors: dict[str, Actor] = field(default_factory=dict)
    seq: int = 0


@pytest.fixture
def travel() -> TravelClock:
    return TravelClock(START)


STAFF = (
    # username, unit code, role
    ("clerk", "C", Role.WINDOW_CLERK),
    ("handler", "C", Role.HANDLER),
    ("operator", "C", Role.OPERATOR),
    ("approver", "D", Role.APPROVER),
    ("supervisor", "S", Role.SUPERVISOR),
    ("admin", None, Role.ADMIN),
    ("citizen", None, Role.PUBLIC),
    ("stranger", None, Role.PUBLIC),
)


def build(rt: Runtime, travel: TravelClock, password_hash: str | None = None) -> County:
    (region,) = create_units(rt, [Unit(0, "T", "测试县人民政府", UnitKind.REGION, None, "441624")])
    units = {"T": region}
    for code, name, kind in (
        ("C", "测试县政务服务中心", UnitKind.CENTER),
        ("D", "测试县市场监督管理局", UnitKind.DEPARTMENT),
        ("S", "测试县营商办", UnitKind.DEPARTMENT),
    ):
        (units[code],) = create_units(rt, [Unit(0, code, name, kind, region.id)])
    county = County(rt, travel, units)
    with write(rt.engine) as conn:
        for username, unit_code, role in STAFF:
            unit_id = units[unit_code].id if unit_code else None
            user = User(0, username, f"{role.label}{username}", unit_id, frozenset({role}))
            county.actors[username] = org_repo.insert_user(conn, user, password_hash, rt.now()).as_actor()
    return county


@pytest.fixture
def county(rt: Runtime, travel: TravelClock) -> County:
    return build(rt, travel)


def finished_case(county: County, *, owner: str | None = "citizen", finish: bool = True) -> tuple[str, str]:
    """A general application filed online (by ``owner``'s account, or anonymously), accepted and finished at
    the window; returns its number and verification code."""
    county.seq += 1
    values = {
        "applicant_kind": "person",
        "applicant_name": "张三",
        "id_number": make_resident_id("441624", date(1990, 5, 17), county.seq),
        "phone": f"1380013{county.seq:04d}",
        "item": "个体工商户名称变更",
        "description": "因经营需要，申请变更名称。",
    }
    actor = county.actors[owner] if owner else None
    sub = submit(county.rt, get_form("general"), values, actor=actor, channel="web")
    clerk = county.actors["clerk"]
    perform(county.rt, sub.case.number, "accept", clerk)
    if finish:
        perform(county.rt, sub.case.number, "finish", clerk)
    return sub.case.number, sub.code


# -- the web --------------------------------------------------------------------------------------------------------

PASSWORD = "Test-pass-2026"


@pytest.fixture(scope="session")
def password_hash() -> str:
    """Argon2 at its smallest cost: the tests check ratings, not the hash's strength."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


@pytest.fixture
def web_county(rt: Runtime, travel: TravelClock, password_hash: str) -> County:
    return build(rt, travel, password_hash)


@pytest.fixture
def app(rt: Runtime, web_county: County) -> FastAPI:
    return create_app(rt)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def login(client: TestClient, username: str) -> str:
    """Logs in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    token = CSRF.search(page.text)
    assert token is not None
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    again = CSRF.search(client.get("/public/lookup").text)
    assert again is not None
    return again.group(1)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
