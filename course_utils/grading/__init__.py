"""The instructor's pipeline: build and prove the release, grade a class, feedback, report.

Grading never imports explorers or plots' widget code (docs/design.md).
"""

import sys as _sys

# nbformat validates with jsonschema, which imports the optional ``rfc3987_syntax`` whenever it
# is installed (JupyterLab's jupyter_events pulls it in). That module compiles 39 grammars at
# import, about 0.5 s of CPU in every grading process and worker, for "iri" format checks that
# notebook validation never makes. Unless this process already has it, grading goes without.
# The same holds, on a smaller scale, for ``isoduration`` (with ``arrow``, about 0.1 s), which
# serves only the "duration" format.
for _optional in ("rfc3987_syntax", "isoduration"):
    _sys.modules.setdefault(_optional, None)  # type: ignore[arg-type]


def _on_demand(package_name: str) -> None:
    """Register ``package_name`` so that its names import one at a time, not all at once.

    ``import nbgrader.preprocessors`` first runs ``nbgrader/__init__.py`` (the four Jupyter
    server extensions, the exchange, the formgrader's handlers, tornado), then
    ``nbgrader/preprocessors/__init__.py`` (every preprocessor, with nbgrader's database layer
    and setuptools), which imports nbconvert's package and all its exporters, filters and
    templates: about 0.8 s of CPU in every grading process (``course selfgrade`` included) for
    the three preprocessors that grading uses. Here the package is registered with its
    ``__path__`` only: its submodules import as usual, a name its ``__init__`` takes from a
    submodule (``from .clearsolutions import ClearSolutions``, read from the file without
    running it) imports that submodule alone, and the first time anything asks for another
    name the whole ``__init__`` runs, so nothing that needs it breaks.
    """
    if package_name in _sys.modules:
        return
    import ast
    import importlib
    import importlib.util
    import types

    spec = importlib.util.find_spec(package_name)
    if spec is None or spec.loader is None or not spec.submodule_search_locations or not spec.origin:
        return
    try:
        tree = ast.parse(open(spec.origin, encoding="utf-8").read())
    except (OSError, SyntaxError, ValueError):
        return
    where = {alias.asname or alias.name: node.module for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
             for alias in node.names}

    class _Package(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            if self.__dict__.get("_course_loaded"):
                raise AttributeError(name)
            if name in where:
                module = importlib.import_module(f"{package_name}.{where[name]}")
                value = getattr(module, name)
                setattr(self, name, value)
                return value
            if name.startswith("__"):
                raise AttributeError(name)
            if importlib.util.find_spec(f"{package_name}.{name}") is not None:
                raise AttributeError(name)  # a submodule: `from package import utils` imports it
            self.__dict__["_course_loaded"] = True
            assert spec is not None and spec.loader is not None
            spec.loader.exec_module(self)
            return getattr(self, name)

    package = importlib.util.module_from_spec(spec)
    package.__class__ = _Package
    _sys.modules[package_name] = package


for _package in ("nbgrader", "nbgrader.preprocessors", "nbconvert", "nbconvert.preprocessors"):
    _on_demand(_package)
