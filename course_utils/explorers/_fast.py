"""An explorer that repaints only what moves.

Most of a redraw is text: tick labels, titles, legends. None of it changes when a slider moves, so
:class:`FastExplorer` lays the figure out once, keeps a picture of everything that stays put, and
on each change pastes that picture back and draws on it only the artists the plot function
returned (the ones it updates in place). When the axes limits change, the ticks change too, and
the next picture is drawn in full.

``figure.savefig`` still draws everything, so the figure itself is never incomplete.
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib.artist import Artist

from ..plots import freeze_layout
from .base import Explorer

__all__ = ["FastExplorer"]


def _artists_in(tree: Any) -> list[Artist]:
    """Every matplotlib artist in a nest of dicts, lists and tuples."""
    if isinstance(tree, Artist):
        return [tree]
    if isinstance(tree, dict):
        tree = list(tree.values())
    if isinstance(tree, (list, tuple)):
        return [a for item in tree for a in _artists_in(item)]
    return []


class FastExplorer(Explorer):
    """:class:`Explorer` whose :meth:`png` redraws only the artists :meth:`draw` returned."""

    def __init__(self, **initial: Any):
        self._background: Any = None
        self._limits: Any = None
        super().__init__(**initial)
        freeze_layout(self.figure)  # axes and labels keep their size: lay out once

    def _axes_limits(self) -> tuple:
        return tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.figure.axes)

    def _moving(self) -> list[Artist]:
        return sorted(_artists_in(self.artists), key=lambda a: a.get_zorder())

    def _capture_background(self, canvas) -> None:
        moving = self._moving()
        for artist in moving:
            artist.set_animated(True)  # left out of the full draw
        try:
            canvas.draw()
        finally:
            for artist in moving:
                artist.set_animated(False)
        self._background = canvas.copy_from_bbox(self.figure.bbox)
        self._limits = self._axes_limits()

    def png(self) -> bytes:
        """The figure as PNG: the kept background plus the moving artists, drawn afresh."""
        if self.figure.get_layout_engine() is not None:  # still being built: draw it all
            return super().png()
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image

        canvas = self.figure.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(self.figure)
            self._background = None
        if self._background is None or self._limits != self._axes_limits():
            self._capture_background(canvas)
        canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in self._moving():
            artist.draw(renderer)
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=1)
        return buf.getvalue()
