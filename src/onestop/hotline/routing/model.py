"""The routing model: which unit should handle a request, learned from history and from the units' duties.

``fit`` takes (text, unit, date) rows from anywhere — a CSV export of an old system, a message board with
its replies, the platform's own dispatch history — and, optionally, each unit's duty description (职责) and
keywords. Before any history the duties alone make a working model (each duty phrase is a tiny example of its
unit); as history grows the real requests outweigh them. Recent history weighs more than old where rows are
dated (units are reorganised, duties move).

Unit names are merged by their alias keys (:mod:`.aliases`); a cluster is shown by its name in the units
file, else by its most used raw form.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from onestop.errors import DomainError
from onestop.hotline.routing.aliases import UnitNormalizer
from onestop.hotline.routing.combine import CombineWeights, PlaceScorer
from onestop.hotline.routing.places import PlaceIndex, unit_parts
from onestop.hotline.routing.sparse import Csr
from onestop.hotline.routing.svm import LinearModel, train_ovr_svm
from onestop.hotline.routing.text import Vectorizer, base_lexicon, phrase_words

FORMAT = "onestop-router/2"
_OLD_FORMATS = ("onestop-router/1",)  # no place and function model: plain classifier margins


class RoutingError(DomainError):
    """Bad input to the routing model (no rows, a missing column, an unreadable model file)."""

    code = "routing_error"
    status = 422


@dataclass(frozen=True)
class Example:
    """One handled request: its text, the unit that handled it and (optionally) the day it came in."""

    text: str
    unit: str
    day: date | None = None


@dataclass(frozen=True)
class UnitProfile:
    """A unit as the organisation describes it: its name, duty description (职责) and keywords."""

    name: str
    duties: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prediction:
    units: tuple[str, ...]
    scores: tuple[float, ...]

    def to_dict(self) -> dict[str, list[str] | list[float]]:
        return {"units": list(self.units), "scores": list(self.scores)}


@dataclass(frozen=True)
class RouterConfig:
    c: float = 2.0  # SVM regularisation (larger fits history more closely)
    prior_weight: float = 1.0  # weight of one duty phrase / keyword / unit name, relative to one request
    half_life_days: float | None = 730.0  # recency: a request this much older than the newest weighs half
    min_weight: float = 0.25  # the oldest history still weighs at least this much
    min_df: int = 2  # features seen in fewer requests are dropped (duty features are always kept)
    max_features: int = 150_000
    lexicon_min_freq: int = 50  # jieba dictionary words used at least this often are features
    word_weight: float = 1.0  # dictionary-word block relative to the bigram block
    max_epochs: int = 6
    tol: float = 0.1
    score_scale: float = 4.0  # softmax temperature turning margins into the scores printed
    seed: int = 0
    # Place, function and recency evidence (:mod:`.combine`); 0 turns one off.
    function_weight: float = 1.0
    place_weight: float = 0.6
    parent_weight: float = 0.2
    conflict_weight: float = 0.4
    recent_weight: float = 0.0
    unseen_margin: float = -0.6
    compose_functions: int = 4

    def combine_weights(self) -> CombineWeights:
        return CombineWeights(
            self.function_weight,
            self.place_weight,
            self.parent_weight,
            self.conflict_weight,
            self.recent_weight,
            self.unseen_margin,
            self.compose_functions,
        )


@dataclass
class Router:
    """A fitted routing model."""

    vectorizer: Vectorizer
    model: LinearModel
    units: tuple[str, ...]
    normalizer: UnitNormalizer
    config: RouterConfig = field(default_factory=RouterConfig)
    info: dict[str, object] = field(default_factory=dict)
    places: PlaceScorer | None = None
    _class_of_key: dict[str, int] | None = field(default=None, repr=False, compare=False)

    # ---- prediction

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Margins, one row per text, one column per unit."""
        return self.model.decision(self.vectorizer.transform(texts))

    def predict(self, texts: Sequence[str], k: int = 3) -> list[Prediction]:
        """The k most likely units for each text, best first, with softmax scores."""
        if not texts:
            return []
        x = self.vectorizer.transform(texts)
        margins = self.model.decision(x)
        if self.places is not None:
            return self._predict_combined(texts, x, margins, k)
        k = min(k, len(self.units))
        top = np.argsort(-margins, axis=1, kind="stable")[:, :k]
        z = margins * self.config.score_scale
        z -= z.max(axis=1, keepdims=True)
        probs = np.exp(z)
        probs /= probs.sum(axis=1, keepdims=True)
        out = []
        for row, cols in enumerate(top):
            out.append(
                Prediction(
                    tuple(self.units[c] for c in cols),
                    tuple(round(float(probs[row, c]), 4) for c in cols),
                )
            )
        return out

    def _predict_combined(self, texts: Sequence[str], x: Csr, margins: np.ndarray, k: int) -> list[Prediction]:
        assert self.places is not None
        total, composed = self.places.scores(texts, x, margins, self.config.combine_weights())
        if self._class_of_key is None:
            self._class_of_key = {self.normalizer.key(u): i for i, u in enumerate(self.units)}
        class_of_key = self._class_of_key
        scale = self.config.score_scale
        out = []
        for row in range(len(texts)):
            added: list[tuple[str, float]] = []
            for name, score in composed[row]:
                known = class_of_key.get(self.normalizer.key(name))
                if known is not None:
                    # A unit history names, composed from the request's place: its margin may be low when few
                    # of its own requests were seen; it scores at least as a composed one would.
                    total[row, known] = max(total[row, known], score)
                elif all(name != n for n, _ in added):
                    added.append((name, score))
            cols = np.argsort(-total[row], kind="stable")[: max(k, 1)]
            cands = [(self.units[c], float(total[row, c])) for c in cols] + added
            cands.sort(key=lambda c: -c[1])
            best = cands[:k]
            extra = np.array([s for _, s in added], dtype=np.float64)
            z = np.concatenate([total[row].astype(np.float64), extra]) * scale
            zmax = z.max()
            norm = float(np.exp(z - zmax).sum())
            out.append(
                Prediction(
                    tuple(n for n, _ in best),
                    tuple(round(math.exp((s * scale) - zmax) / norm, 4) for _, s in best),
                )
            )
        return out

    def unit_key(self, name: str) -> str:
        """The alias key of a unit name under this model's normaliser."""
        return self.normalizer.key(name)

    # ---- persistence (numpy arrays and JSON; no pickle)

    def save(self, path: str | Path) -> None:
        bigrams, words = self.vectorizer.vocabulary()
        meta = {
            "format": FORMAT,
            "units": list(self.units),
            "home": self.normalizer.to_list(),
            "config": asdict(self.config),
            "info": self.info,
            "word_weight": self.vectorizer.word_weight,
        }
        extra: dict[str, np.ndarray] = {}
        if self.places is not None:
            sc = self.places
            meta["places"] = sc.index.to_list()
            meta["function_levels"] = list(sc.function_levels)
            meta["function_bodies"] = list(sc.function_bodies)
            meta["unit_places"] = [list(p) for p in sc.unit_places]
            extra = {
                "function_weights": sc.function_model.weights.astype(np.float16),
                "function_bias": sc.function_model.bias,
                "unit_function": sc.unit_function,
                "log_recent": sc.log_recent,
            }
        arrays: dict[str, Any] = {
            "meta": np.array(json.dumps(meta, ensure_ascii=False)),
            "bigrams": np.array("\n".join(bigrams)),
            "words": np.array("\n".join(words)),
            "idf": self.vectorizer.idf,
            "weights": self.model.weights.astype(np.float16),
            "bias": self.model.bias,
            **extra,
        }
        with Path(path).open("wb") as fh:
            np.savez_compressed(fh, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> Router:
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                if meta.get("format") != FORMAT and meta.get("format") not in _OLD_FORMATS:
                    raise RoutingError(f"不是路由模型文件: {path}", field="model")
                bigrams = _split_lines(str(data["bigrams"]))
                words = _split_lines(str(data["words"]))
                idf = data["idf"].astype(np.float32)
                weights = data["weights"].astype(np.float32)
                bias = data["bias"].astype(np.float32)
                scorer = None
                if "function_weights" in data:
                    scorer = PlaceScorer(
                        PlaceIndex.from_list(meta["places"]),
                        tuple(meta["function_levels"]),
                        tuple(meta["function_bodies"]),
                        LinearModel(
                            data["function_weights"].astype(np.float32), data["function_bias"].astype(np.float32)
                        ),
                        data["unit_function"].astype(np.int64),
                        tuple(tuple(p) for p in meta["unit_places"]),
                        data["log_recent"].astype(np.float32),
                    )
        except (OSError, ValueError, KeyError) as exc:
            raise RoutingError(f"无法读取路由模型 {path}: {exc}", field="model") from exc
        vectorizer = Vectorizer(
            {g: i for i, g in enumerate(bigrams)},
            {w: i + len(bigrams) for i, w in enumerate(words)},
            idf,
            float(meta.get("word_weight", 1.0)),
        )
        known = RouterConfig.__dataclass_fields__
        config = RouterConfig(**{k: v for k, v in meta.get("config", {}).items() if k in known})
        return cls(
            vectorizer,
            LinearModel(weights, bias),
            tuple(meta["units"]),
            UnitNormalizer.from_list(meta.get("home", [])),
            config,
            dict(meta.get("info", {})),
            scorer,
        )


def _split_lines(text: str) -> list[str]:
    return text.split("\n") if text else []


_PHRASE_SPLIT = re.compile(r"[。；;，,、\n\r]+")


def duty_phrases(profile: UnitProfile) -> list[str]:
    """The pseudo-examples a unit's profile contributes: its name, each duty phrase, each keyword."""
    phrases = [profile.name]
    phrases += [p.strip() for p in _PHRASE_SPLIT.split(profile.duties) if len(p.strip()) >= 2]
    phrases += [k.strip() for k in profile.keywords if k.strip()]
    return phrases


def fit(
    history: Iterable[Example],
    units: Iterable[UnitProfile] = (),
    config: RouterConfig | None = None,
) -> Router:
    """Fit a router on history rows and unit profiles (either may be empty, not both)."""
    cfg = config or RouterConfig()
    rows = [r for r in history if r.text.strip() and r.unit.strip()]
    profiles = [p for p in units if p.name.strip()]
    if not rows and not profiles:
        raise RoutingError("没有可用于训练的数据: 需要历史工单或单位职责", field="history")

    name_counts: Counter[str] = Counter(r.unit.strip() for r in rows)
    for p in profiles:
        name_counts[p.name.strip()] += 1
    normalizer = UnitNormalizer.learn(name_counts)

    # Clusters of aliases → one display name: the units file's name, else the most used raw form.
    forms: dict[str, Counter[str]] = {}
    for name, n in name_counts.items():
        forms.setdefault(normalizer.key(name), Counter())[name] += n
    preferred = {normalizer.key(p.name.strip()): p.name.strip() for p in profiles}
    keys = sorted(forms, key=lambda k: (-sum(forms[k].values()), k))
    display = {
        k: preferred.get(k) or sorted(forms[k].items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0] for k in keys
    }
    class_of = {k: i for i, k in enumerate(keys)}

    texts: list[str] = []
    labels: list[int] = []
    weights: list[float] = []
    days = [r.day for r in rows if r.day is not None]
    newest = max(days) if days else None
    for r in rows:
        texts.append(r.text)
        labels.append(class_of[normalizer.key(r.unit.strip())])
        weights.append(_recency(r.day, newest, cfg))
    # Priors: each unit's own name, and the phrases of its duties and keywords.
    prior_texts: list[str] = []
    profile_by_key = {normalizer.key(p.name.strip()): p for p in profiles}
    for k in keys:
        profile = profile_by_key.get(k, UnitProfile(display[k]))
        for phrase in duty_phrases(profile):
            prior_texts.append(phrase)
            texts.append(phrase)
            labels.append(class_of[k])
            weights.append(cfg.prior_weight)

    lexicon = base_lexicon(cfg.lexicon_min_freq)
    extra = set().union(*(phrase_words(t) for t in prior_texts)) if prior_texts else set()
    if extra - lexicon:
        lexicon = frozenset(lexicon | extra)
    vectorizer, x = Vectorizer.fit_transform(
        texts,
        lexicon=lexicon,
        keep=prior_texts,
        min_df=cfg.min_df,
        max_features=cfg.max_features,
        word_weight=cfg.word_weight,
    )
    model = train_ovr_svm(
        x,
        np.asarray(labels, dtype=np.int64),
        len(keys),
        c=cfg.c,
        sample_weight=np.asarray(weights),
        max_epochs=cfg.max_epochs,
        tol=cfg.tol,
        seed=cfg.seed,
    )
    scorer = _place_scorer(
        x,
        np.asarray(labels, dtype=np.int64),
        np.asarray(weights),
        units=[display[k] for k in keys],
        names=name_counts,
        n_history=len(rows),
        cfg=cfg,
    )
    info: dict[str, object] = {
        "history_rows": len(rows),
        "profiles": len(profiles),
        "units": len(keys),
        "features": vectorizer.n_features,
        "newest": newest.isoformat() if newest else None,
    }
    return Router(vectorizer, model, tuple(display[k] for k in keys), normalizer, cfg, info, scorer)


def _place_scorer(
    x: Csr,
    labels: np.ndarray,
    weights: np.ndarray,
    *,
    units: Sequence[str],
    names: Iterable[str],
    n_history: int,
    cfg: RouterConfig,
) -> PlaceScorer:
    """The function classifier (same rows, labels folded to level + body) and the place tables."""
    parts = [unit_parts(u) for u in units]
    functions = sorted({(p.level, p.body) for p in parts})
    column = {f: i for i, f in enumerate(functions)}
    unit_function = np.array([column[(p.level, p.body)] for p in parts], dtype=np.int64)
    function_model = train_ovr_svm(
        x,
        unit_function[labels],
        len(functions),
        c=cfg.c,
        sample_weight=weights,
        max_epochs=cfg.max_epochs,
        tol=cfg.tol,
        seed=cfg.seed,
    )
    # Recent activity: each unit's recency-weighted share of the history rows (the duty rows come after them).
    mass = np.bincount(labels[:n_history], weights=weights[:n_history], minlength=len(units))
    log_recent = np.log((mass + 0.5) / (mass.sum() + 0.5 * len(units))).astype(np.float32)
    return PlaceScorer(
        PlaceIndex.learn(names),
        tuple(f[0] for f in functions),
        tuple(f[1] for f in functions),
        function_model,
        unit_function,
        tuple(p.places for p in parts),
        log_recent,
    )


def _recency(day: date | None, newest: date | None, cfg: RouterConfig) -> float:
    if day is None or newest is None or not cfg.half_life_days:
        return 1.0
    age = (newest - day).days
    return max(cfg.min_weight, math.pow(0.5, age / cfg.half_life_days))
