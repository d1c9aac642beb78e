"""Benchmark: one full tick sweep over 1,000,000 open cases, on SQLite and on PostgreSQL.

    .venv/bin/python -m bench.tick            # ONESTOP_BENCH_CASES=100000 for a quicker run
    ONESTOP_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres (default) names the server

The scenario (the headline figures, the issue's targets): a county with a million department approvals open,
as after a busy year, swept at NOW, a Friday at 16:00:

* 98.9 % were opened in the last four working days with a 20-working-day limit: their next alarm is weeks
  away, and the sweep must not even read them (it reads only rows whose ``next_alarm_at`` has passed, an
  index range scan);
* 1 % (10,000) were opened long ago and are overdue: for each the sweep records ``clock_overdue`` and fires
  the kind's timeout action (超时默认, ``auto_approve``), i.e. two hash-chained events and one version-checked
  update per case, 20,000 events in all, through ``onestop.actions.tick.tick`` exactly as ``onestop tick``
  runs it (batches of ``BATCH``, one transaction each, FOR UPDATE SKIP LOCKED on PostgreSQL);
* 0.1 % (1,000) carry 2-hour limits that run out in the five minutes after NOW.

That 1 % is a worst case: it is what a tick finds after the platform has not swept for weeks, or at close
of office on a day when a year's backlog falls due. A tick runs every few minutes, so the same sweep
process then also measures the realistic cadence, reported separately and marked as such:

* idle: the next tick at NOW, which finds nothing due (what nearly every tick does);
* cadence: the tick five minutes later, which finds the 1,000 cases whose 2-hour limits ran out meanwhile
  (0.1 % of the open cases, again overdue plus 超时默认).

The sweeps run in a fresh process, so its peak memory (ru_maxrss) is its own, not the loader's.
Last line: ``RESULT sqlite_s=… postgres_s=… peak_mb=…`` (the headline 1 % sweep on each, the peak of the
sweep processes), then the cadence figures: ``…_idle_ms``, ``…_cadence_s``.
Targets: each headline sweep < 2 s, peak < 500 MB, the whole bench < 5 min.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import sqlalchemy as sa

from onestop.actions.runtime import Runtime
from onestop.actions.tick import tick
from onestop.cases import engine as case_engine
from onestop.cases.events import GENESIS_HASH, event_hash
from onestop.db import cases_repo
from onestop.db.engine import make_engine
from onestop.db.migrate import upgrade
from onestop.db.tables import case_events, cases
from onestop.org.roles import Role
from onestop.org.users import Actor
from onestop.worktime import TZ, WorkingTime, default_working_time

N_CASES = int(os.environ.get("ONESTOP_BENCH_CASES", "1000000"))
POSTGRES = os.environ.get("ONESTOP_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=TZ)  # a Friday afternoon
STALE_SHARE = 100  # one case in this many is overdue at NOW (the headline sweep)
SOON_SHARE = 1000  # one case in this many runs out of its 2-hour limit in the five minutes after NOW
SOON_OFFSET = 1  # i % SOON_SHARE == SOON_OFFSET: never a stale one (SOON_OFFSET % STALE_SHARE != 0)
CADENCE = timedelta(minutes=5)  # the realistic tick interval
BATCH = 5000  # cases per transaction in the sweep
CHUNK = 20_000


def _template(wt: WorkingTime, actor: Actor, start: datetime, limit: str) -> dict[str, Any]:
    case, event = case_engine.open_case(
        "generic_approval", number="TEMPLATE", actor=actor, now=start, wt=wt, unit_id=None, payload={"limit": limit}
    )
    row = {k: v for k, v in cases_repo._case_values(case, wt).items() if k != "number"}
    return {"row": row, "event": event}


def _templates() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Row and event templates for a few hundred distinct opening instants: fresh, stale and soon due."""
    wt = default_working_time()
    actor = Actor(user_id=None, username="loader", roles=frozenset({Role.WINDOW_CLERK}))
    days = [d.date for d in wt.days((NOW - timedelta(days=70)).date(), NOW.date()) if d.workday]
    fresh_days, stale_days = days[-4:], days[:-25]
    fresh: list[dict[str, Any]] = []
    stale: list[dict[str, Any]] = []
    for pool, days_pool in ((fresh, fresh_days), (stale, stale_days)):
        for day in days_pool:
            for minute in range(0, 420, 15):
                start = datetime.combine(day, datetime.min.time(), TZ) + timedelta(hours=9, minutes=minute)
                pool.append(_template(wt, actor, start, "20d"))
    # Opened two office hours (no lunch break in between) before NOW plus 5 s .. 300 s: due in (NOW, NOW + 5 min].
    soon = [_template(wt, actor, NOW - timedelta(hours=2) + timedelta(seconds=5 * k), "2h") for k in range(1, 61)]
    for template in soon:
        due = template["row"]["next_alarm_at"]
        assert NOW < due <= NOW + CADENCE, due
    return fresh, stale, soon


def load(url: str, n: int) -> None:
    """Bulk-loads `n` open cases with their opening events, straight through the driver (COPY on PostgreSQL).

    Only the loading bypasses the action layer, to keep the benchmark's set-up short; the rows are exactly
    what the action layer writes (same templates, real hash chains, so `onestop audit verify` passes).
    """
    engine = make_engine(url)
    upgrade(engine)
    fresh, stale, soon = _templates()
    case_columns = [c.name for c in cases.columns]
    event_columns = [c.name for c in case_events.columns if c.name != "id"]
    with engine.begin() as conn:
        dialect = conn.dialect
        # dialect_impl: the processors the dialect really applies (on SQLite, datetimes as the text SQLAlchemy
        # stores, with microseconds), so the loaded rows are byte for byte what the action layer writes.
        case_bind = [cases.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in case_columns]
        event_bind = [case_events.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in event_columns]
        postgres = dialect.name == "postgresql"
        raw = conn.connection.driver_connection
        assert raw is not None
        if postgres:
            # Emptied in this transaction (they are empty: a fresh database), so COPY may write the rows frozen
            # and all-visible, as in a database that has been running for a while: otherwise the sweep's
            # first reads would set every page's hint bits, and VACUUM would rewrite them later.
            conn.exec_driver_sql("TRUNCATE case_events, cases CASCADE")
        # Each template is bound once; per case only the id, number and hashes change.
        for pool in (fresh, stale, soon):
            for template in pool:
                event = template["event"]
                case_values = {**template["row"], "id": 0, "number": "", "last_hash": ""}
                event_values = {
                    "case_id": 0,
                    "seq": 1,
                    "action": event.action,
                    "actor": event.actor,
                    "actor_id": event.actor_id,
                    "at": event.at,
                    "from_state": event.from_state,
                    "to_state": event.to_state,
                    "data": dict(event.data),
                    "prev_hash": GENESIS_HASH,
                    "hash": "",
                }
                template["case_row"] = list(_bound(case_values, case_columns, case_bind, postgres))
                template["event_row"] = list(_bound(event_values, event_columns, event_bind, postgres))
        at_id, at_number, at_hash = (case_columns.index(c) for c in ("id", "number", "last_hash"))
        at_case, at_event_hash = event_columns.index("case_id"), event_columns.index("hash")
        for chunk_start in range(0, n, CHUNK):
            case_rows, event_rows = [], []
            for i in range(chunk_start, min(n, chunk_start + CHUNK)):
                pool = stale if i % STALE_SHARE == 0 else soon if i % SOON_SHARE == SOON_OFFSET else fresh
                template = pool[i % len(pool)]
                event = template["event"]
                number = f"SP{i:012d}"
                digest = event_hash(
                    GENESIS_HASH,
                    number,
                    1,
                    event.action,
                    event.actor,
                    event.actor_id,
                    event.at,
                    event.from_state,
                    event.to_state,
                    event.data,
                )
                case_row, event_row = list(template["case_row"]), list(template["event_row"])
                case_row[at_id], case_row[at_number], case_row[at_hash] = i + 1, number, digest
                event_row[at_case], event_row[at_event_hash] = i + 1, digest
                case_rows.append(tuple(case_row))
                event_rows.append(tuple(event_row))
            _copy(raw, postgres, "cases", case_columns, case_rows)
            _copy(raw, postgres, "case_events", event_columns, event_rows)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT setval('cases_id_seq', {n + 1})")
        conn.exec_driver_sql("ANALYZE")
    # The sweep is measured on a database at rest, as a tick finds it: the million rows just loaded are
    # written out of the WAL first, so the sweep does not pay for flushing the loader's work (on SQLite its
    # first commit would otherwise checkpoint the whole load; on PostgreSQL the checkpointer would compete
    # with it). A checkpoint also makes the sweep's first change to every page log a full-page image: the
    # worst case for its own WAL, not a favourable one.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("CHECKPOINT")
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def _bound(values: dict[str, Any], columns: list[str], binds: list[Any], postgres: bool) -> tuple[Any, ...]:
    if postgres:
        from psycopg.types.json import Jsonb

        return tuple(Jsonb(values[c]) if isinstance(values[c], dict) else values[c] for c in columns)
    return tuple(b(values[c]) if b is not None else values[c] for c, b in zip(columns, binds, strict=True))


def _copy(raw: Any, postgres: bool, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    names = ", ".join(columns)
    if postgres:
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FREEZE)") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


Sweep = tuple[float, int, dict[str, int]]


def _timed_tick(rt: Runtime, now: datetime) -> Sweep:
    started = time.perf_counter()
    report = tick(rt, now=now, batch_size=BATCH)
    return time.perf_counter() - started, report.cases, dict(report.actions)


def _sweep(url: str, out: Any) -> None:
    engine = make_engine(url)
    rt = Runtime(engine=engine, now=lambda: NOW)
    rt.working_time()  # the calendar is loaded once per process, not per sweep
    headline = _timed_tick(rt, NOW)
    idle = _timed_tick(rt, NOW)
    cadence = _timed_tick(rt, NOW + CADENCE)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.send((headline, idle, cadence, peak_mb))
    engine.dispose()


def sweep_in_fresh_process(url: str) -> tuple[Sweep, Sweep, Sweep, float]:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_sweep, args=(url, child))
    process.start()
    result = parent.recv()
    process.join()
    return result  # type: ignore[no-any-return]


def _postgres_database(server: str) -> str:
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql('DROP DATABASE IF EXISTS "onestop_bench_tick" WITH (FORCE)')
        conn.exec_driver_sql('CREATE DATABASE "onestop_bench_tick"')
    admin.dispose()
    return sa.engine.make_url(server).set(database="onestop_bench_tick").render_as_string(hide_password=False)


def run(label: str, url: str) -> dict[str, float]:
    started = time.perf_counter()
    load(url, N_CASES)
    print(f"{label}: loaded {N_CASES:,} open cases in {time.perf_counter() - started:.1f} s", flush=True)
    (elapsed, n, actions), idle, cadence, peak_mb = sweep_in_fresh_process(url)
    print(
        f"{label}: HEADLINE sweep {elapsed:.2f} s over {N_CASES:,} open cases, 1 % due; acted on {n:,}: "
        f"{actions}; peak {peak_mb:.0f} MB",
        flush=True,
    )
    print(
        f"{label}: cadence (not the headline): idle tick {idle[0] * 1000:.1f} ms (acted on {idle[1]}); "
        f"tick {CADENCE.seconds // 60} min later {cadence[0]:.2f} s, acted on {cadence[1]:,}: {cadence[2]}",
        flush=True,
    )
    expected_due = len(range(0, N_CASES, STALE_SHARE))
    assert n == expected_due, (n, expected_due)
    assert idle[1] == 0, idle
    assert cadence[1] == len(range(SOON_OFFSET, N_CASES, SOON_SHARE)), cadence
    return {"s": elapsed, "mb": peak_mb, "idle_ms": idle[0] * 1000, "cadence_s": cadence[0]}


def main() -> int:
    print(
        f"bench.tick: {N_CASES:,} open cases; headline: one full sweep with 1 in {STALE_SHARE} due "
        f"(overdue + 超时默认); then the realistic cadence (idle tick, tick {CADENCE.seconds // 60} min later)",
        flush=True,
    )
    with TemporaryDirectory() as tmp:
        sqlite = run("SQLite", f"sqlite:///{Path(tmp) / 'tick.db'}")
    postgres = run("PostgreSQL", _postgres_database(POSTGRES))
    print("targets: headline sweep < 2 s on each, peak < 500 MB", flush=True)
    print(
        f"RESULT sqlite_s={sqlite['s']:.3f} postgres_s={postgres['s']:.3f} "
        f"peak_mb={max(sqlite['mb'], postgres['mb']):.0f} "
        f"sqlite_idle_ms={sqlite['idle_ms']:.1f} sqlite_cadence_s={sqlite['cadence_s']:.3f} "
        f"postgres_idle_ms={postgres['idle_ms']:.1f} postgres_cadence_s={postgres['cadence_s']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
