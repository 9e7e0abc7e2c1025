"""Global nbgrader settings for every user of the hub.

Install as ``/etc/jupyter/nbgrader_config.py`` (or in the folder named by
``COURSE_JUPYTER_CONFIG_DIR``, which the hub puts on ``JUPYTER_CONFIG_PATH``). Users
cannot change it, and it is read by every nbgrader command and server extension.
"""

import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

# The shared exchange: a folder every user can write (mode 1777, made by
# deploy/setup_single_server.py). Each course gets its own sub-folder, so one hub can
# serve several courses without their assignments meeting.
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True

# Who is enrolled where comes from the hub's groups "nbgrader-<course>" (students) and
# "formgrade-<course>" (graders), so a student sees only their own courses.
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
