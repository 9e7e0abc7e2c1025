"""Drawing for the explorers added by issue 14: lesson 4's tools (best responses, game trees, Bayes' rule,
discounting), lesson 8's outside option and lesson 9's finite horizon.

The conventions of :mod:`course_utils.plots`: each function takes model results (or the model's
inputs, which it passes to a function of :mod:`course_utils.models.games`) and an ``Axes``,
draws, and returns what it drew; no model formula is computed here. Colours come from the
Okabe-Ito :data:`~course_utils.plots.PALETTE`, and every meaning is also carried by line
style, marker, hatch or a text label. Each function draws its axes on the first call and, given
what it returned (``artists``), updates only what moves afterwards, as the explorers'
:class:`~course_utils.explorers._fast.FastExplorer` needs (issue 19).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from .models.games import Leaf, MixedProfile, Node, Step, TreeSolution, best_response, present_value
from .plots import NOTE_SIZE, PALETTE, Artists, _frame, _label_axes, _nice_ceiling, _text, count_ticks

__all__ = ["plot_outside_option", "plot_horizon", "plot_best_responses", "plot_game_tree", "plot_bayes",
           "plot_discounting"]


def plot_best_responses(ax: Any, row: Sequence[Sequence[float]] | None,
                        col: Sequence[Sequence[float]] | None,
                        pure: Sequence[tuple[int, int]], mixed: MixedProfile | None,
                        names: tuple[str, str], strategies: tuple[str, str, str, str],
                        artists: Artists | None = None, message: str = "") -> Artists:
    """Each player's best response to the other's mix, and the equilibria where they cross.

    Across: the row player's chance of its first strategy (``strategies[0]``); up: the column
    player's chance of its first (``strategies[2]``). ``pure`` and ``mixed`` are the results of
    :func:`~course_utils.models.games.pure_equilibria` and
    :func:`~course_utils.models.games.mixed_equilibrium`. With ``row`` ``None`` (no game to
    solve) the lines are empty and ``message`` is shown in a box instead. ``artists`` (what the
    previous call returned) are updated in place.
    """
    row_name, col_name = names
    if artists is None:
        a: Artists = {}
        (a["br_row"],) = ax.plot([], [], color=PALETTE["blue"], linestyle="-", linewidth=2.5,
                                 label=f"{row_name}'s best response")
        (a["br_col"],) = ax.plot([], [], color=PALETTE["vermillion"], linestyle="--",
                                 linewidth=2.5, label=f"{col_name}'s best response")
        (a["pure"],) = ax.plot([], [], linestyle="none", marker="s", markersize=11,
                               color=PALETTE["black"], markerfacecolor="white",
                               markeredgewidth=2, zorder=6, clip_on=False,
                               label="pure equilibrium")
        (a["mixed"],) = ax.plot([], [], linestyle="none", marker="*", markersize=16,
                                color=PALETTE["black"], markerfacecolor=PALETTE["yellow"], zorder=7,
                                label="mixed equilibrium")
        a["message"] = _text(ax, 0.5, 0.5, "", ha="center", va="center", transform=ax.transAxes,
                               zorder=8, bbox={"boxstyle": "round", "facecolor": "white",
                                               "edgecolor": "#999999"})
        _frame(ax, "Best responses cross at the equilibria",
               f"chance {row_name} plays {strategies[0]}",
               f"chance {col_name} plays {strategies[2]}",
               xlim=(-0.03, 1.03), ylim=(-0.03, 1.03), legend="right")
        artists = a
    if row is None or col is None:
        for key in ("br_row", "br_col", "pure", "mixed"):
            artists[key].set_data([], [])
        artists["message"].set_text(message)
        artists["message"].set_visible(True)
        return artists
    grid = np.linspace(0.0, 1.0, 401)
    if mixed is not None:  # put the indifference points on the grid so the jumps are drawn
        grid = np.unique(np.r_[grid, mixed.row, mixed.col])
    row_br, row_at = _steps(np.asarray(best_response(row, grid, "row")), grid)  # vs column's mix
    col_br, col_at = _steps(np.asarray(best_response(col, grid, "col")), grid)  # vs row's mix
    corners = [(1.0 - i, 1.0 - j) for i, j in pure]
    artists["br_row"].set_data(row_br, row_at)
    artists["br_col"].set_data(col_at, col_br)
    artists["pure"].set_data([c[0] for c in corners], [c[1] for c in corners])
    artists["mixed"].set_data(*(([mixed.row], [mixed.col]) if mixed is not None else ([], [])))
    artists["message"].set_visible(False)
    return artists


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
                   players: Sequence[str], artists: Artists | None = None) -> Artists:
    """The game tree with the first ``solved`` steps of backward induction marked.

    At a solved node the chosen move is a thick solid line and the rejected moves thin dotted
    ones, and the node is labelled with what it is worth; unsolved nodes keep plain thin
    lines. Leaves show their payoffs in ``players`` order. ``artists`` (what the previous call
    returned for a tree of the same shape) are restyled and relabelled in place.
    """
    where = _layout(root)
    done: dict[str, Step] = {s.node: s for s in solution.steps[:solved]}
    nodes: list[Node] = []

    def walk(node: Node) -> None:
        nodes.append(node)
        for child in node.moves.values():
            if isinstance(child, Node):
                walk(child)

    walk(root)
    leaves = [(name, leaf) for name in where if (leaf := _find_leaf(root, name)) is not None]
    if artists is None:
        a: Artists = {"edges": {}, "moves": [], "nodes": [], "node_labels": {}, "leaves": {}}
        for node in nodes:
            x0, y0 = where[node.name]
            for move, child in node.moves.items():
                x1, y1 = where[child.name]
                (a["edges"][node.name, move],) = ax.plot([x0, x1], [y0, y1])
                a["moves"].append(_text(ax, (x0 + x1) / 2, (y0 + y1) / 2, move, fontsize=NOTE_SIZE,
                                          ha="center", va="center", zorder=4,
                                          bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                                                "edgecolor": "none"}))
            (marker,) = ax.plot([x0], [y0], marker="o" if node.player == 0 else "s",
                                markersize=12, linestyle="none", zorder=5,
                                color=PALETTE["blue"] if node.player == 0 else PALETTE["vermillion"])
            a["nodes"].append(marker)
            a["node_labels"][node.name] = _text(ax, x0 + 0.12, y0 + 0.12, "", fontsize=NOTE_SIZE,
                                                  ha="left", va="bottom", zorder=5)
        for name, _leaf in leaves:
            x, y = where[name]
            a["leaves"][name] = _text(ax, x, y - 0.15, "", fontsize=NOTE_SIZE, ha="center", va="top",
                                        zorder=5, bbox={"boxstyle": "round", "facecolor": "white"})
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
        artists = a
    for node in nodes:
        step = done.get(node.name)
        for move in node.moves:
            if step is None:
                style: dict[str, Any] = {"color": "#555555", "linestyle": "-", "linewidth": 1.2}
            elif step.choice == move:
                style = {"color": PALETTE["green"], "linestyle": "-", "linewidth": 4}
            else:
                style = {"color": "#999999", "linestyle": ":", "linewidth": 1.2}
            artists["edges"][node.name, move].set(**style)
        label = f"{players[node.player]}"
        if step is not None:
            label += "\nworth (" + ", ".join(f"{v:+.2f}" for v in step.payoffs) + ")"
        artists["node_labels"][node.name].set_text(label)
    for name, leaf in leaves:
        pays = ", ".join(f"{v:+.2f}" for v in leaf.payoffs)
        reached = solved >= len(solution.steps) and name == solution.outcome
        text = artists["leaves"][name]
        text.set_text(f"{name}\n({pays})")
        text.set_fontweight("bold" if reached else "normal")
        box = text.get_bbox_patch()
        box.set_edgecolor(PALETTE["green"] if reached else "#999999")
        box.set_linewidth(2.5 if reached else 1)
    return artists


def _find_leaf(node: Node | Leaf, name: str) -> Leaf | None:
    if isinstance(node, Leaf):
        return node if node.name == name else None
    for child in node.moves.values():
        found = _find_leaf(child, name)
        if found is not None:
            return found
    return None


def plot_bayes(ax: Any, prior: float, p_signal_if_a: float, p_signal_if_b: float,
               posterior: float | None, names: tuple[str, str], signal: str,
               artists: Artists | None = None) -> Artists:
    """Bayes' rule as counts of 100 cases: the bar above splits them by type (the prior);
    the bar below keeps only the cases that send the signal (the posterior). Type A is
    hatched, type B plain. ``artists`` (what the previous call returned) are updated in place."""
    a_sent = 100 * prior * p_signal_if_a
    b_sent = 100 * (1 - prior) * p_signal_if_b
    if artists is None:
        a_style = {"color": PALETTE["blue"], "hatch": "//", "edgecolor": "white"}
        b_style = {"color": PALETTE["orange"], "edgecolor": "white"}
        box = {"boxstyle": "round", "facecolor": "white"}
        a: Artists = {
            "before_a": ax.barh([1], [0], label=f"{names[0]}", **a_style)[0],
            "before_b": ax.barh([1], [0], label=f"{names[1]}", **b_style)[0],
            "after_a": ax.barh([0], [0], **a_style)[0],
            "after_b": ax.barh([0], [0], **b_style)[0],
            "before_text": _text(ax, 1, 1, "", va="center", fontsize=NOTE_SIZE, color="black",
                                   bbox=box, zorder=4),
            "after_text": _text(ax, 1, 0, "", va="center", fontsize=NOTE_SIZE, color="black",
                                  bbox=box, zorder=4),
        }
        a["spines"] = list(ax.spines.values())  # drawn over the bars, as in a full draw
        ax.set_yticks([0, 1], [f"cases that {signal}", "100 cases"])
        _frame(ax, "Bayes' rule: keep the cases that send the signal", "cases (of 100)", "",
               xlim=(0, 100), ylim=(-0.6, 1.6), legend="below")
        artists = a
    artists["before_a"].set_width(100 * prior)
    artists["before_b"].set_x(100 * prior)
    artists["before_b"].set_width(100 * (1 - prior))
    artists["after_a"].set_width(a_sent)
    artists["after_b"].set_x(a_sent)
    artists["after_b"].set_width(b_sent)
    artists["before_text"].set_text(f"{100 * prior:.0f} {names[0]} | {100 * (1 - prior):.0f} {names[1]}")
    artists["after_text"].set_text(
        f"{a_sent:.0f} {names[0]} | {b_sent:.0f} {names[1]}"
        + (f": {names[0]} {posterior:.0%}" if posterior is not None else ": impossible"))
    return artists


def plot_discounting(ax: Any, ax2: Any, delta: float, periods: int, shown: int = 60,
                     artists: Artists | None = None) -> Artists:
    """A payment of 1 each period: bars of what each is worth today (δ^t, the first
    ``periods`` solid, the rest hatched) on ``ax``; on ``ax2`` (a twin of ``ax``) the running
    total (solid line with dots) and its limit ``1/(1 - δ)`` (dashed, its value written at its
    right end). The right axis ends at a round number above the limit, so it moves in steps;
    its ticks are :func:`~course_utils.plots.count_ticks` texts, among the artists returned.
    ``artists`` (what the previous call returned) are updated in place."""
    t = np.arange(shown)
    weights = delta ** t
    total = np.asarray(present_value(1.0, delta, t + 1))
    limit = float(present_value(1.0, delta))
    top = _nice_ceiling(max(limit * 1.1, 1.0))
    if artists is None:
        a: Artists = {}
        # each style of bar is one path of rectangles (filled and hatched once, however many)
        a["counted"] = PathPatch(_rectangles([]), facecolor=PALETTE["blue"], edgecolor="none",
                                 label="counted: δᵗ")
        a["later"] = PathPatch(_rectangles([]), facecolor="white", edgecolor=PALETTE["sky"],
                               hatch="//", label="later payments")
        ax.add_patch(a["counted"])
        ax.add_patch(a["later"])
        (a["total"],) = ax2.plot(t, total, color=PALETTE["black"], linestyle="-", marker=".",
                                 markersize=4, label="running total")
        (a["limit"],) = ax2.plot([-0.8, shown - 0.2], [limit, limit], color=PALETTE["vermillion"],
                                 linestyle="--", label="forever: 1/(1 − δ)")
        a["limit_label"] = _text(ax2, shown - 1.5, limit, "", ha="right", va="bottom",
                                    fontsize=NOTE_SIZE, color="black")
        ax2.set_ylim(0, top)
        a["yticks"] = count_ticks(ax2, top, ylabel="value today of the stream", side="right")
        a["legend"] = ax2.legend(loc="center right", fontsize=NOTE_SIZE,  # over the lines,
                                 framealpha=1.0)  # opaque: its inside can be kept
        _frame(ax, "Discounting: a payment of 1 every period", "period t (0 = today)",
               "worth today, δᵗ", xlim=(-0.8, shown - 0.2), ylim=(0, 1.05), legend="below")
        artists = a
    bars = [(float(k), float(w)) for k, w in zip(t, weights, strict=True)]
    artists["counted"].set_path(_rectangles(bars[:periods]))
    artists["later"].set_path(_rectangles(bars[periods:]))
    artists["total"].set_ydata(total)
    artists["limit"].set_ydata([limit, limit])
    artists["limit_label"].set_y(limit)
    artists["limit_label"].set_text(f"1/(1 − δ) = {limit:.1f}")
    if ax2.get_ylim()[1] != top:
        ax2.set_ylim(0, top)
        count_ticks(ax2, top, artists["yticks"])
    return artists


def _rectangles(bars: Sequence[tuple[float, float]], width: float = 0.8) -> Path:
    """One path made of a bar of ``width`` centred at each ``(x, height)``."""
    if not bars:
        return Path(np.zeros((1, 2)), [Path.MOVETO])
    x, h = np.asarray(bars, dtype=float).T
    corners = np.stack([np.c_[x - width / 2, 0 * h], np.c_[x - width / 2, h],
                        np.c_[x + width / 2, h], np.c_[x + width / 2, 0 * h],
                        np.c_[x - width / 2, 0 * h]], axis=1).reshape(-1, 2)
    codes = np.tile([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY], len(x))
    return Path(corners, codes)


def plot_outside_option(ax: Any, costs: Any, share_if_disagreement: Any, share_if_outside: Any,
                        cost_now: float, now_disagreement: float, now_outside: float,
                        artists: Artists | None = None) -> Artists:
    """North Korea's share of a deal against the US's cost of war, two ways: war as the
    disagreement point (solid line, circle marks the current cost) and war as an outside option
    with the armed status quo as disagreement point (dashed line, square marks it).
    ``artists`` (what the previous call returned) are updated in place."""
    if artists is None:
        a: Artists = {}
        (a["disagreement"],) = ax.plot(costs, share_if_disagreement, color=PALETTE["blue"],
                                       linestyle="-", linewidth=2.5,
                                       label="war as the disagreement point")
        (a["outside"],) = ax.plot(costs, share_if_outside, color=PALETTE["vermillion"],
                                  linestyle="--", linewidth=2.5,
                                  label="war as an outside option\n(status quo as disagreement point)")
        (a["now_disagreement"],) = ax.plot([cost_now], [now_disagreement], marker="o",
                                           markersize=10, linestyle="none", color=PALETTE["blue"],
                                           markeredgecolor="black", zorder=5)
        (a["now_outside"],) = ax.plot([cost_now], [now_outside], marker="s", markersize=10,
                                      linestyle="none", color=PALETTE["vermillion"],
                                      markeredgecolor="black", zorder=5)
        (a["cost"],) = ax.plot([cost_now, cost_now], [0, 1], color="#999999", linestyle=":",
                               linewidth=1, transform=ax.get_xaxis_transform())
        _frame(ax, "North Korea's share of the deal", "US cost of war, c_US",
               "North Korea's share", xlim=(float(np.min(costs)), float(np.max(costs))),
               ylim=(0.0, 1.0), legend="right")
        return a
    artists["disagreement"].set_data(costs, share_if_disagreement)
    artists["outside"].set_data(costs, share_if_outside)
    artists["now_disagreement"].set_data([cost_now], [now_disagreement])
    artists["now_outside"].set_data([cost_now], [now_outside])
    artists["cost"].set_xdata([cost_now, cost_now])
    return artists


def plot_horizon(ax: Any, periods: Any, first_share: Any, limit: float,
                 artists: Artists | None = None) -> Artists:
    """The first proposer's share when bargaining must end after ``periods`` offers (dots on a
    solid line: odd deadlines above, even ones below) converging to Rubinstein's share
    ``limit`` (dashed, its value written at its right end). The horizontal axis ends at 10
    offers, or the first doubling of 10 that holds every deadline (20, 40, 80, ...): few steps,
    each a background drawn once; beyond 10 offers the dots fill more than half of the width.
    ``artists`` (what the previous call returned) are updated in place."""
    longest = float(np.max(periods))
    right = 10.0 * 2.0 ** max(0, int(np.ceil(np.log2(longest / 10.0 - 1e-9)))) + 0.5
    if artists is None:
        a: Artists = {}
        (a["shares"],) = ax.plot(periods, first_share, color=PALETTE["blue"], linestyle="-",
                                 marker="o", markersize=4,
                                 label="deadline after n offers (backward induction)")
        (a["limit"],) = ax.plot([0, 1], [limit, limit], color=PALETTE["vermillion"],
                                linestyle="--", linewidth=2, transform=ax.get_yaxis_transform(),
                                label="no deadline (Rubinstein)")
        a["limit_label"] = _text(ax, 0.99, limit, "", ha="right", va="bottom", fontsize=NOTE_SIZE,
                                   color="black", transform=ax.get_yaxis_transform())
        _frame(ax, "The first proposer's share as the deadline recedes",
               "offers before the deadline, n", "first proposer's share", xlim=(0.5, right),
               ylim=(0.0, 1.05), legend="below")
        artists = a
    artists["shares"].set_data(periods, first_share)
    artists["limit"].set_ydata([limit, limit])
    artists["limit_label"].set_y(limit)
    artists["limit_label"].set_text(f"Rubinstein: {limit:.3f}")
    ax.set_xlim(0.5, right)
    return artists
