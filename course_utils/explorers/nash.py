"""Lesson 8 explorer: how war payoffs (the disagreement point) shape the Nash bargain.

Notation as everywhere in the course: ``p`` is the US's chance of winning a war, so war gives the
US ``p - c_US`` and North Korea ``1 - p - c_NK``; ``α`` is North Korea's bargaining weight.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..models import Split, bargaining_surplus, nash_bargaining, war_payoffs
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

    @property
    def surplus(self) -> float:
        """What a deal adds to war: the two costs of war it saves."""
        return float(bargaining_surplus(self.d_nk, self.d_us))


class NashExplorer(FastExplorer):
    """North Korea and the US divide a pie of size 1. If talks fail, war gives the US
    ``p - c_US`` and North Korea ``1 - p - c_NK`` (the disagreement point), ``p`` being the US's
    chance of winning; the Nash bargaining solution gives each its war payoff plus its weighted
    share of the surplus (North Korea's weight ``α``)."""

    title = "Negotiating from strength: the disagreement point"
    plot_caption = ("Utility space of North Korea and the US: the frontier of possible deals, "
                    "the disagreement point given by the war payoffs, the deals both prefer to "
                    "it, shaded, and the Nash bargaining solution marked.")
    figsize = (6.8, 4.0)

    def make_controls(self) -> dict[str, Any]:
        return {
            "p": slider("p: US chance to win a war", 0.7, 0.0, 1.0, 0.05),
            "cost_nk": slider("North Korea's cost of war, c_NK", 0.3, 0.0, 0.5, 0.05),
            "cost_us": slider("US cost of war, c_US", 0.1, 0.0, 0.5, 0.05),
            "weight_nk": slider("North Korea's bargaining weight, α", 0.5, 0.0, 1.0, 0.05),
        }

    def compute(self, **v: Any) -> NashResult:
        war = war_payoffs(v["p"], v["cost_us"], v["cost_nk"])  # a: the US, b: North Korea
        return NashResult(war.b, war.a, nash_bargaining(war.b, war.a, weight_a=v["weight_nk"]))

    def draw(self, ax, r, v, artists):
        return plot_nash(ax, r.d_nk, r.d_us, r.split, names=NAMES, artists=artists)

    def describe(self, r: NashResult, v) -> str:
        return (f"If talks fail, war gives North Korea {r.d_nk:.2f} and the US {r.d_us:.2f}; "
                f"a deal saves the war costs, a surplus of {r.surplus:.2f}. The Nash bargain gives "
                f"North Korea {r.split.a:.2f} and the US {r.split.b:.2f}.")
