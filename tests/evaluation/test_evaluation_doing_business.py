"""The scoring method proved on the World Bank's published Starting a Business scores (DB2006–DB2020).

The shared export is read where it lies (``db_csv``); small CSVs of our own test the parts by hand.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from onestop.cli.evaluation import app
from onestop.evaluation.doing_business import (
    COLUMNS,
    TOPIC,
    EconomyResult,
    Entity,
    Shown,
    disagreements,
    method_tree,
    read_databank,
    reproduce,
    scored_value,
)
from onestop.evaluation.errors import InvalidDoingBusinessData
from onestop.evaluation.scoring import frontier_score

runner = CliRunner()


# -- the real data -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def entities(db_csv: Path) -> list[Entity]:
    return read_databank(db_csv)


def _by_name(results: list[EconomyResult], economy: str, city: str | None = None) -> EconomyResult:
    (found,) = [r for r in results if r.economy == economy and r.city == city]
    return found


def test_db2020_every_economy_agrees_within_0_05(entities: list[Entity]) -> None:
    results = reproduce(entities, 2020)
    assert len(results) == 213  # 191 economies and the 22 cities of the 11 economies measured in two
    assert disagreements(results) == []
    assert max(abs(r.difference or 0) for r in results) <= 0.05
    china = _by_name(results, "China")
    assert china.published == 94.1
    assert round(china.computed or 0, 1) == 94.1
    assert china.computed == pytest.approx(94.0921, abs=1e-4)
    assert china.method == "cities"
    assert china.weights == {"Beijing": 0.45, "Shanghai": 0.55}
    beijing = _by_name(results, "China", "Beijing")
    assert beijing.published == 95.1
    assert abs(beijing.difference or 1) <= 0.05
    components = {c.key.split(".")[1]: c for c in china.components}
    assert components["procedures_men"].computed == pytest.approx(85.0)
    assert components["time_men"].computed == pytest.approx(91.90955, abs=1e-5)


def test_db2020_component_bounds_reproduce_every_published_component_score(entities: list[Entity]) -> None:
    """Scored from the values as shown, each component lands within the shown value's rounding of its score."""
    tree = method_tree(2020)
    checked = 0
    for entity in entities:
        if entity.shown(TOPIC, 2020) is None:
            continue
        for component in tree.components():
            value_column, score_column = COLUMNS[component.code]
            shown = entity.shown(value_column, 2020)
            published = entity.shown(score_column, 2020)
            assert shown is not None
            assert published is not None
            span = component.worst - component.frontier
            slack = shown.half_unit * 100 / span + published.half_unit + 1e-9
            computed = frontier_score(shown.value, component.frontier, component.worst)
            assert abs(computed - published.value) <= slack, (entity, component.key)
            if component.code.startswith(("procedures", "time")):  # exact values: all five decimals
                assert abs(computed - published.value) <= published.half_unit + 1e-9
            checked += 1
    assert checked == 213 * 7


def test_recovered_values_stay_within_the_shown_rounding(entities: list[Entity]) -> None:
    results = reproduce(entities, 2020)
    recovered = [c for r in results for c in r.components if c.recovered]
    assert recovered  # cost and capital are shown to 0.1 %
    for c in recovered:
        assert c.key.split(".")[1].startswith(("cost", "min_capital"))
        assert c.value is not None
        assert c.shown is not None
        assert abs(c.value - c.shown) <= 0.05 + 1e-4


def test_shown_values_alone_miss_only_by_their_rounding(entities: list[Entity]) -> None:
    """Without the recovered precision, 9 DB2020 scores differ by 0.050–0.054 (documented in doing_business)."""
    results = reproduce(entities, 2020, recover=False)
    bad = disagreements(results)
    assert len(bad) == 9
    assert max(abs(r.difference or 0) for r in results) < 0.05 + 0.0125


@pytest.mark.parametrize("year", range(2006, 2020))
def test_earlier_years_use_the_same_method(entities: list[Entity], year: int) -> None:
    results = reproduce(entities, year)
    assert len(results) >= 174
    bad = disagreements(results)
    if year == 2019:
        # Mongolia computes to 86.649995 against 86.7: a rounding boundary, documented.
        assert [(r.economy, r.published) for r in bad] == [("Mongolia", 86.7)]
        assert abs(bad[0].difference or 1) < 0.05 + 1e-4
    else:
        assert bad == []
    multi_city = [r for r in results if r.method == "cities"]
    assert len(multi_city) == (11 if year >= 2014 else 0)


def test_brazil_2014_scores_the_average_of_its_city_scores(entities: list[Entity]) -> None:
    results = reproduce(entities, 2014)
    brazil = _by_name(results, "Brazil")
    assert brazil.published == 63.7
    assert brazil.method == "cities"
    assert brazil.weights == {"Sao Paulo": 0.61, "Rio de Janeiro": 0.39}
    assert abs(brazil.difference or 1) <= 0.05
    # São Paulo's 107.5 days clip to 0 before averaging; the national average time (86.635 days) would not.
    sao_paulo = _by_name(results, "Brazil", "Sao Paulo")
    time = {c.key.split(".")[1]: c for c in sao_paulo.components}["time_men"]
    assert (time.shown, time.computed) == (107.5, 0.0)


def test_cli_prints_computed_beside_published_as_json(db_csv: Path) -> None:
    result = runner.invoke(app, ["doing-business", "--csv", str(db_csv), "--year", "2020", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 213
    for row in rows:
        assert {"economy", "components", "computed", "published"} <= set(row)
        assert abs(row["computed"] - row["published"]) <= 0.05 + 1e-9, row["economy"]
        assert set(row["components"]) == {f"starting_a_business.{code}" for code in COLUMNS}
    (china,) = [r for r in rows if r["economy"] == "China" and r["city"] is None]
    assert china["published"] == 94.1
    assert round(china["computed"], 1) == 94.1
    assert china["components"]["starting_a_business.min_capital"] == {
        "name": "Paid-in minimum capital",
        "shown": 0.0,
        "value": 0.0,
        "recovered": False,
        "computed": 100.0,
        "published": 100.0,
    }
    checked = runner.invoke(app, ["doing-business", "--csv", str(db_csv), "--year", "2020", "--check"])
    assert checked.exit_code == 0
    assert "超过 0.05 的 0 个" in checked.output


# -- our own small export ----------------------------------------------------------------------------------------

HEADER = ["Country Name", "Country Code", "Urban Code", "Urban Area Name", "Indicator Name", "Indicator Code"]


def _write(path: Path, entities: dict[tuple[str, str, str], dict[str, str]], year: str = "2016") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADER, year, "Region"])
        for (name, code, city), values in entities.items():
            for indicator, value in values.items():
                writer.writerow([name, code, city[:3].upper() if city else "", city, indicator, indicator, value, "x"])
    return path


def _values(
    p: tuple[str, str], t: tuple[str, str], c: tuple[str, str], k: str, scores: dict[str, str]
) -> dict[str, str]:
    values = {
        "IC.REG.PROC.MA.NO": p[0],
        "IC.REG.PROC.FE.NO": p[1],
        "IC.REG.DURS.MA.DY": t[0],
        "IC.REG.DURS.FE.DY": t[1],
        "IC.REG.COST.PC.MA.ZS": c[0],
        "IC.REG.COST.PC.FE.ZS": c[1],
        "IC.REG.MIN.CAP": k,
    }
    return values | scores


@pytest.fixture
def small_export(tmp_path: Path) -> Path:
    """Atlantis (cost shown rounded), Utopia measured in North (60 %) and South (40 %), North's time clipped."""
    atlantis = _values(
        ("5", "6"),
        ("10", "10"),
        ("12.3", "12.3"),
        "0.0",
        {
            "IC.REG.COST.PC.MA.ZS.DFRN": "93.83",  # the true cost is 12.34 %
            "IC.REG.COST.PC.FE.ZS.DRFN": "93.83",
            TOPIC: "89.5",  # 76.47059/8 + 70.58824/8 + 90.45226/4 + 93.83/4 + 100/4 = 89.45292
        },
    )
    north = _values(("10", "10"), ("120", "120"), ("0.0", "0.0"), "0.0", {TOPIC: "61.8"})  # 61.764706
    south = _values(("6", "6"), ("20", "20"), ("10.0", "10.0"), "0.0", {TOPIC: "86.5"})  # 86.497562
    # National values are the 60/40 averages; the score is 0.6 × 61.764706 + 0.4 × 86.497562 = 71.657849.
    utopia = _values(("8.4", "8.4"), ("80.0", "80.0"), ("4.0", "4.0"), "0.0", {TOPIC: "71.7"})
    return _write(
        tmp_path / "export.csv",
        {
            ("Atlantis", "ATL", ""): atlantis,
            ("Utopia", "UTO", ""): utopia,
            ("Utopia", "UTO", "North"): north,
            ("Utopia", "UTO", "South"): south,
        },
    )


def test_small_export_by_hand(small_export: Path) -> None:
    results = reproduce(read_databank(small_export), 2016)
    atlantis = _by_name(results, "Atlantis")
    assert atlantis.method == "direct"
    assert atlantis.computed == pytest.approx(89.452918, abs=1e-6)
    cost = {c.key.split(".")[1]: c for c in atlantis.components}["cost_men"]
    assert (cost.shown, cost.recovered) == (12.3, True)
    assert cost.value == pytest.approx(12.34)
    assert cost.computed == pytest.approx(93.83)
    utopia = _by_name(results, "Utopia")
    assert utopia.method == "cities"
    assert utopia.weights == {"North": 0.6, "South": 0.4}
    assert utopia.computed == pytest.approx(71.657849, abs=1e-6)
    time = {c.key.split(".")[1]: c for c in utopia.components}["time_men"]
    assert time.computed == pytest.approx(0.4 * 80 / 99.5 * 100)  # North clipped to 0 before averaging
    assert disagreements(results) == []
    # Scored from its own averaged values, Utopia would get 68.642773: the clipping is lost.
    assert _by_name(results, "Utopia", "North").computed == pytest.approx(61.764706, abs=1e-6)


def test_scored_value_recovers_only_inside_the_rounding() -> None:
    cost = method_tree(2020).component("starting_a_business.cost_men")
    shown = Shown.parse("12.3")
    assert scored_value(cost, shown, Shown.parse("93.83")) == (pytest.approx(12.34), True)
    assert scored_value(cost, shown, Shown.parse("93.85")) == (12.3, False)  # reproduces: nothing to recover
    assert scored_value(cost, shown, Shown.parse("90.0")) == (12.3, False)  # implies 20 %: not a rounding
    assert scored_value(cost, shown, Shown.parse("100.0")) == (12.3, False)  # clipped scores pin nothing
    assert scored_value(cost, shown, None) == (12.3, False)
    assert scored_value(cost, None, Shown.parse("93.83")) == (None, False)


def test_shown_numbers() -> None:
    assert Shown.parse("8.55") == Shown(8.55, 2)
    assert Shown.parse("9") == Shown(9.0, 0)
    assert Shown.parse(" ") is None
    assert Shown(1.5, 1).half_unit == pytest.approx(0.05)
    with pytest.raises(InvalidDoingBusinessData):
        Shown.parse("n/a")


def test_bad_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidDoingBusinessData, match="无法读取"):
        read_databank(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    with pytest.raises(InvalidDoingBusinessData, match="没有数据行"):
        read_databank(empty)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InvalidDoingBusinessData, match="缺少列"):
        read_databank(wrong)
    with pytest.raises(InvalidDoingBusinessData, match="2006–2020"):
        reproduce([], 2021)


def test_cli_check_fails_on_a_disagreement(tmp_path: Path) -> None:
    wrong = _values(("5", "5"), ("10", "10"), ("0.0", "0.0"), "0.0", {TOPIC: "50.0"})
    path = _write(tmp_path / "wrong.csv", {("Nowhere", "NOW", ""): wrong})
    result = runner.invoke(app, ["doing-business", "--csv", str(path), "--year", "2016", "--check"])
    assert result.exit_code == 1
    assert "✗" in result.output
    missing = runner.invoke(app, ["doing-business", "--csv", str(tmp_path / "none.csv"), "--year", "2016"])
    assert missing.exit_code == 1
