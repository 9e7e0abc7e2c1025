"""Where a course's folders are, read from its ``nbgrader_config.py``.

A course directory is nbgrader's: ``nbgrader_config.py`` at the root, instructor notebooks in
``source/<assignment>/``, generated student versions in ``release/<assignment>/``, and the
grading folders ``submitted/``, ``autograded/``, ``feedback/`` next to them. The ``course``
command adds ``reports/<assignment>/`` (grades.csv, plots, summary).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Course", "CourseError", "find_course_dir", "load_course", "ensure_tools_on_path", "quiet_kernels"]

_CONFIG = "nbgrader_config.py"


class CourseError(Exception):
    """A user-facing problem with the course or the command's input; its text is one line."""


def ensure_tools_on_path() -> None:
    """Put this interpreter's ``bin/`` first on PATH.

    nbgrader runs the ``alembic`` command to create a gradebook; it lives next to the Python
    running the course (``.venv/bin``), which is not on PATH when the command is called as
    ``.venv/bin/course``.
    """
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[0] != bindir:
        os.environ["PATH"] = os.pathsep.join([bindir, *[p for p in parts if p != bindir]])


@contextlib.contextmanager
def quiet_kernels(log: Path | None = None) -> Iterator[None]:
    """Send what kernels print straight to file descriptors 1 and 2 into ``log``.

    Kernel processes inherit the grader's terminal and print start-up notices there; the
    command's own messages are written after the block. Without ``log`` a temporary file is
    used (a sandboxed kernel whose output goes to /dev/null failed to start in a trial).
    """
    import tempfile

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    scratch = None
    if log is None:
        scratch = tempfile.NamedTemporaryFile(prefix="course-kernels-", suffix=".log", delete=False)
        scratch.close()
        log = Path(scratch.name)
    target = os.open(str(log), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    saved = [os.dup(1), os.dup(2)]
    try:
        os.dup2(target, 1)
        os.dup2(target, 2)
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, target):
            os.close(fd)
        if scratch is not None:
            Path(scratch.name).unlink(missing_ok=True)


def find_course_dir(start: Path | None = None) -> Path:
    """The folder holding ``nbgrader_config.py``, searched from ``start`` upward.

    Falls back to the repository root (the folder above the ``course_utils`` package).
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / _CONFIG).is_file():
            return folder
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Course:
    """An nbgrader course directory and its settings."""

    root: Path
    course_id: str
    source_dir: Path
    release_dir: Path
    submitted_dir: Path
    autograded_dir: Path
    feedback_dir: Path
    reports_dir: Path
    db_url: str
    cell_timeout: float = 30.0

    def assignments(self) -> list[str]:
        """Names of the assignments in ``source/`` (folders holding at least one notebook)."""
        if not self.source_dir.is_dir():
            return []
        return sorted(
            p.name for p in self.source_dir.iterdir()
            if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb"))
        )

    def require(self, assignment: str) -> str:
        """Check that ``assignment`` exists in ``source/``; a one-line error otherwise."""
        names = self.assignments()
        if assignment not in names:
            known = ", ".join(names) if names else "none"
            raise CourseError(
                f"unknown assignment {assignment!r}: no notebooks in {self.source_dir / assignment} "
                f"(assignments in this course: {known})"
            )
        return assignment

    def source_notebooks(self, assignment: str) -> list[Path]:
        """The instructor notebooks of an assignment, sorted by name."""
        return sorted(
            p for p in (self.source_dir / assignment).glob("*.ipynb") if not p.name.startswith(".")
        )

    def report_dir(self, assignment: str) -> Path:
        """``reports/<assignment>/``: grades.csv, the plots and the summary."""
        return self.reports_dir / assignment


def _folder(root: Path, value: object, default: str) -> Path:
    text = str(value) if isinstance(value, str) and value else default
    path = Path(text)
    return path if path.is_absolute() else root / path


def load_course(course_dir: Path | None = None) -> Course:
    """Read a course directory's ``nbgrader_config.py`` (when there is one).

    Parameters
    ----------
    course_dir : Path, optional
        The course root; found with :func:`find_course_dir` when omitted.
    """
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    root = Path(course_dir).resolve() if course_dir is not None else find_course_dir()
    if not root.is_dir():
        raise CourseError(f"course directory {root} does not exist (check --course-dir)")
    config = None
    if (root / _CONFIG).is_file():
        try:
            config = PyFileConfigLoader(_CONFIG, path=str(root)).load_config()
        except ConfigFileNotFound:  # pragma: no cover - checked just above
            config = None
        except Exception as exc:
            raise CourseError(f"cannot read {root / _CONFIG}: {type(exc).__name__}: {exc}") from None
    cd = config.CourseDirectory if config is not None else {}
    # nbgrader's root in the config wins only when it names this same folder (a copied course
    # keeps working even if its config names the folder it was copied from).
    db_url = cd.get("db_url") if hasattr(cd, "get") else None
    if not isinstance(db_url, str) or not db_url:
        db_url = f"sqlite:///{root / 'gradebook.db'}"
    timeout = 30.0
    if config is not None and "Execute" in config and isinstance(config.Execute.get("timeout"), (int, float)):
        timeout = float(config.Execute.timeout)

    def get(name: str) -> object:
        return cd.get(name) if hasattr(cd, "get") else None

    return Course(
        root=root,
        course_id=str(get("course_id") or "default_course"),
        source_dir=_folder(root, get("source_directory"), "source"),
        release_dir=_folder(root, get("release_directory"), "release"),
        submitted_dir=_folder(root, get("submitted_directory"), "submitted"),
        autograded_dir=_folder(root, get("autograded_directory"), "autograded"),
        feedback_dir=_folder(root, get("feedback_directory"), "feedback"),
        reports_dir=root / "reports",
        db_url=db_url,
        cell_timeout=timeout,
    )
