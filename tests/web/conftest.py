"""Fixtures of the web tests: a fresh database with the demo county's units and staff, cases, an app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from web_helpers import PASSWORD, START, County, build_county, file_cases

from onestop.actions.runtime import Runtime
from onestop.auth import passwords
from onestop.web.app import create_app
from tests.conftest import TravelClock


@pytest.fixture(scope="session", autouse=True)
def _cheap_hashes(fast_argon2: None) -> None:
    """The tests check the login logic, not the hash's strength: Argon2 at its smallest cost for all of them."""


@pytest.fixture(scope="session")
def password_hash(fast_argon2: None) -> str:
    return passwords.hash_password(PASSWORD)


@pytest.fixture
def clock() -> TravelClock:
    return TravelClock(START)


@pytest.fixture
def rt(db: Engine, clock: TravelClock) -> Runtime:
    return Runtime(engine=db, now=clock)


@pytest.fixture
def county(rt: Runtime, password_hash: str) -> County:
    built = build_county(rt, password_hash)
    file_cases(rt, built)
    return built


@pytest.fixture
def app(rt: Runtime, county: County) -> FastAPI:
    return create_app(rt)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
