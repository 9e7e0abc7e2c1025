"""Domain checks shared by every model: one clear ``ValueError`` instead of a silent NaN."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

ArrayLike = float | npt.ArrayLike


def _fmt(x: float) -> str:
    return "inf" if np.isinf(x) else f"{x:g}"


def check_range(
    name: str,
    value: ArrayLike,
    low: float = -np.inf,
    high: float = np.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> np.ndarray:
    """Return ``value`` as a float array after checking that every element lies in the range.

    Raises
    ------
    ValueError
        Naming the parameter, the offending value and the allowed range, e.g.
        ``p must lie in [0, 1]; got 1.5``.
    """
    arr = np.asarray(value, dtype=float)
    if np.any(np.isnan(arr)):
        raise ValueError(f"{name} must be a number; got NaN")
    too_low = arr <= low if low_open else arr < low
    too_high = arr >= high if high_open else arr > high
    bad = too_low | too_high
    if np.any(bad):
        shown = arr[bad].flat[0] if arr.ndim else float(arr)
        interval = f"{'(' if low_open else '['}{_fmt(low)}, {_fmt(high)}{')' if high_open else ']'}"
        raise ValueError(f"{name} must lie in {interval}; got {shown:g}")
    return arr


def share(name: str, value: ArrayLike) -> np.ndarray:
    """A share or probability: [0, 1]."""
    return check_range(name, value, 0.0, 1.0)


def discount(name: str, value: ArrayLike) -> np.ndarray:
    """A discount factor: (0, 1)."""
    return check_range(name, value, 0.0, 1.0, low_open=True, high_open=True)


def nonnegative(name: str, value: ArrayLike) -> np.ndarray:
    """A cost or a value that cannot be negative: [0, inf)."""
    return check_range(name, value, 0.0, np.inf, high_open=True)


def positive(name: str, value: ArrayLike) -> np.ndarray:
    """A strictly positive quantity: (0, inf)."""
    return check_range(name, value, 0.0, np.inf, low_open=True, high_open=True)


def scalar_or_array(x: np.ndarray):
    """Give back a Python float for 0-d input and the array otherwise."""
    return float(x) if np.ndim(x) == 0 else x


def bool_or_array(x: np.ndarray):
    """Give back a Python bool for 0-d input and the boolean array otherwise."""
    return bool(x) if np.ndim(x) == 0 else np.asarray(x, dtype=bool)


def at_least_one(p: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Probability that at least one of ``n`` independent events of probability ``p`` happens."""
    return 1.0 - (1.0 - p) ** n
