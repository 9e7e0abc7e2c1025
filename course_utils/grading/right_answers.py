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
import math
import re
from collections.abc import Mapping
from pathlib import Path

import nbformat
from nbformat import NotebookNode

__all__ = ["RightAnswersError", "load_right_answers", "load_wrong_answers", "right_submission", "right_answers_path",
           "render"]

#: ``{{expr}}`` or ``{{expr:fmt}}``: a number a student types, computed from their own parameters.
_TEMPLATE = re.compile(r"\{\{(.+?)\}\}")
_FORMAT = re.compile(r"^(.*?):([<>^=]?[+-]?\d*(?:\.\d+)?[eEfFgG%]?)$", re.S)
_SAFE = {"min": min, "max": max, "abs": abs, "round": round, "float": float, "int": int}

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
    return _load_rounds(course_root, assignment, "RIGHT")


def load_wrong_answers(course_root: Path, assignment: str) -> list[dict[str, str]]:
    """The WRONG rounds of an assignment (``WRONG = [...]`` in the same file; empty without one):
    realistic wrong answers, each of which must lose its part."""
    path = right_answers_path(course_root, assignment)
    if not path.is_file() or not re.search(r"^WRONG\s*=", path.read_text(encoding="utf-8"), re.M):
        return []
    return _load_rounds(course_root, assignment, "WRONG")


def render(text: str, params: Mapping[str, float]) -> str:
    """``text`` with each ``{{expr}}`` replaced by the number ``expr`` gives for ``params`` (a
    variant's parameters, by name; ``math`` and ``min``/``max``/``abs``/``round`` may be used),
    written with ``repr`` or, for ``{{expr:fmt}}``, with that format (``.4g``: 4 significant figures).

    Raises
    ------
    RightAnswersError
        When an expression names an unknown parameter or does not compute.
    """
    names = {**_SAFE, "math": math, **dict(params)}

    def one(match: re.Match[str]) -> str:
        body, spec = match.group(1).strip(), ""
        found = _FORMAT.match(body)
        if found and found.group(2):
            body, spec = found.group(1).strip(), found.group(2)
        try:
            value = eval(compile(body, "<answer template>", "eval"), {"__builtins__": {}}, names)  # noqa: S307 - the course's own data
        except Exception as exc:  # noqa: BLE001 - reported with the template
            raise RightAnswersError(f"{{{{{match.group(1)}}}}}: {type(exc).__name__}: {exc}") from None
        return format(float(value), spec) if spec else repr(float(value))

    return _TEMPLATE.sub(one, text)


def _load_rounds(course_root: Path, assignment: str, name: str) -> list[dict[str, str]]:
    path = right_answers_path(course_root, assignment)
    if not path.is_file():
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            try:
                rounds = ast.literal_eval(node.value)
            except ValueError as exc:
                raise RightAnswersError(f"{path.name}: {name} must be a literal list of dicts ({exc})") from None
            break
    else:
        raise RightAnswersError(f"{path.name}: no {name} = [...] assignment")
    if not isinstance(rounds, list) or not all(
        isinstance(r, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in r.items()) for r in rounds
    ):
        raise RightAnswersError(f"{path.name}: {name} must be a list of {{grade_id: cell text}} dicts")
    return rounds


def _meta(cell: NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def right_submission(release_nb: NotebookNode, source_nb: NotebookNode, answers: dict[str, str],
                     params: Mapping[str, float] | None = None) -> str:
    """The JSON text of a submission: the release with every answer cell holding the source's
    solution, except the cells named in ``answers``, which hold the given text, its ``{{expr}}``
    numbers computed for ``params`` (a variant; the base numbers of the notebook's assignment when
    None, see :func:`render`).

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
    if params is None:
        from course_utils.grading.engine import variant_cell_assignment
        from course_utils.variants import base

        name = variant_cell_assignment(source_nb)
        params = base(name).as_dict() if name else {}
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        gid = str(_meta(cell).get("grade_id"))
        if gid in answers:
            cell.source = render(answers[gid], params)
        elif gid in solutions:
            cell.source = solution_text(solutions[gid])
    return nbformat.writes(nb)
