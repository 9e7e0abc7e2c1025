"""Matplotlib drawing for the course: functions that take model results and an ``Axes``.

Conventions (docs/design.md): every plot function is named ``plot_*``; it takes model results
(computed by the caller with ``course_utils.models``, over a grid when it draws a curve) and
never computes a formula or calls a model itself; it draws on the ``Axes`` it is given and
returns the artists it made, so an explorer can update data instead of rebuilding the figure. Colours
come from :data:`PALETTE` (Okabe-Ito, safe for the common forms of colour blindness), and every
meaning is carried by a second channel too: line style, marker, hatch or a direct text label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure
from matplotlib.text import Text as MplText

#: Okabe & Ito (2008), "Color Universal Design": distinguishable under deuteranopia,
#: protanopia and tritanopia.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

#: Roles used across the course, each with a colour *and* a line style / hatch.
US_STYLE: dict[str, Any] = {"color": PALETTE["blue"], "linestyle": "-", "marker": "o"}
NK_STYLE: dict[str, Any] = {"color": PALETTE["vermillion"], "linestyle": "--", "marker": "s"}
DEAL_STYLE: dict[str, Any] = {"facecolor": PALETTE["green"], "alpha": 0.25, "hatch": "//",
                              "edgecolor": PALETTE["green"]}
WAR_STYLE: dict[str, Any] = {"color": PALETTE["black"], "linestyle": ":"}
MISSILE_CLASS_STYLE = {
    "SRBM": {"color": PALETTE["sky"], "hatch": ""},
    "MRBM": {"color": PALETTE["green"], "hatch": "||"},
    "IRBM": {"color": PALETTE["orange"], "hatch": "//"},
    "ICBM": {"color": PALETTE["vermillion"], "hatch": "xx"},
    "SLBM": {"color": PALETTE["blue"], "hatch": "\\\\"},
    "SLV": {"color": PALETTE["purple"], "hatch": "--"},
    "HGV": {"color": PALETTE["yellow"], "hatch": ".."},
    "Unknown": {"color": "#999999", "hatch": "++"},
}


def new_figure(width: float = 6.4, height: float = 3.6, dpi: int = 80) -> Figure:
    """A figure outside pyplot's registry: nothing to close, never auto-displayed twice.

    Explorers and lessons draw on these; a notebook shows one with ``display(fig)``.
    """
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    return fig


# =========================================================================== data and bargaining
# (lessons 1-3 and 5: crisis data, bargaining range, issue linkage, risk-return)

if TYPE_CHECKING:  # names for annotations only: importing them here would cost import time
    import datetime as dt

    from matplotlib.axes import Axes
    from matplotlib.collections import LineCollection
    from matplotlib.text import Text

    from .data import Event, Launch, NuclearTest, YearCounts
    from .models import Linkage, Offer, Range

#: Font sizes used by the plots, readable at the widgets' size (about 80 dpi).
TITLE_SIZE, LABEL_SIZE, TICK_SIZE, NOTE_SIZE = 11, 10, 9, 8

#: Rows of the crisis timeline: (label, marker, colour, categories of ``nk_timeline.csv``).
TIMELINE_ROWS = (
    ("nuclear test (USGS)", "^", PALETTE["vermillion"], ()),
    ("ICBM launch (CNS)", "o", PALETTE["orange"], ("missile",)),
    ("rhetoric", "D", PALETTE["purple"], ("rhetoric",)),
    ("diplomacy", "s", PALETTE["blue"], ("diplomacy",)),
    ("other events", "x", PALETTE["black"], ("nuclear", "regional", "leadership")),
)


class LayoutCachedText(MplText):
    """:class:`matplotlib.text.Text` whose layout is worked out once per string and style.

    A text's layout (its size and the offsets of its lines, from font metrics) does not depend
    on where it stands; matplotlib works it out again at every draw, which costs more than
    painting a string whose glyphs are already rendered (``explorers._fast``). The labels the
    plot functions make (event numbers, years, readouts on the plot) are of this class.
    """

    _layouts: dict[tuple, Any] = {}

    def _get_layout(self, renderer):
        if self.get_usetex() or self.get_wrap():
            return super()._get_layout(renderer)
        prop = self.get_fontproperties()
        key = (self.get_text(), tuple(prop.get_family()), prop.get_style(), prop.get_variant(),
               prop.get_weight(), prop.get_stretch(), prop.get_size_in_points(),
               prop.get_file(), self.get_rotation(), self.get_horizontalalignment(),
               self.get_verticalalignment(), self.get_rotation_mode(), self._multialignment,
               self._linespacing, self.get_antialiased(), self.get_figure(root=True).dpi)
        layout = self._layouts.get(key)
        if layout is None:
            if len(self._layouts) > 4096:
                self._layouts.clear()
            layout = self._layouts[key] = super()._get_layout(renderer)
        return layout


def _text(ax: Axes, x: float, y: float, s: str, **kwargs: Any) -> Text:
    """``ax.text(x, y, s, **kwargs)``, as a :class:`LayoutCachedText`."""
    options: dict[str, Any] = {"verticalalignment": "baseline", "horizontalalignment": "left",
                               "transform": ax.transData, "clip_on": False}
    aliases = {"va": "verticalalignment", "ha": "horizontalalignment"}
    options.update({aliases.get(k, k): v for k, v in kwargs.items()})
    text = LayoutCachedText(x, y, s, **options)
    ax.add_artist(text)  # sets its clip path to the axes' patch, as ax.text does
    return text


def _cached_title(ax: Axes, title: str = "") -> Text:
    """``ax``'s left title, set to ``title`` and made a :class:`LayoutCachedText` in place, so a
    title rewritten at every change of an explorer is laid out once per string."""
    text = ax.set_title(title, fontsize=TITLE_SIZE, loc="left")
    text.__class__ = LayoutCachedText  # adds no state: only _get_layout differs
    return text


def _label_axes(ax: Axes, title: str, xlabel: str, ylabel: str) -> Text:
    """Title (left-aligned), axis labels and tick sizes; returns the title ``Text``."""
    text = _cached_title(ax, title)
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    return text


def freeze_layout(figure: Figure) -> None:
    """Lay the figure out once (constrained layout), then keep that layout.

    Saving a figure that still has a layout engine draws it twice (once to lay it out); an
    explorer whose axes and labels keep their size can skip that on every redraw. The axis
    labels stay where the layout put them too (otherwise every draw of an axis measures all its
    tick labels again to place its label).
    """
    figure.draw_without_rendering()
    figure.set_layout_engine(None)
    for ax in figure.axes:
        to_axes = ax.transAxes.inverted()
        for axis in (ax.xaxis, ax.yaxis):
            if axis.label.get_text():
                label = axis.label
                x, y = to_axes.transform(label.get_transform().transform(label.get_position()))
                axis.set_label_coords(x, y)


def decimal_year(date: dt.date) -> float:
    """A ``datetime.date`` as a fractional year (2017-07-04 -> about 2017.5), for time axes."""
    start = type(date)(date.year, 1, 1)
    days = (type(date)(date.year + 1, 1, 1) - start).days
    return date.year + (date - start).days / days


def plot_launches(ax: Axes, counts: YearCounts, artists: dict[str, Any] | None = None,
                window: tuple[int, int] | None = None) -> dict[str, Any]:
    """Stacked bars of missiles launched per year and class (``data.YearCounts``).

    Every class of :data:`MISSILE_CLASS_STYLE` gets one patch holding all its bars (empty when
    it is not in ``counts.classes``) with its own colour *and* hatch, so the legend is readable
    without colour. Bars are centred on ``year + 0.5`` so they share an axis with
    :func:`plot_timeline`. On later calls pass the returned dict as ``artists``: only the
    patches' outlines change.

    One patch per class rather than one polygon per bar: Agg lays a hatch over each path it
    fills on its own, so forty years of hatched bars cost four times as much drawn one by one
    (13 ms against 3 ms, ``benchmarks/README.md``).

    Parameters
    ----------
    ax : Axes
        Where to draw.
    counts : data.YearCounts
        Launches per year and class, for every year of the span (zeros kept).
    artists : dict, optional
        What the previous call returned.
    window : (int, int), optional
        The years shown: bars outside are left out (cheaper to draw than to clip).

    Returns
    -------
    dict
        ``{missile class: PathPatch}``.
    """
    from matplotlib.patches import PathPatch

    heights = {c: np.zeros(len(counts.years)) for c in MISSILE_CLASS_STYLE}
    for j, cls in enumerate(counts.classes):
        heights[cls] = counts.counts[:, j].astype(float)
    left, right = counts.years + 0.1, counts.years + 0.9
    shown = (np.ones(len(counts.years), dtype=bool) if window is None
             else (counts.years >= window[0]) & (counts.years <= window[1]))
    bottom = np.zeros(len(counts.years))
    paths = {}
    for cls in MISSILE_CLASS_STYLE:
        top = bottom + heights[cls]
        keep = (heights[cls] > 0) & shown
        paths[cls] = _rectangles(left[keep], right[keep], bottom[keep], top[keep])
        bottom = top
    if artists is None:
        artists = {}
        for cls, style in MISSILE_CLASS_STYLE.items():
            artists[cls] = PathPatch(paths[cls], facecolor=style["color"], edgecolor="#333333",
                                     linewidth=0.4, hatch=style["hatch"] or None, label=cls)
            ax.add_patch(artists[cls])
        _label_axes(ax, "Missiles launched per year (CNS database)", "", "")
        handles = list(artists.values())[::-1]  # top of the legend = top of the stack
        ax.legend(handles, [h.get_label() for h in handles], loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), fontsize=NOTE_SIZE, title="class",
                  title_fontsize=NOTE_SIZE, frameon=False)
        return artists
    for cls, patch in artists.items():
        patch.set_path(paths[cls])
        # an empty hatched patch costs its hatch too; hidden only here, after the first call,
        # since the legend's entries copy their patch as it is when the legend is made
        patch.set_visible(len(paths[cls].vertices) > 0)
    return artists


def _rectangles(x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> Any:
    """One path made of the rectangles ``[x0, x1] x [y0, y1]`` (element by element)."""
    from matplotlib.path import Path

    n = len(x0)
    vertices = np.empty((n, 5, 2))
    vertices[:, :, 0] = np.column_stack([x0, x0, x1, x1, x0])
    vertices[:, :, 1] = np.column_stack([y0, y1, y1, y0, y0])
    codes = np.tile(np.array([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY],
                             dtype=Path.code_type), n)
    return Path(vertices.reshape(-1, 2), codes)


def plot_timeline(ax: Axes, nuclear_tests: Sequence[NuclearTest], icbm_launches: Sequence[Launch],
                  events: Sequence[tuple[int, Event]]) -> dict[str, Any]:
    """Draw the dated events on rows (see :data:`TIMELINE_ROWS`), once.

    Returns ``{"texts": [...], "markers": [...]}``: the labels (magnitudes and event numbers,
    for :func:`set_year_window`) and the marker collections, one per row.

    ``nuclear_tests`` are ``data.NuclearTest`` rows (labelled with their USGS magnitude),
    ``icbm_launches`` are ``data.Launch`` rows, ``events`` are numbered ``(number, Event)``
    pairs from the timeline (leave nuclear tests out: the tests row shows them; other
    "nuclear" events such as leaving the NPT go on the last row). Each
    row has its own marker shape as well as colour. The event numbers are drawn next to the
    markers; the explorer lists the numbered events in words.
    """
    texts, markers = [], []
    n_rows = len(TIMELINE_ROWS)
    row_y = {i: n_rows - 1 - i for i in range(n_rows)}  # first row on top
    row_of = {cat: i for i, row in enumerate(TIMELINE_ROWS) for cat in row[3]}
    for i in range(n_rows):
        ax.axhline(row_y[i], color="#dddddd", linewidth=0.8, zorder=0)
    test_x = [decimal_year(t.date) for t in nuclear_tests]
    markers.append(_markers(ax, test_x, row_y[0], "^", 50, TIMELINE_ROWS[0][2], zorder=3))
    for x, t in zip(test_x, nuclear_tests, strict=True):
        texts.append(_text(ax, x, row_y[0] - 0.28, f"{t.magnitude_mb:.1f}", ha="center",
                             va="top", fontsize=NOTE_SIZE - 1, clip_on=True))
    icbm_x = [decimal_year(launch.date) for launch in icbm_launches]
    markers.append(_markers(ax, icbm_x, row_y[1], "o", 30, TIMELINE_ROWS[1][2], zorder=3))
    for i, (_label, marker, colour, cats) in enumerate(TIMELINE_ROWS[1:], start=1):
        xs = [decimal_year(e.date) for _n, e in events if e.category in cats]
        markers.append(_markers(ax, xs, row_y[i], marker, 36, colour, zorder=4))
    seen = {i: 0 for i in range(n_rows)}
    for number, event in events:
        row = row_of[event.category]
        x, y = decimal_year(event.date), row_y[row]
        above = seen[row] % 2 == 1  # alternate below/above so close events stay legible
        seen[row] += 1
        texts.append(_text(ax, x, y + (0.22 if above else -0.22), str(number), ha="center",
                             va="bottom" if above else "top", fontsize=NOTE_SIZE, clip_on=True))
    ax.set_yticks(range(len(TIMELINE_ROWS)))
    ax.set_yticklabels([row[0] for row in reversed(TIMELINE_ROWS)])
    ax.set_ylim(-0.8, len(TIMELINE_ROWS) - 0.2)
    _label_axes(ax, "Events (see list below); ▲ label: magnitude mb", "", "")
    return {"texts": texts, "markers": markers}


def _markers(ax: Axes, xs: Sequence[float], y: float, marker: str, area: float, colour: str,
             zorder: float) -> Any:
    """One row of same-sized markers at ``xs`` (``area`` in points squared, as ``scatter``'s
    ``s``), filled ones edged in black. A line of markers rather than a scatter: Agg stamps one
    rendered marker along it, where a scatter measures its marker's curves at every draw."""
    filled = marker != "x"
    (line,) = ax.plot(xs, [y] * len(xs), linestyle="none", marker=marker,
                      markersize=float(np.sqrt(area)), color=colour, markerfacecolor=colour,
                      markeredgecolor="black" if filled else colour,
                      markeredgewidth=0.5 if filled else 1.0, zorder=zorder)
    return line


def set_year_window(axes: Sequence[Axes], start: int, end: int, texts: Sequence[Text] = (),
                    years: Sequence[Text] = ()) -> None:
    """Show the whole years ``start..end`` on every axes of the crisis figure. ``texts`` (from
    :func:`plot_timeline`) outside the window, or all of them when the window is longer than
    12 years, are hidden; of ``years`` (from :func:`year_labels`) those inside the window are
    shown, every year, every second or every fifth as the window grows."""
    lo, hi = start - 0.05, end + 1.05
    span = end - start + 1
    step = 1 if span <= 10 else 2 if span <= 20 else 5
    for ax in axes:
        ax.set_xlim(lo, hi)
        if len(ax.get_xticks()):
            ax.set_xticks([])  # the years are labelled by year_labels; boundaries by year_grid
    for label in years:
        year = int(label.get_text())
        label.set_visible(start <= year <= end and year % step == 0)
    for text in texts:  # numbers would pile up over long spans: shown for 12 years or less
        text.set_visible(span <= 12 and lo <= text.get_position()[0] <= hi)


def year_labels(ax: Axes, first: int, last: int, xlabel: str = "year") -> list[Text]:
    """The year numbers ``first..last`` centred under each year, and ``xlabel`` under them.

    Texts rather than tick labels: showing and hiding a few texts costs a fraction of
    re-laying out an axis's ticks when the window of years moves (:func:`set_year_window`).
    """
    from matplotlib.transforms import offset_copy

    below = offset_copy(ax.get_xaxis_transform(), fig=ax.get_figure(root=True), y=-3.5, units="points")
    labels = [_text(ax, year + 0.5, 0, str(year), transform=below, ha="center", va="top",
                      fontsize=TICK_SIZE, clip_on=False) for year in range(first, last + 1)]
    under = offset_copy(ax.transAxes, fig=ax.get_figure(root=True), y=-(5 + 1.6 * TICK_SIZE), units="points")
    _text(ax, 0.5, 0, xlabel, transform=under, ha="center", va="top", fontsize=LABEL_SIZE)
    return labels


def count_ticks(ax: Axes, top: float, artists: dict[str, Any] | None = None,
                ylabel: str = "missiles launched\n(count per year)", integer: bool = True,
                width: int = 2, side: str = "left") -> dict[str, Any]:
    """Ticks and labels on the y axis from 0 to ``top`` (at most six; whole numbers unless
    ``integer`` is false), on the ``side`` ("left" or "right") of the axes, and ``ylabel``
    beside them, clear of tick labels up to ``width`` characters wide; on later calls pass the
    returned dict as ``artists``.

    Texts and one marker line rather than the axis's own ticks: moving them costs a fraction of
    re-laying out an axis when the range changes with every window of years (or every step of
    a slider). The axes keep no ticks of their own.
    """
    from matplotlib.lines import Line2D
    from matplotlib.markers import TICKLEFT, TICKRIGHT, MarkerStyle
    from matplotlib.ticker import MaxNLocator
    from matplotlib.transforms import offset_copy

    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right'; got {side!r}")
    out = -1 if side == "left" else 1  # the direction away from the axes
    outward = "right" if side == "left" else "left"  # text alignment toward the axes
    values = [int(v) if integer else round(float(v), 10)
              for v in MaxNLocator(nbins=5, integer=integer).tick_values(0, top) if 0 <= v <= top + 1e-9]
    if artists is None:
        ax.set_yticks([])
        edge = ax.get_yaxis_transform()  # x in axes coordinates, y in data
        marks = Line2D([], [], transform=edge, linestyle="none", color="black", clip_on=False,
                       marker=MarkerStyle(TICKLEFT if side == "left" else TICKRIGHT),
                       markersize=3.5, markeredgewidth=0.8)
        ax.add_line(marks)
        artists = {"marks": marks, "labels": [], "x": 0 if side == "left" else 1,
                   "align": outward,
                   "place": offset_copy(edge, fig=ax.get_figure(root=True), x=7 * out, units="points")}
        beside = offset_copy(ax.transAxes, fig=ax.get_figure(root=True),
                             x=out * (9 + 0.7 * TICK_SIZE * width), units="points")
        _text(ax, artists["x"], 0.5, ylabel, transform=beside, rotation=90, ha=outward,
              va="center", fontsize=LABEL_SIZE, multialignment="center")
    labels = artists["labels"]  # as many texts as ticks have been shown at once, reused
    while len(labels) < len(values):
        labels.append(_text(ax, artists["x"], 0, "", transform=artists["place"],
                            ha=artists["align"], va="center", fontsize=TICK_SIZE))
    for i, label in enumerate(labels):
        label.set_visible(i < len(values))
        if i < len(values):
            label.set_y(values[i])
            label.set_text(f"{values[i]:g}")
    artists["marks"].set_data([artists["x"]] * len(values), values)
    return artists


def year_grid(ax: Axes, first: int, last: int) -> LineCollection:
    """Light vertical lines at the start of each year ``first..last`` (one cheap collection,
    instead of a minor tick per year)."""
    from matplotlib.collections import LineCollection

    lines = LineCollection([[(y, 0), (y, 1)] for y in range(first, last + 1)],
                           transform=ax.get_xaxis_transform(), colors="#e4e4e4",
                           linewidths=0.8, zorder=0)
    ax.add_collection(lines, autolim=False)
    return lines


def plot_bargaining_range(ax: Axes, rng: Range, war_us: float, war_nk: float,
                          options: Sequence[float] | None, deals: Sequence[float],
                          artists: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fearon's diagram: each side's payoff from every split, its war payoff and the range.

    ``rng`` is a ``models.Range``; ``war_us`` and ``war_nk`` are the war payoffs
    (``p - cost_a`` and ``1 - p - cost_b``); ``options`` are the splits that can be implemented
    (``None`` when any split can) and ``deals`` those of them inside the range. The US payoff
    is a solid line with circles, North Korea's dashed with squares; the range is a hatched band
    labelled in words; implementable splits are diamonds, filled inside the range and hollow
    outside.

    Parameters
    ----------
    ax : Axes
        Where to draw.
    rng : models.Range
        The bargaining range.
    war_us, war_nk : float
        Each side's expected payoff from war.
    options : sequence of float or None
        The splits that can be implemented (None: any split).
    deals : sequence of float
        Those of ``options`` inside the range.
    artists : dict, optional
        What the previous call returned (its artists are updated in place).

    Returns
    -------
    dict
        The artists by role (``"us"``, ``"nk"``, ``"band"``, ...).
    """
    x = np.linspace(0.0, 1.0, 11)
    opts = np.asarray([] if options is None else options, dtype=float)
    inside = np.isin(opts, np.asarray(deals, dtype=float))
    if artists is None:
        a: dict[str, Any] = {}
        a["us"], = ax.plot(x, x, label="US payoff, x", markevery=5, markersize=5, **US_STYLE)
        a["nk"], = ax.plot(x, 1 - x, label="NK payoff, 1 − x", markevery=5, markersize=5,
                           **NK_STYLE)
        a["war_us"] = ax.axhline(war_us, color=US_STYLE["color"], linestyle=":", linewidth=1.5)
        a["war_nk"] = ax.axhline(war_nk, color=NK_STYLE["color"], linestyle="-.", linewidth=1.5)
        a["war_us_txt"] = _text(ax, 0.01, war_us, "US war payoff", fontsize=NOTE_SIZE, va="bottom",
                                  color=US_STYLE["color"])
        a["war_nk_txt"] = _text(ax, 0.99, war_nk, "NK war payoff", fontsize=NOTE_SIZE, va="bottom",
                                  ha="right", color=NK_STYLE["color"])
        a["band"] = ax.axvspan(rng.low, rng.high, label="bargaining range", **DEAL_STYLE)
        a["band_txt"] = _text(ax, (rng.low + rng.high) / 2, 0.97, "deals both\nprefer to war",
                                ha="center", va="top", fontsize=NOTE_SIZE,
                                transform=ax.get_xaxis_transform(),
                                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        # implementable deals sit just above the x axis (axes coordinates for y)
        a["in"], = ax.plot([], [], linestyle="none", marker="D", markersize=10, clip_on=False,
                           color=PALETTE["green"], markeredgecolor="black",
                           transform=ax.get_xaxis_transform(), label="deal on offer: in range")
        a["out"], = ax.plot([], [], linestyle="none", marker="D", markersize=10, fillstyle="none",
                            color=PALETTE["black"], clip_on=False, markeredgewidth=1.5,
                            transform=ax.get_xaxis_transform(), label="deal on offer: outside")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.0)
        _label_axes(ax, "Fearon's bargaining range",
                    "deal x (0: NK keeps its arsenal, NK's stated position;\n"
                    "1: complete denuclearization, the US's stated position)",
                    "payoff (share of the good)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=NOTE_SIZE, frameon=False)
        artists = a
    a = artists
    a["war_us"].set_ydata([war_us, war_us])
    a["war_nk"].set_ydata([war_nk, war_nk])
    # the label of the higher war payoff sits above its line, the lower one's below
    a["war_us_txt"].set_y(war_us)
    a["war_us_txt"].set_va("bottom" if war_us >= war_nk else "top")
    a["war_nk_txt"].set_y(war_nk)
    a["war_nk_txt"].set_va("bottom" if war_nk > war_us else "top")
    lo, hi = float(rng.low), float(rng.high)
    a["band"].set_x(lo)
    a["band"].set_width(max(hi - lo, 0.0))
    a["band"].set_visible(hi >= lo)
    a["band_txt"].set_x((lo + hi) / 2)
    a["band_txt"].set_text("deals both\nprefer to war" if hi >= lo else "")
    a["band_txt"].set_visible(hi >= lo)
    a["in"].set_data(opts[inside], np.full(inside.sum(), 0.04))
    a["out"].set_data(opts[~inside], np.full((~inside).sum(), 0.04))
    return a


def plot_linkage(ax: Axes, s_grid: np.ndarray, d_grid: np.ndarray, us_ok: np.ndarray,
                 nk_ok: np.ndarray, deal: Linkage, full_row: tuple[float, float] | None,
                 issue_label: str, artists: dict[str, Any] | None = None) -> dict[str, Any]:
    """Deals over two linked issues: which ``(s, d)`` each side prefers to the status quo.

    ``us_ok`` and ``nk_ok`` are boolean grids (rows: ``d_grid``, columns: ``s_grid``) of where
    each side's utility (from ``models.linkage_utilities``) is at least zero; ``deal`` is the
    ``models.Linkage`` result, ``full_row`` the ``(s_low, s_high)`` concessions for which
    complete denuclearization is acceptable to both (``None`` if none). The US boundary is a solid
    line, North Korea's dashed; deals both accept are a hatched region; the Nash deal is a star.

    Parameters
    ----------
    ax : Axes
        Where to draw.
    s_grid, d_grid : numpy.ndarray
        The concessions (columns) and denuclearization levels (rows) of the grids.
    us_ok, nk_ok : numpy.ndarray of bool
        Where each side prefers the deal to the status quo.
    deal : models.Linkage
        The Nash deal and what it gives.
    full_row : (float, float) or None
        The concessions that make complete denuclearization acceptable to both.
    issue_label : str
        The second issue, named in the title.
    artists : dict, optional
        What the previous call returned.

    Returns
    -------
    dict
        The artists by role (``"us"``, ``"nk"``, ``"region"``, ``"nash"``, ``"title"``, ...).
    """
    both = us_ok & nk_ok

    def boundary(ok, first):
        # the first (or last) s a side accepts, row by row: NaN where it accepts none or all
        idx = np.argmax(ok, axis=1) if first else ok.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1)
        return np.where(ok.any(axis=1), s_grid[idx], np.nan)

    def edge(ok, first):
        # a side's indifference line: where its acceptance switches inside the square
        return np.where(ok.all(axis=1), np.nan, boundary(ok, first))

    us_edge = edge(us_ok, first=False)       # US accepts for s up to here
    nk_edge = edge(nk_ok, first=True)        # NK accepts for s from here
    lo = boundary(both, first=True)
    hi = boundary(both, first=False)
    rows = ~np.isnan(lo)
    poly = (np.concatenate([np.c_[lo[rows], d_grid[rows]], np.c_[hi[rows], d_grid[rows]][::-1]])
            if rows.any() else np.zeros((0, 2)))
    if artists is None:
        a: dict[str, Any] = {}
        a["us"], = ax.plot(us_edge, d_grid, color=US_STYLE["color"], linestyle="-", linewidth=2,
                           label="US indifferent (accepts to the left)")
        a["nk"], = ax.plot(nk_edge, d_grid, color=NK_STYLE["color"], linestyle="--", linewidth=2,
                           label="NK indifferent (accepts to the right)")
        from matplotlib.patches import Polygon

        a["region"] = Polygon(poly if len(poly) else np.zeros((1, 2)), closed=True,
                              label="deals both accept", **DEAL_STYLE)
        ax.add_patch(a["region"])
        a["full"], = ax.plot([], [], color=PALETTE["black"], linewidth=5, solid_capstyle="butt",
                             label="complete denuclearization, acceptable")
        a["nash"], = ax.plot([], [], linestyle="none", marker="*", markersize=15,
                             color=PALETTE["yellow"], markeredgecolor="black", label="Nash deal")
        ax.plot([0], [0], linestyle="none", marker="o", color="black", markersize=6)
        _text(ax, 0.03, -0.035, "status quo (no deal)", fontsize=NOTE_SIZE, va="center")
        a["none"] = _text(ax, 0.5, 0.5, "", ha="center", va="center", fontsize=LABEL_SIZE,
                            bbox={"facecolor": "white", "edgecolor": "black"})
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.07, 1.05)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=NOTE_SIZE, frameon=False)
        a["title"] = _label_axes(ax, f"Denuclearization for: {issue_label}",
                                 "s: how much of the second issue the US concedes (0 to all)",
                                 "d: denuclearization\n(0 none, 1 complete)")
        artists = a
    a = artists
    a["us"].set_data(us_edge, d_grid)
    a["nk"].set_data(nk_edge, d_grid)
    a["region"].set_xy(poly if len(poly) else np.zeros((1, 2)))
    a["region"].set_visible(bool(len(poly)))
    if full_row is None:
        a["full"].set_data([], [])
    else:
        a["full"].set_data(list(full_row), [1.0, 1.0])
    if deal.gains_exist:
        a["nash"].set_data([deal.concession], [deal.denuclearization])
        a["none"].set_text("")
        a["none"].set_visible(False)
    else:
        a["nash"].set_data([], [])
        a["none"].set_text("no deal beats the status quo")
        a["none"].set_visible(True)
    a["title"].set_text(f"Denuclearization for: {issue_label}")
    return a


def plot_risk_return(axes: Sequence[Axes], curve: Offer, chosen: Offer, best: Offer | None,
                     artists: dict[str, Any] | None = None) -> dict[str, Any]:
    """The risk-return trade-off: expected payoff (top) and risk of breakdown (bottom) of every
    demand, the chosen demand (vertical line, circle markers) and the best one (star).

    Parameters
    ----------
    axes : (Axes, Axes)
        Top (expected payoff) and bottom (breakdown risk) axes.
    curve : models.Offer
        Arrays over a grid of demands.
    chosen : models.Offer
        The demand on the slider.
    best : models.Offer or None
        The best demand (None hides it).
    artists : dict, optional
        What the previous call returned.

    Returns
    -------
    dict
        The artists by role.
    """
    top, bottom = axes
    if artists is None:
        a: dict[str, Any] = {}
        a["eu"], = top.plot(curve.demand, curve.expected_utility, color=US_STYLE["color"],
                            linestyle="-", linewidth=2, label="expected payoff")
        a["war"], = bottom.plot(curve.demand, curve.p_war, color=WAR_STYLE["color"],
                                linestyle="--", linewidth=2, label="risk of breakdown")
        a["vline"] = [ax.axvline(chosen.demand, color=PALETTE["vermillion"], linestyle=":",
                                 linewidth=1.5) for ax in axes]
        a["chosen_eu"], = top.plot([chosen.demand], [chosen.expected_utility], "o", markersize=8,
                                   color=PALETTE["vermillion"], markeredgecolor="black",
                                   label="your demand")
        a["chosen_war"], = bottom.plot([chosen.demand], [chosen.p_war], "o", markersize=8,
                                       color=PALETTE["vermillion"], markeredgecolor="black",
                                       label="your demand")
        a["best_eu"], = top.plot([], [], "*", markersize=14, color=PALETTE["yellow"],
                                 markeredgecolor="black", label="best demand")
        a["best_war"], = bottom.plot([], [], "*", markersize=14, color=PALETTE["yellow"],
                                     markeredgecolor="black", label="best demand")
        a["txt_eu"] = _text(top, 0.01, 0.95, "", transform=top.transAxes, va="top",
                               fontsize=NOTE_SIZE)
        a["txt_war"] = _text(bottom, 0.01, 0.92, "", transform=bottom.transAxes, va="top",
                                   fontsize=NOTE_SIZE)
        _label_axes(top, "What a demand earns, and what it risks", "",
                    "US expected\npayoff (share)")
        _label_axes(bottom, "", "US demand x (share settled on US terms)",
                    "P(breakdown)")
        bottom.set_ylim(-0.03, 1.03)
        for ax in axes:
            ax.set_xlim(0, 1)
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=NOTE_SIZE,
                      frameon=False)
        top.tick_params(labelbottom=False)
        artists = a
    a = artists
    # expected payoffs fall below zero when war costs the US more than it expects to win; the
    # range is fixed to hold every case (the worst is p - c_A >= -0.5), so that what moves on
    # the plot is the curve, never the scale
    top.set_ylim(min(-0.55, float(np.min(curve.expected_utility)) - 0.05), 1.02)
    a["eu"].set_data(curve.demand, curve.expected_utility)
    a["war"].set_data(curve.demand, curve.p_war)
    for line in a["vline"]:
        line.set_xdata([chosen.demand, chosen.demand])
    a["chosen_eu"].set_data([chosen.demand], [chosen.expected_utility])
    a["chosen_war"].set_data([chosen.demand], [chosen.p_war])
    if best is None:
        a["best_eu"].set_data([], [])
        a["best_war"].set_data([], [])
    else:
        a["best_eu"].set_data([best.demand], [best.expected_utility])
        a["best_war"].set_data([best.demand], [best.p_war])
    a["txt_eu"].set_text(f"your demand {chosen.demand:.2f}: expected payoff "
                         f"{chosen.expected_utility:.2f}")
    a["txt_war"].set_text(f"your demand {chosen.demand:.2f}: breakdown risk {chosen.p_war:.0%}")
    return a


def plot_score(ax: Axes, rounds: int, yours: Sequence[float], optimal: Sequence[float],
               outcomes: Sequence[str], artists: dict[str, Any] | None = None,
               ylim: tuple[float, float] | None = None) -> dict[str, Any]:
    """Running score of a negotiation game: your cumulative payoff (solid, circles) against
    what the best demand would have earned against the same counterparts (dashed, squares);
    rounds that broke down are marked with an ``x`` on your line. ``ylim=(low, high)`` fixes
    the score axis (otherwise it follows the scores)."""
    r = np.arange(1, len(yours) + 1)
    cum_you, cum_best = np.cumsum(yours), np.cumsum(optimal)
    broke = np.asarray([o == "breakdown" for o in outcomes], dtype=bool)
    if artists is None:
        a: dict[str, Any] = {}
        a["you"], = ax.plot([], [], label="your total", **US_STYLE)
        a["best"], = ax.plot([], [], label="best demand's total", color=PALETTE["black"],
                             linestyle="--", marker="s")
        a["broke"], = ax.plot([], [], linestyle="none", marker="x", markersize=10,
                              color=PALETTE["vermillion"], markeredgewidth=2, label="breakdown")
        ax.set_xlim(0.5, rounds + 0.5)
        ax.set_xticks(range(1, rounds + 1))
        _label_axes(ax, "Your running score", "round", "cumulative payoff\n(share)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=NOTE_SIZE, frameon=False)
        artists = a
    a = artists
    a["you"].set_data(r, cum_you)
    a["best"].set_data(r, cum_best)
    a["broke"].set_data(r[broke], cum_you[broke])
    if ylim is None:
        values = np.concatenate([[0.0, 1.0], cum_you, cum_best])
        ylim = (values.min(), values.max())
    ax.set_ylim(ylim[0] - 0.1, ylim[1] + 0.2)
    return a

def plot_breakdown(ax: Axes, curve: Offer, chosen: Offer, artists: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
    """Risk of breakdown of every demand (dashed) and of the demand being considered (circle,
    vertical dotted line, and the figure written on the plot). For the negotiation game, which
    shows the risk but not the best demand."""
    if artists is None:
        a: dict[str, Any] = {}
        a["war"], = ax.plot(curve.demand, curve.p_war, color=WAR_STYLE["color"], linestyle="--",
                            linewidth=2, label="risk of breakdown")
        a["vline"] = ax.axvline(chosen.demand, color=PALETTE["vermillion"], linestyle=":",
                                linewidth=1.5)
        a["chosen"], = ax.plot([chosen.demand], [chosen.p_war], "o", markersize=8,
                               color=PALETTE["vermillion"], markeredgecolor="black",
                               label="demand on the table")
        a["txt"] = _text(ax, 0.01, 0.92, "", transform=ax.transAxes, va="top", fontsize=NOTE_SIZE)
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.03, 1.03)
        _label_axes(ax, "Before you commit: how likely is this demand to break the talks?",
                    "US demand x (share settled on US terms)", "P(breakdown)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=NOTE_SIZE, frameon=False)
        artists = a
    a = artists
    a["war"].set_data(curve.demand, curve.p_war)
    a["vline"].set_xdata([chosen.demand, chosen.demand])
    a["chosen"].set_data([chosen.demand], [chosen.p_war])
    a["txt"].set_text(f"demand {chosen.demand:.2f}: breakdown risk {chosen.p_war:.0%}")
    return a



# =========================================================================== deterrence, commitment, signals
# (lessons 6-9: commitment, chicken, brinkmanship, deterrence, Nash, Rubinstein, signals)


#: Artists a plot function made, by role; passed back in to update them in place.
Artists = dict[str, Any]

#: Regions of the deterrence plots: a colour, a hatch and a label each.
SAFE_STYLE: dict[str, Any] = {"facecolor": PALETTE["green"], "alpha": 0.18, "hatch": "//",
              "edgecolor": PALETTE["green"], "linewidth": 0}
DANGER_STYLE: dict[str, Any] = {"facecolor": PALETTE["vermillion"], "alpha": 0.15, "hatch": "xx",
                "edgecolor": PALETTE["vermillion"], "linewidth": 0}
NEUTRAL_STYLE: dict[str, Any] = {"facecolor": "#999999", "alpha": 0.15, "hatch": "..",
                 "edgecolor": "#777777", "linewidth": 0}
CURRENT_STYLE: dict[str, Any] = {"color": PALETTE["black"], "marker": "o", "markersize": 9, "linestyle": "none",
                 "markerfacecolor": PALETTE["yellow"], "markeredgewidth": 1.5, "zorder": 5}
#: Fill colour and hatch of each side's share in a split (the colours of US_STYLE, NK_STYLE).
SIDE_STYLE = {"North Korea": {"color": NK_STYLE["color"], "hatch": "//"},
              "US": {"color": US_STYLE["color"], "hatch": "\\\\"},
              "other": {"color": "#999999", "hatch": "xx"}}


def _band_xy(x: npt.ArrayLike, low: npt.ArrayLike, high: npt.ArrayLike) -> np.ndarray:
    """Vertices of the polygon between two curves (a fill that can be updated in place)."""
    x = np.asarray(x, dtype=float)
    low = np.broadcast_to(np.asarray(low, dtype=float), x.shape)
    high = np.broadcast_to(np.asarray(high, dtype=float), x.shape)
    return np.column_stack([np.r_[x, x[::-1]], np.r_[low, high[::-1]]])


def _band(ax, artists: Artists | None, key: str, x, low, high, style: dict, label: str = ""):
    """Create or update the fill polygon ``artists[key]`` between ``low`` and ``high``."""
    from matplotlib.patches import Polygon

    xy = _band_xy(x, low, high)
    if artists is None or key not in artists:
        patch = Polygon(xy, closed=True, label=label or None, **style)
        ax.add_patch(patch)
        return patch
    artists[key].set_xy(xy)
    return artists[key]


def _frame(ax, title: str, xlabel: str, ylabel: str, xlim: tuple, ylim: tuple,
           legend: str = "") -> None:
    """Title, axis labels and limits in the course's sizes; a legend beside (``"right"``) or
    under (``"below"``) the axes, never over the data."""
    _label_axes(ax, title, xlabel, ylabel)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if legend == "right":
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=NOTE_SIZE)
    elif legend == "below":
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=NOTE_SIZE)


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 (times a power of ten) that is >= ``value``."""
    scale = 10.0 ** np.floor(np.log10(value))
    for step in (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * scale >= value - 1e-12:
            return step * scale
    return 10.0 * scale


def plot_shifting_power(ax, p_later_grid: npt.ArrayLike, gaps: npt.ArrayLike, p_now: float,
                        p_later: float, gap: float, artists: Artists | None = None) -> Artists:
    """Powell's commitment gap against A's power after the shift, with the current case marked.

    ``gaps`` is :func:`course_utils.models.commitment_gap` over ``p_later_grid`` (A's chance of
    winning after the shift, on [0, 1]); ``gap`` its value at ``p_later``. Above zero (hatched)
    the declining side prefers to fight now (preventive war).
    """
    lo, hi = -1.0, 1.0
    if artists is None:
        a: Artists = {}
        a["war"] = _band(ax, None, "war", [0, 1], 0, hi, DANGER_STYLE,
                         "gap > 0: fight now (preventive war)")
        a["deal"] = _band(ax, None, "deal", [0, 1], lo, 0, SAFE_STYLE,
                          "gap < 0: a deal survives the shift")
        ax.axhline(0, **WAR_STYLE, linewidth=1)
        (a["curve"],) = ax.plot(p_later_grid, gaps, color=PALETTE["blue"], linestyle="-",
                                linewidth=2, label="commitment gap")
        a["now"] = ax.axvline(p_now, color=PALETTE["black"], linestyle="--", linewidth=1)
        a["now_label"] = _text(ax, p_now, hi * 0.93, " no shift (p₂ = p₁)", fontsize=8, va="top")
        (a["point"],) = ax.plot([p_later], [gap], label="this case", **CURRENT_STYLE)
        _frame(ax, "Shifting power: can the rising side promise enough?",
               "A's chance of winning after the shift, p₂",
               "gain from fighting now − best credible offer",
               xlim=(0, 1), ylim=(lo, hi), legend="right")
        return a
    artists["curve"].set_data(p_later_grid, gaps)
    artists["now"].set_xdata([p_now, p_now])
    artists["now_label"].set_x(p_now)
    artists["point"].set_data([p_later], [gap])
    return artists


def plot_disarmament(ax, upkeep_grid: npt.ArrayLike, prices: npt.ArrayLike, upkeep: float,
                     price: float, max_upfront: float, artists: Artists | None = None) -> Artists:
    """The price of disarmament ``b*`` against sanctions and upkeep ``k``, beside what can be
    paid up front; where the curve is under the line, a deal exists.

    ``prices`` is :func:`course_utils.models.disarmament_price` over ``upkeep_grid`` (from 0 to
    the most upkeep shown); ``price`` its value at ``upkeep``. The y range follows the prices,
    in round steps; its ticks are :func:`count_ticks` texts, among the artists returned, so an
    explorer redrawing only those needs no new background when the range changes.
    """
    grid = np.asarray(upkeep_grid, dtype=float)
    upkeep_max = float(grid[-1])
    needed = max(float(np.max(prices)), max_upfront, 0.5) * 1.12
    top = _nice_ceiling(needed)
    if artists is None:
        a: Artists = {}
        a["affordable"] = _band(ax, None, "affordable", [0, upkeep_max], 0, max_upfront,
                                SAFE_STYLE, "price ≤ what can be paid up front: deal")
        (a["cap"],) = ax.plot([0, upkeep_max], [max_upfront] * 2, color=PALETTE["green"],
                              linestyle="--", linewidth=1.5, label="most that can be paid up front")
        (a["curve"],) = ax.plot(grid, prices, color=PALETTE["vermillion"], linestyle="-",
                                linewidth=2, label="price of disarming, b*")
        (a["point"],) = ax.plot([upkeep], [price], label="this case", **CURRENT_STYLE)
        _frame(ax, "The disarmament trap: what would Kim need up front?",
               "upkeep and sanctions per period, k (\"maximum pressure\")", "",
               xlim=(0, upkeep_max), ylim=(0, top), legend="right")
        a["yticks"] = count_ticks(ax, top, ylabel="up-front payment needed, b*", integer=False,
                                  width=4)
        return a
    artists["affordable"].set_xy(_band_xy(np.array([0.0, upkeep_max]), 0, max_upfront))
    artists["cap"].set_ydata([max_upfront] * 2)
    artists["curve"].set_data(grid, prices)
    artists["point"].set_data([upkeep], [price])
    # keep the y range (and its ticks) while everything fits and still fills a third of it
    current = ax.get_ylim()[1]
    if needed > current or needed < current / 3:
        ax.set_ylim(0, top)
        count_ticks(ax, top, artists["yticks"], integer=False)
    return artists


def plot_deterrence(ax, n_grid: npt.ArrayLike, p_retaliation: npt.ArrayLike, threshold: float,
                    n_weapons: int, p_here: float, artists: Artists | None = None) -> Artists:
    """Probability of retaliation against the number of surviving weapons, with the deterrence
    threshold ``B / (B + C)``: points above the line deter.

    ``p_retaliation`` is :func:`course_utils.models.retaliation_probability` over ``n_grid``
    (0 to the most weapons shown), ``threshold`` :func:`course_utils.models.deterrence_threshold`
    and ``p_here`` the retaliation probability of ``n_weapons``.
    """
    n_grid = np.asarray(n_grid)
    n_max = int(n_grid[-1])
    if artists is None:
        a: Artists = {}
        a["deterred"] = _band(ax, None, "deterred", [0, n_max], threshold, 1.05, SAFE_STYLE,
                              "deterred: π ≥ B/(B+C)")
        a["threshold"] = ax.axhline(threshold, color=PALETTE["green"], linestyle="--",
                                    linewidth=1.5, label="threshold B/(B+C)")
        (a["curve"],) = ax.plot(n_grid, p_retaliation, color=PALETTE["blue"], linestyle="-",
                                marker="s", markersize=4,
                                label="retaliation probability 1 − (1 − a)ⁿ")
        (a["point"],) = ax.plot([n_weapons], [p_here], label="this arsenal", **CURRENT_STYLE)
        _frame(ax, "Deterrence: does a second strike deter an attack?",
               "weapons that survive a first strike, n",
               "probability of retaliation, π",
               xlim=(0, n_max), ylim=(0, 1.05), legend="right")
        return a
    artists["deterred"].set_xy(_band_xy(np.array([0.0, n_max]), threshold, 1.05))
    artists["threshold"].set_ydata([threshold, threshold])
    artists["curve"].set_data(n_grid, p_retaliation)
    artists["point"].set_data([n_weapons], [p_here])
    return artists


def plot_chicken(ax, equilibrium, pure: Sequence[tuple[str, str]], names: tuple[str, str] = ("US", "North Korea"),
                 artists: Artists | None = None) -> Artists:
    """Best responses in chicken and the equilibria where they cross.

    ``equilibrium`` is a :class:`course_utils.models.AsymmetricEquilibrium` (row player A on
    the vertical axis, B on the horizontal axis); ``pure`` the pure equilibria as returned by
    :func:`course_utils.models.chicken_pure_equilibria`. A dares whenever B dares less often than
    ``equilibrium.p_dare_b`` (the probability that leaves A indifferent), and vice versa.
    """
    pa, pb = equilibrium.p_dare_a, equilibrium.p_dare_b
    a_name, b_name = names
    br_a = ([0, pb, pb, 1], [1, 1, 0, 0])  # A's best response to B's dare probability x
    br_b = ([1, 1, 0, 0], [0, pa, pa, 1])  # B's best response to A's dare probability y
    coords = {("dare", "swerve"): (0.0, 1.0), ("swerve", "dare"): (1.0, 0.0)}
    pure_xy = [coords[e] for e in pure if e in coords]
    if artists is None:
        a: Artists = {}
        (a["br_a"],) = ax.plot(*br_a, color=PALETTE["blue"], linestyle="-", linewidth=2.5,
                               label=f"{a_name}'s best response")
        (a["br_b"],) = ax.plot(*br_b, color=PALETTE["vermillion"], linestyle="--", linewidth=2.5,
                               label=f"{b_name}'s best response")
        (a["pure"],) = ax.plot([p[0] for p in pure_xy], [p[1] for p in pure_xy], linestyle="none",
                               marker="s", markersize=11, color=PALETTE["black"],
                               markerfacecolor="white", markeredgewidth=2,
                               label="pure equilibria (one dares)", zorder=6, clip_on=False)
        (a["mixed"],) = ax.plot([pb], [pa], linestyle="none", marker="*", markersize=16,
                                color=PALETTE["black"], markerfacecolor=PALETTE["yellow"],
                                label="mixed equilibrium", zorder=7)
        a["mixed_label"] = ax.annotate("", (pb, pa), xytext=(12, 8), textcoords="offset points",
                                       fontsize=8)
        ax.annotate(f"{a_name} dares,\n{b_name} swerves", (0.0, 1.0), xytext=(0.3, 0.8),
                    fontsize=8, arrowprops={"arrowstyle": "->", "color": "#555555"},
                    bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#999999"})
        ax.annotate(f"{b_name} dares,\n{a_name} swerves", (1.0, 0.0), xytext=(0.6, 0.3),
                    fontsize=8, arrowprops={"arrowstyle": "->", "color": "#555555"},
                    bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#999999"})
        _frame(ax, "Chicken: three equilibria where best responses cross",
               f"probability that {b_name} dares",
               f"probability that {a_name} dares",
               xlim=(-0.03, 1.03), ylim=(-0.03, 1.03), legend="right")
        artists = a
    else:
        artists["br_a"].set_data(*br_a)
        artists["br_b"].set_data(*br_b)
        artists["pure"].set_data([p[0] for p in pure_xy], [p[1] for p in pure_xy])
        artists["mixed"].set_data([pb], [pa])
        artists["mixed_label"].xy = (pb, pa)
    artists["mixed_label"].set_text(f"crash risk {equilibrium.p_crash:.1%}")
    return artists


def plot_brinkmanship(ax_window, ax_risk, h_grid: npt.ArrayLike, windows, p_hardliner: float,
                      q: float, n_grid: npt.ArrayLike, risks: npt.ArrayLike, n_crises: int,
                      risk: float, artists: Artists | None = None) -> Artists:
    """Left: the brinkmanship window (risks that deter yet are bearable) against the chance of
    facing a hard-liner, with the threat ``(p_hardliner, q)`` marked. Right: the chance of at
    least one war over repeated crises at risk ``q``, with ``n_crises`` marked.

    ``windows`` is :func:`course_utils.models.brinkmanship_window` over ``h_grid`` (a
    ``Window`` of arrays); ``risks`` is :func:`course_utils.models.cumulative_risk` over
    ``n_grid`` and ``risk`` its value for ``n_crises``.
    """
    h = np.asarray(h_grid, dtype=float)
    n = np.asarray(n_grid)
    n_max = int(n[-1])
    q_min = np.broadcast_to(np.asarray(windows.q_min, dtype=float), h.shape)
    q_max = np.broadcast_to(np.asarray(windows.q_max, dtype=float), h.shape)
    top = np.maximum(q_max, q_min)
    if artists is None:
        a: Artists = {}
        a["too_low"] = _band(ax_window, None, "too_low", h, 0, q_min, NEUTRAL_STYLE,
                             "too little risk: does not deter")
        a["window"] = _band(ax_window, None, "window", h, q_min, top, SAFE_STYLE,
                            "window: deters and is bearable")
        a["too_high"] = _band(ax_window, None, "too_high", h, top, 1, DANGER_STYLE,
                              "too much risk to bear")
        (a["q_min"],) = ax_window.plot(h, q_min, color=PALETTE["green"], linestyle="--",
                                       linewidth=1.5)
        (a["q_max"],) = ax_window.plot(h, q_max, color=PALETTE["vermillion"], linestyle="-",
                                       linewidth=1.5)
        (a["point"],) = ax_window.plot([p_hardliner], [q], label="this threat", **CURRENT_STYLE)
        _frame(ax_window, "The brinkmanship window",
               "chance the other side is a hard-liner, h",
               "risk of war the threat creates, q",
               xlim=(0, 1), ylim=(0, 1), legend="below")
        (a["risk"],) = ax_risk.plot(n, risks, color=PALETTE["blue"], linestyle="-", marker=".")
        (a["risk_point"],) = ax_risk.plot([n_crises], [risk], **CURRENT_STYLE)
        _frame(ax_risk, "", "crises at this risk, n", "chance of at least one war, 1 − (1 − q)ⁿ",
               xlim=(0, n_max), ylim=(0, 1.02))
        a["risk_label"] = _cached_title(ax_risk)
        artists = a
    else:
        artists["too_low"].set_xy(_band_xy(h, 0, q_min))
        artists["window"].set_xy(_band_xy(h, q_min, top))
        artists["too_high"].set_xy(_band_xy(h, top, 1))
        artists["q_min"].set_data(h, q_min)
        artists["q_max"].set_data(h, q_max)
        artists["point"].set_data([p_hardliner], [q])
        artists["risk"].set_data(n, risks)
        artists["risk_point"].set_data([n_crises], [risk])
    artists["risk_label"].set_text(f"Risk of war: {risk:.0%} after {n_crises} crises")
    return artists


def plot_nash(ax, d_a: float, d_b: float, split, total: float = 1.0,
              names: tuple[str, str] = ("North Korea", "US"),
              artists: Artists | None = None) -> Artists:
    """Utility space: the frontier ``u_a + u_b = total``, the disagreement point (war payoffs),
    the deals both prefer to it (hatched) and the Nash bargaining solution ``split``."""
    a_name, b_name = names
    tri = np.array([[d_a, d_b], [d_a, total - d_a], [total - d_b, d_b]])
    lo, hi = -0.6, total + 0.1
    if artists is None:
        from matplotlib.patches import Polygon

        a: Artists = {}
        ax.plot([lo, hi], [total - lo, total - hi], color=PALETTE["black"], linestyle="-",
                linewidth=1.5, label="all deals (frontier)")
        a["gains"] = Polygon(tri, closed=True, label="deals both prefer to war", **DEAL_STYLE)
        ax.add_patch(a["gains"])
        (a["guides"],) = ax.plot([d_a, d_a, np.nan, d_a, total - d_b], [d_b, total - d_a, np.nan, d_b, d_b],
                                 **WAR_STYLE, linewidth=1)
        (a["d"],) = ax.plot([d_a], [d_b], linestyle="none", marker="X", markersize=11,
                            color=PALETTE["vermillion"], label="disagreement point (war)", zorder=6)
        (a["deal"],) = ax.plot([split.a], [split.b], label="Nash bargaining solution",
                               **CURRENT_STYLE)
        a["d_label"] = ax.annotate("", (d_a, d_b), xytext=(-8, -14), textcoords="offset points",
                                   ha="right", fontsize=8)
        a["deal_label"] = ax.annotate("", (split.a, split.b), xytext=(8, 4),
                                      textcoords="offset points", fontsize=8)
        _frame(ax, "Nash bargaining: war sets the disagreement point",
               f"{a_name}'s payoff",
               f"{b_name}'s payoff",
               xlim=(lo, hi), ylim=(lo, hi), legend="right")
        ax.set_aspect("equal", adjustable="box")
        artists = a
    else:
        artists["gains"].set_xy(tri)
        artists["guides"].set_data([d_a, d_a, np.nan, d_a, total - d_b],
                                   [d_b, total - d_a, np.nan, d_b, d_b])
        artists["d"].set_data([d_a], [d_b])
        artists["deal"].set_data([split.a], [split.b])
        artists["d_label"].xy = (d_a, d_b)
        artists["deal_label"].xy = (split.a, split.b)
    artists["d_label"].set_text(f"war ({d_a:.2f}, {d_b:.2f})")
    artists["deal_label"].set_text(f"deal ({split.a:.2f}, {split.b:.2f})")
    return artists


def plot_rubinstein(ax_split, ax_speed, period_grid: npt.ArrayLike, first_shares: npt.ArrayLike,
                    period: float, shares, limit: float, names: tuple[str, str],
                    artists: Artists | None = None) -> Artists:
    """Top: the split in Rubinstein's game when ``names[0]`` proposes first. Bottom: the first
    proposer's share as the time between offers shrinks, approaching its limit.

    ``first_shares`` is the first proposer's share (:func:`course_utils.models.rubinstein_shares`
    with :func:`course_utils.models.discount_factor`) over ``period_grid``; ``shares`` the
    ``Shares`` at ``period``; ``limit`` the proposer's share as offers speed up
    (:func:`course_utils.models.rubinstein_limit`).
    """
    grid = np.asarray(period_grid, dtype=float)
    period_max = float(grid[-1])
    first, second = names
    if artists is None:
        a: Artists = {}
        a["bar_first"] = ax_split.barh([0], [shares.proposer], edgecolor="white")[0]
        a["bar_second"] = ax_split.barh([0], [shares.responder], left=[shares.proposer],
                                        edgecolor="white")[0]
        a["text_first"] = _text(ax_split, 0.01, 0, "", va="center", ha="left", fontsize=9,
                                        color="black", backgroundcolor="white")
        a["text_second"] = _text(ax_split, 0.99, 0, "", va="center", ha="right", fontsize=9,
                                         color="black", backgroundcolor="white")
        _frame(ax_split, "", "share of the gains from a deal", "", xlim=(0, 1), ylim=(-0.5, 0.5))
        ax_split.set_yticks([])
        a["title"] = _cached_title(ax_split)
        (a["curve"],) = ax_speed.plot(grid, first_shares, color=PALETTE["purple"], linestyle="-",
                                      linewidth=2, label="first proposer's share")
        a["limit"] = ax_speed.axhline(limit, color=PALETTE["black"], linestyle=":",
                                      label="limit as offers speed up")
        ax_speed.axhline(0.5, color="#999999", linestyle="-", linewidth=0.8)
        (a["point"],) = ax_speed.plot([period], [shares.proposer], label="this pace",
                                      **CURRENT_STYLE)
        _frame(ax_speed, "", "time between offers, Δ (months)", "first proposer's share",
               xlim=(0, period_max), ylim=(0, 1), legend="right")
        artists = a
    else:
        artists["bar_first"].set_width(shares.proposer)
        artists["bar_second"].set_x(shares.proposer)
        artists["bar_second"].set_width(shares.responder)
        artists["curve"].set_data(grid, first_shares)
        artists["limit"].set_ydata([limit, limit])
        artists["point"].set_data([period], [shares.proposer])
    for key, name in (("bar_first", first), ("bar_second", second)):
        style = SIDE_STYLE.get(name, SIDE_STYLE["other"])
        artists[key].set_facecolor(style["color"])
        artists[key].set_hatch(style["hatch"])
    artists["text_first"].set_text(f"{first} {shares.proposer:.2f}")
    artists["text_second"].set_text(f"{second} {shares.responder:.2f}")
    artists["title"].set_text(f"Alternating offers: {first} proposes first")
    return artists


def plot_signal(ax, prior: float, costs: npt.ArrayLike, beliefs: npt.ArrayLike, cost: float,
                belief: float, thresholds: tuple[float, float] | None, cost_max: float = 2.0,
                artists: Artists | None = None) -> Artists:
    """What a halt to testing tells observers, against the cost of halting.

    Three regions by cost, split at ``thresholds = (V_T, V_S)``: cheap (both types halt; belief
    stays at the prior), costly enough to separate (only the sincere type halts; belief 1) and
    too costly (nobody halts). ``beliefs`` is the belief after a halt over ``costs``
    (:func:`course_utils.models.moratorium_beliefs`) and ``belief`` its value at ``cost``.
    ``thresholds=None`` (no valid game: ``V_T >= V_S``) shows an empty plot with a note.
    """
    valid = thresholds is not None
    vt, vs = (0.0, 0.0) if thresholds is None else (min(thresholds[0], cost_max),
                                                      min(thresholds[1], cost_max))
    if artists is None:
        a: Artists = {}
        a["pooling"] = _band(ax, None, "pooling", [0, vt], 0, 1.05, NEUTRAL_STYLE,
                             "cheap: both types halt")
        a["separating"] = _band(ax, None, "separating", [vt, vs], 0, 1.05, SAFE_STYLE,
                                "costly signal: only a sincere side halts")
        a["none"] = _band(ax, None, "none", [vs, cost_max], 0, 1.05 if valid else 0, DANGER_STYLE,
                          "too costly: nobody halts")
        a["prior"] = ax.axhline(prior, color=PALETTE["black"], linestyle=":", linewidth=1,
                                label="belief before (prior)")
        (a["belief"],) = ax.plot(costs, beliefs, color=PALETTE["blue"], linestyle="-", linewidth=2,
                                 label="belief after a halt")
        (a["point"],) = ax.plot([cost], [belief], label="this moratorium", **CURRENT_STYLE)
        a["note"] = _text(ax, 0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                            fontsize=10, color=PALETTE["vermillion"])
        _frame(ax, "The test moratorium as a signal",
               "cost to North Korea of halting tests, c",
               "belief that North Korea is sincere",
               xlim=(0, cost_max), ylim=(0, 1.05), legend="right")
        artists = a
    else:
        artists["pooling"].set_xy(_band_xy(np.array([0.0, vt]), 0, 1.05))
        artists["separating"].set_xy(_band_xy(np.array([vt, vs]), 0, 1.05))
        artists["none"].set_xy(_band_xy(np.array([vs, cost_max]), 0, 1.05 if valid else 0))
        artists["prior"].set_ydata([prior, prior])
        artists["belief"].set_data(costs, beliefs)
        artists["point"].set_data([cost], [belief])
    artists["note"].set_text("" if valid else "a stalling side must value a deal\nless than a sincere one")
    return artists
