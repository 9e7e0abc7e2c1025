"""Interactive explorers, one per model: controls wired to a model and a plot, nothing else.

Each is importable from here; see :class:`course_utils.explorers.base.Explorer` for the API
they share (``set``, ``state``, ``summary``, ``figure``, ``widget``).
"""

from .base import Explorer

__all__ = ["Explorer"]
