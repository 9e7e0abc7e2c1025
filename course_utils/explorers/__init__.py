"""Interactive explorers, one per model: controls wired to a model and a plot, nothing else.

Every explorer shares the API of :class:`course_utils.explorers.base.Explorer` (``set``,
``state``, ``summary``, ``figure``, ``widget``). Names are imported on first use, so importing
one explorer does not import them all.
"""

from __future__ import annotations

from .._lazy import lazy_names
from ._a11y import labelled
from .base import Explorer

#: explorer name -> module in this package
_EXPLORERS = {
    "CrisisExplorer": "crisis",                # lessons 1 and 10: the 2017 crisis in data
    "RangeExplorer": "bargaining_range",       # lesson 2: bargaining range, indivisibility
    "LinkageExplorer": "linkage",              # lesson 3: issue linkage
    "InspectionExplorer": "tools",             # lesson 4: best responses, mixed equilibrium
    "TreeExplorer": "tools",                   # lessons 4 and 7: backward induction on a crisis game
    "BayesExplorer": "tools",                  # lesson 4: Bayes' rule with two types
    "DiscountExplorer": "tools",               # lesson 4: discounting, the geometric series
    "RiskReturnExplorer": "risk_return",       # lesson 5: risk-return trade-off
    "NegotiationGame": "risk_return",          # lesson 5: play against a hidden type
    "CommitmentExplorer": "commitment",        # lesson 6: shifting power, disarmament trap
    "ChickenExplorer": "chicken",              # lesson 7: chicken, symmetric and asymmetric
    "BrinkmanshipExplorer": "brinkmanship",    # lesson 7: the brinkmanship window
    "DeterrenceExplorer": "deterrence",        # lesson 8: deterrence inequality, second strike
    "NashExplorer": "nash",                    # lesson 8: disagreement point and Nash bargaining
    "OutsideOptionExplorer": "strength",       # lesson 8: war as disagreement point or outside option
    "RubinsteinExplorer": "rubinstein",        # lesson 9: alternating offers
    "HorizonExplorer": "horizon",              # lesson 9: a deadline, converging to Rubinstein
    "SignalExplorer": "signaling",             # lesson 9: the moratorium as a signal
    "MediatorExplorer": "tools",               # lesson 9: a mediator's advice read with Bayes' rule
}

__all__ = ["Explorer", "labelled", *_EXPLORERS]


__getattr__ = lazy_names(__name__, _EXPLORERS)
