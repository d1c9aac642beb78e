"""Benchmark: working-day arithmetic, ours beside chinese_calendar and holidays.

    .venv/bin/python -m bench.worktime

1,000,000 random (start date, N working days 1..30) pairs over 2019–2026: our numpy batch path
and our single-call path on all of them; the two reference libraries on a subsample (they are
orders of magnitude slower). Answers are compared wherever both sides know the dates: results
that reach into days without a State Council notice (late December 2026 onward) are provisional
for us and outside chinese_calendar's data, so they are left out of the comparison.
The last line is machine-readable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date

import chinese_calendar
import holidays
import numpy as np

from onestop.worktime import default_working_time, nth_workday_after_many

PAIRS = 1_000_000
SUBSAMPLE = 20_000
SEED = 20260807
FIRST, LAST = date(2019, 1, 1), date(2026, 12, 31)


def best_of(runs: int, fn: Callable[[], object]) -> float:
    """Fastest wall time of ``runs`` calls: the least disturbed measurement of the same work."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    wt = default_working_time()
    rng = np.random.default_rng(SEED)
    first_day = np.datetime64(FIRST.isoformat(), "D").astype(np.int64)
    span = (LAST - FIRST).days + 1
    starts = (first_day + rng.integers(0, span, PAIRS)).astype("datetime64[D]")
    counts = rng.integers(1, 31, PAIRS)
    start_dates: list[date] = starts.astype(object).tolist()
    count_list: list[int] = counts.tolist()
    print(f"inputs: {PAIRS:,} pairs, starts {FIRST}..{LAST}, N in 1..30 (seed {SEED})")

    nth_workday_after_many(wt, starts[:1000], counts[:1000])  # warm the numpy tables
    batch_s = best_of(5, lambda: nth_workday_after_many(wt, starts, counts))
    batch = nth_workday_after_many(wt, starts, counts)

    nth = wt.nth_workday_after
    single_s = best_of(3, lambda: [nth(d, n) for d, n in zip(start_dates, count_list, strict=True)])
    single = [nth(d, n) for d, n in zip(start_dates, count_list, strict=True)]
    batch_dates: list[date] = batch.dates.astype(object).tolist()
    batch_vs_single = sum(a != b for a, b in zip(batch_dates, single, strict=True))
    provisional = int(batch.provisional.sum())

    batch_rate, single_rate = PAIRS / batch_s, PAIRS / single_s
    print(f"ours batch   (numpy, {PAIRS:,}): {batch_s * 1e3:8.1f} ms  {batch_rate:14,.0f} /s")
    print(f"ours single  (Python, {PAIRS:,}): {single_s * 1e3:8.1f} ms  {single_rate:14,.0f} /s")
    print(f"batch vs single disagreements: {batch_vs_single}")
    print(f"provisional results (reach days without a notice, excluded below): {provisional:,}")

    # The subsample: the first pairs whose answer is confirmed, so both libraries know every day.
    confirmed = np.flatnonzero(~batch.provisional)[:SUBSAMPLE]
    sample = [(start_dates[i], count_list[i], single[i]) for i in confirmed]

    find_workday = chinese_calendar.find_workday
    cc_s = best_of(1, lambda: [find_workday(n, d) for d, n, _ in sample])
    cc_answers = [find_workday(n, d) for d, n, _ in sample]

    china = holidays.China(years=range(FIRST.year - 1, LAST.year + 2))
    get_nth = china.get_nth_working_day
    hol_s = best_of(1, lambda: [get_nth(d, n) for d, n, _ in sample])
    hol_answers = [get_nth(d, n) for d, n, _ in sample]

    cc_rate, hol_rate = len(sample) / cc_s, len(sample) / hol_s
    print(f"chinese_calendar.find_workday ({len(sample):,}): {cc_rate:14,.0f} /s")
    print(f"holidays China.get_nth_working_day ({len(sample):,}): {hol_rate:14,.0f} /s")

    cc_diff = [(d, n, ours, theirs) for (d, n, ours), theirs in zip(sample, cc_answers, strict=True) if ours != theirs]
    explained = sum(not wt.is_workday(d) and theirs == nth(d, n + 1) for d, n, _, theirs in cc_diff)
    non_working_starts = sum(not wt.is_workday(d) for d, _, _ in sample)
    hol_diff = sum(ours != theirs for (_, _, ours), theirs in zip(sample, hol_answers, strict=True))
    print(
        f"vs chinese_calendar: {len(cc_diff):,} of {len(sample):,} differ; {explained:,} of them start on "
        f"a non-working day ({non_working_starts:,} such starts), where find_workday(n, d) first moves d to "
        "the next working day and counts n from there, i.e. it returns our n+1-th working day. "
        "The law counts from the day after the start whatever that day is (民法典 §201; 行政许可法 §82 only "
        "excludes holidays), so for a start on a holiday or weekend ours is the legal answer."
    )
    print(
        f"vs holidays: {hol_diff:,} of {len(sample):,} differ (get_nth_working_day also steps from the day "
        "after the start, the same reading as ours)."
    )
    unexplained = len(cc_diff) - explained
    if batch_vs_single or unexplained or hol_diff:
        print(f"UNEXPECTED disagreements: batch/single {batch_vs_single}, cc {unexplained}, holidays {hol_diff}")

    print(
        f"RESULT batch_per_s={batch_rate:.0f} single_per_s={single_rate:.0f} "
        f"ratio_chinesecalendar={single_rate / cc_rate:.1f} ratio_holidays={single_rate / hol_rate:.1f}"
    )
    return 1 if batch_vs_single or unexplained or hol_diff else 0


if __name__ == "__main__":
    sys.exit(main())
