"""``course report``: where did the class struggle?

Reads ``reports/<assignment>/grades.csv`` (written by ``course grade``), overlays the manual
grades entered in the formgrader, and writes next to it:

- ``item_analysis.csv``: per part, points, mean score, mean as a share of the points, share of
  students with full marks, number graded; hardest parts first;
- ``scores.png``: the distribution of total scores;
- ``parts.png``: mean score and full-marks share per part, hardest at the top;
- ``summary.md``: counts, the item analysis, late submissions and their penalties, what the parts
  tell (difficulty, corrected item-total discrimination, Cronbach's alpha, see
  :mod:`course_utils.grading.analytics`), a plot per part that discriminates (``part_<id>.png``),
  failed tests by hint per part, flags by kind, flagged and failed students, links to the plots.

Plots use matplotlib's Agg canvas on figures outside pyplot, the Okabe-Ito palette of
:data:`course_utils.plots.PALETTE`, and a hatch or a direct label besides colour.
"""

from __future__ import annotations

import csv
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from course_utils.grading.course import Course, CourseError

__all__ = ["ItemStats", "item_analysis", "write_report", "plot_scores", "plot_parts"]


@dataclass(frozen=True)
class ItemStats:
    """Class statistics of one graded part."""

    part: str
    max_score: float
    mean: float
    mean_share: float
    full_share: float
    graded: int
    pending: int
    auto: bool


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _merge_manual(course: Course, assignment: str, rows: dict[str, dict[str, str]], parts: list[str]) -> None:
    """Put the manual scores entered in the formgrader into ``rows`` (in place)."""
    from course_utils.grading.gradebook import manual_grades

    book = manual_grades(course, assignment)
    several = any(":" in p for p in parts)
    for sid, notebooks in book.items():
        row = rows.get(sid)
        for nb, cells in notebooks.items():
            for gid, grade in cells.items():
                key = f"{nb}:{gid}" if several else gid
                if key not in parts:
                    continue
                if row is not None and grade.manual and grade.score is not None:
                    row[key] = f"{grade.score:g}"


def _part_info(course: Course, assignment: str) -> dict[str, tuple[float, bool]]:
    """``{part column: (points, autograded?)}`` from the source notebooks (tests, manually
    graded answers and tasks)."""
    import nbformat

    from course_utils.grading.cells import graded_parts

    notebooks = course.source_notebooks(assignment)
    info: dict[str, tuple[float, bool]] = {}
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        for _, part in graded_parts(nb.cells):
            key = f"{path.stem}:{part.grade_id}" if len(notebooks) > 1 else str(part.grade_id)
            info[key] = (part.points, part.auto)
    return info


def item_analysis(rows: list[dict[str, str]], info: dict[str, tuple[float, bool]]) -> list[ItemStats]:
    """Per-part statistics over graded and flagged students, hardest (lowest mean share) first.

    A written answer not graded yet counts as pending, not as zero.
    """
    from course_utils.grading.gradesfile import FLAGGED, GRADED

    scored = [r for r in rows if r.get("status") in (GRADED, FLAGGED)]
    stats = []
    for part, (points, auto) in info.items():
        values = [v for v in (_float(r.get(part)) for r in scored) if v is not None]
        pending = len(scored) - len(values)
        mean = statistics.fmean(values) if values else 0.0
        stats.append(ItemStats(
            part=part, max_score=points, mean=mean,
            mean_share=(mean / points) if points and values else 0.0,
            full_share=(sum(1 for v in values if v >= points) / len(values)) if values else 0.0,
            graded=len(values), pending=pending, auto=auto,
        ))
    return sorted(stats, key=lambda s: (s.graded == 0, s.mean_share, s.part))


def plot_scores(totals: list[float], max_score: float, path: Path, title: str) -> None:
    """A histogram of total scores, with the count written on each bar."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.ticker import MaxNLocator

    from course_utils.plots import PALETTE, new_figure

    fig = new_figure(7.0, 4.0, dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    top = max(max_score, max(totals, default=0.0), 1.0)
    # One bar per point when that is readable (each bar centred on its score), else 20 bins.
    step = 1.0 if top <= 50 else float(np.ceil(top / 25))
    edges = np.arange(-step / 2, top + step, step)
    hist = ax.hist(totals, bins=list(edges), color=PALETTE["blue"], edgecolor=PALETTE["black"],
                   hatch="//", rwidth=0.85)
    counts, edges = np.asarray(hist[0]), np.asarray(hist[1])
    for count, left, right in zip(counts, edges[:-1], edges[1:], strict=True):
        if count:
            ax.text((left + right) / 2, count, f"{int(count)}", ha="center", va="bottom", fontsize=11)
    ax.set_ylim(0, max(counts.max() if len(counts) else 1, 1) * 1.2)
    if totals:
        mean = statistics.fmean(totals)
        ax.axvline(mean, color=PALETTE["vermillion"], linestyle="--", linewidth=2)
        ax.text(mean, ax.get_ylim()[1] * 0.97, f" mean {mean:.2f}", color=PALETTE["vermillion"], va="top",
                fontsize=11)
    ax.set_xlim(-step / 2, top + step / 2)
    ax.set_xlabel(f"Total score (out of {max_score:g})", fontsize=12)
    ax.set_ylabel("Students", fontsize=12)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=13)
    ax.tick_params(labelsize=11)
    fig.savefig(path)


def plot_parts(stats: list[ItemStats], path: Path, title: str) -> None:
    """Horizontal bars per part: mean score share and full-marks share, hardest at the top."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.patches import Patch

    from course_utils.plots import PALETTE, new_figure

    shown = [s for s in stats if s.graded]
    fig = new_figure(8.0, max(3.2, 0.75 * len(shown) + 1.8), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = np.arange(len(shown))[::-1]  # hardest (first) at the top
    h = 0.38
    mean_bars = ax.barh(y + h / 2, [100 * s.mean_share for s in shown], height=h, color=PALETTE["vermillion"],
                        edgecolor=PALETTE["black"], hatch="//")
    full_bars = ax.barh(y - h / 2, [100 * s.full_share for s in shown], height=h, color=PALETTE["sky"],
                        edgecolor=PALETTE["black"], hatch="..")
    for bars in (mean_bars, full_bars):
        for bar in bars:
            ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, f"{bar.get_width():.0f}%",
                    va="center", fontsize=10)
    ax.set_yticks(y, [f"{s.part}\n({s.max_score:g} pt{'s' if s.max_score != 1 else ''}"
                      f"{', written' if not s.auto else ''}"
                      f"{f'; {s.pending} not graded yet' if s.pending else ''})" for s in shown], fontsize=10)
    ax.set_xlim(0, 112)
    ax.set_xlabel("Percent", fontsize=12)
    ax.set_title(title, fontsize=13)
    ax.legend(handles=[Patch(facecolor=PALETTE["vermillion"], hatch="//", edgecolor=PALETTE["black"],
                             label="mean score (% of points)"),
                       Patch(facecolor=PALETTE["sky"], hatch="..", edgecolor=PALETTE["black"],
                             label="students with full marks (%)")],
              loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=10, frameon=False)
    fig.savefig(path)


def _late_section(course: Course, assignment: str, scored: list[dict[str, str]],
                  info: dict[str, tuple[float, bool]]) -> list[str]:
    """Who was late, by how much, and what it cost (penalties on the scores as they are now)."""
    from course_utils.grading.gradesfile import late_penalty
    from course_utils.grading.late import describe_duration, load_policy, row_lateness

    policy = load_policy(course.root)
    late = []
    for row in scored:
        row["due"], seconds = row_lateness(policy, assignment, row)
        if seconds > 0:
            scores = {p: _float(row.get(p)) for p in info}
            late.append((row["student_id"], seconds, late_penalty(policy, row["student_id"], scores, seconds)))
    with_due = sum(1 for r in scored if r.get("due"))
    lms_marked = sum(1 for r in scored if r.get("lms_late"))
    lines = ["## Late submissions", ""]
    if not with_due:
        lines.append("- No due date is set for this assignment (c.CourseLate.due in nbgrader_config.py, or "
                     "nbgrader's own), so nothing counts as late"
                     + (f"; the LMS marked {lms_marked} submission(s) late" if lms_marked else "") + ".")
        return [*lines, ""]
    lines.append(f"- Rule: {policy.rule()}; {len(late)} of {with_due} submission(s) late, "
                 f"{sum(p for *_, p in late):g} point(s) taken off in all.")
    for sid, seconds, points in sorted(late, key=lambda t: -t[1]):
        lines.append(f"- **{sid}**: late by {describe_duration(seconds)} ({seconds:g} s), penalty {points:g}")
    return [*lines, ""]


def _diagnosis_section(course: Course, assignment: str, folder: Path, scored: list[dict[str, str]],
                       info: dict[str, tuple[float, bool]]) -> list[str]:
    """Difficulty, discrimination, Cronbach's alpha, one plot per discriminating part, the
    failures (teaching hints) per part and the flags by kind."""
    from course_utils.grading import analytics
    from course_utils.grading.gradesfile import flags_of

    points = {p: pts for p, (pts, _) in info.items()}
    matrix = [{p: _float(r.get(p)) for p in info} for r in scored]
    diagnosis = analytics.diagnose(matrix, points)
    alpha = analytics.cronbach_alpha(matrix, analytics.complete_parts(matrix, [p for p in info if points[p] > 0]))
    lines = ["## What the parts tell", ""]
    lines.append(f"- Cronbach's alpha: {alpha.alpha:.2f} over {alpha.students} students and {len(alpha.parts)} "
                 "parts (0.7 and above: the parts measure one thing consistently)" if alpha.alpha is not None
                 else f"- Cronbach's alpha: not defined ({alpha.students} students scored on every part, "
                      f"{len(alpha.parts)} part(s) that vary; it needs 3 students and 2 parts)")
    lines += ["", "| part | difficulty (mean share) | discrimination (corrected item-total r) | reading |",
              "|---|---:|---:|---|"]
    for d in sorted(diagnosis, key=lambda d: (d.discrimination is None, d.discrimination or 0.0)):
        diff = "—" if d.difficulty is None else f"{d.difficulty:.2f}"
        disc = "—" if d.discrimination is None else f"{d.discrimination:.2f}"
        words = analytics.reading(d.difficulty, d.discrimination)
        if any(row.get(d.part) is None for row in matrix):
            words = "; ".join(w for w in ("not graded for every student yet", words) if w)
        lines.append(f"| {d.part} | {diff} | {disc} | {words} |")
    parts = [p for p in info if points[p] > 0]
    for d in diagnosis:
        if d.discrimination is None:
            continue
        name = "part_" + re.sub(r"[^A-Za-z0-9_.-]", "_", d.part) + ".png"
        groups = analytics.thirds(matrix, d.part, parts)
        analytics.plot_part(d.part, points[d.part], groups, folder / name, d.discrimination)
        shares = ", ".join(f"{g}: {100 * sum(v) / len(v) / points[d.part]:.0f}%" if v else f"{g}: none"
                           for g, v in groups)
        lines += ["", f"![{d.part}: mean score as a share of its points in the lower, middle and upper third of "
                      f"the class by the rest of the assignment ({shares})]({name})"]
    failures = analytics.failures_from_notebooks(course, assignment, [r["student_id"] for r in scored],
                                                 any(":" in p for p in info))
    lines += ["", "## Why students lost points (failed tests by hint, most frequent first)", ""]
    if not failures:
        lines.append("- no failed tests")
    for part in info:
        if part not in failures:
            continue
        counts = analytics.hint_counts({part: failures[part]})[part]
        lines.append(f"- **{part}** ({len(failures[part])} failed):")
        lines += [f"  - {n}× {text}" for text, n in counts.most_common(4)]
        if len(counts) > 4:
            lines.append(f"  - {sum(n for _, n in counts.most_common()[4:])}× other reasons")
    kinds = analytics.flag_kinds([f for r in scored for f in flags_of(r)])
    lines += ["", "## Flags by kind", ""]
    lines += [f"- {n}× {kind}" for kind, n in kinds.most_common()] or ["- none"]
    return [*lines, ""]


def write_report(course: Course, assignment: str) -> Path:
    """Write the item analysis, both plots and ``summary.md``; returns the summary's path."""
    from course_utils.grading.gradesfile import FAILED, FLAGGED, GRADED, read_grades

    folder = course.report_dir(assignment)
    rows_by_id = read_grades(folder / "grades.csv")
    if not rows_by_id:
        raise CourseError(f"no grades for {assignment} yet: run `course grade {assignment} --submissions PATH` first")
    info = _part_info(course, assignment)
    _merge_manual(course, assignment, rows_by_id, list(info))
    rows = [rows_by_id[s] for s in sorted(rows_by_id)]
    stats = item_analysis(rows, info)
    scored = [r for r in rows if r.get("status") in (GRADED, FLAGGED)]
    totals = [sum(_float(r.get(p)) or 0.0 for p in info) for r in scored]
    max_total = sum(points for points, _ in info.values())

    with (folder / "item_analysis.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["part", "points", "kind", "mean", "mean_share", "full_marks_share", "graded", "pending"])
        for s in stats:
            writer.writerow([s.part, f"{s.max_score:g}", "auto" if s.auto else "written", f"{s.mean:.3f}",
                             f"{s.mean_share:.3f}", f"{s.full_share:.3f}", s.graded, s.pending])
    plot_scores(totals, max_total, folder / "scores.png", f"{assignment}: total scores ({len(totals)} students graded)")
    plot_parts(stats, folder / "parts.png", f"{assignment}: parts, hardest first")

    flagged = [r for r in rows if r.get("status") == FLAGGED]
    failed = [r for r in rows if r.get("status") == FAILED]
    lines = [f"# {assignment}: class report", ""]
    lines.append(f"- Students: {len(rows)} ({len(scored) - len(flagged)} graded, {len(flagged)} flagged, "
                 f"{len(failed)} failed)")
    if totals:
        lines.append(f"- Total score (out of {max_total:g}): mean {statistics.fmean(totals):.2f}, "
                     f"median {statistics.median(totals):g}, lowest {min(totals):g}, highest {max(totals):g}")
    pending = sum(s.pending for s in stats if not s.auto)
    if pending:
        lines.append(f"- Written answers still to grade in the formgrader: {pending} "
                     "(counted as missing, not zero, below; totals count them as 0 until graded)")
    lines += ["", "## Parts, hardest first", "",
              "| part | points | kind | mean | mean % | full marks % | graded |",
              "|---|---:|---|---:|---:|---:|---:|"]
    for s in stats:
        lines.append(f"| {s.part} | {s.max_score:g} | {'auto' if s.auto else 'written'} | {s.mean:.2f} | "
                     f"{100 * s.mean_share:.0f}% | {100 * s.full_share:.0f}% | {s.graded} |")
    # alternative text: what each picture shows, for a reader who cannot see it
    spread = (f": mean {statistics.fmean(totals):.2f}, lowest {min(totals):g}, highest {max(totals):g}"
              if totals else "")
    lines += ["", f"![Histogram of total scores out of {max_total:g} for {len(totals)} graded "
                  f"students{spread}](scores.png)", "",
              "![Bar chart of each part's mean score and share of students with full marks, in "
              "percent, hardest part first, as in the table above](parts.png)", ""]
    lines += _late_section(course, assignment, scored, info)
    lines += _diagnosis_section(course, assignment, folder, scored, info)
    from course_utils.grading.variant_report import variant_section  # parts across per-student variants

    lines += variant_section(course, assignment, scored, info)
    lines += ["## Flagged submissions (look at these)", ""]
    lines += [f"- **{r['student_id']}**: {r.get('flags') or 'flagged'}" for r in flagged] or ["- none"]
    lines += ["", "## Failed submissions (not graded)", ""]
    lines += [f"- **{r['student_id']}**: {r.get('flags') or 'failed'}" for r in failed] or ["- none"]
    lines.append("")
    summary = folder / "summary.md"
    summary.write_text("\n".join(lines), encoding="utf-8")
    return summary
