"""Questions of lesson 2: stated positions and the bargaining range."""

from __future__ import annotations

from ..checks import Question

QUESTIONS = {
    "deal_exists": Question(
        prompt=("The US says its goal is complete denuclearization; North Korea shows no sign of "
                "giving up its weapons. Can there be a deal both prefer to war?"),
        options={
            "a": "No: the stated positions are incompatible.",
            "b": "Yes, as long as war is costly: the costs open a range of deals.",
            "c": "Only if one side gives in completely.",
        },
        expected="b",
        explanation=("Fearon's argument: because war destroys value, there is always a range of "
                     "deals both sides prefer to fighting — here every x between p minus the US "
                     "cost and p plus North Korea's cost. Stated positions are opening bids, not "
                     "the limits of that range."),
    ),
    "width": Question(
        prompt=("p = 0.5, the US cost of war is 0.1 and North Korea's is 0.15. How wide is the "
                "bargaining range?"),
        options={"a": "0.05", "b": "0.25", "c": "0.5", "d": "0.1"},
        correct="b",
        hint="Each side accepts any deal worth at least its war payoff: find both ends of the range.",
        hints={"a": "That is the difference of the costs; the range runs from p − c_US to p + c_NK.",
               "c": "That is p, the war's expected outcome, not the range."},
        explanation=("The range is [p − c_US, p + c_NK] = [0.40, 0.65]: it lies inside [0, 1], so "
                     "its width is the sum of the costs of war, 0.25. The costlier war is, the more deals beat it."),
    ),
    "indivisible": Question(
        prompt=("Same p = 0.5, both costs 0.1, but the arsenal can only be kept whole (x = 0) or "
                "given up whole (x = 1). Which deal do both prefer to war?"),
        options={
            "a": "x = 1, complete denuclearization.",
            "b": "x = 0, North Korea keeps everything.",
            "c": "Neither: no deal beats war for both.",
            "d": "Any x between 0.4 and 0.6.",
        },
        correct="c",
        hint="Set the dropdown to 'all or nothing' and check where the two diamonds fall.",
        hints={"d": "Those splits exist in theory, but with 'all or nothing' they cannot be made."},
        explanation=("The range [0.4, 0.6] is not empty, but neither 0 nor 1 lies in it. "
                     "Indivisibility — an issue that cannot be split — shrinks the set of deals to "
                     "nothing. Steps such as a freeze (x = 0.5) bring a deal back."),
    ),
}
