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
COURSE_USER_MEM_LIMIT      2G                               memory of one user's server (systemd:
                                                            all its processes; else each process)
COURSE_USER_CPU_LIMIT      1                                cores one user may use (systemd only)
COURSE_USER_TASKS          512                              processes and threads per user
COURSE_IDLE_TIMEOUT        3600                             seconds before an idle server stops
COURSE_SPAWNER             (unset: systemd where it runs)   ``local`` forces the process spawner
=========================  ===============================  =====================================
"""

import importlib.util
import os
import pwd
import sys
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

# --------------------------------------------------------------------------- at the deadline
# One student's runaway notebook must not starve the class. Where systemd runs the machine
# (and jupyterhub-systemdspawner is installed), each user's server is a systemd unit with a
# memory and CPU cap for all its processes together (cgroups). Elsewhere (a container without
# systemd) the process spawner below caps each process of a user's server: its memory
# (RLIMIT_DATA: heap and anonymous mappings; a notebook that allocates more gets MemoryError)
# and the user's number of processes and threads (RLIMIT_NPROC: no fork bomb), and runs user
# servers at a lower priority than the hub and proxy (nice 5), so the hub keeps answering.
# Without cgroups one user can still keep a core busy; the Linux scheduler shares the rest.
MEM_LIMIT = os.environ.get("COURSE_USER_MEM_LIMIT", "2G")
CPU_LIMIT = float(os.environ.get("COURSE_USER_CPU_LIMIT", "1"))
TASKS = int(os.environ.get("COURSE_USER_TASKS", "512"))
IDLE_TIMEOUT = int(os.environ.get("COURSE_IDLE_TIMEOUT", "3600"))
USER_NICE = 5


def _bytes(text: str) -> int:
    """``"2G"`` -> 2147483648 (K, M, G, T; as the Spawner's ``mem_limit`` reads it)."""
    units = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    text = text.strip().upper()
    return int(float(text[:-1]) * units[text[-1]]) if text[-1:] in units else int(text)


def _systemd_runs() -> bool:
    return Path("/run/systemd/system").is_dir() and importlib.util.find_spec("systemdspawner") is not None


def _limit_this_process() -> None:
    """Limits for a user's server and everything it starts (inherited by kernels)."""
    import resource

    data = _bytes(MEM_LIMIT)
    resource.setrlimit(resource.RLIMIT_DATA, (data, data))
    resource.setrlimit(resource.RLIMIT_NPROC, (TASKS, TASKS))
    os.nice(USER_NICE)


from jupyterhub.spawner import LocalProcessSpawner  # noqa: E402


class CourseProcessSpawner(LocalProcessSpawner):
    """LocalProcessSpawner whose servers start with the limits of ``_limit_this_process``."""

    def make_preexec_fn(self, name):
        switch_user = super().make_preexec_fn(name)

        def preexec():
            _limit_this_process()  # as root, before the switch: hard limits the user cannot raise
            switch_user()

        return preexec


if _systemd_runs() and os.environ.get("COURSE_SPAWNER") != "local":
    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.dynamic_users = False  # the real Linux users
    c.SystemdSpawner.mem_limit = MEM_LIMIT
    c.SystemdSpawner.cpu_limit = CPU_LIMIT
    c.SystemdSpawner.unit_extra_properties = {"TasksMax": str(TASKS), "Nice": str(USER_NICE)}
    c.SystemdSpawner.isolate_tmp = False  # TMPDIR is the user's private ~/.tmp already
else:
    c.JupyterHub.spawner_class = CourseProcessSpawner
c.Spawner.mem_limit = MEM_LIMIT  # shown to the server (JUPYTER_MEM_LIMIT) either way

# Kernels left idle for 30 minutes are shut down by their own server; whole servers idle for
# COURSE_IDLE_TIMEOUT by jupyterhub-idle-culler (a hub service, when installed).
c.Spawner.args.append("--MappingKernelManager.cull_idle_timeout=1800")
c.Spawner.args.append("--MappingKernelManager.cull_interval=300")
c.JupyterHub.services = []
if importlib.util.find_spec("jupyterhub_idle_culler") is not None:
    c.JupyterHub.services.append({
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}"],
    })

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
    {
        # what jupyterhub-idle-culler needs (its README)
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
]
if not c.JupyterHub.services:  # no culler installed: no role for it
    c.JupyterHub.load_roles = c.JupyterHub.load_roles[:-1]
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
