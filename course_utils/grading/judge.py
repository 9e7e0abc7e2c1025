"""The judge: the trusted process that runs a notebook's test cells while grading.

Student code runs in the sandboxed kernel (:mod:`course_utils.grading.sandbox`); the test
cells of the source notebook, hidden tests included, run here, in a separate Python process
that never executes student code and never unpickles anything from it. A test cell runs with
the student's names bound lazily: when it reads a name it did not define itself, the judge asks
the agent in the student's kernel (:mod:`course_utils.grading._agent`, over a Unix socket in the
run folder) and rebuilds the answer here as plain data (:mod:`course_utils.grading.channel`). Student
functions are proxies that send plain arguments and receive plain data, with a time limit per
call. So no state of the student's interpreter (patched modules, hooks, threads, fake classes)
can reach a test: the most a student's process can do is answer with some plain value, which is
what writing an answer does.

Two halves:

- :func:`main` is the process (``python -I -m course_utils.grading.judge IN_FD OUT_FD``): it
  reads ``{"op": "run", "source": ..., "index": ..., "agent": socket path, "seconds": ...,
  "call_seconds": ...}`` lines from the grader, runs each cell and answers
  ``{"op": "done", "outputs": [...], "stuck": bool}`` (nbformat outputs: stdout, stderr, the
  error; ``stuck`` when a call ran over its limit and the kernel must be replaced).
- :class:`Judge` is the grader's handle on one such process.

The namespace of a judge lives as long as the process: names a test cell assigns (helpers,
``_expected``) stay for later test cells, as they would in a kernel; a name the test reads and
did not assign is always the student's current value.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import IO, Any

from course_utils.grading.sandbox.zygote import readable

__all__ = ["Judge", "JudgeError", "main"]

#: Characters of a test cell's printed output kept (stdout and stderr each).
MAX_PRINTED = 100_000
#: Largest message line accepted from the grader.
MAX_LINE = 64 * 1024 * 1024
#: Largest answer line accepted from the student's kernel (characters of base64).
MAX_ANSWER = 16 * 1024 * 1024


class JudgeError(RuntimeError):
    """The judge process could not be started, or stopped answering."""


# --------------------------------------------------------------------------------------------
# The judge process
# --------------------------------------------------------------------------------------------


class _Link:
    """JSON lines over two pipes."""

    def __init__(self, reader: IO[bytes], writer: IO[bytes]) -> None:
        self.reader, self.writer = reader, writer

    def send(self, message: dict) -> None:
        self.writer.write(json.dumps(message, allow_nan=True).encode() + b"\n")
        self.writer.flush()

    def receive(self) -> dict | None:
        line = self.reader.readline(MAX_LINE)
        if not line:
            return None
        return json.loads(line)


class _StudentNamespace(dict):
    """A test cell's globals: its own names first, then built-ins, then the student's names.

    Reading a name the cell never assigned (``__missing__``, which CPython consults for a dict
    subclass used as globals) fetches the student's current value over the channel; ``name in
    globals()`` asks the student's kernel too. A fetched value is kept for the rest of the cell
    (data until the test calls one of the student's functions, which may rebind names; functions
    for the whole cell) and never stored in the namespace: the next cell reads afresh.
    """

    def __init__(self, student: _Student) -> None:
        super().__init__(__builtins__=builtins.__dict__, __name__="__main__", display=_display)
        self._student = student
        self._cache: dict[str, Any] = {}

    def fresh(self) -> None:
        """Forget values fetched so far (before each cell and after each call)."""
        self._cache.clear()

    def __missing__(self, name: str) -> Any:
        if hasattr(builtins, name) or name.startswith("__"):
            raise KeyError(name)
        if name in self._cache:
            return self._cache[name]
        answer = self._ask({"op": "get", "name": name})
        if answer.get("t") == "missing":
            raise KeyError(name)
        from course_utils.grading.channel import decode

        value = decode(answer, name, self._call)
        self._cache[name] = value
        return value

    def __contains__(self, name: object) -> bool:
        if dict.__contains__(self, name):
            return True
        if not isinstance(name, str) or name.startswith("__"):
            return False
        from course_utils.grading.channel import decode

        return bool(decode(self._ask({"op": "has", "name": name}), name, self._call))

    def _call(self, ref: int, args: list, kwargs: dict) -> Any:
        from course_utils.grading.channel import StudentError, StudentFunction, decode

        # the call may rebind the student's names; their functions stay what they were
        self._cache = {k: v for k, v in self._cache.items() if isinstance(v, StudentFunction)}
        answer = self._ask({"op": "call", "ref": ref, "args": args, "kwargs": kwargs})
        kind = answer.get("t")
        if kind == "raised":
            name = str(answer.get("type", "Exception"))
            message = str(answer.get("message", ""))[:500]
            known = getattr(builtins, name, None)
            error: Exception = StudentError(f"{name}: {message}")
            if isinstance(known, type) and issubclass(known, Exception):
                with contextlib.suppress(Exception):  # some need other arguments
                    error = known(message)
            raise error
        return decode(answer, "the function's result", self._call)

    def _ask(self, request: dict) -> dict:
        from course_utils.grading.channel import ChannelError, StudentTimeout

        answer = self._student.ask(request)
        kind = answer.get("t")
        what = _describe(request)
        if kind == "interrupted":
            raise StudentTimeout(f"{what} was interrupted")
        if kind == "too big":
            raise ChannelError(f"{what}: the answer is too big to grade ({answer.get('size')} characters)")
        if kind == "broken":
            raise ChannelError(f"{what}: the student's kernel could not answer ({str(answer.get('message'))[:200]})")
        return answer


class _Student:
    """The judge's connection to the agent in the student's kernel (a Unix socket).

    Each request has a deadline: the per-call limit, within what is left of the cell's time.
    A request that runs over marks the kernel *stuck*: the call cannot be stopped from here, so
    the grader replaces the kernel after the cell, and later requests fail at once.
    """

    def __init__(self) -> None:
        self.path: str | None = None
        self.stuck = False
        self.cell_end = 0.0
        self.call_seconds = 10.0
        self._sock: socket.socket | None = None
        self._file: Any = None

    def use(self, path: str | None, cell_seconds: float, call_seconds: float) -> None:
        """Start a cell: the agent's socket (a new one after a kernel restart) and its budget."""
        if path != self.path:
            self.close()
            self.path, self.stuck = path, False
        self.cell_end = time.monotonic() + cell_seconds
        self.call_seconds = call_seconds

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self._sock is not None:
                self._sock.close()
        self._sock = self._file = None

    def ask(self, request: dict) -> dict:
        import base64

        from course_utils.grading.channel import ChannelError, StudentDied, StudentTimeout, unpack

        what = _describe(request)
        if self.stuck or self.path is None:
            raise StudentDied(f"the student's kernel is not answering ({what})")
        limit = self.call_seconds if request.get("op") == "call" else 10.0
        limit = min(limit, self.cell_end - time.monotonic())
        if limit <= 0:
            raise StudentTimeout(f"{what}: the test's time was up")
        op = request.pop("op")
        payload = request if op == "call" else request["name"]
        line = json.dumps({"op": op, "request": base64.b64encode(json.dumps(payload).encode()).decode()})
        request["op"] = op
        try:
            if self._sock is None:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(min(limit, 5.0))
                sock.connect(self.path)
                self._sock, self._file = sock, sock.makefile("rb")
            self._sock.settimeout(limit)
            self._sock.sendall(line.encode() + b"\n")
            text = self._file.readline(MAX_ANSWER + 2)
        except TimeoutError:
            self.stuck = True
            self.close()
            raise StudentTimeout(f"{what} ran over its time limit of {limit:.3g} s") from None
        except OSError as exc:
            self.stuck = True
            self.close()
            raise StudentDied(
                f"the student's kernel stopped answering during {what} ({exc.__class__.__name__})") from None
        if not text.endswith(b"\n"):
            self.stuck = True
            self.close()
            if len(text) > MAX_ANSWER:
                raise ChannelError(f"{what}: the answer is over the size limit")
            raise StudentDied(f"the student's kernel died during {what}")
        try:
            return unpack(text[:-1].decode("ascii"))
        except UnicodeDecodeError:
            raise ChannelError(f"{what}: the answer is not readable data") from None


def _display(*objs: Any, **_kwargs: Any) -> None:
    """IPython's ``display`` for a test cell: the objects' text, printed (the judge has no
    front end; nbgrader scores a test cell by its errors, not by what it shows)."""
    for obj in objs:
        print(repr(obj))


def _describe(request: dict) -> str:
    if request.get("op") == "call":
        return "a call to a function of the notebook"
    return f"reading {request.get('name')!r} from the notebook"


def _run_cell(source: str, index: int, namespace: _StudentNamespace) -> list[dict]:
    """Run one test cell; its outputs as nbformat dicts (stdout, stderr, then any error)."""
    out, err = io.StringIO(), io.StringIO()
    namespace.fresh()
    error: dict | None = None
    filename = f"<test cell {index}>"
    try:
        code = compile(source, filename, "exec")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            exec(code, namespace)  # noqa: S102 - the instructor's test cell, never student code
    except BaseException as exc:  # noqa: BLE001 - a failing test is reported, whatever it raised
        if isinstance(exc, KeyboardInterrupt):
            raise
        frames = [line for line in traceback.format_exception(exc) if "course_utils/grading" not in line]
        error = {"output_type": "error", "ename": type(exc).__name__, "evalue": str(exc)[:2000],
                 "traceback": [line[:2000] for line in frames[-20:]]}
    outputs = []
    for name, buffer in (("stdout", out), ("stderr", err)):
        text = buffer.getvalue()
        if text:
            outputs.append({"output_type": "stream", "name": name, "text": text[:MAX_PRINTED]})
    if error is not None:
        outputs.append(error)
    return outputs


def main(argv: list[str] | None = None) -> int:
    """The judge process: run test cells sent by the grader until it closes the pipe."""
    argv = sys.argv[1:] if argv is None else argv
    link = _Link(os.fdopen(int(argv[0]), "rb"), os.fdopen(int(argv[1]), "wb"))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader stops a judge by killing it
    import math  # noqa: F401 - warm the modules tests use, before the first cell

    import numpy  # noqa: F401

    import course_utils.grading.channel  # noqa: F401

    os.environ.setdefault("MPLBACKEND", "Agg")
    # the assignment's own files (a helper module shipped beside the notebook) may be imported;
    # the judge runs in a copy of them, never in the student's folder
    sys.path.insert(0, os.getcwd())
    student = _Student()
    namespace = _StudentNamespace(student)
    link.send({"op": "ready"})
    while True:
        message = link.receive()
        if message is None or message.get("op") != "run":
            return 0
        student.use(message.get("agent"), float(message.get("seconds", 30)), float(message.get("call_seconds", 10)))
        outputs = _run_cell(str(message["source"]), int(message.get("index", 0)), namespace)
        link.send({"op": "done", "outputs": outputs, "stuck": student.stuck})


# --------------------------------------------------------------------------------------------
# The grader's handle
# --------------------------------------------------------------------------------------------


class Judge:
    """One judge process, started at once (it boots while the student's kernel does).

    Parameters
    ----------
    cwd : Path
        Folder the judge runs in: the assignment's own support files (never the student's copy).
    """

    def __init__(self, cwd: Path) -> None:
        self.cwd = Path(cwd)
        to_judge_r, to_judge_w = os.pipe()
        from_judge_r, from_judge_w = os.pipe()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "JUPYTER_", "NBGRADER_"))}
        env.update(MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        try:
            self.process: Any = _fork_judge(str(cwd), env, to_judge_r, from_judge_w) or subprocess.Popen(
                [sys.executable, "-I", "-m", "course_utils.grading.judge", str(to_judge_r), str(from_judge_w)],
                pass_fds=(to_judge_r, from_judge_w), cwd=str(cwd), env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            os.close(to_judge_r)
            os.close(from_judge_w)
        self._writer = os.fdopen(to_judge_w, "wb")
        self._fd = from_judge_r
        self._buffer = b""
        self._ready = False

    def send(self, message: dict) -> None:
        """Send one message; raises :class:`JudgeError` if the judge is gone."""
        try:
            self._writer.write(json.dumps(message, allow_nan=True).encode() + b"\n")
            self._writer.flush()
        except (BrokenPipeError, ValueError, OSError) as exc:
            raise JudgeError(f"the judge stopped ({exc.__class__.__name__})") from None

    def receive(self, timeout: float) -> dict | None:
        """The next message, or None if none came within ``timeout`` seconds.

        Raises :class:`JudgeError` if the judge exited.
        """
        end = time.monotonic() + max(0.0, timeout)
        while b"\n" not in self._buffer:
            left = end - time.monotonic()
            if left <= 0:
                return None
            if not readable(self._fd, left):
                return None
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:
                raise JudgeError("the judge exited")
            self._buffer += chunk
            if len(self._buffer) > MAX_LINE:
                raise JudgeError("the judge sent a message over the size limit")
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def wait_ready(self, timeout: float) -> None:
        """Wait until the judge has imported what tests use."""
        if self._ready:
            return
        message = self.receive(timeout)
        if message is None or message.get("op") != "ready":
            raise JudgeError("the judge did not start")
        self._ready = True

    def close(self) -> None:
        """Stop the judge and reap it."""
        with contextlib.suppress(OSError, ValueError):
            self._writer.close()
        with contextlib.suppress(OSError):
            os.close(self._fd)
        with contextlib.suppress(OSError):
            self.process.kill()  # a judge starts no process of its own
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)


def _fork_judge(cwd: str, env: dict[str, str], read_fd: int, write_fd: int) -> Any:
    """A judge forked by this process's pre-warmed zygote (its imports done), or None."""
    from course_utils.grading.sandbox import zygote

    parent = zygote.get()
    if parent is None:
        return None
    try:
        return parent.spawn_judge(cwd, env, read_fd, write_fd)
    except zygote.ZygoteError:
        zygote.spawn_failed()
        return None


if __name__ == "__main__":
    sys.exit(main())
