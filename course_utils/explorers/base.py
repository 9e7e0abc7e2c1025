"""The one way every explorer is built: controls + a plot function + a model.

A subclass declares its controls, computes the model result from the control values, draws it
with a function from :mod:`course_utils.plots`, and says in words what the plot shows. The base
class wires them together and gives the same small API to students (the widget) and to tests
and benchmarks (headless)::

    ex = RangeExplorer()
    ex.set(p=0.7)          # move a control (validates the name and the value)
    ex.state               # {"p": 0.7, ..., "result": Range(...)}
    ex.summary             # the text readout shown under the plot
    ex.figure              # the matplotlib Figure (outside pyplot: nothing to close)
    ex.widget              # the ipywidgets VBox a notebook displays

The figure is rendered to PNG into an ``ipywidgets.Image``; the readout is an ``HTML`` widget.
For screen readers (see :mod:`._a11y`) every slider is named by its visible label, the picture's
alternative text is :attr:`Explorer.alt_text` (what the plot draws, then the readout, rewritten
with it), the readout's widget is a polite live region that stays in place, and the title is a
heading one level below the notebook section it sits in. Displayed in a notebook, the
explorer's plain-text form is its readout, so static exports still say what the plot shows.
"""

from __future__ import annotations

import html
import io
from typing import Any

from ..plots import new_figure
from . import _a11y


class Explorer:
    """Base class. Subclasses implement :meth:`make_controls`, :meth:`compute`,
    :meth:`draw` and :meth:`describe`, and set :attr:`title`."""

    title: str = ""
    #: what the picture draws, in one sentence for someone who cannot see it; the alternative
    #: text is this sentence followed by the readout (:attr:`alt_text`)
    plot_caption: str = ""
    figsize = (6.4, 3.6)

    def __init__(self, **initial: Any):
        import ipywidgets as w

        self._w = w
        self.controls: dict[str, Any] = self.make_controls()
        for name, value in initial.items():
            self._control(name).value = self._checked(name, value)
        self.figure = new_figure(*self.figsize)
        self.ax = self.make_axes(self.figure)
        self.artists: Any = None  # what draw() returned last time, for in-place updates
        self.result: Any = None
        # shown at its own size (stretching a PNG blurs its text), never wider than the page
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%", height="auto",
                                                            align_self="flex-start"))
        self.image.add_class(_a11y.PLOT)
        self.readout = w.HTML()
        self.readout.add_class(_a11y.READOUT)
        names = {}
        for name, control in self.controls.items():
            control.add_class(f"course-control-{name}")
            names[f"course-control-{name}"] = getattr(control, "description", "") or name
        self.a11y = _a11y.accessibility(names)
        self._widget = None
        self.update()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    # ------------------------------------------------------------------ to implement
    def make_controls(self) -> dict[str, Any]:
        """Return ``{name: widget}``; the names are the keyword arguments of :meth:`compute`."""
        raise NotImplementedError

    def compute(self, *args: Any, **values: Any) -> Any:
        """Call the model with the control values; return its result."""
        raise NotImplementedError

    def make_axes(self, figure: Any) -> Any:
        """Lay out the axes :meth:`draw` receives (default: one ``Axes``)."""
        return figure.add_subplot()

    def draw(self, ax: Any, result: Any, values: dict[str, Any], artists: Any) -> Any:
        """Draw ``result`` (calling a function of :mod:`course_utils.plots`); return artists.

        ``artists`` is what the previous call returned (``None`` the first time), so the plot
        can be updated in place instead of rebuilt.
        """
        raise NotImplementedError

    def describe(self, result: Any, values: dict[str, Any]) -> str:
        """One or two plain sentences saying what the plot shows."""
        raise NotImplementedError

    # ------------------------------------------------------------------ headless API
    @property
    def values(self) -> dict[str, Any]:
        """Current control values by name."""
        return {name: c.value for name, c in self.controls.items()}

    @property
    def state(self) -> dict[str, Any]:
        """Control values plus the model result under ``"result"``."""
        return {**self.values, "result": self.result}

    @property
    def summary(self) -> str:
        """The text readout: what the plot says, in words."""
        return self._summary

    @property
    def alt_text(self) -> str:
        """The plot's alternative text: what it draws, then what it shows now (the readout)."""
        caption = self.plot_caption or (f"Plot of {self.title}." if self.title else "Plot.")
        return f"{caption} {self._summary}"

    def set(self, **values: Any) -> Explorer:
        """Move one or more controls, as a student would; the plot and readout follow."""
        for name, value in values.items():
            self._control(name).value = self._checked(name, value)
        return self

    def _checked(self, name: str, value: Any) -> Any:
        """``value`` if control ``name`` accepts it; else a ``ValueError`` saying what it accepts."""
        control = self._control(name)
        options = getattr(control, "options", None)
        if options is not None:
            allowed = [o[1] if isinstance(o, tuple) else o for o in options]
            if getattr(control, "multiple", isinstance(control, self._w.SelectMultiple)):
                if isinstance(value, str) or not all(v in allowed for v in value):
                    raise ValueError(f"{name} must be a tuple of options among {allowed}; got {value!r}")
                return tuple(value)
            if value not in allowed:
                raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
        lo, hi = getattr(control, "min", None), getattr(control, "max", None)
        if lo is not None and hi is not None and not (lo <= value <= hi):
            raise ValueError(f"{name} must lie in [{lo}, {hi}]; got {value!r}")
        return value

    def png(self) -> bytes:
        """The figure rendered as PNG (what the widget shows)."""
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png")
        return buf.getvalue()

    # ------------------------------------------------------------------ wiring
    def _control(self, name: str):
        if name not in self.controls:
            raise ValueError(f"{type(self).__name__} has no control {name!r}; "
                             f"controls: {', '.join(self.controls)}")
        return self.controls[name]

    def _on_change(self, _change=None) -> None:
        self.update()

    def update(self) -> None:
        """Recompute the model, redraw the plot, rewrite the readout."""
        values = self.values
        self.result = self.compute(**values)
        self.artists = self.draw(self.ax, self.result, values, self.artists)
        self._summary = self.describe(self.result, values)
        self.a11y.alt = self.alt_text
        self.image.value = self.png()
        # the live region is the readout widget itself (it stays; its content is replaced)
        self.readout.value = f'<div class="course-readout">{html.escape(self._summary)}</div>'

    @property
    def widget(self):
        """Controls, plot and readout in one box (and the hidden accessibility helper, last)."""
        if self._widget is None:
            w = self._w
            # <h3> fits a section (##); the helper sets the level the notebook needs
            header = (w.HTML(f'<h3 class="{_a11y.TITLE}">{html.escape(self.title)}</h3>')
                      if self.title else w.HTML())
            self._widget = w.VBox([header, w.VBox(list(self.controls.values())), self.image,
                                   self.readout, self.a11y])
            self._widget.add_class(_a11y.EXPLORER)
        return self._widget

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = f"{self.title}\n{self._summary}" if self.title else self._summary
        return bundle

    def close(self) -> None:
        """Close the widgets (the figure lives outside pyplot and needs no closing)."""
        for control in self.controls.values():
            control.close()
        self.image.close()
        self.readout.close()
        self.a11y.close()
        if self._widget is not None:
            self._widget.close()
