"""Known answers, properties and error paths of ``course_utils.models.deterrence``.

Chicken's equilibria are cross-checked against an independent solver, Nashpy's support
enumeration. Every reference case names its source: the worked case of docs/models.md, the cited
text, or "derived by hand" with the arithmetic beside it.
"""

from __future__ import annotations

import nashpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.models import deterrence as dt
from model_checks import assert_rejects, assert_sweep_matches_scalars

unit = st.floats(0.0, 1.0, allow_nan=False)
fast = settings(max_examples=60, deadline=None)
# Four distinct whole payoffs, ordered T > R > S > P (whole numbers keep Nashpy exact).
chicken_payoffs = st.lists(st.integers(-30, 30), min_size=4, max_size=4, unique=True).map(
    lambda xs: tuple(sorted(xs, reverse=True))
)


def nashpy_equilibria(a, b=None):
    """Every equilibrium Nashpy's support enumeration finds, as (row dare, column dare) probabilities."""
    A, B = dt.chicken_matrices(a, b)
    return sorted((float(r[0]), float(c[0])) for r, c in nashpy.Game(A, B).support_enumeration())


# --------------------------------------------------------------------------- chicken
def test_chicken_matrices_layout():
    # docs/models.md: rows and columns are (dare, swerve); A gets crash, temptation / sucker, reward
    A, B = dt.chicken_matrices((1, 0, -1, -10), (2, 0, -1, -5))
    assert A.tolist() == [[-10, 1], [-1, 0]]
    assert B.tolist() == [[-5, -1], [2, 0]]


@pytest.mark.parametrize(
    ("payoffs", "q", "crash", "payoff"),
    [
        ((1, 0, -1, -10), 0.1, 0.01, -0.1),  # docs/models.md worked case
        # derived by hand: q = (3 - 2) / ((3 - 2) + (1 - 0)) = 0.5; crash 0.25;
        # payoff of swerving 0.5 * 2 + 0.5 * 1 = 1.5
        ((3, 2, 1, 0), 0.5, 0.25, 1.5),
        # derived by hand: q = 2 / (2 + 1) = 2/3; crash 4/9; payoff (1/3) 3 + (2/3) 1 = 5/3
        ((5, 3, 1, 0), 2 / 3, 4 / 9, 5 / 3),
    ],
)
def test_chicken_mixed_known_answers(payoffs, q, crash, payoff):
    assert dt.chicken_mixed(*payoffs) == pytest.approx((q, crash, payoff))


@fast
@given(pay=chicken_payoffs)
def test_mixed_chicken_leaves_the_opponent_indifferent(pay):
    t, r, s, c = pay
    eq = dt.chicken_mixed(*pay)
    dare = eq.p_dare * c + (1 - eq.p_dare) * t
    swerve = eq.p_dare * s + (1 - eq.p_dare) * r
    assert dare == pytest.approx(swerve, abs=1e-9)
    assert eq.expected_payoff == pytest.approx(swerve, abs=1e-9)
    assert eq.p_crash == pytest.approx(eq.p_dare**2)
    assert 0 < eq.p_dare < 1


def test_chicken_asymmetric_docstring_case():
    # derived by hand: A's dare probability leaves B indifferent: (1 - 0)/((1 - 0) + (-1 + 4))
    # = 0.25; B's leaves A indifferent: 1/(1 + 9) = 0.1; crash 0.025; A's payoff from
    # swerving 0.9 * 0 + 0.1 * (-1) = -0.1, B's 0.75 * 0 + 0.25 * (-1) = -0.25.
    eq = dt.chicken_asymmetric((1, 0, -1, -10), (1, 0, -1, -4))
    assert eq == pytest.approx((0.25, 0.1, 0.025, -0.1, -0.25))


def test_symmetric_game_is_the_asymmetric_one_with_equal_payoffs():
    sym = dt.chicken_mixed(1, 0, -1, -10)
    asym = dt.chicken_asymmetric((1, 0, -1, -10), (1, 0, -1, -10))
    assert (asym.p_dare_a, asym.p_dare_b, asym.p_crash) == pytest.approx(
        (sym.p_dare, sym.p_dare, sym.p_crash)
    )
    assert asym.payoff_a == pytest.approx(sym.expected_payoff)


@pytest.mark.parametrize("payoffs", [(1, 0, -1, -10), (3, 2, 1, 0), (5, 3, 1, 0)])
def test_pure_equilibria_known_answer(payoffs):
    # Chicken: one side dares, the other swerves (Rapoport and Chammah 1966)
    assert dt.chicken_pure_equilibria(payoffs) == (("dare", "swerve"), ("swerve", "dare"))


def test_worked_case_matches_nashpy():
    # docs/models.md worked case: two pure equilibria and the mixed one with q = 0.1
    found = nashpy_equilibria((1, 0, -1, -10))
    np.testing.assert_allclose(found, [(0.0, 1.0), (0.1, 0.1), (1.0, 0.0)], atol=1e-12)


@fast
@given(a=chicken_payoffs, b=chicken_payoffs)
def test_equilibria_match_nashpy_support_enumeration(a, b):
    found = nashpy_equilibria(a, b)
    mixed = dt.chicken_asymmetric(a, b)
    pure = {("dare", "swerve"): (1.0, 0.0), ("swerve", "dare"): (0.0, 1.0)}
    ours = sorted([pure[eq] for eq in dt.chicken_pure_equilibria(a, b)]
                  + [(mixed.p_dare_a, mixed.p_dare_b)])
    assert len(found) == 3
    np.testing.assert_allclose(ours, found, atol=1e-9)
    A, B = dt.chicken_matrices(a, b)
    x, y = np.array([mixed.p_dare_a, 1 - mixed.p_dare_a]), np.array([mixed.p_dare_b, 1 - mixed.p_dare_b])
    assert x @ A @ y == pytest.approx(mixed.payoff_a, abs=1e-9)
    assert x @ B @ y == pytest.approx(mixed.payoff_b, abs=1e-9)


@fast
@given(pay=chicken_payoffs)
def test_symmetric_mixed_matches_nashpy(pay):
    mixed = dt.chicken_mixed(*pay)
    assert (mixed.p_dare, mixed.p_dare) in [pytest.approx(e, abs=1e-9) for e in nashpy_equilibria(pay)]


# --------------------------------------------------------------------------- brinkmanship
@pytest.mark.parametrize(
    ("args", "q_min", "q_max", "feasible"),
    [
        # docs/models.md worked case: 1/(1 + 9) = 0.1; 0.7 * 2 / (0.3 * 18) = 0.2593
        ((1, 9, 2, 20, 0.3), 0.1, 1.4 / 5.4, True),
        # derived by hand: no hard-liner (h = 0) makes any risk acceptable: [0.5, 1]
        ((1, 1, 2, 20, 0.0), 0.5, 1.0, True),
        # derived by hand: q_min = 1/2; q_max = 0.5 * 1 / (0.5 * 10) = 0.1 < q_min: no window
        ((1, 1, 1, 11, 0.5), 0.5, 0.1, False),
        # derived by hand: war costs the defender less than conceding (4 <= 5): q_max = 1
        ((1, 9, 5, 4, 0.5), 0.1, 1.0, True),
        # derived by hand: 0.9 * 2 / (0.1 * 1) = 18 is clipped to 1
        ((1, 9, 2, 3, 0.1), 0.1, 1.0, True),
    ],
)
def test_brinkmanship_window_known_answers(args, q_min, q_max, feasible):
    w = dt.brinkmanship_window(*args)
    assert (w.q_min, w.q_max) == pytest.approx((q_min, q_max))
    assert w.feasible is feasible


@fast
@given(
    g=st.floats(0.1, 10), w=st.floats(0.1, 50), loss=st.floats(0.1, 5),
    extra=st.floats(0.1, 50), h=st.floats(0.01, 0.99),
)
def test_window_edges_leave_each_side_indifferent(g, w, loss, extra, h):
    wd = loss + extra
    win = dt.brinkmanship_window(g, w, loss, wd, h)
    # At q_min the challenger gains as much from pressing on, (1 - q) G - q W, as from stopping (0).
    assert (1 - win.q_min) * g - win.q_min * w == pytest.approx(0.0, abs=1e-9)
    # Derived by hand: threatening gives the defender -h[q W_D + (1 - q) L], conceding -L;
    # equal at q = (1 - h) L / (h (W_D - L)) whenever that lies inside [0, 1].
    q = win.q_max
    if q < 1:
        assert -h * (q * wd + (1 - q) * loss) == pytest.approx(-loss, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(
    ("q", "n", "risk"),
    [
        (0.1, 10, 0.6513),  # docstring: 1 - 0.9**10 = 0.65132
        (0.5, 2, 0.75),  # derived by hand: 1 - 0.25
        (0.3, 0, 0.0),  # derived by hand: no crisis, no risk
        (1.0, 1, 1.0),  # derived by hand: a sure war
    ],
)
def test_cumulative_risk_known_answers(q, n, risk):
    assert dt.cumulative_risk(q, n) == pytest.approx(risk, abs=1e-4)


@fast
@given(q=unit, n=st.integers(0, 40))
def test_cumulative_risk_grows_with_each_crisis(q, n):
    assert dt.cumulative_risk(q, n + 1) >= dt.cumulative_risk(q, n) - 1e-12
    assert dt.cumulative_risk(q, 1) == pytest.approx(q)


# --------------------------------------------------------------------------- deterrence
@pytest.mark.parametrize(
    ("b", "c", "pi"),
    [
        (1, 9, 0.1),  # docs/models.md worked case
        (2, 2, 0.5),  # derived by hand: 2 / 4
        (3, 1, 0.75),  # derived by hand: 3 / 4
        (1, 0, 1.0),  # derived by hand: retaliation that costs nothing never deters short of certainty
    ],
)
def test_deterrence_threshold_known_answers(b, c, pi):
    assert dt.deterrence_threshold(b, c) == pytest.approx(pi)


@fast
@given(b=st.floats(0.01, 10), c=st.floats(0.0, 100), pi=unit)
def test_deterrence_holds_iff_attacking_does_not_pay(b, c, pi):
    gain_from_attack = (1 - pi) * b - pi * c  # derived by hand: expected value of attacking
    holds = dt.deterrence_holds(pi, b, c)
    if gain_from_attack < -1e-9:
        assert holds
    if gain_from_attack > 1e-9:
        assert not holds


def test_deterrence_holds_at_the_threshold():
    # docs/models.md worked case: π = 0.1 just deters; 0.09 does not
    assert dt.deterrence_holds(0.1, 1, 9)
    assert not dt.deterrence_holds(0.09, 1, 9)


@pytest.mark.parametrize(
    ("n", "a", "p"),
    [
        (3, 0.5, 0.875),  # docstring: 1 - 0.5**3
        (2, 0.1, 0.19),  # derived by hand: 1 - 0.81
        (0, 0.9, 0.0),  # derived by hand: no surviving weapons, no retaliation
    ],
)
def test_retaliation_probability_known_answers(n, a, p):
    assert dt.retaliation_probability(n, a) == pytest.approx(p)


# --------------------------------------------------------------------------- array sweeps
SWEEPS = [
    (dt.brinkmanship_window, (1, 9, 2, 20, np.linspace(0, 1, 6))),
    (dt.brinkmanship_window, (1, 9, np.array([1.0, 2.0, 5.0, 30.0]), 20, 0.3)),
    (dt.cumulative_risk, (0.1, np.arange(0, 8))),
    (dt.deterrence_threshold, (np.linspace(0.5, 3, 6), 9)),
    (dt.deterrence_holds, (np.linspace(0, 1, 6), 1, 4)),
    (dt.retaliation_probability, (np.arange(0, 6), 0.3)),
]


@pytest.mark.parametrize(("func", "args"), SWEEPS, ids=lambda v: getattr(v, "__name__", ""))
def test_array_sweep_equals_scalar_results(func, args):
    assert_sweep_matches_scalars(func, args)


# --------------------------------------------------------------------------- errors
ORDER = r"temptation > reward > sucker > crash"
BAD_INPUT = [
    (dt.chicken_mixed, (0, 1, -1, -10), rf"^chicken payoffs must satisfy {ORDER}; got temptation=0, reward=1"),
    (dt.chicken_mixed, (1, 0, -1, -1), rf"^chicken payoffs must satisfy {ORDER}; .*crash=-1$"),
    (dt.chicken_asymmetric, ((1, 0, -1, -10), (1, 0, 0, -4)), rf"^chicken payoffs of B must satisfy {ORDER}"),
    (dt.chicken_asymmetric, ((1, 2, -1, -10), (1, 0, -1, -4)), rf"^chicken payoffs of A must satisfy {ORDER}"),
    (dt.chicken_matrices, ((1, 0, -1, -10), (1, 0, -1, 5)), rf"^chicken payoffs of B must satisfy {ORDER}"),
    (dt.chicken_pure_equilibria, ((1, 1, -1, -10),), rf"^chicken payoffs of A must satisfy {ORDER}"),
    (dt.brinkmanship_window, (0, 9, 2, 20, 0.3), r"^gain must lie in \(0, inf\); got 0$"),
    (dt.brinkmanship_window, (1, -9, 2, 20, 0.3), r"^war_cost_challenger must lie in \(0, inf\); got -9$"),
    (dt.brinkmanship_window, (1, 9, 0, 20, 0.3), r"^loss_defender must lie in \(0, inf\); got 0$"),
    (dt.brinkmanship_window, (1, 9, 2, 0, 0.3), r"^war_cost_defender must lie in \(0, inf\); got 0$"),
    (dt.brinkmanship_window, (1, 9, 2, 20, 1.3), r"^p_hardliner must lie in \[0, 1\]; got 1\.3$"),
    (dt.cumulative_risk, (1.1, 3), r"^q must lie in \[0, 1\]; got 1\.1$"),
    (dt.cumulative_risk, (0.1, -1), r"^n must lie in \[0, inf\); got -1$"),
    (dt.deterrence_threshold, (0, 9), r"^benefit must lie in \(0, inf\); got 0$"),
    (dt.deterrence_threshold, (1, -9), r"^cost must lie in \[0, inf\); got -9$"),
    (dt.deterrence_holds, (-0.1, 1, 9), r"^p_retaliation must lie in \[0, 1\]; got -0\.1$"),
    (dt.retaliation_probability, (-2, 0.5), r"^n_weapons must lie in \[0, inf\); got -2$"),
    (dt.retaliation_probability, (3, 1.5), r"^p_each must lie in \[0, 1\]; got 1\.5$"),
    (dt.retaliation_probability, (3, float("nan")), r"^p_each must be a number; got NaN$"),
]


@pytest.mark.parametrize(("func", "args", "message"), BAD_INPUT)
def test_bad_input_names_parameter_and_allowed_range(func, args, message):
    assert_rejects(func, args, message)


# --------------------------------------------------------------------------- issue 14 errors
@fast
@given(chicken_payoffs, st.integers(1, 30))
def test_fearing_the_crash_more_leaves_your_own_mix_unchanged(pay, extra_fear):
    # Lesson 6 once said the US "must dare more often" when it fears a crash more; PS2 A3/A4's key
    # says North Korea's dare probability decreases and the US's is unchanged. Derived: each side's
    # mix is q = (T - R)/((T - R) + (S - P)) of the *other* side's payoffs.
    us_before = pay
    us_after = (*pay[:3], pay[3] - extra_fear)  # the US's crash payoff falls: it fears a crash more
    nk = pay
    before = dt.chicken_asymmetric(us_before, nk)
    after = dt.chicken_asymmetric(us_after, nk)
    assert after.p_dare_a == pytest.approx(before.p_dare_a)  # the US's own mix: unchanged
    assert after.p_dare_b < before.p_dare_b                  # North Korea dares less
    assert after.p_crash < before.p_crash
    assert after.p_dare_a > after.p_dare_b                   # the US now dares more than North Korea


def test_asymmetric_docstring_example_reads_as_a_comparison_not_a_change():
    # docs/models.md: A fears the crash more than B (crash -10 against -4): B dares 0.1 = 1/(1 + 9),
    # set by A's payoffs; A dares 0.25 = 1/(1 + 3), set by B's payoffs alone.
    eq = dt.chicken_asymmetric((1, 0, -1, -10), (1, 0, -1, -4))
    assert (eq.p_dare_a, eq.p_dare_b) == pytest.approx((0.25, 0.1))
    symmetric_a = dt.chicken_asymmetric((1, 0, -1, -4), (1, 0, -1, -4))
    assert symmetric_a.p_dare_a == pytest.approx(eq.p_dare_a)  # A's own fear did not move A's mix
