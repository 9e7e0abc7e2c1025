"""Deterrence models: chicken (symmetric and asymmetric), brinkmanship, the deterrence
inequality and second-strike retaliation.

Pure numpy; scalars give floats, arrays give arrays. Values outside a parameter's domain raise
``ValueError`` naming the parameter and its allowed range.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._domain import (
    ArrayLike,
    at_least_one,
    bool_or_array,
    check_range,
    nonnegative,
    positive,
    scalar_or_array,
    share,
)

__all__ = [
    "ChickenPayoffs",
    "MixedEquilibrium",
    "AsymmetricEquilibrium",
    "Window",
    "chicken_matrices",
    "chicken_pure_equilibria",
    "chicken_mixed",
    "chicken_asymmetric",
    "brinkmanship_window",
    "cumulative_risk",
    "deterrence_threshold",
    "deterrence_holds",
    "retaliation_probability",
    "fewest_weapons_to_deter",
]

DARE, SWERVE = 0, 1
ACTIONS = ("dare", "swerve")


# --------------------------------------------------------------------------- chicken
class ChickenPayoffs(NamedTuple):
    """One player's chicken payoffs, ``temptation > reward > sucker > crash``.

    temptation: dare while the other swerves; reward: both swerve; sucker: swerve while the
    other dares; crash: both dare.
    """

    temptation: float
    reward: float
    sucker: float
    crash: float


class MixedEquilibrium(NamedTuple):
    """Symmetric mixed equilibrium of chicken."""

    p_dare: float
    p_crash: float
    expected_payoff: float


class AsymmetricEquilibrium(NamedTuple):
    """Mixed equilibrium of an asymmetric chicken game (A is the row player)."""

    p_dare_a: float
    p_dare_b: float
    p_crash: float
    payoff_a: float
    payoff_b: float


def _check_chicken(pay: ChickenPayoffs, who: str = "") -> ChickenPayoffs:
    t, r, s, c = (float(v) for v in pay)
    if not (t > r > s > c):
        raise ValueError(
            f"chicken payoffs{who} must satisfy temptation > reward > sucker > crash; "
            f"got temptation={t:g}, reward={r:g}, sucker={s:g}, crash={c:g}"
        )
    return ChickenPayoffs(t, r, s, c)


def _dare_probability(pay: ChickenPayoffs) -> float:
    """The dare probability that leaves a player with payoffs ``pay`` indifferent."""
    t, r, s, c = pay
    return (t - r) / ((t - r) + (s - c))


def chicken_matrices(a: ChickenPayoffs, b: ChickenPayoffs | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Payoff matrices ``(A, B)`` of chicken, rows/columns ordered (dare, swerve).

    ``A[i, j]`` is the row player's payoff when it plays ``i`` and the column player ``j``.
    With ``b`` omitted the game is symmetric.
    """
    a = _check_chicken(ChickenPayoffs(*a), " of A")
    b = a if b is None else _check_chicken(ChickenPayoffs(*b), " of B")
    A = np.array([[a.crash, a.temptation], [a.sucker, a.reward]])
    B = np.array([[b.crash, b.sucker], [b.temptation, b.reward]])
    return A, B


def chicken_pure_equilibria(a: ChickenPayoffs, b: ChickenPayoffs | None = None) -> tuple[tuple[str, str], ...]:
    """The pure-strategy equilibria of chicken: one side dares, the other swerves.

    Found by checking best responses in :func:`chicken_matrices`, so the answer is derived,
    not assumed: ``(("dare", "swerve"), ("swerve", "dare"))`` for any valid payoffs.
    """
    A, B = chicken_matrices(a, b)
    found = []
    for i in range(2):
        for j in range(2):
            if A[i, j] >= A[:, j].max() and B[i, j] >= B[i, :].max():
                found.append((ACTIONS[i], ACTIONS[j]))
    return tuple(found)


def chicken_mixed(temptation: float, reward: float, sucker: float, crash: float) -> MixedEquilibrium:
    """The symmetric mixed equilibrium of chicken.

    Each side dares with ``q = (T - R) / ((T - R) + (S - P))``, which leaves the other
    indifferent between daring and swerving; both dare (a crash) with probability ``q²``.
    The expected payoff equals that of swerving: ``(1 - q) R + q S``.

    Parameters
    ----------
    temptation, reward, sucker, crash : float
        ``T > R > S > P`` as in :class:`ChickenPayoffs`.

    Returns
    -------
    MixedEquilibrium

    References
    ----------
    Rapoport, A. and Chammah, A. M. (1966). The Game of Chicken. *American Behavioral
    Scientist* 10(3); Dixit, Skeath and McAdams, *Games of Strategy*, ch. 4 and 7.

    Examples
    --------
    >>> chicken_mixed(1, 0, -1, -10)  # doctest: +ELLIPSIS
    MixedEquilibrium(p_dare=0.1, p_crash=0.01..., expected_payoff=-0.1)
    """
    pay = _check_chicken(ChickenPayoffs(temptation, reward, sucker, crash))
    q = _dare_probability(pay)
    return MixedEquilibrium(q, q * q, (1 - q) * pay.reward + q * pay.sucker)


def chicken_asymmetric(a: ChickenPayoffs, b: ChickenPayoffs) -> AsymmetricEquilibrium:
    """The mixed equilibrium of chicken when the two sides' payoffs differ.

    Each side mixes so as to leave the *other* indifferent: A dares with the probability that
    makes B indifferent, which depends only on B's payoffs, and vice versa. A side that comes to
    fear the crash more therefore makes the *other* side dare less often and leaves its own dare
    probability unchanged. In the example A fears the crash more than B, so B dares less than A
    (0.1 against 0.25); A's 0.25 is set by B's payoffs alone.

    Parameters
    ----------
    a, b : ChickenPayoffs or 4-tuples
        Payoffs of A and B, each ``temptation > reward > sucker > crash``.

    Returns
    -------
    AsymmetricEquilibrium

    Examples
    --------
    >>> eq = chicken_asymmetric((1, 0, -1, -10), (1, 0, -1, -4))
    >>> round(eq.p_dare_a, 3), round(eq.p_dare_b, 3)
    (0.25, 0.1)
    """
    a = _check_chicken(ChickenPayoffs(*a), " of A")
    b = _check_chicken(ChickenPayoffs(*b), " of B")
    p_a = _dare_probability(b)  # A's mix leaves B indifferent
    p_b = _dare_probability(a)  # B's mix leaves A indifferent
    payoff_a = (1 - p_b) * a.reward + p_b * a.sucker  # A's payoff from swerving
    payoff_b = (1 - p_a) * b.reward + p_a * b.sucker
    return AsymmetricEquilibrium(p_a, p_b, p_a * p_b, payoff_a, payoff_b)


# --------------------------------------------------------------------------- brinkmanship
class Window(NamedTuple):
    """Risk levels ``q`` that are effective (``q >= q_min``) and acceptable (``q <= q_max``)."""

    q_min: float
    q_max: float
    feasible: bool

    def deters(self, q: ArrayLike):
        """True where a threat with risk ``q`` deters the challenger (``q >= q_min``)."""
        return bool_or_array(share("q", q) >= np.asarray(self.q_min) - 1e-12)

    def bearable(self, q: ArrayLike):
        """True where the defender can afford a threat with risk ``q`` (``q <= q_max``)."""
        return bool_or_array(share("q", q) <= np.asarray(self.q_max) + 1e-12)


def brinkmanship_window(
    gain: ArrayLike,
    war_cost_challenger: ArrayLike,
    loss_defender: ArrayLike,
    war_cost_defender: ArrayLike,
    p_hardliner: ArrayLike,
) -> Window:
    """Schelling's "threat that leaves something to chance": the window of workable risk.

    A threat that creates a risk ``q`` of war deters a challenger with gain ``G`` and war cost
    ``W`` iff ``q >= G / (G + W)`` (effectiveness). A defender who loses ``L`` by conceding,
    pays ``W_D`` in a war and faces a hard-liner who cannot be deterred with probability ``h``
    can afford the threat iff ``q <= (1 - h) L / (h (W_D - L))`` (acceptability; 1 when
    ``h = 0`` or ``W_D <= L``).

    Parameters
    ----------
    gain : float or array, > 0
    war_cost_challenger : float or array, > 0
    loss_defender : float or array, > 0
    war_cost_defender : float or array, > 0
    p_hardliner : float or array, in [0, 1]

    Returns
    -------
    Window
        ``q_min``, ``q_max`` (both in [0, 1]) and whether ``q_min <= q_max``.

    References
    ----------
    Schelling, T. C. (1960). *The Strategy of Conflict*, ch. 8; Dixit, Skeath and McAdams,
    *Games of Strategy*, ch. 14 (the Cuban missile crisis window).

    Examples
    --------
    >>> w = brinkmanship_window(1, 9, 2, 20, 0.3)
    >>> round(w.q_min, 3), round(w.q_max, 3), w.feasible
    (0.1, 0.259, True)
    """
    g = positive("gain", gain)
    w = positive("war_cost_challenger", war_cost_challenger)
    loss = positive("loss_defender", loss_defender)
    wd = positive("war_cost_defender", war_cost_defender)
    h = share("p_hardliner", p_hardliner)
    q_min = g / (g + w)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = (1 - h) * loss / (h * (wd - loss))
    q_max = np.where((h == 0) | (wd <= loss), 1.0, np.clip(raw, 0.0, 1.0))
    q_min, q_max = (np.array(v) for v in np.broadcast_arrays(q_min, q_max))  # same shape
    return Window(scalar_or_array(q_min), scalar_or_array(q_max), bool_or_array(q_min <= q_max))


def cumulative_risk(q: ArrayLike, n: ArrayLike):
    """Probability of at least one war over ``n`` independent crises, each with risk ``q``:
    ``1 - (1 - q)^n``.

    Examples
    --------
    >>> round(cumulative_risk(0.1, 10), 4)
    0.6513
    """
    q = share("q", q)
    n = check_range("n", n, 0, np.inf, high_open=True)
    return scalar_or_array(at_least_one(q, n))


# --------------------------------------------------------------------------- deterrence
def deterrence_threshold(benefit: ArrayLike, cost: ArrayLike):
    """The retaliation probability ``π* = B / (B + C)`` that just deters a challenger.

    A challenger whose attack pays ``B`` if unopposed and ``-C`` (its net loss, the gain not
    kept) if retaliation comes, with probability ``π``, is deterred iff
    ``(1 - π) B <= π C``, i.e. ``π >= B / (B + C)``.

    Parameters
    ----------
    benefit : float or array, > 0
    cost : float or array, >= 0

    References
    ----------
    Schelling (1960); Powell, *Nuclear Deterrence Theory* (1990), ch. 1.

    Examples
    --------
    >>> deterrence_threshold(1, 9)
    0.1
    """
    b = positive("benefit", benefit)
    c = nonnegative("cost", cost)
    return scalar_or_array(b / (b + c))


def deterrence_holds(p_retaliation: ArrayLike, benefit: ArrayLike, cost: ArrayLike):
    """True where ``p_retaliation >= B / (B + C)``."""
    pi = share("p_retaliation", p_retaliation)
    return bool_or_array(pi >= np.asarray(deterrence_threshold(benefit, cost)) - 1e-12)


def retaliation_probability(n_weapons: ArrayLike, p_each: ArrayLike):
    """Probability that a second strike of ``n`` weapons gets at least one through:
    ``1 - (1 - a)^n``.

    Parameters
    ----------
    n_weapons : int or array, >= 0
        Weapons that survive a first strike.
    p_each : float or array, in [0, 1]
        Probability that each one reaches its target.

    Examples
    --------
    >>> retaliation_probability(3, 0.5)
    0.875
    """
    n = check_range("n_weapons", n_weapons, 0, np.inf, high_open=True)
    a = share("p_each", p_each)
    return scalar_or_array(at_least_one(a, n))


def fewest_weapons_to_deter(benefit: float, cost: float, p_each: float, n_max: int) -> int | None:
    """The smallest second strike, ``n <= n_max`` surviving weapons, that deters: the first
    ``n`` with ``1 - (1 - a)^n >= B / (B + C)`` (:func:`retaliation_probability`,
    :func:`deterrence_holds`); ``None`` if not even ``n_max`` weapons deter.

    Examples
    --------
    >>> fewest_weapons_to_deter(1, 4, 0.1, 20)
    3
    >>> fewest_weapons_to_deter(1, 4, 0.0, 20) is None
    True
    """
    n_max = int(check_range("n_max", n_max, 0, np.inf, high_open=True))
    n = np.arange(n_max + 1)
    enough = np.asarray(deterrence_holds(retaliation_probability(n, p_each), benefit, cost))
    return int(n[enough][0]) if enough.any() else None
