"""Duplicate requests (重复诉求): the same requester, or the same place, about the same thing.

A new request is compared with the open ones of the last weeks. Same requester (phone) or same place (the
address with spaces, punctuation and full-width forms folded), and texts that share enough character
bigrams (Dice coefficient over the bigram sets, which a few extra words do not swamp), make a proposal; the
operator decides whether to merge (并单). Nothing here merges by itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
# Address words that do not tell two places apart.
_FILLER = ("附近", "旁边", "对面", "门口", "路口", "一带", "周边", "小区内", "楼下")


def place_key(address: str) -> str:
    """The address folded so that two spellings of one place compare equal (empty when none was given)."""
    text = unicodedata.normalize("NFKC", address).lower()
    for word in _FILLER:
        text = text.replace(word, "")
    return _NOISE.sub("", text)[:120]


def bigrams(text: str) -> frozenset[str]:
    folded = _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())
    return frozenset(folded[i : i + 2] for i in range(len(folded) - 1))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' character-bigram sets, 0–1."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


@dataclass(frozen=True)
class Candidate:
    case_number: str
    text: str
    place: str
    phone: str | None


@dataclass(frozen=True)
class Match:
    case_number: str
    score: float
    reason: str  # 同一诉求人 / 同一地点


def find_duplicates(
    text: str,
    *,
    place: str,
    phone: str | None,
    candidates: Iterable[Candidate],
    threshold: float,
    limit: int = 5,
) -> list[Match]:
    """Open requests that look like the same matter, best first.

    The same requester needs less textual likeness (a caller chasing their own request words it anew) than
    the same place (two neighbours report one broken street lamp in their own words): a third of the threshold.
    """
    out: list[Match] = []
    for c in candidates:
        same_person = phone is not None and c.phone == phone
        same_place = bool(place) and c.place == place
        if not same_person and not same_place:
            continue
        score = similarity(text, c.text)
        needed = threshold / 3 if same_person else threshold
        if score >= needed:
            out.append(Match(c.case_number, round(score, 3), "同一诉求人" if same_person else "同一地点"))
    out.sort(key=lambda m: (-m.score, m.case_number))
    return out[:limit]


def best_of(matches: Sequence[Match]) -> Match | None:
    return matches[0] if matches else None
