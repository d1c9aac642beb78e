"""Deployment settings, read from the environment once and passed down explicitly.

Nothing connects to a database at import time; callers ask for `Settings.from_env()` when they start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    secret_key: str | None

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("ONESTOP_DATA_DIR", "var")).resolve()
        url = os.environ.get("ONESTOP_DATABASE_URL") or f"sqlite:///{data_dir / 'onestop.db'}"
        return cls(database_url=url, data_dir=data_dir, secret_key=os.environ.get("ONESTOP_SECRET_KEY"))
