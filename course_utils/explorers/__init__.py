"""Interactive explorers, one per model: controls wired to a model and a plot, nothing else.

Every explorer shares the API of :class:`course_utils.explorers.base.Explorer` (``set``,
``state``, ``summary``, ``figure``, ``widget``). Names are imported on first use, so importing
one explorer does not import them all.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._a11y import labelled
from .base import Explorer

#: explorer name -> module in this package
_EXPLORERS = {
    "CrisisExplorer": "crisis",              # lesson 1: the 2017 crisis in data
    "RangeExplorer": "bargaining_range",     # lesson 2: bargaining range, indivisibility
    "LinkageExplorer": "linkage",            # lesson 3: issue linkage
    "RiskReturnExplorer": "risk_return",     # lesson 5: risk-return trade-off
    "NegotiationGame": "risk_return",        # lesson 5: play against a hidden type
    "CommitmentExplorer": "commitment",      # lesson 6: shifting power, disarmament trap
    "DeterrenceExplorer": "deterrence",      # lesson 8: deterrence inequality, second strike
    "ChickenExplorer": "chicken",            # lesson 7: chicken, symmetric and asymmetric
    "BrinkmanshipExplorer": "brinkmanship",  # lesson 7: the brinkmanship window
    "NashExplorer": "nash",                  # lesson 8: disagreement point and Nash bargaining
    "RubinsteinExplorer": "rubinstein",      # lesson 9: alternating offers
    "SignalExplorer": "signaling",           # lesson 9: the moratorium as a signal
}

__all__ = ["Explorer", "labelled", *_EXPLORERS]


def __getattr__(name: str) -> Any:
    if name in _EXPLORERS:
        module = importlib.import_module(f"{__name__}.{_EXPLORERS[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
