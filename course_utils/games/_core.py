"""What every game shares: a seed, a prediction locked in before playing, the decisions open
now, a text readout of the state, the closing confrontation, ``summary()`` and a CSV export.

A game is plain Python (no widgets): tests and the benchmark drive it headless, and
:mod:`._view` draws it. Every random number a game needs is drawn from its seed when it is
(re)set, before any move, so the same seed plays the same game whatever the student does.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np


class Action(NamedTuple):
    """A decision the student can take: its key (for :meth:`Game.act`) and its button label."""

    key: str
    label: str


class Slider(NamedTuple):
    """A number the student sets before some decisions (e.g. the share they ask for)."""

    label: str
    low: float
    high: float
    step: float
    value: float


class Game:
    """Base class of the games. Subclasses set the class attributes and implement
    :meth:`_new_game`, :meth:`available`, :meth:`_act`, :meth:`describe`, :meth:`confront`
    and :meth:`_summary`."""

    title: str = ""
    #: the rules in a few sentences, shown once under the title (not repeated in the readout)
    intro: str = ""
    #: what the student predicts before the first move, and the options offered
    question: str = ""
    options: tuple[str, ...] = ()
    #: every decision the game ever offers (the view makes one button each)
    actions: tuple[Action, ...] = ()
    #: a number set with a slider before some decisions, or None
    slider: Slider | None = None
    #: the columns of the CSV export, in order (the keys of each history row)
    columns: tuple[str, ...] = ()

    def __init__(self, seed: int = 2018):
        self.seed = self._checked_seed(seed)
        self.prediction: str | None = None
        self.history: list[dict[str, Any]] = []
        self.last: str = ""  # what the last decision did, in words
        self._start()

    # ------------------------------------------------------------------ to implement
    def _new_game(self, rng: np.random.Generator) -> None:
        """Draw every random number of the game from ``rng`` and set the starting state."""
        raise NotImplementedError

    def available(self) -> tuple[str, ...]:
        """Keys of the actions open now (none once the game is over)."""
        raise NotImplementedError

    def _act(self, key: str, value: float | None) -> str:
        """Take the decision ``key``; append to :attr:`history`; return what happened."""
        raise NotImplementedError

    def describe(self) -> str:
        """Where the game stands and what can be decided now, in words."""
        raise NotImplementedError

    def confront(self) -> str:
        """The closing screen: the prediction, what happened, and what the model says."""
        raise NotImplementedError

    def model_answer(self) -> str:
        """The option of :attr:`options` the model gives."""
        raise NotImplementedError

    def _summary(self) -> dict[str, Any]:
        """The game-specific part of :meth:`summary` (plain values only)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ the API
    @property
    def over(self) -> bool:
        """True once nothing is left to decide."""
        return not self.available()

    @property
    def started(self) -> bool:
        return bool(self.history)

    def predict(self, option: str) -> str:
        """Lock in a prediction (one of :attr:`options`); the first move needs one."""
        if option not in self.options:
            raise ValueError(f"the prediction must be one of {list(self.options)}; got {option!r}")
        if self.started:
            raise ValueError("predictions are made before playing: call reset() to predict again")
        self.prediction = option
        self.last = f"Your prediction is locked in: {option}."
        return self.last

    def act(self, key: str, value: float | None = None) -> str:
        """Take a decision by its key (see :meth:`available`); return what happened."""
        keys = [a.key for a in self.actions]
        if key not in keys:
            raise ValueError(f"{type(self).__name__} has no decision {key!r}; decisions: {keys}")
        if self.over:
            raise ValueError("the game is over: call reset() to play again")
        if self.prediction is None:
            raise ValueError(f"predict first, then play: predict() one of {list(self.options)}")
        if key not in self.available():
            raise ValueError(f"{key!r} cannot be chosen now; open now: {list(self.available())}")
        if self.slider is not None and value is not None:
            lo, hi = self.slider.low, self.slider.high
            if not lo <= value <= hi:
                raise ValueError(f"{self.slider.label} must lie in [{lo:g}, {hi:g}]; got {value!r}")
        self.last = self._act(key, value)
        return self.last

    def reset(self, seed: int | None = None) -> None:
        """Start again: the same game, or a new one with ``seed``; the prediction is cleared."""
        if seed is not None:
            self.seed = self._checked_seed(seed)
        self.prediction = None
        self.history = []
        self.last = ""
        self._start()

    @property
    def readout(self) -> str:
        """The text of the current state: the last decision's result, then where things stand."""
        parts = [self.last, self.describe()]
        if self.over:
            parts.append(self.confront())
        return " ".join(p for p in parts if p)

    def summary(self) -> dict[str, Any]:
        """What happened, as a plain dict (numbers, strings, lists): for tests and the API."""
        return {"game": type(self).__name__, "seed": self.seed, "prediction": self.prediction,
                "model_answer": self.model_answer(), "over": self.over,
                "moves": len(self.history), **self._summary()}

    def csv_text(self) -> str:
        """The history as CSV text: one row per decision, the seed and prediction on each."""
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["game", "seed", "prediction", *self.columns],
                                lineterminator="\n")
        writer.writeheader()
        for row in self.history:
            writer.writerow({"game": type(self).__name__, "seed": self.seed,
                             "prediction": self.prediction or "", **row})
        return buf.getvalue()

    def export_csv(self, path: str | Path) -> Path:
        """Write :meth:`csv_text` to ``path`` (a ``.csv`` file on this machine); return it."""
        target = Path(path).expanduser()
        if target.suffix.lower() != ".csv":
            raise ValueError(f"the file name must end in .csv; got {str(path)!r}")
        if not target.parent.is_dir():
            raise ValueError(f"no folder {str(target.parent)!r} to write {target.name} into; "
                             "create it first or choose another path")
        target.write_text(self.csv_text(), encoding="utf-8")
        return target

    def show(self):
        """The game as a widget (display it, or leave it as a cell's last expression)."""
        from ._view import GameView

        return GameView(self)

    # ------------------------------------------------------------------ helpers
    def _start(self) -> None:
        self._new_game(np.random.default_rng(self.seed))

    @staticmethod
    def _checked_seed(seed: Any) -> int:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a whole number >= 0 (e.g. 2018); got {seed!r}")
        return int(seed)

    def _predicted(self) -> str:
        return f"You predicted: {self.prediction}."


def count(name: str, value: Any, high: int) -> int:
    """``value`` as an int if it is a whole number from 1 to ``high``; else a clear ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer)) \
            or int(value) != value or not 1 <= value <= high:
        raise ValueError(f"{name} must be a whole number from 1 to {high}; got {value!r}")
    return int(value)


def pct(x: float) -> str:
    """A probability as a whole percentage (one decimal below 10 %)."""
    return f"{x:.1%}" if 0 < x < 0.1 else f"{x:.0%}"
