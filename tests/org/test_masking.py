from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.org import mask_phone, mask_resident_id, mask_text
from onestop.org.synthetic import make_resident_id

RESIDENT_ID = make_resident_id("650102", date(1990, 1, 1), 123)


def test_mask_resident_id_keeps_first_and_last_four() -> None:
    assert mask_resident_id("650102199001011234") == "6501**********1234"
    assert mask_resident_id(f" {RESIDENT_ID.lower()} ") == RESIDENT_ID[:4] + "*" * 10 + RESIDENT_ID[-4:]


def test_mask_resident_id_masks_invalid_and_short_values_too() -> None:
    assert mask_resident_id("650102900101123") == "6501*******1123"
    assert mask_resident_id("12345678") == "********"
    assert mask_resident_id("") == ""


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0991-1234567", "0991-****567"),
        ("010-12345678", "010-****5678"),
        ("0755 8765 4321", "0755-****4321"),
        ("0991-1234567转801", "0991-****567-801"),
        ("12345", "***45"),
        ("not a number", "********er"),
    ],
)
def test_mask_phone(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    "value", ["13812345678", "0991-1234567", "010-12345678", "0991-1234567-801", "12345", "138****5678"]
)
def test_mask_phone_is_idempotent(value: str) -> None:
    assert mask_phone(mask_phone(value)) == mask_phone(value)


def test_mask_resident_id_is_idempotent() -> None:
    once = mask_resident_id(RESIDENT_ID)
    assert mask_resident_id(once) == once


def test_mask_text_finds_numbers_in_free_text() -> None:
    text = (
        f"来电人张三，身份证{RESIDENT_ID}，手机 138 1234 5678，备用+8613912345678，"
        "办公室(0991)1234567转8，北京010-87654321，旧证号650102900101123。"
    )
    assert mask_text(text) == (
        f"来电人张三，身份证{RESIDENT_ID[:4]}**********{RESIDENT_ID[-4:]}，"
        "手机 138 **** 5678，备用+86139****5678，"
        "办公室(0991)****567转8，北京010-****4321，旧证号6501*******1123。"
    )


def test_mask_text_leaves_other_numbers_alone() -> None:
    text = "受理编号 2026010100123，金额 12345678 元，热线 12345，日期 20260101，银行卡 6222021234567890123"
    assert mask_text(text) == text


def test_mask_text_full_width_digits() -> None:
    assert mask_text("电话１３８１２３４５６７８") == "电话１３８****５６７８"


def test_mask_text_id_with_lower_case_x() -> None:
    number = "65010219700101123x"
    assert mask_text(f"证件:{number}。") == "证件:6501**********123x。"


_TEXT = st.text(alphabet="0123456789 -+()Xx*转号码:，\n１３８Ｘ（）", max_size=80)


@given(_TEXT)
def test_mask_text_is_idempotent(text: str) -> None:
    once = mask_text(text)
    assert mask_text(once) == once


@given(_TEXT)
def test_mask_text_only_replaces_digits_with_the_mask(text: str) -> None:
    masked = mask_text(text)
    assert len(masked) == len(text)
    for before, after in zip(text, masked, strict=True):
        assert after == before or (after == "*" and before.isdigit())
