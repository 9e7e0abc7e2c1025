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


def _nbgrader_on_demand() -> None:
    """Let grading import nbgrader's parts without nbgrader's package ``__init__``.

    ``import nbgrader.preprocessors`` first runs ``nbgrader/__init__.py``, which imports the
    four Jupyter server extensions and, through them, the exchange, the formgrader's handlers and
    tornado: about 1 s of CPU in every grading process (``course selfgrade`` included) for code
    grading never runs. Here the package is registered with its ``__path__`` only, so its
    submodules import as usual; the first time anything asks the package itself for a name it
    does not have yet (``nbgrader._jupyter_server_extension_points``, say), its ``__init__`` runs
    in full, so nothing that needs it breaks.
    """
    if "nbgrader" in _sys.modules:
        return
    import importlib.util
    import types

    spec = importlib.util.find_spec("nbgrader")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return

    class _Package(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            if name.startswith("__") or self.__dict__.get("_course_loaded"):
                raise AttributeError(name)
            if importlib.util.find_spec(f"nbgrader.{name}") is not None:
                raise AttributeError(name)  # a submodule: `from nbgrader import utils` imports it
            self.__dict__["_course_loaded"] = True
            assert spec is not None and spec.loader is not None
            spec.loader.exec_module(self)
            return getattr(self, name)

    package = importlib.util.module_from_spec(spec)
    package.__class__ = _Package
    _sys.modules["nbgrader"] = package
    from nbgrader._version import __version__

    package.__version__ = __version__  # type: ignore[attr-defined]


_nbgrader_on_demand()
