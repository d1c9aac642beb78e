"""Cases and their events in the database: the only place that maps `Case`/`Event` to rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from onestop.cases.case import AlarmLevel, Case
from onestop.cases.clock import Clock
from onestop.cases.engine import next_alarm_at
from onestop.cases.errors import NotFound, VersionConflict
from onestop.cases.events import Event
from onestop.cases.kinds import ClockMode
from onestop.db.tables import case_counters, case_events, cases
from onestop.worktime import TZ, WorkingTime


def derived_columns(case: Case, wt: WorkingTime) -> dict[str, Any]:
    """Columns that are a function of the clock and the calendar, kept for indexes (lists, tick, rankings)."""
    clock = case.clock
    due = clock.due(wt) if clock is not None else None
    return {
        "clock_mode": clock.mode.value if clock is not None else ClockMode.NOT_STARTED.value,
        "due_at": due.at if due is not None else None,
        "due_provisional": bool(due is not None and due.provisional),
        "next_alarm_at": next_alarm_at(case, wt),
    }


def _case_values(case: Case, wt: WorkingTime) -> dict[str, Any]:
    return {
        "number": case.number,
        "kind": case.kind,
        "state": case.state,
        "unit_id": case.unit_id,
        "parent_id": case.parent_id,
        "party_id": case.party_id,
        "payload": dict(case.payload),
        "clock": case.clock.to_json() if case.clock is not None else None,
        "alarm": case.alarm.value,
        "version": case.version,
        "event_count": case.event_count,
        "last_hash": case.last_hash,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        **derived_columns(case, wt),
    }


def row_to_case(row: RowMapping) -> Case:
    clock_json = row["clock"]
    return Case(
        id=row["id"],
        number=row["number"],
        kind=row["kind"],
        state=row["state"],
        unit_id=row["unit_id"],
        parent_id=row["parent_id"],
        party_id=row["party_id"],
        payload=row["payload"] or {},
        clock=Clock.from_json(clock_json) if clock_json else None,
        alarm=AlarmLevel(row["alarm"]),
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        last_hash=row["last_hash"],
        event_count=row["event_count"],
        due_at=row["due_at"],
        due_provisional=row["due_provisional"],
    )


def _event_values(case_id: int, event: Event) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "seq": event.seq,
        "action": event.action,
        "actor": event.actor,
        "actor_id": event.actor_id,
        "at": event.at,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "data": dict(event.data),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def row_to_event(case_number: str, row: RowMapping) -> Event:
    return Event(
        case_number=case_number,
        seq=row["seq"],
        action=row["action"],
        actor=row["actor"],
        actor_id=row["actor_id"],
        at=row["at"],
        from_state=row["from_state"],
        to_state=row["to_state"],
        data=row["data"] or {},
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


def insert_case(conn: Connection, case: Case, events: Sequence[Event], wt: WorkingTime) -> Case:
    case_id = conn.execute(sa.insert(cases).values(_case_values(case, wt)).returning(cases.c.id)).scalar_one()
    insert_events(conn, case_id, events)
    return _with_id(case, case_id)


def update_case(
    conn: Connection, case: Case, expected_version: int, events: Sequence[Event], wt: WorkingTime
) -> None:
    """Writes the new state only if nobody else changed the case since it was read (optimistic lock)."""
    update_cases(conn, [(case, expected_version, events)], wt)


_MUTABLE = tuple(c.name for c in cases.columns if c.name not in {"id", "number", "created_at"})
# One compiled statement for every update: executemany over a batch costs one round trip, not one per case.
_UPDATE = (
    sa.update(cases)
    .where(cases.c.id == sa.bindparam("_id"), cases.c.version == sa.bindparam("_expected_version"))
    .values({name: sa.bindparam(name) for name in _MUTABLE})
)


def update_cases(
    conn: Connection, changes: Sequence[tuple[Case, int, Sequence[Event]]], wt: WorkingTime
) -> None:
    """Writes many cases (each with the version it was read at) and their new events in two statements.

    If any case moved since it was read, nothing of the batch is kept: the caller's transaction rolls back.
    """
    if not changes:
        return
    rows = []
    for case, expected_version, _ in changes:
        assert case.id is not None
        values = _case_values(case, wt)
        rows.append({"_id": case.id, "_expected_version": expected_version, **{k: values[k] for k in _MUTABLE}})
    result = conn.execute(_UPDATE, rows)
    if result.rowcount != len(rows):
        stale = changes[0][0].number if len(changes) == 1 else f"{len(rows) - result.rowcount} 件"
        raise VersionConflict(f"办件 {stale} 已被他人修改（版本已过期），请刷新后重试", field="version")
    insert_events_many(conn, [(case.id or 0, event) for case, _, events in changes for event in events])


def insert_events(conn: Connection, case_id: int, events: Iterable[Event]) -> None:
    insert_events_many(conn, [(case_id, e) for e in events])


def insert_events_many(conn: Connection, events: Sequence[tuple[int, Event]]) -> None:
    if events:
        conn.execute(sa.insert(case_events), [_event_values(case_id, e) for case_id, e in events])


def load_case(conn: Connection, number: str, *, for_update: bool = False) -> Case:
    query = sa.select(cases).where(cases.c.number == number)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"办件 {number} 不存在", field="number")
    return row_to_case(row)


def load_case_by_id(conn: Connection, case_id: int, *, for_update: bool = False) -> Case:
    query = sa.select(cases).where(cases.c.id == case_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"办件 {case_id} 不存在", field="id")
    return row_to_case(row)


def load_children(conn: Connection, parent_id: int) -> list[Case]:
    rows = conn.execute(sa.select(cases).where(cases.c.parent_id == parent_id).order_by(cases.c.id)).mappings()
    return [row_to_case(r) for r in rows]


def load_events(conn: Connection, case: Case) -> list[Event]:
    rows = conn.execute(
        sa.select(case_events).where(case_events.c.case_id == case.id).order_by(case_events.c.seq)
    ).mappings()
    return [row_to_event(case.number, r) for r in rows]


def next_number(conn: Connection, prefix: str, now: datetime) -> str:
    """Readable, unique number: prefix + local date + a per-day sequence (SQ20261122000042)."""
    day = now.astimezone(TZ).strftime("%Y%m%d")
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    statement = (
        upsert(case_counters)
        .values(prefix=prefix, day=day, value=1)
        .on_conflict_do_update(
            index_elements=[case_counters.c.prefix, case_counters.c.day],
            set_={"value": case_counters.c.value + 1},
        )
        .returning(case_counters.c.value)
    )
    value = conn.execute(statement).scalar_one()
    return f"{prefix}{day}{value:06d}"


def _with_id(case: Case, case_id: int) -> Case:
    from dataclasses import replace

    return replace(case, id=case_id)
