"""What kind of cell is this? One answer, read from nbgrader's metadata, for every module.

nbgrader's "Create Assignment" toolbar gives a cell one of six types, stored as flags in
``cell.metadata["nbgrader"]`` (``solution``, ``grade``, ``task``, ``locked``, plus ``grade_id`` and
``points``). :func:`classify` turns those flags into one :class:`Kind`:

============================  =================================  =====================================
kind                          nbgrader flags                     graded how
============================  =================================  =====================================
``Kind.ANSWER``               ``solution`` (not ``grade``)       not itself: the tests after it are
``Kind.MANUAL_ANSWER``        ``solution`` and ``grade``         by hand (written or code answer)
``Kind.TEST``                 ``grade`` (not ``solution``)       by the autograder (a code cell)
``Kind.TASK``                 ``task``                           by hand (a locked task with points)
``Kind.LOCKED``               ``locked`` only                    not graded (read-only instructions)
``Kind.REGULAR``              none of the above                  not graded (anyone may edit it)
============================  =================================  =====================================

The precedence is nbgrader's: ``solution`` wins over everything (an answer is never locked), then
``grade``, then ``task``, then ``locked`` (see :func:`nbgrader.utils.is_locked`).

A *graded part* is a cell that carries points: a test, a manually graded answer or a task. Its
points count in the automatic maximum when it is a test in a code cell (:attr:`CellInfo.auto`),
in the manual maximum otherwise.

Metadata in a submission is untrusted: :func:`classify` never raises on odd values (a ``points``
that is not a number reads as 0, a ``grade_id`` that is not a non-empty string as none).

Examples
--------
>>> from nbformat.v4 import new_code_cell
>>> cell = new_code_cell("assert f(1) == 2", metadata={"nbgrader": {
...     "grade": True, "solution": False, "locked": True, "grade_id": "q1_test", "points": 2}})
>>> info = classify(cell)
>>> info.kind, info.grade_id, info.points, info.auto
(<Kind.TEST: 'test'>, 'q1_test', 2.0, True)
>>> classify(new_code_cell("x = 1")).kind
<Kind.REGULAR: 'regular'>
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "Kind",
    "CellInfo",
    "classify",
    "nbgrader_meta",
    "grade_id",
    "source_text",
    "graded_parts",
    "valid_cells",
]


class Kind(StrEnum):
    """The six nbgrader cell types (see the module's table)."""

    ANSWER = "answer"
    MANUAL_ANSWER = "manual answer"
    TEST = "test"
    TASK = "task"
    LOCKED = "locked"
    REGULAR = "regular"


@dataclass(frozen=True)
class CellInfo:
    """What nbgrader's metadata says about one cell.

    Attributes
    ----------
    kind : Kind
        The cell's nbgrader type.
    grade_id : str or None
        The cell's ``grade_id`` (None when it has none, or an unusable one).
    points : float
        What the cell is worth; 0 for a cell that is not a graded part.
    cell_type : str
        ``"code"``, ``"markdown"`` or ``"raw"`` (whatever the cell says, as a string).
    """

    kind: Kind
    grade_id: str | None
    points: float
    cell_type: str

    @property
    def is_answer(self) -> bool:
        """A cell the student writes in (autograded or manually graded answer)."""
        return self.kind in (Kind.ANSWER, Kind.MANUAL_ANSWER)

    @property
    def graded(self) -> bool:
        """A graded part: a test, a manually graded answer or a task (it has points)."""
        return self.kind in (Kind.TEST, Kind.MANUAL_ANSWER, Kind.TASK)

    @property
    def auto(self) -> bool:
        """A part the autograder scores: a test in a code cell."""
        return self.kind is Kind.TEST and self.cell_type == "code"

    @property
    def locked(self) -> bool:
        """The student may not change it (nbgrader puts the source's text back): tests, tasks, read-only."""
        return self.kind in (Kind.TEST, Kind.TASK, Kind.LOCKED)

    @property
    def label(self) -> str:
        """How a one-line message names this kind of cell: ``"test cell 'q1_test'"``."""
        noun = {Kind.ANSWER: "answer", Kind.MANUAL_ANSWER: "answer", Kind.TEST: "test", Kind.TASK: "task",
                Kind.LOCKED: "locked", Kind.REGULAR: "regular"}[self.kind]
        return f"{noun} cell '{self.grade_id}'" if self.grade_id else f"{noun} cell"


def nbgrader_meta(cell: Any) -> dict:
    """The cell's ``metadata["nbgrader"]`` dict, or ``{}`` when it is missing or not a dict."""
    if not isinstance(cell, dict):
        return {}
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return meta if isinstance(meta, dict) else {}


def grade_id(cell: Any) -> str | None:
    """The cell's ``grade_id`` when it is a non-empty string, else None."""
    gid = nbgrader_meta(cell).get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def _points(value: object) -> float:
    if isinstance(value, bool):
        return 0.0
    try:
        points = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return points if math.isfinite(points) and points > 0 else 0.0  # 0 points is a valid part


def classify(cell: Any) -> CellInfo:
    """Read a cell's nbgrader metadata (see the module's table for the precedence)."""
    meta = nbgrader_meta(cell)
    cell_type = str(cell.get("cell_type", "")) if isinstance(cell, dict) else ""
    # truthiness, as nbgrader.utils reads the flags
    if meta.get("solution") and meta.get("grade"):
        kind = Kind.MANUAL_ANSWER
    elif meta.get("solution"):
        kind = Kind.ANSWER
    elif meta.get("grade"):
        kind = Kind.TEST
    elif meta.get("task"):
        kind = Kind.TASK
    elif meta.get("locked"):
        kind = Kind.LOCKED
    else:
        kind = Kind.REGULAR
    graded = kind in (Kind.TEST, Kind.MANUAL_ANSWER, Kind.TASK)
    return CellInfo(kind, grade_id(cell), _points(meta.get("points")) if graded else 0.0, cell_type)


def source_text(cell: Any) -> str:
    """The cell's source as one string (nbformat allows a list of lines)."""
    src = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(src, list):
        return "".join(str(s) for s in src)
    return src if isinstance(src, str) else str(src)


def valid_cells(nb: Any) -> list:
    """The notebook's cells that are dicts of a known cell type (others are ignored)."""
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    if not isinstance(cells, list):
        return []
    return [c for c in cells if isinstance(c, dict) and c.get("cell_type") in ("code", "markdown", "raw")]


def graded_parts(cells: Iterable[Any]) -> Iterator[tuple[Any, CellInfo]]:
    """``(cell, info)`` for each graded part that has a grade id, in notebook order."""
    for cell in cells:
        info = classify(cell)
        if info.graded and info.grade_id is not None:
            yield cell, info
