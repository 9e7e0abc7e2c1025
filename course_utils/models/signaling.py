"""Signals: a costly test moratorium, audience costs, and a biased mediator.

Pure Python and numpy. Values outside a parameter's domain raise ``ValueError`` naming the
parameter and its allowed range.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._domain import ArrayLike, bool_or_array, check_range, nonnegative, share

__all__ = ["Signal", "moratorium_signal", "moratorium_beliefs", "audience_cost_credible",
           "mediator_credible"]


class Signal(NamedTuple):
    """Which equilibrium a moratorium supports and what observers believe after a halt.

    kind: ``"separating"`` (only the sincere type halts; a halt proves sincerity),
    ``"pooling"`` (both types halt; a halt says nothing) or ``"none"`` (too costly for either
    type; nobody halts). posterior: the belief that a side that halts is sincere (for
    ``"none"``, the prior, since nothing is observed).
    """

    kind: str
    posterior: float


def moratorium_signal(prior: float, value_sincere: float, value_stalling: float, cost: float) -> Signal:
    """A test moratorium as a costly signal of sincerity.

    A sincere type values a deal at ``V_S``, a stalling type at ``V_T < V_S``; halting tests
    costs ``c``. Only the sincere type halts, so a halt is proof of sincerity (posterior 1),
    iff ``V_T < c <= V_S``. If ``c <= V_T`` both halt and the posterior stays at the prior
    (cheap talk); if ``c > V_S`` neither halts.

    Parameters
    ----------
    prior : float, in [0, 1]
        Observers' belief that the side is sincere before the signal.
    value_sincere, value_stalling : float, >= 0, with value_stalling < value_sincere
    cost : float, >= 0

    Returns
    -------
    Signal

    References
    ----------
    Fearon, J. D. (1997). Signaling Foreign Policy Interests: Tying Hands versus Sinking
    Costs. *Journal of Conflict Resolution* 41(1), 68-90; Spence, M. (1973). Job Market
    Signaling. *QJE* 87(3).

    Examples
    --------
    >>> moratorium_signal(0.3, 1.0, 0.4, 0.6)
    Signal(kind='separating', posterior=1.0)
    >>> moratorium_signal(0.3, 1.0, 0.4, 0.2)
    Signal(kind='pooling', posterior=0.3)
    """
    pr = float(share("prior", prior))
    vs = float(nonnegative("value_sincere", value_sincere))
    vt = float(nonnegative("value_stalling", value_stalling))
    c = float(nonnegative("cost", cost))
    if not vt < vs:
        raise ValueError(
            f"value_stalling must be less than value_sincere; got value_stalling={vt:g}, "
            f"value_sincere={vs:g}"
        )
    if vt < c <= vs:
        return Signal("separating", 1.0)
    if c <= vt:
        return Signal("pooling", pr)
    return Signal("none", pr)


def moratorium_beliefs(prior: float, value_sincere: float, value_stalling: float,
                       costs: ArrayLike) -> np.ndarray:
    """The belief after a halt (:func:`moratorium_signal`'s posterior) for every cost in
    ``costs``: 1 where ``V_T < c <= V_S``, the prior elsewhere.

    Examples
    --------
    >>> moratorium_beliefs(0.3, 1.0, 0.4, [0.2, 0.6, 1.5]).tolist()
    [0.3, 1.0, 0.3]
    """
    moratorium_signal(prior, value_sincere, value_stalling, 0.0)  # checks the parameters
    c = nonnegative("costs", costs)
    separating = (c > float(value_stalling)) & (c <= float(value_sincere))
    return np.where(separating, 1.0, float(prior))


def audience_cost_credible(value: ArrayLike, war_cost: ArrayLike, audience_cost: ArrayLike):
    """Whether a public threat is credible: standing firm, ``v - c_war``, is worth at least
    backing down, ``-a``.

    Parameters
    ----------
    value : float or array
        What the leader gains by prevailing in a fight.
    war_cost : float or array, >= 0
    audience_cost : float or array, >= 0
        What the leader loses at home by backing down after a public threat.

    References
    ----------
    Fearon, J. D. (1994). Domestic Political Audiences and the Escalation of International
    Disputes. *American Political Science Review* 88(3), 577-592.

    Examples
    --------
    >>> audience_cost_credible(0.2, 0.5, 0.4)
    True
    >>> audience_cost_credible(0.2, 0.5, 0.2)
    False
    """
    v = check_range("value", value)
    c = nonnegative("war_cost", war_cost)
    a = nonnegative("audience_cost", audience_cost)
    return bool_or_array(v - c >= -a - 1e-12)


def mediator_credible(bias_toward_advised: ArrayLike):
    """Kydd's result in its simplest form: a mediator's advice to *concede* is believed only
    if the mediator leans toward the side it advises (``bias_toward_advised > 0``).

    A mediator biased against you has a reason to urge concession whatever the truth, so its
    advice carries no information; one biased toward you would only say so if resisting were
    really unwise. Used for discussion of South Korea's role between Washington and Pyongyang.

    Parameters
    ----------
    bias_toward_advised : float or array, in [-1, 1]
        The mediator's lean toward the side receiving the advice (negative: toward the other).

    References
    ----------
    Kydd, A. (2003). Which Side Are You On? Bias, Credibility, and Mediation. *American
    Journal of Political Science* 47(4), 597-611.
    """
    bias = check_range("bias_toward_advised", bias_toward_advised, -1.0, 1.0)
    return bool_or_array(np.asarray(bias) > 0)
