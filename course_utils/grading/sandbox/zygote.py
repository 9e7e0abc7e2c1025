"""Forked, pre-warmed grading processes: a parent that has imported the runtime once.

Booting a Python kernel costs about half a second of CPU (the interpreter, IPython, ZeroMQ,
NumPy, ``course_utils``) before a line of the student's code runs, and the judge pays a smaller
share of the same. A grading process (one per worker) therefore starts one **zygote**: a
process that imports what every kernel and judge needs, starts no thread, opens no socket but
the one to its grader, never reads a notebook, and then only forks:

- a **kernel**: the child goes through exactly the launcher's steps
  (:func:`._launcher.launch`: limits, user/mount/network/PID namespaces, the new root, the
  sandbox's user id, ``no_new_privs``), and then its last process starts the IPython kernel
  in place of ``exec``-ing ``python -m ipykernel_launcher``;
- a **judge**: the child takes the two pipe ends it was sent, its working folder and its
  environment, and runs :func:`course_utils.grading.judge.main`.

A child starts from the zygote's memory, which no student's code has ever touched: it cannot
inherit another student's names, files, descriptors or environment (``tests/test_zygote.py``
looks for each). What a fork would otherwise share is reset in the child: the random
generators (Python's and NumPy's global one are seeded afresh), signal handlers, the session,
the environment (replaced whole), and every descriptor but the ones it was given.

The grader's side is :class:`Zygote` (one per process, :func:`get`), which returns a
:class:`ForkedProcess`, shaped like :class:`subprocess.Popen` for jupyter_client. The
zygote reaps its children and reports their exit codes; the grader holds a ``pidfd`` of each,
so it never signals a process id that was reused. Where a zygote cannot be had (it failed to
start, or found a thread running after its imports), the grader falls back to starting the
processes from scratch, as before, and grades the same.

Run as ``python -m course_utils.grading.sandbox.zygote FD``, in the kernels' fixed environment
(:func:`.host.kernel_env`), like a kernel (not ``-I``: a kernel sees the flags it was born with).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

#: What a kernel imports before its first cell, and what the notebooks and tests import.
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
    "IPython.core.completer", "IPython.core.completerlib", "IPython.core.debugger", "IPython.core.oinspect",
    "IPython.extensions.storemagic", "IPython.utils.wildcard", "sqlite3", "pdb", "code", "faulthandler",
    "unicodedata", "tornado.gen", "tornado.locks", "tornado.platform.asyncio", "tornado.queues",
    "jupyter_client.session", "numpy", "course_utils", "course_utils.answers", "course_utils.variants",
    "course_utils.models", "course_utils.grading.channel", "course_utils.grading.judge",
)
#: Imported as well by the zygotes of a class's grading (``course grade``), where a student who
#: plots saves its import (about 0.45 s), paid once per worker; not for one notebook
#: (``course selfgrade``, ``course build``), where no kernel imports it unless a student plots
#: and its import would sit on the path to every grade. matplotlib, pyplot and the Agg renderer
#: under the inline backend, not the inline backend itself: importing it hooks it into the
#: running IPython shell, which exists only in the child.
PRELOAD_PLOTTING = ("matplotlib", "matplotlib.pyplot", "matplotlib.backends.backend_agg")
#: Kept out while the zygote imports: ipykernel would import debugpy (pydevd, 150 modules, a
#: thread of its own) to offer a debugger, which a grading kernel never serves. ipykernel then
#: records that no debugger is available; afterwards the name is released, so a student's own
#: ``import debugpy`` works as anywhere else.
WITHOUT = ("debugpy",)
#: Largest request or reply (configuration, not notebooks).
MAX_MESSAGE = 1 << 20
#: prctl option: orphaned descendants are reparented to this process, not to init
_PR_SET_CHILD_SUBREAPER = 36
#: Set to "0" to start kernels and judges from scratch (for comparison and debugging).
ENV_SWITCH = "COURSE_GRADING_FORK"


class ZygoteError(RuntimeError):
    """The zygote is not available; the caller starts the process from scratch."""


# --------------------------------------------------------------------------------------------
# The zygote process
# --------------------------------------------------------------------------------------------


def readable(fd: int, timeout: float | None) -> bool:
    """Whether ``fd`` has something to read (or has ended) within ``timeout`` seconds (None:
    wait). With ``poll``, not ``select``: a long-running grader may hold descriptors numbered
    past ``select``'s limit of 1024."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(None if timeout is None else max(0, int(timeout * 1000 + 0.999))))


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _child_reset(sock: socket.socket, wake_r: int, wake_w: int, keep: tuple[int, ...] = ()) -> None:
    """First steps of every child: its own session, default signals, no descriptor of the
    zygote's but 0-2 and ``keep``, fresh random generators, dies with its parent."""
    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)
    sock.close()
    os.close(wake_r)
    os.close(wake_w)
    for fd in _open_fds():
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)
    os.setsid()
    from course_utils.grading.sandbox import _launcher

    _launcher._libc().prctl(_launcher._PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    import random

    import numpy

    random.seed()
    numpy.random.seed()


def _open_fds() -> list[int]:
    try:
        return sorted(int(name) for name in os.listdir("/proc/self/fd"))
    except OSError:
        return list(range(3, 256))


def _take_environment(env: dict[str, str]) -> None:
    """Replace the environment whole. matplotlib, imported by the zygote, read its backend
    from the zygote's environment then: it follows the child's own from here on."""
    os.environ.clear()
    os.environ.update(env)
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is not None and env.get("MPLBACKEND"):
        matplotlib.rcParams["backend"] = env["MPLBACKEND"]


def _start_kernel(cfg: dict) -> None:
    """In the kernel's process (sandboxed, its own user): become the IPython kernel."""
    _take_environment(cfg["env"])
    argv = list(cfg["kernel_argv"])
    sys.argv = ["ipykernel_launcher", *argv]
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=argv)


def _probe_start(cfg: dict) -> None:
    """In a probe's sandboxed process: can this user, in this root, read every module file a
    kernel has loaded (what a kernel started from scratch would have to import)? The first one
    it cannot is written to ``ipc/probe.txt``; exit status 0 or 3."""
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and os.path.isabs(path) and not os.access(path, os.R_OK):
            with contextlib.suppress(OSError), open(os.path.join(cfg["run"], "ipc", "probe.txt"), "w") as fh:
                fh.write(f"cannot read {path}")
            os._exit(3)
    os._exit(0)


def _run_judge(cwd: str, env: dict, fds: list[int]) -> int:
    os.chdir(cwd)
    _take_environment(env)
    from course_utils.grading import judge

    return judge.main([str(fds[0]), str(fds[1])])


def serve(fd: int, plotting: bool = False) -> int:
    """The zygote's loop: import, say ready, fork on request, reap and report exits."""
    sock = socket.socket(fileno=fd)
    # as ipykernel_launcher does: no working folder on the path while importing (the kernel's
    # IPython puts '' back); the zygote runs like a kernel, without -I, in a fixed environment
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    import importlib

    failed = []
    for name in WITHOUT:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    for name in PRELOAD + (PRELOAD_PLOTTING if plotting else ()):
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - reported; the kernel imports it itself then
            failed.append(f"{name}: {exc.__class__.__name__}")
    for name in WITHOUT:
        if sys.modules.get(name, False) is None:
            del sys.modules[name]
    threads = _threads()
    # what the imports made is kept out of the cyclic collector's sweeps: a child's first
    # collection would otherwise touch (and copy, page by page) every object it inherited
    import gc

    gc.collect()
    gc.freeze()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    sock.send(json.dumps({"op": "ready", "pid": os.getpid(), "threads": threads, "failed": failed}).encode())
    if threads != 1:
        return 1  # a fork would copy a process in the middle of another thread's work
    # the zygote reaps what its children leave: a sandboxed kernel's launcher killed by its
    # grader leaves the namespace's first process (killed with it) to its nearest "subreaper",
    # which would otherwise be the machine's init (not inherited by the children)
    from course_utils.grading.sandbox import _launcher

    _launcher._libc().prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    children: set[int] = set()
    try:
        _serve_requests(sock, wake_r, wake_w, children)
    finally:
        # however the zygote ends (its grader gone, or an error), so do its children: killed,
        # then reaped with what they leave, so that none is left for the machine's init
        for pid in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break  # none left
            if pid == 0:
                time.sleep(0.01)
    return 0


def _serve_requests(sock: socket.socket, wake_r: int, wake_w: int, children: set[int]) -> None:
    """Fork a child per request until the grader closes its end of the socket."""
    while True:
        ready, _, _ = select.select([sock.fileno(), wake_r], [], [])
        if wake_r in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_r, 4096)
            _reap(sock, children)
        if sock.fileno() not in ready:
            continue
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 4)
        except OSError:
            data, fds = b"", []
        if not data:  # the grader is gone
            return
        request = json.loads(data)
        pid = os.fork()
        if pid == 0:
            code = 70
            try:
                _child_reset(sock, wake_r, wake_w, keep=tuple(fds))
                if request["op"] in ("kernel", "probe"):
                    from course_utils.grading.sandbox import _launcher

                    start = _start_kernel if request["op"] == "kernel" else _probe_start
                    _launcher.launch(request["cfg"], [], start=start)
                elif request["op"] == "judge":
                    code = _run_judge(request["cwd"], request["env"], fds)
            finally:
                os._exit(code)
        for child_fd in fds:
            os.close(child_fd)
        children.add(pid)
        pidfd = os.pidfd_open(pid)
        try:
            socket.send_fds(sock, [json.dumps({"op": "started", "pid": pid}).encode()], [pidfd])
        except OSError:
            return  # the grader went between its request and this reply
        finally:
            os.close(pidfd)


def _reap(sock: socket.socket, children: set[int]) -> None:
    """Reap every process that has ended: the zygote's children (their exit reported to the
    grader) and what a killed child left to it."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in children:
            children.discard(pid)
            with contextlib.suppress(OSError):
                sock.send(json.dumps({"op": "exit", "pid": pid,
                                      "code": os.waitstatus_to_exitcode(status)}).encode())


# --------------------------------------------------------------------------------------------
# The grader's side
# --------------------------------------------------------------------------------------------


class ForkedProcess:
    """A process forked by the zygote, with the parts of :class:`subprocess.Popen` that
    jupyter_client and the grader use (``pid``, ``poll``, ``wait``, ``send_signal``, ``kill``,
    ``terminate``, ``returncode``). Signals go through a pidfd: never to a reused id."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int, pidfd: int) -> None:
        self._zygote = zygote
        self.pid = pid
        self._pidfd: int | None = pidfd
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and self._pidfd is not None:
            if readable(self._pidfd, 0):
                self.returncode = self._zygote.exit_code(self.pid)
                self._close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self._pidfd is not None:
            if not readable(self._pidfd, timeout):
                raise subprocess.TimeoutExpired(f"forked process {self.pid}", timeout or 0)
        code = self.poll()
        return -signal.SIGKILL if code is None else code

    def send_signal(self, sig: int) -> None:
        if self.returncode is None and self._pidfd is not None:
            with contextlib.suppress(ProcessLookupError, OSError):
                signal.pidfd_send_signal(self._pidfd, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _close(self) -> None:
        if self._pidfd is not None:
            with contextlib.suppress(OSError):
                os.close(self._pidfd)
            self._pidfd = None

    def __del__(self) -> None:
        self._close()


class Zygote:
    """The grader's handle on its zygote process (see the module docstring)."""

    def __init__(self, env: dict[str, str], plotting: bool = False) -> None:
        self.owner = os.getpid()
        self.plotting = plotting
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # matplotlib's configuration and font cache, the zygote's own (its children inherit the
        # font list it read; they never write here, and the sandbox does not show this folder)
        self._mpl = tempfile.mkdtemp(prefix="course-zygote-mpl-") if plotting else None
        if self._mpl is not None:
            env = {**env, "MPLCONFIGDIR": self._mpl}
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "course_utils.grading.sandbox.zygote", str(theirs.fileno()),
                 *(["--plotting"] if plotting else [])],
                pass_fds=(theirs.fileno(),), env=env, cwd="/", stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )
        except BaseException:
            self._remove_config()
            ours.close()
            raise
        finally:
            theirs.close()
        self.sock = ours
        self._exits: dict[int, int] = {}
        self._ready: dict | None = None

    def ready(self, timeout: float = 60.0) -> dict:
        """Wait for the zygote's imports; raises :class:`ZygoteError` if it cannot serve."""
        if self._ready is None:
            message = self._receive(timeout, want="ready")
            if message is None:
                raise ZygoteError("the pre-warmed process did not start")
            self._ready = message[0]
        if self._ready.get("threads") != 1:
            raise ZygoteError(f"the pre-warmed process runs {self._ready.get('threads')} threads")
        return self._ready

    def _receive(self, timeout: float | None, want: str) -> tuple[dict, list[int]] | None:
        """The next message of kind ``want``; exit reports met on the way are kept."""
        while True:
            if not readable(self.sock.fileno(), timeout):
                return None
            data, fds, _flags, _addr = socket.recv_fds(self.sock, MAX_MESSAGE, 4)
            if not data:
                raise ZygoteError("the pre-warmed process exited")
            message = json.loads(data)
            if message.get("op") == "exit":
                self._exits[int(message["pid"])] = int(message["code"])
                if want == "exit":
                    return message, fds
                continue
            if message.get("op") == want:
                return message, fds
            for fd in fds:
                os.close(fd)

    def exit_code(self, pid: int, timeout: float = 0.5) -> int:
        """Exit code of a child that has ended (its report follows its end closely)."""
        while pid not in self._exits:
            try:
                if self._receive(timeout, want="exit") is None:
                    return -signal.SIGKILL
            except (ZygoteError, OSError, ValueError):
                return -signal.SIGKILL
        return self._exits.pop(pid)

    def _spawn(self, request: dict, fds: list[int]) -> ForkedProcess:
        self.ready()
        data = json.dumps(request).encode()
        if len(data) > MAX_MESSAGE:
            raise ZygoteError("request too large")
        try:
            socket.send_fds(self.sock, [data], fds)
            reply = self._receive(30.0, want="started")
        except OSError as exc:
            raise ZygoteError(f"the pre-warmed process stopped answering ({exc})") from None
        if reply is None or not reply[1]:
            raise ZygoteError("the pre-warmed process did not fork")
        message, got = reply
        return ForkedProcess(self, int(message["pid"]), got[0])

    def spawn_kernel(self, cfg: dict, kernel_argv: list[str]) -> ForkedProcess:
        """Fork a sandboxed kernel for the launcher configuration ``cfg``."""
        return self._spawn({"op": "kernel", "cfg": {**cfg, "kernel_argv": list(kernel_argv)}}, [])

    def spawn_probe(self, cfg: dict) -> ForkedProcess:
        """Fork a probe: the launcher's steps for ``cfg``, then a check that every module file
        loaded is readable there (exit status 0, or 3 with ``ipc/probe.txt`` saying which)."""
        return self._spawn({"op": "probe", "cfg": cfg}, [])

    def spawn_judge(self, cwd: str, env: dict[str, str], read_fd: int, write_fd: int) -> ForkedProcess:
        """Fork a judge in ``cwd`` that reads tests from ``read_fd`` and answers on ``write_fd``."""
        return self._spawn({"op": "judge", "cwd": cwd, "env": env}, [read_fd, write_fd])

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """Close the socket (the zygote then kills what it forked and exits) and reap it.
        Safe to call twice, and from a forked copy of the owner (which only drops its copy)."""
        with contextlib.suppress(OSError):
            self.sock.close()
        if os.getpid() != self.owner:
            return
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)
        self._remove_config()

    def _remove_config(self) -> None:
        if self._mpl is not None:
            shutil.rmtree(self._mpl, ignore_errors=True)


_instance: Zygote | None = None
_broken = False
_plotting = False


def _forget_in_child() -> None:
    """A process forked from a grader (a worker) starts its own zygote: the parent's socket
    is not its to use."""
    global _instance, _broken
    _instance, _broken = None, False


os.register_at_fork(after_in_child=_forget_in_child)


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1") != "0" and hasattr(os, "pidfd_open") and sys.platform == "linux"


def get() -> Zygote | None:
    """This process's zygote, started on first use; None where one cannot be had (then the
    caller starts processes from scratch)."""
    global _instance, _broken
    if _broken or not enabled():
        return None
    if _instance is not None and (_instance.owner != os.getpid() or not _instance.alive()):
        _instance = None
    if _instance is None:
        try:
            _instance = Zygote(_zygote_env(), plotting=_plotting)
            import atexit
            from multiprocessing import util

            atexit.register(_instance.close)
            # multiprocessing's finalizers run however a worker process ends (a forked one
            # leaves through os._exit, which skips atexit): without this a worker's zygote could
            # outlive it and be left for the machine's init to reap. Priority below the kernel
            # started ahead's (100), so that kernel is stopped first and its exit report is read.
            util.Finalize(None, _instance.close, exitpriority=50)
        except OSError:
            _broken = True
            return None
    return _instance


def preload_plotting() -> None:
    """Zygotes this process starts from now on import :data:`PRELOAD_PLOTTING` too (a
    ``course grade`` worker, which forks many kernels)."""
    global _plotting
    _plotting = True


def warm() -> None:
    """Start this process's zygote now, so it imports while the grader prepares the notebook."""
    get()


def _zygote_env() -> dict[str, str]:
    """The zygote's environment: the kernel's fixed part (each child gets its full one)."""
    from course_utils.grading.sandbox.host import kernel_env

    return kernel_env(None)


def spawn_failed() -> None:
    """The zygote broke mid-run: stop using it in this process."""
    global _instance, _broken
    if _instance is not None:
        _instance.close()
    _instance, _broken = None, True


if __name__ == "__main__":
    sys.exit(serve(int(sys.argv[1]), plotting="--plotting" in sys.argv[2:]))
