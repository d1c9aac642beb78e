"""Comparisons: regions or periods side by side, rankings with the bottom flagged (末位).

Ranks are by the score as shown (rounded to ``decimals``), so two regions shown with the same score share a
rank, and the next rank skips (1, 2, 2, 4: competition ranking). A subject without a score is listed last,
unranked. The bottom ``bottom`` places are flagged (ties included) once at least ``bottom + 1`` subjects are
ranked: a single region is not its own bottom.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from onestop.evaluation.scoring import Scorecard


@dataclass(frozen=True)
class Ranked:
    subject: str
    score: float | None
    rank: int | None
    bottom: bool


def rank(scores: Iterable[tuple[str, float | None]], *, bottom: int = 1, decimals: int = 2) -> list[Ranked]:
    items = list(scores)
    scored = sorted(
        ((subject, score) for subject, score in items if score is not None),
        key=lambda item: -round(item[1], decimals),
    )
    ranked: list[Ranked] = []
    previous: float | None = None
    current_rank = 0
    for position, (subject, score) in enumerate(scored, start=1):
        shown = round(score, decimals)
        if previous is None or shown != previous:
            current_rank = position
        previous = shown
        ranked.append(Ranked(subject, score, current_rank, False))
    if bottom > 0 and len(ranked) > bottom:
        cutoff = ranked[len(ranked) - bottom].rank
        assert cutoff is not None
        ranked = [Ranked(r.subject, r.score, r.rank, r.rank is not None and r.rank >= cutoff) for r in ranked]
    unscored = [Ranked(subject, None, None, False) for subject, score in items if score is None]
    return ranked + unscored


@dataclass(frozen=True)
class Row:
    key: str  # "overall", an indicator code, or a component key
    label: str
    level: int  # 0 overall, 1 indicator, 2 component
    cells: tuple[float | None, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)


def side_by_side(
    cards: Sequence[Scorecard],
    *,
    column: Callable[[Scorecard], str] = lambda card: card.subject,
    components: bool = False,
) -> Table:
    """Scores of several scorecards in columns: regions of one period, or periods of one region.

    The scorecards must come from the same tree (the first one's rows are used).
    """
    if not cards:
        return Table((), ())
    first = cards[0]
    rows = [Row("overall", "综合得分", 0, tuple(c.overall for c in cards))]
    for item in first.indicators:
        code = item.indicator.code
        rows.append(Row(code, item.indicator.name, 1, tuple(_indicator_score(c, code) for c in cards)))
        if components:
            for component in item.components:
                key = component.component.key
                rows.append(Row(key, component.component.name, 2, tuple(_component_score(c, key) for c in cards)))
    return Table(tuple(column(c) for c in cards), tuple(rows))


def changes(table: Table) -> Table:
    """Column-to-column changes (each column minus the one before it): periods side by side → growth."""
    columns = tuple(f"{a}→{b}" for a, b in zip(table.columns, table.columns[1:], strict=False))
    rows = []
    for row in table.rows:
        cells = tuple(None if a is None or b is None else b - a for a, b in zip(row.cells, row.cells[1:], strict=False))
        rows.append(Row(row.key, row.label, row.level, cells))
    return Table(columns, tuple(rows))


def _indicator_score(card: Scorecard, code: str) -> float | None:
    try:
        return card.indicator(code).score
    except KeyError:
        return None


def _component_score(card: Scorecard, key: str) -> float | None:
    try:
        return card.component(key).score
    except KeyError:
        return None
