"""Fixtures for the hotline tests: a small invented county history (和平县) and the shared real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, require

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEDDYCUP = SHARED_DATA / "teddycup2020"


@pytest.fixture
def history_csv() -> Path:
    return FIXTURES / "history.csv"


@pytest.fixture
def units_csv() -> Path:
    return FIXTURES / "units.csv"


@pytest.fixture
def teddycup() -> Path:
    require(TEDDYCUP.is_dir(), f"shared teddycup2020 data missing at {TEDDYCUP}")
    return TEDDYCUP
