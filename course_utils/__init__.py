"""Bargaining and deterrence, taught through one real argument.

Subpackages (imported on first use, so ``import course_utils`` stays cheap):

- ``course_utils.models``: the formal models (pure numpy).
- ``course_utils.data``: the fact tables and their views.
- ``course_utils.plots``: matplotlib drawing functions.
- ``course_utils.explorers``: ipywidgets explorers, one per model.
- ``course_utils.games``: games in which the student is a player (seeded, with thin views).
- ``course_utils.checks``: self-check questions with hints.
- ``course_utils.grading``: the instructor's pipeline behind the ``course`` command.
"""

from __future__ import annotations

from course_utils._lazy import lazy_names

__version__ = "0.1.0"

_SUBMODULES = ("models", "data", "plots", "explorers", "games", "checks", "questions", "grading",
               "cli")
__all__ = ["__version__", *_SUBMODULES]


__getattr__ = lazy_names(__name__, modules=_SUBMODULES)


def __dir__() -> list[str]:
    return sorted(__all__)
