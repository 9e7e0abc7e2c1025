"""Lesson 8 explorer: war as the disagreement point, or as an outside option."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import nash_bargaining, war_payoffs
from ..models.strength import OutsideOptionSplit, outside_option_split
from ..plots_tools import plot_outside_option
from ._controls import slider
from ._fast import FastExplorer

__all__ = ["OutsideOptionExplorer"]

#: the US's chance in war and North Korea's cost of war, as NashExplorer starts
P_US, COST_NK = 0.7, 0.3
COSTS = np.linspace(0.0, 0.5, 101)


class OutsideOptionExplorer(FastExplorer):
    """North Korea's share of a deal as the US's cost of war rises, with war as the
    disagreement point (Nash bargaining over war payoffs) or as an outside option (Nash
    bargaining over the armed status quo, war a constraint only when it binds)."""

    title = "Disagreement point or outside option?"
    plot_caption = ("North Korea's share of a deal against the US's cost of war: a solid line "
                    "with war as the disagreement point, a dashed line with the armed status quo "
                    "as disagreement point and war as an outside option; markers at the chosen "
                    "cost.")
    figsize = (7.6, 3.8)

    def make_controls(self) -> dict[str, Any]:
        return {
            "cost_us": slider("US cost of war, c_US", 0.1, 0.0, 0.5, 0.05),
            "status_quo_nk": slider("North Korea's payoff in the armed status quo", 0.3, 0.0, 0.5, 0.05),
            "status_quo_us": slider("US payoff in the armed status quo", 0.3, 0.0, 0.5, 0.05),
        }

    def _shares(self, cost_us, v) -> tuple[Any, OutsideOptionSplit]:
        war = war_payoffs(P_US, cost_us, COST_NK)  # a: the US, b: North Korea
        as_disagreement = nash_bargaining(war.b, war.a).a
        as_outside = outside_option_split(v["status_quo_nk"], v["status_quo_us"], war.b, war.a)
        return as_disagreement, as_outside

    def compute(self, **v: Any) -> dict[str, Any]:
        now = self._shares(v["cost_us"], v)
        curve = self._shares(COSTS, v)
        war = war_payoffs(P_US, v["cost_us"], COST_NK)
        return {"now": now, "curve": curve, "war_us": war.a, "war_nk": war.b}

    def draw(self, ax, r, v, artists):
        return plot_outside_option(ax, COSTS, r["curve"][0], r["curve"][1].a, v["cost_us"],
                                   r["now"][0], r["now"][1].a, artists)

    def describe(self, r: dict[str, Any], v) -> str:
        as_disagreement, out = r["now"]
        binds = {"b": (f"the US's threat of war binds: it can get {r['war_us']:.2f} by fighting, "
                       "so it gets exactly that"),
                 "a": (f"North Korea's threat of war binds: it gets exactly its war payoff "
                       f"{r['war_nk']:.2f}"),
                 "neither": "neither side's threat of war binds, so war does not matter at all"}
        return (f"With war as the disagreement point North Korea gets {as_disagreement:.2f}. With "
                f"the armed status quo as disagreement point it gets {out.a:.2f}: "
                f"{binds[out.binding]}.")
