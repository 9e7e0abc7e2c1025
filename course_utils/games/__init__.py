"""Games that make the student a player: chicken, deadlines, a disarmament deal, a crisis.

Each game is a plain Python class (seeded, deterministic, driven headless by tests) with a thin
widget view, ``game.show()``. Every game has the same small API: ``predict(option)`` before the
first move, ``act(key, value=None)`` for a decision (``available()`` lists the keys open now),
``readout`` (the state in words), ``confront()`` (the closing screen), ``summary()`` (a plain
dict), ``reset(seed=None)`` and ``export_csv(path)`` (the student's history, written only where
they ask). Names are imported on first use.
"""

from __future__ import annotations

from .._lazy import lazy_names

#: game name -> module in this package
_GAMES = {
    "ChickenGame": "chicken",          # at the brink: chicken against an equilibrium bot
    "DeadlineGame": "offers",          # the initiative: alternating offers with a deadline
    "DisarmamentGame": "disarmament",  # commitment: a staged deal that may be reneged on
    "CrisisSandbox": "sandbox",        # the hardest part: resolve, signal and commitment
}

__all__ = [*_GAMES]


__getattr__ = lazy_names(__name__, _GAMES)
