"""Grading pieces that need no kernel: finding submissions, scoring executed cells, feedback
pages, leak detection, the item analysis and the command's error lines."""

from __future__ import annotations

import csv
import os
import dataclasses
import zipfile
from pathlib import Path

import nbformat
import pytest

from course_utils.cli import build_parser, main
from course_utils.grading.build import find_leaks
from course_utils.grading.collect import collect_submissions, student_id_from_filename
from course_utils.grading.course import CourseError, load_course
from course_utils.grading.engine import PartGrade, grade_cells
from course_utils.grading.feedback import PartView, render_feedback
from course_utils.grading.report import item_analysis
from course_utils.grading.synthetic import toy_notebook, write_toy_course

NB = ["ps1_bargaining"]


def _touch(path: Path, text: str = "{}") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# ----------------------------------------------------------------------------- file names
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("doejane_12345_678_ps1_bargaining.ipynb", ("doejane", "ps1_bargaining")),
        ("doejane_LATE_12345_678_ps1_bargaining.ipynb", ("doejane", "ps1_bargaining")),
        ("doejane_12345_678_ps1_bargaining-1.ipynb", ("doejane", "ps1_bargaining")),
        ("s042_ps1_bargaining.ipynb", ("s042", "ps1_bargaining")),
        ("ann.lee-ps1_bargaining.ipynb", ("ann.lee", "ps1_bargaining")),
        ("ps1_bargaining.ipynb", None),
        ("doejane_12345_678_ps2_deterrence.ipynb", None),
        ("bad id_ps1_bargaining.ipynb", None),
        ("notes_ps1_bargaining.txt", None),
    ],
)
def test_lms_file_names(name, expected):
    assert student_id_from_filename(name, NB) == expected


def test_collect_lms_folder_and_zip_find_the_same_students(tmp_path):
    folder = tmp_path / "downloads"
    for name in ("doejane_12345_678_ps1_bargaining.ipynb", "s042_ps1_bargaining.ipynb", "readme.ipynb"):
        _touch(folder / name)
    _touch(folder / "__MACOSX" / "._s042_ps1_bargaining.ipynb")
    found = collect_submissions(folder, "ps1_bargaining", NB, tmp_path / "x")
    assert [s.student_id for s in found.submissions] == ["doejane", "s042"]
    assert any("readme.ipynb" in line for line in found.skipped)

    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.rglob("*.ipynb"):
            zf.write(path, path.relative_to(folder))
    (tmp_path / "unzipped").mkdir()
    zipped = collect_submissions(archive, "ps1_bargaining", NB, tmp_path / "unzipped")
    assert zipped.layout == "zip"
    assert [s.student_id for s in zipped.submissions] == ["doejane", "s042"]


def test_collect_nbgrader_and_per_student_layouts(tmp_path):
    _touch(tmp_path / "a" / "alice" / "ps1_bargaining" / "ps1_bargaining.ipynb")
    _touch(tmp_path / "a" / "alice" / "ps1_bargaining" / "timestamp.txt", "2026-01-01 10:00:00 UTC")
    _touch(tmp_path / "a" / "bob" / "ps1_bargaining" / "ps1_bargaining.ipynb")
    found = collect_submissions(tmp_path / "a", "ps1_bargaining", NB, tmp_path / "x")
    assert found.layout == "nbgrader"
    assert [(s.student_id, s.timestamp) for s in found.submissions] == [
        ("alice", "2026-01-01 10:00:00 UTC"), ("bob", None)]

    _touch(tmp_path / "b" / "carol" / "ps1_bargaining.ipynb")
    found = collect_submissions(tmp_path / "b", "ps1_bargaining", NB, tmp_path / "x")
    assert [s.student_id for s in found.submissions] == ["carol"]


def test_collect_errors_are_one_clear_line(tmp_path):
    dup = tmp_path / "dup"
    _touch(dup / "doejane_1_2_ps1_bargaining.ipynb")
    _touch(dup / "doejane_ps1_bargaining.ipynb")
    with pytest.raises(CourseError, match="'doejane' appears twice"):
        collect_submissions(dup, "ps1_bargaining", NB, tmp_path / "x")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CourseError, match="no submissions of ps1_bargaining found"):
        collect_submissions(tmp_path / "empty", "ps1_bargaining", NB, tmp_path / "x")
    bad = _touch(tmp_path / "bad.zip", "PK\x03\x04 not really a zip")
    with pytest.raises(CourseError, match="neither a folder nor a zip|cannot read the zip"):
        collect_submissions(bad, "ps1_bargaining", NB, tmp_path / "x")
    with pytest.raises(CourseError, match="does not exist"):
        collect_submissions(tmp_path / "nope", "ps1_bargaining", NB, tmp_path / "x")


# ----------------------------------------------------------------------------- scoring
def _executed(outputs_by_id: dict[str, list]) -> nbformat.NotebookNode:
    nb = toy_notebook()
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(o) for o in outputs_by_id.get(gid, [])]
            cell.execution_count = 1
    return nb


def test_scores_follow_nbgrader_rules_and_messages_hide_tracebacks():
    err = {"output_type": "error", "ename": "AssertionError", "evalue": "split must multiply",
           "traceback": ["assert split(8, 0.25) == 2  # hidden line"]}
    warn = {"output_type": "stream", "name": "stderr", "text": "DeprecationWarning: old\n"}
    parts, score, max_score, manual = grade_cells(_executed({"split_test": [err], "cost_test": [warn]}))
    assert (score, max_score, manual) == (0.0, 3.0, 2.0)
    assert parts["split_test"].message == "AssertionError: split must multiply"
    assert "hidden line" not in parts["split_test"].message
    assert parts["cost_test"].message.startswith("printed to stderr: DeprecationWarning")
    assert parts["why_deal"].auto is False and parts["why_deal"].score is None

    parts, score, max_score, _ = grade_cells(_executed({}))
    assert (score, max_score) == (3.0, 3.0)
    assert parts["split_test"].message == "passed"


def test_feedback_page_never_shows_test_source_or_traceback():
    err = {"output_type": "error", "ename": "AssertionError", "evalue": "split must multiply the surplus by the share",
           "traceback": ["\x1b[0;31mAssertionError\x1b[0m assert split(8, 0.25) == 2"]}
    nb = _executed({"split_test": [err]})
    views = {gid: PartView(gid, p.score, p.max_score, p.auto, p.message, "")
             for gid, p in grade_cells(nb)[0].items()}
    views["why_deal"] = dataclasses.replace(views["why_deal"], score=1.5, comment="Good start; say why war is costly.")
    page = render_feedback(nb, views, student_id="doejane", assignment="toy", notebook="toy", flags=["test cell edited"])
    assert "split(8, 0.25)" not in page and "split(10, 0.5)" not in page
    assert "BEGIN HIDDEN" not in page and "Traceback" not in page
    assert "split must multiply the surplus by the share" in page
    assert "Hint:" in page and "test cell edited" in page
    assert "Good start" in page and "1.5 / 2" in page


def test_leaks_are_found(tmp_path):
    source = toy_notebook()
    leaky = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("assert split(8, 0.25) == 2, 'split must multiply the surplus by the share'"),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1"),
    ])
    path = tmp_path / "toy.ipynb"
    nbformat.write(leaky, str(path))
    problems = find_leaks(path, source)
    assert any("BEGIN SOLUTION" in p for p in problems)
    assert any("secret line leaked" in p and "split(8, 0.25)" in p for p in problems)
    clean = tmp_path / "clean.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), str(clean))
    assert find_leaks(clean, source) == []


def test_item_analysis_puts_hardest_part_first():
    info = {"a": (2.0, True), "b": (1.0, True), "w": (2.0, False)}
    rows = [
        {"status": "graded", "a": "2", "b": "0", "w": ""},
        {"status": "flagged", "a": "2", "b": "1", "w": "1"},
        {"status": "failed", "a": "", "b": "", "w": ""},
    ]
    stats = item_analysis(rows, info)
    assert [s.part for s in stats] == ["b", "w", "a"]
    b = stats[0]
    assert (b.mean, b.full_share, b.graded) == (0.5, 0.5, 2)
    assert stats[1].pending == 1 and stats[1].graded == 1


# ----------------------------------------------------------------------------- the command
@pytest.mark.parametrize("command", ["build", "grade", "feedback", "report", "export", "selfgrade", "demo"])
def test_every_subcommand_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out and f"course {command}" in out


def test_error_lines_not_tracebacks(tmp_path, capsys):
    write_toy_course(tmp_path / "c")
    course = ["--course-dir", str(tmp_path / "c")]
    (tmp_path / "empty").mkdir()
    bad_zip = _touch(tmp_path / "bad.zip", "this is not a zip")
    _touch(tmp_path / "dup" / "doejane_1_2_toy.ipynb")
    _touch(tmp_path / "dup" / "sub" / "doejane_toy.ipynb")
    cases = [
        ([*course, "grade", "toy", "--submissions", str(tmp_path / "dup")], "student id 'doejane' appears twice"),
        ([*course, "grade", "nope", "--submissions", str(tmp_path)], "unknown assignment 'nope'"),
        ([*course, "grade", "toy", "--submissions", str(tmp_path / "empty")], "no submissions of toy found"),
        ([*course, "grade", "toy", "--submissions", str(bad_zip)], "neither a folder nor a zip"),
        ([*course, "grade", "toy", "--submissions", str(tmp_path / "missing")], "does not exist"),
        ([*course, "feedback", "toy"], "no grades for toy yet"),
        ([*course, "report", "toy"], "no grades for toy yet"),
        ([*course, "build", "nope"], "unknown assignment 'nope'"),
        ([*course, "selfgrade", str(tmp_path / "missing.ipynb")], "does not exist"),
    ]
    for argv, expected in cases:
        assert main(argv) == 1, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("course: error: ") and expected in err[0], (argv, err)


def test_course_dir_is_found_from_a_subfolder(tmp_path, monkeypatch):
    write_toy_course(tmp_path)
    (tmp_path / "source" / "toy" / "deep").mkdir()
    monkeypatch.chdir(tmp_path / "source" / "toy" / "deep")
    course = load_course()
    assert course.root == tmp_path.resolve()
    assert course.course_id == "toy-course"
    assert course.assignments() == ["toy"]


def test_grades_csv_round_trip(tmp_path):
    from course_utils.grading.batch import StudentResult, read_grades, result_row, write_grades

    ok = StudentResult("amy", "graded", score=4, max_score=5, auto_score=3, auto_max_score=3,
                       parts={"t1": PartGrade(3.0, 3.0, True, "passed"), "w": PartGrade(1.0, 2.0, False, "")})
    bad = StudentResult("bo", "failed", reason="not valid JSON")
    path = tmp_path / "grades.csv"
    write_grades(path, {"amy": result_row(ok), "bo": result_row(bad)}, ["t1", "w"])
    with path.open() as handle:
        header = next(csv.reader(handle))
    assert header[:4] == ["student_id", "score", "max_score", "status"]
    assert "flags" in header and header[-2:] == ["t1", "w"]
    rows = read_grades(path)
    assert rows["amy"]["score"] == "4" and rows["amy"]["t1"] == "3"
    assert rows["bo"]["status"] == "failed" and rows["bo"]["score"] == "" and "JSON" in rows["bo"]["flags"]


def test_collect_docstring_examples_hold():
    import doctest

    import course_utils.grading.collect as collect

    result = doctest.testmod(collect)
    assert result.attempted >= 2 and result.failed == 0


def test_demo_refuses_a_folder_it_did_not_make_and_its_zip_is_canvas_style(tmp_path):
    from course_utils.grading.build import generate_release, normalise_release
    from course_utils.grading.demo import DEMO_STUDENTS, make_class_zip, run_demo

    theirs = tmp_path / "theirs"
    _touch(theirs / "thesis.tex", "precious")
    write_toy_course(tmp_path / "c")
    with pytest.raises(CourseError, match="not a demo class"):
        run_demo(load_course(tmp_path / "c"), theirs, echo=lambda _line: None)
    assert (theirs / "thesis.tex").read_text() == "precious"

    course = load_course(tmp_path / "c")
    generate_release(course, "toy")
    normalise_release(course.release_dir / "toy")
    archive = make_class_zip(course.release_dir / "toy" / "toy.ipynb", course.source_dir / "toy" / "toy.ipynb",
                             tmp_path / "class.zip")
    (tmp_path / "unzipped").mkdir()
    found = collect_submissions(archive, "toy", ["toy"], tmp_path / "unzipped")
    assert [s.student_id for s in found.submissions] == sorted(name for name, _, _ in DEMO_STUDENTS)


def test_course_dir_is_accepted_before_and_after_the_subcommand():
    parser = build_parser()
    assert parser.parse_args(["--course-dir", "A", "report", "ps1"]).course_dir == Path("A")
    assert parser.parse_args(["report", "ps1", "--course-dir", "B"]).course_dir == Path("B")
    assert parser.parse_args(["report", "ps1"]).course_dir is None


def test_grades_csv_keeps_each_flag_whole(tmp_path):
    """A flag may contain '; ' (a repaired cell): the file keeps it one flag, and the feedback
    page shows it as one bullet."""
    from course_utils.grading import gradesfile
    from course_utils.grading.batch import StudentResult

    flags = ["test cell 'q1' was edited; restored", "suspicious code in a scratch cell: a | b"]
    row = gradesfile.result_row(StudentResult("amy", "flagged", flags=flags, parts={"q1": PartGrade(1.0, 1.0, True, "")}))
    path = tmp_path / "grades.csv"
    gradesfile.write_grades(path, {"amy": row}, ["q1"])
    back = gradesfile.read_grades(path)["amy"]
    assert gradesfile.flags_of(back) == ["test cell 'q1' was edited; restored",
                                         "suspicious code in a scratch cell: a / b"]
    assert gradesfile.flags_of({"flags": "an old file; one flag"}) == ["an old file; one flag"]
    page = render_feedback(toy_notebook(), {}, student_id="amy", assignment="toy", notebook="toy",
                           flags=gradesfile.flags_of(back))
    assert page.count("<li>") == 2 and "was edited; restored</li>" in page


def test_feedback_hints_never_contradict_a_form_message():
    from course_utils.grading.feedback import hint_for

    form = ("AssertionError: p_war_shifted must be one number (an int, a float or a NumPy number), "
            "not None (does the cell, or your function, assign or return a value?).")
    assert hint_for(form) == ""  # not "your answer runs but gives a different result"
    assert "different result" in hint_for("AssertionError: p_war_shifted is not P(c_NK < x* - p)")
    assert "raise NotImplementedError()" in hint_for("NotImplementedError: not answered yet")


def test_a_grading_run_reaps_multiprocessing_s_resource_tracker():
    """`course grade`'s spawn pool starts multiprocessing's resource tracker: the grading
    process stops and reaps it as it exits, so the tracker is never left to the machine's init
    (which may leave it a zombie). Seen from outside: its parent is always the grader, never 1."""
    import subprocess
    import sys
    import time

    code = ("import os, tempfile\nfrom course_utils.grading import batch\n"
            "pool = batch._new_pool(1, os.path.join(tempfile.mkdtemp(), 'log'))\n"
            "pool.submit(batch._ready).result()\npool.shutdown()\n"
            "print(os.getpid(), flush=True)\nimport time\ntime.sleep(0.3)\n")
    grader = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)

    def parent_of(pid: int) -> int | None:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                return int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            return None

    try:
        pid = int(grader.stdout.readline())
        trackers = [int(d) for d in os.listdir("/proc") if d.isdigit() and parent_of(int(d)) == pid]
        assert trackers, "the grading process started no helper process"
        parents = set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # until the tracker is gone, reaped by someone
            seen = {parent_of(t) for t in trackers} - {None}
            if not seen:
                break
            parents |= seen
    finally:
        grader.wait(timeout=30)
    assert parents == {pid}, f"the tracker was left to process {parents - {pid}}"
