"""The course's formal models: pure numpy, no I/O, no widgets, no plotting.

Public names, formulas and sources are listed in ``docs/models.md``; each formula lives in exactly one function here.
"""

from . import bargaining, commitment, deterrence, signaling
from .bargaining import *  # noqa: F401,F403  (re-export of each module's __all__)
from .commitment import *  # noqa: F401,F403
from .deterrence import *  # noqa: F401,F403
from .signaling import *  # noqa: F401,F403

__all__ = bargaining.__all__ + commitment.__all__ + deterrence.__all__ + signaling.__all__
