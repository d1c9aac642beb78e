"""One-vs-rest linear SVM with squared hinge loss, trained by dual coordinate descent (Hsieh et al. 2008,
the algorithm of LIBLINEAR's default solver), written in numpy.

All classes' binary problems are solved together: each step takes one example and updates its dual variables
for every class at once, so the Python loop runs once per example per epoch, not once per class. Each
example may carry its own weight (its own C): the units' duty descriptions weigh less than real history, and
recent history more than old.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from onestop.hotline.routing.sparse import Csr


@dataclass(frozen=True)
class LinearModel:
    weights: np.ndarray  # (n_features, n_classes) float32
    bias: np.ndarray  # (n_classes,) float32

    def decision(self, x: Csr) -> np.ndarray:
        out: np.ndarray = x.dot(self.weights) + self.bias
        return out


def train_ovr_svm(  # noqa: PLR0915 -- one tight loop, kept in one piece for speed
    x: Csr,
    y: np.ndarray,
    n_classes: int,
    *,
    c: float = 1.0,
    sample_weight: np.ndarray | None = None,
    max_epochs: int = 10,
    tol: float = 0.1,
    seed: int = 0,
    bias: float = 1.0,
    full_every: int = 4,
    offset: float = -1.0,
    probe_features: int = 32,
    probe_classes: int = 16,
) -> LinearModel:
    """Fit ``n_classes`` binary L2-regularised squared-hinge SVMs (class k against the rest).

    ``offset`` is a fixed part of every class's intercept (the learned part starts at zero and is regularised):
    at -1 every example starts exactly on the margin of every class but its own, so at the start an example is
    in play only for its own class.

    Shrinking: a *full* epoch visits every (example, class) pair and remembers, per example, the classes in play
    (dual variable above zero, or margin violated); the epochs between full ones visit only those, a handful per
    example even with hundreds of units. The first epoch visits each example's own class only (all others sit
    on the margin), then a full epoch follows, then one every ``full_every`` epochs, and one whenever a shrunk
    epoch has converged. Training stops when a full epoch finds no projected gradient above ``tol``
    (LIBLINEAR's criterion) or after ``max_epochs``; the last epoch is always full.

    With many classes a full epoch is the cost that matters (every example × every class). Where there are more
    than ``probe_classes`` classes, a full epoch first *probes*: it scores every class on the example's
    ``probe_features`` heaviest features only, and visits exactly the ``probe_classes`` best of them (besides
    those already in play); the hard negatives it may miss are few and light.
    """
    n = x.n_rows
    weights = np.zeros((x.n_cols, n_classes), dtype=np.float32)
    b = np.zeros(n_classes, dtype=np.float64)
    if n == 0 or n_classes == 0:
        return LinearModel(weights, b.astype(np.float32) + np.float32(offset))
    cw = np.full(n, c, dtype=np.float64) if sample_weight is None else c * np.asarray(sample_weight, dtype=np.float64)
    diag = 0.5 / np.maximum(cw, 1e-12)  # D_ii of the squared-hinge dual
    qii = x.row_sq_norms() + bias * bias + diag
    alpha = np.zeros((n, n_classes), dtype=np.float64)
    all_classes = np.arange(n_classes)
    labels = np.asarray(y, dtype=np.int64)
    active: list[np.ndarray] = [labels[i : i + 1] for i in range(n)]
    rows = [x.row(i) for i in range(n)]
    rng = np.random.default_rng(seed)
    full = False
    since_full = 0
    for epoch in range(max_epochs):
        if epoch == max_epochs - 1:
            full = True
        pg_max = 0.0
        for i in rng.permutation(n):
            idx, val = rows[i]
            label = labels[i]
            if full and n_classes > probe_classes:
                heavy = np.argpartition(-val, probe_features)[:probe_features] if len(val) > probe_features else None
                probe_idx, probe_val = (idx, val) if heavy is None else (idx[heavy], val[heavy])
                approx = probe_val @ weights[probe_idx] + b
                best = np.argpartition(-approx, probe_classes)[:probe_classes]
                cls = np.union1d(np.union1d(best, active[i]), np.flatnonzero(alpha[i] > 0.0))
                wi = weights[np.ix_(idx, cls)]
            elif full:
                cls = all_classes
                wi = weights[idx]
            else:
                cls = active[i]
                wi = weights[np.ix_(idx, cls)]
            score = val @ wi + (b[cls] * bias + offset)
            yi = np.where(cls == label, 1.0, -1.0)
            a = alpha[i, cls]
            grad = yi * score - 1.0 + a * diag[i]
            pg = np.where(a > 0.0, grad, np.minimum(grad, 0.0))
            if full:
                keep = (a > 0.0) | (grad < 0.0) | (cls == label)
                active[i] = cls[keep]
            m = float(np.abs(pg).max())
            if m <= 1e-12:
                continue
            pg_max = max(pg_max, m)
            new = np.maximum(a - grad / qii[i], 0.0)
            delta = ((new - a) * yi).astype(np.float32)
            changed = np.flatnonzero(delta)
            if changed.size == 0:
                continue
            if full and cls is all_classes:
                cols = cls[changed]
                weights[np.ix_(idx, cols)] += np.outer(val, delta[changed])
                b[cols] += delta[changed] * bias
                alpha[i, cols] = new[changed]
            else:
                weights[np.ix_(idx, cls)] = wi + np.outer(val, delta)
                b[cls] += delta * bias
                alpha[i, cls] = new
        if full and pg_max < tol:
            break
        since_full = 0 if full else since_full + 1
        full = epoch == 0 or pg_max < tol or since_full >= full_every
    return LinearModel(weights, (b * bias + offset).astype(np.float32))
