"""The course's fact tables and the views lessons need.

Tables (see ``README.md`` in this folder for sources and attribution):

- :func:`load_launches`: one row per missile launched, 1984 to April 2026 (CNS database), with
  an assessed class (and its source) where the public record names a class the table leaves
  ``Unknown``.
- :func:`load_nuclear_tests`: the six nuclear tests (USGS magnitudes, yield ranges).
- :func:`load_timeline`: dated diplomatic, military and rhetorical events, 1994 to 2024, each with
  its source.

Views: :func:`launches_per_year`, :func:`longest_range_per_year`, :func:`events_between`.
Loaders read only files inside this package, parse every date (keeping month-only dates with
their precision) and raise ``ValueError`` naming the file and line of a row they cannot read.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import NamedTuple

import numpy as np

__all__ = [
    "MISSILE_CLASSES",
    "EVENT_CATEGORIES",
    "ARTICLE_DATE",
    "Launch",
    "NuclearTest",
    "Event",
    "YearCounts",
    "YearRecord",
    "load_launches",
    "load_nuclear_tests",
    "load_timeline",
    "launches_per_year",
    "longest_range_per_year",
    "events_between",
    "parse_date",
]

MISSILE_CLASSES = ("SRBM", "MRBM", "IRBM", "ICBM", "SLBM", "SLV", "HGV", "Unknown")
EVENT_CATEGORIES = ("diplomacy", "nuclear", "missile", "rhetoric", "regional", "leadership")
#: The article appeared after the 8 March 2018 announcement of the summit (FPRI, March 2018).
ARTICLE_DATE = dt.date(2018, 3, 8)


class Launch(NamedTuple):
    """One missile launched (CNS North Korea Missile Test Database)."""

    date: dt.date
    date_precision: str  # "day" or "month" (then ``date`` is the first of the month)
    missile: str
    missile_class: str
    facility: str
    outcome: str  # "success", "failure" or "unknown"
    apogee_km: float | None
    distance_km: float | None
    #: The class the public record attributes to a launch the table leaves ``Unknown`` ("" when
    #: none is attributed), and who attributes it (see README.md).
    assessed_class: str = ""
    assessed_source: str = ""

    @property
    def best_class(self) -> str:
        """The table's class, or the assessed class where the table says ``Unknown``."""
        return self.assessed_class if self.missile_class == "Unknown" and self.assessed_class else self.missile_class


class NuclearTest(NamedTuple):
    """One nuclear test: USGS body-wave magnitude and a range of yield estimates."""

    date: dt.date
    magnitude_mb: float
    yield_kt_low: float
    yield_kt_high: float
    note: str


class Event(NamedTuple):
    """One dated event on the timeline."""

    date: dt.date
    date_precision: str
    category: str
    event: str
    source_hint: str
    source_url: str = ""  # a page that reports the event (rows added from 2018 on carry one)


def parse_date(text: str) -> tuple[dt.date, str]:
    """Parse ``YYYY-MM-DD`` or a month-only ``YYYY-MM``; return the date and its precision.

    >>> parse_date("1984-09")
    (datetime.date(1984, 9, 1), 'month')
    """
    parts = text.strip().split("-")
    try:
        if len(parts) == 3:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2])), "day"
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1), "month"
    except ValueError:
        pass
    raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD or YYYY-MM)")


def _rows(filename: str, columns: Sequence[str]) -> Iterable[tuple[int, dict]]:
    with resources.as_file(resources.files(__name__).joinpath(filename)) as path, \
            open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{filename}: missing columns {missing}")
        yield from enumerate(reader, start=2)


def _optional_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _checked(filename: str, line: int, build):
    try:
        return build()
    except (ValueError, KeyError) as exc:
        raise ValueError(f"{filename}, line {line}: {exc}") from exc


@cache
def load_launches() -> tuple[Launch, ...]:
    """Every missile launched, in date order (339 rows, 1984 to April 2026)."""
    name = "nk_missile_launches.csv"
    cols = ("date_utc", "missile", "missile_class", "facility", "outcome", "apogee_km", "distance_km",
            "assessed_class", "assessed_source")

    def build(row):
        date, precision = parse_date(row["date_utc"])
        if row["missile_class"] not in MISSILE_CLASSES:
            raise ValueError(f"unknown missile class {row['missile_class']!r}")
        assessed, source = (row["assessed_class"] or "").strip(), (row["assessed_source"] or "").strip()
        if assessed and (assessed not in MISSILE_CLASSES or assessed == "Unknown"):
            raise ValueError(f"unknown assessed class {assessed!r}")
        if assessed and row["missile_class"] != "Unknown":
            raise ValueError("an assessed class is only for launches the table leaves Unknown, "
                             f"not {row['missile_class']}")
        if bool(assessed) != bool(source):
            raise ValueError("an assessed class needs its source, and a source its class")
        return Launch(date, precision, row["missile"], row["missile_class"], row["facility"],
                      row["outcome"], _optional_float(row["apogee_km"]),
                      _optional_float(row["distance_km"]), assessed, source)

    rows = [_checked(name, line, lambda r=row: build(r)) for line, row in _rows(name, cols)]
    return tuple(sorted(rows, key=lambda r: r.date))


@cache
def load_nuclear_tests() -> tuple[NuclearTest, ...]:
    """The six North Korean nuclear tests, 2006 to 2017."""
    name = "nk_nuclear_tests.csv"
    cols = ("date", "body_wave_magnitude_mb", "yield_kt_low", "yield_kt_high", "note")

    def build(row):
        date, _ = parse_date(row["date"])
        return NuclearTest(date, float(row["body_wave_magnitude_mb"]), float(row["yield_kt_low"]),
                           float(row["yield_kt_high"]), row["note"])

    return tuple(_checked(name, line, lambda r=row: build(r)) for line, row in _rows(name, cols))


@cache
def load_timeline() -> tuple[Event, ...]:
    """Dated events 1994 to 2024: diplomacy, nuclear and missile milestones, rhetoric, regional."""
    name = "nk_timeline.csv"
    cols = ("date", "category", "event", "source_hint", "source_url")

    def build(row):
        date, precision = parse_date(row["date"])
        if row["category"] not in EVENT_CATEGORIES:
            raise ValueError(f"unknown category {row['category']!r}")
        return Event(date, precision, row["category"], row["event"], row["source_hint"],
                     (row["source_url"] or "").strip())

    return tuple(_checked(name, line, lambda r=row: build(r)) for line, row in _rows(name, cols))


# --------------------------------------------------------------------------- views
class YearCounts(NamedTuple):
    """Launch counts: ``counts[i, j]`` missiles of ``classes[j]`` launched in ``years[i]``."""

    years: np.ndarray
    classes: tuple[str, ...]
    counts: np.ndarray

    def total(self) -> np.ndarray:
        """Launches per year over all the selected classes."""
        return self.counts.sum(axis=1)

    def for_year(self, year: int) -> dict[str, int]:
        """``{class: count}`` for one year (zeros included)."""
        i = int(np.searchsorted(self.years, year))
        if i >= len(self.years) or self.years[i] != year:
            raise ValueError(f"year must lie in {self.years[0]}..{self.years[-1]}; got {year}")
        return {c: int(n) for c, n in zip(self.classes, self.counts[i], strict=True)}


def _check_classes(classes: Iterable[str] | None) -> tuple[str, ...]:
    if classes is None:
        return MISSILE_CLASSES
    chosen = tuple(classes)
    unknown = [c for c in chosen if c not in MISSILE_CLASSES]
    if unknown:
        raise ValueError(f"classes must be among {', '.join(MISSILE_CLASSES)}; got {unknown}")
    return chosen


def launches_per_year(
    classes: Iterable[str] | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
    assessed: bool = False,
) -> YearCounts:
    """Missiles launched per year and class, with every year in the span (zeros kept).

    Parameters
    ----------
    classes : iterable of str, optional
        Missile classes to count (default: all of :data:`MISSILE_CLASSES`).
    start_year, end_year : int, optional
        Inclusive span (default: first to last year in the table).
    assessed : bool, default False
        Count a launch the table leaves ``Unknown`` under the class the public record attributes
        to it, where one is attributed (:attr:`Launch.best_class`); the default counts the
        table's own classes.
    """
    chosen = _check_classes(classes)
    launches = load_launches()
    first = launches[0].date.year if start_year is None else int(start_year)
    last = launches[-1].date.year if end_year is None else int(end_year)
    if last < first:
        raise ValueError(f"end_year must not be before start_year; got {first}..{last}")
    years = np.arange(first, last + 1)
    counts = np.zeros((len(years), len(chosen)), dtype=int)
    col = {c: j for j, c in enumerate(chosen)}
    for launch in launches:
        kind = launch.best_class if assessed else launch.missile_class
        if first <= launch.date.year <= last and kind in col:
            counts[launch.date.year - first, col[kind]] += 1
    return YearCounts(years, chosen, counts)


class YearRecord(NamedTuple):
    """The launch that set a year's record for a measure (apogee or distance)."""

    year: int
    value_km: float
    missile: str
    missile_class: str
    date: dt.date


def longest_range_per_year(measure: str = "apogee_km", classes: Iterable[str] | None = None
                           ) -> tuple[YearRecord, ...]:
    """For each year with a known value, the launch with the greatest apogee (default) or
    ground distance.

    Lofted ICBM tests fly high and land close, so apogee (``"apogee_km"``) is the usual
    yardstick of reach; ``"distance_km"`` gives ground range. Years with no known value are
    left out.
    """
    if measure not in ("apogee_km", "distance_km"):
        raise ValueError(f"measure must be 'apogee_km' or 'distance_km'; got {measure!r}")
    chosen = _check_classes(classes)
    best: dict[int, Launch] = {}
    for launch in load_launches():
        value = getattr(launch, measure)
        if value is None or launch.missile_class not in chosen:
            continue
        year = launch.date.year
        if year not in best or value > getattr(best[year], measure):
            best[year] = launch
    return tuple(
        YearRecord(y, getattr(rec, measure), rec.missile, rec.missile_class, rec.date)
        for y, rec in sorted(best.items())
    )


def _as_date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value)[0]
    raise ValueError(f"dates must be datetime.date or 'YYYY-MM-DD' strings; got {value!r}")


def events_between(start, end, categories: Iterable[str] | None = None) -> tuple[Event, ...]:
    """Timeline events with ``start <= date <= end`` (dates or ``'YYYY-MM-DD'`` strings),
    optionally only the given categories."""
    lo, hi = _as_date(start), _as_date(end)
    if hi < lo:
        raise ValueError(f"end must not be before start; got {lo} .. {hi}")
    cats = None
    if categories is not None:
        cats = tuple(categories)
        unknown = [c for c in cats if c not in EVENT_CATEGORIES]
        if unknown:
            raise ValueError(f"categories must be among {', '.join(EVENT_CATEGORIES)}; got {unknown}")
    return tuple(e for e in load_timeline() if lo <= e.date <= hi and (cats is None or e.category in cats))
