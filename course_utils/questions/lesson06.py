"""Lesson 6: negotiating from strength (deterrence, chicken, brinkmanship, Nash bargaining)."""

from __future__ import annotations

from ..checks import Question

QUESTIONS = {
    # ------------------------------------------------------------------ predictions
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
    "repeat": Question(
        prompt=("Suppose each crisis like the one of 2017 carries a 5% risk of war. How likely "
                "is at least one war over ten such crises?"),
        options={"a": "About 5%", "b": "About 40%", "c": "About 50%"},
        explanation=("1 − 0.95¹⁰ ≈ 0.40. Small risks add up: brinkmanship that is bearable once "
                     "is far more dangerous as a habit."),
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
    "fear": Question(
        prompt=("In a game of chicken, suppose the US fears a crash more than North Korea does. "
                "In the mixed equilibrium, who dares more often?"),
        options={"a": "North Korea", "b": "The US", "c": "Both equally"},
        explanation=("Surprisingly, the side that fears the crash more dares more often. Each side "
                     "mixes so as to leave the other indifferent: North Korea, which fears the "
                     "crash less, must be faced with a higher risk of the US daring before it is "
                     "willing to swerve. Set the two crash sliders apart and watch the star."),
    ),
    # ------------------------------------------------------------------ checks
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
    "crash": Question(
        prompt=("Symmetric chicken with payoffs: dare against a swerver 1, both swerve 0, swerve "
                "against a darer −1, crash −10. In the mixed equilibrium, how likely is a crash?"),
        options={"a": "10%", "b": "1%", "c": "0.1%", "d": "50%"},
        correct="b",
        hints={"a": "10% is how often each side dares; a crash needs both to dare.",
               "c": "q = (T − R)/((T − R) + (S − P)) = 1/(1 + 9); square it.",
               "d": "Each side dares much less than half the time when a crash is this costly."},
        explanation="Each dares with q = 1/(1 + 9) = 0.1, so a crash happens with q² = 0.01.",
    ),
    "hardliner": Question(
        prompt=("In the brinkmanship model, what happens to the window of workable risk when the "
                "chance that the other side is an undeterrable hard-liner rises?"),
        options={"a": "It narrows: less risk is bearable", "b": "It widens",
                 "c": "It does not change"},
        correct="a",
        hints={"b": "A hard-liner does not back down, so a risky threat against one ends in war "
                    "more often: is that easier or harder to bear?",
               "c": "The upper edge q_max = (1 − h)L/(h(W_D − L)) depends on h."},
        explanation=("The lower edge (what deters a reasonable opponent) stays put while the upper "
                     "edge falls: against a likely hard-liner, brinkmanship gets too dangerous."),
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
