"""Fixtures for CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, require

FICTIONAL_2027 = Path(__file__).resolve().parents[1] / "worktime" / "fixtures" / "holiday-cn-2027-fictional.json"


@pytest.fixture
def holiday_cn() -> Path:
    path = SHARED_DATA / "holiday-cn"
    require(path.is_dir(), f"shared holiday data missing at {path}")
    return path


@pytest.fixture
def fictional_2027() -> Path:
    return FICTIONAL_2027
