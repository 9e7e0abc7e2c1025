"""Rebuild a student's notebook from the instructor's source before it is graded.

A submission is untrusted: a student (or an accident) can delete, edit, duplicate, split, move or
retype the graded test cells, retype an answer cell, or invent cells that claim to be graded.
:func:`check_and_restore` takes the submission and the source notebook (solutions and hidden tests
included) and returns the notebook that will actually be executed. What each cell kind gets
(kinds as :mod:`course_utils.grading.cells` reads them from nbgrader's metadata):

* test, task and read-only cells (nbgrader's *locked* cells): the source's content and metadata,
  hidden tests and mark schemes included, in source order; ``### AUTOTEST`` lines are expanded
  the way nbgrader's release expands them (:mod:`course_utils.grading.autotest`);
* answer cells (autograded or manually graded, matched by ``grade_id``): the student's text, in
  the source's cell type; a missing answer gets the release's stub;
* unlocked cells that carry a ``grade_id`` but are none of the above: the student's text (as
  nbgrader keeps it), in the source's place and type;
* the student's own scratch cells (no recognised ``grade_id``): kept after the graded cell they
  followed in the submission, stripped of any nbgrader metadata;

plus a list of flags, each a one-line reason naming the cell and what was done about it. A
locked cell counts as edited only when it differs from what the release handed out (the release
shows tests without their hidden part and tasks without their mark scheme).

Nothing here executes student code; the sandbox does that.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from nbformat import NotebookNode

from course_utils.grading.cells import CellInfo, Kind, classify, grade_id, nbgrader_meta, source_text, valid_cells
from course_utils.grading.flags import name as quoted

__all__ = ["check_and_restore", "release_version", "cell_role", "suspicious_code"]

#: Roles a source cell can have, as used by :func:`cell_role` (kept for older callers; new code
#: uses :func:`course_utils.grading.cells.classify`).
TEST, ANSWER, LOCKED, FREE = "test", "answer", "locked", "free"


def cell_role(cell: NotebookNode) -> str:
    """Classify a source cell by its nbgrader metadata (coarser than :class:`~course_utils.grading.cells.Kind`).

    Returns
    -------
    str
        ``"answer"`` for a solution cell (autograded code or manually graded text), ``"test"``
        for a graded, non-solution cell (autograder tests), ``"locked"`` for any other cell with a
        ``grade_id`` (read-only instructions, tasks), ``"free"`` for a cell without one.
    """
    info = classify(cell)
    if info.grade_id is None:
        return FREE
    if info.is_answer:
        return ANSWER
    if info.kind is Kind.TEST:
        return TEST
    return LOCKED


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def release_version(source: NotebookNode) -> NotebookNode:
    """The student version of a source notebook, as nbgrader's release step makes it.

    Solutions are replaced by stubs, hidden tests and mark schemes removed (nbgrader's
    ``ClearSolutions``, ``ClearHiddenTests`` and ``ClearMarkScheme``), on a copy; the source is
    not changed. ``### AUTOTEST`` lines are left as they are: expand them first
    (:func:`course_utils.grading.autotest.expanded`) to compare with a real release.

    Parameters
    ----------
    source : NotebookNode
        The instructor's notebook.

    Returns
    -------
    NotebookNode
        A new notebook with the released cell contents.
    """
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions

    nb = copy.deepcopy(source)
    nb, _ = ClearSolutions().preprocess(nb, {})
    nb, _ = ClearHiddenTests().preprocess(nb, {})
    nb, _ = ClearMarkScheme().preprocess(nb, {})
    return nb


def _clean_scratch(cell: NotebookNode) -> NotebookNode:
    """A student's scratch cell without nbgrader metadata and without stale outputs."""
    new = copy.deepcopy(cell)
    new.setdefault("metadata", NotebookNode())
    new["metadata"].pop("nbgrader", None)
    if new.get("cell_type") == "code":
        new["outputs"] = []
        new["execution_count"] = None
    return new


def _as_type(text: str, template: NotebookNode) -> NotebookNode:
    """A copy of ``template`` (cell type, id, metadata) holding ``text`` and no outputs."""
    new = copy.deepcopy(template)
    new["source"] = text
    if new.get("cell_type") == "code":
        new["outputs"] = []
        new["execution_count"] = None
    new.pop("attachments", None)
    return new


def check_and_restore(
    submission: NotebookNode, source: NotebookNode
) -> tuple[NotebookNode, list[str]]:
    """Rebuild a submission on the source's graded skeleton and say what had to be repaired.

    Parameters
    ----------
    submission : NotebookNode
        The student's notebook, as read from their file (nbformat 4). Not modified.
    source : NotebookNode
        The instructor's source notebook with solutions and hidden tests. Not modified. Its
        ``### AUTOTEST`` lines are expanded here (see :mod:`course_utils.grading.autotest`; a
        grader that knows the file calls :func:`~course_utils.grading.autotest.prepare` first).

    Returns
    -------
    notebook : NotebookNode
        A new notebook ready to execute: the source's metadata, its locked cells (content and
        metadata from the source, hidden tests included) in source order, the student's answers
        in the answer cells, and the student's scratch cells after the graded cell they followed.
        All outputs are empty.
    flags : list of str
        One-line reasons, e.g. ``"test cell 'q1_tests' was deleted; restored"``. Empty for an
        untouched submission.
    """
    from course_utils.grading.autotest import expanded

    source, problems = expanded(source)
    flags: list[str] = list(problems)
    src_cells = [c for c in valid_cells(source) if grade_id(c)]
    kinds: dict[str, CellInfo] = {}
    for cell in src_cells:
        kinds.setdefault(grade_id(cell), classify(cell))  # type: ignore[arg-type]
    released = {grade_id(c): c for c in valid_cells(release_version(source)) if grade_id(c)}
    src_order = [grade_id(c) for c in src_cells]

    # Walk the submission once: the first cell claiming each known grade_id is that id's cell;
    # every other cell is scratch, attached to the last recognised graded cell before it.
    student: dict[str, NotebookNode] = {}
    scratch: dict[str | None, list[NotebookNode]] = {None: []}
    seen_order: list[str] = []
    anchor: str | None = None
    for cell in valid_cells(submission):
        gid = grade_id(cell)
        if gid is not None and gid in kinds:
            if gid in student:
                flags.append(f"{kinds[gid].label} appears more than once (duplicated or split); extra copy ignored")
                continue
            student[gid] = cell
            seen_order.append(gid)
            anchor = gid
            scratch.setdefault(gid, [])
            continue
        if gid is not None and classify(cell).kind is not Kind.REGULAR:
            flags.append(f"cell claims unknown grade id {quoted(gid)}; kept as an ungraded scratch cell")
        scratch[anchor].append(_clean_scratch(cell))

    expected_order = [g for g in src_order if g in student]
    if seen_order != expected_order:
        flags.append("graded cells were moved out of the assignment's order; source order restored")

    out_cells: list[NotebookNode] = list(scratch[None])
    done: set[str] = set()
    for cell in src_cells:
        gid = grade_id(cell)
        if gid is None or gid in done:
            continue
        done.add(gid)
        info = kinds[gid]
        theirs = student.get(gid)
        if info.is_answer:
            out_cells.append(_restore_answer(info, cell, theirs, released.get(gid), flags))
        elif info.locked:
            out_cells.append(_restore_locked(info, cell, theirs, released.get(gid), flags))
        else:
            out_cells.append(_keep_regular(cell, theirs, released.get(gid)))
        out_cells.extend(scratch.get(gid, []))

    nb = copy.deepcopy(source)
    nb["cells"] = out_cells
    _ensure_ids(nb["cells"])
    for cell in out_cells:
        if cell.get("cell_type") != "code" or classify(cell).locked:
            continue
        found = suspicious_code(source_text(cell))
        if found:
            gid = grade_id(cell)
            where = f"answer cell {quoted(gid)}" if gid else "a scratch cell"
            flags.append(f"suspicious code in {where}: {'; '.join(found)}")
    return nb, flags


# What a student's code may do to fool or harm the grader, by the names it touches. A hit is a
# flag for the instructor to look at, never a change of grade: the sandbox and the restored
# tests decide the grade.
_MODULE_PATCH = {"math", "cmath", "numpy", "np", "builtins", "operator", "course_utils", "sys",
                 "unittest", "nbgrader", "IPython", "ipykernel", "random", "_random"}
_CALLS = {
    "os._exit": "tries to stop the kernel", "sys.exit": "tries to stop the kernel",
    "exit": "tries to stop the kernel", "quit": "tries to stop the kernel",
    "os.kill": "sends signals to processes", "os.killpg": "sends signals to processes",
    "os.abort": "tries to stop the kernel",
    "os.fork": "starts processes", "os.system": "starts processes", "os.popen": "starts processes",
    "os.execv": "starts processes", "os.spawnl": "starts processes",
    "subprocess.run": "starts processes", "subprocess.Popen": "starts processes",
    "subprocess.call": "starts processes", "subprocess.check_output": "starts processes",
    "os.remove": "deletes files", "os.unlink": "deletes files", "os.rmdir": "deletes files",
    "shutil.rmtree": "deletes files", "shutil.move": "moves files", "os.rename": "moves files",
    "os.getenv": "reads environment variables", "setattr": "sets attributes dynamically",
    "sys._getframe": "inspects the caller's frame", "inspect.currentframe": "inspects the caller's frame",
    "inspect.stack": "inspects the caller's frame",
    "gc.get_objects": "searches the interpreter's objects", "gc.get_referrers": "searches the interpreter's objects",
    "sys.settrace": "installs a tracing hook", "sys.setprofile": "installs a tracing hook",
    "get_ipython": "reaches into IPython", "globals": None,
    "exec": "runs code built at run time", "eval": "runs code built at run time",
    "compile": "runs code built at run time", "__import__": "imports modules dynamically",
}
_MODULES = {
    "socket": "opens network connections", "urllib": "opens network connections",
    "http": "opens network connections", "requests": "opens network connections",
    "ctypes": "calls C code", "multiprocessing": "starts processes", "subprocess": "starts processes",
    "threading": "starts threads", "signal": "handles signals", "builtins": "touches the builtins",
    "importlib": "reloads modules", "gc": "searches the interpreter's objects",
}
_DUNDERS = {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__float__", "__int__",
            "__abs__", "__sub__", "__rsub__", "__bool__", "__index__", "__round__", "__hash__",
            "__instancecheck__", "__subclasscheck__", "__str__", "__repr__", "__format__"}
_BUILTIN_NAMES = {"type", "isinstance", "issubclass", "abs", "float", "int", "str", "round",
                  "callable", "globals", "AssertionError", "Exception", "print", "len", "bool",
                  "__builtins__", "__import__", "open", "range"}
_BASE_TYPES = {"float", "int", "str", "bool", "complex", "float64", "int64", "float32", "int32",
               "generic", "floating", "integer", "number"}
#: Names (a call, an attribute, or an import of that name) that install something which outlives
#: the cell that set it and runs in the middle of later code: a test's, in the same interpreter.
_HOOKS = {
    "sys.addaudithook": "installs an interpreter hook", "signal.signal": "installs an interpreter hook",
    "signal.setitimer": "installs an interpreter hook", "signal.alarm": "installs an interpreter hook",
    "gc.callbacks": "installs an interpreter hook", "sys.monitoring": "installs an interpreter hook",
    "sys.setswitchinterval": "installs an interpreter hook",
    "threading.settrace": "installs a tracing hook", "threading.setprofile": "installs a tracing hook",
    "sys.meta_path": "installs an import hook", "sys.path_hooks": "installs an import hook",
    "sys.path_importer_cache": "installs an import hook", "importlib._bootstrap": "installs an import hook",
    "importlib._bootstrap_external": "installs an import hook", "importlib.abc": "installs an import hook",
    "importlib.machinery": "installs an import hook",
    "sys._current_frames": "inspects the caller's frame", "inspect.getouterframes": "inspects the caller's frame",
    "inspect.trace": "inspects the caller's frame", "traceback.walk_stack": "inspects the caller's frame",
    "traceback.extract_stack": "inspects the caller's frame", "sys.modules.pop": "changes sys.modules",
}
#: Attributes that only frames, tracebacks, generators and coroutines have.
_FRAME_ATTRS = {"f_back", "f_globals", "f_locals", "f_builtins", "tb_frame", "gi_frame", "cr_frame"}
#: ctypes names that read or write raw memory (a type object's flags or slots, say).
_CTYPES_MEMORY = {"from_address", "from_buffer", "memmove", "memset", "cast", "pythonapi", "string_at",
                  "addressof", "PYFUNCTYPE", "CFUNCTYPE"}
#: Modules of the kernel's own machinery; importing them is reaching into IPython, and an
#: assignment to an attribute of something imported from them patches it.
_KERNEL_MODULES = ("ipykernel", "jupyter_client", "IPython.core", "IPython.terminal")
_BUILTIN_TYPES = {"float", "int", "str", "bool", "complex", "type", "object", "list", "dict", "tuple",
                  "set", "BaseException", "Exception", "AssertionError"}


#: Modules of IPython.core that ordinary notebooks import (to display, or to set
#: ``InteractiveShell.ast_node_interactivity``): importing them alone is no reason to look.
_ORDINARY_IMPORTS = ("IPython.core.display", "IPython.core.pylabtools", "IPython.core.interactiveshell")


def _is_kernel_module(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in _KERNEL_MODULES)


def _hook(name: str) -> str | None:
    """The reason for a dotted name that is, or lies under, one of :data:`_HOOKS`."""
    while name:
        if name in _HOOKS:
            return _HOOKS[name]
        name = name.rpartition(".")[0]
    return None


def _dotted(node: object) -> str:
    import ast

    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def suspicious_code(text: str) -> list[str]:
    """Name what a piece of student code does that could fool or harm the grader.

    The check is static (Python's ``ast``) and conservative: it reports module patching
    (``math.isclose = ...``), rebinding built-in names, always-equal or fake-number classes,
    frame and interpreter inspection, environment reads, exits and kills, processes, threads,
    network modules and file deletion; and what only matters when a test runs in the student's
    own interpreter: reaching into or patching IPython's machinery, changing an object's class,
    interpreter and import hooks, raw memory writes through ctypes, and code compiled under
    another file's name. It never decides a grade.

    Parameters
    ----------
    text : str
        The source of one code cell (IPython magics and shell escapes are ignored).

    Returns
    -------
    list of str
        Short, de-duplicated reasons in first-seen order; empty for ordinary code.
    """
    import ast

    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return []
    found: list[str] = []

    def add(reason: str | None) -> None:
        if reason and reason not in found:
            found.append(reason)

    # names bound to the kernel's machinery by this cell's imports (``from ipykernel.ipkernel
    # import IPythonKernel`` binds IPythonKernel)
    kernel_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            kernel_names.update((a.asname or a.name.split(".")[0]) for a in node.names
                                if _is_kernel_module(a.name))
        elif isinstance(node, ast.ImportFrom) and _is_kernel_module(node.module or ""):
            kernel_names.update(a.asname or a.name for a in node.names)

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                add(_MODULES.get(name.split(".")[0]))
                add(_hook(name))
                if _is_kernel_module(name) and name not in _ORDINARY_IMPORTS:
                    add(f"reaches into IPython (imports {name})")
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    add(_CALLS.get(f"{node.module}.{alias.name}"))
                    add(_hook(f"{node.module}.{alias.name}"))
                    if node.module == "ctypes" and alias.name in _CTYPES_MEMORY:
                        add("writes memory through ctypes")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            add(_CALLS.get(name))
            if name == "open" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) \
                    and any(ch in str(node.args[1].value) for ch in "wax+"):
                add("writes files")
            if name == "compile":
                where = node.args[1] if len(node.args) > 1 else next(
                    (k.value for k in node.keywords if k.arg == "filename"), None)
                if where is not None and not (isinstance(where, ast.Constant) and isinstance(where.value, str)
                                              and where.value.startswith("<")):
                    add("compiles code under another file's name")
            if name.endswith("setattr") and any(isinstance(a, ast.Constant) and a.value in ("__class__", "__bases__")
                                                for a in node.args):
                add("changes an object's class (__class__)")
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            add(_hook(dotted))
            if node.attr in _FRAME_ATTRS:
                add("inspects the caller's frame")
            if node.attr in _CTYPES_MEMORY and (dotted.startswith("ctypes.")
                                                 or node.attr in ("from_address", "from_buffer")):
                add("writes memory through ctypes")
            if dotted in ("os.environ", "os.environb"):
                add("reads environment variables")
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute):
                    base = _dotted(target).split(".")[0]
                    if base in _MODULE_PATCH:
                        add(f"patches module '{base}' ({_dotted(target)})")
                    if (base in kernel_names or base in ("IPython", "ipykernel", "jupyter_client")) \
                            and target.attr != "ast_node_interactivity":  # a common, harmless setting
                        add(f"patches IPython's machinery ({_dotted(target)})")
                    if base in _BUILTIN_TYPES and _dotted(target).count(".") == 1:
                        add(f"patches the built-in type '{base}' ({_dotted(target)})")
                    if target.attr == "__module__":
                        add("fakes a type's module (__module__)")
                    if target.attr in ("__class__", "__bases__"):
                        add(f"changes an object's class ({target.attr})")
                    if target.attr == "__import__":
                        add("installs an import hook (__import__)")
                elif isinstance(target, ast.Subscript) and _dotted(target.value) in ("sys.modules", "os.environ"):
                    add(f"changes {_dotted(target.value)}")
                elif isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) \
                        and target.slice.value in ("__import__", "__builtins__"):
                    add(f"installs an import hook ({target.slice.value})")
                elif isinstance(target, ast.Name) and target.id in _BUILTIN_NAMES:
                    add(f"rebinds the built-in name '{target.id}'")
                    if target.id in ("__import__", "__builtins__"):
                        add(f"installs an import hook ({target.id})")
                elif isinstance(target, ast.Name) and target.id == "__module__":
                    add("fakes a type's module (__module__)")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name in _DUNDERS:
                add(f"defines {node.name} (an object that can pass any comparison)")
            elif node.name in _BUILTIN_NAMES:
                add(f"rebinds the built-in name '{node.name}'")
        elif isinstance(node, ast.ClassDef):
            for parent in node.bases:
                if _dotted(parent).split(".")[-1] in _BASE_TYPES:
                    add(f"subclasses {_dotted(parent)} (a fake number or string)")
    return found


def _restore_answer(
    info: CellInfo,
    src: NotebookNode,
    theirs: NotebookNode | None,
    released: NotebookNode | None,
    flags: list[str],
) -> NotebookNode:
    # the release's cell is the template: the source's type and metadata, never the student's
    template = released if released is not None else src
    if theirs is None:
        flags.append(f"{info.label} was deleted; the empty stub was put back")
        return _as_type(source_text(template) if released is not None else "", template)
    if theirs.get("cell_type") != src.get("cell_type"):
        flags.append(
            f"{info.label} was retyped from {src.get('cell_type')} to "
            f"{quoted(theirs.get('cell_type'), 20)[1:-1]}; its type was restored"
        )
    return _as_type(source_text(theirs), template)


def _restore_locked(
    info: CellInfo,
    src: NotebookNode,
    theirs: NotebookNode | None,
    released: NotebookNode | None,
    flags: list[str],
) -> NotebookNode:
    """A test, task or read-only cell: always the source's; flagged when the student changed
    what the release handed out."""
    label = info.label if info.kind is not Kind.LOCKED else f"locked cell '{info.grade_id}'"
    if theirs is None:
        flags.append(f"{label} was deleted; restored")
    elif theirs.get("cell_type") != src.get("cell_type"):
        flags.append(
            f"{label} was retyped from {src.get('cell_type')} to "
            f"{quoted(theirs.get('cell_type'), 20)[1:-1]}; restored"
        )
    elif released is not None and _normalise(source_text(theirs)) != _normalise(source_text(released)):
        flags.append(f"{label} was edited; restored")
    elif (info.kind in (Kind.TEST, Kind.TASK)
          and nbgrader_meta(theirs).get("points") != nbgrader_meta(src).get("points")):
        flags.append(f"{label} had its points changed; restored")
    return _as_type(source_text(src), src)


def _keep_regular(src: NotebookNode, theirs: NotebookNode | None, released: NotebookNode | None) -> NotebookNode:
    """An unlocked cell with a grade id (neither answer nor locked): nbgrader keeps the
    student's text, in the source's type and metadata; a deleted one gets the release's."""
    template = released if released is not None else src
    if theirs is None:
        return _as_type(source_text(template), template)
    return _as_type(source_text(theirs), template)


def _ensure_ids(cells: Iterable[NotebookNode]) -> None:
    """Give every cell a unique nbformat 4.5 id (scratch cells may repeat or lack one)."""
    seen: set[str] = set()
    for i, cell in enumerate(cells):
        cid = cell.get("id")
        if not isinstance(cid, str) or not cid or cid in seen:
            cid = f"cell-{i}"
            while cid in seen:
                cid += "x"
            cell["id"] = cid
        seen.add(cid)
