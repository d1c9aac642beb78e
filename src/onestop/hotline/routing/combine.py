"""Place, function and recency evidence added to the unit classifier's margins, and units composed from a
request's place and a function where the exact unit is unseen (see :mod:`.places`).

A candidate unit's score is

    unit margin + w_function · function margin + w_place · (its lowest place is named)
    + w_parent · (one of its places is named) − w_conflict · (another place of its level is named, not its own)
    + w_recent · log(its share of recent history)

and a composed unit (the request's place + a function, a unit history never named) scores like a unit whose
own margin is ``unseen_margin``. The weights were set on held-out later requests of real message boards
(docs/benchmarks.md, bench.hotline_router), not fitted per deployment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from onestop.hotline.routing.places import PlaceIndex, place_level
from onestop.hotline.routing.sparse import Csr
from onestop.hotline.routing.svm import LinearModel


@dataclass(frozen=True)
class CombineWeights:
    function: float = 1.0
    place: float = 0.6
    parent: float = 0.2
    conflict: float = 0.4
    recent: float = 0.0
    unseen_margin: float = -0.6
    compose_functions: int = 4  # functions tried per request when composing units


@dataclass
class PlaceScorer:
    """The function classifier and the place tables of a fitted router."""

    index: PlaceIndex
    function_levels: tuple[str, ...]  # a function is a level ("镇", "" for none) and a body ("政府")
    function_bodies: tuple[str, ...]
    function_model: LinearModel
    unit_function: np.ndarray  # int64 per unit: its function's column
    unit_places: tuple[tuple[str, ...], ...]
    log_recent: np.ndarray  # float32 per unit: log share of recent history (0 where none is dated)

    def __post_init__(self) -> None:
        vocab = sorted({p for places in self.unit_places for p in places})
        self._place_col = {p: i for i, p in enumerate(vocab)}
        levels = sorted({place_level(p) for p in vocab} | {"镇", "乡", "街道"})
        self._level_col = {lv: i for i, lv in enumerate(levels)}
        n_units = len(self.unit_places)
        self._deep = np.zeros((len(vocab), n_units), dtype=np.float32)
        self._any = np.zeros((len(vocab), n_units), dtype=np.float32)
        self._unit_level = np.zeros((len(levels), n_units), dtype=np.float32)
        for k, places in enumerate(self.unit_places):
            for p in places:
                self._any[self._place_col[p], k] = 1.0
            if places:
                self._deep[self._place_col[places[-1]], k] = 1.0
                self._unit_level[self._level_col[place_level(places[-1])], k] = 1.0

    def scores(
        self, texts: Sequence[str], x: Csr, margins: np.ndarray, weights: CombineWeights
    ) -> tuple[np.ndarray, list[list[tuple[str, float]]]]:
        """Combined unit scores (n × units) and, per text, the composed candidates with their scores; ``x`` is
        the texts' feature rows, ``margins`` the unit classifier's."""
        fmargins = self.function_model.decision(x)
        n = len(texts)
        named = np.zeros((n, len(self._place_col)), dtype=np.float32)
        levels = np.zeros((n, len(self._level_col)), dtype=np.float32)
        found_all = []
        for i, text in enumerate(texts):
            found = self.index.find(text)
            found_all.append(found)
            for p in found:
                col = self._place_col.get(p)
                if col is not None:
                    named[i, col] = 1.0
                lv = self._level_col.get(place_level(p))
                if lv is not None:
                    levels[i, lv] = 1.0
        deep = named @ self._deep
        anyp = np.minimum(named @ self._any, 1.0)
        conflict = ((levels @ self._unit_level) > 0) & (deep == 0)
        total = (
            margins
            + weights.function * fmargins[:, self.unit_function]
            + weights.place * deep
            + weights.parent * anyp
            - weights.conflict * conflict
            + weights.recent * self.log_recent
        )
        composed: list[list[tuple[str, float]]] = []
        floor = weights.recent * float(self.log_recent.min()) if self.log_recent.size else 0.0
        for i, found in enumerate(found_all):
            out: list[tuple[str, float]] = []
            if found and self.function_bodies:
                k = min(weights.compose_functions, len(self.function_bodies))
                for g in np.argsort(-fmargins[i], kind="stable")[:k]:
                    level, body = self.function_levels[g], self.function_bodies[g]
                    places = [p for p in found if place_level(p) == level] if level else []
                    if not places:
                        continue
                    # Of several places of that level, the first named (usually in the subject line).
                    name = self.index.chain(places[0], found) + body
                    score = weights.unseen_margin + weights.function * float(fmargins[i, g]) + weights.place
                    out.append((name, score + weights.parent + floor))
            composed.append(out)
        return total, composed
