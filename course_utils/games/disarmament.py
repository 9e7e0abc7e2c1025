"""The disarmament deal: North Korea disarms in stages for promised payments.

The student plays North Korea against several partners in turn. At each stage they give up a
quarter of the arsenal (or stop and keep the rest); the partner then pays or reneges, with the
chance :func:`course_utils.models.games_play.renege_probability` gives at the leverage left.
A breach ends the deal, and what was given up stays given up. The closing screen reads the
commitment problem off the student's own history.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models.games_play import staged_deal
from ._core import Action, Game, count, pct

__all__ = ["DisarmamentGame"]


class DisarmamentGame(Game):
    """``deals`` staged deals of ``stages`` stages each against partners that may renege.

    North Korea's payoff in a deal is ``arsenal_value × (share of the arsenal kept) +
    payments received``; keeping everything is worth ``arsenal_value``.

    Headless::

        game = DisarmamentGame(seed=2018)
        game.predict("1 stage")
        game.act("disarm"); game.act("stop")
    """

    title = "The disarmament deal: how far do you trust a promise?"
    question = "Playing North Korea, how many of the stages is it worth disarming?"
    actions = (Action("disarm", "Disarm the next stage"), Action("stop", "Stop and keep the rest"))
    columns = ("deal", "stage", "choice", "arsenal_kept", "p_renege", "partner", "payments",
               "payoff_if_ended_now")

    def __init__(self, seed: int = 2018, deals: int = 5, stages: int = 4, payment: float = 0.3,
                 arsenal_value: float = 1.0, retaliation: float = 0.4, reputation_max: float = 0.4):
        self.n_deals, self.stages = count("deals", deals, 20), count("stages", stages, 10)
        self.params = dict(payment=payment, arsenal_value=arsenal_value, retaliation=retaliation,
                           reputation_max=reputation_max)
        self.model = staged_deal(self.stages, **self.params)  # validates the parameters
        self.options = tuple("none" if k == 0 else f"{k} stage{'s' if k > 1 else ''}"
                             for k in range(self.stages + 1))
        self.intro = (f"You are North Korea. In each of {self.n_deals} deals, with a new partner "
                      f"each time, you may give up your arsenal in {self.stages} stages, each for "
                      f"a promised payment of {float(payment):g}; the whole arsenal is worth "
                      f"{float(arsenal_value):g} to you. After each stage the partner pays or "
                      f"reneges; a breach ends the deal, and what you gave up stays given up.")
        super().__init__(seed)

    # ------------------------------------------------------------------ the game
    def _new_game(self, rng: np.random.Generator) -> None:
        self._draws = rng.uniform(size=(self.n_deals, self.stages))
        self.deal = 0          # index of the deal being played
        self.done = 0          # stages completed (paid) in it
        self.results: list[dict[str, Any]] = []

    def available(self) -> tuple[str, ...]:
        return () if self.deal >= self.n_deals else ("disarm", "stop")

    def partner_reneges(self, deal: int, stage: int) -> bool:
        """Whether the partner of ``deal`` (1-based) reneges at ``stage`` (1-based), fixed by
        the seed: iff the draw is below the model's probability at that stage."""
        return bool(self._draws[deal - 1, stage - 1] < self.model.p_renege[stage - 1])

    def _payoff(self, kept: float, payments: float) -> float:
        return float(self.params["arsenal_value"]) * kept + payments

    def _act(self, key: str, value: float | None) -> str:
        d, k = self.deal + 1, self.done
        pay = float(self.params["payment"])
        if key == "stop":
            kept = 1.0 - k / self.stages
            payoff = self._payoff(kept, k * pay)
            self.history.append({"deal": d, "stage": k, "choice": "stop", "arsenal_kept": kept,
                                 "p_renege": "", "partner": "", "payments": k * pay,
                                 "payoff_if_ended_now": payoff})
            said = (f"Deal {d}: you stopped after {k} stage{'s' if k != 1 else ''}, keeping "
                    f"{kept:.0%} of the arsenal; payoff {payoff:.2f}.")
            return said + self._end_deal(k, "stopped", kept, payoff)
        stage = k + 1
        kept = 1.0 - stage / self.stages
        p = self.model.p_renege[stage - 1]
        breach = self.partner_reneges(d, stage)
        payments = k * pay + (0.0 if breach else pay)
        payoff = self._payoff(kept, payments)
        self.history.append({"deal": d, "stage": stage, "choice": "disarm", "arsenal_kept": kept,
                             "p_renege": round(p, 4), "partner": "reneged" if breach else "paid",
                             "payments": round(payments, 4), "payoff_if_ended_now": round(payoff, 4)})
        said = (f"Deal {d}, stage {stage}: you gave up another {1 / self.stages:.0%}, keeping "
                f"{kept:.0%}; with that leverage the partner reneges with probability {pct(p)}, "
                f"and it {'reneged: no payment, and the deal is over' if breach else f'paid {pay:.2f}'}.")
        if breach:
            return said + self._end_deal(stage, "reneged", kept, payoff)
        self.done = stage
        if stage == self.stages:
            return said + self._end_deal(stage, "completed", kept, payoff)
        return said

    def _end_deal(self, stages: int, how: str, kept: float, payoff: float) -> str:
        self.results.append({"deal": self.deal + 1, "stages": stages, "end": how,
                             "arsenal_kept": kept, "payoff": round(payoff, 4)})
        self.deal += 1
        self.done = 0
        return "" if self.deal >= self.n_deals else f" Deal {self.deal + 1} begins with a new partner."

    # ------------------------------------------------------------------ words
    def describe(self) -> str:
        if self.deal >= self.n_deals:
            return f"All {self.n_deals} deals played."
        k = self.done
        nxt = self.model.p_renege[k]
        return (f"Deal {self.deal + 1} of {self.n_deals}, stage {k + 1} of {self.stages}: you "
                f"keep {1 - k / self.stages:.0%} of the arsenal and have been paid "
                f"{k * float(self.params['payment']):.2f}. Each stage gives up "
                f"{1 / self.stages:.0%} (worth {float(self.params['arsenal_value']) / self.stages:.2f} "
                f"to you) for a promised {float(self.params['payment']):.2f}; after the next "
                f"stage the partner would renege with probability {pct(nxt)}. Disarm the next "
                f"stage, or stop and keep the rest?")

    def model_answer(self) -> str:
        return self.options[self.model.best_stages]

    def confront(self) -> str:
        m = self.model
        n = len(self.results)
        mean_stages = sum(r["stages"] for r in self.results) / n
        breaches = [r for r in self.results if r["end"] == "reneged"]
        where = (", ".join(f"deal {r['deal']} at stage {r['stages']} ({r['arsenal_kept']:.0%} "
                           f"of the arsenal left)" for r in breaches) or "never")
        mean_payoff = sum(r["payoff"] for r in self.results) / n
        ladder = ", ".join(f"{pct(q)} with {a:.0%} left" for a, q in zip(m.leverage, m.p_renege,
                                                                         strict=True))
        best = m.best_stages
        return (f"{self._predicted()} Across your {n} deals you disarmed {mean_stages:.1f} stages "
                f"on average; partners reneged {len(breaches)} time{'s' if len(breaches) != 1 else ''}"
                f" ({where}); your average payoff was {mean_payoff:.2f}, against "
                f"{m.value_if_stop[0]:.2f} for keeping the whole arsenal. The model says: "
                f"{self.model_answer()}. The partner's chance of reneging rises as your leverage "
                f"falls ({ladder}), so a stage is worth its price only while enough arsenal is "
                f"left to punish a breach: stopping after {best} stage{'s' if best != 1 else ''} "
                f"gives the best expected payoff, {m.value_if_stop[best]:.2f}, and going all the "
                f"way meets a breach with probability {pct(m.p_breach_full)}. That is the "
                f"commitment problem: a promise to pay later is believable only while the side it "
                f"was made to can still punish a breach (Powell, War as a Commitment Problem, "
                f"2006). It is one reason the FPRI article (March 2018) doubts that Kim would "
                f"put his faith in a peace treaty.")

    def _summary(self) -> dict[str, Any]:
        m = self.model
        return {"results": [dict(r) for r in self.results],
                "breaches": sum(r["end"] == "reneged" for r in self.results),
                "mean_payoff": (float(np.mean([r["payoff"] for r in self.results]))
                                if self.results else None),
                "p_renege": [float(q) for q in m.p_renege],
                "best_stages": int(m.best_stages),
                "best_expected_payoff": float(m.value_if_stop[m.best_stages])}
