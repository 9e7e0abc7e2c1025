"""Bargaining models: the range of peaceful deals, offers under uncertainty, Nash and
Rubinstein bargaining, and bargaining over two linked issues.

Every function is pure numpy. Scalars give floats; arrays (for sweeping a parameter to draw a
curve) give arrays of the broadcast shape. Values outside a parameter's domain raise
``ValueError`` naming the parameter and its allowed range.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ._domain import (
    ArrayLike,
    bool_or_array,
    check_range,
    discount,
    nonnegative,
    positive,
    scalar_or_array,
    share,
)

__all__ = [
    "Range",
    "WarPayoffs",
    "Offer",
    "Split",
    "Shares",
    "Linkage",
    "bargaining_range",
    "war_payoffs",
    "indivisible_deals",
    "offer_outcome",
    "offer_accepted",
    "risk_return_offer",
    "nash_bargaining",
    "bargaining_surplus",
    "rubinstein_shares",
    "rubinstein_limit",
    "discount_factor",
    "linkage_utilities",
    "issue_linkage",
]


# --------------------------------------------------------------------------- bargaining range
class Range(NamedTuple):
    """The interval of A's shares that both sides prefer to war."""

    low: float
    high: float

    @property
    def width(self):
        """Length of the range (zero or more)."""
        return np.maximum(np.asarray(self.high) - np.asarray(self.low), 0.0)

    @property
    def exists(self):
        """True where at least one split beats war for both sides."""
        return bool_or_array(np.asarray(self.high) >= np.asarray(self.low))

    def contains(self, x: ArrayLike):
        """True where the split ``x`` (A's share) lies in the range."""
        x = np.asarray(x, dtype=float)
        return bool_or_array((x >= np.asarray(self.low)) & (x <= np.asarray(self.high)))


def bargaining_range(p: ArrayLike, cost_a: ArrayLike, cost_b: ArrayLike) -> Range:
    """Fearon's bargaining range: the splits both sides prefer to fighting.

    Two states divide a good of size 1. War gives A the share ``p`` in expectation at cost
    ``cost_a``; B gets ``1 - p`` at cost ``cost_b``. A split ``x`` (A's share) beats war for A
    iff ``x >= p - cost_a`` and for B iff ``1 - x >= 1 - p - cost_b``.

    Parameters
    ----------
    p : float or array, in [0, 1]
        A's probability of winning a war (its expected share of the good).
    cost_a, cost_b : float or array, >= 0
        Each side's cost of war, as a share of the good.

    Returns
    -------
    Range
        ``Range(low, high) = [p - cost_a, p + cost_b] ∩ [0, 1]``. Its width is
        ``cost_a + cost_b`` while the interval lies inside [0, 1].

    References
    ----------
    Fearon, J. D. (1995). Rationalist Explanations for War. *International Organization*
    49(3), 379-414.

    Examples
    --------
    >>> bargaining_range(0.5, 0.1, 0.1)
    Range(low=0.4, high=0.6)
    """
    p = share("p", p)
    cost_a = nonnegative("cost_a", cost_a)
    cost_b = nonnegative("cost_b", cost_b)
    low = np.clip(p - cost_a, 0.0, 1.0)
    high = np.clip(p + cost_b, 0.0, 1.0)
    low, high = np.broadcast_arrays(low, high)  # a sweep of any parameter shapes both ends
    return Range(scalar_or_array(np.round(low, 12)), scalar_or_array(np.round(high, 12)))


class WarPayoffs(NamedTuple):
    """Each side's expected payoff from war: A's ``p - cost_a``, B's ``1 - p - cost_b``."""

    a: float
    b: float


def war_payoffs(p: ArrayLike, cost_a: ArrayLike, cost_b: ArrayLike) -> WarPayoffs:
    """What war gives each side in expectation (Fearon 1995): A wins the good of size 1 with
    probability ``p`` and pays ``cost_a``; B wins with ``1 - p`` and pays ``cost_b``.

    These are the ends of the bargaining range (:func:`bargaining_range`, before clipping), the
    payoff of a refused ultimatum (:func:`offer_outcome`) and the disagreement point of
    :func:`nash_bargaining` when talks fail into war.

    Parameters
    ----------
    p : float or array, in [0, 1]
        A's probability of winning a war.
    cost_a, cost_b : float or array, >= 0
        Each side's cost of war, as a share of the good.

    Returns
    -------
    WarPayoffs
        ``WarPayoffs(a=p - cost_a, b=1 - p - cost_b)``.

    Examples
    --------
    >>> [round(v, 2) for v in war_payoffs(0.7, 0.1, 0.3)]
    [0.6, 0.0]
    """
    p = share("p", p)
    cost_a = nonnegative("cost_a", cost_a)
    cost_b = nonnegative("cost_b", cost_b)
    a, b = np.broadcast_arrays(p - cost_a, 1.0 - p - cost_b)
    return WarPayoffs(scalar_or_array(a), scalar_or_array(b))


def indivisible_deals(
    p: float, cost_a: float, cost_b: float, options: Sequence[float] = (0.0, 1.0)
) -> tuple[float, ...]:
    """The splits among ``options`` that lie in the bargaining range.

    With an indivisible good (the arsenal is kept or given up: ``options=(0, 1)``) only the
    listed splits can be agreed; when none lies in the range, no deal beats war even though
    the range itself is not empty.

    Parameters
    ----------
    p, cost_a, cost_b : float
        As in :func:`bargaining_range`.
    options : sequence of float, each in [0, 1]
        The splits that can actually be implemented (A's share).

    Returns
    -------
    tuple of float
        The options inside the range, in the order given (possibly empty).

    Examples
    --------
    >>> indivisible_deals(0.5, 0.1, 0.1)
    ()
    >>> indivisible_deals(0.5, 0.1, 0.1, options=(0.0, 0.5, 1.0))
    (0.5,)
    """
    rng = bargaining_range(p, cost_a, cost_b)
    opts = share("options", np.asarray(list(options), dtype=float))
    return tuple(float(x) for x in opts if rng.low <= x <= rng.high)


# --------------------------------------------------------------------------- risk and return
class Offer(NamedTuple):
    """An ultimatum demand, its risk of war and the proposer's expected utility."""

    demand: float
    p_war: float
    expected_utility: float


def offer_outcome(demand: ArrayLike, p: ArrayLike, cost_a: ArrayLike, cost_b_max: ArrayLike) -> Offer:
    """What any demand ``x`` by A risks and earns when B's cost of war is private.

    B's cost is uniform on ``[0, cost_b_max]`` and B accepts iff its cost is at least
    ``x - p``, so ``P(war) = clip((x - p) / cost_b_max, 0, 1)`` and A expects
    ``x (1 - P(war)) + (p - cost_a) P(war)``.

    Parameters
    ----------
    demand : float or array, in [0, 1]
        A's demanded share ``x``.
    p : float or array, in [0, 1]
        A's probability of winning a war.
    cost_a : float or array, >= 0
        A's cost of war.
    cost_b_max : float or array, > 0
        Upper end ``c̄`` of the uniform distribution of B's cost.

    Returns
    -------
    Offer

    References
    ----------
    Fearon (1995), section on private information and incentives to misrepresent; the
    uniform-cost version as in Powell, *In the Shadow of Power* (1999), ch. 3.
    """
    x = share("demand", demand)
    p = share("p", p)
    cost_a = nonnegative("cost_a", cost_a)
    cbar = positive("cost_b_max", cost_b_max)
    p_war = np.clip((x - p) / cbar, 0.0, 1.0)
    eu = x * (1.0 - p_war) + (p - cost_a) * p_war
    x, p_war, eu = np.broadcast_arrays(x, p_war, eu)  # a sweep of any parameter shapes all three
    return Offer(scalar_or_array(x), scalar_or_array(p_war), scalar_or_array(eu))


def offer_accepted(demand: ArrayLike, p: ArrayLike, cost_b: ArrayLike):
    """Whether B accepts A's ultimatum demand ``x``: iff its share ``1 - x`` is at least its war
    payoff ``1 - p - cost_b``, i.e. iff ``cost_b >= x - p`` (B accepts when indifferent).

    Examples
    --------
    >>> offer_accepted(0.7, 0.5, 0.3), offer_accepted(0.7, 0.5, 0.1)
    (True, False)
    """
    x = share("demand", demand)
    p = share("p", p)
    cost_b = nonnegative("cost_b", cost_b)
    return bool_or_array(cost_b >= x - p - 1e-12)


def risk_return_offer(p: ArrayLike, cost_a: ArrayLike, cost_b_max: ArrayLike) -> Offer:
    """A's optimal ultimatum demand when B's cost of war is private (the risk-return trade-off).

    Asking for more earns more when accepted and risks war more often. With B's cost uniform
    on ``[0, c̄]`` the optimum is ``x* = p + (c̄ - cost_a) / 2``, clipped to ``[p, 1]``; when
    ``cost_a >= c̄`` the proposer asks only ``p`` and war never happens.

    Parameters
    ----------
    p : float or array, in [0, 1]
        A's probability of winning a war.
    cost_a : float or array, >= 0
        A's cost of war.
    cost_b_max : float or array, > 0
        Upper end ``c̄`` of B's private cost.

    Returns
    -------
    Offer
        ``Offer(demand, p_war, expected_utility)`` at the optimum.

    Examples
    --------
    >>> [round(v, 4) for v in risk_return_offer(0.5, 0.1, 0.5)]
    [0.7, 0.4, 0.58]
    """
    p_arr = share("p", p)
    cost_a_arr = nonnegative("cost_a", cost_a)
    cbar = positive("cost_b_max", cost_b_max)
    x = np.clip(p_arr + (cbar - cost_a_arr) / 2.0, p_arr, 1.0)
    return offer_outcome(np.round(x, 12), p_arr, cost_a_arr, cbar)


# --------------------------------------------------------------------------- Nash bargaining
class Split(NamedTuple):
    """Payoffs of A and B in an agreement."""

    a: float
    b: float


def nash_bargaining(
    d_a: ArrayLike, d_b: ArrayLike, total: ArrayLike = 1.0, weight_a: ArrayLike = 0.5
) -> Split:
    """The (generalised) Nash bargaining solution on a linear frontier ``u_a + u_b = total``.

    Maximises ``(u_a - d_a)^α (u_b - d_b)^(1-α)``, which gives
    ``u_a = d_a + α (total - d_a - d_b)``: each side gets its disagreement payoff plus its
    weighted share of the surplus. With war payoffs ``d = (p - c_A, 1 - p - c_B)`` and
    ``α = 1/2`` this is the split ``x = p + (c_B - c_A)/2``.

    Parameters
    ----------
    d_a, d_b : float or array
        Disagreement payoffs (what each side gets if talks fail).
    total : float or array, > 0
        Size of the pie.
    weight_a : float or array, in [0, 1]
        A's bargaining weight α.

    Returns
    -------
    Split

    Raises
    ------
    ValueError
        If ``d_a + d_b > total``: no agreement beats disagreement for both.

    References
    ----------
    Nash, J. F. (1950). The Bargaining Problem. *Econometrica* 18(2), 155-162 (equal weights,
    ``α = 1/2``). The weighted form is due to Harsanyi, J. C. and Selten, R. (1972). A
    Generalized Nash Solution for Two-Person Bargaining Games with Incomplete Information.
    *Management Science* 18(5), P80-P106; and Kalai, E. (1977). Nonsymmetric Nash Solutions and
    Replications of 2-Person Bargaining. *International Journal of Game Theory* 6(3), 129-133.

    Examples
    --------
    >>> [round(v, 4) for v in nash_bargaining(0.65, 0.05)]
    [0.8, 0.2]
    """
    total = positive("total", total)
    alpha = share("weight_a", weight_a)
    d_a = check_range("d_a", d_a)
    d_b = check_range("d_b", d_b)
    surplus = total - d_a - d_b
    if np.any(surplus < -1e-12):
        raise ValueError(
            "d_a + d_b must not exceed total (there are no gains from agreement); "
            f"got d_a + d_b = {np.max(d_a + d_b):g} > total = {np.min(total):g}"
        )
    surplus = np.maximum(surplus, 0.0)
    u_a = d_a + alpha * surplus
    return Split(scalar_or_array(u_a), scalar_or_array(total - u_a))


def bargaining_surplus(d_a: ArrayLike, d_b: ArrayLike, total: ArrayLike = 1.0):
    """What a deal adds to disagreement: ``total - d_a - d_b`` (with war as the disagreement
    point, the two costs of war that a deal saves).

    Examples
    --------
    >>> round(bargaining_surplus(0.0, 0.6), 2)
    0.4
    """
    total = positive("total", total)
    d_a = check_range("d_a", d_a)
    d_b = check_range("d_b", d_b)
    return scalar_or_array(total - d_a - d_b)


# --------------------------------------------------------------------------- alternating offers
class Shares(NamedTuple):
    """Shares of the first proposer and the first responder."""

    proposer: float
    responder: float


def rubinstein_shares(delta_proposer: ArrayLike, delta_responder: ArrayLike) -> Shares:
    """Subgame-perfect shares in Rubinstein's alternating-offers game.

    The first proposer gets ``(1 - δ_R) / (1 - δ_P δ_R)`` and the responder the rest. The
    proposer's share rises with its own patience ``δ_P`` and falls with the responder's.

    Parameters
    ----------
    delta_proposer, delta_responder : float or array, in (0, 1)
        Per-round discount factors.

    Returns
    -------
    Shares

    References
    ----------
    Rubinstein, A. (1982). Perfect Equilibrium in a Bargaining Model. *Econometrica* 50(1),
    97-109.

    Examples
    --------
    >>> round(rubinstein_shares(0.9, 0.9).proposer, 4)
    0.5263
    """
    dp = discount("delta_proposer", delta_proposer)
    dr = discount("delta_responder", delta_responder)
    proposer = (1.0 - dr) / (1.0 - dp * dr)
    return Shares(scalar_or_array(proposer), scalar_or_array(1.0 - proposer))


def discount_factor(rate: ArrayLike, period: ArrayLike = 1.0):
    """``δ = exp(-r Δ)``: the discount factor of a side with impatience ``rate`` over ``period``."""
    r = positive("rate", rate)
    dt = positive("period", period)
    return scalar_or_array(np.exp(-r * dt))


def rubinstein_limit(rate_proposer: ArrayLike, rate_responder: ArrayLike) -> Shares:
    """Rubinstein shares as the time between offers shrinks to zero.

    With ``δ_i = exp(-r_i Δ)`` and ``Δ → 0`` the first-mover advantage vanishes and the
    proposer's share tends to ``r_R / (r_P + r_R)``: the asymmetric Nash solution with weights
    set by relative patience (Binmore, Rubinstein and Wolinsky 1986, *RAND Journal of
    Economics* 17(2)).
    """
    rp = positive("rate_proposer", rate_proposer)
    rr = positive("rate_responder", rate_responder)
    proposer = rr / (rp + rr)
    return Shares(scalar_or_array(proposer), scalar_or_array(1.0 - proposer))


# --------------------------------------------------------------------------- issue linkage
class Linkage(NamedTuple):
    """The Nash deal over two linked issues and what it gives each side.

    ``denuclearization`` is d (0 = none, 1 = complete), ``concession`` is s (how much of the
    second issue the US gives: guarantees, troop withdrawal, ...). Utilities are measured
    against the status quo (0, 0).
    """

    denuclearization: float
    concession: float
    us_utility: float
    nk_utility: float
    gains_exist: bool
    full_denuclearization_possible: bool
    min_concession_for_full: float


def linkage_utilities(d: ArrayLike, s: ArrayLike, us_value: float, us_cost: float,
                      nk_value: float, nk_cost: float) -> tuple:
    """Utilities ``U_US = a d - b s`` and ``U_NK = e s - f d`` of a deal ``(d, s)``.

    ``a = us_value`` (US value of full denuclearization), ``b = us_cost`` (US cost of the full
    concession), ``e = nk_value`` (North Korea's value of the full concession), ``f = nk_cost``
    (North Korea's value of its arsenal). Arrays of deals are accepted.
    """
    d = share("d", d)
    s = share("s", s)
    a, b = positive("us_value", us_value), positive("us_cost", us_cost)
    e, f = positive("nk_value", nk_value), positive("nk_cost", nk_cost)
    return scalar_or_array(a * d - b * s), scalar_or_array(e * s - f * d)


def issue_linkage(us_value: float, us_cost: float, nk_value: float, nk_cost: float) -> Linkage:
    """Nash bargaining over two linked issues: denuclearization ``d`` for a concession ``s``.

    Both issues lie on [0, 1], the status quo (0, 0) is the disagreement point, and utilities are
    linear: ``U_US = a d - b s``, ``U_NK = e s - f d`` (see :func:`linkage_utilities`). Gains
    from linking exist iff ``a e > b f`` (the US values denuclearization more, relative to the
    concession's price, than North Korea values its arsenal). The Pareto frontier then runs
    along ``d = 1`` and ``s = 1``; the Nash product ``U_US U_NK`` is maximised on it at
    ``s = (ae + bf) / (2be)`` (with ``d = 1``) or ``d = (ae + bf) / (2af)`` (with ``s = 1``).
    Complete denuclearization is acceptable to both iff some ``s ≤ 1`` satisfies
    ``f/e ≤ s ≤ a/b``, i.e. ``f/e ≤ min(1, a/b)``.

    Parameters
    ----------
    us_value : float, > 0
        ``a``, the US value of complete denuclearization.
    us_cost : float, > 0
        ``b``, the US cost of granting the full concession.
    nk_value : float, > 0
        ``e``, North Korea's value of the full concession.
    nk_cost : float, > 0
        ``f``, North Korea's value of keeping its arsenal (the cost of full denuclearization).

    Returns
    -------
    Linkage

    Notes
    -----
    A course construction in the spirit of multi-issue bargaining (Raiffa, *The Art and
    Science of Negotiation*, 1982; Morgan, "Issue Linkages in International Crisis
    Bargaining", *AJPS* 34(2), 1990).

    Examples
    --------
    >>> deal = issue_linkage(us_value=1.0, us_cost=1.0, nk_value=1.0, nk_cost=0.4)
    >>> round(deal.concession, 2), deal.denuclearization
    (0.7, 1.0)
    """
    a, b = float(positive("us_value", us_value)), float(positive("us_cost", us_cost))
    e, f = float(positive("nk_value", nk_value)), float(positive("nk_cost", nk_cost))
    min_s_full = f / e
    full_possible = min_s_full <= min(1.0, a / b) + 1e-12
    if a * e <= b * f:
        return Linkage(0.0, 0.0, 0.0, 0.0, False, full_possible, min_s_full)

    def product(d: float, s: float) -> float:
        u, v = a * d - b * s, e * s - f * d
        return u * v if (u >= 0 and v >= 0) else -np.inf

    k = a * e + b * f
    candidates = [
        (1.0, float(np.clip(k / (2 * b * e), 0.0, 1.0))),  # along d = 1
        (float(np.clip(k / (2 * a * f), 0.0, 1.0)), 1.0),  # along s = 1
        (1.0, 1.0),
    ]
    d, s = max(candidates, key=lambda ds: product(*ds))
    u_us, u_nk = a * d - b * s, e * s - f * d
    return Linkage(d, s, u_us, u_nk, True, full_possible, min_s_full)
