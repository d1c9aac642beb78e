from __future__ import annotations

from datetime import date

import pytest

from onestop.org import validate_credit_code, validate_resident_id
from onestop.org.synthetic import make_credit_code, make_resident_id


def test_made_numbers_validate() -> None:
    number = make_resident_id("650102", date(1990, 1, 1), 1)
    assert validate_resident_id(number) == number
    assert int(number[16]) % 2 == 1
    code = make_credit_code("650102", "MA7ABCDE1")
    assert validate_credit_code(code) == code
    assert code.startswith("91650102MA7ABCDE1")


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="sequence"):
        make_resident_id("650102", date(1990, 1, 1), 1000)
    with pytest.raises(ValueError, match="organisation"):
        make_credit_code("650102", "MA7ABCDEI")
    with pytest.raises(ValueError, match="authority"):
        make_credit_code("650102", "MA7ABCDE1", authority="B")
