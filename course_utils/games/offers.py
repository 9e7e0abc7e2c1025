"""Alternating offers under a deadline, against a bot that discounts the future.

The student (North Korea) and the bot (the United States) divide the gains of a deal, of size
1. Offers alternate; each offer that is refused costs a period, and a share agreed in period
``t`` is worth ``δ^(t-1)`` of it to its holder. After the last offer the talks end with nothing.
The bot plays the subgame-perfect strategy of :func:`course_utils.models.games_play.
deadline_bargaining` (it accepts exactly what waiting would give it, and offers exactly that);
each negotiation ends by showing the subgame-perfect path for its deadline and who moved last.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import rubinstein_shares
from ..models.games_play import DeadlinePath, deadline_bargaining
from ._core import Action, Game, Slider, count

__all__ = ["DeadlineGame"]

TOLERANCE = 1e-9  # the bot accepts an offer equal to what waiting would give it


class DeadlineGame(Game):
    """Several negotiations, each with its own deadline and first mover (drawn from the seed).

    Headless::

        game = DeadlineGame(seed=2018)
        game.predict("the side that makes the last offer")
        game.act("propose", 0.6)     # when it is your turn to propose: your share
        game.act("accept")           # when the bot has proposed
    """

    title = "Alternating offers under a deadline"
    question = "When the talks have a deadline, which side will get the bigger share?"
    options = ("the side that makes the first offer", "the side that makes the last offer",
               "the more patient side")
    actions = (Action("propose", "Propose this split"), Action("accept", "Accept the bot's offer"),
               Action("reject", "Reject the bot's offer"))
    slider = Slider("Your share in your offer", 0.0, 1.0, 0.01, 0.5)
    columns = ("negotiation", "deadline", "offer", "proposer", "your_share", "response",
               "your_value", "spe_your_share", "last_mover")

    def __init__(self, seed: int = 2018, negotiations: int = 3, delta_you: float = 0.9,
                 delta_bot: float = 0.8, deadlines: Any = None, you_first: Any = None):
        self.n = count("negotiations", negotiations, 10)
        for name, delta in (("delta_you", delta_you), ("delta_bot", delta_bot)):
            if isinstance(delta, bool) or not isinstance(delta, (int, float)) or not 0 < delta < 1:
                raise ValueError(f"{name} must lie in (0, 1), a discount factor; got {delta!r}")
        self.delta_you, self.delta_bot = float(delta_you), float(delta_bot)
        self._given = (deadlines, you_first)
        for name, given in (("deadlines", deadlines), ("you_first", you_first)):
            if given is not None and len(given) != self.n:
                raise ValueError(f"{name} must give one value per negotiation ({self.n}); got {len(given)}")
        if deadlines is not None and any(int(d) != d or not 1 <= d <= 20 for d in deadlines):
            raise ValueError(f"each deadline must be a whole number of offers from 1 to 20; got {list(deadlines)}")
        self.intro = (f"You are North Korea, the bot is the United States; you divide the gains of "
                      f"a deal, of size 1, over {self.n} negotiations. Offers alternate; each "
                      f"refused offer costs a period, and a share agreed later is worth less: "
                      f"{self.delta_you:g} a period to you, {self.delta_bot:g} to the bot. If the "
                      f"last offer before the deadline is refused, nobody gets anything.")
        super().__init__(seed)

    # ------------------------------------------------------------------ the game
    def _new_game(self, rng: np.random.Generator) -> None:
        deadlines, first = self._given
        drawn_d = rng.integers(2, 7, size=self.n)  # 2..6 offers
        drawn_f = rng.uniform(size=self.n) < 0.5
        self.deadlines = tuple(int(d) for d in (drawn_d if deadlines is None else deadlines))
        self.you_first = tuple(bool(f) for f in (drawn_f if first is None else first))
        self.paths = tuple(self._path(i) for i in range(self.n))
        self.current = 0      # index of the negotiation being played
        self.period = 0       # index of the offer being made in it
        self.pending: float | None = None  # the bot's offer to you, awaiting your answer
        self.results: list[dict[str, Any]] = []
        self._bot_turn()

    def _path(self, i: int) -> DeadlinePath:
        if self.you_first[i]:
            return deadline_bargaining(self.delta_you, self.delta_bot, self.deadlines[i])
        return deadline_bargaining(self.delta_bot, self.delta_you, self.deadlines[i])

    def _proposer(self, i: int, period: int) -> str:
        first = "you" if self.you_first[i] else "bot"
        return first if period % 2 == 0 else ("bot" if first == "you" else "you")

    def spe_your_share(self, i: int) -> float:
        path = self.paths[i]
        return path.first_share if self.you_first[i] else path.second_share

    def last_mover(self, i: int) -> str:
        return self._proposer(i, self.deadlines[i] - 1)

    def _bot_turn(self) -> None:
        """If the bot proposes now, put its subgame-perfect offer on the table."""
        if self.current < self.n and self._proposer(self.current, self.period) == "bot":
            self.pending = 1.0 - self.paths[self.current].proposer_share[self.period]

    def available(self) -> tuple[str, ...]:
        if self.current >= self.n:
            return ()
        return ("accept", "reject") if self.pending is not None else ("propose",)

    def _record(self, your_share: float, response: str) -> None:
        i = self.current
        agreed = response == "accepted"
        value = your_share * self.delta_you ** self.period if agreed else 0.0
        self.history.append({"negotiation": i + 1, "deadline": self.deadlines[i],
                             "offer": self.period + 1, "proposer": self._proposer(i, self.period),
                             "your_share": round(your_share, 4), "response": response,
                             "your_value": round(value, 4),
                             "spe_your_share": round(self.spe_your_share(i), 4),
                             "last_mover": self.last_mover(i)})

    def _act(self, key: str, value: float | None) -> str:
        i, t = self.current, self.period
        path = self.paths[i]
        if key == "propose":
            if value is None:
                raise ValueError("propose needs your share: act('propose', 0.6)")
            bot_share = 1.0 - value
            accepted = bot_share >= path.accept_at_least[t] - TOLERANCE
            self._record(value, "accepted" if accepted else "rejected")
            said = (f"Offer {t + 1}: you asked for {value:.2f}, leaving the bot {bot_share:.2f}; "
                    f"the bot {'accepted' if accepted else 'rejected'} (waiting is worth "
                    f"{path.accept_at_least[t]:.2f} to it now).")
        else:
            assert self.pending is not None
            accepted = key == "accept"
            self._record(self.pending, "accepted" if accepted else "rejected")
            said = (f"Offer {t + 1}: the bot offered you {self.pending:.2f} and you "
                    f"{'accepted' if accepted else 'rejected'}.")
        self.pending = None
        last = t + 1 >= self.deadlines[i]
        if accepted or last:
            row = self.history[-1]
            outcome = (f"a deal in offer {t + 1}, worth {row['your_value']:.2f} to you today"
                       if accepted else "no deal: the deadline passed (0 each)")
            self.results.append({"negotiation": i + 1, "deadline": self.deadlines[i],
                                 "agreed": accepted, "offer": t + 1,
                                 "your_share": row["your_share"] if accepted else 0.0,
                                 "your_value": row["your_value"],
                                 "spe_your_share": self.spe_your_share(i),
                                 "last_mover": self.last_mover(i)})
            said += f" Negotiation {i + 1} ends with {outcome}. " + self.spe_text(i)
            self.current += 1
            self.period = 0
        else:
            self.period += 1
        self._bot_turn()
        return said

    # ------------------------------------------------------------------ words
    def spe_text(self, i: int) -> str:
        path, t_max = self.paths[i], self.deadlines[i]
        steps = "; ".join(f"offer {t + 1} ({_who(self._proposer(i, t))}): the proposer keeps {v:.2f}"
                          for t, v in enumerate(path.proposer_share))
        return (f"Subgame-perfect path for a deadline of {t_max} offer{'s' if t_max > 1 else ''}, "
                f"solved backward from the last offer: {steps}. So the first offer is accepted at "
                f"once and you get {self.spe_your_share(i):.2f}; the last offer was "
                f"{_whose(self.last_mover(i))} to make.")

    def describe(self) -> str:
        if self.current >= self.n:
            return f"All {self.n} negotiations played."
        i, t = self.current, self.period
        deadline = self.deadlines[i]
        head = (f"Negotiation {i + 1} of {self.n}: the deadline is {deadline} offers, this is "
                f"offer {t + 1} of {deadline}; the last offer is {_whose(self.last_mover(i))} to "
                f"make. A share agreed now is worth {self.delta_you ** t:.2f} of its size to you "
                f"(your discount factor {self.delta_you:g} a period; the bot's is "
                f"{self.delta_bot:g}).")
        if self.pending is not None:
            return head + f" The bot offers you {self.pending:.2f}: accept or reject?"
        return head + " Your turn to propose: set your share with the slider, then propose."

    def model_answer(self) -> str:
        votes = dict.fromkeys(self.options, 0)
        patient = "you" if self.delta_you > self.delta_bot else "bot"
        for i in range(self.n):
            winner = "you" if self.spe_your_share(i) > 0.5 else "bot"
            votes[self.options[0]] += self._proposer(i, 0) == winner
            votes[self.options[1]] += self.last_mover(i) == winner
            votes[self.options[2]] += patient == winner and self.delta_you != self.delta_bot
        order = (self.options[1], self.options[2], self.options[0])
        return max(order, key=lambda o: votes[o])

    def confront(self) -> str:
        games = "; ".join(
            f"negotiation {r['negotiation']} (deadline {r['deadline']}, last offer "
            f"{_whose(r['last_mover'])}): "
            + (f"deal in offer {r['offer']}, your share {r['your_share']:.2f}, worth "
               f"{r['your_value']:.2f} today" if r["agreed"] else "no deal")
            + f"; the subgame-perfect share was {r['spe_your_share']:.2f}"
            for r in self.results)
        last_won = sum((r["spe_your_share"] > 0.5) == (r["last_mover"] == "you") for r in self.results)
        limit = rubinstein_shares(self.delta_you, self.delta_bot).proposer
        return (f"{self._predicted()} Across your negotiations: {games}. The model "
                f"(backward induction, Ståhl 1972; Rubinstein 1982) says: {self.model_answer()}. "
                f"The last offer is take-it-or-leave-it, so whoever makes it can claim everything "
                f"then, and each earlier offer only has to give the responder what waiting one "
                f"more offer would bring it, discounted. In {last_won} of {len(self.results)} "
                f"negotiations the side that moved last had the bigger share. Without a deadline "
                f"patience decides instead: as the first proposer, with no deadline, you would get "
                f"{limit:.2f}.")

    def _summary(self) -> dict[str, Any]:
        return {"deadlines": list(self.deadlines), "you_first": list(self.you_first),
                "results": [dict(r) for r in self.results],
                "spe_your_share": [float(self.spe_your_share(i)) for i in range(self.n)],
                "last_mover": [self.last_mover(i) for i in range(self.n)],
                "your_total_value": float(sum(r["your_value"] for r in self.results))}


def _who(side: str) -> str:
    return "you" if side == "you" else "the bot"


def _whose(side: str) -> str:
    return "yours" if side == "you" else "the bot's"
