"""The Alembic migrations create exactly the schema that `onestop.db.tables` declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from onestop.db.migrate import current_revision
from onestop.db.tables import metadata


def test_migrated_schema_matches_the_tables(db: Engine) -> None:
    assert current_revision(db) is not None
    with db.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert diff == []
