"""Shared fixtures of the worktime tests.

The official holiday data is read from the shared checkout beside the repository
(``../shared/data``), never copied into it; the 2027 notice used here is fictional test data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from onestop.worktime import TZ, WorkingTime, default_working_time

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
HOLIDAY_CN = SHARED_DATA / "holiday-cn"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FICTIONAL_2027 = FIXTURES / "holiday-cn-2027-fictional.json"


@pytest.fixture(scope="session")
def holiday_cn() -> Path:
    assert HOLIDAY_CN.is_dir(), f"shared holiday data missing at {HOLIDAY_CN}"
    return HOLIDAY_CN


@pytest.fixture(scope="session")
def wt() -> WorkingTime:
    return default_working_time()


@pytest.fixture(scope="session")
def fictional_2027() -> Path:
    return FICTIONAL_2027


def bj(text: str) -> datetime:
    """A Beijing-time instant from "YYYY-MM-DD HH:MM"."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture(scope="session")
def at() -> Callable[[str], datetime]:
    """``at("2025-03-03 10:00")``: a fixture, so test modules need no importable helper module."""
    return bj
