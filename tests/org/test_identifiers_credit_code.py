"""统一社会信用代码 validation, checked against stdnum where stdnum knows the code's shape."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from onestop.org import InvalidIdentifier, region_code_from_credit_code, validate_credit_code
from onestop.org.identifiers import CREDIT_CODE_ALPHABET
from onestop.org.synthetic import make_credit_code

VALID = make_credit_code("650102", "MA7ABCDE1")


def _message(value: str) -> str:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_credit_code(value)
    assert caught.value.field == "credit_code"
    return caught.value.message


def test_alphabet_is_stdnums() -> None:
    assert uscc._alphabet == CREDIT_CODE_ALPHABET


def test_valid_code_is_returned_compact() -> None:
    assert validate_credit_code(VALID) == VALID
    assert validate_credit_code(f" {VALID[:2]} {VALID[2:8]}-{VALID[8:]} ".lower()) == VALID
    assert uscc.is_valid(VALID)


def test_letter_led_authorities_stdnum_refuses_are_accepted() -> None:
    # 农村集体经济组织 (N2…) are registered by agriculture departments, not 市场监管.
    village = make_credit_code("650102", "MA7ABCDE1", authority="N", category="2")
    assert not uscc.is_valid(village)
    assert validate_credit_code(village) == village


def test_empty() -> None:
    assert _message(" ") == "统一社会信用代码不能为空"


def test_wrong_length() -> None:
    assert _message(VALID[:-1]) == "统一社会信用代码长度错误：应为 18 位，实际为 17 位"


def test_wrong_check_digit_names_the_expected_one() -> None:
    wrong = "0" if VALID[-1] != "0" else "1"
    assert _message(VALID[:-1] + wrong) == f"统一社会信用代码校验位错误：最后一位应为 {VALID[-1]}"


def test_unknown_authority() -> None:
    assert _message("B" + VALID[1:]) == "统一社会信用代码格式错误：第 1 位（登记管理部门代码）“B”无效"


def test_category_and_region_must_be_digits() -> None:
    assert "第 2 位（机构类别代码）应为数字" in _message(VALID[0] + "A" + VALID[2:])
    assert "第 3–8 位（行政区划码）应为数字" in _message(VALID[:4] + "A" + VALID[5:])


@pytest.mark.parametrize("char", ["I", "O", "Z", "S", "V", "*"])
def test_excluded_letters(char: str) -> None:
    code = VALID[:9] + char + VALID[10:]
    assert _message(code) == f"统一社会信用代码格式错误：第 10 位“{char}”不是有效字符（不使用 I、O、Z、S、V）"


def test_region_code_from_credit_code() -> None:
    assert region_code_from_credit_code(VALID) == "650102"


_BODIES = st.tuples(
    st.sampled_from("123456789"),
    st.sampled_from("0123456789"),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(_BODIES)
def test_agrees_with_stdnum_on_digit_led_codes(body: str) -> None:
    code = body + uscc.calc_check_digit(body)
    assert validate_credit_code(code) == code == uscc.validate(code)


@given(_BODIES, st.integers(min_value=0, max_value=17), st.data())
def test_every_single_character_mutation_fails(body: str, position: int, data: st.DataObject) -> None:
    code = body + uscc.calc_check_digit(body)
    replacement = data.draw(st.sampled_from([c for c in CREDIT_CODE_ALPHABET if c != code[position]]))
    mutated = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(InvalidIdentifier):
        validate_credit_code(mutated)
    assert not uscc.is_valid(mutated)
