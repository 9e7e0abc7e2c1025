"""Chicken against a bot: dare or swerve, crisis after crisis, and count the crashes.

The student is the row player A (think of the United States in 2017), the bot is B (North
Korea). In each of two rounds the bot plays its mixed-equilibrium dare probability from
:func:`course_utils.models.chicken_asymmetric`; in round 2 the bot fears the crash more (a lower
crash payoff). Its own mix does not change, because an equilibrium mix is set by the *other*
side's payoffs (it keeps the other indifferent); what changes is the mix that keeps the bot
indifferent: the student's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import ChickenPayoffs, chicken_asymmetric, chicken_mixed, cumulative_risk
from ._core import Action, Game, count, pct

__all__ = ["ChickenGame"]

YOU = ChickenPayoffs(1.0, 0.0, -1.0, -4.0)
BOTS = (ChickenPayoffs(1.0, 0.0, -1.0, -4.0), ChickenPayoffs(1.0, 0.0, -1.0, -10.0))
OUTCOMES = {("dare", "dare"): "crash", ("dare", "swerve"): "you won",
            ("swerve", "dare"): "the bot won", ("swerve", "swerve"): "both swerved"}


class ChickenGame(Game):
    """Two rounds of ``crises`` games of chicken against a bot playing the equilibrium mix.

    Headless::

        game = ChickenGame(seed=2018)
        game.predict("about as often")
        while not game.over:
            game.act("swerve")
        game.summary()["crashes"]
    """

    title = "Chicken against a bot: dare or swerve?"
    question = ("In round 2 the bot fears a crash more than in round 1. Compared with round 1, "
                "how often will it dare?")
    options = ("more often", "about as often", "less often")
    actions = (Action("dare", "Dare"), Action("swerve", "Swerve"))
    columns = ("round", "crisis", "bot_crash_payoff", "you", "bot", "outcome", "your_payoff",
               "crashes_so_far")

    def __init__(self, seed: int = 2018, crises: int = 10, you: Any = YOU, bots: Any = BOTS):
        crises = count("crises", crises, 100)
        if len(bots) != 2:
            raise ValueError(f"bots must give two payoff tuples, one per round; got {len(bots)}")
        self.crises = int(crises)
        self.you = ChickenPayoffs(*you)
        self.bots = tuple(ChickenPayoffs(*b) for b in bots)
        for label, pay in (("you", self.you), ("bots[0]", self.bots[0]), ("bots[1]", self.bots[1])):
            try:
                chicken_mixed(*pay)  # checks temptation > reward > sucker > crash
            except ValueError as exc:
                raise ValueError(f"{label}: {exc}") from None
        # the model, once per round (it validates the payoffs)
        self.equilibria = tuple(chicken_asymmetric(self.you, b) for b in self.bots)
        me = self.you
        self.intro = (f"You are the United States in 2017, the bot is North Korea. In each of "
                      f"{self.crises} crises a round, both choose at once to dare or to swerve. "
                      f"Your payoffs: you dare and it swerves {me.temptation:+g}; both swerve "
                      f"{me.reward:+g}; you swerve and it dares {me.sucker:+g}; both dare, a crash, "
                      f"{me.crash:+g}. Two rounds; in round 2 the bot fears a crash more.")
        super().__init__(seed)

    # ------------------------------------------------------------------ the game
    def _new_game(self, rng: np.random.Generator) -> None:
        self._draws = rng.uniform(size=(2, self.crises))

    @property
    def round(self) -> int:
        """The round being played, 1 or 2 (2 once over)."""
        return min(len(self.history) // self.crises, 1) + 1

    def available(self) -> tuple[str, ...]:
        return () if len(self.history) >= 2 * self.crises else ("dare", "swerve")

    def bot_move(self, round_: int, crisis: int) -> str:
        """The bot's move in a crisis (1-based), fixed by the seed: dare iff the crisis's
        uniform draw is below the round's equilibrium dare probability."""
        p = self.equilibria[round_ - 1].p_dare_b
        return "dare" if self._draws[round_ - 1, crisis - 1] < p else "swerve"

    def _act(self, key: str, value: float | None) -> str:
        n = len(self.history)
        rnd, crisis = n // self.crises + 1, n % self.crises + 1
        bot = self.bot_move(rnd, crisis)
        outcome = OUTCOMES[key, bot]
        me = self.you
        payoff = {"crash": me.crash, "you won": me.temptation, "the bot won": me.sucker,
                  "both swerved": me.reward}[outcome]
        crashes = sum(r["outcome"] == "crash" for r in self.history) + (outcome == "crash")
        self.history.append({"round": rnd, "crisis": crisis,
                             "bot_crash_payoff": self.bots[rnd - 1].crash, "you": key, "bot": bot,
                             "outcome": outcome, "your_payoff": payoff, "crashes_so_far": crashes})
        return (f"Round {rnd}, crisis {crisis}: you chose {key}, the bot chose {bot}: "
                f"{outcome} (your payoff {payoff:+g}).")

    # ------------------------------------------------------------------ tallies
    def _rows(self, rnd: int) -> list[dict[str, Any]]:
        return [r for r in self.history if r["round"] == rnd]

    def tally(self, rnd: int) -> dict[str, int]:
        rows = self._rows(rnd)
        return {"crises": len(rows), "bot_dared": sum(r["bot"] == "dare" for r in rows),
                "you_dared": sum(r["you"] == "dare" for r in rows),
                "crashes": sum(r["outcome"] == "crash" for r in rows)}

    def describe(self) -> str:
        crashes = sum(r["outcome"] == "crash" for r in self.history)
        total = sum(r["your_payoff"] for r in self.history)
        played = len(self.history)
        so_far = (f"Crashes so far: {crashes} in {played} {'crisis' if played == 1 else 'crises'}; "
                  f"your total payoff {total:+g}.")
        if self.over:
            return "Game over. " + so_far
        rnd = self.round
        crisis = played % self.crises + 1
        bot = self.bots[rnd - 1]
        fear = "" if rnd == 1 else " This bot fears a crash more: a crash costs it "\
                                   f"{-bot.crash:g} instead of {-self.bots[0].crash:g}."
        return f"Round {rnd} of 2, crisis {crisis} of {self.crises}.{fear} Dare or swerve? " + so_far

    def model_answer(self) -> str:
        a, b = (eq.p_dare_b for eq in self.equilibria)
        return "about as often" if abs(a - b) < 1e-12 else ("more often" if b > a else "less often")

    def risk_at_equilibrium(self) -> float:
        """Chance of at least one crash over both rounds if both sides play the equilibrium."""
        safe = 1.0
        for eq in self.equilibria:
            safe *= 1.0 - cumulative_risk(eq.p_crash, self.crises)
        return 1.0 - safe

    def confront(self) -> str:
        e1, e2 = self.equilibria
        t1, t2 = self.tally(1), self.tally(2)
        crashes = t1["crashes"] + t2["crashes"]
        return (
            f"{self._predicted()} Across your rounds the bot dared in {t1['bot_dared']} of "
            f"{t1['crises']} crises in round 1 and in {t2['bot_dared']} of {t2['crises']} in round "
            f"2; you dared in {t1['you_dared']} and {t2['you_dared']}, and {crashes} "
            f"crash{'es' if crashes != 1 else ''} happened. The model (the mixed equilibrium) "
            f"says: the bot dares with probability {pct(e1.p_dare_b)} in round 1 and "
            f"{pct(e2.p_dare_b)} in round 2. Each side's mix is the one that leaves the other "
            f"side indifferent, so it is set by the other side's payoffs: the bot's by yours, "
            f"which did not change. Fearing the crash more changes the mix of the side facing "
            f"the bot: yours, from {pct(e1.p_dare_a)} to {pct(e2.p_dare_a)} at equilibrium, and "
            f"so the chance of a crash in one crisis falls from {pct(e1.p_crash)} to "
            f"{pct(e2.p_crash)}. Against a bot playing its equilibrium mix, daring and swerving "
            f"earn you the same on average ({e1.payoff_a:+.2f} a crisis in round 1, "
            f"{e2.payoff_a:+.2f} in round 2): daring more only adds crashes. Brinkmanship "
            f"repeats this risk: played at equilibrium, {2 * self.crises} crises give a "
            f"{pct(self.risk_at_equilibrium())} chance of at least one crash, 1 - (1 - q)^n "
            f"per round (Schelling, The Strategy of Conflict, 1960, ch. 8).")

    def _summary(self) -> dict[str, Any]:
        t1, t2 = self.tally(1), self.tally(2)
        return {"rounds": [t1, t2], "crashes": t1["crashes"] + t2["crashes"],
                "your_total": float(sum(r["your_payoff"] for r in self.history)),
                "bot_p_dare": [float(e.p_dare_b) for e in self.equilibria],
                "your_equilibrium_p_dare": [float(e.p_dare_a) for e in self.equilibria],
                "p_crash_at_equilibrium": [float(e.p_crash) for e in self.equilibria],
                "risk_of_a_crash_at_equilibrium": float(self.risk_at_equilibrium())}
