"""Questions of lesson 3: what "security guarantees" could mean (issue linkage)."""

from __future__ import annotations

from ..checks import Question

QUESTIONS = {
    "bigger_demand": Question(
        prompt=("North Korea values its arsenal at f = 0.8. If 'security guarantees' meant more — "
                "a US pull-back from the region rather than a written guarantee — would complete "
                "denuclearization become easier or harder to agree?"),
        options={
            "a": "Easier: North Korea values the bigger concession more.",
            "b": "Harder: the bigger concession costs the US more.",
            "c": "It depends on both prices: easier up to a point, then impossible.",
        },
        expected="c",
        explanation=("With the course's illustrative prices: a written guarantee is too weak to "
                     "buy the whole arsenal, a regional pull-back can buy it, and cuts to the US "
                     "arsenal cost the US more than denuclearization is worth to it — no deal at "
                     "all. What matters is each issue's value to one side against its price to "
                     "the other."),
    ),
    "no_deal": Question(
        prompt=("With f = 0.8 and a = 1 (the defaults for the US), which second issue leaves no "
                "deal that both prefer to the status quo?"),
        options={
            "a": "a written security guarantee",
            "b": "withdrawal of US troops from South Korea",
            "c": "US pull-back from the whole region",
            "d": "cuts to the US's own nuclear arsenal",
        },
        correct="d",
        hint="Set f to 0.80 and go through the dropdown: look for the boxed message on the plot.",
        hints={"a": "With the guarantee some partial deals remain (the hatched region is not empty)."},
        explanation=("For the arsenal cuts (b = 2, e = 1.1) the most the US would concede per unit "
                     "of denuclearization is a/b = 0.5, less than the least North Korea would take, "
                     "f/e = 0.73 (equivalently a·e = 1.1 < b·f = 1.6): their exchange rates do not "
                     "overlap, so no deal beats the status quo for both."),
    ),
    "guarantee_short": Question(
        prompt=("With the written guarantee (e = 0.6) and f = 0.8, why is complete "
                "denuclearization in no acceptable deal?"),
        options={
            "a": "The US would refuse: the guarantee is too expensive for it.",
            "b": "North Korea would need more than the whole guarantee: f / e = 1.33 > 1.",
            "c": "Neither side gains anything from any deal.",
        },
        correct="b",
        hint="Which side's line stops short of d = 1 inside the square?",
        hints={"c": "Partial deals exist: the hatched region is not empty."},
        explanation=("North Korea gives up its arsenal only if e·s ≥ f, i.e. s ≥ f / e = 1.33: "
                     "more than all of what is on offer. A cheap guarantee buys partial steps, not "
                     "the whole arsenal — one reading of why Kim is unlikely to trust a paper "
                     "guarantee after Iraq and Libya (FPRI, March 2018)."),
    ),
}
