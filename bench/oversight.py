"""Benchmark: unit scorecards and the monthly bulletin's figures over 1,000,000 cases and 5,000,000 events.

    .venv/bin/python -m bench.oversight                 # 1,000,000 cases on SQLite and PostgreSQL
    .venv/bin/python -m bench.oversight --cases 20000   # a quick smoke run
    ONESTOP_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres (default) names the server

One county (441624) with 100 departments and a year (2026) of cases, spread evenly over the year: 99.5 %
generic applications (85 % finished — one in twenty late —, 10 % still in approval, 5 % rejected), 0.5 %
supervision orders (half of them escalated to 挂牌督办); five events per case (open, accept, dispatch, a
supplement or — one case in fifty — a send-back, and the final action); a rating on half of the cases (a
fifth of them 差评, whose ``rectification_case_id`` points at the rated case itself, standing in for the
rectification). The data is generated inside the database (a recursive CTE on SQLite, ``generate_series``
on PostgreSQL) and cached by size: ``var/bench/oversight-<N>.db`` and the PostgreSQL database
``onestop_bench_oversight_<N>``, so a re-run only measures.

Timed (the queries, not the generation): ``actions.oversight.scorecards`` and ``actions.oversight.bulletin``
(figures only, not the rendering) for June 2026 over the county's 100 units, three times each; the median of
each is reported. Target: scorecards + bulletin under 5 s on each database.
Last line: ``RESULT sqlite_s=… postgres_s=…`` (scorecards + bulletin, median).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from onestop.actions.oversight import CLI_ACTOR, bulletin, scorecards
from onestop.actions.runtime import Runtime
from onestop.db.engine import make_engine
from onestop.db.migrate import upgrade
from onestop.worktime import TZ

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "bench"
POSTGRES = os.environ.get("ONESTOP_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
UNITS = 100
PERIOD = "2026-06"
NOW = datetime(2026, 12, 31, 18, 0, tzinfo=TZ)
YEAR_START = 1767196800  # 2026-01-01 00:00 Beijing time, as Unix seconds
YEAR_SECONDS = 365 * 86400
VERSION = 1  # bump when the generated data changes: cached databases of another version are rebuilt


def _ts(expr: str, postgres: bool) -> str:
    """An instant from Unix seconds, stored as the UTCDateTime column stores it."""
    if postgres:
        return f"to_timestamp({expr})"
    return f"strftime('%Y-%m-%d %H:%M:%S', {expr}, 'unixepoch') || '.000000'"


def _series(n: int, postgres: bool) -> tuple[str, str]:
    """(WITH clause, FROM clause) of the numbers 1..n with the case's created (t0) and final (t1) seconds."""
    step = YEAR_SECONDS / n
    body = (
        f"SELECT i, CAST({YEAR_START} + (i - 1) * {step} AS INTEGER) AS t0, "
        f"CAST({YEAR_START} + (i - 1) * {step} AS INTEGER) + ((CAST(i AS BIGINT) * 7919) % 864000) AS t1 FROM "
    )
    if postgres:
        return "", f"({body} generate_series(1, {n}) AS g(i)) AS s"
    return (
        f"WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {n}) ",
        f"({body} g) AS s",
    )


KIND = "CASE WHEN i % 200 = 7 THEN 'supervision_order' ELSE 'generic_application' END"
STATE = (
    "CASE WHEN i % 200 = 7 THEN (CASE WHEN i % 400 = 7 THEN 'accepted' ELSE 'listed' END) "
    "WHEN i % 20 = 0 THEN 'rejected' WHEN i % 20 IN (1, 2) THEN 'in_approval' ELSE 'finished' END"
)
OPEN = "(i % 20 IN (1, 2) OR i % 400 = 207)"  # in approval, or a listed order


def _cases_sql(n: int, postgres: bool) -> str:
    with_, source = _series(n, postgres)
    item = "'事项' || CAST(i % 40 AS TEXT)"
    payload = (
        f"jsonb_build_object('item', {item}, 'limit', '5d')"
        if postgres
        else f"json_object('item', {item}, 'limit', '5d')"
    )
    false = "false" if postgres else "0"
    return (
        f"{with_}INSERT INTO cases (id, number, kind, state, unit_id, payload, clock_mode, alarm, due_at, "
        "due_provisional, next_alarm_at, version, event_count, last_hash, created_at, updated_at) "
        f"SELECT i, 'B' || CAST(i AS TEXT), {KIND}, {STATE}, 2 + i % {UNITS}, {payload}, "
        f"CASE WHEN {OPEN} THEN 'running' ELSE 'stopped' END, "
        "CASE WHEN i % 20 = 3 OR i % 400 = 207 THEN 'overdue' ELSE 'normal' END, "
        f"CASE WHEN {OPEN} THEN {_ts('t0 + 5 * 86400', postgres)} ELSE NULL END, {false}, NULL, 5, 5, "
        f"'{'0' * 64}', {_ts('t0', postgres)}, "
        f"CASE WHEN {OPEN} THEN {_ts('t0 + 300', postgres)} ELSE {_ts('t1', postgres)} END "
        f"FROM {source}"
    )


def _events_sql(n: int, postgres: bool) -> str:
    with_, source = _series(n, postgres)
    steps = "(SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) AS ks"
    last = (
        "CASE WHEN i % 200 = 7 THEN (CASE WHEN i % 400 = 7 THEN 'accept' ELSE 'escalate' END) "
        "WHEN i % 20 = 0 THEN 'reject' WHEN i % 20 IN (1, 2) THEN 'extend' ELSE 'finish' END"
    )
    action = (
        "CASE k WHEN 1 THEN 'open' WHEN 2 THEN 'accept' WHEN 3 THEN 'dispatch' "
        f"WHEN 4 THEN (CASE WHEN i % 50 = 4 THEN 'send_back' ELSE 'supplement' END) ELSE {last} END"
    )
    at = f"CASE WHEN k = 5 AND NOT {OPEN} THEN {_ts('t1', postgres)} ELSE {_ts('t0 + (k - 1) * 60', postgres)} END"
    data = "'{}'::jsonb" if postgres else "'{}'"
    return (
        f"{with_}INSERT INTO case_events (case_id, seq, action, actor, actor_id, at, from_state, to_state, data, "
        "prev_hash, hash) "
        f"SELECT i, k, {action}, 'bench', NULL, {at}, NULL, 'x', {data}, '{'0' * 64}', '{'0' * 64}' "
        f"FROM {source} CROSS JOIN {steps}"
    )


def _ratings_sql(n: int, postgres: bool) -> str:
    with_, source = _series(n, postgres)
    level = "CASE i % 10 WHEN 3 THEN 1 WHEN 4 THEN 2 WHEN 5 THEN 3 WHEN 6 THEN 4 WHEN 7 THEN 4 ELSE 5 END"
    true = "true" if postgres else "1"
    tags = "'[]'::jsonb" if postgres else "'[]'"
    return (
        f"{with_}INSERT INTO ratings (case_id, case_kind, unit_id, item_code, channel, scope, level, bad, "
        "real_name, comment, tags, rated_at, status, rectification_case_id) "
        f"SELECT i, 'generic_application', 2 + i % {UNITS}, NULL, 'phone', 'case', {level}, "
        f"(i % 10 IN (3, 4)), {true}, '', {tags}, {_ts('t1 + 3600', postgres)}, 'valid', "
        "CASE WHEN i % 10 IN (3, 4) THEN i ELSE NULL END "
        f"FROM {source} WHERE i % 20 BETWEEN 3 AND 12 AND i % 200 <> 7"
    )


def _units(conn: sa.Connection) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO units (id, code, name, kind, parent_id, region_code, duties, created_at) "
            "VALUES (1, 'BX', '基准县人民政府', 'region', NULL, '441624', '', :now)"
        ),
        {"now": NOW},
    )
    conn.execute(
        sa.text(
            "INSERT INTO units (id, code, name, kind, parent_id, region_code, duties, created_at) "
            "VALUES (:id, :code, :name, 'department', 1, NULL, '', :now)"
        ),
        [{"id": 2 + u, "code": f"BX{u:03d}", "name": f"基准县第{u + 1:03d}局", "now": NOW} for u in range(UNITS)],
    )


def _generate(url: str, n: int) -> float:
    engine = make_engine(url)
    upgrade(engine)
    postgres = engine.dialect.name == "postgresql"
    started = time.perf_counter()
    with engine.begin() as conn:
        _units(conn)
        for sql in (_cases_sql(n, postgres), _events_sql(n, postgres), _ratings_sql(n, postgres)):
            # psycopg reads % as a placeholder in driver-level SQL; the modulo operator is doubled for it.
            conn.exec_driver_sql(sql.replace("%", "%%") if postgres else sql)
        conn.exec_driver_sql("CREATE TABLE bench_meta (version INTEGER NOT NULL, cases INTEGER NOT NULL)")
        conn.exec_driver_sql(f"INSERT INTO bench_meta VALUES ({VERSION}, {n})")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return time.perf_counter() - started


def _cached(url: str, n: int) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.exec_driver_sql("SELECT version, cases FROM bench_meta").first()
            return row is not None and tuple(row) == (VERSION, n)
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()


def sqlite_url(n: int) -> str:
    CACHE.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{CACHE / f'oversight-{n}.db'}"


def postgres_url(n: int) -> str:
    name = f"onestop_bench_oversight_{n}"
    return sa.engine.make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


def prepare(url: str, n: int) -> str:
    """The generated database for ``n`` cases: from the cache, or generated now."""
    if _cached(url, n):
        return "cached"
    if url.startswith("sqlite"):
        path = Path(sa.engine.make_url(url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        admin = make_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        name = sa.engine.make_url(url).database
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
    return f"generated in {_generate(url, n):.1f} s"


def measure(url: str, runs: int = 3) -> tuple[float, float, int, int]:
    """Median seconds of the scorecards and of the bulletin's figures; units ranked; events in the month."""
    engine = make_engine(url)
    rt = Runtime(engine=engine, now=lambda: NOW)
    rt.working_time()  # the calendar is loaded once per process, not per report
    score_times, bulletin_times = [], []
    ranked = received = 0
    for _ in range(runs):
        t = time.perf_counter()
        view = scorecards(rt, CLI_ACTOR, PERIOD)
        score_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        figures = bulletin(rt, CLI_ACTOR, PERIOD)
        bulletin_times.append(time.perf_counter() - t)
        ranked = sum(1 for c in view.cards if c.rank is not None)
        received = figures.headline.received
    engine.dispose()
    return statistics.median(score_times), statistics.median(bulletin_times), ranked, received


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=int(os.environ.get("ONESTOP_BENCH_CASES", "1000000")))
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    n = args.cases
    print(f"bench.oversight: {n:,} cases, {5 * n:,} events, ~{n // 2:,} ratings; {UNITS} units; period {PERIOD}")
    results: dict[str, float] = {}
    targets = [("sqlite", sqlite_url(n))] + ([] if args.no_postgres else [("postgres", postgres_url(n))])
    for label, url in targets:
        print(f"{label}: database {prepare(url, n)}")
        score_s, bulletin_s, ranked, received = measure(url)
        results[label] = score_s + bulletin_s
        print(
            f"{label}: scorecards {score_s:.3f} s, bulletin figures {bulletin_s:.3f} s "
            f"(median of 3; {ranked} units ranked, {received:,} cases received in {PERIOD}) — target < 5 s"
        )
    print("RESULT " + " ".join(f"{label}_s={value:.3f}" for label, value in results.items()))


if __name__ == "__main__":
    main()
