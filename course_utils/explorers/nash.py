"""Lesson 6 explorer: how war payoffs (the disagreement point) shape the Nash bargain."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..models import Split, nash_bargaining
from ..plots import plot_nash
from ._controls import slider
from ._fast import FastExplorer

__all__ = ["NashExplorer", "NashResult"]

NAMES = ("North Korea", "US")


class NashResult(NamedTuple):
    """Disagreement payoffs (war) and the Nash bargaining split, North Korea first."""

    d_nk: float
    d_us: float
    split: Split


class NashExplorer(FastExplorer):
    """North Korea and the US divide a pie of size 1. If talks fail, war gives North Korea
    ``p - c_NK`` and the US ``1 - p - c_US`` (the disagreement point); the Nash bargaining
    solution gives each its war payoff plus its weighted share of the surplus."""

    title = "Negotiating from strength: the disagreement point"
    plot_caption = ("Utility space of North Korea and the US: the frontier of possible deals, "
                    "the disagreement point given by the war payoffs, the deals both prefer to "
                    "it, shaded, and the Nash bargaining solution marked.")
    figsize = (6.8, 4.0)

    def make_controls(self) -> dict[str, Any]:
        return {
            "p": slider("North Korea's expected share from war, p", 0.3, 0.0, 1.0, 0.05),
            "cost_nk": slider("North Korea's cost of war, c_NK", 0.3, 0.0, 0.5, 0.05),
            "cost_us": slider("US cost of war, c_US", 0.1, 0.0, 0.5, 0.05),
            "weight_nk": slider("North Korea's bargaining weight, α", 0.5, 0.0, 1.0, 0.05),
        }

    def compute(self, **v: Any) -> NashResult:
        d_nk = v["p"] - v["cost_nk"]
        d_us = 1.0 - v["p"] - v["cost_us"]
        return NashResult(d_nk, d_us, nash_bargaining(d_nk, d_us, weight_a=v["weight_nk"]))

    def draw(self, ax, r, v, artists):
        return plot_nash(ax, r.d_nk, r.d_us, r.split, names=NAMES, artists=artists)

    def describe(self, r: NashResult, v) -> str:
        surplus = 1.0 - r.d_nk - r.d_us
        return (f"If talks fail, war gives North Korea {r.d_nk:.2f} and the US {r.d_us:.2f}; "
                f"a deal saves the war costs, a surplus of {surplus:.2f}. The Nash bargain gives "
                f"North Korea {r.split.a:.2f} and the US {r.split.b:.2f}.")
