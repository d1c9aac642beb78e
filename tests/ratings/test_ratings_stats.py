"""The formulas of 好差评 (pure), with hand-computed values."""

from __future__ import annotations

from fractions import Fraction

import pytest

from onestop.ratings.stats import RatingFacts, Tally, percent, rate, tally


def test_rates_are_exact_and_none_without_data() -> None:
    assert rate(2, 3) == Fraction(2, 3)
    assert rate(0, 0) is None
    assert percent(Fraction(2, 3)) == "66.7%"
    assert percent(Fraction(23, 25), 0) == "92%"
    assert percent(None) == "—"
    with pytest.raises(ValueError, match="not a rate"):
        rate(4, 3)


def test_a_month_of_one_unit() -> None:
    # 20 valid ratings: 9 非常满意, 6 满意, 2 基本满意, 2 不满意, 1 非常不满意;
    # the three 差评: two real-name (one rectified and called back, one still open), one anonymous, rectified.
    facts = (
        [RatingFacts(5, True)] * 9
        + [RatingFacts(4, False)] * 6
        + [RatingFacts(3, True)] * 2
        + [RatingFacts(2, True, rectified=True, called_back=True)]
        + [RatingFacts(2, True, contact_overdue=True)]
        + [RatingFacts(1, False, rectified=True)]
    )
    t = tally(facts, finished=25, rated=18, annulled=1)
    assert t.ratings == 20
    assert t.by_level == (1, 2, 2, 6, 9)
    assert t.coverage == Fraction(18, 25)  # 72 %
    assert t.good_rate == Fraction(15, 20)  # (9 + 6) / 20 = 75 %
    assert t.satisfied_rate == Fraction(17, 20)  # 基本满意 counted: 85 %
    assert t.bad == 3
    assert t.bad_rate == Fraction(3, 20)
    assert (t.bad_real, t.bad_anonymous) == (2, 1)
    assert t.callback_rate == Fraction(1, 2)  # the anonymous one is not in it
    assert t.rectification_rate == Fraction(2, 3)
    assert t.rectification_rate_real == Fraction(1, 2)
    assert t.rectification_rate_anonymous == Fraction(1, 1)
    assert t.contact_overdue == 1
    assert t.annulled == 1
    # mean level: (9*5 + 6*4 + 2*3 + 2*2 + 1*1) / 20 = 80 / 20 = 4
    assert t.mean_level == 4


def test_tallies_add_up() -> None:
    a = tally([RatingFacts(5, True), RatingFacts(1, True, rectified=True, called_back=True)], finished=3, rated=2)
    b = tally([RatingFacts(2, False)], finished=1, rated=1, annulled=2)
    total = a + b
    assert total.by_level == (1, 1, 0, 0, 1)
    assert (total.finished, total.rated, total.annulled) == (4, 3, 2)
    assert total.rectification_rate == Fraction(1, 2)
    assert total.callback_rate == Fraction(1, 1)
    assert Tally().good_rate is None


def test_inconsistent_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="add up"):
        Tally(by_level=(1, 0, 0, 0, 0), bad_real=0, bad_anonymous=0)  # one 差评 neither real-name nor anonymous
    with pytest.raises(ValueError, match="called back"):
        Tally(by_level=(1, 0, 0, 0, 0), bad_real=1, called_back=2)
    with pytest.raises(ValueError, match="inconsistent"):
        Tally(finished=1, rated=2)
    with pytest.raises(ValueError, match="out of"):
        tally([RatingFacts(6, True)])
