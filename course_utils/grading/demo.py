"""``course demo``: a throwaway class, graded end to end, for a new instructor to look at.

Creates a self-contained nbgrader course folder (its own ``nbgrader_config.py``, ``source/``
copied from the course, ``release/``, ``gradebook.db``, ``submitted/``, ``autograded/``,
``exchange/``), writes a Canvas-style zip of synthetic submissions (correct, partly right,
wrong, blank, broken) and runs build -> grade -> feedback -> report on it. ``cd DIR && jupyter
lab`` then shows the submissions in the formgrader.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

import nbformat

from course_utils.grading.course import Course, CourseError, load_course

__all__ = ["DEMO_ASSIGNMENT", "DEMO_STUDENTS", "run_demo", "make_class_zip"]

DEMO_ASSIGNMENT = "ps1_bargaining"
#: Synthetic students: (Canvas name, user id, kind of submission).
DEMO_STUDENTS = (
    ("adamsjo", 1001, "correct"),
    ("bakerli", 1002, "partial"),
    ("chenwei", 1003, "wrong"),
    ("diazmar", 1004, "blank"),
    ("evansam", 1005, "broken"),
    ("fosterk", 1006, "correct"),
)
_MARKER = ".course-demo"


def make_class_zip(release: Path, source: Path, target: Path, students=DEMO_STUDENTS) -> Path:
    """A Canvas-style zip (``<name>_<id>_<sub>_<notebook>.ipynb``) of synthetic submissions."""
    from course_utils.grading.synthetic import make_submission

    release_nb = nbformat.read(str(release), as_version=4)
    source_nb = nbformat.read(str(source), as_version=4)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, user, kind in students:
            zf.writestr(f"{name}_{user}_{user + 5000}_{source.name}", make_submission(release_nb, source_nb, kind))
    return target


def _prepare(out: Path, source_course: Course, assignment: str) -> Course:
    from course_utils.grading.synthetic import nbgrader_config_text

    if out.exists():
        if not (out / _MARKER).is_file():
            if any(out.iterdir()):
                raise CourseError(f"{out} exists and is not a demo class made by `course demo`; choose another --out")
        else:
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / _MARKER).write_text("made by `course demo`; safe to delete\n", encoding="utf-8")
    (out / "nbgrader_config.py").write_text(nbgrader_config_text("demo-class"), encoding="utf-8")
    exchange = out / "exchange"
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o777)
    shutil.copytree(source_course.source_dir / assignment, out / "source" / assignment)
    return load_course(out)


def run_demo(source_course: Course, out: Path, *, workers: int | None = None, echo=print) -> Path:
    """Build, grade, give feedback and report on a synthetic class in ``out``.

    Uses the course's ``ps1_bargaining``; a course without it gets the small toy assignment of
    :mod:`course_utils.grading.synthetic`. Returns ``reports/<assignment>/`` of the demo class.
    """
    from course_utils.grading.batch import grade_class
    from course_utils.grading.build import build
    from course_utils.grading.feedback import write_feedback
    from course_utils.grading.report import write_report

    out = Path(out).resolve()
    if DEMO_ASSIGNMENT in source_course.assignments():
        assignment = DEMO_ASSIGNMENT
        course = _prepare(out, source_course, assignment)
    else:
        from course_utils.grading.synthetic import TOY_ASSIGNMENT, write_toy_course

        assignment = TOY_ASSIGNMENT
        echo(f"{source_course.source_dir} has no {DEMO_ASSIGNMENT}; the demo uses a small toy assignment")
        with tempfile.TemporaryDirectory(prefix="course-demo-") as tmp:
            write_toy_course(Path(tmp))
            course = _prepare(out, load_course(Path(tmp)), assignment)
    echo(f"1/4 build: generating and proving {course.release_dir / assignment}")
    build(assignment, course=course, echo=True)
    notebook = course.source_notebooks(assignment)[0]
    archive = make_class_zip(course.release_dir / assignment / notebook.name, notebook,
                             out / "downloads" / f"{assignment}_submissions.zip")
    echo(f"2/4 grade: {len(DEMO_STUDENTS)} synthetic students from the Canvas-style zip {archive}")
    grade_class(course, assignment, archive, workers=workers, echo=echo)
    echo("3/4 feedback")
    pages = write_feedback(course, assignment)
    echo(f"    {len(pages)} feedback page(s) in {course.report_dir(assignment) / 'feedback'}")
    echo("4/4 report")
    summary = write_report(course, assignment)
    echo(f"    {summary}")
    echo(f"Formgrader: cd {out} && jupyter lab  (then Nbgrader > Formgrader; grade the written answers there)")
    echo(f"Demo grades.csv, feedback and report are in {course.report_dir(assignment)}")
    return course.report_dir(assignment)

