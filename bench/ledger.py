"""Benchmark: reading the five seed work plans into tasks.

    .venv/bin/python -m bench.ledger

Parses every plan in ../shared/seeds 100 times (after one warm-up pass that pays for imports) and reports
plans per second; the target is at least 50. The last line is machine-readable: ``RESULT plans_per_s=…``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from onestop.ledger import parse_text

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
ROUNDS = 100
TARGET = 50.0


def main() -> int:
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        print(f"no seed plans at {SEEDS}", file=sys.stderr)
        return 1
    texts = [f.read_text(encoding="utf-8") for f in files]
    tasks = [len(parse_text(t).tasks) for t in texts]  # warm-up: imports, regex compilation, caches
    start = time.perf_counter()
    for _ in range(ROUNDS):
        for text in texts:
            parse_text(text)
    elapsed = time.perf_counter() - start
    plans = ROUNDS * len(texts)
    rate = plans / elapsed
    for f, n in zip(files, tasks, strict=True):
        print(f"{f.name}: {n} tasks")
    print(f"parsed {plans} plans ({sum(tasks) * ROUNDS} tasks) in {elapsed:.2f} s; target >= {TARGET:.0f} plans/s")
    print(f"RESULT plans_per_s={rate:.1f} tasks_per_s={sum(tasks) * ROUNDS / elapsed:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
