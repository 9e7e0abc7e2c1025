"""Known answers, properties and error paths of ``course_utils.models.signaling``.

Every reference case names its source: the cited paper, the docstring, or "derived by hand"
with the arithmetic beside it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.models import signaling as sg
from model_checks import assert_rejects, assert_sweep_matches_scalars

unit = st.floats(0.0, 1.0, allow_nan=False)
fast = settings(max_examples=80, deadline=None)


# --------------------------------------------------------------------------- costly signal
@pytest.mark.parametrize(
    ("args", "kind", "posterior"),
    [
        # Fearon 1997 sinking costs: V_T = 0.4 < c = 0.6 <= V_S = 1, only the sincere type halts
        ((0.3, 1.0, 0.4, 0.6), "separating", 1.0),
        # derived by hand: c = 0.2 <= V_T = 0.4, both halt, the halt says nothing: prior 0.3
        ((0.3, 1.0, 0.4, 0.2), "pooling", 0.3),
        # derived by hand: c = 1.5 > V_S = 1, neither halts; nothing observed: prior 0.3
        ((0.3, 1.0, 0.4, 1.5), "none", 0.3),
        # derived by hand: c = V_S exactly: the sincere type is willing (c <= V_S), separating
        ((0.5, 1.0, 0.4, 1.0), "separating", 1.0),
        # derived by hand: c = V_T exactly: the stalling type is willing too (c <= V_T), pooling
        ((0.5, 1.0, 0.4, 0.4), "pooling", 0.5),
    ],
)
def test_moratorium_signal_known_answers(args, kind, posterior):
    assert sg.moratorium_signal(*args) == (kind, pytest.approx(posterior))


@fast
@given(prior=unit, vt=st.floats(0, 5), extra=st.floats(0.01, 5), c=st.floats(0, 10))
def test_a_halt_is_proof_only_when_it_costs_the_staller_too_much(prior, vt, extra, c):
    vs = vt + extra
    signal = sg.moratorium_signal(prior, vs, vt, c)
    sincere_halts, staller_halts = c <= vs, c <= vt  # each halts iff the deal is worth the cost
    if sincere_halts and not staller_halts:
        assert signal == ("separating", 1.0)
    elif staller_halts:  # both halt: Bayes' rule gives back the prior
        assert signal == ("pooling", prior)
    else:
        assert signal == ("none", prior)


# --------------------------------------------------------------------------- audience costs
@pytest.mark.parametrize(
    ("args", "credible"),
    [
        ((0.2, 0.5, 0.4), True),  # docstring: 0.2 - 0.5 = -0.3 >= -0.4
        ((0.2, 0.5, 0.2), False),  # docstring: -0.3 < -0.2
        ((0.2, 0.5, 0.3), True),  # derived by hand: -0.3 >= -0.3, the boundary counts as credible
        ((1.0, 0.5, 0.0), True),  # derived by hand: prevailing beats war costs, no audience needed
    ],
)
def test_audience_cost_known_answers(args, credible):
    assert sg.audience_cost_credible(*args) is credible


@fast
@given(v=st.floats(-2, 2), c=st.floats(0, 2), a=st.floats(0, 2))
def test_audience_costs_make_threats_credible(v, c, a):
    # Fearon 1994: standing firm (v - c) must be worth at least backing down (-a).
    credible = sg.audience_cost_credible(v, c, a)
    if v - c > -a + 1e-9:
        assert credible
    if v - c < -a - 1e-9:
        assert not credible
    if credible:  # a larger audience cost keeps a credible threat credible
        assert sg.audience_cost_credible(v, c, a + 0.5)


# --------------------------------------------------------------------------- mediation
@pytest.mark.parametrize(
    ("bias", "credible"),
    # Kydd 2003: advice to concede is believed only from a mediator biased toward the advised
    [(0.5, True), (1.0, True), (0.0, False), (-0.5, False), (-1.0, False)],
)
def test_mediator_credible(bias, credible):
    assert sg.mediator_credible(bias) is credible


# --------------------------------------------------------------------------- array sweeps
SWEEPS = [
    (sg.audience_cost_credible, (0.2, 0.5, np.linspace(0, 1, 6))),
    (sg.audience_cost_credible, (np.linspace(-1, 1, 5), 0.5, 0.3)),
    (sg.mediator_credible, (np.linspace(-1, 1, 5),)),
]


@pytest.mark.parametrize(("func", "args"), SWEEPS, ids=lambda v: getattr(v, "__name__", ""))
def test_array_sweep_equals_scalar_results(func, args):
    assert_sweep_matches_scalars(func, args)


# --------------------------------------------------------------------------- errors
BAD_INPUT = [
    (sg.moratorium_signal, (1.3, 1.0, 0.4, 0.6), r"^prior must lie in \[0, 1\]; got 1\.3$"),
    (sg.moratorium_signal, (0.3, -1.0, 0.4, 0.6), r"^value_sincere must lie in \[0, inf\); got -1$"),
    (sg.moratorium_signal, (0.3, 1.0, -0.4, 0.6), r"^value_stalling must lie in \[0, inf\); got -0\.4$"),
    (sg.moratorium_signal, (0.3, 1.0, 0.4, -0.6), r"^cost must lie in \[0, inf\); got -0\.6$"),
    (sg.moratorium_signal, (0.3, 0.4, 0.4, 0.6),
     r"^value_stalling must be less than value_sincere; got value_stalling=0\.4, value_sincere=0\.4$"),
    (sg.audience_cost_credible, (float("nan"), 0.5, 0.4), r"^value must be a number; got NaN$"),
    (sg.audience_cost_credible, (0.2, -0.5, 0.4), r"^war_cost must lie in \[0, inf\); got -0\.5$"),
    (sg.audience_cost_credible, (0.2, 0.5, -0.4), r"^audience_cost must lie in \[0, inf\); got -0\.4$"),
    (sg.mediator_credible, (1.5,), r"^bias_toward_advised must lie in \[-1, 1\]; got 1\.5$"),
]


@pytest.mark.parametrize(("func", "args", "message"), BAD_INPUT)
def test_bad_input_names_parameter_and_allowed_range(func, args, message):
    assert_rejects(func, args, message)
