"""What kind of cell is this (course_utils.grading.cells), and the modules that ask it: restoring
a submission, scoring, grades.csv columns, the report and the feedback page. No kernel."""

from __future__ import annotations

import copy
import doctest

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils.grading import cells, collect, feedback, flags
from course_utils.grading.cells import Kind, classify, graded_parts
from course_utils.grading.engine import grade_cells
from course_utils.grading.integrity import check_and_restore, release_version


def _cell(kind: str = "code", source: str = "", **meta) -> nbformat.NotebookNode:
    make = new_code_cell if kind == "code" else new_markdown_cell
    return make(source, metadata={"nbgrader": meta} if meta else {})


@pytest.mark.parametrize(("cell", "kind", "graded", "auto", "locked"), [
    (_cell(grade=False, solution=True, grade_id="a"), Kind.ANSWER, False, False, False),
    (_cell("markdown", grade=True, solution=True, grade_id="w", points=2), Kind.MANUAL_ANSWER, True, False, False),
    (_cell(grade=True, solution=True, grade_id="m", points=3), Kind.MANUAL_ANSWER, True, False, False),
    (_cell(grade=True, solution=False, locked=True, grade_id="t", points=1), Kind.TEST, True, True, True),
    (_cell("markdown", task=True, locked=True, grade_id="k", points=2), Kind.TASK, True, False, True),
    (_cell("markdown", locked=True, grade_id="r"), Kind.LOCKED, False, False, True),
    (_cell(grade_id="x"), Kind.REGULAR, False, False, False),
    (_cell(), Kind.REGULAR, False, False, False),
    # nbgrader's precedence: an answer is never locked, grade wins over task
    (_cell(solution=True, locked=True, grade_id="s"), Kind.ANSWER, False, False, False),
    (_cell(grade=True, task=True, grade_id="g", points=1), Kind.TEST, True, True, True),
])
def test_every_nbgrader_cell_type_is_named_once(cell, kind, graded, auto, locked):
    info = classify(cell)
    assert (info.kind, info.graded, info.auto, info.locked) == (kind, graded, auto, locked)


def test_points_and_grade_ids_from_untrusted_metadata_never_raise():
    assert classify(_cell(grade=True, grade_id="t", points="2.5")).points == 2.5
    for junk in ("lots", None, float("nan"), float("inf"), -3, True, [1]):
        assert classify(_cell(grade=True, grade_id="t", points=junk)).points == 0.0
    assert classify(_cell(locked=True, grade_id="r", points=5)).points == 0.0  # not a graded part
    for gid in ("", 7, None, ["x"]):
        assert classify(_cell(grade=True, grade_id=gid, points=1)).grade_id is None
    odd = new_code_cell("x")
    odd.metadata["nbgrader"] = "not a dict"
    assert classify(odd).kind is Kind.REGULAR
    assert classify("not a cell").kind is Kind.REGULAR


def test_labels_name_the_kind_and_id():
    assert classify(_cell(grade=True, grade_id="q1", points=1)).label == "test cell 'q1'"
    assert classify(_cell("markdown", task=True, grade_id="k", points=1)).label == "task cell 'k'"
    assert classify(_cell(solution=True, grade_id="a")).label == "answer cell 'a'"


def test_graded_parts_are_tests_manual_answers_and_tasks_in_order():
    nb = new_notebook(cells=[
        _cell(solution=True, grade_id="a"), _cell(grade=True, grade_id="t", points=1),
        _cell("markdown", task=True, grade_id="k", points=2), _cell("markdown", locked=True, grade_id="r"),
        _cell("markdown", grade=True, solution=True, grade_id="w", points=3), _cell(grade=True, points=1),
    ])
    assert [(info.grade_id, info.points) for _, info in graded_parts(nb.cells)] == [
        ("t", 1.0), ("k", 2.0), ("w", 3.0)]


@pytest.mark.parametrize("module", [cells, flags, collect, feedback])
def test_docstring_examples_hold(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


# ----------------------------------------------------------------------------- task cells
TASK_TEXT = "Write tidy code.\n\n=== BEGIN MARK SCHEME ===\n- 1 mark: names\n- 1 mark: comments\n=== END MARK SCHEME ==="


@pytest.fixture()
def task_source() -> nbformat.NotebookNode:
    nb = new_notebook(cells=[
        _cell("markdown", "# Tasks", grade=False, solution=False, locked=True, grade_id="intro", schema_version=3),
        _cell("markdown", TASK_TEXT, grade=False, solution=False, locked=True, task=True, grade_id="task1",
              points=2, schema_version=3),
        _cell("code", "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION",
              grade=False, solution=True, locked=False, grade_id="f", schema_version=3),
        _cell("code", "assert f(1) == 1", grade=True, solution=False, locked=True, grade_id="f_test",
              points=1, schema_version=3),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    return nb


def test_an_untouched_task_is_not_flagged_and_keeps_its_mark_scheme_for_the_grader(task_source):
    released = release_version(task_source)
    assert "MARK SCHEME" not in released.cells[1].source and "Write tidy code." in released.cells[1].source
    nb, found = check_and_restore(copy.deepcopy(released), task_source)
    assert found == []
    assert nb.cells[1].source == TASK_TEXT  # as nbgrader's autograde puts it back


@pytest.mark.parametrize(("tamper", "flag"), [
    (lambda c: setattr(c, "source", "Nothing to do."), "task cell 'task1' was edited; restored"),
    (lambda c: c.metadata["nbgrader"].__setitem__("points", 20), "task cell 'task1' had its points changed"),
])
def test_a_tampered_task_is_restored_and_flagged(task_source, tamper, flag):
    sub = release_version(task_source)
    tamper(sub.cells[1])
    nb, found = check_and_restore(sub, task_source)
    assert any(flag in f for f in found), found
    assert nb.cells[1].source == TASK_TEXT and nb.cells[1].metadata["nbgrader"]["points"] == 2


def test_a_task_counts_in_the_manual_maximum_and_in_the_grades_columns(task_source, tmp_path):
    parts, score, max_score, manual_max = grade_cells(task_source)
    assert (max_score, manual_max) == (1.0, 2.0)
    assert parts["task1"].score is None and parts["task1"].auto is False and parts["task1"].max_score == 2.0
    assert list(parts) == ["task1", "f_test"]

    from course_utils.grading.batch import part_columns
    from course_utils.grading.course import Course
    from course_utils.grading.report import _part_info

    root = tmp_path / "c"
    (root / "source" / "a").mkdir(parents=True)
    nbformat.write(task_source, str(root / "source" / "a" / "a.ipynb"))
    course = Course(root=root, course_id="c", source_dir=root / "source", release_dir=root / "release",
                    submitted_dir=root / "submitted", autograded_dir=root / "autograded",
                    feedback_dir=root / "feedback", reports_dir=root / "reports", db_url="sqlite://")
    assert part_columns(course, "a") == ["task1", "f_test"]
    assert _part_info(course, "a") == {"task1": (2.0, False), "f_test": (1.0, True)}


def test_the_feedback_page_never_shows_a_mark_scheme(task_source):
    from course_utils.grading.feedback import PartView, render_feedback

    restored, _ = check_and_restore(release_version(task_source), task_source)
    views = {gid: PartView(gid, p.score, p.max_score, p.auto, p.message, "")
             for gid, p in grade_cells(restored)[0].items()}
    page = render_feedback(restored, views, student_id="s", assignment="a", notebook="a", flags=[])
    assert "Write tidy code." in page and "MARK SCHEME" not in page and "1 mark" not in page
    assert "Task task1" in page and "/ 2 points" in page


def test_unknown_grade_ids_in_flags_are_one_bounded_line(task_source):
    sub = release_version(task_source)
    sub.cells.append(_cell("code", "x = 1", grade=True, grade_id="evil\nall tests passed" + "z" * 500, points=9))
    _, found = check_and_restore(sub, task_source)
    assert len(found) == 1 and "\n" not in found[0] and len(found[0]) < 200


# ----------------------------------------------------------------------------- AUTOTEST lines
def _autotest_source() -> nbformat.NotebookNode:
    nb = new_notebook(cells=[
        _cell("code", "### BEGIN SOLUTION\na = 5\n### END SOLUTION", grade=False, solution=True, locked=False,
              grade_id="soln", schema_version=3),
        _cell("code", "### AUTOTEST a", grade=True, solution=False, locked=True, grade_id="test_a", points=1,
              schema_version=3),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    return nb


def test_a_test_whose_autotest_lines_cannot_be_expanded_fails_and_is_flagged(tmp_path):
    from course_utils.grading import autotest

    source = _autotest_source()
    nb, problems = autotest.expanded(source, folders=[tmp_path])  # no autotests.yml: no kernel starts
    assert nb.cells[1].source.startswith("raise RuntimeError(") and "autotests.yml" in nb.cells[1].source
    assert problems == ["test cell 'test_a' could not be built from its ### AUTOTEST lines (no autotests.yml "
                        "next to the notebook or in the course folder); it scores zero"]
    assert str(tmp_path) not in problems[0]
    _, flags_ = check_and_restore(release_version(source), source)  # the cached result is used
    assert flags_[0] == problems[0]


def test_restore_uses_the_expanded_test_and_an_expanded_release_is_not_flagged():
    from course_utils.grading import autotest

    source = _autotest_source()
    source.cells[1].source = "### AUTOTEST a\n### BEGIN HIDDEN TESTS\n### AUTOTEST a\n### END HIDDEN TESTS"
    expanded = copy.deepcopy(source)
    expanded.cells[1].source = ('assert str(a) == "5", "value of a is not correct"\n### BEGIN HIDDEN TESTS\n'
                                'assert a + 1 == 6\n### END HIDDEN TESTS')
    autotest.remember(source, expanded)  # what a parent process hands its workers
    release = release_version(expanded)
    assert "a + 1" not in release.cells[1].source
    nb, found = check_and_restore(release, source)
    assert found == []
    assert nb.cells[1].source == expanded.cells[1].source  # hidden part included, nothing left unexpanded
