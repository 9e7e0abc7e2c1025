"""Questions of lesson 1: the 2017 crisis in data."""

from __future__ import annotations

from ..checks import Question

QUESTIONS = {
    "launches_2017": Question(
        prompt=("2017 was the year of 'fire and fury'. Compared with 2016, how many missiles do "
                "you think North Korea launched in 2017 (CNS database)?"),
        options={
            "a": "Far more: about twice as many.",
            "b": "A few more.",
            "c": "Fewer.",
        },
        expected="c",
        explanation=("The CNS North Korea Missile Test Database counts 24 missiles launched in "
                     "2016 and 21 in 2017: fewer, not more. What changed was not how many but "
                     "which: the first three ICBMs, and the largest nuclear test."),
    ),
    "what_changed": Question(
        prompt="In the data, what set 2017 apart from 2016?",
        options={
            "a": "Many more missiles were launched.",
            "b": "The first ICBM tests (three, CNS) and the largest nuclear test (USGS mb 6.3).",
            "c": "North Korea's first nuclear test.",
            "d": "Nothing: the two years look alike.",
        },
        correct="b",
        hint="Compare the bars by class, and look at the rows of the timeline under them.",
        hints={
            "a": "Count again with the window set to 2016-2017: the CNS total fell from 24 to 21.",
            "c": "The first test was in 2006; move the window back to see all six.",
        },
        explanation=("Three ICBM launches (Hwasong-14 twice, Hwasong-15) and a test of magnitude "
                     "6.3 — far above the earlier five — are why many observers judged that North "
                     "Korea could now reach the US mainland, the point the article makes about "
                     "Kim's stronger hand."),
    ),
    "name_the_source": Question(
        prompt="Why does every launch count in this course name its database?",
        options={
            "a": "Databases differ: some count launch events, others (like CNS) each missile.",
            "b": "To be polite to the authors; the numbers are the same everywhere.",
            "c": "Because the numbers are secret.",
        },
        correct="a",
        hint="A salvo of four missiles from one site on one morning: one launch, or four?",
        explanation=("The CNS database has one row per missile; a salvo counts several times. "
                     "Other sources count launch events, so their yearly totals differ. A number "
                     "without its source cannot be checked."),
    ),
}
