"""Places and functions: a unit is a place (某区, 某街道) and a function (住建局, 政府), and so is a request.

A city's later requests often go to a unit its earlier history never names: another town's 镇政府, another
district's 教育局. Both halves are usually known though: the town is named in the request, and 镇政府 as a
function has been seen in every other town. So the model learns the function apart from the place and
composes the unit from the two where the exact unit is unseen, and a unit whose own place the request names
ranks above its namesakes elsewhere.

* :func:`unit_parts` splits a unit name into its place chain (outermost first) and its function, the lowest
  place's level plus the body (``A7县安沙镇人民政府`` → ``A7县``, ``安沙镇``; ``镇政府``).
* :class:`PlaceIndex` knows the places of the units seen in training, each with its usual parent chain, and
  finds them in a request's text, together with new lower places named right after a known one (``A7县黄兴镇``
  where only A7县 was known) and coded places (``B2区``) of anonymised data.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from onestop.hotline.routing.aliases import _NOT_PLACES, LEVELS, fold, parse

# Levels of places a request names below a known parent (towns, streets); districts and counties are named
# with their city and are learnt from unit names.
_CHILD_LEVELS = ("街道", "镇", "乡")
_CHILD_RE = re.compile(r"([\u4e00-\u9fff]{2,4}?)(街道|镇|乡)")
_CODE_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z][0-9]{0,3})(市|区|县)")
# Characters that do not start a place name (a town's name never starts 我的/在/和 …).
_BAD_START = frozenset("我你他她它您的在和与及或到从向对由是了把被就也都又还有这那该本各每其乡镇村县市区省街")


@dataclass(frozen=True)
class UnitParts:
    places: tuple[str, ...]  # "A7县", "安沙镇", outermost first
    level: str  # the lowest place's level, or the bare level ("市公安局" → "市"), "" if none
    body: str  # "政府", "教育局"

    @property
    def function(self) -> str:
        """The level and body: "镇政府", "县教育局", "市公安局"."""
        return self.level + self.body


def unit_parts(name: str) -> UnitParts:
    """The place chain and function of a unit name (abbreviations folded as in alias keys)."""
    parsed = parse(fold(name))
    places = tuple(n + lv for n, lv in parsed.places)
    body = parsed.body or "政府"
    level = parsed.places[-1][1] if parsed.places else parsed.bare_level
    return UnitParts(places, level, body)


def place_level(place: str) -> str:
    """The level a place name ends with (``白牙市镇`` → ``镇``), "" if none."""
    return next((lv for lv in LEVELS if place.endswith(lv) and len(place) > len(lv)), "")


@dataclass
class PlaceIndex:
    """Known places, each with its usual parent chain (``安沙镇`` → ``A7县``)."""

    parents: dict[str, str]

    @classmethod
    def learn(cls, units: Iterable[str]) -> PlaceIndex:
        chains: dict[str, Counter[str]] = {}
        for name in units:
            places = unit_parts(name).places
            for i, place in enumerate(places):
                # A bare two-character name with its level (东镇) is too likely a word inside other words.
                if len(place) < 3:
                    continue
                chains.setdefault(place, Counter())["".join(places[:i])] += 1
        parents = {p: max(c.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0] for p, c in chains.items()}
        return cls(parents)

    def __post_init__(self) -> None:
        names = sorted(self.parents, key=len, reverse=True)
        self._known = re.compile("|".join(re.escape(n) for n in names)) if names else None

    def find(self, text: str) -> list[str]:
        """The places a text names, in order of first mention, each once; known ones, coded ones, and new
        towns and streets named right after a known or coded place."""
        s = unicodedata.normalize("NFKC", text)
        spans: list[tuple[int, int, str]] = []
        if self._known is not None:
            spans += [(m.start(), m.end(), m.group(0)) for m in self._known.finditer(s)]
        taken = [(a, b) for a, b, _ in spans]
        for m in _CODE_RE.finditer(s):
            if not any(a <= m.start() < b for a, b in taken):
                spans.append((m.start(), m.end(), m.group(0)))
        parents_end = {b for _, b, _ in spans}
        for end in sorted(parents_end):
            # 某县县城关镇: the level written twice after a short county name.
            start = end + 1 if s[end : end + 1] == s[end - 1 : end] else end
            child = _CHILD_RE.match(s, start)
            if child is None:
                continue
            place = child.group(0)
            if place[0] in _BAD_START or place in _NOT_PLACES or child.group(1)[-1] in "城乡":
                continue
            if not any(a <= child.start() < b for a, b in taken):
                spans.append((child.start(), child.end(), place))
        spans.sort()
        seen: dict[str, None] = {}
        for _, _, place in spans:
            seen.setdefault(place, None)
        return list(seen)

    def chain(self, place: str, context: Sequence[str] = ()) -> str:
        """The place's full chain as unit names write it: its known parent, else the nearest coarser place of
        the text named before it (``A7县`` before ``黄兴镇``)."""
        parent = self.parents.get(place)
        if parent is None:
            level = place_level(place)
            parent = ""
            if level in _CHILD_LEVELS:
                before = context[: context.index(place)] if place in context else context
                coarser = [p for p in before if place_level(p) not in _CHILD_LEVELS]
                if coarser:
                    parent = self.parents.get(coarser[-1], "") + coarser[-1]
        return parent + place

    def to_list(self) -> list[list[str]]:
        return [[p, parent] for p, parent in sorted(self.parents.items())]

    @classmethod
    def from_list(cls, items: Iterable[Sequence[str]]) -> PlaceIndex:
        return cls({str(x[0]): str(x[1]) for x in items if len(x) == 2})
