"""Unit-name aliases merge; distinct units stay apart."""

from __future__ import annotations

from collections import Counter

import pytest

from onestop.hotline.routing import UnitNormalizer, merge_aliases, normalize_unit_name


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("县政府办", "县人民政府办公室"),
        ("市住建局", "市住房和城乡建设局"),
        ("区人社局", "区人力资源和社会保障局"),
        ("市市场监督管理局", "市市场监管局"),
        ("县城管局", "县城市管理和综合执法局"),
        ("洋湖街道", "洋湖街道办事处"),
        ("市交警支队", "市公安局交通警察支队"),
        ("市场监督管理局（知识产权局）", "市场监管局"),
        ("县环保局", "县生态环境局"),  # renamed in the 2018 reform
        ("岳麓区人民政府", "岳麓区政府"),
        ("ｘ市 公安局", "X市公安局"),  # width, case and spaces
    ],
)
def test_aliases_share_a_key(a: str, b: str) -> None:
    assert normalize_unit_name(a) == normalize_unit_name(b)


def test_home_place_is_learned_and_reduced_to_its_level() -> None:
    names = Counter({"某某市公安局": 5, "市公安局": 3, "某某市教育局": 4, "某某市A3区住建局": 2, "A3区住建局": 1})
    norm = UnitNormalizer.learn(names)
    assert ("某某", "市") in norm.home
    assert norm.key("某某市公安局") == norm.key("市公安局")
    assert norm.key("某某市A3区住建局") == norm.key("A3区住建局")
    # A district is not the home: its units keep their place.
    assert norm.key("A3区住建局") != norm.key("区住建局")


def test_county_home_from_dominance() -> None:
    names = ["和平县公安局", "和平县教育局", "和平县人民政府办公室", "和平县城关镇人民政府", "县政府办"]
    norm = UnitNormalizer.learn(names)
    assert norm.key("和平县人民政府办公室") == norm.key("县政府办")
    assert norm.key("和平县城关镇人民政府") == norm.key("城关镇政府")
    assert norm.key("和平县公安局") == norm.key("县公安局")


def test_sibling_places_stay_apart() -> None:
    # A city's districts: none is home, so their units never merge.
    norm = UnitNormalizer.learn(["朝阳区", "海淀区", "朝阳区人民政府", "海淀区住建局", "朝阳区住建局"])
    assert not norm.home
    assert norm.key("朝阳区住建局") != norm.key("海淀区住建局")
    assert norm.key("朝阳区") == norm.key("朝阳区人民政府")
    assert norm.key("朝阳区") != norm.key("海淀区")


def test_province_wide_board_has_no_home() -> None:
    # Many cities, none dominant: bare names are ambiguous and do not pull prefixed ones together.
    names = ["A市教育局", "B市教育局", "C市教育局", "市教育局", "K7县教育局", "A7县教育局", "县教育局"]
    norm = UnitNormalizer.learn(names)
    assert norm.key("A市教育局") != norm.key("B市教育局")
    assert norm.key("K7县教育局") != norm.key("县教育局")


def test_words_that_only_look_like_places() -> None:
    assert normalize_unit_name("住房和城乡建设部门") == "住房和城乡建设部门"
    assert normalize_unit_name("城市管理局") == normalize_unit_name("城管局")
    assert normalize_unit_name("市场监管局") == "市场监管局"


def test_merge_aliases_names_a_cluster_by_its_most_used_form() -> None:
    names = ["县人社局", "县人社局", "和平县人力资源和社会保障局", "和平县公安局", "县公安局", "和平县公安局"]
    display = merge_aliases(names)
    assert display["和平县人力资源和社会保障局"] == "县人社局"
    assert display["县公安局"] == "和平县公安局"
