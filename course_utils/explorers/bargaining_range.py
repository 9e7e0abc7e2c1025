"""Lesson 2 explorer: the bargaining range, and how indivisibility can empty it.

The US and North Korea bargain over how far the nuclear question is settled on US terms
(x, the US's share: 0, North Korea keeps its arsenal; 1, complete denuclearization; p is the
US's chance of winning a war). Fearon's bargaining
range is every x both prefer to war; when only a few deals can actually be implemented (the
arsenal is kept or given up whole), none of them may lie in the range.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .. import models, plots
from ._fast import FastExplorer

#: What can actually be agreed: label -> implementable splits (``None``: any split).
DEAL_OPTIONS: dict[str, tuple[float, ...] | None] = {
    "any split (divisible)": None,
    "all or nothing (0 or 1)": (0.0, 1.0),
    "three steps (0, freeze 0.5, 1)": (0.0, 0.5, 1.0),
}


class RangeView(NamedTuple):
    """The bargaining range and, for an indivisible issue, the deals inside it."""

    range: models.Range
    war: models.WarPayoffs  # expected payoffs from war: a the US's, b North Korea's
    options: tuple[float, ...] | None
    deals: tuple[float, ...] | None   # options inside the range (None when any split goes)

    @property
    def deal_possible(self) -> bool:
        """True when at least one implementable deal beats war for both."""
        return bool(self.range.exists) if self.deals is None else bool(self.deals)


class RangeExplorer(FastExplorer):
    """Move the odds and the costs of war; see the range of deals both prefer to war."""

    title = "The bargaining range: deals both sides prefer to war"
    plot_caption = ("Each side's payoff from every split of the issue, its payoff from war, and "
                    "the bargaining range of splits both prefer to war, shaded.")
    figsize = (7.2, 3.7)

    def make_controls(self) -> dict[str, Any]:
        w = self._w
        style = {"description_width": "16em"}
        layout = w.Layout(width="36em")
        slider = dict(min=0.0, max=1.0, step=0.01, style=style, layout=layout,
                      readout_format=".2f")
        return {
            "p": w.FloatSlider(value=0.5, description="p: US chance to win a war",
                               **slider),
            "cost_us": w.FloatSlider(value=0.1, description="US cost of war",
                                     **{**slider, "max": 0.5}),
            "cost_nk": w.FloatSlider(value=0.1, description="North Korea's cost of war",
                                     **{**slider, "max": 0.5}),
            "deals": w.Dropdown(options=list(DEAL_OPTIONS), value="any split (divisible)",
                                description="Deals that can be made", style=style,
                                layout=layout),
        }

    def compute(self, p: float, cost_us: float, cost_nk: float, deals: str) -> RangeView:
        rng = models.bargaining_range(p, cost_us, cost_nk)
        options = DEAL_OPTIONS[deals]
        inside = None if options is None else models.indivisible_deals(p, cost_us, cost_nk, options)
        return RangeView(rng, models.war_payoffs(p, cost_us, cost_nk), options, inside)

    def draw(self, ax, result: RangeView, values, artists):
        return plots.plot_bargaining_range(ax, result.range, result.war.a, result.war.b,
                                           result.options, result.deals or (), artists)

    def describe(self, result: RangeView, values) -> str:
        rng = result.range
        costs = values["cost_us"] + values["cost_nk"]
        width = float(rng.width)
        why = ("the two costs of war added together" if width >= costs - 1e-9 else
               f"less than the two costs of war added together, {costs:.2f}, because it is "
               "cut off at 0 or 1")
        text = (f"War gives the US {result.war.a:.2f} and North Korea {result.war.b:.2f} in "
                f"expectation. Every deal x from {rng.low:.2f} to {rng.high:.2f} leaves both better "
                f"off than war (the range is {width:.2f} wide, {why}).")
        if result.options is None:
            return text + " Any split can be agreed, so a deal exists."
        opts = ", ".join(f"{x:g}" for x in result.options)
        if result.deals:
            inside = ", ".join(f"{x:g}" for x in result.deals)
            return text + f" Only the deals {opts} can be made; {inside} lies inside the range."
        return (text + f" But only the deals {opts} can be made, and none lies inside the range: "
                "indivisibility leaves no deal both prefer to war.")
