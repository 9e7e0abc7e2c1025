"""Names of a package imported on first use (PEP 562), so importing the package stays cheap."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_names(package: str, objects: Mapping[str, str] = {},  # noqa: B006 - never mutated
               modules: Iterable[str] = ()) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for ``package``.

    ``objects`` maps a name to the submodule (relative to ``package``) that defines it;
    ``modules`` names submodules that are themselves the attribute. Either is imported the first
    time the name is looked up and then kept in the package's namespace, so later lookups cost
    nothing.
    """
    submodules = frozenset(modules)

    def __getattr__(name: str) -> Any:
        if name in objects:
            value = getattr(importlib.import_module(f"{package}.{objects[name]}"), name)
        elif name in submodules:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
