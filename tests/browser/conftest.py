"""Real-browser harness: JupyterLab servers started by the tests, driven by Debian's Chromium.

Fixtures
--------
``chromium``      path of the browser; a missing one skips (laptop) or fails (``CI=true``).
``browser``       one Playwright Chromium for the whole session.
``page``          a fresh browser context and tab per test (closed afterwards).
``lab_factory``   starts a JupyterLab on loopback with a token in a temporary HOME; stopped by PID.
``course_lab``    one Lab whose root is a temporary copy of ``notebooks/`` and ``release/``.
``axe_source``    the text of axe-core's ``axe.min.js`` (npm, pinned, in the account's own cache);
                  no npm skips (laptop) or fails (``CI=true``), as a missing browser does.
``demo_course``   a course folder built, graded, with feedback and report, by ``course demo``.
``demo_lab``      one Lab whose root is that demo course folder.
``artifacts``     the screenshot folder (``COURSE_ARTIFACTS``, default
                  ``~/.cache/course/browser-artifacts``: the account's own), outside the
                  repository; its path is printed at the end of the run.

A session-end check fails the run if any process the tests started (server, kernel, browser)
is still alive.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SERVER_START_TIMEOUT = 180.0  # seconds; the 2-core machine is shared
SERVER_STOP_TIMEOUT = 30.0
ENABLE_HINT = ("install Debian's Chromium to run them: `apt-get install chromium` "
               "(never `playwright install`)")

#: User settings written into the server's temporary config: no news pop-up, no update check,
#: no extension manager reaching PyPI, and every notebook cell kept in the DOM (no virtual
#: windowing) so the tests can count outputs without scrolling.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                   "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension/plugin": {"enabled": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}


#: every temporary HOME a server or the browser of this session used (the stray-process check
#: looks for processes mentioning them)
_SANDBOXES: list[Path] = []


# ---------------------------------------------------------------------- browser availability
def _running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, or a skip (a failure in CI) that says how to get it."""
    problem = None
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        problem = f"browser tests need Chromium at {CHROMIUM}; {ENABLE_HINT}"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = ("browser tests need the Python package playwright: "
                       "`pip install -r requirements-test.txt`")
    if problem:
        if _running_in_ci():
            pytest.fail(f"CI=true and {problem}", pytrace=False)
        pytest.skip(problem)
    return CHROMIUM


#: the screenshot folder of this session, once a test asked for it (printed at the end)
_ARTIFACTS: list[Path] = []


@pytest.fixture(scope="session")
def artifacts(request: pytest.FixtureRequest) -> Path:
    """Folder for screenshots and server logs (outside the repository): ``COURSE_ARTIFACTS``
    if set, else ``browser-artifacts`` in the account's own cache folder (``user_cache``), so
    two accounts on one machine never share it. Files of an earlier run are overwritten."""
    chosen = os.environ.get("COURSE_ARTIFACTS", "")
    if chosen:
        folder = Path(chosen).expanduser().resolve()
        if folder == ROOT or ROOT in folder.parents:
            raise pytest.UsageError(f"COURSE_ARTIFACTS={folder} lies inside the repository; "
                                    "point it at a folder outside it, e.g. ~/shots")
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise pytest.UsageError(f"COURSE_ARTIFACTS={folder}: {exc.strerror or exc}") from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise pytest.UsageError(f"COURSE_ARTIFACTS={folder} is not writable by this account "
                                    f"(owner uid {folder.stat().st_uid}); choose a folder of yours")
    else:
        folder = request.getfixturevalue("user_cache") / "browser-artifacts"
        folder.mkdir(mode=0o700, exist_ok=True)
    _ARTIFACTS.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter) -> None:
    if _ARTIFACTS:
        terminalreporter.write_line(f"browser tests: screenshots and server logs in {_ARTIFACTS[0]}")


@pytest.fixture(scope="session")
def browser(chromium: Path):
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    # Chromium's own HOME (profile, crash database): its crash handler outlives its parent for
    # a moment, and the stray-process check finds it by this path.
    home = Path(tempfile.mkdtemp(prefix="course-browser-chromium-"))
    _SANDBOXES.append(home)
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS,
                               env={**os.environ, "HOME": str(home),
                                    "XDG_CONFIG_HOME": str(home / ".config"),
                                    "XDG_CACHE_HOME": str(home / ".cache")})
    except Exception:
        pw.stop()
        raise
    yield b
    b.close()
    pw.stop()
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def page(browser):
    """A fresh context (cookies, storage) and tab for one test."""
    context = browser.new_context(viewport={"width": 1280, "height": 2000})
    context.set_default_timeout(60_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def axe_source(chromium: Path, user_cache: Path) -> str:
    """axe-core's ``axe.min.js`` (:data:`axe_audit.AXE_VERSION`), installed with npm into
    ``user_cache/axe-<version>`` on first use: each account installs its own copy."""
    from axe_audit import AxeUnavailable, install

    try:
        return install(user_cache)
    except AxeUnavailable as exc:
        if _running_in_ci():
            pytest.fail(f"CI=true and {exc}", pytrace=False)
        pytest.skip(str(exc))


DEMO_TIMEOUT_S = 900  # builds the release and grades a whole synthetic class


@pytest.fixture(scope="session")
def demo_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course folder built and graded by ``course demo --out DIR`` (release, submissions,
    gradebook, feedback pages, report)."""
    out = tmp_path_factory.mktemp("demo") / "course"
    command = [str(VENV_BIN / "course"), "demo", "--out", str(out)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=DEMO_TIMEOUT_S,
                         stdin=subprocess.DEVNULL)
    assert run.returncode == 0, (
        f"`{' '.join(command)}` failed with code {run.returncode}:\n"
        f"{run.stdout[-2000:]}\n{run.stderr[-3000:]}")
    for needed in ("nbgrader_config.py", "gradebook.db"):
        assert (out / needed).is_file(), f"`course demo` wrote no {needed} in {out}"
    return out


# ---------------------------------------------------------------------- the Lab server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    """A running JupyterLab started by the tests."""

    name: str
    root: Path
    sandbox: Path
    port: int
    token: str
    proc: subprocess.Popen
    log_path: Path
    stopped: bool = field(default=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, **query: str) -> str:
        """Address of ``path`` on this server, with the token (and any extra query)."""
        sep = "&" if "?" in path else "?"
        extra = "".join(f"&{k}={v}" if v else f"&{k}" for k, v in query.items())
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}{extra}"

    def lab_url(self, notebook: str) -> str:
        """Open ``notebook`` (relative to the root) in a Lab with a fresh workspace."""
        return self.url(f"lab/tree/{notebook}", reset="")

    def api(self, path: str, method: str = "GET") -> object:
        """Call the server's REST API; return the decoded JSON (or None)."""
        req = urllib.request.Request(
            f"{self.base}/api/{path.lstrip('/')}", method=method,
            headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def shutdown_kernels(self) -> None:
        """Shut down every kernel (and its session), as closing the notebooks would."""
        try:
            for session in self.api("sessions"):  # type: ignore[union-attr]
                self.api(f"sessions/{session['id']}", method="DELETE")
            for kernel in self.api("kernels"):  # type: ignore[union-attr]
                self.api(f"kernels/{kernel['id']}", method="DELETE")
        except (urllib.error.URLError, OSError):
            pass  # the server is gone; stop() kills what is left

    def stop(self) -> None:
        """Shut kernels down, then terminate the server, then kill its process group."""
        if self.stopped:
            return
        self.stopped = True
        if self.proc.poll() is None:
            self.shutdown_kernels()
            self.proc.terminate()
            try:
                self.proc.wait(timeout=SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        # kernels run in sessions of their own; any left behind are found by the sandbox path
        for pid in _pids_mentioning(str(self.sandbox)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _write_lab_settings(config_dir: Path) -> None:
    # server side: no news feed, no update check (the machine may be offline)
    (config_dir / "jupyter_lab_config.json").write_text(json.dumps({"LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
    }}))
    user_settings = config_dir / "lab" / "user-settings"
    for plugin, values in LAB_SETTINGS.items():
        target = user_settings / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))


def _server_env(sandbox: Path) -> dict[str, str]:
    env = dict(os.environ)
    homes = {
        "HOME": sandbox / "home",
        "JUPYTER_CONFIG_DIR": sandbox / "jupyter-config",
        "JUPYTER_RUNTIME_DIR": sandbox / "jupyter-runtime",
        "IPYTHONDIR": sandbox / "ipython",
        "MPLCONFIGDIR": sandbox / "matplotlib",
    }
    for key, folder in homes.items():
        folder.mkdir(parents=True, exist_ok=True)
        env[key] = str(folder)
    # Lab extensions live in the venv's share/jupyter: leave the data path alone. The kernel
    # must pick matplotlib's inline backend itself, as it does for a student.
    for key in ("JUPYTER_DATA_DIR", "JUPYTER_PATH", "MPLBACKEND", "JUPYTER_PLATFORM_DIRS"):
        env.pop(key, None)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def start_lab(name: str, root: Path, artifacts: Path) -> LabServer:
    """Start ``jupyter lab`` with ``root`` as its root and working folder; wait until it answers.

    The server's temporary folder is removed again when it cannot be started."""
    sandbox = Path(tempfile.mkdtemp(prefix=f"course-browser-{name}-"))
    _SANDBOXES.append(sandbox)
    try:
        return _start_lab_in(sandbox, name, root, artifacts)
    except BaseException:
        shutil.rmtree(sandbox, ignore_errors=True)
        raise


def _start_lab_in(sandbox: Path, name: str, root: Path, artifacts: Path) -> LabServer:
    env = _server_env(sandbox)
    _write_lab_settings(Path(env["JUPYTER_CONFIG_DIR"]))
    port, token = _free_port(), secrets.token_hex(16)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # one Lab per xdist worker
    log_path = artifacts / f"server-{name}{'-' + worker if worker else ''}.log"
    cmd = [
        str(VENV_BIN / "jupyter"), "lab", "--no-browser", "--ip", "127.0.0.1",
        "--port", str(port), f"--ServerApp.token={token}", "--allow-root",
        f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    server = LabServer(name, root, sandbox, port, token, proc, log_path)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if proc.poll() is not None:
            server.stop()
            raise RuntimeError(f"jupyter lab exited with code {proc.returncode}; log "
                               f"{log_path}:\n{server.log_tail()}")
        try:
            server.api("status")
            return server
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"jupyter lab did not answer within {SERVER_START_TIMEOUT:.0f} s; "
                               f"log {log_path}:\n{server.log_tail()}")
        time.sleep(0.5)


@pytest.fixture(scope="session")
def lab_factory(chromium: Path, artifacts: Path) -> Iterator[Callable[[str, Path], LabServer]]:
    """``lab_factory(name, root)`` starts a Lab; every one is stopped at session end."""
    servers: list[LabServer] = []

    def factory(name: str, root: Path) -> LabServer:
        server = start_lab(name, root, artifacts)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()
        shutil.rmtree(server.sandbox, ignore_errors=True)


@pytest.fixture(scope="session")
def course_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of the lessons, released assignments and nbgrader settings, laid out as
    in the repository (Lab may save into it; the repository stays untouched)."""
    root = tmp_path_factory.mktemp("course-copy")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for folder in ("notebooks", "release"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, root / folder, ignore=ignore)
    if (ROOT / "nbgrader_config.py").is_file():
        shutil.copy2(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    return root


@pytest.fixture(scope="session")
def course_lab(lab_factory, course_root: Path) -> LabServer:
    """One Lab serving the copy of the course, shared by the lesson and assignment tests."""
    return lab_factory("course", course_root)


@pytest.fixture(scope="session")
def demo_lab(lab_factory, demo_course: Path) -> LabServer:
    """One Lab started in the demo course folder (formgrader, feedback, report)."""
    return lab_factory("demo", demo_course)


# ---------------------------------------------------------------------- no stray processes
def _pids_mentioning(text: str) -> list[int]:
    """PIDs of live processes whose command line contains ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[tuple[int, str]]:
    """Live (non-zombie) descendants of ``pid`` with their command lines."""
    children: dict[int, list[int]] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state == "Z":
            continue
        children.setdefault(int(ppid), []).append(int(entry.name))
        commands[int(entry.name)] = cmdline.strip()
    out, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        out.append((child, commands.get(child, "")))
        todo.extend(children.get(child, []))
    return out


@pytest.fixture(scope="session", autouse=True)
def no_stray_processes(request: pytest.FixtureRequest) -> Iterator[None]:
    """After the session: no server, kernel or browser the tests started may still run."""
    yield
    browser_tests_ran = any(item.get_closest_marker("browser") for item in request.session.items)
    if not browser_tests_ran:
        return
    ours = ("chrom", "playwright", "jupyter", "ipykernel")
    deadline = time.monotonic() + 10
    while True:
        leftovers = [(pid, cmd) for pid, cmd in _descendants(os.getpid())
                     if any(word in cmd for word in ours)]
        leftovers += [(pid, f"process using {sandbox}")
                      for sandbox in _SANDBOXES for pid in _pids_mentioning(str(sandbox))]
        if not leftovers or time.monotonic() > deadline:
            break
        time.sleep(0.5)  # processes being reaped after their parent exited
    assert not leftovers, f"processes left running after the browser tests: {leftovers}"
