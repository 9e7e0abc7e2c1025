"""Lesson 9: who holds the initiative (alternating offers, the moratorium signal, mediation)."""

from __future__ import annotations

from ..checks import Question

QUESTIONS = {
    # ------------------------------------------------------------------ predictions
    "initiative": Question(
        prompt=("Two sides equally impatient take turns making offers; each round of delay costs "
                "both. Who ends up with more?"),
        options={"a": "The side that makes the first offer", "b": "The side that answers first",
                 "c": "They split it evenly"},
        expected="a",
        explanation=("The first proposer gets more: (1 − δ)/(1 − δ²) = 1/(1 + δ) > ½. The edge "
                     "is the cost of the delay the responder would suffer by refusing, so it "
                     "shrinks as offers come faster. Patience then decides."),
    ),
    "moratorium": Question(
        prompt=("Kim promised to hold back nuclear and missile tests while talks go on (FPRI, "
                "March 2018). If stopping tests costs him little, how much should a halt change "
                "Washington's belief that he is sincere?"),
        options={"a": "A lot: he kept his word", "b": "Little or not at all",
                 "c": "It should make Washington more suspicious"},
        expected="b",
        explanation=("A signal persuades only if a stalling type would not send it. When halting "
                     "is cheap, a staller halts too (a pooling equilibrium) and the belief stays "
                     "where it was. Only a halt that costs more than stalling is worth, but not "
                     "more than a real deal, separates the types."),
    ),
    # ------------------------------------------------------------------ checks
    "shares": Question(
        prompt=("Both sides discount each round by δ = 0.9. What share does the first proposer "
                "get in Rubinstein's game?"),
        options={"a": "0.500", "b": "0.526", "c": "0.900", "d": "0.474"},
        correct="b",
        hints={"a": "Equal patience does not mean an equal split: who moves first matters.",
               "c": "The responder would refuse 0.1 and get (almost) 0.5 a round later.",
               "d": "That is the responder's share."},
        explanation="(1 − 0.9)/(1 − 0.81) = 0.1/0.19 = 0.526; the responder gets 0.474.",
    ),
    "patience": Question(
        prompt=("North Korea proposes first. Its impatience is r_NK = 0.05 per month and the "
                "US's r_US = 0.1. As the time between offers shrinks to zero, North Korea's "
                "share tends to..."),
        options={"a": "1/3", "b": "1/2", "c": "2/3", "d": "1"},
        correct="c",
        hints={"a": "The more patient side (lower r) gets the larger share.",
               "b": "With fast offers, the first-mover edge vanishes, but patience still counts.",
               "d": "Even a very patient side must leave the other something it would accept."},
        explanation=("The limit is r_US/(r_NK + r_US) = 0.1/0.15 = 2/3: the more patient side gets "
                     "more, whoever proposes first. A regime that can wait out sanctions gains "
                     "bargaining power."),
    ),
    "signal": Question(
        prompt=("Belief that North Korea is sincere: 0.3. A sincere North Korea values a deal at "
                "1.0, a stalling one at 0.4, and a test moratorium costs 0.2. After a halt, "
                "what should observers believe?"),
        options={"a": "1.0: only a sincere side halts", "b": "0.3: a halt proves nothing",
                 "c": "0.0: only a staller halts"},
        correct="b",
        hints={"a": "Would a stalling North Korea, which values talks at 0.4, pay 0.2 to halt?",
               "c": "A sincere side values the deal even more than a staller does: it halts too."},
        explanation=("The cost 0.2 is below what even a staller gets from talks (0.4): both types "
                     "halt, so the halt is cheap talk and the belief stays at the prior 0.3."),
    ),
    "mediator": Question(
        prompt=("South Korea is a US ally. In Kydd's model a mediator's advice to make a "
                "concession is believed only by the side the mediator leans toward. Where is "
                "Seoul's advice credible?"),
        options={"a": "Washington's: Seoul telling the US that talks are worth it",
                 "b": "Pyongyang's: Seoul telling the North to concede",
                 "c": "Both equally"},
        correct="a",
        hints={"b": "A mediator biased against you has a reason to urge you to concede whatever "
                    "the truth: its advice tells you nothing.",
               "c": "Bias makes advice credible only to one side: the side the mediator favours."},
        explanation=("An ally has no reason to push Washington into a bad deal, so when Seoul says "
                     "Kim is worth meeting, Washington can believe it. Advice from Seoul to "
                     "Pyongyang carries less weight, so Seoul's leverage over the North is "
                     "limited."),
    ),
}
