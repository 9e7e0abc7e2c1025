"""What the bulk downloads of Canvas, Moodle, Blackboard and Brightspace call a student's file.

Each LMS names a submitted file after its student in its own way. ``NB`` below is a notebook
name of the assignment (``ps1_bargaining``); a student who uploaded ``ps1_bargaining (1).ipynb``
or ``ps1_bargaining-1.ipynb`` still counts for ``NB``.

=========== ============================================================================ ==========================
LMS         file in the download                                                         time of submission
=========== ============================================================================ ==========================
Canvas      ``doejane_12345_678_NB.ipynb``; ``doejane_LATE_12345_678_NB.ipynb``           the zip entry's time;
            (name, user id, submission id)                                               ``LATE``: Canvas's late mark
Moodle      ``Jane Doe_4711_assignsubmission_file_NB.ipynb`` (folders off), or            the zip entry's time
            ``Jane Doe_4711_assignsubmission_file_/NB.ipynb`` (folders on)
Blackboard  ``PS1_jdoe_attempt_2026-10-02-16-59-07_NB.ipynb`` (assignment, user name,    in the name
            attempt time)
Brightspace ``118013-262429 - Jane Doe - Oct 2, 2026 459 PM - NB.ipynb``, or the same    in the name
            without ``- NB.ipynb`` as a folder holding ``NB.ipynb``
=========== ============================================================================ ==========================

Where these come from (public descriptions; the LMSs do not document them as a format):

- Canvas: the layout of "Download Submissions" as shown in the README of
  github.com/mikewesthad/canvas-unzipper (``smithbob_340934_208490284_BobsWork.zip``), with
  ``_LATE_`` after the name for a late submission (the mark this course honoured before, see
  docs/instructor.md);
- Moodle: ``mod/assign`` of Moodle itself: the "Download submissions in folders" option
  (``downloadasfolders_help`` in ``mod/assign/lang/en/assign.php``, github.com/moodle/moodle
  commit 381bb72: "each submission is then put in a separate folder ... files are not renamed")
  and the prefix ``Student Name_<participant id>_assignsubmission_file_`` that Moodle's own
  feedback-zip importer test builds (``mod/assign/feedback/file`` tests);
- Blackboard Learn "Assignment File Download": ``assignmentname_username_attempt_date_filename``
  (comment in github.com/kwurst/bb-file-cleanup, ``BbCleanup.py``; the zip is called like
  ``gradebook_<course>_<assignment>_2013-06-11-20-50-44.zip`` in the README of
  github.com/jeroendoggen/blackboard-analysis-tools);
- Brightspace (D2L): folders ``<id> - <student name> - <timestamp>`` with times like
  ``Sep 29, 2015 4:17 PM``, in ``parse_submission_dirname`` of github.com/cgmb/d2lmf
  (``d2lmf/d2lmf.py``); newer downloads drop the colon (``Oct 11, 2015 803 PM``, the zip name in
  its README), and both are read here.

Times in names carry no zone: they are in the LMS's (the course's) time zone,
``c.CourseLate.timezone`` (see :mod:`course_utils.grading.late`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

__all__ = ["LmsFile", "parse_lms_path", "slug_id", "LMS_NAMES"]

LMS_NAMES = ("canvas", "moodle", "blackboard", "brightspace", "plain", "folder", "nbgrader")

# a copy's suffix an LMS or a browser adds to the student's own file name
_COPY = r"(?:-\d+| ?\(\d+\)|_\d+)?"
_CANVAS = re.compile(r"(?P<name>[A-Za-z0-9]+?)(?P<late>_LATE)?_(?P<user>\d+)_(?P<sub>\d+)_(?P<file>.+)", re.I)
_MOODLE = re.compile(r"(?P<name>.+?)_(?P<user>\d+)_assignsubmission_file_?(?P<file>.*)")
_BLACKBOARD = re.compile(
    r"(?P<assignment>.*?)_(?P<user>[^_/]+)_attempt_(?P<time>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?:_(?P<file>.+))?")
_BRIGHTSPACE = re.compile(
    r"(?P<user>\d+-\d+) - (?P<name>.+?) - (?P<time>[A-Z][a-z]{2,8} \d{1,2}, \d{4} \d{1,2}:?\d{2} [AP]M)"
    r"(?: - (?P<file>.+))?")


@dataclass(frozen=True)
class LmsFile:
    """Who a downloaded file belongs to, as the LMS names them."""

    lms: str
    #: the LMS's name for the student (Canvas's ``doejane``, Moodle's ``Jane Doe``, Blackboard's user name)
    name: str
    notebook: str
    #: the LMS's own number or login for the student (Canvas user id, Moodle participant id,
    #: Blackboard user name, Brightspace's number pair); "" when the name has none
    lms_id: str = ""
    #: the submission time written in the name (no zone: the LMS's local time)
    time: datetime | None = None
    #: Canvas marked the submission late
    late: bool = False


def _notebook(filename: str, notebooks: list[str]) -> str | None:
    """The notebook a student's own file name stands for (copy suffixes allowed)."""
    if not filename.endswith(".ipynb"):
        return None
    stem = filename[: -len(".ipynb")]
    for nb in sorted(notebooks, key=len, reverse=True):
        if re.fullmatch(rf"{re.escape(nb)}{_COPY}", stem):
            return nb
    return None


def _brightspace_time(text: str) -> datetime | None:
    for fmt in ("%b %d, %Y %I:%M %p", "%b %d, %Y %I%M %p", "%B %d, %Y %I:%M %p", "%B %d, %Y %I%M %p"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_lms_path(parts: tuple[str, ...], notebooks: list[str]) -> LmsFile | None:
    """The LMS reading of a file's path inside a download (``parts``: folders, then the file).

    Returns None for a path no LMS layout explains (the plain ``<id>_NB.ipynb`` and
    ``<id>/NB.ipynb`` forms are read by :mod:`course_utils.grading.collect`).
    """
    leaf = parts[-1]
    folder = parts[-2] if len(parts) >= 2 else ""
    # Canvas: flat files
    m = _CANVAS.fullmatch(leaf)
    if m and (nb := _notebook(m.group("file"), notebooks)):
        return LmsFile("canvas", m.group("name"), nb, m.group("user"), None, bool(m.group("late")))
    # Moodle: flat (folders off), or a folder per student (folders on)
    m = _MOODLE.fullmatch(leaf)
    if m and (nb := _notebook(m.group("file"), notebooks)):
        return LmsFile("moodle", m.group("name"), nb, m.group("user"))
    m = _MOODLE.fullmatch(folder)
    if m and not m.group("file") and (nb := _notebook(leaf, notebooks)):
        return LmsFile("moodle", m.group("name"), nb, m.group("user"))
    # Blackboard: flat, the attempt's time in the name
    m = _BLACKBOARD.fullmatch(leaf[: -len(".ipynb")] if leaf.endswith(".ipynb") else leaf)
    if m and leaf.endswith(".ipynb"):
        own = m.group("file")
        nb = _notebook(own + ".ipynb", notebooks) if own else (notebooks[0] if len(notebooks) == 1 else None)
        if nb:
            return LmsFile("blackboard", m.group("user"), nb, m.group("user"),
                           datetime.strptime(m.group("time"), "%Y-%m-%d-%H-%M-%S"))
    # Brightspace: flat, or a folder per submission
    m = _BRIGHTSPACE.fullmatch(leaf)
    if m and m.group("file") and (nb := _notebook(m.group("file"), notebooks)):
        return LmsFile("brightspace", m.group("name"), nb, m.group("user"), _brightspace_time(m.group("time")))
    m = _BRIGHTSPACE.fullmatch(folder)
    if m and not m.group("file") and (nb := _notebook(leaf, notebooks)):
        return LmsFile("brightspace", m.group("name"), nb, m.group("user"), _brightspace_time(m.group("time")))
    return None


def slug_id(name: str) -> str:
    """A student id made from an LMS name: ``"José Núñez-Ortiz"`` -> ``"jose.nunez-ortiz"``.

    >>> slug_id("Jane  Doe"), slug_id("José Núñez-Ortiz"), slug_id("O'Brien, Seán")
    ('jane.doe', 'jose.nunez-ortiz', 'obrien.sean')
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"['`]", "", text)
    text = re.sub(r"[^a-z0-9@-]+", ".", text).strip(".-")
    return text[:64]
