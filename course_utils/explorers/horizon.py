"""Lesson 9 explorer: alternating offers with a deadline, solved backward, converging to
Rubinstein's shares as the deadline recedes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import rubinstein_shares
from ..models.games_play import deadline_bargaining
from ..plots_tools import plot_horizon
from ._controls import int_slider, slider
from ._fast import FastExplorer

__all__ = ["HorizonExplorer"]


class HorizonExplorer(FastExplorer):
    """The first proposer's (North Korea's) share with a deadline of 1 to ``longest`` offers,
    against Rubinstein's share with no deadline."""

    title = "From a deadline to Rubinstein: backward induction, offer by offer"
    plot_caption = ("North Korea's share as first proposer against the number of offers before "
                    "a deadline, a zigzag of dots that narrows toward a dashed line at "
                    "Rubinstein's share.")
    figsize = (7.2, 3.8)

    def make_controls(self) -> dict[str, Any]:
        return {
            "delta_nk": slider("North Korea's discount factor, δ_NK (proposes first)", 0.9, 0.5, 0.98, 0.01),
            "delta_us": slider("US discount factor, δ_US", 0.9, 0.5, 0.98, 0.01),
            "longest": int_slider("longest deadline shown, in offers", 30, 4, 80),
        }

    def compute(self, **v: Any) -> dict[str, Any]:
        n = np.arange(1, v["longest"] + 1)
        shares = np.array([deadline_bargaining(v["delta_nk"], v["delta_us"], int(k)).first_share
                           for k in n])
        limit = rubinstein_shares(v["delta_nk"], v["delta_us"]).proposer
        return {"n": n, "shares": shares, "limit": limit}

    def draw(self, ax, r, v, artists):
        return plot_horizon(ax, r["n"], r["shares"], r["limit"], artists)

    def describe(self, r: dict[str, Any], v) -> str:
        last = r["shares"][-1]
        return (f"With one offer North Korea keeps everything; with two the US, proposing last, "
                f"leaves it {r['shares'][1]:.3f}. With {v['longest']} offers it gets {last:.3f}, "
                f"{abs(last - r['limit']):.3f} from Rubinstein's {r['limit']:.3f} "
                f"= (1 − δ_US)/(1 − δ_NK·δ_US).")
