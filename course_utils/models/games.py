"""The solver's tools (lesson 4): best responses and Nash equilibrium in a 2x2 game, backward
induction on a finite game tree, Bayes' rule with two types, and discounting.

Pure Python/numpy, no I/O. A value outside a parameter's domain raises ``ValueError`` naming the
parameter and the allowed range. The 2x2 conventions: ``row[i][j]`` is the row player's payoff
when the row player plays its strategy ``i`` and the column player its strategy ``j`` (0 = first,
1 = second); ``col[i][j]`` the column player's payoff in the same cell. A mixed strategy is the
probability of playing the *first* strategy.

Sources: Osborne, M. J., *An Introduction to Game Theory* (Oxford UP, 2004), ch. 2-5 (Nash
equilibrium, mixed strategies, extensive games and backward induction); Selten, R.,
"Spieltheoretische Behandlung eines Oligopolmodells mit Nachfrageträgheit", *Zeitschrift für die
gesamte Staatswissenschaft* 121, 1965, 301-324 (subgame perfection); Tsebelis, G., "The Abuse
of Probability in Political Analysis: The Robinson Crusoe Fallacy", *American Political Science
Review* 83(1), 1989, 77-91 (the inspection game's comparative static); Fearon, J. D.,
"Domestic Political Audiences and the Escalation of International Disputes", *American Political
Science Review* 88(3), 1994, 577-592 (the escalation game's audience cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ._domain import ArrayLike, check_range, discount, nonnegative, positive, scalar_or_array, share
from .bargaining import bargaining_range

__all__ = [
    "Matrix2x2",
    "MixedProfile",
    "as_matrix",
    "expected_payoffs",
    "best_response",
    "pure_equilibria",
    "mixed_equilibrium",
    "inspection_game",
    "Leaf",
    "Node",
    "Step",
    "TreeSolution",
    "backward_induction",
    "escalation_game",
    "ultimatum_offer",
    "bayes_posterior",
    "present_value",
]

Matrix2x2 = tuple[tuple[float, float], tuple[float, float]]


def as_matrix(name: str, payoffs: Sequence[Sequence[float]]) -> np.ndarray:
    """``payoffs`` as a 2x2 float array, or a ``ValueError`` saying what shape is expected."""
    arr = np.asarray(payoffs, dtype=float)
    if arr.shape != (2, 2):
        raise ValueError(f"{name} must be a 2x2 table of payoffs, [[a, b], [c, d]]; "
                         f"got shape {arr.shape}")
    if np.any(~np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers; got {payoffs!r}")
    return arr


# =========================================================================== 2x2 games
class MixedProfile(NamedTuple):
    """A mixed-strategy profile: each player's probability of playing its *first* strategy."""

    row: float
    col: float


def expected_payoffs(payoffs: Sequence[Sequence[float]], other_first: ArrayLike,
                     player: str = "row") -> tuple:
    """A player's expected payoff from each of its two strategies when the other player plays
    its first strategy with probability ``other_first``.

    For the row player, strategy ``i`` gives ``q·row[i][0] + (1 - q)·row[i][1]``; for the column
    player, strategy ``j`` gives ``p·col[0][j] + (1 - p)·col[1][j]``.

    Examples
    --------
    >>> expected_payoffs([[3, 0], [5, 1]], 0.5)
    (1.5, 3.0)
    """
    m = as_matrix("payoffs", payoffs)
    if player not in ("row", "col"):
        raise ValueError(f"player must be 'row' or 'col'; got {player!r}")
    q = share("other_first", other_first)
    if player == "col":
        m = m.T  # the column player's strategies become rows
    first = q * m[0, 0] + (1 - q) * m[0, 1]
    second = q * m[1, 0] + (1 - q) * m[1, 1]
    return scalar_or_array(first), scalar_or_array(second)


def best_response(payoffs: Sequence[Sequence[float]], other_first: ArrayLike,
                  player: str = "row"):
    """The probability with which a best response plays the player's first strategy: 1 if the
    first strategy pays more against the other's mix, 0 if it pays less, 0.5 when the player is
    indifferent (then *every* mix is a best response; 0.5 marks the tie).

    Examples
    --------
    >>> best_response([[3, 0], [5, 1]], 0.9)     # prisoner's dilemma: defecting always pays more
    0.0
    """
    first, second = expected_payoffs(payoffs, other_first, player)
    diff = np.asarray(first, dtype=float) - np.asarray(second, dtype=float)
    out = np.where(np.isclose(diff, 0.0, atol=1e-12), 0.5, np.where(diff > 0, 1.0, 0.0))
    return scalar_or_array(out)


def pure_equilibria(row: Sequence[Sequence[float]], col: Sequence[Sequence[float]]
                    ) -> tuple[tuple[int, int], ...]:
    """Every pure-strategy Nash equilibrium ``(i, j)``: the cell where each strategy is a best
    response to the other (no player gains by switching alone; ties count as best responses).

    Examples
    --------
    >>> pure_equilibria([[3, 0], [5, 1]], [[3, 5], [0, 1]])   # prisoner's dilemma
    ((1, 1),)
    >>> pure_equilibria([[0, -1], [1, -10]], [[0, 1], [-1, -10]])   # chicken: one swerves
    ((0, 1), (1, 0))
    """
    a, b = as_matrix("row", row), as_matrix("col", col)
    return tuple((i, j) for i in range(2) for j in range(2)
                 if a[i, j] >= a[1 - i, j] - 1e-12 and b[i, j] >= b[i, 1 - j] - 1e-12)


def mixed_equilibrium(row: Sequence[Sequence[float]], col: Sequence[Sequence[float]]
                      ) -> MixedProfile | None:
    """The equilibrium in which both players mix strictly, or ``None`` if the game has none.

    Each player mixes so as to make the *other* indifferent between its two strategies. The
    row player's mix ``p`` (chance of its first strategy) solves the column player's
    indifference, ``p·col[0][0] + (1-p)·col[1][0] = p·col[0][1] + (1-p)·col[1][1]``:

        p = (col[1][1] - col[1][0]) / (col[0][0] - col[1][0] - col[0][1] + col[1][1]),

    so it is set by the column player's payoffs alone; likewise the column player's ``q`` by the
    row player's: ``q = (row[1][1] - row[0][1]) / (row[0][0] - row[0][1] - row[1][0] + row[1][1])``.

    Examples
    --------
    >>> mixed_equilibrium([[0, -1], [1, -10]], [[0, 1], [-1, -10]])   # chicken: swerve first
    MixedProfile(row=0.9, col=0.9)
    >>> mixed_equilibrium([[3, 0], [5, 1]], [[3, 5], [0, 1]]) is None   # prisoner's dilemma
    True
    """
    a, b = as_matrix("row", row), as_matrix("col", col)
    den_p = b[0, 0] - b[1, 0] - b[0, 1] + b[1, 1]
    den_q = a[0, 0] - a[0, 1] - a[1, 0] + a[1, 1]
    if abs(den_p) < 1e-12 or abs(den_q) < 1e-12:
        return None
    p = (b[1, 1] - b[1, 0]) / den_p
    q = (a[1, 1] - a[0, 1]) / den_q
    if not (1e-12 < p < 1 - 1e-12 and 1e-12 < q < 1 - 1e-12):
        return None
    return MixedProfile(round(float(p), 12), round(float(q), 12))


def inspection_game(gain: float, penalty: float, cost: float, damage: float
                    ) -> tuple[Matrix2x2, Matrix2x2]:
    """The inspection game as ``(row, col)`` payoff tables: North Korea (rows: cheat, comply)
    against the US (columns: inspect, trust).

    North Korea gets ``gain`` from cheating undetected, ``-penalty`` if caught, 0 by complying.
    The US pays ``cost`` to inspect and loses ``damage`` if cheating goes undetected. With
    ``0 < cost < damage`` no cell is an equilibrium; in the mixed equilibrium North Korea cheats
    with probability ``cost/damage`` (the US's payoffs) and the US inspects with probability
    ``gain/(gain + penalty)`` (North Korea's): a harsher penalty lowers inspections, not cheating
    (Tsebelis 1989).

    Examples
    --------
    >>> mixed_equilibrium(*inspection_game(1, 3, 0.2, 1))
    MixedProfile(row=0.2, col=0.25)
    """
    g = float(positive("gain", gain))
    f = float(positive("penalty", penalty))
    d = float(positive("damage", damage))
    k = float(check_range("cost", cost, 0.0, d, low_open=True, high_open=True))
    row = ((-f, g), (0.0, 0.0))
    col = ((-k, -d), (-k, 0.0))
    return row, col


# =========================================================================== game trees
class Leaf(NamedTuple):
    """An end of the game: its name and the payoffs, one per player (in ``players`` order)."""

    name: str
    payoffs: tuple[float, ...]


class Node(NamedTuple):
    """A decision: ``player`` (an index into the game's players) picks one of ``moves``
    (action label -> the node or leaf it leads to)."""

    name: str
    player: int
    moves: dict[str, Node | Leaf]


class Step(NamedTuple):
    """One step of backward induction: at ``node`` the ``player`` compares ``values`` (what
    each move leads to, for that player, once play below is solved) and picks ``choice``;
    ``payoffs`` is what the node is then worth to everyone."""

    node: str
    player: int
    values: dict[str, float]
    choice: str
    payoffs: tuple[float, ...]


class TreeSolution(NamedTuple):
    """The subgame-perfect equilibrium found by backward induction: ``steps`` in the order
    solved (deepest nodes first), ``choices`` (node -> move, a full strategy profile: a move
    at every node, on the path or off it), ``path`` (the moves actually played), ``outcome``
    (the leaf reached) and its ``payoffs``."""

    steps: tuple[Step, ...]
    choices: dict[str, str]
    path: tuple[str, ...]
    outcome: str
    payoffs: tuple[float, ...]


def backward_induction(root: Node) -> TreeSolution:
    """Solve a finite game of perfect information from its last decisions up (Zermelo, Kuhn).

    Each node is solved once every node below it is: its player picks the move whose solved
    value is highest *for that player*. A tie is broken toward the move listed first (state
    the order you want: in an ultimatum, "accept" before "reject"). Because a choice is made
    at every node, on the path of play or off it, the result is subgame perfect (Selten 1965).

    Examples
    --------
    >>> game = Node("A", 0, {"out": Leaf("quiet", (0, 0)),
    ...                      "in": Node("B", 1, {"yield": Leaf("win", (1, -1)),
    ...                                          "fight": Leaf("war", (-2, -3))})})
    >>> sol = backward_induction(game)
    >>> sol.path, sol.payoffs
    (('in', 'yield'), (1, -1))
    """
    steps: list[Step] = []
    choices: dict[str, str] = {}
    seen: set[str] = set()

    def solve(node: Node | Leaf) -> tuple[tuple[float, ...], str]:
        if isinstance(node, Leaf):
            return node.payoffs, node.name
        if not node.moves:
            raise ValueError(f"node {node.name!r} has no moves: give it at least one")
        if node.name in seen:
            raise ValueError(f"two nodes are named {node.name!r}: name every node once")
        seen.add(node.name)
        solved = {move: solve(child) for move, child in node.moves.items()}
        values = {move: float(pay[node.player]) for move, (pay, _) in solved.items()}
        best = max(values.values())
        choice = next(m for m, v in values.items() if v >= best - 1e-12)
        choices[node.name] = choice
        steps.append(Step(node.name, node.player, values, choice, solved[choice][0]))
        return solved[choice]

    payoffs, outcome = solve(root)
    path: list[str] = []
    node: Node | Leaf = root
    while isinstance(node, Node):
        move = choices[node.name]
        path.append(move)
        node = node.moves[move]
    return TreeSolution(tuple(steps), choices, tuple(path), outcome, tuple(payoffs))


#: the escalation game's North Korean payoffs: the issue is worth 1 to it, backing down after
#: a US threat costs it 0.5 (face), so a threat it expects to be carried out deters it when its
#: cost of war exceeds 0.5
NK_WIN, NK_BACK_DOWN = 1.0, -0.5


def escalation_game(value_us: float, war_cost_us: float, war_cost_nk: float,
                    audience_cost: float) -> Node:
    """A crisis as a game tree (players: 0 = the US, 1 = North Korea; payoffs (US, NK)).

    North Korea challenges the status quo or keeps quiet; the US concedes or threatens; North
    Korea backs down or stands firm; the US then fights or backs down. The US values the issue
    at ``value_us`` (what it keeps unless it concedes), fighting costs it ``war_cost_us`` and
    North Korea ``war_cost_nk``; backing down after a public threat costs the US
    ``audience_cost`` (Fearon 1994). North Korea values the issue at 1 and loses 0.5 in face by
    backing down after a threat. Leaves: quiet (v, 0); concede (0, 1); NK backs down (v, -0.5);
    war (v - c_US, -c_NK); the US backs down (-a, 1).

    The US's last choice is :func:`~course_utils.models.signaling.audience_cost_credible`'s
    comparison: fight iff ``v - c_US >= -a``.

    Examples
    --------
    >>> backward_induction(escalation_game(0.2, 0.5, 1.0, 0.1)).outcome   # a bluff: no threat
    'concede'
    >>> backward_induction(escalation_game(0.2, 0.5, 1.0, 0.4)).outcome   # hands tied: deterred
    'quiet'
    """
    v = float(nonnegative("value_us", value_us))
    c_us = float(nonnegative("war_cost_us", war_cost_us))
    c_nk = float(nonnegative("war_cost_nk", war_cost_nk))
    a = float(nonnegative("audience_cost", audience_cost))
    us_last = Node("US: fight or back down?", 0, {
        "fight": Leaf("war", (v - c_us, -c_nk)),
        "back down": Leaf("US backs down", (-a, NK_WIN))})
    nk_second = Node("NK: back down or stand firm?", 1, {
        "back down": Leaf("NK backs down", (v, NK_BACK_DOWN)),
        "stand firm": us_last})
    us_first = Node("US: concede or threaten?", 0, {
        "concede": Leaf("concede", (0.0, NK_WIN)),
        "threaten": nk_second})
    return Node("NK: keep quiet or challenge?", 1, {
        "keep quiet": Leaf("quiet", (v, 0.0)),
        "challenge": us_first})


def ultimatum_offer(p: ArrayLike, cost_receiver: ArrayLike):
    """The proposer's share in the subgame-perfect equilibrium of a take-it-or-leave-it offer.

    The proposer (the US, whose expected share from war is ``p``) offers a split; the receiver
    (North Korea) accepts or goes to war, which gives it ``1 - p - c_NK``. It accepts any offer
    that leaves it at least that (at equality too: otherwise no best offer exists), so the US
    keeps ``x* = p + c_NK`` (clipped to 1): the top of Fearon's bargaining range, and North
    Korea is left exactly its war payoff.

    Examples
    --------
    >>> ultimatum_offer(0.5, 0.1)
    0.6
    """
    return bargaining_range(p, 0.0, cost_receiver).high


# =========================================================================== beliefs and time
def bayes_posterior(prior: ArrayLike, p_signal_if_a: ArrayLike, p_signal_if_b: ArrayLike):
    """Bayes' rule with two types: the chance of type A after seeing a signal.

        P(A | s) = P(s | A) P(A) / (P(s | A) P(A) + P(s | B) (1 - P(A))).

    Raises ``ValueError`` when the signal cannot happen (both likelihoods 0 where the prior
    gives it weight): a belief after an impossible signal is not defined by Bayes' rule.

    Examples
    --------
    >>> round(bayes_posterior(0.3, 0.9, 0.5), 4)
    0.4355
    """
    pa = share("prior", prior)
    la = share("p_signal_if_a", p_signal_if_a)
    lb = share("p_signal_if_b", p_signal_if_b)
    total = la * pa + lb * (1 - pa)
    if np.any(total <= 0):
        raise ValueError("the signal has probability 0 under the prior (p_signal_if_a · prior + "
                         "p_signal_if_b · (1 - prior) = 0): Bayes' rule says nothing after it; "
                         "give the signal a positive chance under some type")
    return scalar_or_array(np.round(la * pa / total, 12))


def present_value(payment: ArrayLike, delta: ArrayLike, periods: ArrayLike = np.inf):
    """Value today of ``payment`` received every period for ``periods`` periods, starting now.

        payment · (1 + δ + δ² + ... + δ^(n-1)) = payment · (1 - δ^n)/(1 - δ),

    which tends to ``payment/(1 - δ)`` as n grows (``periods=inf``, the default): at δ = 0.9 a
    stream is worth ten times one period's payment.

    Examples
    --------
    >>> round(present_value(1, 0.9), 10)
    10.0
    >>> round(present_value(1, 0.9, 2), 10)
    1.9
    """
    x = check_range("payment", payment)
    d = discount("delta", delta)
    n = check_range("periods", periods, 0.0)
    factor = np.where(np.isinf(n), 1.0, 1.0 - d ** np.where(np.isinf(n), 0.0, n))
    return scalar_or_array(x * factor / (1.0 - d))
