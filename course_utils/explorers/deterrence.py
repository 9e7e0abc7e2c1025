"""Lesson 8 explorer: the deterrence inequality and a second-strike force."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import (
    deterrence_holds,
    deterrence_threshold,
    fewest_weapons_to_deter,
    retaliation_probability,
)
from ..plots import plot_deterrence
from ._controls import int_slider, slider
from ._fast import FastExplorer

__all__ = ["DeterrenceExplorer"]

N_MAX = 20
N_GRID = np.arange(N_MAX + 1)


class DeterrenceExplorer(FastExplorer):
    """A challenger weighs its gain ``B`` against the cost ``C`` of a retaliation that comes with
    probability ``π = 1 - (1 - a)^n`` from ``n`` surviving weapons; it is deterred iff
    ``π >= B / (B + C)``.

    The result is a dict: ``p_retaliation``, ``threshold``, ``holds``, ``fewest`` (the
    smallest deterring arsenal up to ``N_MAX``, or ``None``) and ``curve`` (``π`` for
    ``n = 0 .. N_MAX``).
    """

    title = "Deterrence and the second strike"
    plot_caption = ("The probability of retaliation against the number of weapons that survive "
                    "a first strike, with the deterrence threshold as a dashed horizontal line, "
                    "the region above it shaded as deterred, and the current arsenal marked.")
    figsize = (7.6, 3.6)

    def make_controls(self) -> dict[str, Any]:
        return {
            "benefit": slider("attacker's gain, B", 1.0, 0.1, 5.0, 0.1),
            "cost": slider("attacker's cost if hit back, C", 9.0, 0.0, 20.0, 0.5),
            "n_weapons": int_slider("surviving missiles, n", 3, 0, N_MAX),
            "p_each": slider("chance each gets through, a", 0.3, 0.0, 1.0, 0.05),
        }

    def compute(self, **v: Any) -> dict[str, Any]:
        pi = retaliation_probability(v["n_weapons"], v["p_each"])
        return {
            "p_retaliation": pi,
            "threshold": deterrence_threshold(v["benefit"], v["cost"]),
            "holds": deterrence_holds(pi, v["benefit"], v["cost"]),
            "fewest": fewest_weapons_to_deter(v["benefit"], v["cost"], v["p_each"], N_MAX),
            "curve": retaliation_probability(N_GRID, v["p_each"]),
        }

    def draw(self, ax, result, values, artists):
        return plot_deterrence(ax, N_GRID, result["curve"], result["threshold"],
                               values["n_weapons"], result["p_retaliation"], artists=artists)

    def describe(self, result, v) -> str:
        text = (f"{v['n_weapons']} surviving missiles, each getting through with chance "
                f"{v['p_each']:.2f}, retaliate with probability {result['p_retaliation']:.2f}; "
                f"deterring a gain of {v['benefit']:.1f} against a cost of {v['cost']:.1f} "
                f"needs {result['threshold']:.2f}.")
        text += " Deterrence holds." if result["holds"] else " Deterrence fails."
        if result["fewest"] is not None:
            text += f" The fewest missiles that deter: {result['fewest']}."
        else:
            text += f" Not even {N_MAX} missiles deter at this reliability."
        return text
