"""Find the submissions of a class: nbgrader's layout, a folder of LMS downloads, or a zip.

Accepted layouts (``NB`` is a notebook name of the assignment without ``.ipynb``, e.g.
``ps1_bargaining``):

1. nbgrader: ``PATH/<student_id>/<ASSIGNMENT>/NB.ipynb`` (what ``nbgrader collect`` makes);
2. one folder per student: ``PATH/<student_id>/NB.ipynb``;
3. LMS downloads, in ``PATH`` or any folder below it, or inside a zip file ``PATH``:

   - Canvas: ``<name>_<user id>_<submission id>_NB.ipynb`` (also ``<name>_LATE_...``, and
     Canvas's resubmission suffix ``NB-1.ipynb``); the student id is ``<name>``, e.g.
     ``doejane_12345_678_ps1_bargaining.ipynb`` -> ``doejane``;
   - Moodle (folders on and off), Blackboard and Brightspace bulk downloads, read by
     :mod:`course_utils.grading.lms` (names with spaces become ids through a roster file, or
     ``Jane Doe`` -> ``jane.doe``);
   - plain: ``<student_id>_NB.ipynb`` or ``<student_id>-NB.ipynb``.

Each submission gets a time that is true, never the time of extraction: nbgrader's
``timestamp.txt``; else the time the LMS wrote into the name (Blackboard, Brightspace); else the
zip entry's time (what the LMS stamped when it built the download); else, for a folder, the
file's modification time (as the download or ``unzip`` left it). ``time_source`` says which.
Times without a zone are in ``tz`` (``c.CourseLate.timezone``). When one student has several
attempts in a download whose names carry their times (Blackboard, Brightspace), the latest is
graded and the others are listed as skipped.

A student id is 1 to 64 letters, digits and ``. _ @ -``, starting with a letter or digit (the
whole name must match: no spaces, no line breaks). Files that match none of these are listed
as skipped; two files for the same student and notebook are an error (the instructor decides
which one counts).

Intake is defensive, because the folder or zip comes from students:

- no symbolic link is ever followed: a notebook, ``timestamp.txt``, any other file or folder of
  a submission that is a link is refused, never read or copied, and the student is flagged;
- every accepted notebook is copied into the private ``scratch`` folder, opened without
  following links, checked to be a regular file no larger than :data:`MAX_NOTEBOOK_BYTES`, and
  copied with that cap enforced while streaming; the rest of the grader reads only those copies;
- a zip member is checked before it is extracted: no absolute path, no ``..``, no link, not
  encrypted, a declared size within the cap; it is then streamed with the cap enforced (the
  declaration can lie);
- every message (skipped line, flag) is one line of bounded length that names files but never
  quotes their content (:mod:`course_utils.grading.flags`).
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from course_utils.grading.course import CourseError
from course_utils.grading.flags import name as quoted
from course_utils.grading.flags import one_line
from course_utils.grading.lms import LmsFile, parse_lms_path, slug_id

__all__ = [
    "Submission",
    "Collection",
    "Roster",
    "load_roster",
    "collect_submissions",
    "student_id_from_filename",
    "valid_student_id",
    "STUDENT_ID",
    "MAX_NOTEBOOK_BYTES",
    "MAX_TIMESTAMP_BYTES",
]

#: What a student id may look like (it becomes a folder name in submitted/ and autograded/).
#: Always used with ``fullmatch``: a trailing line break is not part of an id.
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
_CANVAS = re.compile(r"(?P<name>[A-Za-z0-9]+?)(?:_LATE)?_(?P<user>\d+)_(?P<sub>\d+)")
_IGNORED_DIRS = {"__MACOSX", ".ipynb_checkpoints", ".git"}

#: Largest notebook accepted (bytes); a larger one is refused and its student flagged.
MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024
#: Largest ``timestamp.txt`` read (bytes); nbgrader writes about 40.
MAX_TIMESTAMP_BYTES = 256
#: At most this many members in a zip, and this many bytes extracted from it in all.
MAX_ZIP_MEMBERS = 50_000
MAX_ZIP_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
#: A submission folder deeper than this, or with more entries, is not walked further.
MAX_DEPTH = 12
MAX_ENTRIES = 200_000
_CHUNK = 1024 * 1024


@dataclass
class Submission:
    """One student's files: ``{notebook name: path}`` (names without ``.ipynb``).

    ``files`` point at private copies in the scratch folder. ``flags`` are one-line reasons
    found at intake (a refused link or oversized file) that the grader adds to the student's.
    """

    student_id: str
    files: dict[str, Path] = field(default_factory=dict)
    #: the text of nbgrader's ``timestamp.txt`` when the submission had one
    timestamp: str | None = None
    flags: list[str] = field(default_factory=list)
    #: when the student submitted (aware, UTC), and where that time was read
    submitted_at: datetime | None = None
    time_source: str = ""
    #: the LMS the file came from and its name and number for the student ("" when none)
    lms: str = ""
    lms_name: str = ""
    lms_id: str = ""
    #: the LMS marked the submission late (Canvas's ``_LATE``)
    lms_late: bool = False
    #: per notebook: (time, source) of the accepted file
    times: dict[str, tuple[datetime, str]] = field(default_factory=dict)


@dataclass
class Collection:
    """The submissions found under a path, and the files that were not recognised."""

    submissions: list[Submission]
    skipped: list[str]
    layout: str
    #: what the instructor should know about the download (ids made from names, zip times unused)
    notes: list[str] = field(default_factory=list)


class _Refused(Exception):
    """A file that intake will not read; the message is one line and names no content."""


def valid_student_id(text: str) -> bool:
    """True when ``text`` is a whole student id (see :data:`STUDENT_ID`).

    >>> valid_student_id("doejane"), valid_student_id("doejane\\n"), valid_student_id("../x")
    (True, False, False)
    """
    return isinstance(text, str) and STUDENT_ID.fullmatch(text) is not None


@dataclass
class Roster:
    """A mapping file from the LMS's names for students to the course's student ids.

    A CSV file with a header: ``student_id`` and at least one of ``lms_id`` (Canvas user id,
    Moodle participant id, Blackboard user name, Brightspace number) and ``lms_name`` (the name
    as the download writes it: ``doejane``, ``Jane Doe``). Extra columns (e.g. ``email``,
    ``section``) are kept for ``course export``. Names match ignoring case and repeated spaces.
    """

    by_id: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    #: every row by student id (for the export)
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    path: Path | None = None

    def lookup(self, lms_id: str, name: str) -> str | None:
        return self.by_id.get(lms_id) if lms_id and lms_id in self.by_id else self.by_name.get(_name_key(name))


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def load_roster(path: Path | None) -> Roster:
    """Read a roster file (see :class:`Roster`); an empty roster for ``None``."""
    import csv

    if path is None:
        return Roster()
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
            header = [h.strip() for h in (rows[0].keys() if rows else [])]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CourseError(f"cannot read the roster {path}: {one_line(exc, 160)}") from None
    if "student_id" not in header or not ({"lms_id", "lms_name"} & set(header)):
        raise CourseError(f"the roster {path} needs a header line with student_id and lms_id and/or lms_name "
                          f"(found: {', '.join(header) or 'no rows'})")
    roster = Roster(path=path)
    for n, raw in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        sid = row.get("student_id", "")
        if not valid_student_id(sid):
            raise CourseError(f"{path}, line {n}: {sid!r} is not a valid student id "
                              "(1-64 letters, digits and . _ @ -, starting with a letter or digit)")
        for key, table, value in (("lms_id", roster.by_id, row.get("lms_id", "")),
                                  ("lms_name", roster.by_name, _name_key(row.get("lms_name", "")))):
            if value and table.get(value, sid) != sid:
                raise CourseError(f"{path}, line {n}: {key} {value!r} is given to both {table[value]!r} and {sid!r}")
            if value:
                table[value] = sid
        roster.rows[sid] = row
    return roster


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
        match = re.fullmatch(rf"(?P<prefix>.+?)[_-]{re.escape(nb)}(?:-\d+)?", stem)
        if not match:
            continue
        prefix = match.group("prefix")
        canvas = _CANVAS.fullmatch(prefix)
        sid = canvas.group("name") if canvas else prefix
        return (sid, nb) if valid_student_id(sid) else None
    return None


# ----------------------------------------------------------------------------- reading files
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _open_beneath(root: Path, parts: tuple[str, ...]) -> int:
    """Open ``root/parts...`` for reading without following a link at any step below ``root``.

    Each folder is opened relative to the previous one with ``O_NOFOLLOW``, so a folder
    swapped for a link after it was listed is refused too.
    """
    if os.open in os.supports_dir_fd and _NOFOLLOW and _DIRECTORY:
        fd = os.open(root, os.O_RDONLY | _DIRECTORY)
        try:
            for part in parts[:-1]:
                nxt = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = nxt
            return os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK, dir_fd=fd)
        finally:
            os.close(fd)
    # fallback (no dir_fd): check every step, then open the last one without following
    path = Path(root)
    for part in parts:
        path = path / part
        if path.is_symlink():
            raise _Refused("a symbolic link")
    return os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)


def _copy_capped(root: Path, parts: tuple[str, ...], dest: Path, cap: int) -> None:
    """Copy the regular file ``root/parts`` to ``dest``, at most ``cap`` bytes; keeps its mtime.

    Raises
    ------
    _Refused
        For a link, anything but a regular file, or a file larger than ``cap``.
    """
    try:
        fd = _open_beneath(root, parts)
    except OSError as exc:
        import errno

        if exc.errno in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):
            raise _Refused("a symbolic link (or inside one)") from None
        raise _Refused(f"cannot be opened ({exc.strerror or type(exc).__name__})") from None
    try:
        info = _regular(fd, cap)
        dest.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with open(dest, "xb") as out:
            while True:
                chunk = os.read(fd, _CHUNK)
                if not chunk:
                    break
                written += len(chunk)
                if written > cap:
                    break
                out.write(chunk)
        if written > cap:
            dest.unlink(missing_ok=True)
            raise _Refused(f"larger than {_size(cap)} (it grew while being read)")
        os.utime(dest, ns=(info.st_atime_ns, info.st_mtime_ns))
    except OSError as exc:
        dest.unlink(missing_ok=True)
        raise _Refused(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    finally:
        os.close(fd)


def _regular(fd: int, cap: int) -> os.stat_result:
    """The status of the open file ``fd``, refused unless a regular file of at most ``cap``
    bytes as declared (the read that follows enforces the cap again); ready for blocking reads."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise _Refused("not a regular file")
    if info.st_size > cap:
        raise _Refused(f"larger than {_size(cap)} ({_size(info.st_size)})")
    os.set_blocking(fd, True)
    return info


def _read_capped(root: Path, parts: tuple[str, ...], cap: int) -> bytes:
    """The bytes of the small regular file ``root/parts`` (same rules as :func:`_copy_capped`)."""
    try:
        fd = _open_beneath(root, parts)
    except OSError:
        raise _Refused("a symbolic link, or cannot be opened") from None
    try:
        _regular(fd, cap)
        data = os.read(fd, cap + 1)
        if len(data) > cap:
            raise _Refused(f"larger than {cap} bytes")
        return data
    except OSError as exc:
        raise _Refused(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    finally:
        os.close(fd)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MiB" if n >= 1024 * 1024 else f"{n} bytes"


def _rel(parts: tuple[str, ...]) -> str:
    """A path named in a message: one line, bounded, never the file's content."""
    return one_line("/".join(quoted(p, 60)[1:-1] for p in parts), 160)


# ----------------------------------------------------------------------------- walking
@dataclass(frozen=True)
class _Entry:
    parts: tuple[str, ...]
    kind: str  # "file", "link" or "other" (anything not a regular file: fifo, device, socket)


def _walk(folder: Path, *, depth: int = MAX_DEPTH) -> list[_Entry]:
    """Every file below ``folder`` without following links (links are listed, not entered).

    Ignored folders (``__MACOSX``, ``.ipynb_checkpoints``, ``.git``, hidden ones) are skipped.
    """
    found: list[_Entry] = []

    def visit(path: Path, parts: tuple[str, ...]) -> None:
        if len(parts) > depth or len(found) > MAX_ENTRIES:
            return
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            here = (*parts, entry.name)
            if entry.is_symlink():
                found.append(_Entry(here, "link"))
            elif entry.is_dir(follow_symlinks=False):
                if entry.name in _IGNORED_DIRS or entry.name.startswith("."):
                    continue
                visit(Path(entry.path), here)
            elif entry.is_file(follow_symlinks=False):
                found.append(_Entry(here, "file"))
            else:
                found.append(_Entry(here, "other"))

    visit(folder, ())
    return found


# ----------------------------------------------------------------------------- zip files
def _zip_parts(name: str) -> tuple[str, ...] | str:
    """The member's path parts, or the reason it is refused."""
    if "\x00" in name:
        return "its name holds a NUL character"
    text = name.replace("\\", "/")
    if text.startswith("/") or re.match(r"[A-Za-z]:", text):
        return "an absolute path"
    parts = tuple(p for p in text.split("/") if p not in ("", "."))
    if ".." in parts:
        return "a path with '..'"
    if not parts:
        return "an empty name"
    return parts


def _extract_zip(archive: Path, target: Path,
                 times: dict[tuple[str, ...], datetime] | None = None) -> list[tuple[tuple[str, ...], str]]:
    """Extract the notebooks of ``archive`` into ``target``; returns the refused members.

    Only ``.ipynb`` members outside ignored folders are extracted. Each refused member is
    ``(path parts, reason)``. ``times`` receives each extracted member's entry time (the time
    the LMS stamped; a zip keeps it without a zone).
    """
    refused: list[tuple[tuple[str, ...], str]] = []
    total = 0
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise CourseError(f"the zip file {archive.name} has {len(members)} members "
                                  f"(more than {MAX_ZIP_MEMBERS}); unpack it and grade the folder")
            for member in members:
                if member.is_dir():
                    continue
                parts = _zip_parts(member.filename)
                if isinstance(parts, str):
                    refused.append(((member.filename,), parts))
                    continue
                if not parts[-1].endswith(".ipynb") or any(
                        p in _IGNORED_DIRS or p.startswith(".") for p in parts[:-1]):
                    continue
                mode = member.external_attr >> 16
                if stat.S_ISLNK(mode):
                    refused.append((parts, "a symbolic link"))
                    continue
                if stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # no type bits: a plain file
                    refused.append((parts, "not a regular file"))
                    continue
                if member.flag_bits & 0x1:
                    refused.append((parts, "encrypted"))
                    continue
                if member.file_size > MAX_NOTEBOOK_BYTES:
                    refused.append((parts, f"declares {_size(member.file_size)} (more than "
                                           f"{_size(MAX_NOTEBOOK_BYTES)})"))
                    continue
                if total + member.file_size > MAX_ZIP_TOTAL_BYTES:
                    refused.append((parts, f"the zip holds more than {_size(MAX_ZIP_TOTAL_BYTES)} of notebooks"))
                    continue
                dest = target.joinpath(*parts)
                try:
                    if dest.exists() or dest.is_symlink():
                        refused.append((parts, "appears twice in the zip"))
                        continue
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    written = _stream_member(zf, member, dest, min(member.file_size, MAX_NOTEBOOK_BYTES))
                except _Refused as exc:
                    dest.unlink(missing_ok=True)
                    refused.append((parts, str(exc)))
                    continue
                except (OSError, zipfile.BadZipFile, zlib.error, RuntimeError, EOFError,
                        NotImplementedError, ValueError) as exc:
                    dest.unlink(missing_ok=True)
                    refused.append((parts, f"cannot be extracted ({type(exc).__name__})"))
                    continue
                total += written
                if times is not None:
                    try:
                        times[parts] = datetime(*member.date_time)
                    except ValueError:  # an impossible date in the entry: no time from it
                        pass
    except CourseError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise CourseError(f"cannot read the zip file {archive}: {one_line(exc, 160)}") from None
    return refused


def _stream_member(zf: zipfile.ZipFile, member: zipfile.ZipInfo, dest: Path, cap: int) -> int:
    """Write one member to ``dest``, refusing it once more than ``cap`` bytes come out."""
    written = 0
    with zf.open(member) as src, open(dest, "xb") as out:
        while True:
            chunk = src.read(min(_CHUNK, cap + 1 - written))
            if not chunk:
                break
            written += len(chunk)
            if written > cap:
                raise _Refused(f"holds more than it declares ({_size(member.file_size)})")
            out.write(chunk)
    return written


# ----------------------------------------------------------------------------- collecting
class _Intake:
    """What one call of :func:`collect_submissions` found, accepted and refused."""

    def __init__(self, folder: Path, scratch: Path, notebooks: list[str], *, roster: Roster | None = None,
                 tz: tzinfo = UTC, zip_times: dict[tuple[str, ...], datetime] | None = None) -> None:
        self.folder = folder
        self.accepted = Path(tempfile.mkdtemp(prefix="accepted-", dir=scratch))
        self.notebooks = notebooks
        self.found: dict[str, Submission] = {}
        self.skipped: list[str] = []
        self.notes: list[str] = []
        self.roster = roster or Roster()
        self.tz = tz
        self.zip_times = zip_times
        #: student id -> the LMS student it was made from (two LMS students, one id: an error)
        self.origin: dict[str, tuple[str, str]] = {}
        self.names: dict[Path, str] = {}
        #: LMS names turned into ids without a roster entry
        self.derived: dict[str, str] = {}

    def refuse(self, parts: tuple[str, ...], reason: str, sid: str | None) -> None:
        line = f"{_rel(parts)}: {reason}; refused (not read, not copied)"
        self.skipped.append(one_line(line))
        if sid is not None:
            sub = self.found.setdefault(sid, Submission(sid))
            sub.flags.append(one_line(f"submitted file {_rel(parts)} is {reason}; refused, not read"))

    # -- who a file belongs to
    def resolve(self, found: LmsFile) -> str:
        """The student id of an LMS file: the roster's, else the LMS name (made into an id)."""
        sid = self.roster.lookup(found.lms_id, found.name)
        if sid is None:
            sid = found.name if valid_student_id(found.name) else slug_id(found.name)
            if not valid_student_id(sid):
                return ""
            if sid != found.name:
                self.derived[sid] = found.name
        # Brightspace numbers each submission; its student is the name
        key = (found.lms, found.name if found.lms == "brightspace" or not found.lms_id else found.lms_id)
        if self.origin.setdefault(sid, key) != key:
            other = self.origin[sid][1]
            raise CourseError(one_line(
                f"two students of the download ({quoted(other)} and {quoted(key[1])}) both become student id "
                f"{sid!r}; give a roster file (--roster FILE, columns student_id,lms_id,lms_name) "
                "that tells them apart"))
        return sid

    def owner(self, parts: tuple[str, ...]) -> tuple[str, str, LmsFile | None] | None:
        """``(student id, notebook, LMS reading)`` of a path, or None when no layout explains it."""
        found = parse_lms_path(parts, self.notebooks)
        if found is not None:
            sid = self.resolve(found)
            return (sid, found.notebook, found) if sid else None
        leaf = parts[-1]
        stem = leaf[: -len(".ipynb")] if leaf.endswith(".ipynb") else None
        if stem in self.notebooks and len(parts) >= 2:
            folder = parts[-2]
            mapped = self.roster.lookup(folder, folder) or (folder if valid_student_id(folder) else None)
            if mapped and stem is not None:
                return mapped, stem, None
        plain = student_id_from_filename(leaf, self.notebooks)
        if plain is not None:
            sid = self.roster.lookup(plain[0], plain[0]) or plain[0]
            return sid, plain[1], None
        return None

    # -- when it was submitted
    def _time(self, parts: tuple[str, ...], found: LmsFile | None, copy: Path) -> tuple[datetime, str]:
        if found is not None and found.time is not None:
            return found.time.replace(tzinfo=self.tz).astimezone(UTC), f"{found.lms} file name"
        if self.zip_times is not None and parts in self.zip_times:
            return self.zip_times[parts].replace(tzinfo=self.tz).astimezone(UTC), "zip entry time"
        return datetime.fromtimestamp(copy.stat().st_mtime, tz=UTC), "file time"

    def add(self, sid: str, nb: str, parts: tuple[str, ...], found: LmsFile | None = None) -> None:
        sub = self.found.setdefault(sid, Submission(sid))
        dest = self.accepted / sid / f"{nb}.ipynb"
        if nb in sub.files:
            # several attempts of one student, each named with its time: the latest counts
            earlier = sub.times.get(nb)
            if found is not None and found.time is not None and earlier and earlier[1].endswith("file name"):
                when = found.time.replace(tzinfo=self.tz).astimezone(UTC)
                if when == earlier[0]:
                    pass  # the same time twice: the instructor decides, below
                elif when < earlier[0]:
                    self.skipped.append(one_line(f"{_rel(parts)}: an earlier attempt of {sid} "
                                                 f"(a later one is graded)"))
                    return
                else:
                    self.skipped.append(one_line(f"{quoted(self.names.get(dest, dest.name))}: an earlier attempt "
                                                 f"of {sid} (a later one is graded)"))
                    dest.unlink()
                    del sub.files[nb]
            if nb in sub.files:
                first, second = sorted([self.names.get(dest, dest.name), parts[-1]])
                raise CourseError(one_line(
                    f"student id {sid!r} appears twice for {nb}.ipynb ({quoted(first)} and {quoted(second)}); "
                    "keep the one that counts and grade again"))
        try:
            _copy_capped(self.folder, parts, dest, MAX_NOTEBOOK_BYTES)
        except _Refused as exc:
            self.refuse(parts, str(exc), sid)
            return
        sub.files[nb] = dest
        self.names[dest] = parts[-1]
        sub.times[nb] = self._time(parts, found, dest)
        if found is not None:
            sub.lms, sub.lms_name, sub.lms_id = found.lms, found.name, found.lms_id
            sub.lms_late = sub.lms_late or found.late

    def timestamp(self, sid: str, parts: tuple[str, ...]) -> None:
        """Read ``timestamp.txt`` (capped, never through a link); flag a malformed one."""
        sub = self.found.get(sid)
        if sub is None:
            return
        try:
            data = _read_capped(self.folder, parts, MAX_TIMESTAMP_BYTES)
        except _Refused as exc:
            self.refuse(parts, str(exc), sid)
            return
        try:
            text = data.decode("utf-8").strip()
        except UnicodeDecodeError:
            text = None
        if text == "":
            return
        if text is None or "\n" in text or not text.isprintable() or not _parses_as_time(text):
            sub.flags.append(one_line(f"{_rel(parts)} holds no date nbgrader can read; the file's time is used"))
            return
        sub.timestamp = text
        from nbgrader.utils import parse_utc

        sub.submitted_at, sub.time_source = parse_utc(text).replace(tzinfo=UTC), "timestamp.txt"


def _parses_as_time(text: str) -> bool:
    try:
        from nbgrader.utils import parse_utc

        return parse_utc(text) is not None
    except Exception:  # dateutil raises several kinds of errors on junk
        return False


def _collect_nbgrader(intake: _Intake, entries: list[_Entry], assignment: str) -> None:
    by_student: dict[str, list[_Entry]] = {}
    for entry in entries:
        by_student.setdefault(entry.parts[0], []).append(entry)
    for top in sorted(by_student):
        sid = top if valid_student_id(top) else None
        for entry in by_student[top]:
            parts = entry.parts
            if entry.kind == "link":
                intake.refuse(parts, "a symbolic link", sid)
                continue
            if entry.kind != "file":
                intake.refuse(parts, "not a regular file", sid)
                continue
            if len(parts) == 1:
                continue  # a loose file next to the student folders
            if sid is None:
                if len(parts) == 3 and parts[1] == assignment and parts[2].endswith(".ipynb"):
                    intake.skipped.append(f"{_rel(parts[:1])}/: not a valid student id")
                continue
            if len(parts) != 3 or parts[1] != assignment:
                continue
            leaf = parts[2]
            if leaf.endswith(".ipynb"):
                stem = leaf[: -len(".ipynb")]
                if stem in intake.notebooks:
                    intake.add(sid, stem, parts)
                else:
                    intake.skipped.append(f"{_rel(parts)}: not a notebook of {assignment}")
    # timestamps after the notebooks: a folder without a gradable notebook needs none
    for entry in entries:
        parts = entry.parts
        if entry.kind == "file" and len(parts) == 3 and parts[1] == assignment and parts[2] == "timestamp.txt":
            intake.timestamp(parts[0], parts)


def _collect_files(intake: _Intake, entries: list[_Entry]) -> None:
    for entry in entries:
        parts = entry.parts
        owner = intake.owner(parts)
        if entry.kind == "link":
            # a link anywhere in a student's own folder is that student's to explain
            sid = owner[0] if owner else (parts[0] if len(parts) > 1 and valid_student_id(parts[0]) else None)
            intake.refuse(parts, "a symbolic link", sid)
            continue
        if not parts[-1].endswith(".ipynb") or parts[-1].startswith("."):
            continue
        if entry.kind != "file":
            intake.refuse(parts, "not a regular file", owner[0] if owner else None)
            continue
        if owner is None:
            intake.skipped.append(f"{_rel(parts)}: file name matches no accepted pattern (see `course grade --help`)")
            continue
        intake.add(*owner[:2], parts, owner[2])


def _settle_times(intake: _Intake) -> None:
    """A submission's time: ``timestamp.txt``'s, else its latest file's."""
    zipped = [t for sub in intake.found.values() for t, source in sub.times.values() if source == "zip entry time"]
    if len(zipped) > 1 and len(set(zipped)) == 1:
        # every entry stamped alike: the time the download was made, not when anyone submitted
        for sub in intake.found.values():
            sub.times = {nb: ts for nb, ts in sub.times.items() if ts[1] != "zip entry time"}
        intake.notes.append("every notebook in the zip carries the same time (the download's, not a "
                            "submission's): no submission times taken from it")
    for sub in intake.found.values():
        if sub.submitted_at is None and sub.times:
            sub.submitted_at, sub.time_source = max(sub.times.values())
    if intake.derived:
        shown = ", ".join(f"{quoted(name)} -> {sid}" for sid, name in sorted(intake.derived.items())[:5])
        more = f" and {len(intake.derived) - 5} more" if len(intake.derived) > 5 else ""
        intake.notes.append(one_line(
            f"LMS names made into student ids: {shown}{more} (a roster file, --roster FILE, maps them to your ids)"))


def collect_submissions(path: Path, assignment: str, notebooks: list[str], scratch: Path, *,
                        roster: Roster | None = None, tz: tzinfo = UTC) -> Collection:
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
        A private folder (created if missing): a zip is extracted into it, and every accepted
        notebook is copied into it; the returned paths point there.
    roster : Roster, optional
        LMS names and numbers to student ids (see :func:`load_roster`).
    tz : tzinfo
        The zone of times written without one (LMS file names, zip entries).

    Raises
    ------
    CourseError
        For a missing path, an unreadable zip, a folder with no submissions, or a student
        id that appears twice.
    """
    path = Path(path)
    scratch = Path(scratch)
    if not path.exists():
        raise CourseError(f"submissions path {path} does not exist")
    scratch.mkdir(parents=True, exist_ok=True)
    refused_members: list[tuple[tuple[str, ...], str]] = []
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise CourseError(f"cannot read {path}: it is neither a folder nor a zip file")
        folder, layout = Path(tempfile.mkdtemp(prefix="unzipped-", dir=scratch)), "zip"
        zip_times: dict[tuple[str, ...], datetime] | None = {}
        refused_members = _extract_zip(path, folder, zip_times)
    else:
        folder, layout, zip_times = path, "folder", None

    intake = _Intake(folder, scratch, notebooks, roster=roster, tz=tz, zip_times=zip_times)
    entries = _walk(folder)
    nbgrader_students = {
        e.parts[0] for e in entries
        if e.kind == "file" and len(e.parts) == 3 and e.parts[1] == assignment
    }
    if layout == "folder" and nbgrader_students:
        layout = "nbgrader"
        _collect_nbgrader(intake, entries, assignment)
    else:
        _collect_files(intake, entries)
    for parts, reason in refused_members:
        owner = intake.owner(parts) if parts[-1].endswith(".ipynb") else None
        intake.refuse(parts, reason, owner[0] if owner else None)
    _settle_times(intake)

    if not intake.found:
        expected = ", ".join(f"{nb}.ipynb" for nb in notebooks)
        raise CourseError(
            f"no submissions of {assignment} found in {path} (looked for {expected} in "
            f"<student>/{assignment}/, <student>/ or LMS file names like doejane_12345_678_{notebooks[0]}.ipynb)"
        )
    return Collection(sorted(intake.found.values(), key=lambda s: s.student_id), intake.skipped, layout,
                      intake.notes)
