"""``course grade``: autograde a whole class in parallel and record it everywhere nbgrader looks.

The parent process finds the submissions, copies them to nbgrader's ``submitted/`` folder and
hands students to long-lived worker processes (:class:`concurrent.futures.ProcessPoolExecutor`)
that only execute and score (:func:`course_utils.grading.engine.grade_notebook`). As each
result arrives the parent, alone, writes the ``autograded/`` notebook, the gradebook rows and
``reports/<assignment>/grades.csv``. One student's broken file or crashed kernel is that
student's "failed" line, never the end of the batch; a rerun skips students already graded
(``force=True`` regrades everyone).
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from course_utils.grading.collect import Submission, collect_submissions, load_roster
from course_utils.grading.course import Course, CourseError
from course_utils.grading.flags import one_line
from course_utils.grading.late import Lateness, LatePolicy, counted_seconds, format_time, load_policy

if TYPE_CHECKING:
    from course_utils.grading.engine import PartGrade
from course_utils.grading.gradesfile import (  # the grades.csv schema (re-exported here)
    BASE_COLUMNS,
    FAILED,
    FLAGGED,
    GRADED,
    notebook_scores,
    part_columns,
    part_key,
    read_grades,
    result_row,
    write_grades,
)

__all__ = [
    "StudentResult",
    "BatchResult",
    "grade_class",
    "grade_student",
    "read_grades",
    "write_grades",
    "part_columns",
    "BASE_COLUMNS",
    "GRADED",
    "FLAGGED",
    "FAILED",
]


@dataclass
class StudentResult:
    """One student's outcome, as sent back from a worker (plain data, picklable)."""

    student_id: str
    status: str
    reason: str = ""
    score: float = 0.0
    max_score: float = 0.0
    auto_score: float = 0.0
    auto_max_score: float = 0.0
    #: ``{part column: PartGrade}`` (score or None while a written answer waits, max, auto, message)
    parts: dict[str, PartGrade] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    #: ``{notebook name: executed notebook JSON}``
    executed: dict[str, str] = field(default_factory=dict)
    #: Notes about the grading machine (sandbox limits that could not be applied).
    environment: list[str] = field(default_factory=list)
    #: Seconds the worker spent on this student.
    seconds: float = 0.0


@dataclass
class BatchResult:
    """What ``grade_class`` did."""

    assignment: str
    csv_path: Path
    results: dict[str, StudentResult]
    skipped_files: list[str]
    resumed: list[str]

    def count(self, status: str) -> int:
        """Number of students graded in this run with ``status``."""
        return sum(1 for r in self.results.values() if r.status == status)


def grade_student(
    student_id: str,
    files: dict[str, str],
    sources: dict[str, str],
    cell_timeout: float,
    total_timeout: float,
    prestart: bool = False,
    expanded: dict[str, tuple[str, list[str]]] | None = None,
    protect: Sequence[str] = (),
) -> StudentResult:
    """Grade all notebooks of one student (runs in a worker process).

    ``files`` and ``sources`` map notebook names to paths of the submission and the source.
    ``prestart``: more students follow on this worker, so start their kernels ahead.
    ``expanded``: for a source with ``### AUTOTEST`` lines, its expansion made once by the parent
    (``{notebook: (notebook JSON, problems)}``, see :mod:`course_utils.grading.autotest`).
    A missing notebook scores zero on its parts and is flagged; an unreadable one fails the
    student with the reason.
    """
    from course_utils.grading.engine import GradingError, grade_cells, grade_notebook, read_notebook

    started = time.perf_counter()
    if expanded:
        from course_utils.grading import autotest

        for notebook, (text, problems) in expanded.items():
            autotest.remember(nbformat.read(sources[notebook], as_version=4), nbformat.reads(text, as_version=4),
                              problems)
    several = len(sources) > 1
    result = StudentResult(student_id, GRADED)
    try:
        for notebook, source in sources.items():
            path = files.get(notebook)
            if path is None:
                src_nb = read_notebook(Path(source), "source notebook")
                parts, _, auto_max, manual_max = grade_cells(src_nb)
                for gid, part in parts.items():
                    result.parts[part_key(notebook, gid, several)] = part._replace(
                        score=0.0, message=f"{notebook}.ipynb was not submitted")
                result.auto_max_score += auto_max
                result.max_score += auto_max + manual_max
                result.flags.append(f"{notebook}.ipynb missing from the submission")
                continue
            grade = grade_notebook(Path(path), Path(source), cell_timeout=cell_timeout, total_timeout=total_timeout,
                                   prestart=prestart, protect=[Path(p) for p in protect],
                                   student=student_id)  # the submission's id: its variant
            for gid, part in grade.parts.items():
                result.parts[part_key(notebook, gid, several)] = part
                if not part.auto and part.score is not None:
                    result.score += part.score
            result.auto_score += grade.score
            result.auto_max_score += grade.max_score
            result.score += grade.score
            result.max_score += grade.max_score + grade.manual_max_score
            result.flags.extend(grade.flags)
            result.environment.extend(e for e in grade.extra.get("environment", []) if e not in result.environment)
            # The sandbox flags time-outs and crashes itself; say something only if it did not.
            if grade.timed_out and not grade.flags:
                result.flags.append("the notebook ran out of time")
            if grade.crashed and not grade.flags:
                result.flags.append("the kernel died while running the notebook; tests it did not reach scored zero")
            result.executed[notebook] = nbformat.writes(grade.executed)
    except GradingError as exc:
        return StudentResult(student_id, FAILED, reason=one_line(exc), seconds=time.perf_counter() - started)
    # every flag is one bounded line, whoever raised it (see course_utils.grading.flags)
    result.flags = list(dict.fromkeys(one_line(f) for f in result.flags))
    if result.flags:
        result.status = FLAGGED
        result.reason = result.flags[0]
    result.seconds = time.perf_counter() - started
    return result


def _expand_autotests(course: Course, sources: dict[str, str], log_path: Path) -> dict[str, tuple[str, list[str]]]:
    """Expand the ``### AUTOTEST`` lines of each source once, here, for all workers."""
    from course_utils.grading import autotest
    from course_utils.grading.course import quiet_kernels

    out: dict[str, tuple[str, list[str]]] = {}
    for notebook, path in sources.items():
        if autotest.has_autotests(nbformat.read(path, as_version=4)):
            with quiet_kernels(log_path):
                nb, problems = autotest.prepare(Path(path), course.root)
            out[notebook] = (nbformat.writes(nb), problems)
    return out


def _warm_worker(log_path: str | None) -> None:
    """Worker start-up: import the grading stack once and send kernel chatter to the log."""
    if log_path:
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False)
    import nbclient  # noqa: F401
    import nbgrader.utils  # noqa: F401

    import course_utils.grading.engine  # noqa: F401
    import course_utils.grading.integrity  # noqa: F401
    from course_utils.grading.sandbox import privilege_drop_status, zygote

    privilege_drop_status()  # a one-off check per process: done while the parent prepares
    zygote.preload_plotting()  # a worker forks many kernels: a student's plot starts ready


def _ready() -> bool:
    """A no-op task: submitting one per worker starts the workers early."""
    return True


def _stop_resource_tracker() -> None:
    """Stop and reap multiprocessing's resource tracker, the helper process a spawn pool starts.

    Left alone it ends a moment after this process, which no longer waits for it: the machine's
    init inherits it, and one that does not reap leaves it a zombie. Run after multiprocessing's
    own exit finalizers have released what it tracks (so it reports nothing as leaked).
    """
    from multiprocessing import resource_tracker

    stop = getattr(resource_tracker._resource_tracker, "_stop", None)  # private: absent, skip
    if stop is not None:
        with contextlib.suppress(Exception):
            stop()


@functools.cache
def _reap_tracker_at_exit() -> None:
    from multiprocessing import util

    # priority below 0: multiprocessing's exit runs these after its own (semaphores released)
    util.Finalize(None, _stop_resource_tracker, exitpriority=-100)


def _new_pool(workers: int, log_path: Path) -> ProcessPoolExecutor:
    # "spawn": a forked worker would inherit the parent's ZeroMQ and asyncio state (the parent
    # may have run kernels already, e.g. in `course demo`) and hang.
    _reap_tracker_at_exit()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker, initargs=(str(log_path),),
                               mp_context=multiprocessing.get_context("spawn"))
    for _ in range(workers):
        pool.submit(_ready)
    return pool


def _timestamp(sub: Submission) -> str:
    if sub.timestamp:
        return sub.timestamp
    if sub.submitted_at is not None:
        return sub.submitted_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    times = [p.stat().st_mtime for p in sub.files.values()]
    newest = max(times) if times else time.time()
    return datetime.fromtimestamp(newest, tz=UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def _real_folder(base: Path, *parts: str) -> Path:
    """``base/parts...`` as real folders (created when missing); a symbolic link on the way is an
    error, never followed (a student's folder in ``submitted/`` could hold one)."""
    folder = Path(base)
    folder.mkdir(parents=True, exist_ok=True)
    for part in parts:
        folder = folder / part
        if folder.is_symlink():
            raise OSError(f"{folder} is a symbolic link (not followed)")
        folder.mkdir(exist_ok=True)
    return folder


def _replace_file(folder: Path, name: str, data: bytes) -> Path:
    """Write ``folder/name`` through a temporary file and a rename: a link already there is
    replaced, never written through."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return folder / name


def _copy_submitted(course: Course, assignment: str, sub: Submission) -> dict[str, str]:
    """Copy a student's files to ``submitted/<student>/<assignment>/`` (nbgrader's layout).

    The files are intake's private copies (already size-capped); a link in ``submitted/`` is
    replaced or refused, never followed.
    """
    target = _real_folder(course.submitted_dir, sub.student_id, assignment)
    copied = {}
    for notebook, path in sub.files.items():
        copied[notebook] = str(_replace_file(target, f"{notebook}.ipynb", Path(path).read_bytes()))
    _replace_file(target, "timestamp.txt", (_timestamp(sub) + "\n").encode("utf-8"))
    return copied


def _gradebook_dates(gb: Any, assignment: str, students: list[str]) -> tuple[Any, dict[str, Any]]:
    """nbgrader's own due date of the assignment and extensions of the students (or None)."""
    from nbgrader.api import MissingEntry

    try:
        due = gb.find_assignment(assignment).duedate
    except MissingEntry:
        return None, {}
    extensions = {}
    for sid in students:
        try:
            extensions[sid] = gb.find_submission(assignment, sid).extension
        except MissingEntry:
            continue
    return (due.replace(tzinfo=UTC) if due is not None else None), extensions


def _submission_info(policy: LatePolicy, assignment: str, sub: Submission, result: StudentResult,
                     gb_due: Any, gb_extension: Any) -> tuple[dict[str, str], Lateness, dict[str, float]]:
    """The grades.csv columns about time, lateness and the LMS; the penalty per notebook."""
    lateness = policy.lateness(assignment, sub.student_id, sub.submitted_at, gb_due, gb_extension)
    seconds = counted_seconds(lateness.seconds_late, sub.lms, sub.lms_late)
    per_notebook = {nb: policy.penalty(sub.student_id, score, seconds)
                    for nb, score in notebook_scores({k: p.score for k, p in result.parts.items()}).items()}
    info = {"submitted_at": format_time(sub.submitted_at), "time_source": sub.time_source,
            "due": format_time(lateness.deadline), "late_seconds": f"{seconds:g}" if lateness.deadline else "",
            "late_penalty": f"{sum(per_notebook.values()):g}", "lms": sub.lms, "lms_name": sub.lms_name,
            "lms_id": sub.lms_id, "lms_late": "yes" if sub.lms_late else ""}
    return info, lateness, per_notebook


def _record(gb: Any, course: Course, assignment: str, result: StudentResult, timestamp: str,
            late: tuple[Lateness, dict[str, float]] | None = None) -> None:
    """Write a finished student's autograded notebooks and gradebook rows (parent only)."""
    from course_utils.grading.gradebook import record_late, record_notebook

    target = course.autograded_dir / result.student_id / assignment
    if target.is_symlink():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    if result.status == FAILED:
        return
    target = _real_folder(course.autograded_dir, result.student_id, assignment)
    _replace_file(target, "timestamp.txt", (timestamp + "\n").encode("utf-8"))
    with warnings.catch_warnings():
        # nbgrader's add_submission trips SQLAlchemy autoflush warnings; the rows are saved.
        warnings.simplefilter("ignore")
        try:
            for notebook, text in result.executed.items():
                _replace_file(target, f"{notebook}.ipynb", text.encode("utf-8"))
                record_notebook(gb, assignment, result.student_id, notebook, nbformat.reads(text, as_version=4),
                                timestamp)
            if late is not None:
                lateness, per_notebook = late
                only = next(iter(result.executed), "")
                record_late(gb, assignment, result.student_id, lateness,
                            {(nb or only): points for nb, points in per_notebook.items()})
        except Exception:
            gb.db.rollback()
            raise


def _status_line(result: StudentResult) -> str:
    if result.status == FAILED:
        return f"  {result.student_id}: failed: {result.reason}"
    score = f"{result.score:g}/{result.max_score:g}"
    pending = sum(1 for p in result.parts.values() if not p.auto and p.score is None)
    extra = f" ({pending} written answer(s) to grade by hand)" if pending else ""
    if result.status == FLAGGED:
        more = f" (+{len(result.flags) - 1} more)" if len(result.flags) > 1 else ""
        return f"  {result.student_id}: flagged, {score}{extra}: {result.reason}{more}"
    return f"  {result.student_id}: graded, {score}{extra}"


def grade_class(
    course: Course,
    assignment: str,
    submissions: Path,
    *,
    workers: int | None = None,
    force: bool = False,
    progress: bool = True,
    cell_timeout: float | None = None,
    total_timeout: float = 300.0,
    echo: Callable[[str], None] | None = print,
    roster: Path | None = None,
) -> BatchResult:
    """Autograde every student of ``submissions`` for ``assignment``.

    Parameters
    ----------
    course : Course
        The course directory.
    assignment : str
        An assignment of ``source/``.
    submissions : Path
        A folder (nbgrader layout, per-student folders or LMS files) or an LMS zip; see
        :mod:`course_utils.grading.collect`.
    workers : int, optional
        Worker processes (default: the number of CPU cores).
    force : bool
        Regrade students already graded or flagged in grades.csv.
    progress : bool
        Show a tqdm progress bar on stderr.
    cell_timeout, total_timeout : float
        Per-cell and per-notebook time limits in seconds.
    echo : callable, optional
        Where status lines go (``print`` by default; ``None`` for silence).
    roster : Path, optional
        A CSV mapping the LMS's names for students to student ids
        (:func:`course_utils.grading.collect.load_roster`).

    Returns
    -------
    BatchResult
    """
    from tqdm import tqdm

    from course_utils.grading.gradebook import ensure_assignment, open_gradebook

    course.require(assignment)
    if workers is not None and workers < 1:
        raise CourseError(f"--workers must be at least 1, not {workers}")
    workers = workers or os.cpu_count() or 1
    sources = {p.stem: str(p) for p in course.source_notebooks(assignment)}
    parts = part_columns(course, assignment)
    report_dir = course.report_dir(assignment)
    csv_path = report_dir / "grades.csv"
    say = echo or (lambda _line: None)

    with contextlib.ExitStack() as stack:
        scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="course-submissions-"))
        policy = load_policy(course.root)
        found = collect_submissions(Path(submissions), assignment, list(sources), Path(scratch),
                                    roster=load_roster(roster), tz=policy.timezone)
        report_dir.mkdir(parents=True, exist_ok=True)
        log_path = report_dir / "grading.log"
        # Kernels never see the class's files: the folder given and intake's private copies of
        # it are protected paths of every sandbox (on top of the course's own, see course_paths).
        protect = (str(Path(submissions).resolve()), str(Path(scratch).resolve()))
        rows = read_grades(csv_path)
        done = {sid for sid, row in rows.items() if row.get("status") in (GRADED, FLAGGED)}
        todo = [s for s in found.submissions if force or s.student_id not in done]
        resumed = [s.student_id for s in found.submissions if s.student_id in done and not force]
        # Workers start now and grade from the files as found, while the parent copies them to
        # submitted/ and opens the gradebook.
        pool_size = min(workers, len(todo))
        pool: ProcessPoolExecutor | None = _new_pool(pool_size, log_path) if todo else None
        timeout = cell_timeout or course.cell_timeout
        pending = {sub.student_id: {nb: str(path) for nb, path in sub.files.items()} for sub in todo}
        expansions = _expand_autotests(course, sources, log_path) if todo else {}
        intake_flags = {sub.student_id: list(sub.flags) for sub in todo if sub.flags}
        by_id = {sub.student_id: sub for sub in todo}

        def submit_all(executor: ProcessPoolExecutor) -> dict[Future, str]:
            # Students are handed out in order; a worker starts the next kernel ahead while it
            # grades, except in the last round, where no student would use it.
            last_round = len(pending) - pool_size
            return {executor.submit(grade_student, sid, files, sources, timeout, total_timeout, n < last_round,
                                    expansions, protect): sid
                    for n, (sid, files) in enumerate(pending.items())}

        try:
            futures = submit_all(pool) if pool is not None else {}
            for line in found.skipped:
                say(f"skipped {line}")
            for line in found.notes:
                say(f"note: {line}")
            if resumed:
                say(f"{len(resumed)} student(s) already graded, skipped (use --force to regrade): "
                    + ", ".join(resumed[:10]) + (" ..." if len(resumed) > 10 else ""))
            ensure_assignment(course, assignment, list(sources))
            gb = stack.enter_context(open_gradebook(course))  # one connection, parent only
            results: dict[str, StudentResult] = {}
            stamps: dict[str, str] = {}
            copy_errors: dict[str, str] = {}
            for sub in todo:
                try:
                    _copy_submitted(course, assignment, sub)
                    stamps[sub.student_id] = _timestamp(sub)
                except OSError as exc:
                    copy_errors[sub.student_id] = f"cannot copy the files to {course.submitted_dir}: {exc}"
            write_grades(csv_path, rows, parts)
            gb_due, gb_extensions = _gradebook_dates(gb, assignment, list(by_id))

            def finish(result: StudentResult) -> None:
                sub = by_id[result.student_id]
                info, lateness, per_notebook = _submission_info(policy, assignment, sub, result, gb_due,
                                                                gb_extensions.get(result.student_id))
                if sub.lms == "canvas" and not sub.lms_late and lateness.seconds_late > 0:
                    result.flags.append(one_line(
                        f"its zip entry time ({info['submitted_at']}) is after the deadline ({info['due']}), but "
                        "Canvas does not mark it late; no penalty applied: check"))
                if sub.lms_late and lateness.deadline is not None and lateness.seconds_late == 0:
                    result.flags.append(one_line(
                        f"the LMS marks this submission late, but its time ({info['submitted_at']}, from the "
                        f"{sub.time_source}) is within the deadline ({info['due']}); no penalty applied: check"))
                if result.student_id in copy_errors:
                    result = StudentResult(result.student_id, FAILED, reason=copy_errors[result.student_id])
                elif (intake_flags.get(result.student_id) or result.flags) and result.status != FAILED:
                    # what intake refused (a link, an oversized file) comes first
                    result.flags = list(dict.fromkeys([*intake_flags.get(result.student_id, []), *result.flags]))
                    result.status, result.reason = FLAGGED, result.flags[0]
                try:
                    _record(gb, course, assignment, result, stamps.get(result.student_id, ""),
                            (lateness, per_notebook))
                except Exception as exc:  # the gradebook or disk failed for this student only
                    result = StudentResult(result.student_id, FAILED,
                                           reason=f"could not record the grade: {type(exc).__name__}: {exc}")
                results[result.student_id] = result
                rows[result.student_id] = result_row(result, info)
                write_grades(csv_path, rows, parts)
                with log_path.open("a", encoding="utf-8") as log:
                    log.write(f"[course grade] {result.student_id}: {result.status} in {result.seconds:.2f} s\n")

            bar = tqdm(total=len(pending), desc=f"grading {assignment}", unit="student", disable=not progress,
                       file=sys.stderr)
            attempts: dict[str, int] = {}
            while pending:
                if pool is None:
                    pool_size = min(workers, len(pending))
                    pool = _new_pool(pool_size, log_path)
                    futures = submit_all(pool)
                broken = False
                for future in as_completed(futures):
                    sid = futures[future]
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        broken = True
                        attempts[sid] = attempts.get(sid, 0) + 1
                        if attempts[sid] < 2:
                            continue  # retried in a fresh pool
                        result = StudentResult(sid, FAILED,
                                               reason="the grading process died while grading this student")
                    except Exception as exc:
                        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
                        result = StudentResult(sid, FAILED, reason=f"grader error: {last}")
                    pending.pop(sid, None)
                    finish(result)
                    bar.update(1)
                if broken:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = None
                else:
                    pending.clear()
            bar.close()
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    environment = sorted({e for r in results.values() for e in r.environment})
    for note in environment:  # once per run, not once per student
        loud = "WARNING, " if note.startswith("sandbox unavailable") else ""
        say(f"{loud}note about this machine: {note}")
    if results:
        say(f"{assignment}: {len(results)} student(s) graded this run")
        for sid in sorted(results):
            say(_status_line(results[sid]))
    counts = {s: sum(1 for r in results.values() if r.status == s) for s in (GRADED, FLAGGED, FAILED)}
    say(f"graded {counts[GRADED]}, flagged {counts[FLAGGED]}, failed {counts[FAILED]}, "
        f"skipped {len(resumed)}; grades in {csv_path}")
    return BatchResult(assignment, csv_path, results, found.skipped, resumed)

