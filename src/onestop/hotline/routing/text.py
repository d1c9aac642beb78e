"""Text features for routing: dictionary words and character bigrams, TF-IDF weighted.

Why not jieba's segmenter: it runs at 150–300 requests of 300 characters a second on one core, far below the
1,000 a second the hotline needs, and in cross-validation on real posts it did no better. Instead every word of
a dictionary (jieba's own dictionary, our government-terms dictionary and the words of the units' duties) that
occurs in the text is a feature — all matches, overlapping ones included — and so is every character bigram.
Bigrams catch what no dictionary holds (place names, estates, new words); dictionary words add the meaning of
longer terms. Scanning a text this way is a few set look-ups per character.

The vocabulary kept by a fitted model is small, so prediction never reads the big dictionary again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

from onestop.hotline.routing.sparse import Csr

MAX_WORD = 8
_URL_RE = re.compile(r"(?:https?://|www\.)[!-~]+", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[!-~]+@[!-~]+")
_DIGITS_RE = re.compile(r"[0-9]{3,}")
# Anything that is not a letter, a digit or a CJK character separates segments; n-grams never cross it.
_SPLIT_RE = re.compile(r"[^0-9A-Za-z\u3400-\u9fff]+")


def clean_text(text: str) -> str:
    """Width folded, line noise, links, e-mail addresses and long numbers (phones, dates, amounts) dropped."""
    folded = unicodedata.normalize("NFKC", text).replace("_x000D_", " ")
    if "://" in folded or "www." in folded or "WWW." in folded:
        folded = _URL_RE.sub(" ", folded)
    if "@" in folded:
        folded = _EMAIL_RE.sub(" ", folded)
    return _DIGITS_RE.sub(" ", folded)


def joined(text: str) -> str:
    """The cleaned text with every run of separators replaced by one ``|`` (an n-gram holding it is no feature)."""
    return _SPLIT_RE.sub("|", clean_text(text))


def segments(text: str) -> list[str]:
    return [s for s in _SPLIT_RE.split(clean_text(text)) if s]


def _read_resource(name: str) -> str:
    return resources.files("onestop.hotline.routing").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _lines(text: str) -> Iterable[str]:
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(_lines(_read_resource("stopwords.txt")))


@lru_cache(maxsize=4)
def government_terms(tag: str | None = None) -> tuple[str, ...]:
    """Our government-terms dictionary, in jieba user-dictionary format (word, frequency, tag); ``tag="nt"``
    keeps the unit names only."""
    rows = [line.split() for line in _lines(_read_resource("govterms.txt"))]
    return tuple(r[0] for r in rows if tag is None or (len(r) > 2 and r[2] == tag))


def government_terms_path() -> str:
    """The file path of the government-terms dictionary (for ``jieba.load_userdict``)."""
    return str(resources.files("onestop.hotline.routing").joinpath("data").joinpath("govterms.txt"))


@lru_cache(maxsize=4)
def base_lexicon(min_freq: int = 50) -> frozenset[str]:
    """Words of 2–8 characters: jieba's dictionary (those used at least ``min_freq`` times) and ours."""
    words: set[str] = set(government_terms())
    try:
        text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - jieba is a dependency
        text = ""
    for line in text.splitlines():
        parts = line.split(" ", 2)
        if len(parts) >= 2 and 2 <= len(parts[0]) <= MAX_WORD and parts[1].isdigit() and int(parts[1]) >= min_freq:
            words.add(parts[0])
    return frozenset(w for w in words if 2 <= len(w) <= MAX_WORD and not _SPLIT_RE.search(w)) - stopwords()


def phrase_words(text: str) -> set[str]:
    """Words of a duty description or keyword list: its phrases split at punctuation and at 和/及/与."""
    out: set[str] = set()
    for seg in segments(text):
        for part in re.split(r"[和及与的]", seg):
            if 2 <= len(part) <= MAX_WORD:
                out.add(part)
    return out


class WordIndex:
    """A set of words with, for each two-character prefix, the lengths of the longer words that start with it:
    scanning a text looks up longer words only where such a prefix occurs."""

    __slots__ = ("longer", "words")

    def __init__(self, words: Iterable[str]) -> None:
        self.words: frozenset[str] = frozenset(words)
        longer: dict[str, set[int]] = {}
        for w in self.words:
            if len(w) > 2:
                longer.setdefault(w[:2], set()).add(len(w))
        self.longer: dict[str, tuple[int, ...]] = {p: tuple(sorted(ls)) for p, ls in longer.items()}


def analyze(text: str, index: WordIndex) -> tuple[Counter[str], Counter[str]]:
    """Character bigrams and dictionary words of a text, with counts.

    Bigrams that span a separator are returned too (they hold a ``|``); vocabularies never keep them."""
    s = joined(text)
    pairs = [s[i : i + 2] for i in range(len(s) - 1)]
    words = index.words
    found = [w for w in pairs if w in words]
    longer = index.longer
    for i, p in enumerate(pairs):
        ls = longer.get(p)
        if ls is not None:
            for length in ls:
                w = s[i : i + length]
                if w in words:
                    found.append(w)
    return Counter(pairs), Counter(found)


@dataclass
class Vectorizer:
    """Bigram and word vocabularies with their inverse document frequencies; texts → L2-normalised rows."""

    bigrams: dict[str, int]
    words: dict[str, int]
    idf: np.ndarray  # float32, bigram ids first, then word ids
    word_weight: float = 1.0
    _index: WordIndex | None = field(default=None, repr=False, compare=False)

    @property
    def n_features(self) -> int:
        return len(self.bigrams) + len(self.words)

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        *,
        lexicon: frozenset[str] | set[str],
        keep: Iterable[str] = (),
        min_df: int = 2,
        max_features: int = 200_000,
        word_weight: float = 1.0,
    ) -> Vectorizer:
        """Learn the vocabulary from texts; ``keep`` lists texts (duties, keywords) whose features stay whatever
        their frequency."""
        return cls.fit_transform(
            texts, lexicon=lexicon, keep=keep, min_df=min_df, max_features=max_features, word_weight=word_weight
        )[0]

    @classmethod
    def fit_transform(
        cls,
        texts: Sequence[str],
        *,
        lexicon: frozenset[str] | set[str],
        keep: Iterable[str] = (),
        min_df: int = 2,
        max_features: int = 200_000,
        word_weight: float = 1.0,
    ) -> tuple[Vectorizer, Csr]:
        """:meth:`fit`, and the texts' rows, analysing each text once."""
        index = WordIndex(lexicon)
        analyses = [analyze(text, index) for text in texts]
        bigram_df: Counter[str] = Counter()
        word_df: Counter[str] = Counter()
        for b, w in analyses:
            bigram_df.update(b.keys())
            word_df.update(w.keys())
        forced_b: set[str] = set()
        forced_w: set[str] = set()
        for text in keep:
            b, w = analyze(text, index)
            forced_b.update(b)
            forced_w.update(w)
        stop = stopwords()
        bigram_df = Counter({g: c for g, c in bigram_df.items() if "|" not in g})
        forced_b = {g for g in forced_b if "|" not in g}
        bigram_list = _select(bigram_df, forced_b, min_df, max_features)
        word_list = [w for w in _select(word_df, forced_w, min_df, max_features) if w not in stop]
        n = len(texts)
        df = np.array([bigram_df[g] for g in bigram_list] + [word_df[w] for w in word_list], dtype=np.float64)
        idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        vectorizer = cls(
            {g: i for i, g in enumerate(bigram_list)},
            {w: i + len(bigram_list) for i, w in enumerate(word_list)},
            idf,
            word_weight,
        )
        return vectorizer, vectorizer._rows(analyses)

    def transform(self, texts: Sequence[str]) -> Csr:
        """Rows for new texts (the prediction path: the grams of a batch are counted by numpy, not Counters)."""
        index = self._index
        if index is None:
            index = self._index = WordIndex(self.words)
        words, longer = index.words, index.longer
        bigram_get, word_get = self.bigrams.get, self.words.get
        bigram_ids: list[int] = []
        bigram_lengths: list[int] = []
        word_ids: list[int] = []
        word_lengths: list[int] = []
        for text in texts:
            s = joined(text)
            pairs = [s[i : i + 2] for i in range(len(s) - 1)]
            ids = [bigram_get(p, -1) for p in pairs]
            bigram_ids += ids
            bigram_lengths.append(len(ids))
            found = [w for w in pairs if w in words]
            for i in [i for i, p in enumerate(pairs) if p in longer]:
                for length in longer[pairs[i]]:
                    w = s[i : i + length]
                    if w in words:
                        found.append(w)
            word_ids += [word_get(w, -1) for w in found]
            word_lengths.append(len(found))
        n = len(texts)
        docs: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for ids_list, lengths, weight in (
            (bigram_ids, bigram_lengths, 1.0),
            (word_ids, word_lengths, self.word_weight),
        ):
            ids_arr = np.asarray(ids_list, dtype=np.int64)
            doc_arr = np.repeat(np.arange(n, dtype=np.int64), lengths)
            known = ids_arr >= 0
            keys, counts = np.unique(doc_arr[known] * self.n_features + ids_arr[known], return_counts=True)
            doc = keys // self.n_features
            col = keys % self.n_features
            val = (1.0 + np.log(counts.astype(np.float32))) * self.idf[col]
            norms = np.sqrt(np.bincount(doc, weights=val.astype(np.float64) ** 2, minlength=n))
            scale = np.where(norms > 0, weight / np.maximum(norms, 1e-30), 0.0)
            docs.append(doc)
            cols.append(col)
            vals.append((val * scale[doc]).astype(np.float32))
        doc = np.concatenate(docs)
        order = np.argsort(doc, kind="stable")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(doc, minlength=n), out=indptr[1:])
        return Csr(
            indptr,
            np.concatenate(cols)[order].astype(np.int32),
            np.concatenate(vals)[order],
            self.n_features,
        )

    def _rows(self, analyses: Sequence[tuple[Counter[str], Counter[str]]]) -> Csr:
        """TF-IDF rows (sublinear tf), each block (bigrams, words) L2-normalised, words scaled by word_weight."""
        found_ids: list[int] = []
        found_counts: list[int] = []
        block_ends: list[int] = []  # where each (row, block) run of entries ends, before dropping unknown grams
        bigram_get, word_get = self.bigrams.get, self.words.get
        for b, w in analyses:
            found_ids += [bigram_get(g, -1) for g in b]
            found_counts += b.values()
            block_ends.append(len(found_ids))
            found_ids += [word_get(g, -1) for g in w]
            found_counts += w.values()
            block_ends.append(len(found_ids))
        raw = np.asarray(found_ids, dtype=np.int64)
        known = raw >= 0
        # Grams outside the vocabulary drop out; each block end moves back by the number dropped before it.
        dropped = np.concatenate([[0], np.cumsum(~known)])
        raw_ends = np.asarray(block_ends, dtype=np.int64)
        ends = raw_ends - dropped[raw_ends]
        idx = raw[known].astype(np.int32)
        vals = (1.0 + np.log(np.asarray(found_counts, dtype=np.float32)[known])) * self.idf[idx]
        starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
        lengths = ends - starts
        sq = np.zeros(len(ends), dtype=np.float64)
        nonempty = lengths > 0
        if vals.size:
            sq[nonempty] = np.add.reduceat(vals.astype(np.float64) ** 2, starts[nonempty])
        scale = np.zeros(len(ends), dtype=np.float64)
        scale[nonempty] = 1.0 / np.sqrt(np.maximum(sq[nonempty], 1e-30))
        scale[1::2] *= self.word_weight
        data = (vals * np.repeat(scale, lengths)).astype(np.float32)
        indptr = np.concatenate([[0], ends[1::2]]).astype(np.int64)
        return Csr(indptr, idx, data, self.n_features)

    def vocabulary(self) -> tuple[list[str], list[str]]:
        return sorted(self.bigrams, key=self.bigrams.__getitem__), sorted(self.words, key=self.words.__getitem__)


def _select(df: Counter[str], forced: set[str], min_df: int, max_features: int) -> list[str]:
    chosen = [g for g, c in df.most_common(max_features) if c >= min_df]
    have = set(chosen)
    return chosen + sorted(g for g in forced if g not in have)
