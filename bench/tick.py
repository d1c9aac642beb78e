"""Benchmark: one full tick sweep over 1,000,000 open cases, on SQLite and on PostgreSQL.

    .venv/bin/python -m bench.tick            # ONESTOP_BENCH_CASES=100000 for a quicker run
    ONESTOP_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres (default) names the server

The county has a million department approvals open, as after a busy year: 99 % were opened in the last
few working days (their next alarm is weeks away), 1 % long ago (they are due a warning or are overdue, and
the overdue ones trigger 超时默认). A sweep must find the 1 % among the million and act on each: one
warning or overdue event (plus the timeout action), hash-chained, with a version-checked update.

The sweep runs in a fresh process so its peak memory (ru_maxrss) is its own, not the loader's.
Last line: ``RESULT sqlite_s=… postgres_s=… peak_mb=…``. Targets: each sweep < 2 s, peak < 500 MB.
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
from onestop.org.users import Actor
from onestop.worktime import TZ, default_working_time

N_CASES = int(os.environ.get("ONESTOP_BENCH_CASES", "1000000"))
POSTGRES = os.environ.get("ONESTOP_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=TZ)  # a Friday afternoon
STALE_SHARE = 100  # one case in this many is due an alarm
CHUNK = 20_000


def _templates() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Row and event templates for a few hundred distinct opening instants, fresh and stale."""
    wt = default_working_time()
    actor = Actor(user_id=None, username="loader", roles=frozenset({"window_clerk"}))
    days = [d.date for d in wt.days((NOW - timedelta(days=70)).date(), NOW.date()) if d.workday]
    fresh_days, stale_days = days[-4:], days[:-25]
    fresh, stale = [], []
    for pool, days_pool in ((fresh, fresh_days), (stale, stale_days)):
        for day in days_pool:
            for minute in range(0, 420, 15):
                start = datetime.combine(day, datetime.min.time(), TZ) + timedelta(hours=9, minutes=minute)
                case, event = case_engine.open_case(
                    "generic_approval",
                    number="TEMPLATE",
                    actor=actor,
                    now=start,
                    wt=wt,
                    unit_id=None,
                    payload={"limit": "20d"},
                )
                row = {k: v for k, v in cases_repo._case_values(case, wt).items() if k != "number"}
                pool.append({"row": row, "event": event})
    return fresh, stale


def load(url: str, n: int) -> None:
    """Bulk-loads `n` open cases with their opening events, straight through the driver (COPY on PostgreSQL).

    Only the loading bypasses the action layer, to keep the benchmark's set-up short; the rows are exactly
    what the action layer writes (same templates, real hash chains, so `onestop audit verify` passes).
    """
    engine = make_engine(url)
    upgrade(engine)
    fresh, stale = _templates()
    case_columns = [c.name for c in cases.columns]
    event_columns = [c.name for c in case_events.columns if c.name != "id"]
    with engine.begin() as conn:
        dialect = conn.dialect
        case_bind = [cases.c[c].type.bind_processor(dialect) for c in case_columns]
        event_bind = [case_events.c[c].type.bind_processor(dialect) for c in event_columns]
        postgres = dialect.name == "postgresql"
        raw = conn.connection.driver_connection
        assert raw is not None
        # Each template is bound once; per case only the id, number and hashes change.
        for pool in (fresh, stale):
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
                pool = stale if i % STALE_SHARE == 0 else fresh
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
    engine.dispose()


def _bound(values: dict[str, Any], columns: list[str], binds: list[Any], postgres: bool) -> tuple[Any, ...]:
    if postgres:
        from psycopg.types.json import Jsonb

        return tuple(Jsonb(values[c]) if isinstance(values[c], dict) else values[c] for c in columns)
    return tuple(b(values[c]) if b is not None else values[c] for c, b in zip(columns, binds, strict=True))


def _copy(raw: Any, postgres: bool, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    names = ", ".join(columns)
    if postgres:
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _sweep(url: str, out: Any) -> None:
    engine = make_engine(url)
    rt = Runtime(engine=engine, now=lambda: NOW)
    rt.working_time()  # the calendar is loaded once per process, not per sweep
    started = time.perf_counter()
    report = tick(rt, now=NOW, batch_size=5000)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.send((elapsed, peak_mb, report.cases, dict(report.actions)))
    engine.dispose()


def sweep_in_fresh_process(url: str) -> tuple[float, float, int, dict[str, int]]:
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


def run(label: str, url: str) -> tuple[float, float]:
    started = time.perf_counter()
    load(url, N_CASES)
    print(f"{label}: loaded {N_CASES:,} open cases in {time.perf_counter() - started:.1f} s", flush=True)
    elapsed, peak_mb, n, actions = sweep_in_fresh_process(url)
    print(
        f"{label}: sweep {elapsed:.2f} s over {N_CASES:,} open cases; acted on {n:,}: {actions}; peak {peak_mb:.0f} MB",
        flush=True,
    )
    return elapsed, peak_mb


def main() -> None:
    print(f"bench.tick: {N_CASES:,} open cases, 1 in {STALE_SHARE} due an alarm; one full sweep each", flush=True)
    with TemporaryDirectory() as tmp:
        sqlite_s, sqlite_mb = run("SQLite", f"sqlite:///{Path(tmp) / 'tick.db'}")
    postgres_s, postgres_mb = run("PostgreSQL", _postgres_database(POSTGRES))
    print("targets: sweep < 2 s on each, peak < 500 MB", flush=True)
    print(f"RESULT sqlite_s={sqlite_s:.3f} postgres_s={postgres_s:.3f} peak_mb={max(sqlite_mb, postgres_mb):.0f}")


if __name__ == "__main__":
    sys.exit(main())
