"""Item statistics that diagnose an assignment: difficulty, discrimination, reliability, and
the misconceptions the class showed (which teaching hint fired how often, per part).

Definitions (classical test theory, as in e.g. Crocker & Algina, *Introduction to Classical and
Modern Test Theory*, 1986, ch. 14 and 7):

- **difficulty** of a part: its mean score as a share of its points (1 = everyone full marks);
- **corrected item-total discrimination**: the Pearson correlation between the part's score and
  the total of the *other* parts, over the students graded on every part (the part itself is
  left out of the total so it does not correlate with itself). Below about 0.2 a part does not
  separate stronger from weaker students; a negative value usually means a broken test or key;
- **Cronbach's alpha** of the assignment: ``k/(k-1) * (1 - sum of part variances / variance of
  totals)`` with sample variances, over the same students and the ``k`` parts that vary.

A part that everyone scored alike (zero variance) has no discrimination (``None``) and is left
out of alpha; so is a part not graded yet for every student (a written answer still waiting in
the Formgrader): it is left out, rather than the students who wait, so the rest of the
assignment is still diagnosed over the whole class.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.grading.course import Course

__all__ = ["PartDiagnosis", "Reliability", "diagnose", "cronbach_alpha", "corrected_item_total", "complete_parts",
           "flag_kinds", "hint_counts", "failures_from_notebooks", "plot_part", "thirds", "reading"]


@dataclass(frozen=True)
class PartDiagnosis:
    part: str
    difficulty: float | None
    discrimination: float | None


@dataclass(frozen=True)
class Reliability:
    alpha: float | None
    students: int
    parts: list[str] = field(default_factory=list)


def _pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    n = len(x)
    if n < 3:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / math.sqrt(sxx * syy)


def _variance(values: Sequence[float]) -> float:
    n = len(values)
    mean = sum(values) / n
    return sum((v - mean) ** 2 for v in values) / (n - 1)


def _complete(matrix: Sequence[Mapping[str, float | None]], parts: Sequence[str]) -> list[list[float]]:
    """Rows of students scored on every one of ``parts``."""
    rows = []
    for row in matrix:
        values = [row.get(p) for p in parts]
        if all(v is not None for v in values):
            rows.append([float(v) for v in values if v is not None])
    return rows


def corrected_item_total(matrix: Sequence[Mapping[str, float | None]], parts: Sequence[str]) -> dict[str, float | None]:
    """Per part, the correlation of its score with the total of the other ``parts``."""
    rows = _complete(matrix, parts)
    out: dict[str, float | None] = {}
    for j, part in enumerate(parts):
        item = [r[j] for r in rows]
        rest = [sum(r) - r[j] for r in rows]
        out[part] = _pearson(item, rest) if len(parts) > 1 else None
    return out


def cronbach_alpha(matrix: Sequence[Mapping[str, float | None]], parts: Sequence[str]) -> Reliability:
    """Cronbach's alpha over the students scored on every part and the parts that vary."""
    rows = _complete(matrix, parts)
    if len(rows) < 3:
        return Reliability(None, len(rows))
    varying = [j for j in range(len(parts)) if _variance([r[j] for r in rows]) > 1e-12]
    if len(varying) < 2:
        return Reliability(None, len(rows), [parts[j] for j in varying])
    totals = [sum(r[j] for j in varying) for r in rows]
    total_var = _variance(totals)
    if total_var <= 1e-12:
        return Reliability(None, len(rows), [parts[j] for j in varying])
    k = len(varying)
    item_var = sum(_variance([r[j] for r in rows]) for j in varying)
    return Reliability(k / (k - 1) * (1 - item_var / total_var), len(rows), [parts[j] for j in varying])


def complete_parts(matrix: Sequence[Mapping[str, float | None]], parts: Sequence[str]) -> list[str]:
    """The parts every student of ``matrix`` has a score for."""
    return [p for p in parts if matrix and all(row.get(p) is not None for row in matrix)]


def diagnose(matrix: Sequence[Mapping[str, float | None]], points: Mapping[str, float]) -> list[PartDiagnosis]:
    """Difficulty of each part (over the students scored on it) and corrected discrimination
    (over the parts every student has a score for; ``None`` for the others)."""
    parts = [p for p in points if points[p] > 0]
    discrimination = corrected_item_total(matrix, complete_parts(matrix, parts))
    out = []
    for part in parts:
        values = [v for v in (row.get(part) for row in matrix) if v is not None]
        difficulty = (sum(values) / len(values) / points[part]) if values else None
        out.append(PartDiagnosis(part, difficulty, discrimination.get(part)))
    return out


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\([^)]*\)|\d+(?:\.\d+)?")


def flag_kinds(flags: Sequence[str]) -> Counter[str]:
    """The flags of a class grouped by kind (names, numbers and parenthesised details dropped).

    >>> flag_kinds(["test cell 'q1' was edited; restored", "test cell 'q2' was edited; restored"])
    Counter({'test cell … was edited; restored': 2})
    """
    return Counter(" ".join(_QUOTED.sub("…", f).split()) for f in flags)


def hint_counts(failures: Mapping[str, Sequence[tuple[str, str]]]) -> dict[str, Counter[str]]:
    """``{part: Counter(hint or message)}`` from ``{part: [(message, hint), ...]}`` of failed tests.

    A failure whose hint is empty counts under its message (the test's own teaching message).
    """
    return {part: Counter((hint or message) for message, hint in items) for part, items in failures.items()}


# ----------------------------------------------------------------------------- the report's sections
def failures_from_notebooks(course: Course, assignment: str, students: Sequence[str],
                            several: bool) -> dict[str, list[tuple[str, str]]]:
    """``{part column: [(failure message, hint), ...]}`` over the students' autograded notebooks."""
    import nbformat

    from course_utils.grading.feedback import _parts_of, hint_for

    out: dict[str, list[tuple[str, str]]] = {}
    for sid in students:
        folder = course.autograded_dir / sid / assignment
        for path in sorted(folder.glob("*.ipynb")):
            try:
                executed = nbformat.read(str(path), as_version=4)
            except Exception:  # an unreadable notebook: the student is listed as failed elsewhere
                continue
            for gid, view in _parts_of(executed, {}).items():
                if view.auto and view.message != "passed":
                    key = f"{path.stem}:{gid}" if several else gid
                    out.setdefault(key, []).append((view.message, view.hint or hint_for(view.message)))
    return out


def plot_part(part: str, points: float, groups: Sequence[tuple[str, list[float]]], path: Path,
              discrimination: float | None) -> None:
    """One part: its mean score (% of points) in the lower, middle and upper third of the class
    by the rest of the assignment. A part that discriminates rises from left to right."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from course_utils.plots import PALETTE, new_figure

    fig = new_figure(5.5, 3.4, dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [f"{name}\n(n={len(values)})" for name, values in groups]
    shares = [100 * (sum(v) / len(v) / points) if v and points else 0.0 for _, v in groups]
    hatches = ["//", "..", "xx"]
    bars = ax.bar(labels, shares, color=[PALETTE["vermillion"], PALETTE["sky"], PALETTE["blue"]],
                  edgecolor=PALETTE["black"])
    for bar, hatch, share in zip(bars, hatches, shares, strict=True):
        bar.set_hatch(hatch)
        ax.text(bar.get_x() + bar.get_width() / 2, share + 2, f"{share:.0f}%", ha="center", fontsize=10)
    ax.set_ylim(0, 112)
    ax.set_ylabel("Mean score (% of points)", fontsize=11)
    d = "n/a" if discrimination is None else f"{discrimination:.2f}"
    ax.set_title(f"{part}: by the rest of the assignment (discrimination {d})", fontsize=11)
    fig.savefig(path)


def thirds(matrix: Sequence[Mapping[str, float | None]], part: str,
           parts: Sequence[str]) -> list[tuple[str, list[float]]]:
    """The part's scores in the lower, middle and upper third by the total of the other parts."""
    rows = [(sum((r.get(p) or 0.0) for p in parts if p != part), r.get(part)) for r in matrix]
    ranked = sorted(((rest, float(s)) for rest, s in rows if s is not None), key=lambda t: t[0])
    n = len(ranked)
    cut = [0, n // 3, n - n // 3, n]
    names = ["lower third", "middle third", "upper third"]
    return [(names[i], [s for _, s in ranked[cut[i]:cut[i + 1]]]) for i in range(3)]


def reading(difficulty: float | None, discrimination: float | None) -> str:
    """A few words on what the two numbers suggest (thresholds after Ebel's rule of thumb)."""
    words = []
    if difficulty is not None:
        if difficulty < 0.3:
            words.append("hard for most: check the question and the teaching before it")
        elif difficulty > 0.9:
            words.append("nearly everyone earned it")
    if discrimination is not None:
        if discrimination < 0:
            words.append("weaker students do better: check the test and the key")
        elif discrimination < 0.2:
            words.append("separates students poorly")
        elif discrimination >= 0.4:
            words.append("separates students well")
    return "; ".join(words)
