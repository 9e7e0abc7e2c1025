"""The instructor's view: after `course demo` has graded a synthetic class, a Lab started in
that course folder shows every submission in nbgrader's formgrader."""

from __future__ import annotations

from pathlib import Path

import pytest

from labpage import shot

pytestmark = pytest.mark.browser

PAGE_WAIT_MS = 120_000


def submitted_students(course_dir: Path) -> dict[str, set[str]]:
    """``{assignment: {student ids}}`` with a folder in ``submitted/`` (what nbgrader lists)."""
    found: dict[str, set[str]] = {}
    for folder in sorted((course_dir / "submitted").glob("*/*/")):
        found.setdefault(folder.name, set()).add(folder.parent.name)
    return found


def autograded_students(course_dir: Path) -> dict[str, set[str]]:
    """``{assignment: {student ids}}`` that the demo's gradebook holds a graded submission for."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        return {a.name: {s.student.id for s in a.submissions} for a in gradebook.assignments}


def test_formgrader_lists_graded_demo_class(demo_course: Path, demo_lab, page, artifacts):
    submitted = submitted_students(demo_course)
    graded = autograded_students(demo_course)
    assert submitted and all(graded.get(a) for a in submitted), (
        f"the demo class has submissions {submitted} but graded only {graded}")
    server = demo_lab

    # Manage Assignments: one row per assignment with its number of submissions
    page.goto(server.url("formgrader"))
    page.wait_for_function(
        "n => document.querySelectorAll('.num-submissions a').length >= n",
        arg=len(submitted), timeout=PAGE_WAIT_MS)
    shot(page, artifacts, "formgrader-01-manage-assignments")
    counts = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('tr')]"
        ".filter(r => r.querySelector('.num-submissions'))"
        ".map(r => [r.querySelector('.name').innerText.trim(),"
        " r.querySelector('.num-submissions').innerText.trim()]))")
    assert {name: counts.get(name) for name in submitted} == {
            name: str(len(students)) for name, students in submitted.items()}, (
        f"formgrader lists {counts}; submitted/ holds "
        f"{ {name: len(s) for name, s in submitted.items()} }")

    # Manage Submissions: every student listed; every submission the gradebook holds is graded
    # (a damaged notebook the demo could not grade stays "needs autograding", as in nbgrader)
    for assignment, students in sorted(submitted.items()):
        page.goto(server.url(f"formgrader/manage_submissions/{assignment}"))
        page.wait_for_function(
            "n => document.querySelectorAll('td.student-id').length >= n",
            arg=len(students), timeout=PAGE_WAIT_MS)
        shot(page, artifacts, f"formgrader-02-submissions-{assignment}")
        rows = dict(page.evaluate(
            "() => [...document.querySelectorAll('tr')].filter(r => r.querySelector("
            "'td.student-id')).map(r => [r.querySelector('td.student-id').innerText.trim(),"
            " r.querySelector('td.status').innerText.trim()])"))
        assert set(rows) == students, (
            f"{assignment}: formgrader lists {sorted(rows)}, submitted/ has {sorted(students)}")
        statuses = {student: rows[student] for student in graded[assignment]}
        assert all(s in ("graded", "needs manual grading") for s in statuses.values()), (
            f"{assignment}: graded submissions shown as {statuses}")
