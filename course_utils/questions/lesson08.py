"""Lesson 8: negotiating from strength (the second strike, Nash bargaining and the disagreement point)."""

from __future__ import annotations

from ..checks import Question

QUESTIONS = {
    "arsenal": Question(
        prompt=("An attacker weighs the gain from a first strike against a cost nine times as "
                "large if it is hit back. Each surviving North Korean missile gets through with "
                "probability 0.3. How many survivors does deterrence need?"),
        options={"a": "One", "b": "About five", "c": "Twenty or more"},
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
}
