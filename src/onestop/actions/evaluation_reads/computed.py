"""The registry of computed indicators: measures that read the platform's cases and events.

A measure takes a ``MeasureContext`` — a database connection, the period, the regions to measure, the
working-time calendar, whether to return case numbers — and returns, for each region, a ``Measurement``:
the value, the counts it was computed from and, when asked, the numbers of the cases it came from. One call
measures every region at once (one grouped query, not one per region), so a prefecture's hundred counties
cost about as much as one.

Modules register their measures on import (``@measure(...)``); an indicator-tree component with
``source: computed`` names one by code. A component whose measure is not registered yet (its module is not
built) falls back to an approved entered value (see ``evaluate``).

    @measure("window.online_rate", "网上可办率", "%", kinds=("window_application",))
    def online_rate(ctx: MeasureContext) -> dict[int, Measurement]: ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from onestop.evaluation.periods import Period
from onestop.evaluation.regions import Region
from onestop.worktime import WorkingTime


@dataclass(frozen=True)
class Measurement:
    """One region's measured value; ``value`` is None when no case qualified (a rate of nothing)."""

    value: float | None
    numerator: float  # what was counted or summed (cases on time, working days …)
    denominator: int  # the cases it was computed over
    cases: tuple[str, ...] = ()  # numbers of the cases counted, when the context asked for them
    hits: tuple[str, ...] = ()  # numbers of the cases in the numerator (for rates), when asked

    @classmethod
    def rate(cls, hits: float, total: int, *, cases: Sequence[str] = (), hit_cases: Sequence[str] = ()) -> Measurement:
        """A percentage: 100 × hits / total (None for no cases)."""
        value = None if total == 0 else 100.0 * hits / total
        return cls(value, hits, total, tuple(cases), tuple(hit_cases))

    @classmethod
    def mean(cls, total: float, count: int, *, cases: Sequence[str] = ()) -> Measurement:
        return cls(None if count == 0 else total / count, total, count, tuple(cases))


@dataclass
class MeasureContext:
    conn: Connection
    period: Period
    regions: Sequence[Region]
    wt: WorkingTime
    with_cases: bool = False
    _memo: dict[object, Any] = field(default_factory=dict, repr=False)

    @property
    def unit_ids(self) -> frozenset[int]:
        return frozenset().union(*(r.unit_ids for r in self.regions)) if self.regions else frozenset()

    def regions_of_unit(self) -> Mapping[int, tuple[int, ...]]:
        """unit id → the ids of the measured regions it lies in (usually one)."""

        def build() -> dict[int, tuple[int, ...]]:
            found: dict[int, list[int]] = {}
            for region in self.regions:
                for unit_id in region.unit_ids:
                    found.setdefault(unit_id, []).append(region.id)
            return {unit_id: tuple(ids) for unit_id, ids in found.items()}

        result: Mapping[int, tuple[int, ...]] = self.memo(("regions_of_unit",), build)
        return result

    def memo(self, key: object, build: Callable[[], Any]) -> Any:
        """A value shared by the measures of one evaluation (one query feeding several measures)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]


MeasureFunction = Callable[[MeasureContext], Mapping[int, Measurement]]


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    unit: str
    compute: MeasureFunction
    kinds: tuple[str, ...] = ()  # the case kinds it reads
    description: str = ""
    # For measures whose kinds are configured (``sources``): read when asked, so a reconfiguration counts.
    kinds_of: Callable[[], tuple[str, ...]] | None = None
    source: str = ""  # where the value comes from, in words (statistic, kinds, filters)

    def source_kinds(self) -> tuple[str, ...]:
        return self.kinds_of() if self.kinds_of is not None else self.kinds

    def available(self) -> bool:
        """Every kind it reads is registered: the module that produces its cases is installed."""
        from onestop.cases.kinds import all_kinds

        registered = {k.code for k in all_kinds()}
        return all(kind in registered for kind in self.source_kinds())

    def __call__(self, ctx: MeasureContext) -> dict[int, Measurement]:
        """Every region of the context gets a measurement (an empty one where no case qualified)."""
        found = self.compute(ctx)
        empty = Measurement(None, 0, 0)
        return {region.id: found.get(region.id, empty) for region in ctx.regions}


_REGISTRY: dict[str, Measure] = {}


def register_measure(item: Measure) -> Measure:
    existing = _REGISTRY.get(item.code)
    if existing is not None and existing.compute is not item.compute:
        raise ValueError(f"measure {item.code!r} is already registered")
    _REGISTRY[item.code] = item
    return item


def measure(
    code: str, label: str, unit: str, *, kinds: Iterable[str] = (), description: str = ""
) -> Callable[[MeasureFunction], Measure]:
    """Decorator: registers the function as the measure ``code``."""

    def wrap(function: MeasureFunction) -> Measure:
        return register_measure(
            Measure(code, label, unit, function, tuple(kinds), description or (function.__doc__ or ""))
        )

    return wrap


def _load_builtin() -> None:
    # The measures shipped with the platform register on import; modules add theirs the same way. The kind
    # registry is loaded too: a measure is available only while the kinds it reads are registered.
    import onestop.actions.evaluation_reads.generic_measures
    import onestop.actions.evaluation_reads.platform_measures
    import onestop.kinds  # noqa: F401


def get_measure(code: str) -> Measure | None:
    """The measure, if registered and available (its source kinds registered); None otherwise."""
    _load_builtin()
    found = _REGISTRY.get(code)
    return found if found is not None and found.available() else None


def measures(*, include_unavailable: bool = False) -> list[Measure]:
    _load_builtin()
    found = [_REGISTRY[code] for code in sorted(_REGISTRY)]
    return found if include_unavailable else [m for m in found if m.available()]


def measure_one(
    conn: Connection, code: str, period: Period, region: Region, wt: WorkingTime, *, with_cases: bool = True
) -> Measurement:
    """One measure for one region, with the case numbers: what a drill-down page shows."""
    found = get_measure(code)
    if found is None:
        raise KeyError(f"no measure {code!r} is registered")
    return found(MeasureContext(conn, period, [region], wt, with_cases=with_cases))[region.id]
