"""Benchmark: 企业开办 bundles end to end through the action layer, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.window

One bundle is what a county's window does for one new enterprise: file (13 materials checked, the catalogue
version recorded), accept (six department approvals opened), six approvals (the market regulator registers the
enterprise and its credit code), 统一出件 (six SM2-signed certificates in one transaction) and delivery: ten
write transactions, 20 events. Bundles per second is the whole of that, single writer, on a SQLite file and on
PostgreSQL (``ONESTOP_BENCH_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/postgres``; a scratch
database ``onestop_bench_window`` is created and dropped).

Certificate signing and verification per second come from ``bench.certs.measure_sign_verify`` (ours through
``onestop.certs`` beside the raw ``tongsuopy`` rate on the same key).

Last line: ``RESULT bundles_sqlite_per_s=… bundles_postgres_per_s=… sign_per_s=… verify_per_s=…`` followed by
the raw library's figures.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

import sqlalchemy as sa

from bench.certs import measure_sign_verify
from onestop.actions import window
from onestop.actions.org import create_units, create_user
from onestop.actions.runtime import Runtime
from onestop.catalog import default_catalog
from onestop.db import cases_repo
from onestop.db.engine import make_engine, read
from onestop.db.migrate import upgrade
from onestop.demo.county import REGION_CODE, UNITS
from onestop.org.roles import Role
from onestop.org.synthetic import make_credit_code, make_resident_id
from onestop.org.units import Unit, UnitKind
from onestop.org.users import Actor, User
from onestop.worktime import TZ

POSTGRES = os.environ.get("ONESTOP_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SCRATCH = "onestop_bench_window"
N_BUNDLES = int(os.environ.get("ONESTOP_BENCH_WINDOW_BUNDLES", "60"))
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=TZ)


def _setup(rt: Runtime) -> tuple[Actor, dict[str, Actor]]:
    upgrade(rt.engine)
    units: dict[str, Unit] = {}
    for code, name, kind, parent, duties in UNITS:
        parent_id = units[parent].id if parent else None
        region = REGION_CODE if kind is UnitKind.REGION else None
        (units[code],) = create_units(rt, [Unit(0, code, name, kind, parent_id, region, duties)])
    clerk = create_user(rt, User(0, "clerk", "受理员", units["ZWFW"].id, frozenset({Role.WINDOW_CLERK})), None)
    departments = default_catalog().target("qykb").departments
    approvers = {
        code: create_user(
            rt, User(0, f"ap_{code.lower()}", code, units[code].id, frozenset({Role.APPROVER})), None
        ).as_actor()
        for code in departments
    }
    return clerk.as_actor(), approvers


def one_bundle(rt: Runtime, clerk: Actor, approvers: dict[str, Actor], serial: int) -> int:
    """Files, accepts, approves, issues and delivers one 企业开办; returns the certificates issued."""
    catalog = default_catalog()
    materials = [window.MaterialInput(m.code) for m in catalog.materials_for(catalog.target("qykb"))]
    applicant = window.Applicant("person", "张三", make_resident_id(REGION_CODE, date(1990, 1, 1), serial % 999 + 1))
    sub = window.submit(
        rt,
        "qykb",
        applicant=applicant,
        actor=clerk,
        materials=materials,
        details={"enterprise_name": f"和平县第{serial}号商贸有限公司"},
    )
    window.accept(rt, sub.case.number, clerk)
    view = window.check(rt, sub.case.number)
    assert view.complete

    with read(rt.engine) as conn:
        approvals = window.approvals_of(conn, cases_repo.load_case(conn, sub.case.number))
    code_of = {approvers[c].unit_id: c for c in approvers}
    for approval in approvals:
        dept = code_of[approval.unit_id]
        credit = make_credit_code(REGION_CODE, f"MB{serial:07d}") if dept == "SCJ" else None
        window.approve(rt, approval.number, approvers[dept], credit_code=credit)
    issued = window.issue(rt, sub.case.number, clerk)
    window.deliver(rt, sub.case.number, clerk, method="window", recipient="张三")
    return len(issued.certificates)


def run(label: str, url: str) -> float:
    engine = make_engine(url)
    rt = Runtime(engine=engine, now=lambda: NOW)
    clerk, approvers = _setup(rt)
    one_bundle(rt, clerk, approvers, 0)  # warm: the signing key is made, caches filled
    started = time.perf_counter()
    certificates = sum(one_bundle(rt, clerk, approvers, i) for i in range(1, N_BUNDLES + 1))
    elapsed = time.perf_counter() - started
    assert certificates == 6 * N_BUNDLES, certificates
    rate = N_BUNDLES / elapsed
    print(
        f"{label}: {N_BUNDLES} 企业开办 bundles in {elapsed:.2f} s: {rate:.1f} bundles/s "
        f"({elapsed / N_BUNDLES * 1000:.0f} ms each, 10 transactions, 6 certificates)",
        flush=True,
    )
    engine.dispose()
    return rate


def _scratch(server: str) -> str:
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{SCRATCH}"')
    admin.dispose()
    return sa.engine.make_url(server).set(database=SCRATCH).render_as_string(hide_password=False)


def _drop(server: str) -> None:
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
    admin.dispose()


def main() -> int:
    print(f"bench.window: {N_BUNDLES} 企业开办 bundles end to end through onestop.actions.window", flush=True)
    with TemporaryDirectory() as tmp:
        sqlite = run("SQLite", f"sqlite:///{Path(tmp) / 'window.db'}")
    try:
        postgres = run("PostgreSQL", _scratch(POSTGRES))
    finally:
        _drop(POSTGRES)
    certs = measure_sign_verify(300)
    print(
        f"certificates: ours sign {certs['sign_per_s']:.0f}/s verify {certs['verify_per_s']:.0f}/s; "
        f"raw library sign {certs['raw_sign_per_s']:.0f}/s verify {certs['raw_verify_per_s']:.0f}/s",
        flush=True,
    )
    print(
        f"RESULT bundles_sqlite_per_s={sqlite:.2f} bundles_postgres_per_s={postgres:.2f} "
        f"sign_per_s={certs['sign_per_s']:.0f} verify_per_s={certs['verify_per_s']:.0f} "
        f"raw_sign_per_s={certs['raw_sign_per_s']:.0f} raw_verify_per_s={certs['raw_verify_per_s']:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
