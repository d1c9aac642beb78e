"""知识库 search: the operator types, the answers come back ranked, while the caller is still on the line.

Texts are segmented by jieba (search mode, so 营业执照 also yields 执照) with our government-terms dictionary
(``routing/data/govterms.txt``: unit names, 不动产登记, 公积金 …) loaded into a tokenizer of our own, and ranked
by Okapi BM25 (k1 = 1.5, b = 0.75) over question + keywords (weighted twice) + answer. The question is what a
caller asks; the answer is long and says much else, so it counts once.

No maintained BM25 library is in our dependency set (rank-bm25 is not on the package list; bm25s brings scipy
for what is a few numpy lines here), so the scoring is numpy over a dense term matrix — the knowledge base of a
county holds hundreds of entries, not millions.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from onestop.hotline.routing.text import government_terms_path, stopwords

K1 = 1.5
B = 0.75

_lock = threading.Lock()
_tokenizer: object | None = None


def _jieba() -> object:
    """One tokenizer per process, with our dictionary; built on first use (jieba loads its own in ~1 s)."""
    global _tokenizer  # noqa: PLW0603 - a lazily built process-wide resource
    with _lock:
        if _tokenizer is None:
            import logging

            import jieba  # type: ignore[import-untyped]  # no stubs; one call site

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            # An open file, closed here: given a path, jieba leaves its own handle open.
            with open(government_terms_path(), "rb") as fh:
                tokenizer.load_userdict(fh)
            _tokenizer = tokenizer
        return _tokenizer


def tokens(text: str) -> list[str]:
    """Search-mode words of ``text``, stop words and single punctuation dropped, lower-cased."""
    tokenizer = _jieba()
    stop = stopwords()
    out = []
    for word in tokenizer.cut_for_search(text):  # type: ignore[attr-defined]
        w = word.strip().lower()
        if not w or w in stop or not any(ch.isalnum() for ch in w):
            continue
        out.append(w)
    return out


@dataclass(frozen=True)
class Entry:
    id: int
    question: str
    answer: str
    keywords: tuple[str, ...] = ()
    unit_id: int | None = None
    category: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    matched: tuple[str, ...]


class KnowledgeIndex:
    """A BM25 index over entries; rebuild it when the entries change (cheap: ms for hundreds)."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        docs = [self._document(e) for e in self.entries]
        vocab: dict[str, int] = {}
        for doc in docs:
            for w in doc:
                vocab.setdefault(w, len(vocab))
        self.vocab = vocab
        tf = np.zeros((len(docs), max(len(vocab), 1)), dtype=np.float32)
        for row, doc in enumerate(docs):
            for w in doc:
                tf[row, vocab[w]] += 1.0
        lengths = tf.sum(axis=1)
        avg = float(lengths.mean()) if docs else 1.0
        df = (tf > 0).sum(axis=0)
        n = len(docs)
        self.idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = K1 * (1 - B + B * lengths / max(avg, 1e-9))
        # Per (doc, term) saturation, precomputed: a query is then a column sum.
        self.weights = (tf * (K1 + 1) / (tf + norm[:, None])).astype(np.float32)

    @staticmethod
    def _document(entry: Entry) -> list[str]:
        keywords = " ".join(entry.keywords)
        return tokens(entry.question) * 2 + tokens(keywords) * 2 + tokens(entry.answer)

    def search(self, query: str, *, k: int = 5, on: date | None = None, category: str | None = None) -> list[Hit]:
        """The ``k`` best entries for ``query`` valid on ``on`` (all when None), best first; score > 0 only."""
        words = [w for w in dict.fromkeys(tokens(query)) if w in self.vocab]
        if not words or not self.entries:
            return []
        cols = [self.vocab[w] for w in words]
        scores = (self.weights[:, cols] * self.idf[cols]).sum(axis=1)
        order = np.argsort(-scores, kind="stable")
        out: list[Hit] = []
        for row in order:
            score = float(scores[row])
            if score <= 0:
                break
            entry = self.entries[row]
            if on is not None and not entry.valid_on(on):
                continue
            if category is not None and entry.category not in (None, category):
                continue
            matched = tuple(w for w, c in zip(words, cols, strict=True) if self.weights[row, c] > 0)
            out.append(Hit(entry, round(score, 3), matched))
            if len(out) >= k:
                break
        return out


def build_index(entries: Iterable[Entry]) -> KnowledgeIndex:
    return KnowledgeIndex(list(entries))
