"""The grading kernel's launcher: a small process between jupyter_client and the kernel.

``python -I -S _launcher.py --launch CONFIG -- CMD...`` reads the JSON configuration written by
:mod:`course_utils.grading.sandbox` and runs ``CMD`` (the kernel) in a sandbox:

1. resource limits (memory, CPU time, file size, no core dumps; processes when it has a user
   id of its own);
2. new mount, network and PID namespaces, inside a new **user namespace** when the grader is
   not root (an ordinary user gets the same sandbox as root; root needs no user namespace);
3. a **new root file system** built in memory: the read-only runtime (``/usr``, ``/etc``,
   ``/lib*``, the Python installation, the virtual environment and the ``course_utils``
   package, nothing else of the host), a few device files, a fresh ``/proc``, private
   size-limited ``/tmp``, ``/var/tmp`` and ``/dev/shm``, and the run folder: the submission's
   working copy, a home folder and the kernel's sockets. The host's root is then detached
   (``pivot_root``), so no other path of the machine can be reached: not ``source/``, not the
   gradebook, not other students, not another copy of the course;
4. the loopback-only network of the new namespace (no route out, not even to the host's
   127.0.0.1);
5. as root, the switch to the sandbox's own user id; always ``no_new_privs``.

The launcher stays as the process jupyter_client watches; its child is the first process of
the new PID namespace, which reaps orphans and starts the kernel as its own child. When the
launcher dies, everything in the namespace dies with it.

Where the host forbids namespaces (some containers), the kernel runs with the limits only,
and the launcher writes one line saying so, which the grader prints.

It runs once per graded notebook, so it imports only a few standard-library modules and runs
without ``site``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import shutil
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the launcher runs with -I -S and imports as little as it can
    from collections.abc import Callable

_CLONE_NEWNS = 0x00020000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWPID = 0x20000000
_CLONE_NEWNET = 0x40000000
_MS_RDONLY = 1
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_NOEXEC = 8
_MS_REMOUNT = 32
_MS_NOATIME = 1024
_MS_NODIRATIME = 2048
_MS_BIND = 4096
_MS_REC = 16384
_MS_PRIVATE = 1 << 18
_MS_RELATIME = 1 << 21
_MNT_DETACH = 2
_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(os.uname().machine, 155)
_DEVICES = ("null", "zero", "full", "random", "urandom")

#: The host's view, for messages.
UNAVAILABLE = "sandbox unavailable"


def drop_privileges(uid: int) -> None:
    """Become ``uid`` (user and group), with no supplementary groups."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(src: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    rc = _libc().mount(
        src.encode(), target.encode(), fstype.encode() if fstype else None, ctypes.c_ulong(flags),
        data.encode() if data else None,
    )
    _check(rc, f"mount {target}")


def _bind(src: str, target: str, read_only: bool) -> None:
    """Bind ``src`` at ``target`` (with its sub-mounts); read-only when asked.

    The read-only remount keeps the flags the source mount already has (nosuid, nodev...):
    inside a user namespace the kernel refuses to clear them.
    """
    _mount(src, target, None, _MS_BIND | _MS_REC, None)
    if read_only:
        flags = os.statvfs(target).f_flag
        keep = 0
        for st_bit, ms_bit in ((os.ST_NOSUID, _MS_NOSUID), (os.ST_NODEV, _MS_NODEV), (os.ST_NOEXEC, _MS_NOEXEC),
                               (os.ST_NOATIME, _MS_NOATIME), (os.ST_NODIRATIME, _MS_NODIRATIME),
                               (os.ST_RELATIME, _MS_RELATIME)):
            if flags & st_bit:
                keep |= ms_bit
        _mount("none", target, None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY | keep, None)


def _enter_namespaces(isolate_user: bool) -> None:
    """New mount, network and PID namespaces (the PID one applies to the next child); inside a
    new user namespace, mapping our own ids to themselves, when ``isolate_user``."""
    uid, gid = os.getuid(), os.getgid()
    flags = _CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWPID
    _check(_libc().unshare(flags | (_CLONE_NEWUSER if isolate_user else 0)), "unshare")
    if isolate_user:
        with open("/proc/self/setgroups", "w") as fh:
            fh.write("deny")
        with open("/proc/self/uid_map", "w") as fh:
            fh.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as fh:
            fh.write(f"{gid} {gid} 1")


def _mkdirs(path: str) -> None:
    os.makedirs(path, mode=0o755, exist_ok=True)


def _build_root(cfg: dict) -> str:
    """Build the kernel's root file system under ``<run>/root``; return its path."""
    run = cfg["run"]
    new = os.path.join(run, "root")
    _mount("none", "/", None, _MS_REC | _MS_PRIVATE, None)
    _mkdirs(new)
    _mount("tmpfs", new, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,mode=0755")
    size = int(cfg["disk_bytes"])
    targets = sorted({*cfg["runtime"], "/tmp", "/var/tmp", run}, key=lambda p: (p.count("/"), p))
    for path in targets:
        inside = new + path
        if path in ("/tmp", "/var/tmp"):
            _mkdirs(inside)
            _mount("tmpfs", inside, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={size},mode=1777")
        elif path == run:
            _mkdirs(inside)
            _mount("tmpfs", inside, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={size},mode=0711")
            for sub in ("work", "home", "cfg"):
                shutil.copytree(os.path.join(run, sub), os.path.join(inside, sub), symlinks=True)
            os.mkdir(os.path.join(inside, "ipc"))
            _bind(os.path.join(run, "ipc"), os.path.join(inside, "ipc"), read_only=False)
        elif os.path.islink(path) and os.path.dirname(path) == "/":
            os.symlink(os.readlink(path), inside)  # /bin -> usr/bin on a merged-/usr system
        elif os.path.isdir(path):
            _mkdirs(inside)
            _bind(path, inside, read_only=True)
    for path in cfg.get("protect", []):  # never under the runtime; hidden anyway if they are
        inside = new + path
        if os.path.isdir(inside) and not os.path.islink(inside):
            _mount("tmpfs", inside, "tmpfs", _MS_RDONLY, "size=4k,mode=0555")
        elif os.path.isfile(inside):
            _mount("/dev/null", inside, None, _MS_BIND, None)
    dev = new + "/dev"
    _mkdirs(dev)
    for name in _DEVICES:
        open(os.path.join(dev, name), "w").close()
        _bind(f"/dev/{name}", os.path.join(dev, name), read_only=False)
    _mkdirs(dev + "/shm")
    _mount("tmpfs", dev + "/shm", "tmpfs", _MS_NOSUID | _MS_NODEV, "size=64m,mode=1777")
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, os.path.join(dev, name))
    _mkdirs(new + "/proc")
    _mount("proc", new + "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, None)
    return new


def _pivot(new: str) -> None:
    """Make ``new`` the root and detach the host's."""
    old = os.path.join(new, ".host")
    os.mkdir(old)
    _check(_libc().syscall(_SYS_PIVOT_ROOT, new.encode(), old.encode()), "pivot_root")
    os.chdir("/")
    _mount("none", "/.host", None, _MS_REC | _MS_PRIVATE, None)
    _check(_libc().umount2(b"/.host", _MNT_DETACH), "umount the host's root")
    os.rmdir("/.host")
    _mount("none", "/", None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV, None)


def _write_notes(path: str, notes: list[str]) -> None:
    if notes:
        with contextlib.suppress(OSError), open(os.path.join(path, "launcher-notes.txt"), "a") as fh:
            fh.write("\n".join(notes) + "\n")


def _set_limits(cfg: dict, notes: list[str]) -> None:
    soft = [
        (resource.RLIMIT_AS, cfg["memory_bytes"]),
        (resource.RLIMIT_CPU, cfg["cpu_seconds"]),
        (resource.RLIMIT_FSIZE, cfg["file_bytes"]),
        (resource.RLIMIT_CORE, 0),
    ]
    if cfg["uid"] is not None:
        soft.append((resource.RLIMIT_NPROC, cfg["processes"]))
    for which, value in soft:
        try:
            resource.setrlimit(which, (value, value))
        except (OSError, ValueError) as exc:
            notes.append(f"sandbox limit unavailable: resource limit {which} not set ({exc})")


def _become_kernel(cfg: dict, cmd: list[str], start: Callable[[dict], object] | None = None) -> None:
    """Last steps in the kernel's own process: its user, no new privileges, then exec ``cmd``,
    or, in a process forked from a pre-warmed parent (:mod:`.zygote`), call ``start(cfg)``."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if cfg["uid"] is not None:
        drop_privileges(cfg["uid"])
    _libc().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.chdir(cfg["cwd"])
    if start is None:
        os.execve(cmd[0], cmd, cfg["env"])
    try:
        start(cfg)
    finally:
        os._exit(0)


def _chown_run(cfg: dict) -> None:
    uid = cfg["uid"]
    if uid is None:
        return
    for path in cfg["chown"]:
        with contextlib.suppress(OSError):
            os.chown(path, uid, uid)
    for sub in ("work", "home", "cfg"):
        for root, _dirs, files in os.walk(os.path.join(cfg["run"], sub)):
            with contextlib.suppress(OSError):
                os.chown(root, uid, uid)
                for name in files:
                    os.chown(os.path.join(root, name), uid, uid)


def _init(cfg: dict, cmd: list[str], start: Callable[[dict], object] | None = None) -> None:
    """The first process of the new PID namespace: build the root, start the kernel, reap."""
    _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    try:
        new = _build_root(cfg)
        _chown_run({**cfg, "run": new + cfg["run"]})
        _pivot(new)
    except OSError as exc:
        _write_notes(cfg["run"], [f"{UNAVAILABLE}: the kernel's file system could not be built "
                                  f"({exc.strerror or exc}); grading of this notebook stopped"])
        os._exit(70)
    kernel = os.fork()
    if kernel == 0:
        _become_kernel(cfg, cmd, start)
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(0)
        except InterruptedError:
            continue
        if pid == kernel:
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def _launch_main(argv: list[str]) -> None:
    """Entry point of the launcher process (see the module docstring)."""
    cfg_path = argv[argv.index("--launch") + 1]
    cmd = argv[argv.index("--") + 1 :]
    with open(cfg_path) as fh:
        cfg = json.load(fh)
    launch(cfg, cmd)


def launch(cfg: dict, cmd: list[str], start: Callable[[dict], object] | None = None) -> None:
    """Become the launcher of one sandboxed kernel; never returns.

    ``cmd`` is exec'd as the kernel; with ``start``, the kernel's process calls ``start(cfg)``
    instead (a process forked from :mod:`.zygote`, which has imported the kernel's modules
    already). Either way every step before it is the same: limits, namespaces, new root, user.
    """
    notes: list[str] = []
    _set_limits(cfg, notes)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the kernel's process group gets interrupts
    try:
        if not cfg.get("isolate", True):
            raise OSError(0, "the grader's probe found namespaces forbidden")
        _enter_namespaces(isolate_user=os.geteuid() != 0)
    except OSError as exc:
        if cfg.get("isolate", True):  # the grader's own flag already says so otherwise
            notes.append(f"{UNAVAILABLE}: this machine does not allow namespaces ({exc.strerror or exc}); "
                         "kernels run with your rights and see your files and the network")
        _write_notes(cfg["run"], notes)
        if cfg["uid"] is not None:
            _chown_run(cfg)
        _become_kernel(cfg, cmd, start)
    _write_notes(cfg["run"], notes)
    child = os.fork()
    if child == 0:
        _init(cfg, cmd, start)
    signal.signal(signal.SIGTERM, lambda *_: os.kill(child, signal.SIGKILL))
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


if __name__ == "__main__" and "--launch" in sys.argv:
    _launch_main(sys.argv)
