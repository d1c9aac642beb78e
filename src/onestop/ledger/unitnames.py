"""Unit names as plans write them: lists split, brackets kept, 等 stripped; prefixes and suffixes shared.

``split_units("州公安局、司法局,各县(市、区)")`` → ``["州公安局", "司法局", "各县(市、区)"]``: a list splits on
、 and commas outside brackets, so 自然资源局(不动产登记局), 市协作办〔招商局〕 and 各县(市、区) stay whole. A
trailing 等 / 等单位 / 等部门 is dropped when what precedes it is a unit (供电分局等 → 供电分局) and kept when it
is what makes a collective name (水气暖通讯等企业).

``expand_shared`` undoes the shorthand of a run of names: ``州公安局、司法局、人社局`` shares the prefix 州
(→ 州司法局, 州人社局) and ``库尔勒市、尉犁县人民政府`` shares the suffix 人民政府 (→ 库尔勒市人民政府).
"""

from __future__ import annotations

import re

_OPEN, _CLOSE = "([〔【《“", ")]〕】》”"

# What a unit's name ends with. Used to tell a list of units from prose in brackets.
UNIT_SUFFIX = re.compile(
    r"(局|委|办|院|府|中心|公司|部|厅|会|室|处|所|队|行|关|庭|馆|站|社|团|组|部门|单位|政府|集团|银行|支行|分行|"
    r"海关|机构|企业|场|园|区|县|市|镇|乡|街道|州|旗|委员会|班|协会|联|台|校|学|司|署|科|股|网|办公室|专班|"
    r"指挥部|法院|检察院|监委|纪委|工委|管委会|分局|大队|支队|总队|营业部|事务所|联合会|商会|服务中心|农场|处室)"
    r"(\([^()]*\)|〔[^〔〕]*〕)?$"
)
_COLLECTIVE = re.compile(r"各|有关|相关|所有|其他|其它|^全[市县区州旗省]|等")
_TRAILING_ETC = re.compile(r"等(单位|部门|机构|成员单位|相关单位|有关单位|相关部门|有关部门)?$")
REGION_PREFIXES = ("自治州", "自治区", "州", "市", "县", "区", "旗", "省")
# Agencies of the central or provincial level keep their own names inside a county's list.
_OWN_NAMES = ("人民银行", "国家税务总局", "国网", "国家电网", "银保监", "银监", "证监", "中国", "中共", "共青团", "驻")
# A word that starts with a region character without being a prefix: 市场监管局 is not 市·场监管局.
_NOT_PREFIX = ("市场", "区域", "县域", "州域", "市政", "市容", "区块", "省级", "市级", "县级", "区级", "州级", "旗级")
_PLACE = re.compile(r"[^各]{1,6}?(自治州|自治县|自治区|地区|盟|州|市|县|区|旗|镇|乡|街道)")


def split_units(text: str) -> list[str]:
    """A unit list → names, in order, without duplicates."""
    names: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if depth == 0 and char in "、,;/":
            _add(names, current)
            current = ""
        else:
            current += char
    _add(names, current)
    return names


def clean_unit(name: str) -> str:
    name = re.sub(r"\s+", "", name).strip(" .。,;:")
    if "等" not in name:
        return name
    # 等 closes a list of units (供电分局等, 县自然资源局等行政审批服务部门); after a non-unit it is part of a
    # collective name (水气暖通讯等企业).
    before = name[: name.rindex("等")]
    if before and UNIT_SUFFIX.search(before) and not is_collective(before):
        return before
    stripped = _TRAILING_ETC.sub("", name)
    return stripped if stripped and stripped != name and UNIT_SUFFIX.search(stripped) else name


def _add(names: list[str], raw: str) -> None:
    name = clean_unit(raw)
    if name and name not in names:
        names.append(name)


def looks_like_unit(name: str) -> bool:
    return bool(UNIT_SUFFIX.search(name)) or is_collective(name)


def is_collective(name: str) -> bool:
    """各县市人民政府, 州直各有关部门, 市级相关部门: many units, kept as one name, never matched to one unit."""
    return bool(_COLLECTIVE.search(name))


def region_prefix(name: str) -> str | None:
    for prefix in REGION_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 1 and not name.startswith(_NOT_PREFIX):
            return prefix
    return None


def _has_place(name: str) -> bool:
    return bool(_PLACE.match(name)) and not name.startswith(_NOT_PREFIX)


def expand_shared(run: list[str]) -> list[str]:
    """Names of one 、-run with their shared prefix and suffix written out."""
    out = list(run)
    prefix: str | None = None
    for i, name in enumerate(out):
        own = region_prefix(name)
        if own is not None:
            prefix = own
            continue
        if prefix and not is_collective(name) and not name.startswith(_OWN_NAMES) and not _has_place(name):
            out[i] = prefix + name
    # 库尔勒市、尉犁县人民政府: bare places before a place + suffix take that suffix.
    if len(out) > 1:
        tail = re.match(r"^(.{1,8}?(?:市|县|区|旗|镇|乡))((?:人民)?政府|委员会|管委会)$", out[-1])
        if tail:
            suffix = tail.group(2)
            for i, name in enumerate(out[:-1]):
                if re.fullmatch(r".{1,8}?(市|县|区|旗|镇|乡)", name) and not is_collective(name):
                    out[i] = name + suffix
    return out


def normalise_units(text_or_names: str | list[str]) -> list[str]:
    """A unit list (as written) → full names: each 、-run with its shared prefix and suffix expanded.

    Runs are separated by commas: in ``州党委网信办,州发改委、公安局`` only 公安局 takes 州 from 州发改委.
    """
    if isinstance(text_or_names, list):
        return expand_shared(text_or_names)
    out: list[str] = []
    for run in _split_runs(text_or_names):
        for name in expand_shared(split_units(run)):
            if name not in out:
                out.append(name)
    return out


def _split_runs(text: str) -> list[str]:
    runs: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if depth == 0 and char in ",;":
            runs.append(current)
            current = ""
        else:
            current += char
    runs.append(current)
    return [r for r in runs if r.strip()]
