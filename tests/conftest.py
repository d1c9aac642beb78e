"""Shared fixtures: a fresh migrated database per test, on SQLite or PostgreSQL.

`ONESTOP_TEST_DATABASE_URL` (a PostgreSQL server URL) runs the whole suite on PostgreSQL; without it, each
test gets its own SQLite file. `ONESTOP_TEST_POSTGRES_URL` enables the PostgreSQL-only tests (concurrent tick
workers) in either run. With CI=true a test that would skip for a missing service fails instead: CI always
runs everything.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from onestop.actions.runtime import Runtime
from onestop.auth import passwords
from onestop.db.engine import make_engine
from onestop.db.migrate import upgrade
from onestop.db.tables import metadata

# Chromium, the live server and logging in, for every browser test.
pytest_plugins = ["tests.browser"]

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip locally when a service is missing; fail in CI, where every test must run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test, but: {reason}")
    pytest.skip(reason)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _admin_url() -> str | None:
    return os.environ.get("ONESTOP_TEST_DATABASE_URL")


def create_postgres_database(server_url: str, name: str) -> str:
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(server_url: str, name: str) -> None:
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrates once per session: a SQLite template file to copy, or a PostgreSQL database to truncate.

    PostgreSQL database names are unique per session, so two test runs against one server never collide.
    """
    server = _admin_url()
    if server:
        name = f"onestop_test_{_worker()}_{uuid.uuid4().hex[:8]}"
        url = create_postgres_database(server, name)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        drop_postgres_database(server, name)
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    yield str(path)


@pytest.fixture
def db_url(_migrated_template: str, tmp_path: Path) -> str:
    if _admin_url():
        engine = make_engine(_migrated_template)
        names = ", ".join(t.name for t in metadata.sorted_tables)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        engine.dispose()
        return _migrated_template
    path = tmp_path / "onestop.db"
    shutil.copyfile(_migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def rt(db: Engine, travel: TravelClock) -> Runtime:
    """The action layer on the test database; its clock is the ``travel`` fixture each directory defines."""
    return Runtime(engine=db, now=travel)


@pytest.fixture(scope="session")
def fast_argon2() -> Iterator[None]:
    """Argon2 at its smallest cost: the tests check logins and access, not the hash's strength."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for tests that need PostgreSQL's own behaviour."""
    server = os.environ.get("ONESTOP_TEST_POSTGRES_URL") or _admin_url()
    require(bool(server), "ONESTOP_TEST_POSTGRES_URL is not set (PostgreSQL server URL)")
    assert server is not None
    name = f"onestop_pg_{_worker()}_{uuid.uuid4().hex[:8]}"
    url = create_postgres_database(server, name)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    drop_postgres_database(server, name)


@pytest.fixture(autouse=True)
def _certificate_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Signing keys of certificates issued in a test go to its own folder, never to the checkout's var/keys."""
    monkeypatch.setenv("ONESTOP_CERT_KEY_DIR", str(tmp_path / "keys"))


@pytest.fixture
def shared_data() -> Path:
    require(SHARED_DATA.is_dir(), f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


class TravelClock:
    """An injectable 'now' that tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def set(self, when: datetime) -> None:
        self.current = when
