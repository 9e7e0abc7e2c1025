"""Lesson 7: at the brink (chicken, brinkmanship, audience costs)."""

from __future__ import annotations

from ..checks import Exercise, NumberQuestion, Question
from ..models import ChickenPayoffs, chicken_asymmetric, chicken_mixed

_US, _NK = ChickenPayoffs(1, 0, -1, -10), ChickenPayoffs(1, 0, -1, -4)
_ASYM = chicken_asymmetric(_US, _NK)

QUESTIONS: dict[str, Question | NumberQuestion] = {
    "fear": Question(
        prompt=("In a game of chicken, suppose the US fears a crash more than North Korea does. "
                "In the mixed equilibrium, who dares more often?"),
        options={"a": "North Korea", "b": "The US", "c": "Both equally"},
        expected="b",
        explanation=("Surprisingly, the side that fears the crash more dares more often than the "
                     "other side. Each side mixes so as to leave the other indifferent: North "
                     "Korea, which fears the crash less, is willing to swerve only if the US "
                     "dares often. The US does not dare more than before: its own mix is set by "
                     "North Korea's payoffs, which did not change; it is North Korea that dares "
                     "less. Set the two crash sliders apart and watch the star."),
    ),
    "repeat": Question(
        prompt=("Suppose each crisis like the one of 2017 carries a 5% risk of war. How likely "
                "is at least one war over ten such crises?"),
        options={"a": "About 5%", "b": "About 40%", "c": "About 50%"},
        expected="b",
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
    "us_dare": NumberQuestion(
        prompt=("Chicken with the usual payoffs (dare against a swerver 1, both swerve 0, swerve "
                "against a darer −1) but different crashes: −10 for the US, −4 for North Korea. "
                "In the mixed equilibrium, with what probability does the US dare?"),
        answer=_ASYM.p_dare_a,
        mistakes=((_ASYM.p_dare_b, "0.1 comes from the US's own crash payoff; the US's mix must "
                                   "leave North Korea indifferent, so use North Korea's payoffs."),),
        hint="σ = (T − R)/((T − R) + (S − P)) with the payoffs of the side that must be indifferent.",
        explanation=("North Korea is indifferent when the US dares with 1/(1 + (−1 − (−4))) = "
                     "1/4 = 0.25. The US, which fears the crash more, dares more often than North "
                     "Korea (0.1), because North Korea's milder fear needs more daring to deter."),
    ),
    "bluff": Question(
        prompt=("In August and September 2017 Trump threatened North Korea with \"fire and fury\" "
                "and with being \"totally destroyed\". In Fearon's audience-cost model, what can "
                "make a public threat like that believable?"),
        options={"a": "How loud and how often it is made",
                 "b": "That backing down after making it would cost the president more at home "
                      "than carrying it out",
                 "c": "Nothing: public threats are cheap talk"},
        expected="b",
        explanation=("A public threat ties the leader's hands: backing down now costs an audience "
                     "cost a at home, so at the last decision fighting (v − c_US) can beat backing "
                     "down (−a). Volume matters only through a; and a threat is cheap talk only "
                     "when backing down costs nothing."),
    ),
    "audience_min": NumberQuestion(
        prompt=("The US gains 0.2 by prevailing and a war costs it 0.5. How large must the audience "
                "cost a of backing down be for its public threat to be credible?"),
        answer=0.3,
        mistakes=((0.5, "0.5 is the whole cost of war, but prevailing also gains 0.2: fighting "
                        "is worth 0.2 − 0.5."),
                  (0.7, "Fighting gives 0.2 − 0.5 = −0.3, not −0.7.")),
        hint="Credible iff fighting, v − c_US, is worth at least backing down, −a.",
        explanation=("0.2 − 0.5 ≥ −a  ⇔  a ≥ 0.3: an audience cost of at least 0.3 makes carrying "
                     "out the threat the better choice when the moment comes (lesson 4's crisis "
                     "game at a = 0.40)."),
    ),
    "hands_or_costs": Question(
        prompt=("Fearon (1997) distinguishes signals that tie hands (costly only if the sender "
                "backs down later) from signals that sink costs (paid up front, whatever happens). "
                "Which pairing is right?"),
        options={
            "a": "Trump's public threats tie hands (they cost him only if he backs down); the "
                 "months without tests that Kim gave up sink costs (paid whatever came next).",
            "b": "Both sink costs: words and test halts are paid for at once.",
            "c": "Trump's threats sink costs, because words are costly to say; Kim's halt ties "
                 "hands, because tests can resume.",
        },
        correct="a",
        hints={"b": "What does a public threat cost the president if he never has to back down?",
               "c": "Saying words costs nothing by itself; the cost of a threat comes later, and "
                    "only if it is not carried out."},
        explanation=("A threat's cost is contingent (an audience cost, paid on backing down); the "
                     "tests Kim did not run were forgone whatever came after. A promise to keep "
                     "halting ties hands only if breaking it would cost Kim something."),
    ),
}


EXERCISES = {
    "dare": Exercise(
        prompt=("Write other_dares(temptation, reward, sucker, crash): how often the other side "
                "must dare to leave a player with these chicken payoffs indifferent."),
        reference=lambda temptation, reward, sucker, crash: chicken_mixed(
            temptation, reward, sucker, crash).p_dare,
        cases=({"temptation": 1.0, "reward": 0.0, "sucker": -1.0, "crash": -10.0},
               {"temptation": 1.0, "reward": 0.0, "sucker": -1.0, "crash": -4.0},
               {"temptation": 3.0, "reward": 1.0, "sucker": 0.0, "crash": -6.0}),
        mistakes=((lambda temptation, reward, sucker, crash:
                   (sucker - crash) / ((temptation - reward) + (sucker - crash)),
                   "You have the chance of swerving: daring is worth (1 − σ)T + σP, swerving "
                   "(1 − σ)R + σS; set them equal and solve for σ."),
                  (lambda temptation, reward, sucker, crash:
                   (temptation - reward) / (sucker - crash),
                   "Almost: the denominator is the sum of the two gaps, (T − R) + (S − P).")),
        explanation=("σ = (T − R)/((T − R) + (S − P)): the gain from daring against a swerver, "
                     "over that gain plus the loss a crash adds to swerving against a darer."),
    ),
}
