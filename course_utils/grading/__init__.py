"""The instructor's pipeline: build and prove the release, grade a class, feedback, report.

Grading never imports explorers or plots' widget code (docs/design.md).
"""

import sys as _sys

# nbformat validates with jsonschema, which imports the optional ``rfc3987_syntax`` whenever it
# is installed (JupyterLab's jupyter_events pulls it in). That module compiles 39 grammars at
# import, about 0.5 s of CPU in every grading process and worker, for "iri" format checks that
# notebook validation never makes. Unless this process already has it, grading goes without.
_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
