"""Drawing for the explorers added by issue 14: lesson 4's tools (best responses, game trees, Bayes' rule,
discounting) lesson 8's outside option and lesson 9's finite horizon.

The conventions of :mod:`course_utils.plots`: each function takes model results (or the model's
inputs, which it passes to a function of :mod:`course_utils.models.games`) and an ``Axes``,
draws, and returns what it drew; no model formula is computed here. Colours come from the
Okabe-Ito :data:`~course_utils.plots.PALETTE`, and every meaning is also carried by line
style, marker, hatch or a text label. These figures are small, so each call redraws its axes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .models.games import Leaf, MixedProfile, Node, Step, TreeSolution, best_response, present_value
from .plots import NOTE_SIZE, PALETTE, _frame, _label_axes

__all__ = ["plot_message", "plot_outside_option", "plot_horizon", "plot_best_responses", "plot_game_tree", "plot_bayes",
           "plot_discounting"]


def plot_message(ax: Any, title: str, message: str) -> dict:
    """An empty frame with ``title`` and a ``message`` in its middle (a model with no valid
    result for the current controls)."""
    ax.clear()
    text = ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])
    _label_axes(ax, title, " ", " ")
    return {"message": text}


def plot_best_responses(ax: Any, row: Sequence[Sequence[float]], col: Sequence[Sequence[float]],
                        pure: Sequence[tuple[int, int]], mixed: MixedProfile | None,
                        names: tuple[str, str], strategies: tuple[str, str, str, str]) -> dict:
    """Each player's best response to the other's mix, and the equilibria where they cross.

    Across: the row player's chance of its first strategy (``strategies[0]``); up: the column
    player's chance of its first (``strategies[2]``). ``pure`` and ``mixed`` are the results of
    :func:`~course_utils.models.games.pure_equilibria` and
    :func:`~course_utils.models.games.mixed_equilibrium`.
    """
    ax.clear()
    grid = np.linspace(0.0, 1.0, 401)
    if mixed is not None:  # put the indifference points on the grid so the jumps are drawn
        grid = np.unique(np.r_[grid, mixed.row, mixed.col])
    row_br, row_at = _steps(np.asarray(best_response(row, grid, "row")), grid)  # vs column's mix
    col_br, col_at = _steps(np.asarray(best_response(col, grid, "col")), grid)  # vs row's mix
    row_name, col_name = names
    (br_row,) = ax.plot(row_br, row_at, color=PALETTE["blue"], linestyle="-", linewidth=2.5,
                        label=f"{row_name}'s best response")
    (br_col,) = ax.plot(col_at, col_br, color=PALETTE["vermillion"], linestyle="--", linewidth=2.5,
                        label=f"{col_name}'s best response")
    corners = [(1.0 - i, 1.0 - j) for i, j in pure]
    (pure_art,) = ax.plot([c[0] for c in corners], [c[1] for c in corners], linestyle="none",
                          marker="s", markersize=11, color=PALETTE["black"],
                          markerfacecolor="white", markeredgewidth=2, zorder=6, clip_on=False,
                          label="pure equilibrium")
    mixed_xy = ([mixed.row], [mixed.col]) if mixed is not None else ([], [])
    (mixed_art,) = ax.plot(*mixed_xy, linestyle="none", marker="*", markersize=16,
                           color=PALETTE["black"], markerfacecolor=PALETTE["yellow"], zorder=7,
                           label="mixed equilibrium")
    _frame(ax, "Best responses cross at the equilibria",
           f"chance {row_name} plays {strategies[0]}",
           f"chance {col_name} plays {strategies[2]}",
           xlim=(-0.03, 1.03), ylim=(-0.03, 1.03), legend="right")
    return {"br_row": br_row, "br_col": br_col, "pure": pure_art, "mixed": mixed_art}


def _steps(reply: np.ndarray, mix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A best-response correspondence as a line: where the player is indifferent (reply 0.5)
    every reply is best, drawn as a straight segment from the reply just before to the one just
    after, at that very mix."""
    replies: list[float] = []
    at: list[float] = []
    for k, (r, m) in enumerate(zip(reply, mix, strict=True)):
        if r == 0.5:
            before = reply[k - 1] if k > 0 else 1.0 - reply[min(k + 1, len(reply) - 1)]
            after = reply[k + 1] if k + 1 < len(reply) else 1.0 - before
            replies += [float(before), float(after)]
            at += [float(m), float(m)]
        else:
            replies.append(float(r))
            at.append(float(m))
    return np.array(replies), np.array(at)


def _layout(root: Node) -> dict[str, tuple[float, float]]:
    """x, y of every node and leaf: leaves spread left to right, a node above its children."""
    where: dict[str, tuple[float, float]] = {}
    counter = [0]

    def place(node: Node | Leaf, depth: int) -> float:
        if isinstance(node, Leaf):
            x = float(counter[0])
            counter[0] += 1
        else:
            xs = [place(child, depth + 1) for child in node.moves.values()]
            x = float(np.mean(xs))
        where[node.name] = (x, -float(depth))
        return x

    place(root, 0)
    return where


def plot_game_tree(ax: Any, root: Node, solution: TreeSolution, solved: int,
                   players: Sequence[str]) -> dict:
    """The game tree with the first ``solved`` steps of backward induction marked.

    At a solved node the chosen move is a thick solid line and the rejected moves thin dotted
    ones, and the node is labelled with what it is worth; unsolved nodes keep plain thin
    lines. Leaves show their payoffs in ``players`` order.
    """
    ax.clear()
    where = _layout(root)
    done: dict[str, Step] = {s.node: s for s in solution.steps[:solved]}
    texts = []

    def draw(node: Node) -> None:
        x0, y0 = where[node.name]
        for move, child in node.moves.items():
            x1, y1 = where[child.name]
            step = done.get(node.name)
            if step is None:
                style: dict[str, Any] = {"color": "#555555", "linestyle": "-", "linewidth": 1.2}
            elif step.choice == move:
                style = {"color": PALETTE["green"], "linestyle": "-", "linewidth": 4}
            else:
                style = {"color": "#999999", "linestyle": ":", "linewidth": 1.2}
            ax.plot([x0, x1], [y0, y1], **style)
            texts.append(ax.text((x0 + x1) / 2, (y0 + y1) / 2, move, fontsize=NOTE_SIZE,
                                 ha="center", va="center",
                                 bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                                       "edgecolor": "none"}))
            if isinstance(child, Node):
                draw(child)
        who = players[node.player]
        label = f"{who}"
        if node.name in done:
            worth = ", ".join(f"{v:+.2f}" for v in done[node.name].payoffs)
            label += f"\nworth ({worth})"
        marker = "o" if node.player == 0 else "s"
        ax.plot([x0], [y0], marker=marker, markersize=12, linestyle="none",
                color=PALETTE["blue"] if node.player == 0 else PALETTE["vermillion"], zorder=5)
        texts.append(ax.text(x0 + 0.12, y0 + 0.12, label, fontsize=NOTE_SIZE, ha="left",
                             va="bottom"))

    draw(root)
    for name, (x, y) in where.items():
        leaf = _find_leaf(root, name)
        if leaf is not None:
            pays = ", ".join(f"{v:+.2f}" for v in leaf.payoffs)
            reached = solved >= len(solution.steps) and name == solution.outcome
            texts.append(ax.text(x, y - 0.15, f"{name}\n({pays})", fontsize=NOTE_SIZE,
                                 ha="center", va="top",
                                 fontweight="bold" if reached else "normal",
                                 bbox={"boxstyle": "round", "facecolor": "white",
                                       "edgecolor": PALETTE["green"] if reached else "#999999",
                                       "linewidth": 2.5 if reached else 1}))
    xs = [x for x, _ in where.values()]
    ys = [y for _, y in where.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.9)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    order = " (" + ", ".join(players) + ")"
    _label_axes(ax, "Backward induction: solve the last decisions first", "payoffs" + order, "")
    return {"texts": texts}


def _find_leaf(node: Node | Leaf, name: str) -> Leaf | None:
    if isinstance(node, Leaf):
        return node if node.name == name else None
    for child in node.moves.values():
        found = _find_leaf(child, name)
        if found is not None:
            return found
    return None


def plot_bayes(ax: Any, prior: float, p_signal_if_a: float, p_signal_if_b: float,
               posterior: float | None, names: tuple[str, str], signal: str) -> dict:
    """Bayes' rule as counts of 100 cases: the bar above splits them by type (the prior);
    the bar below keeps only the cases that send the signal (the posterior). Type A is
    hatched, type B plain."""
    ax.clear()
    a_sent = 100 * prior * p_signal_if_a
    b_sent = 100 * (1 - prior) * p_signal_if_b
    a_style = {"color": PALETTE["blue"], "hatch": "//", "edgecolor": "white"}
    b_style = {"color": PALETTE["orange"], "edgecolor": "white"}
    ax.barh([1], [100 * prior], label=f"{names[0]}", **a_style)
    ax.barh([1], [100 * (1 - prior)], left=[100 * prior], label=f"{names[1]}", **b_style)
    ax.barh([0], [a_sent], **a_style)
    ax.barh([0], [b_sent], left=[a_sent], **b_style)
    ax.text(1, 1, f"{100 * prior:.0f} {names[0]} | {100 * (1 - prior):.0f} {names[1]}",
            va="center", fontsize=NOTE_SIZE, color="black",
            bbox={"boxstyle": "round", "facecolor": "white"})
    after = (f"{a_sent:.0f} {names[0]} | {b_sent:.0f} {names[1]}"
             + (f": {names[0]} {posterior:.0%}" if posterior is not None else ": impossible"))
    ax.text(1, 0, after, va="center", fontsize=NOTE_SIZE, color="black",
            bbox={"boxstyle": "round", "facecolor": "white"})
    ax.set_yticks([0, 1], [f"cases that {signal}", "100 cases"])
    _frame(ax, "Bayes' rule: keep the cases that send the signal", "cases (of 100)", "",
           xlim=(0, 100), ylim=(-0.6, 1.6), legend="below")
    return {}


def plot_discounting(ax: Any, ax2: Any, delta: float, periods: int, shown: int = 60) -> dict:
    """A payment of 1 each period: bars of what each is worth today (δ^t, the first
    ``periods`` solid, the rest hatched) on ``ax``; on ``ax2`` (a twin of ``ax``) the running
    total (solid line with dots) and its limit ``1/(1 - δ)`` (dashed)."""
    ax.clear()
    ax2.clear()
    t = np.arange(shown)
    weights = delta ** t
    inside = t < periods
    ax.bar(t[inside], weights[inside], color=PALETTE["blue"], label="counted: δᵗ")
    ax.bar(t[~inside], weights[~inside], color="white", edgecolor=PALETTE["sky"], hatch="//",
           label="later payments")
    total = np.asarray(present_value(1.0, delta, t + 1))
    limit = float(present_value(1.0, delta))
    ax2.plot(t, total, color=PALETTE["black"], linestyle="-", marker=".", markersize=4,
             label="running total")
    ax2.axhline(limit, color=PALETTE["vermillion"], linestyle="--",
                label=f"forever: 1/(1 − δ) = {limit:.1f}")
    ax2.set_ylim(0, max(limit * 1.1, 1.0))
    ax2.yaxis.tick_right()
    ax2.yaxis.set_label_position("right")
    ax2.set_ylabel("value today of the stream", fontsize=NOTE_SIZE + 1)
    ax2.legend(loc="center right", fontsize=NOTE_SIZE)
    _frame(ax, "Discounting: a payment of 1 every period", "period t (0 = today)",
           "worth today, δᵗ", xlim=(-0.8, shown - 0.2), ylim=(0, 1.05), legend="below")
    return {}


def plot_outside_option(ax: Any, costs: Any, share_if_disagreement: Any, share_if_outside: Any,
                        cost_now: float, now_disagreement: float, now_outside: float) -> dict:
    """North Korea's share of a deal against the US's cost of war, two ways: war as the
    disagreement point (solid line, circle marks the current cost) and war as an outside option
    with the armed status quo as disagreement point (dashed line, square marks it)."""
    ax.clear()
    ax.plot(costs, share_if_disagreement, color=PALETTE["blue"], linestyle="-", linewidth=2.5,
            label="war as the disagreement point")
    ax.plot(costs, share_if_outside, color=PALETTE["vermillion"], linestyle="--", linewidth=2.5,
            label="war as an outside option\n(status quo as disagreement point)")
    ax.plot([cost_now], [now_disagreement], marker="o", markersize=10, linestyle="none",
            color=PALETTE["blue"], markeredgecolor="black", zorder=5)
    ax.plot([cost_now], [now_outside], marker="s", markersize=10, linestyle="none",
            color=PALETTE["vermillion"], markeredgecolor="black", zorder=5)
    ax.axvline(cost_now, color="#999999", linestyle=":", linewidth=1)
    _frame(ax, "North Korea's share of the deal", "US cost of war, c_US",
           "North Korea's share", xlim=(float(np.min(costs)), float(np.max(costs))),
           ylim=(0.0, 1.0), legend="right")
    return {}


def plot_horizon(ax: Any, periods: Any, first_share: Any, limit: float) -> dict:
    """The first proposer's share when bargaining must end after ``periods`` offers (dots on a
    solid line: odd deadlines above, even ones below) converging to Rubinstein's share
    ``limit`` (dashed)."""
    ax.clear()
    ax.plot(periods, first_share, color=PALETTE["blue"], linestyle="-", marker="o", markersize=4,
            label="deadline after n offers (backward induction)")
    ax.axhline(limit, color=PALETTE["vermillion"], linestyle="--", linewidth=2,
               label=f"no deadline (Rubinstein): {limit:.3f}")
    _frame(ax, "The first proposer's share as the deadline recedes", "offers before the deadline, n",
           "first proposer's share", xlim=(0.5, float(np.max(periods)) + 0.5), ylim=(0.0, 1.05),
           legend="below")
    return {}
