"""The late policy: due dates, extensions and penalties at their boundaries (on time, one second
late, a started day, an extension, the cap), read from nbgrader_config.py, and nbgrader's own
late-submission plugin honoured when configured. No kernel runs here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from course_utils.grading.course import CourseError
from course_utils.grading.gradesfile import late_penalty
from course_utils.grading.late import LatePolicy, builtin_penalty, load_policy, parse_duration

DUE = datetime(2026, 10, 2, 15, 0, 0, tzinfo=UTC)
DAY = 86400


@pytest.mark.parametrize(("seconds", "expected"), [
    (0, 0.0),                 # on time, to the second
    (-3600, 0.0),             # early
    (1, 2.0),                 # one second late: one started day, 10 % of 20
    (DAY, 2.0),               # exactly one day late: still the first day
    (DAY + 1, 4.0),           # the second day has started
    (4 * DAY + 1, 10.0),      # 5 days * 10 % = 50 %: the cap
    (40 * DAY, 10.0),         # never more than the cap
])
def test_builtin_rule_at_its_boundaries(seconds, expected):
    assert builtin_penalty(20.0, seconds, 10.0, 50.0) == expected


def test_no_penalty_on_a_zero_score_and_never_below_zero():
    assert builtin_penalty(0.0, DAY, 10, 100) == 0.0
    assert builtin_penalty(20.0, 30 * DAY, 10, 100) == 20.0  # 100 % cap: the whole score, not more


def test_lateness_with_an_extension_and_grace():
    policy = LatePolicy(due={"ps1": DUE}, extensions={"ps1": {"alice": timedelta(days=2)}},
                        grace=timedelta(minutes=5))
    on_time_with_extension = policy.lateness("ps1", "alice", DUE + timedelta(days=2, minutes=5))
    assert on_time_with_extension.seconds_late == 0
    assert policy.lateness("ps1", "alice", DUE + timedelta(days=2, minutes=5, seconds=1)).seconds_late == 1
    assert policy.lateness("ps1", "bob", DUE + timedelta(minutes=5, seconds=1)).seconds_late == 1
    assert policy.lateness("ps1", "bob", DUE + timedelta(minutes=5)).seconds_late == 0
    # no due date, or no time: nothing is late
    assert policy.lateness("ps2", "bob", DUE + timedelta(days=9)).seconds_late == 0
    assert policy.lateness("ps1", "bob", None).seconds_late == 0
    # nbgrader's gradebook due date and extension are used when the config names none
    assert policy.lateness("ps2", "bob", DUE + timedelta(hours=1), DUE, timedelta(hours=2)).seconds_late == 0
    late = policy.lateness("ps2", "bob", DUE + timedelta(hours=3), DUE, timedelta(hours=2))
    assert late.seconds_late == 3600 - 300  # less the grace


def test_penalty_is_per_notebook_on_its_score():
    policy = LatePolicy(percent_per_day=10, cap_percent=100)
    scores = {"a:q1": 4.0, "a:q2": None, "b:q1": 6.0}  # a pending part counts 0
    assert late_penalty(policy, "x", scores, 2 * DAY) == pytest.approx(0.8 + 1.2)
    assert late_penalty(policy, "x", scores, 0) == 0.0


def _course(tmp_path: Path, body: str) -> Path:
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n" + body, encoding="utf-8")
    return tmp_path


def test_policy_from_the_config(tmp_path):
    policy = load_policy(_course(tmp_path, """
c.CourseLate.timezone = "Europe/Berlin"
c.CourseLate.due = {"ps1": "2026-10-02 17:00", "ps2": "2026-10-09 17:00 UTC"}
c.CourseLate.extensions = {"ps1": {"alice": "2d", "bob": "1 day 12 hours", "carol": 6}}
c.CourseLate.percent_per_day = 20
c.CourseLate.cap_percent = 60
"""))
    assert policy.due["ps1"] == DUE  # 17:00 in Berlin (UTC+2 on that day) is 15:00 UTC
    assert policy.due["ps2"] == datetime(2026, 10, 9, 17, 0, tzinfo=UTC)
    assert policy.extensions["ps1"] == {"alice": timedelta(days=2), "bob": timedelta(hours=36),
                                        "carol": timedelta(hours=6)}
    assert policy.plugin is None and "20 % of the score per started day late, at most 60 %" == policy.rule()
    assert policy.penalty("x", 10.0, 3 * DAY + 1) == 6.0


@pytest.mark.parametrize(("body", "message"), [
    ('c.CourseLate.due = {"ps1": "next friday-ish"}', "cannot read the date"),
    ('c.CourseLate.extensions = {"ps1": {"a": "two days"}}', "cannot read the extension"),
    ('c.CourseLate.timezone = "Mars/Olympus"', "not a time zone name"),
    ("c.CourseLate.percent_per_day = -5", "must be a number of at least 0"),
])
def test_config_mistakes_are_one_clear_line(tmp_path, body, message):
    with pytest.raises(CourseError, match=message):
        load_policy(_course(tmp_path, body))


def test_nbgrader_zero_penalty_plugin_is_honoured(tmp_path):
    policy = load_policy(_course(tmp_path, 'c.LateSubmissionPlugin.penalty_method = "zero"\n'
                                           'c.CourseLate.due = {"ps1": "2026-10-02 15:00 UTC"}\n'))
    assert policy.plugin is not None and "zero" in policy.rule()
    assert policy.penalty("x", 7.0, 1) == 7.0
    assert policy.penalty("x", 7.0, 0) == 0.0


def test_a_custom_nbgrader_plugin_class_is_called_and_clipped(tmp_path):
    (tmp_path / "my_late.py").write_text(
        "from nbgrader.plugins import BasePlugin\n"
        "class Hourly(BasePlugin):\n"
        "    def late_submission_penalty(self, student_id, score, total_seconds_late):\n"
        "        return total_seconds_late / 3600\n", encoding="utf-8")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        policy = load_policy(_course(tmp_path, 'c.AssignLatePenalties.plugin_class = "my_late.Hourly"\n'))
    finally:
        sys.path.remove(str(tmp_path))
    assert policy.penalty("x", 10.0, 2 * 3600) == 2.0
    assert policy.penalty("x", 10.0, 50 * 3600) == 10.0  # clipped to the score, as nbgrader does


def test_durations():
    assert parse_duration("90m", "x") == timedelta(minutes=90)
    assert parse_duration("1w 2d", "x") == timedelta(days=9)
    with pytest.raises(CourseError):
        parse_duration("", "x")


def test_an_extension_given_after_grading_counts_without_regrading():
    from course_utils.grading.late import row_lateness

    row = {"student_id": "alice", "submitted_at": "2026-10-03 15:00:00 UTC", "due": "2026-10-02 15:00:00 UTC",
           "late_seconds": "86400", "lms": "moodle"}
    policy = LatePolicy(due={"ps1": DUE})
    assert row_lateness(policy, "ps1", row) == ("2026-10-02 15:00:00 UTC", 86400.0)
    policy.extensions["ps1"] = {"alice": timedelta(days=1)}
    assert row_lateness(policy, "ps1", row) == ("2026-10-03 15:00:00 UTC", 0.0)
    # Canvas without its own late mark: on time whatever the zip's entry time says
    assert row_lateness(LatePolicy(due={"ps1": DUE}), "ps1", {**row, "lms": "canvas"})[1] == 0.0
    # nbgrader's due date (not in the config): the row's numbers stand
    assert row_lateness(LatePolicy(), "ps1", row) == ("2026-10-02 15:00:00 UTC", 86400.0)
