"""Execute one untrusted notebook: student cells in a sandboxed kernel, test cells in a judge.

:func:`execute_notebook` runs a notebook (normally the output of
:func:`course_utils.grading.integrity.check_and_restore`) with nbclient in a fresh IPython kernel,
and its test cells in a separate judge process (:mod:`course_utils.grading.judge`) that reaches
the notebook's names only as plain data. The package, a small file each:

- :mod:`.limits`: :class:`Limits` (memory, CPU, processes, files, output, channel) and
  :class:`ExecResult`;
- :mod:`._launcher`: the process between jupyter_client and the kernel that builds the sandbox
  (limits, user/mount/network/PID namespaces, a new root holding only the read-only runtime and
  the submission's copy, the user switch) and execs the kernel;
- :mod:`.host`: what this machine allows (probed once per process) and the launcher's
  configuration, including the runtime paths the kernel may see;
- :mod:`.slots`: where run folders live, the per-sandbox user ids, killing what a notebook left;
- :mod:`.kernel`: one sandboxed kernel, and kernels started ahead;
- :mod:`.client`: the nbclient subclass (output caps, time limits, restarts after a crash, the
  relay between the judge and the kernel);
- :mod:`.protect`: the course paths a kernel must never see, passed to :func:`execute_notebook`.

Time limits: a per-cell timeout (the cell is interrupted, the run goes on) and a whole-notebook
limit (the kernel is stopped); both are flagged, and a test not run fails. No environment
variable distinguishes grading from validation: the kernel gets a fixed, minimal environment.
See ``docs/integrity.md`` for what this protects against and what it does not.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from course_utils.grading.sandbox import host as host
from course_utils.grading.sandbox import slots as slots
from course_utils.grading.sandbox.client import _make_client_class
from course_utils.grading.sandbox.host import (
    privilege_drop_status,
    probe_unprivileged,
    sandbox_status,
)
from course_utils.grading.sandbox.kernel import (
    _close_warm,
    _register_exit_hook,
    _SandboxKernel,
    _workdir_signature,
)
from course_utils.grading.sandbox.kernel import (
    _warm as _warm,
)
from course_utils.grading.sandbox.limits import DEFAULT_LIMITS, ExecResult, Limits
from course_utils.grading.sandbox.protect import (
    course_paths,
)
from course_utils.grading.sandbox.slots import _base_dir as _base_dir

__all__ = ["ExecResult", "Limits", "execute_notebook", "course_paths", "privilege_drop_status", "probe_unprivileged",
           "sandbox_status", "DEFAULT_LIMITS"]


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
    protect_paths = tuple(sorted({str(Path(p).resolve()) for p in protect}))
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
            cell_timeout=cell_timeout,
            agent_dir=kernel.run / "ipc",
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
        try:
            client.execute(cwd=str(kernel.work), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except Exception as exc:  # never fatal: report and fail what did not run
            client.crashed = True
            client.sandbox_flags.append(f"execution stopped ({exc.__class__.__name__}: {str(exc)[:160]})")
            client._fail_rest(0, "not graded: execution stopped")
    finally:
        kernel.close()
        kc = getattr(client, "kc", None)
        if kc is not None:  # nbclient leaves a manager it does not own, and its client, to us
            with contextlib.suppress(Exception):
                kc.stop_channels()
        current = client._judge if client is not None else judge_process
        if current is not None:
            current.close()
    return ExecResult(nb=client.nb, timed_out=client.timed_out, crashed=client.crashed,
                      flags=[*kernel.flags, *client.sandbox_flags])
