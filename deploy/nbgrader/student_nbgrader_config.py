"""A student's nbgrader settings.

Install as ``~STUDENT/.jupyter/nbgrader_config.py``. The exchange and enrolment come from the
global config; this only names the course, so that commands typed in a terminal
(``nbgrader fetch_assignment ps1_bargaining``, ``nbgrader submit ps1_bargaining``) need no
``--course`` flag. The Assignments tab in JupyterLab does not need it.
"""

import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "kim-trump-bargaining")
