"""Benchmark: the web shell over real HTTP on loopback — the workbench list and a case action, on SQLite.

    .venv/bin/python -m bench.http

The server is ``uvicorn onestop.web.app:create_app`` in a child process (one worker, as ``onestop serve``
starts it) on a SQLite file holding the demo county plus a few thousand applications. This process is the
load generator: a small asyncio HTTP/1.1 client with keep-alive connections (no third-party client, so the
generator costs little CPU beside the server on a 2-core machine).

Phases, each bounded in time and run ``ROUNDS`` times (best round reported, every round printed: the machine
is shared, and the server's CPU time per request is printed beside each round to tell its own cost from
other load):

* fixed rate: 200 requests/s for ``RATE_SECONDS``, open loop (a request is sent on schedule whatever the
  previous ones did, and its latency counts from the scheduled instant, so a stall is not hidden), a mix of
  nine workbench lists (GET /api/v1/cases, the clerk's 我的待办, 50 rows) to one action (POST …/actions/accept
  with ``expected_version``, on a fresh pending application) → p50 and p99 in milliseconds;
* list throughput: closed loop, ``CONNECTIONS`` connections asking for the list back to back → lists/s;
* action throughput: the same with accept actions, each on its own case → actions/s;
* for reference, once: the HTML workbench page (rendered each time, with its colour counts) → page_per_s.

The list endpoint serves a page from the list cache while no case has changed (``onestop.web.listcache``);
each action changes the data version, so in the fixed-rate phase every tenth request invalidates it.

Targets (issue 3, this 2-core machine): p99 < 100 ms at 200 requests/s; list ≥ 500 requests/s.
Last line: ``RESULT p50_ms=… p99_ms=… list_per_s=… action_per_s=… page_per_s=…``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from onestop.actions import accounts
from onestop.actions.intake import get_form, submit
from onestop.actions.runtime import Runtime
from onestop.db.engine import make_engine
from onestop.demo.build import build_demo
from onestop.org.synthetic import make_resident_id
from onestop.worktime import TZ

RATE = 200  # requests per second in the fixed-rate phase
RATE_SECONDS = 5.0
THROUGHPUT_SECONDS = 3.0
ROUNDS = 3  # each phase is run this many times and its best round reported (the machine is shared)
CONNECTIONS = 16
PENDING = 3000  # fresh applications for accept actions
ACTION_EVERY = 10  # one action in ten requests of the fixed-rate phase
LIST_PATH = "/api/v1/cases?mine=true&per_page=50"
PAGE_PATH = "/workbench"  # the HTML 我的待办: rendered each time, rows and colour counts from the list cache
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Target:
    host: str
    port: int
    token: str
    pending: Iterator[str]


# -- the client ------------------------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection; requests on it are sequential."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, token: str) -> None:
        self.reader, self.writer = reader, writer
        self.head = f"Host: {host}\r\nAuthorization: Bearer {token}\r\nConnection: keep-alive\r\n"

    @classmethod
    async def open(cls, target: Target) -> Connection:
        reader, writer = await asyncio.open_connection(target.host, target.port)
        return cls(reader, writer, f"{target.host}:{target.port}", target.token)

    async def request(self, method: str, path: str, body: bytes = b"") -> int:
        extra = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if method != "GET" else ""
        self.writer.write(f"{method} {path} HTTP/1.1\r\n{self.head}{extra}\r\n".encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        chunked = False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


def _action(target: Target) -> tuple[str, bytes]:
    number = next(target.pending)
    return f"/api/v1/cases/{number}/actions/accept", b'{"expected_version": 1}'


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)

    def status(self, code: int) -> None:
        if not 200 <= code < 300:
            self.errors[code] = self.errors.get(code, 0) + 1


async def fixed_rate(target: Target, rate: int, seconds: float) -> Tally:
    """Open loop: request i is due at start + i/rate; its latency runs from that instant."""
    tally = Tally()
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(CONNECTIONS):
        pool.put_nowait(await Connection.open(target))
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    total = int(rate * seconds)

    async def one(i: int) -> None:
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - loop.time()))
        connection = await pool.get()
        try:
            if i % ACTION_EVERY == ACTION_EVERY - 1:
                path, body = _action(target)
                code = await connection.request("POST", path, body)
            else:
                code = await connection.request("GET", LIST_PATH)
        finally:
            pool.put_nowait(connection)
        tally.latencies.append((loop.time() - due) * 1000)
        tally.status(code)

    await asyncio.gather(*(one(i) for i in range(total)))
    while not pool.empty():
        pool.get_nowait().close()
    return tally


async def closed_loop(target: Target, seconds: float, *, action: bool, path: str = LIST_PATH) -> tuple[float, Tally]:
    tally = Tally()
    loop = asyncio.get_running_loop()
    stop = loop.time() + seconds
    done = 0

    async def worker() -> None:
        nonlocal done
        connection = await Connection.open(target)
        try:
            while loop.time() < stop:
                if action:
                    try:
                        action_path, body = _action(target)
                    except StopIteration:
                        return  # every prepared application is accepted: the phase ends early
                    code = await connection.request("POST", action_path, body)
                else:
                    code = await connection.request("GET", path)
                tally.status(code)
                done += 1
        finally:
            connection.close()

    began = loop.time()
    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    return done / (loop.time() - began), tally


# -- the server and its data -------------------------------------------------------------------------------


def prepare(folder: Path) -> tuple[str, str, list[str]]:
    """The demo county, 30 simulated days, and ``PENDING`` fresh applications; returns (url, token, numbers)."""
    url = f"sqlite:///{folder / 'bench.db'}"
    rt = Runtime(engine=make_engine(url))
    now = datetime.now(TZ)
    build = build_demo(rt, now=now, days=30)
    form = get_form("general")
    numbers = []
    birth = datetime(1985, 1, 1, tzinfo=TZ).date()
    for i in range(PENDING):
        values = {
            "applicant_kind": "person",
            "applicant_name": f"申请人{i}",
            "id_number": make_resident_id("441624", birth + timedelta(days=i // 900), i % 900 + 1),
            "phone": f"139{i:08d}",
            "item": "个体工商户名称变更",
            "description": "压力测试",
        }
        numbers.append(submit(rt, form, values, actor=None, channel="api").case.number)
    clerk = build.county.users["clerk"]
    token, _ = accounts.issue_token(rt, clerk.id, "bench", by=build.county.users["admin"])
    rt.engine.dispose()
    return url, token, numbers


def start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ONESTOP_DATABASE_URL": url}
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "onestop.web.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )


def wait_ready(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to tell our cost from the machine's other load."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        url, token, numbers = prepare(folder)
        print(f"data: demo county + {PENDING} pending applications ({time.perf_counter() - began:.1f} s)", flush=True)
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
        port = free_port()
        log = folder / "server.log"
        server = start_server(url, port, log)
        try:
            wait_ready(port, server, log)
            target = Target("127.0.0.1", port, token, iter(numbers))
            sample = httpx.get(f"http://127.0.0.1:{port}{LIST_PATH}", headers={"Authorization": f"Bearer {token}"})
            listed = sample.json()
            print(f"list: {len(listed['items'])} of {listed['total']} cases per page, {len(sample.content):,} bytes")
            asyncio.run(closed_loop(target, 1.0, action=False))  # warm-up
            rounds = []
            for i in range(1, ROUNDS + 1):
                before = cpu_seconds(server.pid)
                r = asyncio.run(fixed_rate(target, RATE, RATE_SECONDS))
                used = (cpu_seconds(server.pid) - before) / len(r.latencies) * 1000
                rounds.append(r)
                print(
                    f"  fixed-rate round {i}: p50 {percentile(r.latencies, 0.5):.1f} ms, "
                    f"p99 {percentile(r.latencies, 0.99):.1f} ms, max {max(r.latencies):.1f} ms; "
                    f"server CPU {used:.2f} ms/request, load average {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
            tally = min(rounds, key=lambda r: percentile(r.latencies, 0.99))
            p50, p99 = percentile(tally.latencies, 0.50), percentile(tally.latencies, 0.99)
            print(
                f"fixed {RATE} req/s, {RATE_SECONDS:.0f} s a round, best of {ROUNDS} ({len(tally.latencies)} requests, "
                f"1 in {ACTION_EVERY} an action): p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
                f"mean {statistics.fmean(tally.latencies):.1f} ms, non-2xx {tally.errors or 0} (target p99 < 100 ms)",
                flush=True,
            )
            lists = [asyncio.run(closed_loop(target, THROUGHPUT_SECONDS, action=False)) for _ in range(ROUNDS)]
            list_rate, list_tally = max(lists, key=lambda r: r[0])
            print(
                f"list throughput: {list_rate:,.0f} req/s over {CONNECTIONS} connections, best of "
                f"{', '.join(f'{r:,.0f}' for r, _ in lists)}; non-2xx {list_tally.errors or 0} (target >= 500)",
                flush=True,
            )
            page_rate, page_tally = asyncio.run(closed_loop(target, THROUGHPUT_SECONDS, action=False, path=PAGE_PATH))
            print(
                f"HTML workbench page (rendered each time, from cached rows and counts): {page_rate:,.0f} req/s; "
                f"non-2xx {page_tally.errors or 0}",
                flush=True,
            )
            actions = [asyncio.run(closed_loop(target, THROUGHPUT_SECONDS, action=True)) for _ in range(ROUNDS)]
            action_rate, action_tally = max(actions, key=lambda r: r[0])
            print(
                f"action throughput: {action_rate:,.0f} accepts/s (one write transaction each), best of "
                f"{', '.join(f'{r:,.0f}' for r, _ in actions)}; non-2xx {action_tally.errors or 0}",
                flush=True,
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
    failures = sum(sum(r.errors.values()) for r in rounds)
    failures += sum(sum(t.errors.values()) for _, t in (*lists, *actions, (page_rate, page_tally)))
    print(
        f"RESULT p50_ms={p50:.1f} p99_ms={p99:.1f} list_per_s={list_rate:.0f} action_per_s={action_rate:.0f} "
        f"page_per_s={page_rate:.0f}" + (f" errors={failures}" if failures else "")
    )
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
