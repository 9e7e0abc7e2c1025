"""War as an outside option rather than the disagreement point (lesson 8).

Pure numpy, no I/O. In Rubinstein's alternating offers the *disagreement point* of the Nash
solution that the game approximates is what each side gets while talks are stalled (the impasse:
in 2018, the armed status quo), not what it could get by walking away. A side's walk-away payoff
(war) is an *outside option*: it constrains the deal only when it is worth more than what the
side would get anyway (the outside option principle).

Sources: Binmore, K., Rubinstein, A. and Wolinsky, A., "The Nash Bargaining Solution in Economic
Modelling", *RAND Journal of Economics* 17(2), 1986, 176-188 (impasse point versus outside
option); Binmore, K., Shaked, A. and Sutton, J., "An Outside Option Experiment", *Quarterly
Journal of Economics* 104(4), 1989, 753-770 (the outside option principle and its test).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._domain import ArrayLike, check_range, positive, scalar_or_array, share
from .bargaining import nash_bargaining

__all__ = ["OutsideOptionSplit", "outside_option_split"]


class OutsideOptionSplit(NamedTuple):
    """Payoffs of A and B, and whose outside option binds: ``"neither"``, ``"a"`` or ``"b"``
    (arrays of these labels for array input)."""

    a: float
    b: float
    binding: Any  # str, or an array of str for array input


def outside_option_split(impasse_a: ArrayLike, impasse_b: ArrayLike, outside_a: ArrayLike,
                         outside_b: ArrayLike, total: float = 1.0,
                         weight_a: float = 0.5) -> OutsideOptionSplit:
    """The split when the impasse is the disagreement point and walking away is an outside option.

    First the (weighted) Nash solution with the impasse payoffs as disagreement point:
    ``a = d_a + α(S − d_a − d_b)``. If that leaves a side less than its outside option, the side
    gets exactly its outside option and the other the rest; otherwise the outside options do not
    matter at all (Binmore, Shaked and Sutton 1989).

    Parameters
    ----------
    impasse_a, impasse_b : float or array
        What each side gets while there is no deal (the status quo), with ``d_a + d_b <= total``.
    outside_a, outside_b : float or array
        What each side gets by walking away (here, war), with ``w_a + w_b <= total``.
    total : float, > 0
    weight_a : float, in [0, 1]
        A's bargaining weight α.

    Examples
    --------
    >>> [round(v, 2) for v in outside_option_split(0.3, 0.3, 0.0, 0.2)[:2]]   # war does not bind
    [0.5, 0.5]
    >>> outside_option_split(0.3, 0.3, 0.0, 0.6)                              # the US's binds
    OutsideOptionSplit(a=0.4, b=0.6, binding='b')
    """
    s = float(positive("total", total))
    alpha = float(share("weight_a", weight_a))
    w_a = check_range("outside_a", outside_a, high=s)
    w_b = check_range("outside_b", outside_b, high=s)
    if np.any(w_a + w_b > s + 1e-12):
        raise ValueError("outside_a + outside_b must not exceed total: walking away cannot give "
                         "both sides more than a deal could")
    nash = nash_bargaining(impasse_a, impasse_b, s, alpha)
    a = np.asarray(nash.a, dtype=float)
    a, w_a, w_b = np.broadcast_arrays(a, w_a, w_b)
    binding = np.where(a < w_a - 1e-12, "a", np.where(s - a < w_b - 1e-12, "b", "neither"))
    a = np.where(binding == "a", w_a, np.where(binding == "b", s - w_b, a))
    a = np.round(a, 12)
    label = str(binding) if binding.ndim == 0 else binding
    return OutsideOptionSplit(scalar_or_array(a), scalar_or_array(np.round(s - a, 12)), label)
