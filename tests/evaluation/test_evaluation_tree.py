"""The indicator tree as data: the default tree, per-year parameters, validation of a deployment's own file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from onestop.evaluation.errors import InvalidTree, TreeYearUnknown, UnknownIndicator
from onestop.evaluation.tree import Direction, Source, load_tree, tree_for_year, tree_years
from tests.evaluation.conftest import small_tree_document

# The 18 first-level indicators of China's business-environment evaluation, in the order.
FIRST_LEVEL = [
    "开办企业",
    "办理建筑许可",
    "获得电力",
    "获得用水用气",
    "登记财产",
    "纳税",
    "跨境贸易",
    "办理破产",
    "获得信贷",
    "保护中小投资者",
    "执行合同",
    "劳动力市场监管",
    "政府采购",
    "招标投标",
    "政务服务",
    "知识产权创造保护和运用",
    "市场监管",
    "包容普惠创新",
]


def test_default_tree_has_the_18_first_level_indicators() -> None:
    tree = load_tree(2026)
    assert [i.name for i in tree] == FIRST_LEVEL
    components = list(tree.components())
    assert len(components) == 87
    assert len({c.key for c in components}) == 87
    for c in components:
        assert c.unit
        assert c.name
        if c.direction is Direction.LOWER:
            assert c.frontier < c.worst, c.key
        else:
            assert c.frontier > c.worst, c.key
        assert c.weight > 0
        assert (c.measure is not None) == (c.source is Source.COMPUTED), c.key
    starting = tree.indicator("starting_business")
    assert [c.name for c in starting.components] == ["开办环节", "开办时间", "开办费用", "申请材料"]


def test_default_tree_names_the_generic_measures_for_gov_services() -> None:
    tree = load_tree(2026)
    measures = {c.key: c.measure for c in tree.indicator("gov_services").components}
    assert measures["gov_services.immediate_share"] == "generic_application.immediate_share"
    assert measures["gov_services.on_time_rate"] == "generic_application.on_time_rate"
    assert measures["gov_services.processing_time"] == "generic_application.avg_working_days"
    assert measures["gov_services.one_notice_rate"] == "generic_application.one_notice_rate"


def test_parameters_are_configured_per_year_and_carried_forward() -> None:
    assert tree_years() == [2025, 2026]
    assert load_tree(2025).component("starting_business.time").worst == 20
    tree_2026 = load_tree(2026)
    assert tree_2026.component("starting_business.time").worst == 10
    assert not tree_2026.carried_forward
    tree_2028 = load_tree(2028)  # not configured: the 2026 parameters, and it says so
    assert tree_2028.carried_forward
    assert tree_2028.configured_year == 2026
    assert tree_2028.component("starting_business.time").worst == 10
    with pytest.raises(TreeYearUnknown, match="2024"):
        load_tree(2024)


def test_year_changes_accumulate() -> None:
    document = small_tree_document()
    document["years"] = {
        "2025": {},
        "2026": {"components": {"speed.days": {"worst": 10}}},
        "2027": {"components": {"speed.on_time": {"weight": 1}}, "indicators": {"online": {"weight": 2}}},
    }
    tree = tree_for_year(document, 2027)
    assert tree.component("speed.days").worst == 10  # 2026's change kept
    assert tree.component("speed.on_time").weight == 1
    assert tree.indicator("online").weight == 2
    assert tree_for_year(document, 2025).component("speed.days").worst == 20


def test_a_deployment_file_is_loaded_from_a_path(small_tree: Path) -> None:
    tree = load_tree(2026, small_tree)
    assert tree.title == "测试指标体系"
    assert [i.code for i in tree] == ["speed", "online"]
    assert tree.component("speed.on_time").weight == 3
    assert tree.component("speed.days").worst == 10
    with pytest.raises(UnknownIndicator):
        tree.component("speed.nothing")
    with pytest.raises(UnknownIndicator):
        tree.indicator("nothing")


def _broken(change: Any) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(small_tree_document())
    change(document)
    return document


def _component(document: dict[str, Any]) -> dict[str, Any]:
    component: dict[str, Any] = document["indicators"][0]["components"][0]
    return component


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _component(d).update(frontier=30), "前沿值须小于最差值"),
        (lambda d: d["indicators"][0]["components"][1].update(frontier=10), "前沿值须大于最差值"),
        (lambda d: _component(d).pop("measure"), "measure"),
        (lambda d: _component(d).update(weight=0), "权重"),
        (lambda d: _component(d).update(direction="sideways"), "指标方向无效"),
        (lambda d: _component(d).update(source="guess"), "数据来源无效"),
        (lambda d: _component(d).update(colour="red"), "未知字段"),
        (lambda d: _component(d).update(frontier="1"), "须为数值"),
        (lambda d: _component(d).pop("unit"), "缺少 unit"),
        (lambda d: d["indicators"][1].update(code="speed"), "一级指标代码重复"),
        (lambda d: d["indicators"][0]["components"][1].update(code="days"), "二级指标代码重复"),
        (lambda d: d["indicators"][0].update(components=[]), "至少有一个二级指标"),
        (lambda d: d.update(years={}), "years"),
        (lambda d: d.update(years={"二〇二六": {}}), "四位数字"),
        (lambda d: d["years"].update({"2026": {"components": {"speed.nothing": {}}}}), "不存在的二级指标"),
        (lambda d: d["years"].update({"2026": {"components": {"speed.days": {"unit": "天"}}}}), "不能调整"),
        (lambda d: d["years"].update({"2026": {"indicators": {"nothing": {"weight": 2}}}}), "不存在的一级指标"),
        (lambda d: d["years"].update({"2026": {"components": {"speed.days": {"worst": -1}}}}), "前沿值须小于最差值"),
        (lambda d: d.pop("title"), "标题"),
    ],
)
def test_invalid_trees_are_refused_with_a_reason(change: Any, message: str) -> None:
    with pytest.raises(InvalidTree, match=message):
        tree_for_year(_broken(change), 2026)


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidTree, match="无法读取"):
        load_tree(2026, tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidTree, match="不是有效的 JSON"):
        load_tree(2026, bad)
    bad.write_text(json.dumps([1, 2]), encoding="utf-8")
    with pytest.raises(InvalidTree, match="JSON 对象"):
        load_tree(2026, bad)
