"""Made-up identifiers with correct check digits, for demo data and tests.

Demo counties and tests need numbers that pass validation; building them here means no real person's or
company's number is ever written into the repository.
"""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric, uscc

from onestop.org.identifiers import CREDIT_CODE_ALPHABET, CREDIT_CODE_AUTHORITIES
from onestop.org.regions import validate_region_code

MAX_SEQUENCE = 999


def make_resident_id(region_code: str, birth_date: date, sequence: int) -> str:
    """A resident ID number for ``region_code``, born on ``birth_date``; an odd ``sequence`` is male.

    Valid as long as the region code is known to stdnum and not retired before the birth year.
    """
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence must be 0..{MAX_SEQUENCE}, got {sequence}")
    body = f"{validate_region_code(region_code)}{birth_date:%Y%m%d}{sequence:03d}"
    # calc_check_digit expects the number with a check digit in place and ignores it.
    return body + ric.calc_check_digit(body + "0")


def make_credit_code(region_code: str, organisation: str, *, authority: str = "9", category: str = "1") -> str:
    """A 统一社会信用代码; the defaults (9, 1) make it an enterprise registered by 市场监管."""
    if len(organisation) != 9 or any(char not in CREDIT_CODE_ALPHABET for char in organisation):
        raise ValueError(f"organisation must be 9 characters of {CREDIT_CODE_ALPHABET}, got {organisation!r}")
    if (
        len(authority) != 1
        or authority not in CREDIT_CODE_AUTHORITIES
        or len(category) != 1
        or category not in "0123456789"
    ):
        raise ValueError(f"bad authority {authority!r} or category {category!r}")
    body = f"{authority}{category}{validate_region_code(region_code)}{organisation}"
    return body + uscc.calc_check_digit(body)
