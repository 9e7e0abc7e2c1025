"""The adversarial corpus graded by ``course grade`` (its Python entry point), case by case.

Builds a class from the real ps1 release (tests/integrity/corpus.py): three honest students and
every adversarial case, grades it with two workers, and checks each student's status, every
autograded part and the flag; then checks that nothing outside the sandbox was harmed and that
the honest students get exactly the grades they get when graded alone. The ``j_*`` cases (ids
``<family>/<sid>`` in test_attack_scores_what_the_blank_notebook_scores) attack a test cell
running in the student's own interpreter, one family per class of attack of issue 12; each is
a blank release plus cells of attack and must score what the untouched blank release scores.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import tempfile
import threading
from pathlib import Path

import nbformat
import pytest

from integrity.corpus import (ASSIGNMENT, ATTACK_FAMILIES, CASES, EVERY_PART, HONEST, HONEST_ZERO, NOTEBOOK,
                              build_class, load_context)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

CELL_TIMEOUT = 5
TOTAL_TIMEOUT = 90


class _Listener:
    """A TCP server on 127.0.0.1 that records whether anybody connected."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


def _make_course(repo_root: Path, where: Path) -> Path:
    """A course folder other users can traverse (like a real one), holding ps1's source."""
    root = where / "course"
    (root / "source").mkdir(parents=True)
    shutil.copytree(repo_root / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    shutil.copy(repo_root / "nbgrader_config.py", root / "nbgrader_config.py")
    for path in (where, root):
        os.chmod(path, 0o755)
    return root


def _grade(course_root: Path, class_dir: Path):
    from course_utils.grading.batch import grade_class
    from course_utils.grading.course import load_course

    course = load_course(course_root)
    result = grade_class(course, ASSIGNMENT, class_dir, workers=2, progress=False,
                         cell_timeout=CELL_TIMEOUT, total_timeout=TOTAL_TIMEOUT, echo=None)
    from course_utils.grading.batch import read_grades

    return result, read_grades(result.csv_path)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _run_corpus(repo_root: Path) -> dict:
    """Grade the corpus and the honest class alone; return plain data (JSON-able) to check."""
    where = Path(tempfile.mkdtemp(prefix="integrity-corpus-"))
    listener = _Listener()
    try:
        course_root = _make_course(repo_root, where)
        class_dir = where / "class"
        ctx = load_context(repo_root, course_root, class_dir, listener.port)
        build_class(ctx)
        source_digest = _digest(course_root / "source")
        result, rows = _grade(course_root, class_dir)
        from course_utils.grading.course import load_course
        from course_utils.grading.report import write_report

        summary = write_report(load_course(course_root), ASSIGNMENT).read_text(encoding="utf-8")
        alone_root = _make_course(repo_root, where / "alone")
        alone_ctx = load_context(repo_root, alone_root, where / "alone" / "class", listener.port)
        build_class(alone_ctx, cases=[], honest=True)
        _, alone_rows = _grade(alone_root, alone_ctx.class_dir)
        with sqlite3.connect(course_root / "gradebook.db") as db:
            students = sorted(r[0] for r in db.execute("select id from student"))
        autograded = course_root / "autograded"
        env_nb = autograded / "t_env_branching" / ASSIGNMENT / NOTEBOOK
        printed = ""
        if env_nb.is_file():
            nb = nbformat.read(env_nb, as_version=4)
            printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        return dict(
            rows=rows, alone=alone_rows, skipped=list(result.skipped_files),
            source_unchanged=_digest(course_root / "source") == source_digest,
            gradebook_students=students,
            files_kept=all(p.is_file() for p in (
                course_root / "submitted" / "honest_1" / ASSIGNMENT / NOTEBOOK,
                class_dir / "honest_1" / NOTEBOOK,
                autograded / "honest_1" / ASSIGNMENT / NOTEBOOK)),
            connections=listener.connections, env_printed=printed,
            environment=sorted({e for r in result.results.values() for e in r.environment}),
            summary=summary,
        )
    finally:
        listener.close()
        shutil.rmtree(where, ignore_errors=True)


@pytest.fixture(scope="module")
def graded(repo_root, tmp_path_factory, worker_id):
    """The corpus's results, computed once per session even with pytest-xdist workers."""
    if worker_id == "master":
        return _run_corpus(repo_root)
    shared = tmp_path_factory.getbasetemp().parent
    with open(shared / "integrity-corpus.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = shared / "integrity-corpus.json"
        if not data.is_file():
            data.write_text(json.dumps(_run_corpus(repo_root)), encoding="utf-8")
        return json.loads(data.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ctx(repo_root):
    return load_context(repo_root, Path("/nonexistent"), Path("/nonexistent"), 0)


def _points(ctx) -> dict[str, float]:
    return {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"])
            for c in ctx.source.cells
            if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")}


def _check_parts(row: dict[str, str], points: dict[str, float], zero: tuple[str, ...], label: str) -> None:
    if zero == EVERY_PART:
        zero = tuple(points)
    got = {gid: float(row[gid]) for gid in points}
    want = {gid: (0.0 if gid in zero else pts) for gid, pts in points.items()}
    assert got == want, f"{label}: parts {got} != expected {want}; flags: {row.get('flags')}"


@pytest.mark.parametrize("case", CASES, ids=[c.sid for c in CASES])
def test_case_gets_its_grade_and_flag(graded, ctx, case):
    rows, skipped = graded["rows"], graded["skipped"]
    if case.status == "skipped":
        assert case.sid not in rows, f"{case.sid} must not be graded"
        assert any(case.flag in line for line in skipped) or not case.flag, skipped
        return
    assert case.sid in rows, f"{case.sid} missing from grades.csv (skipped: {skipped})"
    row = rows[case.sid]
    assert row["status"] == case.status, f"{case.sid}: status {row['status']}, flags: {row['flags']}"
    if case.flag:
        assert case.flag in row["flags"], f"{case.sid}: flag {case.flag!r} not in {row['flags']!r}"
        assert f"**{case.sid}**: " in graded["summary"] and case.flag in graded["summary"], \
            f"{case.sid} and its flag are missing from the report's summary.md"
    if case.status != "failed":
        _check_parts(row, _points(ctx), case.zero, case.sid)


ATTACKS = [c for c in CASES if c.family in ATTACK_FAMILIES]


def test_every_attack_class_of_issue_12_has_at_least_two_cases():
    for family in ATTACK_FAMILIES:
        assert sum(c.family == family for c in ATTACKS) >= 2, family
    assert all(c.zero == EVERY_PART and c.status == "flagged" and c.flag for c in ATTACKS)


@pytest.mark.parametrize("case", ATTACKS, ids=[f"{c.family}/{c.sid}" for c in ATTACKS])
def test_attack_scores_what_the_blank_notebook_scores(graded, ctx, case):
    """A blank release plus cells of attack on a test cell in the student's own interpreter
    earns exactly what the blank release earns, part by part."""
    blank, row = graded["rows"]["blank"], graded["rows"][case.sid]
    assert blank["status"] == "graded" and blank["flags"] == "", blank["flags"]
    parts = list(_points(ctx))
    assert {g: row[g] for g in parts} == {g: blank[g] for g in parts}, f"{case.sid}: flags {row['flags']}"


def test_honest_students_graded_cleanly(graded, ctx):
    points = _points(ctx)
    for sid in HONEST:
        row = graded["rows"][sid]
        assert row["status"] == "graded" and row["flags"] == "", (sid, row["flags"])
        _check_parts(row, points, HONEST_ZERO.get(sid, ()), sid)


def test_honest_grades_same_alone_and_alongside_the_corpus(graded):
    def grade(row):  # the submission's time is when the test wrote the file: not a grade
        return {k: v for k, v in row.items() if k not in ("submitted_at", "time_source")}

    for sid in HONEST:
        assert grade(graded["rows"][sid]) == grade(graded["alone"][sid]), sid


def test_nothing_outside_the_sandbox_was_harmed(graded):
    assert graded["source_unchanged"], "source/ was changed by a submission"
    assert set(HONEST) <= set(graded["gradebook_students"]), graded["gradebook_students"]
    assert graded["files_kept"], "an honest student's submitted, class or autograded file is gone"
    assert graded["connections"] == 0, "a grading kernel reached a server on 127.0.0.1"


def test_every_kernel_had_the_full_sandbox(graded):
    """On a machine where the sandbox can drop privileges, no worker fell back to root."""
    from course_utils.grading.sandbox import privilege_drop_status

    if privilege_drop_status()[0]:
        assert graded["environment"] == []


def test_no_grading_environment_variable_reaches_the_kernel(graded):
    assert "not grading" in graded["env_printed"], graded["env_printed"][:500]
