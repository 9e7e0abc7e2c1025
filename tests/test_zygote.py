"""Kernels and judges forked from a pre-warmed zygote start with nothing of another student's.

The zygote (``course_utils.grading.sandbox.zygote``) imports the runtime once and forks a kernel
or a judge per notebook. These tests grade one notebook that leaves every kind of trace it can
(names, built-ins, modules, environment, files in each writable place, open descriptors, a
seeded random generator) and then look for each trace from the next notebook's kernel and judge;
they compare a forked kernel with one started from scratch, and the grades of both paths.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_utils.grading.sandbox import execute_notebook, zygote

ROOT = Path(__file__).resolve().parents[1]


def _test_cell(source: str, grade_id: str):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": grade_id,
                                 "points": 1, "schema_version": 3}
    return cell


LEAVE_TRACES = """
import builtins, os, sys, random, numpy
LEFTOVER_NAME = "student-a"
builtins.LEFTOVER_BUILTIN = 1
os.environ["LEFTOVER_ENV"] = "a"
sys.modules["leftover_module"] = sys
for path in ("/tmp/leftover-tmp.txt", "/dev/shm/leftover-shm.txt", os.path.expanduser("~/leftover-home.txt"),
             "leftover-work.txt"):
    with open(path, "w") as fh:
        fh.write("a")
_held = open("/tmp/leftover-held.txt", "w")
random.seed(1)
numpy.random.seed(1)
import matplotlib, matplotlib.pyplot as plt
matplotlib.rcParams["lines.linewidth"] = 9
plt.figure()
"""

JUDGE_TRACE = "import sys\nsys.leftover_in_judge = 'a'\nprint('judge of a ran')"

REPORT = """
import sys
preloaded = "matplotlib.pyplot" in sys.modules
import builtins, glob, json, os, random, numpy, matplotlib, matplotlib.pyplot as plt
fds = {}
for fd in os.listdir("/proc/self/fd"):
    if int(fd) < 3:
        continue  # the standard streams: whoever launched the kernel chose them
    try:
        fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass
print(json.dumps({
    "name": "LEFTOVER_NAME" in globals(),
    "builtin": hasattr(builtins, "LEFTOVER_BUILTIN"),
    "env": "LEFTOVER_ENV" in os.environ,
    "module": "leftover_module" in sys.modules,
    "files": glob.glob("/tmp/leftover*") + glob.glob("/dev/shm/leftover*")
             + glob.glob(os.path.expanduser("~/leftover*")) + glob.glob("leftover*"),
    "fds": sorted(fds.values()),
    "env_keys": sorted(os.environ),
    "path": sys.path,
    "random": [random.random(), float(numpy.random.rand())],
    "matplotlib": [preloaded, matplotlib.rcParams["lines.linewidth"], plt.get_fignums(),
                   matplotlib.get_backend()],
}))
"""

JUDGE_REPORT = ("import sys, matplotlib\nprint('judge trace:', getattr(sys, 'leftover_in_judge', None))\n"
                "print('judge backend:', matplotlib.get_backend())")


def _run(nb, workdir: Path, **kw):
    return execute_notebook(nb, workdir, cell_timeout=30, total_timeout=120, judge_cwd=workdir, **kw)


@contextlib.contextmanager
def _forking(value: str):
    """``COURSE_GRADING_FORK`` set to ``value`` ("0": kernels and judges from scratch) for a
    block; fixtures that span tests cannot use pytest's monkeypatch."""
    saved = os.environ.get(zygote.ENV_SWITCH)
    os.environ[zygote.ENV_SWITCH] = value
    try:
        yield
    finally:
        if saved is None:
            del os.environ[zygote.ENV_SWITCH]
        else:
            os.environ[zygote.ENV_SWITCH] = saved


def _report(result) -> dict:
    text = "".join(o.get("text", "") for o in result.nb.cells[0].outputs if o.get("output_type") == "stream")
    return json.loads(text.strip().splitlines()[-1])


def _kinds(fds: list[str]) -> list[str]:
    """What each open descriptor is, without inode numbers or run-folder names."""
    return sorted(re.sub(r"\[\d+\]|/run[^ ]*|/var/lib[^ ]*|/tmp/[^ ]*", "", t) for t in fds)


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    """Run a notebook that leaves traces, then two notebooks that look for them (forked kernels),
    and one that looks with a kernel started from scratch, for comparison."""
    if zygote.get() is None:
        pytest.fail("no zygote on this machine: grading would start every kernel from scratch")
    work = tmp_path_factory.mktemp("zygote-work")
    leave = new_notebook(cells=[new_code_cell(LEAVE_TRACES), _test_cell(JUDGE_TRACE, "trace")])
    look = new_notebook(cells=[new_code_cell(REPORT), _test_cell(JUDGE_REPORT, "look")])
    first = _run(leave, work)
    assert not first.crashed, first.flags
    after = [_run(look, work), _run(look, work, prestart=True), _run(look, work)]
    with _forking("0"):
        scratch = _run(look, work)
    return first, after, scratch


def test_the_next_students_kernel_finds_no_trace(traces):
    _first, after, _scratch = traces
    for result in after:
        report = _report(result)
        assert report["name"] is False
        assert report["builtin"] is False
        assert report["env"] is False
        assert report["module"] is False
        assert report["files"] == []
        assert not [t for t in report["fds"] if "leftover" in t]
        _preloaded, linewidth, figures, _backend = report["matplotlib"]
        assert linewidth == 1.5 and figures == []  # matplotlib's defaults, no open figure


def test_the_next_students_judge_finds_no_trace(traces):
    first, after, _scratch = traces
    assert "judge of a ran" in json.dumps(first.nb.cells[1].outputs)
    for result in after:
        assert "judge trace: None" in json.dumps(result.nb.cells[1].outputs)
        # the judge's own backend (its environment's), not the kernels' the zygote started with
        assert "judge backend: agg" in json.dumps(result.nb.cells[1].outputs).lower()


def test_each_kernel_has_its_own_random_state(traces):
    _first, after, _scratch = traces
    draws = [_report(r)["random"] for r in after]
    for generator in (0, 1):  # Python's random, NumPy's global generator
        assert len({d[generator] for d in draws}) == len(draws)


def test_a_forked_kernel_looks_like_one_started_from_scratch(traces):
    """Same environment, same import path, the same kinds of open descriptors. (A forked kernel
    offers no debugger, so debugpy never sets its one variable there; see zygote.WITHOUT.)"""
    _first, after, scratch = traces
    fresh = _report(scratch)
    fresh_env = [k for k in fresh["env_keys"] if k != "PYDEVD_USE_FRAME_EVAL"]
    for result in after:
        forked = _report(result)
        assert forked["env_keys"] == fresh_env
        assert [p for p in forked["path"] if "/run" not in p] == [p for p in fresh["path"] if "/run" not in p]
        # the same kinds of descriptor (how many sockets ZeroMQ holds open varies with timing)
        assert set(_kinds(forked["fds"])) == set(_kinds(fresh["fds"]))
        files = [t for t in forked["fds"] if t.startswith("/")]
        assert sorted(files) == sorted(t for t in fresh["fds"] if t.startswith("/"))


@pytest.fixture()
def plotting_zygote(monkeypatch):
    """This process's zygote as a ``course grade`` worker's: with matplotlib imported."""
    monkeypatch.setattr(zygote, "_instance", None)
    monkeypatch.setattr(zygote, "_plotting", True)
    parent = zygote.get()
    if parent is None:
        pytest.fail("no zygote on this machine")
    yield parent
    parent.close()


def test_a_plotting_zygotes_kernels_start_with_matplotlib_and_nothing_of_the_last_plot(
        plotting_zygote, traces, tmp_path):
    """A class's grading forks kernels with matplotlib imported already: the backend is the
    inline one, as in a kernel started from scratch; a student's plot reaches the graded
    notebook as a picture, forked or not (what the formgrader shows); one student's rcParams
    and open figures are not the next one's; the judge's backend is its own (Agg)."""
    _first, _after, scratch = traces
    fresh = _report(scratch)["matplotlib"]
    assert fresh[0] is False  # from scratch: nothing imported before the student's cell
    leave = new_notebook(cells=[new_code_cell(LEAVE_TRACES), _test_cell(JUDGE_TRACE, "trace")])
    look = new_notebook(cells=[new_code_cell(REPORT), _test_cell(JUDGE_REPORT, "look")])
    assert not _run(leave, tmp_path).crashed
    for _ in range(2):
        result = _run(look, tmp_path)
        preloaded, linewidth, figures, backend = _report(result)["matplotlib"]
        assert preloaded is True
        assert backend == fresh[3] and "inline" in backend
        assert linewidth == 1.5 and figures == []
        assert "judge backend: agg" in json.dumps(result.nb.cells[1].outputs).lower()
    plot = new_notebook(cells=[new_code_cell(
        "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.title('demand')\nplt.show()")])
    for fork in ("1", "0"):
        with _forking(fork):
            result = _run(plot, tmp_path)
        assert not result.crashed, result.flags
        kinds = [o.get("output_type") for o in result.nb.cells[0].outputs]
        pictures = [o for o in result.nb.cells[0].outputs if "image/png" in o.get("data", {})]
        assert len(pictures) == 1, f"{'forked' if fork == '1' else 'from scratch'}: outputs {kinds}"


def test_one_notebooks_zygote_leaves_matplotlib_to_the_student(traces):
    """``course selfgrade`` and ``course build`` grade one notebook at a time: their zygote does
    not import matplotlib (its import would delay every grade), so a kernel finds it only when
    the student imports it."""
    _first, after, _scratch = traces
    for result in after:
        assert _report(result)["matplotlib"][0] is False


def test_grades_are_the_same_forked_or_from_scratch(monkeypatch, tmp_path):
    from course_utils.grading.engine import grade_notebook
    from course_utils.grading.synthetic import make_submission

    source = ROOT / "source" / "ps1_bargaining" / "ps1_bargaining.ipynb"
    release = nbformat.read(ROOT / "release" / "ps1_bargaining" / "ps1_bargaining.ipynb", as_version=4)
    source_nb = nbformat.read(source, as_version=4)
    results = {}
    for kind in ("correct", "wrong"):
        sub = tmp_path / f"{kind}.ipynb"
        sub.write_text(make_submission(release, source_nb, kind))
        for fork in ("1", "0"):
            monkeypatch.setenv(zygote.ENV_SWITCH, fork)
            grade = grade_notebook(sub, source)
            results[kind, fork] = {part: result.score for part, result in grade.parts.items()}
    assert results["correct", "1"] == results["correct", "0"]
    assert results["wrong", "1"] == results["wrong", "0"]
    assert results["correct", "1"] != results["wrong", "1"]


def test_a_broken_zygote_falls_back_to_starting_from_scratch(monkeypatch, tmp_path):
    class Broken:
        def spawn_kernel(self, *a, **k):
            raise zygote.ZygoteError("broken on purpose")

        def spawn_judge(self, *a, **k):
            raise zygote.ZygoteError("broken on purpose")

        def close(self):
            pass

    monkeypatch.setattr(zygote, "get", lambda: Broken())
    monkeypatch.setattr(zygote, "spawn_failed", lambda: None)
    nb = new_notebook(cells=[new_code_cell("x = 6 * 7"), _test_cell("assert x == 42\nprint('ok')", "t")])
    result = _run(nb, tmp_path)
    assert not result.crashed, result.flags
    assert "ok" in json.dumps(result.nb.cells[1].outputs)


def test_the_zygotes_children_end_with_their_grader():
    """When the grader goes (its socket closes), the zygote ends every child it forked."""
    parent = zygote.Zygote(zygote._zygote_env())
    read_fd, write_fd = os.pipe()
    answer_r, answer_w = os.pipe()
    try:
        child = parent.spawn_judge("/", {"PATH": "/usr/bin"}, read_fd, answer_w)
    finally:
        os.close(read_fd)
        os.close(answer_w)
    assert child.poll() is None
    parent.sock.shutdown(socket.SHUT_RDWR)
    parent.close()
    assert parent.process.returncode is not None
    assert child.wait(timeout=10) is not None
    os.close(write_fd)
    os.close(answer_r)


def _descendants(root: int) -> set[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def test_a_graded_kernel_leaves_no_process_behind(tmp_path):
    """Every process a graded kernel took (its launcher, the sandbox's first process, the
    kernel) is gone, not even a zombie, once the notebook is graded, also when the kernel was
    killed for its time: the zygote reaps what a killed launcher leaves, instead of the
    machine's init."""
    import threading
    import time

    owner = zygote.get()
    if owner is None:
        pytest.fail("no zygote on this machine")
    owner.ready()
    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(_descendants(owner.process.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        # a cell past its time limit: the grader kills the kernel (its launcher, by signal)
        nb = new_notebook(cells=[new_code_cell("import time\ntime.sleep(30)")])
        result = execute_notebook(nb, tmp_path, cell_timeout=1.5, total_timeout=60, judge_cwd=tmp_path)
    finally:
        done.set()
        watcher.join()
    assert len(seen) >= 2, f"the kernel's processes were not seen: {seen}"
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in seen):
        time.sleep(0.05)
    left = {pid: open(f"/proc/{pid}/stat").read().split()[2] for pid in seen if os.path.exists(f"/proc/{pid}")}
    assert not left, f"processes left behind (pid: state): {left}"


def test_a_class_grading_worker_asks_for_a_plotting_zygote(monkeypatch):
    from course_utils.grading import batch

    monkeypatch.setattr(zygote, "_plotting", False)
    batch._warm_worker(None)  # what each `course grade` worker runs first
    assert zygote._plotting is True
