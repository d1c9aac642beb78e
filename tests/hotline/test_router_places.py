"""Places and functions in the routing model: unit names split, places found in requests, and a town that the
history never names routed to its own 镇政府 (the unseen-place case a new city's later requests are full of)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from onestop.hotline.routing import Example, Router, RouterConfig, fit
from onestop.hotline.routing.places import PlaceIndex, place_level, unit_parts


def test_unit_parts_split_place_chain_and_function() -> None:
    town = unit_parts("和平县安乐镇人民政府")
    assert town.places == ("和平县", "安乐镇")
    assert town.function == "镇政府"
    # Long official forms fold as in alias keys; a bare level stays in the function.
    assert unit_parts("和平县住房和城乡建设局").function == "县住建局"
    assert unit_parts("市公安局").places == ()
    assert unit_parts("市公安局").function == "市公安局"
    street = unit_parts("青山街道办事处")
    assert (street.places, street.function) == (("青山街道",), "街道政府")


def test_place_level() -> None:
    assert place_level("白牙市镇") == "镇"  # a town whose name holds 市
    assert place_level("青山街道") == "街道"
    assert place_level("和平县") == "县"
    assert place_level("小区门口") == ""


def test_places_found_in_text_with_their_chains() -> None:
    index = PlaceIndex.learn(["和平县安乐镇人民政府", "和平县住建局", "和平县青山街道办事处"])
    assert index.parents == {"和平县": "", "安乐镇": "和平县", "青山街道": "和平县"}
    text = "和平县安乐镇东村的路灯坏了，隔壁和平县白石镇也一样，我们小区门口也黑"
    found = index.find(text)
    # 白石镇 is new but named right after a known county; 小区 is no place.
    assert found == ["和平县", "安乐镇", "白石镇"]
    assert index.chain("白石镇", found) == "和平县白石镇"
    assert index.chain("安乐镇", found) == "和平县安乐镇"
    # The level written twice after a county (某县县城关镇), and a coded place of anonymised data.
    assert index.find("和平县县城关镇的菜市场") == ["和平县", "城关镇"]
    assert index.find("B2区白关镇居民社保卡") == ["B2区", "白关镇"]
    assert PlaceIndex.from_list(index.to_list()).parents == index.parents


def _county_history() -> list[Example]:
    day = date(2023, 1, 1)
    rows: list[Example] = []
    town_requests = ["村里的水泥路坏了请求硬化", "村组公路塌方无人修", "村里饮水工程一直没通水", "村委会账目不公开"]
    for i, town in enumerate(("安乐镇", "青山镇", "白沙镇")):
        for j, text in enumerate(town_requests):
            rows.append(
                Example(f"和平县{town}{'东西南北'[j]}村{text}", f"和平县{town}人民政府", day + timedelta(i * 5 + j))
            )
    county = {
        "和平县公安局": ["晚上有人聚众赌博请派出所查处", "身份证丢失补办要多久", "小区门口有人打架斗殴"],
        "和平县教育局": ["学校违规收取补课费", "学校学费上涨太多", "学校中考招生名额怎么分配"],
        "和平县住房和城乡建设局": ["开发商延期交房", "物业公司乱收费", "小区电梯经常故障"],
    }
    for unit, texts in county.items():
        for j, text in enumerate(texts):
            rows.append(Example(f"和平县{text}", unit, day + timedelta(20 + j)))
    return rows


def test_unseen_town_is_routed_to_its_own_government(tmp_path: Path) -> None:
    router = fit(_county_history())
    assert not any("红星镇" in u for u in router.units)
    request = "和平县红星镇西村的公路坏了好几年，请求硬化"
    (p,) = router.predict([request], k=3)
    # Composed from the place the request names and the function 镇政府; the key matches the official name.
    assert router.unit_key(p.units[0]) == router.unit_key("和平县红星镇人民政府"), p
    # A town the history does name goes to its own government, not to another town's.
    (q,) = router.predict(["和平县青山镇南村饮水工程坏了没人修"], k=1)
    assert q.units == ("和平县青山镇人民政府",)
    # County business in that town still goes to the county department.
    (r,) = router.predict(["和平县红星镇中心学校学费太高"], k=1)
    assert r.units == ("和平县教育局",)
    # The place model survives saving; without it (weights 0, no composing) the unseen town cannot be named.
    path = tmp_path / "router.npz"
    router.save(path)
    assert Router.load(path).predict([request], k=3) == [p]
    router.config = replace(
        RouterConfig(),
        function_weight=0.0,
        place_weight=0.0,
        parent_weight=0.0,
        conflict_weight=0.0,
        compose_functions=0,
    )
    assert not any("红星镇" in u for u in router.predict([request], k=3)[0].units)
