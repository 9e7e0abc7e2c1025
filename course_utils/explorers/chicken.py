"""Lesson 7 explorer: chicken between the US and North Korea, symmetric or not."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..models import AsymmetricEquilibrium, ChickenPayoffs, chicken_asymmetric, chicken_pure_equilibria
from ..plots import plot_chicken
from ._controls import slider
from ._fast import FastExplorer

__all__ = ["ChickenExplorer", "ChickenResult", "REWARD", "SUCKER"]

#: Fixed payoffs: both swerve (0) and swerving while the other dares (-1). The sliders set the
#: temptation (dare while the other swerves) and each side's payoff from a crash.
REWARD, SUCKER = 0.0, -1.0
NAMES = ("US", "North Korea")


class ChickenResult(NamedTuple):
    """The mixed equilibrium and the pure equilibria of the current game."""

    mixed: AsymmetricEquilibrium
    pure: tuple[tuple[str, str], ...]


class ChickenExplorer(FastExplorer):
    """Chicken with payoffs ``T > 0 > -1 > crash``; the US is the row player.

    Each side's crash payoff is its own slider, so the game can be made asymmetric. In the mixed
    equilibrium each side's own mix is set by the *other* side's payoffs (it must leave the other
    indifferent): when the US fears a crash more (``crash_us`` lower), the US's own dare
    probability does not change and North Korea dares *less* often, since less daring is what
    keeps the more fearful US indifferent. The side that fears the crash more therefore ends up
    daring more often than the other.
    """

    title = "Chicken: who swerves first?"
    plot_caption = ("Best responses in the game of chicken: the probability that the US dares "
                    "(vertical axis) against the probability that North Korea dares (horizontal "
                    "axis), each side's best response as a line, and the equilibria where the "
                    "lines cross marked.")
    figsize = (7.2, 3.8)

    def make_controls(self) -> dict[str, Any]:
        return {
            "temptation": slider("gain from daring if the other swerves, T", 1.0, 0.1, 5.0, 0.1),
            "crash_us": slider("US payoff from a crash", -10.0, -30.0, -1.5, 0.5, ".1f"),
            "crash_nk": slider("North Korea's payoff from a crash", -10.0, -30.0, -1.5, 0.5, ".1f"),
        }

    @staticmethod
    def payoffs(temptation: float, crash: float) -> ChickenPayoffs:
        """``(temptation, reward, sucker, crash)`` for one side."""
        return ChickenPayoffs(temptation, REWARD, SUCKER, crash)

    def compute(self, **v: Any) -> ChickenResult:
        us = self.payoffs(v["temptation"], v["crash_us"])
        nk = self.payoffs(v["temptation"], v["crash_nk"])
        return ChickenResult(chicken_asymmetric(us, nk), chicken_pure_equilibria(us, nk))

    def draw(self, ax, result, values, artists):
        return plot_chicken(ax, result.mixed, result.pure, names=NAMES, artists=artists)

    def describe(self, result, v) -> str:
        eq = result.mixed
        pure = " and ".join(f"({NAMES[0]} {a}s, {NAMES[1]} {b}s)" for a, b in result.pure)
        return (f"Two pure equilibria: {pure}. In the mixed equilibrium the US dares with "
                f"probability {eq.p_dare_a:.3f} and North Korea with {eq.p_dare_b:.3f}, so a "
                f"crash happens with probability {eq.p_crash:.4f} ({eq.p_crash:.2%}); expected "
                f"payoffs: US {eq.payoff_a:.3f}, North Korea {eq.payoff_b:.3f}.")
