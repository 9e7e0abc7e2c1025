"""Lesson 10: the hardest part (synthesis and the data after March 2018)."""

from __future__ import annotations

from .. import data
from ..checks import Exercise, Question

QUESTIONS = {
    # ------------------------------------------------------------------ prediction
    "outcome": Question(
        prompt=("Before looking at the data: which do you expect happened after the article "
                "(March 2018)?"),
        options={"a": "Summits, then a deal on complete denuclearization",
                 "b": "Summits and a pause in testing, but no agreement on what denuclearization "
                      "means, and launches resumed",
                 "c": "No summit at all; testing went on as in 2017"},
        expected="b",
        explanation=("Summits took place (Singapore, June 2018; Hanoi, February 2019), testing "
                     "paused in 2018, Hanoi ended without agreement, and launches resumed in May "
                     "2019 before surging in 2022. The models predicted just that kind of "
                     "outcome: talking is cheap, disarming is not."),
    ),
    # ------------------------------------------------------------------ checks
    "pause": Question(
        prompt=("From the CNS table: how many missiles did North Korea launch in 2018, the year "
                "of the summits and the moratorium?"),
        options={"a": "0", "b": "6", "c": "21", "d": "27"},
        correct="a",
        hints={"b": "Look at the row for 2018 in the table printed above, not 2021.",
               "c": "21 is 2017, the year of the crisis.",
               "d": "27 is 2019, after Hanoi."},
        explanation=("None: 2018 is the only year since 2012 without a launch in the table. The "
                     "moratorium held while talks were alive."),
    ),
    "surge": Question(
        prompt="Which year after the article set a record for missiles launched in the CNS table?",
        options={"a": "2019", "b": "2020", "c": "2022", "d": "2024"},
        correct="c",
        hints={"a": "2019 saw the resumption (27 missiles), but a later year saw far more.",
               "b": "2020 was quiet: 9 missiles.",
               "d": "2024 was busy (41), but not the busiest."},
        explanation=("2022, with 69 missiles counted by CNS (a count of missiles, not of launch "
                     "events): more than 2016 and 2017 combined."),
    ),
    "which_model": Question(
        prompt=("Which model best explains why North Korea did not trade its arsenal for the "
                "Singapore statement's promises?"),
        options={"a": "The disarmament trap: promises after disarming cannot be enforced",
                 "b": "Chicken: North Korea dared and the US swerved",
                 "c": "Rubinstein: the US made the first offer"},
        correct="a",
        hints={"b": "Chicken describes the 2017 standoff, not the terms of a deal.",
               "c": "Alternating offers say how a surplus is split, not why a deal is missing."},
        explanation=("A statement of intentions is a promise about the future; once the arsenal "
                     "is gone nothing forces the other side to keep it. The price of disarming "
                     "rises with the fear of ending like Gaddafi (a low r_D)."),
    ),
    "limits": Question(
        prompt="Where does the Nash bargaining model of lesson 8 stop being a good guide?",
        options={"a": "It assumes both sides know each other's war payoffs and that any split can be enforced",
                 "b": "It cannot handle a disagreement point",
                 "c": "It only works for symmetric sides"},
        correct="a",
        hints={"b": "The disagreement point is the centre of the model.",
               "c": "The weight α and unequal war payoffs make it asymmetric."},
        explanation=("Nash bargaining takes payoffs as known and deals as binding. North Korea's "
                     "demands were uncertain (lesson 5's risk-return trade-off) and promises hard "
                     "to enforce (lesson 6's commitment problem): exactly what the article warns "
                     "about."),
    ),
}


def _launches(first_year: int, last_year: int) -> float:
    return float(data.launches_per_year(start_year=first_year, end_year=last_year).total().sum())


EXERCISES = {
    "launches": Exercise(
        prompt=("Write launches_between(first_year, last_year): missiles in the CNS table from "
                "first_year to last_year, both included."),
        reference=_launches,
        cases=({"first_year": 2018, "last_year": 2018}, {"first_year": 2016, "last_year": 2017},
               {"first_year": 2019, "last_year": 2023}),
        mistakes=((lambda first_year, last_year: _launches(first_year, last_year)
                   - _launches(last_year, last_year),
                   "The last year is missing: launches_per_year includes end_year, and so should "
                   "your count."),
                  (lambda first_year, last_year: _launches(last_year, last_year),
                   "You counted only the last year; add up every year of the span: "
                   "counts.total().sum().")),
        explanation=("counts.total().sum(): the yearly totals added up. 2018 alone gives 0, the "
                     "pause the test pledge promised."),
    ),
}
