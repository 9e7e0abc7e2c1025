"""Formulas that used to sit inside explorers now live in ``course_utils.models`` (issue 14):
each moved function gives the numbers the explorer's own code gave before the move. The
"before" code is copied here as it was, so a change of either side shows."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from course_utils import models
from course_utils.explorers import (
    BrinkmanshipExplorer,
    CommitmentExplorer,
    DeterrenceExplorer,
    NashExplorer,
    NegotiationGame,
    RangeExplorer,
)

GRID = np.round(np.linspace(0.0, 1.0, 11), 2)
COSTS = np.round(np.linspace(0.0, 0.5, 6), 2)


# ------------------------------------------------------------------ war payoffs (range, Nash)
def test_war_payoffs_are_the_range_explorers_old_arithmetic():
    for p, cost_us, cost_nk in itertools.product(GRID, COSTS, COSTS):
        war = models.war_payoffs(p, cost_us, cost_nk)
        assert (war.a, war.b) == pytest.approx((p - cost_us, 1.0 - p - cost_nk))  # before
    rng = models.bargaining_range(0.5, 0.1, 0.2)  # unclipped: the range ends at the war payoffs
    war = models.war_payoffs(0.5, 0.1, 0.2)
    assert (rng.low, 1 - rng.high) == pytest.approx((war.a, war.b))
    ex = RangeExplorer()
    ex.set(p=0.3, cost_us=0.2, cost_nk=0.05)
    assert ex.state["result"].war == pytest.approx((0.1, 0.65))
    ex.close()


def test_nash_explorer_gives_the_old_split_with_p_now_the_us_chance():
    """Before, the slider p was North Korea's share from war (d_NK = p - c_NK); now p is the US's
    chance (d_US = p - c_US). The same war gives the same bargain."""
    ex = NashExplorer()
    for p_nk, cost_nk, cost_us, alpha in itertools.product((0.0, 0.3, 0.55), (0.0, 0.3),
                                                           (0.1, 0.5), (0.25, 0.5)):
        d_nk, d_us = p_nk - cost_nk, 1.0 - p_nk - cost_us  # before
        before = models.nash_bargaining(d_nk, d_us, weight_a=alpha)
        ex.set(p=round(1.0 - p_nk, 2), cost_nk=cost_nk, cost_us=cost_us, weight_nk=alpha)
        r = ex.state["result"]
        assert (r.d_nk, r.d_us) == pytest.approx((d_nk, d_us))
        assert r.split == pytest.approx(before)
        assert r.surplus == pytest.approx(1.0 - d_nk - d_us)  # before: the readout's surplus
        assert models.bargaining_surplus(d_nk, d_us) == pytest.approx(cost_nk + cost_us)
    ex.close()


# ------------------------------------------------------------------ the negotiation game
def _old_rounds(seed: int, demands, p=0.5, cost_us=0.1, cost_nk_max=0.5):
    """NegotiationGame.commit as it was: breakdown iff the uniform draw is below P(war)."""
    draws = np.random.default_rng(seed).uniform(size=len(demands))
    best = models.risk_return_offer(p, cost_us, cost_nk_max)
    out = []
    for u, demand in zip(draws, demands, strict=True):
        offer = models.offer_outcome(demand, p, cost_us, cost_nk_max)
        broke, best_broke = u < offer.p_war, u < best.p_war
        war = p - cost_us
        out.append((demand, float(offer.p_war), u * cost_nk_max, "breakdown" if broke else "deal",
                    war if broke else demand, war if best_broke else float(best.demand)))
    return out


@pytest.mark.parametrize("seed", [1, 7, 2018, 42])
def test_negotiation_rounds_are_the_same_as_before(seed):
    demands = [0.55, 0.7, 0.9, 0.62, 1.0]
    game = NegotiationGame(seed=seed, rounds=len(demands))
    for demand in demands:
        game.set(demand=demand)
        game.commit()
    for new, old in zip(game.rounds, _old_rounds(seed, demands), strict=True):
        assert new.outcome == old[3]
        assert (new.demand, new.p_war, new.nk_cost, new.payoff, new.best_payoff) == \
            pytest.approx((old[0], old[1], old[2], old[4], old[5]))
    game.close()


def test_offer_accepted_is_the_uniform_cost_rule():
    for x, p, c in itertools.product(GRID, GRID, COSTS):
        assert models.offer_accepted(x, p, c) == (c >= x - p - 1e-12)
    with pytest.raises(ValueError, match="cost_b"):
        models.offer_accepted(0.5, 0.5, -0.1)


# ------------------------------------------------------------------ deterrence
def _old_fewest(benefit, cost, p_each, n_max=20):
    """DeterrenceExplorer.describe as it was."""
    n = np.arange(n_max + 1)
    enough = n[np.asarray(models.deterrence_holds(models.retaliation_probability(n, p_each),
                                                  benefit, cost))]
    return int(enough[0]) if enough.size else None


def test_fewest_weapons_to_deter_is_the_old_search():
    for b, c, a in itertools.product((0.1, 1.0, 2.5, 5.0), (0.0, 4.0, 9.0, 20.0),
                                     (0.0, 0.05, 0.1, 0.3, 0.9, 1.0)):
        assert models.fewest_weapons_to_deter(b, c, a, 20) == _old_fewest(b, c, a)
    ex = DeterrenceExplorer(benefit=1.0, cost=4.0, p_each=0.1)
    assert ex.state["result"]["fewest"] == 3 and "fewest missiles that deter: 3" in ex.summary
    ex.close()


# ------------------------------------------------------------------ brinkmanship
def test_window_verdicts_are_the_old_comparisons():
    for h, q in itertools.product(GRID, np.round(np.linspace(0, 1, 21), 2)):
        win = models.brinkmanship_window(1.0, 9.0, 2.0, 20.0, h)
        assert win.deters(q) == (q >= win.q_min - 1e-12)   # before: BrinkResult.effective
        assert win.bearable(q) == (q <= win.q_max + 1e-12)  # before: BrinkResult.acceptable
    ex = BrinkmanshipExplorer(q=0.05)
    assert not ex.state["result"].effective and ex.state["result"].acceptable
    ex.close()


# ------------------------------------------------------------------ disarmament trap
def _old_upkeep_needed(delta, armed, disarmed, cap, upkeep_max=1.0):
    """CommitmentExplorer's trap readout as it was: the first upkeep on a grid that makes the
    price affordable."""
    grid = np.linspace(0.0, upkeep_max, 201)
    prices = np.asarray(models.disarmament_price(delta, armed, disarmed, grid))
    enough = grid[prices <= cap + 1e-12]
    return float(enough[0]) if enough.size else None


def test_upkeep_for_deal_is_the_old_grid_search_made_exact():
    for delta, armed, disarmed, cap in itertools.product((0.5, 0.75, 0.9, 0.95), (0.0, 0.5, 1.25, 2.0),
                                                         (0.0, 0.2, 0.55), (0.0, 1.5, 3.75)):
        old = _old_upkeep_needed(delta, armed, disarmed, cap)
        new = models.upkeep_for_deal(delta, armed, disarmed, cap)
        assert models.disarmament_price(delta, armed, disarmed, new) <= cap + 1e-9  # enough
        if new <= 1.0:
            assert old is not None and new <= old + 1e-9 and old - new < 0.005 + 1e-9
            shown = math.ceil(new * 100 - 1e-9) / 100  # what the readout prints
            assert abs(shown - old) < 0.01 + 1e-9
        else:
            assert old is None
    ex = CommitmentExplorer(view="trap")
    assert ex.state["result"].upkeep_needed == pytest.approx(0.15)
    assert "k = 0.15" in ex.summary
    ex.close()


# ------------------------------------------------------------------ moratorium
def test_moratorium_beliefs_are_the_scalar_model_at_each_cost():
    costs = np.linspace(0.0, 2.0, 41)
    for prior, vs, vt in [(0.3, 1.0, 0.4), (0.8, 0.5, 0.0), (0.0, 2.0, 1.9)]:
        beliefs = models.moratorium_beliefs(prior, vs, vt, costs)
        before = [models.moratorium_signal(prior, vs, vt, c).posterior for c in costs]
        assert beliefs == pytest.approx(before)
    with pytest.raises(ValueError, match="value_stalling must be less"):
        models.moratorium_beliefs(0.3, 0.4, 1.0, costs)
