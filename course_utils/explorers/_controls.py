"""Small builders for the standard, keyboard-focusable ipywidgets controls explorers use.

Sliders show their value, carry a description wide enough to read, and a tooltip repeating it
(screen readers announce the description; arrow keys move a focused slider).
"""

from __future__ import annotations

from typing import Any, Sequence

#: labels share one width so the sliders line up; the longest label fits in it
_STYLE = {"description_width": "22em"}
_LAYOUT = {"width": "min(44em, 100%)"}


def slider(description: str, value: float, low: float, high: float, step: float,
           fmt: str = ".2f") -> Any:
    """A ``FloatSlider`` from ``low`` to ``high``."""
    import ipywidgets as w

    return w.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                         readout_format=fmt, style=_STYLE, layout=dict(_LAYOUT),
                         tooltip=description)


def int_slider(description: str, value: int, low: int, high: int) -> Any:
    """An ``IntSlider`` from ``low`` to ``high``."""
    import ipywidgets as w

    return w.IntSlider(value=value, min=low, max=high, step=1, description=description,
                       style=_STYLE, layout=dict(_LAYOUT), tooltip=description)


def toggle(description: str, options: Sequence[str], value: str) -> Any:
    """``ToggleButtons`` choosing one of ``options``."""
    import ipywidgets as w

    return w.ToggleButtons(options=list(options), value=value, description=description,
                           style=_STYLE, tooltips=list(options))
