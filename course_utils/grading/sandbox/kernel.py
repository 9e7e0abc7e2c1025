"""One fenced-off kernel (its slot, run folder, launcher and manager), and kernels started ahead."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from course_utils.grading.sandbox import host
from course_utils.grading.sandbox.host import _launch_config, _launcher_cmd
from course_utils.grading.sandbox.limits import Limits
from course_utils.grading.sandbox.slots import (
    _BASE_UID,
    _base_dir,
    _kill_uid,
    _remove_stale_runs,
    _slot,
)


def _fork_kernel(cfg: dict, kernel_argv: list[str]) -> Any:
    """A kernel forked by the zygote (a :class:`~.zygote.ForkedProcess`), or None."""
    from course_utils.grading.sandbox import zygote

    parent = zygote.get()
    if parent is None:
        return None
    try:
        return parent.spawn_kernel(cfg, kernel_argv)
    except zygote.ZygoteError:
        zygote.spawn_failed()
        return None


@functools.cache
def _ready_client_class() -> type:
    """jupyter_client's asynchronous kernel client, without the fifth of a second of silence on
    IOPub that its ``wait_for_ready`` waits for after the kernel has answered (every notebook
    paid it). Messages IOPub has already delivered are drained; any later one is a reply to
    the kernel-info request, and nbclient keeps only messages whose parent is the cell it runs.
    """
    import time
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class _ReadyClient(AsyncKernelClient):
        """Also: no heartbeat channel (whether the kernel lives is asked of its manager, which
        holds the process; each heartbeat thread left an event loop open behind it), and the
        client's own ZeroMQ context ended with its channels (a grader runs hundreds)."""

        def start_channels(self, shell: bool = True, iopub: bool = True, stdin: bool = True,
                           hb: bool = True, control: bool = True) -> None:
            super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)

        def stop_channels(self) -> None:
            super().stop_channels()
            if self._created_context and not self.context.closed:
                self.context.destroy(linger=0)

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            end = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:  # as jupyter_client does: a kernel-info reply, and IOPub connected
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    pass
                else:
                    if msg["msg_type"] == "kernel_info_reply":
                        try:
                            await self.iopub_channel.get_msg(timeout=0.2)
                        except Empty:
                            pass
                        else:
                            self._handle_kernel_info_reply(msg)
                            break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > end:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=0)
                except Empty:
                    return

    return _ReadyClient


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
        box_ok, box_reason = host.sandbox_status()
        drop_ok, drop_reason = host.privilege_drop_status() if os.geteuid() == 0 else (True, "")
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
        cfg = _launch_config(run, uid, limits, total_timeout, protect, [str(conn_file)], isolate=box_ok)
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

        kernel_args = kernel_cmd[3:]  # what follows `python -m ipykernel_launcher`
        from jupyter_client.manager import AsyncKernelManager

        class _KM(AsyncKernelManager):
            def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
                return [*launcher, *kernel_cmd]

            async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
                """Fork the kernel from this process's pre-warmed zygote; start it from scratch
                (the launcher, then ``python -m ipykernel_launcher``) where there is none."""
                process = _fork_kernel(cfg, kernel_args)
                if process is None:
                    await super()._async_launch_kernel(kernel_cmd, **kw)
                    return
                provisioner: Any = self.provisioner
                provisioner.process = process
                provisioner.pid = provisioner.pgid = process.pid
                provisioner.cwd = kw.get("cwd")
                self._reconcile_connection_info(provisioner.connection_info)

        self.km = _KM(transport="ipc", ip=str(run / "ipc" / "kernel"), connection_file=str(conn_file),
                      client_factory=_ready_client_class())

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
            return int(self.km.provisioner.process.pid)  # type: ignore[union-attr]
        except (AttributeError, TypeError, ValueError):
            return None

    def kill(self, pid: int | None = None) -> None:
        """Kill the kernel and everything it started (all processes of its user id)."""
        if self.uid is not None:
            _kill_uid(self.uid)
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if pid is None or pid == getattr(process, "pid", None):
            if process is not None and not isinstance(process, subprocess.Popen):
                process.kill()  # forked by the zygote: through its pidfd (its launcher takes
                return          # the sandbox's PID namespace, and all in it, along)
            pid = self.kernel_pid()
            if process is not None and process.poll() is None:
                # the launcher, asked to end, kills its namespace's first process and reaps it;
                # killed at once with its group, it could go first and leave that process to
                # the machine's init
                with contextlib.suppress(OSError):
                    process.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=2)
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
            # the manager's own ZeroMQ context (its I/O thread, descriptors) ends with it: left
            # to the garbage collector, hundreds pile up in a long run, and one collected with a
            # socket still open blocks in zmq's term()
            context = getattr(self.km, "context", None) if getattr(self.km, "_created_context", False) else None
            if context is not None and not context.closed:
                with contextlib.suppress(Exception):
                    context.destroy(linger=0)
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
