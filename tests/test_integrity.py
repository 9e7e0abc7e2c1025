"""Unit tests of grading integrity: restoring a tampered notebook, and the sandboxed kernel.

The notebook-level tests use a small assignment made here (no kernel). The sandbox tests run a
few small notebooks in real kernels with short timeouts; the whole adversarial class built from
ps1 is in test_integrity_corpus.py.
"""

from __future__ import annotations

import copy
import os
import pwd
import shutil
import tempfile
import stat
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils.grading import sandbox
from course_utils.grading.integrity import check_and_restore, release_version, suspicious_code

ROOT = Path(__file__).resolve().parents[1]


def _meta(gid: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: float | None = None) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked or (grade and not solution),
            "grade_id": gid, "schema_version": 3}
    if grade:
        meta["points"] = points or 1
    return {"nbgrader": meta}


def _test_cell(gid: str, source: str, points: float = 2) -> nbformat.NotebookNode:
    return new_code_cell(source, metadata=_meta(gid, grade=True, points=points))


@pytest.fixture()
def source() -> nbformat.NotebookNode:
    nb = new_notebook(cells=[
        new_markdown_cell("# Toy assignment", metadata=_meta("intro", locked=True)),
        new_code_cell("import math"),
        new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                      metadata=_meta("q1", solution=True)),
        _test_cell("q1_tests", "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(5) == 10\n### END HIDDEN TESTS"),
        new_code_cell("### BEGIN SOLUTION\ny = 3.0\n### END SOLUTION", metadata=_meta("q2", solution=True)),
        _test_cell("q2_tests", "assert type(y) is float\n### BEGIN HIDDEN TESTS\nassert y == 3.0\n### END HIDDEN TESTS"),
        new_markdown_cell("### BEGIN SOLUTION\nModel answer\n### END SOLUTION",
                          metadata=_meta("q3", grade=True, solution=True, points=3)),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    return nb


@pytest.fixture()
def answered(source) -> nbformat.NotebookNode:
    nb = release_version(source)
    nb.cells[2].source = "def f(x):\n    return 2 * x"
    nb.cells[4].source = "y = 3.0"
    nb.cells[6].source = "My written answer."
    return nb


def _ids(nb) -> list[str | None]:
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def _by_id(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


# ------------------------------------------------------------------------ check_and_restore
def test_release_has_stubs_and_no_hidden_tests(source):
    rel = release_version(source)
    assert "raise NotImplementedError()" in rel.cells[2].source
    assert "HIDDEN" not in rel.cells[3].source and "f(5)" not in rel.cells[3].source
    assert "BEGIN SOLUTION" in source.cells[2].source  # the source itself is untouched


def test_untouched_answers_give_no_flags_and_hidden_tests_come_back(source, answered):
    before = copy.deepcopy(answered)
    nb, flags = check_and_restore(answered, source)
    assert flags == []
    assert answered == before
    assert _ids(nb) == ["intro", None, "q1", "q1_tests", "q2", "q2_tests", "q3"]
    assert _by_id(nb, "q1_tests").source == source.cells[3].source  # hidden tests included
    assert _by_id(nb, "q1").source == "def f(x):\n    return 2 * x"
    assert _by_id(nb, "q3").source == "My written answer."
    assert nb.cells[1].source == "import math"  # the student's copy of an ordinary cell is kept
    nbformat.validate(nb)


@pytest.mark.parametrize(("tamper", "flag"), [
    (lambda nb: nb.cells.pop(3), "test cell 'q1_tests' was deleted; restored"),
    (lambda nb: setattr(nb.cells[3], "source", "pass"), "test cell 'q1_tests' was edited; restored"),
    (lambda nb: nb.cells.insert(4, copy.deepcopy(nb.cells[3])), "'q1_tests' appears more than once"),
    (lambda nb: nb.cells.insert(0, nb.cells.pop(5)), "moved out of the assignment's order"),
    (lambda nb: nb.cells.__setitem__(3, new_markdown_cell(nb.cells[3].source, metadata=nb.cells[3].metadata)),
     "test cell 'q1_tests' was retyped from code to markdown; restored"),
    (lambda nb: nb.cells[3].metadata["nbgrader"].__setitem__("points", 99), "'q1_tests' had its points changed"),
    (lambda nb: nb.cells.pop(0), "locked cell 'intro' was deleted; restored"),
])
def test_tampered_tests_are_restored_from_the_source(source, answered, tamper, flag):
    tamper(answered)
    nb, flags = check_and_restore(answered, source)
    assert any(flag in f for f in flags), flags
    assert _ids(nb).count("q1_tests") == 1
    restored = _by_id(nb, "q1_tests")
    assert restored.cell_type == "code"
    assert restored.source == source.cells[3].source
    assert restored.metadata["nbgrader"]["points"] == 2
    assert [g for g in _ids(nb) if g] == ["intro", "q1", "q1_tests", "q2", "q2_tests", "q3"]


def test_split_test_cell_keeps_one_full_copy(source, answered):
    first, second = copy.deepcopy(answered.cells[3]), copy.deepcopy(answered.cells[3])
    first.source, second.source = "assert True", "assert f(1) == 2"
    answered.cells[3:4] = [first, second]
    nb, flags = check_and_restore(answered, source)
    assert any("edited" in f for f in flags) and any("more than once" in f for f in flags)
    assert [c.source for c in nb.cells if c.source == source.cells[3].source] == [source.cells[3].source]


def test_retyped_answer_cell_gets_its_type_back_with_the_students_text(source, answered):
    answered.cells[2] = new_markdown_cell(answered.cells[2].source, metadata=answered.cells[2].metadata)
    answered.cells[6] = new_code_cell("My written answer.", metadata=answered.cells[6].metadata)
    nb, flags = check_and_restore(answered, source)
    assert "answer cell 'q1' was retyped from code to markdown; its type was restored" in flags
    assert any("answer cell 'q3' was retyped from markdown to code" in f for f in flags)
    assert _by_id(nb, "q1").cell_type == "code" and _by_id(nb, "q1").source.startswith("def f")
    assert _by_id(nb, "q3").cell_type == "markdown"


def test_deleted_answer_gets_the_stub(source, answered):
    answered.cells.pop(2)
    nb, flags = check_and_restore(answered, source)
    assert "answer cell 'q1' was deleted; the empty stub was put back" in flags
    assert "raise NotImplementedError()" in _by_id(nb, "q1").source


def test_scratch_cells_stay_after_their_answer_and_lose_fake_metadata(source, answered):
    answered.cells.insert(3, new_code_cell("helper = 1"))
    answered.cells.append(new_code_cell("print('bonus')", metadata=_meta("bonus", grade=True, points=50)))
    nb, flags = check_and_restore(answered, source)
    assert any("unknown grade id 'bonus'" in f for f in flags)
    sources = [c.source for c in nb.cells]
    assert sources.index("helper = 1") == sources.index("def f(x):\n    return 2 * x") + 1
    bonus = next(c for c in nb.cells if c.source == "print('bonus')")
    assert "nbgrader" not in bonus.metadata
    assert sum(c.metadata["nbgrader"].get("points", 0) for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade")) == 7


def test_real_ps1_release_round_trip_has_no_flags():
    src = nbformat.read(ROOT / "source/ps1_bargaining/ps1_bargaining.ipynb", as_version=4)
    rel = nbformat.read(ROOT / "release/ps1_bargaining/ps1_bargaining.ipynb", as_version=4)
    nb, flags = check_and_restore(rel, src)
    assert flags == []
    tests = [c for c in src.cells if c.metadata.get("nbgrader", {}).get("grade")
             and not c.metadata["nbgrader"].get("solution")]
    assert [c.source for c in nb.cells if c in tests] == [c.source for c in tests]
    assert sum("BEGIN HIDDEN TESTS" in c.source for c in nb.cells) >= 8


# ------------------------------------------------------------------------ suspicious_code
def test_suspicious_code_is_silent_on_the_course_solutions():
    for name in ("ps1_bargaining", "ps2_deterrence"):
        src = nbformat.read(ROOT / f"source/{name}/{name}.ipynb", as_version=4)
        for cell in src.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and not meta.get("grade") and not meta.get("locked"):
                assert suspicious_code(cell.source) == [], (name, cell.source[:80])


@pytest.mark.parametrize(("code", "reason"), [
    ("import math\nmath.isclose = lambda *a, **k: True", "patches module 'math'"),
    ("import numpy as np\nnp.allclose = lambda *a: True", "patches module 'np'"),
    ("type = lambda x: float", "rebinds the built-in name 'type'"),
    ("class X:\n    def __eq__(self, o):\n        return True", "defines __eq__"),
    ("class F(float):\n    pass", "subclasses float"),
    ("class F:\n    __module__ = 'numpy'", "fakes a type's module"),
    ("import os\nif os.environ.get('NBGRADER_EXECUTION'):\n    pass", "reads environment variables"),
    ("import os\nos._exit(0)", "tries to stop the kernel"),
    ("import socket", "opens network connections"),
    ("open('/tmp/x', 'w')", "writes files"),
    ("get_ipython().ast_transformers.clear()", "reaches into IPython"),
    ("%timeit x = 1\nimport os\nos.fork()", "starts processes"),
])
def test_suspicious_code_names_the_trick(code, reason):
    assert any(reason in r for r in suspicious_code(code)), suspicious_code(code)


# what only matters when a test runs in the student's interpreter (the corpus's j_* cases)
@pytest.mark.parametrize(("code", "reason"), [
    ("from ipykernel.ipkernel import IPythonKernel\nIPythonKernel.do_execute = f", "patches IPython's machinery"),
    ("import IPython.core.interactiveshell as s\ns.ExecutionResult.success = True", "patches IPython's machinery"),
    ("from jupyter_client.session import Session", "reaches into IPython"),
    ("get_ipython().__class__ = Shell", "changes an object's class"),
    ("setattr(obj, '__class__', Fake)", "changes an object's class"),
    ("import sys\nsys.addaudithook(hook)", "installs an interpreter hook"),
    ("import signal\nsignal.setitimer(signal.ITIMER_REAL, 0.01, 0.01)", "installs an interpreter hook"),
    ("from signal import signal as on\non(14, handler)", "installs an interpreter hook"),
    ("import gc\ngc.callbacks.append(cb)", "installs an interpreter hook"),
    ("import numpy\nexec(compile(code, numpy.__file__, 'exec'), ns)", "compiles code under another file's name"),
    ("import ctypes\nctypes.c_ulong.from_address(id(float) + 168).value = 0", "writes memory through ctypes"),
    ("import ctypes\nctypes.memmove(a, b, 8)", "writes memory through ctypes"),
    ("float.__sub__ = lambda a, b: 0.0", "patches the built-in type 'float'"),
    ("import sys\nx = sys._getframe(1).f_locals['e']", "inspects the caller's frame"),
    ("try:\n    raise KeyError\nexcept KeyError as e:\n    f = e.__traceback__.tb_frame.f_back",
     "inspects the caller's frame"),
    ("import sys\nsys.meta_path.insert(0, Finder())", "installs an import hook"),
    ("import importlib._bootstrap as b\nb._find_and_load = f", "installs an import hook"),
    ("from importlib.abc import MetaPathFinder", "installs an import hook"),
    ("globals()['__import__'] = fake", "installs an import hook"),
    ("import builtins\nbuiltins.__import__ = fake", "installs an import hook"),
])
def test_suspicious_code_names_what_reaches_a_test_in_the_same_interpreter(code, reason):
    assert any(reason in r for r in suspicious_code(code)), suspicious_code(code)


@pytest.mark.parametrize("code", [
    "from IPython.display import display, Markdown\ndisplay(Markdown('**done**'))",
    "from IPython.core.display import HTML",
    "from IPython.core.interactiveshell import InteractiveShell\nInteractiveShell.ast_node_interactivity = 'all'",
    "import inspect\nprint(inspect.signature(optimal_demand))",
    "import numpy as np\nx = np.float64(0.25)\nd = float(x) - 0.25",
    "frame = {'f_back': 1}\nframe['f_back']",
])
def test_suspicious_code_is_silent_on_ordinary_notebook_code(code):
    assert suspicious_code(code) == []


# ------------------------------------------------------------------------ sandbox
def _run(cells, tmp_path, **kw):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    kw.setdefault("cell_timeout", 5)
    kw.setdefault("total_timeout", 60)
    return sandbox.execute_notebook(nb, work, **kw)


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs)


def _failed(cell) -> bool:
    return any(o.output_type == "error" for o in cell.outputs)


def test_run_folders_live_where_no_other_account_can_plant_them(tmp_path, monkeypatch):
    if os.geteuid() != 0:  # an ordinary user: a fresh private folder of this process
        base = sandbox._base_dir()
        st = os.lstat(base)
        assert stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) == 0o700
        return
    monkeypatch.setattr(sandbox.slots, "_ROOT_BASE", tmp_path / "course-sandbox")  # root: a planted link is refused
    os.symlink(tmp_path, tmp_path / "course-sandbox")
    sandbox._base_dir.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="is not a folder of this user"):
            sandbox._base_dir()
    finally:
        sandbox._base_dir.cache_clear()


def test_bad_timeouts_are_refused(tmp_path):
    with pytest.raises(ValueError, match="cell_timeout must be a positive number"):
        sandbox.execute_notebook(new_notebook(), tmp_path, cell_timeout=0, total_timeout=10)
    with pytest.raises(ValueError, match="total_timeout must be a positive number"):
        sandbox.execute_notebook(new_notebook(), tmp_path, cell_timeout=1, total_timeout=-1)


@pytest.mark.slow
def test_kernel_is_fenced_and_tests_run_in_the_judge(tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "data.csv").write_text("a,b\n")
    os.symlink("/etc/passwd", tmp_path / "work" / "passwd")
    cells = [
        new_code_cell("import os, socket\nprint(os.getuid(), sorted(os.listdir('.')))\n"
                      "print([k for k in os.environ if 'NBGRADER' in k])\n"
                      "try:\n    socket.create_connection(('1.1.1.1', 80), timeout=2)\n    print('NET OK')\n"
                      "except OSError as e:\n    print('NO NET')"),
        new_code_cell("import math, numpy as np, builtins\nclass S(str):\n    pass\ns = S('a')\n"
                      "math.isclose = lambda *a, **k: True\nnp.allclose = lambda *a, **k: True\n"
                      "builtins.abs = lambda x: 0\ntype = lambda o: str\nmax = 'mine'\n"
                      "get_ipython().ast_transformers.append(__import__('ast').NodeTransformer())"),
        _test_cell("t1", "import math\nassert math.isclose(1, 2)"),
        _test_cell("t2", "assert not np.allclose(1, 2) and abs(-1) == 1"),
        _test_cell("t3", "assert s == 'a'"),
        new_code_cell("print(max)"),
        new_code_cell("while True:\n    pass"),
        new_code_cell("print('x' * 300_000)"),
        _test_cell("t4", "assert s == 'a'"),
    ]
    res = _run(cells, tmp_path, limits=sandbox.Limits(stream_chars=10_000))
    nb = res.nb
    first = _text(nb.cells[0])
    if os.geteuid() == 0 and sandbox.privilege_drop_status()[0]:
        assert not first.startswith("0 ")
    assert "['data.csv']" in first and "[]" in first  # no symlink copied, no grading variables
    assert sandbox.sandbox_status() == (True, ""), "this machine should allow the sandbox"
    assert "NO NET" in first
    # the tests run in the judge: the kernel's patched math, numpy and builtins never reach them
    assert _failed(nb.cells[2]), "the judge saw the notebook's math.isclose"
    assert not _failed(nb.cells[3]), nb.cells[3].outputs
    # a str subclass is not plain data: the test fails with a message saying what it was
    assert _failed(nb.cells[4]) and "which grading cannot read" in nb.cells[4].outputs[-1].evalue
    assert _text(nb.cells[5]).strip() == "mine"
    assert _failed(nb.cells[6]) and res.timed_out
    assert len(_text(nb.cells[7])) < 20_000
    assert _failed(nb.cells[8])
    assert any("symlink 'passwd'" in f for f in res.flags)
    assert any("cell 6 ran over 5 s" in f for f in res.flags)
    assert any("cell 7: printed output over" in f for f in res.flags)


@pytest.mark.slow
def test_files_the_kernel_writes_stay_private_and_bounded(tmp_path):
    marker = f"course-integrity-{os.getpid()}"
    code = ("import os\nwritten = 0\ntry:\n    for i in range(64):\n"
            f"        with open(f'/tmp/{marker}-{{i}}', 'wb') as f:\n"
            "            f.write(b'x' * 2**20 * 16)\n        written += 16\n"
            "except OSError as e:\n    print('stopped at', written, 'MiB:', e.strerror)")
    res = _run([new_code_cell(code)], tmp_path, limits=sandbox.Limits(disk_bytes=64 * 2**20))
    assert "stopped at" in _text(res.nb.cells[0]) and "No space left" in _text(res.nb.cells[0])
    assert not [f for f in os.listdir("/tmp") if f.startswith(marker)]


@pytest.mark.slow
def test_the_kernel_sees_nothing_of_the_host_but_the_runtime(tmp_path):
    """No course folder, no home, no other student, no other copy of the course: only the
    read-only runtime and the submission's working copy (for root and ordinary users alike)."""
    repo = Path(__file__).resolve().parents[1]
    other = tmp_path / "another-class"
    other.mkdir()
    (other / "alice.ipynb").write_text("{}")
    # a file of the grader's own home (the folders above the runtime's own exist inside, empty
    # but for the way to it, when the course lives in a home: so probe a file, not the folder)
    home_file = Path(pwd.getpwuid(os.geteuid()).pw_dir) / f".course-sandbox-probe-{os.getpid()}"
    home_file.write_text("private")
    probes = [str(repo / "source"), str(repo / "tests"), str(repo / "release"), str(repo / "README.md"),
              str(other), str(home_file), "/srv", "/var/lib", "/opt"]
    runtime = sandbox.host._runtime_paths()  # a folder above the runtime exists, holding only the way down
    probes = [p for p in probes if not any(r.startswith(p.rstrip("/") + "/") for r in runtime)]
    code = ("import os\nfor p in %r:\n    print(p, os.path.exists(p))\n"
            "import course_utils, numpy\nprint('runtime', os.path.exists(course_utils.__file__))\n"
            "try:\n    open(course_utils.__file__, 'a')\n    print('runtime writable')\n"
            "except OSError:\n    print('runtime read-only')" % (probes,))
    try:
        res = _run([new_code_cell(code)], tmp_path)
    finally:
        home_file.unlink()
    lines = _text(res.nb.cells[0]).splitlines()
    assert lines[:len(probes)] == [f"{p} False" for p in probes], lines
    assert lines[len(probes):] == ["runtime True", "runtime read-only"], lines


@pytest.mark.slow
def test_dead_kernel_is_restarted_and_later_tests_still_count(tmp_path):
    cells = [
        new_code_cell("x = 41"),
        new_code_cell("while True:\n    pass"),  # timed out once; not replayed after the restart
        _test_cell("before", "assert x == 41"),
        new_code_cell("import os\nos._exit(3)"),
        new_code_cell("x += 1"),
        _test_cell("after", "assert x == 42"),
    ]
    res = _run(cells, tmp_path)
    assert res.crashed
    assert any("the kernel died in cell 3; kernel restarted" in f for f in res.flags), res.flags
    assert not _failed(res.nb.cells[2]) and not _failed(res.nb.cells[5]), res.nb.cells[5].outputs


@pytest.mark.slow
def test_threads_and_hooks_of_the_notebook_cannot_reach_a_test(tmp_path):
    patcher = ("import threading, time, math, sys\ndef _cling():\n    while True:\n        try:\n"
               "            math.isclose = lambda *a, **k: True\n            time.sleep(0.001)\n"
               "        except BaseException:\n            pass\n"
               "threading.Thread(target=_cling, daemon=True).start()\n"
               "sys.addaudithook(lambda *a: None)\nx = 1")
    res = _run([new_code_cell(patcher), _test_cell("a", "import math\nassert not math.isclose(1, 2) and x == 1")],
               tmp_path)
    assert not _failed(res.nb.cells[1]), res.nb.cells[1].outputs


@pytest.mark.slow
def test_whole_notebook_limit_fails_the_tests_not_reached(tmp_path):
    cells = [new_code_cell("import time\ntime.sleep(3)") for _ in range(4)] + [_test_cell("late", "pass")]
    res = _run(cells, tmp_path, cell_timeout=10, total_timeout=7)
    assert res.timed_out
    assert any("whole-notebook time limit" in f for f in res.flags), res.flags
    assert _failed(res.nb.cells[-1])


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="only root switches users")
def test_without_privilege_drop_grading_goes_on_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox.host, "privilege_drop_status", lambda: (False, "test says no"))
    res = _run([new_code_cell("y = 1"), _test_cell("t", "assert y == 1")], tmp_path)
    assert any(f.startswith("privilege drop unavailable: test says no") for f in res.flags)
    assert not _failed(res.nb.cells[1])


@pytest.mark.skipif(os.geteuid() != 0, reason="switching users needs root")
def test_probe_reports_a_python_outside_the_sandbox_runtime(tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    os.symlink(sys.executable, private / "python")
    os.chmod(private, stat.S_IRWXU)
    assert sandbox.probe_unprivileged(sys.executable) == (True, "")
    ok, reason = sandbox.probe_unprivileged(str(private / "python"))
    assert not ok and "cannot run" in reason, reason


# ------------------------------------------------------------------------ kernels started ahead
_PROBE = "import os\nprint(os.getcwd())\nprint('secret' in globals())"


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


@pytest.mark.slow
def test_a_kernel_started_ahead_runs_the_next_notebook_fresh(tmp_path):
    first = _run([new_code_cell("secret = 42\n" + _PROBE)], tmp_path, prestart=True)
    (ahead,) = sandbox._warm.values()  # the next kernel is already booting
    ahead_pid, ahead_run = ahead.kernel_pid(), ahead.run
    second = _run([new_code_cell(_PROBE)], tmp_path)
    assert not sandbox._warm
    where1, seen1 = _text(first.nb.cells[0]).split()
    where2, seen2 = _text(second.nb.cells[0]).split()
    assert (seen1, seen2) == ("True", "False")  # nothing of the first notebook in the second kernel
    assert where2 == str(ahead.work) != where1
    assert _gone(ahead_pid) and not ahead_run.exists()


@pytest.mark.slow
def test_a_kernel_started_ahead_for_other_files_is_stopped_not_used(tmp_path):
    _run([new_code_cell("pass")], tmp_path, prestart=True)
    (ahead,) = sandbox._warm.values()
    ahead_pid, ahead_run = ahead.kernel_pid(), ahead.run
    (tmp_path / "work" / "data.csv").write_text("changed\n")
    res = _run([new_code_cell("import os\nprint(os.getcwd(), open('data.csv').read())")], tmp_path)
    where, text = _text(res.nb.cells[0]).split()
    assert text == "changed" and where != str(ahead.work)
    assert _gone(ahead_pid) and not ahead_run.exists()


_LEFT_AHEAD = '''
import json, sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from nbformat.v4 import new_code_cell, new_notebook
from course_utils.grading import sandbox

def grade(work):
    sandbox.execute_notebook(new_notebook(cells=[new_code_cell("x = 1")]), Path(work),
                             cell_timeout=5, total_timeout=60, prestart=True)
    (ahead,) = sandbox._warm.values()
    return ahead.kernel_pid(), str(ahead.run)

if __name__ == "__main__":
    if sys.argv[1] == "pool":
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            print(json.dumps(pool.submit(grade, sys.argv[2]).result()))
    else:
        print(json.dumps(grade(sys.argv[2])))
'''


@pytest.mark.slow
@pytest.mark.parametrize("where", ["pool", "process"])
def test_a_kernel_left_ahead_is_stopped_when_the_grader_exits(tmp_path, where):
    import json
    import subprocess

    script = tmp_path / "left_ahead.py"
    script.write_text(_LEFT_AHEAD)
    (tmp_path / "work").mkdir()
    proc = subprocess.run([sys.executable, str(script), where, str(tmp_path / "work")], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    pid, run = json.loads(proc.stdout.strip().splitlines()[-1])
    assert pid and _gone(pid), f"kernel {pid} still running after the grader exited"
    assert not Path(run).exists()


@pytest.mark.slow
def test_no_kernel_is_started_ahead_when_every_slot_is_taken(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox.slots, "_SLOTS", 1)  # the notebook's own kernel takes the only slot
    res = _run([new_code_cell("print('ran')")], tmp_path, prestart=True)
    assert _text(res.nb.cells[0]) == "ran\n"
    assert not sandbox._warm


def test_a_killed_graders_run_folder_is_removed_by_the_next_run_in_its_slot(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox.slots, "_SLOTS", 1)
    stale = sandbox._base_dir() / "run-0-left-by-a-killed-grader"
    (stale / "work").mkdir(parents=True, exist_ok=True)
    (stale / "work" / "answers.txt").write_text("x")
    res = _run([new_code_cell("print('ran')")], tmp_path)
    assert _text(res.nb.cells[0]) == "ran\n"
    assert not stale.exists()


@pytest.mark.slow
def test_a_kernel_started_ahead_that_died_is_replaced_not_held_against_the_student(tmp_path):
    _run([new_code_cell("pass")], tmp_path, prestart=True)
    (ahead,) = sandbox._warm.values()
    ahead.kill()
    ahead.km.provisioner.process.wait(timeout=10)
    res = _run([new_code_cell("x = 6 * 7"), _test_cell("t", "assert x == 42")], tmp_path)
    assert not res.crashed and not _failed(res.nb.cells[1]), res.flags
    assert not any("could not start" in f for f in res.flags)


@pytest.mark.slow
def test_a_call_that_runs_over_its_limit_fails_that_test_and_later_tests_still_count(tmp_path):
    cells = [new_code_cell("def slow(x):\n    while True:\n        pass\ny = 5"),
             _test_cell("calls", "slow(1)"),
             _test_cell("later", "assert y == 5")]
    res = _run(cells, tmp_path, limits=sandbox.Limits(call_seconds=1))
    error = res.nb.cells[1].outputs[-1]
    assert error.ename == "StudentTimeout" and "ran over its time limit of 1 s" in error.evalue, error
    assert not _failed(res.nb.cells[2]), res.nb.cells[2].outputs  # a fresh kernel, the answers replayed
    assert any("ran over its time limit in cell 1; kernel restarted, that test failed" in f for f in res.flags), res.flags


@pytest.mark.slow
def test_a_kernel_that_dies_during_a_call_fails_that_test_only(tmp_path):
    cells = [new_code_cell("import os\ndef die(x):\n    os._exit(1)\ny = 5"),
             _test_cell("calls", "die(1)"),
             _test_cell("later", "assert y == 5")]
    res = _run(cells, tmp_path)
    error = res.nb.cells[1].outputs[-1]
    assert error.ename == "StudentDied" and "kernel died during a call" in error.evalue, error
    assert not _failed(res.nb.cells[2]), res.nb.cells[2].outputs


@pytest.mark.slow
def test_where_namespaces_are_forbidden_grading_goes_on_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox.host, "sandbox_status", lambda: (False, "test says no"))
    res = _run([new_code_cell("y = 1"), _test_cell("t", "assert y == 1")], tmp_path)
    notes = [f for f in res.flags if f.startswith("sandbox unavailable: test says no")]
    assert len(notes) == 1 and "may reach the network" in notes[0], res.flags
    assert not _failed(res.nb.cells[1]), res.nb.cells[1].outputs
