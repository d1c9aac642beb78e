"""Fixtures of the oversight tests: a small county with three departments, a supervisor and an operator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from oversight_scenario import PASSWORD, START, County, build_county, build_october
from sqlalchemy.engine import Engine

from onestop.actions.runtime import Runtime
from onestop.auth import passwords
from onestop.web.app import create_app
from tests.conftest import TravelClock


@pytest.fixture
def travel() -> TravelClock:
    return TravelClock(START)


@pytest.fixture
def rt(db: Engine, travel: TravelClock) -> Runtime:
    return Runtime(engine=db, now=travel)


@pytest.fixture
def county(rt: Runtime, travel: TravelClock) -> County:
    return build_county(rt, travel)


@pytest.fixture(scope="session")
def fast_argon2() -> Iterator[None]:
    """Argon2 with the smallest cost: the web tests check access, not the hash's strength."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


@pytest.fixture
def october_web(rt: Runtime, travel: TravelClock, fast_argon2: None) -> County:
    """The fixture month, with accounts that can log in (password ``PASSWORD``)."""
    county = build_county(rt, travel, PASSWORD)
    build_october(county)
    return county


@pytest.fixture
def app(rt: Runtime, october_web: County) -> FastAPI:
    return create_app(rt)
