"""An explorer that repaints only what moves, inside one frame (issue 19: <= 8 ms a change).

A change of a control costs the model, the plot function's update of its artists, a picture and
a readout. The picture is the expensive part, so :class:`FastExplorer` makes it cheap in three
ways, each measured by ``benchmarks/bench_explorers.py`` (figures in ``benchmarks/README.md``):

- **A kept background.** The figure is laid out once; everything that does not move (titles,
  legends, axis labels, ticks that stay) is drawn once into a background picture. Each change
  pastes that picture back and draws on it only the artists :meth:`~.base.Explorer.draw`
  returned. A few backgrounds are kept, one per set of axes limits (a plot whose range moves in
  round steps comes back to one it has drawn); new limits need a new background, unless the
  explorer lists its axes among the moving artists (:attr:`FastExplorer.limits_move`).
- **Text drawn once.** Since matplotlib 3.11, Agg renders text glyph by glyph through FreeType
  on every draw, about 40 µs a glyph. :class:`TextCachingRenderer` renders each distinct string
  (in one font, size and angle) once, at a whole-pixel position, and afterwards pastes the
  finished bitmap wherever that string goes, in its colour. A new unrotated string (a number
  on a plot) is put together from glyph bitmaps rendered once each, per font, size and place
  within a pixel: only its layout is worked out (1.35 -> 0.8 ms for a 16-character label).
- **Only the changed rows compressed.** :class:`PngEncoder` writes the PNG in bands of rows,
  each band compressed on its own; a band whose pixels did not change keeps its compressed bytes.

- **A kept layer per state of the slower controls.** Artists that change only with some of the
  controls (listed by :attr:`FastExplorer.layer_artists`, keyed by
  :meth:`FastExplorer.layer_key`) are drawn over the background once per state and kept, a few
  states at a time; a change of the other controls pastes the kept layer and draws only the
  rest.
- **Every string laid out and rendered ahead.** The first picture also draws, once and out of
  sight, every text among the moving artists, hidden ones included, so a window of years seen
  for the first time finds its labels' layouts and glyphs ready.
- **A kept legend inside.** A legend drawn over moving lines (:attr:`FastExplorer.kept_legends`,
  an opaque frame and entries that never change) is drawn whole once; afterwards only its frame
  is drawn, over the moving artists, and the pixels inside it are pasted from that first draw.

``figure.savefig`` still draws everything, so the figure itself is never incomplete.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.ft2font import RenderMode
from matplotlib.legend import Legend
from matplotlib.text import Text

from ..plots import freeze_layout
from .base import Explorer

__all__ = ["FastExplorer", "PngEncoder", "TextCachingRenderer"]


# =========================================================================== text drawn once
class _GlyphRecorder:
    """Stands in for the Agg renderer while one string is rendered: keeps its glyph bitmaps."""

    def __init__(self) -> None:
        self.glyphs: list[tuple[np.ndarray, int, int]] = []

    def draw_text_image(self, image, x, y, angle, gc) -> None:  # same signature as Agg's
        self.glyphs.append((np.array(image, dtype=np.uint8, copy=True), int(x), int(y)))


def _merge(glyphs: list[tuple[np.ndarray, int, int]]) -> tuple[np.ndarray, int, int] | None:
    """One bitmap holding every glyph (coverage combined as repeated painting would), with its
    left edge and bottom row in the renderer's downward coordinates; None if nothing has ink.
    Empty bitmaps (a space) are left out: FreeType places them at the origin."""
    glyphs = [g for g in glyphs if g[0].size]
    if not glyphs:
        return None
    left = min(x for _g, x, _y in glyphs)
    top = min(y - g.shape[0] for g, _x, y in glyphs)
    right = max(x + g.shape[1] for g, x, _y in glyphs)
    bottom = max(y for _g, _x, y in glyphs)
    out = np.zeros((bottom - top, right - left), dtype=np.uint16)
    for g, x, y in glyphs:
        rows, cols = slice(y - g.shape[0] - top, y - top), slice(x - left, x - left + g.shape[1])
        here = out[rows, cols]
        out[rows, cols] = here + g - (here * g + 127) // 255
    return out.astype(np.uint8), left, bottom


class TextCachingRenderer(RendererAgg):
    """Agg, but each distinct string is rendered by FreeType once and its bitmap reused.

    A string is drawn at the nearest whole pixel (as matplotlib did before 3.11), so the same
    bitmap serves it anywhere; the colour and transparency come from the graphics context at
    each draw. Math text and TeX go through Agg unchanged.
    """

    MAX_STRINGS = 4096
    MAX_GLYPHS = 8192

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self._strings: dict[tuple, tuple[np.ndarray, int, int] | None] = {}
        self._glyphs: dict[tuple, tuple[np.ndarray, int, int]] = {}

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (s, tuple(prop.get_family()), prop.get_style(), prop.get_variant(),
               prop.get_weight(), prop.get_stretch(), prop.get_size_in_points(), prop.get_file(),
               float(angle), bool(gc.get_antialiased()),
               tuple(features) if features else None, language)
        ix, iy = round(x), round(y)
        if key not in self._strings:
            if len(self._strings) >= self.MAX_STRINGS:
                self._strings.clear()
            glyphs = self._glyphs_of(gc, ix, iy, s, prop, mtext) if angle == 0 else None
            if glyphs is None:  # rotated: rendered whole, glyph bitmaps kept as they come
                recorder, agg = _GlyphRecorder(), self._renderer
                self._renderer = recorder
                try:
                    super().draw_text(gc, ix, iy, s, prop, angle, ismath, mtext)
                finally:
                    self._renderer = agg
                glyphs = recorder.glyphs
            merged = _merge(glyphs)
            if merged is not None:
                bitmap, left, bottom = merged
                self._strings[key] = (bitmap, left - ix, bottom - iy)
            else:
                self._strings[key] = None
        cached = self._strings[key]
        if cached is not None:
            bitmap, dx, dy = cached
            self._renderer.draw_text_image(bitmap, ix + dx, iy + dy, 0, gc)

    def _glyphs_of(self, gc, x: int, y: int, s: str, prop, mtext) -> list[tuple[np.ndarray, int, int]]:
        """The glyph bitmaps of an unrotated string drawn at ``(x, y)``, as Agg's ``draw_text``
        would paint them (the same layout, the same FreeType renders at the same positions), but
        each glyph rendered once per font, size and position within a pixel, then reused: a new
        string made of glyphs seen before (a number on a plot) costs its layout only.
        """
        font = self._prepare_font(prop)
        items = font._layout(s, flags=get_hinting_flag(),
                             features=mtext.get_fontfeatures() if mtext is not None else None,
                             language=mtext.get_language() if mtext is not None else None)
        size = prop.get_size_in_points()
        antialiased = bool(gc.get_antialiased())
        glyphs = []
        for item in items:
            # where Agg puts the glyph, in 1/64 pixel (RendererAgg._draw_text_glyphs_and_boxes)
            tx = round(0x40 * (x + item.x))
            ty = round(0x40 * (self.height - y + item.y))
            face = item.ft_object
            key = (face.fname, size, self.dpi, item.glyph_index, tx & 63, ty & 63, antialiased)
            cached = self._glyphs.get(key)
            if cached is None:
                if len(self._glyphs) >= self.MAX_GLYPHS:
                    self._glyphs.clear()
                face.set_size(size, self.dpi)
                face._set_transform(_IDENTITY, [tx & 63, ty & 63])  # whole pixels added below
                bitmap = face._render_glyph(item.glyph_index, get_hinting_flag(),
                                            RenderMode.NORMAL if antialiased else RenderMode.MONO)
                buffer = np.array(bitmap.buffer, dtype=np.uint8, copy=True)
                if not antialiased:
                    buffer *= 0xFF
                cached = self._glyphs[key] = (buffer, bitmap.left, bitmap.top)
            buffer, left, top = cached
            top += ty >> 6
            glyphs.append((buffer, left + (tx >> 6), int(self.height) - top + buffer.shape[0]))
        return glyphs


_IDENTITY = np.array([[0x10000, 0], [0, 0x10000]])


class _Canvas(FigureCanvasAgg):
    """An Agg canvas drawing with :class:`TextCachingRenderer`."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = TextCachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


# =========================================================================== PNG, changed rows only
_BASE = 65521  # Adler-32's modulus


def _adler32_combine(first: int, second: int, length: int) -> int:
    """Adler-32 of two byte strings joined, from each one's checksum (zlib's adler32_combine)."""
    rem = length % _BASE
    sum1 = first & 0xFFFF
    sum2 = (rem * sum1) % _BASE
    sum1 += (second & 0xFFFF) + _BASE - 1
    sum2 += ((first >> 16) & 0xFFFF) + ((second >> 16) & 0xFFFF) + _BASE - rem
    sum1 = sum1 - _BASE if sum1 >= _BASE else sum1
    sum1 = sum1 - _BASE if sum1 >= _BASE else sum1
    sum2 = sum2 - 2 * _BASE if sum2 >= 2 * _BASE else sum2
    sum2 = sum2 - _BASE if sum2 >= _BASE else sum2
    return sum1 | (sum2 << 16)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


class PngEncoder:
    """PNG (8-bit RGBA) of successive frames of one size, recompressing only changed bands.

    Each band of :attr:`BAND` rows is compressed on its own and ends on a byte boundary (a sync
    flush), so the compressed bands join into one valid zlib stream; a band whose pixels are
    those of the previous frame keeps its bytes. Rows are written unfiltered.
    """

    BAND = 16
    LEVEL = 1

    def __init__(self) -> None:
        self._shape: tuple[int, ...] = ()
        self._previous: np.ndarray | None = None
        self._bands: list[tuple[bytes, int, int]] = []

    def encode(self, rgba: np.ndarray) -> bytes:
        """The PNG of ``rgba``, an (height, width, 4) ``uint8`` array."""
        rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
        height, width, _ = rgba.shape
        words = rgba.reshape(height, -1).view(np.uint32)
        n_bands = -(-height // self.BAND)
        if rgba.shape != self._shape or self._previous is None:
            self._shape, self._previous = rgba.shape, words.copy()
            self._bands = [(b"", 1, 0)] * n_bands
            changed = np.ones(n_bands, dtype=bool)
        else:
            rows = (words != self._previous).any(axis=1)
            changed = np.add.reduceat(rows, np.arange(0, height, self.BAND)) > 0
            np.copyto(self._previous, words)
        for i in np.flatnonzero(changed):
            block = rgba[i * self.BAND:(i + 1) * self.BAND]
            raw = np.empty((block.shape[0], 4 * width + 1), dtype=np.uint8)
            raw[:, 0] = 0  # filter type "none"
            raw[:, 1:] = block.reshape(block.shape[0], -1)
            data = raw.tobytes()
            packer = zlib.compressobj(self.LEVEL, zlib.DEFLATED, -15)
            self._bands[i] = (packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH),
                              zlib.adler32(data), len(data))
        checksum = self._bands[0][1]
        for _data, adler, length in self._bands[1:]:
            checksum = _adler32_combine(checksum, adler, length)
        stream = b"".join([b"\x78\x01", *(b[0] for b in self._bands), b"\x03\x00",
                           struct.pack(">I", checksum)])
        header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", stream)
                + _chunk(b"IEND", b""))


# =========================================================================== the explorer
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

    #: True when :meth:`draw` returns, among its moving artists, everything that depends on
    #: the axes limits (ticks, their labels, grids): then new limits need no new background
    limits_move = False

    #: kept backgrounds, one per set of axes limits, most recently used last
    BACKGROUNDS = 12

    #: keys of the dict :meth:`draw` returns whose artists change only with :meth:`layer_key`:
    #: they are drawn over the background once per key and kept (:attr:`LAYERS` at a time)
    layer_artists: tuple[str, ...] = ()
    LAYERS = 12

    #: keys of the dict :meth:`draw` returns that are legends with an opaque frame and fixed
    #: entries, drawn over the moving artists: their inside is drawn once and then pasted
    kept_legends: tuple[str, ...] = ()

    def __init__(self, **initial: Any):
        self._background: Any = None
        self._limits: Any = None
        self._backgrounds: dict[tuple, Any] = {}
        self._layers: dict[Any, Any] = {}
        self._legend_insides: dict[str, Any] = {}
        self._encoder = PngEncoder()
        self._primed: Any = None
        super().__init__(**initial)

    def _axes_limits(self) -> tuple:
        if self.limits_move:
            return ()
        return tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.figure.axes)

    def layer_key(self) -> Any:
        """What the :attr:`layer_artists` depend on (default: nothing)."""
        return None

    def _split(self) -> tuple[list[Artist], list[Artist]]:
        """The artists of the kept layer and those drawn at every change, each in drawing order."""
        artists = self.artists if isinstance(self.artists, dict) else {}
        layer = [artists[k] for k in self.layer_artists if k in artists]
        rest = ([v for k, v in artists.items()
                 if k not in self.layer_artists and k not in self.kept_legends]
                if isinstance(self.artists, dict) else self.artists)
        order = lambda a: a.get_zorder()  # noqa: E731
        return sorted(_artists_in(layer), key=order), sorted(_artists_in(rest), key=order)

    def _legends(self) -> list[Legend]:
        artists = self.artists if isinstance(self.artists, dict) else {}
        return [artists[k] for k in self.kept_legends if isinstance(artists.get(k), Legend)]

    def _moving(self) -> list[Artist]:
        layer, rest = self._split()
        return sorted([*layer, *rest, *self._legends()], key=lambda a: a.get_zorder())

    def _draw_legends(self, canvas, renderer) -> None:
        """Each kept legend over what is drawn: whole the first time, then its frame drawn and
        its inside (opaque, so the same whatever lies under it) pasted."""
        artists = self.artists if isinstance(self.artists, dict) else {}
        for key in self.kept_legends:
            legend = artists.get(key)
            if not isinstance(legend, Legend) or not legend.get_visible():
                continue
            inside = self._legend_insides.get(key)
            if inside is None:
                legend.draw(renderer)
                box = legend.get_window_extent(renderer).padded(-2)  # clear of the frame's edge
                self._legend_insides[key] = canvas.copy_from_bbox(box)
            else:
                legend.legendPatch.draw(renderer)
                canvas.restore_region(inside)

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
        self._layers.clear()
        self._legend_insides.clear()
        self._limits = self._axes_limits()
        self._backgrounds[self._limits] = self._background
        while len(self._backgrounds) > self.BACKGROUNDS:
            del self._backgrounds[next(iter(self._backgrounds))]

    def _use_background(self, canvas) -> None:
        """Make :attr:`_background` the picture for the current limits (kept, or drawn now)."""
        limits = self._axes_limits()
        if self._background is not None and limits == self._limits:
            return
        if limits in self._backgrounds:
            self._background = self._backgrounds.pop(limits)
            self._backgrounds[limits] = self._background  # most recently used last
            self._limits = limits
        else:
            self._capture_background(canvas)

    def _prime_texts(self, renderer) -> None:
        """Lay out and render, once, every text among the moving artists, hidden ones too.

        A string's layout and glyphs are worked out the first time it is drawn and reused after
        (:class:`~course_utils.plots.LayoutCachedText`, :class:`TextCachingRenderer`); without
        this, the first window that shows thirty new labels pays for all of them in one change.
        What this paints is covered by the background pasted next.
        """
        for artist in self._moving():
            if isinstance(artist, Text) and artist.get_text():
                shown = artist.get_visible()
                artist.set_visible(True)
                try:
                    artist.draw(renderer)
                finally:
                    artist.set_visible(shown)

    def png(self) -> bytes:
        """The figure as PNG: the kept background plus the moving artists, drawn afresh."""
        canvas = self.figure.canvas
        if not isinstance(canvas, _Canvas):
            canvas = _Canvas(self.figure)
            self._background = None
            self._backgrounds.clear()
        if self.figure.get_layout_engine() is not None:
            freeze_layout(self.figure)  # axes and labels keep their size: lay out once
        self._use_background(canvas)
        renderer = canvas.get_renderer()
        if self._primed is not renderer:
            self._prime_texts(renderer)
            self._primed = renderer
        layer, rest = self._split()
        if layer:
            key = (self._limits, self.layer_key())
            if key not in self._layers:
                canvas.restore_region(self._background)
                for artist in layer:
                    if artist.get_visible():
                        artist.draw(renderer)
                self._layers[key] = canvas.copy_from_bbox(self.figure.bbox)
                while len(self._layers) > self.LAYERS:
                    del self._layers[next(iter(self._layers))]
            canvas.restore_region(self._layers[key])
        else:
            canvas.restore_region(self._background)
        for artist in rest:
            if artist.get_visible():
                artist.draw(renderer)
        self._draw_legends(canvas, renderer)
        return self._encoder.encode(np.asarray(canvas.buffer_rgba()))
