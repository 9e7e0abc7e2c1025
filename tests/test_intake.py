"""Intake of a class's submissions (no kernel): links are never followed, every file is capped
before it is read, zip members are checked before they are extracted, student ids match the
documented pattern exactly, and every message is one bounded line without file content."""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from course_utils.grading import collect
from course_utils.grading.collect import collect_submissions, student_id_from_filename, valid_student_id
from course_utils.grading.course import Course, CourseError
from course_utils.grading.flags import MAX_FLAG_CHARS, name, one_line

NB = ["ps1"]
SECRET = "SOLUTION-TEXT-THAT-MUST-NEVER-BE-READ"


def _touch(path: Path, text: str = '{"cells": []}') -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture()
def secret(tmp_path) -> Path:
    """A file standing for source/ps1/ps1.ipynb, outside the submissions."""
    return _touch(tmp_path / "course" / "source" / "ps1" / "ps1.ipynb", SECRET)


def _messages(found: collect.Collection) -> list[str]:
    return [*found.skipped, *(f for s in found.submissions for f in s.flags)]


def _assert_clean(lines: list[str]) -> None:
    for line in lines:
        assert "\n" not in line and "\r" not in line and len(line) <= MAX_FLAG_CHARS, line
        assert SECRET not in line


def _by_id(found: collect.Collection) -> dict[str, collect.Submission]:
    return {s.student_id: s for s in found.submissions}


# ----------------------------------------------------------------------------- links
def test_a_timestamp_linking_to_source_is_refused_flagged_and_never_read(tmp_path, secret):
    subs = tmp_path / "subs"
    _touch(subs / "alice" / "ps1" / "ps1.ipynb")
    (subs / "alice" / "ps1" / "timestamp.txt").symlink_to(secret)
    _touch(subs / "bob" / "ps1" / "ps1.ipynb")
    _touch(subs / "bob" / "ps1" / "timestamp.txt", "2026-01-01 10:00:00 UTC")
    found = collect_submissions(subs, "ps1", NB, tmp_path / "scratch")
    assert found.layout == "nbgrader"
    alice, bob = _by_id(found)["alice"], _by_id(found)["bob"]
    assert alice.timestamp is None and bob.timestamp == "2026-01-01 10:00:00 UTC"
    assert any("timestamp.txt" in f and "symbolic link" in f for f in alice.flags), alice.flags
    assert bob.flags == []
    _assert_clean(_messages(found))
    # nothing of the link's target was copied into the scratch folder
    for path in (tmp_path / "scratch").rglob("*"):
        assert path.is_dir() or SECRET not in path.read_text()


def test_a_notebook_or_extra_file_linking_to_source_is_refused_and_flagged(tmp_path, secret):
    subs = tmp_path / "subs"
    (subs / "alice" / "ps1").mkdir(parents=True)
    (subs / "alice" / "ps1" / "ps1.ipynb").symlink_to(secret)
    _touch(subs / "bob" / "ps1" / "ps1.ipynb")
    (subs / "bob" / "ps1" / "data.csv").symlink_to(secret)
    (subs / "carol").symlink_to(secret.parent.parent, target_is_directory=True)  # a whole folder
    found = collect_submissions(subs, "ps1", NB, tmp_path / "scratch")
    by_id = _by_id(found)
    assert by_id["alice"].files == {}  # refused, so graded as not submitted
    assert any("ps1.ipynb" in f and "symbolic link" in f for f in by_id["alice"].flags)
    assert set(by_id["bob"].files) == {"ps1"}
    assert any("data.csv" in f and "symbolic link" in f for f in by_id["bob"].flags)
    assert by_id["carol"].files == {} and by_id["carol"].flags
    _assert_clean(_messages(found))


def test_links_in_an_lms_folder_are_never_entered_or_read(tmp_path, secret):
    subs = tmp_path / "downloads"
    _touch(subs / "doejane_1_2_ps1.ipynb")
    (subs / "roe_3_4_ps1.ipynb").symlink_to(secret)
    (subs / "more").symlink_to(secret.parent, target_is_directory=True)  # holds ps1.ipynb
    found = collect_submissions(subs, "ps1", NB, tmp_path / "scratch")
    by_id = _by_id(found)
    assert set(by_id) == {"doejane", "roe"}
    assert by_id["roe"].files == {} and "symbolic link" in by_id["roe"].flags[0]
    assert any(line.startswith("more:") and "symbolic link" in line for line in found.skipped)
    _assert_clean(_messages(found))


def test_accepted_notebooks_are_private_copies(tmp_path):
    subs = tmp_path / "subs"
    original = _touch(subs / "alice" / "ps1.ipynb", '{"cells": [], "x": 1}')
    os.utime(original, (1_700_000_000, 1_700_000_000))
    found = collect_submissions(subs, "ps1", NB, tmp_path / "scratch")
    copy = found.submissions[0].files["ps1"]
    assert copy != original and (tmp_path / "scratch") in copy.parents
    assert copy.read_text() == original.read_text()
    assert copy.stat().st_mtime == 1_700_000_000  # the submission time is kept


def test_a_fifo_is_refused_without_blocking(tmp_path):
    subs = tmp_path / "subs"
    _touch(subs / "alice" / "ps1.ipynb")
    (subs / "bob").mkdir()
    os.mkfifo(subs / "bob" / "ps1.ipynb")
    found = collect_submissions(subs, "ps1", NB, tmp_path / "scratch")
    assert _by_id(found)["bob"].files == {}
    assert "not a regular file" in _by_id(found)["bob"].flags[0]


def test_a_file_swapped_for_a_link_after_listing_is_still_refused(tmp_path, secret):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    (subs / "alice" / "ps1.ipynb").symlink_to(secret)
    with pytest.raises(collect._Refused, match="symbolic link"):
        collect._copy_capped(subs, ("alice", "ps1.ipynb"), tmp_path / "out.ipynb", 10**6)
    (tmp_path / "real").mkdir()
    _touch(tmp_path / "real" / "ps1.ipynb")
    (subs / "bob").symlink_to(tmp_path / "real", target_is_directory=True)
    with pytest.raises(collect._Refused, match="symbolic link"):
        collect._copy_capped(subs, ("bob", "ps1.ipynb"), tmp_path / "out2.ipynb", 10**6)
    assert not (tmp_path / "out.ipynb").exists() and not (tmp_path / "out2.ipynb").exists()


# ----------------------------------------------------------------------------- sizes
def test_an_oversized_notebook_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(collect, "MAX_NOTEBOOK_BYTES", 100)
    subs = tmp_path / "subs"
    _touch(subs / "alice" / "ps1.ipynb")
    _touch(subs / "bob" / "ps1.ipynb", SECRET * 10)
    found = collect_submissions(subs, "ps1", NB, tmp_path / "scratch")
    assert _by_id(found)["bob"].files == {}
    assert "larger than 100 bytes" in _by_id(found)["bob"].flags[0]
    _assert_clean(_messages(found))


def test_an_oversized_timestamp_is_not_read(tmp_path):
    subs = tmp_path / "subs"
    _touch(subs / "alice" / "ps1" / "ps1.ipynb")
    _touch(subs / "alice" / "ps1" / "timestamp.txt", "2026-01-01 10:00:00 UTC" + " " * 1000 + SECRET)
    _touch(subs / "bob" / "ps1" / "ps1.ipynb")
    _touch(subs / "bob" / "ps1" / "timestamp.txt", f"2026-01-01\n{SECRET}")
    found = collect_submissions(subs, "ps1", NB, tmp_path / "scratch")
    alice, bob = _by_id(found)["alice"], _by_id(found)["bob"]
    assert alice.timestamp is None and "larger than" in alice.flags[0]
    assert bob.timestamp is None and "no date" in bob.flags[0]
    _assert_clean(_messages(found))


# ----------------------------------------------------------------------------- zips
def _zip_with(path: Path, members: dict[str, bytes], *, links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
        for member, target in (links or {}).items():
            info = zipfile.ZipInfo(member)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return path


def test_zip_members_with_absolute_paths_dotdot_or_links_are_refused(tmp_path, secret):
    archive = _zip_with(tmp_path / "class.zip", {
        "doejane_1_2_ps1.ipynb": b'{"cells": []}',
        "/abs/roe_3_4_ps1.ipynb": b"{}",
        "../../evil_5_6_ps1.ipynb": b"{}",
        "sub\\..\\..\\win_7_8_ps1.ipynb": b"{}",
        "C:/x/drive_9_9_ps1.ipynb": b"{}",
    }, links={"linker_1_1_ps1.ipynb": str(secret)})
    scratch = tmp_path / "scratch"
    found = collect_submissions(archive, "ps1", NB, scratch)
    by_id = _by_id(found)
    assert set(by_id["doejane"].files) == {"ps1"}
    assert by_id["linker"].files == {} and "symbolic link" in by_id["linker"].flags[0]
    skipped = " | ".join(found.skipped)
    assert skipped.count("an absolute path") == 2 and skipped.count("a path with '..'") == 2
    # nothing was written outside the scratch folder, and no link was made anywhere
    assert not (tmp_path / "evil_5_6_ps1.ipynb").exists() and not Path("/abs").exists()
    assert not any(p.is_symlink() for p in scratch.rglob("*"))
    _assert_clean(_messages(found))


def test_zip_member_sizes_are_checked_then_enforced(tmp_path, monkeypatch):
    monkeypatch.setattr(collect, "MAX_NOTEBOOK_BYTES", 1000)
    archive = _zip_with(tmp_path / "class.zip", {
        "ok_1_1_ps1.ipynb": b'{"cells": []}',
        "big_2_2_ps1.ipynb": b"x" * 5000,
        "liar_3_3_ps1.ipynb": b"y" * 900,
    })
    # make 'liar' declare 10 bytes in both headers while holding 900
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("liar_3_3_ps1.ipynb")
    struct.pack_into("<I", data, info.header_offset + 22, 10)  # local header: uncompressed size
    central = data.find(b"PK\x01\x02")
    while data[central + 46: central + 46 + len(b"liar_3_3_ps1.ipynb")] != b"liar_3_3_ps1.ipynb":
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 10)  # central directory: uncompressed size
    archive.write_bytes(bytes(data))
    found = collect_submissions(archive, "ps1", NB, tmp_path / "scratch")
    by_id = _by_id(found)
    assert set(by_id["ok"].files) == {"ps1"}
    assert by_id["big"].files == {} and "declares 5000 bytes" in by_id["big"].flags[0]
    assert by_id["liar"].files == {} and "cannot be extracted" in by_id["liar"].flags[0], by_id["liar"].flags
    for path in (tmp_path / "scratch").rglob("*.ipynb"):
        assert path.stat().st_size <= 1000
    _assert_clean(_messages(found))


def test_stream_cap_holds_when_a_declaration_lies(tmp_path):
    archive = _zip_with(tmp_path / "a.zip", {"n.ipynb": b"z" * 10_000})
    with zipfile.ZipFile(archive) as zf:
        member = zf.getinfo("n.ipynb")
        with pytest.raises(collect._Refused, match="more than it declares"):
            collect._stream_member(zf, member, tmp_path / "out.ipynb", 100)


# ----------------------------------------------------------------------------- student ids
@pytest.mark.parametrize(("text", "ok"), [
    ("doejane", True), ("ann.lee", True), ("a@b-c_d", True), ("s042", True), ("x" * 64, True),
    ("doejane\n", False), ("\ndoejane", False), ("doe jane", False), (".hidden", False), ("..", False),
    ("-x", False), ("x" * 65, False), ("", False), ("jäne", False), ("a/b", False),
])
def test_student_ids_match_the_pattern_exactly(text, ok):
    assert valid_student_id(text) is ok


def test_a_trailing_newline_is_not_part_of_a_student_id(tmp_path):
    assert student_id_from_filename("doejane\n_ps1.ipynb", NB) is None
    assert student_id_from_filename("doejane_1_2_ps1\n.ipynb", NB) is None
    subs = tmp_path / "subs"
    _touch(subs / "alice\n" / "ps1" / "ps1.ipynb")
    _touch(subs / "bob" / "ps1" / "ps1.ipynb")
    found = collect_submissions(subs, "ps1", NB, tmp_path / "scratch")
    assert [s.student_id for s in found.submissions] == ["bob"]
    assert any("not a valid student id" in line for line in found.skipped)
    _assert_clean(_messages(found))


# ----------------------------------------------------------------------------- messages
def test_flags_are_one_bounded_line_even_for_hostile_names(tmp_path, secret):
    subs = tmp_path / "subs"
    _touch(subs / "alice" / "ps1" / "ps1.ipynb")
    hostile = "x\nflagged: all good\r" + "y" * 200
    (subs / "alice" / "ps1" / hostile).symlink_to(secret)
    found = collect_submissions(subs, "ps1", NB, tmp_path / "scratch")
    lines = _messages(found)
    assert any("symbolic link" in line for line in lines)
    _assert_clean(lines)


def test_one_line_and_name():
    assert one_line("a\nb\r\n\tc") == "a b c"
    assert one_line("\x1b[31mred") == "?[31mred"
    assert len(one_line("x" * 5000)) == MAX_FLAG_CHARS
    assert name("q1\ntest") == "'q1?test'"
    assert len(name("z" * 500)) <= 82


# ----------------------------------------------------------------------------- writing submitted/
def _course(root: Path) -> Course:
    return Course(root=root, course_id="c", source_dir=root / "source", release_dir=root / "release",
                  submitted_dir=root / "submitted", autograded_dir=root / "autograded",
                  feedback_dir=root / "feedback", reports_dir=root / "reports", db_url="sqlite://")


def test_copying_to_submitted_never_writes_through_a_link(tmp_path, secret):
    from course_utils.grading.batch import _copy_submitted

    course = _course(tmp_path / "course")
    folder = course.submitted_dir / "alice" / "ps1"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").symlink_to(secret)
    (folder / "ps1.ipynb").symlink_to(secret)
    mine = _touch(tmp_path / "scratch" / "ps1.ipynb", '{"cells": []}')
    _copy_submitted(course, "ps1", collect.Submission("alice", {"ps1": mine}))
    assert secret.read_text() == SECRET
    assert not (folder / "timestamp.txt").is_symlink() and not (folder / "ps1.ipynb").is_symlink()
    assert (folder / "ps1.ipynb").read_text() == '{"cells": []}'

    (course.submitted_dir / "bob").symlink_to(secret.parent, target_is_directory=True)
    with pytest.raises(OSError, match="symbolic link"):
        _copy_submitted(course, "ps1", collect.Submission("bob", {"ps1": mine}))
    assert secret.read_text() == SECRET


def test_an_empty_collection_is_still_an_error(tmp_path, secret):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "notes.txt").symlink_to(secret)
    with pytest.raises(CourseError, match="no submissions of ps1 found"):
        collect_submissions(subs, "ps1", NB, tmp_path / "scratch")
