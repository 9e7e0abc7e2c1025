"""Lesson 1 explorer: the 2017 crisis in data.

Missiles launched per year and class (CNS North Korea Missile Test Database), the six nuclear
tests (USGS magnitudes) and the dated diplomacy and rhetoric of the timeline, on one time axis.
The student picks a window of years and the missile classes to count.
"""

from __future__ import annotations

import html
from typing import Any, NamedTuple

from .. import data, plots
from ._controls import checkbox_group
from ._fast import FastExplorer

#: The window the lesson opens on: the crisis year, the year before and the year of the talks.
DEFAULT_WINDOW = (2016, 2018)


class CrisisView(NamedTuple):
    """What the crisis explorer shows for one window and set of classes."""

    start: int
    end: int
    classes: tuple[str, ...]
    counts: data.YearCounts          # every year of the table, selected classes only
    total: int                       # missiles of the selected classes launched in the window
    busiest_year: int | None         # year with most launches in the window (None if none)
    busiest_count: int
    nuclear_tests: tuple[data.NuclearTest, ...]   # tests inside the window
    record: data.YearRecord | None   # highest apogee in the window among the selected classes
    events: tuple[tuple[int, data.Event], ...]    # numbered timeline events in the window


class CrisisExplorer(FastExplorer):
    """Pick a window of years and missile classes; see launches, tests and events together."""

    title = "The crisis in data: launches, nuclear tests, threats and talks"
    plot_caption = ("Top: stacked bars of North Korean missiles launched per year, by missile "
                    "class, over the chosen window of years. Bottom: a timeline of the nuclear "
                    "tests, ICBM launches and numbered diplomatic and rhetorical events over "
                    "the same years.")
    figsize = (7.6, 5.2)
    #: a new window of years moves the ticks, grids, markers and labels: all of them are among
    #: the artists :meth:`draw` returns, so the kept background (titles, legend, row names)
    #: never needs drawing again
    limits_move = True
    #: the timeline, grids and year labels change only with the window of years: kept drawn per
    #: window, so ticking a missile class redraws only the bars and the count axis
    layer_artists = ("grids", "markers", "labels", "years")

    def layer_key(self) -> tuple[int, int]:
        return self.result.start, self.result.end

    def make_controls(self) -> dict[str, Any]:
        w = self._w
        years = data.launches_per_year().years  # the span of the CNS table
        self.first_year, self.last_year = int(years[0]), int(years[-1])
        style = {"description_width": "8em"}
        layout = w.Layout(width="30em")
        return {
            "start_year": w.IntSlider(value=DEFAULT_WINDOW[0], min=self.first_year,
                                      max=self.last_year, description="From year", style=style,
                                      layout=layout, continuous_update=False),
            "end_year": w.IntSlider(value=DEFAULT_WINDOW[1], min=self.first_year, max=self.last_year,
                                    description="To year", style=style, layout=layout,
                                    continuous_update=False),
            "classes": checkbox_group("Missile classes (Space ticks or clears the focused box)",
                                      data.MISSILE_CLASSES, data.MISSILE_CLASSES),
        }

    def make_axes(self, figure):
        # not sharex: shared axes measure each other's tick labels on every draw
        top, bottom = figure.subplots(2, 1, height_ratios=(3, 2))
        top.tick_params(axis="x", bottom=False, labelbottom=False)
        return top, bottom

    # ------------------------------------------------------------------ model (here: data)
    def compute(self, start_year: int, end_year: int, classes) -> CrisisView:
        start, end = sorted((int(start_year), int(end_year)))  # "from 2018 to 2016" is 2016-2018
        chosen = tuple(c for c in data.MISSILE_CLASSES if c in tuple(classes))
        counts = data.launches_per_year(classes=chosen)
        in_window = (counts.years >= start) & (counts.years <= end)
        per_year = counts.total()[in_window]
        years = counts.years[in_window]
        total = int(per_year.sum())
        busiest = int(years[per_year.argmax()]) if total else None
        tests = tuple(t for t in data.load_nuclear_tests() if start <= t.date.year <= end)
        records = [r for r in data.longest_range_per_year(classes=chosen) if start <= r.year <= end]
        record = max(records, key=lambda r: r.value_km) if records else None
        events = tuple(n_e for n_e in _numbered_events() if start <= n_e[1].date.year <= end)
        return CrisisView(start, end, chosen, counts, total, busiest,
                          int(per_year.max()) if total else 0, tests, record, events)

    def draw(self, ax, result: CrisisView, values, artists):
        top, bottom = ax
        if artists is None:
            icbm = tuple(launch for launch in data.load_launches() if launch.missile_class == "ICBM")
            timeline = plots.plot_timeline(bottom, data.load_nuclear_tests(), icbm,
                                           _numbered_events())
            self._timeline = timeline["texts"]
            self._frame = None
            artists = {"bars": plots.plot_launches(top, result.counts,
                                                   window=(result.start, result.end)),
                       "grids": [plots.year_grid(axes, self.first_year, self.last_year + 1)
                                 for axes in (top, bottom)],
                       "markers": timeline["markers"], "labels": self._timeline,
                       "years": plots.year_labels(bottom, self.first_year, self.last_year)}
        else:
            plots.plot_launches(top, result.counts, artists["bars"],
                                window=(result.start, result.end))
        in_window = (result.counts.years >= result.start) & (result.counts.years <= result.end)
        ymax = max(5, 1.1 * float(result.counts.total()[in_window].max(initial=0)))
        frame = (result.start, result.end, ymax)
        if frame != self._frame:
            top.set_ylim(0, ymax)
            artists["counts"] = plots.count_ticks(top, ymax, artists.get("counts"))
            plots.set_year_window((top, bottom), result.start, result.end, self._timeline,
                                  artists["years"])
            self._frame = frame
        return artists

    def describe(self, result: CrisisView, values) -> str:
        span = (f"in {result.start}" if result.start == result.end
                else f"from {result.start} to {result.end}")
        if not result.classes:
            return f"No missile class is selected: pick at least one to count launches {span}."
        names = "all classes" if len(result.classes) == len(data.MISSILE_CLASSES) else (
            ", ".join(result.classes))
        parts = [f"CNS North Korea Missile Test Database: {result.total} missiles ({names}) "
                 f"launched {span}."]
        if result.busiest_year is not None and result.start != result.end:
            parts.append(f"Busiest year: {result.busiest_year} with {result.busiest_count}.")
        if result.record is not None:
            r = result.record
            parts.append(f"Highest apogee: {r.value_km:,.0f} km ({r.missile}, {r.missile_class}, "
                         f"{r.date.isoformat()}).")
        if result.nuclear_tests:
            tests = "; ".join(f"{t.date.isoformat()} (mb {t.magnitude_mb:.1f})"
                              for t in result.nuclear_tests)
            n = len(result.nuclear_tests)
            parts.append(f"{n} nuclear test{'s' if n > 1 else ''} (USGS): {tests}.")
        else:
            parts.append("No nuclear test in this window.")
        listed = f"{len(result.events)} timeline events in the window, listed below the plot"
        if result.end - result.start + 1 > 12:
            listed += " (their numbers show on the plot for windows of 12 years or less)"
        parts.append(listed + ".")
        return " ".join(parts)

    # ------------------------------------------------------------------ the numbered event list
    def event_lines(self) -> list[str]:
        """The numbered timeline events of the current window, one line each."""
        return [f"{n}. {e.date.isoformat()} ({e.category}): {e.event}" for n, e in self.result.events]

    def update(self) -> None:
        super().update()
        if not hasattr(self, "event_list"):
            self.event_list = self._w.HTML()
        items = "".join(f"<li value='{n}'>{html.escape(e.date.isoformat())} "
                        f"<i>({html.escape(e.category)})</i>: {html.escape(e.event)}</li>"
                        for n, e in self.result.events)
        self.event_list.value = (f"<ol style='font-size:0.9em'>{items}</ol>" if items
                                 else "<p>No timeline events in this window.</p>")

    @property
    def widget(self):
        if self._widget is None:
            box = super().widget
            *shown, helper = box.children
            box.children = (*shown, self.event_list, helper)
        return self._widget

    def close(self) -> None:
        self.event_list.close()
        super().close()


def _numbered_events() -> tuple[tuple[int, data.Event], ...]:
    """Timeline events numbered 1, 2, ... in date order, nuclear tests left out (the tests row
    of the plot shows them from the USGS table)."""
    events = [e for e in data.load_timeline() if e.category != "nuclear"
              or "test" not in e.event.lower()]
    return tuple(enumerate(events, start=1))
