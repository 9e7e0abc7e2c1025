"""The instructor's ``course`` command: a thin shell over :mod:`course_utils.grading`.

Every user-facing problem (unknown assignment, empty folder, unreadable zip, a student id that
appears twice, a failed release proof) ends in one line ``course: error: ...`` and exit status 1;
a traceback means a bug.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "build_parser"]

_EPILOG = {
    "build": """
        example:
          course build ps1_bargaining     regenerate release/ps1_bargaining and prove it
          course build                    every assignment in source/
          course build --no-right-answers skip the correct answers in right_answers/ (a quicker rebuild)
        """,
    "variants": """
        example:
          course variants ps1_bargaining alice bob      each student's own numbers (tab-separated)
          course variants ps1_bargaining @roster.txt    one id a line (or a CSV with a student_id column)
        """,
    "grade": """
        accepted submission layouts (NB = notebook name, e.g. ps1_bargaining):
          PATH/<student>/<ASSIGNMENT>/NB.ipynb       nbgrader (what `nbgrader collect` makes)
          PATH/<student>/NB.ipynb                    one folder per student
          PATH/doejane_12345_678_NB.ipynb            Canvas download (also _LATE_, NB-1.ipynb);
                                                     the student id is the first part (doejane)
          PATH/Jane Doe_4711_assignsubmission_file_NB.ipynb   Moodle (also with folders:
                                                     .../Jane Doe_4711_assignsubmission_file_/NB.ipynb)
          PATH/PS1_jdoe_attempt_2026-10-02-16-59-07_NB.ipynb  Blackboard
          PATH/118013-262429 - Jane Doe - Oct 2, 2026 459 PM - NB.ipynb   Brightspace (or a folder)
          PATH/<student>_NB.ipynb                    plain LMS export
          PATH.zip                                   a zip of any of the above
        names with spaces become ids (Jane Doe -> jane.doe) unless --roster maps them;
        due dates, extensions and the late penalty: c.CourseLate in nbgrader_config.py

        example:
          course grade ps1_bargaining --submissions ~/Downloads/submissions.zip --workers 2
        """,
    "feedback": """
        example:
          course feedback ps1_bargaining
        writes reports/ps1_bargaining/feedback/<student>/<notebook>.html
        """,
    "report": """
        example:
          course report ps1_bargaining
        writes reports/ps1_bargaining/summary.md, item_analysis.csv, scores.png, parts.png
        """,
    "export": """
        example:
          course export ps1_bargaining --format canvas --template ~/Downloads/gradebook_export.csv
          course export ps1_bargaining --format moodle --roster roster.csv
          course export ps1_bargaining --format plain
          CANVAS_API_TOKEN=... course export ps1_bargaining --format canvas \
              --canvas-url https://school.instructure.com --canvas-course 123 --canvas-assignment 456
        writes reports/ps1_bargaining/export/grades_<format>.csv and feedback_<format>.zip
        (the feedback pages of `course feedback`, named for the LMS's upload)
        """,
    "selfgrade": """
        example:
          course selfgrade release/ps1_bargaining/ps1_bargaining.ipynb
          course selfgrade my_ps1.ipynb --assignment ps1_bargaining --html my_ps1_feedback.html
        """,
    "demo": """
        example:
          course demo                      builds ./demo-class and grades a synthetic class
          cd demo-class && jupyter lab     the submissions appear in the formgrader
        """,
}


def _sub(subparsers: argparse._SubParsersAction, name: str, help_text: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name, help=help_text, description=help_text,
        epilog=textwrap.dedent(_EPILOG[name]), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # Also accepted after the subcommand; SUPPRESS keeps a value given before it.
    parser.add_argument("--course-dir", type=Path, default=argparse.SUPPRESS,
                        help="nbgrader course folder (see `course --help`)")
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``course`` command."""
    parser = argparse.ArgumentParser(
        prog="course",
        description="Build, grade and report the course's nbgrader assignments.",
        epilog=textwrap.dedent("""
            typical term:
              course build                                   after editing source/
              course grade ps1_bargaining --submissions DIR  grade a class (folder or LMS zip)
              course feedback ps1_bargaining                 HTML feedback per student
              course report ps1_bargaining                   item analysis and plots
              course export ps1_bargaining --format canvas   grades and feedback back to the LMS
            new instructor: `course demo` runs the whole pipeline on a synthetic class.
            """),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--course-dir", type=Path, default=None,
        help="nbgrader course folder (default: the folder holding nbgrader_config.py, searched "
             "from the current folder upward, else the repository root)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = _sub(sub, "build", "Regenerate release/ from source/ and prove it (full marks, zero, no leaks).")
    p.add_argument("assignment", nargs="?", help="assignment name (default: all)")
    p.add_argument("--no-right-answers", action="store_true",
                   help="skip grading the correct answers in right_answers/<assignment>.py (faster)")
    p.add_argument("--roster", type=Path, default=None, metavar="FILE",
                   help="prove every student's variant too (a CSV with a student_id column, or one id a line)")

    p = _sub(sub, "grade", "Autograde a class in parallel; write grades.csv, gradebook, submitted/, autograded/.")
    p.add_argument("assignment")
    p.add_argument("--submissions", type=Path, required=True, metavar="PATH",
                   help="folder or zip of submissions (layouts below)")
    p.add_argument("--workers", type=int, default=None, help="parallel graders (default: number of cores)")
    p.add_argument("--force", action="store_true", help="regrade students already graded")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="per-cell time limit (default: Execute.timeout of nbgrader_config.py, else 30)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--roster", type=Path, default=None, metavar="CSV",
                   help="map the LMS's names to student ids (columns student_id, lms_id and/or lms_name)")

    p = _sub(sub, "feedback", "Write HTML feedback per student (results and hints, never hidden tests).")
    p.add_argument("assignment")

    p = _sub(sub, "report", "Item analysis, score plots and a Markdown summary of a graded assignment.")
    p.add_argument("assignment")

    p = _sub(sub, "export", "Write the grade file an LMS imports (Canvas, Moodle, plain CSV); zip the feedback pages.")
    p.add_argument("assignment")
    p.add_argument("--format", choices=["canvas", "moodle", "plain"], required=True)
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="grade file to write")
    p.add_argument("--template", type=Path, default=None, metavar="CSV",
                   help="Canvas: the gradebook exported from Canvas, filled in (recommended)")
    p.add_argument("--column", default=None, help="Canvas: the assignment's column name, e.g. 'PS1 (12345)'")
    p.add_argument("--parts", action=argparse.BooleanOptionalAction, default=None,
                   help="one column per graded part (default: on for moodle and plain, off for canvas)")
    p.add_argument("--roster", type=Path, default=None, metavar="CSV", help="Moodle: e-mail addresses from the roster")
    p.add_argument("--include-pending", action="store_true",
                   help="also export students whose written answers are not graded yet")
    p.add_argument("--canvas-url", default=None, metavar="URL",
                   help="Canvas: also send the grades through Canvas's API (token in CANVAS_API_TOKEN; "
                        "needs `pip install canvasapi==3.6.0`)")
    p.add_argument("--canvas-course", type=int, default=None, metavar="ID", help="with --canvas-url: the course id")
    p.add_argument("--canvas-assignment", type=int, default=None, metavar="ID",
                   help="with --canvas-url: the assignment id (in its URL .../assignments/ID)")

    p = _sub(sub, "selfgrade", "Grade your own finished notebook against the full tests, locally.")
    p.add_argument("notebook", type=Path)
    p.add_argument("--assignment", default=None, help="assignment name (default: from the notebook's name)")
    p.add_argument("--html", type=Path, default=None, metavar="FILE", help="also write HTML feedback to FILE")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="per-cell time limit")
    p.add_argument("--student", default=None, metavar="ID",
                   help="whose numbers the notebook was answered with (default: the id the notebook remembered)")

    p = _sub(sub, "variants", "Print the class's parameter table (each student's own numbers) for office hours.")
    p.add_argument("assignment")
    p.add_argument("students", nargs="+", help="student ids, or @FILE with one id a line")

    p = _sub(sub, "demo", "Grade a throwaway synthetic class end to end (build, grade, feedback, report).")
    p.add_argument("--out", type=Path, default=Path("demo-class"), metavar="DIR",
                   help="course folder to create (default: ./demo-class)")
    p.add_argument("--workers", type=int, default=None, help="parallel graders (default: number of cores)")
    return parser


def _run(args: argparse.Namespace) -> int:
    from course_utils.grading.course import CourseError, load_course

    if args.command == "demo":
        from course_utils.grading.demo import run_demo

        source_course = load_course(args.course_dir)
        run_demo(source_course, args.out, workers=args.workers)
        return 0
    course = load_course(args.course_dir)
    if args.command == "build":
        from course_utils.grading.build import build

        build(args.assignment, course=course, echo=True, right_answers=not args.no_right_answers,
              roster=args.roster)
        return 0
    if args.command == "grade":
        from course_utils.grading.batch import grade_class

        grade_class(course, course.require(args.assignment), args.submissions, workers=args.workers,
                             force=args.force, progress=not args.no_progress, cell_timeout=args.timeout,
                             roster=args.roster)
        return 0  # failed students are listed; the batch itself ran
    if args.command == "feedback":
        from course_utils.grading.feedback import write_feedback

        paths = write_feedback(course, course.require(args.assignment))
        folder = course.report_dir(args.assignment) / "feedback"
        print(f"{args.assignment}: feedback for {len(paths)} student(s) in {folder}")
        return 0
    if args.command == "report":
        from course_utils.grading.report import write_report

        summary = write_report(course, course.require(args.assignment))
        print(f"{args.assignment}: report in {summary.parent} (summary.md, item_analysis.csv, scores.png, parts.png)")
        return 0
    if args.command == "export":
        from course_utils.grading.course import CourseError
        from course_utils.grading.export import export_grades

        if args.canvas_url and (args.format != "canvas" or None in (args.canvas_course, args.canvas_assignment)):
            raise CourseError("--canvas-url goes with --format canvas, --canvas-course ID and --canvas-assignment ID")

        done = export_grades(course, args.assignment, args.format, out=args.out, template=args.template,
                             column=args.column, parts=args.parts, roster=args.roster,
                             include_pending=args.include_pending)
        print(f"{args.assignment}: {len(done.exported)} grade(s) in {done.grades}"
              + (f"; feedback pages in {done.feedback}" if done.feedback
                 else "; no feedback pages (run `course feedback` first)"))
        for sid, why in sorted(done.left_out.items()):
            print(f"  left out {sid}: {why}")
        if args.canvas_url:
            from course_utils.grading.export import push_to_canvas

            pushed = push_to_canvas(course, args.assignment, url=args.canvas_url, canvas_course=args.canvas_course,
                                    canvas_assignment=args.canvas_assignment, roster=args.roster,
                                    include_pending=args.include_pending)
            print(f"{args.assignment}: {len(pushed.sent)} grade(s) sent to Canvas (bulk update {pushed.state}: "
                  f"{pushed.progress_url})")
        return 0
    if args.command == "selfgrade":
        from course_utils.grading.selfgrade import selfgrade

        return selfgrade(course, args.notebook, assignment=args.assignment, html=args.html,
                         cell_timeout=args.timeout, student=args.student)
    if args.command == "variants":
        from course_utils.grading.variant_proof import RosterError, read_roster
        from course_utils.variants import course_settings, table

        settings = course_settings(course.root)
        ids: list[str] = []
        for item in args.students:
            try:  # @FILE: one id a line, or a CSV with a student_id column
                ids += read_roster(Path(item[1:])) if item.startswith("@") else [item]
            except RosterError as exc:
                raise CourseError(str(exc)) from None
        rows = table(course.require(args.assignment), ids, settings.salt,
                     enabled=settings.enabled(args.assignment))
        if not settings.enabled(args.assignment):
            print(f"variants are off for {args.assignment}: everyone has the base numbers")
        names = [k for k in rows[0] if k != "student"] if rows else []
        print("\t".join(["student", *names]))
        for row in rows:
            print("\t".join([str(row["student"]), *(f"{row[k]:g}" for k in names)]))
        return 0
    raise AssertionError(args.command)  # pragma: no cover - argparse rejects unknown commands


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``course`` command; returns the exit status."""
    from course_utils.grading.course import CourseError, ensure_tools_on_path
    from course_utils.grading.engine import GradingError

    parser = build_parser()
    args = parser.parse_args(argv)
    ensure_tools_on_path()
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        return _run(args)
    except (CourseError, GradingError) as exc:
        print(f"course: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("course: interrupted; grades recorded so far are kept (rerun to resume)", file=sys.stderr)
        return 130
