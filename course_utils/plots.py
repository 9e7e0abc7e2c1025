"""Matplotlib drawing for the course: functions that take model results and an ``Axes``.

Conventions (DESIGN.md): plots never compute a model formula themselves (they call
``course_utils.models`` or receive results); they draw on the ``Axes`` they are given and return
the artists they made, so an explorer can update data instead of rebuilding the figure. Colours
come from :data:`PALETTE` (Okabe-Ito, safe for the common forms of colour blindness), and every
meaning is carried by a second channel too: line style, marker, hatch or a direct text label.
"""

from __future__ import annotations

from matplotlib.figure import Figure

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
US_STYLE = {"color": PALETTE["blue"], "linestyle": "-", "marker": "o"}
NK_STYLE = {"color": PALETTE["vermillion"], "linestyle": "--", "marker": "s"}
DEAL_STYLE = {"facecolor": PALETTE["green"], "alpha": 0.25, "hatch": "//", "edgecolor": PALETTE["green"]}
WAR_STYLE = {"color": PALETTE["black"], "linestyle": ":"}
MISSILE_CLASS_STYLE = {
    "SRBM": {"color": PALETTE["sky"], "hatch": ""},
    "MRBM": {"color": PALETTE["green"], "hatch": ".."},
    "IRBM": {"color": PALETTE["orange"], "hatch": "//"},
    "ICBM": {"color": PALETTE["vermillion"], "hatch": "xx"},
    "SLBM": {"color": PALETTE["blue"], "hatch": "\\\\"},
    "SLV": {"color": PALETTE["purple"], "hatch": "--"},
    "HGV": {"color": PALETTE["yellow"], "hatch": "oo"},
    "Unknown": {"color": "#999999", "hatch": "++"},
}


def new_figure(width: float = 6.4, height: float = 3.6, dpi: int = 80) -> Figure:
    """A figure outside pyplot's registry: nothing to close, never auto-displayed twice.

    Explorers and lessons draw on these; a notebook shows one with ``display(fig)``.
    """
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    return fig


# =========================================================================== data and bargaining
# (lessons 0-4: crisis data, bargaining range, issue linkage, risk-return)


# =========================================================================== deterrence, commitment, signals
# (lessons 5-8: commitment, deterrence, chicken, brinkmanship, Nash, Rubinstein, signals)
