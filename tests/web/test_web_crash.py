"""Crash safety: SIGKILL the server while the public submits over HTTP; nothing acknowledged may be lost.

A bounded loop of concurrent submissions runs against ``uvicorn onestop.web.app:create_app`` in a child
process; the process is killed (SIGKILL: no cleanup, no flush) in the middle of it, restarted, and then every
submission that had received a 2xx answer must be found by its number and verification code, every case must
have its submission record and its complete event chain (``onestop audit verify``), and no row may be
half-written. On SQLite (WAL) and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from web_helpers import START, build_county, person_values
from web_server import free_port, start_process, wait_ready

from onestop.actions.audit import verify_all
from onestop.actions.runtime import Runtime
from onestop.db.engine import make_engine
from onestop.db.migrate import upgrade
from onestop.db.tables import case_events, case_submissions, cases, parties
from tests.conftest import TravelClock

WORKERS = 4
ACKNOWLEDGED_BEFORE_KILL = 40
MAX_SUBMISSIONS = 400  # the loop is bounded even if the kill never came


def _submitter(base: str, seq0: int, stop: threading.Event, acknowledged: dict[str, str], lock: threading.Lock) -> None:
    seq = seq0
    with httpx.Client(base_url=base, timeout=10) as client:
        while not stop.is_set() and seq < seq0 + MAX_SUBMISSIONS // WORKERS:
            seq += 1
            try:
                response = client.post("/api/v1/public/forms/general/submissions", json={"values": person_values(seq)})
            except httpx.HTTPError:
                return  # the server is gone: this request was never acknowledged
            if 200 <= response.status_code < 300:
                body = response.json()
                with lock:
                    acknowledged[body["number"]] = body["verification_code"]


def _load_until_killed(url: str, logs: Path) -> dict[str, str]:
    """Submits from ``WORKERS`` threads until enough are acknowledged, then SIGKILLs the server mid-load."""
    port = free_port()
    log = logs / "server.log"
    server = start_process(url, port, log)
    base = f"http://127.0.0.1:{port}"
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    try:
        wait_ready(base, server, log)
        threads = [
            threading.Thread(target=_submitter, args=(base, 1000 * (i + 1), stop, acknowledged, lock))
            for i in range(WORKERS)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(server.pid, signal.SIGKILL)  # mid-load: requests are in flight in every worker
        server.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    return acknowledged


def _look_up_after_restart(url: str, logs: Path, acknowledged: dict[str, str]) -> None:
    port = free_port()
    log = logs / "server.log"
    restarted = start_process(url, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, restarted, log)
        with httpx.Client(base_url=base, timeout=10) as client:
            for number, code in sorted(acknowledged.items()):
                # The lookup throttle counts failures only, so a long run of good lookups never trips it.
                found = client.post("/api/v1/public/lookup", json={"number": number, "code": code})
                assert found.status_code == 200, (number, found.text)
    finally:
        restarted.terminate()
        restarted.wait(timeout=10)


def _nothing_half_written(engine: Engine, acknowledged: dict[str, str]) -> None:
    with engine.connect() as conn:
        case_ids = set(conn.execute(sa.select(cases.c.id)).scalars())
        submitted = set(conn.execute(sa.select(case_submissions.c.case_id)).scalars())
        assert case_ids == submitted, "a case without its submission record, or the reverse"
        numbers = set(conn.execute(sa.select(cases.c.number)).scalars())
        assert set(acknowledged) <= numbers
        without_events = ~sa.exists(sa.select(case_events.c.id).where(case_events.c.case_id == cases.c.id))
        assert conn.execute(sa.select(sa.func.count()).select_from(cases).where(without_events)).scalar_one() == 0
        no_party = cases.c.party_id.is_(None) | ~sa.exists(
            sa.select(parties.c.id).where(parties.c.id == cases.c.party_id)
        )
        assert conn.execute(sa.select(sa.func.count()).select_from(cases).where(no_party)).scalar_one() == 0
    report = verify_all(engine)
    assert report.ok, report.problems
    assert report.cases == len(case_ids)


def _crash_and_check(url: str, password_hash: str, logs: Path) -> None:
    engine = make_engine(url)
    upgrade(engine)
    build_county(Runtime(engine=engine, now=TravelClock(START)), password_hash)
    acknowledged = _load_until_killed(url, logs)
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL
    _look_up_after_restart(url, logs, acknowledged)
    _nothing_half_written(engine, acknowledged)
    engine.dispose()


def test_sigkill_loses_no_acknowledged_submission_on_sqlite(tmp_path: Path, password_hash: str) -> None:
    _crash_and_check(f"sqlite:///{tmp_path / 'crash.db'}", password_hash, tmp_path)


@pytest.mark.postgres
def test_sigkill_loses_no_acknowledged_submission_on_postgresql(
    postgres_url: str, password_hash: str, tmp_path: Path
) -> None:
    _crash_and_check(postgres_url, password_hash, tmp_path)
