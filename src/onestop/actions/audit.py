"""`onestop audit verify`: walk every case's event chain and name the first event altered or removed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onestop.cases.case import Case
from onestop.cases.events import ChainProblem, verify_chain
from onestop.db import cases_repo as repo
from onestop.db.engine import read
from onestop.db.tables import case_events, cases


@dataclass(frozen=True)
class AuditReport:
    cases: int
    events: int
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_all(engine: Engine, *, batch_size: int = 2000) -> AuditReport:
    problems: list[ChainProblem] = []
    n_cases = n_events = 0
    for batch in _case_batches(engine, batch_size):
        with read(engine) as conn:
            ids = [c.id for c in batch]
            rows = conn.execute(
                sa.select(case_events)
                .where(case_events.c.case_id.in_(ids))
                .order_by(case_events.c.case_id, case_events.c.seq)
            ).mappings()
            by_case: dict[int, list[sa.RowMapping]] = {i: [] for i in ids if i is not None}
            for row in rows:
                by_case[row["case_id"]].append(row)
        for case in batch:
            events = [repo.row_to_event(case.number, r) for r in by_case[case.id or 0]]
            n_cases += 1
            n_events += len(events)
            problem = verify_chain(
                case.number, events, expected_count=case.event_count, expected_last_hash=case.last_hash
            )
            if problem is not None:
                problems.append(problem)
    return AuditReport(cases=n_cases, events=n_events, problems=tuple(problems))


def _case_batches(engine: Engine, batch_size: int) -> Iterator[list[Case]]:
    last_id = 0
    while True:
        with read(engine) as conn:
            rows = conn.execute(
                sa.select(cases).where(cases.c.id > last_id).order_by(cases.c.id).limit(batch_size)
            ).mappings()
            batch = [repo.row_to_case(r) for r in rows]
        if not batch:
            return
        last_id = batch[-1].id or last_id
        yield batch
