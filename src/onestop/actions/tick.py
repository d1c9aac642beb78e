"""The tick: sweep every running clock and record warnings, overdue marks and timeout actions.

Only cases whose `next_alarm_at` has passed are read (an index range scan), so a sweep over a million open
cases costs what the few that change cost. Batches are claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so
several tick workers can share one database and never process the same case twice; on SQLite the write
lock (BEGIN IMMEDIATE) serialises them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from onestop.actions.runtime import Runtime
from onestop.cases import engine
from onestop.cases.events import Event
from onestop.db import cases_repo as repo
from onestop.db.engine import write
from onestop.db.tables import cases


@dataclass
class TickReport:
    now: datetime
    cases: int = 0
    batches: int = 0
    actions: Counter[str] = field(default_factory=Counter)

    @property
    def events(self) -> int:
        return sum(self.actions.values())


def tick(rt: Runtime, *, now: datetime | None = None, batch_size: int = 1000) -> TickReport:
    now = now or rt.now()
    wt = rt.working_time()
    report = TickReport(now=now)
    seen: set[int] = set()
    while True:
        events: list[Event] = []
        with write(rt.engine) as conn:
            query = (
                sa.select(cases)
                .where(cases.c.next_alarm_at <= now)
                .order_by(cases.c.next_alarm_at, cases.c.id)
                .limit(batch_size)
                .with_for_update(skip_locked=True)
            )
            rows = conn.execute(query).mappings().all()
            fresh = [r for r in rows if r["id"] not in seen]
            changes = []
            for row in fresh:
                case = repo.row_to_case(row)
                new, case_events = engine.sweep(case, now, wt)
                # Even with nothing to record, rewrite the row: its next_alarm_at is recomputed, so a stale
                # alarm time (from an older calendar) cannot make the sweep pick the case up forever.
                changes.append((new, case.version, case_events))
                events.extend(case_events)
                seen.add(row["id"])
            repo.update_cases(conn, changes, wt)
        report.batches += 1
        report.cases += len(fresh)
        report.actions.update(e.action for e in events)
        rt.committed(events)
        if len(rows) < batch_size or not fresh:
            return report
