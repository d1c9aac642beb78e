"""Benchmark: every indicator of the tree for 100 regions over 1,000,000 cases, on SQLite and on PostgreSQL.

    .venv/bin/python -m bench.evaluation      # ONESTOP_BENCH_CASES=100000 for a quicker run
    ONESTOP_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres (default) names the server

A province of 100 counties, each with a service center and three departments, after a year (2026) of
generic applications: 250,000 applications, each with three parallel department approvals (1,000,000 cases,
about 2.6 million events). 90 % finished (a fifth on the day of acceptance, the rest after 1–12 working days,
the overdue ones marked as the engine marks them), 7 % still in approval, 3 % rejected; one in ten needed
补正, one in fifty twice. Every entered component (and every computed one whose module is not built yet)
has an approved value for every county (8,300 entries).

Both databases are loaded at once (each in its own process), then the evaluations are timed one after the
other. Timed: ``actions.evaluation.evaluate_period`` for the year 2026 — all 87 components of the default tree for
the 100 counties (the four measures over generic applications computed from the cases, the rest read from
the entries), scored and ranked — in a fresh process, after the load; then the same for 2026Q3, and one
county's drill-down with the case numbers. Target: the year < 10 s on each database.
The whole run stays under 5 minutes.

The load writes rows straight through the driver (COPY on PostgreSQL), shaped as the action layer writes
them, with two simplifications: each clock is one segment (补正 pauses are not recorded in it) and the hashes
are placeholders. This benchmark measures reads (``onestop audit verify`` would reject these chains, and the
database is thrown away). Last line: ``RESULT sqlite_s=… postgres_s=…``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import sqlalchemy as sa

from onestop.actions.evaluation import accepts_entries, evaluate_period
from onestop.actions.runtime import Runtime
from onestop.db.engine import make_engine, read
from onestop.db.migrate import upgrade
from onestop.db.org_repo import load_unit_tree
from onestop.db.tables import case_events, cases, evaluation_entries, units
from onestop.evaluation.regions import evaluated_regions
from onestop.evaluation.tree import load_tree
from onestop.worktime import TZ, default_working_time

N_CASES = int(os.environ.get("ONESTOP_BENCH_CASES", "1000000"))
POSTGRES = os.environ.get("ONESTOP_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
N_REGIONS = 100
DEPARTMENTS = 3
CASES_PER_APPLICATION = 1 + DEPARTMENTS
CHUNK = 10_000  # applications per insert batch
YEAR = 2026
NOW = datetime(2026, 12, 31, 18, 0, tzinfo=TZ)
PLACEHOLDER_HASH = "0" * 64


def _units(n_regions: int) -> list[dict[str, Any]]:
    """Province 440000; counties 44PPCC; each with a center (unit ids region + 1) and three departments."""
    rows: list[dict[str, Any]] = [
        {"id": 1, "code": "GD", "name": "广东省", "kind": "region", "parent_id": None, "region_code": "440000"}
    ]
    for r in range(n_regions):
        base = 2 + r * (2 + DEPARTMENTS)
        code = f"44{r // 10 + 1:02d}{r % 10 + 1:02d}"
        rows.append(
            {
                "id": base,
                "code": f"X{r:03d}",
                "name": f"第{r + 1:03d}县",
                "kind": "region",
                "parent_id": 1,
                "region_code": code,
            }
        )
        rows.append(
            {
                "id": base + 1,
                "code": f"X{r:03d}-ZW",
                "name": f"第{r + 1:03d}县政务服务中心",
                "kind": "center",
                "parent_id": base,
                "region_code": None,
            }
        )
        for d in range(DEPARTMENTS):
            rows.append(
                {
                    "id": base + 2 + d,
                    "code": f"X{r:03d}-D{d}",
                    "name": f"第{r + 1:03d}县第{d + 1}局",
                    "kind": "department",
                    "parent_id": base,
                    "region_code": None,
                }
            )
    for row in rows:
        row["duties"] = ""
        row["created_at"] = NOW
    return rows


EPOCH = datetime(YEAR, 1, 1, tzinfo=UTC)  # instants are generated as whole minutes after this


class _Year:
    """The working days of 2026; instants on them as minutes after ``EPOCH`` (cheap to make and to format)."""

    def __init__(self) -> None:
        wt = default_working_time()
        days = [d.date for d in wt.days(date(YEAR, 1, 1), date(YEAR, 12, 31)) if d.workday]
        self.nine = [int((datetime(d.year, d.month, d.day, 9, tzinfo=TZ) - EPOCH).total_seconds()) // 60 for d in days]

    def at(self, day_index: int, minutes_after_nine: int) -> int:
        return self.nine[day_index] + minutes_after_nine


EMPTY: dict[str, Any] = {}
PAYLOADS: dict[int, dict[str, Any]] = {5: {"limit": "5d"}, 10: {"limit": "10d"}}
REASON: dict[str, Any] = {"reason": "材料不符"}
ITEMS: dict[str, Any] = {"items": ["章程"]}
Row = tuple[Any, ...]


def _applications(n_applications: int, n_regions: int, seed: int = 2026) -> Iterator[tuple[list[Row], list[Row]]]:
    """Chunks of (case rows, event rows) as plain tuples in table column order (values not yet bound)."""
    rng = random.Random(seed)
    year = _Year()
    case_rows: list[Row] = []
    event_rows: list[Row] = []
    for i in range(n_applications):
        _application(rng, year, i, n_regions=n_regions, case_rows=case_rows, event_rows=event_rows)
        if (i + 1) % CHUNK == 0 or i + 1 == n_applications:
            yield case_rows, event_rows
            case_rows, event_rows = [], []


def _application(
    rng: random.Random, year: _Year, i: int, *, n_regions: int, case_rows: list[Row], event_rows: list[Row]
) -> None:
    base_unit = 2 + (i % n_regions) * (2 + DEPARTMENTS)
    app_id = i * CASES_PER_APPLICATION + 1
    k = rng.randrange(0, len(year.nine) - 6)
    accepted = year.at(k, rng.randrange(0, 400))
    dispatched = accepted + 10
    limit = 5 if rng.random() < 0.8 else 10
    roll = rng.random()
    events: list[Row] = [
        (app_id, 1, "open", "clerk", None, accepted - 5, None, "pending", EMPTY),
        (app_id, 2, "accept", "clerk", None, accepted, "pending", "accepted", EMPTY),
    ]
    finished: int | None = None
    if roll < 0.03:
        rejected = accepted + 30
        events.append((app_id, 3, "reject", "clerk", None, rejected, "accepted", "rejected", REASON))
        state, alarm = "rejected", "normal"
    else:
        events.append((app_id, 3, "dispatch", "clerk", None, dispatched, "accepted", "in_approval", EMPTY))
        wd = 0 if rng.random() < 0.2 else rng.randint(1, 12)
        if roll < 0.10 or k + wd >= len(year.nine):
            state, alarm = "in_approval", "normal"
        else:
            finished = accepted + 120 if wd == 0 else year.at(k + wd, 360)
            state, alarm = "finished", ("overdue" if wd > limit else "normal")
            events.append((app_id, 4, "finish", "system", None, finished, "in_approval", "finished", EMPTY))
    last = events[-1][5]
    case_rows.append(
        (
            app_id,
            f"SQ{i:010d}",
            "generic_application",
            state,
            base_unit + 1,
            None,
            alarm,
            len(events),
            accepted,
            last,
            PAYLOADS[limit],
            (limit, accepted, None if state == "in_approval" else last),
        )
    )
    event_rows.extend(events)
    if state == "rejected":
        return
    asks = 0
    if finished is not None:
        ask_roll = rng.random()
        asks = 2 if ask_roll < 0.02 else (1 if ask_roll < 0.10 else 0)
    for d in range(DEPARTMENTS):
        sp_id = app_id + 1 + d
        sp: list[Row] = [(sp_id, 1, "open", "clerk", None, dispatched, None, "in_approval", EMPTY)]
        t = dispatched
        for _ in range(asks if d == 0 else 0):
            t += 30
            sp.append(
                (sp_id, len(sp) + 1, "request_supplement", "approver", None, t, "in_approval", "supplement", ITEMS)
            )
            t += 30
            sp.append((sp_id, len(sp) + 1, "supplement", "approver", None, t, "supplement", "in_approval", EMPTY))
        sp_state = "in_approval"
        if finished is not None:
            sp.append((sp_id, len(sp) + 1, "approve", "approver", None, finished, "in_approval", "approved", EMPTY))
            sp_state = "approved"
        case_rows.append(
            (
                sp_id,
                f"SP{i:08d}{d:02d}",
                "generic_approval",
                sp_state,
                base_unit + 2 + d,
                app_id,
                "normal",
                len(sp),
                dispatched,
                sp[-1][5],
                PAYLOADS[limit],
                (limit, dispatched, finished),
            )
        )
        event_rows.extend(sp)


CASE_COLUMNS = [
    "id",
    "number",
    "kind",
    "state",
    "unit_id",
    "parent_id",
    "alarm",
    "event_count",
    "created_at",
    "updated_at",
    "payload",
    "clock",
    "clock_mode",
    "due_provisional",
    "version",
    "last_hash",
]
EVENT_COLUMNS = [
    "case_id",
    "seq",
    "action",
    "actor",
    "actor_id",
    "at",
    "from_state",
    "to_state",
    "data",
    "prev_hash",
    "hash",
]


def load(url: str, n_cases: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    n_applications = n_cases // CASES_PER_APPLICATION
    # Secondary indexes are built once after the load (a sorted build), not row by row during it.
    deferred = [*cases.indexes, *case_events.indexes]
    with engine.begin() as conn:
        for index in deferred:
            index.drop(conn)
        conn.execute(sa.insert(units), _units(N_REGIONS))
        postgres = conn.dialect.name == "postgresql"
        raw = conn.connection.driver_connection
        assert raw is not None
        text = _Text(postgres)
        for case_rows, event_rows in _applications(n_applications, N_REGIONS):
            full_cases = [
                (
                    *row[:8],
                    text.at(row[8]),
                    text.at(row[9]),
                    text.json(row[10]),
                    text.clock(*row[11]),
                    "stopped" if row[3] in {"finished", "rejected", "approved"} else "running",
                    False,
                    row[7],
                    PLACEHOLDER_HASH,
                )
                for row in case_rows
            ]
            full_events = [
                (*row[:5], text.at(row[5]), row[6], row[7], text.json(row[8]), PLACEHOLDER_HASH, PLACEHOLDER_HASH)
                for row in event_rows
            ]
            _copy(raw, postgres, "cases", CASE_COLUMNS, full_cases)
            _copy(raw, postgres, "case_events", EVENT_COLUMNS, full_events)
        _entries(conn)
    with engine.begin() as conn:
        for index in deferred:
            index.create(conn)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases) + 1)")
            conn.exec_driver_sql("SELECT setval('case_events_id_seq', (SELECT max(id) FROM case_events) + 1)")
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def _entries(conn: sa.Connection) -> None:
    """An approved value for every component that accepts entries, for every county (random within bounds)."""
    rng = random.Random(8)
    tree = load_tree(YEAR)
    rows = []
    regions = evaluated_regions(load_unit_tree(conn))
    for region in regions:
        for component in tree.components():
            if not accepts_entries(component):
                continue
            low, high = sorted((component.frontier, component.worst))
            rows.append(
                {
                    "region_id": region.id,
                    "period": str(YEAR),
                    "indicator": component.key,
                    "value": round(rng.uniform(low, high), 2),
                    "unit_id": None,
                    "evidence": ["bench.xlsx"],
                    "note": "",
                    "status": "approved",
                    "entered_by": "bench",
                    "reviewed_by": "bench-reviewer",
                    "review_comment": "",
                    "history": [],
                    "version": 3,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
    conn.execute(sa.insert(evaluation_entries), rows)


def _copy(raw: Any, postgres: bool, table: str, columns: list[str], rows: list[Row]) -> None:
    names = ", ".join(columns)
    if postgres:
        # COPY's text format written by hand: the values are integers, booleans, None and plain text without
        # tabs, newlines or backslashes, so one join per row is all the escaping needed.
        text = "".join("\t".join(_copy_text(v) for v in row) + "\n" for row in rows)
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            copy.write(text.encode())
        return
    marks = ", ".join("?" for _ in columns)
    raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(value)


class _Text:
    """Instants and JSON as the column types store them: UTC text with microseconds on SQLite (``+00`` added
    for PostgreSQL's COPY), JSON text. The loader shares a few dict objects, so each is encoded once."""

    def __init__(self, postgres: bool) -> None:
        self.suffix = "+00" if postgres else ""
        self.instants: dict[int, str] = {}
        self.documents: dict[int, str] = {}

    def at(self, minute: int) -> str:
        text = self.instants.get(minute)
        if text is None:
            moment = EPOCH + timedelta(minutes=minute)
            text = self.instants[minute] = moment.strftime("%Y-%m-%d %H:%M:%S.000000") + self.suffix
        return text

    def local(self, minute: int) -> str:
        return (EPOCH + timedelta(minutes=minute)).astimezone(TZ).isoformat()

    def clock(self, limit: int, start: int, stop: int | None) -> str:
        """The clock as ``Clock.to_json`` writes it: one segment from ``start``, stopped at ``stop``."""
        head = f'{{"limit": {{"amount": "{limit}", "unit": "workday"}}, '
        head += '"extension": {"amount": "0", "unit": "workday"}, '
        if stop is None:
            return head + f'"segments": [["{self.local(start)}", null]], "stopped_at": null}}'
        end = self.local(stop)
        return head + f'"segments": [["{self.local(start)}", "{end}"]], "stopped_at": "{end}"}}'

    def json(self, value: dict[str, Any]) -> str:
        text = self.documents.get(id(value))
        if text is None:
            text = self.documents[id(value)] = json.dumps(value, ensure_ascii=False)
        return text


def _evaluate(url: str, out: Any) -> None:
    engine = make_engine(url)
    rt = Runtime(engine=engine, now=lambda: NOW)
    rt.working_time()
    with read(engine) as conn:
        regions = evaluated_regions(load_unit_tree(conn))
    started = time.perf_counter()
    year = evaluate_period(rt, str(YEAR), regions=regions)
    year_s = time.perf_counter() - started
    started = time.perf_counter()
    evaluate_period(rt, f"{YEAR}Q3", regions=regions)
    quarter_s = time.perf_counter() - started
    started = time.perf_counter()
    one = evaluate_period(rt, str(YEAR), regions=regions[:1], with_cases=True)
    drill_s = time.perf_counter() - started
    cases_linked = sum(len(m.cases) for m in one.results[0].measurements.values())
    first = year.results[0]
    best = year.ranking[0]
    summary = {
        "regions": len(year.results),
        "components": sum(1 for _ in year.tree.components()),
        "scored": sum(c.score is not None for i in first.card.indicators for c in i.components),
        "finished_in_first": first.measurements["gov_services.on_time_rate"].denominator,
        "on_time_first": first.measurements["gov_services.on_time_rate"].value,
        "best": (best.subject, best.score),
        "bottom": [r.subject for r in year.ranking if r.bottom],
        "cases_linked": cases_linked,
    }
    out.send((year_s, quarter_s, drill_s, summary))
    engine.dispose()


def evaluate_in_fresh_process(url: str) -> tuple[float, float, float, dict[str, Any]]:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_evaluate, args=(url, child))
    process.start()
    result = parent.recv()
    process.join()
    return result  # type: ignore[no-any-return]


def _postgres_database(server: str) -> str:
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql('DROP DATABASE IF EXISTS "onestop_bench_evaluation" WITH (FORCE)')
        conn.exec_driver_sql('CREATE DATABASE "onestop_bench_evaluation"')
    admin.dispose()
    return sa.engine.make_url(server).set(database="onestop_bench_evaluation").render_as_string(hide_password=False)


def _load_timed(url: str, out: Any) -> None:
    started = time.perf_counter()
    load(url, N_CASES)
    out.send(time.perf_counter() - started)


def load_side_by_side(urls: dict[str, str]) -> dict[str, float]:
    """Loads every database at once, each in its own process: the loads overlap, nothing is timed then."""
    context = multiprocessing.get_context("spawn")
    running = []
    for label, url in urls.items():
        parent, child = context.Pipe()
        process = context.Process(target=_load_timed, args=(url, child))
        process.start()
        running.append((label, process, parent))
    seconds = {}
    for label, process, parent in running:
        seconds[label] = parent.recv()
        process.join()
        print(f"{label}: loaded {N_CASES:,} cases for {N_REGIONS} counties in {seconds[label]:.1f} s", flush=True)
    return seconds


def report(label: str, url: str) -> float:
    """Times the evaluation in a fresh process, alone on the machine's share of this benchmark."""
    year_s, quarter_s, drill_s, summary = evaluate_in_fresh_process(url)
    print(
        f"{label}: all {summary['components']} components × {summary['regions']} counties for {YEAR}: {year_s:.2f} s; "
        f"{YEAR}Q3: {quarter_s:.2f} s; one county with its case numbers "
        f"({summary['cases_linked']:,} links): {drill_s:.2f} s",
        flush=True,
    )
    print(
        f"{label}: first county {summary['finished_in_first']:,} finished, on time {summary['on_time_first']:.1f} %, "
        f"{summary['scored']} components scored; best {summary['best'][0]} {summary['best'][1]:.2f}; "
        f"bottom {', '.join(summary['bottom'])}",
        flush=True,
    )
    return year_s


def main() -> None:
    print(f"bench.evaluation: {N_CASES:,} cases, {N_REGIONS} counties, the default tree for {YEAR}", flush=True)
    with TemporaryDirectory() as tmp:
        urls = {"SQLite": f"sqlite:///{Path(tmp) / 'evaluation.db'}", "PostgreSQL": _postgres_database(POSTGRES)}
        load_side_by_side(urls)
        sqlite_s = report("SQLite", urls["SQLite"])
        postgres_s = report("PostgreSQL", urls["PostgreSQL"])
    print("target: all indicators for 100 counties over 1,000,000 cases < 10 s on each", flush=True)
    print(f"RESULT sqlite_s={sqlite_s:.3f} postgres_s={postgres_s:.3f}")


if __name__ == "__main__":
    sys.exit(main())
