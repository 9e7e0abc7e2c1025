"""The widget of a game: a thin view over a :class:`~._core.Game`, nothing decided here.

Layout, top to bottom: the title and the rules; the prediction (one button per option, locked
once chosen; the decisions open only then); the slider, if the game has one; one button per decision (disabled when it
cannot be taken now); the readout (the explorers' polite live region, which announces every
decision's result and the closing screen); the history as a table; the export row (a file name
and a button that writes the CSV there, on this machine only); a button to play again. Every
control is a native button, slider or text field: Tab reaches it, Enter or Space presses it,
the arrow keys move the slider. Accessible names come from visible labels (see
:mod:`course_utils.explorers._a11y`).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ..explorers import _a11y
from ._core import Game

SLIDER_CLASS = "course-control-share"


class GameView:
    """The widget of ``game``; ``view.widget`` is the box, and a notebook displays the view."""

    def __init__(self, game: Game):
        import ipywidgets as w

        self.game = game
        self._w = w
        title = w.HTML(f'<h3 class="{_a11y.TITLE}">{html.escape(game.title)}</h3>')
        self.question = w.HTML(f"<p>{html.escape(game.intro)}</p><p><strong>Predict first.</strong> "
                               f"{html.escape(game.question)}</p>")
        self.predict_buttons = []
        for option in game.options:
            b = w.Button(description=option, tooltip=f"Predict: {option}",
                         layout=w.Layout(width="auto"))
            b.on_click(lambda b, o=option: self._do(lambda: self._predict(o), b))
            self.predict_buttons.append(b)
        names: dict[str, str] = {}
        self.slider = None
        if game.slider is not None:
            s = game.slider
            self.slider = w.FloatSlider(value=s.value, min=s.low, max=s.high, step=s.step,
                                        description=s.label, readout_format=".2f",
                                        style={"description_width": "14em"},
                                        layout=w.Layout(width="min(36em, 100%)"))
            self.slider.add_class(SLIDER_CLASS)
            names[SLIDER_CLASS] = s.label
        self.action_buttons = {}
        for action in game.actions:
            b = w.Button(description=action.label, button_style="primary",
                         tooltip=action.label, layout=w.Layout(width="auto"))
            b.on_click(lambda b, k=action.key: self._do(lambda: self._act(k), b))
            self.action_buttons[action.key] = b
        self.readout = w.HTML()
        self.readout.add_class(_a11y.READOUT)
        self.table = w.HTML()
        self.filename = w.Text(value=f"{type(game).__name__.lower()}-seed{game.seed}.csv",
                               description="File name", layout=w.Layout(width="min(30em, 100%)"))
        self.save = w.Button(description="Save my history as CSV",
                             tooltip="Write your moves to the file named on the left (this "
                                     "machine only)", layout=w.Layout(width="auto"))
        self.save.on_click(lambda b: self._do(self._export, b))
        self.again = w.Button(description="Play again", tooltip="Start the same game again",
                              layout=w.Layout(width="auto"))
        self.again.on_click(lambda b: self._do(self._reset, b))
        self.a11y = _a11y.accessibility(names)
        rows = [title, self.question, w.HBox(self.predict_buttons, layout=w.Layout(flex_flow="row wrap"))]
        if self.slider is not None:
            rows.append(self.slider)
        rows += [w.HBox(list(self.action_buttons.values()), layout=w.Layout(flex_flow="row wrap")),
                 self.readout, self.table, w.HBox([self.filename, self.save, self.again],
                                                  layout=w.Layout(flex_flow="row wrap")),
                 self.a11y]
        self.widget = w.VBox(rows)
        self.widget.add_class(_a11y.EXPLORER)
        self.widget.add_class("course-game")
        self.message = ""
        self.refresh()

    # ------------------------------------------------------------------ what a click does
    def _predict(self, option: str) -> str:
        self.game.predict(option)
        return ""  # the readout already says what was locked in

    def _act(self, key: str) -> str:
        value = float(self.slider.value) if self.slider is not None and key == "propose" else None
        self.game.act(key, value)
        return ""  # the readout already says what happened

    def _export(self) -> str:
        path = self.game.export_csv(Path(self.filename.value.strip() or "history.csv"))
        return f"Saved {len(self.game.history)} moves to {path}."

    def _reset(self) -> str:
        self.game.reset()
        return "A new game with the same seed: predict, then play."

    def _do(self, step, source: Any = None) -> None:
        """Run a click's step; its message (export, reset) or error joins the readout. If the
        button pressed is now disabled, the keyboard focus moves to the next decision."""
        try:
            self.message = step() or ""
        except ValueError as exc:
            self.message = f"Not possible: {exc}"
        self.refresh()
        if source is not None and source.disabled:
            self.next_control().focus()

    def next_control(self) -> Any:
        """Where the keyboard focus belongs after a button was disabled: the first decision
        open now (for an offer, its button: the slider just before it is a Shift+Tab away), else
        (game over) the save button, else (after a reset) the first prediction."""
        open_now = self.game.available()
        if self.game.prediction is None:
            return self.predict_buttons[0]
        for key, button in self.action_buttons.items():
            if key in open_now:
                return button
        return self.save

    # ------------------------------------------------------------------ redraw
    def refresh(self) -> None:
        """Buttons enabled as the game allows, the readout and the table rewritten."""
        g = self.game
        locked = g.prediction is not None or g.started
        for b, option in zip(self.predict_buttons, g.options, strict=True):
            b.disabled = locked
            b.button_style = "info" if option == g.prediction else ""
        open_now = g.available()
        if g.prediction is None:  # predict first, then play
            open_now = ()
        for key, b in self.action_buttons.items():
            b.disabled = key not in open_now
        if self.slider is not None:
            self.slider.disabled = "propose" not in open_now
        self.save.disabled = not g.history
        parts = [self.message, g.last, g.describe()]
        paragraphs = "".join(f"<p>{html.escape(t)}</p>" for t in parts if t)
        if g.over:
            paragraphs += (f"<p><strong>What happened, and what the model says.</strong> "
                           f"{html.escape(g.confront())}</p>")
        self.readout.value = f'<div class="course-readout">{paragraphs}</div>'
        self.table.value = history_table(g)

    @property
    def text(self) -> str:
        return f"{self.game.title}\n{self.game.readout}"

    def _repr_mimebundle_(self, **kwargs: Any):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.text
        return bundle

    def close(self) -> None:
        self.widget.close()


def history_table(game: Game, last: int = 12) -> str:
    """The last ``last`` moves as an HTML table with a caption and column headers."""
    if not game.history:
        return ""
    rows = game.history[-last:]
    first = len(game.history) - len(rows) + 1
    head = "".join(f"<th scope='col' style='padding:0 0.6em'>{html.escape(c.replace('_', ' '))}</th>"
                   for c in ("move", *game.columns))
    body = "".join(
        "<tr>" + f"<td style='padding:0 0.6em'>{n}</td>" + "".join(
            f"<td style='padding:0 0.6em'>{html.escape(_cell(row.get(c, '')))}</td>"
            for c in game.columns) + "</tr>"
        for n, row in enumerate(rows, start=first))
    shown = f"the last {len(rows)} of {len(game.history)}" if len(game.history) > len(rows) else "all"
    return (f"<table><caption>Your moves ({shown})</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
