"""ps3_record's entries for the problem-set gates in ``tests/test_assignments.py``: realistic wrong
answers (WRONG), what each answer cell defines (ANSWERS), each function's stated domain (DOMAINS, as
keyword arguments of ``test_assignments.Domain``), and the malformed answers a student may give
(STUDENT_RUN, PRINTED). Kept here so that adding the third problem set to the shared gates is a few
lines there; the numbers below come from the course's tables (``course_utils/data``), which the
hidden tests read too.
"""

from __future__ import annotations

import random

RULES = ("table", "assessed", "upper")
GAP_YEARS = tuple(y for y in range(2013, 2026) if y != 2018)
MONTHS = tuple((2018 + (4 + k) // 12, (4 + k) % 12 + 1) for k in range(56))  # May 2018 .. December 2022

# Each round replaces some answer cells; every replaced part must lose its points and every other
# part keep them. A part that uses an earlier function is either replaced with it or unaffected by
# its mistake (A4 reads belief_at only in 2019, where round 1's mistake does not show; B3 and C2 are
# written without the earlier answers).
WRONG: list[dict[str, str]] = [
    {  # the pledge's length for the pause, a mean for the median, breaks ignored, swapped ratio,
       # the table's Unknowns for the upper reading, a level for a change
        "ps3_a1_answer": (
            "days_without_icbm = (dt.date(2020, 1, 1) - dt.date(2018, 4, 20)).days  # the pledge, not the ICBM pause"
        ),
        "ps3_a2_answer": (
            "def median_gap_days(year):\n"
            "    days = sorted({r.date for r in data.load_launches() if r.date.year == year})\n"
            "    return statistics.mean((b - a).days for a, b in zip(days, days[1:]))  # the mean"
        ),
        "ps3_a3_answer": (
            "def belief_at(prior, keep_sincere, keep_stalling, year, month):\n"
            "    n = (year - 2018) * 12 + month - 4  # every month counted as kept: the 2022 launches ignored\n"
            "    odds = prior / (1 - prior) * (keep_sincere / keep_stalling) ** n\n"
            "    return odds / (1 + odds)"
        ),
        "ps3_b1_answer": "ratio_missiles = 24 / 21  # 2016 over 2017",
        "ps3_c1_answer": (
            "def icbm_count(year, rule):\n"
            "    rows = [r for r in data.load_launches() if r.date.year == year]\n"
            "    if rule == 'table':\n"
            "        return sum(r.missile_class == 'ICBM' for r in rows)\n"
            "    if rule == 'assessed':\n"
            "        return sum(r.best_class == 'ICBM' for r in rows)\n"
            "    return sum(r.missile_class in ('ICBM', 'Unknown') for r in rows)  # ignores the assessed SRBMs"
        ),
        "ps3_d1_answer": "price_rise = models.disarmament_price(0.9, 0.5, 0.05, 0.1)  # the new price, not the rise",
    },
    {  # one month only, a root forgotten, events swapped, the wrong word, the table's Unknowns, delta forgotten
        "ps3_a4_answer": "belief_end_2019 = 0.3 * 0.95 / (0.3 * 0.95 + 0.7 * 0.7)  # one month only",
        "ps3_a5_answer": "keep_stalling_even = 0.95 * 0.3 / 0.7  # the 20th root forgotten",
        "ps3_b2_answer": "ratio_events = 16 / 15  # 2016 over 2017",
        "ps3_b3_answer": 'closer_under = "missiles"',
        "ps3_c2_answer": (
            "spread_2022 = sum(r.missile_class == 'Unknown' for r in data.load_launches() if r.date.year == 2022)"
            "  # every Unknown, assessed or not"
        ),
        "ps3_d2_answer": "min_survival = 1 - 0.3 / 2.0  # delta forgotten",
        "ps3_a2_answer": (
            "def median_gap_days(year):\n"
            "    days = sorted(r.date for r in data.load_launches() if r.date.year == year)  # salvos give gaps of 0\n"
            "    return statistics.median((b - a).days for a, b in zip(days, days[1:]))"
        ),
    },
    {  # right, but rounded too early; off by one
        "ps3_a1_answer": (
            "days_without_icbm = (dt.date(2022, 3, 16) - dt.date(2017, 11, 28)).days + 1  # both ends counted"
        ),
        "ps3_a4_answer": "belief_end_2019 = 0.99  # rounded too early",
        "ps3_b1_answer": "ratio_missiles = 0.88  # rounded too early",
        "ps3_d2_answer": "min_survival = 0.94  # rounded too early",
        "ps3_c1_answer": (
            "def icbm_count(year, rule):\n"
            "    rows = [r for r in data.load_launches() if r.date.year == year]\n"
            "    if rule == 'table':\n"
            "        return sum(r.best_class == 'ICBM' for r in rows)  # the assessed class, not the table's\n"
            "    if rule == 'assessed':\n"
            "        return sum(r.best_class == 'ICBM' for r in rows)\n"
            "    return sum(r.best_class in ('ICBM', 'Unknown') for r in rows)"
        ),
    },
]

#: what each answer cell defines: ("number" | "count" | "word" | "function", name)
ANSWERS: dict[str, tuple[str, str]] = {
    "ps3_a1_answer": ("count", "days_without_icbm"), "ps3_a2_answer": ("function", "median_gap_days"),
    "ps3_a3_answer": ("function", "belief_at"), "ps3_a4_answer": ("number", "belief_end_2019"),
    "ps3_a5_answer": ("number", "keep_stalling_even"), "ps3_b1_answer": ("number", "ratio_missiles"),
    "ps3_b2_answer": ("number", "ratio_events"), "ps3_b3_answer": ("word", "closer_under"),
    "ps3_c1_answer": ("function", "icbm_count"), "ps3_c2_answer": ("count", "spread_2022"),
    "ps3_d1_answer": ("number", "price_rise"), "ps3_d2_answer": ("number", "min_survival"),
}


def _belief_args(rng: random.Random) -> tuple:
    return (rng.uniform(0.001, 0.999), rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)) + rng.choice(MONTHS)


DOMAINS: dict[str, dict] = {
    "median_gap_days": dict(
        sample=lambda rng: (rng.choice(GAP_YEARS),),
        corners=[(y,) for y in GAP_YEARS],
        stated=[r"$2013 \le$ `year` $\le 2025$", r"`year` $\ne 2018$"],
    ),
    "belief_at": dict(
        sample=_belief_args,
        corners=[(pr, s, t) + m for pr in (1e-6, 1 - 1e-6) for s in (0.05, 0.95) for t in (0.05, 0.95)
                 for m in ((2018, 5), (2019, 12), (2022, 3), (2022, 12))],
        stated=[r"$0 <$ `prior` $< 1$", r"$0.05 \le$ `keep_sincere` $\le 0.95$",
                r"$0.05 \le$ `keep_stalling` $\le 0.95$", "to December 2022"],
    ),
    "icbm_count": dict(
        sample=lambda rng: (rng.randint(1984, 2026), rng.choice(RULES)),
        corners=[(y, rule) for y in (1984, 1986, 2017, 2022, 2024, 2026) for rule in RULES],
        stated=[r"$1984 \le$ `year` $\le 2026$", '`rule` is one of `"table"`, `"assessed"`, `"upper"`'],
        count=True,
    ),
}

STUDENT_RUN: list[tuple[str, str, str | None]] = [
    ("ps3_a1_answer", "days_without_icbm = 52  # months", "more than a year"),
    ("ps3_a2_answer", "def median_gap_days(year):\n    return [15]", "must be one number"),
    ("ps3_a3_answer", "def belief_at(prior, s, t, year, month):\n    return prior * s",
     "the belief stays at the prior"),
    ("ps3_a4_answer", "belief_end_2019 = 99.5", "between 0 and 1"),
    ("ps3_a5_answer", "keep_stalling_even = 0.99", "below keep_sincere"),
    ("ps3_b1_answer", "ratio_missiles = 87.5", "not a percentage"),
    ("ps3_b3_answer", 'closer_under = "launches"', "must be one of"),
    ("ps3_c1_answer", "def icbm_count(year, rule):\n    return 3.5", "whole number"),
    ("ps3_c2_answer", "spread_2022 = 40", None),
    ("ps3_d1_answer", "price_rise = 3.5", None),
    ("ps3_d2_answer", "import numpy as np\nmin_survival = np.array([0.94])", "x.item()"),
]
PRINTED: list[tuple[str, str, str]] = [("ps3_b2_answer", "ratio_events = 0.94", "shows 2 significant figure(s)")]
