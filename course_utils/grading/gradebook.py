"""Record grades in nbgrader's gradebook, and read the instructor's manual grades back.

Only the parent process of ``course grade`` writes here, one student at a time, so SQLite is
never written by two processes at once. Any SQLAlchemy URL works (``CourseDirectory.db_url``).
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from course_utils.grading.course import Course, CourseError, ensure_tools_on_path

__all__ = ["open_gradebook", "ensure_assignment", "record_notebook", "record_late", "ManualGrade", "manual_grades"]


@contextlib.contextmanager
def open_gradebook(course: Course) -> Iterator[Any]:
    """nbgrader's :class:`~nbgrader.api.Gradebook` for the course, closed on exit."""
    from nbgrader.api import Gradebook

    ensure_tools_on_path()
    # nbgrader prints alembic's chatter when it creates a database; keep the terminal clean.
    with contextlib.redirect_stdout(io.StringIO()):
        gb = Gradebook(course.db_url, course_id=course.course_id)
    try:
        yield gb
    finally:
        gb.close()


def ensure_assignment(course: Course, assignment: str, notebooks: list[str]) -> None:
    """Make sure the gradebook knows the assignment's notebooks and cells.

    nbgrader records them while generating the release; when that happened elsewhere (a fresh
    clone, another gradebook URL), the release is generated again into a temporary folder, which
    records the cells without touching ``release/``.
    """
    from nbgrader.api import MissingEntry

    with open_gradebook(course) as gb:
        try:
            known = {nb.name for nb in gb.find_assignment(assignment).notebooks}
        except MissingEntry:
            known = set()
    if set(notebooks) <= known:
        return
    import tempfile

    from course_utils.grading.build import generate_release

    with tempfile.TemporaryDirectory(prefix="course-gb-") as tmp:
        generate_release(course, assignment, release_root=Path(tmp))


def record_notebook(
    gb: Any, assignment: str, student_id: str, notebook: str, executed: NotebookNode,
    timestamp: str | None,
) -> None:
    """Store one autograded notebook's scores and "No response." comments, as nbgrader does.

    The same rules as nbgrader's ``SaveAutoGrades`` on an already open gradebook (one
    connection for the whole batch): ``auto_score`` from ``determine_grade``; a part with a
    manual grade already, or without an automatic score, is marked for manual grading (manual
    grades are kept); an answer cell left as handed out gets the comment "No response.".
    """
    from nbgrader import utils
    from nbgrader.api import BaseCell, Comment, Grade

    from course_utils.grading.cells import Kind, classify, nbgrader_meta

    gb.update_or_create_student(student_id)
    kwargs = {"timestamp": timestamp} if timestamp else {}
    gb.update_or_create_submission(assignment, student_id, **kwargs)
    log = logging.getLogger(__name__)
    # the submission's grades and comments by cell name, two queries in all (nbgrader's
    # find_grade and find_comment make one each per cell)
    submitted = gb.find_submission_notebook(notebook, assignment, student_id)
    grades = dict(gb.db.query(BaseCell.name, Grade).join(BaseCell, BaseCell.id == Grade.cell_id)
                  .filter(Grade.notebook_id == submitted.id))
    comments = dict(gb.db.query(BaseCell.name, Comment).join(BaseCell, BaseCell.id == Comment.cell_id)
                    .filter(Comment.notebook_id == submitted.id))
    for cell in executed.cells:
        info = classify(cell)
        gid = info.grade_id
        if gid is None:
            continue
        if info.kind in (Kind.TEST, Kind.MANUAL_ANSWER):  # nbgrader's "grade" cells
            grade = grades.get(gid) or gb.find_grade(gid, notebook, assignment, student_id)
            grade.auto_score, _ = utils.determine_grade(cell, log)
            grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        if info.is_answer or info.kind is Kind.TASK:
            comment = comments.get(gid) or gb.find_comment(gid, notebook, assignment, student_id)
            untouched = info.is_answer and nbgrader_meta(cell).get("checksum") == utils.compute_checksum(cell)
            comment.auto_comment = "No response." if untouched else None
    gb.db.commit()


def record_late(gb: Any, assignment: str, student_id: str, lateness: Any, penalties: dict[str, float]) -> None:
    """Put the due date, the student's extension and each notebook's late penalty in the gradebook.

    These are nbgrader's own fields (``Assignment.duedate``, ``SubmittedAssignment.extension``,
    ``SubmittedNotebook.late_submission_penalty``), so the formgrader shows the submission as late
    and nbgrader's own totals subtract the penalty. Nothing is written without a due date.
    """
    if lateness.due is None:
        return
    due = lateness.due.replace(tzinfo=None)  # nbgrader stores naive UTC
    asg = gb.find_assignment(assignment)
    if asg.duedate != due:
        asg.duedate = due
    submission = gb.find_submission(assignment, student_id)
    submission.extension = lateness.extension or None
    for notebook, points in penalties.items():
        gb.find_submission_notebook(notebook, assignment, student_id).late_submission_penalty = points or None
    gb.db.commit()


@dataclass(frozen=True)
class ManualGrade:
    """The gradebook's view of one graded part after the instructor's review."""

    score: float | None
    max_score: float
    manual: bool
    comment: str


def manual_grades(course: Course, assignment: str) -> dict[str, dict[str, dict[str, ManualGrade]]]:
    """``{student: {notebook: {grade_id: ManualGrade}}}`` from the gradebook.

    ``score`` is the instructor's score when there is one, else the autograder's; ``comment``
    is the instructor's comment on the cell (or nbgrader's automatic one).
    Returns an empty dict when the gradebook has no such assignment.
    """
    from nbgrader.api import MissingEntry

    out: dict[str, dict[str, dict[str, ManualGrade]]] = {}
    try:
        with open_gradebook(course) as gb:
            try:
                asg = gb.find_assignment(assignment)
            except MissingEntry:
                return out
            for submission in asg.submissions:
                sid = submission.student.id
                for snb in submission.notebooks:
                    cells: dict[str, ManualGrade] = {}
                    comments = {c.name: (c.comment or c.auto_comment or "") for c in snb.comments}
                    for grade in snb.grades:
                        cells[grade.name] = ManualGrade(
                            score=grade.score if (grade.manual_score is not None or grade.auto_score is not None)
                            else None,
                            max_score=float(grade.max_score),
                            manual=grade.manual_score is not None,
                            comment=comments.get(grade.name, ""),
                        )
                    for name, text in comments.items():
                        if name not in cells and text:
                            cells[name] = ManualGrade(None, 0.0, False, text)
                    out.setdefault(sid, {})[snb.name] = cells
    except CourseError:
        raise
    except Exception as exc:  # a broken or foreign database: say so in one line
        raise CourseError(f"cannot read the gradebook {course.db_url}: {type(exc).__name__}: {exc}") from None
    return out
