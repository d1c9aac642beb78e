"""The figures of 好差评, as pure formulas over counts (the action layer's reads count, this module divides).

Definitions (every rate is a ``Fraction``, or None when its denominator is zero — "no data" is not 0 %):

* 评价覆盖率 ``coverage`` = finished ratable cases with at least one valid rating / finished ratable cases.
* 好评率 ``good_rate`` = valid ratings of level 4–5 (满意, 非常满意) / valid ratings.
* 满意率 ``satisfied_rate`` = valid ratings of level 3–5 (基本满意 included) / valid ratings — the 12345
  hotline's 满意率 as the plans set its target (≥ 92 %); the complement of the 差评率.
* 差评率 ``bad_rate`` = valid ratings of level 1–2 / valid ratings; 差评数 ``bad`` = their count.
* 实名差评回访率 ``callback_rate`` = real-name valid 差评 whose rectification recorded a return call (回访,
  whatever its result) / real-name valid 差评. Anonymous 差评 cannot be called back and are not in it.
* 整改率 ``rectification_rate`` = valid 差评 whose rectification is closed (整改完成) / valid 差评; also
  separately for real-name (``rectification_rate_real``) and anonymous (``rectification_rate_anonymous``).

"Valid" excludes ratings annulled on appeal; they are counted apart in ``annulled``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

from onestop.ratings.levels import BAD_THRESHOLD, GOOD_THRESHOLD

LEVELS = 5


def rate(numerator: int, denominator: int) -> Fraction | None:
    if numerator < 0 or denominator < 0 or numerator > denominator:
        raise ValueError(f"not a rate: {numerator}/{denominator}")
    return None if denominator == 0 else Fraction(numerator, denominator)


def percent(value: Fraction | None, digits: int = 1) -> str:
    """``Fraction(2, 3)`` -> ``"66.7%"``; None -> ``"—"`` (no data)."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@dataclass(frozen=True)
class Tally:
    """Counts for one group (a unit, an item, a period); rates are properties."""

    finished: int = 0  # finished ratable cases
    rated: int = 0  # of those, with at least one valid rating
    by_level: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # valid ratings of level 1, 2, 3, 4, 5
    bad_real: int = 0  # real-name valid 差评
    bad_anonymous: int = 0
    called_back: int = 0  # real-name valid 差评 called back
    rectified_real: int = 0  # real-name valid 差评 whose rectification is closed
    rectified_anonymous: int = 0
    contact_overdue: int = 0  # real-name valid 差评 whose rater was not contacted in time
    annulled: int = 0  # ratings annulled on appeal (not in any rate)

    def __post_init__(self) -> None:
        if len(self.by_level) != LEVELS:
            raise ValueError("by_level needs one count per level 1..5")
        if self.bad_real + self.bad_anonymous != self.bad:
            raise ValueError("real-name and anonymous 差评 must add up to the 差评 by level")
        if self.called_back > self.bad_real or self.rectified_real > self.bad_real:
            raise ValueError("more real-name 差评 called back or rectified than there are")
        if self.rectified_anonymous > self.bad_anonymous or self.rated > self.finished:
            raise ValueError("inconsistent counts")

    def __add__(self, other: Tally) -> Tally:
        values: dict[str, Any] = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            values[f.name] = tuple(x + y for x, y in zip(a, b, strict=True)) if f.name == "by_level" else a + b
        return Tally(**values)

    @property
    def ratings(self) -> int:
        return sum(self.by_level)

    def level(self, number: int) -> int:
        return self.by_level[number - 1]

    @property
    def good(self) -> int:
        return sum(self.by_level[GOOD_THRESHOLD - 1 :])

    @property
    def satisfied(self) -> int:
        return sum(self.by_level[BAD_THRESHOLD:])

    @property
    def bad(self) -> int:
        return sum(self.by_level[:BAD_THRESHOLD])

    @property
    def rectified(self) -> int:
        return self.rectified_real + self.rectified_anonymous

    @property
    def coverage(self) -> Fraction | None:
        return rate(self.rated, self.finished)

    @property
    def good_rate(self) -> Fraction | None:
        return rate(self.good, self.ratings)

    @property
    def satisfied_rate(self) -> Fraction | None:
        return rate(self.satisfied, self.ratings)

    @property
    def bad_rate(self) -> Fraction | None:
        return rate(self.bad, self.ratings)

    @property
    def callback_rate(self) -> Fraction | None:
        return rate(self.called_back, self.bad_real)

    @property
    def rectification_rate(self) -> Fraction | None:
        return rate(self.rectified, self.bad)

    @property
    def rectification_rate_real(self) -> Fraction | None:
        return rate(self.rectified_real, self.bad_real)

    @property
    def rectification_rate_anonymous(self) -> Fraction | None:
        return rate(self.rectified_anonymous, self.bad_anonymous)

    @property
    def mean_level(self) -> Fraction | None:
        if not self.ratings:
            return None
        return Fraction(sum(n * (i + 1) for i, n in enumerate(self.by_level)), self.ratings)


@dataclass(frozen=True)
class RatingFacts:
    """One valid rating as the reads see it, for building a ``Tally`` without SQL (tests, the demo report)."""

    level: int
    real_name: bool
    rectified: bool = False
    called_back: bool = False
    contact_overdue: bool = False


def tally(ratings: list[RatingFacts], *, finished: int = 0, rated: int = 0, annulled: int = 0) -> Tally:
    """Counts ``ratings`` (valid ones) into a ``Tally``; coverage counts come from the caller."""
    by_level = [0] * LEVELS
    bad_real = bad_anonymous = called_back = rectified_real = rectified_anonymous = overdue = 0
    for r in ratings:
        if not 1 <= r.level <= LEVELS:
            raise ValueError(f"level {r.level} out of 1..5")
        by_level[r.level - 1] += 1
        if r.level > BAD_THRESHOLD:
            continue
        if r.real_name:
            bad_real += 1
            called_back += r.called_back
            rectified_real += r.rectified
            overdue += r.contact_overdue
        else:
            bad_anonymous += 1
            rectified_anonymous += r.rectified
    return Tally(
        finished=finished,
        rated=rated,
        by_level=(by_level[0], by_level[1], by_level[2], by_level[3], by_level[4]),
        bad_real=bad_real,
        bad_anonymous=bad_anonymous,
        called_back=called_back,
        rectified_real=rectified_real,
        rectified_anonymous=rectified_anonymous,
        contact_overdue=overdue,
        annulled=annulled,
    )
