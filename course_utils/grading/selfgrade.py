"""``course selfgrade``: a self-study learner grades their own notebook, locally.

No gradebook, no class folders: the notebook is run with the full tests of ``source/`` (hidden
ones included) and each part is printed with its result and a hint. Written answers are listed
as "not autograded" with the points they are worth.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from course_utils.grading.cells import grade_id, valid_cells
from course_utils.grading.course import Course, CourseError, quiet_kernels

__all__ = ["find_source", "selfgrade"]


def _grade_ids(path: Path) -> set[str]:
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return set()
    return {gid for gid in (grade_id(c) for c in valid_cells(nb)) if gid}


def find_source(course: Course, notebook: Path, assignment: str | None = None) -> Path:
    """The source notebook that ``notebook`` is a copy of.

    Looked up by file name (``ps1_bargaining.ipynb`` -> ``source/*/ps1_bargaining.ipynb``), then,
    for a renamed copy, by the grade ids its cells carry.
    """
    candidates = (
        course.source_notebooks(course.require(assignment)) if assignment
        else [p for name in course.assignments() for p in course.source_notebooks(name)]
    )
    if not candidates:
        raise CourseError(f"no assignments in {course.source_dir}: is --course-dir the course folder?")
    by_name = [p for p in candidates if p.name == notebook.name]
    if len(by_name) == 1:
        return by_name[0]
    ids = _grade_ids(notebook)
    if ids:
        best = max(candidates, key=lambda p: len(ids & _grade_ids(p)))
        if ids & _grade_ids(best):
            return best
    names = ", ".join(sorted({p.parent.name for p in candidates}))
    raise CourseError(
        f"cannot tell which assignment {notebook.name} belongs to; name it with --assignment ({names})"
    )


def _has_variants(course: Course, assignment: str) -> bool:
    """True when variants are on for ``assignment`` (a student id would change its numbers)."""
    from course_utils.variants import course_settings

    return course_settings(course.root).enabled(assignment)


def selfgrade(
    course: Course,
    notebook: Path,
    *,
    assignment: str | None = None,
    html: Path | None = None,
    cell_timeout: float | None = None,
    student: str | None = None,
    echo=print,
) -> int:
    """Grade ``notebook`` against its source and print the per-part results; returns 0.

    Parameters
    ----------
    course : Course
        The course folder holding ``source/``.
    notebook : Path
        The learner's finished notebook.
    assignment : str, optional
        The assignment, when the notebook was renamed beyond recognition.
    html : Path, optional
        Also write the feedback page (the same as ``course feedback``) to this file.
    cell_timeout : float, optional
        Per-cell time limit in seconds.
    student : str, optional
        Whose numbers (variant) the notebook was answered with: by default the id remembered in
        ``.course_student`` next to the notebook, else the hub user, else the base numbers.
    """
    from course_utils.grading.autotest import prepare
    from course_utils.grading.engine import grade_notebook
    from course_utils.grading.feedback import PartView, _answer_hints, given_texts, hint_for, render_feedback

    notebook = Path(notebook)
    if not notebook.is_file():
        raise CourseError(f"notebook {notebook} does not exist")
    source = find_source(course, notebook, assignment)
    from course_utils.variants import course_settings, known_student

    how = "given with --student"
    if student is None:  # found as the notebook's first cell finds it (hub user, COURSE_STUDENT, .course_student)
        student, how = known_student(notebook.parent)
    variant = course_settings(course.root).variant(source.parent.name, student)
    echo(f"Grading {notebook} against the full tests of {source.parent.name}/{source.name}"
         f"{f' (the numbers of {student})' if student else ''} ...")
    if variant.enabled:
        echo(f"  your numbers ({how}): " + ", ".join(f"{k} = {v:g}" for k, v in variant.items()))
    elif student is None and _has_variants(course, source.parent.name):
        echo(f"  no student id ({how}): graded with the base numbers; give yours with --student ID")
    with quiet_kernels():
        prepare(source, course.root)  # ### AUTOTEST lines, expanded as the release has them
        grade = grade_notebook(notebook, source, cell_timeout=cell_timeout or course.cell_timeout,
                               total_timeout=max(300.0, 10 * (cell_timeout or course.cell_timeout)),
                               student=student)
    hints = _answer_hints(grade.executed)
    width = max((len(g) for g in grade.parts), default=10)
    views: dict[str, PartView] = {}
    for gid, part in grade.parts.items():
        hint = hints.get(gid, "") if part.auto and part.message != "passed" else ""
        views[gid] = PartView(gid, part.score, part.max_score, part.auto, part.message, "", hint)
        if part.auto:
            mark = "ok  " if part.message == "passed" else "FAIL"
            echo(f"  {mark} {gid:<{width}}  {part.score or 0:g}/{part.max_score:g}  {part.message}")
            tip = hint or (hint_for(part.message) if part.message != "passed" else "")
            if tip:
                echo(f"       {'':<{width}}  hint: {tip}")
        else:
            if part.score == 0:
                echo(f"  --   {gid:<{width}}  0/{part.max_score:g}  no answer written "
                     "(a written answer, not autograded)")
            else:
                echo(f"  --   {gid:<{width}}  ?/{part.max_score:g}  written answer: compare it with the "
                     "model answer or ask an instructor (not autograded)")
    for flag in grade.flags:
        echo(f"  note: {flag}")
    echo(f"Automatic score: {grade.score:g} / {grade.max_score:g}"
         + (f" (plus {grade.manual_max_score:g} point(s) of written answers)" if grade.manual_max_score else ""))
    if html is not None:
        page = render_feedback(grade.executed, views, student_id="self-study", assignment=source.parent.name,
                               notebook=source.stem, flags=grade.flags,
                               given=given_texts(course, source.parent.name, source.stem),
                               numbers=variant.as_dict() if variant.enabled else None)
        Path(html).write_text(page, encoding="utf-8")
        echo(f"Feedback page: {html}")
    return 0
