"""The limits a grading kernel runs under, and what came of a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
