"""Commitment problems: preventive war under shifting power, and the disarmament trap.

Pure numpy; scalars give Python values, arrays give arrays. Values outside a parameter's domain
raise ``ValueError`` naming the parameter and its allowed range.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._domain import ArrayLike, bool_or_array, discount, nonnegative, scalar_or_array, share

__all__ = [
    "DisarmamentDeal",
    "commitment_gap",
    "preventive_war",
    "disarmament_price",
    "disarmament_deal",
    "upkeep_for_deal",
]


def commitment_gap(delta: ArrayLike, p_now: ArrayLike, p_later: ArrayLike, cost_a: ArrayLike):
    """How far A's gain from fighting now exceeds what the rising side can credibly offer.

    ``δ (p₁ - p₂) - (1 - δ) [(1 - p₁) + (1 - δ) c_A]``: positive means preventive war (see
    :func:`preventive_war`), negative means a deal survives the shift in power.
    """
    d = discount("delta", delta)
    p1 = share("p_now", p_now)
    p2 = share("p_later", p_later)
    c = nonnegative("cost_a", cost_a)
    return scalar_or_array(d * (p1 - p2) - (1 - d) * ((1 - p1) + (1 - d) * c))


def preventive_war(delta: ArrayLike, p_now: ArrayLike, p_later: ArrayLike, cost_a: ArrayLike):
    """Whether a large, fast shift in power makes war inevitable (a commitment problem).

    A's power falls from ``p_now`` to ``p_later`` after this period and war is permanent. The
    rising side would like to promise A enough tomorrow to forgo war today, but cannot commit
    to it; war happens iff ``δ (p₁ - p₂) > (1 - δ) [(1 - p₁) + (1 - δ) c_A]``.

    Parameters
    ----------
    delta : float or array, in (0, 1)
        Discount factor.
    p_now, p_later : float or array, in [0, 1]
        A's probability of winning now and after the shift.
    cost_a : float or array, >= 0
        A's cost of war, paid once when the war starts (in the units of one period's good;
        the war's outcome is permanent). After the shift, the most the rising side can credibly
        promise A is then ``p₂ - (1 - δ) c_A`` per period: hence the ``(1 - δ) c_A`` term.

    Returns
    -------
    bool or boolean array

    References
    ----------
    Powell, R. (2006). War as a Commitment Problem. *International Organization* 60(1),
    169-203 (a two-phase version).

    Examples
    --------
    >>> preventive_war(0.9, 0.6, 0.2, 0.1)
    True
    >>> preventive_war(0.5, 0.6, 0.5, 0.1)
    False
    """
    return bool_or_array(np.asarray(commitment_gap(delta, p_now, p_later, cost_a)) > 0)


def disarmament_price(delta: ArrayLike, fallback_armed: ArrayLike, fallback_disarmed: ArrayLike,
                      upkeep: ArrayLike):
    """The up-front payment ``b*`` that makes disarming worth it: ``(r_K - k - r_D) / (1 - δ)``.

    Armed, North Korea's per-period fallback is ``r_K`` minus upkeep and sanctions ``k``;
    disarmed, it can expect only ``r_D`` once the other side no longer needs to pay. It
    disarms for an up-front payment ``b`` iff ``b >= b*``. Sanctions raise ``k`` and lower the
    price; the value of the deterrent, ``r_K - r_D``, raises it. When the deterrent is worth no
    more than its upkeep the price is 0 (disarming needs no payment).

    Parameters
    ----------
    delta : float or array, in (0, 1)
    fallback_armed : float or array, >= 0
        ``r_K``, per-period value of keeping the arsenal (before upkeep).
    fallback_disarmed : float or array, >= 0
        ``r_D``, per-period value North Korea can count on after disarming.
    upkeep : float or array, >= 0
        ``k``, per-period cost of the arsenal, sanctions included.

    References
    ----------
    A course construction in the spirit of Powell (2006) and Spaniel, *Bargaining over the
    Bomb* (Cambridge UP, 2019).

    Examples
    --------
    >>> round(disarmament_price(0.9, 0.5, 0.2, 0.1), 6)
    2.0
    """
    d = discount("delta", delta)
    rk = nonnegative("fallback_armed", fallback_armed)
    rd = nonnegative("fallback_disarmed", fallback_disarmed)
    k = nonnegative("upkeep", upkeep)
    return scalar_or_array(np.maximum(rk - k - rd, 0.0) / (1 - d))


class DisarmamentDeal(NamedTuple):
    """The price of disarmament, what can credibly be paid up front, and whether a deal exists."""

    price: float
    max_upfront: float
    deal_exists: bool


def disarmament_deal(delta: float, fallback_armed: float, fallback_disarmed: float,
                     upkeep: float, max_upfront: float) -> DisarmamentDeal:
    """Whether any deal buys disarmament: the price ``b*`` against the most that can be paid
    before North Korea gives up its leverage (``max_upfront``).

    Promises of later payments are not credible once the deterrent is gone (the trap), so only
    what is paid up front counts.

    Examples
    --------
    >>> disarmament_deal(0.9, 0.5, 0.2, 0.1, max_upfront=1.5).deal_exists
    False
    """
    price = disarmament_price(delta, fallback_armed, fallback_disarmed, upkeep)
    cap = nonnegative("max_upfront", max_upfront)
    price, cap = (np.array(v) for v in np.broadcast_arrays(price, cap))  # a sweep shapes both
    return DisarmamentDeal(scalar_or_array(price), scalar_or_array(cap), bool_or_array(price <= cap + 1e-12))


def upkeep_for_deal(delta: ArrayLike, fallback_armed: ArrayLike, fallback_disarmed: ArrayLike,
                    max_upfront: ArrayLike):
    """The least upkeep and sanctions ``k`` at which disarmament can be bought with at most
    ``max_upfront`` paid up front: ``b*(k) <= M`` (:func:`disarmament_price`) iff
    ``k >= r_K - r_D - (1 - δ) M``; never below 0.

    Examples
    --------
    >>> round(upkeep_for_deal(0.9, 0.5, 0.2, 1.5), 6)
    0.15
    """
    d = discount("delta", delta)
    rk = nonnegative("fallback_armed", fallback_armed)
    rd = nonnegative("fallback_disarmed", fallback_disarmed)
    cap = nonnegative("max_upfront", max_upfront)
    return scalar_or_array(np.maximum(rk - rd - (1 - d) * cap, 0.0))
