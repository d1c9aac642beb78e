"""Evaluation of the routing model: cross-validated macro-F1, and top-k accuracy on a time split.

Also readers for public message-board exports (问政平台 / 市长信箱: 留言主题, 留言详情, 留言时间, and either a
category column or the official reply), the kind of data a new deployment starts from.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np

from onestop.hotline.routing.aliases import UnitNormalizer
from onestop.hotline.routing.model import Example, RouterConfig, UnitProfile, fit
from onestop.hotline.routing.replies import ReplyUnitExtractor


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Unweighted mean of per-class F1 over the classes that occur in ``truth`` or ``predicted``."""
    classes = sorted(set(truth) | set(predicted))
    scores = []
    for c in classes:
        tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t == c and p == c)
        fp = sum(1 for t, p in zip(truth, predicted, strict=True) if t != c and p == c)
        fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t == c and p != c)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores)) if scores else 0.0


def stratified_folds(labels: Sequence[str], k: int, seed: int = 0) -> np.ndarray:
    """A fold number per row, each class spread evenly over the folds."""
    rng = np.random.default_rng(seed)
    folds = np.empty(len(labels), dtype=np.int64)
    arr = np.asarray(labels, dtype=object)
    offset = 0
    for c in sorted(set(labels)):
        idx = np.flatnonzero(arr == c)
        rng.shuffle(idx)
        folds[idx] = (np.arange(len(idx)) + offset) % k
        offset += len(idx)
    return folds


@dataclass(frozen=True)
class CrossValidation:
    macro_f1: float
    accuracy: float
    folds: int
    rows: int


def cross_validate(
    examples: Sequence[Example],
    profiles: Sequence[UnitProfile] = (),
    *,
    k: int = 5,
    seed: int = 0,
    config: RouterConfig | None = None,
) -> CrossValidation:
    """k-fold stratified cross-validation; the profiles (duties) are part of every fold's training."""
    labels = [e.unit for e in examples]
    folds = stratified_folds(labels, k, seed)
    predicted = [""] * len(examples)
    for fold in range(k):
        train = [e for e, f in zip(examples, folds, strict=True) if f != fold]
        test = [i for i, f in enumerate(folds) if f == fold]
        router = fit(train, profiles, config)
        for i, p in zip(test, router.predict([examples[i].text for i in test], k=1), strict=True):
            predicted[i] = p.units[0]
    accuracy = float(np.mean([p == t for p, t in zip(predicted, labels, strict=True)]))
    return CrossValidation(macro_f1(labels, predicted), accuracy, k, len(examples))


@dataclass(frozen=True)
class TimeSplit:
    top1: float
    top3: float
    train_rows: int
    test_rows: int
    split_day: date | None


def time_split(
    examples: Sequence[Example],
    profiles: Sequence[UnitProfile] = (),
    *,
    train_fraction: float = 0.8,
    config: RouterConfig | None = None,
) -> TimeSplit:
    """Train on the earliest rows, test on the latest: top-1 and top-3 accuracy, units compared by their
    alias keys (abbreviations folded; places kept)."""
    ordered = sorted(examples, key=lambda e: e.day or date.min)
    cut = int(len(ordered) * train_fraction)
    train, test = ordered[:cut], ordered[cut:]
    router = fit(train, profiles, config)
    neutral = UnitNormalizer()
    predictions = router.predict([e.text for e in test], k=3)
    top1 = top3 = 0
    for e, p in zip(test, predictions, strict=True):
        truth = neutral.key(e.unit)
        keys = [neutral.key(u) for u in p.units]
        top1 += keys[:1] == [truth]
        top3 += truth in keys
    n = max(len(test), 1)
    return TimeSplit(top1 / n, top3 / n, len(train), len(test), test[0].day if test else None)


# ---- message-board exports


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _day(text: str) -> date | None:
    text = text.strip()
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 -- a calendar day, no instant
        except ValueError:
            continue
    return None


def post_text(row: dict[str, str]) -> str:
    """A post's subject and body as one request text (the subject is the request in brief)."""
    subject = row.get("留言主题", "").strip()
    return f"{subject}\n{subject}\n{row.get('留言详情', '').strip()}"


def load_labelled_posts(path: Path, label_column: str = "一级分类") -> list[Example]:
    """Posts with a category column: the category plays the unit."""
    return [
        Example(post_text(r), r[label_column].strip(), _day(r.get("留言时间", "")))
        for r in _read_csv(path)
        if r.get(label_column, "").strip()
    ]


def load_replied_posts(path: Path) -> tuple[list[Example], int]:
    """Posts with official replies: the unit named in each reply is the weak label. Returns the labelled
    examples and the number of posts read (posts whose reply names no unit are left out)."""
    rows = _read_csv(path)
    extractor = ReplyUnitExtractor()
    out = []
    for r in rows:
        text = post_text(r)
        unit = extractor.extract(r.get("答复意见", ""), text)
        if unit:
            out.append(Example(text, unit, _day(r.get("留言时间", ""))))
    return out, len(rows)


def load_taxonomy_profiles(path: Path, classes: Sequence[str]) -> list[UnitProfile]:
    """A category taxonomy (一级分类, 二级分类, 三级分类) as profiles: the lower levels are a class's duties."""
    terms: dict[str, list[str]] = {c: [] for c in classes}
    for r in _read_csv(path):
        top = r.get("一级分类", "").strip()
        if top not in terms:
            continue
        for column in ("二级分类", "三级分类"):
            term = r.get(column, "").strip()
            if term and term != "其他" and term not in terms[top]:
                terms[top].append(term)
    return [UnitProfile(c, "、".join(t)) for c, t in terms.items()]
