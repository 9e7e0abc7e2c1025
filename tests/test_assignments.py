"""Gates for the graded problem sets in ``source/`` and their student versions in ``release/``.

What an instructor relies on before handing an assignment out:

- the solution notebooks earn full marks on every automatic part, and an untouched release
  notebook earns zero without breaking the grading run (graded by the course's own engine,
  :func:`course_utils.grading.engine.grade_notebook`);
- realistic wrong answers (off by one, swapped parameters, a percentage for a share, the
  lesson's formula where the question changed the model, a value rounded too early) lose exactly
  the part they belong to, and the result names that part by its grade_id;
- correct answers written differently (the RIGHT round in ``right_answers/``: closed forms, loops and
  recursions, NumPy types and vectorised code, searches as a student writes them, values at the
  answer policy's precision) earn every point, and each of them is proven correct without the
  hidden tests, against the reference solution on random arguments in the stated domains;
- nothing secret reaches ``release/`` (solution code, hidden tests, their markers, answers in
  metadata or outputs);
- ``release/`` is exactly what nbgrader generates from ``source/`` (volatile metadata aside);
- the visible tests a student runs explain a malformed answer with a hint, and do not give away
  the value (a well-formed wrong answer passes them; the hidden tests decide).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import random
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode

from course_utils.grading.build import generate_release, normalise_release
from course_utils.grading.course import load_course
from course_utils.grading.engine import NotebookGrade, grade_notebook
from course_utils.grading.synthetic import solution_text
from course_utils.variants import base, course_settings
from course_utils.grading.right_answers import load_right_answers, load_wrong_answers, render, right_submission

import ps3_record_cases as ps3  # ps3_record's rounds, answers, domains and student runs

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ("ps1_bargaining", "ps2_deterrence", "ps3_record")
HIDDEN_BLOCK = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)\n### END HIDDEN TESTS", re.S)
SOLUTION_BLOCK = re.compile(r"### BEGIN SOLUTION\n(.*?)\n[ \t]*### END SOLUTION", re.S)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


# --------------------------------------------------------------------------- helpers
def source_path(assignment: str) -> Path:
    return ROOT / "source" / assignment / f"{assignment}.ipynb"


def release_path(assignment: str) -> Path:
    return ROOT / "release" / assignment / f"{assignment}.ipynb"


def read(path: Path) -> NotebookNode:
    return nbformat.read(str(path), as_version=4)


def nbg(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def auto_parts(nb: NotebookNode) -> dict[str, float]:
    """{grade_id: points} of the autograded test cells."""
    return {
        nbg(c)["grade_id"]: float(nbg(c)["points"])
        for c in nb.cells
        if nbg(c).get("grade") and not nbg(c).get("solution") and c.cell_type == "code"
    }


def fill(assignment: str, answers: dict[str, str], folder: Path, name: str) -> Path:
    """A submission: the release notebook with every answer cell holding the solution, except
    the answer cells named in ``answers`` (grade_id -> the student's cell text)."""
    release = read(release_path(assignment))
    solutions = {nbg(c)["grade_id"]: c.source for c in read(source_path(assignment)).cells if nbg(c).get("solution")}
    unknown = set(answers) - set(solutions)
    assert not unknown, f"test data names answer cells that do not exist: {sorted(unknown)}"
    params = base(assignment).as_dict()  # the base numbers: graded without a student id
    sub = copy.deepcopy(release)
    for cell in sub.cells:
        gid = nbg(cell).get("grade_id")
        if gid in answers:
            cell.source = render(answers[gid], params)
        elif gid in solutions:
            cell.source = solution_text(solutions[gid])
    path = folder / name / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(sub, str(path))
    return path


def grade(submission: Path, assignment: str) -> NotebookGrade:
    return grade_notebook(submission, source_path(assignment), cell_timeout=60, total_timeout=600)


def describe(result: NotebookGrade) -> str:
    return "; ".join(f"{gid}: {p.score}/{p.max_score} {p.message}" for gid, p in result.parts.items())


# --------------------------------------------------------------------------- structure (fast)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_is_a_complete_problem_set(assignment):
    nb = read(source_path(assignment))
    ids = [nbg(c)["grade_id"] for c in nb.cells if nbg(c)]
    assert len(ids) == len(set(ids)), f"duplicate grade_id in {assignment}"
    # the variant cell (the student's own numbers) is the one cell without: the build writes the
    # term's salt into it and the grader replaces it with the submission's id, so it is not locked
    variant_cells = [c for c in nb.cells if c.metadata.get("course", {}).get("variant")]
    assert all(nbg(c) for c in nb.cells if c not in variant_cells), \
        "every cell carries nbgrader metadata (locked, answer or test)"
    assert all(not nbg(c) and c.metadata["course"]["variant"] == assignment for c in variant_cells)

    header = nb.cells[0]
    assert header.cell_type == "markdown" and nbg(header).get("locked"), "the first cell is a locked header"
    assert "Time estimate" in header.source and "How to work" in header.source

    tests = [c for c in nb.cells if nbg(c).get("grade") and not nbg(c).get("solution")]
    written = [c for c in nb.cells if nbg(c).get("grade") and nbg(c).get("solution")]
    assert len(tests) >= 5, "at least five autograded parts"
    assert written and all(c.cell_type == "markdown" for c in written), "at least one written answer graded by hand"
    total = sum(float(nbg(c)["points"]) for c in tests + written)
    assert 30 <= total <= 50, f"{assignment} is worth {total} points; the course asks for 30-50"
    assert f"**Points:** {total:g}" in header.source, "the header states the total points"

    policy = header.source.split("**Answer policy**")[-1]
    assert "**Answer policy**" in header.source, "the header states the answer policy"
    for words in ("4 significant", "0.000001", "0-dimensional NumPy array", "`True`/`False`", "0.1 s", "domain"):
        assert words in policy, f"the answer policy says {words!r}"

    for cell in tests:
        meta = nbg(cell)
        assert (meta["grade"], meta["solution"], meta["locked"], meta["task"], meta["schema_version"]) == (
            True, False, True, False, 3), f"{meta['grade_id']}: nbgrader 0.9 test-cell metadata"
        assert meta["points"] > 0
        hidden = HIDDEN_BLOCK.search(cell.source)
        assert hidden, f"{meta['grade_id']}: the value is decided by a hidden test block"
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        # the answer policy's code and the variants, and nothing else of the course, under
        # underscore names (a check cell run by a student must not rebind the student's own
        # `close`, `call` or `V`); the variant comes from course_utils.variants.current, which
        # reads the grader's file in the judge, never the student's `V`
        for line in cell.source.splitlines():
            if "course_utils" in line:
                assert line.startswith(("import course_utils.answers as _policy",
                                        "import course_utils.variants as _variants",
                                        "import course_utils.models as _models",
                                        "import course_utils.data as _data")), f"{meta['grade_id']}: {line}"
        assert not re.search(r"(?<![\w.])V\b", cell.source), f"{meta['grade_id']}: a test never reads the student's V"
        # one answer per graded cell, checked with the policy's code in both halves
        assert re.search(r"\b_policy\.check_(?:number|count|word|function)\(", hidden.group(1)), \
            f"{meta['grade_id']}: hidden tests decide with course_utils.answers"
        assert len(set(re.findall(r"^_policy\.check_\w+\((\w+)", hidden.group(1), re.MULTILINE))) == 1, \
            f"{meta['grade_id']}: a graded cell checks exactly one answer"
        assert re.search(r"\b_policy\.(as_number|as_count|as_word)\(", visible), \
            f"{meta['grade_id']}: the visible checks refuse what grading refuses (course_utils.answers)"
        assert "assert " in visible, f"{meta['grade_id']}: visible checks"
    for cell in nb.cells:
        if nbg(cell).get("solution") and cell.cell_type == "code":
            assert not nbg(cell)["grade"] and "### BEGIN SOLUTION" in cell.source
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, "source notebooks are committed without outputs"


# --------------------------------------------------------------------------- leaks (fast)
def secret_lines(source: NotebookNode) -> set[str]:
    """Lines of solutions and hidden tests that do not also appear in the open part of a cell."""
    secret, public = set(), set()
    for cell in source.cells:
        text = cell.source
        for block in (SOLUTION_BLOCK, HIDDEN_BLOCK):
            for match in block.finditer(text):
                secret.update(line.strip() for line in match.group(1).splitlines())
            text = block.sub("", text)
        public.update(line.strip() for line in text.splitlines())
    return {line for line in secret - public if len(line) >= 8}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_holds_no_secrets(assignment):
    raw = release_path(assignment).read_text(encoding="utf-8")
    for marker in MARKERS:
        assert marker not in raw, f"release/{assignment} contains the marker {marker!r}"
    released = read(release_path(assignment))
    # everything a student can see: cell text, cell and notebook metadata, outputs
    visible = "\n".join(c.source for c in released.cells)
    visible += json.dumps(released.metadata) + "".join(json.dumps(c.metadata) for c in released.cells)
    visible += "".join(json.dumps(c.get("outputs", [])) for c in released.cells)
    secrets = secret_lines(read(source_path(assignment)))
    assert len(secrets) > 40, "the source has solutions and hidden tests to protect"
    leaked = sorted(line for line in secrets if line in visible or json.dumps(line)[1:-1] in raw)
    assert not leaked, f"release/{assignment} shows solution or hidden-test lines: {leaked[:5]}"
    for cell in released.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, "release notebooks have no outputs"
        if nbg(cell).get("solution"):
            assert cell.source in ("# YOUR CODE HERE\nraise NotImplementedError()", "YOUR ANSWER HERE") or (
                "# YOUR CODE HERE\n    raise NotImplementedError()" in cell.source
            ), f"{nbg(cell)['grade_id']}: the answer cell is a stub"


# --------------------------------------------------------------------------- release in sync
@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_what_the_build_generates(assignment, tmp_path):
    course_dir = tmp_path / "course"
    (course_dir / "source").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course_dir)
    shutil.copytree(ROOT / "source" / assignment, course_dir / "source" / assignment)
    course = load_course(course_dir)
    assert course.root == course_dir.resolve() and course.course_id == "kim-trump-bargaining"
    generate_release(course, assignment)
    built = normalise_release(course.release_dir / assignment, course_settings(course_dir))
    committed = sorted((ROOT / "release" / assignment).glob("*.ipynb"))
    assert [p.name for p in built] == [p.name for p in committed], "release/ holds the same notebooks"

    def essential(path: Path) -> dict:
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["metadata"] = {k: v for k, v in nb["metadata"].items() if k in ("kernelspec", "nbgrader")}
        for cell in nb["cells"]:
            for key in ("execution", "collapsed", "scrolled", "trusted"):
                cell["metadata"].pop(key, None)
        return nb

    for new, old in zip(built, committed):
        assert essential(new) == essential(old), (
            f"release/{assignment}/{old.name} is out of date: run `course build {assignment}` and commit release/"
        )


# --------------------------------------------------------------------------- grading round trips
@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solutions_earn_full_marks(assignment, tmp_path):
    result = grade(fill(assignment, {}, tmp_path, "solution"), assignment)
    expected = auto_parts(read(source_path(assignment)))
    assert result.max_score == sum(expected.values())
    assert result.score == result.max_score, describe(result)
    assert not result.timed_out and not result.crashed
    written = [p for p in result.parts.values() if not p.auto]
    assert written and all(p.score is None for p in written), "written answers wait for the instructor"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_earns_zero(assignment):
    result = grade(release_path(assignment), assignment)
    assert result.max_score == sum(auto_parts(read(source_path(assignment))).values())
    assert result.score == 0, describe(result)
    assert not result.timed_out and not result.crashed and not result.flags, result.flags
    for gid, part in result.parts.items():
        assert part.score == 0, f"{gid} scores without an answer"
        if part.auto:  # a failure the student can act on, not a crash of the grader
            assert part.message.startswith(("AssertionError: Define", "NotImplementedError")), part.message


# Realistic wrong answers, three or four rounds per problem set. Each round replaces some answer
# cells (grade_id -> the student's text); every part whose answer was replaced must lose its
# points and every other part must keep them. A part whose answer uses an earlier function is
# replaced together with it (or not at all), so a lost part always has its own mistake. An answer
# marked "rounded too early" is right but short of the policy's 4 significant figures: its message
# must be about precision; every other wrong answer's message must not be.
# ps1 and ps2 keep theirs in right_answers/<assignment>.py (WRONG = [...]), written for every variant
# ({{expr}} numbers computed from the student's own parameters, see course_utils.grading.right_answers),
# so `course build` proves them on every sampled variant too; graded here with the base numbers.
WRONG: dict[str, list[dict[str, str]]] = {a: load_wrong_answers(ROOT, a) for a in ("ps1_bargaining", "ps2_deterrence")}
WRONG["ps3_record"] = ps3.WRONG
ROUNDS = [(a, i) for a in ASSIGNMENTS for i in range(len(WRONG[a]))]
PRECISION_MESSAGE = "agrees with the answer that far"


def test_wrong_answer_rounds_cover_every_part():
    for assignment in ASSIGNMENTS:
        tests = set(auto_parts(read(source_path(assignment))))
        hit = [{gid.replace("_answer", "_test") for gid in r} for r in WRONG[assignment]]
        for part in tests:
            assert sum(part in h for h in hit) >= 1, f"{part} is never given a wrong answer"
            assert any(part not in h for h in hit), f"{part} is never left correct next to wrong parts"


@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "round_no"), ROUNDS, ids=[f"{a}-round{i + 1}" for a, i in ROUNDS])
def test_wrong_answers_lose_their_part(assignment, round_no, tmp_path):
    answers = WRONG[assignment][round_no]
    result = grade(fill(assignment, answers, tmp_path, f"round{round_no}"), assignment)
    wrong_parts = {gid.replace("_answer", "_test"): text for gid, text in answers.items()}
    points = auto_parts(read(source_path(assignment)))
    assert not result.timed_out and not result.crashed, describe(result)
    for gid, max_points in points.items():
        part = result.parts[gid]  # the result names each part by its grade_id
        if gid in wrong_parts:
            assert part.score == 0 and part.max_score == max_points, f"{gid} accepted a wrong answer: {describe(result)}"
            assert part.message and part.message != "passed" and "Error" in part.message, part.message
            rounded = "rounded too early" in wrong_parts[gid]
            assert (PRECISION_MESSAGE in part.message) == rounded, (
                f"{gid}: {'a value rounded too early is told about precision' if rounded else 'a wrong value is not told it was only rounded'}: "
                f"{part.message}")
        else:
            assert part.score == max_points, f"{gid} lost points for another part's mistake: {describe(result)}"
    assert result.score == sum(v for g, v in points.items() if g not in wrong_parts) < result.max_score


# --------------------------------------------------------------------------- correct answers (the RIGHT round)
# Correct answers written differently live in right_answers/<assignment>.py (``course build`` grades
# them too). Each is proven correct here without the hidden tests: run in this process, next to
# the reference solution, and compared with it under the stated answer policy, functions on
# random arguments inside the domain their question states (and its corners).
RIGHT = {a: load_right_answers(ROOT, a) for a in ASSIGNMENTS}
MIN_VARIANTS = 4
REL_TOL, ABS_TOL, SECONDS_PER_CALL = 5e-4, 1e-6, 0.1  # the policy as each header states it
SAMPLES = 150  # random calls per function variant (plus the domain's corners)


@dataclass
class Domain:
    """A function's stated domain: a sampler, its corners, the question's words that state it,
    and whether the result is a count (compared exactly, knife edges left out)."""

    sample: Callable[[random.Random], tuple]
    corners: list[tuple]
    stated: list[str]
    count: bool = False
    knife_edge: Callable[..., bool] = field(default=lambda *args: False)


def _optimal_demand_args(rng: random.Random) -> tuple:
    low = rng.uniform(0.0, 0.999)
    return (rng.uniform(0.1, 0.9), rng.uniform(0.0, 0.5), low, rng.uniform(low + 0.001, 1.0))


def _missiles_knife_edge(b: float, c: float, s: float, a: float) -> bool:
    """(1 - s a)^n = C / (B + C) for a whole n: only floating-point rounding decides n there."""
    if s * a >= 1:
        return False
    n = math.log(c / (b + c)) / math.log(1 - s * a)
    return abs(n - round(n)) < 1e-6


DOMAINS: dict[str, Domain] = {
    "optimal_demand": Domain(
        _optimal_demand_args,
        [(p, c, lo, hi) for p in (0.1, 0.9) for c in (0.0, 0.5) for lo, hi in ((0.0, 1.0), (0.0, 0.001), (0.999, 1.0))],
        [r"$0.1 \le p \le 0.9$", r"$0 \le c_{US} \le 0.5$", r"$0 \le c_{lo} < c_{hi} \le 1$"],
    ),
    "first_round_share": Domain(
        lambda rng: (rng.uniform(0.0, 0.999), rng.uniform(0.0, 0.999), rng.randint(1, 500)),
        [(dp, dr, n) for dp in (0.0, 0.999) for dr in (0.0, 0.999) for n in (1, 2, 499, 500)],
        [r"$0 \le \delta < 1$", r"$1 \le$ `rounds` $\le 500$"],
    ),
    "cumulative_risk_growing": Domain(
        lambda rng: (rng.uniform(0.0, 1.0), rng.uniform(0.001, 3.0), rng.randint(0, 100)),
        [(q, g, n) for q in (0.0, 1.0) for g in (0.001, 3.0) for n in (0, 1, 100)] + [(0.9, 3.0, 100), (1e-9, 1.0, 1)],
        [r"$0 \le$ `q_first` $\le 1$", r"$0 <$ `growth` $\le 3$", r"$0 \le$ `n` $\le 100$"],
    ),
    "min_missiles": Domain(
        lambda rng: (rng.uniform(0.1, 20.0), rng.uniform(0.1, 20.0), rng.uniform(0.05, 1.0), rng.uniform(0.05, 1.0)),
        [(b, c, s, a) for b in (0.1, 20.0) for c in (0.1, 20.0) for s in (0.05, 1.0) for a in (0.05, 1.0)],
        [r"$0.1 \le$ `benefit` $\le 20$", r"$0.1 \le$ `cost` $\le 20$", r"$0.05 \le s \le 1$", r"$0.05 \le a \le 1$"],
        count=True, knife_edge=_missiles_knife_edge,
    ),
    "posterior_after": Domain(
        lambda rng: (rng.uniform(0.001, 0.999), rng.uniform(0.05, 1.0), rng.uniform(0.05, 1.0), rng.randint(0, 60)),
        [(pr, s, t, n) for pr in (1e-6, 1 - 1e-6) for s in (0.05, 1.0) for t in (0.05, 1.0) for n in (0, 60)],
        [r"$0 <$ `prior` $< 1$", r"$0.05 \le$ `keep_sincere` $\le 1$", r"$0.05 \le$ `keep_stalling` $\le 1$",
         r"$0 \le$ `months` $\le 60$"],
    ),
}
DOMAINS.update({name: Domain(**spec) for name, spec in ps3.DOMAINS.items()})

#: what each answer cell defines: ("number" | "count" | "word" | "function", name)
ANSWERS: dict[str, dict[str, tuple[str, str]]] = {
    "ps1_bargaining": {
        "ps1_a1_answer": ("word", "menu_deal"), "ps1_a2_answer": ("number", "min_cost_nk_full"),
        "ps1_a3_answer": ("number", "max_fall_p"), "ps1_b1_answer": ("function", "optimal_demand"),
        "ps1_b2_answer": ("number", "p_war_shifted"), "ps1_c_answer": ("number", "nk_gain"),
        "ps1_c2_answer": ("number", "d_nk_needed"), "ps1_d1_answer": ("function", "first_round_share"),
        "ps1_d2_answer": ("count", "rounds_needed"), "ps1_d3_answer": ("word", "us_ahead_when"),
        "ps1_e_answer": ("word", "best_guarantee"), "ps1_e2_answer": ("number", "max_denuclearization"),
    },
    "ps2_deterrence": {
        "ps2_a1_answer": ("number", "crash_payoff_us"), "ps2_a2_answer": ("number", "p_crash_new"),
        "ps2_a3_answer": ("word", "nk_dare_change"), "ps2_a4_answer": ("word", "us_dare_change"),
        "ps2_b1_answer": ("number", "h_max"), "ps2_b2_answer": ("function", "cumulative_risk_growing"),
        "ps2_b3_answer": ("count", "crises_to_even_odds"), "ps2_c1_answer": ("function", "min_missiles"),
        "ps2_c2_answer": ("count", "n_needed"), "ps2_d1_answer": ("number", "p_later_threshold"),
        "ps2_d2_answer": ("number", "k_needed"), "ps2_d3_answer": ("number", "installment"),
        "ps2_e1_answer": ("function", "posterior_after"), "ps2_e2_answer": ("word", "signal_kind"),
        "ps2_e3_answer": ("number", "belief_6_months"),
    },
}

ANSWERS["ps3_record"] = ps3.ANSWERS


def run_answers(assignment: str, answers: dict[str, str]) -> dict[str, Any]:
    """The namespace after running the notebook's set-up and answer cells in order (the source's
    solutions, except the cells in ``answers``), as a student's kernel would; no test cell runs."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for cell in read(source_path(assignment)).cells:
        meta = nbg(cell)
        if cell.cell_type != "code" or meta.get("grade"):
            continue
        gid = meta.get("grade_id", "variant-cell")  # the variant cell: base numbers here
        text = (render(answers[gid], base(assignment).as_dict()) if gid in answers else solution_text(cell.source)) \
            if meta.get("solution") else cell.source
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(text, gid, "exec"), namespace)  # noqa: S102 - the course's own answers
    return namespace


def policy_number(value: Any) -> float | None:
    """The number the answer policy reads in ``value`` (its own reading, not course_utils.answers'),
    or None when the policy refuses the value."""
    numpy_types = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
                   np.float16, np.float32, np.float64)
    if type(value) is np.ndarray and value.shape == ():
        value = value[()]
    if type(value) in (int, float) or type(value) in numpy_types:
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def agrees(kind: str, value: Any, reference: Any) -> bool:
    """True when the policy counts ``value`` as the right answer, ``reference`` being right."""
    if kind == "word":
        return type(value) is str and value.strip().lower() == reference
    number, exact = policy_number(value), policy_number(reference)
    assert exact is not None, f"the reference answer {reference!r} is not a number"
    if number is None:
        return False
    if kind == "count":
        return number.is_integer() and number == exact
    return abs(number - exact) <= max(REL_TOL * abs(exact), ABS_TOL)


def question_text(assignment: str) -> str:
    return "\n".join(c.source for c in read(source_path(assignment)).cells if c.cell_type == "markdown")


def test_right_rounds_cover_every_part_in_several_ways():
    for assignment in ASSIGNMENTS:
        rounds = RIGHT[assignment]
        answer_cells = {gid.replace("_test", "_answer") for gid in auto_parts(read(source_path(assignment)))}
        assert set(ANSWERS[assignment]) == answer_cells, "ANSWERS lists every autograded answer cell"
        for number, answers in enumerate(rounds, 1):
            assert set(answers) == answer_cells, f"{assignment} RIGHT round {number} answers every part"
        for gid in answer_cells:
            texts = {" ".join(r[gid].split()) for r in rounds}
            assert len(texts) >= MIN_VARIANTS, f"{gid}: only {len(texts)} different correct answers"
    stated = "\n".join(question_text(a) for a in ASSIGNMENTS)
    for name, domain in DOMAINS.items():
        for words in domain.stated:
            assert words in stated, f"{name}: the question does not state its domain as {words!r}"


def run_visible_checks(assignment: str, namespace: dict[str, Any]) -> None:
    """Run the release's check cells (what Validate runs) on the answers in ``namespace``."""
    for cell in read(release_path(assignment)).cells:
        meta = nbg(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(cell.source, meta["grade_id"], "exec"), namespace)  # noqa: S102
            except AssertionError as exc:
                raise AssertionError(f"Validate refuses a correct answer: {meta['grade_id']}: {exc}") from None


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_right_answers_are_correct_without_the_hidden_tests(assignment):
    reference = run_answers(assignment, {})
    for number, answers in enumerate(RIGHT[assignment], 1):
        got = run_answers(assignment, answers)
        run_visible_checks(assignment, dict(got))  # what the student sees on Validate: no failure
        for gid, (kind, name) in ANSWERS[assignment].items():
            label = f"{assignment} RIGHT round {number}, {gid} ({name})"
            if kind != "function":
                assert agrees(kind, got[name], reference[name]), f"{label}: {got[name]!r} vs {reference[name]!r}"
                continue
            domain = DOMAINS[name]
            rng = random.Random(f"{assignment}-{number}-{name}")
            cases = domain.corners + [domain.sample(rng) for _ in range(SAMPLES)]
            slowest = 0.0
            for args in cases:
                if domain.knife_edge(*args):
                    continue
                start = time.process_time()
                value = got[name](*args)
                slowest = max(slowest, time.process_time() - start)
                want = reference[name](*args)
                assert agrees("count" if domain.count else "number", value, want), \
                    f"{label}{args}: {value!r}, the reference gives {want!r}"
            assert slowest <= SECONDS_PER_CALL, f"{label}: a call took {slowest:.3f} s, over the policy's limit"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_right_answers_earn_full_marks(assignment, tmp_path):
    release = read(release_path(assignment))
    source = read(source_path(assignment))
    points = auto_parts(source)
    rounds = RIGHT[assignment]
    for number, answers in enumerate(rounds, 1):
        path = tmp_path / f"right{number}" / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(right_submission(release, source, answers), encoding="utf-8")
        # the next round's kernel boots while this one runs
        result = grade_notebook(path, source_path(assignment), cell_timeout=60, total_timeout=600,
                                prestart=number < len(rounds))
        assert not result.timed_out and not result.crashed, describe(result)
        assert set(points) <= set(result.parts)
        assert result.score == result.max_score == sum(points.values()), f"RIGHT round {number}: {describe(result)}"


# --------------------------------------------------------------------------- what a student sees
# The release run as a student runs it (no hidden tests): answers of the wrong *form* meet a
# visible check with a hint (expected text), answers of the right form but a wrong *value* pass
# the visible checks (None), since the value must not be given away; a value that shows fewer
# significant figures than the policy asks for gets a printed note (PRINTED).
_SLOW_SEARCH = (
    "def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n"
    "    best, best_x = None, p\n"
    "    for i in range(3000001):  # three million demands: far finer than 4 significant figures need\n"
    "        x = p + (1 - p) * i / 3000000\n"
    "        p_war = min(1.0, max(0.0, (x - p - cost_nk_low) / (cost_nk_high - cost_nk_low)))\n"
    "        eu = x * (1 - p_war) + (p - cost_us) * p_war\n"
    "        if best is None or eu > best:\n"
    "            best, best_x = eu, x\n"
    "    return best_x"
)
STUDENT_RUN: dict[str, list[tuple[str, str, str | None]]] = {
    "ps1_bargaining": [
        ("ps1_a1_answer", 'import numpy as np\nmenu_deal = np.array(["cap", "full"])[0]', "str(...)"),
        ("ps1_a2_answer", 'min_cost_nk_full = "0.3"', "must be one number"),
        ("ps1_a3_answer", "max_fall_p = 25", "not 10"),
        ("ps1_b1_answer", _SLOW_SEARCH, "0.1 s per call"),
        ("ps1_b2_answer", "p_war_shifted = 0.4", None),
        ("ps1_c_answer", "nk_gain = 0.12", None),
        ("ps1_d1_answer", "def first_round_share(dp, dr, n):\n    return 0.5", "With one round"),
        ("ps1_d2_answer", "rounds_needed = 41.5", "whole number"),
        ("ps1_d3_answer", "us_ahead_when = True", "must be one of the strings"),
        ("ps1_e_answer", 'best_guarantee = "Region pull-back"', "must be one of"),
        ("ps1_e2_answer", "import numpy as np\nmax_denuclearization = np.array([0.9])", "x.item()"),
    ],
    "ps2_deterrence": [
        ("ps2_a1_answer", "crash_payoff_us = 39", "negative payoff"),
        ("ps2_a2_answer", "p_crash_new = True", "True/False"),
        ("ps2_a3_answer", 'nk_dare_change = "increases"', None),
        ("ps2_a4_answer", 'us_dare_change = "unchanged"', None),
        ("ps2_b1_answer", "h_max = 41.7", "between 0 and 1"),
        ("ps2_b2_answer", "def cumulative_risk_growing(q, g, n):\n    return (1 - (1 - q) ** n,)", "must be one number"),
        ("ps2_b3_answer", "crises_to_even_odds = 9", None),
        ("ps2_c1_answer", "def min_missiles(b, c, s, a):\n    return 1.5", "whole number"),
        ("ps2_c2_answer", "n_needed = 2", None),
        ("ps2_d3_answer", "installment = 0.01", "Hint: a payment that may stop"),
        ("ps2_e1_answer", "def posterior_after(pr, s, t, n):\n    return pr * s", "still the prior"),
        ("ps2_e3_answer", "import numpy as np\nbelief_6_months = np.array([0.73])", "x.item()"),
    ],
}
PRINTED: dict[str, list[tuple[str, str, str]]] = {
    "ps1_bargaining": [("ps1_c2_answer", "d_nk_needed = 0.33", "shows 2 significant figure(s)")],
    "ps2_deterrence": [("ps2_d1_answer", "p_later_threshold = 0.78", "shows 2 significant figure(s)")],
}

STUDENT_RUN["ps3_record"], PRINTED["ps3_record"] = ps3.STUDENT_RUN, ps3.PRINTED


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_checks_hint_without_giving_the_answer(assignment, tmp_path):
    answers = {gid: code for gid, code, _ in STUDENT_RUN[assignment]}
    answers.update({gid: code for gid, code, _ in PRINTED[assignment]})
    path = fill(assignment, answers, tmp_path, "student")
    (path.parent / ".course_student").write_text("student-42\n")  # the id the variant cell asked for once
    nb = read(path)  # the release with these answers: no hidden tests inside
    assert "HIDDEN" not in json.dumps(nb)
    NotebookClient(nb, timeout=60, startup_timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    by_id = {nbg(c).get("grade_id"): c for c in nb.cells}
    for gid, _, hint in STUDENT_RUN[assignment]:
        cell = by_id[gid.replace("_answer", "_test")]
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if hint is None:
            assert not errors, f"{gid}: the visible checks reject a well-formed answer (they must not reveal the value)"
        else:
            assert errors and errors[0].ename == "AssertionError", f"{gid}: a malformed answer passes the visible checks"
            assert hint in errors[0].evalue, f"{gid}: message {errors[0].evalue!r} lacks the hint {hint!r}"
    for gid, _, note in PRINTED[assignment]:
        cell = by_id[gid.replace("_answer", "_test")]
        assert not [o for o in cell.outputs if o.output_type == "error"], f"{gid}: a short value is not an error"
        printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
        assert note in printed, f"{gid}: no note on precision in {printed!r}"
    untouched = [c for c in nb.cells if nbg(c).get("grade") and c.cell_type == "code"
                 and nbg(c)["grade_id"].replace("_test", "_answer") not in answers]
    for cell in untouched:  # solutions pasted by a student pass the visible checks
        assert not [o for o in cell.outputs if o.output_type == "error"], nbg(cell)["grade_id"]


# --------------------------------------------------------------------------- course build grades the RIGHT rounds
@pytest.mark.slow
def test_build_proves_the_right_answers(tmp_path, capsys):
    """``course build`` grades every round in right_answers/<assignment>.py and fails on a correct
    answer that a test refuses (here a toy test that wants a number where a string is given)."""
    from course_utils.cli import build_parser
    from course_utils.grading.build import BuildError, build
    from course_utils.grading.synthetic import write_toy_course

    write_toy_course(tmp_path)
    (tmp_path / "right_answers").mkdir()
    rounds = [
        {"split_answer": "def split(surplus, share):\n    return share * surplus"},
        {"cost_answer": "war_cost = 3.0"},
        {"cost_answer": 'war_cost = "3"  # refused by the toy test: a string'},
    ]
    (tmp_path / "right_answers" / "toy.py").write_text(f"RIGHT = {rounds!r}\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"a correct answer \(right_answers/toy.py round 3\) fails test 'cost_test'"):
        build("toy", course=load_course(tmp_path), echo=True)
    assert "right answers 2/3 round(s) in full" in capsys.readouterr().out
    assert build_parser().parse_args(["build", "--no-right-answers"]).no_right_answers
