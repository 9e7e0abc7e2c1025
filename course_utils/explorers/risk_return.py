"""Lesson 5 explorers: private information and the risk-return trade-off.

The US makes a take-it-or-leave-it demand ``x``; North Korea's cost of breakdown is private,
uniform on ``[0, c̄]``. :class:`RiskReturnExplorer` shows what every demand earns and risks;
:class:`NegotiationGame` lets the student play the negotiator, round after round, against
counterparts whose type is drawn at random and revealed only after the offer is made.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import models, plots
from ._fast import FastExplorer

DEMANDS = np.linspace(0.0, 1.0, 201)


def _slider(w, value: float, description: str, lo: float = 0.0, hi: float = 1.0,
            step: float = 0.01):
    return w.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                         readout_format=".2f", style={"description_width": "17em"},
                         layout=w.Layout(width="38em"))


class RiskReturnView(NamedTuple):
    """Every demand's outcome, the chosen demand's and the best one's."""

    curve: models.Offer    # arrays over DEMANDS
    chosen: models.Offer
    best: models.Offer


class RiskReturnExplorer(FastExplorer):
    """Move the demand and the uncertainty; see the expected payoff and the risk of breakdown."""

    title = "The risk-return trade-off: how much to ask for?"
    plot_caption = ("Top: the US expected payoff of every demand, with the chosen demand and "
                    "the best demand marked. Bottom: the risk of breakdown of every demand, "
                    "with the same two demands marked.")
    figsize = (7.2, 4.6)

    def make_controls(self) -> dict[str, Any]:
        w = self._w
        return {
            "demand": _slider(w, 0.6, "x: US demand"),
            "p": _slider(w, 0.5, "p: US chance of winning a war"),
            "cost_us": _slider(w, 0.1, "US cost of war", hi=0.5),
            "cost_nk_max": _slider(w, 0.5, "c̄: NK's cost of war is at most", lo=0.05, hi=1.0),
        }

    def make_axes(self, figure):
        return tuple(figure.subplots(2, 1, sharex=True))

    def compute(self, demand: float, p: float, cost_us: float, cost_nk_max: float) -> RiskReturnView:
        return RiskReturnView(models.offer_outcome(DEMANDS, p, cost_us, cost_nk_max),
                              models.offer_outcome(demand, p, cost_us, cost_nk_max),
                              models.risk_return_offer(p, cost_us, cost_nk_max))

    def draw(self, ax, result: RiskReturnView, values, artists):
        return plots.plot_risk_return(ax, result.curve, result.chosen, result.best, artists)

    def describe(self, result: RiskReturnView, values) -> str:
        c, b = result.chosen, result.best
        text = (f"Demanding x = {c.demand:.2f} risks breakdown with probability {c.p_war:.0%} and "
                f"gives the US an expected payoff of {c.expected_utility:.3f}. The best demand is "
                f"x* = {b.demand:.2f}: it risks breakdown with probability {b.p_war:.0%} for an "
                f"expected payoff of {b.expected_utility:.3f}.")
        if abs(c.demand - b.demand) < 0.005:
            return text + " You are at the best demand."
        more = "more" if c.demand > b.demand else "less"
        return text + f" You ask for {more} than the best demand and expect "\
                      f"{b.expected_utility - c.expected_utility:.3f} less."


class Round(NamedTuple):
    """One round of the negotiation game, as revealed after the offer."""

    demand: float
    p_war: float           # breakdown risk of the demand, shown before committing
    nk_cost: float         # the counterpart's hidden cost of war, revealed afterwards
    outcome: str           # "deal" or "breakdown"
    payoff: float          # what the US got this round
    best_payoff: float     # what the best demand would have got against the same counterpart


class GameView(NamedTuple):
    """The state of the game: the offer on the table and the rounds played."""

    preview: models.Offer  # the demand on the table (not yet committed)
    curve: models.Offer    # breakdown risk over DEMANDS
    best: models.Offer     # the best demand (hidden from the player until the end)
    rounds: tuple[Round, ...]


class NegotiationGame(FastExplorer):
    """Play the negotiator: each round, choose a demand, see its breakdown risk, commit.

    Each round a new counterpart is drawn (seeded, so a class can replay the same game): its
    cost of war is uniform on ``[0, cost_nk_max]`` and it accepts iff that cost is at least
    ``demand - p``. The score compares your total with what the best demand ``x*`` would have
    earned against the same counterparts.

    Headless::

        game = NegotiationGame(seed=7)
        game.set(demand=0.75)   # preview: game.state["result"].preview.p_war
        game.commit()           # play the round; returns the Round
    """

    title = "Negotiation game: what will this Kim accept?"
    plot_caption = ("Top: the risk of breakdown of every demand, with the demand on the slider marked. "
                    "Bottom: your running score over the rounds played against the score of the best "
                    "demand.")
    figsize = (7.2, 4.8)

    def __init__(self, seed: int = 2018, rounds: int = 5, p: float = 0.5, cost_us: float = 0.1,
                 cost_nk_max: float = 0.5, **initial: Any):
        if int(rounds) < 1:
            raise ValueError(f"rounds must be at least 1; got {rounds}")
        self.params = dict(p=p, cost_a=cost_us, cost_b_max=cost_nk_max)
        self.best = models.risk_return_offer(p, cost_us, cost_nk_max)  # validates the parameters
        # what the US gets when talks break down: its war payoff (North Korea's cost is drawn)
        self.war_payoff = float(models.war_payoffs(p, cost_us, 0.0).a)
        self.n_rounds = int(rounds)
        self.seed = seed
        self._draws = np.random.default_rng(seed).uniform(size=self.n_rounds)
        self.rounds: list[Round] = []
        super().__init__(**initial)
        w = self._w
        self.button = w.Button(description="Make this offer", button_style="primary",
                               tooltip="Commit to the demand on the slider and see the outcome")
        self.button.on_click(lambda _b: self.commit())
        self.history = w.HTML(self._history_html())

    def make_controls(self) -> dict[str, Any]:
        return {"demand": _slider(self._w, 0.6, "Your demand x")}

    def make_axes(self, figure):
        return tuple(figure.subplots(2, 1, height_ratios=(1, 1)))

    # ------------------------------------------------------------------ the game
    @property
    def over(self) -> bool:
        """True once every round has been played."""
        return len(self.rounds) >= self.n_rounds

    def commit(self) -> Round:
        """Make the offer now on the slider: draw the outcome of this round and record it."""
        if self.over:
            raise ValueError(f"the game is over after {self.n_rounds} rounds; call reset() to play again")
        demand = float(self.controls["demand"].value)
        offer = models.offer_outcome(demand, **self.params)
        # this counterpart's cost of war, uniform on [0, c̄]
        nk_cost = float(self._draws[len(self.rounds)]) * self.params["cost_b_max"]
        deal = models.offer_accepted(demand, self.params["p"], nk_cost)
        best_deal = models.offer_accepted(self.best.demand, self.params["p"], nk_cost)
        rnd = Round(demand, float(offer.p_war), nk_cost, "deal" if deal else "breakdown",
                    demand if deal else self.war_payoff,
                    float(self.best.demand) if best_deal else self.war_payoff)
        self.rounds.append(rnd)
        self.update()
        return rnd

    def reset(self, seed: int | None = None) -> None:
        """Start again (with a new seed if given: new counterparts)."""
        if seed is not None:
            self.seed = seed
        self._draws = np.random.default_rng(self.seed).uniform(size=self.n_rounds)
        self.rounds = []
        self.update()

    # ------------------------------------------------------------------ explorer parts
    def compute(self, demand: float) -> GameView:
        return GameView(models.offer_outcome(demand, **self.params),
                        models.offer_outcome(DEMANDS, **self.params), self.best, tuple(self.rounds))

    def draw(self, ax, result: GameView, values, artists):
        top, bottom = ax
        if artists is None:
            artists = {}
        artists["risk"] = plots.plot_breakdown(top, result.curve, result.preview,
                                               artists.get("risk"))
        # the score axis spans every possible total, so it never needs rescaling
        worst = min(0.0, self.n_rounds * self.war_payoff)
        artists["score"] = plots.plot_score(bottom, self.n_rounds,
                                            [r.payoff for r in result.rounds],
                                            [r.best_payoff for r in result.rounds],
                                            [r.outcome for r in result.rounds],
                                            artists.get("score"), ylim=(worst, self.n_rounds))
        return artists

    def describe(self, result: GameView, values) -> str:
        x = result.preview
        played = len(result.rounds)
        you = sum(r.payoff for r in result.rounds)
        best = sum(r.best_payoff for r in result.rounds)
        if played < self.n_rounds:
            head = (f"Round {played + 1} of {self.n_rounds}: a demand of {x.demand:.2f} would break "
                    f"the talks with probability {x.p_war:.0%} (a deal otherwise).")
        else:
            head = (f"Game over. The best demand was x* = {self.best.demand:.2f} (breakdown risk "
                    f"{self.best.p_war:.0%}, expected payoff {self.best.expected_utility:.3f} a round).")
        if not played:
            return head + " No offer made yet."
        last = result.rounds[-1]
        return (head + f" Last round: you asked {last.demand:.2f}; this counterpart's cost of war "
                f"was {last.nk_cost:.2f}, so the result was a {last.outcome} and you got "
                f"{last.payoff:.2f}. Score after {played} round{'s' if played > 1 else ''}: "
                f"{you:.2f}; the best demand would have scored {best:.2f}.")

    def update(self) -> None:
        super().update()
        if hasattr(self, "button"):
            self.button.disabled = self.over
            self.history.value = self._history_html()

    def _history_html(self) -> str:
        if not self.rounds:
            return ""
        cell = "<td style='padding:0 0.8em;text-align:right'>{}</td>"
        rows = "".join("<tr>" + "".join(cell.format(v) for v in (
                           i, f"{r.demand:.2f}", f"{r.p_war:.0%}", f"{r.nk_cost:.2f}", r.outcome,
                           f"{r.payoff:.2f}", f"{r.best_payoff:.2f}")) + "</tr>"
                       for i, r in enumerate(self.rounds, start=1))
        head = "".join(f"<th style='padding:0 0.8em'>{h}</th>" for h in (
            "round", "your demand", "breakdown risk", "counterpart's cost of war", "outcome",
            "your payoff", "best demand's payoff"))
        return (f"<table><caption>Rounds played</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{rows}</tbody></table>")

    @property
    def widget(self):
        if self._widget is None:
            box = super().widget
            header, controls, image, readout, helper = box.children
            box.children = (header, self._w.HBox([controls, self.button]), image, readout,
                            self.history, helper)
        return self._widget

    def close(self) -> None:
        self.button.close()
        self.history.close()
        super().close()
