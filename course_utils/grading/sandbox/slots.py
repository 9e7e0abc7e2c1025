"""Where run folders live, which user id each sandbox runs as, and killing what a notebook left."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import signal
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

_BASE_UID = 61_000
_SLOTS = 64
#: Root's folder of sandbox slots (one set for every grader on the machine): under /run, which
#: only root can write, so no other account can plant or block it.
_ROOT_BASE = Path("/run/course-sandbox")


@functools.cache
def _base_dir() -> Path:
    """Where run folders (and slot locks) live.

    ``/run/course-sandbox`` for root (one set of slots for every grader on the machine;
    ``/var/lib/course-sandbox`` if ``/run`` is missing: both writable by root only, so no
    other account can plant or block them); for anybody else, a private folder of this
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
        base = _ROOT_BASE if _ROOT_BASE.parent.is_dir() else Path("/var/lib/course-sandbox")
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
    if namespace is not None:
        found = _namespace_strays(init)
        if found is not None:
            return found
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


def _namespace_strays(init: int) -> list[int] | None:
    """The student's processes in a kernel's PID namespace, found by walking the tree under its
    init (every process of a PID namespace descends from its init: orphans are re-parented to
    it), through each thread's ``children`` list: a dozen reads where scanning ``/proc`` takes
    thousands. None if the kernel does not offer the lists (then the caller scans)."""
    strays: list[int] = []
    todo = [init]
    seen = {init}
    while todo:
        pid = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue  # gone meanwhile
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    children = [int(c) for c in fh.read().split()]
            except FileNotFoundError:
                if pid == init:
                    return None
                continue
            except (OSError, ValueError):
                continue
            for child in children:
                if child in seen:
                    continue
                seen.add(child)
                todo.append(child)
                try:
                    with open(f"/proc/{child}/status") as fh:
                        fields = dict(line.split(":", 1) for line in fh if ":" in line)
                    if fields["State"].split()[0] in ("Z", "X"):
                        continue
                    if int(fields["NSpid"].split()[-1]) > 2:  # 1 is init, 2 the kernel
                        strays.append(child)
                except (OSError, ValueError, KeyError, IndexError):
                    continue
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
