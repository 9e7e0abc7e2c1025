"""Lesson 7 explorer: Schelling's brinkmanship window and the risk of repeated crises."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..models import Window, brinkmanship_window, cumulative_risk
from ..plots import plot_brinkmanship
from ._controls import int_slider, slider
from ._fast import FastExplorer

__all__ = ["BrinkmanshipExplorer", "BrinkResult"]

N_MAX = 30
H_GRID = np.linspace(0.0, 1.0, 201)   # chance of a hard-liner, the window plot's x axis
N_GRID = np.arange(N_MAX + 1)          # number of crises, the risk plot's x axis


class BrinkResult(NamedTuple):
    """The window of workable risk, whether ``q`` lies in it, and the risk over ``n`` crises;
    ``windows`` and ``risks`` are the same over ``H_GRID`` and ``N_GRID``, for the plot."""

    window: Window
    effective: bool
    acceptable: bool
    cumulative: float
    windows: Window
    risks: np.ndarray


class BrinkmanshipExplorer(FastExplorer):
    """A threat that creates a risk ``q`` of war deters if ``q >= G/(G+W)`` and is bearable if
    ``q <= (1-h) L / (h (W_D - L))``; repeated ``n`` times it ends in war with probability
    ``1 - (1 - q)^n``."""

    title = "Brinkmanship: a threat that leaves something to chance"
    plot_caption = ("Left: the brinkmanship window, the risks of war that deter yet are "
                    "bearable, against the chance that the other side is a hard-liner, with "
                    "this threat marked. Right: the chance of at least one war over repeated "
                    "crises at this risk, with the chosen number of crises marked.")
    figsize = (8.0, 4.4)
    #: the window's bands and bounds depend only on the two sides' stakes, not on h, q or n
    layer_artists = ("too_low", "window", "too_high", "q_min", "q_max")

    def layer_key(self) -> tuple[float, ...]:
        v = self.values
        return v["gain"], v["war_cost_challenger"], v["loss_defender"], v["war_cost_defender"]

    def make_controls(self) -> dict[str, Any]:
        return {
            "gain": slider("challenger's gain, G", 1.0, 0.1, 5.0, 0.1),
            "war_cost_challenger": slider("challenger's cost of war, W", 9.0, 0.5, 20.0, 0.5),
            "loss_defender": slider("defender's loss from conceding, L", 2.0, 0.1, 10.0, 0.1),
            "war_cost_defender": slider("defender's cost of war, W_D", 20.0, 0.5, 40.0, 0.5),
            "p_hardliner": slider("chance of a hard-liner, h", 0.3, 0.0, 1.0, 0.05),
            "q": slider("risk of war the threat creates, q", 0.15, 0.0, 1.0, 0.01),
            "n_crises": int_slider("number of crises, n", 5, 0, N_MAX),
        }

    def make_axes(self, figure):
        return tuple(figure.subplots(1, 2, width_ratios=[1.3, 1]))

    def compute(self, **v: Any) -> BrinkResult:
        sides = (v["gain"], v["war_cost_challenger"], v["loss_defender"], v["war_cost_defender"])
        win = brinkmanship_window(*sides, v["p_hardliner"])
        return BrinkResult(win, win.deters(v["q"]), win.bearable(v["q"]),
                           cumulative_risk(v["q"], v["n_crises"]),
                           brinkmanship_window(*sides, H_GRID), cumulative_risk(v["q"], N_GRID))

    def draw(self, ax, r, v, artists):
        return plot_brinkmanship(ax[0], ax[1], H_GRID, r.windows, v["p_hardliner"], v["q"],
                                 N_GRID, r.risks, v["n_crises"], r.cumulative, artists=artists)

    def describe(self, r: BrinkResult, v) -> str:
        w = r.window
        if w.feasible:
            text = f"Risks from {w.q_min:.3f} to {w.q_max:.3f} both deter and are bearable."
        else:
            text = (f"No risk works: deterring needs at least {w.q_min:.3f}, but at most "
                    f"{w.q_max:.3f} is bearable.")
        if r.effective and r.acceptable:
            verdict = "inside the window"
        elif not (r.effective or r.acceptable):
            verdict = "too small to deter and yet too dangerous to bear"
        elif not r.effective:
            verdict = "too small to deter"
        else:
            verdict = "too dangerous to bear"
        return (text + f" A risk of q = {v['q']:.2f} is {verdict}. Repeated over "
                f"{v['n_crises']} crises it ends in war with probability {r.cumulative:.2f}.")
