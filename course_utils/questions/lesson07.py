"""Lesson 7: at the brink (chicken, brinkmanship, audience costs)."""

from __future__ import annotations

from ..checks import Question

QUESTIONS = {
    "fear": Question(
        prompt=("In a game of chicken, suppose the US fears a crash more than North Korea does. "
                "In the mixed equilibrium, who dares more often?"),
        options={"a": "North Korea", "b": "The US", "c": "Both equally"},
        explanation=("Surprisingly, the side that fears the crash more dares more often. Each side "
                     "mixes so as to leave the other indifferent: North Korea, which fears the "
                     "crash less, must be faced with a higher risk of the US daring before it is "
                     "willing to swerve. Set the two crash sliders apart and watch the star."),
    ),
    "repeat": Question(
        prompt=("Suppose each crisis like the one of 2017 carries a 5% risk of war. How likely "
                "is at least one war over ten such crises?"),
        options={"a": "About 5%", "b": "About 40%", "c": "About 50%"},
        explanation=("1 − 0.95¹⁰ ≈ 0.40. Small risks add up: brinkmanship that is bearable once "
                     "is far more dangerous as a habit."),
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
}
