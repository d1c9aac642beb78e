"""The indicator tree (指标体系): first-level indicators (一级指标) and their second-level components (二级指标).

The tree is data: a JSON file in ``data/`` (or a deployment's own file) lists every indicator with its
components, and a ``years`` table says which evaluation years it is configured for and what each year
changes (bounds, weights, sources). ``load_tree(year)`` returns the tree as it applies to one year.

Each component has a unit, a direction (``lower`` or ``higher`` is better), a frontier (the best value, scored
100) and a worst value (scored 0), a weight inside its indicator, and a source: ``computed`` from the
platform's cases by a registered measure (``measure`` names it), or ``entered`` by a unit with evidence and
reviewed by the 营商办.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from onestop.choices import ChoiceSet, InvalidChoice
from onestop.evaluation.errors import InvalidTree, TreeYearUnknown, UnknownIndicator

DEFAULT_TREE = "indicators.json"
C = TypeVar("C", bound=ChoiceSet)


class Direction(ChoiceSet, verbose_name="指标方向"):
    LOWER = "lower", "越低越好", "blue"
    HIGHER = "higher", "越高越好", "green"


class Source(ChoiceSet, verbose_name="数据来源"):
    COMPUTED = "computed", "平台计算", "indigo"
    ENTERED = "entered", "单位填报", "orange"


@dataclass(frozen=True)
class Component:
    """A second-level indicator (二级指标). ``key`` is ``indicator.component``, unique in a tree."""

    indicator: str
    code: str
    name: str
    unit: str
    direction: Direction
    frontier: float
    worst: float
    weight: float
    source: Source
    measure: str | None = None  # the registered computation, for computed components
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.indicator}.{self.code}"


@dataclass(frozen=True)
class Indicator:
    """A first-level indicator (一级指标) and its components, in the file's order."""

    code: str
    name: str
    weight: float
    components: tuple[Component, ...]
    note: str = ""

    @property
    def weight_total(self) -> float:
        return sum(c.weight for c in self.components)


@dataclass(frozen=True)
class IndicatorTree:
    title: str
    year: int  # the evaluation year this tree applies to
    configured_year: int  # the configured year its bounds come from (earlier when carried forward)
    indicators: tuple[Indicator, ...]
    note: str = ""

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for indicator in self.indicators:
            if indicator.code in seen:
                raise InvalidTree(f"一级指标代码重复：{indicator.code}", field="indicators")
            seen.add(indicator.code)
            codes = [c.code for c in indicator.components]
            if len(set(codes)) != len(codes):
                raise InvalidTree(f"一级指标“{indicator.name}”下二级指标代码重复", field="components")

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def components(self) -> Iterator[Component]:
        for indicator in self.indicators:
            yield from indicator.components

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise UnknownIndicator(f"指标体系中没有一级指标“{code}”", field="indicator")

    def component(self, key: str) -> Component:
        code, _, component_code = key.partition(".")
        for component in self.indicator(code).components:
            if component.code == component_code:
                return component
        raise UnknownIndicator(f"指标体系中没有二级指标“{key}”", field="indicator")

    @property
    def carried_forward(self) -> bool:
        """True when no parameters are configured for ``year`` and an earlier year's are used (沿用)."""
        return self.configured_year != self.year


def load_tree(year: int, path: Path | None = None) -> IndicatorTree:
    """The tree for an evaluation year: the package's default tree, or the JSON file at ``path``.

    The parameters of a year are the file's base values changed by every configured year up to it, in order.
    A year after the last configured one uses the last configured year's parameters (``carried_forward``);
    a year before the first configured one is ``TreeYearUnknown``.
    """
    document = _read_default() if path is None else _read(path)
    return tree_for_year(document, year)


def tree_years(path: Path | None = None) -> list[int]:
    document = _read_default() if path is None else _read(path)
    return sorted(_years(document))


@cache
def _read_default() -> Mapping[str, Any]:
    text = resources.files("onestop.evaluation").joinpath("data").joinpath(DEFAULT_TREE).read_text(encoding="utf-8")
    return _parse(text, DEFAULT_TREE)


def read_packaged(name: str) -> Mapping[str, Any]:
    """Another tree file shipped in ``data/`` (the Doing Business method uses this)."""
    text = resources.files("onestop.evaluation").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return _parse(text, name)


def _read(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidTree(f"无法读取指标体系文件 {path}：{exc.strerror}", field="tree") from None
    return _parse(text, str(path))


def _parse(text: str, name: str) -> Mapping[str, Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidTree(f"指标体系文件 {name} 不是有效的 JSON：第 {exc.lineno} 行 {exc.msg}", field="tree") from None
    if not isinstance(document, dict):
        raise InvalidTree(f"指标体系文件 {name} 须为 JSON 对象", field="tree")
    return document


def _years(document: Mapping[str, Any]) -> dict[int, Mapping[str, Any]]:
    years = document.get("years")
    if not isinstance(years, dict) or not years:
        raise InvalidTree("指标体系须有 years：配置的评价年度及各年度的参数调整", field="years")
    result: dict[int, Mapping[str, Any]] = {}
    for text, raw in years.items():
        if not str(text).isdigit():
            raise InvalidTree(f"评价年度须为四位数字：{text!r}", field="years")
        changes = {} if raw is None else raw
        if not isinstance(changes, dict):
            raise InvalidTree(f"{text} 年度的参数调整须为 JSON 对象", field="years")
        result[int(text)] = changes
    return result


def tree_for_year(document: Mapping[str, Any], year: int) -> IndicatorTree:
    years = _years(document)
    configured = [y for y in years if y <= year]
    if not configured:
        first = min(years)
        raise TreeYearUnknown(f"{year} 年度的指标体系未配置（最早配置年度为 {first}）", field="year")
    configured_year = max(configured)
    indicators = _indicators(document.get("indicators"))
    # Each year's changes build on the years before it: 2027 keeps what 2026 changed unless it changes it again.
    for step in sorted(configured):
        indicators = _apply(indicators, years[step], step)
    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InvalidTree("指标体系须有标题 title", field="title")
    note = document.get("note", "")
    return IndicatorTree(title.strip(), year, configured_year, tuple(indicators), str(note))


def _indicators(raw: object) -> list[Indicator]:
    if not isinstance(raw, list) or not raw:
        raise InvalidTree("指标体系须有一级指标列表 indicators", field="indicators")
    result = []
    for i, item in enumerate(raw):
        where = f"第 {i + 1} 个一级指标"
        if not isinstance(item, dict):
            raise InvalidTree(f"{where}须为 JSON 对象", field="indicators")
        code = _text(item, "code", where)
        name = _text(item, "name", where)
        components = item.get("components")
        if not isinstance(components, list) or not components:
            raise InvalidTree(f"一级指标“{name}”须至少有一个二级指标", field="components")
        parsed = tuple(_component(code, c, f"“{name}”的第 {j + 1} 个二级指标") for j, c in enumerate(components))
        result.append(Indicator(code, name, _weight(item, where), parsed, str(item.get("note", ""))))
    return result


def _component(indicator: str, item: object, where: str) -> Component:
    if not isinstance(item, dict):
        raise InvalidTree(f"{where}须为 JSON 对象", field="components")
    known = {"code", "name", "unit", "direction", "frontier", "worst", "weight", "source", "measure", "note"}
    unknown = sorted(set(item) - known)
    if unknown:
        raise InvalidTree(f"{where}有未知字段：{', '.join(unknown)}", field="components")
    code = _text(item, "code", where)
    name = _text(item, "name", where)
    component = Component(
        indicator=indicator,
        code=code,
        name=name,
        unit=_text(item, "unit", where),
        direction=_choice(Direction, item, "direction", where),
        frontier=_number(item, "frontier", where),
        worst=_number(item, "worst", where),
        weight=_weight(item, where),
        source=_choice(Source, item, "source", where),
        measure=_optional_text(item, "measure", where),
        note=str(item.get("note", "")),
    )
    return _checked(component)


def _checked(component: Component) -> Component:
    where = f"二级指标“{component.name}”（{component.key}）"
    if component.direction is Direction.LOWER and not component.frontier < component.worst:
        raise InvalidTree(f"{where}越低越好，前沿值须小于最差值", field="frontier")
    if component.direction is Direction.HIGHER and not component.frontier > component.worst:
        raise InvalidTree(f"{where}越高越好，前沿值须大于最差值", field="frontier")
    if component.source is Source.COMPUTED and not component.measure:
        raise InvalidTree(f"{where}由平台计算，须指明计算方法 measure", field="measure")
    if component.weight <= 0:
        raise InvalidTree(f"{where}的权重须大于 0", field="weight")
    return component


def _apply(indicators: list[Indicator], changes: Mapping[str, Any], year: int) -> list[Indicator]:
    """One year's parameter changes: ``{"indicators": {code: {weight}}, "components": {key: {...}}}``."""
    unknown = sorted(set(changes) - {"indicators", "components", "note"})
    if unknown:
        raise InvalidTree(f"{year} 年度参数调整有未知字段：{', '.join(unknown)}", field="years")
    indicator_changes = changes.get("indicators") or {}
    component_changes = dict(changes.get("components") or {})
    codes = {i.code for i in indicators}
    for code in indicator_changes:
        if code not in codes:
            raise InvalidTree(f"{year} 年度参数调整引用了不存在的一级指标：{code}", field="years")
    result = []
    for indicator in indicators:
        weight = indicator.weight
        if indicator.code in indicator_changes:
            change = indicator_changes[indicator.code]
            where = f"{year} 年度“{indicator.name}”"
            if not isinstance(change, dict) or set(change) - {"weight"}:
                raise InvalidTree(f'{where}只能调整权重：{{"weight": …}}', field="years")
            weight = _weight(change, where)
        components = []
        for component in indicator.components:
            change = component_changes.pop(component.key, None)
            components.append(component if change is None else _changed(component, change, year))
        result.append(replace(indicator, weight=weight, components=tuple(components)))
    if component_changes:
        raise InvalidTree(
            f"{year} 年度参数调整引用了不存在的二级指标：{', '.join(sorted(component_changes))}", field="years"
        )
    return result


def _changed(component: Component, change: object, year: int) -> Component:
    where = f"{year} 年度“{component.name}”"
    if not isinstance(change, dict):
        raise InvalidTree(f"{where}的参数调整须为 JSON 对象", field="years")
    allowed = {"frontier", "worst", "weight", "source", "measure", "note"}
    unknown = sorted(set(change) - allowed)
    if unknown:
        raise InvalidTree(f"{where}不能调整：{', '.join(unknown)}", field="years")
    values: dict[str, Any] = {}
    for name in ("frontier", "worst"):
        if name in change:
            values[name] = _number(change, name, where)
    if "weight" in change:
        values["weight"] = _weight(change, where)
    if "source" in change:
        values["source"] = _choice(Source, change, "source", where)
    if "measure" in change:
        values["measure"] = _optional_text(change, "measure", where)
    if "note" in change:
        values["note"] = str(change["note"])
    return _checked(replace(component, **values))


def _choice(choices: type[C], item: Mapping[str, Any], name: str, where: str) -> C:
    value = item.get(name)
    if not isinstance(value, str):
        raise InvalidTree(f"{where}缺少 {name}", field=name)
    try:
        return choices.parse(value, field=name)
    except InvalidChoice as exc:
        raise InvalidTree(f"{where}：{exc.message}", field=name) from None


def _text(item: Mapping[str, Any], name: str, where: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidTree(f"{where}缺少 {name}", field=name)
    return value.strip()


def _optional_text(item: Mapping[str, Any], name: str, where: str) -> str | None:
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidTree(f"{where}的 {name} 须为非空文本", field=name)
    return value.strip()


def _number(item: Mapping[str, Any], name: str, where: str) -> float:
    value = item.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidTree(f"{where}的 {name} 须为数值", field=name)
    return float(value)


def _weight(item: Mapping[str, Any], where: str) -> float:
    if "weight" not in item:
        return 1.0
    weight = _number(item, "weight", where)
    if weight <= 0:
        raise InvalidTree(f"{where}的权重须大于 0", field="weight")
    return weight
