"""An instructor's nbgrader settings: where the course lives.

Install as ``~INSTRUCTOR/.jupyter/nbgrader_config.py``. The course folder is a copy of the
course repository (its ``nbgrader_config.py``, ``source/`` and ``release/``) inside the
instructor's home, mode 700, so students can never read ``source/`` (hidden tests) or the
gradebook. The course's own ``nbgrader_config.py`` is loaded from there, so the formgrader
and every command use the same grading settings as the course's tests.
"""

import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

COURSE_ROOT = os.environ.get(
    "COURSE_ROOT",
    os.path.join(os.path.expanduser("~"), os.environ.get("COURSE_ID", "kim-trump-bargaining")),
)
c.CourseDirectory.root = COURSE_ROOT
if os.path.exists(os.path.join(COURSE_ROOT, "nbgrader_config.py")):
    load_subconfig("nbgrader_config.py", path=COURSE_ROOT)  # noqa: F821  (traitlets)
