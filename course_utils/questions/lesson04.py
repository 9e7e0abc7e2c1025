"""Lesson 4: the solver's toolkit (Nash equilibrium, backward induction, Bayes' rule, discounting)."""

from __future__ import annotations

from ..checks import Exercise, NumberQuestion, Question
from ..models.games import bayes_posterior, inspection_game, mixed_equilibrium, present_value, ultimatum_offer

_INSPECT = mixed_equilibrium(*inspection_game(2.0, 2.0, 0.3, 1.2))
assert _INSPECT is not None

QUESTIONS: dict[str, Question | NumberQuestion] = {
    # ------------------------------------------------------------------ predictions
    "penalty": Question(
        prompt=("In the inspection game North Korea may cheat on a deal and the US may inspect. "
                "Suppose the penalty North Korea pays when caught doubles. In the equilibrium in "
                "which both sides mix, how often does North Korea cheat?"),
        options={"a": "Less often: cheating got more dangerous",
                 "b": "Exactly as often as before",
                 "c": "More often"},
        expected="b",
        explanation=("North Korea's chance of cheating is whatever leaves the US indifferent "
                     "between inspecting and trusting, so it depends only on the US's payoffs "
                     "(cost of an inspection ÷ loss from undetected cheating). The harsher "
                     "penalty changes the US's mix instead: the US inspects less, just enough to "
                     "keep North Korea indifferent again."),
    ),
    "audience": Question(
        prompt=("In the crisis game the US pays an audience cost a if it threatens and then "
                "backs down. Starting from a = 0.10 (North Korea challenges and the US concedes), "
                "what happens when a rises to 0.40?"),
        options={"a": "Nothing changes: talk is cheap",
                 "b": "North Korea keeps quiet: the US threat has become credible",
                 "c": "The two sides go to war"},
        expected="b",
        explanation=("With a = 0.40 backing down costs the US more (−0.40) than fighting does "
                     "(0.20 − 0.50 = −0.30), so at its last decision the US would fight. North "
                     "Korea, for which war (−1) is worse than backing down (−0.5), would back down "
                     "when threatened; the US therefore threatens, and North Korea, foreseeing "
                     "all this, does not challenge. Solving from the end shows it; the threat is "
                     "never carried out."),
    ),
    "halt": Question(
        prompt=("Before any signal you think there is a 30% chance that North Korea is sincere. "
                "A sincere North Korea would halt its tests with probability 0.9, a stalling one "
                "with probability 0.5. North Korea halts. What is your belief now?"),
        options={"a": "About 27%", "b": "About 44%", "c": "About 90%"},
        expected="b",
        explanation=("Of 100 cases, 30 × 0.9 = 27 are sincere and halt, 70 × 0.5 = 35 are "
                     "stalling and halt; of the 62 that halt, 27 are sincere: 27/62 ≈ 0.44. The "
                     "halt is evidence, but weak evidence, because stalling types halt too."),
    ),
    "stream": Question(
        prompt=("A payment of 1 every period, starting today and lasting forever, with a "
                "discount factor δ = 0.9. What is the whole stream worth today?"),
        options={"a": "9", "b": "10", "c": "90", "d": "Infinitely much"},
        expected="b",
        explanation=("1 + 0.9 + 0.9² + ... = 1/(1 − 0.9) = 10: later payments shrink fast enough "
                     "for the sum to stay finite. (Starting next period instead of today gives "
                     "0.9/(1 − 0.9) = 9.)"),
    ),
    # ------------------------------------------------------------------ checks
    "cheat_rate": NumberQuestion(
        prompt=("Inspection game: an inspection costs the US 0.3 and undetected cheating costs it "
                "1.2; North Korea gains 2 from cheating undetected and loses 2 if caught. In the "
                "mixed equilibrium, with what probability does North Korea cheat?"),
        answer=_INSPECT.row,
        mistakes=((_INSPECT.col, "0.5 is the US's chance of inspecting, set by North Korea's "
                                 "payoffs. North Korea's own chance is set by the US's: "
                                 "what makes the US indifferent?"),
                  (0.3 / 1.5, "The US is indifferent when the expected loss from trusting, "
                              "(chance of cheating) × 1.2, equals the cost of inspecting, 0.3.")),
        hint=("Write the US's two expected payoffs given North Korea's chance s of cheating: "
              "inspecting gives −0.3, trusting −1.2·s. Set them equal."),
        explanation=("−0.3 = −1.2·s gives s = 0.3/1.2 = 0.25. North Korea's payoffs do not "
                     "enter: they fix the US's chance of inspecting, 2/(2 + 2) = 0.5."),
    ),
    "ultimatum": NumberQuestion(
        prompt=("The US makes North Korea a take-it-or-leave-it offer over an issue of size 1. "
                "War would give the US 0.6 in expectation and cost North Korea 0.15. What share "
                "x does the US keep in the subgame-perfect equilibrium?"),
        answer=float(ultimatum_offer(0.6, 0.15)),
        mistakes=((0.45, "0.45 = 0.6 − 0.15 is the least the US would accept (had war cost the "
                         "US 0.15). The proposer takes the top of the range: what leaves North "
                         "Korea exactly its war payoff?"),
                  (0.6, "0.6 would leave North Korea 0.4, more than war gives it (1 − 0.6 − 0.15 "
                        "= 0.25): the US can ask for more."),
                  (0.25, "0.25 is what North Korea keeps, not the US's share x.")),
        hint="North Korea accepts any x with 1 − x ≥ its war payoff 1 − 0.6 − 0.15.",
        explanation=("North Korea accepts iff 1 − x ≥ 0.25, so the US asks x* = 0.75 and North "
                     "Korea is left 0.25, exactly its war payoff: the offer is pinned by what the "
                     "receiver can get by refusing."),
    ),
    "why_accept": Question(
        prompt=("In that equilibrium North Korea accepts an offer that leaves it exactly its war "
                "payoff. Which statement is right, and for the right reason?"),
        options={
            "a": "It must accept at indifference: if it refused there, the US would want the "
                 "highest offer below 0.75, and there is none (any x < 0.75 can be raised a "
                 "little), so no subgame-perfect equilibrium would exist.",
            "b": "It accepts because it is the weaker side and cannot afford war.",
            "c": "It accepts because the offer is fair: both get what war would give them.",
        },
        correct="a",
        hints={"b": "Weakness is already in its war payoff; the question is what it does when "
                    "accepting and fighting pay the same.",
               "c": "The US gets 0.75, more than its war payoff 0.6: the offer is not what war "
                    "gives both."},
        explanation=("Right: at indifference either reply is a best response, but only "
                     "acceptance lets the proposer's problem have a solution. The US then keeps "
                     "all the surplus that war would destroy (North Korea's cost, 0.15)."),
    ),
    "posterior": NumberQuestion(
        prompt=("Prior chance that North Korea is sincere: 0.2. A sincere North Korea halts tests "
                "with probability 0.9, a stalling one with probability 0.3. It halts. What is the "
                "chance it is sincere now? (Two decimals.)"),
        answer=float(bayes_posterior(0.2, 0.9, 0.3)),
        tolerance=0.006,
        mistakes=((0.9, "0.9 is the chance of a halt given sincerity; you need the chance of "
                        "sincerity given a halt."),
                  (0.18, "0.18 = 0.2 × 0.9 is the chance of 'sincere and halts'; divide by the "
                         "chance of a halt at all, 0.18 + 0.8 × 0.3.")),
        hint="P(sincere | halt) = 0.2 × 0.9 / (0.2 × 0.9 + 0.8 × 0.3).",
        explanation="0.18 / (0.18 + 0.24) = 0.18 / 0.42 ≈ 0.43.",
    ),
    "value": NumberQuestion(
        prompt=("Sanctions relief worth 0.2 every period, starting today and lasting forever, "
                "with δ = 0.8. What is it worth today?"),
        answer=float(present_value(0.2, 0.8)),
        mistakes=((0.8, "0.8 = 0.2 × 0.8/(1 − 0.8) counts from next period; this stream starts "
                        "today."),
                  (0.16, "0.16 is only one period's payment, discounted once.")),
        hint="A stream x, x·δ, x·δ², ... sums to x/(1 − δ).",
        explanation="0.2/(1 − 0.8) = 1.0: five times one period's payment.",
    ),
}


def _bad_ultimatum_own(p: float, cost_nk: float) -> float:
    return p - cost_nk


EXERCISES = {
    "inspect": Exercise(
        prompt=("Write inspect_probability(gain, penalty): the US's chance of inspecting in the "
                "inspection game's mixed equilibrium."),
        reference=lambda gain, penalty: mixed_equilibrium(  # type: ignore[union-attr]
            *inspection_game(gain, penalty, 0.2, 1.0)).col,
        cases=({"gain": 1.0, "penalty": 3.0}, {"gain": 2.0, "penalty": 2.0},
               {"gain": 0.5, "penalty": 4.0}),
        mistakes=((lambda gain, penalty: penalty / (gain + penalty),
                   "That is the chance the US trusts: North Korea is indifferent when "
                   "r·(−penalty) + (1 − r)·gain = 0; solve for r."),
                  (lambda gain, penalty: gain / penalty,
                   "Close: set r·penalty equal to (1 − r)·gain, not to gain.")),
        explanation=("gain/(gain + penalty): only North Korea's payoffs appear, because the US "
                     "mixes so as to make North Korea indifferent."),
    ),
    "ultimatum": Exercise(
        prompt=("Write us_offer(p, cost_nk): the share the US keeps with a take-it-or-leave-it "
                "offer when war gives it p and costs North Korea cost_nk."),
        reference=lambda p, cost_nk: ultimatum_offer(p, cost_nk),
        cases=({"p": 0.5, "cost_nk": 0.1}, {"p": 0.6, "cost_nk": 0.15},
               {"p": 0.3, "cost_nk": 0.05}, {"p": 0.9, "cost_nk": 0.3}),
        mistakes=((_bad_ultimatum_own,
                   "p − cost_nk is the bottom of the bargaining range; the proposer takes the top, "
                   "leaving North Korea 1 − p − cost_nk."),
                  (lambda p, cost_nk: 1 - p - cost_nk,
                   "That is North Korea's war payoff, what it is left with; return the US's "
                   "share x."),
                  (lambda p, cost_nk: p + cost_nk,
                   "Right for most cases, but a share cannot exceed 1: clip it (min(…, 1)).")),
        explanation=("x* = min(p + cost_nk, 1): North Korea is left exactly its war payoff (or "
                     "nothing, when war is that bad for it)."),
    ),
    "posterior": Exercise(
        prompt=("Write posterior(prior, p_if_sincere, p_if_stalling): the chance North Korea is "
                "sincere after a halt."),
        reference=lambda prior, p_if_sincere, p_if_stalling: bayes_posterior(
            prior, p_if_sincere, p_if_stalling),
        cases=({"prior": 0.3, "p_if_sincere": 0.9, "p_if_stalling": 0.5},
               {"prior": 0.2, "p_if_sincere": 0.9, "p_if_stalling": 0.3},
               {"prior": 0.5, "p_if_sincere": 0.6, "p_if_stalling": 0.6}),
        mistakes=((lambda prior, p_if_sincere, p_if_stalling: prior * p_if_sincere,
                   "That is P(sincere and halt); divide by P(halt) = prior·p_if_sincere + "
                   "(1 − prior)·p_if_stalling."),
                  (lambda prior, p_if_sincere, p_if_stalling:
                   prior * p_if_sincere / (prior * p_if_sincere + prior * p_if_stalling),
                   "The stalling type's weight is 1 − prior, not prior.")),
        explanation="When both types halt equally often (the last case) the belief does not move.",
    ),
    "stream": Exercise(
        prompt=("Write stream_value(payment, delta): what payment every period, from today on "
                "and forever, is worth today."),
        reference=lambda payment, delta: present_value(payment, delta),
        cases=({"payment": 1.0, "delta": 0.9}, {"payment": 0.2, "delta": 0.8},
               {"payment": 0.5, "delta": 0.5}),
        mistakes=((lambda payment, delta: payment * delta / (1 - delta),
                   "That counts from next period; the stream starts today (its first term is "
                   "payment itself)."),
                  (lambda payment, delta: payment / delta,
                   "Sum the series 1 + δ + δ² + ...: multiply it by δ and subtract.")),
        explanation="payment/(1 − δ): the geometric series.",
    ),
}
