"""Grade one notebook against its source, without a gradebook.

The engine is the piece every command shares (``build`` proofs, ``grade`` workers,
``selfgrade``): it restores the source's test cells into the submission (hidden tests
included, see :mod:`course_utils.grading.integrity`), executes the result in the sandbox
(:mod:`course_utils.grading.sandbox`) and scores every graded cell with nbgrader's own rule,
:func:`nbgrader.utils.determine_grade`:

- a test cell earns its points unless its output holds an error or text on stderr;
- a manually graded answer (markdown or code with ``solution: true``) has no automatic score
  (it waits for the instructor) unless it was left untouched, which scores zero.

``score`` and ``max_score`` of a :class:`NotebookGrade` cover the automatic parts only, so a
correct solution earns ``score == max_score``; ``manual_max_score`` holds what the written
answers are worth.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import nbformat
from nbformat import NotebookNode

__all__ = [
    "PartGrade",
    "NotebookGrade",
    "GradingError",
    "grade_notebook",
    "grade_cells",
    "read_notebook",
    "error_message",
]

_LOG = logging.getLogger(__name__)

#: Sandbox flags about the grading machine rather than the student (printed once by the
#: batch grader, never a reason to flag a submission).
ENVIRONMENT_FLAGS = ("sandbox unavailable", "privilege drop unavailable", "sandbox limit unavailable")

#: Longest failure message kept for a part (characters); the rest is cut with an ellipsis.
MAX_MESSAGE = 400


class GradingError(Exception):
    """A notebook cannot be graded at all (unreadable file, not a notebook, no graded cells)."""


class PartGrade(NamedTuple):
    """The result of one graded cell.

    Attributes
    ----------
    score : float or None
        Points earned; ``None`` when the part waits for a manual grade.
    max_score : float
        Points the part is worth.
    auto : bool
        True for a test cell scored by the autograder, False for a written answer.
    message : str
        One line for the student: ``"passed"``, the failure (exception type and assertion
        message, never the test's source), or what a manual part is waiting for.
    """

    score: float | None
    max_score: float
    auto: bool
    message: str


@dataclass
class NotebookGrade:
    """The grade of one submitted notebook.

    Attributes
    ----------
    score : float
        Sum of the automatic parts' scores.
    max_score : float
        Sum of the automatic parts' points.
    parts : dict
        ``{grade_id: PartGrade}`` in notebook order, automatic and manual parts.
    flags : list of str
        One-line reasons a grader should look at this submission (tampering, time-outs,
        crashes); an empty list means nothing unusual was seen.
    executed : NotebookNode
        The notebook as executed (answer cells of the student, test cells of the source, with
        their outputs); nbgrader's ``autograded/`` copy.
    manual_max_score : float
        Sum of the points of the parts graded by hand.
    """

    score: float
    max_score: float
    parts: dict[str, PartGrade]
    flags: list[str]
    executed: NotebookNode
    manual_max_score: float = 0.0
    timed_out: bool = False
    crashed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def read_notebook(path: Path, what: str = "notebook") -> NotebookNode:
    """Read a notebook file as nbformat 4, with one-line errors for unreadable files.

    Raises
    ------
    GradingError
        When the file is missing, is not JSON, or is not a Jupyter notebook.
    """
    path = Path(path)
    if not path.is_file():
        raise GradingError(f"{what} {path} does not exist")
    try:
        with path.open(encoding="utf-8") as handle:
            nb = nbformat.read(handle, as_version=4)
    except UnicodeDecodeError:
        raise GradingError(f"{what} {path.name} is not a text file (is it really a .ipynb?)") from None
    except Exception as exc:  # nbformat raises several JSON and validation errors
        text = str(exc).strip()
        if "does not appear to be JSON" in text or isinstance(exc, ValueError) and "JSON" in text:
            reason = "it is not valid JSON (damaged or cut short)"
        else:
            reason = _shorten(text.splitlines()[0] if text else type(exc).__name__)[:160]
        raise GradingError(f"{what} {path.name} is not a readable notebook: {reason}") from None
    if not isinstance(nb.get("cells"), list):
        raise GradingError(f"{what} {path.name} has no cells")
    return nb


def _nbgrader_meta(cell: NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _is_grade(cell: NotebookNode) -> bool:
    return bool(_nbgrader_meta(cell).get("grade", False))


def _is_solution(cell: NotebookNode) -> bool:
    return bool(_nbgrader_meta(cell).get("solution", False))


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "\u2026"


def error_message(cell: NotebookNode) -> str | None:
    """The first failure in a test cell's outputs, as one line without source or traceback.

    Returns ``"AssertionError: <message>"`` for an error output (the exception type and its
    message only: tracebacks quote the failing line of the hidden test, so they are never
    shown), ``"printed to stderr: <first line>"`` for text on stderr (nbgrader scores that as a
    failure), or ``None`` when the cell shows no failure.
    """
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "error":
            ename = output.get("ename") or "Error"
            evalue = str(output.get("evalue") or "").strip()
            if ename == "NotImplementedError" and not evalue:
                return "NotImplementedError: an answer this test needs is still the stub (not answered yet)"
            if not evalue:
                return f"{ename} (the test gave no message)"
            return _shorten(f"{ename}: {evalue}")
        if kind == "stream" and output.get("name") == "stderr":
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else str(text)
            first = next((line for line in text.splitlines() if line.strip()), "")
            return _shorten(f"printed to stderr: {first}")
    return None


def _mark_not_run(nb: NotebookNode, reason: str) -> None:
    """Give every graded code cell that never ran an error output, so it scores zero.

    Without this a test cell skipped by a time-out or a dead kernel has no output and
    nbgrader's rule would give it full marks.
    """
    for cell in nb.cells:
        if cell.cell_type != "code" or not _is_grade(cell) or _is_solution(cell):
            continue
        if cell.get("execution_count") is None and not cell.get("outputs"):
            cell["outputs"] = [
                nbformat.v4.new_output("error", ename="NotRun", evalue=reason, traceback=[f"NotRun: {reason}"])
            ]


def grade_cells(nb: NotebookNode) -> tuple[dict[str, PartGrade], float, float, float]:
    """Score every graded cell (tests, manually graded answers, tasks) with nbgrader's rule.

    Returns
    -------
    parts, score, max_score, manual_max_score
        ``parts`` maps grade ids to :class:`PartGrade` in notebook order; the three totals are
        the automatic score, the automatic maximum and the manual maximum.
    """
    from nbgrader.utils import determine_grade

    from course_utils.grading.cells import Kind, classify

    parts: dict[str, PartGrade] = {}
    score = max_score = manual_max = 0.0
    for cell in nb.cells:
        task = classify(cell)
        if task.kind is Kind.TASK and task.grade_id is not None:
            # a task is graded by hand only (nbgrader gives it no automatic score)
            manual_max += task.points
            parts[task.grade_id] = PartGrade(None, task.points, False, "waiting for the instructor's grade")
            continue
        if not _is_grade(cell):
            continue
        grade_id = str(_nbgrader_meta(cell).get("grade_id", f"cell-{len(parts)}"))
        earned, points = determine_grade(cell, _LOG)
        auto = cell.cell_type == "code" and not _is_solution(cell)
        if auto:
            earned = float(earned or 0.0)
            failure = error_message(cell)
            if failure is not None:
                message = failure
            elif earned >= points:
                message = "passed"
            else:
                message = f"partial credit: {earned:g} of {points:g}"
            score += earned
            max_score += points
        else:
            manual_max += points
            message = "no answer written" if earned == 0 else "waiting for the instructor's grade"
            earned = None if earned is None else float(earned)
        parts[grade_id] = PartGrade(earned, float(points), auto, message)
    return parts, score, max_score, manual_max


def grade_notebook(
    submission: Path,
    source: Path,
    *,
    workdir: Path | None = None,
    cell_timeout: float = 30,
    total_timeout: float = 300,
    prestart: bool = False,
    protect: Sequence[Path] = (),
    student: str | None = None,
    variants: Any | None = None,
) -> NotebookGrade:
    """Grade a submitted notebook against the source (instructor) notebook.

    Parameters
    ----------
    submission : Path
        The student's notebook (a copy of the release version with answers filled in).
    source : Path
        The instructor's notebook in ``source/``: its test cells, hidden tests included, are
        the ones that run; whatever the submission did to them is discarded.
    workdir : Path, optional
        Folder the notebook runs in (the source folder's data files should be there); a
        temporary folder holding copies of the source folder's other files by default.
    cell_timeout, total_timeout : float
        Seconds one cell, and the whole notebook, may run before they are interrupted.
    prestart : bool
        Start the kernel for the next notebook graded against the same source while this one
        runs (a grader working through a class); see
        :func:`course_utils.grading.sandbox.execute_notebook`.
    protect : sequence of Path
        More paths the kernel must never see, on top of the course's own
        (:func:`course_utils.grading.sandbox.course_paths`): ``course grade`` passes the class's
        submissions folder and its private copies of it.
    student : str, optional
        The id of the submission being graded (from the submission's folder or the gradebook,
        never from the notebook). When the source has a variant cell (see
        :mod:`course_utils.variants`), the student's code and the tests run with this student's
        numbers; without a student everyone gets the base numbers.
    variants : course_utils.variants.Settings, optional
        The term's salt and the assignments switched off; read from the course's
        ``nbgrader_config.py`` (found from ``source``) when omitted.

    Returns
    -------
    NotebookGrade

    Raises
    ------
    GradingError
        When either notebook cannot be read, or the source has no graded cells.
    """
    from course_utils.grading.sandbox import zygote

    zygote.warm()  # the pre-warmed parent of kernels and judges imports while this reads notebooks

    from course_utils.grading.integrity import check_and_restore
    from course_utils.grading.sandbox import course_paths, execute_notebook

    if cell_timeout <= 0 or total_timeout <= 0:
        raise ValueError("cell_timeout and total_timeout must be positive numbers of seconds")
    source = Path(source)
    src_nb = read_notebook(source, "source notebook")
    if not any(_is_grade(cell) for cell in src_nb.cells):
        raise GradingError(f"source notebook {source.name} has no graded cells (nbgrader metadata 'grade: true')")
    sub_nb = read_notebook(Path(submission), "submission")

    restored, flags = check_and_restore(sub_nb, src_nb)
    flags = list(flags)
    _add_answer_checksums(restored, src_nb)
    variant = _bind_variant(restored, src_nb, source, student, variants)
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        run_dir = Path(workdir) if workdir is not None else _prepare_workdir(source.parent, Path(tmp) / "run")
        judge_dir = None
        if variant is not None:
            # the judge runs in a folder of its own holding the variant of this submission; the
            # kernel never sees it (its new root holds only the runtime and a copy of run_dir).
            # Not added to ``protect``: a path new for every notebook would make the kernel
            # started ahead (built for the assignment's protected paths) useless every time.
            from course_utils.variants import write_grading_file

            judge_dir = _prepare_workdir(run_dir, Path(tmp) / "judge")
            write_grading_file(judge_dir, variant)
        result = execute_notebook(restored, run_dir, cell_timeout=cell_timeout, total_timeout=total_timeout,
                                  protect=[*course_paths(source), *protect],
                                  prestart=prestart, judge_cwd=judge_dir)
    executed = result.nb
    environment = [f for f in result.flags if f.startswith(ENVIRONMENT_FLAGS)]
    flags.extend(f for f in result.flags if f not in flags and f not in environment)
    if result.timed_out or result.crashed:
        reason = "the notebook ran out of time before this test" if result.timed_out else (
            "the kernel died before this test"
        )
        _mark_not_run(executed, reason)
    parts, score, max_score, manual_max = grade_cells(executed)
    return NotebookGrade(
        score=score,
        max_score=max_score,
        parts=parts,
        flags=flags,
        executed=executed,
        manual_max_score=manual_max,
        timed_out=bool(result.timed_out),
        crashed=bool(result.crashed),
        extra={"environment": environment},
    )


def variant_cell_assignment(nb: NotebookNode) -> str | None:
    """The assignment named by a notebook's variant cell (``metadata.course.variant``), if any."""
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("course", {})
        if isinstance(meta, dict) and isinstance(meta.get("variant"), str):
            return str(meta["variant"])
    return None


def _bind_variant(nb: NotebookNode, src_nb: NotebookNode, source: Path, student: str | None,
                  settings: Any | None) -> Any | None:
    """Give the submission the trusted variant cell of ``student`` (in place); the variant.

    Whatever variant cell the student has is replaced: the student's code runs with the numbers
    of the submission's own id, the one the tests use. None when the source has no variant cell.
    """
    from course_utils.variants import Settings, course_settings, identify_source

    assignment = variant_cell_assignment(src_nb)
    if assignment is None:
        return None
    if not isinstance(settings, Settings):
        from course_utils.grading.course import find_course_dir

        settings = course_settings(find_course_dir(source.parent))
    variant = settings.variant(assignment, student)
    cell = nbformat.v4.new_code_cell(identify_source(assignment, variant.student if variant.enabled else None,
                                                     settings.salt, variant.enabled))
    cell.metadata["course"] = {"variant": assignment}
    cell["id"] = "course-variant"
    kept = [c for c in nb.cells if variant_cell_assignment(nbformat.from_dict({"cells": [c]})) is None]
    nb.cells = [cell, *kept]
    return variant


def _add_answer_checksums(nb: NotebookNode, source: NotebookNode) -> None:
    """Stamp each answer cell with the checksum of its release stub, as nbgrader's release does.

    nbgrader recognises an untouched answer by that checksum: ``determine_grade`` then scores a
    blank written answer zero, and the formgrader shows "No response.".
    """
    from nbgrader.utils import compute_checksum

    from course_utils.grading.integrity import release_version

    stubs = {
        str(_nbgrader_meta(c).get("grade_id")): c for c in release_version(source).cells if _is_solution(c)
    }
    for cell in nb.cells:
        meta = _nbgrader_meta(cell)
        stub = stubs.get(str(meta.get("grade_id")))
        if not _is_solution(cell) or stub is None or "grade_id" not in meta:
            continue
        template = nbformat.from_dict(dict(stub))
        template["metadata"] = nbformat.from_dict({"nbgrader": dict(meta)})
        meta["checksum"] = compute_checksum(template)


def _prepare_workdir(source_dir: Path, tmp: Path) -> Path:
    """Copy the source folder's non-notebook files (data the notebook reads) into ``tmp``."""
    import shutil

    tmp.mkdir(parents=True, exist_ok=True)
    for item in _support_files(source_dir):
        target = tmp / item.relative_to(source_dir)
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(item, target)
    return tmp


def _support_files(source_dir: Path) -> Iterable[Path]:
    for item in sorted(source_dir.iterdir()):
        if item.suffix == ".ipynb" or item.name.startswith(".") or item.name == "__pycache__":
            continue
        yield item

