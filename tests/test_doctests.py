"""Run the docstring examples of every model module and of the data package, so they stay true.

Model modules are discovered, so a new one is covered without editing this file. Doctest's
report of a failing example is printed and shown by pytest with the failure.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import course_utils.models

MODEL_MODULES = sorted(
    f"course_utils.models.{m.name}"
    for m in pkgutil.iter_modules(course_utils.models.__path__)
    if not m.name.startswith("_")
)


@pytest.mark.parametrize("name", [*MODEL_MODULES, "course_utils.data"])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no docstring examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"


def test_the_four_model_families_are_found():
    # docs/models.md: bargaining, deterrence, commitment, signals
    assert {"bargaining", "deterrence", "commitment", "signaling"} <= {
        name.rsplit(".", 1)[1] for name in MODEL_MODULES
    }
