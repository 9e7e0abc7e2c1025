"""Bulk downloads as each LMS makes them, written as zips by code (no binary fixtures).

The layouts and where they come from are in :mod:`course_utils.grading.lms`. Every download
holds the same four students, so a test can compare what intake finds across LMSs:

- Jane Doe: on time (12:00, due 17:00 local time on 2026-10-02);
- Seán O'Brien-Núñez: an odd name (accents, apostrophe, hyphen), late by 1 day and 1 minute;
- Li Wei: resubmitted (two attempts where the LMS keeps both, the latest late by 30 s);
- Max Mustermann: a file that is not the assignment's notebook (skipped).

Times are the LMS's local time ``TZ`` (Europe/Berlin, UTC+2 on these dates).
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

TZ = "Europe/Berlin"
NB = "ps1"
DUE_LOCAL = datetime(2026, 10, 2, 17, 0, 0)
TIMES = {
    "Jane Doe": datetime(2026, 10, 2, 12, 0, 0),
    "Seán O'Brien-Núñez": datetime(2026, 10, 3, 17, 1, 0),
    "Li Wei": datetime(2026, 10, 2, 17, 0, 30),
}
LI_WEI_FIRST = datetime(2026, 10, 1, 9, 15, 0)
NOTEBOOK = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def _entry(zf: zipfile.ZipFile, name: str, when: datetime, text: str = NOTEBOOK) -> None:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.external_attr = 0o644 << 16
    zf.writestr(info, text)


def canvas(path: Path) -> Path:
    """Canvas "Download Submissions": flat, ``name[_LATE]_userid_subid_file``; only the latest
    attempt; a resubmitted file gets ``-1``."""
    with zipfile.ZipFile(path, "w") as zf:
        _entry(zf, f"doejane_1001_5001_{NB}.ipynb", TIMES["Jane Doe"])
        _entry(zf, f"obriennunezsean_LATE_1002_5002_{NB}.ipynb", TIMES["Seán O'Brien-Núñez"])
        _entry(zf, f"weili_LATE_1003_5003_{NB}-1.ipynb", TIMES["Li Wei"])
        _entry(zf, "mustermannmax_1004_5004_notes.ipynb", TIMES["Jane Doe"])
    return path


def moodle(path: Path, *, folders: bool) -> Path:
    """Moodle "Download all submissions", with "Download submissions in folders" on or off."""
    def name(student: str, number: int, file: str) -> str:
        prefix = f"{student}_{number}_assignsubmission_file_"
        return f"{prefix}/{file}" if folders else f"{prefix}{file}"

    with zipfile.ZipFile(path, "w") as zf:
        _entry(zf, name("Jane Doe", 4711, f"{NB}.ipynb"), TIMES["Jane Doe"])
        _entry(zf, name("Seán O'Brien-Núñez", 4712, f"{NB}.ipynb"), TIMES["Seán O'Brien-Núñez"])
        _entry(zf, name("Li Wei", 4713, f"{NB} (1).ipynb"), TIMES["Li Wei"])
        _entry(zf, name("Max Mustermann", 4714, "notes.ipynb"), TIMES["Jane Doe"])
        _entry(zf, "Jane Doe_4711_assignsubmission_onlinetext_onlinetext.html", TIMES["Jane Doe"], "<p>hi</p>")
    return path


def blackboard(path: Path) -> Path:
    """Blackboard "Assignment File Download": ``assignment_user_attempt_time_file`` plus a .txt
    per attempt; every attempt is in the zip."""
    def stamp(when: datetime) -> str:
        return when.strftime("%Y-%m-%d-%H-%M-%S")

    with zipfile.ZipFile(path, "w") as zf:
        for user, when, file in (("jdoe", TIMES["Jane Doe"], f"{NB}.ipynb"),
                                 ("sobrien", TIMES["Seán O'Brien-Núñez"], f"{NB}.ipynb"),
                                 ("lwei", LI_WEI_FIRST, f"{NB}.ipynb"),
                                 ("lwei", TIMES["Li Wei"], f"{NB}.ipynb"),
                                 ("mmuster", TIMES["Jane Doe"], "notes.ipynb")):
            base = f"Problem Set 1_{user}_attempt_{stamp(when)}"
            _entry(zf, f"{base}_{file}", datetime(2026, 10, 20, 8, 0, 0))  # entries stamped at download time
            _entry(zf, f"{base}.txt", datetime(2026, 10, 20, 8, 0, 0), f"Name: x ({user})\nDate Submitted: ...\n")
    return path


def brightspace(path: Path, *, folders: bool = True) -> Path:
    """Brightspace "Download" of a folder: ``id - Name - Mon D, YYYY HMM PM`` per attempt,
    as a folder or as a prefix of the file, plus index.html."""
    def when(t: datetime) -> str:
        return t.strftime("%b %-d, %Y %-I%M %p")

    def name(number: str, student: str, t: datetime, file: str) -> str:
        head = f"{number} - {student} - {when(t)}"
        return f"{head}/{file}" if folders else f"{head} - {file}"

    with zipfile.ZipFile(path, "w") as zf:
        _entry(zf, name("118013-262429", "Jane Doe", TIMES["Jane Doe"], f"{NB}.ipynb"), TIMES["Jane Doe"])
        _entry(zf, name("118014-262430", "Seán O'Brien-Núñez", TIMES["Seán O'Brien-Núñez"], f"{NB}.ipynb"),
               TIMES["Jane Doe"])
        _entry(zf, name("118015-262431", "Li Wei", LI_WEI_FIRST, f"{NB}.ipynb"), LI_WEI_FIRST)
        _entry(zf, name("118016-262431", "Li Wei", TIMES["Li Wei"], f"{NB}.ipynb"), TIMES["Li Wei"])
        _entry(zf, name("118017-262432", "Max Mustermann", TIMES["Jane Doe"], "notes.ipynb"), TIMES["Jane Doe"])
        _entry(zf, "index.html", TIMES["Jane Doe"], "<html></html>")
    return path


def plain(folder: Path) -> Path:
    """A plain folder: one folder per student id, file times as the download left them."""
    import os
    from zoneinfo import ZoneInfo

    for sid, student in (("s001", "Jane Doe"), ("s002", "Seán O'Brien-Núñez"), ("s003", "Li Wei")):
        target = folder / sid / f"{NB}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(NOTEBOOK)
        stamp = TIMES[student].replace(tzinfo=ZoneInfo(TZ)).timestamp()
        os.utime(target, (stamp, stamp))
    return folder


def write_all(folder: Path) -> dict[str, Path]:
    """Every layout under ``folder``: ``{layout: path}``."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "canvas": canvas(folder / "canvas.zip"),
        "moodle": moodle(folder / "moodle.zip", folders=False),
        "moodle-folders": moodle(folder / "moodle-folders.zip", folders=True),
        "blackboard": blackboard(folder / "blackboard.zip"),
        "brightspace": brightspace(folder / "brightspace.zip"),
        "brightspace-flat": brightspace(folder / "brightspace-flat.zip", folders=False),
        "plain": plain(folder / "plain"),
    }


if __name__ == "__main__":  # write the downloads to look at them: python tests/lms_downloads.py DIR
    import sys

    for layout, where in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "lms-downloads")).items():
        print(f"{layout}: {where}")
