"""Benchmark and evaluation of the hotline routing model on real data (../shared/data/teddycup2020).

    .venv/bin/python -m bench.hotline_router

Figures, each printed with how it was measured:

* ``macro_f1``: the 495 labelled message-board posts (附件2), 5-fold stratified cross-validation (seed 0) of
  the 一级分类; each fold trains on its posts plus the taxonomy (附件1) as the classes' duties. Target ≥ 0.85.
* ``top1`` / ``top3``: the 2,816 posts with official replies; the unit each reply names is the weak label
  (posts whose reply names none are left out); trained on the earliest 80 %, tested on the latest 20 %.
  Units are compared by alias key with their places kept (A7县教育局 ≠ K7县教育局). The same split restricted
  to the test posts whose unit occurs in the training part, and to one city's own history (A市, the city with
  the most posts), and to each city with 50+ posts on its own history (pooled), are printed beside it.
* ``predict_per_s``: requests routed per second on one core (BLAS pinned to one thread), the model trained
  on all weak-labelled posts, texts of 300+ characters, batches of 256 as ``router predict`` does.
* ``fit_10k_s``: fitting 10,000 requests (the weak-labelled posts drawn with replacement, their sentences
  shuffled so no two rows are the same text), every unit of the data as a class (800+). Target < 30 s.

Last line: ``RESULT predict_per_s=… fit_10k_s=… macro_f1=… top1=… top3=…``.
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
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

from onestop.hotline.routing import Example, fit  # noqa: E402
from onestop.hotline.routing.evaluate import (  # noqa: E402
    cross_validate,
    load_labelled_posts,
    load_replied_posts,
    load_taxonomy_profiles,
    time_split,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "teddycup2020"
LABELLED = DATA / "附件2_labeled_messages_sample495.csv"
TAXONOMY = DATA / "附件1_label_taxonomy.csv"
REPLIED = DATA / "sheet4_messages_with_replies_2816.csv"


def _city(unit: str) -> str:
    match = re.match(r"^([A-Z])", unit)
    return match.group(1) if match else ""


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"shared data missing: {DATA}")

    # 1. 一级分类, cross-validated.
    posts = load_labelled_posts(LABELLED)
    profiles = load_taxonomy_profiles(TAXONOMY, sorted({e.unit for e in posts}))
    started = time.perf_counter()
    cv = cross_validate(posts, profiles, k=5, seed=0)
    print(
        f"category  {cv.rows} labelled posts, {cv.folds}-fold CV: macro-F1 {cv.macro_f1:.4f}, "
        f"accuracy {cv.accuracy:.4f} ({time.perf_counter() - started:.1f} s)",
        flush=True,
    )

    # 2. Handling units named in replies, time split.
    replied, read = load_replied_posts(REPLIED)
    print(
        f"replies   {read} posts read, {len(replied)} with a unit named in the reply "
        f"({len(replied) / read:.1%}), {len({e.unit for e in replied})} distinct units",
        flush=True,
    )
    split = time_split(replied)
    print(
        f"routing   earliest {split.train_rows} → latest {split.test_rows} (from {split.split_day}): "
        f"top-1 {split.top1:.4f}, top-3 {split.top3:.4f}",
        flush=True,
    )
    ordered = sorted(replied, key=lambda e: e.day or date.min)
    cut = int(len(ordered) * 0.8)
    seen = {e.unit for e in ordered[:cut]}
    seen_test = [e for e in ordered[cut:] if e.unit in seen]
    seen_split = time_split(ordered[:cut] + seen_test, train_fraction=(cut + 0.5) / (cut + len(seen_test)))
    print(
        f"          of which units seen in training ({len(seen_test)} posts, "
        f"{len(seen_test) / max(split.test_rows, 1):.1%}): top-1 {seen_split.top1:.4f}, "
        f"top-3 {seen_split.top3:.4f}",
        flush=True,
    )
    counts: dict[str, int] = {}
    for e in replied:
        counts[_city(e.unit)] = counts.get(_city(e.unit), 0) + 1
    city = max((c for c in counts if c), key=lambda c: counts[c])
    own = [e for e in replied if _city(e.unit) == city]
    city_split = time_split(own)
    print(
        f"          one city ({city}市 and its districts/counties, {len(own)} posts) on its own history: "
        f"top-1 {city_split.top1:.4f}, top-3 {city_split.top3:.4f}",
        flush=True,
    )

    # Every city with 50+ posts on its own history (the held-out unseen-city test of issue 5), pooled.
    hits1 = hits3 = tested = 0
    for c in sorted(c for c in counts if c and counts[c] >= 50):
        part = time_split([e for e in replied if _city(e.unit) == c])
        hits1 += round(part.top1 * part.test_rows)
        hits3 += round(part.top3 * part.test_rows)
        tested += part.test_rows
    print(
        f"          each city with 50+ posts on its own history ({tested} test posts pooled): "
        f"top-1 {hits1 / max(tested, 1):.4f}, top-3 {hits3 / max(tested, 1):.4f}",
        flush=True,
    )

    # 3. Prediction speed.
    router = fit(replied)
    texts = [e.text for e in replied] * 2
    router.predict(texts[:50])
    started = time.perf_counter()
    for i in range(0, len(texts), 256):
        router.predict(texts[i : i + 256], k=3)
    elapsed = time.perf_counter() - started
    predict_per_s = len(texts) / elapsed
    mean_chars = sum(len(t) for t in texts) / len(texts)
    print(
        f"predict   {len(texts)} requests (mean {mean_chars:.0f} characters), {len(router.units)} units: "
        f"{predict_per_s:.0f} per second on one core",
        flush=True,
    )

    # 4. Fitting 10,000 requests.
    rng = random.Random(0)
    rows: list[Example] = []
    while len(rows) < 10_000:
        e = rng.choice(replied)
        parts = re.split(r"(?<=[。！？!?\n])", e.text)
        rng.shuffle(parts)
        rows.append(Example("".join(parts), e.unit, e.day))
    started = time.perf_counter()
    big = fit(rows)
    fit_10k_s = time.perf_counter() - started
    print(
        f"fit       10,000 requests, {len(big.units)} units, {big.vectorizer.n_features} features: {fit_10k_s:.1f} s",
        flush=True,
    )

    print(
        f"RESULT predict_per_s={predict_per_s:.0f} fit_10k_s={fit_10k_s:.1f} macro_f1={cv.macro_f1:.4f} "
        f"top1={split.top1:.4f} top3={split.top3:.4f}"
    )


if __name__ == "__main__":
    main()
