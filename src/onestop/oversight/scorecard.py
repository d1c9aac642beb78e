"""Unit scorecards (综合考评): each unit's measures for a period, scored 0–100, weighted, ranked; 末位约谈.

Measures (counted by ``onestop.db.oversight_repo`` for the period):

* 按期办结率 on_time = finished on time ÷ finished (service cases that reached a final state in the period;
  late when the clock stopped past its due instant);
* 满意率 satisfaction = ratings at or above ``satisfied_min_level`` ÷ valid ratings given in the period;
* 差评整改率 rectification = 差评 whose rectification case is finished ÷ valid 差评 given in the period;
* 督办 orders = supervision orders raised against the unit in the period (``listed`` of them escalated);
* 退回 returns = return actions (退单/退回) on the unit's cases in the period.

Scores: a rate scores itself (a percentage); ``orders`` scores 100 − order_penalty × orders − listed_penalty ×
listed, ``returns`` 100 − return_penalty × returns, both floored at 0. The total is the weighted mean of the
scores the unit has: a rate with nothing to count (no finished case, no rating) is left out and the other
weights carry it. A unit with no rate at all has nothing to be judged on and is not ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from onestop.oversight.config import MEASURES, ScoreConfig

RATE_MEASURES = ("on_time", "satisfaction", "rectification")


def rate(hits: int, total: int) -> float | None:
    """A percentage, None for a rate of nothing."""
    return None if total == 0 else 100.0 * hits / total


@dataclass(frozen=True)
class UnitMeasures:
    unit_id: int
    unit_name: str
    received: int = 0  # service cases opened in the period
    received_finished: int = 0  # of those, finished by the end of the period
    finished: int = 0  # service cases finished in the period
    finished_late: int = 0
    ratings: int = 0
    satisfied: int = 0
    bad: int = 0  # 差评 (valid) given in the period
    rectified: int = 0  # of those, whose rectification case is finished
    orders: int = 0
    listed: int = 0
    returns: int = 0

    @property
    def finish_rate(self) -> float | None:
        """办结率: of the cases received in the period, the share finished by its end."""
        return rate(self.received_finished, self.received)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.finished - self.finished_late, self.finished)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.ratings)

    @property
    def rectification_rate(self) -> float | None:
        return rate(self.rectified, self.bad)

    def add(self, other: UnitMeasures) -> UnitMeasures:
        """The sum of two units' counts (a region's headline figures)."""
        counts = {
            name: getattr(self, name) + getattr(other, name)
            for name in (
                "received",
                "received_finished",
                "finished",
                "finished_late",
                "ratings",
                "satisfied",
                "bad",
                "rectified",
                "orders",
                "listed",
                "returns",
            )
        }
        return replace(self, **counts)


@dataclass(frozen=True)
class Scorecard:
    measures: UnitMeasures
    scores: Mapping[str, float | None]
    total: float | None  # None: nothing to judge the unit on
    rank: int | None = None
    interview: bool = False
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def unit_id(self) -> int:
        return self.measures.unit_id

    @property
    def unit_name(self) -> str:
        return self.measures.unit_name


def measure_scores(m: UnitMeasures, config: ScoreConfig) -> dict[str, float | None]:
    orders = 100.0 - config.order_penalty * m.orders - config.listed_penalty * m.listed
    returns = 100.0 - config.return_penalty * m.returns
    return {
        "on_time": m.on_time_rate,
        "satisfaction": m.satisfaction_rate,
        "rectification": m.rectification_rate,
        "orders": max(orders, 0.0),
        "returns": max(returns, 0.0),
    }


def score(m: UnitMeasures, config: ScoreConfig) -> Scorecard:
    scores = measure_scores(m, config)
    if all(scores[name] is None for name in RATE_MEASURES):
        return Scorecard(m, scores, None)
    weighted = total_weight = 0.0
    for name in MEASURES:
        value, weight = scores[name], config.weights.get(name, 0.0)
        if value is None or weight == 0:
            continue
        weighted += weight * value
        total_weight += weight
    total = None if total_weight == 0 else round(weighted / total_weight, 2)
    return Scorecard(m, scores, total)


def rank(cards: Iterable[Scorecard], config: ScoreConfig) -> list[Scorecard]:
    """Ranked best first (ties share a rank: 1, 2, 2, 4), unranked units last; 约谈 flags set.

    The bottom ``interview_bottom`` positions are flagged, with every unit tied with the last of them,
    unless all ranked units score the same (then nobody is last); any unit below ``interview_below`` too.
    """
    cards = list(cards)
    ranked = sorted((c for c in cards if c.total is not None), key=lambda c: (-(c.total or 0.0), c.unit_name))
    unranked = sorted((c for c in cards if c.total is None), key=lambda c: c.unit_name)
    out: list[Scorecard] = []
    best = ranked[0].total if ranked else None
    cut = None
    bottom = config.interview_bottom
    if bottom > 0 and len(ranked) > bottom:
        cut = ranked[-bottom].total
    previous_total: float | None = None
    position = 0
    for index, card in enumerate(ranked, start=1):
        if card.total != previous_total:
            position = index
            previous_total = card.total
        reasons: list[str] = []
        assert card.total is not None
        if cut is not None and card.total <= cut and card.total != best:
            reasons.append("排名末位")
        below = config.interview_below
        if below is not None and card.total < below:
            reasons.append(f"综合得分低于{below:g}分")
        out.append(replace(card, rank=position, interview=bool(reasons), reasons=tuple(reasons)))
    return out + unranked


def scorecards(measures: Sequence[UnitMeasures], config: ScoreConfig) -> list[Scorecard]:
    return rank((score(m, config) for m in measures), config)
