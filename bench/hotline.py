"""Benchmark of the 12345 hotline: intake + dispatch through the action layer, and the routing model's speed.

    .venv/bin/python -m bench.hotline

* ``intake_sqlite_per_s`` / ``intake_postgres_per_s``: an operator's call registered and dispatched in one
  transaction (``actions.hotline.register_request`` with a ``DispatchOrder``: validation, duplicate search,
  the case with its clock, the request row, the lookup code, the dispatch event), on a SQLite file and on
  PostgreSQL (``ONESTOP_BENCH_POSTGRES_URL``, default the local server). Beside it, the anchor: the bare
  engine's ``open_case`` + ``perform`` of a generic case (the same two events, no hotline rules).
* ``predict_per_s``: requests routed per second on one core (BLAS pinned to one thread), the model trained on
  the 2,816 teddycup2020 posts with replies (or, without ``../shared/data``, on synthetic rows), batches of 256.
* ``fit_10k_s``: fitting 10,000 requests (real posts drawn with replacement, their sentences shuffled), every
  unit of the data a class. Target < 30 s.

Last line: ``RESULT intake_sqlite_per_s=… intake_postgres_per_s=… predict_per_s=… fit_10k_s=…``.
"""

from __future__ import annotations

import os

# One core: numpy's BLAS must not spread a matrix product over the machine.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import random  # noqa: E402 -- after pinning BLAS threads
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from tempfile import TemporaryDirectory  # noqa: E402

import sqlalchemy as sa  # noqa: E402

from onestop.actions import hotline as hl  # noqa: E402
from onestop.actions.cases import open_case, perform  # noqa: E402
from onestop.actions.org import create_units, create_user  # noqa: E402
from onestop.actions.runtime import Runtime  # noqa: E402
from onestop.db.engine import make_engine  # noqa: E402
from onestop.db.migrate import upgrade  # noqa: E402
from onestop.hotline.kinds import Channel  # noqa: E402
from onestop.hotline.routing import Example, fit  # noqa: E402
from onestop.org.roles import Role  # noqa: E402
from onestop.org.units import Unit, UnitKind  # noqa: E402
from onestop.org.users import Actor, User  # noqa: E402
from onestop.worktime import TZ  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "teddycup2020"
REPLIED = DATA / "sheet4_messages_with_replies_2816.csv"
POSTGRES = os.environ.get("ONESTOP_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
POSTGRES_DATABASE = "onestop_bench_hotline"
START = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
SECONDS = float(os.environ.get("ONESTOP_BENCH_SECONDS", "3"))
TEXTS = (
    "小区楼下烧烤店每晚油烟和噪音扰民，到凌晨两点还不停，请相关部门处理。",
    "超市出售过期食品，店家拒绝退换，请市场监管部门查处。",
    "公司拖欠三个月工资不发，多次讨要无果，请求劳动监察介入。",
    "东风村水渠堵塞，农田灌溉困难，请求镇政府组织疏通。",
)


def _county(rt: Runtime) -> tuple[int, list[int], Actor]:
    (region,) = create_units(rt, [Unit(0, "B", "基准县人民政府", UnitKind.REGION, None, "441624")])
    (center,) = create_units(rt, [Unit(0, "BC", "基准县政务服务中心", UnitKind.CENTER, region.id)])
    units = [
        create_units(rt, [Unit(0, f"BD{i}", f"基准县第{i}局", UnitKind.DEPARTMENT, region.id, None, "执法")])[0].id
        for i in range(4)
    ]
    operator = create_user(rt, User(0, "bench_op", "话务员", center.id, frozenset({Role.OPERATOR})), None)
    return center.id, units, operator.as_actor()


def intake_rate(url: str) -> tuple[float, float]:
    """(hotline intake + dispatch per second, bare engine open + perform per second) on ``url``."""
    engine = make_engine(url)
    upgrade(engine)
    clock = [START]
    rt = Runtime(engine=engine, now=lambda: clock[0])
    center, units, operator = _county(rt)
    serial = [0]

    def one() -> None:
        serial[0] += 1
        n = serial[0]
        clock[0] = START + timedelta(seconds=n)
        values = {
            "category": "complaint",
            "requester_name": "张三",
            "phone": f"138{n:08d}",
            "address": f"东风路{n}号",
            "text": TEXTS[n % len(TEXTS)] + f"（第{n}次）",
        }
        hl.register_request(
            rt, operator, values, channel=Channel.PHONE, dispatch_to=hl.DispatchOrder(units[n % len(units)])
        )

    clerk = Actor(operator.user_id, "bench_clerk", frozenset({Role.WINDOW_CLERK}), center)

    def bare() -> None:
        serial[0] += 1
        clock[0] = START + timedelta(seconds=serial[0])
        case = open_case(rt, "generic_application", clerk, unit_id=center, payload={"limit": "5d"})
        perform(rt, case.number, "accept", clerk)

    best = best_bare = 0.0
    for _ in range(3):
        for work, store in ((one, "ours"), (bare, "bare")):
            count = 0
            started = time.perf_counter()
            while time.perf_counter() - started < SECONDS:
                work()
                count += 1
            rate = count / (time.perf_counter() - started)
            if store == "ours":
                best = max(best, rate)
            else:
                best_bare = max(best_bare, rate)
    engine.dispose()
    return best, best_bare


def _postgres_database(server: str) -> str:
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{POSTGRES_DATABASE}"')
    admin.dispose()
    return sa.engine.make_url(server).set(database=POSTGRES_DATABASE).render_as_string(hide_password=False)


def _rows() -> tuple[list[Example], str]:
    if REPLIED.is_file():
        from onestop.hotline.routing.evaluate import load_replied_posts

        replied, _ = load_replied_posts(REPLIED)
        return replied, "teddycup2020 posts with replies"
    rng = random.Random(0)
    words = [
        "路灯",
        "噪音",
        "油烟",
        "工资",
        "社保",
        "学校",
        "医院",
        "供电",
        "物业",
        "施工",
        "占道",
        "污水",
        "垃圾",
        "停车",
        "补贴",
        "户籍",
    ]
    rows = [
        Example("，".join(rng.choice(words) * rng.randint(1, 3) for _ in range(40)), f"单位{rng.randrange(300)}")
        for _ in range(3000)
    ]
    return rows, "synthetic rows (shared data missing)"


def routing_figures() -> tuple[float, float]:
    replied, source = _rows()
    router = fit(replied)
    texts = [e.text for e in replied] * 2
    router.predict(texts[:50])
    started = time.perf_counter()
    for i in range(0, len(texts), 256):
        router.predict(texts[i : i + 256], k=3)
    predict_per_s = len(texts) / (time.perf_counter() - started)
    print(f"predict   {len(texts)} requests of {source}, {len(router.units)} units: {predict_per_s:,.0f}/s (one core)")
    rng = random.Random(0)
    rows: list[Example] = []
    while len(rows) < 10_000:
        e = rng.choice(replied)
        parts = re.split(r"(?<=[。！？!?\n])", e.text)
        rng.shuffle(parts)
        rows.append(Example("".join(parts), e.unit, e.day))
    started = time.perf_counter()
    big = fit(rows)
    fit_s = time.perf_counter() - started
    print(f"fit       10,000 requests, {len(big.units)} units: {fit_s:.1f} s (target < 30 s)", flush=True)
    return predict_per_s, fit_s


def main() -> int:
    print("intake: an operator's call registered and dispatched in one transaction (best of 3 rounds)")
    with TemporaryDirectory() as tmp:
        sqlite, sqlite_bare = intake_rate(f"sqlite:///{Path(tmp) / 'hotline.db'}")
    print(f"SQLite file:  ours {sqlite:8,.0f} requests/s; bare engine open + action {sqlite_bare:8,.0f}/s", flush=True)
    postgres, postgres_bare = intake_rate(_postgres_database(POSTGRES))
    print(f"PostgreSQL:   ours {postgres:8,.0f} requests/s; bare engine open + action {postgres_bare:8,.0f}/s")
    predict_per_s, fit_s = routing_figures()
    print(
        f"RESULT intake_sqlite_per_s={sqlite:.0f} intake_postgres_per_s={postgres:.0f} "
        f"predict_per_s={predict_per_s:.0f} fit_10k_s={fit_s:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
