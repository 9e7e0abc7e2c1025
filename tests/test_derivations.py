"""Each derivation the lessons fold away, checked numerically as the lesson checks it, plus the
lessons' number questions and exercises against the models.

- lesson 5: the best demand from its first-order condition against a grid search;
- lesson 6: the shifting-power condition, with the cost of war paid once, against a direct
  comparison of discounted streams;
- lesson 7: chicken's indifference condition and the audience-cost threshold;
- lesson 8: the outside-option principle against the Nash solution with war as disagreement point;
- lesson 9: Rubinstein's shares from stationarity against finite-horizon backward induction.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import checks, models
from course_utils.models import games

fast = settings(max_examples=60, deadline=None)


# =========================================================================== lesson 7
@fast
@given(st.lists(st.integers(-30, 30), min_size=4, max_size=4, unique=True),
       st.lists(st.integers(-30, 30), min_size=4, max_size=4, unique=True))
def test_chicken_indifference_derivation(us, nk):
    us, nk = tuple(sorted(us, reverse=True)), tuple(sorted(nk, reverse=True))
    eq = models.chicken_asymmetric(us, nk)
    us_table, nk_table = models.chicken_matrices(us, nk)   # rows/columns: dare, swerve
    dare, swerve = games.expected_payoffs(us_table, eq.p_dare_b, "row")
    assert dare == pytest.approx(swerve, abs=1e-9)          # the US is indifferent...
    t, r, s, p = us
    assert eq.p_dare_b == pytest.approx((t - r) / ((t - r) + (s - p)))  # ...at its own formula
    dare, swerve = games.expected_payoffs(nk_table, eq.p_dare_a, "col")
    assert dare == pytest.approx(swerve, abs=1e-9)


def test_lesson07_numbers_agree_with_the_models():
    eq = models.chicken_asymmetric((1, 0, -1, -10), (1, 0, -1, -4))
    assert checks.get_question("lesson07", "us_dare").answer == pytest.approx(eq.p_dare_a) == 0.25
    assert checks.ask("lesson07", "us_dare").answer("1/4").correct
    assert "leave North Korea indifferent" in checks.ask("lesson07", "us_dare").answer(0.1).message
    threshold = checks.get_question("lesson07", "audience_min").answer
    assert models.audience_cost_credible(0.2, 0.5, threshold)
    assert not models.audience_cost_credible(0.2, 0.5, threshold - 0.01)
    outcomes = {a: games.backward_induction(games.escalation_game(0.2, 0.5, 1.0, a)).outcome
                for a in (0.1, 0.3, 0.4)}
    assert outcomes == {0.1: "concede", 0.3: "quiet", 0.4: "quiet"}
    assert checks.try_it("lesson07", "dare", lambda t, r, s, p: (t - r) / ((t - r) + (s - p))).correct
    swapped = checks.try_it("lesson07", "dare", lambda t, r, s, p: (s - p) / ((t - r) + (s - p)))
    assert not swapped.correct and "swerving" in str(swapped)
    for key in ("fear", "repeat", "bluff"):
        assert checks.get_question("lesson07", key).expected is not None
    fear = models.chicken_asymmetric((1, 0, -1, -20), (1, 0, -1, -10))  # the US fears more
    assert (fear.p_dare_a > fear.p_dare_b) == (checks.get_question("lesson07", "fear").expected == "b")
    assert round(models.cumulative_risk(0.05, 10), 2) == 0.40
