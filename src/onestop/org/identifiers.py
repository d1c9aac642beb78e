"""居民身份证号 and 统一社会信用代码: validation with messages a citizen can act on.

python-stdnum holds the rules (check digit algorithms, the historical region table); this module turns its
exceptions into Chinese messages that name the field and the problem, and computes the expected check digit
so a clerk can see at once whether a digit was mistyped.

Every validator returns the compact normalised value, which is what gets stored and compared.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric, uscc

from onestop.org.errors import OrgError

RESIDENT_ID_LENGTH = 18
CREDIT_CODE_LENGTH = 18
# Nobody born before this could have been issued a resident ID card (first issued 1984), so an earlier
# date is a typo (1090 for 1990) even though it is a real calendar date that stdnum accepts.
EARLIEST_BIRTH_DATE = date(1850, 1, 1)

# GB 32100-2015 character set: digits and capitals without I, O, Z, S, V (easily confused with 1, 0, 2, 5, U).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 登记管理部门代码. stdnum only accepts a digit here, which would refuse real codes
# issued by 中央军委改革和编制办公室 (A), by 农业农村 departments to 农村集体经济组织 (N) and by other
# authorities (Y). A county platform registers village collectives, so these are accepted, with
# stdnum's own check digit.
CREDIT_CODE_AUTHORITIES = "123456789ANY"


class InvalidIdentifier(OrgError):
    """An identifier (ID number, credit code, phone, region code) is malformed; ``message`` says how."""

    code = "invalid_identifier"
    status = 422


def compact_identifier(value: str) -> str:
    """Upper-case ``value`` without any whitespace, full-width characters folded to ASCII.

    Chinese input methods produce full-width digits and Ｘ, and numbers are often pasted with spaces.
    """
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def validate_resident_id(
    value: str, *, field: str | None = "id_number", label: str = "身份证号", today: date | None = None
) -> str:
    """The 18-character 居民身份证号 in ``value``, or ``InvalidIdentifier``.

    Checks length, characters, check digit, birth date and region code. A birth date after ``today`` is
    refused only when ``today`` is given: the domain reads no clock of its own.

    The region code is the household registration's when the number was first assigned, which may be years
    after birth. stdnum requires the code to have been in force in the birth year, and so refuses real
    numbers (born 1990, first card issued 2006 in 昌平区, code 110114 in force since 1999); here the code
    need only appear in stdnum's GB/T 2260 history and not have been retired before the birth year.
    """
    number = compact_identifier(value)
    if not number:
        raise InvalidIdentifier(f"{label}不能为空", field=field)
    try:
        ric.validate(number)
    except stdnum_errors.InvalidLength:
        hint = "；15 位旧号码已停用，请填写 18 位号码" if len(number) == 15 else ""
        raise InvalidIdentifier(
            f"{label}长度错误：应为 {RESIDENT_ID_LENGTH} 位，实际为 {len(number)} 位{hint}", field=field
        ) from None
    except stdnum_errors.InvalidFormat:
        raise InvalidIdentifier(f"{label}格式错误：{_first_non_digit(number[:-1])}", field=field) from None
    except stdnum_errors.InvalidChecksum:
        raise InvalidIdentifier(
            f"{label}校验位错误：最后一位应为 {ric.calc_check_digit(number)}", field=field
        ) from None
    except (stdnum_errors.InvalidComponent, KeyError):
        # The date or the region; both are checked below, where they can be told apart. (stdnum 2.2 raises
        # KeyError, not InvalidComponent, for an unknown county code in a known province.)
        pass
    except stdnum_errors.ValidationError:
        raise InvalidIdentifier(f"{label}无效", field=field) from None
    try:
        born = ric.get_birth_date(number)
    except stdnum_errors.InvalidComponent:
        raise InvalidIdentifier(f"{label}出生日期无效：{number[6:14]} 不是有效日期", field=field) from None
    if born < EARLIEST_BIRTH_DATE:
        raise InvalidIdentifier(f"{label}出生日期无效：{born.isoformat()} 早于 1850 年", field=field)
    if today is not None and born > today:
        raise InvalidIdentifier(f"{label}出生日期无效：{born.isoformat()} 晚于今天", field=field)
    problem = _region_problem(number[:6], born.year)
    if problem is not None:
        raise InvalidIdentifier(f"{label}地区码无效：{problem}", field=field)
    return number


def birth_date_from_resident_id(value: str) -> date:
    """The birth date encoded in a valid 居民身份证号."""
    return ric.get_birth_date(validate_resident_id(value))


def region_code_from_resident_id(value: str) -> str:
    """The six-digit GB/T 2260 code where the holder was first registered (possibly a code since retired)."""
    return validate_resident_id(value)[:6]


def validate_credit_code(value: str, *, field: str | None = "credit_code", label: str = "统一社会信用代码") -> str:
    """The 18-character 统一社会信用代码 in ``value``, or ``InvalidIdentifier``.

    Same rules and check digit as ``stdnum.cn.uscc`` (a test holds them equal on digit-led codes), plus the
    letter-led authorities stdnum does not know; checked position by position so the message can say where.
    """
    number = compact_identifier(value).replace("-", "")
    if not number:
        raise InvalidIdentifier(f"{label}不能为空", field=field)
    if len(number) != CREDIT_CODE_LENGTH:
        raise InvalidIdentifier(f"{label}长度错误：应为 {CREDIT_CODE_LENGTH} 位，实际为 {len(number)} 位", field=field)
    if number[0] not in CREDIT_CODE_AUTHORITIES:
        raise InvalidIdentifier(f"{label}格式错误：第 1 位（登记管理部门代码）“{number[0]}”无效", field=field)
    if not _is_ascii_digits(number[1]):
        raise InvalidIdentifier(f"{label}格式错误：第 2 位（机构类别代码）应为数字", field=field)
    if not _is_ascii_digits(number[2:8]):
        raise InvalidIdentifier(f"{label}格式错误：第 3–8 位（行政区划码）应为数字", field=field)
    for position, char in enumerate(number[8:], start=9):
        if char not in CREDIT_CODE_ALPHABET:
            raise InvalidIdentifier(
                f"{label}格式错误：第 {position} 位“{char}”不是有效字符（不使用 I、O、Z、S、V）", field=field
            )
    expected = uscc.calc_check_digit(number)
    if number[-1] != expected:
        raise InvalidIdentifier(f"{label}校验位错误：最后一位应为 {expected}", field=field)
    return number


def region_code_from_credit_code(value: str) -> str:
    """Positions 3–8 of a valid 统一社会信用代码: the registering authority's region (national: 100000)."""
    return validate_credit_code(value)[2:8]


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() also accepts superscripts and other scripts' digits.
    return text.isascii() and text.isdigit()


def _first_non_digit(text: str) -> str:
    for position, char in enumerate(text, start=1):
        if not _is_ascii_digits(char):
            return f"第 {position} 位“{char}”不是数字"
    return "含有无效字符"


# 港澳台居民居住证 (《港澳台居民居住证申领发放办法》, 2018) carry an 18-digit number in the 居民身份证 format with
# these codes in place of a county: 香港 810000, 澳门 820000, 台湾 830000. stdnum's GB/T 2260 table has the first
# two but not 830000 (台湾省 is 710000 there), which would refuse every 台湾居民's residence permit.
RESIDENCE_PERMIT_REGIONS = {"810000": "香港", "820000": "澳门", "830000": "台湾"}


def _region_problem(code: str, birth_year: int) -> str | None:
    if code in RESIDENCE_PERMIT_REGIONS:
        return None
    # stdnum's table marks each county name with the years it was in force: 东城区, [1983-]天山区,
    # [1983-1998]南山矿区,[1999-2001]南泉区,[2002-]达坂城区. Only a code retired before the holder was born
    # can never have been assigned to them.
    county = next((props["county"] for _, props in numdb.get("cn/loc").info(code) if "county" in props), None)
    if county is None:
        return f"{code} 不是行政区划代码"
    last_year = 0
    for name in county.split(","):
        if not name.startswith("["):
            return None
        end = name[1:].split("]", 1)[0].partition("-")[2]
        if not end or int(end) >= birth_year:
            return None
        last_year = max(last_year, int(end))
    return f"{code} 已于 {last_year} 年停用，早于出生年份 {birth_year}"
