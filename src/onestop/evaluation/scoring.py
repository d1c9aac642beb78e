"""Scoring by distance to frontier (前沿距离), as the World Bank's Doing Business did.

* component score = (worst − value) / (worst − frontier) × 100, clipped to 0–100. The same formula serves
  both directions: for a higher-is-better component the worst value lies below the frontier, so the
  fraction is (value − worst) / (frontier − worst), the mirror image.
* indicator score = the weighted average of its component scores (equal weights: the plain average);
* overall score = the weighted average of the indicator scores (equal weights: the plain average).

A component without a value is left out and the weights of the others are renormalised; ``coverage`` says
how many took part, so a partial score is never mistaken for a complete one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from onestop.evaluation.tree import Component, Indicator, IndicatorTree

MAX_SCORE = 100.0


def frontier_score(value: float, frontier: float, worst: float) -> float:
    """Distance-to-frontier score of one value, 0 (at or beyond worst) to 100 (at or beyond frontier)."""
    if frontier == worst:
        raise ValueError("frontier and worst must differ")
    if not math.isfinite(value):
        raise ValueError(f"value must be finite: {value!r}")
    score = (worst - value) / (worst - frontier) * MAX_SCORE
    return min(MAX_SCORE, max(0.0, score))


def weighted_average(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Σ wᵢ·sᵢ / Σ wᵢ over (score, weight) pairs; None when there are none."""
    total = weight_sum = 0.0
    for score, weight in pairs:
        total += score * weight
        weight_sum += weight
    return None if weight_sum == 0 else total / weight_sum


@dataclass(frozen=True)
class Value:
    """One component's measured value and where it came from."""

    value: float | None
    source: str  # "computed", "entered" or "missing"
    cases: tuple[str, ...] = ()  # case numbers a computed value came from (when they were asked for)
    case_count: int | None = None  # how many cases it came from (always known for computed values)
    note: str = ""

    @classmethod
    def missing(cls, note: str = "") -> Value:
        return cls(None, "missing", note=note)


@dataclass(frozen=True)
class ComponentScore:
    component: Component
    value: Value
    score: float | None


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    score: float | None
    components: tuple[ComponentScore, ...]

    @property
    def coverage(self) -> tuple[int, int]:
        """(components scored, components in the indicator)."""
        return sum(c.score is not None for c in self.components), len(self.components)

    @property
    def complete(self) -> bool:
        scored, total = self.coverage
        return scored == total


@dataclass(frozen=True)
class Scorecard:
    """Every score of one subject (a region, an economy) for one period."""

    subject: str
    period: str
    indicators: tuple[IndicatorScore, ...]
    overall: float | None
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def coverage(self) -> tuple[int, int]:
        """(indicators scored, indicators in the tree)."""
        return sum(i.score is not None for i in self.indicators), len(self.indicators)

    def indicator(self, code: str) -> IndicatorScore:
        for item in self.indicators:
            if item.indicator.code == code:
                return item
        raise KeyError(code)

    def component(self, key: str) -> ComponentScore:
        code, _, component_code = key.partition(".")
        for item in self.indicator(code).components:
            if item.component.code == component_code:
                return item
        raise KeyError(key)


def score_component(component: Component, value: Value) -> ComponentScore:
    if value.value is None:
        return ComponentScore(component, value, None)
    return ComponentScore(component, value, frontier_score(value.value, component.frontier, component.worst))


def score_indicator(indicator: Indicator, values: Mapping[str, Value]) -> IndicatorScore:
    components = tuple(score_component(c, values.get(c.key) or Value.missing()) for c in indicator.components)
    score = weighted_average((c.score, c.component.weight) for c in components if c.score is not None)
    return IndicatorScore(indicator, score, components)


def score_tree(
    tree: IndicatorTree,
    values: Mapping[str, Value],
    *,
    subject: str,
    period: str,
    extra: Mapping[str, object] | None = None,
) -> Scorecard:
    """Scores every component, indicator and the whole; ``values`` is keyed by component key."""
    unknown = sorted(set(values) - {c.key for c in tree.components()})
    if unknown:
        raise KeyError(f"values for components not in the tree: {', '.join(unknown)}")
    indicators = tuple(score_indicator(indicator, values) for indicator in tree)
    overall = weighted_average((i.score, i.indicator.weight) for i in indicators if i.score is not None)
    return Scorecard(subject, period, indicators, overall, dict(extra or {}))
