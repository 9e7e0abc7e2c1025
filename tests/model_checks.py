"""Checks shared by the model test files: array sweeps and domain errors."""

from __future__ import annotations

import numpy as np
import pytest


def assert_sweep_matches_scalars(func, args) -> None:
    """A model called with one array argument gives, element by element, its scalar results."""
    sweep = func(*args)
    for i, x in enumerate(next(a for a in args if np.ndim(a))):
        scalar = func(*(x if np.ndim(a) else a for a in args))
        assert np.asarray(sweep)[..., i].tolist() == pytest.approx(np.asarray(scalar).tolist())


def assert_rejects(func, args, message: str) -> None:
    """The model raises ValueError with a message matching ``message`` (parameter and range)."""
    with pytest.raises(ValueError, match=message):
        func(*args)
