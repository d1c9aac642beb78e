"""Reproducing the World Bank's Doing Business "Starting a Business" scores: proof of the scoring method.

The databank export (``DBJoint_starting_a_business_all_economies.csv``: one row per economy or city and
indicator, one column per report year DB2006–DB2020) holds each indicator's value and its published score.
The method, worked out from the data and checked on every economy of every year:

* seven components, each scored by distance to frontier (``scoring.frontier_score``), lower is better:
  procedures for men and for women (frontier 1, worst 18), time for men and for women (0.5–100 days), cost
  for men and for women (0–200 % of income per capita), paid-in minimum capital (0–400 %);
* the topic score is the average of four: procedures, time and cost (each the average of the men's and the
  women's score) and minimum capital; i.e. a weighted average with weights 1/8 × 6 and 1/4
  (``data/doing_business.json`` is that tree, scored by the same code as our own indicators);
* an economy measured in two cities (11 economies since DB2014: Bangladesh, Brazil, China, India, Indonesia,
  Japan, Mexico, Nigeria, Pakistan, Russia, United States) scores the population-weighted average of its
  cities' scores. The weights are not in the export; they are read back from the values (the national value
  of an indicator is the same weighted average of the city values), e.g. Beijing 0.45 / Shanghai 0.55.

Rounding, checked: the published topic score is rounded to one decimal; component scores carry five. The
export shows cost and minimum capital rounded to 0.1 %, which moves a topic score by up to 0.0125: computed
from the shown values, 9 of the 213 DB2020 scores differ from the published ones by 0.050–0.054. The
published component score fixes the unrounded value (value = worst − score × (worst − frontier) / 100); where
the shown value does not reproduce its published score, the value implied by the score is used, but only
when it rounds to the shown value (``recovered``). Procedure and time values are exact and reproduce their
scores to all five decimals.

Where the years differ (``onestop evaluation doing-business --year`` 2006–2020, all checked in
tests/evaluation): the databank recalculates every year with the DB2020 bounds, so the same method
reproduces every published score within 0.05, except

* DB2014–DB2018 Brazil: São Paulo's time (104.5–107.5 days) is beyond the worst value, so its score is
  clipped to 0 before the cities are averaged; scored from the national average value instead, Brazil would
  get 62.6 instead of the published 63.7 (DB2014). Averaging city scores, as the method says, reproduces it;
* DB2006–DB2013 measured one city per economy; the export files those rows under the city
  (e.g. China / Shanghai) and leaves the national row empty;
* DB2019 Mongolia computes to 86.64999… against a published 86.7: a rounding boundary (0.05000…).
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from onestop.evaluation.errors import InvalidDoingBusinessData
from onestop.evaluation.scoring import MAX_SCORE, Scorecard, Value, frontier_score, score_tree
from onestop.evaluation.tree import Component, IndicatorTree, read_packaged, tree_for_year

TOPIC = "IC.REG.STRT.BUS.DFRN"
# component code -> (value column, published score column), as the databank names them (DRFN sic).
COLUMNS: Mapping[str, tuple[str, str]] = {
    "procedures_men": ("IC.REG.PROC.MA.NO", "IC.REG.PROC.MA.NO.DFRN"),
    "procedures_women": ("IC.REG.PROC.FE.NO", "IC.REG.PROC.FE.NO.DFRN"),
    "time_men": ("IC.REG.DURS.MA.DY", "IC.REG.DURS.MA.DY.DFRN"),
    "time_women": ("IC.REG.DURS.FE.DY", "IC.REG.DURS.FE.DY.DRFN"),
    "cost_men": ("IC.REG.COST.PC.MA.ZS", "IC.REG.COST.PC.MA.ZS.DFRN"),
    "cost_women": ("IC.REG.COST.PC.FE.ZS", "IC.REG.COST.PC.FE.ZS.DRFN"),
    "min_capital": ("IC.REG.MIN.CAP", "IC.REG.DFRN.PC.DFRN"),
}
FIRST_YEAR, LAST_YEAR = 2006, 2020
TOLERANCE = 0.05
SCORE_DECIMALS = 5  # component scores are published with five decimals
# Order in which city weights are read back: exact values first (procedure counts, days), rounded ones last.
_WEIGHT_FROM = ("procedures_men", "procedures_women", "time_men", "time_women", "cost_men", "cost_women", "min_capital")


def method_tree(year: int) -> IndicatorTree:
    """The Starting a Business method as an indicator tree (one indicator, seven weighted components)."""
    return tree_for_year(read_packaged("doing_business.json"), year)


@dataclass(frozen=True)
class Shown:
    """A number as the export shows it: its value and how many decimals it was written with."""

    value: float
    decimals: int

    @classmethod
    def parse(cls, text: str) -> Shown | None:
        text = text.strip()
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise InvalidDoingBusinessData(f"不是数值：{text!r}", field="csv") from None
        if not math.isfinite(value):
            raise InvalidDoingBusinessData(f"不是有限数值：{text!r}", field="csv")
        _, _, fraction = text.partition(".")
        return cls(value, len(fraction.rstrip()) if "e" not in text.lower() else SCORE_DECIMALS)

    @property
    def half_unit(self) -> float:
        """Half a unit of the last shown decimal: how far the true value may lie from the shown one."""
        return 0.5 * 10.0**-self.decimals


@dataclass(frozen=True)
class Entity:
    """An economy, or one of its measured cities (``city`` set)."""

    economy: str
    code: str
    city: str | None
    # indicator code -> year -> shown number
    series: Mapping[str, Mapping[int, Shown]]

    @property
    def label(self) -> str:
        return self.economy if self.city is None else f"{self.economy} — {self.city}"

    def shown(self, indicator: str, year: int) -> Shown | None:
        return self.series.get(indicator, {}).get(year)


def read_databank(path: Path) -> list[Entity]:
    """Every economy and city in a databank export, in file order."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InvalidDoingBusinessData(f"无法读取 {path}：{exc.strerror}", field="csv") from None
    with handle:
        return parse_databank(csv.DictReader(handle))


def parse_databank(rows: Iterable[Mapping[str, str]]) -> list[Entity]:
    series: dict[tuple[str, str, str], dict[str, dict[int, Shown]]] = {}
    required = {"Country Name", "Country Code", "Urban Area Name", "Indicator Code"}
    for line, row in enumerate(rows, start=2):
        missing = required - set(row)
        if missing:
            raise InvalidDoingBusinessData(f"缺少列：{', '.join(sorted(missing))}", field="csv")
        key = (row["Country Name"].strip(), row["Country Code"].strip(), (row["Urban Area Name"] or "").strip())
        values: dict[int, Shown] = {}
        for column, text in row.items():
            if column is not None and column.isdigit() and text is not None:
                try:
                    shown = Shown.parse(text)
                except InvalidDoingBusinessData as exc:
                    raise InvalidDoingBusinessData(f"第 {line} 行 {column} 列{exc.message}", field="csv") from None
                if shown is not None:
                    values[int(column)] = shown
        series.setdefault(key, {})[row["Indicator Code"].strip()] = values
    if not series:
        raise InvalidDoingBusinessData("文件中没有数据行", field="csv")
    return [Entity(name, code, city or None, data) for (name, code, city), data in series.items()]


@dataclass(frozen=True)
class ComponentResult:
    key: str
    name: str
    shown: float | None  # the value as exported
    value: float | None  # the value scored (the shown one, or the unrounded one its published score implies)
    recovered: bool
    computed: float | None
    published: float | None


@dataclass(frozen=True)
class EconomyResult:
    economy: str
    code: str
    city: str | None
    year: int
    components: tuple[ComponentResult, ...]
    computed: float | None
    published: float | None
    method: str  # "direct" (the entity's own values) or "cities" (weighted average of its cities' scores)
    weights: Mapping[str, float] = field(default_factory=dict)

    @property
    def difference(self) -> float | None:
        if self.computed is None or self.published is None:
            return None
        return self.computed - self.published

    @property
    def agrees(self) -> bool:
        difference = self.difference
        return difference is not None and abs(difference) <= TOLERANCE + 1e-9

    def to_json(self) -> dict[str, object]:
        return {
            "economy": self.economy,
            "code": self.code,
            "city": self.city,
            "year": self.year,
            "components": {
                c.key: {
                    "name": c.name,
                    "shown": c.shown,
                    "value": _round(c.value, 6),
                    "recovered": c.recovered,
                    "computed": _round(c.computed, 5),
                    "published": c.published,
                }
                for c in self.components
            },
            "computed": _round(self.computed, 5),
            "published": self.published,
            "difference": _round(self.difference, 5),
            "method": self.method,
            "weights": dict(self.weights),
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def scored_value(component: Component, shown: Shown | None, published: Shown | None) -> tuple[float | None, bool]:
    """The value to score: the shown one, unless it is rounded and its published score pins it closer.

    Returns (value, recovered). The implied value is used only where the shown value does not reproduce the
    published score to its five decimals and the implied one rounds to the shown one.
    """
    if shown is None:
        return None, False
    if published is None or not 0.0 < published.value < MAX_SCORE:
        return shown.value, False  # clipped scores pin nothing
    span = component.worst - component.frontier
    score_slack = published.half_unit + 1e-9
    if abs(frontier_score(shown.value, component.frontier, component.worst) - published.value) <= score_slack:
        return shown.value, False
    implied = component.worst - published.value * span / MAX_SCORE
    value_slack = shown.half_unit + score_slack * abs(span) / MAX_SCORE
    if abs(implied - shown.value) <= value_slack:
        return implied, True
    return shown.value, False


def _direct(
    entity: Entity, year: int, tree: IndicatorTree, recover: bool
) -> tuple[Scorecard, list[ComponentResult]] | None:
    values: dict[str, Value] = {}
    results = []
    for component in tree.components():
        value_column, score_column = COLUMNS[component.code]
        shown = entity.shown(value_column, year)
        published = entity.shown(score_column, year)
        if recover:
            value, recovered = scored_value(component, shown, published)
        else:
            value, recovered = (None if shown is None else shown.value), False
        values[component.key] = Value(value, "entered") if value is not None else Value.missing()
        results.append(
            ComponentResult(
                component.key,
                component.name,
                None if shown is None else shown.value,
                value,
                recovered,
                None,
                None if published is None else published.value,
            )
        )
    if all(v.value is None for v in values.values()):
        return None
    card = score_tree(tree, values, subject=entity.label, period=f"DB{year}")
    scored = [
        ComponentResult(r.key, r.name, r.shown, r.value, r.recovered, card.component(r.key).score, r.published)
        for r in results
    ]
    return card, scored


def city_weights(national: Entity, cities: Sequence[Entity], year: int) -> dict[str, float] | None:
    """Population weights of two cities, read back from the values: national = w·a + (1 − w)·b."""
    if len(cities) != 2:
        return None
    a, b = cities
    for code in _WEIGHT_FROM:
        column = COLUMNS[code][0]
        va, vb, vn = a.shown(column, year), b.shown(column, year), national.shown(column, year)
        if va is None or vb is None or vn is None or va.value == vb.value:
            continue
        w = round((vn.value - vb.value) / (va.value - vb.value), 2)
        if 0.0 <= w <= 1.0:
            return {a.city or a.label: w, b.city or b.label: round(1.0 - w, 2)}
    return {a.city or a.label: 0.5, b.city or b.label: 0.5}  # identical cities: any weights give the same score


def reproduce(entities: Sequence[Entity], year: int, *, recover: bool = True) -> list[EconomyResult]:
    """Computed beside published scores for every economy and city with a published score in ``year``.

    ``recover=False`` scores the values exactly as shown (cost and capital rounded to 0.1 %).
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidDoingBusinessData(f"营商环境报告年度须在 {FIRST_YEAR}–{LAST_YEAR} 之间：{year}", field="year")
    tree = method_tree(year)
    cities: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities:
        if entity.city is not None and entity.shown(TOPIC, year) is not None:
            cities[entity.code].append(entity)
    results = []
    for entity in entities:
        published = entity.shown(TOPIC, year)
        if published is None:
            continue
        direct = _direct(entity, year, tree, recover)
        if direct is None:
            continue
        card, components = direct
        computed, method, weights = card.overall, "direct", {}
        measured = cities.get(entity.code, []) if entity.city is None else []
        found = city_weights(entity, measured, year) if measured else None
        if found is not None:
            by_city = {c.city or c.label: _direct(c, year, tree, recover) for c in measured}
            if all(v is not None for v in by_city.values()):
                computed = _weighted(by_city, found)
                components = [
                    ComponentResult(
                        c.key,
                        c.name,
                        c.shown,
                        c.value,
                        c.recovered,
                        _weighted_component(by_city, found, c.key),
                        c.published,
                    )
                    for c in components
                ]
                method, weights = "cities", found
        results.append(
            EconomyResult(
                entity.economy,
                entity.code,
                entity.city,
                year,
                tuple(components),
                computed,
                published.value,
                method,
                weights,
            )
        )
    return results


def _weighted(
    by_city: Mapping[str, tuple[Scorecard, list[ComponentResult]] | None], weights: Mapping[str, float]
) -> float | None:
    total = 0.0
    for city, weight in weights.items():
        scored = by_city[city]
        if scored is None or scored[0].overall is None:
            return None
        total += weight * scored[0].overall
    return total


def _weighted_component(
    by_city: Mapping[str, tuple[Scorecard, list[ComponentResult]] | None], weights: Mapping[str, float], key: str
) -> float | None:
    total = 0.0
    for city, weight in weights.items():
        scored = by_city[city]
        score = None if scored is None else scored[0].component(key).score
        if score is None:
            return None
        total += weight * score
    return total


def disagreements(results: Iterable[EconomyResult]) -> list[EconomyResult]:
    """The results whose computed score is missing or differs from the published one by more than 0.05."""
    return [r for r in results if not r.agrees]
