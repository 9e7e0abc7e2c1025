"""Lesson 8: negotiating from strength (the second strike, Nash bargaining and the disagreement point)."""

from __future__ import annotations

from ..checks import Exercise, NumberQuestion, Question
from ..models import nash_bargaining
from ..models.strength import outside_option_split

QUESTIONS: dict[str, Question | NumberQuestion] = {
    "arsenal": Question(
        prompt=("An attacker weighs the gain from a first strike against a cost nine times as "
                "large if it is hit back. Each surviving North Korean missile gets through with "
                "probability 0.3. How many survivors does deterrence need?"),
        options={"a": "One", "b": "About five", "c": "Twenty or more"},
        expected="a",
        explanation=("One: deterrence needs a retaliation probability of only 1/(1 + 9) = 0.1, "
                     "and a single missile gives 0.3. When the cost of being hit back dwarfs the "
                     "gain, a small, uncertain arsenal is enough, which is why the first ICBMs "
                     "mattered so much."),
    ),
    "strength": Question(
        prompt=("North Korea's 2017 ICBM tests suggested it could strike back at the US mainland. "
                "In a bargaining model where failed talks mean war, what does that do to the "
                "deal North Korea can expect?"),
        options={"a": "It gets a better deal", "b": "It gets a worse deal",
                 "c": "No change: only sanctions matter"},
        expected="a",
        explanation=("A credible second strike raises the US cost of war (and lowers what the US "
                     "can hope to gain from one). That moves the disagreement point toward North "
                     "Korea, and the Nash bargain moves with it: each side gets its war payoff "
                     "plus half the surplus, so North Korea's share rises by half of any rise in "
                     "the US cost of war."),
    ),
    "missiles": Question(
        prompt=("A challenger gains B = 1 by attacking and loses C = 4 if hit back. Each "
                "surviving missile gets through with probability a = 0.1. How many surviving "
                "missiles deter it?"),
        options={"a": "1", "b": "2", "c": "3", "d": "10"},
        correct="c",
        hints={"a": "The threshold is B/(B + C) = 0.2; one missile retaliates with probability 0.1.",
               "b": "Two missiles: 1 − 0.9² = 0.19, just short of 0.2.",
               "d": "Ten would do, but fewer are enough: find the first n with 1 − 0.9ⁿ ≥ 0.2."},
        explanation=("Deterrence needs π ≥ 1/(1 + 4) = 0.2; 1 − 0.9³ = 0.271 ≥ 0.2 while "
                     "1 − 0.9² = 0.19 falls short, so three survivors suffice. A small arsenal "
                     "can deter when the attacker's cost is large."),
    ),
    "nash": Question(
        prompt=("North Korea's war payoff is 0.65 and the US's is 0.05 (a pie of 1, equal "
                "bargaining weights). What does the Nash bargaining solution give North Korea?"),
        options={"a": "0.50", "b": "0.65", "c": "0.80", "d": "0.95"},
        correct="c",
        hints={"a": "An even split ignores what each side can get by walking away.",
               "b": "0.65 is what war gives; a deal also shares the surplus 1 − 0.65 − 0.05.",
               "d": "The surplus 0.30 is split in half, not handed to one side."},
        explanation="0.65 + ½(1 − 0.65 − 0.05) = 0.65 + 0.15 = 0.80; the US gets 0.20.",
    ),
    "outside": Question(
        prompt=("Now suppose failed talks leave the armed status quo (no deal, no war), and war is "
                "an option either side could still choose. North Korea's deterrent raises the US "
                "cost of war from 0.3 to 0.5, and at 0.3 the US's war option already no longer "
                "binds. What happens to North Korea's share of a deal?"),
        options={"a": "It rises by half the rise in the US cost, as before",
                 "b": "Nothing: a war option that does not bind does not matter",
                 "c": "It falls"},
        expected="b",
        explanation=("When war is an outside option, not the disagreement point, it matters only "
                     "while it binds: a side gets its Nash share over the status quo, or its war "
                     "payoff if that is more (Binmore, Shaked and Sutton 1989). Once the US would "
                     "no longer rather fight than accept that share, making war costlier for it "
                     "changes nothing at the table."),
    ),
    "outside_share": NumberQuestion(
        prompt=("The armed status quo gives each side 0.3 (out of a pie of 1); war would give the "
                "US 0.6 and North Korea 0. With equal bargaining weights, the status quo as "
                "disagreement point and war as an outside option, what share does North Korea get?"),
        answer=float(outside_option_split(0.3, 0.3, 0.0, 0.6).a),
        mistakes=((0.5, "0.5 is the Nash share over the status quo, but it leaves the US 0.5, "
                        "less than the 0.6 it can get by fighting: its outside option binds."),
                  (float(nash_bargaining(0.0, 0.6).a),
                   "0.2 treats war as the disagreement point; here the status quo is.")),
        hint="Compute the Nash split over the status quo, then check it against each side's war payoff.",
        explanation=("The Nash split over the status quo is 0.5 each, but the US can get 0.6 by "
                     "fighting, so it must be given exactly 0.6, and North Korea gets 0.4."),
    ),
}


EXERCISES = {
    "nash_share": Exercise(
        prompt=("Write nk_share(d_nk, d_us): North Korea's share of a pie of 1 in the Nash "
                "bargaining solution with equal weights and disagreement payoffs d_nk, d_us."),
        reference=lambda d_nk, d_us: nash_bargaining(d_nk, d_us).a,
        cases=({"d_nk": 0.0, "d_us": 0.6}, {"d_nk": 0.3, "d_us": 0.3}, {"d_nk": 0.65, "d_us": 0.05},
               {"d_nk": 0.1, "d_us": 0.2}),
        mistakes=((lambda d_nk, d_us: (1 - d_nk - d_us) / 2,
                   "That is half the surplus only; North Korea also keeps its disagreement payoff "
                   "d_nk."),
                  (lambda d_nk, d_us: 0.5,
                   "An even split ignores what each side can get without a deal."),
                  (lambda d_nk, d_us: d_us + (1 - d_nk - d_us) / 2,
                   "That is the US's share; North Korea's starts from d_nk.")),
        explanation=("d_nk + (1 − d_nk − d_us)/2: each side gets what it has without a deal, plus "
                     "half of what a deal adds."),
    ),
}
