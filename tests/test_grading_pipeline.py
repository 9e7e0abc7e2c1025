"""The ``course`` command end to end on small synthetic classes (kernels run here).

One toy course is built and graded once per module (LMS zip, 2 workers); the tests then read
what an instructor and a student would read: grades.csv, the gradebook, nbgrader's folders,
feedback pages, the report. The real ps1 is graded once with a correct and a partial
submission.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from course_utils.cli import main
from course_utils.grading.batch import read_grades
from course_utils.grading.build import generate_release, normalise_release
from course_utils.grading.course import load_course
from course_utils.grading.synthetic import make_submission, write_toy_course

pytestmark = pytest.mark.slow

STUDENTS = {"adams": "correct", "baker": "partial", "chen": "blank", "evans": "broken", "fox": "blank"}
HIDDEN_LINES = ("split(8, 0.25)", "war_cost == 3")
# The module's tests share one graded class; the last one (resume and --force) changes it.
LATE_POLICY = """
c.CourseLate.due = {"toy": "2026-10-02 17:00 UTC"}
c.CourseLate.percent_per_day = 10
c.CourseLate.cap_percent = 50
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A toy course, built, with a Canvas-style zip of four students graded by 2 workers."""
    root = tmp_path_factory.mktemp("course")
    write_toy_course(root)
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(LATE_POLICY)
    args = ["--course-dir", str(root)]
    assert main([*args, "build", "toy"]) == 0
    course = load_course(root)
    release = nbformat.read(str(course.release_dir / "toy" / "toy.ipynb"), as_version=4)
    source = nbformat.read(str(course.source_dir / "toy" / "toy.ipynb"), as_version=4)
    archive = root.parent / f"{root.name}-class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i, (name, kind) in enumerate(STUDENTS.items()):
            text = make_submission(release, source, kind)
            if name == "fox":  # rewrites a test so that it always passes
                text = text.replace("assert split(10, 0.5) == 5", "assert True or split(10, 0.5) == 5")
            # Canvas's download: the entry's time, and _LATE for baker (1 day and 2 s after the due date; a zip keeps even seconds)
            late = "_LATE" if name == "baker" else ""
            when = (2026, 10, 3, 17, 0, 2) if late else (2026, 10, 2, 12, i, 0)
            zf.writestr(zipfile.ZipInfo(f"{name}{late}_{100 + i}_{900 + i}_toy.ipynb", date_time=when), text)
    assert main([*args, "grade", "toy", "--submissions", str(archive), "--workers", "2", "--no-progress"]) == 0
    return root, args, archive


def test_build_release_has_stubs_and_is_stable(graded, tmp_path):
    root, _, _ = graded
    course = load_course(root)
    committed = (course.release_dir / "toy" / "toy.ipynb").read_bytes()
    text = committed.decode()
    assert "raise NotImplementedError()" in text
    assert "BEGIN" not in text and "surplus * share" not in text and "split(8, 0.25)" not in text
    # A rebuild into another folder gives the same bytes (no volatile metadata).
    generate_release(course, "toy", release_root=tmp_path)
    normalise_release(tmp_path / "toy")
    assert (tmp_path / "toy" / "toy.ipynb").read_bytes() == committed


def test_build_fails_with_a_clear_line_when_a_stub_passes(tmp_path, capsys):
    write_toy_course(tmp_path)
    path = tmp_path / "source" / "toy" / "toy.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    # A test that passes without an answer: the release would give free points.
    nb.cells[4].source = "assert True"
    nbformat.write(nb, str(path))
    assert main(["--course-dir", str(tmp_path), "build", "toy"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "blank release earns 1 point(s) on 'cost_test'" in err[0]


def test_grades_csv_statuses_and_parts(graded):
    root, _, _ = graded
    rows = read_grades(root / "reports" / "toy" / "grades.csv")
    assert sorted(rows) == sorted(STUDENTS)
    adams, baker, chen, evans = (rows[s] for s in ("adams", "baker", "chen", "evans"))
    assert (adams["status"], adams["score"], adams["max_score"], adams["auto_score"]) == ("graded", "3", "5", "3")
    assert (adams["split_test"], adams["cost_test"], adams["why_deal"]) == ("2", "1", "")
    assert adams["manual_pending"] == "1"
    assert (baker["split_test"], baker["cost_test"]) == ("2", "0")
    assert (chen["score"], chen["why_deal"]) == ("0", "0")
    assert evans["status"] == "failed" and "not valid JSON" in evans["flags"] and evans["score"] == ""
    fox = rows["fox"]
    assert fox["status"] == "flagged" and "split_test" in fox["flags"] and fox["split_test"] == "0"


def test_nbgrader_sees_the_submissions(graded):
    from nbgrader.api import Gradebook

    root, _, _ = graded
    course = load_course(root)
    for sid in ("adams", "baker", "chen"):
        assert (root / "submitted" / sid / "toy" / "toy.ipynb").is_file()
        assert (root / "autograded" / sid / "toy" / "toy.ipynb").is_file()
    assert (root / "submitted" / "evans" / "toy" / "toy.ipynb").is_file()
    assert not (root / "autograded" / "evans").exists()
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        assert sorted(s.student.id for s in gb.find_assignment("toy").submissions) == ["adams", "baker", "chen", "fox"]
        grade = gb.find_grade("split_test", "toy", "toy", "adams")
        assert (grade.auto_score, grade.max_score) == (2.0, 2.0)
        written = gb.find_grade("why_deal", "toy", "toy", "adams")
        assert written.auto_score is None and written.needs_manual_grade
        assert gb.find_comment("why_deal", "toy", "toy", "chen").auto_comment == "No response."


def test_feedback_has_messages_and_manual_grades_but_no_hidden_tests(graded):
    from nbgrader.api import Gradebook

    root, args, _ = graded
    course = load_course(root)
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        grade = gb.find_grade("why_deal", "toy", "toy", "adams")
        grade.manual_score = 1.5
        comment = gb.find_comment("why_deal", "toy", "toy", "adams")
        comment.manual_comment = "Clear, but name the cost of war."
        gb.db.commit()
    assert main([*args, "feedback", "toy"]) == 0
    pages = {p.parent.name: p.read_text() for p in (root / "reports" / "toy" / "feedback").glob("*/toy.html")}
    assert sorted(pages) == ["adams", "baker", "chen", "fox"]
    for page in pages.values():
        for line in HIDDEN_LINES:
            assert line not in page
        assert "Traceback" not in page and "BEGIN" not in page
    assert "Score: 4.5 / 5" in pages["adams"] and "Clear, but name the cost of war." in pages["adams"]
    assert "NameError: name &#x27;war_cost&#x27; is not defined" in pages["baker"]
    assert "not answered yet" in pages["baker"]


def test_late_submission_in_grades_gradebook_and_feedback(graded):
    from nbgrader.api import Gradebook

    root, args, _ = graded
    rows = read_grades(root / "reports" / "toy" / "grades.csv")
    adams, baker = rows["adams"], rows["baker"]
    assert (adams["submitted_at"], adams["time_source"]) == ("2026-10-02 12:00:00 UTC", "zip entry time")
    assert (adams["late_seconds"], adams["late_penalty"], adams["final_score"]) == ("0", "0", adams["score"])
    assert (baker["due"], baker["late_seconds"], baker["lms_late"]) == ("2026-10-02 17:00:00 UTC", "86402", "yes")
    # two started days at 10 %: 20 % of baker's 2 points
    assert (baker["score"], baker["late_penalty"], baker["final_score"]) == ("2", "0.4", "1.6")
    assert (baker["lms"], baker["lms_id"]) == ("canvas", "101")
    course = load_course(root)
    with Gradebook(course.db_url, course_id=course.course_id) as gb:
        assert gb.find_submission_notebook("toy", "toy", "baker").late_submission_penalty == pytest.approx(0.4)
        assert gb.find_submission("toy", "baker").total_seconds_late == 86402
        assert gb.find_submission_notebook("toy", "toy", "adams").late_submission_penalty is None
    assert main([*args, "feedback", "toy"]) == 0
    page = (root / "reports" / "toy" / "feedback" / "baker" / "toy.html").read_text()
    assert "late by 1 day" in page and "0.4 point(s)" in page and "score after the penalty: 1.6 / 5" in page
    assert "on time" in (root / "reports" / "toy" / "feedback" / "adams" / "toy.html").read_text()


def test_report_files_and_flags(graded):
    root, args, _ = graded
    assert main([*args, "report", "toy"]) == 0
    folder = root / "reports" / "toy"
    for name in ("summary.md", "item_analysis.csv", "scores.png", "parts.png"):
        assert (folder / name).stat().st_size > 100, name
    summary = (folder / "summary.md").read_text()
    assert "| cost_test | 1 | auto |" in summary
    assert "**evans**" in summary and "not valid JSON" in summary
    assert "**fox**" in summary and "split_test" in summary.split("Flagged submissions")[1]
    order = [line.split(",")[0] for line in (folder / "item_analysis.csv").read_text().splitlines()[1:]]
    # why_deal: 1.5 (manual, given above), 0, 0, 0 of 2 = 19%; cost_test: 1 of 4 = 25%; split_test: 50%
    assert order == ["why_deal", "cost_test", "split_test"]
    # lateness, diagnosis, misconceptions and flags by kind
    late = summary.split("## Late submissions")[1].split("##")[0]
    assert "10 % of the score per started day late, at most 50 %" in late and "**baker**: late by 1 day (86402 s), penalty 0.4" in late
    assert "Cronbach's alpha" in summary and "| split_test |" in summary.split("## What the parts tell")[1]
    why = summary.split("## Why students lost points")[1].split("## Flags by kind")[0]
    assert "**cost_test**" in why and "not answered yet" in why  # baker's unanswered cell, as its hint
    assert "test cell … was edited" in summary.split("## Flags by kind")[1]
    assert list(folder.glob("part_*.png")), "a plot for each part that discriminates"


def test_selfgrade_prints_parts_with_hints(graded, tmp_path, capsys):
    root, args, _ = graded
    mine = tmp_path / "toy.ipynb"
    shutil.copy(root / "submitted" / "baker" / "toy" / "toy.ipynb", mine)
    html = tmp_path / "fb.html"
    assert main([*args, "selfgrade", str(mine), "--html", str(html)]) == 0
    out = capsys.readouterr().out
    assert "ok   split_test" in out and "FAIL cost_test" in out and "hint:" in out
    assert "Automatic score: 2 / 3" in out
    assert "split(8, 0.25)" not in html.read_text()


def test_real_ps1_grades_correct_and_partial(repo_root, tmp_path):
    course_root = tmp_path / "course"
    (course_root / "source").mkdir(parents=True)
    shutil.copytree(repo_root / "source" / "ps1_bargaining", course_root / "source" / "ps1_bargaining")
    shutil.copy(repo_root / "nbgrader_config.py", course_root / "nbgrader_config.py")
    shutil.copytree(repo_root / "release" / "ps1_bargaining", course_root / "release" / "ps1_bargaining")
    src = course_root / "source" / "ps1_bargaining" / "ps1_bargaining.ipynb"
    release = nbformat.read(str(course_root / "release" / "ps1_bargaining" / "ps1_bargaining.ipynb"), as_version=4)
    source = nbformat.read(str(src), as_version=4)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "good_ps1_bargaining.ipynb").write_text(make_submission(release, source, "correct"))
    (subs / "half_ps1_bargaining.ipynb").write_text(make_submission(release, source, "partial"))
    args = ["--course-dir", str(course_root)]
    assert main([*args, "grade", "ps1_bargaining", "--submissions", str(subs), "--workers", "2",
                 "--no-progress"]) == 0
    rows = read_grades(course_root / "reports" / "ps1_bargaining" / "grades.csv")
    assert rows["good"]["status"] == "graded"
    assert rows["good"]["auto_score"] == rows["good"]["auto_max_score"]
    assert 0 < float(rows["half"]["auto_score"]) < float(rows["half"]["auto_max_score"])
    assert main([*args, "feedback", "ps1_bargaining"]) == 0
    page = (course_root / "reports" / "ps1_bargaining" / "feedback" / "half" / "ps1_bargaining.html").read_text()
    hidden = []
    for cell in source.cells:
        for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, flags=re.S):
            hidden += [line.strip() for line in block.splitlines() if len(line.strip()) > 12]
    assert hidden, "ps1 has hidden tests"
    for line in hidden:
        assert line not in page and line.replace("'", "&#x27;") not in page


def test_resume_skips_graded_students_and_force_regrades(graded, tmp_path, capsys):
    root, args, archive = graded
    capsys.readouterr()
    csv_path = root / "reports" / "toy" / "grades.csv"
    assert main([*args, "grade", "toy", "--submissions", str(archive), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "4 student(s) already graded, skipped" in out
    assert "evans: failed" in out  # failed students are retried, and fail again
    # --force regrades: a one-student folder in nbgrader's layout, now with a wrong answer.
    course = load_course(root)
    release = nbformat.read(str(course.release_dir / "toy" / "toy.ipynb"), as_version=4)
    source = nbformat.read(str(course.source_dir / "toy" / "toy.ipynb"), as_version=4)
    folder = tmp_path / "again" / "adams" / "toy"
    folder.mkdir(parents=True)
    (folder / "toy.ipynb").write_text(make_submission(release, source, "wrong"))
    assert main([*args, "grade", "toy", "--submissions", str(tmp_path / "again"), "--no-progress"]) == 0
    assert read_grades(csv_path)["adams"]["score"] == "3"  # skipped, not regraded
    assert main([*args, "grade", "toy", "--submissions", str(tmp_path / "again"), "--force",
                 "--workers", "1", "--no-progress"]) == 0
    rows = read_grades(csv_path)
    assert rows["adams"]["score"] == "0" and rows["adams"]["split_test"] == "0"
    assert rows["baker"]["score"] == "2"  # others kept
