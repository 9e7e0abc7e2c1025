"""Lesson 9 explorer: the test moratorium as a costly (or cheap) signal."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..models import Signal, moratorium_beliefs, moratorium_signal
from ..plots import plot_signal
from ._controls import slider
from ._fast import FastExplorer

__all__ = ["SignalExplorer"]

COST_MAX = 2.0


class SignalView(NamedTuple):
    """The moratorium's equilibrium (``None`` when ``V_T >= V_S``: no valid game) and the belief
    after a halt over ``costs``, for the plot (empty when the game is not valid)."""

    signal: Signal | None
    costs: np.ndarray
    beliefs: np.ndarray


class SignalExplorer(FastExplorer):
    """North Korea is sincere (values a deal at ``V_S``) or stalling (``V_T < V_S``); halting
    tests costs ``c``. A halt proves sincerity iff ``V_T < c <= V_S``.

    While the sliders give ``V_T >= V_S`` (no valid game) the result's ``signal`` is ``None``
    and the readout says how to fix it.
    """

    title = "The moratorium: costly signal or cheap talk?"
    plot_caption = ("What observers believe after a halt to testing, against the cost of "
                    "halting: three regions, cheap, costly enough to separate the types, and "
                    "too costly, with the chosen cost marked.")
    figsize = (7.2, 3.6)

    def make_controls(self) -> dict[str, Any]:
        return {
            "prior": slider("belief before, P(sincere)", 0.3, 0.0, 1.0, 0.05),
            "value_sincere": slider("value of a deal to a sincere side, V_S", 1.0, 0.05, COST_MAX, 0.05),
            "value_stalling": slider("value of talks to a stalling side, V_T", 0.4, 0.0, COST_MAX, 0.05),
            "cost": slider("cost of halting tests, c", 0.6, 0.0, COST_MAX, 0.05),
        }

    def compute(self, **v: Any) -> SignalView:
        vs, vt = v["value_sincere"], v["value_stalling"]
        if vt >= vs:
            return SignalView(None, np.zeros(0), np.zeros(0))
        # the belief is constant between the thresholds: its ends, and a hair past each jump
        hair = 1e-9
        costs = np.clip([0.0, vt, vt + hair, vs, vs + hair, COST_MAX], 0.0, COST_MAX)
        return SignalView(moratorium_signal(v["prior"], vs, vt, v["cost"]), costs,
                          moratorium_beliefs(v["prior"], vs, vt, costs))

    def draw(self, ax, r: SignalView, v, artists):
        valid = r.signal is not None
        return plot_signal(ax, v["prior"], r.costs, r.beliefs, v["cost"],
                           r.signal.posterior if r.signal is not None else float("nan"),
                           (v["value_stalling"], v["value_sincere"]) if valid else None,
                           cost_max=COST_MAX, artists=artists)

    def describe(self, r: SignalView, v) -> str:
        s = r.signal
        if s is None:
            return (f"No valid game: a stalling side must value a deal less than a sincere one "
                    f"(now V_T = {v['value_stalling']:.2f} ≥ V_S = {v['value_sincere']:.2f}). "
                    "Lower V_T or raise V_S.")
        cost = f"A halt costing {v['cost']:.2f}"
        if s.kind == "separating":
            return (f"{cost} is more than a stalling side would pay ({v['value_stalling']:.2f}) "
                    f"but not more than a sincere one would ({v['value_sincere']:.2f}): only a "
                    f"sincere North Korea halts, so a halt raises the belief from "
                    f"{v['prior']:.2f} to {s.posterior:.2f}.")
        if s.kind == "pooling":
            return (f"{cost} is cheap even for a stalling side ({v['value_stalling']:.2f}): both "
                    f"types halt, so a halt proves nothing and the belief stays at "
                    f"{s.posterior:.2f}.")
        return (f"{cost} is more than even a sincere side would pay ({v['value_sincere']:.2f}): "
                f"nobody halts, and the belief stays at {s.posterior:.2f}.")
