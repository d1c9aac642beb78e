"""One evaluation: every region's values (computed and entered) and scores for a period, ranked.

For each component of the tree:

* ``computed`` with a registered measure: the measure's value for the region, with the cases it came from;
  no qualifying case leaves it missing (the platform is the source; nobody types over it);
* ``computed`` whose measure is not registered yet (its module is not built): the approved entered value,
  noted as such, else missing;
* ``entered``: the approved entered value, else missing (drafts and values awaiting review do not count).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Connection

from onestop.actions.evaluation_reads.computed import MeasureContext, Measurement, get_measure
from onestop.actions.evaluation_reads.store import approved_entries
from onestop.evaluation.compare import Ranked, rank
from onestop.evaluation.periods import Period
from onestop.evaluation.regions import Region
from onestop.evaluation.scoring import Scorecard, Value, score_tree
from onestop.evaluation.tree import IndicatorTree, Source, load_tree
from onestop.worktime import WorkingTime

NO_CASES = "本期无符合条件的办件"
NOT_ENTERED = "未填报或未经审核"


@dataclass(frozen=True)
class RegionResult:
    region: Region
    card: Scorecard
    measurements: Mapping[str, Measurement]  # component key → what its measure returned


@dataclass(frozen=True)
class Evaluation:
    period: Period
    tree: IndicatorTree
    results: tuple[RegionResult, ...]
    ranking: tuple[Ranked, ...]
    unavailable: tuple[str, ...]  # measures named by the tree that no module has registered yet

    def result(self, region_id: int) -> RegionResult:
        for item in self.results:
            if item.region.id == region_id:
                return item
        raise KeyError(region_id)

    @property
    def cards(self) -> list[Scorecard]:
        return [r.card for r in self.results]


def evaluate(
    conn: Connection,
    *,
    period: Period,
    regions: Sequence[Region],
    wt: WorkingTime,
    tree: IndicatorTree | None = None,
    tree_path: Path | None = None,
    with_cases: bool = False,
    bottom: int = 1,
) -> Evaluation:
    tree = tree or load_tree(period.year, tree_path)
    ctx = MeasureContext(conn, period, regions, wt, with_cases=with_cases)
    by_measure: dict[str, dict[int, Measurement]] = {}
    unavailable: list[str] = []
    for component in tree.components():
        code = component.measure
        if component.source is not Source.COMPUTED or code is None or code in by_measure or code in unavailable:
            continue
        found = get_measure(code)
        if found is None:
            unavailable.append(code)
        else:
            by_measure[code] = found(ctx)
    entries = approved_entries(conn, period.code, [r.id for r in regions])
    results = []
    for region in regions:
        values: dict[str, Value] = {}
        measurements: dict[str, Measurement] = {}
        entered = entries.get(region.id, {})
        for component in tree.components():
            key = component.key
            entry = entered.get(key)
            code = component.measure
            if component.source is Source.COMPUTED and code in by_measure:
                m = by_measure[code][region.id]
                measurements[key] = m
                values[key] = (
                    Value(m.value, "computed", cases=m.cases, case_count=m.denominator)
                    if m.value is not None
                    else Value(None, "missing", case_count=0, note=NO_CASES)
                )
            elif entry is not None:
                note = f"计算方法 {code} 尚未接入，采用审核通过的填报值" if component.source is Source.COMPUTED else ""
                values[key] = Value(entry.value, "entered", note=note)
            else:
                note = (
                    f"计算方法 {code} 尚未接入；{NOT_ENTERED}" if component.source is Source.COMPUTED else NOT_ENTERED
                )
                values[key] = Value.missing(note)
        card = score_tree(
            tree, values, subject=region.name, period=period.code, extra={"region_id": region.id, "code": region.code}
        )
        results.append(RegionResult(region, card, measurements))
    ranking = rank(((r.card.subject, r.card.overall) for r in results), bottom=bottom)
    return Evaluation(period, tree, tuple(results), tuple(ranking), tuple(unavailable))
