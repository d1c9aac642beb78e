"""Fixtures of the window tests: a fresh database with the demo county's units, staff and an applicant."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from window_helpers import DEPARTMENTS, MONDAY, PASSWORD, County

from onestop.actions.org import create_units, create_user
from onestop.actions.runtime import Runtime
from onestop.demo.county import REGION_CODE, UNITS
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind
from onestop.org.users import User
from onestop.web.app import create_app
from tests.conftest import TravelClock


@pytest.fixture(scope="session", autouse=True)
def _cheap_hashes(fast_argon2: None) -> None:
    """These tests log in, they do not test the hash: Argon2 at its smallest cost for all of them."""


@pytest.fixture
def travel() -> TravelClock:
    return TravelClock(MONDAY)


@pytest.fixture
def county(rt: Runtime, travel: TravelClock) -> County:
    units: dict[str, Unit] = {}
    for code, name, kind, parent, duties in UNITS:
        parent_id = units[parent].id if parent else None
        region = REGION_CODE if kind is UnitKind.REGION else None
        (units[code],) = create_units(rt, [Unit(0, code, name, kind, parent_id, region, duties)])
    clerk = create_user(rt, User(0, "clerk", "受理员", units["ZWFW"].id, frozenset({Role.WINDOW_CLERK})), PASSWORD)
    approvers = {
        code: create_user(
            rt, User(0, f"ap_{code.lower()}", f"{code}审批员", units[code].id, frozenset({Role.APPROVER})), PASSWORD
        ).as_actor()
        for code in DEPARTMENTS
    }
    citizen = create_user(rt, User(0, "citizen", "市民", None, frozenset({Role.PUBLIC})), PASSWORD)
    return County(rt, travel, units, clerk.as_actor(), approvers, citizen.as_actor())


@pytest.fixture
def app(rt: Runtime, county: County) -> FastAPI:
    return create_app(rt)
