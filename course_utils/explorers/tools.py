"""Lesson 4 explorers: the solver's tools, one widget each (and lesson 9's mediator).

- :class:`InspectionExplorer`: best responses and the mixed equilibrium of a 2x2 game;
- :class:`TreeExplorer`: backward induction on a crisis game, one node at a time;
- :class:`BayesExplorer`: Bayes' rule with two types;
- :class:`DiscountExplorer`: discounting and the geometric series.

Each is a :class:`~course_utils.explorers._fast.FastExplorer` (only what moves is redrawn):
controls named by their labels, a model call in ``compute``, a plot function of
:mod:`course_utils.plots_tools` in ``draw``, and a readout in words.
"""

from __future__ import annotations

from typing import Any

from ..models.games import (
    MixedProfile,
    TreeSolution,
    backward_induction,
    bayes_posterior,
    escalation_game,
    inspection_game,
    mixed_equilibrium,
    present_value,
    pure_equilibria,
)
from ..plots_tools import plot_bayes, plot_best_responses, plot_discounting, plot_game_tree
from ._controls import int_slider, slider
from ._fast import FastExplorer

__all__ = ["InspectionExplorer", "TreeExplorer", "BayesExplorer", "MediatorExplorer", "DiscountExplorer"]

NAMES = ("North Korea", "the US")
STRATEGIES = ("cheat", "comply", "inspect", "trust")


class InspectionExplorer(FastExplorer):
    """The inspection game: North Korea cheats or complies, the US inspects or trusts.

    Sliders set North Korea's gain from undetected cheating and its penalty if caught, the US's
    cost of inspecting and its loss from undetected cheating. While the cost of inspecting is
    not below the loss (no mixed equilibrium: inspecting never pays), the readout says so.
    """

    title = "The inspection game: who mixes, and why"
    plot_caption = ("North Korea's best response (solid line) and the US's (dashed line) to each "
                    "other's chance of cheating and inspecting; a star marks the mixed equilibrium "
                    "where they cross.")
    figsize = (7.4, 3.8)

    def make_controls(self) -> dict[str, Any]:
        return {
            "gain": slider("North Korea's gain from undetected cheating", 1.0, 0.1, 3.0, 0.1),
            "penalty": slider("North Korea's penalty if caught", 3.0, 0.1, 5.0, 0.1),
            "cost": slider("US cost of an inspection", 0.2, 0.05, 2.0, 0.05),
            "damage": slider("US loss from undetected cheating", 1.0, 0.1, 3.0, 0.1),
        }

    def compute(self, **v: Any) -> dict[str, Any] | None:
        if v["cost"] >= v["damage"]:
            return None
        row, col = inspection_game(v["gain"], v["penalty"], v["cost"], v["damage"])
        return {"row": row, "col": col, "pure": pure_equilibria(row, col),
                "mixed": mixed_equilibrium(row, col)}

    def draw(self, ax, result, v, artists):
        if result is None:
            return plot_best_responses(ax, None, None, (), None, NAMES, STRATEGIES, artists,
                                       message="No mixed equilibrium: inspecting costs at least\n"
                                               "what it saves, so the US never inspects")
        return plot_best_responses(ax, result["row"], result["col"], result["pure"],
                                   result["mixed"], NAMES, STRATEGIES, artists)

    def make_axes(self, figure):
        # a fixed layout: constrained layout gives up ("axes collapsed") on some redraws
        figure.set_layout_engine(None)
        figure.subplots_adjust(left=0.1, right=0.63, bottom=0.15, top=0.9)
        return figure.add_subplot()

    def describe(self, result: dict[str, Any] | None, v) -> str:
        if result is None:
            return (f"An inspection costs {v['cost']:.2f}, at least the {v['damage']:.2f} that "
                    "undetected cheating costs the US: trusting always pays, so North Korea "
                    "cheats and the US never inspects (a pure equilibrium). Lower the cost to "
                    "see the mixed equilibrium.")
        m: MixedProfile = result["mixed"]
        return (f"No cell is an equilibrium; in the mixed one North Korea cheats with "
                f"probability {m.row:.2f} = cost {v['cost']:.2f} ÷ loss {v['damage']:.2f}, set by "
                f"the US's payoffs, and the US inspects with probability {m.col:.2f} = gain "
                f"{v['gain']:.2f} ÷ (gain + penalty {v['penalty']:.2f}), set by North Korea's.")


#: the escalation game's fixed parts: the US values the issue at 0.2, war costs North Korea 1
VALUE_US, WAR_COST_NK = 0.2, 1.0
PLAYERS = ("US", "NK")


class TreeExplorer(FastExplorer):
    """Backward induction on :func:`~course_utils.models.games.escalation_game`, one decision
    at a time: the slider ``solved`` says how many decisions, from the last, are solved."""

    title = "Solve a crisis game from the end"
    plot_caption = ("A game tree: North Korea keeps quiet or challenges, the US concedes or "
                    "threatens, North Korea backs down or stands firm, the US fights or backs "
                    "down; solved choices are thick solid lines, rejected ones dotted.")
    figsize = (8.6, 4.4)
    #: the lines, their move names and the node markers change only with which moves are
    #: solved and chosen: kept drawn per such state (the payoff labels are drawn on top)
    layer_artists = ("edges", "moves", "nodes")

    def layer_key(self) -> tuple:
        solved = self.controls["solved"].value
        return solved, tuple(step.choice for step in self.result.steps[:solved])

    def make_controls(self) -> dict[str, Any]:
        return {
            "war_cost_us": slider("US cost of war, c_US", 0.5, 0.0, 1.0, 0.05),
            "audience_cost": slider("US audience cost of backing down, a", 0.1, 0.0, 1.0, 0.05),
            "solved": int_slider("decisions solved, from the last", 0, 0, 4),
        }

    def compute(self, **v: Any) -> TreeSolution:
        tree = escalation_game(VALUE_US, v["war_cost_us"], WAR_COST_NK, v["audience_cost"])
        self.tree = tree
        return backward_induction(tree)

    def draw(self, ax, result: TreeSolution, v, artists):
        return plot_game_tree(ax, self.tree, result, v["solved"], PLAYERS, artists)

    def describe(self, s: TreeSolution, v) -> str:
        n = v["solved"]
        if n == 0:
            last = s.steps[0]
            return ("Nothing solved yet. Start at the end: the US's last choice depends on "
                    "nothing that comes after it; there fighting gives it "
                    f"{last.values['fight']:+.2f} and backing down {last.values['back down']:+.2f}. "
                    "Move the last slider to 1.")
        step = s.steps[n - 1]
        who = "The US" if step.player == 0 else "North Korea"
        compare = " and ".join(f"{m} {val:+.2f}" for m, val in step.values.items())
        text = (f"Step {n} of {len(s.steps)}: at '{step.node}' {who} compares {compare} (for "
                f"itself, with play below already solved) and picks {step.choice}.")
        if n == len(s.steps):
            end = s.steps[0].values
            credible = "credible" if s.steps[0].choice == "fight" else "not credible"
            text += (f" Subgame-perfect equilibrium: {' → '.join(s.path)}, ending at "
                     f"'{s.outcome}' with payoffs US {s.payoffs[0]:+.2f}, North Korea "
                     f"{s.payoffs[1]:+.2f}. The threat to fight is {credible}: at the end "
                     f"fighting gives the US {end['fight']:+.2f}, backing down "
                     f"{end['back down']:+.2f}.")
        return text


class BayesExplorer(FastExplorer):
    """Bayes' rule with two types: North Korea sincere or stalling, and a halt to tests.

    Subclasses change the story through :attr:`types`, :attr:`signal` and :attr:`subject`
    (see :class:`MediatorExplorer`)."""

    title = "Bayes' rule: what a halt to tests says"
    plot_caption = ("Two bars of 100 cases: the top one split by type before any signal, the "
                    "bottom one keeping only the cases in which North Korea halts tests; the "
                    "sincere share of the bottom bar is the belief after the signal.")
    figsize = (7.4, 3.0)
    #: the two types, the signal (a verb phrase) and what the belief is about
    types = ("sincere", "stalling")
    signal = "halt tests"
    subject = "North Korea is sincere"
    #: one count of cases, in words
    case = "{n:.1f} are {kind} and {signal}"

    def make_controls(self) -> dict[str, Any]:
        return {
            "prior": slider("belief before, P(sincere)", 0.3, 0.0, 1.0, 0.05),
            "p_signal_if_a": slider("P(halt | sincere)", 0.9, 0.0, 1.0, 0.05),
            "p_signal_if_b": slider("P(halt | stalling)", 0.5, 0.0, 1.0, 0.05),
        }

    def compute(self, **v: Any) -> float | None:
        try:
            return bayes_posterior(v["prior"], v["p_signal_if_a"], v["p_signal_if_b"])
        except ValueError:
            return None  # a signal that cannot happen: the readout says so

    def draw(self, ax, result, v, artists):
        return plot_bayes(ax, v["prior"], v["p_signal_if_a"], v["p_signal_if_b"], result,
                          self.types, self.signal, artists)

    def describe(self, posterior: float | None, v) -> str:
        a_name, b_name = self.types
        if posterior is None:
            return (f"With these numbers no case has the signal ({self.signal}), so it cannot "
                    "happen and Bayes' rule gives no belief after it. Give it some chance.")
        a = 100 * v["prior"] * v["p_signal_if_a"]
        b = 100 * (1 - v["prior"]) * v["p_signal_if_b"]
        move = ("rises" if posterior > v["prior"] + 1e-9 else
                "falls" if posterior < v["prior"] - 1e-9 else "does not move")
        first = self.case.format(n=a, kind=a_name, signal=self.signal)
        second = self.case.format(n=b, kind=b_name, signal=self.signal)
        return (f"Of 100 cases, {first}; {second}. After the signal the belief that "
                f"{self.subject} is {a:.1f} ÷ "
                f"{a + b:.1f} = {posterior:.2f} (it was {v['prior']:.2f}): it {move}.")


class MediatorExplorer(BayesExplorer):
    """Lesson 9: what a mediator's advice to talk is worth to Washington (Bayes' rule applied
    to cheap talk, after Kydd 2003): the advice informs only as far as the mediator would give
    it more often when talks are worth it than when they are not."""

    title = "A mediator's advice: what is it worth?"
    plot_caption = ("Two bars of 100 cases: the top one split by whether talks are worth it, the "
                    "bottom one keeping only the cases in which the mediator advises talks; the "
                    "worth-it share of the bottom bar is Washington's belief after the advice.")
    types = ("worth it", "not worth it")
    signal = "advise talks"
    subject = "talks are worth it"
    case = "in {n:.1f} talks are {kind} and Seoul advises them"

    def make_controls(self) -> dict[str, Any]:
        return {
            "prior": slider("Washington's belief before, P(worth it)", 0.5, 0.0, 1.0, 0.05),
            "p_signal_if_a": slider("P(Seoul advises talks | worth it)", 1.0, 0.0, 1.0, 0.05),
            "p_signal_if_b": slider("P(Seoul advises talks | not worth it)", 1.0, 0.0, 1.0, 0.05),
        }


class DiscountExplorer(FastExplorer):
    """Discounting: what a payment of 1 every period is worth today."""

    title = "Discounting: the value of a stream"
    plot_caption = ("Bars of what each future payment of 1 is worth today, shrinking by δ each "
                    "period, with the running total (solid line) rising toward its limit "
                    "1/(1 − δ) (dashed line).")
    figsize = (7.4, 3.8)
    #: the legend over the lines keeps its inside (plots_tools.plot_discounting: opaque frame)
    kept_legends = ("legend",)
    #: the right axis's range moves with δ: its ticks are among the moving artists
    limits_move = True

    def make_controls(self) -> dict[str, Any]:
        return {
            "delta": slider("discount factor, δ", 0.9, 0.5, 0.98, 0.01),
            "periods": int_slider("periods counted, n", 10, 1, 60),
        }

    def make_axes(self, figure):
        ax = figure.add_subplot()
        self.ax_total = ax.twinx()
        return ax

    def compute(self, **v: Any) -> tuple[float, float]:
        return (present_value(1.0, v["delta"], v["periods"]), present_value(1.0, v["delta"]))

    def draw(self, ax, result, v, artists):
        return plot_discounting(ax, self.ax_total, v["delta"], v["periods"], artists=artists)

    def describe(self, result: tuple[float, float], v) -> str:
        first_n, forever = result
        return (f"A payment of 1 every period for {v['periods']} periods, starting today, is "
                f"worth {first_n:.2f} today at δ = {v['delta']:.2f}; forever it is worth "
                f"1/(1 − δ) = {forever:.2f}, so the first {v['periods']} periods hold "
                f"{first_n / forever:.0%} of it.")
