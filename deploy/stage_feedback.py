"""Put the course's feedback pages where nbgrader's ``release_feedback`` looks for them.

``course feedback ASSIGNMENT`` writes ``reports/<assignment>/feedback/<student>/<nb>.html``
(pages without hidden-test source). nbgrader's exchange releases feedback from
``feedback/<student>/<assignment>/<nb>.html`` and needs, beside each page, the
``timestamp.txt`` and ``submission_secret.txt`` of that student's collected submission
(the secret names the page in the exchange, so only its author can fetch it). This copies
both; then release with the formgrader's "Release feedback" button or
``nbgrader release_feedback ASSIGNMENT``.

Run it as the instructor, from the course folder or with ``--course-dir``::

    python deploy/stage_feedback.py ps1_bargaining --course-dir ~/kim-trump-bargaining
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from course_utils.grading.course import Course, CourseError, load_course

SUBMISSION_FILES = ("timestamp.txt", "submission_secret.txt")


def stage_feedback(course: Course, assignment: str) -> list[Path]:
    """Copy every feedback page of ``assignment`` into nbgrader's ``feedback/`` layout.

    Parameters
    ----------
    course
        The course directory (see :func:`course_utils.grading.course.load_course`).
    assignment
        The assignment whose feedback ``course feedback`` has written.

    Returns
    -------
    list of Path
        The staged pages.

    Raises
    ------
    CourseError
        When there is no feedback yet, or a page's student has no collected submission.
    """
    pages = sorted((course.report_dir(assignment) / "feedback").glob("*/*.html"))
    if not pages:
        raise CourseError(f"no feedback for {assignment} yet: run `course feedback {assignment}` first")
    staged = []
    for page in pages:
        student = page.parent.name
        submitted = course.submitted_dir / student / assignment
        missing = [name for name in SUBMISSION_FILES if not (submitted / name).is_file()]
        if missing:
            raise CourseError(
                f"{student}'s submission in {submitted} has no {' or '.join(missing)}: "
                "feedback can only go back through the exchange for submissions collected from it"
            )
        dest = course.feedback_dir / student / assignment
        dest.mkdir(parents=True, exist_ok=True)
        for name in SUBMISSION_FILES:
            shutil.copyfile(submitted / name, dest / name)
        shutil.copyfile(page, dest / page.name)
        staged.append(dest / page.name)
    return staged


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment")
    parser.add_argument("--course-dir", type=Path, default=None, help="course folder (default: found from here upward)")
    args = parser.parse_args(argv)
    try:
        course = load_course(args.course_dir)
        staged = stage_feedback(course, course.require(args.assignment))
    except CourseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{args.assignment}: {len(staged)} feedback page(s) staged in {course.feedback_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
