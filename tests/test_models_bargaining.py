"""Known answers, properties and error paths of ``course_utils.models.bargaining``.

Every reference case names its source: the worked case of docs/models.md, the cited paper, or
"derived by hand" with the arithmetic beside it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.models import bargaining as bg
from model_checks import assert_rejects, assert_sweep_matches_scalars

unit = st.floats(0.0, 1.0, allow_nan=False)
cost = st.floats(0.0, 1.0, allow_nan=False)
delta = st.floats(0.01, 0.99, allow_nan=False)
fast = settings(max_examples=60, deadline=None)


# --------------------------------------------------------------------------- bargaining range
@pytest.mark.parametrize(
    ("p", "ca", "cb", "low", "high"),
    [
        (0.5, 0.1, 0.1, 0.4, 0.6),  # docs/models.md worked case
        # derived by hand: [0.9 - 0.2, 0.9 + 0.3] = [0.7, 1.2], clipped to [0.7, 1.0]
        (0.9, 0.2, 0.3, 0.7, 1.0),
        # derived by hand: [0.05 - 0.1, 0.05 + 0] = [-0.05, 0.05], clipped to [0, 0.05]
        (0.05, 0.1, 0.0, 0.0, 0.05),
        # derived by hand: costless war leaves a single split, x = p
        (0.3, 0.0, 0.0, 0.3, 0.3),
    ],
)
def test_bargaining_range_known_answers(p, ca, cb, low, high):
    rng = bg.bargaining_range(p, ca, cb)
    assert rng == pytest.approx((low, high))
    assert rng.exists


@fast
@given(p=unit, ca=cost, cb=cost)
def test_range_width_is_total_cost_while_inside_unit_interval(p, ca, cb):
    rng = bg.bargaining_range(p, ca, cb)  # ends are rounded to 12 decimals
    assert 0.0 <= rng.low <= p + 1e-12 and p - 1e-12 <= rng.high <= 1.0
    if p - ca >= 0 and p + cb <= 1:
        assert rng.width == pytest.approx(ca + cb, abs=1e-9)
    else:
        assert rng.width < ca + cb + 1e-9


@fast
@given(p=unit, ca=cost, cb=cost, x=unit)
def test_range_holds_exactly_the_splits_both_prefer_to_war(p, ca, cb, x):
    # Fearon 1995: A accepts x iff x >= p - c_A; B accepts iff 1 - x >= 1 - p - c_B.
    both_prefer = x >= p - ca - 1e-9 and (1 - x) >= (1 - p - cb) - 1e-9
    strictly_inside = x > p - ca + 1e-9 and (1 - x) > (1 - p - cb) + 1e-9
    contained = bg.bargaining_range(p, ca, cb).contains(x)
    if strictly_inside:
        assert contained
    if not both_prefer:
        assert not contained


@pytest.mark.parametrize(
    ("p", "ca", "cb", "options", "expected"),
    [
        (0.5, 0.1, 0.1, (0.0, 1.0), ()),  # docstring example: neither all nor nothing fits
        (0.9, 0.2, 0.2, (0.0, 1.0), (1.0,)),  # derived by hand: range [0.7, 1.0] holds 1 only
        (0.5, 0.1, 0.1, (0.2, 0.5, 0.6), (0.5, 0.6)),  # derived by hand: [0.4, 0.6], edge kept
    ],
)
def test_indivisible_deals(p, ca, cb, options, expected):
    assert bg.indivisible_deals(p, ca, cb, options) == expected


# --------------------------------------------------------------------------- risk and return
@pytest.mark.parametrize(
    ("p", "ca", "cbar", "demand", "p_war", "eu"),
    [
        (0.5, 0.1, 0.5, 0.7, 0.4, 0.58),  # docs/models.md worked case
        # derived by hand: x* = 0.2 + (0.5 - 0.1)/2 = 0.4; P(war) = 0.2/0.5 = 0.4;
        # EU = 0.4 * 0.6 + (0.2 - 0.1) * 0.4 = 0.28
        (0.2, 0.1, 0.5, 0.4, 0.4, 0.28),
        # derived by hand: x* = 0.8 + 1/2 = 1.3, clipped to 1; P(war) = 0.2/1 = 0.2;
        # EU = 1 * 0.8 + 0.8 * 0.2 = 0.96
        (0.8, 0.0, 1.0, 1.0, 0.2, 0.96),
        # derived by hand: c_A = 0.2 >= c̄ = 0.2, so x* = p = 0.3, no war, EU = 0.3
        (0.3, 0.2, 0.2, 0.3, 0.0, 0.3),
    ],
)
def test_risk_return_offer_known_answers(p, ca, cbar, demand, p_war, eu):
    assert bg.risk_return_offer(p, ca, cbar) == pytest.approx((demand, p_war, eu))


@fast
@given(p=unit, ca=cost, cbar=st.floats(0.01, 1.0))
def test_optimal_demand_beats_every_other_demand(p, ca, cbar):
    best = bg.risk_return_offer(p, ca, cbar)
    others = bg.offer_outcome(np.linspace(0.0, 1.0, 201), p, ca, cbar)
    assert best.expected_utility >= np.max(others.expected_utility) - 1e-9
    assert p - 1e-12 <= best.demand <= 1.0


@fast
@given(p1=unit, p2=unit, ca=st.floats(0.0, 0.4), cbar=st.floats(0.41, 1.0))
def test_war_risk_does_not_move_with_p_in_the_interior(p1, p2, ca, cbar):
    # Interior: x* = p + (c̄ - c_A)/2 <= 1, so P(war) = (c̄ - c_A)/(2 c̄) whatever p is.
    half = (cbar - ca) / 2
    if p1 + half > 1 or p2 + half > 1:
        return
    r1, r2 = bg.risk_return_offer(p1, ca, cbar), bg.risk_return_offer(p2, ca, cbar)
    assert r1.p_war == pytest.approx(r2.p_war, abs=1e-9)
    assert r1.p_war == pytest.approx((cbar - ca) / (2 * cbar), abs=1e-9)


def test_offer_outcome_below_p_never_risks_war():
    # derived by hand: demanding 0.3 < p = 0.5 is always accepted and earns 0.3
    assert bg.offer_outcome(0.3, 0.5, 0.1, 0.5) == pytest.approx((0.3, 0.0, 0.3))


# --------------------------------------------------------------------------- Nash bargaining
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (dict(d_a=0.65, d_b=0.05), (0.80, 0.20)),  # docs/models.md worked case
        # derived by hand: surplus 2 - 0.2 - 0.3 = 1.5; u_a = 0.2 + 0.25 * 1.5 = 0.575
        (dict(d_a=0.2, d_b=0.3, total=2.0, weight_a=0.25), (0.575, 1.425)),
        # derived by hand: no surplus (0.3 + 0.7 = 1), each keeps its disagreement payoff
        (dict(d_a=0.3, d_b=0.7), (0.3, 0.7)),
        # derived by hand: weight 1 hands A the whole surplus: 0.1 + 0.8 = 0.9
        (dict(d_a=0.1, d_b=0.1, weight_a=1.0), (0.9, 0.1)),
    ],
)
def test_nash_bargaining_known_answers(kwargs, expected):
    assert bg.nash_bargaining(**kwargs) == pytest.approx(expected)


@fast
@given(p=unit, ca=st.floats(0.0, 0.5), cb=st.floats(0.0, 0.5))
def test_nash_split_with_war_payoffs_is_p_plus_half_cost_difference(p, ca, cb):
    # docs/models.md: with d = (p - c_A, 1 - p - c_B) and α = 1/2, x = p + (c_B - c_A)/2.
    split = bg.nash_bargaining(p - ca, 1 - p - cb)
    assert split.a == pytest.approx(p + (cb - ca) / 2, abs=1e-9)
    assert split.a + split.b == pytest.approx(1.0)


@fast
@given(d_a=st.floats(-1, 1), d_b=st.floats(-1, 1), alpha=st.floats(0.05, 0.95))
def test_nash_split_maximises_the_nash_product(d_a, d_b, alpha):
    total = 3.0  # big enough that every drawn pair leaves a surplus
    split = bg.nash_bargaining(d_a, d_b, total, alpha)
    u_a = np.linspace(d_a, total - d_b, 2001)
    gains_a, gains_b = np.clip(u_a - d_a, 0, None), np.clip(total - u_a - d_b, 0, None)
    product = gains_a**alpha * gains_b ** (1 - alpha)
    assert split.a == pytest.approx(u_a[np.argmax(product)], abs=3 * (total - d_a - d_b) / 2000)


# --------------------------------------------------------------------------- alternating offers
@pytest.mark.parametrize(
    ("dp", "dr", "proposer"),
    [
        (0.9, 0.9, 0.5263),  # docs/models.md worked case: 0.1 / 0.19
        (0.5, 0.5, 2 / 3),  # derived by hand: 0.5 / (1 - 0.25) = 2/3
        (0.9, 0.5, 0.5 / 0.55),  # derived by hand: (1 - 0.5) / (1 - 0.45) = 0.9091
        (0.5, 0.9, 0.1 / 0.55),  # derived by hand: (1 - 0.9) / (1 - 0.45) = 0.1818
    ],
)
def test_rubinstein_known_answers(dp, dr, proposer):
    shares = bg.rubinstein_shares(dp, dr)
    assert shares.proposer == pytest.approx(proposer, abs=1e-4)
    assert shares.responder == pytest.approx(1 - proposer, abs=1e-4)


@fast
@given(dp=delta, dr=delta, step=st.floats(0.001, 0.5))
def test_rubinstein_shares_sum_to_one_and_reward_patience(dp, dr, step):
    shares = bg.rubinstein_shares(dp, dr)
    assert shares.proposer + shares.responder == pytest.approx(1.0)
    assert 0 < shares.proposer < 1
    more_patient = min(dp + step, 0.999)
    assert bg.rubinstein_shares(more_patient, dr).proposer >= shares.proposer
    assert bg.rubinstein_shares(dp, min(dr + step, 0.999)).proposer <= shares.proposer


@fast
@given(dp=delta, dr=delta)
def test_rubinstein_responder_is_indifferent_between_accepting_and_waiting(dp, dr):
    # Rubinstein 1982: in equilibrium the responder's share equals δ_R times what it gets as
    # next round's proposer, (1 - δ_P) / (1 - δ_P δ_R).
    shares = bg.rubinstein_shares(dp, dr)
    as_next_proposer = bg.rubinstein_shares(dr, dp).proposer
    assert shares.responder == pytest.approx(dr * as_next_proposer, abs=1e-9)


@pytest.mark.parametrize(
    ("rp", "rr", "proposer"),
    [
        (1.0, 1.0, 0.5),  # derived by hand: equal impatience splits evenly
        (1.0, 3.0, 0.75),  # derived by hand: r_R / (r_P + r_R) = 3 / 4
    ],
)
def test_rubinstein_limit_known_answers_and_convergence(rp, rr, proposer):
    assert bg.rubinstein_limit(rp, rr).proposer == pytest.approx(proposer)
    # Binmore, Rubinstein and Wolinsky 1986: δ_i = exp(-r_i Δ), Δ -> 0 gives the limit.
    dt = 1e-5
    near = bg.rubinstein_shares(bg.discount_factor(rp, dt), bg.discount_factor(rr, dt))
    assert near.proposer == pytest.approx(proposer, abs=1e-4)


def test_discount_factor_known_answer():
    # derived by hand: exp(-ln 2 * 1) = 0.5; exp(-0.1 * 10) = 1/e
    assert bg.discount_factor(math.log(2)) == pytest.approx(0.5)
    assert bg.discount_factor(0.1, 10) == pytest.approx(math.exp(-1))


# --------------------------------------------------------------------------- issue linkage
def test_issue_linkage_docstring_case():
    # derived by hand: a = b = e = 1, f = 0.4; gains since ae = 1 > bf = 0.4; on d = 1 the Nash
    # product (1 - s)(s - 0.4) peaks at s = 0.7, giving utilities (0.3, 0.3).
    deal = bg.issue_linkage(1.0, 1.0, 1.0, 0.4)
    assert (deal.denuclearization, deal.concession) == pytest.approx((1.0, 0.7))
    assert (deal.us_utility, deal.nk_utility) == pytest.approx((0.3, 0.3))
    assert deal.gains_exist and deal.full_denuclearization_possible
    assert deal.min_concession_for_full == pytest.approx(0.4)


def test_issue_linkage_arsenal_too_valuable_for_full_denuclearization():
    # derived by hand: a = 2, b = 1, e = 1, f = 1.5. ae = 2 > bf = 1.5, so gains exist, but full
    # denuclearization needs s >= f/e = 1.5 > 1. On s = 1 the product (2d - 1)(1 - 1.5d) has
    # derivative 3.5 - 6d, zero at d = 7/12; utilities 2(7/12) - 1 = 1/6 and 1 - 1.5(7/12) = 1/8.
    deal = bg.issue_linkage(2.0, 1.0, 1.0, 1.5)
    assert (deal.denuclearization, deal.concession) == pytest.approx((7 / 12, 1.0))
    assert (deal.us_utility, deal.nk_utility) == pytest.approx((1 / 6, 1 / 8))
    assert deal.gains_exist and not deal.full_denuclearization_possible


def test_issue_linkage_without_gains_keeps_status_quo():
    # derived by hand: ae = 1 = bf, so no deal beats (0, 0) for both strictly
    deal = bg.issue_linkage(1.0, 1.0, 1.0, 1.0)
    assert not deal.gains_exist
    assert deal[:4] == (0.0, 0.0, 0.0, 0.0)


@settings(max_examples=25, deadline=None)
@given(
    a=st.floats(0.2, 3), b=st.floats(0.2, 3), e=st.floats(0.2, 3), f=st.floats(0.2, 3)
)
def test_issue_linkage_beats_every_deal_on_a_grid(a, b, e, f):
    deal = bg.issue_linkage(a, b, e, f)
    d, s = np.meshgrid(np.linspace(0, 1, 201), np.linspace(0, 1, 201))
    u_us, u_nk = bg.linkage_utilities(d, s, a, b, e, f)
    acceptable = (u_us >= 0) & (u_nk >= 0)
    grid_best = np.max(np.where(acceptable, u_us * u_nk, 0.0))
    assert deal.us_utility >= -1e-9 and deal.nk_utility >= -1e-9
    assert deal.us_utility * deal.nk_utility >= grid_best - 1e-9
    assert deal.gains_exist == (a * e > b * f)


def test_linkage_utilities_known_answer():
    # derived by hand: U_US = 2 * 0.5 - 1 * 0.25 = 0.75; U_NK = 3 * 0.25 - 4 * 0.5 = -1.25
    assert bg.linkage_utilities(0.5, 0.25, 2, 1, 3, 4) == pytest.approx((0.75, -1.25))


# --------------------------------------------------------------------------- array sweeps
SWEEPS = [
    (bg.bargaining_range, (np.linspace(0, 1, 7), 0.1, 0.2)),
    (bg.bargaining_range, (0.5, 0.1, np.linspace(0, 1, 7))),
    (bg.risk_return_offer, (np.linspace(0, 1, 7), 0.1, 0.5)),
    (bg.offer_outcome, (np.linspace(0, 1, 7), 0.4, 0.1, 0.5)),
    (bg.offer_outcome, (0.7, 0.5, 0.1, np.linspace(0.1, 1, 7))),
    (bg.risk_return_offer, (0.5, np.linspace(0, 1, 7), 0.5)),
    (bg.nash_bargaining, (0.2, 0.1, 1.0, np.linspace(0, 1, 7))),
    (bg.rubinstein_shares, (np.linspace(0.1, 0.9, 7), 0.8)),
    (bg.rubinstein_limit, (1.0, np.linspace(0.1, 3, 7))),
]


@pytest.mark.parametrize(("func", "args"), SWEEPS, ids=lambda v: getattr(v, "__name__", ""))
def test_array_sweep_equals_scalar_results(func, args):
    assert_sweep_matches_scalars(func, args)


def test_discount_factor_sweep():
    rates = np.array([0.1, 0.5, 2.0])
    assert bg.discount_factor(rates) == pytest.approx([bg.discount_factor(r) for r in rates])


# --------------------------------------------------------------------------- errors
BAD_INPUT = [
    (bg.bargaining_range, (1.5, 0.1, 0.1), r"^p must lie in \[0, 1\]; got 1\.5$"),
    (bg.bargaining_range, (float("nan"), 0.1, 0.1), r"^p must be a number; got NaN$"),
    (bg.bargaining_range, (0.5, -0.1, 0.1), r"^cost_a must lie in \[0, inf\); got -0\.1$"),
    (bg.bargaining_range, (0.5, 0.1, -2), r"^cost_b must lie in \[0, inf\); got -2$"),
    (bg.indivisible_deals, (0.5, 0.1, 0.1, (0.5, 1.2)), r"^options must lie in \[0, 1\]"),
    (bg.offer_outcome, (1.1, 0.5, 0.1, 0.5), r"^demand must lie in \[0, 1\]; got 1\.1$"),
    (bg.risk_return_offer, (-0.1, 0.1, 0.5), r"^p must lie in \[0, 1\]; got -0\.1$"),
    (bg.risk_return_offer, (0.5, -1, 0.5), r"^cost_a must lie in \[0, inf\); got -1$"),
    (bg.risk_return_offer, (0.5, 0.1, 0), r"^cost_b_max must lie in \(0, inf\); got 0$"),
    (bg.nash_bargaining, (0.7, 0.5), r"^d_a \+ d_b must not exceed total .*got d_a \+ d_b = 1\.2 > total = 1$"),
    (bg.nash_bargaining, (0.1, 0.1, 0.0), r"^total must lie in \(0, inf\); got 0$"),
    (bg.nash_bargaining, (0.1, 0.1, 1.0, 1.5), r"^weight_a must lie in \[0, 1\]; got 1\.5$"),
    (bg.nash_bargaining, (float("nan"), 0.1), r"^d_a must be a number; got NaN$"),
    (bg.nash_bargaining, (0.1, float("nan")), r"^d_b must be a number; got NaN$"),
    (bg.rubinstein_shares, (1.0, 0.5), r"^delta_proposer must lie in \(0, 1\); got 1$"),
    (bg.rubinstein_shares, (0.5, 0.0), r"^delta_responder must lie in \(0, 1\); got 0$"),
    (bg.rubinstein_limit, (0.0, 1.0), r"^rate_proposer must lie in \(0, inf\); got 0$"),
    (bg.rubinstein_limit, (1.0, -1.0), r"^rate_responder must lie in \(0, inf\); got -1$"),
    (bg.discount_factor, (-0.5,), r"^rate must lie in \(0, inf\); got -0\.5$"),
    (bg.discount_factor, (0.5, 0), r"^period must lie in \(0, inf\); got 0$"),
    (bg.linkage_utilities, (1.5, 0.5, 1, 1, 1, 1), r"^d must lie in \[0, 1\]; got 1\.5$"),
    (bg.linkage_utilities, (0.5, -0.5, 1, 1, 1, 1), r"^s must lie in \[0, 1\]; got -0\.5$"),
    (bg.issue_linkage, (0, 1, 1, 1), r"^us_value must lie in \(0, inf\); got 0$"),
    (bg.issue_linkage, (1, -1, 1, 1), r"^us_cost must lie in \(0, inf\); got -1$"),
    (bg.issue_linkage, (1, 1, 0, 1), r"^nk_value must lie in \(0, inf\); got 0$"),
    (bg.issue_linkage, (1, 1, 1, 0), r"^nk_cost must lie in \(0, inf\); got 0$"),
]


@pytest.mark.parametrize(("func", "args", "message"), BAD_INPUT)
def test_bad_input_names_parameter_and_allowed_range(func, args, message):
    assert_rejects(func, args, message)


def test_bad_element_in_an_array_is_reported():
    with pytest.raises(ValueError, match=r"^p must lie in \[0, 1\]; got 2$"):
        bg.bargaining_range(np.array([0.2, 2.0, 0.5]), 0.1, 0.1)


# --------------------------------------------------------------------------- issue 14 errors
def test_width_is_the_sum_of_costs_only_while_unclipped():
    # Lesson 2 once said the width "is the sum of the two costs"; clipped at 1 it is not.
    # Derived by hand: p = 0.8, c_A = 0.1, c_B = 0.3 gives [0.7, min(1.1, 1)] = [0.7, 1.0].
    clipped = bg.bargaining_range(0.8, 0.1, 0.3)
    assert (clipped.low, clipped.high) == pytest.approx((0.7, 1.0))
    assert clipped.width == pytest.approx(0.3)
    assert clipped.width < 0.1 + 0.3
    # lesson 2's check question: [0.40, 0.65] lies inside [0, 1], so there the sum is right
    assert bg.bargaining_range(0.5, 0.1, 0.15).width == pytest.approx(0.25)


@fast
@given(unit, cost, cost)
def test_width_is_at_most_the_sum_of_costs(p, c_a, c_b):
    rng = bg.bargaining_range(p, c_a, c_b)
    inside = p - c_a >= 0 and p + c_b <= 1
    assert rng.width <= c_a + c_b + 1e-9
    if inside:
        assert rng.width == pytest.approx(c_a + c_b)


def test_linkage_gains_are_a_ratio_condition():
    # Lesson 3's no_deal explanation: for the arsenal cuts (a = 1, b = 2, e = 1.1, f = 0.8) the US
    # would concede at most a/b = 0.5 per unit of denuclearization, North Korea needs at least
    # f/e = 0.727: no deal. Scaling both of one side's numbers leaves the answer unchanged.
    deal = bg.issue_linkage(us_value=1.0, us_cost=2.0, nk_value=1.1, nk_cost=0.8)
    assert not deal.gains_exist and 1.0 / 2.0 < 0.8 / 1.1
    for k in (0.1, 3.0, 50.0):
        assert not bg.issue_linkage(k * 1.0, k * 2.0, 1.1, 0.8).gains_exist
        assert bg.issue_linkage(k * 1.0, k * 1.2, 1.0, 0.8).gains_exist  # region: 0.83 > 0.8


@fast
@given(*(st.floats(0.05, 5.0, allow_nan=False) for _ in range(4)))
def test_linkage_gains_exist_iff_exchange_rates_overlap(a, b, e, f):
    if abs(a / b - f / e) < 1e-9:
        return
    assert bg.issue_linkage(a, b, e, f).gains_exist == (a / b > f / e)
