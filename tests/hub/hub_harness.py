"""Helpers of the JupyterHub integration test: a throw-away hub with real Linux users.

Everything lives under one world-traversable temporary folder (homes, exchange, hub state,
the proxy's npm install, and, when needed, a copy of the Python environment), and every
process and user made here is recorded so that :meth:`Hub.teardown` removes them by id.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
PROXY_PACKAGE = "configurable-http-proxy@5.3.0"
SERVER_PROBE = "import jupyterhub.singleuser, nbgrader, course_utils"
#: memory of each process of a user's server in the test (deploy's default is 2G): the load
#: check allocates past it
USER_MEM_LIMIT = "1G"


class HarnessError(RuntimeError):
    """A step of the hub set-up failed; the message names the step and its output."""


def run(cmd: list[str], *, timeout: float = 300, **kwargs: Any) -> subprocess.CompletedProcess:
    """Run ``cmd``; raise :class:`HarnessError` with its output when it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    if done.returncode != 0:
        raise HarnessError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def can_run_as(user: str, python: Path, probe: str = SERVER_PROBE) -> bool:
    """Whether ``user`` can start ``python`` and run ``probe`` (from a neutral folder)."""
    done = subprocess.run(
        ["runuser", "-u", user, "--", str(python), "-c", probe],
        capture_output=True, text=True, cwd="/", timeout=180,
    )
    return done.returncode == 0


def _copy_tree_linked(src: Path, dest: Path) -> None:
    """Copy ``src`` to ``dest`` with hard links (fast, no extra space); plain copy across devices."""
    try:
        run(["cp", "-al", str(src), str(dest)], timeout=300)
    except HarnessError:
        shutil.rmtree(dest, ignore_errors=True)
        run(["cp", "-a", str(src), str(dest)], timeout=600)


@dataclass
class UserEnvironment:
    """What the hub's users run.

    Attributes
    ----------
    venv : Path
        The Python environment of the user servers (and of ``course`` run by the instructor).
    src : Path
        A checkout of the course's tools readable by every user (holds ``deploy/``).
    how : str
        ``"project venv"`` or ``"hard-linked copy"``.
    """

    venv: Path
    src: Path
    how: str


def user_environment(base: Path, force_copy: bool = False) -> UserEnvironment:
    """Find or make a Python environment and course checkout every user can read.

    The project's ``.venv`` and checkout are used as they are when an unprivileged user can
    run them. When the checkout sits under a folder other users cannot traverse (CI clones
    under /root, mode 700), the venv is copied with hard links to ``base/venv`` (same
    inodes: no extra space, and the files keep their world-readable modes; a plain copy
    across file systems), ``course_utils/`` and ``deploy/`` are copied to
    ``base/course-src``, and a ``.pth`` file puts that copy on the path in place of the
    editable install's pointer into the unreadable checkout. The copied scripts in ``bin/``
    get ``#!`` lines naming the copy's Python (each rewritten file replaces its link, so the
    original stays intact): nbgrader runs ``alembic`` by name from the servers' PATH when it
    makes a gradebook, and the old line names a Python other users cannot reach.
    """
    venv = REPO / ".venv"
    if not force_copy and can_run_as("nobody", venv / "bin" / "python"):
        return UserEnvironment(venv, REPO, "project venv")
    copy = base / "venv"
    _copy_tree_linked(venv, copy)
    site = next((copy / "lib").glob("python3*/site-packages"))
    for pointer in site.glob("__editable__*course_utils*"):
        pointer.unlink()  # unlink only: the hard-linked original stays intact
    src = base / "course-src"
    src.mkdir()
    for name in ("course_utils", "deploy"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    (site / "zz_course_src.pth").write_text(f"{src}\n")
    _repoint_scripts(copy / "bin", old=venv, new=copy)
    for path in (copy, src):
        path.chmod(0o755)
    if not can_run_as("nobody", copy / "bin" / "python"):
        raise HarnessError(f"the copied environment {copy} is not usable by other users either")
    return UserEnvironment(copy, src, "hard-linked copy")


def _repoint_scripts(bin_dir: Path, old: Path, new: Path) -> None:
    """Point the ``#!`` line of every script in ``bin_dir`` that names a program under ``old``
    at the same program under ``new``; write a new file and rename it over the old one, never
    writing into a (hard-linked) file."""
    prefix = f"#!{old}/".encode()
    for script in bin_dir.iterdir():
        if script.is_symlink() or not script.is_file():
            continue
        with open(script, "rb") as f:
            if f.read(len(prefix)) != prefix:
                continue
            body = f.read()
        fresh = script.with_name(f".{script.name}.repointed")
        fresh.write_bytes(f"#!{new}/".encode() + body)
        fresh.chmod(script.stat().st_mode & 0o7777)
        os.replace(fresh, script)


def install_proxy(dest: Path, npm_cache: Path) -> Path:
    """Install configurable-http-proxy (pinned) with npm into ``dest``; return its command.

    ``npm_cache`` is npm's download cache, kept between runs: a folder of the running
    account's own (the ``user_cache`` fixture), never a fixed path other accounts share.
    """
    if shutil.which("npm") is None:
        raise HarnessError("npm is not installed: apt-get install -y nodejs npm")
    dest.mkdir(parents=True, exist_ok=True)
    npm_cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    (dest / "package.json").write_text('{"name": "course-hub-proxy", "private": true}\n')
    run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
         "--cache", str(npm_cache), PROXY_PACKAGE],
        cwd=dest, timeout=300,
    )
    command = dest / "node_modules" / ".bin" / "configurable-http-proxy"
    if not command.exists():
        raise HarnessError(f"npm finished but {command} is missing")
    return command


def postgres_available() -> str:
    """Why a PostgreSQL gradebook cannot be used here, or ``""`` when it can."""
    if importlib.util.find_spec("psycopg2") is None:
        return "psycopg2 is not installed (requirements-test.txt installs psycopg2-binary)"
    if not sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "PostgreSQL is not installed (apt-get install postgresql)"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no 'postgres' system user"
    return ""


@dataclass
class Postgres:
    """A throw-away PostgreSQL server on a Unix socket in ``base`` (no TCP port)."""

    base: Path
    bindir: Path = field(default_factory=lambda: sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])
    port: int = 0
    pid: int = 0

    @property
    def data(self) -> Path:
        return self.base / "pg-data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "pg-socket"

    def _as_postgres(self, *args: str) -> subprocess.CompletedProcess:
        return run(["runuser", "-u", "postgres", "--", *args], cwd="/", timeout=180)

    def start(self) -> None:
        """initdb (peer authentication only) and start the server; record its PID."""
        entry = pwd.getpwnam("postgres")
        for folder, mode in ((self.data, 0o700), (self.socket_dir, 0o755)):
            folder.mkdir(mode=mode)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        self._as_postgres(str(self.bindir / "initdb"), "-D", str(self.data), "--auth-local=peer",
                          "--auth-host=reject", "--no-sync", "-U", "postgres")
        self.port = free_port()
        self._as_postgres(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w", "-t", "120",
            "-l", str(self.data / "server.log"),
            "-o", f"-k {self.socket_dir} -p {self.port} -c listen_addresses='' -c fsync=off",
            "start",
        )
        self.pid = int((self.data / "postmaster.pid").read_text().split()[0])

    def create_database(self, owner: str, name: str) -> str:
        """Create role ``owner`` (a Linux user: peer authentication) and its database ``name``.

        Returns
        -------
        str
            The SQLAlchemy URL ``owner`` connects with.
        """
        where = ["-h", str(self.socket_dir), "-p", str(self.port)]
        self._as_postgres(str(self.bindir / "createuser"), *where, owner)
        self._as_postgres(str(self.bindir / "createdb"), *where, "-O", owner, name)
        return f"postgresql+psycopg2://{owner}@/{name}?host={self.socket_dir}&port={self.port}"

    def query(self, database: str, sql: str) -> str:
        """Run ``sql`` in ``database`` as the superuser ``postgres``; return psql's bare output."""
        done = self._as_postgres(str(self.bindir / "psql"), "-h", str(self.socket_dir), "-p", str(self.port),
                                 "-d", database, "-X", "-q", "-t", "-A", "-c", sql)
        return done.stdout.strip()

    def stop(self) -> None:
        """Stop the server by its PID (SIGINT: PostgreSQL's fast shutdown)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGINT)
            except ProcessLookupError:
                return
            for _ in range(100):
                try:
                    os.kill(self.pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.1)
            _kill_pid(self.pid)


@dataclass
class Hub:
    """A JupyterHub started for one test run, with the users it owns.

    Attributes
    ----------
    base : Path
        The run's folder (world-traversable); everything is made inside it.
    venv : Path
        The Python environment of the user servers.
    """

    base: Path
    venv: Path
    course_id: str = "kim-trump-bargaining"
    users: list[str] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    port: int = 0
    service_token: str = ""
    log_path: Path | None = None
    environment: dict[str, str] = field(default_factory=dict)
    teardown_times: dict[str, float] = field(default_factory=dict)

    # ------------------------------------------------------------------ users
    def add_user(self, name: str) -> Path:
        """Create Linux user ``name`` (home under ``base/home``) with a random password."""
        home_root = self.base / "home"
        home_root.mkdir(exist_ok=True)
        home_root.chmod(0o755)
        run(["useradd", "--create-home", "--base-dir", str(home_root), "--shell", "/bin/bash", name])
        self.users.append(name)
        password = secrets.token_urlsafe(12)
        run(["chpasswd"], input=f"{name}:{password}\n")
        self.passwords[name] = password
        return Path(pwd.getpwnam(name).pw_dir)

    # ------------------------------------------------------------------ hub
    @property
    def url(self) -> str:
        """The hub's public URL (the proxy)."""
        return f"http://127.0.0.1:{self.port}"

    def write_config(self, proxy: Path, instructors: list[str], students: list[str]) -> Path:
        """Write the run's config: ``deploy/jupyterhub_config.py`` plus ports and state paths."""
        state = self.base / "hub-state"
        state.mkdir(mode=0o700)
        self.port = free_port()
        self.service_token = secrets.token_hex(24)
        config = state / "jupyterhub_config.py"
        config.write_text(
            "\n".join([
                "c = get_config()  # noqa: F821",
                f"load_subconfig({str(DEPLOY / 'jupyterhub_config.py')!r})  # noqa: F821",
                f"c.JupyterHub.bind_url = 'http://127.0.0.1:{self.port}'",
                f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{free_port()}'",
                f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'",
                f"c.ConfigurableHTTPProxy.command = [{str(proxy)!r}]",
                f"c.ConfigurableHTTPProxy.pid_file = {str(state / 'proxy.pid')!r}",
                f"c.JupyterHub.pid_file = {str(state / 'hub.pid')!r}",
                f"c.JupyterHub.db_url = 'sqlite:///{state / 'jupyterhub.sqlite'}'",
                f"c.JupyterHub.cookie_secret_file = {str(state / 'cookie_secret')!r}",
                "c.JupyterHub.services = c.JupyterHub.services + [{'name': 'course-ci', 'api_token': "
                f"{self.service_token!r}}}]",
                "c.JupyterHub.load_roles = c.JupyterHub.load_roles + [{'name': 'course-ci', "
                "'scopes': ['admin:users', 'admin:servers', 'tokens', 'access:servers', "
                "'admin:groups'], 'services': ['course-ci']}]",
                "",
            ])
        )
        self.environment = dict(
            COURSE_ID=self.course_id,
            COURSE_INSTRUCTORS=",".join(instructors),
            COURSE_STUDENTS=",".join(students),
            COURSE_VENV=str(self.venv),
            COURSE_JUPYTER_CONFIG_DIR=str(self.base / "etc" / "jupyter"),
            NBGRADER_EXCHANGE_ROOT=str(self.base / "exchange"),
            COURSE_USER_MEM_LIMIT=USER_MEM_LIMIT,
        )
        return config

    def start(self, config: Path, timeout: float = 120) -> None:
        """Start the hub as root (with the project's jupyterhub) and wait for its API."""
        self.log_path = config.parent / "jupyterhub.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")}
        env.update(self.environment)
        env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)],
                cwd=config.parent, stdout=log, stderr=subprocess.STDOUT, env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(f"jupyterhub exited {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise HarnessError(f"jupyterhub did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        """The last lines of the hub's log (for failure messages)."""
        if self.log_path is None or not self.log_path.exists():
            return "(no hub log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    # ------------------------------------------------------------------ REST
    def api(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> requests.Response:
        """Call the hub's REST API (``/hub/api`` + ``path``) with the service's token by default."""
        headers = {"Authorization": f"token {token or self.service_token}"}
        kwargs.setdefault("timeout", 120)
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, **kwargs)

    def user_token(self, name: str) -> str:
        """A new API token of user ``name`` (with all of that user's permissions)."""
        reply = self.api("POST", f"/users/{name}/tokens", json={"note": "course-ci"})
        if reply.status_code != 201:
            raise HarnessError(f"token for {name}: {reply.status_code} {reply.text}")
        return reply.json()["token"]

    def start_servers(self, names: list[str], timeout: float = 240) -> None:
        """Ask for every user's server at once, then wait until all are ready."""
        for name in names:
            reply = self.api("POST", f"/users/{name}/server")
            if reply.status_code not in (201, 202):
                raise HarnessError(f"spawn {name}: {reply.status_code} {reply.text}\n{self.log_tail()}")
        deadline = time.monotonic() + timeout
        waiting = set(names)
        while waiting and time.monotonic() < deadline:
            for name in sorted(waiting):
                model = self.api("GET", f"/users/{name}").json()
                server = model.get("servers", {}).get("", {})
                if server.get("ready"):
                    waiting.discard(name)
                elif not model.get("pending") and not server:
                    raise HarnessError(f"the server of {name} failed to start:\n{self.log_tail()}")
            time.sleep(1)
        if waiting:
            raise HarnessError(f"servers not ready after {timeout} s: {sorted(waiting)}\n{self.log_tail()}")

    def server(self, method: str, name: str, path: str, token: str, **kwargs: Any) -> requests.Response:
        """Call user ``name``'s server (through the proxy) at ``/user/<name>/`` + ``path``."""
        headers = {"Authorization": f"token {token}"}
        kwargs.setdefault("timeout", 300)
        return requests.request(
            method, f"{self.url}/user/{name}/{path.lstrip('/')}", headers=headers,
            allow_redirects=False, **kwargs,
        )

    # ------------------------------------------------------------------ kernels
    def start_kernel(self, name: str, token: str) -> str:
        """Start a Python kernel in ``name``'s server; its id."""
        reply = self.server("POST", name, "api/kernels", token, json={"name": "python3"})
        if reply.status_code != 201:
            raise HarnessError(f"kernel for {name}: {reply.status_code} {reply.text[:300]}")
        return reply.json()["id"]

    def execute(self, name: str, token: str, kernel: str, code: str, *, wait: bool = True,
                timeout: float = 120) -> dict[str, Any]:
        """Run ``code`` in a kernel over the server's websocket, as JupyterLab does.

        With ``wait``, returns the ``execute_reply``'s content (``status``, and ``ename`` for an
        error); without, returns once the request is sent.
        """
        import json
        import uuid

        import websocket

        ws = websocket.create_connection(
            f"ws://127.0.0.1:{self.port}/user/{name}/api/kernels/{kernel}/channels?session_id={uuid.uuid4().hex}",
            header=[f"Authorization: token {token}"], timeout=timeout)
        try:
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": name,
                           "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True},
            }))
            if not wait:
                return {}
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                msg = json.loads(ws.recv())
                if msg.get("msg_type") == "execute_reply" and msg.get("parent_header", {}).get("msg_id") == msg_id:
                    return msg["content"]
            raise HarnessError(f"no reply from {name}'s kernel within {timeout} s")
        finally:
            ws.close()

    def login(self, name: str, password: str) -> requests.Response:
        """Submit the hub's login form as a browser would; return the form's reply."""
        with requests.Session() as session:
            page = session.get(f"{self.url}/hub/login", timeout=60)
            xsrf = session.cookies.get("_xsrf", "")
            return session.post(
                f"{self.url}/hub/login",
                data={"username": name, "password": password, "_xsrf": xsrf},
                allow_redirects=False, timeout=60, headers={"Referer": page.url},
            )

    def server_environment(self, name: str) -> dict[str, str]:
        """The ``JUPYTERHUB_*`` variables of user ``name``'s running server (what a terminal
        in that server inherits: its hub token among them), read from ``/proc``."""
        uid = pwd.getpwnam(name).pw_uid
        for entry in Path("/proc").iterdir():
            try:
                if not entry.name.isdigit() or entry.stat().st_uid != uid:
                    continue
                if b"jupyterhub.singleuser" not in (entry / "cmdline").read_bytes():
                    continue
                pairs = (item.split(b"=", 1) for item in (entry / "environ").read_bytes().split(b"\0") if b"=" in item)
                return {k.decode(): v.decode() for k, v in pairs if k.startswith(b"JUPYTERHUB_")}
            except (FileNotFoundError, ProcessLookupError):
                continue
        raise HarnessError(f"no running server process of {name}")

    @staticmethod
    def processes_of(name: str, needle: str) -> list[int]:
        """PIDs of user ``name``'s processes whose command line contains ``needle``."""
        uid = pwd.getpwnam(name).pw_uid
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and entry.stat().st_uid == uid and \
                        needle.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
        return found

    # ------------------------------------------------------------------ teardown
    def _processes_of_users(self) -> list[int]:
        """PIDs of every process owned by one of this run's users."""
        uids = set()
        for name in self.users:
            try:
                uids.add(pwd.getpwnam(name).pw_uid)
            except KeyError:
                continue
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid in uids:
                        pids.append(int(entry.name))
                except FileNotFoundError:
                    continue
        return pids

    def teardown(self) -> list[str]:
        """Stop the hub, the proxy and every user process by PID; delete the users and files.

        Returns
        -------
        list of str
            What could not be cleaned up (empty when everything went).
        """
        problems = []
        started = time.monotonic()
        if self.process is not None and self.process.poll() is None:
            # On SIGTERM the hub stops all user servers at once (cleanup_servers), then the proxy.
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.teardown_times["hub stopped"] = time.monotonic() - started
        proxy_pid = self.base / "hub-state" / "proxy.pid"
        if proxy_pid.exists():
            _kill_pid(int(proxy_pid.read_text().strip() or 0))
        for pid in self._processes_of_users():
            _kill_pid(pid)
        self.teardown_times["processes gone"] = time.monotonic() - started
        for name in self.users:
            done = subprocess.run(["userdel", "--remove", name], capture_output=True, text=True)
            if done.returncode not in (0, 6, 12):  # 6: no such user, 12: home already gone
                problems.append(f"userdel {name}: {done.stderr.strip()}")
        self.teardown_times["users deleted"] = time.monotonic() - started
        shutil.rmtree(self.base, ignore_errors=True)
        self.teardown_times["files removed"] = time.monotonic() - started
        return problems


def _kill_pid(pid: int) -> None:
    """SIGTERM ``pid``, then SIGKILL if it is still there after 5 s."""
    if pid <= 1:
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError as error:
        if error.errno == errno.ESRCH:
            return
        raise
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
