"""Intake of each LMS's bulk download (Canvas, Moodle with folders on and off, Blackboard,
Brightspace, a plain folder): who each file belongs to, when it was submitted (never the time
of extraction), resubmissions, odd names, and the roster that maps LMS names to student ids.
The downloads are written by tests/lms_downloads.py. No kernel runs here."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import lms_downloads as dl
import pytest

from course_utils.grading.collect import collect_submissions, load_roster
from course_utils.grading.course import CourseError
from course_utils.grading.lms import parse_lms_path

BERLIN = ZoneInfo(dl.TZ)


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> dict[str, Path]:
    return dl.write_all(tmp_path_factory.mktemp("downloads"))


def _collect(path: Path, tmp_path: Path, **kwargs):
    return collect_submissions(path, "ps1", [dl.NB], tmp_path / "scratch", tz=BERLIN, **kwargs)


EXPECTED_IDS = {
    "canvas": {"doejane", "obriennunezsean", "weili"},
    "moodle": {"jane.doe", "sean.obrien-nunez", "li.wei"},
    "moodle-folders": {"jane.doe", "sean.obrien-nunez", "li.wei"},
    "blackboard": {"jdoe", "sobrien", "lwei"},
    "brightspace": {"jane.doe", "sean.obrien-nunez", "li.wei"},
    "brightspace-flat": {"jane.doe", "sean.obrien-nunez", "li.wei"},
    "plain": {"s001", "s002", "s003"},
}
# where each layout's time comes from
SOURCES = {"canvas": "zip entry time", "moodle": "zip entry time", "moodle-folders": "zip entry time",
           "blackboard": "blackboard file name", "brightspace": "brightspace file name",
           "brightspace-flat": "brightspace file name", "plain": "file time"}


@pytest.mark.parametrize("layout", sorted(EXPECTED_IDS))
def test_every_layout_finds_the_students_and_their_true_times(layout, downloads, tmp_path):
    found = _collect(downloads[layout], tmp_path)
    by_id = {s.student_id: s for s in found.submissions}
    assert set(by_id) == EXPECTED_IDS[layout]
    # the notebook that is not the assignment's is skipped, never graded
    if layout != "plain":
        assert sum("matches no accepted pattern" in line for line in found.skipped) == 1, found.skipped
    for sub in found.submissions:
        assert sub.time_source == SOURCES[layout], (layout, sub.student_id, sub.time_source)
        assert set(sub.files) == {dl.NB}
    # the times are the LMS's (to the minute: Brightspace names carry minutes), never now
    expected = {_utc(t).replace(second=0) for t in dl.TIMES.values()}
    got = {s.submitted_at.replace(second=0) for s in found.submissions}
    assert got == expected, (layout, got)
    assert all(abs((s.submitted_at - datetime.now(UTC)).days) > 1 for s in found.submissions)


def test_canvas_late_mark_and_lms_numbers_are_kept(downloads, tmp_path):
    by_id = {s.student_id: s for s in _collect(downloads["canvas"], tmp_path).submissions}
    assert not by_id["doejane"].lms_late
    assert by_id["obriennunezsean"].lms_late and by_id["weili"].lms_late
    assert (by_id["weili"].lms, by_id["weili"].lms_id, by_id["weili"].lms_name) == ("canvas", "1003", "weili")


def test_resubmissions_grade_the_latest_attempt_and_list_the_earlier(downloads, tmp_path):
    for layout in ("blackboard", "brightspace"):
        found = _collect(downloads[layout], tmp_path / layout)
        li = next(s for s in found.submissions if "wei" in s.student_id)
        assert li.submitted_at == _utc(dl.TIMES["Li Wei"]).replace(second=0 if layout == "brightspace" else 30)
        assert any("earlier attempt" in line for line in found.skipped), found.skipped


def test_moodle_names_with_spaces_map_through_a_roster(downloads, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,lms_id,lms_name,email\n"
                      "s001,4711,Jane Doe,jd@example.edu\n"
                      "s002,,seán  o'brien-núñez,so@example.edu\n"  # by name, case and spaces ignored
                      "s003,4713,,lw@example.edu\n", encoding="utf-8")
    found = _collect(downloads["moodle-folders"], tmp_path, roster=load_roster(roster))
    by_id = {s.student_id: s for s in found.submissions}
    assert set(by_id) == {"s001", "s002", "s003"}
    assert by_id["s002"].lms_name == "Seán O'Brien-Núñez" and by_id["s002"].lms_id == "4712"
    assert not any("made into student ids" in line for line in found.notes)


def test_without_a_roster_the_made_up_ids_are_listed(downloads, tmp_path):
    found = _collect(downloads["moodle"], tmp_path)
    line = next(line for line in found.notes if "made into student ids" in line)
    assert "jane.doe" in line and "--roster" in line


def test_two_lms_students_who_would_share_an_id_stop_with_a_clear_error(tmp_path):
    import zipfile

    archive = tmp_path / "twins.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"Jane Doe_1_assignsubmission_file_{dl.NB}.ipynb", dl.NOTEBOOK)
        zf.writestr(f"Jane  Doe_2_assignsubmission_file_{dl.NB}.ipynb", dl.NOTEBOOK)
    with pytest.raises(CourseError, match="both become student id 'jane.doe'.*--roster"):
        _collect(archive, tmp_path)


def test_a_zip_whose_entries_all_carry_the_download_time_gives_no_times(tmp_path):
    import zipfile

    archive = tmp_path / "same.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("doejane_1_2", "roe_3_4"):
            zf.writestr(zipfile.ZipInfo(f"{name}_{dl.NB}.ipynb", date_time=(2026, 10, 20, 8, 0, 0)), dl.NOTEBOOK)
    found = _collect(archive, tmp_path)
    assert all(s.submitted_at is None for s in found.submissions)
    assert any("same time" in line for line in found.notes)


def test_roster_errors_name_the_file_and_line(tmp_path):
    bad = tmp_path / "r.csv"
    bad.write_text("name,id\nx,y\n")
    with pytest.raises(CourseError, match="student_id and lms_id"):
        load_roster(bad)
    bad.write_text("student_id,lms_id\ns1,7\ns2,7\n")
    with pytest.raises(CourseError, match="line 3: lms_id '7' is given to both 's1' and 's2'"):
        load_roster(bad)
    bad.write_text("student_id,lms_id\nnot valid,7\n")
    with pytest.raises(CourseError, match="line 2: 'not valid' is not a valid student id"):
        load_roster(bad)


@pytest.mark.parametrize(("parts", "expected"), [
    (("doejane_LATE_12345_678_ps1.ipynb",), ("canvas", "doejane", "12345", True)),
    (("doejane_12345_678_ps1 (2).ipynb",), ("canvas", "doejane", "12345", False)),
    (("Ann Lee-Smith_9_assignsubmission_file_ps1.ipynb",), ("moodle", "Ann Lee-Smith", "9", False)),
    (("Ann Lee_9_assignsubmission_file_", "ps1.ipynb"), ("moodle", "Ann Lee", "9", False)),
    (("Problem_Set 1_annlee_attempt_2026-10-02-16-59-07_ps1.ipynb",), ("blackboard", "annlee", "annlee", False)),
    (("1-2 - Ann Lee - Oct 2, 2026 4:59 PM", "ps1.ipynb"), ("brightspace", "Ann Lee", "1-2", False)),
])
def test_lms_names(parts, expected):
    found = parse_lms_path(parts, ["ps1"])
    assert found is not None
    assert (found.lms, found.name, found.lms_id, found.late) == expected


def test_names_no_lms_writes_are_not_read_as_one():
    for parts in (("Ann Lee_9_assignsubmission_onlinetext_x.ipynb",), ("ps1.ipynb",),
                  ("doejane_12345_678_ps2.ipynb",), ("1-2 - Ann - yesterday", "ps1.ipynb")):
        assert parse_lms_path(parts, ["ps1"]) is None, parts


def test_lms_layouts_keep_intake_safe(tmp_path):
    """A link in a Moodle student folder or a Brightspace name is refused and its student flagged;
    a notebook over the cap is refused; no LMS name gets past the id rules into a path."""
    secret = tmp_path / "secret.ipynb"
    secret.write_text("SECRET")
    subs = tmp_path / "subs"
    folder = subs / "Jane Doe_4711_assignsubmission_file_"
    folder.mkdir(parents=True)
    (folder / f"{dl.NB}.ipynb").symlink_to(secret)
    (subs / f"1-2 - Li Wei - Oct 2, 2026 459 PM - {dl.NB}.ipynb").symlink_to(secret)
    (subs / f"Ann Lee_9_assignsubmission_file_{dl.NB}.ipynb").write_text(dl.NOTEBOOK)
    found = _collect(subs, tmp_path)
    by_id = {s.student_id: s for s in found.submissions}
    assert by_id["jane.doe"].files == {} and "symbolic link" in by_id["jane.doe"].flags[0]
    assert by_id["li.wei"].files == {} and "symbolic link" in by_id["li.wei"].flags[0]
    assert set(by_id["ann.lee"].files) == {dl.NB}
    for sub in found.submissions:
        for path in sub.files.values():
            assert (tmp_path / "scratch") in path.parents and "SECRET" not in path.read_text()
