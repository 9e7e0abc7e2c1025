"""Lesson 9 explorer: alternating offers, first-mover advantage and patience."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..models import Shares, discount_factor, rubinstein_limit, rubinstein_shares
from ..plots import plot_rubinstein
from ._controls import slider, toggle
from ._fast import FastExplorer

__all__ = ["RubinsteinExplorer", "RubinsteinResult", "SIDES"]

SIDES = ("North Korea", "US")
PERIOD_MAX = 3.0
PERIOD_GRID = np.linspace(0.02, PERIOD_MAX, 150)  # months between offers, the lower plot's x axis


class RubinsteinResult(NamedTuple):
    """Discount factors, the equilibrium shares and their limit as offers speed up."""

    first: str
    second: str
    delta_first: float
    delta_second: float
    shares: Shares
    limit: Shares
    curve: np.ndarray  # the first proposer's share over PERIOD_GRID


class RubinsteinExplorer(FastExplorer):
    """Rubinstein's game between North Korea and the US. Each side's impatience is a rate
    ``r`` (per month); with ``Δ`` months between offers its discount factor is
    ``δ = exp(-r Δ)``. The first proposer gets ``(1 - δ_R) / (1 - δ_P δ_R)``."""

    title = "Who holds the initiative? Alternating offers"
    plot_caption = ("Top: the split of the surplus when the first proposer offers first. "
                    "Bottom: the first proposer's share as the time between offers shrinks, "
                    "approaching its limit, with the chosen time between offers marked.")
    figsize = (7.2, 4.4)

    def make_controls(self) -> dict[str, Any]:
        return {
            "first": toggle("who proposes first", SIDES, SIDES[0]),
            "rate_nk": slider("North Korea's impatience, r_NK", 0.1, 0.01, 1.0, 0.01),
            "rate_us": slider("US impatience, r_US", 0.1, 0.01, 1.0, 0.01),
            "period": slider("months between offers, Δ", 1.0, 0.1, PERIOD_MAX, 0.1, ".1f"),
        }

    def make_axes(self, figure):
        return tuple(figure.subplots(2, 1, height_ratios=[1, 3]))

    @staticmethod
    def _rates(v: dict[str, Any]) -> tuple[str, str, float, float]:
        first = v["first"]
        second = SIDES[1] if first == SIDES[0] else SIDES[0]
        rates = {SIDES[0]: v["rate_nk"], SIDES[1]: v["rate_us"]}
        return first, second, rates[first], rates[second]

    def compute(self, **v: Any) -> RubinsteinResult:
        first, second, r1, r2 = self._rates(v)
        d1, d2 = discount_factor(r1, v["period"]), discount_factor(r2, v["period"])
        curve = rubinstein_shares(discount_factor(r1, PERIOD_GRID),
                                  discount_factor(r2, PERIOD_GRID)).proposer
        return RubinsteinResult(first, second, d1, d2, rubinstein_shares(d1, d2),
                                rubinstein_limit(r1, r2), np.asarray(curve))

    def draw(self, ax, r, v, artists):
        return plot_rubinstein(ax[0], ax[1], PERIOD_GRID, r.curve, v["period"], r.shares,
                               r.limit.proposer, (r.first, r.second), artists=artists)

    def describe(self, r: RubinsteinResult, v) -> str:
        return (f"{r.first} proposes first (δ = {r.delta_first:.3f}), {r.second} responds "
                f"(δ = {r.delta_second:.3f}): {r.first} gets {r.shares.proposer:.3f} and "
                f"{r.second} {r.shares.responder:.3f}. As offers come faster the first-mover "
                f"edge fades and {r.first}'s share tends to {r.limit.proposer:.3f}, set by "
                f"relative patience alone.")
