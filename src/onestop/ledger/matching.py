"""Matching unit names as plans write them to the units of this deployment.

Plans abbreviate (州发改委, 市监局, 人社局) where the deployment's unit table has full names (巴音郭楞蒙古自治州
发展和改革委员会, 测试县市场监督管理局). A name is matched, in order, by:

1. a mapping a person made before (``aliases``: name → unit id, remembered in the database);
2. the unit's exact name;
3. the core of the name — without the place before it (州, 测试县, 巴音郭楞蒙古自治州) — after writing out the
   usual abbreviations (发改委 → 发展和改革委员会), equal to a unit's core;
4. the abbreviation's characters in order within a unit's core with the same last character (市监局 in
   市场监督管理局), or a rapidfuzz similarity of the cores of at least ``THRESHOLD``.

A match must be unambiguous: when two units score alike the name is left for a person, with suggestions.
Collective names (各县市人民政府, 州直各有关部门) are kept as they are and never matched to one unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from onestop.ledger.unitnames import _NOT_PREFIX, REGION_PREFIXES, is_collective
from onestop.org.units import Unit

THRESHOLD = 85.0
MARGIN = 3.0

EXACT, ALIAS, CORE, FUZZY, COLLECTIVE, UNMATCHED = "exact", "alias", "core", "fuzzy", "collective", "unmatched"

ABBREVIATIONS: dict[str, str] = {
    "发改委": "发展和改革委员会",
    "发改局": "发展和改革局",
    "发展改革委": "发展和改革委员会",
    "市场监管局": "市场监督管理局",
    "市场监管分局": "市场监督管理分局",
    "市监局": "市场监督管理局",
    "人社局": "人力资源和社会保障局",
    "人力社保局": "人力资源和社会保障局",
    "住建局": "住房和城乡建设局",
    "住建委": "住房和城乡建设委员会",
    "网信办": "网络安全和信息化委员会办公室",
    "卫健委": "卫生健康委员会",
    "卫健局": "卫生健康局",
    "卫计委": "卫生和计划生育委员会",
    "工信局": "工业和信息化局",
    "经信委": "经济和信息化委员会",
    "医保局": "医疗保障局",
    "编办": "机构编制委员会办公室",
    "国资委": "国有资产监督管理委员会",
    "文旅局": "文化和旅游局",
    "交通局": "交通运输局",
    "政府办": "人民政府办公室",
    "政府办公室": "人民政府办公室",
    "应急局": "应急管理局",
    "科技局": "科学技术局",
    "林草局": "林业和草原局",
    "生态环境局": "生态环境局",
    "农业农村局": "农业农村局",
    "审批局": "行政审批局",
    "执法局": "综合行政执法局",
    "金融办": "金融工作办公室",
    "纪委监委": "纪律检查委员会监察委员会",
    "统战部": "统一战线工作部",
    "政法委": "政法委员会",
    "财金局": "财政金融局",
    "自然资源局": "自然资源局",
}
_ABBREVIATION = re.compile("|".join(sorted(ABBREVIATIONS, key=len, reverse=True)))
_PLACE = re.compile(
    r"^(?:中共)?[^局委办院府部厅会室处所队中心]{1,12}?(?:蒙古自治州|自治州|自治县|自治区|自治旗|地区|盟|州|市|县|区|旗)(?![场域政容级直])(?=.{2,})"
)


@dataclass(frozen=True)
class Suggestion:
    unit_id: int
    name: str
    score: float


@dataclass(frozen=True)
class UnitMatch:
    name: str  # as the plan (expanded) writes it
    how: str  # exact | alias | core | fuzzy | collective | unmatched
    unit_id: int | None = None
    unit_name: str | None = None
    score: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def matched(self) -> bool:
        return self.unit_id is not None


def core(name: str) -> str:
    """The name without the place before it, its abbreviations written out."""
    name = expand_abbreviations(re.sub(r"\s+", "", name))
    stripped = _PLACE.sub("", name, count=1)
    if stripped == name:
        for prefix in REGION_PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix) + 1 and not name.startswith(_NOT_PREFIX):
                stripped = name[len(prefix) :]
                break
    return stripped


def expand_abbreviations(name: str) -> str:
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(0)], name)


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(char in it for char in short)


class UnitMatcher:
    """The deployment's units and remembered aliases, asked name by name."""

    def __init__(self, units: Iterable[Unit], aliases: Mapping[str, int] | None = None) -> None:
        self._units = {u.id: u for u in units}
        self._by_name = {u.name: u for u in self._units.values()}
        self._aliases = dict(aliases or {})
        self._cores: list[tuple[str, Unit]] = [(core(u.name), u) for u in self._units.values()]

    def match(self, name: str) -> UnitMatch:
        if name in self._aliases and self._aliases[name] in self._units:
            unit = self._units[self._aliases[name]]
            return UnitMatch(name, ALIAS, unit.id, unit.name, 100.0)
        if name in self._by_name:
            unit = self._by_name[name]
            return UnitMatch(name, EXACT, unit.id, unit.name, 100.0)
        if is_collective(name):
            return UnitMatch(name, COLLECTIVE)
        scored = self._scores(core(name))
        if not scored:
            return UnitMatch(name, UNMATCHED)
        best_score, best = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        suggestions = tuple(Suggestion(u.id, u.name, round(s, 1)) for s, u in scored[:3] if s >= 50)
        if best_score >= THRESHOLD and best_score - runner_up >= MARGIN:
            how = CORE if best_score >= 100 else FUZZY
            return UnitMatch(name, how, best.id, best.name, round(best_score, 1), suggestions)
        return UnitMatch(name, UNMATCHED, score=round(best_score, 1), suggestions=suggestions)

    def _scores(self, wanted: str) -> list[tuple[float, Unit]]:
        from rapidfuzz import fuzz

        out: list[tuple[float, Unit]] = []
        for their, unit in self._cores:
            if not their or not wanted:
                continue
            if their == wanted:
                score = 100.0
            elif wanted[-1] == their[-1] and _subsequence(wanted, their):
                # an abbreviation (市监局 in 市场监督管理局): 85–95, the closer in length the higher
                score = 85.0 + fuzz.ratio(wanted, their) / 10
            else:
                score = float(fuzz.ratio(wanted, their))
            out.append((score, unit))
        out.sort(key=lambda item: (-item[0], item[1].id))
        return out
