"""Lesson 6 explorer: commitment problems.

Two views of one idea, chosen when the explorer is made:

- ``CommitmentExplorer(view="trap")`` (default): the disarmament trap. The up-front price of
  disarming, ``b*``, against sanctions and upkeep ``k``, beside the most that can credibly be
  paid before North Korea gives up its leverage.
- ``CommitmentExplorer(view="shift")``: Powell's shifting power. The commitment gap against the
  declining side's power after the shift; above zero it fights now.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..models import (
    DisarmamentDeal,
    commitment_gap,
    disarmament_deal,
    disarmament_price,
    preventive_war,
    upkeep_for_deal,
)
from ..plots import plot_disarmament, plot_shifting_power
from ._controls import slider
from ._fast import FastExplorer

__all__ = ["CommitmentExplorer", "ShiftView", "TrapView", "VIEWS"]

VIEWS = ("trap", "shift")
UPKEEP_MAX = 1.0
UPKEEP_GRID = np.linspace(0.0, UPKEEP_MAX, 201)
P_GRID = np.linspace(0.0, 1.0, 201)


class ShiftView(NamedTuple):
    """Shifting power: the commitment gap now, whether it means war, and the gap over ``P_GRID``
    (A's chance after the shift)."""

    gap: float
    war: bool
    curve: np.ndarray


class TrapView(NamedTuple):
    """The disarmament trap: the deal, the least upkeep that makes it affordable, and the price
    over ``UPKEEP_GRID``."""

    deal: DisarmamentDeal
    upkeep_needed: float
    curve: np.ndarray


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
        # the trap's y range moves in round steps: its y axis is redrawn with what moves
        self.limits_move = view == "trap"
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

    def compute(self, **v: Any) -> ShiftView | TrapView:
        if self.view == "shift":
            args = (v["delta"], v["p_now"], v["p_later"], v["cost_a"])
            return ShiftView(commitment_gap(*args), preventive_war(*args),
                             commitment_gap(v["delta"], v["p_now"], P_GRID, v["cost_a"]))
        armed = (v["delta"], v["fallback_armed"], v["fallback_disarmed"])
        return TrapView(disarmament_deal(*armed, v["upkeep"], v["max_upfront"]),
                        upkeep_for_deal(*armed, v["max_upfront"]),
                        disarmament_price(*armed, UPKEEP_GRID))

    def draw(self, ax, result, values, artists):
        if self.view == "shift":
            return plot_shifting_power(ax, P_GRID, result.curve, values["p_now"],
                                       values["p_later"], result.gap, artists=artists)
        return plot_disarmament(ax, UPKEEP_GRID, result.curve, values["upkeep"],
                                result.deal.price, result.deal.max_upfront, artists=artists)

    def describe(self, result, values) -> str:
        if self.view == "shift":
            return self._describe_shift(result, values)
        return self._describe_trap(result, values)

    @staticmethod
    def _describe_shift(r: ShiftView, v: dict[str, Any]) -> str:
        head = (f"A's chance of winning falls from {v['p_now']:.2f} to {v['p_later']:.2f} "
                f"(patience δ = {v['delta']:.2f}, war cost {v['cost_a']:.2f}); "
                f"commitment gap {r.gap:+.3f}.")
        if r.war:
            return head + (" Above zero: no promise the rising side can make is believable "
                           "enough, so A prefers to fight now (preventive war).")
        return head + " At or below zero: a deal today can survive the shift in power."

    @staticmethod
    def _describe_trap(r: TrapView, v: dict[str, Any]) -> str:
        deal = r.deal
        head = (f"Disarming is worth it to North Korea only for an up-front payment of at least "
                f"b* = {deal.price:.2f}; at most {deal.max_upfront:.2f} can be paid before it "
                f"gives up its leverage.")
        if deal.deal_exists:
            return head + " The price is affordable: a deal exists."
        if r.upkeep_needed <= UPKEEP_MAX:
            need = math.ceil(r.upkeep_needed * 100 - 1e-9) / 100  # rounded up: "at least"
            return head + (f" No deal: sanctions and upkeep would have to reach k = "
                           f"{need:.2f} (now {v['upkeep']:.2f}).")
        return head + (f" No deal, and no pressure up to k = {UPKEEP_MAX:.1f} closes the gap: "
                       "only more security after disarming (r_D) or more up front would.")
