"""居民身份证号 validation: every number here is synthetic, built with stdnum's own check digit."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from onestop.org import (
    InvalidIdentifier,
    birth_date_from_resident_id,
    region_code_from_resident_id,
    validate_resident_id,
)
from onestop.org.synthetic import make_resident_id

VALID = make_resident_id("650102", date(1990, 1, 1), 123)


def _with_check_digit(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def _error(
    value: str, *, field: str | None = "id_number", label: str = "身份证号", today: date | None = None
) -> InvalidIdentifier:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_resident_id(value, field=field, label=label, today=today)
    return caught.value


def test_valid_number_is_returned_compact() -> None:
    assert validate_resident_id(VALID) == VALID


@pytest.mark.parametrize(
    "spelling",
    [
        f"  {VALID}  ",
        f"{VALID[:6]} {VALID[6:14]} {VALID[14:]}",
        VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ],
)
def test_spaces_and_full_width_digits_are_normalised(spelling: str) -> None:
    assert validate_resident_id(spelling) == VALID


def test_lower_case_x_check_digit_is_upper_cased() -> None:
    number = next(
        make_resident_id("650102", date(1990, 1, 1), seq)
        for seq in range(1000)
        if make_resident_id("650102", date(1990, 1, 1), seq).endswith("X")
    )
    assert validate_resident_id(number.lower()) == number
    assert validate_resident_id(number[:-1] + "ｘ") == number


def test_error_carries_field_code_and_status() -> None:
    error = _error(VALID[:-1], field="applicant_id")
    assert error.field == "applicant_id"
    assert error.code == "invalid_identifier"
    assert error.status == 422
    assert isinstance(error, ValueError)
    assert str(error) == error.message


@pytest.mark.parametrize("value", ["", "   "])
def test_empty(value: str) -> None:
    assert _error(value).message == "身份证号不能为空"


def test_wrong_length() -> None:
    assert _error(VALID[:-1]).message == "身份证号长度错误：应为 18 位，实际为 17 位"
    assert "实际为 19 位" in _error(VALID + "1").message


def test_old_fifteen_digit_number_gets_a_hint() -> None:
    assert "15 位旧号码已停用" in _error("650102900101123").message


def test_wrong_check_digit_names_the_expected_digit() -> None:
    wrong = "0" if VALID[-1] != "0" else "1"
    assert _error(VALID[:-1] + wrong).message == f"身份证号校验位错误：最后一位应为 {VALID[-1]}"


def test_label_names_the_field_in_the_message() -> None:
    assert _error(VALID[:-1], label="代理人身份证号").message.startswith("代理人身份证号长度错误")


@pytest.mark.parametrize(("position", "char"), [(1, "A"), (5, "*"), (17, "X")])
def test_bad_character_is_located(position: int, char: str) -> None:
    number = VALID[: position - 1] + char + VALID[position:]
    assert _error(number).message == f"身份证号格式错误：第 {position} 位“{char}”不是数字"


def test_masked_number_is_refused() -> None:
    assert "不是数字" in _error("6501**********1234").message


@pytest.mark.parametrize("birth", ["19901301", "19900230", "19900000", "00000101"])
def test_impossible_birth_date(birth: str) -> None:
    number = _with_check_digit(f"650102{birth}123")
    assert _error(number).message == f"身份证号出生日期无效：{birth} 不是有效日期"


def test_birth_date_before_1850_is_a_typo() -> None:
    number = _with_check_digit("650102109001011230"[:17])
    assert _error(number).message == "身份证号出生日期无效：1090-01-01 早于 1850 年"


def test_future_birth_date_is_refused_only_against_a_given_today() -> None:
    number = make_resident_id("650102", date(2030, 5, 1), 1)
    assert validate_resident_id(number) == number
    message = _error(number, today=date(2026, 1, 1)).message
    assert message == "身份证号出生日期无效：2030-05-01 晚于今天"
    assert validate_resident_id(number, today=date(2030, 5, 1)) == number


@pytest.mark.parametrize("region", ["999999", "000000", "659999", "650199"])
def test_unknown_region_code(region: str) -> None:
    number = make_resident_id("650102", date(1990, 1, 1), 7)
    number = _with_check_digit(region + number[6:17])
    assert _error(number).message == f"身份证号地区码无效：{region} 不是行政区划代码"


def test_region_code_retired_before_birth() -> None:
    # 110103 崇文区 was merged into 东城区 in 2010: nobody born after that can hold it.
    number = make_resident_id("110103", date(2015, 1, 1), 1)
    assert _error(number).message == "身份证号地区码无效：110103 已于 2010 年停用，早于出生年份 2015"


@pytest.mark.parametrize(
    ("region", "born"),
    [
        ("110103", date(2009, 6, 1)),  # retired after birth: assigned before it was retired
        ("110114", date(1990, 1, 1)),  # 昌平区 since 1999: first card issued there at 16
        ("650102", date(1970, 1, 1)),  # 天山区 since 1983
        ("659012", date(2000, 1, 1)),  # 白杨市 since 2022
    ],
)
def test_region_code_introduced_after_birth_is_accepted(region: str, born: date) -> None:
    number = make_resident_id(region, born, 11)
    assert validate_resident_id(number) == number


def test_birth_date_and_region_from_number() -> None:
    assert birth_date_from_resident_id(VALID) == date(1990, 1, 1)
    assert region_code_from_resident_id(f" {VALID} ") == "650102"
    with pytest.raises(InvalidIdentifier):
        birth_date_from_resident_id(VALID[:-1])


# Regions known to stdnum for every year since 1983, so any birth date from then on gives a valid number.
_REGIONS = st.sampled_from(["650102", "650103", "110101", "110105", "310104", "440103"])
_BIRTHS = st.dates(min_value=date(1983, 1, 1), max_value=date(2025, 12, 31))
_SEQUENCES = st.integers(min_value=0, max_value=999)


@given(_REGIONS, _BIRTHS, _SEQUENCES)
def test_every_generated_number_validates(region: str, born: date, sequence: int) -> None:
    number = make_resident_id(region, born, sequence)
    assert validate_resident_id(number) == number
    assert birth_date_from_resident_id(number) == born


@given(_REGIONS, _BIRTHS, _SEQUENCES, st.integers(min_value=0, max_value=17), st.data())
def test_every_single_character_mutation_fails(
    region: str, born: date, sequence: int, position: int, data: st.DataObject
) -> None:
    number = make_resident_id(region, born, sequence)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    mutated = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(InvalidIdentifier, match="校验位错误"):
        validate_resident_id(mutated)


@pytest.mark.parametrize("region", ["810000", "820000", "830000"])
def test_residence_permits_of_hong_kong_macao_and_taiwan_residents_are_accepted(region: str) -> None:
    """港澳台居民居住证 numbers use 810000/820000/830000; stdnum's table lacks 830000 (台湾 is 710000 there)."""
    number = _with_check_digit(f"{region}19900101001")
    assert validate_resident_id(number) == number
    assert region_code_from_resident_id(number) == region
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert "校验位错误" in _error(wrong).message  # the check digit still counts


def test_a_code_that_is_no_region_is_still_refused() -> None:
    assert "不是行政区划代码" in _error(_with_check_digit("84000019900101001")).message
