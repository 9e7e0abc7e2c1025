"""What this machine allows (namespaces, a user switch), and how a kernel is launched in it."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from course_utils.grading.sandbox import _launcher
from course_utils.grading.sandbox.limits import DEFAULT_LIMITS, Limits
from course_utils.grading.sandbox.slots import _base_dir, _kill_uid, _slot


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
            return _probe_as(python, probe_uid, isolate=sandbox_status()[0])
        finally:
            _kill_uid(probe_uid)


def _probe_as(python: str, probe_uid: int | None, isolate: bool = True) -> tuple[bool, str]:
    """Run ``python -c 'import ...'`` through the launcher, as ``probe_uid``."""
    with tempfile.TemporaryDirectory(dir=_base_dir(), prefix="probe-") as tmp:
        run = Path(tmp)
        for sub in ("work", "home", "cfg", "ipc"):
            (run / sub).mkdir()
        cfg = _launch_config(run, probe_uid, DEFAULT_LIMITS, 60, [], [str(run / "ipc")], isolate=isolate)
        cfg["env"]["HOME"] = str(run / "home")
        if python == sys.executable:
            forked = _probe_forked(cfg, run)
            if forked is not None:
                return forked
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


def _probe_forked(cfg: dict, run: Path) -> tuple[bool, str] | None:
    """The probe, forked from the grader's pre-warmed zygote (milliseconds instead of a Python
    start); None where there is no zygote."""
    from course_utils.grading.sandbox import zygote

    parent = zygote.get()
    if parent is None:
        return None
    os.chmod(run, 0o711)
    try:
        code = parent.spawn_probe(cfg).wait(timeout=120)
    except (zygote.ZygoteError, subprocess.TimeoutExpired):
        return None
    if code == 0:
        return True, ""
    lines = []
    for name in ("launcher-notes.txt", "ipc/probe.txt"):
        with contextlib.suppress(OSError):
            lines += (run / name).read_text().splitlines()
    last = lines[-1] if lines else f"exit status {code}"
    return False, f"an unprivileged user cannot run {sys.executable} in the sandbox ({last[:160]})"


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


def kernel_env(run: Path | None) -> dict[str, str]:
    """The whole environment of a grading kernel whose run folder is ``run``: fixed and minimal
    (no variable tells grading from validation). With None, the part that does not depend on
    the run folder, which the pre-warmed parent of kernels (:mod:`.zygote`) runs with."""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "JUPYTER_PLATFORM_DIRS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    if run is None:
        return {**env, "HOME": "/nonexistent"}
    return {
        **env,
        "HOME": str(run / "home"),
        "IPYTHONDIR": str(run / "cfg" / "ipython"),
        "MPLCONFIGDIR": str(run / "cfg" / "mpl"),
        "JUPYTER_CONFIG_DIR": str(run / "cfg" / "jupyter"),
        "JUPYTER_DATA_DIR": str(run / "cfg" / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(run / "ipc"),
    }


def _launch_config(run: Path, uid: int | None, limits: Limits, total_timeout: float,
                   protect: Sequence[str], chown: list[str], isolate: bool = True) -> dict:
    """The launcher's configuration for a kernel whose run folder is ``run``.

    ``isolate``: build the sandbox (namespaces, new root); False where the machine forbids it
    (:func:`sandbox_status`), so the kernel runs with the limits only.
    """
    env = kernel_env(run)
    return {
        "uid": uid,
        "isolate": isolate,
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
