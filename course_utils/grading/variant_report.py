"""``course report``'s look at the parts across per-student variants.

Every student answered with their own numbers (:mod:`course_utils.variants`). The ranges are
chosen so that every variant has the same difficulty, but a class's results can say otherwise:
a part may be harder where a parameter sits at one end of its range (an answer near a round
number that students round wrongly, a count that needs one more step). For every autograded part
and every parameter it uses (``Param.parts`` in ``SPECS``), the students are split into the
lower, middle and upper third of the parameter's range, and a third is **flagged** when its mean
score is at least 20 points of percentage below the other students' *and* a two-sided test of
the difference of the two means (Welch's z on the students' scores as shares) gives p < 0.05,
with at least 5 students on each side. A flag is a reason to look at the range (and at the
question's wording for those numbers), not proof that the range is unfair: with many parts and
parameters, one flag in twenty is expected by chance alone, which the section says.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from course_utils.grading.course import Course

__all__ = ["RangeFlag", "part_parameters", "range_flags", "variant_section"]

#: A third of a range is flagged when its mean is this much (share of the points) below the rest...
MIN_GAP = 0.20
#: ...and the difference is this unlikely by chance, with at least MIN_STUDENTS on each side.
MAX_P = 0.05
MIN_STUDENTS = 5
THIRDS = ("lower", "middle", "upper")


@dataclass(frozen=True)
class RangeFlag:
    """A third of a parameter's range in which a part went worse than for the other students."""

    part: str
    parameter: str
    third: str
    low: float
    high: float
    mean_share: float
    rest_share: float
    students: int
    rest_students: int
    p_value: float


def part_parameters(assignment: str, parts: list[str]) -> dict[str, list[str]]:
    """``{part column: [parameter, ...]}`` for the parts that use variant parameters (a part's
    column is its test's grade id, ``ps1_a2_test`` for the SPECS part ``ps1_a2``)."""
    from course_utils.variants import SPECS

    spec = SPECS.get(assignment, {})
    found: dict[str, list[str]] = {}
    for column in parts:
        gid = column.split(":")[-1]
        stem = gid[: -len("_test")] if gid.endswith("_test") else gid
        names = [name for name, param in spec.items() if stem in param.parts]
        if names:
            found[column] = names
    return found


def _welch_p(a: list[float], b: list[float]) -> float:
    """Two-sided p-value of the difference of two means (normal approximation to Welch's test)."""
    va = statistics.pvariance(a) if len(a) > 1 else 0.0
    vb = statistics.pvariance(b) if len(b) > 1 else 0.0
    se = math.sqrt(va / len(a) + vb / len(b))
    diff = statistics.fmean(b) - statistics.fmean(a)
    if se == 0.0:
        return 0.0 if diff != 0 else 1.0
    return math.erfc(abs(diff) / se / math.sqrt(2.0))


def range_flags(assignment: str, salt: str, shares: dict[str, dict[str, float]], enabled: bool = True
                ) -> tuple[list[RangeFlag], list[tuple[str, str, list[tuple[int, float | None]]]]]:
    """The flags, and the table behind them: ``(part, parameter, [(students, mean share) per third])``.

    ``shares`` maps each student id to ``{part column: score as a share of the part's points}``.
    """
    from course_utils.variants import SPECS, derive

    spec = SPECS.get(assignment, {})
    params = {sid: derive(assignment, sid, salt, enabled=enabled).as_dict() for sid in shares}
    parts = sorted({p for row in shares.values() for p in row})
    flags: list[RangeFlag] = []
    table: list[tuple[str, str, list[tuple[int, float | None]]]] = []
    for part, names in part_parameters(assignment, parts).items():
        for name in names:
            param = spec[name]
            width = (param.high - param.low) / 3 or 1.0
            groups: list[list[float]] = [[], [], []]
            for sid, row in shares.items():
                if part in row and name in params[sid]:
                    third = min(2, max(0, int((params[sid][name] - param.low) / width)))
                    groups[third].append(row[part])
            table.append((part, name, [(len(g), statistics.fmean(g) if g else None) for g in groups]))
            for k, group in enumerate(groups):
                rest = [x for j, g in enumerate(groups) if j != k for x in g]
                if len(group) < MIN_STUDENTS or len(rest) < MIN_STUDENTS:
                    continue
                mean, rest_mean = statistics.fmean(group), statistics.fmean(rest)
                p_value = _welch_p(group, rest)
                if rest_mean - mean >= MIN_GAP and p_value < MAX_P:
                    flags.append(RangeFlag(part, name, THIRDS[k], param.low + k * width, param.low + (k + 1) * width,
                                           mean, rest_mean, len(group), len(rest), p_value))
    return flags, table


def variant_section(course: Course, assignment: str, scored: list[dict[str, str]],
                    info: dict[str, tuple[float, bool]]) -> list[str]:
    """The report's Markdown section "Parts across variants" (empty without variants)."""
    from course_utils.variants import SPECS, course_settings

    settings = course_settings(course.root)
    if not SPECS.get(assignment):
        return []
    lines = ["## Parts across variants", ""]
    if not settings.enabled(assignment):
        return lines + ["- Variants are off for this assignment: every student had the base numbers.", ""]
    shares: dict[str, dict[str, float]] = {}
    for row in scored:
        sid = row.get("student_id", "")
        scores = {}
        for part, (points, auto) in info.items():
            text = row.get(part)
            if auto and points > 0 and text not in (None, ""):
                try:
                    scores[part] = float(text) / points
                except ValueError:
                    continue
        if sid:
            shares[sid] = scores
    flags, table = range_flags(assignment, settings.salt, shares)
    lines.append(f"Each part that uses the students' own numbers, by the third of each parameter's range the "
                 f"student's value fell in (mean score as a share of the points, students in brackets). A third "
                 f"is flagged when it is at least {100 * MIN_GAP:.0f} points of percentage below the other "
                 f"students and p < {MAX_P} (at least {MIN_STUDENTS} students each side); with "
                 f"{sum(1 for _ in table) * 3} comparisons, about one in twenty flags by chance alone.")
    lines += ["", "| part | parameter | lower third | middle third | upper third |", "|---|---|---:|---:|---:|"]
    for part, name, cells in table:
        shown = [f"{100 * m:.0f}% ({n})" if m is not None else f"– ({n})" for n, m in cells]
        lines.append(f"| {part} | {name} | {' | '.join(shown)} |")
    lines.append("")
    if flags:
        lines.append("**Harder for some numbers** (look at these ranges and at the question's wording for them):")
        lines.append("")
        for f in flags:
            lines.append(f"- **{f.part}** with {f.parameter} in [{f.low:.4g}, {f.high:.4g}] ({f.third} third): mean "
                         f"{100 * f.mean_share:.0f}% of {f.students} students against {100 * f.rest_share:.0f}% of "
                         f"the other {f.rest_students} (p = {f.p_value:.3f})")
    else:
        lines.append("- No range of numbers made a part harder than the rest.")
    lines.append("")
    return lines
