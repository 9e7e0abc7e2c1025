"""The fact tables and their views: row counts, dates, no silent drops, hand-counted views,
and every error path of the loaders and views.

Hand counts come from the CSV files in ``course_utils/data`` (sources in its README.md).
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources

import numpy as np
import pytest

import course_utils.data as data

CSV_FILES = {
    "nk_missile_launches.csv": data.load_launches,
    "nk_nuclear_tests.csv": data.load_nuclear_tests,
    "nk_timeline.csv": data.load_timeline,
}


def csv_lines(filename: str) -> list[str]:
    """The non-blank data lines (header left out) of a CSV file shipped in the package."""
    text = resources.files(data).joinpath(filename).read_text(encoding="utf-8")
    return [line for line in text.splitlines()[1:] if line.strip()]


# --------------------------------------------------------------------------- the tables
@pytest.mark.parametrize(
    ("loader", "rows"),
    [(data.load_launches, 339), (data.load_nuclear_tests, 6), (data.load_timeline, 41)],
)
def test_row_counts(loader, rows):
    # data/README.md: 339 launches, 6 nuclear tests, 41 timeline events
    assert len(loader()) == rows


@pytest.mark.parametrize("filename", sorted(CSV_FILES))
def test_every_csv_line_becomes_a_row(filename):
    assert len(CSV_FILES[filename]()) == len(csv_lines(filename))


def test_month_only_launch_dates_are_kept_with_their_precision():
    # data/README.md: early dates such as 1984-09 give only a month; none may be dropped.
    month_lines = [line for line in csv_lines("nk_missile_launches.csv")
                   if re.match(r"^\d{4}-\d{2},", line)]
    month_rows = [r for r in data.load_launches() if r.date_precision == "month"]
    assert len(month_lines) == len(month_rows) == 8
    assert all(r.date.day == 1 for r in month_rows)
    assert sorted(r.date.strftime("%Y-%m") for r in month_rows) == sorted(
        line[:7] for line in month_lines
    )
    assert {r.date_precision for r in data.load_launches()} == {"day", "month"}


def test_launches_are_in_date_order_with_known_classes():
    launches = data.load_launches()
    assert [r.date for r in launches] == sorted(r.date for r in launches)
    assert {r.missile_class for r in launches} <= set(data.MISSILE_CLASSES)
    assert launches[0].date == dt.date(1984, 4, 9)  # first line of the CSV: a Scud-B


def test_blank_measurements_become_none():
    # first CSV line, 1984-04-09 Scud-B, has neither apogee nor distance
    first = data.load_launches()[0]
    assert (first.apogee_km, first.distance_km) == (None, None)


def test_nuclear_tests():
    tests = data.load_nuclear_tests()
    assert [t.date.year for t in tests] == [2006, 2009, 2013, 2016, 2016, 2017]
    # data/README.md (USGS): the sixth test, 2017-09-03, mb 6.3, 50 to 250 kt
    sixth = tests[-1]
    assert (sixth.date, sixth.magnitude_mb, sixth.yield_kt_low, sixth.yield_kt_high) == (
        dt.date(2017, 9, 3), 6.3, 50.0, 250.0)
    assert all(t.yield_kt_low <= t.yield_kt_high for t in tests)


def test_each_yield_note_agrees_with_its_yield_columns():
    # The 2009 note once said "roughly 2 to 8 kt" beside columns of 2 to 6: every kiloton figure a
    # note gives must lie inside its own row's range.
    for t in data.load_nuclear_tests():
        figures = [float(x) for x in re.findall(r"(\d+(?:\.\d+)?)(?=(?:\s*to\s*\d+(?:\.\d+)?)?\s*kt)", t.note)]
        figures += [float(x) for x in re.findall(r"to (?:about )?(\d+(?:\.\d+)?)\s*kt", t.note)]
        for kt in figures:
            assert t.yield_kt_low <= kt <= t.yield_kt_high, (t.date, t.note)


def test_timeline_categories_and_article_date():
    events = data.load_timeline()
    assert {e.category for e in events} <= set(data.EVENT_CATEGORIES)
    # the 8 March 2018 summit announcement is on the timeline and is the article's date
    on_article_date = [e for e in events if e.date == data.ARTICLE_DATE]
    assert len(on_article_date) == 1 and "White House" in on_article_date[0].event


# --------------------------------------------------------------------------- derived views
def test_launches_in_2017_by_class():
    # hand count of the CSV: 21 launches in 2017
    counts = data.launches_per_year().for_year(2017)
    assert {c: n for c, n in counts.items() if n} == {
        "SRBM": 4, "MRBM": 7, "IRBM": 6, "ICBM": 3, "Unknown": 1}
    assert sum(counts.values()) == 21


def test_launches_per_year_keeps_every_year_and_every_launch():
    view = data.launches_per_year()
    assert view.years[0] == 1984 and np.all(np.diff(view.years) == 1)
    assert view.total().sum() == 339  # no launch lost between table and view
    assert view.classes == data.MISSILE_CLASSES


def test_launches_per_year_selection():
    view = data.launches_per_year(classes=["ICBM", "IRBM"], start_year=2016, end_year=2018)
    assert view.years.tolist() == [2016, 2017, 2018]
    assert view.classes == ("ICBM", "IRBM")
    assert view.counts[1].tolist() == [3, 6]  # hand count of the CSV for 2017


def test_record_apogee_of_2017_is_the_hwasong_15():
    # data/README.md (CNS): Hwasong-15, 28 November 2017 (UTC), apogee 4475 km
    records = {r.year: r for r in data.longest_range_per_year()}
    rec = records[2017]
    assert (rec.missile, rec.missile_class, rec.value_km, rec.date) == (
        "Hwasong-15", "ICBM", 4475.0, dt.date(2017, 11, 28))


def test_records_are_the_maxima_of_the_table():
    for measure in ("apogee_km", "distance_km"):
        records = data.longest_range_per_year(measure, classes=["ICBM"])
        for rec in records:
            values = [getattr(r, measure) for r in data.load_launches()
                      if r.date.year == rec.year and r.missile_class == "ICBM"
                      and getattr(r, measure) is not None]
            assert rec.value_km == max(values) and rec.missile_class == "ICBM"


@pytest.mark.parametrize(
    ("start", "end", "categories", "count"),
    [
        ("1990-01-01", "2030-01-01", None, 41),  # the whole timeline
        # hand count of nk_timeline.csv: 2017-07-04, 08-08, 09-03, 09-19, 11-28
        ("2017-01-01", "2017-12-31", None, 5),
        # hand count: both ends are included; one event on the article's date
        (data.ARTICLE_DATE, data.ARTICLE_DATE, None, 1),
        # hand count: 24 events up to the article (8 March 2018 included), 9 from then to mid-2019
        ("1994-10-21", data.ARTICLE_DATE, None, 24),
        (dt.date(2018, 3, 9), "2019-06-30", None, 9),
        # hand count: Budapest 1994, Iraq 2003, Libya 2003, Saddam 2006, UNSC 1973, Gaddafi 2011,
        # Crimea 2014, the Iran deal 2015 and the US withdrawal 2018
        ("1990-01-01", "2030-01-01", ["regional"], 9),
        # hand count: Stockholm 2019 to the Russia treaty 2024, 8 events after 2019-06-30
        ("2019-07-01", "2030-01-01", None, 8),
        ("2017-01-01", "2017-12-31", ("rhetoric",), 2),  # 'fire and fury', UN speech
        ("2000-01-01", "2001-01-01", None, 0),
    ],
)
def test_events_between_windows(start, end, categories, count):
    events = data.events_between(start, end, categories)
    assert len(events) == count
    lo, hi = (d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in (start, end))
    assert all(lo <= e.date <= hi for e in events)


def test_parse_date():
    assert data.parse_date("2017-11-28") == (dt.date(2017, 11, 28), "day")
    assert data.parse_date("1984-09") == (dt.date(1984, 9, 1), "month")


# --------------------------------------------------------------------------- errors
VIEW_ERRORS = [
    (lambda: data.launches_per_year(classes=["ICBM", "Scud"]),
     r"^classes must be among SRBM, MRBM, .*; got \['Scud'\]$"),
    (lambda: data.launches_per_year(start_year=2018, end_year=2017),
     r"^end_year must not be before start_year; got 2018\.\.2017$"),
    (lambda: data.launches_per_year().for_year(1950), r"^year must lie in 1984\.\.\d{4}; got 1950$"),
    (lambda: data.longest_range_per_year("range"),
     r"^measure must be 'apogee_km' or 'distance_km'; got 'range'$"),
    (lambda: data.longest_range_per_year(classes=["icbm"]), r"^classes must be among .*; got \['icbm'\]$"),
    (lambda: data.events_between("2018-01-01", "2017-01-01"),
     r"^end must not be before start; got 2018-01-01 \.\. 2017-01-01$"),
    (lambda: data.events_between(2017, "2018-01-01"),
     r"^dates must be datetime\.date or 'YYYY-MM-DD' strings; got 2017$"),
    (lambda: data.events_between("2017-13-01", "2018-01-01"),
     r"^not a date: '2017-13-01' \(expected YYYY-MM-DD or YYYY-MM\)$"),
    (lambda: data.events_between("2017-01-01", "2018-01-01", ["military"]),
     r"^categories must be among diplomacy, .*; got \['military'\]$"),
    (lambda: data.parse_date("March 2018"), r"^not a date: 'March 2018'"),
    (lambda: data.parse_date("2018"), r"^not a date: '2018'"),
]


@pytest.mark.parametrize(("call", "message"), VIEW_ERRORS)
def test_view_errors_say_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


HEADERS = {
    "nk_missile_launches.csv": ("date_utc,missile,missile_class,facility,outcome,apogee_km,distance_km,"
                                "assessed_class,assessed_source"),
    "nk_nuclear_tests.csv": "date,body_wave_magnitude_mb,yield_kt_low,yield_kt_high,note",
    "nk_timeline.csv": "date,category,event,source_hint,source_url",
}
BROKEN_ROWS = [
    ("nk_missile_launches.csv", "2017-11-28,Hwasong-15,ICBM,pyongyang,success,4475.0,950.0\n"
     "2017-13-01,Hwasong-15,ICBM,pyongyang,success,,", r"line 3: not a date: '2017-13-01'"),
    ("nk_missile_launches.csv", "2017-11-28,Hwasong-15,XRBM,pyongyang,success,,",
     r"line 2: unknown missile class 'XRBM'"),
    ("nk_missile_launches.csv", "2017-11-28,Hwasong-15,ICBM,pyongyang,success,high,",
     r"line 2: could not convert string to float: 'high'"),
    ("nk_nuclear_tests.csv", "2017-09-03,six,50,250,note", r"line 2: could not convert"),
    ("nk_timeline.csv", "2018-06-31,diplomacy,Singapore,press,", r"line 2: not a date: '2018-06-31'"),
    ("nk_timeline.csv", "2018-06-12,summit,Singapore,press,", r"line 2: unknown category 'summit'"),
    ("nk_missile_launches.csv", "2022-02-26,Unknown,Unknown,pyongyang,success,620.0,300.0,ICBM,",
     r"line 2: an assessed class needs its source"),
    ("nk_missile_launches.csv", "2022-02-26,Unknown,Unknown,pyongyang,success,620.0,300.0,XCBM,DoD",
     r"line 2: unknown assessed class 'XCBM'"),
    ("nk_missile_launches.csv", "2022-03-24,Hwasong-15,ICBM,pyongyang,success,6248.0,1090.0,IRBM,JCS",
     r"line 2: an assessed class is only for launches the table leaves Unknown, not ICBM"),
]


@pytest.fixture
def package_files(tmp_path, monkeypatch):
    """Point the loaders at a temporary folder and bypass their cache."""
    monkeypatch.setattr(data.resources, "files", lambda package: tmp_path)
    return tmp_path


@pytest.mark.parametrize(("filename", "body", "message"), BROKEN_ROWS)
def test_loaders_name_file_and_line_of_a_bad_row(package_files, filename, body, message):
    (package_files / filename).write_text(HEADERS[filename] + "\n" + body + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"^{re.escape(filename)}, {message}"):
        CSV_FILES[filename].__wrapped__()


@pytest.mark.parametrize("filename", sorted(CSV_FILES))
def test_loaders_name_missing_columns(package_files, filename):
    header = HEADERS[filename].replace("date", "day", 1)
    (package_files / filename).write_text(header + "\n", encoding="utf-8")
    missing = "date_utc" if filename == "nk_missile_launches.csv" else "date"
    with pytest.raises(ValueError, match=rf"^{re.escape(filename)}: missing columns \['{missing}'\]$"):
        CSV_FILES[filename].__wrapped__()



# --------------------------------------------------------------------------- rows added after 2019
NEW_EVENTS = [e for e in data.load_timeline() if e.source_url]
URL = re.compile(r"^https?://[\w.-]+\.[a-z]{2,}/\S*$")


def test_added_timeline_rows_are_the_ones_the_readme_lists():
    # data/README.md: 13 rows added in November 2026, each with a page in source_url
    assert len(NEW_EVENTS) == 13
    assert [e.date.isoformat() for e in NEW_EVENTS] == [
        "1994-12-05", "2014-03-18", "2015-07-14", "2018-05-08", "2018-09-19", "2019-10-05", "2020-01-01",
        "2020-06-16", "2022-03-10", "2022-09-08", "2023-09-27", "2024-01-15", "2024-06-19"]
    readme = resources.files(data).joinpath("README.md").read_text(encoding="utf-8")
    assert "| nk_timeline.csv | 41 |" in readme and "the 13 rows with a `source_url`" in readme


@pytest.mark.parametrize("event", NEW_EVENTS, ids=[e.date.isoformat() for e in NEW_EVENTS])
def test_each_added_event_has_a_day_a_known_category_and_a_source(event):
    assert event.date_precision == "day" and dt.date(1994, 1, 1) <= event.date <= dt.date(2026, 11, 30)
    assert event.category in data.EVENT_CATEGORIES
    assert len(event.source_hint) >= 10 and event.source_hint != "contemporary press reports"
    assert URL.match(event.source_url), event.source_url
    assert len(event.event) >= 30


def test_timeline_has_no_duplicates_and_stays_in_date_order():
    events = data.load_timeline()
    assert [e.date for e in events] == sorted(e.date for e in events)
    assert len({(e.date, e.event) for e in events}) == len(events)
    assert len({e.event for e in events}) == len(events)
    urls = [e.source_url for e in NEW_EVENTS]
    # one page may report two events (the Pentagon statement); no row is entered twice
    assert len({(e.date, e.source_url) for e in NEW_EVENTS}) == len(NEW_EVENTS) and len(set(urls)) >= 12


def test_the_events_the_problem_set_reads():
    by_date = {e.date: e for e in data.load_timeline()}
    pledge, end = by_date[dt.date(2018, 4, 20)], by_date[dt.date(2020, 1, 1)]
    assert "halt to nuclear and ICBM tests" in pledge.event and "no ground" in end.event
    assert "Stockholm" in by_date[dt.date(2019, 10, 5)].event
    assert "Pyongyang Joint Declaration" in by_date[dt.date(2018, 9, 19)].event
    assert "nuclear forces" in by_date[dt.date(2022, 9, 8)].event
    assert "constitution" in by_date[dt.date(2023, 9, 27)].event


# --------------------------------------------------------------------------- assessed classes
ASSESSED = [launch for launch in data.load_launches() if launch.assessed_class]


def test_assessed_classes_only_fill_unknowns_and_name_their_source():
    assert len(ASSESSED) == 14  # data/README.md
    readme = resources.files(data).joinpath("README.md").read_text(encoding="utf-8")
    assert "for 14 launches the table leaves `Unknown`" in readme
    for launch in ASSESSED:
        assert launch.missile_class == "Unknown" and launch.missile == "Unknown"
        assert launch.assessed_class in data.MISSILE_CLASSES and launch.assessed_class != "Unknown"
        assert re.search(r"\b(19|20)\d\d\b", launch.assessed_source), "the source gives its date"
        assert re.search(r"https?://\S+", launch.assessed_source), "the source gives a page"
        assert launch.best_class == launch.assessed_class
    others = [launch for launch in data.load_launches() if not launch.assessed_class]
    assert all(not launch.assessed_source and launch.best_class == launch.missile_class for launch in others)


def test_assessed_classes_by_date_as_the_readme_gives_them():
    got = sorted((launch.date.isoformat(), launch.assessed_class) for launch in ASSESSED)
    assert got == sorted([
        ("2022-02-26", "ICBM"), ("2022-03-04", "ICBM"),
        ("2022-05-24", "ICBM"), ("2022-05-24", "SRBM"), ("2022-05-24", "SRBM"),
        ("2022-11-02", "ICBM"), ("2022-11-02", "SRBM"), ("2022-11-02", "SRBM"),
        ("2022-11-03", "SRBM"), ("2022-11-03", "SRBM"), ("2022-11-03", "SRBM"),
        ("2022-12-18", "MRBM"), ("2022-12-18", "MRBM"), ("2024-05-27", "SLV")])
    # the one ICBM of 3 November 2022 (KST) is the 1,920 km apogee, not a short-range missile
    nov = [launch for launch in ASSESSED if launch.date == dt.date(2022, 11, 2) and launch.assessed_class == "ICBM"]
    assert [launch.apogee_km for launch in nov] == [1920.0]


def test_2022_icbm_counts_under_each_reading():
    # data/README.md: 3 ICBMs by the table's class, 7 with the assessed classes; 40 Unknown, then 27
    table = data.launches_per_year(start_year=2022, end_year=2022).for_year(2022)
    assessed = data.launches_per_year(start_year=2022, end_year=2022, assessed=True).for_year(2022)
    assert (table["ICBM"], assessed["ICBM"]) == (3, 7)
    assert (table["Unknown"], assessed["Unknown"]) == (40, 27)
    assert sum(table.values()) == sum(assessed.values()) == 69  # reclassifying never loses a launch
    # the default stays the table's own classes, for every year
    assert np.array_equal(data.launches_per_year().counts, data.launches_per_year(assessed=False).counts)
