"""Fixtures of the oversight tests: a small county with three departments, a supervisor and an operator."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from oversight_scenario import PASSWORD, START, County, build_county, build_october

from onestop.actions.runtime import Runtime
from onestop.web.app import create_app
from tests.conftest import TravelClock


@pytest.fixture
def travel() -> TravelClock:
    return TravelClock(START)


@pytest.fixture
def county(rt: Runtime, travel: TravelClock) -> County:
    return build_county(rt, travel)


@pytest.fixture
def october_web(rt: Runtime, travel: TravelClock, fast_argon2: None) -> County:
    """The fixture month, with accounts that can log in (password ``PASSWORD``)."""
    county = build_county(rt, travel, PASSWORD)
    build_october(county)
    return county


@pytest.fixture
def app(rt: Runtime, october_web: County) -> FastAPI:
    return create_app(rt)
