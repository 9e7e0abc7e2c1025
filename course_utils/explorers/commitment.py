"""Lesson 5 explorer: commitment problems.

Two views of one idea, chosen when the explorer is made:

- ``CommitmentExplorer(view="trap")`` (default): the disarmament trap. The up-front price of
  disarming, ``b*``, against sanctions and upkeep ``k``, beside the most that can credibly be
  paid before North Korea gives up its leverage.
- ``CommitmentExplorer(view="shift")``: Powell's shifting power. The commitment gap against the
  declining side's power after the shift; above zero it fights now.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import commitment_gap, disarmament_deal, disarmament_price, preventive_war
from ..plots import plot_disarmament, plot_shifting_power
from ._controls import slider
from ._fast import FastExplorer

__all__ = ["CommitmentExplorer", "VIEWS"]

VIEWS = ("trap", "shift")
UPKEEP_MAX = 1.0


class CommitmentExplorer(FastExplorer):
    """Disarmament trap (``view="trap"``) or shifting power (``view="shift"``).

    Parameters
    ----------
    view : {"trap", "shift"}
        Which model to explore.
    **initial
        Starting control values by name (see :attr:`controls`).
    """

    figsize = (7.6, 3.6)

    def __init__(self, view: str = "trap", **initial: Any):
        if view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}; got {view!r}")
        self.view = view
        self.title = ("The disarmament trap" if view == "trap"
                      else "Shifting power: a promise nobody can enforce")
        self.plot_caption = (
            "The price of disarmament against upkeep and sanctions, beside the most that can be "
            "paid up front, as a horizontal line: where the curve is under the line, a deal "
            "exists; the chosen upkeep is marked." if view == "trap" else
            "The commitment gap against A's chance of winning after the shift: above zero, "
            "hatched, the declining side prefers to fight now; the chosen case is marked.")
        super().__init__(**initial)

    def make_controls(self) -> dict[str, Any]:
        if self.view == "shift":
            return {
                "delta": slider("patience δ", 0.9, 0.05, 0.95, 0.05),
                "p_now": slider("A's chance of winning now, p₁", 0.6, 0.0, 1.0, 0.05),
                "p_later": slider("A's chance after the shift, p₂", 0.2, 0.0, 1.0, 0.05),
                "cost_a": slider("A's one-off cost of war, c_A", 0.1, 0.0, 1.0, 0.05),
            }
        return {
            "delta": slider("patience δ", 0.9, 0.5, 0.95, 0.05),
            "fallback_armed": slider("value of the arsenal per period, r_K", 0.5, 0.0, 2.0, 0.05),
            "fallback_disarmed": slider("security after disarming, r_D", 0.2, 0.0, 1.0, 0.05),
            "upkeep": slider("upkeep and sanctions, k", 0.1, 0.0, UPKEEP_MAX, 0.05),
            "max_upfront": slider("most that can be paid up front", 1.5, 0.0, 5.0, 0.25),
        }

    def compute(self, **v: Any) -> Any:
        if self.view == "shift":
            return commitment_gap(v["delta"], v["p_now"], v["p_later"], v["cost_a"])
        return disarmament_deal(v["delta"], v["fallback_armed"], v["fallback_disarmed"],
                                v["upkeep"], v["max_upfront"])

    def draw(self, ax, result, values, artists):
        if self.view == "shift":
            return plot_shifting_power(ax, values["delta"], values["p_now"], values["p_later"],
                                       values["cost_a"], artists=artists)
        return plot_disarmament(ax, values["delta"], values["fallback_armed"],
                                values["fallback_disarmed"], values["upkeep"],
                                values["max_upfront"], upkeep_max=UPKEEP_MAX, artists=artists)

    def describe(self, result, values) -> str:
        if self.view == "shift":
            return self._describe_shift(result, values)
        return self._describe_trap(result, values)

    @staticmethod
    def _describe_shift(gap: float, v: dict[str, Any]) -> str:
        war = preventive_war(v["delta"], v["p_now"], v["p_later"], v["cost_a"])
        head = (f"A's chance of winning falls from {v['p_now']:.2f} to {v['p_later']:.2f} "
                f"(patience δ = {v['delta']:.2f}, war cost {v['cost_a']:.2f}); "
                f"commitment gap {gap:+.3f}.")
        if war:
            return head + (" Above zero: no promise the rising side can make is believable "
                           "enough, so A prefers to fight now (preventive war).")
        return head + " At or below zero: a deal today can survive the shift in power."

    @staticmethod
    def _describe_trap(deal, v: dict[str, Any]) -> str:
        head = (f"Disarming is worth it to North Korea only for an up-front payment of at least "
                f"b* = {deal.price:.2f}; at most {deal.max_upfront:.2f} can be paid before it "
                f"gives up its leverage.")
        if deal.deal_exists:
            return head + " The price is affordable: a deal exists."
        grid = np.linspace(0.0, UPKEEP_MAX, 201)
        prices = np.asarray(disarmament_price(v["delta"], v["fallback_armed"],
                                              v["fallback_disarmed"], grid))
        enough = grid[prices <= deal.max_upfront + 1e-12]
        if enough.size:
            return head + (f" No deal: sanctions and upkeep would have to reach k = "
                           f"{enough[0]:.2f} (now {v['upkeep']:.2f}).")
        return head + (f" No deal, and no pressure up to k = {UPKEEP_MAX:.1f} closes the gap: "
                       "only more security after disarming (r_D) or more up front would.")
