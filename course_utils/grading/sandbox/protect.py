"""The paths of a course that a grading kernel must never see."""

from __future__ import annotations

import os
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


#: Environment variable of the *grader* (never passed to kernels) naming more folders to hide,
#: separated by ``os.pathsep``; ``course grade`` sets it to the ``--submissions`` folder.
PROTECT_ENV = "COURSE_SANDBOX_PROTECT"


def _default_protect() -> list[str]:
    """The repository's own course folders and those named in :data:`PROTECT_ENV`."""
    root = Path(__file__).resolve().parents[2]
    extra = [p for p in os.environ.get(PROTECT_ENV, "").split(os.pathsep) if p and os.path.exists(p)]
    return [str(p) for p in _hidden_in(root, root / "source")] + extra
