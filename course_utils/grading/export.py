"""``course export``: the grade file an LMS imports, and the feedback pages bundled for upload.

Grades are ``final_score`` of grades.csv recomputed the way the report does: the manual grades
entered in the formgrader included, the late penalty (:mod:`course_utils.grading.late`) taken
off. Students not graded (``failed``) or with written answers still to grade are left out and
listed, so no provisional grade reaches the LMS by accident (``--include-pending`` sends them).

Formats, and what each LMS documents about importing them:

``canvas``
    Canvas's gradebook CSV: ``Student, ID, SIS User ID, SIS Login ID, Section`` then one column
    per assignment. Canvas's import needs one of student name / Canvas ID / SIS User ID, then SIS
    Login ID, Section and the assignment's column (Ohio State's CarmenCanvas guide "Import a CSV
    file to Carmen Grades", teaching.resources.osu.edu; a column Canvas does not know creates a
    new assignment, so per-part columns, ``--parts``, become assignments). A SIS Login ID alone
    is not enough: export the gradebook from Canvas and merge into it (Canvas's guide "How do I
    import grades in the Gradebook?", as a TA's walk-through in github.com/myl7/mylmoe,
    ``docs/posts/cityu-ta-upload-canvas-grade.md``, puts it). So: pass that export as
    ``--template``; its rows and its assignment column (``Name (id)``) are kept and only the
    grade is filled in. Without a template the Canvas user id comes from the download's file
    names (``ID``), and ``SIS Login ID`` holds the course's student id.
``moodle``
    A CSV for Moodle's "Import > CSV file" (``grade/import/csv``): a header row; on import you map
    an identifying column ("ID number", "Email address" or "Username") to the user field and
    each grade column to a grade item, and a feedback column to the item's feedback (as the
    README of github.com/aaronsamuel137/moodle-autograder walks through). Written here:
    ``ID number, Email address, Full name``, the assignment's grade, its feedback text, then one
    column per part.
``plain``
    ``student_id, lms_name, lms_id, status, score, late_penalty, final_score, max_score`` and
    the parts: for a spreadsheet or a script.

The feedback pages (``course feedback``) are bundled in ``feedback_<format>.zip``: for Moodle in
the names its "Upload multiple feedback files in a zip" matches
(``<Full name>_<participant id>_assignsubmission_file_/<notebook>.html``, the prefix Moodle's own
feedback-zip importer test builds); otherwise one folder per student id.

Canvas also through its API, behind an option (:func:`push_to_canvas`, ``course export
--format canvas --canvas-url URL --canvas-course ID --canvas-assignment ID``): the final grades
and a one-line comment go to the assignment with Canvas's bulk grade update
(``POST /api/v1/courses/:course_id/assignments/:assignment_id/submissions/update_grades``,
"Grade or comment on multiple submissions" in Canvas's Submissions API) through ``canvasapi``,
the client library kept by the University of Central Florida (PyPI ``canvasapi``, installed
only when wanted: ``pip install canvasapi==3.6.0``). The token comes from ``CANVAS_API_TOKEN``,
never from the command line. Students are matched by their Canvas user id (from the download's
names, or the roster's ``lms_id``). Tested against recorded responses of a local stand-in
server, not a live Canvas. Moodle, Blackboard and Brightspace: files only.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from course_utils.grading.course import Course, CourseError

__all__ = ["export_grades", "ExportResult", "FORMATS", "push_to_canvas", "PushResult"]

FORMATS = ("canvas", "moodle", "plain")
CANVAS_FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


@dataclass
class ExportResult:
    grades: Path
    feedback: Path | None
    exported: list[str]
    left_out: dict[str, str]


def _fmt(value: float) -> str:
    return f"{round(value, 4):g}"


def _class(course: Course, assignment: str) -> tuple[dict[str, dict[str, str]], dict[str, tuple[float, bool]]]:
    """grades.csv with the formgrader's manual grades and the late penalty recomputed."""
    from course_utils.grading.gradesfile import late_penalty, read_grades
    from course_utils.grading.late import load_policy, row_lateness
    from course_utils.grading.report import _float, _merge_manual, _part_info

    rows = read_grades(course.report_dir(assignment) / "grades.csv")
    if not rows:
        raise CourseError(f"no grades for {assignment} yet: run `course grade {assignment} --submissions PATH` first")
    info = _part_info(course, assignment)
    _merge_manual(course, assignment, rows, list(info))
    policy = load_policy(course.root)
    for sid, row in rows.items():
        scores = {p: _float(row.get(p)) for p in info}
        score = sum(v or 0.0 for v in scores.values())
        row["due"], seconds = row_lateness(policy, assignment, row)
        penalty = late_penalty(policy, sid, scores, seconds)
        row.update(score=_fmt(score), late_penalty=_fmt(penalty), final_score=_fmt(max(score - penalty, 0.0)),
                   manual_pending=str(sum(1 for p, (_, auto) in info.items() if not auto and scores[p] is None)))
    return rows, info


def _feedback_text(row: dict[str, str], max_score: float) -> str:
    text = f"Score {row['score']}/{max_score:g}"
    if float(row.get("late_penalty") or 0) > 0:
        text += f"; late penalty {row['late_penalty']}: {row['final_score']}/{max_score:g}"
    return text


def _canvas(rows: dict[str, dict[str, str]], assignment: str, max_score: float, parts: list[str],
            template: Path | None, column: str | None) -> tuple[list[list[str]], list[str]]:
    """The rows of a Canvas gradebook CSV, and the students the template does not hold."""
    unmatched: list[str] = []
    if template is not None:
        try:
            with Path(template).open(newline="", encoding="utf-8-sig") as handle:
                table = list(csv.reader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CourseError(f"cannot read the Canvas gradebook {template}: {exc}") from None
        if not table or tuple(table[0][:5]) != CANVAS_FIXED:
            raise CourseError(f"{template} is not a Canvas gradebook export: its first columns should be "
                              f"{', '.join(CANVAS_FIXED)} (Grades > Export > Export Entire Gradebook)")
        header = table[0]
        name = column or next((h for h in header[5:] if h.split(" (")[0].strip() == assignment), assignment)
        head = [*CANVAS_FIXED, name, *[f"{assignment}: {p}" for p in parts]]
        out = [head]
        by_key: dict[str, dict[str, str]] = {}
        for graded in rows.values():
            for key in (graded.get("lms_id"), graded["student_id"]):
                if key:
                    by_key.setdefault(key, graded)
        seen = set()
        for line in table[1:]:
            fixed = (line + [""] * 5)[:5]
            row: dict[str, str] | None = next((by_key[k] for k in (fixed[1], fixed[3], fixed[2]) if k in by_key),
                                              None)
            if row is None:
                continue  # a student without a grade here keeps what Canvas has
            seen.add(row["student_id"])
            out.append([*fixed, row["final_score"], *[row.get(p, "") for p in parts]])
        unmatched = [sid for sid in rows if sid not in seen]
        return out, unmatched
    head = [*CANVAS_FIXED, column or assignment, *[f"{assignment}: {p}" for p in parts]]
    out = [head]
    for sid, row in sorted(rows.items()):
        if row.get("lms") != "canvas" or not row.get("lms_id"):
            unmatched.append(sid)
            continue
        out.append([row.get("lms_name", ""), row["lms_id"], "", sid, "", row["final_score"],
                    *[row.get(p, "") for p in parts]])
    return out, unmatched


def _moodle(rows: dict[str, dict[str, str]], assignment: str, max_score: float, parts: list[str],
            roster: dict[str, dict[str, str]]) -> list[list[str]]:
    head = ["ID number", "Email address", "Full name", assignment, f"{assignment} (feedback)",
            *[f"{assignment}: {p}" for p in parts]]
    out = [head]
    for sid, row in sorted(rows.items()):
        extra = roster.get(sid, {})
        out.append([sid, extra.get("email", ""), row.get("lms_name") or extra.get("lms_name", ""), row["final_score"],
                    _feedback_text(row, max_score), *[row.get(p, "") for p in parts]])
    return out


def _plain(rows: dict[str, dict[str, str]], max_score: float, parts: list[str]) -> list[list[str]]:
    head = ["student_id", "lms_name", "lms_id", "status", "score", "late_penalty", "final_score", "max_score", *parts]
    return [head, *[[sid, r.get("lms_name", ""), r.get("lms_id", ""), r.get("status", ""), r["score"],
                     r["late_penalty"], r["final_score"], f"{max_score:g}", *[r.get(p, "") for p in parts]]
                    for sid, r in sorted(rows.items())]]


def _bundle(course: Course, assignment: str, rows: dict[str, dict[str, str]], fmt: str, path: Path) -> Path | None:
    """The feedback pages of the exported students in one zip, named for the LMS's upload."""
    folder = course.report_dir(assignment) / "feedback"
    pages = {sid: sorted((folder / sid).glob("*.html")) for sid in rows if (folder / sid).is_dir()}
    if not any(pages.values()):
        return None
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for sid, files in sorted(pages.items()):
            row = rows[sid]
            if fmt == "moodle" and row.get("lms") == "moodle" and row.get("lms_id"):
                prefix = f"{row['lms_name']}_{row['lms_id']}_assignsubmission_file_/"
            else:
                prefix = f"{sid}/"
            for page in files:
                zf.write(page, prefix + page.name)
    return path


def _exportable(course: Course, assignment: str, include_pending: bool
                ) -> tuple[dict[str, dict[str, str]], dict[str, tuple[float, bool]], dict[str, str]]:
    """The rows to send, the parts, and the students left out with the reason."""
    from course_utils.grading.gradesfile import FAILED

    course.require(assignment)
    rows, info = _class(course, assignment)
    left_out: dict[str, str] = {}
    for sid, row in list(rows.items()):
        if row.get("status") == FAILED:
            left_out[sid] = "not graded (failed): " + (row.get("flags") or "")
        elif row.get("manual_pending") not in ("", "0", None) and not include_pending:
            left_out[sid] = f"{row['manual_pending']} written answer(s) still to grade in the formgrader"
        else:
            continue
        del rows[sid]
    return rows, info, left_out


@dataclass
class PushResult:
    sent: list[str]
    left_out: dict[str, str]
    #: Canvas's progress of the bulk update ("queued", "running", "completed", "failed")
    state: str
    progress_url: str


def push_to_canvas(course: Course, assignment: str, *, url: str, canvas_course: int, canvas_assignment: int,
                   token: str | None = None, roster: Path | None = None,
                   include_pending: bool = False) -> PushResult:
    """Send the final grades (and a one-line comment each) to a Canvas assignment by its API."""
    import os

    from course_utils.grading.collect import load_roster

    token = token or os.environ.get("CANVAS_API_TOKEN", "")
    if not token:
        raise CourseError("no Canvas token: set CANVAS_API_TOKEN (Canvas: Account > Settings > New Access Token)")
    try:
        from canvasapi import Canvas
        from canvasapi.exceptions import CanvasException
    except ImportError:
        raise CourseError("the Canvas API needs the canvasapi package: pip install canvasapi==3.6.0") from None
    rows, info, left_out = _exportable(course, assignment, include_pending)
    max_score = sum(points for points, _ in info.values())
    lms_ids = {sid: r.get("lms_id", "") for sid, r in load_roster(roster).rows.items()}
    grades: dict[str, dict[str, str]] = {}
    for sid, row in sorted(rows.items()):
        user = row.get("lms_id") if row.get("lms") == "canvas" else lms_ids.get(sid)
        if not user or not user.isdigit():
            left_out[sid] = "no Canvas user id (not from a Canvas download, not in the roster's lms_id)"
            continue
        grades[user] = {"posted_grade": row["final_score"], "text_comment": _feedback_text(row, max_score)}
    if not grades:
        raise CourseError(f"no student of {assignment} has a Canvas user id; nothing sent")
    try:
        target = Canvas(url, token).get_course(canvas_course).get_assignment(canvas_assignment)
        progress = target.submissions_bulk_update(grade_data=grades)
    except CanvasException as exc:
        raise CourseError(f"Canvas refused the grades: {type(exc).__name__}: {exc}") from None
    sent = [sid for sid in sorted(rows) if sid not in left_out]
    return PushResult(sent, left_out, str(getattr(progress, "workflow_state", "")), str(getattr(progress, "url", "")))


def export_grades(course: Course, assignment: str, fmt: str, *, out: Path | None = None,
                  template: Path | None = None, column: str | None = None, parts: bool | None = None,
                  roster: Path | None = None, include_pending: bool = False) -> ExportResult:
    """Write the grade file for ``fmt`` (``canvas``, ``moodle`` or ``plain``) and the feedback zip.

    ``parts``: one column per graded part (default: on for Moodle and plain, off for Canvas, where
    each new column becomes an assignment). ``out``: the grade file (default
    ``reports/<assignment>/export/grades_<fmt>.csv``).
    """
    from course_utils.grading.collect import load_roster

    if fmt not in FORMATS:
        raise CourseError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    rows, info, left_out = _exportable(course, assignment, include_pending)
    max_score = sum(points for points, _ in info.values())
    columns = list(info) if (parts if parts is not None else fmt != "canvas") else []
    if fmt == "canvas":
        table, unmatched = _canvas(rows, assignment, max_score, columns, template, column)
        for sid in unmatched:
            left_out[sid] = ("not in the Canvas gradebook given" if template
                             else "no Canvas user id (not from a Canvas download): pass --template")
    elif fmt == "moodle":
        table = _moodle(rows, assignment, max_score, columns, load_roster(roster).rows)
    else:
        table = _plain(rows, max_score, columns)
    target = Path(out) if out else course.report_dir(assignment) / "export" / f"grades_{fmt}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    target.write_text(buffer.getvalue(), encoding="utf-8")
    exported = [sid for sid in sorted(rows) if sid not in left_out]
    bundle = _bundle(course, assignment, {s: rows[s] for s in exported}, fmt,
                     target.parent / f"feedback_{fmt}.zip")
    return ExportResult(target, bundle, exported, left_out)
