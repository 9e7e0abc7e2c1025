"""Small builders for the standard, keyboard-focusable ipywidgets controls explorers use.

Sliders show their value, carry a description wide enough to read, and a tooltip repeating it
(screen readers announce the description; arrow keys move a focused slider).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

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


def checkbox_group(description: str, options: Sequence[str], value: Sequence[str]) -> Any:
    """Several independent on/off choices, one checkbox each (Tab to reach, Space to toggle).

    JupyterLab keeps the arrow keys for moving between cells, so a multi-select list cannot be
    worked from the keyboard there; checkboxes can. The group's ``value`` is the tuple of checked
    options, in option order, and can be observed like any control's.
    """
    return _checkbox_group_class()(description, options, value)


@cache
def _checkbox_group_class():
    import ipywidgets as w
    import traitlets

    class CheckboxGroup(w.VBox):
        value = traitlets.Tuple()
        multiple = True  # Explorer.set expects a tuple of options

        def __init__(self, description: str, options: Sequence[str], value: Sequence[str]):
            self.options = tuple(options)
            self.description = description
            self.boxes = [w.Checkbox(value=o in value, description=o, indent=False,
                                      layout=w.Layout(width="auto", margin="0 1.5em 0 0"))
                          for o in self.options]
            grid = w.HBox(self.boxes, layout=w.Layout(flex_flow="row wrap"))
            super().__init__([w.Label(description), grid], layout=w.Layout(**_LAYOUT))
            self._syncing = False  # True while boxes follow a new value: no echo back
            self.value = tuple(o for o in self.options if o in value)
            for box in self.boxes:
                box.observe(self._from_boxes, names="value")
            self.observe(self._to_boxes, names="value")

        def _from_boxes(self, _change=None) -> None:
            if not self._syncing:
                self.value = tuple(o for o, b in zip(self.options, self.boxes, strict=True) if b.value)

        def _to_boxes(self, change) -> None:
            self._syncing = True
            try:
                for option, box in zip(self.options, self.boxes, strict=True):
                    box.value = option in change["new"]
            finally:
                self._syncing = False

    return CheckboxGroup
