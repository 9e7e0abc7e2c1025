"""Matplotlib drawing for the course: functions that take model results and an ``Axes``.

Conventions (DESIGN.md): plots never compute a model formula themselves (they call
``course_utils.models`` or receive results); they draw on the ``Axes`` they are given and return
the artists they made, so an explorer can update data instead of rebuilding the figure. Colours
come from :data:`PALETTE` (Okabe-Ito, safe for the common forms of colour blindness), and every
meaning is carried by a second channel too: line style, marker, hatch or a direct text label.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import numpy as np
from matplotlib.figure import Figure

#: Okabe & Ito (2008), "Color Universal Design": distinguishable under deuteranopia,
#: protanopia and tritanopia.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

#: Roles used across the course, each with a colour *and* a line style / hatch.
US_STYLE = {"color": PALETTE["blue"], "linestyle": "-", "marker": "o"}
NK_STYLE = {"color": PALETTE["vermillion"], "linestyle": "--", "marker": "s"}
DEAL_STYLE = {"facecolor": PALETTE["green"], "alpha": 0.25, "hatch": "//", "edgecolor": PALETTE["green"]}
WAR_STYLE = {"color": PALETTE["black"], "linestyle": ":"}
MISSILE_CLASS_STYLE = {
    "SRBM": {"color": PALETTE["sky"], "hatch": ""},
    "MRBM": {"color": PALETTE["green"], "hatch": ".."},
    "IRBM": {"color": PALETTE["orange"], "hatch": "//"},
    "ICBM": {"color": PALETTE["vermillion"], "hatch": "xx"},
    "SLBM": {"color": PALETTE["blue"], "hatch": "\\\\"},
    "SLV": {"color": PALETTE["purple"], "hatch": "--"},
    "HGV": {"color": PALETTE["yellow"], "hatch": "oo"},
    "Unknown": {"color": "#999999", "hatch": "++"},
}


def new_figure(width: float = 6.4, height: float = 3.6, dpi: int = 80) -> Figure:
    """A figure outside pyplot's registry: nothing to close, never auto-displayed twice.

    Explorers and lessons draw on these; a notebook shows one with ``display(fig)``.
    """
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    return fig


# =========================================================================== data and bargaining
# (lessons 0-4: crisis data, bargaining range, issue linkage, risk-return)


# =========================================================================== deterrence, commitment, signals
# (lessons 5-8: commitment, deterrence, chicken, brinkmanship, Nash, Rubinstein, signals)


#: Artists a plot function made, by role; passed back in to update them in place.
Artists = Dict[str, Any]

#: Regions of the deterrence plots: a colour, a hatch and a label each.
SAFE_STYLE = {"facecolor": PALETTE["green"], "alpha": 0.18, "hatch": "//",
              "edgecolor": PALETTE["green"], "linewidth": 0}
DANGER_STYLE = {"facecolor": PALETTE["vermillion"], "alpha": 0.15, "hatch": "xx",
                "edgecolor": PALETTE["vermillion"], "linewidth": 0}
NEUTRAL_STYLE = {"facecolor": "#999999", "alpha": 0.15, "hatch": "..",
                 "edgecolor": "#777777", "linewidth": 0}
CURRENT_STYLE = {"color": PALETTE["black"], "marker": "o", "markersize": 9, "linestyle": "none",
                 "markerfacecolor": PALETTE["yellow"], "markeredgewidth": 1.5, "zorder": 5}


def _band_xy(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Vertices of the polygon between two curves (a fill that can be updated in place)."""
    x = np.asarray(x, dtype=float)
    low = np.broadcast_to(np.asarray(low, dtype=float), x.shape)
    high = np.broadcast_to(np.asarray(high, dtype=float), x.shape)
    return np.column_stack([np.r_[x, x[::-1]], np.r_[low, high[::-1]]])


def _band(ax, artists: Optional[Artists], key: str, x, low, high, style: dict, label: str = ""):
    """Create or update the fill polygon ``artists[key]`` between ``low`` and ``high``."""
    from matplotlib.patches import Polygon

    xy = _band_xy(x, low, high)
    if artists is None or key not in artists:
        patch = Polygon(xy, closed=True, label=label or None, **style)
        ax.add_patch(patch)
        return patch
    artists[key].set_xy(xy)
    return artists[key]


def _vspan_xy(x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def _keep_layout(ax) -> None:
    """Freeze the layout an explorer's figure got on its first render.

    Updates then move data only, so the constrained-layout pass (a second full draw per PNG)
    is skipped and a redraw costs about half as much.
    """
    fig = ax.get_figure(root=True) if hasattr(ax, "get_figure") else ax.figure
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")


def plot_shifting_power(ax, delta: float, p_now: float, p_later: float, cost_a: float,
                        artists: Optional[Artists] = None) -> Artists:
    """Powell's commitment gap against A's power after the shift, with the current case marked.

    The curve is :func:`course_utils.models.commitment_gap` over ``p_later`` in [0, 1]; above
    zero (hatched) the declining side prefers to fight now (preventive war).
    """
    from .models import commitment_gap

    grid = np.linspace(0.0, 1.0, 201)
    gap = np.asarray(commitment_gap(delta, p_now, grid, cost_a))
    here = commitment_gap(delta, p_now, p_later, cost_a)
    lo, hi = -1.0, 1.0
    if artists is None:
        a: Artists = {}
        a["war"] = _band(ax, None, "war", [0, 1], 0, hi, DANGER_STYLE,
                         "gap > 0: fight now (preventive war)")
        a["deal"] = _band(ax, None, "deal", [0, 1], lo, 0, SAFE_STYLE,
                          "gap < 0: a deal survives the shift")
        ax.axhline(0, **WAR_STYLE, linewidth=1)
        (a["curve"],) = ax.plot(grid, gap, color=PALETTE["blue"], linestyle="-", linewidth=2,
                                label="commitment gap")
        a["now"] = ax.axvline(p_now, color=PALETTE["black"], linestyle="--", linewidth=1)
        a["now_label"] = ax.text(p_now, hi * 0.93, " no shift (p₂ = p₁)", fontsize=8, va="top")
        (a["point"],) = ax.plot([p_later], [here], label="this case", **CURRENT_STYLE)
        ax.set_xlim(0, 1)
        ax.set_ylim(lo, hi)
        ax.set_xlabel("A's chance of winning after the shift, p₂")
        ax.set_ylabel("gain from fighting now − best credible offer")
        ax.set_title("Shifting power: can the rising side promise enough?")
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
        return a
    _keep_layout(ax)
    artists["curve"].set_ydata(gap)
    artists["now"].set_xdata([p_now, p_now])
    artists["now_label"].set_x(p_now)
    artists["point"].set_data([p_later], [here])
    return artists


def plot_disarmament(ax, delta: float, fallback_armed: float, fallback_disarmed: float,
                     upkeep: float, max_upfront: float, upkeep_max: float = 1.0,
                     artists: Optional[Artists] = None) -> Artists:
    """The price of disarmament ``b*`` against sanctions and upkeep ``k``, beside what can be
    paid up front; where the curve is under the line, a deal exists."""
    from .models import disarmament_price

    grid = np.linspace(0.0, upkeep_max, 201)
    price = np.asarray(disarmament_price(delta, fallback_armed, fallback_disarmed, grid))
    here = disarmament_price(delta, fallback_armed, fallback_disarmed, upkeep)
    top = max(float(price.max()), max_upfront, 0.5) * 1.12
    if artists is None:
        a: Artists = {}
        a["affordable"] = _band(ax, None, "affordable", [0, upkeep_max], 0, max_upfront,
                                SAFE_STYLE, "price ≤ what can be paid up front: deal")
        (a["cap"],) = ax.plot([0, upkeep_max], [max_upfront] * 2, color=PALETTE["green"],
                              linestyle="--", linewidth=1.5, label="most that can be paid up front")
        (a["curve"],) = ax.plot(grid, price, color=PALETTE["vermillion"], linestyle="-",
                                linewidth=2, label="price of disarming, b*")
        (a["point"],) = ax.plot([upkeep], [here], label="this case", **CURRENT_STYLE)
        ax.set_xlim(0, upkeep_max)
        ax.set_ylim(0, top)
        ax.set_xlabel("upkeep and sanctions per period, k (\"maximum pressure\")")
        ax.set_ylabel("up-front payment needed, b*")
        ax.set_title("The disarmament trap: what would Kim need up front?")
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
        return a
    _keep_layout(ax)
    artists["affordable"].set_xy(_band_xy(np.array([0.0, upkeep_max]), 0, max_upfront))
    artists["cap"].set_ydata([max_upfront] * 2)
    artists["curve"].set_ydata(price)
    artists["point"].set_data([upkeep], [here])
    ax.set_ylim(0, top)
    return artists


def plot_deterrence(ax, benefit: float, cost: float, n_weapons: int, p_each: float,
                    n_max: int = 20, artists: Optional[Artists] = None) -> Artists:
    """Probability of retaliation against the number of surviving weapons, with the deterrence
    threshold ``B / (B + C)``: points above the line deter."""
    from .models import deterrence_threshold, retaliation_probability

    n = np.arange(0, n_max + 1)
    pi = np.asarray(retaliation_probability(n, p_each))
    threshold = deterrence_threshold(benefit, cost)
    here = retaliation_probability(n_weapons, p_each)
    if artists is None:
        a: Artists = {}
        a["deterred"] = _band(ax, None, "deterred", [0, n_max], threshold, 1.05, SAFE_STYLE,
                              "deterred: π ≥ B/(B+C)")
        a["threshold"] = ax.axhline(threshold, color=PALETTE["green"], linestyle="--",
                                    linewidth=1.5, label="threshold B/(B+C)")
        (a["curve"],) = ax.plot(n, pi, color=PALETTE["blue"], linestyle="-", marker="s",
                                markersize=4, label="retaliation probability 1 − (1 − a)ⁿ")
        (a["point"],) = ax.plot([n_weapons], [here], label="this arsenal", **CURRENT_STYLE)
        ax.set_xlim(0, n_max)
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("weapons that survive a first strike, n")
        ax.set_ylabel("probability of retaliation, π")
        ax.set_title("Deterrence: does a second strike deter an attack?")
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
        return a
    _keep_layout(ax)
    artists["deterred"].set_xy(_band_xy(np.array([0.0, n_max]), threshold, 1.05))
    artists["threshold"].set_ydata([threshold, threshold])
    artists["curve"].set_ydata(pi)
    artists["point"].set_data([n_weapons], [here])
    return artists


def plot_chicken(ax, equilibrium, pure: Sequence[tuple[str, str]], names: tuple[str, str] = ("US", "North Korea"),
                 artists: Optional[Artists] = None) -> Artists:
    """Best responses in chicken and the equilibria where they cross.

    ``equilibrium`` is a :class:`course_utils.models.AsymmetricEquilibrium` (row player A on
    the vertical axis, B on the horizontal axis); ``pure`` the pure equilibria as returned by
    :func:`course_utils.models.chicken_pure_equilibria`. A dares whenever B dares less often than
    ``equilibrium.p_dare_b`` (the probability that leaves A indifferent), and vice versa.
    """
    pa, pb = equilibrium.p_dare_a, equilibrium.p_dare_b
    a_name, b_name = names
    br_a = ([0, pb, pb, 1], [1, 1, 0, 0])  # A's best response to B's dare probability x
    br_b = ([1, 1, 0, 0], [0, pa, pa, 1])  # B's best response to A's dare probability y
    coords = {("dare", "swerve"): (0.0, 1.0), ("swerve", "dare"): (1.0, 0.0)}
    pure_xy = [coords[e] for e in pure if e in coords]
    if artists is None:
        a: Artists = {}
        (a["br_a"],) = ax.plot(*br_a, color=PALETTE["blue"], linestyle="-", linewidth=2.5,
                               label=f"{a_name}'s best response")
        (a["br_b"],) = ax.plot(*br_b, color=PALETTE["vermillion"], linestyle="--", linewidth=2.5,
                               label=f"{b_name}'s best response")
        (a["pure"],) = ax.plot([p[0] for p in pure_xy], [p[1] for p in pure_xy], linestyle="none",
                               marker="s", markersize=11, color=PALETTE["black"],
                               markerfacecolor="white", markeredgewidth=2,
                               label="pure equilibria (one dares)", zorder=6, clip_on=False)
        (a["mixed"],) = ax.plot([pb], [pa], linestyle="none", marker="*", markersize=16,
                                color=PALETTE["black"], markerfacecolor=PALETTE["yellow"],
                                label="mixed equilibrium", zorder=7)
        a["mixed_label"] = ax.annotate("", (pb, pa), xytext=(12, 8), textcoords="offset points",
                                       fontsize=8)
        ax.annotate(f"{a_name} dares,\n{b_name} swerves", (0.0, 1.0), xytext=(0.3, 0.8),
                    fontsize=8, arrowprops={"arrowstyle": "->", "color": "#555555"},
                    bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#999999"})
        ax.annotate(f"{b_name} dares,\n{a_name} swerves", (1.0, 0.0), xytext=(0.6, 0.3),
                    fontsize=8, arrowprops={"arrowstyle": "->", "color": "#555555"},
                    bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#999999"})
        ax.set_xlim(-0.03, 1.03)
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel(f"probability that {b_name} dares")
        ax.set_ylabel(f"probability that {a_name} dares")
        ax.set_title("Chicken: three equilibria where best responses cross")
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
        artists = a
    else:
        _keep_layout(ax)
        artists["br_a"].set_data(*br_a)
        artists["br_b"].set_data(*br_b)
        artists["pure"].set_data([p[0] for p in pure_xy], [p[1] for p in pure_xy])
        artists["mixed"].set_data([pb], [pa])
        artists["mixed_label"].xy = (pb, pa)
    artists["mixed_label"].set_text(f"crash risk {equilibrium.p_crash:.1%}")
    return artists


def plot_brinkmanship(ax_window, ax_risk, gain: float, war_cost_challenger: float,
                      loss_defender: float, war_cost_defender: float, p_hardliner: float,
                      q: float, n_crises: int, n_max: int = 30,
                      artists: Optional[Artists] = None) -> Artists:
    """Left: the brinkmanship window (risks that deter yet are bearable) against the chance of
    facing a hard-liner. Right: the cumulative risk of war over repeated crises at risk ``q``."""
    from .models import brinkmanship_window, cumulative_risk

    h = np.linspace(0.0, 1.0, 201)
    win = brinkmanship_window(gain, war_cost_challenger, loss_defender, war_cost_defender, h)
    q_min = np.broadcast_to(np.asarray(win.q_min, dtype=float), h.shape)
    q_max = np.asarray(win.q_max, dtype=float)
    top = np.maximum(q_max, q_min)
    n = np.arange(0, n_max + 1)
    risk = np.asarray(cumulative_risk(q, n))
    here = cumulative_risk(q, n_crises)
    if artists is None:
        a: Artists = {}
        a["too_low"] = _band(ax_window, None, "too_low", h, 0, q_min, NEUTRAL_STYLE,
                             "too little risk: does not deter")
        a["window"] = _band(ax_window, None, "window", h, q_min, top, SAFE_STYLE,
                            "window: deters and is bearable")
        a["too_high"] = _band(ax_window, None, "too_high", h, top, 1, DANGER_STYLE,
                              "too much risk to bear")
        (a["q_min"],) = ax_window.plot(h, q_min, color=PALETTE["green"], linestyle="--",
                                       linewidth=1.5)
        (a["q_max"],) = ax_window.plot(h, q_max, color=PALETTE["vermillion"], linestyle="-",
                                       linewidth=1.5)
        (a["point"],) = ax_window.plot([p_hardliner], [q], label="this threat", **CURRENT_STYLE)
        ax_window.set_xlim(0, 1)
        ax_window.set_ylim(0, 1)
        ax_window.set_xlabel("chance the other side is a hard-liner, h")
        ax_window.set_ylabel("risk of war the threat creates, q")
        ax_window.set_title("The brinkmanship window")
        ax_window.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8)
        (a["risk"],) = ax_risk.plot(n, risk, color=PALETTE["blue"], linestyle="-", marker=".",
                                    label="1 − (1 − q)ⁿ")
        (a["risk_point"],) = ax_risk.plot([n_crises], [here], **CURRENT_STYLE)
        ax_risk.set_xlim(0, n_max)
        ax_risk.set_ylim(0, 1.02)
        ax_risk.set_xlabel("crises at this risk, n")
        ax_risk.set_ylabel("chance of at least one war")
        a["risk_label"] = ax_risk.set_title("")
        ax_risk.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=8)
        artists = a
    else:
        _keep_layout(ax_window)
        artists["too_low"].set_xy(_band_xy(h, 0, q_min))
        artists["window"].set_xy(_band_xy(h, q_min, top))
        artists["too_high"].set_xy(_band_xy(h, top, 1))
        artists["q_min"].set_ydata(q_min)
        artists["q_max"].set_ydata(q_max)
        artists["point"].set_data([p_hardliner], [q])
        artists["risk"].set_ydata(risk)
        artists["risk_point"].set_data([n_crises], [here])
    artists["risk_label"].set_text(f"Risk of war: {here:.0%} after {n_crises} crises")
    return artists


def plot_nash(ax, d_a: float, d_b: float, split, total: float = 1.0,
              names: tuple[str, str] = ("North Korea", "US"),
              artists: Optional[Artists] = None) -> Artists:
    """Utility space: the frontier ``u_a + u_b = total``, the disagreement point (war payoffs),
    the deals both prefer to it (hatched) and the Nash bargaining solution ``split``."""
    a_name, b_name = names
    tri = np.array([[d_a, d_b], [d_a, total - d_a], [total - d_b, d_b]])
    lo, hi = -0.6, total + 0.1
    if artists is None:
        from matplotlib.patches import Polygon

        a: Artists = {}
        ax.plot([lo, hi], [total - lo, total - hi], color=PALETTE["black"], linestyle="-",
                linewidth=1.5, label="all deals (frontier)")
        a["gains"] = Polygon(tri, closed=True, label="deals both prefer to war", **DEAL_STYLE)
        ax.add_patch(a["gains"])
        (a["guides"],) = ax.plot([d_a, d_a, np.nan, d_a, total - d_b], [d_b, total - d_a, np.nan, d_b, d_b],
                                 **WAR_STYLE, linewidth=1)
        (a["d"],) = ax.plot([d_a], [d_b], linestyle="none", marker="X", markersize=11,
                            color=PALETTE["vermillion"], label="disagreement point (war)", zorder=6)
        (a["deal"],) = ax.plot([split.a], [split.b], label="Nash bargaining solution",
                               **CURRENT_STYLE)
        a["d_label"] = ax.annotate("", (d_a, d_b), xytext=(6, -12), textcoords="offset points",
                                   fontsize=8)
        a["deal_label"] = ax.annotate("", (split.a, split.b), xytext=(8, 4),
                                      textcoords="offset points", fontsize=8)
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(f"{a_name}'s payoff")
        ax.set_ylabel(f"{b_name}'s payoff")
        ax.set_title("Nash bargaining: war sets the disagreement point")
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
        artists = a
    else:
        _keep_layout(ax)
        artists["gains"].set_xy(tri)
        artists["guides"].set_data([d_a, d_a, np.nan, d_a, total - d_b],
                                   [d_b, total - d_a, np.nan, d_b, d_b])
        artists["d"].set_data([d_a], [d_b])
        artists["deal"].set_data([split.a], [split.b])
        artists["d_label"].xy = (d_a, d_b)
        artists["deal_label"].xy = (split.a, split.b)
    artists["d_label"].set_text(f"war ({d_a:.2f}, {d_b:.2f})")
    artists["deal_label"].set_text(f"deal ({split.a:.2f}, {split.b:.2f})")
    return artists


def plot_rubinstein(ax_split, ax_speed, rate_first: float, rate_second: float, period: float,
                    names: tuple[str, str], period_max: float = 3.0,
                    artists: Optional[Artists] = None) -> Artists:
    """Top: the split in Rubinstein's game when ``names[0]`` proposes first. Bottom: the first
    proposer's share as the time between offers shrinks, approaching the limit
    ``r_second / (r_first + r_second)``."""
    from .models import discount_factor, rubinstein_limit, rubinstein_shares

    grid = np.linspace(0.02, period_max, 150)
    curve = np.asarray(rubinstein_shares(discount_factor(rate_first, grid),
                                         discount_factor(rate_second, grid)).proposer)
    shares = rubinstein_shares(discount_factor(rate_first, period), discount_factor(rate_second, period))
    limit = rubinstein_limit(rate_first, rate_second).proposer
    first, second = names
    if artists is None:
        a: Artists = {}
        a["bar_first"] = ax_split.barh([0], [shares.proposer], color=PALETTE["vermillion"],
                                       hatch="//", edgecolor="white")[0]
        a["bar_second"] = ax_split.barh([0], [shares.responder], left=[shares.proposer],
                                        color=PALETTE["blue"], hatch="..", edgecolor="white")[0]
        a["text_first"] = ax_split.text(0.01, 0, "", va="center", ha="left", fontsize=9,
                                        color="black", backgroundcolor="white")
        a["text_second"] = ax_split.text(0.99, 0, "", va="center", ha="right", fontsize=9,
                                         color="black", backgroundcolor="white")
        ax_split.set_xlim(0, 1)
        ax_split.set_ylim(-0.5, 0.5)
        ax_split.set_yticks([])
        ax_split.set_xlabel("share of the gains from a deal")
        a["title"] = ax_split.set_title("")
        (a["curve"],) = ax_speed.plot(grid, curve, color=PALETTE["vermillion"], linestyle="-",
                                      linewidth=2, label="first proposer's share")
        a["limit"] = ax_speed.axhline(limit, color=PALETTE["black"], linestyle=":",
                                      label="limit as offers speed up")
        ax_speed.axhline(0.5, color="#999999", linestyle="-", linewidth=0.8)
        (a["point"],) = ax_speed.plot([period], [shares.proposer], label="this pace",
                                      **CURRENT_STYLE)
        ax_speed.set_xlim(0, period_max)
        ax_speed.set_ylim(0, 1)
        ax_speed.set_xlabel("time between offers, Δ (months)")
        a["ylabel"] = ax_speed.set_ylabel("")
        ax_speed.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
        artists = a
    else:
        _keep_layout(ax_split)
        artists["bar_first"].set_width(shares.proposer)
        artists["bar_second"].set_x(shares.proposer)
        artists["bar_second"].set_width(shares.responder)
        artists["curve"].set_ydata(curve)
        artists["limit"].set_ydata([limit, limit])
        artists["point"].set_data([period], [shares.proposer])
    artists["text_first"].set_text(f"{first} {shares.proposer:.2f}")
    artists["text_second"].set_text(f"{second} {shares.responder:.2f}")
    artists["title"].set_text(f"Alternating offers: {first} proposes first")
    artists["ylabel"].set_text(f"{first}'s share")
    return artists


def plot_signal(ax, prior: float, value_sincere: float, value_stalling: float, cost: float,
                cost_max: float = 2.0, artists: Optional[Artists] = None) -> Artists:
    """What a halt to testing tells observers, against the cost of halting.

    Three regions by cost: cheap (both types halt; belief stays at the prior), costly enough
    to separate (only the sincere type halts; belief 1) and too costly (nobody halts). The line
    is the belief after a halt from :func:`course_utils.models.moratorium_signal`; ``None`` for
    ``value_stalling >= value_sincere`` shows an empty plot with a note.
    """
    from .models import moratorium_signal

    valid = value_stalling < value_sincere
    grid = np.linspace(0.0, cost_max, 241)
    if valid:
        belief = np.array([moratorium_signal(prior, value_sincere, value_stalling, c).posterior
                           for c in grid])
        here = moratorium_signal(prior, value_sincere, value_stalling, cost).posterior
        vt, vs = value_stalling, min(value_sincere, cost_max)
    else:
        belief = np.full_like(grid, np.nan)
        here = np.nan
        vt = vs = 0.0  # no regions: the game is not defined
    if artists is None:
        a: Artists = {}
        a["pooling"] = _band(ax, None, "pooling", [0, vt], 0, 1.05, NEUTRAL_STYLE,
                             "cheap: both types halt")
        a["separating"] = _band(ax, None, "separating", [vt, vs], 0, 1.05, SAFE_STYLE,
                                "costly signal: only a sincere side halts")
        a["none"] = _band(ax, None, "none", [vs, cost_max], 0, 1.05 if valid else 0, DANGER_STYLE,
                          "too costly: nobody halts")
        a["prior"] = ax.axhline(prior, color=PALETTE["black"], linestyle=":", linewidth=1,
                                label="belief before (prior)")
        (a["belief"],) = ax.plot(grid, belief, color=PALETTE["blue"], linestyle="-", linewidth=2,
                                 label="belief after a halt")
        (a["point"],) = ax.plot([cost], [here], label="this moratorium", **CURRENT_STYLE)
        a["note"] = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                            fontsize=10, color=PALETTE["vermillion"])
        ax.set_xlim(0, cost_max)
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("cost to North Korea of halting tests, c")
        ax.set_ylabel("belief that North Korea is sincere")
        ax.set_title("The test moratorium as a signal")
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
        artists = a
    else:
        _keep_layout(ax)
        artists["pooling"].set_xy(_band_xy(np.array([0.0, vt]), 0, 1.05))
        artists["separating"].set_xy(_band_xy(np.array([vt, vs]), 0, 1.05))
        artists["none"].set_xy(_band_xy(np.array([vs, cost_max]), 0, 1.05 if valid else 0))
        artists["prior"].set_ydata([prior, prior])
        artists["belief"].set_ydata(belief)
        artists["point"].set_data([cost], [here])
    artists["note"].set_text("" if valid else "a stalling side must value a deal\nless than a sincere one")
    return artists
