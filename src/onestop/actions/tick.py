"""The tick: sweep every running clock and record warnings, overdue marks and timeout actions.

Only cases whose `next_alarm_at` has passed are read (an index range scan), so a sweep over a million open
cases costs what the few that change cost. Batches are claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so
several tick workers can share one database and never process the same case twice; on SQLite the write
lock (BEGIN IMMEDIATE) serialises them. Each batch is one transaction: the cases are read, swept by the pure
engine, and written back with their events in a statement or two (`cases_repo.save_changes`), each row only
if it is still at the version that was read.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from onestop.actions.runtime import Runtime
from onestop.cases import engine
from onestop.cases.case import Case
from onestop.cases.events import Event
from onestop.db import cases_repo as repo
from onestop.db.engine import write


@dataclass
class TickReport:
    now: datetime
    cases: int = 0
    batches: int = 0
    actions: Counter[str] = field(default_factory=Counter)

    @property
    def events(self) -> int:
        return sum(self.actions.values())


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pauses Python's cycle collector for one batch.

    A batch keeps thousands of cases, clocks and events alive at once, so the collector kept promoting them
    and re-scanning the whole heap: a third of the sweep's Python time (bench/tick.py). What a batch allocates
    is acyclic and is freed by reference counting when it ends; a batch is bounded by ``batch_size``.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def tick(rt: Runtime, *, now: datetime | None = None, batch_size: int = 1000) -> TickReport:
    now = now or rt.now()
    wt = rt.working_time()
    report = TickReport(now=now)
    seen: set[int] = set()
    sweep = engine.sweep
    while True:
        events: list[Event] = []
        with _cycle_collector_paused(), write(rt.engine) as conn:
            due = repo.load_due(conn, now, batch_size)
            changes: list[tuple[Case, Case, list[Event]]] = []
            for case in due:
                case_id = case.id
                assert case_id is not None  # read from a row
                if case_id in seen:
                    continue
                seen.add(case_id)
                new, case_events = sweep(case, now, wt)
                # Even with nothing to record, rewrite the row: its next_alarm_at is recomputed, so a stale
                # alarm time (from an older calendar) cannot make the sweep pick the case up forever.
                changes.append((case, new, case_events))
                events.extend(case_events)
            repo.save_changes(conn, changes, wt)
        report.batches += 1
        report.cases += len(changes)
        report.actions.update(e.action for e in events)
        rt.committed(events)
        if len(due) < batch_size or not changes:
            return report
