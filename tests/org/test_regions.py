from __future__ import annotations

import csv
from pathlib import Path

import pytest

from onestop.org import (
    InvalidIdentifier,
    RegionLevel,
    region_contains,
    region_level,
    validate_region_code,
)

XZQH = Path(__file__).resolve().parents[3] / "shared" / "data" / "xzqh" / "mca_201904.tsv"


def test_valid_code_is_normalised() -> None:
    assert validate_region_code(" ６５０１０２ ") == "650102"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "行政区划代码不能为空"),
        ("65010", "行政区划代码格式错误：应为 6 位数字，实际为“65010”"),
        ("65010A", "行政区划代码格式错误：应为 6 位数字，实际为“65010A”"),
        ("990102", "行政区划代码格式错误：前 2 位 99 不是省级代码"),
        ("650012", "行政区划代码格式错误：第 3–4 位为 00 时第 5–6 位也应为 00"),
    ],
)
def test_invalid(value: str, problem: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_region_code(value)
    assert caught.value.message == problem
    assert caught.value.field == "region_code"


def test_levels() -> None:
    assert region_level("650000") is RegionLevel.PROVINCE
    assert region_level("650100") is RegionLevel.PREFECTURE
    assert region_level("650102") is RegionLevel.COUNTY
    assert region_level("659004") is RegionLevel.COUNTY


@pytest.mark.parametrize(
    ("outer", "inner", "inside"),
    [
        ("650000", "650102", True),
        ("650100", "650102", True),
        ("650102", "650102", True),
        ("650100", "650100", True),
        ("650100", "650200", False),
        ("650102", "650100", False),
        ("650102", "650103", False),
        ("650000", "110101", False),
    ],
)
def test_contains(outer: str, inner: str, inside: bool) -> None:
    assert region_contains(outer, inner) is inside


@pytest.mark.skipif(not XZQH.exists(), reason="shared GB/T 2260 data not present")
def test_every_official_code_is_well_formed() -> None:
    with XZQH.open(encoding="utf-8") as rows:
        codes = [row["Code"] for row in csv.DictReader(rows, delimiter="\t")]
    assert len(codes) > 3000
    for code in codes:
        assert validate_region_code(code) == code
        province = code[:2] + "0000"
        assert region_contains(province, code)
