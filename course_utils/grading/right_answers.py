"""Correct answers written differently (the RIGHT round): where they live and how they become
submissions.

A course may keep, next to ``source/``, a folder ``right_answers/`` with one file per assignment,
``right_answers/<assignment>.py``, holding ``RIGHT = [round, ...]``: each round maps answer cells
(grade_id) to a student's cell text, every one of them correct. ``course build`` grades each
round as a submission and fails if any part loses points, so a hidden test that refuses a
correct answer written in an unexpected way (a NumPy type, a value at the answer policy's
precision, a numerical search) is caught before the assignment goes out.

The file is read as data with :func:`ast.literal_eval`, never imported or run. It sits outside
``source/<assignment>/`` on purpose: nbgrader copies every file there into ``release/`` and the
grader copies them next to each submission.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import nbformat
from nbformat import NotebookNode

__all__ = ["RightAnswersError", "load_right_answers", "right_submission", "right_answers_path"]

class RightAnswersError(ValueError):
    """A right-answers file is not of the agreed form."""


def right_answers_path(course_root: Path, assignment: str) -> Path:
    """``<course root>/right_answers/<assignment>.py``."""
    return Path(course_root) / "right_answers" / f"{assignment}.py"


def load_right_answers(course_root: Path, assignment: str) -> list[dict[str, str]]:
    """The RIGHT rounds of an assignment (an empty list when it has no right-answers file).

    Raises
    ------
    RightAnswersError
        When the file has no ``RIGHT = [...]`` literal of dicts from grade ids to cell texts.
    """
    path = right_answers_path(course_root, assignment)
    if not path.is_file():
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "RIGHT" for t in node.targets):
            try:
                rounds = ast.literal_eval(node.value)
            except ValueError as exc:
                raise RightAnswersError(f"{path.name}: RIGHT must be a literal list of dicts ({exc})") from None
            break
    else:
        raise RightAnswersError(f"{path.name}: no RIGHT = [...] assignment")
    if not isinstance(rounds, list) or not all(
        isinstance(r, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in r.items()) for r in rounds
    ):
        raise RightAnswersError(f"{path.name}: RIGHT must be a list of {{grade_id: cell text}} dicts")
    return rounds


def _meta(cell: NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def right_submission(release_nb: NotebookNode, source_nb: NotebookNode, answers: dict[str, str]) -> str:
    """The JSON text of a submission: the release with every answer cell holding the source's
    solution, except the cells named in ``answers``, which hold the given text.

    Raises
    ------
    RightAnswersError
        When ``answers`` names a cell that is not an answer cell of the assignment.
    """
    from course_utils.grading.synthetic import solution_text

    solutions = {str(_meta(c).get("grade_id")): c.source for c in source_nb.cells if _meta(c).get("solution")}
    unknown = sorted(set(answers) - set(solutions))
    if unknown:
        raise RightAnswersError(f"the right answers name cells that are not answer cells: {', '.join(unknown)}")
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        gid = str(_meta(cell).get("grade_id"))
        if gid in answers:
            cell.source = answers[gid]
        elif gid in solutions:
            cell.source = solution_text(solutions[gid])
    return nbformat.writes(nb)
