"""JupyterHub for one course on one server: real system users, nbgrader's exchange.

Copy this file to ``/etc/jupyterhub/jupyterhub_config.py`` and start the hub as root
(``jupyterhub -f /etc/jupyterhub/jupyterhub_config.py``). Walk-through: ``deploy/README.md``.

Every site-specific value is read from an environment variable with a production default,
so the file is copied verbatim; the integration test (``tests/hub/``) loads this very file
and overrides only ports and state paths.

=========================  ===============================  =====================================
variable                   default                          meaning
=========================  ===============================  =====================================
COURSE_ID                  kim-trump-bargaining             nbgrader course id (hub group names)
COURSE_INSTRUCTORS         instructors.txt beside this      comma-separated user names
COURSE_STUDENTS            students.txt beside this         comma-separated user names
COURSE_VENV                /opt/course/venv                 Python environment of user servers
COURSE_JUPYTER_CONFIG_DIR  (unset: /etc/jupyter is used)    folder holding the global
                                                            nbgrader_config.py
NBGRADER_EXCHANGE_ROOT     /srv/nbgrader/exchange           exchange folder (mode 1777)
COURSE_HUB_BIND_URL        http://:8000                     where the hub listens
COURSE_HUB_PROXY           /opt/course/proxy/node_modules/  configurable-http-proxy command
                           .bin/configurable-http-proxy
COURSE_HUB_PROXY_PID_FILE  /var/run/jupyterhub-proxy.pid    lets a restarted hub stop an old proxy
=========================  ===============================  =====================================
"""

import os
import pwd
from pathlib import Path

c = get_config()  # noqa: F821  (provided by traitlets when JupyterHub loads this file)

HERE = Path(__file__).resolve().parent
COURSE_ID = os.environ.get("COURSE_ID", "kim-trump-bargaining")
COURSE_VENV = Path(os.environ.get("COURSE_VENV", "/opt/course/venv"))
EXCHANGE_ROOT = os.environ.get("NBGRADER_EXCHANGE_ROOT", "/srv/nbgrader/exchange")


def _roster(variable: str, filename: str) -> list[str]:
    """User names from ``$variable`` (comma-separated) or from ``filename`` beside this file."""
    if os.environ.get(variable):
        names = os.environ[variable].split(",")
    elif (HERE / filename).exists():
        names = (HERE / filename).read_text().split()
    else:
        names = []
    return sorted({n.strip() for n in names if n.strip() and not n.startswith("#")})


INSTRUCTORS = _roster("COURSE_INSTRUCTORS", "instructors.txt")
STUDENTS = _roster("COURSE_STUDENTS", "students.txt")

# --------------------------------------------------------------------------- who may log in
# PAM checks the system password of a real Linux user; nobody else gets in.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no systemd-logind session per server
c.Authenticator.allowed_users = set(INSTRUCTORS) | set(STUDENTS)
c.Authenticator.admin_users = set()  # instructors need no hub admin rights

# --------------------------------------------------------------------------- user servers
# Each user's server runs as that Linux user (the hub runs as root to switch users), so
# the exchange knows who submitted and file permissions keep users apart.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(COURSE_VENV / "bin" / "python"), "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
# A Jupyter server without a terminal ignores SIGINT (it waits for a "y" on stdin), so the
# spawner's first signal only costs time when a server is stopped; go on to SIGTERM soon.
c.LocalProcessSpawner.interrupt_timeout = 2
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    "PATH": f"{COURSE_VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "NBGRADER_EXCHANGE_ROOT": EXCHANGE_ROOT,
    "COURSE_ID": COURSE_ID,
}


def _private_tmp(spawner) -> str:
    """``~/.tmp`` of the spawner's user (made mode 700 by setup_single_server.py).

    A per-user temporary folder keeps one user's scratch files (kernels' sockets, the
    grading sandbox's folder, matplotlib caches) out of reach of the others, and stops
    one user's leftover folder in /tmp from blocking another's program.
    """
    return os.path.join(pwd.getpwnam(spawner.user.name).pw_dir, ".tmp")


c.Spawner.environment["TMPDIR"] = _private_tmp
if os.environ.get("COURSE_JUPYTER_CONFIG_DIR"):
    c.Spawner.environment["JUPYTER_CONFIG_PATH"] = os.environ["COURSE_JUPYTER_CONFIG_DIR"]
# Debian's login shell resets PATH; a plain bash keeps the course environment in terminals.
c.Spawner.args = ['--ServerApp.terminado_settings=shell_command=["/bin/bash"]']

# --------------------------------------------------------------------------- course groups
# nbgrader's JupyterHubAuthPlugin reads these groups: "nbgrader-<course>" lists the
# students who may fetch and submit, "formgrade-<course>" the graders.
STUDENT_GROUP = f"nbgrader-{COURSE_ID}"
GRADER_GROUP = f"formgrade-{COURSE_ID}"
c.JupyterHub.load_groups = {
    STUDENT_GROUP: {"users": STUDENTS},
    GRADER_GROUP: {"users": INSTRUCTORS},
}
c.JupyterHub.load_roles = [
    {
        # Lets the instructor's server enrol students (`nbgrader db student add` and the
        # formgrader call the hub's group API); without it they log a 403 and exit 0.
        "name": f"{COURSE_ID}-instructor",
        "description": "Manage the course's student group",
        "scopes": [f"groups!group={STUDENT_GROUP}", "read:groups", "list:groups", "read:users"],
        "groups": [GRADER_GROUP],
    },
]
# The token a user server receives: the default server scopes, the user's own groups (the
# assignment list needs them), and for instructors the scopes of the role above. Each
# token gets only the part of this list its owner holds.
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    "read:users:name!user",
    "read:users:groups!user",
    f"groups!group={STUDENT_GROUP}",
    "read:groups",
    "list:groups",
    "read:users",
]

# --------------------------------------------------------------------------- hub and proxy
c.JupyterHub.bind_url = os.environ.get("COURSE_HUB_BIND_URL", "http://:8000")
c.JupyterHub.cleanup_servers = True
c.ConfigurableHTTPProxy.should_start = True
c.ConfigurableHTTPProxy.command = [
    os.environ.get("COURSE_HUB_PROXY", "/opt/course/proxy/node_modules/.bin/configurable-http-proxy")
]
c.ConfigurableHTTPProxy.pid_file = os.environ.get(
    "COURSE_HUB_PROXY_PID_FILE", "/var/run/jupyterhub-proxy.pid"
)
