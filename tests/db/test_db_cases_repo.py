"""The driver-SQL paths of `cases_repo` write exactly the rows SQLAlchemy Core would, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from onestop.cases import VersionConflict, decide, evolve, open_case, sweep
from onestop.cases.case import Case
from onestop.cases.events import Event
from onestop.db import cases_repo as repo
from onestop.db.engine import read, write
from onestop.db.tables import case_events, cases
from onestop.org.roles import Role
from onestop.org.users import Actor
from onestop.worktime import TZ, default_working_time

START = datetime(2026, 9, 28, 10, 0, tzinfo=TZ)
CLERK = Actor(user_id=7, username="clerk", roles=frozenset({Role.WINDOW_CLERK}))
APPROVER = Actor(user_id=8, username="approver", roles=frozenset({Role.APPROVER}))
WT = default_working_time()


def _opened(number: str, payload: dict[str, Any] | None = None) -> tuple[Case, Event]:
    return open_case(
        "generic_approval",
        number=number,
        actor=CLERK,
        now=START,
        wt=WT,
        unit_id=None,
        payload=payload or {"limit": "3d", "申请人": "张三", "金额": 1.5, "材料": ["a", {"b": None}]},
    )


def _core_insert(engine: Engine, case: Case, events: list[Event]) -> int:
    with write(engine) as conn:
        case_id: int = conn.execute(
            sa.insert(cases).values(repo._case_values(case, WT)).returning(cases.c.id)
        ).scalar_one()
        conn.execute(sa.insert(case_events), [repo._event_values(case_id, e) for e in events])
    return case_id


def _stored(engine: Engine, case_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The row and its events as the driver hands them back (text on SQLite), without id and number."""
    with engine.connect() as conn:
        row = dict(conn.execute(sa.text("SELECT * FROM cases WHERE id = :id"), {"id": case_id}).one()._mapping)
        events = [
            dict(r._mapping)
            for r in conn.execute(
                sa.text("SELECT * FROM case_events WHERE case_id = :id ORDER BY seq"), {"id": case_id}
            )
        ]
    for key in ("id", "number"):
        row.pop(key)
    for event in events:
        event.pop("id")
        event.pop("case_id")
    return row, events


def test_insert_case_writes_the_row_core_writes(db: Engine) -> None:
    case, event = _opened("SP1")
    core_id = _core_insert(db, evolve(case, number="SP0"), [event])
    with write(db) as conn:
        ours = repo.insert_case(conn, case, [event], WT)
    assert ours.id is not None
    assert _stored(db, ours.id) == _stored(db, core_id)
    with read(db) as conn:
        assert repo.load_case(conn, "SP1") == ours
        core_row = conn.execute(sa.select(cases).where(cases.c.id == ours.id)).mappings().one()
        assert repo.row_to_case(core_row) == ours
        assert repo.load_events(conn, ours) == [event]


@pytest.mark.parametrize("batch", [1, 3, repo.COPY_FROM_ROWS])
def test_updates_write_the_row_core_writes(db: Engine, batch: int) -> None:
    """One case (a statement per row), a few (executemany) and a batch (on PostgreSQL by COPY)."""
    later = START + timedelta(days=30)
    changes, twins = [], []
    for i in range(batch):
        case, event = _opened(f"SP{i}")
        with write(db) as conn:
            ours = repo.insert_case(conn, case, [event], WT)
            twins.append(repo.insert_case(conn, evolve(case, number=f"SQ{i}"), [event], WT))
        swept, swept_events = sweep(ours, later, WT)  # overdue, then 超时默认
        assert [e.action for e in swept_events] == ["clock_overdue", "auto_approve"]
        changes.append((ours, swept, swept_events))
    with write(db) as conn:
        repo.save_changes(conn, changes, WT)
        for twin, (_, swept, swept_events) in zip(twins, changes, strict=True):
            assert twin.id is not None
            values = repo._case_values(evolve(swept, number=twin.number), WT)
            conn.execute(sa.update(cases).where(cases.c.id == twin.id).values(values))
            conn.execute(sa.insert(case_events), [repo._event_values(twin.id, e) for e in swept_events])
    for twin, (ours, swept, _) in zip(twins, changes, strict=True):
        assert ours.id is not None
        assert twin.id is not None
        assert _stored(db, ours.id) == _stored(db, twin.id)
        with read(db) as conn:
            assert repo.load_case(conn, swept.number) == swept


def test_a_batch_writes_each_case_and_refuses_a_stale_one(db: Engine) -> None:
    opened = [_opened(f"SP{i}") for i in range(4)]
    with write(db) as conn:
        written = [repo.insert_case(conn, case, [event], WT) for case, event in opened]
    approved = [decide(c, "approve", APPROVER, {"opinion": "同意"}, START + timedelta(hours=1), WT) for c in written]
    # One case with a new payload and owner, so the batch has rows of two shapes.
    approved[0] = (
        evolve(approved[0][0], payload={"limit": "3d", "补充": "是"}, parent_id=written[1].id),
        approved[0][1],
    )
    with write(db) as conn:
        repo.save_changes(conn, [(b, a, [e]) for b, (a, e) in zip(written, approved, strict=True)], WT)
    with read(db) as conn:
        for new, _ in approved:
            assert repo.load_case(conn, new.number) == new
    # A batch with one case read at an older version is refused whole.
    again = [sweep(new, START + timedelta(days=60), WT)[0] for new, _ in approved]
    with pytest.raises(VersionConflict), write(db) as conn:
        repo.save_changes(conn, [(written[0], again[0], [])], WT)
    with pytest.raises(VersionConflict), write(db) as conn:
        repo.update_cases(conn, [(a, a.version, []) for a in again] + [(again[0], 1, [])], WT)


def test_json_text_is_what_json_dumps_gives() -> None:
    for value in (None, {}, {"a": 1, "中文": "值", "f": 0.1, "n": None, "l": [1, "x", {"t": True}]}, [1, 2]):
        assert repo._dumps(value) == json.dumps(value)


def test_naive_datetimes_are_refused(db: Engine) -> None:
    case, event = _opened("SP1")
    naive = evolve(case, created_at=START.replace(tzinfo=None))
    with pytest.raises(ValueError, match="naive"), write(db) as conn:
        repo.insert_case(conn, naive, [event], WT)


def test_join_reads_the_family(db: Engine) -> None:
    parent, parent_event = open_case(
        "generic_application", number="SQ1", actor=CLERK, now=START, wt=WT, unit_id=None, payload={}
    )
    with write(db) as conn:
        parent = repo.insert_case(conn, parent, [parent_event], WT)
        assert parent.id is not None
        for i in range(3):
            child, event = open_case(
                "generic_approval",
                number=f"SP{i}",
                actor=CLERK,
                now=START,
                wt=WT,
                unit_id=None,
                payload={},
                parent_id=parent.id,
            )
            repo.insert_case(conn, child, [event], WT)
        (kind, state), children = repo.family_states(conn, parent.id)
    assert (kind, state) == ("generic_application", "pending")
    assert children == [("generic_approval", "in_approval", f"SP{i}") for i in range(3)]


def test_driver_errors_come_out_as_sqlalchemy_errors(db: Engine) -> None:
    case, event = _opened("SP1")
    with write(db) as conn:
        repo.insert_case(conn, case, [event], WT)
    with pytest.raises(sa.exc.IntegrityError), write(db) as conn:
        repo.insert_case(conn, case, [event], WT)  # the number is taken
    with read(db) as conn:  # the connection is usable again
        assert repo.load_case(conn, "SP1").number == "SP1"


@pytest.mark.parametrize("count", [2, repo.COPY_FROM_ROWS])
def test_a_failed_batch_of_events_comes_out_as_a_sqlalchemy_error(db: Engine, count: int) -> None:
    """Many events go in one statement (COPY on PostgreSQL); a clash in it still names the constraint."""
    case, event = _opened("SP1")
    with write(db) as conn:
        ours = repo.insert_case(conn, case, [event], WT)
    assert ours.id is not None
    with pytest.raises(sa.exc.IntegrityError), write(db) as conn:
        repo.insert_events_many(conn, [(ours.id, event)] * count)  # seq 1 is taken
    with read(db) as conn:
        assert len(repo.load_events(conn, repo.load_case(conn, "SP1"))) == 1
