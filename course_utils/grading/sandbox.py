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
import secrets
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
    """

    memory_bytes: int = 2 * 1024**3
    processes: int = 96
    file_bytes: int = 64 * 1024**2
    stream_chars: int = 100_000
    output_bytes: int = 2 * 1024**2
    notebook_output_bytes: int = 10 * 1024**2
    disk_bytes: int = 256 * 1024**2


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
_BASE_DIR = Path(tempfile.gettempdir()) / "course-sandbox"


@functools.cache
def _base_dir() -> Path:
    """``/tmp/course-sandbox`` for root (one set of slots for every grader on the machine),
    ``/tmp/course-sandbox-<uid>`` for anybody else (a self-study learner's own grading).

    Raises
    ------
    RuntimeError
        If a folder of that name is a symlink or belongs to somebody else (planted by another
        user to reach the grader's files): grading stops until it is removed.
    """
    base = _BASE_DIR if os.geteuid() == 0 else _BASE_DIR.with_name(f"{_BASE_DIR.name}-{os.geteuid()}")
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


def _stray_processes(kernel_pid: int, uid: int | None) -> list[int]:
    """Processes the student started: the sandbox user's (or, without one, the kernel's
    process group's) processes other than the kernel itself and those already dead."""
    strays = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == kernel_pid:
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            state, pgid = fields[0], int(fields[2])
            if state in ("Z", "X"):
                continue
            if uid is None:
                mine = pgid == kernel_pid
            else:
                mine = os.stat(f"/proc/{entry.name}").st_uid == uid
        except (OSError, ValueError, IndexError):
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
    """Whether grading kernels can run as an unprivileged user id, and if not, why.

    Runs the course's Python as an unprivileged user once (importing ipykernel and course_utils)
    and caches the answer for the life of the process.

    Returns
    -------
    ok : bool
        True when kernels can drop privileges.
    reason : str
        Empty when ``ok``; otherwise a short reason for the flag.
    """
    return probe_unprivileged(sys.executable)


def probe_unprivileged(python: str) -> tuple[bool, str]:
    """Try to run ``python`` as an unprivileged user id, importing what a grading kernel needs.

    Parameters
    ----------
    python : str
        Path of the interpreter the kernels will run.

    Returns
    -------
    ok : bool
        True when the unprivileged user could start it and import ipykernel and course_utils.
    reason : str
        Empty when ``ok``; otherwise one line saying why not (e.g. the repository is in a
        folder other users cannot enter).
    """
    if os.name != "posix":
        return False, "not a POSIX system"
    if os.geteuid() != 0:
        return False, "the grader does not run as root, so it cannot switch to another user"
    with _slot() as probe_uid:  # a user id no other grader is using right now
        return _probe_as(python, probe_uid)


def _probe_as(python: str, probe_uid: int) -> tuple[bool, str]:
    try:
        proc = subprocess.run(
            [python, "-c", "import ipykernel, course_utils, numpy"],
            preexec_fn=lambda: drop_privileges(probe_uid),
            cwd="/",
            env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"},
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return False, f"the probe could not start ({exc.__class__.__name__}: {exc})"
    finally:
        _kill_uid(probe_uid)
    if proc.returncode != 0:
        lines = (proc.stderr or "").strip().splitlines()
        last = lines[-1] if lines else f"exit status {proc.returncode}"
        return False, f"an unprivileged user cannot run {python} ({last[:160]})"
    return True, ""


# --------------------------------------------------------------------------------------------
# Code run inside the kernel: the snapshot at start and the guard before each test cell
# --------------------------------------------------------------------------------------------

_SNAPSHOT_CODE = r"""
def __course_integrity_setup(token):
    import builtins, sys, os, math, cmath, operator, threading, types
    import numpy, numpy.testing
    shell = get_ipython()
    mods = {m.__name__: (m, dict(vars(m))) for m in (builtins, math, cmath, operator, numpy, numpy.testing)}
    kernel = getattr(shell, "kernel", None)
    classes = {}
    for obj in (shell, kernel, getattr(kernel, "session", None)):
        if obj is None:
            continue
        for cls in type(obj).__mro__:
            if cls.__module__ != "builtins":
                classes[cls] = dict(vars(cls))
    itm = shell.input_transformer_manager
    snap = dict(
        shell_dict=dict(vars(shell)),
        kernel_dict=dict(vars(kernel)) if kernel is not None else {},
        session_dict=dict(vars(kernel.session)) if kernel is not None else {},
        ast=list(shell.ast_transformers),
        post=list(shell.input_transformers_post),
        itm=(list(itm.cleanup_transforms), list(itm.line_transforms), list(itm.token_transformers)),
        events={k: list(v) for k, v in shell.events.callbacks.items()},
        handlers=dict(getattr(kernel, "shell_handlers", {}) or {}),
        streams=(sys.stdout, sys.stderr, sys.displayhook, sys.excepthook),
        path=list(sys.path),
        builtin_names=frozenset(vars(builtins)),
    )
    setattr_ = setattr
    delattr_ = delattr

    import ctypes, time
    set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    c_ulong, py_object = ctypes.c_ulong, ctypes.py_object
    current_frames, get_ident, enumerate_threads = sys._current_frames, threading.get_ident, threading.enumerate
    sleep = time.sleep

    def from_cell(code):
        name = getattr(code, "co_filename", "") or ""
        return "ipykernel_" in name or name.startswith(("<ipython-input", "<string>", "<stdin>"))

    def student_threads():
        # threads running (or set to run) code written in the notebook
        me, found = get_ident(), set()
        for t in enumerate_threads():
            target = getattr(t, "_target", None) or getattr(t, "function", None)
            if t.ident not in (None, me) and (type(t).__module__ == "__main__"
                                              or from_cell(getattr(target, "__code__", None))):
                found.add(t.ident)
        for tid, frame in current_frames().items():
            f = frame
            while tid != me and tid not in found and f is not None:
                if from_cell(f.f_code):
                    found.add(tid)
                f = f.f_back
        return found

    def stop_threads():
        tids = student_threads()
        stopped = len(tids)
        for _ in range(25):
            if not tids:
                break
            for tid in tids:
                set_async_exc(c_ulong(tid), py_object(SystemExit))
            sleep(0.02)  # lets them run into the exception
            tids = tids & set(current_frames())
        return stopped, len(tids)

    def guard():
        stopped, alive = stop_threads()
        try:  # reap children the grader killed (a fork bomb's), so they stop counting
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        sys.settrace(None)
        sys.setprofile(None)
        threading.settrace(None)
        threading.setprofile(None)
        for name, (mod, saved) in mods.items():
            sys.modules[name] = mod
            current = vars(mod)
            for key, value in saved.items():
                if current.get(key, guard) is not value:
                    try:
                        setattr_(mod, key, value)
                    except (AttributeError, TypeError):
                        pass
        for cls, saved in classes.items():
            for key, value in saved.items():
                if vars(cls).get(key, guard) is not value:
                    try:
                        setattr_(cls, key, value)
                    except (AttributeError, TypeError):
                        pass
            for key in list(vars(cls)):
                if key not in saved and not key.startswith("__") and callable(vars(cls)[key]):
                    try:
                        delattr_(cls, key)
                    except (AttributeError, TypeError):
                        pass
        for obj, saved in ((shell, snap["shell_dict"]), (kernel, snap["kernel_dict"]),
                           (getattr(kernel, "session", None), snap["session_dict"])):
            if obj is None:
                continue
            live = vars(obj)
            for key in list(live):
                if key not in saved and callable(live[key]):
                    del live[key]
            for key in ("compile", "custom_exceptions", "CustomTB", "InteractiveTB", "SyntaxTB",
                        "displayhook", "display_pub", "display_trap", "input_transformer_manager",
                        "events", "send", "iopub_socket", "shell_handlers", "session", "shell"):
                if key in saved:
                    live[key] = saved[key]
        shell.ast_transformers[:] = snap["ast"]
        shell.input_transformers_post[:] = snap["post"]
        itm.cleanup_transforms[:], itm.line_transforms[:], itm.token_transformers[:] = (
            list(t) for t in snap["itm"])
        for k in list(shell.events.callbacks):
            shell.events.callbacks[k][:] = snap["events"].get(k, [])
        if kernel is not None and hasattr(kernel, "shell_handlers"):
            kernel.shell_handlers.clear()
            kernel.shell_handlers.update(snap["handlers"])
        sys.stdout, sys.stderr, sys.displayhook, sys.excepthook = snap["streams"]
        sys.path[:] = snap["path"]
        for name in [m for m in sys.modules if m == "course_utils" or m.startswith("course_utils.")]:
            del sys.modules[name]
        shell.user_ns["__builtins__"] = builtins
        stash.clear()
        for key in list(shell.user_ns):
            if key in snap["builtin_names"] and not key.startswith("_"):
                stash[key] = shell.user_ns.pop(key)
        for alias, real in (("np", numpy), ("numpy", numpy), ("math", math), ("cmath", cmath),
                            ("operator", operator)):
            if alias in shell.user_ns:
                shell.user_ns[alias] = real
        return (token, stopped, alive)

    stash = {}

    def unguard():
        # give back the names the student had bound over builtins (e.g. a variable `max`)
        for key, value in stash.items():
            if key not in shell.user_ns:
                shell.user_ns[key] = value
        stash.clear()
        return token

    shell.user_ns_hidden["__course_integrity_guard"] = guard
    shell.user_ns_hidden["__course_integrity_unguard"] = unguard
    shell.user_ns["__course_integrity_unguard"] = unguard
    return guard

__course_integrity_guard = __course_integrity_setup(%(token)r)
del __course_integrity_setup
"""

_GUARD_CALL = "__course_integrity_guard()"
_UNGUARD_CALL = "__course_integrity_unguard()"


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

        def __init__(self, nb: Any, *, limits: Limits, token: str, deadline: float,
                     kill_hook: Any = None, uid: int | None = None, **kw: Any):
            super().__init__(nb, **kw)
            self._limits = limits
            self._token = token
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
            msg_id = self.kc.execute(code, **kwargs)
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

        def _guard_answer(self, reply: Any) -> tuple[int, int] | None:
            """``(threads stopped, threads still running)`` from a guard reply with the right
            token, or None when the guard did not answer as it should (a subverted kernel)."""
            import ast

            if reply is None or reply["content"].get("status") != "ok":
                return None
            r = reply["content"].get("user_expressions", {}).get("r", {})
            try:
                token, stopped, alive = ast.literal_eval(r.get("data", {}).get("text/plain", ""))
            except (ValueError, SyntaxError, TypeError):
                return None
            if r.get("status") != "ok" or token != self._token:
                return None
            return int(stopped), int(alive)

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
            """Snapshot the fresh kernel's trusted state; False if the kernel does not answer."""
            with contextlib.suppress(AttributeError):
                self.kernel_pid = self.km.provisioner.process.pid
            startup = max(5.0, min(120.0, self._deadline - time.monotonic()))
            try:
                reply = await self._silent(_SNAPSHOT_CODE % {"token": self._token}, startup)
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

        async def _run_cells(self) -> None:
            assert self.kc is not None
            if not await self._start():
                self.crashed = True
                self.sandbox_flags.append("the grading kernel did not finish its set-up")
                self._fail_rest(0, "the grading kernel did not finish its set-up")
                return
            trusted = True
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
                if is_test:
                    killed = _kill_strays(self.kernel_pid, self._uid)
                    if killed:
                        self.sandbox_flags.append(
                            f"{killed} process(es) the notebook started were stopped before cell {index}"
                        )
                    if trusted:
                        try:
                            guard = await self._silent("", min(10.0, left), expr=_GUARD_CALL)
                        except DeadKernelError:
                            guard = None
                        answer = self._guard_answer(guard)
                        if answer is None:
                            trusted = False
                            self.sandbox_flags.append(
                                f"the grading kernel was tampered with before cell {index}; remaining tests fail"
                            )
                        elif answer[1]:
                            trusted = False
                            self.sandbox_flags.append(
                                f"{answer[1]} thread(s) the notebook started kept running before cell {index}; "
                                "remaining tests fail"
                            )
                        elif answer[0]:
                            self.sandbox_flags.append(
                                f"{answer[0]} thread(s) the notebook started were stopped before cell {index}"
                            )
                    if not trusted:
                        cell.outputs = [_error_output("GradingError", "the grading kernel was tampered with")]
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
                if is_test and trusted:
                    with contextlib.suppress(DeadKernelError):
                        await self._silent("", min(10.0, max(1.0, self._deadline - time.monotonic())), expr=_UNGUARD_CALL)
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


def _chown_tree(path: Path, uid: int) -> None:
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, uid)
        for name in files:
            os.chown(os.path.join(root, name), uid, uid)


def _kept_under_tmp(run: Path) -> list[str] | None:
    """What the kernel needs from under the temporary folder once a private /tmp covers it.

    ``None`` when a private /tmp does not apply (the run folder is not under it). Otherwise the
    folders of the kernel's Python and of the course package that live under /tmp (e.g. a CI
    checkout in /tmp), outermost only; they are bind-mounted back into the private /tmp.
    """
    tmp_root = Path(tempfile.gettempdir()).resolve()
    if not run.resolve().is_relative_to(tmp_root):
        return None
    needed = {Path(sys.prefix).resolve(), Path(__file__).resolve().parents[2]}
    needed = {p for p in needed if p.is_relative_to(tmp_root)}
    return sorted(str(p) for p in needed
                  if not any(q != p and p.is_relative_to(q) for q in needed))


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


@functools.cache
def _network_isolation_available() -> tuple[bool, str]:
    if os.geteuid() != 0:
        return False, "the grader does not run as root"
    try:
        proc = subprocess.run(["unshare", "--net", "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return False, str(exc)
    if proc.returncode != 0:
        return False, (proc.stderr.strip().splitlines() or ["unshare failed"])[-1][:160]
    return True, ""


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
        drop_ok, drop_reason = privilege_drop_status()
        net_ok, net_reason = _network_isolation_available()
        if not drop_ok:
            who = "root" if os.geteuid() == 0 else "the grading user"
            self.flags.append(f"privilege drop unavailable: {drop_reason}; limits apply to {who} where they can")
        if not net_ok:
            self.flags.append(f"network isolation unavailable: {net_reason}; the kernel may reach the network")
        uid_slot = self._stack.enter_context(_slot(wait=wait_for_slot))
        self.uid = uid = uid_slot if drop_ok else None
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
        keep_under_tmp = _kept_under_tmp(run)
        private_tmp = os.geteuid() == 0 and keep_under_tmp is not None
        cfg = {
            "uid": uid,
            "memory_bytes": int(limits.memory_bytes),
            "cpu_seconds": int(total_timeout) + 30,
            "file_bytes": int(limits.file_bytes),
            "processes": int(limits.processes),
            "network": net_ok,
            "protect": list(protect) if os.geteuid() == 0 else [],
            "chown": [str(conn_file)],
            "env": env,
            "cwd": str(work),
            "run": str(run),
            "private_tmp": private_tmp,
            "keep_under_tmp": keep_under_tmp or [],
            "tmp_root": tempfile.gettempdir(),
            "disk_bytes": int(limits.disk_bytes),
        }
        cfg_file = run / "launch.json"
        cfg_file.write_text(json.dumps(cfg))
        os.chmod(cfg_file, 0o600)
        if uid is not None:
            os.chmod(run, 0o711)
            for sub in ("home", "ipc", "cfg"):
                os.chown(run / sub, uid, uid)
            _chown_tree(work, uid)
        launcher = [sys.executable, "-I", "-S", str(Path(_launcher.__file__).resolve()), "--launch", str(cfg_file), "--"]
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
    if prestart:
        _register_exit_hook()
        with contextlib.suppress(Exception):  # only a head start: the next run builds its own if this fails
            ahead = _SandboxKernel(workdir, limits, protect_paths, total_timeout, wait_for_slot=False)
            ahead.start()
            _warm[key] = ahead
    try:
        client = _make_client_class()(
            nb,
            limits=limits,
            token=secrets.token_hex(16),
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
    return ExecResult(nb=client.nb, timed_out=client.timed_out, crashed=client.crashed,
                      flags=[*kernel.flags, *client.sandbox_flags])
