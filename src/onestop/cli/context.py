"""Builds the runtime that CLI commands act through, from the environment."""

from __future__ import annotations

from onestop.actions.runtime import Runtime
from onestop.config import Settings
from onestop.db.engine import make_engine


def runtime(database_url: str | None = None) -> Runtime:
    settings = Settings.from_env()
    return Runtime(engine=make_engine(database_url or settings.database_url))
