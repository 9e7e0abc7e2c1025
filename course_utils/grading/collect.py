"""Find the submissions of a class: nbgrader's layout, a folder of LMS downloads, or a zip.

Accepted layouts (``NB`` is a notebook name of the assignment without ``.ipynb``, e.g.
``ps1_bargaining``):

1. nbgrader: ``PATH/<student_id>/<ASSIGNMENT>/NB.ipynb`` (what ``nbgrader collect`` makes);
2. one folder per student: ``PATH/<student_id>/NB.ipynb``;
3. LMS downloads, in ``PATH`` or any folder below it, or inside a zip file ``PATH``:

   - Canvas: ``<name>_<user id>_<submission id>_NB.ipynb`` (also ``<name>_LATE_...``, and
     Canvas's resubmission suffix ``NB-1.ipynb``); the student id is ``<name>``, e.g.
     ``doejane_12345_678_ps1_bargaining.ipynb`` -> ``doejane``;
   - plain: ``<student_id>_NB.ipynb`` or ``<student_id>-NB.ipynb``.

A student id is letters, digits and ``. _ @ -``. Files that match none of these are listed as
skipped; two files for the same student and notebook are an error (the instructor decides
which one counts).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.grading.course import CourseError

__all__ = ["Submission", "Collection", "collect_submissions", "student_id_from_filename", "STUDENT_ID"]

#: What a student id may look like (it becomes a folder name in submitted/ and autograded/).
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")
_CANVAS = re.compile(r"^(?P<name>[A-Za-z0-9]+?)(?:_LATE)?_(?P<user>\d+)_(?P<sub>\d+)$")
_IGNORED_DIRS = {"__MACOSX", ".ipynb_checkpoints", ".git"}


@dataclass
class Submission:
    """One student's files: ``{notebook name: path}`` (names without ``.ipynb``)."""

    student_id: str
    files: dict[str, Path] = field(default_factory=dict)
    timestamp: str | None = None


@dataclass
class Collection:
    """The submissions found under a path, and the files that were not recognised."""

    submissions: list[Submission]
    skipped: list[str]
    layout: str


def student_id_from_filename(filename: str, notebooks: list[str]) -> tuple[str, str] | None:
    """``(student_id, notebook)`` for an LMS file name, or ``None`` if it matches no pattern.

    Examples
    --------
    >>> student_id_from_filename("doejane_12345_678_ps1_bargaining.ipynb", ["ps1_bargaining"])
    ('doejane', 'ps1_bargaining')
    >>> student_id_from_filename("s042_ps1_bargaining.ipynb", ["ps1_bargaining"])
    ('s042', 'ps1_bargaining')
    """
    if not filename.endswith(".ipynb"):
        return None
    stem = filename[: -len(".ipynb")]
    for nb in sorted(notebooks, key=len, reverse=True):
        match = re.match(rf"^(?P<prefix>.+?)[_-]{re.escape(nb)}(?:-\d+)?$", stem)
        if not match:
            continue
        prefix = match.group("prefix")
        canvas = _CANVAS.match(prefix)
        sid = canvas.group("name") if canvas else prefix
        return (sid, nb) if STUDENT_ID.match(sid) else None
    return None


def _safe_extract(archive: Path, target: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                name = member.filename
                parts = Path(name).parts
                if member.is_dir() or name.startswith("/") or ".." in parts:
                    continue
                dest = target.joinpath(*parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as src, dest.open("wb") as out:
                    out.write(src.read())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise CourseError(f"cannot read the zip file {archive}: {exc}") from None


def _notebook_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        rel = path.relative_to(folder).parts
        if any(part in _IGNORED_DIRS or part.startswith(".") for part in rel):
            continue
        found.append(path)
    return found


def _linked(path: Path, folder: Path) -> bool:
    """True when ``path`` or a folder between ``folder`` and it is a symbolic link.

    A submitted link could point at the source notebook (solutions) or another student's file.
    """
    rel = path.relative_to(folder)
    return any((folder / Path(*rel.parts[: i + 1])).is_symlink() for i in range(len(rel.parts)))


def _add(found: dict[str, Submission], sid: str, nb: str, path: Path) -> None:
    sub = found.setdefault(sid, Submission(sid))
    if nb in sub.files:
        first, second = sorted([sub.files[nb].name, path.name])
        raise CourseError(
            f"student id {sid!r} appears twice for {nb}.ipynb ({first} and {second}); "
            "keep the one that counts and grade again"
        )
    sub.files[nb] = path


def collect_submissions(path: Path, assignment: str, notebooks: list[str], scratch: Path) -> Collection:
    """Find every student's notebooks under ``path`` (a folder or a zip file).

    Parameters
    ----------
    path : Path
        Folder in one of the accepted layouts, or a zip of LMS downloads.
    assignment : str
        The assignment's name (the middle folder of nbgrader's layout).
    notebooks : list of str
        The assignment's notebook names without ``.ipynb``.
    scratch : Path
        An empty folder a zip is extracted into.

    Raises
    ------
    CourseError
        For a missing path, an unreadable zip, a folder with no submissions, or a student
        id that appears twice.
    """
    path = Path(path)
    if not path.exists():
        raise CourseError(f"submissions path {path} does not exist")
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise CourseError(f"cannot read {path}: it is neither a folder nor a zip file")
        _safe_extract(path, scratch)
        folder, layout = scratch, "zip"
    else:
        folder, layout = path, "folder"

    found: dict[str, Submission] = {}
    skipped: list[str] = []
    nbgrader_dirs = sorted(p for p in folder.glob(f"*/{assignment}") if p.is_dir())
    if nbgrader_dirs and layout == "folder":
        layout = "nbgrader"
        for adir in nbgrader_dirs:
            sid = adir.parent.name
            if not STUDENT_ID.match(sid):
                skipped.append(f"{adir.parent.name}/: not a valid student id")
                continue
            for nbfile in sorted(adir.glob("*.ipynb")):
                if _linked(nbfile, folder):
                    skipped.append(f"{nbfile.relative_to(folder)}: a symbolic link, not a file (not graded)")
                elif nbfile.stem in notebooks:
                    _add(found, sid, nbfile.stem, nbfile)
                else:
                    skipped.append(f"{nbfile.relative_to(folder)}: not a notebook of {assignment}")
            stamp = adir / "timestamp.txt"
            if sid in found and stamp.is_file():
                found[sid].timestamp = stamp.read_text(encoding="utf-8").strip() or None
    else:
        for nbfile in _notebook_files(folder):
            rel = nbfile.relative_to(folder)
            if _linked(nbfile, folder):
                skipped.append(f"{rel}: a symbolic link, not a file (not graded)")
                continue
            if nbfile.stem in notebooks and len(rel.parts) >= 2 and STUDENT_ID.match(rel.parts[-2]):
                _add(found, rel.parts[-2], nbfile.stem, nbfile)
                continue
            parsed = student_id_from_filename(nbfile.name, notebooks)
            if parsed is None:
                skipped.append(f"{rel}: file name matches no accepted pattern (see `course grade --help`)")
                continue
            _add(found, parsed[0], parsed[1], nbfile)
    if not found:
        expected = ", ".join(f"{nb}.ipynb" for nb in notebooks)
        raise CourseError(
            f"no submissions of {assignment} found in {path} (looked for {expected} in "
            f"<student>/{assignment}/, <student>/ or LMS file names like doejane_12345_678_{notebooks[0]}.ipynb)"
        )
    return Collection(sorted(found.values(), key=lambda s: s.student_id), skipped, layout)
