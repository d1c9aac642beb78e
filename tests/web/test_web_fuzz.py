"""Property-based fuzzing of the JSON API with schemathesis, against its own OpenAPI schema: no 5xx, ever.

Every operation is called with generated (valid and invalid) data, as an administrator for /admin and as a
window clerk elsewhere; responses must not be server errors and must match the documented schemas. Bounded
(and derandomised, so CI is repeatable) to keep the run well under a minute. The database is the suite's:
SQLite, or PostgreSQL when ONESTOP_TEST_DATABASE_URL is set (PostgreSQL refuses NUL and NaN where SQLite
does not, so both matter).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from web_helpers import START, County, build_county, file_cases

from onestop.actions import accounts
from onestop.actions.runtime import Runtime
from onestop.cases.errors import DomainError
from onestop.db.engine import make_engine
from onestop.db.migrate import upgrade
from onestop.web.app import create_app
from tests.conftest import TravelClock, _admin_url, _worker, create_postgres_database

MAX_EXAMPLES = int(os.environ.get("ONESTOP_FUZZ_EXAMPLES", "20"))


@dataclass
class FuzzTarget:
    app: FastAPI
    rt: Runtime
    county: County

    def token_for(self, username: str) -> str | None:
        """A fresh token per call: an earlier generated call may have revoked the last one."""
        try:
            plain, _ = accounts.issue_token(
                self.rt, self.county.users[username].id, "fuzz", by=self.county.users["admin"]
            )
        except DomainError:
            return None  # the fuzzer disabled the account; carry on unauthenticated
        return plain


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory, password_hash: str) -> Iterator[FuzzTarget]:
    server = _admin_url()
    if server:
        url = create_postgres_database(server, f"onestop_fuzz_{_worker()}")
    else:
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'fuzz.db'}"
    engine = make_engine(url)
    upgrade(engine)
    rt = Runtime(engine=engine, now=TravelClock(START))
    county = build_county(rt, password_hash)
    file_cases(rt, county)
    yield FuzzTarget(create_app(rt), rt, county)
    engine.dispose()


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every API operation, read from the schema of an app without a database."""
    app = create_app(Runtime(engine=make_engine("sqlite://")))
    paths = app.openapi()["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items() for method in ops)


@pytest.fixture(scope="module")
def api_schema(fuzz_target: FuzzTarget) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_target.app)


@pytest.mark.parametrize(("method", "path"), _operations())
def test_api_never_answers_5xx(
    method: str, path: str, api_schema: schemathesis.BaseSchema, fuzz_target: FuzzTarget
) -> None:
    operation = api_schema[path][method]
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))
    username = "admin" if "/admin/" in path else "clerk"

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case[Any]) -> None:
        token = fuzz_target.token_for(username)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = case.call(headers=headers)
        case.validate_response(
            response, checks=[not_a_server_error, status_code_conformance, response_schema_conformance]
        )

    run()
