"""Statistics of the hotline (per unit or per category, over a period): a read model over the events.

Each request's events are replayed in order; the unit an event counts for is the lead unit of the dispatch
in force when it happened (a request returned by one unit and handled by another counts a return for the
first and a reply for the second). Counted within the period:

* received — requests registered (per category) or dispatched to the unit (per unit);
* replied, on time — replies, and those given while the clock was not overdue (按期办结率 = on time / replied);
* closed — closed after a return visit or review, answered directly, or refused (办结率 = closed / received);
* visited, satisfied (满意 + 基本满意), solved (回访率 = visited / approved replies, 满意率 = satisfied /
  visited, 解决率 = solved / visited);
* returns, extensions (approved), duplicates (merged into another request), direct answers, supervision
  flags, overdue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, overload

COUNTS = (
    "received",
    "replied",
    "on_time",
    "approved",
    "closed",
    "visited",
    "satisfied",
    "solved",
    "returns",
    "extensions",
    "duplicates",
    "direct",
    "supervision",
    "overdue",
)
RATES = ("on_time_rate", "reply_rate", "close_rate", "visit_rate", "satisfaction_rate", "solve_rate")
CLOSING = frozenset({"visit_close", "conclude", "direct_answer", "reject"})
VISITS = frozenset({"visit_close", "visit_reopen", "visit_review"})


# Actions each event of which adds one to one count; ``reply`` and the visits count on conditions (``_count``).
TALLIES = {
    "approve_reply": "approved",
    "share_reply": "approved",
    "return": "returns",
    "approve_extension": "extensions",
    "merge": "duplicates",
    "flag_supervision": "supervision",
    "clock_overdue": "overdue",
    "direct_answer": "direct",
}


class _Rate:
    """A rate read off two of the row's counts, as the reports print it (``None`` where the base is 0)."""

    def __init__(self, part: str, base: str) -> None:
        self.part, self.base = part, base

    @overload
    def __get__(self, row: None, owner: type[Any]) -> _Rate: ...
    @overload
    def __get__(self, row: StatsRow, owner: type[Any]) -> float | None: ...
    def __get__(self, row: StatsRow | None, owner: type[Any]) -> float | _Rate | None:
        if row is None:
            return self
        part: int = getattr(row, self.part)
        base: int = getattr(row, self.base)
        return round(part / base, 4) if base else None


@dataclass(frozen=True)
class EventFact:
    action: str
    at: datetime
    data: Mapping[str, Any]


@dataclass(frozen=True)
class RequestFacts:
    number: str
    category: str
    events: Sequence[EventFact]


@dataclass
class StatsRow:
    key: str  # unit id (as text) or category code
    label: str
    received: int = 0
    replied: int = 0
    on_time: int = 0
    approved: int = 0
    closed: int = 0
    visited: int = 0
    satisfied: int = 0
    solved: int = 0
    returns: int = 0
    extensions: int = 0
    duplicates: int = 0
    direct: int = 0
    supervision: int = 0
    overdue: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    on_time_rate = _Rate("on_time", "replied")
    reply_rate = _Rate("replied", "received")
    close_rate = _Rate("closed", "received")
    visit_rate = _Rate("visited", "approved")
    satisfaction_rate = _Rate("satisfied", "visited")
    solve_rate = _Rate("solved", "visited")

    def add(self, other: StatsRow) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in ("key", "label", *COUNTS)}
        for rate in RATES:
            out[rate] = getattr(self, rate)
        return out


def aggregate(
    requests: Iterable[RequestFacts],
    *,
    start: datetime,
    end: datetime,
    by: str,
    labels: Mapping[str, str],
) -> tuple[list[StatsRow], StatsRow]:
    """Rows (per unit or per category, ordered by label) and the total, for events in [start, end)."""
    if by not in ("unit", "category"):
        raise ValueError(by)
    rows: dict[str, StatsRow] = {}
    total = StatsRow("total", "合计")

    def row(key: str | None) -> StatsRow | None:
        if key is None:
            return None
        if key not in rows:
            rows[key] = StatsRow(key, labels.get(key, key))
        return rows[key]

    for req in requests:
        lead: str | None = None
        overdue = False
        for e in req.events:
            if e.action in ("dispatch", "designate"):
                lead = str(e.data.get("lead_unit_id"))
            alarm = e.data.get("alarm")
            moved_to = alarm.get("to") if isinstance(alarm, Mapping) else None
            # Lateness recorded by this very event (a reply past due) counts for it.
            late = overdue or e.action == "clock_overdue" or moved_to == "overdue"
            overdue = late and moved_to not in ("normal", "warning") and e.action != "visit_reopen"
            if not start <= e.at < end:
                continue
            target = row(req.category if by == "category" else lead)
            counted = [r for r in (target, total) if r is not None]
            if by == "unit" and e.action in ("dispatch", "designate"):
                counted = [r for r in (row(lead), total) if r is not None]
            for r in counted:
                _count(r, e, late, by)
    ordered = sorted(rows.values(), key=lambda r: (r.label, r.key))
    return ordered, total


def _count(r: StatsRow, e: EventFact, was_overdue: bool, by: str) -> None:
    action = e.action
    if (action == "open" and (by == "category" or r.key == "total")) or (
        by == "unit" and r.key != "total" and action in ("dispatch", "designate")
    ):
        r.received += 1
    if action == "reply":
        r.replied += 1
        if not was_overdue:
            r.on_time += 1
    tally = TALLIES.get(action)
    if tally is not None:
        setattr(r, tally, getattr(r, tally) + 1)
    if action in CLOSING:
        r.closed += 1
    if action in VISITS:
        r.visited += 1
        if e.data.get("result") in ("satisfied", "basic"):
            r.satisfied += 1
        if e.data.get("solved") is True:
            r.solved += 1
