"""The routing model: cold start from duties, learning from history, persistence, recency, bad input."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from onestop.hotline.routing import (
    Example,
    Router,
    RouterConfig,
    RoutingError,
    UnitProfile,
    fit,
    read_history,
    read_units,
)

# Requests phrased unlike anything in the fixture history: the model must go by meaning, not by copies.
NEW_REQUESTS = {
    "和平县公安局": "晚上有人在小区里赌博，还有人打架，请警察管一管",
    "和平县住房和城乡建设局": "物业公司把小区绿地改成停车位收费",
    "和平县城市管理和综合执法局": "街边摊贩占道经营，垃圾乱扔",
    "和平县教育局": "幼儿园学费一年涨了三次",
    "和平县人力资源和社会保障局": "老板拖欠我们工资半年了",
    "和平县生态环境局": "工厂排放的废气有刺鼻气味，水也被污染了",
    "和平县市场监督管理局": "买到的食品过期了，商家拒绝退款",
}


def _top(router: Router, k: int) -> dict[str, tuple[str, ...]]:
    predictions = router.predict(list(NEW_REQUESTS.values()), k=k)
    return {unit: p.units for unit, p in zip(NEW_REQUESTS, predictions, strict=True)}


def test_cold_start_from_duties_alone(units_csv: Path) -> None:
    router = fit([], read_units(units_csv))
    top = _top(router, 3)
    hits1 = sum(units[0] == unit for unit, units in top.items())
    hits3 = sum(unit in units for unit, units in top.items())
    assert hits1 >= 5, top
    assert hits3 >= 6, top
    # The names shown are the units file's own.
    assert set(router.units) == {p.name for p in read_units(units_csv)}


def test_history_alone_merges_aliases(history_csv: Path) -> None:
    router = fit(read_history(history_csv))
    # 县公安局 / 和平县公安局, 县住建局 / 和平县住房和城乡建设局 … are one unit each: 8 units in 44 rows.
    assert len(router.units) == 8
    assert "和平县公安局" in router.units
    top = _top(router, 3)
    assert sum(unit_key_in(router, unit, units[:1]) for unit, units in top.items()) >= 5, top


def unit_key_in(router: Router, unit: str, names: tuple[str, ...]) -> bool:
    return router.unit_key(unit) in {router.unit_key(n) for n in names}


def test_history_and_duties_together_name_units_as_the_units_file(history_csv: Path, units_csv: Path) -> None:
    router = fit(read_history(history_csv), read_units(units_csv))
    assert set(router.units) == {p.name for p in read_units(units_csv)}
    top = _top(router, 1)
    assert sum(units[0] == unit for unit, units in top.items()) >= 6, top


def test_more_history_helps() -> None:
    profiles = [
        UnitProfile("县水利局", "负责水利工程建设与管理"),
        UnitProfile("县供电公司", "负责电力供应"),
    ]
    texts = ["家里停电好几天了", "电压不稳，电器都烧坏了", "变压器有异响，晚上停电", "电费怎么突然这么高"]
    request = ["小区又停电了，什么时候来电"]
    history = [Example(t, "县供电公司") for t in texts] + [Example("河堤出现裂缝，汛期危险", "县水利局")]
    margins = []
    for rows in ([], history):
        router = fit(rows, profiles)
        scores = router.decision(request)[0]
        margins.append(scores[router.units.index("县供电公司")] - scores[router.units.index("县水利局")])
    assert margins[1] > margins[0]


def test_predict_shape_and_scores(history_csv: Path, units_csv: Path) -> None:
    router = fit(read_history(history_csv), read_units(units_csv))
    (p,) = router.predict(["路灯不亮"], k=3)
    assert len(p.units) == 3 == len(set(p.units))
    assert list(p.scores) == sorted(p.scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in p.scores)
    assert router.predict([], k=3) == []
    assert len(router.predict(["任何内容"], k=50)[0].units) == len(router.units)


def test_save_and_load_give_the_same_predictions(tmp_path: Path, history_csv: Path, units_csv: Path) -> None:
    router = fit(read_history(history_csv), read_units(units_csv))
    path = tmp_path / "router.npz"
    router.save(path)
    loaded = Router.load(path)
    texts = list(NEW_REQUESTS.values())
    assert [p.units for p in loaded.predict(texts)] == [p.units for p in router.predict(texts)]
    assert np.allclose(loaded.decision(texts), router.decision(texts), atol=2e-2)
    assert loaded.unit_key("县人民政府办公室") == router.unit_key("县政府办")


def test_recent_history_outweighs_old() -> None:
    # The same kind of request went to 县国土局 until a reform, to 县自然资源局 since (the 2018 reform merged
    # them, so they share a key); here two unrelated units swap instead.
    old = [Example(f"小区违建问题第{i}次反映", "县规划局", date(2015, 1, 1 + i)) for i in range(6)]
    new = [Example(f"小区违建问题第{i}次反映", "县城管局", date(2023, 1, 1 + i)) for i in range(4)]
    router = fit(old + new, config=RouterConfig(half_life_days=365, min_weight=0.05))
    assert router.predict(["小区有人搭建违建"], k=1)[0].units[0] == "县城管局"
    flat = fit(old + new, config=replace(RouterConfig(), half_life_days=None))
    assert flat.predict(["小区有人搭建违建"], k=1)[0].units[0] == "县规划局"


def test_bad_input() -> None:
    with pytest.raises(RoutingError):
        fit([], [])
    with pytest.raises(RoutingError):
        fit([Example("  ", "县教育局")])


def test_bad_files(tmp_path: Path) -> None:
    missing_column = tmp_path / "h.csv"
    missing_column.write_text("text,department\n你好,县教育局\n", encoding="utf-8")
    with pytest.raises(RoutingError, match="缺少列"):
        read_history(missing_column)
    bad_date = tmp_path / "d.csv"
    bad_date.write_text("text,unit,date\n你好,县教育局,昨天\n", encoding="utf-8")
    with pytest.raises(RoutingError, match="日期"):
        read_history(bad_date)
    gbk = tmp_path / "g.csv"
    gbk.write_bytes("text,unit\n你好,县教育局\n".encode("gbk"))
    with pytest.raises(RoutingError, match="UTF-8"):
        read_history(gbk)
    not_a_model = tmp_path / "m.npz"
    not_a_model.write_text("hello", encoding="utf-8")
    with pytest.raises(RoutingError):
        Router.load(not_a_model)
