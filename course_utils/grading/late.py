"""Due dates, extensions and the late penalty, in one place.

Read from the course's ``nbgrader_config.py``::

    c.CourseLate.due = {"ps1_bargaining": "2026-10-02 17:00"}      # per assignment
    c.CourseLate.extensions = {"ps1_bargaining": {"alice": "2d", "bob": "36h"}}
    c.CourseLate.timezone = "America/New_York"   # for due dates and LMS times without a zone
    c.CourseLate.percent_per_day = 10            # built-in rule: 10 % per started day late ...
    c.CourseLate.cap_percent = 50                # ... never more than 50 % of the score
    c.CourseLate.grace_minutes = 0               # late by at most this much counts as on time

A due date without a zone is in ``timezone`` (default UTC); one with a zone (``... UTC``,
``...+02:00``) is taken as written. An assignment without ``due`` here falls back on the due
date nbgrader's gradebook holds (``nbgrader db assignment add NAME --duedate ...``), and a
student without an extension here on the one given with nbgrader's ``grant_extension``.

**The penalty.** When nbgrader's late-submission plugin is configured in ``nbgrader_config.py``
(``c.AssignLatePenalties.plugin_class`` set, or ``c.LateSubmissionPlugin.penalty_method =
"zero"``), that plugin decides, exactly as ``nbgrader autograde`` would call it:
``late_submission_penalty(student_id, score, seconds_late)``, clipped to ``[0, score]`` as
nbgrader's ``AssignLatePenalties`` does. Otherwise the built-in rule applies: the penalty is
``min(cap_percent, percent_per_day * started days late)`` percent of the score earned, where a
submission one second late is one started day late. Without a due date nothing is late.

The penalty is computed per notebook on that notebook's score (nbgrader's unit), so manual
grades given later change it; :func:`penalty` is called again by the report, the feedback and
the export, on the scores they see.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from course_utils.grading.course import CourseError

__all__ = ["LatePolicy", "Lateness", "load_policy", "parse_time", "parse_duration", "format_time",
           "builtin_penalty", "describe_duration", "counted_seconds", "row_lateness", "DAY"]

DAY = 86400.0
_DURATION = re.compile(r"\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>weeks?|w|days?|d|hours?|h|minutes?|min|m)\s*", re.I)
_UNITS = {"w": 7 * DAY, "d": DAY, "h": 3600.0, "m": 60.0}


def parse_duration(text: object, where: str) -> timedelta:
    """``"2d"``, ``"36h"``, ``"1 day 12 hours"``, ``"90m"`` or a number of hours, as a timedelta."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return timedelta(hours=float(text))
    if isinstance(text, timedelta):
        return text
    value = str(text)
    total, pos = 0.0, 0
    for match in _DURATION.finditer(value):
        if match.start() != pos:
            break
        total += float(match.group("n")) * _UNITS[match.group("unit")[0].lower()]
        pos = match.end()
    if pos != len(value) or not value.strip():
        raise CourseError(f"{where}: cannot read the extension {value!r}; write e.g. '2d', '36h', "
                          "'1 day 12 hours' or a number of hours")
    return timedelta(seconds=total)


def parse_time(text: object, tz: tzinfo, where: str) -> datetime:
    """A date and time as an aware UTC datetime; a time without a zone is in ``tz``."""
    if isinstance(text, datetime):
        value = text
    else:
        from dateutil import parser as dateparser

        try:
            value = dateparser.parse(str(text), tzinfos={"UTC": UTC, "Z": UTC})
        except (ValueError, OverflowError):
            raise CourseError(f"{where}: cannot read the date {text!r}; write e.g. "
                              "'2026-10-02 17:00' (in c.CourseLate.timezone) or '2026-10-02 17:00 UTC'") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def format_time(value: datetime | None) -> str:
    """The form times take in grades.csv and nbgrader's ``timestamp.txt`` (UTC)."""
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def describe_duration(seconds: float) -> str:
    """How late, in words: ``93784`` -> ``1 day 2 h 3 min`` (seconds only under a day).

    >>> describe_duration(86402), describe_duration(90), describe_duration(0)
    ('1 day', '1 min 30 s', '0 s')
    """
    s = int(round(seconds))
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    bits = [f"{days} day{'s' if days != 1 else ''}" if days else "", f"{hours} h" if hours else "",
            f"{minutes} min" if minutes else "", f"{s} s" if s and not days else ""]
    return " ".join(b for b in bits if b) or "0 s"


def builtin_penalty(score: float, seconds_late: float, percent_per_day: float, cap_percent: float) -> float:
    """The built-in rule: ``min(cap, percent_per_day * started days)`` percent of ``score``.

    >>> builtin_penalty(10, 0, 10, 50), builtin_penalty(10, 1, 10, 50), builtin_penalty(10, 86400, 10, 50)
    (0.0, 1.0, 1.0)
    >>> builtin_penalty(10, 86401, 10, 50), builtin_penalty(10, 30 * 86400, 10, 50)
    (2.0, 5.0)
    """
    if seconds_late <= 0 or score <= 0:
        return 0.0
    days = math.ceil(seconds_late / DAY)
    percent = min(max(cap_percent, 0.0), max(percent_per_day, 0.0) * days)
    return round(score * percent / 100.0, 6)


@dataclass(frozen=True)
class Lateness:
    """How late one student's submission of one assignment is."""

    submitted: datetime | None
    due: datetime | None
    extension: timedelta = timedelta(0)

    @property
    def deadline(self) -> datetime | None:
        return None if self.due is None else self.due + self.extension

    @property
    def seconds_late(self) -> float:
        if self.submitted is None or self.deadline is None:
            return 0.0
        return max(0.0, (self.submitted - self.deadline).total_seconds())


@dataclass
class LatePolicy:
    """The course's due dates, extensions and penalty rule (see the module's text)."""

    due: dict[str, datetime] = field(default_factory=dict)
    extensions: dict[str, dict[str, timedelta]] = field(default_factory=dict)
    timezone: tzinfo = UTC
    percent_per_day: float = 10.0
    cap_percent: float = 100.0
    grace: timedelta = timedelta(0)
    #: nbgrader's plugin instance when one is configured, else None (built-in rule)
    plugin: Any = None

    def lateness(self, assignment: str, student: str, submitted: datetime | None,
                 gradebook_due: datetime | None = None,
                 gradebook_extension: timedelta | None = None) -> Lateness:
        due = self.due.get(assignment, gradebook_due)
        extension = self.extensions.get(assignment, {}).get(student)
        if extension is None:
            extension = gradebook_extension or timedelta(0)
        return Lateness(submitted, due, extension + self.grace)

    def penalty(self, student: str, score: float, seconds_late: float) -> float:
        """Points taken off a notebook scoring ``score`` that is ``seconds_late`` late."""
        if seconds_late <= 0:
            return 0.0
        if self.plugin is not None:
            value = self.plugin.late_submission_penalty(student, score, seconds_late)
            if value is None:
                return 0.0
            return float(min(max(float(value), 0.0), max(score, 0.0)))  # nbgrader's _check_late_penalty
        return builtin_penalty(score, seconds_late, self.percent_per_day, self.cap_percent)

    def rule(self) -> str:
        """The rule in words, for the report, the feedback page and the docs."""
        if self.plugin is not None:
            method = getattr(self.plugin, "penalty_method", None)
            name = type(self.plugin).__name__
            return f"nbgrader's {name}" + (f" (penalty_method '{method}')" if method else "")
        cap = f", at most {self.cap_percent:g} %" if self.cap_percent < 100 else ""
        return f"{self.percent_per_day:g} % of the score per started day late{cap}"


def _plugin(config: Any) -> Any:
    """nbgrader's configured late-submission plugin, or None when none is configured."""
    from nbgrader.plugins import LateSubmissionPlugin

    alp = config.get("AssignLatePenalties", {}) if "AssignLatePenalties" in config else {}
    cls = alp.get("plugin_class") if hasattr(alp, "get") else None
    lsp = config.get("LateSubmissionPlugin", {}) if "LateSubmissionPlugin" in config else {}
    method = lsp.get("penalty_method") if hasattr(lsp, "get") else None
    if cls is None and method in (None, "none"):
        return None
    if isinstance(cls, str):
        from traitlets.utils.importstring import import_item

        try:
            cls = import_item(cls)
        except Exception as exc:
            raise CourseError(f"c.AssignLatePenalties.plugin_class = {cls!r} cannot be imported: {exc}") from None
    cls = cls or LateSubmissionPlugin
    return cls(config=config)


def _section(config: Any, name: str) -> Mapping[str, Any]:
    section = config.get(name, {}) if name in config else {}
    return section if hasattr(section, "get") else {}


def load_policy(course_root: Path) -> LatePolicy:
    """The late policy of the course in ``course_root`` (an empty one without a config)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from traitlets.config.loader import PyFileConfigLoader

    root = Path(course_root)
    if not (root / "nbgrader_config.py").is_file():
        return LatePolicy()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    section = _section(config, "CourseLate")
    where = f"{root / 'nbgrader_config.py'}: c.CourseLate"
    tzname = str(section.get("timezone") or "UTC")
    try:
        tz: tzinfo = UTC if tzname.upper() == "UTC" else ZoneInfo(tzname)
    except (ZoneInfoNotFoundError, ValueError):
        raise CourseError(f"{where}.timezone = {tzname!r} is not a time zone name (e.g. 'Europe/Berlin')") from None
    due_raw = section.get("due") or {}
    ext_raw = section.get("extensions") or {}
    if not isinstance(due_raw, Mapping) or not isinstance(ext_raw, Mapping):
        raise CourseError(f"{where}.due and .extensions are dicts keyed by assignment name")
    due = {str(a): parse_time(t, tz, f"{where}.due[{a!r}]") for a, t in due_raw.items()}
    extensions: dict[str, dict[str, timedelta]] = {}
    for assignment, people in ext_raw.items():
        if not isinstance(people, Mapping):
            raise CourseError(f"{where}.extensions[{assignment!r}] must be a dict {{student id: '2d'}}")
        extensions[str(assignment)] = {str(s): parse_duration(d, f"{where}.extensions[{assignment!r}][{s!r}]")
                                       for s, d in people.items()}

    def number(key: str, default: float) -> float:
        value = section.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise CourseError(f"{where}.{key} must be a number of at least 0, not {value!r}")
        return float(value)

    return LatePolicy(due=due, extensions=extensions, timezone=tz,
                      percent_per_day=number("percent_per_day", 10.0), cap_percent=number("cap_percent", 100.0),
                      grace=timedelta(minutes=number("grace_minutes", 0.0)), plugin=_plugin(config))


def counted_seconds(seconds_late: float, lms: str, lms_late: bool) -> float:
    """The lateness that counts: a Canvas submission without Canvas's own late mark is on time
    (Canvas knows the true submission time and its own extensions; a zip entry's time may not)."""
    return 0.0 if lms == "canvas" and not lms_late else seconds_late


def row_lateness(policy: LatePolicy, assignment: str, row: Mapping[str, str]) -> tuple[str, float]:
    """``(deadline, seconds late)`` of a grades.csv row under the policy as it is *now*.

    An extension added to ``nbgrader_config.py`` after grading counts without regrading: with a
    due date in the config, the lateness is computed again from ``submitted_at``; otherwise
    (nbgrader's own due date) the row's ``due`` and ``late_seconds`` stand.
    """
    submitted = row.get("submitted_at") or ""
    if assignment in policy.due and submitted:
        lateness = policy.lateness(assignment, row.get("student_id", ""), parse_time(submitted, UTC, "grades.csv"))
        seconds = counted_seconds(lateness.seconds_late, row.get("lms", ""), bool(row.get("lms_late")))
        return format_time(lateness.deadline), seconds
    try:
        seconds = float(row.get("late_seconds") or 0.0)
    except ValueError:
        seconds = 0.0
    return row.get("due", ""), seconds
