"""ps3_record's own promises, beyond the gates every problem set passes (tests/test_assignments.py):
written work is at least a third of the points, per-student variants are off for it, and its
hidden tests compute the expected values from the course's tables, so a change to the record
changes what they expect (nothing is a constant copied from today's tables).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import types
from pathlib import Path

import nbformat
import pytest

import course_utils.data as data
from course_utils.grading.synthetic import solution_text
from course_utils.variants import course_settings

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "ps3_record" / "ps3_record.ipynb"


def nbg(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


@pytest.fixture(scope="module")
def source():
    return nbformat.read(str(SOURCE), as_version=4)


def test_written_work_is_at_least_a_third_of_the_points(source):
    graded = [c for c in source.cells if nbg(c).get("grade")]
    auto = sum(nbg(c)["points"] for c in graded if c.cell_type == "code")
    written = sum(nbg(c)["points"] for c in graded if c.cell_type == "markdown")
    assert (auto, written) == (30, 16)
    assert written * 3 >= auto + written
    header = source.cells[0].source
    assert "**Points:** 46 — 30 graded automatically (parts A–D), 16 graded by your instructor" in header
    memo = next(c for c in source.cells if nbg(c).get("grade_id") == "ps3_e_intro").source
    assert "600–800 words" in memo and "*Rubric (8 points):*" in memo
    # every rubric adds up to its part's points
    for intro, gid in (("ps3_c3_intro", "ps3_c3_written"), ("ps3_d3_intro", "ps3_d3_written"),
                       ("ps3_e_intro", "ps3_e_memo")):
        text = next(c for c in source.cells if nbg(c).get("grade_id") == intro).source
        rubric = text.split("Rubric")[1]
        marks = [int(m) for m in re.findall(r"(?<![\w.])(\d) —", rubric) + re.findall(r"^\| (\d) \|", rubric, re.M)]
        points = next(nbg(c)["points"] for c in source.cells if nbg(c).get("grade_id") == gid)
        assert sum(marks) == points, (intro, marks)


def test_variants_are_off_for_ps3():
    settings = course_settings(ROOT)
    assert "ps3_record" in settings.off and not settings.enabled("ps3_record")
    text = (ROOT / "docs" / "assignments.md").read_text(encoding="utf-8")
    assert "## ps3_record" in text and "variants" in text.split("## ps3_record")[1]


# --------------------------------------------------------------------------- hidden tests read the record
def _perturbed_launches(original):
    """The table with three rows added: an ICBM in June 2019 (the pledge broken in 2019), a launch
    on a new day of 2016 and one more unclassified launch in 2022."""
    template = original[0]
    extra = [
        template._replace(date=dt.date(2019, 6, 15), date_precision="day", missile="Test", missile_class="ICBM"),
        template._replace(date=dt.date(2016, 12, 30), date_precision="day", missile="Test", missile_class="SRBM"),
        template._replace(date=dt.date(2022, 12, 31), date_precision="day", missile="Test", missile_class="Unknown"),
    ]
    return tuple(sorted(original + tuple(extra), key=lambda r: r.date))


def _run(cells, namespace):
    failed = set()
    for cell in cells:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell.source, nbg(cell)["grade_id"], "exec"), namespace)  # noqa: S102 - the course's own tests
        except AssertionError:
            failed.add(nbg(cell)["grade_id"])
    return failed


def test_hidden_tests_expect_what_the_tables_say(source, monkeypatch):
    """Answers computed from today's tables pass; the same answers fail once the tables change,
    part by part as far as the changed rows reach (the models' parts D1 and D2 read no table)."""
    namespace = {"__name__": "__main__"}
    for cell in source.cells:
        meta = nbg(cell)
        if cell.cell_type == "code" and not meta.get("grade"):
            text = solution_text(cell.source) if meta.get("solution") else cell.source
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(text, meta["grade_id"], "exec"), namespace)  # noqa: S102
    tests = [c for c in source.cells if nbg(c).get("grade") and c.cell_type == "code"]
    assert _run(tests, dict(namespace)) == set(), "the solutions pass on today's tables"

    # the student's functions keep reading today's tables; the hidden tests read the changed ones
    frozen = {name: getattr(data, name) for name in ("load_launches", "load_nuclear_tests", "load_timeline",
                                                     "launches_per_year", "events_between", "MISSILE_CLASSES")}
    namespace["data"] = types.SimpleNamespace(**frozen)
    changed = _perturbed_launches(data.load_launches())
    monkeypatch.setattr(data, "load_launches", lambda: changed)
    failed = _run(tests, dict(namespace))
    assert failed == {"ps3_a1_test", "ps3_a2_test", "ps3_a3_test", "ps3_a4_test", "ps3_a5_test",
                      "ps3_b1_test", "ps3_b2_test", "ps3_c1_test", "ps3_c2_test"}, failed
