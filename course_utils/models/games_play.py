"""Models behind the course's games (``course_utils.games``) that the other modules lack.

Pure Python/numpy, no I/O. Each formula lives here once; the games call these functions and
the ones in :mod:`.bargaining`, :mod:`.deterrence`, :mod:`.commitment` and :mod:`.signaling`.
Values outside a parameter's domain raise ``ValueError`` naming the parameter and its range.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._domain import ArrayLike, discount, nonnegative, positive, scalar_or_array, share
from .signaling import moratorium_signal

__all__ = [
    "DeadlinePath",
    "deadline_bargaining",
    "renege_probability",
    "StagedDeal",
    "staged_deal",
    "signal_posterior",
]


# --------------------------------------------------------------------------- deadline
class DeadlinePath(NamedTuple):
    """The subgame-perfect path of alternating offers with a deadline of ``periods`` offers.

    proposer_share[t]: what the side proposing in period ``t + 1`` keeps if play reaches it;
    accept_at_least[t]: the least the responder in that period accepts (its discounted value
    of proposing next, 0 in the last period); first_share, second_share: the agreement's split
    (reached at once, in period 1); last_mover: ``"first"`` or ``"second"``, who makes the
    final, take-it-or-leave-it offer.
    """

    proposer_share: tuple[float, ...]
    accept_at_least: tuple[float, ...]
    first_share: float
    second_share: float
    last_mover: str


def deadline_bargaining(delta_first: float, delta_second: float, periods: int) -> DeadlinePath:
    """Rubinstein's alternating offers cut off after ``periods`` offers, solved backward.

    Two sides divide a good of size 1; the first proposes in odd periods, the second in even
    ones; a share received in period ``t`` is worth ``δ^(t-1)`` of it today; if the last offer
    is refused both get 0. In the last period the proposer keeps everything (the responder
    accepts any share, 0 included). In an earlier period the proposer offers the responder
    exactly what the responder would keep by proposing next, discounted once:
    ``v_t = 1 - δ_R v_(t+1)``, ``v_T = 1``. Agreement comes at once. As ``periods`` grows the
    first proposer's share tends to Rubinstein's ``(1 - δ_2) / (1 - δ_1 δ_2)``.

    Parameters
    ----------
    delta_first, delta_second : float, in (0, 1)
        Discount factors of the side that proposes first and of the other side.
    periods : int, >= 1
        How many offers can be made before the deadline.

    References
    ----------
    Ståhl, I. (1972). *Bargaining Theory*. Stockholm School of Economics (the finite-horizon
    game); Rubinstein, A. (1982). Perfect Equilibrium in a Bargaining Model. *Econometrica*
    50(1), 97-109; Osborne, M. J. and Rubinstein, A. (1990). *Bargaining and Markets*,
    ch. 3.

    Examples
    --------
    >>> path = deadline_bargaining(0.9, 0.9, 2)
    >>> round(path.first_share, 3), path.last_mover
    (0.1, 'second')
    >>> round(deadline_bargaining(0.9, 0.9, 3).first_share, 3)
    0.91
    """
    d1 = float(discount("delta_first", delta_first))
    d2 = float(discount("delta_second", delta_second))
    if isinstance(periods, bool) or int(periods) != periods or periods < 1:
        raise ValueError(f"periods must be a whole number of offers, at least 1; got {periods!r}")
    n = int(periods)
    shares = [0.0] * n
    floors = [0.0] * n
    shares[-1] = 1.0
    for t in range(n - 2, -1, -1):
        delta_responder = d2 if t % 2 == 0 else d1  # period t + 1 is odd: the first proposes
        floors[t] = delta_responder * shares[t + 1]
        shares[t] = 1.0 - floors[t]
    return DeadlinePath(tuple(shares), tuple(floors), shares[0], 1.0 - shares[0],
                        "first" if n % 2 == 1 else "second")


# --------------------------------------------------------------------------- reneging
def renege_probability(leverage: ArrayLike, payment: ArrayLike, retaliation: ArrayLike,
                       reputation_max: ArrayLike):
    """The chance that a partner breaks its promise to pay, given the leverage left.

    The partner saves ``payment`` by not paying. Reneging costs it what the other side can
    still do with the arms it keeps, ``retaliation × leverage`` (leverage: the share of the
    arsenal not yet given up), plus a reputation cost known only to the partner, uniform on
    ``[0, ρ̄]``. It reneges iff the saving exceeds both, so
    ``P = clip((payment - retaliation × leverage) / ρ̄, 0, 1)``: zero while enough leverage
    remains, rising as it is given away (the commitment problem: the promise is believable only
    while the side it was made to can still punish a breach).

    Parameters
    ----------
    leverage : float or array, in [0, 1]
    payment : float or array, >= 0
    retaliation : float or array, >= 0
        What a breach costs the partner per unit of arsenal the other side keeps.
    reputation_max : float or array, > 0
        ``ρ̄``, the top of the partner's private reputation cost.

    References
    ----------
    A course construction: the commitment problem of Powell, R. (2006), War as a Commitment
    Problem, *International Organization* 60(1), with a uniform private cost as in Fearon
    (1995) and Powell, *In the Shadow of Power* (1999), ch. 3.

    Examples
    --------
    >>> round(renege_probability(0.5, 0.3, 0.4, 0.4), 6)
    0.25
    >>> renege_probability(1.0, 0.3, 0.4, 0.4)
    0.0
    """
    a = share("leverage", leverage)
    m = nonnegative("payment", payment)
    w = nonnegative("retaliation", retaliation)
    rho = positive("reputation_max", reputation_max)
    return scalar_or_array(np.clip((m - w * a) / rho, 0.0, 1.0))


class StagedDeal(NamedTuple):
    """A deal in ``K`` equal stages: stage ``k`` gives up ``1/K`` of the arsenal for a payment.

    leverage[k-1]: arsenal kept after stage k; p_renege[k-1]: chance the partner reneges on
    stage k's payment; stage_gain[k-1]: expected gain of stage k if reached, in the payoff's
    units; value_if_stop[s]: expected payoff of disarming exactly ``s`` stages unless the
    partner reneges first (index 0: no stage, the arsenal kept); best_stages: the ``s`` that
    maximises it; p_breach_full: chance that going all the way meets a breach.
    """

    leverage: tuple[float, ...]
    p_renege: tuple[float, ...]
    stage_gain: tuple[float, ...]
    value_if_stop: tuple[float, ...]
    best_stages: int
    p_breach_full: float


def staged_deal(stages: int, payment: float, arsenal_value: float, retaliation: float,
                reputation_max: float) -> StagedDeal:
    """Disarmament in equal stages for promised payments, with a partner that may renege.

    North Korea's payoff is ``arsenal_value × (share kept) + payments received``. At stage
    ``k`` it gives up ``1/K`` of the arsenal; the partner then pays ``payment`` or reneges,
    with :func:`renege_probability` at the leverage left (``1 - k/K``), and a breach ends the
    deal (the arsenal given up stays given up). A stage is worth
    ``(1 - P_k) payment - arsenal_value / K`` if reached.

    Examples
    --------
    >>> deal = staged_deal(4, 0.3, 1.0, 0.4, 0.4)
    >>> [round(q, 6) for q in deal.p_renege]
    [0.0, 0.25, 0.5, 0.75]
    >>> deal.best_stages
    1
    """
    if isinstance(stages, bool) or int(stages) != stages or stages < 1:
        raise ValueError(f"stages must be a whole number, at least 1; got {stages!r}")
    k = int(stages)
    value = float(nonnegative("arsenal_value", arsenal_value))
    m = float(nonnegative("payment", payment))
    leverage = tuple(1.0 - (i + 1) / k for i in range(k))
    p = tuple(float(renege_probability(a, m, retaliation, reputation_max)) for a in leverage)
    gain = tuple((1.0 - q) * m - value / k for q in p)
    totals = [value]
    reach = 1.0  # chance of reaching the next stage without a breach
    for q, g in zip(p, gain, strict=True):
        totals.append(totals[-1] + reach * g)
        reach *= 1.0 - q
    best = int(np.argmax(np.round(totals, 12)))
    return StagedDeal(leverage, p, gain, tuple(totals), best, 1.0 - reach)


# --------------------------------------------------------------------------- signals
def signal_posterior(prior: float, value_sincere: float, value_stalling: float, cost: float,
                     halted: bool) -> float:
    """What observers believe after seeing a halt (``halted=True``) or continued tests.

    In the equilibrium of :func:`~course_utils.models.signaling.moratorium_signal`: separating
    (``V_T < c <= V_S``) a halt proves sincerity (1) and testing proves stalling (0); pooling
    (both halt) a halt says nothing (the prior) and testing, which no type does, is read as
    stalling (0); when neither type halts, testing says nothing (the prior) and a halt, which
    no type makes, is read as sincere (1, the only type that could ever gain from it).

    Examples
    --------
    >>> signal_posterior(0.5, 1.0, 0.4, 0.6, halted=False)
    0.0
    >>> signal_posterior(0.5, 1.0, 0.4, 0.2, halted=True)
    0.5
    """
    kind, posterior = moratorium_signal(prior, value_sincere, value_stalling, cost)
    if kind == "separating":
        return 1.0 if halted else 0.0
    if kind == "pooling":
        return float(posterior) if halted else 0.0
    return 1.0 if halted else float(posterior)
