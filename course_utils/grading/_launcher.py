"""The grading kernel's launcher: a small process between jupyter_client and the kernel.

``python -I -S _launcher.py --launch CONFIG -- CMD...`` reads the JSON configuration written by
:mod:`course_utils.grading.sandbox`, applies the resource limits, enters new network and mount
namespaces (hiding the protected paths, giving the kernel a private ``/tmp``), drops privileges
to the sandbox's user id and execs ``CMD``, the kernel. It runs once per graded notebook, so it
imports only a few standard-library modules and runs without ``site``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import sys

_CLONE_NEWNS = 0x00020000
_CLONE_NEWNET = 0x40000000
_MS_RDONLY = 1
_MS_BIND = 4096
_MS_REC = 16384
_MS_PRIVATE = 1 << 18


def drop_privileges(uid: int) -> None:
    """Become ``uid`` (user and group), with no supplementary groups."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _unshare(flags: int) -> None:
    if _libc().unshare(flags) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def _mount(src: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    rc = _libc().mount(
        src.encode(), target.encode(), fstype.encode() if fstype else None, flags,
        data.encode() if data else None,
    )
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _launch_main(argv: list[str]) -> None:
    """Entry point of the launcher process (see the module docstring)."""
    cfg_path = argv[argv.index("--launch") + 1]
    cmd = argv[argv.index("--") + 1 :]
    with open(cfg_path) as fh:
        cfg = json.load(fh)
    notes: list[str] = []
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
    if cfg["network"]:
        try:
            _unshare(_CLONE_NEWNET)
        except OSError as exc:
            notes.append(f"network isolation unavailable: {exc.strerror or exc}; the kernel may reach the network")
    run_fd = -1
    if cfg["protect"] or cfg["private_tmp"]:
        try:
            _unshare(_CLONE_NEWNS)
            _mount("none", "/", None, _MS_REC | _MS_PRIVATE, None)
            # the real run folder, reachable even once /tmp is covered (opened inside the new
            # namespace: a bind mount's source must belong to it)
            run_fd = os.open(cfg["run"], os.O_PATH | os.O_DIRECTORY)
            for target in cfg["protect"]:
                if os.path.isdir(target):
                    _mount("tmpfs", target, "tmpfs", _MS_RDONLY, "size=4k,mode=0555")
                elif os.path.exists(target):
                    _mount("/dev/null", target, None, _MS_BIND, None)
        except OSError as exc:
            notes.append(f"sandbox limit unavailable: protected paths not hidden ({exc.strerror or exc})")
        else:
            if cfg["private_tmp"] and run_fd >= 0:
                try:
                    _private_tmp(cfg, run_fd)
                except OSError as exc:
                    notes.append(f"sandbox limit unavailable: no private /tmp ({exc.strerror or exc})")
    uid = cfg["uid"]
    if uid is not None:
        for path in cfg["chown"]:
            with contextlib.suppress(OSError):
                os.chown(path, uid, uid)
        for sub in ("work", "home", "cfg"):  # the kernel's own folders (copies, if private)
            for root, _dirs, files in os.walk(os.path.join(cfg["run"], sub)):
                with contextlib.suppress(OSError):
                    os.chown(root, uid, uid)
                    for name in files:
                        os.chown(os.path.join(root, name), uid, uid)
    if notes:  # written by root into the real run folder, which the kernel cannot write
        real_run = f"/proc/self/fd/{run_fd}" if run_fd >= 0 else cfg["run"]
        with contextlib.suppress(OSError), open(f"{real_run}/launcher-notes.txt", "a") as fh:
            fh.write("\n".join(notes) + "\n")
    if run_fd >= 0:
        os.close(run_fd)
    if uid is not None:
        drop_privileges(uid)  # if this fails the launcher exits and the run is reported as crashed
    os.chdir(cfg["cwd"])
    os.execve(cmd[0], cmd, cfg["env"])


def _private_tmp(cfg: dict, run_fd: int) -> None:
    """Give the kernel its own size-limited temporary folders (RAM, gone when it exits).

    ``/tmp`` (which holds the run folder), ``/var/tmp`` and ``/dev/shm`` become fresh tmpfs
    mounts; the run folder is rebuilt inside the new ``/tmp`` from the real one (work, home,
    cfg copied; ipc bind-mounted, since the grader talks to the kernel through it), so whatever
    the notebook writes counts against ``disk_bytes`` and never reaches the machine's disk.
    """
    import shutil as _shutil

    real = f"/proc/self/fd/{run_fd}"
    # the course and its Python, when they live under /tmp too: opened before /tmp is covered,
    # bound back (with their own hidden sub-folders: MS_REC) at the same paths afterwards
    kept = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in cfg["keep_under_tmp"]]
    _mount("tmpfs", cfg["tmp_root"], "tmpfs", 0, f"size={cfg['disk_bytes']},mode=1777")
    for path, fd in kept:
        os.makedirs(path, mode=0o755, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, _MS_BIND | _MS_REC, None)
        os.close(fd)
    os.makedirs(cfg["run"], mode=0o711)
    for sub in ("work", "home", "cfg"):
        _shutil.copytree(f"{real}/{sub}", os.path.join(cfg["run"], sub), symlinks=True)
    os.makedirs(os.path.join(cfg["run"], "ipc"))
    _mount(f"{real}/ipc", os.path.join(cfg["run"], "ipc"), None, _MS_BIND, None)
    for other in ("/var/tmp", "/dev/shm"):
        if os.path.isdir(other) and other != cfg["tmp_root"]:
            _mount("tmpfs", other, "tmpfs", 0, "size=64m,mode=1777")


if __name__ == "__main__" and "--launch" in sys.argv:
    _launch_main(sys.argv)
