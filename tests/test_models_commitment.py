"""Known answers, properties and error paths of ``course_utils.models.commitment``.

Every reference case names its source: the worked case of docs/models.md, the cited paper, or
"derived by hand" with the arithmetic beside it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.models import commitment as cm
from model_checks import assert_rejects, assert_sweep_matches_scalars

unit = st.floats(0.0, 1.0, allow_nan=False)
delta = st.floats(0.01, 0.99, allow_nan=False)
fast = settings(max_examples=60, deadline=None)


# --------------------------------------------------------------------------- shifting power
@pytest.mark.parametrize(
    ("args", "gap", "war"),
    [
        # docs/models.md formula, docstring case, derived by hand:
        # 0.9 (0.6 - 0.2) - 0.1 [(1 - 0.6) + 0.1 * 0.1] = 0.36 - 0.041 = 0.319 > 0
        ((0.9, 0.6, 0.2, 0.1), 0.319, True),
        # docstring case, derived by hand: 0.5 * 0.1 - 0.5 (0.4 + 0.5 * 0.1) = 0.05 - 0.225
        ((0.5, 0.6, 0.5, 0.1), -0.175, False),
        # derived by hand: 0.8 * 0.2 - 0.2 (0.5 + 0.2 * 0.2) = 0.16 - 0.108 = 0.052 > 0
        ((0.8, 0.5, 0.3, 0.2), 0.052, True),
        # derived by hand: no shift, 0 - 0.1 (0.4 + 0.1 * 0.1) = -0.041: a deal survives
        ((0.9, 0.6, 0.6, 0.1), -0.041, False),
        # derived by hand: p1 = 1, no shift, no cost: gap exactly 0, which is not war (strict >)
        ((0.5, 1.0, 1.0, 0.0), 0.0, False),
    ],
)
def test_preventive_war_known_answers(args, gap, war):
    assert cm.commitment_gap(*args) == pytest.approx(gap, abs=1e-12)
    assert cm.preventive_war(*args) is war


@fast
@given(d=delta, p1=unit, p2=unit, c=st.floats(0, 2))
def test_no_war_without_a_shift_against_a(d, p1, p2, c):
    # Powell 2006: the commitment problem needs A's power to fall; if it holds or rises, no war.
    if p2 >= p1:
        assert not cm.preventive_war(d, p1, p2, c)
    assert cm.preventive_war(d, p1, p2, c) == (cm.commitment_gap(d, p1, p2, c) > 0)


@fast
@given(d=delta, p1=unit, p2=unit, c=st.floats(0, 2), more=st.floats(0, 1))
def test_bigger_shifts_and_more_patience_never_turn_war_into_peace(d, p1, p2, c, more):
    if not cm.preventive_war(d, p1, p2, c):
        return
    assert cm.preventive_war(d, p1, max(p2 - more, 0.0), c)  # an even larger shift
    if p2 <= p1:  # a longer shadow of the future weighs the shift more (d gap/dδ >= 0)
        assert cm.preventive_war(min(d + more * (1 - d), 0.999), p1, p2, c)


@fast
@given(d=delta, p1=unit, p2=unit, c=st.floats(0, 2))
def test_war_exactly_when_fighting_now_beats_the_best_credible_peace(d, p1, p2, c):
    # Payoffs in present value, war permanent, A's cost c paid once when a war starts.
    # Fighting now: p1 forever, minus c. At peace, the rising side can hand over at most the
    # whole good today (1), and after the shift only what keeps A from fighting then: a stream
    # worth A's war value at p2, p2 / (1 - d) - c.
    fight_now = p1 / (1 - d) - c
    best_peace = 1 + d * (p2 / (1 - d) - c)
    margin = fight_now - best_peace
    if abs(margin) > 1e-9 * (1 + abs(fight_now)):
        assert cm.preventive_war(d, p1, p2, c) == (margin > 0)
    # the model's gap is the same margin, per period of today's good
    assert cm.commitment_gap(d, p1, p2, c) == pytest.approx((1 - d) * margin, abs=1e-9)


# --------------------------------------------------------------------------- disarmament trap
@pytest.mark.parametrize(
    ("args", "price"),
    [
        ((0.9, 0.5, 0.2, 0.1), 2.0),  # docs/models.md worked case: 0.2 / 0.1
        ((0.5, 1.0, 0.2, 0.3), 1.0),  # derived by hand: (1 - 0.3 - 0.2) / 0.5 = 1
        # derived by hand: 0.3 - 0.2 - 0.2 < 0: the arsenal is worth less than its upkeep
        ((0.8, 0.3, 0.2, 0.2), 0.0),
    ],
)
def test_disarmament_price_known_answers(args, price):
    assert cm.disarmament_price(*args) == pytest.approx(price)


@fast
@given(d=delta, rk=st.floats(0, 5), rd=st.floats(0, 5), k=st.floats(0, 5))
def test_disarmament_price_leaves_north_korea_indifferent(d, rk, rd, k):
    # Derived by hand: armed, NK gets (r_K - k) every period, worth (r_K - k)/(1 - δ);
    # disarmed it gets b up front plus r_D/(1 - δ). Equal at b* = (r_K - k - r_D)/(1 - δ).
    price = cm.disarmament_price(d, rk, rd, k)
    assert price >= 0
    if rk - k - rd > 0:
        assert price + rd / (1 - d) == pytest.approx((rk - k) / (1 - d), rel=1e-9, abs=1e-9)
    assert cm.disarmament_price(d, rk, rd, k + 0.5) <= price + 1e-12  # sanctions lower it


@pytest.mark.parametrize(
    ("cap", "exists"),
    [
        (1.5, False),  # docstring case: price 2.0 (docs/models.md) exceeds 1.5
        (2.0, True),  # derived by hand: paying exactly b* = 2.0 is enough
        (3.0, True),
    ],
)
def test_disarmament_deal(cap, exists):
    deal = cm.disarmament_deal(0.9, 0.5, 0.2, 0.1, max_upfront=cap)
    assert deal.price == pytest.approx(2.0)
    assert deal.max_upfront == cap
    assert deal.deal_exists is exists


# --------------------------------------------------------------------------- array sweeps
SWEEPS = [
    (cm.commitment_gap, (np.linspace(0.1, 0.9, 5), 0.6, 0.3, 0.1)),
    (cm.preventive_war, (0.9, 0.6, np.linspace(0, 1, 6), 0.1)),
    (cm.disarmament_price, (0.9, 0.5, 0.2, np.linspace(0, 0.5, 6))),
    (cm.disarmament_deal, (0.9, 0.5, 0.2, np.linspace(0, 0.5, 6), 1.5)),
]


@pytest.mark.parametrize(("func", "args"), SWEEPS, ids=lambda v: getattr(v, "__name__", ""))
def test_array_sweep_equals_scalar_results(func, args):
    assert_sweep_matches_scalars(func, args)


# --------------------------------------------------------------------------- errors
BAD_INPUT = [
    (cm.preventive_war, (1.0, 0.6, 0.2, 0.1), r"^delta must lie in \(0, 1\); got 1$"),
    (cm.preventive_war, (0.0, 0.6, 0.2, 0.1), r"^delta must lie in \(0, 1\); got 0$"),
    (cm.preventive_war, (0.9, 1.6, 0.2, 0.1), r"^p_now must lie in \[0, 1\]; got 1\.6$"),
    (cm.commitment_gap, (0.9, 0.6, -0.2, 0.1), r"^p_later must lie in \[0, 1\]; got -0\.2$"),
    (cm.commitment_gap, (0.9, 0.6, 0.2, -1), r"^cost_a must lie in \[0, inf\); got -1$"),
    (cm.disarmament_price, (1.2, 0.5, 0.2, 0.1), r"^delta must lie in \(0, 1\); got 1\.2$"),
    (cm.disarmament_price, (0.9, -0.5, 0.2, 0.1), r"^fallback_armed must lie in \[0, inf\); got -0\.5$"),
    (cm.disarmament_price, (0.9, 0.5, -0.2, 0.1), r"^fallback_disarmed must lie in \[0, inf\); got -0\.2$"),
    (cm.disarmament_price, (0.9, 0.5, 0.2, -0.1), r"^upkeep must lie in \[0, inf\); got -0\.1$"),
    (cm.disarmament_deal, (0.9, 0.5, 0.2, 0.1, -1), r"^max_upfront must lie in \[0, inf\); got -1$"),
    (cm.disarmament_deal, (0.9, float("nan"), 0.2, 0.1, 1), r"^fallback_armed must be a number; got NaN$"),
]


@pytest.mark.parametrize(("func", "args", "message"), BAD_INPUT)
def test_bad_input_names_parameter_and_allowed_range(func, args, message):
    assert_rejects(func, args, message)


# --------------------------------------------------------------------------- issue 14 errors
def test_disarmament_multiplier_is_one_over_one_minus_delta():
    # Lesson 6's (formerly 5's) check once said "twenty times" the per-period gap; at δ = 0.9 it is
    # 1/(1 − 0.9) = 10 (docs/models.md worked case: 0.2 per period -> 2.0).
    gap = 0.5 - 0.1 - 0.2
    assert cm.disarmament_price(0.9, 0.5, 0.2, 0.1) / gap == pytest.approx(10.0)
    for d in (0.5, 0.8, 0.95):
        assert cm.disarmament_price(d, 0.5, 0.2, 0.1) / gap == pytest.approx(1 / (1 - d))
    from course_utils.checks import get_question

    words = {10: "ten times", 20: "twenty times"}
    explanation = get_question("lesson06", "price").explanation
    assert words[round(1 / (1 - 0.9))] in explanation and words[20] not in explanation
