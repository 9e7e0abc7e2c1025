"""Lesson 9: who holds the initiative (alternating offers, the moratorium signal, mediation)."""

from __future__ import annotations

from ..checks import Exercise, NumberQuestion, Question
from ..models import rubinstein_shares
from ..models.games import bayes_posterior

QUESTIONS: dict[str, Question | NumberQuestion] = {
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
    "freeze": Question(
        prompt=("Kim said North Korea would hold back tests during talks even if the US and South "
                "Korea went ahead with their military exercises (FPRI, March 2018), dropping the "
                "'freeze for freeze' that China had proposed in 2017. In the signaling model, why "
                "can that make the halt more informative?"),
        options={
            "a": "A halt with nothing in return costs Kim more, and only a cost above what "
                 "stalling is worth is one a stalling side would not pay.",
            "b": "Because a promise made in public is always believed.",
            "c": "It cannot: a halt is cheap talk whatever it costs.",
        },
        correct="a",
        hints={"b": "A public promise ties hands only if breaking it costs something; what moves "
                    "the belief in the signaling model is the cost c against V_T and V_S.",
               "c": "A halt is a costly action, not talk: the forgone tests are paid whatever "
                    "comes later. Cheap only if that cost is small."},
        explanation=("Dropping the demand raises the cost c of halting (nothing is received for "
                     "it). If c rises above V_T, what talks are worth to a stalling North Korea, "
                     "the halt separates the types; below V_T it still proves nothing. A US "
                     "suspension of exercises in return (which Trump announced after Singapore, "
                     "June 2018) would lower the cost again."),
    ),
    "agenda": Question(
        prompt=("The article says North Korea 'held the initiative' in 2018. This lesson's "
                "Rubinstein model and an agenda-setter model read that differently. Which reading "
                "gives the initiative real bargaining power when offers come quickly?"),
        options={
            "a": "Agenda-setting: the side that fixes the menu (what is on the table, in what "
                 "order) gets the best item the other will accept over the status quo.",
            "b": "Moving first in alternating offers: the first proposer keeps a large edge "
                 "however fast offers come.",
            "c": "Neither: initiative never matters in bargaining.",
        },
        correct="a",
        hints={"b": "The first-mover edge is one round of the responder's delay cost: what happens "
                    "to it as offers speed up?",
               "c": "An agenda setter facing a take-it-or-leave-it choice keeps all the surplus "
                    "over the other side's reversion point (lesson 4's ultimatum)."},
        explanation=("In Rubinstein's game the first mover's edge vanishes as offers speed up. An "
                     "agenda setter (Romer and Rosenthal 1978) is lesson 4's ultimatum proposer: "
                     "it picks, from the menu it writes, the deal that leaves the other side just "
                     "its reversion payoff (here, the armed status quo). Putting 'security "
                     "guarantees' and a freeze on the table, rather than an inventory of the "
                     "arsenal, is that kind of power."),
    ),
    "mediator_predict": Question(
        prompt=("Suppose Seoul would urge Washington to talk whatever it knew about Kim's "
                "intentions. When Seoul urges talks, how much should Washington's belief that "
                "talks are worth it move?"),
        options={"a": "A lot: Seoul knows Pyongyang better", "b": "Not at all",
                 "c": "A little"},
        expected="b",
        explanation=("Advice given whatever the truth is given with the same probability when "
                     "talks are worth it and when they are not, so Bayes' rule leaves the belief "
                     "where it was. Advice informs only if the mediator would sometimes advise "
                     "against talks: that is why Kydd's credible mediator leans toward the side "
                     "it advises (it would warn it off a bad deal)."),
    ),
    "mediator_number": NumberQuestion(
        prompt=("Washington thinks talks are worth it with probability 0.5. Seoul urges talks with "
                "probability 0.9 when they are worth it and 0.3 when they are not. Seoul urges "
                "talks. What should Washington believe now?"),
        answer=float(bayes_posterior(0.5, 0.9, 0.3)),
        mistakes=((0.9, "0.9 is the chance of the advice given that talks are worth it, not the "
                        "chance that talks are worth it given the advice."),
                  (0.45, "0.45 = 0.5 × 0.9 is 'worth it and advised'; divide by the chance of "
                         "advice at all, 0.45 + 0.15.")),
        hint="Lesson 4's Bayes' rule: 0.5 × 0.9 / (0.5 × 0.9 + 0.5 × 0.3).",
        explanation="0.45 / 0.60 = 0.75: informative advice, because Seoul would often say no.",
    ),
}


EXERCISES = {
    "rubinstein": Exercise(
        prompt=("Write first_share(delta_p, delta_r): the first proposer's share in Rubinstein's "
                "game, delta_p the proposer's discount factor and delta_r the responder's."),
        reference=lambda delta_p, delta_r: rubinstein_shares(delta_p, delta_r).proposer,
        cases=({"delta_p": 0.9, "delta_r": 0.9}, {"delta_p": 0.95, "delta_r": 0.8},
               {"delta_p": 0.6, "delta_r": 0.9}),
        mistakes=((lambda delta_p, delta_r: (1 - delta_p) / (1 - delta_p * delta_r),
                   "That uses the proposer's own patience on top; it is the responder's delay "
                   "cost, 1 − δ_R, that the proposer can charge for."),
                  (lambda delta_p, delta_r: 1 / (1 + delta_r),
                   "That is the equal-patience formula; with two discount factors the "
                   "denominator is 1 − δ_P·δ_R.")),
        explanation=("x_P = (1 − δ_R)/(1 − δ_P δ_R), from x_P = 1 − δ_R·x_R and x_R = 1 − δ_P·x_P "
                     "(each proposer offers the responder what it would keep by proposing next, "
                     "discounted once)."),
    ),
}
