"""``course build``: regenerate ``release/`` from ``source/`` and prove it.

Four proofs per assignment, each failure a one-line reason:

1. solutions earn full automatic marks (the source's solutions pasted into the release copy,
   graded by :func:`course_utils.grading.engine.grade_notebook`);
2. correct answers written differently earn full marks too: every round of the assignment's
   RIGHT rounds (``right_answers/<assignment>.py``, see :mod:`course_utils.grading.right_answers`), when
   it has any, graded the same way;
3. untouched stubs earn zero (the release copy itself, graded the same way);
4. nothing secret leaks: no solution, hidden-test or mark-scheme markers and no line of a
   solution or hidden test anywhere in the release notebooks' JSON.

The release is written by nbgrader's own ``generate_assignment`` with ``--force`` (without it
nbgrader silently keeps an old release), then normalised so a rebuild gives the same bytes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course_utils.grading.course import Course, CourseError, ensure_tools_on_path, load_course, quiet_kernels

__all__ = ["BuildError", "BuildResult", "build", "generate_release", "normalise_release", "find_leaks"]

#: Markers that must never reach a student.
SECRET_MARKERS = (
    "BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
    "BEGIN MARK SCHEME", "END MARK SCHEME",
)
_BLOCKS = (
    re.compile(r"BEGIN SOLUTION[^\n]*\n(.*?)\n[^\n]*END SOLUTION", re.S),
    re.compile(r"BEGIN HIDDEN TESTS[^\n]*\n(.*?)\n[^\n]*END HIDDEN TESTS", re.S),
    re.compile(r"BEGIN MARK SCHEME[^\n]*\n(.*?)\n[^\n]*END MARK SCHEME", re.S),
)
#: Notebook metadata kept in the release; everything else (widget state, editor state) is
#: volatile and dropped so rebuilds are byte-identical.
_KEEP_NB_META = ("kernelspec", "language_info", "nbgrader")
_DROP_CELL_META = ("execution", "collapsed", "scrolled", "ExecuteTime", "trusted")


class BuildError(CourseError):
    """A release could not be generated or one of its proofs failed."""


@dataclass
class BuildResult:
    """What ``build`` did for one assignment."""

    assignment: str
    notebooks: list[str]
    solution_score: float = 0.0
    stub_score: float = 0.0
    variants_proven: int = 0
    right_rounds: int = 0
    right_rounds_full: int = 0
    max_score: float = 0.0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every proof passed."""
        return not self.problems


def generate_release(course: Course, assignment: str, release_root: Path | None = None) -> None:
    """Run nbgrader's ``generate_assignment ASSIGNMENT --force`` for the course.

    It also records the assignment's cells in the gradebook (what ``grade`` needs).
    ``release_root`` redirects the output (used to refresh the gradebook without touching
    ``release/``).
    """
    ensure_tools_on_path()
    cmd = [
        sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
        f"--CourseDirectory.root={course.root}",
        f"--CourseDirectory.db_url={course.db_url}",
    ]
    if release_root is not None:
        cmd.append(f"--CourseDirectory.release_directory={release_root}")
    proc = subprocess.run(cmd, cwd=course.root, capture_output=True, text=True, env=os.environ.copy())
    log = proc.stdout + proc.stderr
    if proc.returncode != 0 or "[GenerateAssignmentApp | ERROR]" in log:
        raise BuildError(f"nbgrader generate_assignment {assignment} failed: {_last_error(log)}")


def _last_error(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_.]*(Error|Exception)\b", line):
            return line
    errors = [line for line in lines if "ERROR" in line]
    return errors[0] if errors else (lines[-1] if lines else "no output")


def normalise_release(folder: Path, variants: object | None = None) -> list[Path]:
    """Strip volatile metadata from the release notebooks in ``folder`` (in place), and give the
    variant cell (``metadata.course.variant``) the term's salt from ``variants`` (a
    :class:`course_utils.variants.Settings`), so the student's notebook computes its own numbers
    offline.

    Returns the notebooks, sorted by name.
    """
    from course_utils.variants import Settings, identify_source

    settings = variants if isinstance(variants, Settings) else Settings()
    notebooks = sorted(folder.glob("*.ipynb"))
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        nb.metadata = nbformat.from_dict({k: v for k, v in nb.metadata.items() if k in _KEEP_NB_META})
        for index, cell in enumerate(nb.cells):
            for key in _DROP_CELL_META:
                cell.metadata.pop(key, None)
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
            if not cell.get("id"):
                cell["id"] = f"cell-{index}"
            course_meta = cell.metadata.get("course", {})
            if isinstance(course_meta, dict) and isinstance(course_meta.get("variant"), str):
                name = course_meta["variant"]
                cell.source = identify_source(name, None, settings.salt, settings.enabled(name))
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            nbformat.write(nb, handle)
    return notebooks


def _secret_lines(source: NotebookNode) -> set[str]:
    """Lines inside solution / hidden-test / mark-scheme blocks, minus those also shown openly."""
    secret: set[str] = set()
    open_text: list[str] = []
    for cell in source.cells:
        text = cell.source
        hidden = text
        for pattern in _BLOCKS:
            for match in pattern.finditer(text):
                secret.update(line.strip() for line in match.group(1).splitlines())
            hidden = pattern.sub("", hidden)
        open_text.extend(line.strip() for line in hidden.splitlines())
    public = set(open_text)
    # Very short lines ("pass", "return x", brackets) say nothing and also occur by chance.
    return {line for line in secret if len(line) >= 12 and line not in public and not line.startswith("#")}


def find_leaks(release_nb_path: Path, source_nb: NotebookNode) -> list[str]:
    """One line per secret found in a release notebook's file (markers, solution or test lines)."""
    text = release_nb_path.read_text(encoding="utf-8")
    released = nbformat.reads(text, as_version=4)
    visible = "\n".join(cell.source for cell in released.cells)
    problems = [f"{release_nb_path.name}: marker '{m}' left in the release" for m in SECRET_MARKERS if m in text]
    for line in sorted(_secret_lines(source_nb)):
        if line in visible or line in text:
            problems.append(f"{release_nb_path.name}: secret line leaked into the release: {line[:60]!r}")
    return problems


def build(
    assignment: str | None = None,
    *,
    course: Course | None = None,
    cell_timeout: float | None = None,
    echo: bool = False,
    right_answers: bool = True,
    variant_sample: int = 200,
    roster: list[str] | Path | None = None,
    right_sample: int = 20,
) -> list[BuildResult]:
    """Regenerate the release of one assignment (or all) and prove each one.

    Parameters
    ----------
    assignment : str, optional
        An assignment in ``source/``; all of them when omitted.
    course : Course, optional
        The course directory; found from the current folder when omitted.
    cell_timeout : float, optional
        Seconds one cell may run during the proofs (the course's ``Execute.timeout`` by default).
    echo : bool
        Print one line per step.
    right_answers : bool
        Also grade the RIGHT rounds in ``right_answers/<assignment>.py`` (each round one grading
        run, about 1.5 s with kernels started ahead); False skips that proof.
    variant_sample : int
        How many per-student variants to prove (every id of ``roster`` plus sampled ids up to
        this count; see :mod:`course_utils.grading.variant_proof`). 0 skips the proof.
    roster : list of str or Path, optional
        The class's student ids (or a roster file, see
        :func:`course_utils.grading.variant_proof.read_roster`): each one's variant is proven.
    right_sample : int
        How many of the proven variants also run every RIGHT round in-process (each round is
        also graded end to end through the sandbox and the judge as one sampled student).

    Returns
    -------
    list of BuildResult
        One per assignment; ``BuildError`` is raised after all were built if any proof failed.
    """
    from course_utils.grading.autotest import prepare
    from course_utils.grading.engine import grade_notebook, variant_cell_assignment
    from course_utils.grading.right_answers import (
        RightAnswersError,
        load_right_answers,
        load_wrong_answers,
        right_submission,
    )
    from course_utils.grading.synthetic import make_submission
    from course_utils.grading.variant_proof import RosterError, prove_variants, read_roster, sample_ids, variant_leaks
    from course_utils.variants import course_settings

    if isinstance(roster, (str, Path)):
        try:
            roster = read_roster(Path(roster))
        except RosterError as exc:
            raise BuildError(str(exc)) from None
    course = course or load_course()
    names = [course.require(assignment)] if assignment else course.assignments()
    if not names:
        raise BuildError(f"no assignments in {course.source_dir} (expected source/<assignment>/<notebook>.ipynb)")
    timeout = cell_timeout or course.cell_timeout
    results: list[BuildResult] = []
    for name in names:
        generate_release(course, name)
        release_dir = course.release_dir / name
        notebooks = normalise_release(release_dir, course_settings(course.root))
        result = BuildResult(name, [p.name for p in notebooks])
        try:
            rounds = load_right_answers(course.root, name) if right_answers else []
            wrong_rounds = load_wrong_answers(course.root, name)
        except (RightAnswersError, SyntaxError) as exc:
            rounds, wrong_rounds = [], []
            result.problems.append(f"right_answers/{name}.py: {exc}")
        settings = course_settings(course.root)
        for src_path in course.source_notebooks(name):
            rel_path = release_dir / src_path.name
            if not rel_path.is_file():
                result.problems.append(f"{src_path.name}: nbgrader wrote no release copy")
                continue
            release_nb = nbformat.read(str(rel_path), as_version=4)
            with tempfile.TemporaryDirectory(prefix="course-build-") as tmp, quiet_kernels():
                # ### AUTOTEST lines expanded once, as the release has them (the proofs and the
                # leak check then see the tests that really run)
                source_nb, expand_problems = prepare(src_path, course.root)
                result.problems.extend(f"{src_path.name}: {p}" for p in expand_problems)
                result.problems.extend(find_leaks(rel_path, source_nb))
                solved = Path(tmp) / src_path.name
                solved.write_text(make_submission(release_nb, source_nb, "correct"), encoding="utf-8")
                # the next run's kernel boots while the current one runs
                # graded as a sampled student: the sandbox and the judge run one real variant end to end
                good = grade_notebook(solved, src_path, cell_timeout=timeout, total_timeout=20 * timeout,
                                      prestart=True, student="sample-000")
                # correct answers written differently (right_answers/<assignment>.py) for the notebook
                # that shares the assignment's name
                # round n is answered, and graded, as the sampled student sample-00n (their own numbers)
                variant_name = variant_cell_assignment(source_nb)
                for number, answers in enumerate(rounds if src_path.stem == name else [], 1):
                    result.right_rounds += 1
                    student = f"sample-{number:03d}" if variant_name else None
                    params = settings.variant(variant_name, student).as_dict() if variant_name else None
                    try:
                        text = right_submission(release_nb, source_nb, answers, params)
                    except RightAnswersError as exc:
                        result.problems.append(f"right_answers/{name}.py round {number}: {exc}")
                        continue
                    rightnb = Path(tmp) / f"right{number}" / src_path.name
                    rightnb.parent.mkdir()
                    rightnb.write_text(text, encoding="utf-8")
                    right = grade_notebook(rightnb, src_path, cell_timeout=timeout, total_timeout=20 * timeout,
                                           prestart=True, student=student)
                    lost = [(gid, part) for gid, part in right.parts.items()
                            if part.auto and (part.score or 0) < part.max_score]
                    result.right_rounds_full += not lost
                    result.problems.extend(
                        f"{src_path.name}: a correct answer (right_answers/{name}.py round {number}) fails test "
                        f"'{gid}': {part.message}" for gid, part in lost)
                blank = grade_notebook(rel_path, src_path, cell_timeout=timeout, total_timeout=20 * timeout,
                                       student="sample-001")
            result.solution_score += good.score
            result.stub_score += blank.score
            result.max_score += good.max_score
            for gid, part in good.parts.items():
                if part.auto and (part.score or 0) < part.max_score:
                    result.problems.append(f"{src_path.name}: the solution fails test '{gid}': {part.message}")
            for gid, part in blank.parts.items():
                if part.auto and (part.score or 0) > 0:
                    result.problems.append(
                        f"{src_path.name}: the blank release earns {part.score:g} point(s) on '{gid}' "
                        "(its test passes without an answer)"
                    )
            result.notes.extend(f"{src_path.name} (solution run): {flag}" for flag in good.flags)
            variant_name = variant_cell_assignment(source_nb)
            if variant_name is not None and settings.enabled(variant_name) and variant_sample > 0:
                ids = sample_ids(variant_sample, roster)
                own = src_path.stem == name
                proof = prove_variants(source_nb, variant_name, settings.salt, ids[:right_sample],
                                       right=rounds if own else [], wrong=wrong_rounds if own else [])
                rest = prove_variants(source_nb, variant_name, settings.salt, ids[right_sample:] or ids[:1],
                                      wrong=wrong_rounds if own else [])
                if ids[right_sample:]:
                    for key in ("variants", "full", "blank_zero", "wrong_rounds", "wrong_caught", "coincidences",
                                "swapped_caught", "swapped_parts", "swapped_same"):
                        setattr(proof, key, getattr(proof, key) + getattr(rest, key))
                    proof.problems += rest.problems
                clean = proof.full == proof.blank_zero == proof.variants and proof.right_full == proof.right_rounds \
                    and proof.wrong_caught == proof.wrong_rounds
                result.variants_proven += proof.variants if clean else 0
                result.problems.extend(f"{src_path.name}: {p}" for p in proof.problems[:20])
                result.problems.extend(f"{src_path.name}: {p}" for p in variant_leaks(
                    release_nb, variant_name, settings.salt, ids))
                result.notes.append(
                    f"{src_path.name}: {proof.variants} variants ({len(roster or [])} from the roster): solution in "
                    f"full {proof.full}, blank zero {proof.blank_zero}, RIGHT rounds in full {proof.right_full}/"
                    f"{proof.right_rounds}, WRONG rounds losing exactly their parts {proof.wrong_caught}/"
                    f"{proof.wrong_rounds} ({proof.coincidences} wrong value(s) equal to a variant's right one), "
                    f"another variant's answer sheet refused on {proof.swapped_caught} of {proof.swapped_parts} "
                    f"parts whose answers differ ({proof.swapped_same} with the same answer), no variant's numbers "
                    "in the release")
                pairs = proof.swapped_parts + proof.swapped_same
                if pairs and proof.swapped_same > 0.5 * pairs:
                    result.problems.append(f"{src_path.name}: neighbouring variants share the answer on "
                                           f"{proof.swapped_same} of {pairs} numeric parts (widen the ranges)")
        results.append(result)
        if echo:
            status = "ok" if result.ok else "FAILED"
            checked = f"variants proven {result.variants_proven}, " if result.variants_proven else ""
            checked += (f"right answers {result.right_rounds_full}/{result.right_rounds} round(s) in full, "
                     if result.right_rounds else "")
            print(
                f"{name}: release written ({len(notebooks)} notebook(s)); solutions "
                f"{result.solution_score:g}/{result.max_score:g}, {checked}blank stubs "
                f"{result.stub_score:g}/{result.max_score:g}; leaks: "
                f"{'none' if not any('leak' in p or 'marker' in p for p in result.problems) else 'FOUND'}; {status}"
            )
            for problem in result.problems:
                print(f"  problem: {problem}")
            for note in result.notes:
                print(f"  note: {note}")
    failed = [r for r in results if not r.ok]
    if failed:
        first = failed[0]
        raise BuildError(f"{first.assignment}: {first.problems[0]}" + (
            f" (and {sum(len(r.problems) for r in failed) - 1} more problem(s))"
            if sum(len(r.problems) for r in failed) > 1 else ""))
    return results
