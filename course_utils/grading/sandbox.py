"""Execute one untrusted notebook in a fenced-off kernel and report what went wrong.

:func:`execute_notebook` runs a notebook (normally the output of
:func:`course_utils.grading.integrity.check_and_restore`) with nbclient in a fresh IPython kernel:

* the kernel runs in a private folder holding a copy of ``workdir`` (symlinks dropped), as an
  unprivileged user id of its own (one per concurrent sandbox, so the process limit and the final
  clean-up never touch another student's kernel), with limits on memory, CPU time, processes and file
  size, in its own network namespace (no route out; ``ipc`` transport), and in its own mount
  namespace where the paths named in ``protect`` (gradebook, source, other submissions) read as empty;
* a per-cell timeout (the cell is interrupted, the run goes on) and a whole-notebook time limit
  (the kernel is stopped); both are flagged, and a timed-out test cell fails;
* outputs are capped in size (long streams and big images are cut and flagged);
* before each graded test cell a guard restores what student code could have tampered with: the
  builtins, ``math``/``numpy``/``operator`` functions, fresh ``course_utils`` imports, IPython's
  cell transformers, compiler, traceback and exception hooks, tracing hooks. The guard answers with a
  random token; if the token does not come back, the kernel is deemed subverted and the remaining
  tests fail;
* a test cell whose execute reply says "error" always carries an error output, so a scorer that
  looks at outputs (nbgrader's ``determine_grade``) cannot be fooled by a silenced traceback.

When the unprivileged user cannot run the course's Python (the repository sits in a folder other
users cannot read, e.g. ``/root`` with mode 0700), the kernel runs as the current user with the
limits that still apply, and a flag says so (see ``docs/integrity.md``). No environment variable
distinguishes grading from validation: the kernel gets a fixed, minimal environment.

The kernel is started through :mod:`course_utils.grading._launcher`, a separate small process
that applies the limits and namespaces, drops privileges and execs the kernel.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course_utils.grading import _launcher
from course_utils.grading._launcher import drop_privileges

__all__ = ["ExecResult", "Limits", "execute_notebook", "course_paths", "privilege_drop_status", "probe_unprivileged", "DEFAULT_LIMITS"]


@dataclass(frozen=True)
class Limits:
    """Resource limits of one grading kernel.

    Attributes
    ----------
    memory_bytes : int
        Address-space limit (``RLIMIT_AS``) of the kernel and its children.
    processes : int
        Processes and threads the sandbox user may have (``RLIMIT_NPROC``); binds only when the
        kernel runs unprivileged.
    file_bytes : int
        Largest file the kernel may write (``RLIMIT_FSIZE``).
    stream_chars : int
        Characters of stdout/stderr kept per cell; the rest is cut and flagged.
    output_bytes : int
        Largest single rich output (image, HTML, ...) kept; bigger ones are replaced and flagged.
    notebook_output_bytes : int
        Total output kept for the whole notebook.
    disk_bytes : int
        Size of the kernel's private temporary folders (working folder, ``/tmp``); files it
        writes live in memory and vanish with it.
    call_seconds : float
        Longest a test's single call to a student function may run (the cell's own limit
        also applies); an overrun fails that test.
    channel_bytes : int
        Largest answer (bytes of its encoded form) the judge accepts from the student's kernel.
    """

    memory_bytes: int = 2 * 1024**3
    processes: int = 96
    file_bytes: int = 64 * 1024**2
    stream_chars: int = 100_000
    output_bytes: int = 2 * 1024**2
    notebook_output_bytes: int = 10 * 1024**2
    disk_bytes: int = 256 * 1024**2
    call_seconds: float = 10.0
    channel_bytes: int = 16 * 1024**2


DEFAULT_LIMITS = Limits()


@dataclass
class ExecResult:
    """What came of executing one notebook.

    Attributes
    ----------
    nb : NotebookNode
        The executed notebook (outputs filled in; cells never reached have none, test cells never
        reached or cut short carry an error output).
    timed_out : bool
        A cell hit the per-cell timeout, or the whole-notebook limit was reached.
    crashed : bool
        The kernel died or could not be started.
    flags : list of str
        One-line reasons for anything unusual, in the order they happened.
    """

    nb: Any
    timed_out: bool = False
    crashed: bool = False
    flags: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Where sandboxes live, and which user id each one runs as
# --------------------------------------------------------------------------------------------

_BASE_UID = 61_000
_SLOTS = 64
#: Root's folder of sandbox slots (one set for every grader on the machine): under /run, which
#: only root can write, so no other account can plant or block it.
_ROOT_BASE = Path("/run/course-sandbox")


@functools.cache
def _base_dir() -> Path:
    """Where run folders (and slot locks) live.

    ``/run/course-sandbox`` for root (one set of slots for every grader on the machine; in
    the temporary folder if ``/run`` is missing); for anybody else, a private folder of this
    process (mode 700, from :func:`tempfile.mkdtemp`), removed when it ends: nothing at a fixed,
    shared path that another account could create first.

    Raises
    ------
    RuntimeError
        If root's folder is a symlink or belongs to somebody else: grading stops until it is
        removed.
    """
    if os.geteuid() != 0:
        import atexit

        base = Path(tempfile.mkdtemp(prefix="course-sandbox-"))
        atexit.register(shutil.rmtree, base, True)
    else:
        base = _ROOT_BASE if _ROOT_BASE.parent.is_dir() else Path(tempfile.gettempdir()) / "course-sandbox"
        with contextlib.suppress(FileExistsError):
            base.mkdir(mode=0o711)
        st = os.lstat(base)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
            raise RuntimeError(f"{base} is not a folder of this user (a symlink or somebody else's); "
                               "remove it and grade again")
        os.chmod(base, 0o711)
    (base / "locks").mkdir(mode=0o700, exist_ok=True)
    return base


@functools.cache
def _uid_in_use(uid: int) -> bool:
    """True when ``uid`` belongs to an account of this machine."""
    import pwd

    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


class NoFreeSlot(RuntimeError):
    """Every sandbox slot is taken (raised only when not waiting for one)."""


@contextlib.contextmanager
def _slot(wait: bool = True) -> Iterator[int]:
    """Hold one of the sandbox slots (a file lock) and yield its user id.

    With ``wait=False``, raise :class:`NoFreeSlot` at once when all are taken (a kernel started
    ahead must never hold up, or deadlock, the notebooks being graded).
    """
    locks = _base_dir() / "locks"
    while True:
        for n in range(_SLOTS):
            if _uid_in_use(_BASE_UID + n):
                continue  # a real account (e.g. on a JupyterHub): never run as it, never kill it
            fh = open(locks / f"slot-{n}.lock", "w")
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.close()
                continue
            try:
                yield _BASE_UID + n
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
                fh.close()
            return
        if not wait:
            raise NoFreeSlot(f"all {_SLOTS} sandbox slots are in use")
        time.sleep(0.5)


def _remove_stale_runs(prefix: str) -> None:
    """Remove run folders of a slot left behind by a grader that was killed.

    Called with the slot's lock held, so no live sandbox is using them.
    """
    for stale in _base_dir().glob(f"{prefix}*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def _uid_processes(uid: int) -> list[int]:
    """Live (not zombie) process ids whose real user id is ``uid``."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            state = ""
            with open(f"/proc/{entry.name}/status") as fh:
                for line in fh:
                    if line.startswith("State:"):
                        state = line.split()[1]
                    elif line.startswith("Uid:"):
                        if int(line.split()[1]) == uid and state not in ("Z", "X"):
                            pids.append(int(entry.name))
                        break
        except (OSError, ValueError, IndexError):
            continue
    return pids


def _stray_processes(launcher_pid: int, uid: int | None) -> list[int]:
    """Processes the student started: in the kernel's PID namespace, every live process but its
    first two (the namespace's init and the kernel, see :mod:`_launcher`); without a namespace,
    the kernel's process group but the kernel."""
    try:
        with open(f"/proc/{launcher_pid}/task/{launcher_pid}/children") as fh:
            init = int(fh.read().split()[0])
        namespace = os.readlink(f"/proc/{init}/ns/pid")
    except (OSError, ValueError, IndexError):
        namespace = None
    strays = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == launcher_pid:
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            state, pgid = fields[0], int(fields[2])
            if state in ("Z", "X"):
                continue
            if namespace is None:
                mine = pgid == launcher_pid
            elif os.readlink(f"/proc/{entry.name}/ns/pid") != namespace:
                continue
            else:
                with open(f"/proc/{entry.name}/status") as fh:
                    inner = next(line for line in fh if line.startswith("NSpid:")).split()[-1]
                mine = int(inner) > 2
        except (OSError, ValueError, IndexError, StopIteration):
            continue
        if mine:
            strays.append(int(entry.name))
    return strays


def _kill_strays(kernel_pid: int | None, uid: int | None) -> int:
    """Kill the student's leftover processes (a fork bomb's children) before a test runs.

    Returns how many were killed; they become zombies the kernel's guard then reaps.
    """
    if kernel_pid is None:
        return 0
    killed: set[int] = set()
    for _ in range(20):
        strays = _stray_processes(kernel_pid, uid)
        if not strays:
            break
        for pid in strays:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
        time.sleep(0.05)
    return len(killed)


def _kill_uid(uid: int) -> None:
    """Kill every process of a sandbox user id, repeating until none is left (fork bombs)."""
    pause = 0.002  # a killed process is gone within milliseconds; a fork bomb needs longer
    for _ in range(60):
        pids = _uid_processes(uid)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(pause)
        pause = min(2 * pause, 0.05)


# --------------------------------------------------------------------------------------------
# Can an unprivileged user run our Python?  (checked once per process)
# --------------------------------------------------------------------------------------------


@functools.cache
def privilege_drop_status() -> tuple[bool, str]:
    """Whether grading kernels can run as a user id of their own, and if not, why.

    Only root can switch users. Runs the course's Python once through the launcher, as a
    sandbox user, importing what a kernel needs, and caches the answer for the process.

    Returns
    -------
    ok : bool
        True when kernels can drop privileges.
    reason : str
        Empty when ``ok``; otherwise a short reason for the flag.
    """
    return probe_unprivileged(sys.executable)


def probe_unprivileged(python: str) -> tuple[bool, str]:
    """Try to start ``python`` in the sandbox as an unprivileged user id, importing what a
    grading kernel needs (ipykernel, course_utils, numpy).

    Parameters
    ----------
    python : str
        Path of the interpreter the kernels will run.

    Returns
    -------
    ok : bool
        True when the unprivileged user could start it and import ipykernel and course_utils.
    reason : str
        Empty when ``ok``; otherwise one line saying why not (e.g. the environment's files are
        not readable by other users).
    """
    if os.name != "posix":
        return False, "not a POSIX system"
    if os.geteuid() != 0:
        return False, "the grader does not run as root, so it cannot switch to another user"
    with _slot() as probe_uid:  # a user id no other grader is using right now
        try:
            return _probe_as(python, probe_uid)
        finally:
            _kill_uid(probe_uid)


def _probe_as(python: str, probe_uid: int | None) -> tuple[bool, str]:
    """Run ``python -c 'import ...'`` through the launcher, as ``probe_uid``."""
    with tempfile.TemporaryDirectory(dir=_base_dir(), prefix="probe-") as tmp:
        run = Path(tmp)
        for sub in ("work", "home", "cfg", "ipc"):
            (run / sub).mkdir()
        cfg = _launch_config(run, probe_uid, DEFAULT_LIMITS, 60, [], [])
        cfg["env"]["HOME"] = str(run / "home")
        cfg_file = run / "launch.json"
        cfg_file.write_text(json.dumps(cfg))
        os.chmod(run, 0o711)
        cmd = [*_launcher_cmd(cfg_file), python, "-c", "import ipykernel, course_utils, numpy"]
        try:
            proc = subprocess.run(cmd, cwd="/", capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as exc:
            return False, f"the probe could not start ({exc.__class__.__name__}: {exc})"
        if proc.returncode != 0:
            lines = (proc.stderr or "").strip().splitlines()
            notes = run / "launcher-notes.txt"
            if notes.exists():
                lines += notes.read_text().splitlines()
            last = lines[-1] if lines else f"exit status {proc.returncode}"
            return False, f"an unprivileged user cannot run {python} in the sandbox ({last[:160]})"
    return True, ""


@functools.cache
def sandbox_status() -> tuple[bool, str]:
    """Whether this machine lets the grader build the kernel's sandbox (namespaces), and if
    not, why: checked once per process, by launching the course's Python in it."""
    return _probe_as(sys.executable, None) if os.name == "posix" else (False, "not a POSIX system")


def _runtime_paths() -> list[str]:
    """What a kernel may see of the host, read-only: the system's programs and libraries, the
    Python installation, the virtual environment and the ``course_utils`` package."""
    import course_utils

    wanted = ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]
    for path in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                 Path(sys.executable).resolve().parent.parent, Path(course_utils.__file__).resolve().parent):
        wanted.extend([str(path), str(Path(path).resolve())])
    existing = sorted({p for p in wanted if os.path.lexists(p)})
    top = [p for p in existing if p.count("/") == 1 and os.path.islink(p)]
    dirs = [p for p in existing if p not in top and os.path.isdir(p)]
    return top + [p for p in dirs if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in dirs)]


def _launcher_cmd(cfg_file: Path) -> list[str]:
    return [sys.executable, "-I", "-S", str(Path(_launcher.__file__).resolve()), "--launch", str(cfg_file), "--"]


def _launch_config(run: Path, uid: int | None, limits: Limits, total_timeout: float,
                   protect: Sequence[str], chown: list[str]) -> dict:
    """The launcher's configuration for a kernel whose run folder is ``run``."""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(run / "home"),
        "LANG": "C.UTF-8",
        "IPYTHONDIR": str(run / "cfg" / "ipython"),
        "MPLCONFIGDIR": str(run / "cfg" / "mpl"),
        "JUPYTER_CONFIG_DIR": str(run / "cfg" / "jupyter"),
        "JUPYTER_DATA_DIR": str(run / "cfg" / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(run / "ipc"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    return {
        "uid": uid,
        "memory_bytes": int(limits.memory_bytes),
        "cpu_seconds": int(total_timeout) + 30,
        "file_bytes": int(limits.file_bytes),
        "processes": int(limits.processes),
        "runtime": _runtime_paths(),
        "protect": list(protect),
        "chown": chown,
        "env": env,
        "cwd": str(run / "work"),
        "run": str(run),
        "disk_bytes": int(limits.disk_bytes),
    }


# --------------------------------------------------------------------------------------------
# Code run inside the kernel: the student's end of the judge's channel
# --------------------------------------------------------------------------------------------


@functools.cache
def _agent_source() -> str:
    """The text of ``_agent.py``, sent to each kernel before its first cell (never imported here:
    it registers itself with the kernel it runs in)."""
    return Path(__file__).with_name("_agent.py").read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------------


def _is_test_cell(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _error_output(ename: str, evalue: str) -> Any:
    from nbformat.v4 import new_output

    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _data_size(data: dict) -> int:
    """Characters of a rich output's mime bundle (base64 images count as they are stored)."""
    return sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in data.values())


@functools.cache
def _make_client_class() -> type:
    """Build the NotebookClient subclass (nbclient is imported only when grading starts)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError
    from nbclient.util import ensure_async, run_sync

    class SandboxClient(NotebookClient):  # type: ignore[misc]
        """nbclient with output caps, a guard before test cells and a whole-run deadline."""

        def __init__(self, nb: Any, *, limits: Limits, judge: Any, deadline: float,
                     kill_hook: Any = None, uid: int | None = None, **kw: Any):
            super().__init__(nb, **kw)
            self._limits = limits
            self._judge = judge
            self._stuck = False
            self._deadline = deadline
            self._cut_cells: set[int] = set()
            self._stream_chars: dict[int, int] = {}
            self._total_bytes = 0
            self.sandbox_flags: list[str] = []
            self.timed_out = False
            self.crashed = False
            self._last_reply: dict[str, Any] | None = None
            self.kernel_pid: int | None = None
            self.max_restarts = 2
            self._restarts = 0
            self._no_replay: set[int] = set()
            self._kill_hook = kill_hook
            self._uid = uid
            self.on_cell_executed = self._remember_reply

        def _remember_reply(self, cell: Any, cell_index: int, execute_reply: Any) -> None:
            self._last_reply = execute_reply

        # -- output caps ------------------------------------------------------------------
        def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
            lim = self._limits
            content = msg.get("content", {})
            msg_type = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
            if msg_type == "stream":
                used = self._stream_chars.get(cell_index, 0)
                text = content.get("text", "")
                room = min(lim.stream_chars - used, lim.notebook_output_bytes - self._total_bytes)
                if len(text) > room:
                    self._stream_chars[cell_index] = used + len(text)
                    if cell_index not in self._cut_cells:
                        self._cut_cells.add(cell_index)
                        self.sandbox_flags.append(
                            f"cell {cell_index}: printed output over {lim.stream_chars} characters; cut"
                        )
                        content["text"] = text[: max(room, 0)] + "\n[... output cut by the grader ...]\n"
                        self._total_bytes += max(room, 0)
                        return super().output(outs, msg, display_id, cell_index)
                    return None
                self._stream_chars[cell_index] = used + len(text)
                self._total_bytes += len(text)
                return super().output(outs, msg, display_id, cell_index)
            if msg_type in ("display_data", "execute_result", "update_display_data"):
                size = _data_size(content.get("data", {}))
                if size > lim.output_bytes or self._total_bytes + size > lim.notebook_output_bytes:
                    self.sandbox_flags.append(
                        f"cell {cell_index}: an output of {size} bytes exceeded the size limit; replaced"
                    )
                    content["data"] = {"text/plain": f"[output of {size} bytes removed by the grader]"}
                    content["metadata"] = {}
                    size = 0
                self._total_bytes += size
            if msg_type == "error":
                tb = content.get("traceback", [])
                if sum(len(t) for t in tb) > lim.stream_chars:
                    content["traceback"] = [t[:2000] for t in tb[:20]] + ["[... traceback cut ...]"]
            return super().output(outs, msg, display_id, cell_index)

        # -- helpers ------------------------------------------------------------------------
        async def _silent(self, code: str, timeout: float, expr: str | None = None) -> Any:
            """Run code without outputs; return the reply (or None if none came in time)."""
            assert self.kc is not None
            kwargs: dict[str, Any] = {"silent": True, "store_history": False}
            if expr is not None:
                kwargs["user_expressions"] = {"r": expr}
            return await self._reply_to(self.kc.execute(code, **kwargs), timeout)

        async def _reply_to(self, msg_id: str, timeout: float) -> Any:
            """The shell reply to ``msg_id``, or None if none came within ``timeout`` seconds."""
            assert self.kc is not None
            end = time.monotonic() + timeout
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    return None
                try:
                    msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=min(left, 1.0)))
                except Exception:  # queue.Empty
                    if not await ensure_async(self.kc.is_alive()):
                        raise DeadKernelError("Kernel died") from None
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    return msg

        def _fail_rest(self, start: int, reason: str) -> None:
            for cell in self.nb.cells[start:]:
                if _is_test_cell(cell):
                    cell.outputs = [_error_output("GradingError", reason)]

        # -- the run ------------------------------------------------------------------------
        async def async_execute(self, reset_kc: bool = False, **kwargs: Any) -> Any:  # noqa: C901
            self.reset_execution_trackers()
            try:
                setup = self.async_setup_kernel(**kwargs)
                await setup.__aenter__()
            except Exception as exc:  # kernel could not start
                import atexit

                atexit.unregister(self._cleanup_kernel)
                self.crashed = True
                self.sandbox_flags.append(f"the grading kernel could not start ({exc.__class__.__name__}: {exc})")
                self._fail_rest(0, "the grading kernel could not start")
                return self.nb
            try:
                await self._run_cells()
            finally:
                with contextlib.suppress(Exception):
                    await setup.__aexit__(None, None, None)
            return self.nb

        execute = run_sync(async_execute)

        async def _start(self) -> bool:
            """Define the channel's agent in the fresh kernel; False if the kernel does not answer."""
            with contextlib.suppress(AttributeError):
                self.kernel_pid = self.km.provisioner.process.pid
            startup = max(5.0, min(120.0, self._deadline - time.monotonic()))
            try:
                reply = await self._silent(_agent_source(), startup)
            except DeadKernelError:
                reply = None
            return reply is not None and reply["content"].get("status") == "ok"

        async def _recover(self, index: int, what: str) -> bool:
            """Replace a dead or stuck kernel and replay the non-test cells before ``index``.

            The cell at ``index`` is skipped; later cells run as usual, so parts answered before
            and after the offending cell keep their points. At most ``max_restarts`` times.
            """
            self.crashed = True
            if self._restarts >= self.max_restarts or self._deadline - time.monotonic() < 5:
                self.sandbox_flags.append(f"{what} in cell {index}; the rest was not run")
                return False
            self._restarts += 1
            self.sandbox_flags.append(f"{what} in cell {index}; kernel restarted, that cell skipped")
            try:
                self._kill_hook(self.kernel_pid)
                await ensure_async(self.km.restart_kernel(now=True))
                await ensure_async(self.kc.wait_for_ready(timeout=max(5.0, min(60.0, self._deadline - time.monotonic()))))
                if not await self._start():
                    raise RuntimeError("no set-up")
                self._no_replay.add(index)
                for i, earlier in enumerate(self.nb.cells[:index]):
                    if i in self._no_replay:
                        continue  # cells that timed out or killed the kernel are not run again
                    if earlier.get("cell_type") == "code" and not _is_test_cell(earlier) and earlier.source.strip():
                        left = min(self._cell_timeout, self._deadline - time.monotonic())
                        if left <= 0 or await self._silent(earlier.source, left) is None:
                            raise RuntimeError("replay did not finish")
            except Exception as exc:  # noqa: BLE001 - any failure here ends the run for this notebook
                self.sandbox_flags.append(f"the kernel could not be restarted after cell {index} ({exc.__class__.__name__})")
                return False
            return True

        # -- the judge ---------------------------------------------------------------------
        async def _ask_student(self, request: dict, cell_end: float) -> dict:
            """Answer one judge request from the student's kernel: ``{"status": ..., ...}``.

            Only the agent's answer text crosses (size-checked); the judge decodes it. A call
            that runs over its limit is interrupted; a kernel that then does not answer is
            marked stuck and replaced after the cell.
            """
            import base64

            if self._stuck:
                return {"status": "died"}
            op = request.get("op")
            if op == "call":
                payload = {"ref": request.get("ref"), "args": request.get("args", []),
                           "kwargs": request.get("kwargs", {})}
                limit = min(self._limits.call_seconds, cell_end - time.monotonic())
            else:
                payload = request.get("name")
                limit = min(10.0, cell_end - time.monotonic())
            if op not in ("get", "has", "call") or limit <= 0:
                return {"status": "timeout", "seconds": round(max(limit, 0), 1)}
            encoded = base64.b64encode(json.dumps(payload).encode()).decode("ascii")
            assert self.kc is not None
            msg = self.kc.session.msg("course_agent_request", {"op": op, "request": encoded})
            try:
                self.kc.shell_channel.send(msg)
                reply = await self._reply_to(msg["header"]["msg_id"], limit)
                if reply is None:
                    with contextlib.suppress(Exception):
                        await ensure_async(self.km.interrupt_kernel())
                    reply = await self._reply_to(msg["header"]["msg_id"], 5.0)  # once the call stopped
                    if reply is None:
                        self._stuck = True
                        return {"status": "died"}
                    return {"status": "timeout", "seconds": round(limit, 1)}
            except DeadKernelError:
                self._stuck = True
                return {"status": "died"}
            answer = reply.get("content", {}).get("answer")
            if not isinstance(answer, str):
                return {"status": "error", "message": "the notebook's kernel did not answer the grader "
                                                      "(was __course_agent__ replaced?)"}
            if len(answer) > 2 * self._limits.channel_bytes:
                return {"status": "error", "message": f"the answer is too big to grade ({len(answer)} characters)"}
            return {"status": "ok", "answer": answer}

        async def _judge_cell(self, cell: Any, index: int) -> bool:
            """Run a test cell in the judge, answering its requests; False ends the run."""
            from nbformat import from_dict

            from course_utils.grading.judge import JudgeError

            judge = self._judge
            cell_end = min(time.monotonic() + self._cell_timeout, self._deadline)
            outputs: list[dict] | None = None
            try:
                judge.wait_ready(max(1.0, min(60.0, self._deadline - time.monotonic())))
                judge.send({"op": "run", "source": cell.source, "index": index})
                while outputs is None:
                    message = judge.receive(cell_end - time.monotonic())
                    if message is None:
                        break
                    if message.get("op") == "done":
                        outputs = list(message.get("outputs", []))
                    else:
                        judge.send(await self._ask_student(message, cell_end))
            except JudgeError as exc:
                self.sandbox_flags.append(f"the judge failed in cell {index} ({exc}); that test fails")
                outputs = [dict(output_type="error", ename="GradingError",
                                evalue="the judge stopped while running this test", traceback=[])]
                self._replace_judge()
            if outputs is None:
                self.timed_out = True
                self.sandbox_flags.append(f"cell {index} ran over {self._cell_timeout:g} s and was stopped")
                outputs = [dict(output_type="error", ename="CellTimeoutError",
                                evalue=f"the test ran over {self._cell_timeout:g} s", traceback=[])]
                self._replace_judge()
            cell.outputs = [from_dict(o) for o in outputs]
            self.code_cells_executed += 1
            cell.execution_count = self.code_cells_executed
            if self._stuck:
                self._stuck = False
                self._no_replay.add(index)
                if not await self._recover(index, "the kernel stopped answering during a test"):
                    self._fail_rest(index + 1, "not run: the kernel stopped answering")
                    return False
            return True

        def _replace_judge(self) -> None:
            """A judge that ran over or broke is replaced: later tests start from a fresh one."""
            from course_utils.grading.judge import Judge

            self._judge.close()
            self._judge = Judge(self._judge.cwd)

        async def _run_cells(self) -> None:
            assert self.kc is not None
            if not await self._start():
                self.crashed = True
                self.sandbox_flags.append("the grading kernel did not finish its set-up")
                self._fail_rest(0, "the grading kernel did not finish its set-up")
                return
            for index, cell in enumerate(self.nb.cells):
                if cell.get("cell_type") != "code":
                    continue
                left = self._deadline - time.monotonic()
                if left <= 0:
                    self.timed_out = True
                    self.sandbox_flags.append(
                        f"whole-notebook time limit reached at cell {index}; the rest was not run"
                    )
                    self._fail_rest(index, "not run: the notebook's time limit was reached")
                    return
                is_test = _is_test_cell(cell)
                if is_test and self._judge is not None:
                    killed = _kill_strays(self.kernel_pid, self._uid)
                    if killed:
                        self.sandbox_flags.append(
                            f"{killed} process(es) the notebook started were stopped before cell {index}"
                        )
                    if not await self._judge_cell(cell, index):
                        return
                    continue
                self.timeout = max(1, int(min(self._cell_timeout, self._deadline - time.monotonic()) + 0.999))
                self._last_reply = None
                try:
                    await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
                except DeadKernelError:
                    cell.outputs.append(_error_output("GradingError", "the kernel died while running this cell"))
                    if not await self._recover(index, "the kernel died"):
                        self._fail_rest(index + 1, "not run: the kernel died")
                        return
                    continue
                except Exception as exc:  # CellTimeoutError from iopub, anything unexpected
                    self.sandbox_flags.append(f"cell {index} could not be run ({exc.__class__.__name__})")
                    if is_test:
                        cell.outputs.append(_error_output("GradingError", "the cell could not be run"))
                    continue
                reply = self._last_reply
                status = reply["content"].get("status") if reply else "error"
                ename = reply["content"].get("ename") if reply else None
                if any(o.get("output_type") == "error" and str(o.get("ename", "")).endswith("MemoryError")
                       for o in cell.outputs):
                    self.sandbox_flags.append(f"cell {index} ran out of memory (limit {self._limits.memory_bytes // 2**20} MiB)")
                if ename == "CellTimeoutError":
                    self.timed_out = True
                    self._no_replay.add(index)
                    self.sandbox_flags.append(f"cell {index} ran over {self._cell_timeout:g} s and was interrupted")
                    cell.outputs.append(_error_output("CellTimeoutError", f"cell ran over {self._cell_timeout:g} s"))
                    try:
                        alive = await self._silent("pass", min(5.0, max(1.0, self._deadline - time.monotonic())))
                    except DeadKernelError:
                        alive = None
                    if alive is None:
                        if not await self._recover(index, "the kernel did not recover from a timeout"):
                            self._fail_rest(index + 1, "not run: the kernel stopped responding")
                            return
                elif is_test and status != "ok" and not any(
                    o.get("output_type") == "error" for o in cell.outputs
                ):
                    cell.outputs.append(
                        _error_output(str(ename or "Error"), "the test failed (its error report was suppressed)")
                    )

    return SandboxClient


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


def _copy_workdir(src: Path, dst: Path, flags: list[str]) -> None:
    """Copy a submission folder, dropping symlinks and anything that is not a file or folder."""
    dst.mkdir(parents=True, exist_ok=True)
    if not src.is_dir():
        return
    for root, dirs, files in os.walk(src, followlinks=False):
        rel = Path(root).relative_to(src)
        for name in list(dirs):
            p = Path(root) / name
            if p.is_symlink():
                flags.append(f"symlink '{(rel / name).as_posix()}' in the submission was not copied")
                dirs.remove(name)
            else:
                (dst / rel / name).mkdir(exist_ok=True)
        for name in files:
            p = Path(root) / name
            st = p.lstat()
            if stat.S_ISLNK(st.st_mode):
                flags.append(f"symlink '{(rel / name).as_posix()}' in the submission was not copied")
            elif stat.S_ISREG(st.st_mode):
                shutil.copyfile(p, dst / rel / name)


def course_paths(source_notebook: Path) -> list[Path]:
    """What a grading kernel must not see, for a notebook in ``<course>/source/<assignment>/``.

    The source folder (solutions and hidden tests), the gradebook, and the folders holding the
    class's submissions, graded copies, feedback and reports, where they exist.

    Parameters
    ----------
    source_notebook : Path
        The instructor's notebook being graded against.

    Returns
    -------
    list of Path
    """
    source_dir = Path(source_notebook).resolve().parent.parent
    return _hidden_in(source_dir.parent, source_dir)


_HIDDEN_NAMES = ("submitted", "autograded", "feedback", "reports", "gradebook.db", "exchange")


def _hidden_in(root: Path, source_dir: Path) -> list[Path]:
    return [p for p in (source_dir, *(root / n for n in _HIDDEN_NAMES)) if p.exists()]


#: Environment variable of the *grader* (never passed to kernels) naming more folders to hide,
#: separated by ``os.pathsep``; ``course grade`` sets it to the ``--submissions`` folder.
PROTECT_ENV = "COURSE_SANDBOX_PROTECT"


def _default_protect() -> list[str]:
    """The repository's own course folders and those named in :data:`PROTECT_ENV`."""
    root = Path(__file__).resolve().parents[2]
    extra = [p for p in os.environ.get(PROTECT_ENV, "").split(os.pathsep) if p and os.path.exists(p)]
    return [str(p) for p in _hidden_in(root, root / "source")] + extra


def _workdir_signature(workdir: Path) -> tuple:
    """What a kernel's private copy of ``workdir`` depends on: its files' paths and contents."""
    import hashlib

    entries = []
    if workdir.is_dir():
        for root, dirs, files in os.walk(workdir, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                path = Path(root) / name
                rel = path.relative_to(workdir).as_posix()
                with contextlib.suppress(OSError):
                    mode = path.lstat().st_mode
                    if not stat.S_ISREG(mode):  # not copied (symlinks, devices): only named in a flag
                        entries.append((rel, "not a regular file"))
                        continue
                    entries.append((rel, hashlib.sha256(path.read_bytes()).hexdigest()))
    return tuple(entries)


class _SandboxKernel:
    """One fenced-off kernel: its user-id slot, private run folder, launcher and manager.

    Built and started before the notebook it will run is known: nothing in it depends on the
    student (the working folder is a copy of the assignment's support files), so a grader can
    start the next student's kernel while the current one runs (see ``prestart`` in
    :func:`execute_notebook`). :meth:`close` stops it and removes every trace.
    """

    def __init__(self, workdir: Path, limits: Limits, protect: Sequence[str], total_timeout: float,
                 wait_for_slot: bool = True) -> None:
        self.flags: list[str] = []
        self._stack = contextlib.ExitStack()
        try:
            self._build(workdir, limits, protect, total_timeout, wait_for_slot)
        except BaseException:
            self._stack.close()
            raise

    def _build(self, workdir: Path, limits: Limits, protect: Sequence[str], total_timeout: float,
               wait_for_slot: bool) -> None:
        box_ok, box_reason = sandbox_status()
        drop_ok, drop_reason = privilege_drop_status() if os.geteuid() == 0 else (True, "")
        if not box_ok:
            self.flags.append(f"sandbox unavailable: {box_reason}; kernels run with the grader's rights, "
                              "see its files and may reach the network")
        if not drop_ok:
            self.flags.append(f"privilege drop unavailable: {drop_reason}; kernels run as root inside the sandbox")
        uid_slot = self._stack.enter_context(_slot(wait=wait_for_slot))
        self.uid = uid = uid_slot if os.geteuid() == 0 and drop_ok else None
        if uid is not None:
            _kill_uid(uid)  # left over from a grader that was killed
        prefix = f"run-{uid_slot - _BASE_UID}-"
        _remove_stale_runs(prefix)
        run = Path(self._stack.enter_context(tempfile.TemporaryDirectory(dir=_base_dir(), prefix=prefix)))
        self.run = run
        self.work = work = run / "work"
        _copy_workdir(Path(workdir), work, self.flags)
        for sub in ("home", "ipc", "cfg"):
            (run / sub).mkdir()
        conn_file = run / "ipc" / "kernel.json"
        cfg = _launch_config(run, uid, limits, total_timeout, protect, [str(conn_file)])
        cfg_file = run / "launch.json"
        cfg_file.write_text(json.dumps(cfg))
        os.chmod(cfg_file, 0o600)
        if uid is not None:
            os.chmod(run, 0o711)
            os.chown(run / "ipc", uid, uid)
        launcher = _launcher_cmd(cfg_file)
        # IPython's history in memory, as nbclient asks for: no SQLite file, no saving thread.
        kernel_cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", str(conn_file),
                      "--HistoryManager.hist_file=:memory:"]

        from jupyter_client.manager import AsyncKernelManager

        class _KM(AsyncKernelManager):  # type: ignore[misc]
            def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
                return [*launcher, *kernel_cmd]

        self.km = _KM(transport="ipc", ip=str(run / "ipc" / "kernel"), connection_file=str(conn_file))

    def start(self) -> None:
        """Launch the kernel process and return at once; it boots while the caller goes on.

        A launch that fails here is tried again, and reported, when the notebook runs.
        """
        from nbclient.util import run_sync

        with contextlib.suppress(Exception):
            run_sync(self.km.start_kernel)(cwd=str(self.work), stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL)

    def alive(self) -> bool:
        """Whether the kernel's process was launched and has not exited."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process is not None and process.poll() is None

    def kernel_pid(self) -> int | None:
        """Process id of the kernel, once launched."""
        try:
            return int(self.km.provisioner.process.pid)
        except (AttributeError, TypeError, ValueError):
            return None

    def kill(self, pid: int | None = None) -> None:
        """Kill the kernel and everything it started (all processes of its user id)."""
        if self.uid is not None:
            _kill_uid(self.uid)
        pid = pid if pid is not None else self.kernel_pid()
        if pid is not None:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)

    def close(self, unused: bool = False) -> None:
        """Stop the kernel, collect the launcher's notes, remove the run folder, free the slot.

        ``unused``: the kernel never ran a notebook, so nbclient did not shut its manager down
        (sockets, the launched process); do it here.
        """
        try:
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            self.kill()
            if unused:
                from nbclient.util import ensure_async, run_sync

                async def cleanup() -> None:
                    await ensure_async(self.km.cleanup_resources(restart=False))

                with contextlib.suppress(Exception):
                    run_sync(cleanup)()
            if process is not None:
                with contextlib.suppress(Exception):
                    process.wait(timeout=5)  # reap it: no zombie left behind
            notes = self.run / "launcher-notes.txt"
            if notes.exists():
                self.flags.extend(line for line in notes.read_text().splitlines()
                                  if line.strip() and line not in self.flags)
        finally:
            self._stack.close()


#: The kernel started ahead for the next notebook, and what it was built from; at most one
#: per process.
_warm: dict[tuple, _SandboxKernel] = {}


def _close_warm() -> None:
    """Stop the kernel started ahead, if any (at exit, or when the next run needs another)."""
    while _warm:
        _, kernel = _warm.popitem()
        with contextlib.suppress(Exception):
            kernel.close(unused=True)


@functools.cache
def _register_exit_hook() -> None:
    import atexit
    from multiprocessing import util

    atexit.register(_close_warm)
    # a worker made by fork leaves through os._exit, which skips atexit but runs these finalizers
    util.Finalize(None, _close_warm, exitpriority=100)


def execute_notebook(
    nb: Any,
    workdir: Path,
    *,
    cell_timeout: float,
    total_timeout: float,
    limits: Limits = DEFAULT_LIMITS,
    protect: Sequence[Path | str] = (),
    prestart: bool = False,
    judge: bool = True,
    judge_cwd: Path | None = None,
) -> ExecResult:
    """Execute an untrusted notebook in a fresh, fenced-off kernel.

    Parameters
    ----------
    nb : NotebookNode
        The notebook to run (not modified; a copy is executed).
    workdir : Path
        Folder holding the files the notebook reads. The kernel's working folder is a private
        copy of it (symlinks are not copied), so the student cannot change the original.
    cell_timeout : float
        Seconds a single cell may run before it is interrupted (must be > 0).
    total_timeout : float
        Seconds the whole notebook may run (must be > 0), counted from when its kernel is
        asked to start, or from now for a kernel started ahead; when reached, the kernel is
        stopped and the remaining test cells fail.
    limits : Limits, optional
        Memory, process, file and output limits.
    protect : sequence of path, optional
        Files and folders the kernel must not see (gradebook, source folder, the class's
        submissions); they read as empty inside the kernel's mount namespace. The course's own
        ``source/``, ``submitted/``, ``autograded/``, ``feedback/``, ``reports/`` and
        ``gradebook.db`` are always added.
    prestart : bool, optional
        Start another kernel, with the same working folder, limits and protected paths, before
        running this notebook, for the next call to use: it boots while this notebook runs. Each
        notebook still gets a kernel of its own, which no other notebook has touched. A kernel
        left over when the process ends, or that the next call cannot use, is stopped.
    judge : bool, optional
        Run the test cells (nbgrader ``grade: true`` code cells without ``solution``) in a
        separate judge process that reaches the notebook's names only as plain data
        (:mod:`course_utils.grading.judge`); the default, and what grading uses. With False
        every cell runs in the kernel (a plain execution).
    judge_cwd : Path, optional
        Folder the judge runs in (the assignment's own support files); ``workdir`` by default.
        It must not be the student's copy.

    Returns
    -------
    ExecResult
        The executed notebook, whether it timed out or crashed, and the flags.

    Raises
    ------
    ValueError
        If a timeout is not a positive number.
    """
    import copy

    if not (isinstance(cell_timeout, (int, float)) and cell_timeout > 0):
        raise ValueError(f"cell_timeout must be a positive number of seconds, got {cell_timeout!r}")
    if not (isinstance(total_timeout, (int, float)) and total_timeout > 0):
        raise ValueError(f"total_timeout must be a positive number of seconds, got {total_timeout!r}")
    nb = copy.deepcopy(nb)
    workdir = Path(workdir)
    protect_paths = tuple(sorted({str(Path(p).resolve()) for p in [*protect, *_default_protect()]}))
    key = (_workdir_signature(workdir), limits, protect_paths, int(total_timeout))
    kernel = _warm.pop(key, None)
    _close_warm()  # one built for other files or limits is of no use now
    if kernel is not None and not kernel.alive():  # died while waiting: never the student's loss
        kernel.close(unused=True)
        kernel = None
    if kernel is None:
        kernel = _SandboxKernel(workdir, limits, protect_paths, total_timeout)
        kernel.start()
    deadline = time.monotonic() + float(total_timeout)
    judge_process = None
    if judge:
        from course_utils.grading.judge import Judge

        judge_process = Judge(Path(judge_cwd) if judge_cwd is not None else workdir)
    if prestart:
        _register_exit_hook()
        with contextlib.suppress(Exception):  # only a head start: the next run builds its own if this fails
            ahead = _SandboxKernel(workdir, limits, protect_paths, total_timeout, wait_for_slot=False)
            ahead.start()
            _warm[key] = ahead
    client = None
    try:
        client = _make_client_class()(
            nb,
            limits=limits,
            judge=judge_process,
            deadline=deadline,
            kill_hook=kernel.kill,
            uid=kernel.uid,
            km=kernel.km,
            timeout=max(1, int(cell_timeout + 0.999)),
            startup_timeout=int(max(10, min(120, total_timeout))),
            interrupt_on_timeout=True,
            error_on_timeout={"ename": "CellTimeoutError", "evalue": "cell timed out", "traceback": []},
            allow_errors=True,
            iopub_timeout=4,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(kernel.work)}},
        )
        client._cell_timeout = float(cell_timeout)
        try:
            client.execute(cwd=str(kernel.work), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except Exception as exc:  # never fatal: report and fail what did not run
            client.crashed = True
            client.sandbox_flags.append(f"execution stopped ({exc.__class__.__name__}: {str(exc)[:160]})")
            client._fail_rest(0, "not graded: execution stopped")
    finally:
        kernel.close()
        current = client._judge if client is not None else judge_process
        if current is not None:
            current.close()
    return ExecResult(nb=client.nb, timed_out=client.timed_out, crashed=client.crashed,
                      flags=[*kernel.flags, *client.sandbox_flags])
