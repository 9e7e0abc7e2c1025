"""Synthetic classes: a tiny nbgrader course and made-up submissions.

Used by ``course demo`` (a throwaway class for a new instructor), by the grading tests and by
the grading benchmark. A synthetic submission is the release notebook with some answer cells
filled in from the source's solutions, so it looks like what a student hands in.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode

__all__ = [
    "TOY_ASSIGNMENT",
    "write_toy_course",
    "solution_text",
    "make_submission",
    "KINDS",
]

TOY_ASSIGNMENT = "toy"

#: The kinds of synthetic submission ``make_submission`` can write.
KINDS = ("correct", "partial", "blank", "broken", "wrong", "loop")

_SOLUTION_BLOCK = re.compile(r"^[ \t]*### BEGIN SOLUTION[^\n]*\n|^[ \t]*### END SOLUTION[^\n]*(\n|$)", re.M)
_MANUAL_ANSWER = (
    "Both sides prefer a deal inside the bargaining range to war, because war destroys "
    "part of what they fight over; the hard part is believing the other will keep the deal."
)

_NB_CONFIG = '''\
"""nbgrader settings for a throwaway class made by ``course``."""
from pathlib import Path

c = get_config()  # noqa: F821
c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = {course_id!r}
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.OverwriteCells.add_missing_cells = True
c.Execute.timeout = 30
c.Exchange.root = str(Path(__file__).resolve().parent / "exchange")
'''


def nbgrader_config_text(course_id: str) -> str:
    """The ``nbgrader_config.py`` of a throwaway course directory."""
    return _NB_CONFIG.format(course_id=course_id)


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float = 0) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked, "task": False,
            "grade_id": grade_id, "schema_version": 3}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def toy_notebook() -> NotebookNode:
    """A source notebook with two answer cells, two test cells (one with hidden tests) and one
    written answer: every kind of cell the grading pipeline must handle."""
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell("# Toy assignment\nSplit a surplus and explain a deal."),
        v4.new_code_cell(
            "def split(surplus, share):\n"
            '    """Return the amount a side gets: share of the surplus."""\n'
            "    ### BEGIN SOLUTION\n"
            "    return surplus * share\n"
            "    ### END SOLUTION",
            metadata=_meta("split_answer", grade=False, solution=True, locked=False),
        ),
        v4.new_code_cell(
            "assert split(10, 0.5) == 5, 'split(10, 0.5) should be 5: half of 10'\n"
            "### BEGIN HIDDEN TESTS\n"
            "assert split(8, 0.25) == 2, 'split must multiply the surplus by the share'\n"
            "### END HIDDEN TESTS",
            metadata=_meta("split_test", grade=True, solution=False, locked=True, points=2),
        ),
        v4.new_code_cell(
            "### BEGIN SOLUTION\nwar_cost = 3\n### END SOLUTION",
            metadata=_meta("cost_answer", grade=False, solution=True, locked=False),
        ),
        v4.new_code_cell(
            "assert isinstance(war_cost, (int, float)), 'war_cost should be a number'\n"
            "### BEGIN HIDDEN TESTS\n"
            "assert war_cost == 3, 'war_cost is not the cost given in the question'\n"
            "### END HIDDEN TESTS",
            metadata=_meta("cost_test", grade=True, solution=False, locked=True, points=1),
        ),
        v4.new_markdown_cell(
            "Why do both sides prefer a deal to war?",
        ),
        v4.new_markdown_cell(
            "### BEGIN SOLUTION\n" + _MANUAL_ANSWER + "\n### END SOLUTION",
            metadata=_meta("why_deal", grade=True, solution=True, locked=False, points=2),
        ),
    ]
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write_toy_course(root: Path, course_id: str = "toy-course") -> Path:
    """Write a small nbgrader course (config and ``source/toy/toy.ipynb``) under ``root``.

    Returns the path of the source notebook.
    """
    root = Path(root)
    (root / "source" / TOY_ASSIGNMENT).mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(nbgrader_config_text(course_id), encoding="utf-8")
    path = root / "source" / TOY_ASSIGNMENT / f"{TOY_ASSIGNMENT}.ipynb"
    nbformat.write(toy_notebook(), str(path))
    return path


def solution_text(source_cell_text: str) -> str:
    """The source of an answer cell with the solution markers removed (the solution itself kept)."""
    text = re.sub(r"=== BEGIN MARK SCHEME ===.*?=== END MARK SCHEME ===\s*", "", source_cell_text, flags=re.S)
    return _SOLUTION_BLOCK.sub("", text).strip("\n")


def _answer_cells(nb: NotebookNode) -> list[NotebookNode]:
    from course_utils.grading.cells import classify

    return [c for c in nb.cells if classify(c).is_answer and classify(c).grade_id]


def make_submission(release_nb: NotebookNode, source_nb: NotebookNode, kind: str) -> str:
    """The JSON text of a synthetic submission of one of :data:`KINDS`.

    - ``correct``: every answer cell holds the source's solution;
    - ``partial``: the first half of the answer cells hold the solution, the rest are untouched;
    - ``wrong``: code answers are filled with a plausible wrong value (``None``);
    - ``blank``: the release notebook as handed out;
    - ``broken``: not a notebook at all (a truncated JSON file);
    - ``loop``: the first code answer never finishes.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "broken":
        return nbformat.writes(release_nb)[:200]
    nb = copy.deepcopy(release_nb)
    solutions = {
        c.metadata["nbgrader"]["grade_id"]: c.source for c in _answer_cells(source_nb)
    }
    answers = _answer_cells(nb)
    half = max(1, len(answers) // 2)
    first_code = True
    for index, cell in enumerate(answers):
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        if kind == "correct" or (kind == "partial" and index < half):
            cell.source = solution_text(solutions.get(grade_id, cell.source))
        elif kind == "wrong" and cell.cell_type == "code":
            cell.source = _wrong_answer(solution_text(solutions.get(grade_id, "")))
        elif kind == "loop" and cell.cell_type == "code" and first_code:
            cell.source = "while True:\n    pass"
            first_code = False
    return nbformat.writes(nb)


def _wrong_answer(solution: str) -> str:
    """Keep the solution's shape (names defined) but return or assign a wrong value."""
    lines = []
    for line in solution.splitlines():
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith("return "):
            lines.append(f"{indent}return None")
        elif re.match(r"^[A-Za-z_]\w*\s*=[^=]", stripped) and not indent:
            lines.append(f"{stripped.split('=')[0].strip()} = None")
        else:
            lines.append(line)
    return "\n".join(lines)
