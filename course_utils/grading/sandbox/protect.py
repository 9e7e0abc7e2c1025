"""The paths of a course that a grading kernel must never see."""

from __future__ import annotations

from pathlib import Path


def course_paths(source_notebook: Path) -> list[Path]:
    """What a grading kernel must not see, for a notebook in ``<course>/source/<assignment>/``.

    The source folder (solutions and hidden tests), the gradebook, and the folders holding the
    class's submissions, graded copies, feedback and reports, where they exist.

    Parameters
    ----------
    source_notebook : Path
        The instructor's notebook being graded against.

    Returns
    -------
    list of Path
    """
    source_dir = Path(source_notebook).resolve().parent.parent
    return _hidden_in(source_dir.parent, source_dir)


_HIDDEN_NAMES = ("submitted", "autograded", "feedback", "reports", "gradebook.db", "exchange")


def _hidden_in(root: Path, source_dir: Path) -> list[Path]:
    return [p for p in (source_dir, *(root / n for n in _HIDDEN_NAMES)) if p.exists()]
