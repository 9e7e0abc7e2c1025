"""The crisis sandbox: one episode from 2017's brink to a deal or a breakdown, three mechanisms.

The student plays North Korea through three steps, each decided by one model:

1. **The brink (2017): unknown resolve.** The United States, not knowing what a war would cost
   North Korea (uniform on ``[0, c̄]``), makes the demand that is best on average
   (:func:`course_utils.models.risk_return_offer`). The student, who knows their own cost,
   steps back and talks on those terms or stands firm (a breakdown).
2. **The moratorium (2018): a costly signal.** The student learns whether this North Korea is
   sincere about a deal or stalling, and halts tests (at a cost) or keeps testing. The United
   States updates its belief as in :func:`course_utils.models.games_play.signal_posterior` and
   opens a staged deal only if it then thinks sincerity more likely than not.
3. **The staged deal: a commitment problem.** As in :class:`~.disarmament.DisarmamentGame`: the
   partner may renege with the chance :func:`~course_utils.models.games_play.renege_probability`
   gives at the leverage left.

Afterwards the game says which mechanism decided each episode.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import offer_outcome, risk_return_offer
from ..models.games_play import signal_posterior, staged_deal
from ._core import Action, Game, count, pct

__all__ = ["CrisisSandbox"]

MECHANISMS = ("unknown resolve", "the costly signal", "the commitment problem",
              "none: a deal held")
STEPS = ("brink", "moratorium", "deal")
TRUST = 0.5  # the United States opens a staged deal iff its belief in sincerity exceeds this


class CrisisSandbox(Game):
    """``episodes`` crises, each from the 2017 brink to a deal or a breakdown.

    Headless::

        game = CrisisSandbox(seed=2018)
        game.predict("unknown resolve")
        game.act("talk"); game.act("halt"); game.act("disarm"); game.act("stop")
    """

    title = "The crisis sandbox: from the brink to a deal?"
    question = "Which mechanism do you expect to decide how an episode ends?"
    options = MECHANISMS
    actions = (Action("talk", "Step back and talk"), Action("stand", "Stand firm"),
               Action("halt", "Halt tests"), Action("test", "Keep testing"),
               Action("disarm", "Disarm the next stage"), Action("stop", "Stop and keep the rest"))
    columns = ("episode", "step", "you_know", "choice", "model_choice", "result")

    def __init__(self, seed: int = 2018, episodes: int = 3, p: float = 0.5, cost_us: float = 0.1,
                 cost_nk_max: float = 0.5, prior: float = 0.5, value_sincere: float = 1.0,
                 value_stalling: float = 0.4, moratorium_cost: float = 0.6, stages: int = 4,
                 payment: float = 0.3, arsenal_value: float = 1.0, retaliation: float = 0.4,
                 reputation_max: float = 0.4):
        self.n = count("episodes", episodes, 20)
        self.brink = dict(p=p, cost_a=cost_us, cost_b_max=cost_nk_max)
        self.demand = risk_return_offer(**self.brink)  # validates the brink's parameters
        self.signal = dict(prior=prior, value_sincere=value_sincere,
                           value_stalling=value_stalling, cost=moratorium_cost)
        self.posteriors = {halted: signal_posterior(**self.signal, halted=halted)
                           for halted in (True, False)}  # validates the signal's parameters
        self.stages = count("stages", stages, 10)
        self.deal_model = staged_deal(stages, payment, arsenal_value, retaliation, reputation_max)
        self.payment, self.arsenal_value = float(payment), float(arsenal_value)
        self.intro = (f"You are North Korea, {self.n} times over, from the brink of 2017 to a deal "
                      "or a breakdown: first the United States makes a demand without knowing "
                      "your resolve; then you choose whether to halt tests, a costly signal; then "
                      "you disarm in stages for promised payments that may be reneged on.")
        super().__init__(seed)

    # ------------------------------------------------------------------ the game
    def _new_game(self, rng: np.random.Generator) -> None:
        draws = rng.uniform(size=(self.n, 2 + self.stages))
        self.resolve = tuple(float(u) * float(self.brink["cost_b_max"]) for u in draws[:, 0])
        self.sincere = tuple(bool(u < float(self.signal["prior"])) for u in draws[:, 1])
        self._renege_draws = draws[:, 2:]
        self.episode = 0
        self.step = 0           # index in STEPS
        self.done = 0           # stages completed in the staged deal
        self.results: list[dict[str, Any]] = []

    def available(self) -> tuple[str, ...]:
        if self.episode >= self.n:
            return ()
        return (("talk", "stand"), ("halt", "test"), ("disarm", "stop"))[self.step]

    def model_choice(self) -> str:
        """What the model advises North Korea now, given what it knows."""
        e = self.episode
        if self.step == 0:
            talks = 1.0 - float(self.demand.demand)
            war = 1.0 - float(self.brink["p"]) - self.resolve[e]
            return "talk" if talks >= war else "stand"
        if self.step == 1:
            value = self.signal["value_sincere" if self.sincere[e] else "value_stalling"]
            return "halt" if value >= self.signal["cost"] else "test"
        return "disarm" if self.done < self.deal_model.best_stages else "stop"

    def _know(self) -> str:
        e = self.episode
        if self.step == 0:
            return f"a war costs you {self.resolve[e]:.2f}"
        if self.step == 1:
            return "you are sincere" if self.sincere[e] else "you are stalling"
        return f"you keep {1 - self.done / self.stages:.0%} of the arsenal"

    def _log(self, choice: str, advised: str, result: str) -> None:
        self.history.append({"episode": self.episode + 1, "step": STEPS[self.step],
                             "you_know": self._know(), "choice": choice,
                             "model_choice": advised, "result": result})

    def _act(self, key: str, value: float | None) -> str:
        advised = self.model_choice()
        e = self.episode
        if self.step == 0:
            if key == "stand":
                self._log(key, advised, "breakdown")
                return ("You stood firm against the demand: the talks broke down at the brink."
                        + self._end("unknown resolve", "breakdown"))
            self._log(key, advised, "talks")
            self.step = 1
            return (f"You stepped back and accepted talks on the US terms ({1 - self.demand.demand:.2f}"
                    " for you).")
        if self.step == 1:
            belief = self.posteriors[key == "halt"]
            opened = belief > TRUST
            result = "deal offered" if opened else "no deal offered"
            self._log(key, advised, result)
            said = (f"You {'halted tests' if key == 'halt' else 'kept testing'}; the United States "
                    f"now thinks you sincere with probability {pct(belief)}, so it "
                    f"{'opens a staged deal' if opened else 'offers no deal'}.")
            if not opened:
                return said + self._end("the costly signal", "breakdown")
            self.step = 2
            return said
        if key == "stop":
            self._log(key, advised, "deal holds")
            return (f"You stopped after {self.done} stage{'s' if self.done != 1 else ''}: the deal "
                    "holds as far as it went." + self._end("none: a deal held", "deal"))
        stage = self.done + 1
        p = self.deal_model.p_renege[stage - 1]
        breach = bool(self._renege_draws[e, stage - 1] < p)
        self._log(key, advised, "reneged" if breach else "paid")
        said = (f"Stage {stage}: you disarmed to {1 - stage / self.stages:.0%}; the partner "
                f"reneges with probability {pct(p)} at that leverage and "
                f"{'reneged' if breach else 'paid'}.")
        if breach:
            return said + self._end("the commitment problem", "breakdown")
        self.done = stage
        if stage == self.stages:
            return said + " Fully disarmed and paid." + self._end("none: a deal held", "deal")
        return said

    def _end(self, mechanism: str, outcome: str) -> str:
        e = self.episode
        self.results.append({"episode": e + 1, "outcome": outcome, "decided_by": mechanism,
                             "resolve": round(self.resolve[e], 4), "sincere": self.sincere[e],
                             "stages": self.done})
        self.episode += 1
        self.step = 0
        self.done = 0
        why = ("nothing broke it" if mechanism == MECHANISMS[3] else f"decided by {mechanism}")
        said = f" Episode {e + 1} ends in a {outcome} ({why})."
        return said + ("" if self.episode >= self.n else f" Episode {self.episode + 1} begins.")

    # ------------------------------------------------------------------ the model's odds
    def ending_odds(self) -> dict[str, float]:
        """Chance that each mechanism decides an episode when North Korea follows the model."""
        p_war = float(self.demand.p_war)  # the most resolved refuse the demand
        sig = self.signal
        halts = [value >= sig["cost"] for value in (sig["value_sincere"], sig["value_stalling"])]
        prior = float(sig["prior"])
        p_opened = sum(w for w, h in ((prior, halts[0]), (1 - prior, halts[1]))
                       if self.posteriors[h] > TRUST)
        best = self.deal_model.best_stages
        breach = 1.0 - float(np.prod([1 - q for q in self.deal_model.p_renege[:best]]))
        reach = 1.0 - p_war
        return {MECHANISMS[0]: p_war, MECHANISMS[1]: reach * (1 - p_opened),
                MECHANISMS[2]: reach * p_opened * breach,
                MECHANISMS[3]: reach * p_opened * (1 - breach)}

    def model_answer(self) -> str:
        odds = self.ending_odds()
        return max(MECHANISMS, key=lambda m: odds[m])

    # ------------------------------------------------------------------ words
    def describe(self) -> str:
        if self.episode >= self.n:
            return f"All {self.n} episodes played."
        e = self.episode
        head = f"Episode {e + 1} of {self.n}. "
        if self.step == 0:
            c = self.resolve[e]
            war = 1.0 - float(self.brink["p"]) - c
            o = offer_outcome(self.demand.demand, **self.brink)
            return head + (
                f"The brink, 2017. Only you know your resolve: a war would cost you {c:.2f}; the "
                f"United States knows only that it lies between 0 and "
                f"{float(self.brink['cost_b_max']):.2f}, so it demands {self.demand.demand:.2f}, "
                f"the demand best for it on average, which the most resolved North Koreas (those "
                f"with a cost below {self.demand.demand - float(self.brink['p']):.2f}) refuse: "
                f"probability {pct(o.p_war)}. Talks on its terms give you "
                f"{1 - self.demand.demand:.2f}; standing firm gives you {war:.2f}. Step back and "
                f"talk, or stand firm?")
        if self.step == 1:
            kind = "sincere" if self.sincere[e] else "stalling"
            value = self.signal["value_sincere" if self.sincere[e] else "value_stalling"]
            return head + (
                f"The moratorium, 2018. You are {kind}: a deal is worth {value:.2f} to you; halting "
                f"tests costs {self.signal['cost']:.2f}. The United States cannot see your type; "
                f"it opens a staged deal only if, after what you do, it thinks you sincere with "
                f"probability above {TRUST:.0%}. Halt tests or keep testing?")
        k = self.done
        return head + (
            f"The staged deal. Stage {k + 1} of {self.stages}: you keep {1 - k / self.stages:.0%} "
            f"of the arsenal; each stage is worth {self.arsenal_value / self.stages:.2f} to you "
            f"and is promised {self.payment:.2f}; after the next stage the partner reneges with "
            f"probability {pct(self.deal_model.p_renege[k])}. Disarm the next stage, or stop and "
            f"keep the rest?")

    def confront(self) -> str:
        decided = {m: sum(r["decided_by"] == m for r in self.results) for m in MECHANISMS}
        yours = "; ".join(f"{m}: {decided[m]}" for m in MECHANISMS if decided[m])
        odds = self.ending_odds()
        followed = sum(r["choice"] == r["model_choice"] for r in self.history)
        best = self.deal_model.best_stages
        return (
            f"{self._predicted()} Across your {len(self.results)} episodes, what decided the "
            f"ending: {yours}. You chose as the model advises in {followed} of "
            f"{len(self.history)} decisions. The model says, for a North Korea that follows it: "
            + "; ".join(f"{m} {pct(odds[m])}" for m in MECHANISMS)
            + f", so the likeliest is {self.model_answer()}. Unknown resolve: a demand set for "
            f"the average North Korea is refused by the most resolved (Fearon, Rationalist "
            f"Explanations for War, 1995). The costly signal: halting tests costs more than a "
            f"stalling North Korea gains from a deal and less than a sincere one gains, so a halt "
            f"proves sincerity and testing ends the talks (Fearon 1997; Spence 1973). The "
            f"commitment problem: the model's deal stops after {best} of {self.stages} stages, "
            f"because beyond that the partner's promise is too likely to be broken to be worth "
            f"the arsenal it costs; a breach ends only {pct(odds[MECHANISMS[2]])} of episodes "
            f"because the deal is kept that small (Powell 2006).")

    def _summary(self) -> dict[str, Any]:
        return {"results": [dict(r) for r in self.results],
                "decided_by": [r["decided_by"] for r in self.results],
                "ending_odds": {m: float(v) for m, v in self.ending_odds().items()},
                "resolve": list(self.resolve), "sincere": list(self.sincere)}
