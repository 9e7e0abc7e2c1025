"""What ipywidgets 8 cannot say to a screen reader, said by one invisible helper per explorer.

ipywidgets 8.1 renders a slider as a noUiSlider whose focusable handle (``role="slider"``) has
no accessible name: the description is a ``<label>`` tied to nothing, ``tooltip`` only sets the
label's ``title``, and no trait reaches the handle. ``Image`` has no ``alt``. An ``HTML`` widget
rewrites its content on every change, so a live region written into it is a new element each
time, and screen readers announce changes in a live region that stays, not in a new one.

:class:`Accessibility` is an ``anywidget`` (a widget whose view is a few lines of JavaScript
shipped with the model, no JupyterLab extension to build) placed, hidden, in the explorer's box.
Each time its view is rendered (every time the box is displayed) it watches the box and keeps,
through every redraw and re-render:

- ``aria-label`` of each slider handle and value field equal to the control's visible label
  (``names``: CSS class of the control -> its label);
- the plot's ``alt`` equal to :attr:`alt`, which the explorer rewrites with its readout;
- the readout's widget element (which stays) as the polite live region;
- the title's heading level one below the notebook heading it sits under (an explorer under a
  ``##`` section gets ``<h3>``, under ``###`` ``<h4>``).

It relies on ARIA (``role="slider"``), on CSS classes the course adds itself (``add_class``),
and on the DOM only for the headings around it, so a new ipywidgets or JupyterLab release that
keeps ARIA roles keeps it working; the browser tests (``tests/browser/test_axe.py``) say when
it does not.
"""

from __future__ import annotations

from functools import cache

EXPLORER = "course-explorer"     # the explorer's outer box
PLOT = "course-plot"             # its Image
READOUT = "course-readout-box"   # the HTML widget holding the readout
TITLE = "course-explorer-title"  # the heading inside the title HTML widget

_ESM = r"""
const HEADINGS = 'h1, h2, h3, h4, h5, h6';

function levelFor(title) {
  // one below the last heading before the title that is not another explorer's title
  const root = title.closest('.jp-Notebook') || document.body;
  let level = 2;
  for (const h of root.querySelectorAll(HEADINGS)) {
    if (h.closest('.course-explorer')) continue;
    if (!(title.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_PRECEDING)) break;
    level = Number(h.tagName[1]);
  }
  return Math.min(6, level + 1);
}

function apply(model, box) {
  const names = model.get('names') || {};
  for (const [cls, label] of Object.entries(names)) {
    for (const control of box.getElementsByClassName(cls)) {
      for (const el of control.querySelectorAll('[role=slider]')) {
        if (el.getAttribute('aria-label') !== label) el.setAttribute('aria-label', label);
      }
      for (const el of control.querySelectorAll('[contenteditable]')) {
        if (el.getAttribute('aria-label') !== label) el.setAttribute('aria-label', label);
        if (el.getAttribute('role') !== 'textbox') el.setAttribute('role', 'textbox');
      }
    }
  }
  const alt = model.get('alt') || '';
  for (const img of box.querySelectorAll(':scope > .course-plot')) {
    if (img.getAttribute('alt') !== alt) img.setAttribute('alt', alt);
  }
  for (const readout of box.querySelectorAll(':scope > .course-readout-box')) {
    if (readout.getAttribute('role') !== 'status') readout.setAttribute('role', 'status');
    if (readout.getAttribute('aria-live') !== 'polite') readout.setAttribute('aria-live', 'polite');
  }
  for (const title of box.querySelectorAll('.course-explorer-title')) {
    const tag = 'H' + levelFor(title);
    if (title.tagName !== tag) {
      const heading = document.createElement(tag);
      heading.className = title.className;
      heading.textContent = title.textContent;
      title.replaceWith(heading);
    }
  }
}

function render({ model, el }) {
  let observer = null, stopped = false, tries = 0;
  const update = () => { const box = el.closest('.course-explorer'); if (box) apply(model, box); };
  const attach = () => {
    // the view is rendered before the box puts it in the page: wait until it is there
    if (stopped) return;
    const box = el.closest('.course-explorer');
    if (!box) { if (tries++ < 1200) setTimeout(attach, 50); return; }
    apply(model, box);
    observer = new MutationObserver(() => apply(model, box));
    observer.observe(box, { childList: true, subtree: true });
  };
  attach();
  model.on('change:names', update);
  model.on('change:alt', update);
  return () => {
    stopped = true;
    if (observer) observer.disconnect();
    model.off('change:names', update);
    model.off('change:alt', update);
  };
}

export default { render };
"""


@cache
def _accessibility_class():
    import anywidget
    import ipywidgets as w
    import traitlets

    class Accessibility(anywidget.AnyWidget):
        """Hidden helper of one explorer box (see the module's docstring)."""

        _esm = _ESM
        names = traitlets.Dict().tag(sync=True)
        alt = traitlets.Unicode("").tag(sync=True)

        def __init__(self, **kwargs):
            super().__init__(layout=w.Layout(display="none"), **kwargs)

    return Accessibility


def accessibility(names: dict[str, str], alt: str = ""):
    """A new hidden helper naming the controls ``names`` (CSS class -> visible label)."""
    return _accessibility_class()(names=dict(names), alt=alt)


def labelled(*controls):
    """``controls`` in a box whose sliders a screen reader names by their descriptions, for a
    notebook's own widgets outside an explorer::

        labelled(widgets.FloatSlider(value=0.5, description="Try me"))

    Its plain-text form (static exports) is that of the controls themselves.
    """
    names = {}
    for n, control in enumerate(controls):
        control.add_class(f"course-labelled-{n}")
        names[f"course-labelled-{n}"] = getattr(control, "description", "") or ""
    box = _labelled_class()([*controls, accessibility(names)])
    box.add_class(EXPLORER)
    return box


@cache
def _labelled_class():
    import ipywidgets as w

    class Labelled(w.VBox):
        """A box of controls plus their hidden :class:`Accessibility` helper."""

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs) or {}
            bundle["text/plain"] = "\n".join(repr(c) for c in self.children[:-1])
            return bundle

    return Labelled
