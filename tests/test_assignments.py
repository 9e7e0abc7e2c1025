"""Gates for the graded problem sets in ``source/`` and their student versions in ``release/``.

What an instructor relies on before handing an assignment out:

- the solution notebooks earn full marks on every automatic part, and an untouched release
  notebook earns zero without breaking the grading run (graded by the course's own engine,
  :func:`course_utils.grading.engine.grade_notebook`);
- realistic wrong answers (off by one, swapped parameters, a percentage for a share, the
  lesson's formula where the question changed the model) lose exactly the part they belong to,
  and the result names that part by its grade_id;
- nothing secret reaches ``release/`` (solution code, hidden tests, their markers, answers in
  metadata or outputs);
- ``release/`` is exactly what nbgrader generates from ``source/`` (volatile metadata aside);
- the visible tests a student runs explain a malformed answer with a hint, and do not give away
  the value (a well-formed wrong answer passes them; the hidden tests decide).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode

from course_utils.grading.build import generate_release, normalise_release
from course_utils.grading.course import load_course
from course_utils.grading.engine import NotebookGrade, grade_notebook
from course_utils.grading.synthetic import solution_text

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ("ps1_bargaining", "ps2_deterrence")
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
    sub = copy.deepcopy(release)
    for cell in sub.cells:
        gid = nbg(cell).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
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
    assert all(nbg(c) for c in nb.cells), "every cell carries nbgrader metadata (locked, answer or test)"

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

    for cell in tests:
        meta = nbg(cell)
        assert (meta["grade"], meta["solution"], meta["locked"], meta["task"], meta["schema_version"]) == (
            True, False, True, False, 3), f"{meta['grade_id']}: nbgrader 0.9 test-cell metadata"
        assert meta["points"] > 0
        hidden = HIDDEN_BLOCK.search(cell.source)
        assert hidden, f"{meta['grade_id']}: the value is decided by a hidden test block"
        assert "course_utils" not in cell.source, f"{meta['grade_id']}: tests must not import course_utils"
        assert "type(" in hidden.group(1), f"{meta['grade_id']}: hidden tests check the answer's type"
        assert "assert " in cell.source.split("### BEGIN HIDDEN TESTS")[0], f"{meta['grade_id']}: visible checks"
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
    built = normalise_release(course.release_dir / assignment)
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


# Realistic wrong answers, three rounds per problem set. Each round replaces some answer cells
# (grade_id -> the student's text); every part whose answer was replaced must lose its points
# and every other part must keep them. A part whose answer uses an earlier function is replaced
# together with it (or not at all), so a lost part always has its own mistake.
WRONG: dict[str, list[dict[str, str]]] = {
    "ps1_bargaining": [
        {  # levels for changes, a missing cap, the lesson's case for the shifted one, the naive choice
            "ps1_a1_answer": 'menu_deal = "cap"\nmax_fall_p = 0.45  # the new level of p, not the fall',
            "ps1_a2_answer": "min_cost_nk_full = 0.15  # today's cost",
            "ps1_b1_answer": (
                "def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n"
                "    return max(p + cost_nk_low, p + (cost_nk_high - cost_us) / 2)  # forgot x <= 1"
            ),
            "ps1_b2_answer": "p_war_shifted = 0.4  # the lesson's uniform [0, 0.5] case",
            "ps1_e_answer": 'best_guarantee = "arsenal"\nmax_denuclearization = 1.0  # ignores the US price',
        },
        {  # swapped parameters
            "ps1_a1_answer": 'menu_deal = "cap"\nmax_fall_p = 0.35  # c_US and c_NK swapped',
            "ps1_c_answer": "nk_gain = 0.12\nd_nk_needed = 0.25  # alpha used as North Korea's weight",
            "ps1_d1_answer": (
                "def first_round_share(delta_proposer, delta_responder, rounds):\n"
                "    share = 1.0\n"
                "    for k in range(rounds - 1, 0, -1):\n"
                "        share = 1.0 - (delta_proposer if k % 2 == 1 else delta_responder) * share\n"
                "    return share"
            ),
            "ps1_d2_answer": "rounds_needed = 33  # one round too many",
        },
        {  # percentages, the unchanged model, off by one
            "ps1_a2_answer": "min_cost_nk_full = 30  # a percentage",
            "ps1_b1_answer": (
                "def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n"
                "    return min(1.0, max(p, p + (cost_nk_high - cost_us) / 2))  # the lower bound ignored"
            ),
            "ps1_b2_answer": "p_war_shifted = 25.0  # percent",
            "ps1_c_answer": "nk_gain = 0.13\nd_nk_needed = 0.3  # symmetric weights",
            "ps1_d1_answer": (
                "def first_round_share(delta_proposer, delta_responder, rounds):\n"
                "    share = 1.0\n"
                "    for k in range(rounds, 0, -1):  # one round too many\n"
                "        share = 1.0 - (delta_responder if k % 2 == 1 else delta_proposer) * share\n"
                "    return share"
            ),
            "ps1_d2_answer": "rounds_needed = 31",
            "ps1_e_answer": 'best_guarantee = "region"\nmax_denuclearization = 0.85  # the Nash deal, not the largest d',
        },
    ],
    "ps2_deterrence": [
        {  # whose payoffs, W_D for W_D - L, the constant-risk formula, missiles that all survive
            "ps2_a1_answer": "crash_payoff_us = -21.0  # solved with North Korea's payoffs\np_crash_new = 0.05 * 2 / 21",
            "ps2_b1_answer": "h_max = 0.4  # W_D instead of W_D - L",
            "ps2_b2_answer": (
                "def cumulative_risk_growing(q_first, growth, n):\n"
                "    return 1 - (1 - q_first) ** n  # growth ignored"
            ),
            "ps2_b3_answer": "crises_to_even_odds = 9",
            "ps2_c1_answer": (
                "import math\n"
                "def min_missiles(benefit, cost, p_survive, p_penetrate):\n"
                "    t = benefit / (benefit + cost)\n"
                "    return max(1, math.ceil(math.log(1 - t) / math.log(1 - p_penetrate)))  # survival ignored"
            ),
            "ps2_c2_answer": "n_needed = 2",
            "ps2_d1_answer": "p_later_threshold = 0.8 - 0.1 * (0.2 + 0.1 * 0.1)  # forgot to divide by delta",
            "ps2_e1_answer": (
                "def posterior_after(prior, keep_sincere, keep_stalling, months):\n"
                "    a, b = prior * keep_stalling ** months, (1 - prior) * keep_sincere ** months  # swapped\n"
                "    return a / (a + b)"
            ),
            "ps2_e2_answer": 'signal_kind = "separating"\nbelief_6_months = 0.7281',
        },
        {  # the wrong side's mix, no cap on risk, sure payments, one observation only
            "ps2_a2_answer": 'nk_dare_change = "increases"\nus_dare_change = "unchanged"',
            "ps2_b2_answer": (
                "def cumulative_risk_growing(q_first, growth, n):\n"
                "    no_war = 1.0\n"
                "    for k in range(n):\n"
                "        no_war *= 1 - q_first * growth ** k  # no cap at 1\n"
                "    return 1 - no_war"
            ),
            "ps2_b3_answer": "crises_to_even_odds = 11",
            "ps2_d2_answer": "k_needed = 0.2\ninstallment = 0.2  # as if every payment were sure",
            "ps2_e1_answer": (
                "def posterior_after(prior, keep_sincere, keep_stalling, months):\n"
                "    if months == 0:\n"
                "        return prior\n"
                "    return prior * keep_sincere / (prior * keep_sincere + (1 - prior) * keep_stalling)"
            ),
            "ps2_e2_answer": 'signal_kind = "pooling"\nbelief_6_months = 0.5',
        },
        {  # forgotten product, both mixes moved, percent, off by one, a fall for a level, no (1 - delta)
            "ps2_a1_answer": "crash_payoff_us = -39.0\np_crash_new = 0.05  # not multiplied by the US's mix",
            "ps2_a2_answer": 'nk_dare_change = "decreases"\nus_dare_change = "decreases"',
            "ps2_b1_answer": "h_max = 41.67  # percent",
            "ps2_c1_answer": (
                "def min_missiles(benefit, cost, p_survive, p_penetrate):\n"
                "    t = benefit / (benefit + cost)\n"
                "    a = p_survive * p_penetrate\n"
                "    n = 1\n"
                "    while 1 - (1 - a) ** n < t:\n"
                "        n += 1\n"
                "    return n + 1  # one too many"
            ),
            "ps2_c2_answer": "n_needed = 14",
            "ps2_d1_answer": "p_later_threshold = 0.0233  # the fall, not the level",
            "ps2_d2_answer": "k_needed = -0.7  # forgot (1 - delta)\ninstallment = 0.56",
        },
    ],
}
ROUNDS = [(a, i) for a in ASSIGNMENTS for i in range(len(WRONG[a]))]


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
    wrong_parts = {gid.replace("_answer", "_test") for gid in answers}
    points = auto_parts(read(source_path(assignment)))
    assert not result.timed_out and not result.crashed, describe(result)
    for gid, max_points in points.items():
        part = result.parts[gid]  # the result names each part by its grade_id
        if gid in wrong_parts:
            assert part.score == 0 and part.max_score == max_points, f"{gid} accepted a wrong answer: {describe(result)}"
            assert part.message and part.message != "passed" and "Error" in part.message, part.message
        else:
            assert part.score == max_points, f"{gid} lost points for another part's mistake: {describe(result)}"
    assert result.score == sum(v for g, v in points.items() if g not in wrong_parts) < result.max_score


# --------------------------------------------------------------------------- what a student sees
# The release run as a student runs it (no hidden tests): answers of the wrong *form* meet a
# visible check with a hint (expected text), answers of the right form but a wrong *value* pass
# the visible checks (None), since the value must not be given away.
STUDENT_RUN: dict[str, list[tuple[str, str, str | None]]] = {
    "ps1_bargaining": [
        ("ps1_a1_answer", 'menu_deal = "cap"\nmax_fall_p = 25', "not 10"),
        ("ps1_a2_answer", 'min_cost_nk_full = "0.3"', "must be a single number"),
        ("ps1_b1_answer", "def optimal_demand(p, c, lo, hi):\n    return (0.7, 0.2)", "must return one number"),
        ("ps1_b2_answer", "p_war_shifted = 0.4", None),
        ("ps1_c_answer", "nk_gain = 0.12\nd_nk_needed = 0.25", None),
        ("ps1_d1_answer", "def first_round_share(dp, dr, n):\n    return 0.5", "With one round"),
        ("ps1_d2_answer", "rounds_needed = 32.0", "whole number"),
        ("ps1_e_answer", 'best_guarantee = "Region pull-back"\nmax_denuclearization = 0.9', "must be one of"),
    ],
    "ps2_deterrence": [
        ("ps2_a1_answer", "crash_payoff_us = 39\np_crash_new = 0.0056", "negative payoff"),
        ("ps2_a2_answer", 'nk_dare_change = "increases"\nus_dare_change = "unchanged"', None),
        ("ps2_b1_answer", "h_max = 41.7", "between 0 and 1"),
        ("ps2_b2_answer", "def cumulative_risk_growing(q, g, n):\n    return 1 - (1 - q) ** n", None),
        ("ps2_b3_answer", "crises_to_even_odds = 9", None),
        ("ps2_c1_answer", "def min_missiles(b, c, s, a):\n    return 1.5", "whole number"),
        ("ps2_c2_answer", "n_needed = 2", None),
        ("ps2_d2_answer", "k_needed = 0.2\ninstallment = 0.2", "Hint: a payment that may stop"),
        ("ps2_e1_answer", "def posterior_after(pr, s, t, n):\n    return pr * s", "still the prior"),
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_checks_hint_without_giving_the_answer(assignment, tmp_path):
    answers = {gid: code for gid, code, _ in STUDENT_RUN[assignment]}
    path = fill(assignment, answers, tmp_path, "student")
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
    untouched = [c for c in nb.cells if nbg(c).get("grade") and c.cell_type == "code"
                 and nbg(c)["grade_id"].replace("_test", "_answer") not in answers]
    for cell in untouched:  # solutions pasted by a student pass the visible checks
        assert not [o for o in cell.outputs if o.output_type == "error"], nbg(cell)["grade_id"]
