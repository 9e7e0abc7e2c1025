"""``reports/<assignment>/grades.csv``: its columns, its writer and its reader, in one place.

One row per student, sorted by student id. The columns are :data:`BASE_COLUMNS`, then one per
graded part in notebook order (:func:`part_columns`):

============== ==================================================================================
column         value
============== ==================================================================================
student_id     the student id (see :mod:`course_utils.grading.collect`)
score          automatic score plus the manual scores already given
max_score      everything the assignment is worth (tests, written answers, tasks)
status         ``graded``, ``flagged`` (graded, but a human should look) or ``failed`` (not graded)
auto_score     automatic score
auto_max_score what the autograded tests are worth
manual_pending parts still waiting for the instructor's grade
flags          the flags, joined by :data:`FLAG_SEPARATOR`; for ``failed``, the reason
submitted_at   when the student submitted (UTC), see :mod:`course_utils.grading.collect`
time_source    where that time was read: ``timestamp.txt``, ``blackboard file name``,
               ``brightspace file name``, ``zip entry time`` or ``file time``
due            the student's deadline (UTC): the due date plus their extension; empty without one
late_seconds   seconds after that deadline (0 when on time)
late_penalty   points taken off for lateness (:mod:`course_utils.grading.late`)
final_score    ``score`` minus ``late_penalty``: the grade that goes back to the LMS
lms, lms_name, the LMS the file came from, its name and number for the student (for ``course export``)
lms_id
lms_late       ``yes`` when the LMS itself marked the submission late (Canvas's ``_LATE``)
<part>         that part's score; empty while it waits for a manual grade, or for ``failed``
============== ==================================================================================

A part column is the part's grade id, prefixed with ``<notebook>:`` when the assignment has more
than one notebook. Numbers are written with ``:g`` (``3``, ``1.5``).

Flags are one line each (:mod:`course_utils.grading.flags`) and may contain ``"; "`` (``test cell
'q1' was edited; restored``), so they are joined by ``" | "``; :func:`flags_of` splits them again.
A file written before this rule (flags joined by ``"; "``) reads as one flag per row.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from course_utils.grading.batch import StudentResult
    from course_utils.grading.course import Course
    from course_utils.grading.late import LatePolicy

__all__ = [
    "GRADED", "FLAGGED", "FAILED", "BASE_COLUMNS", "FLAG_SEPARATOR",
    "part_columns", "part_key", "read_grades", "write_grades", "result_row", "flags_of", "join_flags",
    "SUBMISSION_COLUMNS", "notebook_scores", "late_penalty",
]

GRADED, FLAGGED, FAILED = "graded", "flagged", "failed"
#: The first columns of grades.csv; one column per graded part follows.
BASE_COLUMNS = ("student_id", "score", "max_score", "status", "auto_score", "auto_max_score",
                "manual_pending", "flags", "submitted_at", "time_source", "due", "late_seconds", "late_penalty",
                "final_score", "lms", "lms_name", "lms_id", "lms_late")
#: The columns about time and the LMS that ``course grade`` fills from intake and the late policy.
SUBMISSION_COLUMNS = BASE_COLUMNS[8:]
#: Between two flags in the ``flags`` column (never inside one: see :func:`join_flags`).
FLAG_SEPARATOR = " | "


def part_key(notebook: str, grade_id: str, several: bool) -> str:
    """The column of a part: its grade id, or ``notebook:grade_id`` when there are several notebooks."""
    return f"{notebook}:{grade_id}" if several else grade_id


def part_columns(course: Course, assignment: str) -> list[str]:
    """The per-part column names of grades.csv, in notebook order (tests, written answers, tasks)."""
    import nbformat

    from course_utils.grading.cells import graded_parts

    notebooks = course.source_notebooks(assignment)
    columns: list[str] = []
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        for _, info in graded_parts(nb.cells):
            columns.append(part_key(path.stem, str(info.grade_id), len(notebooks) > 1))
    return columns


def join_flags(flags: Iterable[str]) -> str:
    """The ``flags`` cell for a list of flags (a separator inside a flag becomes ``" / "``)."""
    return FLAG_SEPARATOR.join(f.replace(FLAG_SEPARATOR, " / ") for f in flags if f)


def flags_of(row: Mapping[str, str]) -> list[str]:
    """The flags of a row (for a ``failed`` row, its reason as the only item)."""
    text = row.get("flags") or ""
    return [f for f in text.split(FLAG_SEPARATOR) if f]


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def notebook_scores(scores: Mapping[str, float | None]) -> dict[str, float]:
    """Points per notebook from ``{part column: score}`` (a pending part counts 0).

    The notebook of ``nb:grade_id`` is ``nb``; a plain ``grade_id`` belongs to the only notebook,
    called ``""`` here.
    """
    out: dict[str, float] = {}
    for key, score in scores.items():
        notebook = key.split(":", 1)[0] if ":" in key else ""
        out[notebook] = out.get(notebook, 0.0) + (score or 0.0)
    return out


def late_penalty(policy: LatePolicy, student: str, scores: Mapping[str, float | None], seconds_late: float) -> float:
    """Points off for a submission ``seconds_late`` late, computed per notebook as nbgrader does."""
    if seconds_late <= 0:
        return 0.0
    return sum(policy.penalty(student, score, seconds_late) for score in notebook_scores(scores).values())


def result_row(result: StudentResult, submission: Mapping[str, str] | None = None) -> dict[str, str]:
    """A grades.csv row for one student's result; ``submission`` holds the
    :data:`SUBMISSION_COLUMNS` (times, lateness, the LMS's names)."""
    row = {"student_id": result.student_id, "status": result.status,
           "flags": join_flags(result.flags) if result.status != FAILED else result.reason}
    row.update(submission or {})
    if result.status == FAILED:
        row.pop("late_penalty", None)
        row.pop("final_score", None)
        return row
    row.update(score=_fmt(result.score), max_score=_fmt(result.max_score), auto_score=_fmt(result.auto_score),
               auto_max_score=_fmt(result.auto_max_score),
               manual_pending=str(sum(1 for p in result.parts.values() if not p.auto and p.score is None)))
    row.update({key: _fmt(part.score) for key, part in result.parts.items()})
    penalty = float(row.get("late_penalty") or 0.0)
    row["final_score"] = _fmt(max(result.score - penalty, 0.0))
    return row


def read_grades(path: Path) -> dict[str, dict[str, str]]:
    """Rows of an existing grades.csv by student id (empty when there is none)."""
    path = Path(path)
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle) if row.get("student_id")}


def write_grades(path: Path, rows: Mapping[str, Mapping[str, str]], parts: list[str]) -> None:
    """Write grades.csv atomically (a crash mid-write never leaves half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = [*BASE_COLUMNS, *parts]
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for sid in sorted(rows):
            writer.writerow({c: rows[sid].get(c, "") for c in columns})
    os.replace(tmp, path)
