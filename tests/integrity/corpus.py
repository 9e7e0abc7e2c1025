"""An adversarial class built from the real ps1 release, and the grade each submission must get.

Every case is a function that writes one student's files into a class folder (one folder per
student, the layout ``course grade --submissions`` accepts), starting from
``release/ps1_bargaining/ps1_bargaining.ipynb`` and filling answer cells with the source's own
solutions wherever the case needs honest parts. :data:`CASES` pairs each case with what the
grader must do with it: the score of every autograded part, the status in grades.csv, and a
piece of text one of its flags must contain (or the reason of a failure, or the fact that the
file is skipped and reported).

Conventions: a "tampered" part is always answered wrongly, so it must score zero however the
tampering goes; all other parts are answered correctly and must keep their points.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

ASSIGNMENT = "ps1_bargaining"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"

#: Wrong answers that still pass the visible form checks (so only hidden tests catch them).
WRONG = {
    "ps1_a2_answer": "min_cost_nk_full = 0.2",
    "ps1_b1_answer": (
        "def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n"
        "    return 0.7 if cost_nk_low == 0 else p + cost_nk_low"
    ),
}
#: b2's answer without calling optimal_demand, so a wrong b1 does not drag b2 down.
B2_DIRECT = "p_war_shifted = 0.25"


@dataclass
class Context:
    """What a case builder needs: the release and source notebooks and where things are."""

    release: NotebookNode
    source: NotebookNode
    course_root: Path
    class_dir: Path
    port: int

    def solution(self, grade_id: str) -> str:
        """The source's answer for ``grade_id`` without the BEGIN/END SOLUTION markers."""
        for cell in self.source.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return "\n".join(
                    line for line in cell.source.splitlines()
                    if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
                )
        raise KeyError(grade_id)

    def honest(self) -> NotebookNode:
        """The release with every answer cell holding the source's solution."""
        nb = copy.deepcopy(self.release)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                cell.source = self.solution(meta["grade_id"])
        return nb

    def write(self, sid: str, nb: NotebookNode | str | bytes, name: str = NOTEBOOK) -> Path:
        """Write a student's file: a notebook, or raw text/bytes for broken files."""
        folder = self.class_dir / sid
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        if isinstance(nb, bytes):
            path.write_bytes(nb)
        elif isinstance(nb, str):
            path.write_text(nb, encoding="utf-8")
        else:
            path.write_text(nbformat.writes(nb), encoding="utf-8")
        return path


def _index(nb: NotebookNode, grade_id: str) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def _set(nb: NotebookNode, grade_id: str, text: str) -> NotebookNode:
    nb.cells[_index(nb, grade_id)].source = text
    return nb


def _scratch_after(nb: NotebookNode, grade_id: str, text: str) -> NotebookNode:
    nb.cells.insert(_index(nb, grade_id) + 1, nbformat.v4.new_code_cell(text))
    return nb


def _wrong_a2(ctx: Context, prefix: str = "") -> NotebookNode:
    nb = ctx.honest()
    return _set(nb, "ps1_a2_answer", (prefix + "\n" if prefix else "") + WRONG["ps1_a2_answer"])


@dataclass
class Case:
    """One adversarial submission and the outcome it must have.

    Attributes
    ----------
    sid : str
        The student id (folder name).
    build : callable
        ``build(ctx)`` writes the student's files.
    zero : tuple of str
        Test cells that must score zero; every other test cell must earn its full points.
    status : str
        ``graded``, ``flagged`` or ``failed`` in grades.csv, or ``skipped`` (not graded,
        reported among the skipped files).
    flag : str
        Text that must appear in the flags (or the failure reason, or the skipped line).
    """

    sid: str
    build: Callable[[Context], None]
    zero: tuple[str, ...] = ()
    status: str = "flagged"
    flag: str = ""


def _honest(ctx: Context, sid: str) -> None:
    ctx.write(sid, ctx.honest())


def _honest_partial(ctx: Context, sid: str) -> None:
    nb = _wrong_a2(ctx)
    stub = next(c.source for c in ctx.release.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "ps1_d2_answer")
    ctx.write(sid, _set(nb, "ps1_d2_answer", stub))


# ---------------------------------------------------------------- structural tampering
def _test_deleted(ctx: Context) -> None:
    nb = _wrong_a2(ctx)
    del nb.cells[_index(nb, "ps1_a2_test")]
    ctx.write("t_test_deleted", nb)


def _test_edited(ctx: Context) -> None:
    ctx.write("t_test_edited", _set(_wrong_a2(ctx), "ps1_a2_test", "pass  # all good"))


def _test_duplicated(ctx: Context) -> None:
    nb = _wrong_a2(ctx)
    i = _index(nb, "ps1_a2_test")
    nb.cells.insert(i + 1, copy.deepcopy(nb.cells[i]))
    nb.cells[i + 1].source = "pass"
    ctx.write("t_test_duplicated", nb)


def _test_split(ctx: Context) -> None:
    nb = _set(ctx.honest(), "ps1_b1_answer", WRONG["ps1_b1_answer"])
    _set(nb, "ps1_b2_answer", B2_DIRECT)
    i = _index(nb, "ps1_b1_test")
    lines = nb.cells[i].source.splitlines()
    second = copy.deepcopy(nb.cells[i])
    nb.cells[i].source = "\n".join(lines[:2])
    second.source = "\n".join(lines[2:])
    second.pop("id", None)
    nb.cells.insert(i + 1, second)
    ctx.write("t_test_split", nb)


def _test_moved(ctx: Context) -> None:
    nb = ctx.honest()
    cell = nb.cells.pop(_index(nb, "ps1_a2_test"))
    nb.cells.insert(0, cell)
    ctx.write("t_test_moved", nb)


def _test_to_markdown(ctx: Context) -> None:
    nb = _wrong_a2(ctx)
    i = _index(nb, "ps1_a2_test")
    old = nb.cells[i]
    nb.cells[i] = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata)
    ctx.write("t_test_to_markdown", nb)


def _answer_to_markdown(ctx: Context) -> None:
    nb = ctx.honest()
    i = _index(nb, "ps1_a2_answer")
    old = nb.cells[i]
    nb.cells[i] = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata)
    ctx.write("t_answer_to_markdown", nb)


def _answer_deleted(ctx: Context) -> None:
    nb = ctx.honest()
    del nb.cells[_index(nb, "ps1_a2_answer")]
    ctx.write("t_answer_deleted", nb)


def _unknown_grade_id(ctx: Context) -> None:
    nb = ctx.honest()
    nb.cells.append(nbformat.v4.new_code_cell("print('bonus')", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": "bonus", "points": 100,
        "schema_version": 3}}))
    ctx.write("t_unknown_grade_id", nb)


def _points_changed(ctx: Context) -> None:
    nb = _wrong_a2(ctx)
    nb.cells[_index(nb, "ps1_a2_test")].metadata["nbgrader"]["points"] = 100
    ctx.write("t_points_changed", nb)


# ---------------------------------------------------------------- objects that lie
def _always_equal(ctx: Context) -> None:
    nb = _set(ctx.honest(), "ps1_a1_answer", (
        "class AlwaysEqual(str):\n"
        "    def __eq__(self, other): return True\n"
        "    def __ne__(self, other): return False\n"
        "    def __lt__(self, other): return True\n"
        "    def __le__(self, other): return True\n"
        "    def __gt__(self, other): return True\n"
        "    def __ge__(self, other): return True\n"
        "    def __hash__(self): return 0\n"
        "    def strip(self): return self\n"
        "    def lower(self): return self\n"
        "    def __float__(self): return 0.25\n"
        "menu_deal = AlwaysEqual('cap')\n"
        "max_fall_p = AlwaysEqual('0.25')"))
    ctx.write("t_always_equal", nb)


def _float_subclass(ctx: Context) -> None:
    ctx.write("t_float_subclass", _set(ctx.honest(), "ps1_a2_answer", (
        "class Exact(float):\n"
        "    def __eq__(self, other): return True\n"
        "    def __sub__(self, other): return 0.0\n"
        "min_cost_nk_full = Exact(0.2)")))


def _fake_numpy_number(ctx: Context) -> None:
    nb = _set(ctx.honest(), "ps1_b1_answer", (
        "import sys\n"
        "class Num(float):\n"
        "    __module__ = 'numpy'   # passes a check of type(x).__module__\n"
        "    def __float__(self):\n"
        "        # peek at the test's expected value in the caller's frame\n"
        "        return sys._getframe(1).f_locals.get('e', float.__float__(self))\n"
        "def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n"
        "    return Num(0.7 if cost_nk_low == 0 else p + cost_nk_low)"))
    ctx.write("t_fake_numpy_number", _set(nb, "ps1_b2_answer", B2_DIRECT))


def _metaclass_eq(ctx: Context) -> None:
    ctx.write("t_metaclass_eq", _set(ctx.honest(), "ps1_a2_answer", (
        "class _Meta(type):\n"
        "    def __eq__(cls, other): return True   # makes type(x) in (int, float) true\n"
        "    __hash__ = type.__hash__\n"
        "class _Num(float, metaclass=_Meta):\n"
        "    def __float__(self): return 0.3\n"
        "min_cost_nk_full = _Num(0.2)")))


# ---------------------------------------------------------------- patching what tests use
def _patch_isclose(ctx: Context) -> None:
    ctx.write("t_patch_isclose", _wrong_a2(ctx, "import math\nmath.isclose = lambda *a, **k: True"))


def _patch_numpy(ctx: Context) -> None:
    ctx.write("t_patch_numpy", _wrong_a2(ctx, (
        "import numpy as np\nimport numpy.testing\n"
        "np.isclose = lambda *a, **k: True\nnp.allclose = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None")))


def _patch_builtins(ctx: Context) -> None:
    nb = _set(ctx.honest(), "ps1_b1_answer", (
        "import builtins\n_real_abs = abs\nbuiltins.abs = lambda x: 0.0\n" + WRONG["ps1_b1_answer"]))
    ctx.write("t_patch_builtins", _set(nb, "ps1_b2_answer", B2_DIRECT))


def _shadow_type(ctx: Context) -> None:
    ctx.write("t_shadow_type", _set(ctx.honest(), "ps1_b2_answer", (
        "type = lambda x: float\np_war_shifted = '0.25'")))


def _patch_course_utils(ctx: Context) -> None:
    ctx.write("t_patch_course_utils", _wrong_a2(ctx, (
        "import course_utils.checks, course_utils.models.bargaining as _b\n"
        "course_utils.checks.ask = lambda *a, **k: None\n"
        "_b.__dict__.clear()")))


#: an AST transformer that turns every assert into a no-op (two cases install it)
_NO_ASSERTS = (
    "class _NoAsserts(ast.NodeTransformer):\n"
    "    def visit_Assert(self, node):\n"
    "        return ast.Pass()\n"
)


def _ast_transformer(ctx: Context) -> None:
    ctx.write("t_ast_transformer", _wrong_a2(ctx, (
        "import ast\n" + _NO_ASSERTS +
        "get_ipython().ast_transformers.append(_NoAsserts())")))


def _custom_exc(ctx: Context) -> None:
    ctx.write("t_custom_exc", _wrong_a2(ctx, (
        "get_ipython().set_custom_exc((Exception,), lambda shell, etype, evalue, tb, tb_offset=None: None)")))


def _silent_traceback(ctx: Context) -> None:
    ctx.write("t_silent_traceback", _wrong_a2(ctx, (
        "_ip = get_ipython()\n"
        "_ip.showtraceback = lambda *a, **k: None\n"
        "_ip._showtraceback = lambda *a, **k: None\n"
        "type(_ip).showtraceback = lambda *a, **k: None")))


def _thread_repatch(ctx: Context) -> None:
    ctx.write("t_thread_repatch", _wrong_a2(ctx, (
        "import ast, threading, time\n" + _NO_ASSERTS +
        "_ip = get_ipython()\n"
        "def _keep_patching():  # puts the transformer back as soon as the grader removes it\n"
        "    while True:\n"
        "        if not any(isinstance(t, _NoAsserts) for t in _ip.ast_transformers):\n"
        "            _ip.ast_transformers.append(_NoAsserts())\n"
        "        time.sleep(0.001)\n"
        "threading.Thread(target=_keep_patching, daemon=True).start()")))


def _env_branching(ctx: Context) -> None:
    ctx.write("t_env_branching", _set(ctx.honest(), "ps1_a2_answer", (
        "import os\n"
        "_grading = any(k.startswith(('NBGRADER', 'COURSE')) for k in os.environ)\n"
        "min_cost_nk_full = 0.3 if _grading else 0.2\n"
        "print('grading' if _grading else 'not grading')")))


# ---------------------------------------------------------------- time, crashes, resources
def _loop_answer(ctx: Context) -> None:
    ctx.write("t_loop_answer", _set(ctx.honest(), "ps1_a2_answer", "while True:\n    pass"))


def _loop_scratch(ctx: Context) -> None:
    ctx.write("t_loop_scratch", _scratch_after(ctx.honest(), "ps1_a1_answer", "while True:\n    pass"))


def _loop_unstoppable(ctx: Context) -> None:
    ctx.write("t_loop_unstoppable", _scratch_after(ctx.honest(), "ps1_c_test", (
        "while True:\n    try:\n        while True:\n            pass\n"
        "    except KeyboardInterrupt:\n        pass")))


def _sys_exit(ctx: Context) -> None:
    ctx.write("t_sys_exit", _scratch_after(ctx.honest(), "ps1_a1_answer", "import sys\nsys.exit(0)"))


def _os_exit(ctx: Context) -> None:
    ctx.write("t_os_exit", _scratch_after(ctx.honest(), "ps1_c_test", "import os\nos._exit(1)"))


def _kill_kernel(ctx: Context) -> None:
    ctx.write("t_kill_kernel", _scratch_after(ctx.honest(), "ps1_b2_test",
                                               "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"))


def _memory_bomb(ctx: Context) -> None:
    ctx.write("t_memory_bomb", _set(ctx.honest(), "ps1_a2_answer", (
        "import numpy as np\n"
        "_hoard = [np.empty(2**27) for _ in range(64)]  # 64 GiB, asked for without touching it\n"
        "min_cost_nk_full = 0.3")))


def _fork_bomb(ctx: Context) -> None:
    ctx.write("t_fork_bomb", _scratch_after(ctx.honest(), "ps1_a1_answer", (
        "import os, time\n_children = 0\n"
        "for _ in range(400):\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(120)\n"
        "            os._exit(0)\n"
        "        _children += 1\n"
        "    except OSError:\n"
        "        break\n"
        "print('children:', _children)")))


def _big_print(ctx: Context) -> None:
    ctx.write("t_big_print", _scratch_after(ctx.honest(), "ps1_a1_answer",
                                             "for _ in range(200_000):\n    print('x' * 500)"))


def _big_image(ctx: Context) -> None:
    ctx.write("t_big_image", _scratch_after(ctx.honest(), "ps1_a1_answer", (
        "from IPython.display import display\n"
        "display({'image/png': 'iVBORw0KGgo' + 'A' * 30_000_000}, raw=True)")))


# ---------------------------------------------------------------- reaching outside
def _write_gradebook(ctx: Context) -> None:
    gb = ctx.course_root / "gradebook.db"
    ctx.write("t_write_gradebook", _scratch_after(ctx.honest(), "ps1_a1_answer", (
        f"for _p in ({str(gb)!r}, 'gradebook.db', '../gradebook.db', '../../gradebook.db'):\n"
        "    try:\n"
        "        with open(_p, 'w') as _f:\n"
        "            _f.write('overwritten by a student')\n"
        "    except OSError as _e:\n"
        "        print('refused', _p, _e)\n"
        "import os\n"
        f"try:\n    os.remove({str(gb)!r})\nexcept OSError as _e:\n    print('refused', _e)")))


def _delete_students(ctx: Context) -> None:
    targets = [ctx.course_root / "submitted" / "honest_1", ctx.class_dir / "honest_1",
               ctx.course_root / "autograded", ctx.course_root / "reports"]
    ctx.write("t_delete_students", _scratch_after(ctx.honest(), "ps1_a1_answer", (
        "import shutil\n"
        f"for _p in {[str(t) for t in targets]!r}:\n"
        "    shutil.rmtree(_p, ignore_errors=True)")))


def _delete_source(ctx: Context) -> None:
    src = ctx.course_root / "source"
    ctx.write("t_delete_source", _scratch_after(ctx.honest(), "ps1_a1_answer", (
        f"import shutil\nshutil.rmtree({str(src)!r}, ignore_errors=True)")))


def _read_source(ctx: Context) -> None:
    path = ctx.course_root / "source" / ASSIGNMENT / NOTEBOOK
    ctx.write("t_read_source", _set(ctx.honest(), "ps1_a2_answer", (
        "import json\n"
        "try:\n"
        f"    _nb = json.load(open({str(path)!r}))\n"
        "    _code = [''.join(c['source']) for c in _nb['cells']\n"
        "             if c['metadata'].get('nbgrader', {}).get('grade_id') == 'ps1_a2_answer'][0]\n"
        "    exec(_code)\n"
        "except Exception as _e:\n"
        "    print('no luck:', type(_e).__name__)")))


def _network(ctx: Context) -> None:
    ctx.write("t_network", _scratch_after(ctx.honest(), "ps1_a1_answer", (
        "import socket\n"
        "for _host in ('127.0.0.1', '1.1.1.1'):\n"
        "    try:\n"
        f"        socket.create_connection((_host, {ctx.port}), timeout=2).sendall(b'leak')\n"
        "        print('connected to', _host)\n"
        "    except OSError as _e:\n"
        "        print('no network:', _e)")))


def _symlink_in_folder(ctx: Context) -> None:
    nb = ctx.honest()
    ctx.write("t_symlink_in_folder", nb)
    os.symlink(ctx.course_root / "gradebook.db", ctx.class_dir / "t_symlink_in_folder" / "gradebook.db")
    os.symlink(ctx.course_root / "source", ctx.class_dir / "t_symlink_in_folder" / "source")


# ---------------------------------------------------------------- files the class grader sees
def _invalid_json(ctx: Context) -> None:
    ctx.write("c_invalid_json", '{"cells": [{"cell_type": "code", "source": ')


def _nbformat3(ctx: Context) -> None:
    v3 = nbformat.convert(ctx.honest(), 3)
    ctx.write("c_nbformat3", json.dumps(v3))


def _empty_file(ctx: Context) -> None:
    ctx.write("c_empty_file", b"")


def _wrong_name(ctx: Context) -> None:
    ctx.write("c_wrong_name", ctx.honest(), name="ps1.ipynb")


def _extra_notebooks(ctx: Context) -> None:
    ctx.write("c_extra_notebooks", ctx.honest())
    ctx.write("c_extra_notebooks", ctx.honest(), name="scratch_work.ipynb")


def _non_ascii_id(ctx: Context) -> None:
    ctx.write("zoë_ñ", ctx.honest())


def _traversal_id(ctx: Context) -> None:
    ctx.class_dir.mkdir(parents=True, exist_ok=True)
    (ctx.class_dir / "x..%2F..%2Fescaped_ps1_bargaining.ipynb").write_text(nbformat.writes(ctx.honest()))


def _symlinked_notebook(ctx: Context) -> None:
    folder = ctx.class_dir / "c_symlinked_notebook"
    folder.mkdir(parents=True, exist_ok=True)
    os.symlink(ctx.course_root / "source" / ASSIGNMENT / NOTEBOOK, folder / NOTEBOOK)


def _symlinked_folder(ctx: Context) -> None:
    ctx.class_dir.mkdir(parents=True, exist_ok=True)
    os.symlink(ctx.class_dir / "honest_1", ctx.class_dir / "c_symlinked_folder")


HONEST = ("honest_1", "honest_2", "honest_3")
HONEST_ZERO = {"honest_3": ("ps1_a2_test", "ps1_d2_test")}

CASES: list[Case] = [
    Case("t_test_deleted", _test_deleted, ("ps1_a2_test",), flag="test cell 'ps1_a2_test' was deleted"),
    Case("t_test_edited", _test_edited, ("ps1_a2_test",), flag="test cell 'ps1_a2_test' was edited"),
    Case("t_test_duplicated", _test_duplicated, ("ps1_a2_test",), flag="'ps1_a2_test' appears more than once"),
    Case("t_test_split", _test_split, ("ps1_b1_test",), flag="'ps1_b1_test' appears more than once"),
    Case("t_test_moved", _test_moved, (), flag="moved out of the assignment's order"),
    Case("t_test_to_markdown", _test_to_markdown, ("ps1_a2_test",), flag="test cell 'ps1_a2_test' was retyped"),
    Case("t_answer_to_markdown", _answer_to_markdown, (), flag="answer cell 'ps1_a2_answer' was retyped"),
    Case("t_answer_deleted", _answer_deleted, ("ps1_a2_test",), flag="answer cell 'ps1_a2_answer' was deleted"),
    Case("t_unknown_grade_id", _unknown_grade_id, (), flag="unknown grade id 'bonus'"),
    Case("t_points_changed", _points_changed, ("ps1_a2_test",), flag="had its points changed"),
    Case("t_always_equal", _always_equal, ("ps1_a1_test",), flag="defines __eq__"),
    Case("t_float_subclass", _float_subclass, ("ps1_a2_test",), flag="subclasses float"),
    Case("t_fake_numpy_number", _fake_numpy_number, ("ps1_b1_test",), flag="fakes a type's module"),
    Case("t_metaclass_eq", _metaclass_eq, ("ps1_a2_test",), flag="defines __eq__"),
    Case("t_patch_isclose", _patch_isclose, ("ps1_a2_test",), flag="patches module 'math'"),
    Case("t_patch_numpy", _patch_numpy, ("ps1_a2_test",), flag="patches module 'np'"),
    Case("t_patch_builtins", _patch_builtins, ("ps1_b1_test",), flag="patches module 'builtins'"),
    Case("t_shadow_type", _shadow_type, ("ps1_b2_test",), flag="rebinds the built-in name 'type'"),
    Case("t_patch_course_utils", _patch_course_utils, ("ps1_a2_test",), flag="patches module 'course_utils'"),
    Case("t_ast_transformer", _ast_transformer, ("ps1_a2_test",), flag="reaches into IPython"),
    Case("t_custom_exc", _custom_exc, ("ps1_a2_test",), flag="reaches into IPython"),
    Case("t_silent_traceback", _silent_traceback, ("ps1_a2_test",), flag="reaches into IPython"),
    Case("t_thread_repatch", _thread_repatch, ("ps1_a2_test",), flag="thread(s) the notebook started were stopped"),
    Case("t_env_branching", _env_branching, ("ps1_a2_test",), flag="reads environment variables"),
    Case("t_loop_answer", _loop_answer, ("ps1_a2_test",), flag="and was interrupted"),
    Case("t_loop_scratch", _loop_scratch, (), flag="and was interrupted"),
    Case("t_loop_unstoppable", _loop_unstoppable, (), flag="did not recover"),
    Case("t_sys_exit", _sys_exit, (), flag="tries to stop the kernel"),
    Case("t_os_exit", _os_exit, (), flag="the kernel died"),
    Case("t_kill_kernel", _kill_kernel, (), flag="the kernel died"),
    Case("t_memory_bomb", _memory_bomb, ("ps1_a2_test",), flag="ran out of memory"),
    Case("t_fork_bomb", _fork_bomb, (), flag="starts processes"),
    Case("t_big_print", _big_print, (), flag="printed output over"),
    Case("t_big_image", _big_image, (), flag="exceeded the size limit"),
    Case("t_write_gradebook", _write_gradebook, (), flag="writes files"),
    Case("t_delete_students", _delete_students, (), flag="deletes files"),
    Case("t_delete_source", _delete_source, (), flag="deletes files"),
    Case("t_read_source", _read_source, ("ps1_a2_test",), flag="runs code built at run time"),
    Case("t_network", _network, (), flag="opens network connections"),
    Case("t_symlink_in_folder", _symlink_in_folder, (), status="graded"),
    Case("c_invalid_json", _invalid_json, status="failed", flag="not valid JSON"),
    Case("c_nbformat3", _nbformat3, (), status="graded"),
    Case("c_empty_file", _empty_file, status="failed", flag="not a readable notebook"),
    Case("c_wrong_name", _wrong_name, status="skipped", flag="c_wrong_name/ps1.ipynb"),
    Case("c_extra_notebooks", _extra_notebooks, (), status="graded"),
    Case("zoë_ñ", _non_ascii_id, status="skipped", flag="zoë_ñ/ps1_bargaining.ipynb"),
    Case("x..%2F..%2Fescaped", _traversal_id, status="skipped", flag="x..%2F..%2Fescaped_ps1_bargaining.ipynb"),
    Case("c_symlinked_notebook", _symlinked_notebook, status="skipped", flag="symbolic link"),
    Case("c_symlinked_folder", _symlinked_folder, status="skipped", flag=""),
]


def build_class(ctx: Context, cases: list[Case] | None = None, honest: bool = True) -> list[Case]:
    """Write the honest students and the given cases (default: all) into ``ctx.class_dir``."""
    if honest:
        for sid in HONEST:
            if sid in HONEST_ZERO:
                _honest_partial(ctx, sid)
            else:
                _honest(ctx, sid)
    chosen = CASES if cases is None else cases
    for case in chosen:
        case.build(ctx)
    return chosen


def load_context(repo_root: Path, course_root: Path, class_dir: Path, port: int) -> Context:
    """A :class:`Context` on the repository's ps1 release and source."""
    release = nbformat.read(repo_root / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    source = nbformat.read(repo_root / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    return Context(release, source, course_root, class_dir, port)
