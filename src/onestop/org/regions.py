"""GB/T 2260 行政区划代码: format checks and containment, the basis of regional scope.

Only the structure is checked (no table of names): the table changes every year and the deployment knows its
own region; a code of the right shape under the right province is what permission checks need.
"""

from __future__ import annotations

from onestop.choices import ChoiceSet
from onestop.org.identifiers import InvalidIdentifier, compact_identifier

REGION_CODE_LENGTH = 6
# Two-digit province codes of GB/T 2260 (71 台湾, 81 香港, 82 澳门 included).
PROVINCE_CODES = frozenset(
    {
        *("11", "12", "13", "14", "15"),
        *("21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        *("71", "81", "82"),
    }
)


class RegionLevel(ChoiceSet, verbose_name="行政区划级别"):
    PROVINCE = "province", "省级", "indigo"
    PREFECTURE = "prefecture", "地级", "blue"
    COUNTY = "county", "县级", "teal"


def validate_region_code(value: str, *, field: str | None = "region_code", label: str = "行政区划代码") -> str:
    """The six-digit GB/T 2260 code in ``value``, or ``InvalidIdentifier``."""
    code = compact_identifier(value)
    if not code:
        raise InvalidIdentifier(f"{label}不能为空", field=field)
    if len(code) != REGION_CODE_LENGTH or not (code.isascii() and code.isdigit()):
        raise InvalidIdentifier(f"{label}格式错误：应为 6 位数字，实际为“{code}”", field=field)
    if code[:2] not in PROVINCE_CODES:
        raise InvalidIdentifier(f"{label}格式错误：前 2 位 {code[:2]} 不是省级代码", field=field)
    if code[2:4] == "00" and code[4:] != "00":
        raise InvalidIdentifier(f"{label}格式错误：第 3–4 位为 00 时第 5–6 位也应为 00", field=field)
    return code


def region_level(code: str) -> RegionLevel:
    """Province (``650000``), prefecture (``650100``) or county (``650102``)."""
    code = validate_region_code(code)
    if code[2:] == "0000":
        return RegionLevel.PROVINCE
    if code[4:] == "00":
        return RegionLevel.PREFECTURE
    return RegionLevel.COUNTY


def region_contains(outer: str, inner: str) -> bool:
    """Whether region ``inner`` is ``outer`` or lies inside it (``650100`` contains ``650102``)."""
    outer = validate_region_code(outer)
    inner = validate_region_code(inner)
    # A code names its level by trailing zero pairs, so containment is a prefix match at the outer level.
    prefix = {RegionLevel.PROVINCE: 2, RegionLevel.PREFECTURE: 4, RegionLevel.COUNTY: 6}[region_level(outer)]
    return inner[:prefix] == outer[:prefix]
