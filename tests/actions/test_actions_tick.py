"""The tick: warnings, overdue marks and timeout actions, idempotent, batched, safe with several workers."""

from __future__ import annotations

import threading
from datetime import datetime

import sqlalchemy as sa

from onestop.actions.cases import open_case
from onestop.actions.runtime import Runtime
from onestop.actions.tick import tick
from onestop.db.engine import make_engine, read
from onestop.db.tables import case_events, cases
from onestop.org.users import Actor
from onestop.worktime import TZ
from tests.actions.conftest import County


def _approval(county: County, limit: str = "3d") -> str:
    case = open_case(
        county.rt, "generic_approval", county.clerk, unit_id=county.departments[0].id, payload={"limit": limit}
    )
    return case.number


def _actions(county: County, number: str) -> list[str]:
    with read(county.rt.engine) as conn:
        return list(
            conn.execute(
                sa.select(case_events.c.action)
                .join(cases, cases.c.id == case_events.c.case_id)
                .where(cases.c.number == number)
                .order_by(case_events.c.seq)
            ).scalars()
        )


def _row(county: County, number: str) -> sa.RowMapping:
    with read(county.rt.engine) as conn:
        return conn.execute(sa.select(cases).where(cases.c.number == number)).mappings().one()


def test_warning_then_overdue_then_timeout_action(county: County) -> None:
    # Opened Monday 2026-09-28 10:00 with 3 working days: due Thursday 8 Oct 17:30 (国庆 in between);
    # the policy warns 3 working days before, i.e. at once, so use a 5-day limit to see the stages apart.
    number = _approval(county, "5d")
    assert _row(county, number)["alarm"] == "normal"

    report = tick(county.rt, now=datetime(2026, 9, 29, 12, 0, tzinfo=TZ))
    assert report.events == 0
    assert _row(county, number)["alarm"] == "normal"

    report = tick(county.rt, now=datetime(2026, 10, 8, 12, 0, tzinfo=TZ))
    assert report.actions["clock_warned"] == 1
    assert _row(county, number)["alarm"] == "warning"

    # Due at close of office on the make-up Saturday 10 Oct; a minute later it is overdue and 超时默认 fires.
    report = tick(county.rt, now=datetime(2026, 10, 10, 17, 31, tzinfo=TZ))
    assert report.actions["clock_overdue"] == 1
    assert report.actions["auto_approve"] == 1
    row = _row(county, number)
    assert row["alarm"] == "overdue"
    assert row["state"] == "approved"
    assert row["next_alarm_at"] is None
    assert _actions(county, number) == ["open", "clock_warned", "clock_overdue", "auto_approve"]


def test_tick_is_idempotent(county: County) -> None:
    numbers = [_approval(county) for _ in range(3)]
    late = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)
    first = tick(county.rt, now=late)
    assert first.actions["clock_overdue"] == 3
    second = tick(county.rt, now=late)
    assert second.events == 0
    assert second.cases == 0  # nothing left whose alarm time has passed
    for number in numbers:
        assert _actions(county, number).count("clock_overdue") == 1


def test_tick_processes_everything_in_small_batches(county: County) -> None:
    numbers = [_approval(county) for _ in range(25)]
    report = tick(county.rt, now=datetime(2026, 11, 2, 9, 0, tzinfo=TZ), batch_size=4)
    assert report.cases == 25
    assert report.batches >= 7
    assert report.actions["clock_overdue"] == 25
    assert all(_row(county, n)["state"] == "approved" for n in numbers)


def test_paused_clock_raises_no_alarm(county: County) -> None:
    from onestop.actions.cases import perform

    number = _approval(county)
    perform(county.rt, number, "request_supplement", county.approvers[0], {"items": ["营业执照副本"]})
    report = tick(county.rt, now=datetime(2026, 12, 31, 9, 0, tzinfo=TZ))
    assert report.events == 0
    assert _row(county, number)["alarm"] == "normal"


def test_two_tick_workers_on_postgres_never_process_a_case_twice(postgres_url: str) -> None:
    engine = make_engine(postgres_url, pool_size=4)
    opened = datetime(2026, 9, 28, 10, 0, tzinfo=TZ)
    rt = Runtime(engine=engine, now=lambda: opened)
    actor = Actor(user_id=None, username="loader", roles=frozenset({"window_clerk"}))
    numbers = [
        open_case(rt, "generic_approval", actor, unit_id=None, payload={"limit": "1d"}).number for _ in range(120)
    ]
    late = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)
    reports = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        worker_rt = Runtime(engine=engine, now=lambda: late)
        barrier.wait()
        reports.append(tick(worker_rt, now=late, batch_size=10))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.cases for r in reports) == 120
    with read(engine) as conn:
        per_case = conn.execute(
            sa.select(cases.c.number, sa.func.count())
            .join(case_events, cases.c.id == case_events.c.case_id)
            .where(case_events.c.action == "clock_overdue")
            .group_by(cases.c.number)
        ).all()
    assert sorted(n for n, _ in per_case) == sorted(numbers)
    assert {count for _, count in per_case} == {1}
    engine.dispose()
